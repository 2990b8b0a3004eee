"""Benchmark 2: SearchProfiles (one hit) on a domain of 100 profiles and of 100,000.

The index makes a search cost the same however many profiles the domain holds; the
ratio of the medians shows it (target <= 1.2). Domains are seeded through the backend.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import interleaved, table  # noqa: E402

import cp_mock  # noqa: E402


def seed(backend: cp_mock.CustomerProfilesBackend, name: str, count: int) -> None:
    backend.create_domain(domain_name=name, default_expiration_days=30)
    for n in range(count):
        backend.create_profile(domain_name=name, phone_number=f"+1555{n:07d}",
                               first_name="Pat", last_name=f"Lee{n}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--large", type=int, default=100_000)
    args = parser.parse_args()
    with cp_mock.mock_customerprofiles():
        backend = cp_mock.get_backend()
        seed(backend, "small", 100)
        seed(backend, "large", args.large)
        client = boto3.client("customer-profiles", region_name="us-east-1")

        def search(domain: str, phone: str) -> None:
            found = client.search_profiles(DomainName=domain, KeyName="_phone", Values=[phone])
            assert len(found["Items"]) == 1

        medians = interleaved({
            "small": lambda: search("small", "+15550000042"),
            "large": lambda: search("large", f"+1555{args.large // 2:07d}"),
        }, rounds=15, batch=30)  # fmt: skip
    rows = [("100 profiles", f"{medians['small'] * 1e6:.0f}"),
            (f"{args.large:,} profiles", f"{medians['large'] * 1e6:.0f}")]  # fmt: skip
    print(f"Benchmark 2: SearchProfiles, one hit, median microseconds "
          f"(ratio {medians['large'] / medians['small']:.2f}, target <= 1.2)")  # fmt: skip
    print(table(rows, ("domain", "median us")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
