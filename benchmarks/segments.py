"""Benchmark 6: segments at scale.

a. GetSegmentMembership for 100 ids in a domain of 100,000 profiles against the same call
   in a domain of 1,000 (target: <= 1.2x: the cost follows the ids asked about).
b. An estimate of a one-dimension segment over 100,000 profiles against 1,000 (target:
   <= 100x, linear at worst), with its time per profile.

Profiles are seeded straight through the backend (the same state CreateProfile makes);
the timed calls go through boto3.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import interleaved, table  # noqa: E402

import cp_mock  # noqa: E402
from cp_mock.models.profiles.profiles import store_new_profile  # noqa: E402

CITIES = ("Lyon", "Paris", "Nice", "Lille")
LYON = {
    "Include": "ALL",
    "Groups": [{"Dimensions": [{"ProfileAttributes": {
        "Address": {"City": {"DimensionType": "INCLUSIVE", "Values": ["Lyon"]}}}}]}],
}  # fmt: skip


def seed(client: Any, domain: str, count: int) -> list[str]:
    client.create_domain(DomainName=domain, DefaultExpirationDays=30)
    client.create_segment_definition(DomainName=domain, SegmentDefinitionName="lyon",
                                     DisplayName="Lyon", SegmentGroups=LYON)  # fmt: skip
    backend = cp_mock.get_backend()
    state = backend.get_domain_state(domain)
    return [
        store_new_profile(
            state, {"FirstName": f"p{n}", "Address": {"City": CITIES[n % len(CITIES)]}}
        )["ProfileId"]
        for n in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    arguments = parser.parse_args()
    with cp_mock.mock_customerprofiles():
        client = boto3.client("customer-profiles", region_name="us-east-1")
        small_ids = seed(client, "small", arguments.small)
        large_ids = seed(client, "large", arguments.large)

        def membership(domain: str, ids: list[str]) -> Any:
            return lambda: client.get_segment_membership(
                DomainName=domain, SegmentDefinitionName="lyon", ProfileIds=ids[:100]
            )

        def estimate(domain: str) -> Any:
            return lambda: client.create_segment_estimate(DomainName=domain, SegmentQuery=LYON)

        asked = interleaved(
            {"small": membership("small", small_ids), "large": membership("large", large_ids)},
            rounds=7, batch=20,
        )  # fmt: skip
        estimated = interleaved(
            {"small": estimate("small"), "large": estimate("large")}, rounds=5, batch=1
        )
    rows = [
        ("6a. GetSegmentMembership, 100 ids", f"{asked['small'] * 1e3:.2f} ms",
         f"{asked['large'] * 1e3:.2f} ms", f"{asked['large'] / asked['small']:.2f}x", "1.2x"),
        ("6b. CreateSegmentEstimate, one dimension", f"{estimated['small'] * 1e3:.1f} ms",
         f"{estimated['large'] * 1e3:.1f} ms",
         f"{estimated['large'] / estimated['small']:.1f}x", "100x"),
    ]  # fmt: skip
    header = ("benchmark", f"{arguments.small:,} profiles", f"{arguments.large:,} profiles",
              "ratio", "target")  # fmt: skip
    print(table(rows, header))
    per_profile = estimated["large"] / arguments.large
    print(f"\nan estimate costs {per_profile * 1e6:.2f} µs per profile at {arguments.large:,}")


if __name__ == "__main__":
    main()
