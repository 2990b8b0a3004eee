"""Benchmark 11: re-ingesting a standard record on a profile that holds many.

An object type whose fields target the standard order (``_order.Status``), keyed by its
order id (UNIQUE and ORDER): each new id makes an order record on the customer's profile,
and putting an id again writes to the record it made. That put finds its record by the
identifying key's value; it should cost the same whether the profile holds 50 records or
5,000. Both profiles are filled through the backend API, then the re-puts are timed
alternately, batch by batch (benchmarks/_timing.py): the ratio is printed (flat is about 1).
"""

from __future__ import annotations

import argparse
import json
import sys
from itertools import count
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import interleaved, table  # noqa: E402

import cp_mock  # noqa: E402


def fill(backend: Any, domain: str, records: int) -> None:
    backend.create_domain(domain_name=domain, default_expiration_days=30)
    backend.put_profile_object_type(
        domain_name=domain, object_type_name="Purchase", description="purchases",
        fields={"id": {"Source": "_source.id"},
                "status": {"Source": "_source.status", "Target": "_order.Status"},
                "email": {"Source": "_source.email", "Target": "_profile.EmailAddress"}},
        keys={"orderId": [{"StandardIdentifiers": ["UNIQUE", "ORDER"], "FieldNames": ["id"]}],
              "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}]},
        allow_profile_creation=True,
    )  # fmt: skip
    for n in range(records):
        put(backend, domain, f"o{n}", "OPEN")


def put(backend: Any, domain: str, order_id: str, status: str) -> None:
    body = json.dumps({"id": order_id, "status": status, "email": "pat@example.com"})
    backend.put_profile_object(domain_name=domain, object_type_name="Purchase", object=body)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--many", type=int, default=5_000)
    parser.add_argument("--few", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--batch", type=int, default=200)
    args, _ = parser.parse_known_args()  # (run_all.py passes every script the same flags)
    with cp_mock.mock_customerprofiles():
        backend = cp_mock.get_backend()
        fill(backend, "many", args.many)
        fill(backend, "few", args.few)
        statuses = count()

        def re_put(domain: str) -> None:  # the record in the middle, its status changed
            put(backend, domain, "o25", f"S{next(statuses)}")

        timings = interleaved(
            {"many": lambda: re_put("many"), "few": lambda: re_put("few")},
            rounds=args.rounds,
            batch=args.batch,
        )
        for domain, records in (("many", args.many), ("few", args.few)):
            profile_id = backend.search_profiles(
                domain_name=domain, key_name="_email", values=["pat@example.com"]
            )["Items"][0]["ProfileId"]
            held = backend.list_profile_objects(
                domain_name=domain, object_type_name="_order", profile_id=profile_id
            )["Items"]
            assert len(held) == records, (domain, len(held))  # one record an order id
    many, few = timings["many"], timings["few"]
    rows = [
        (f"profile holding {args.many:,} order records", f"{many * 1e6:.1f}"),
        (f"profile holding {args.few:,} order records", f"{few * 1e6:.1f}"),
    ]
    print(
        f"Benchmark 11: re-ingesting one standard record, backend API: us per put "
        f"({args.many:,} / {args.few:,}: {many / few:.2f}; flat is about 1)"
    )
    print(table(rows, ("profile", "us per re-put")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
