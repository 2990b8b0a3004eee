"""The state file: its size, and the time to dump and load it, for a domain of 10,000
profiles with one object each (and, for the ratio, the same profiles without objects).

``python benchmarks/state_dump.py [--count N] [--rounds R]`` prints, for each state, the
JSON's size and the median seconds of ``dump_state`` (with ``json.dumps``) and of
``load_state`` (with ``json.loads``) over the rounds. Only the public API is used, so the
same script measures any version of cp_mock.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import table  # noqa: E402

import cp_mock  # noqa: E402


def seed(count: int, with_objects: bool) -> None:
    backend = cp_mock.get_backend()
    backend.create_domain(domain_name="bench", default_expiration_days=30)
    backend.put_profile_object_type(
        domain_name="bench", object_type_name="Order", description="orders",
        fields={"id": {"Source": "_source.id"}, "email": {"Source": "_source.email"},
                "amount": {"Source": "_source.amount"}},
        keys={"orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
              "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}]},
    )  # fmt: skip
    for n in range(count):
        email = f"pat{n}@example.com"
        backend.create_profile(domain_name="bench", first_name="Pat", last_name=f"Lee{n}",
                               phone_number=f"+1555{n:07d}", email_address=email)  # fmt: skip
        if with_objects:
            body = {"id": f"o-{n}", "email": email, "amount": n % 500, "note": "first order"}
            backend.put_profile_object(
                domain_name="bench", object_type_name="Order", object=json.dumps(body)
            )


def measure(rounds: int) -> tuple[int, float, float]:
    dumps, loads = [], []
    text = ""
    for _ in range(rounds):
        start = time.perf_counter()
        text = json.dumps(cp_mock.dump_state())
        dumps.append(time.perf_counter() - start)
        start = time.perf_counter()
        cp_mock.load_state(json.loads(text))
        loads.append(time.perf_counter() - start)
    return len(text.encode()), statistics.median(dumps), statistics.median(loads)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rows = []
    sizes = {}
    for with_objects in (True, False):
        with cp_mock.mock_customerprofiles():
            seed(args.count, with_objects)
            size, dump_seconds, load_seconds = measure(args.rounds)
        label = f"{args.count:,} profiles" + (", one object each" if with_objects else "")
        sizes[with_objects] = size
        rows.append((label, f"{size / 1e6:.2f}", f"{size / args.count:.0f}",
                     f"{dump_seconds:.2f}", f"{load_seconds:.2f}"))  # fmt: skip
    print(table(rows, ("state", "MB", "bytes/profile", "dump s", "load s")))
    print(f"size with objects / without: {sizes[True] / sizes[False]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
