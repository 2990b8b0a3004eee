"""Benchmark 4: bulk loading profiles, through the backend API and through boto3.

Prints time and peak traced memory per profile (target for the backend API: 100,000
profiles in at most 2 s, at most 1,300 bytes each). boto3 loads fewer (--boto3-count) since
each is a full request; PutProfileObject is timed the same way. Last, many objects are put
on one profile (--objects), to show a put costs the same however many the profile holds.
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
    parser.add_argument("--objects", type=int, default=20_000)
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
    print("Benchmark 4: bulk load (target: backend API 100,000 in <= 2 s, <= 1,300 B each)")
    print(table(rows, ("load", "seconds", "us per profile", "peak bytes per profile")))
    print()
    print(objects_on_one_profile(args.objects))
    return 0


def objects_on_one_profile(count: int) -> str:
    """A CRM sync's shape: many objects for one customer. Each put (and each replace of an
    object already there) should cost the same whether the profile holds ten objects or
    tens of thousands: the first and last tenth of the puts are timed, and their ratio."""
    tenth = max(count // 10, 1)
    with cp_mock.mock_customerprofiles():
        backend = cp_mock.get_backend()
        backend.create_domain(domain_name="orders", default_expiration_days=30)
        backend.put_profile_object_type(
            domain_name="orders", object_type_name="Order", description="orders",
            fields={"id": {"Source": "_source.id"}, "phone": {"Source": "_source.phone"}},
            keys={"orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
                  "_phone": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["phone"]}]},
            allow_profile_creation=True,
        )  # fmt: skip

        def put(n: int) -> None:
            body = json.dumps({"id": f"o{n}", "phone": "+15550100"})
            backend.put_profile_object(domain_name="orders", object_type_name="Order",
                                       object=body)  # fmt: skip

        def timed(numbers: range) -> float:
            gc.collect()  # each window starts with no collection owed by the one before
            start = time.perf_counter()
            for n in numbers:
                put(n)
            return (time.perf_counter() - start) / len(numbers)

        first = timed(range(tenth))
        for n in range(tenth, count - tenth):
            put(n)
        last = timed(range(count - tenth, count))
        replace = timed(range(tenth))  # the same objects again: each replaces its old self
    rows = [
        (f"first {tenth:,} puts", f"{first * 1e6:.1f}"),
        (f"last {tenth:,} puts (profile holds {count - tenth:,})", f"{last * 1e6:.1f}"),
        (f"{tenth:,} replaces (profile holds {count:,})", f"{replace * 1e6:.1f}"),
    ]
    return (
        f"Objects on one profile, backend API: us per put (last / first {last / first:.2f}, "
        f"replace / first {replace / first:.2f}; flat is about 1)\n"
        + table(rows, ("puts", "us per put"))
    )


if __name__ == "__main__":
    sys.exit(main())
