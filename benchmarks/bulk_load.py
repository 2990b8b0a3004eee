"""Benchmark 4: bulk loading profiles, through the backend API and through boto3.

Prints time and peak traced memory per profile (target for the backend API: 100,000
profiles in at most 2 s, at most 1.5 KB each). boto3 loads fewer (--boto3-count) since
each is a full request; PutProfileObject is timed the same way.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
import tracemalloc
from pathlib import Path

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import table  # noqa: E402

import cp_mock  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--boto3-count", type=int, default=2_000)
    args = parser.parse_args()
    rows = []
    with cp_mock.mock_customerprofiles():
        backend = cp_mock.get_backend()

        def load(domain: str, count: int) -> float:
            backend.create_domain(domain_name=domain, default_expiration_days=30)
            start = time.perf_counter()
            for n in range(count):
                backend.create_profile(domain_name=domain, first_name="Pat",
                                       last_name=f"Lee{n}", phone_number=f"+1555{n:07d}",
                                       email_address=f"pat{n}@example.com")  # fmt: skip
            return time.perf_counter() - start

        seconds = load("bulk", args.count)
        # Memory is traced on a second load (tracing slows the first ten-fold); what a
        # profile costs does not depend on how many there are.
        traced = min(args.count, 20_000)
        gc.collect()
        tracemalloc.start()
        load("bulk-traced", traced)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rows.append((f"backend API, {args.count:,} profiles", f"{seconds:.2f}",
                     f"{seconds / args.count * 1e6:.1f}", f"{peak / traced:.0f}"))  # fmt: skip

        client = boto3.client("customer-profiles", region_name="us-east-1")
        client.create_domain(DomainName="viaboto3", DefaultExpirationDays=30)
        start = time.perf_counter()
        for n in range(args.boto3_count):
            client.create_profile(DomainName="viaboto3", FirstName="Pat",
                                  PhoneNumber=f"+1666{n:07d}")  # fmt: skip
        seconds = time.perf_counter() - start
        rows.append((f"boto3 CreateProfile, {args.boto3_count:,}", f"{seconds:.2f}",
                     f"{seconds / args.boto3_count * 1e6:.0f}", "-"))  # fmt: skip
        client.put_profile_object_type(
            DomainName="viaboto3", ObjectTypeName="Order", Description="orders",
            AllowProfileCreation=True,
            Fields={"id": {"Source": "_source.id"}, "phone": {"Source": "_source.phone",
                    "Target": "_profile.PhoneNumber"}},
            Keys={"orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
                  "_phone": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["phone"]}]},
        )  # fmt: skip
        start = time.perf_counter()
        for n in range(args.boto3_count):
            client.put_profile_object(DomainName="viaboto3", ObjectTypeName="Order",
                                      Object=json.dumps({"id": f"o{n}",
                                                         "phone": f"+1777{n:07d}"}))  # fmt: skip
        seconds = time.perf_counter() - start
        rows.append((f"boto3 PutProfileObject (new profile each), {args.boto3_count:,}",
                     f"{seconds:.2f}", f"{seconds / args.boto3_count * 1e6:.0f}", "-"))  # fmt: skip
    print("Benchmark 4: bulk load (target: backend API 100,000 in <= 2 s, <= 1,536 B each)")
    print(table(rows, ("load", "seconds", "us per profile", "peak bytes per profile")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
