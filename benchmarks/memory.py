"""Benchmark 10: memory close to the data (``python benchmarks/memory.py``).

What the backend holds for each object and each profile, traced by tracemalloc over many
writes through the backend API (so one write's share of a container's growth counts too):
- an object put with PutProfileObject, on profiles of their own and on one busy profile,
  its JSON included (target: at most 3x its JSON plus 200 bytes). A put that makes its
  profile leaves an object and a profile, so that row's target is the object's plus the
  profile's (800 bytes);
- a profile made with CreateProfile (target: at most 800 bytes), beside the bytes of the
  values it was given.
Everything the write leaves behind counts: the stored object or profile, its keys in the
search index, its history record, its expiry entry.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import table  # noqa: E402

import cp_mock  # noqa: E402

OBJECT_TARGET = (3, 200)  # bytes <= 3 x its JSON + 200
PROFILE_TARGET = 800


def traced(count: int, write: Callable[[int], None], made: Callable[[int], object]) -> float:
    """Bytes held after ``count`` writes, a write; what each is given (``made``) is built
    before tracing starts, so the caller's own values are not counted."""
    given = [made(n) for n in range(count)]
    gc.collect()
    tracemalloc.start()
    for n in range(count):
        write(n)
    held, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del given
    return held / count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=20_000)
    args = parser.parse_args()
    count = args.count
    rows = []
    with cp_mock.mock_customerprofiles():
        backend = cp_mock.get_backend()
        phones = (("own", lambda n: f"+1555{n:07d}"), ("busy", lambda n: "+15550100"))
        for domain, phone_of in phones:
            backend.create_domain(domain_name=domain, default_expiration_days=30)
            backend.put_profile_object_type(
                domain_name=domain, object_type_name="Order", description="orders",
                allow_profile_creation=True,
                fields={"id": {"Source": "_source.id"}, "phone": {"Source": "_source.phone"},
                        "total": {"Source": "_source.total"}},
                keys={"orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
                      "_phone": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["phone"]}]},
            )  # fmt: skip
            bodies = [
                json.dumps({"id": f"order-{n:08d}", "phone": phone_of(n), "total": "123.45"})
                for n in range(count)
            ]
            if domain == "busy":  # the profile exists, with objects, before tracing
                for n in range(100):
                    backend.put_profile_object(
                        domain_name=domain, object_type_name="Order",
                        object=json.dumps({"id": f"warm-{n}", "phone": "+15550100"}),
                    )  # fmt: skip
            size = sum(len(b) for b in bodies) / count

            def put(n: int, domain: str = domain, bodies: list[str] = bodies) -> None:
                backend.put_profile_object(
                    domain_name=domain, object_type_name="Order", object=bodies[n]
                )

            held = traced(count, put, lambda n, bodies=bodies: bodies[n]) + size  # (and its JSON)
            target = OBJECT_TARGET[0] * size + OBJECT_TARGET[1]
            if domain == "own":  # each put makes a profile too: its target is added
                target += PROFILE_TARGET
            where = "a profile each (made by the put)" if domain == "own" else "one busy profile"
            ratio = f"{held / target:.2f}"
            rows.append((f"object of {size:.0f} B JSON, {where}", f"{held:,.0f}",
                         f"{held / size:.1f}x", f"{target:,.0f}", ratio))  # fmt: skip

        backend.create_domain(domain_name="people", default_expiration_days=30)
        values = [
            (f"Lee{n}", f"+1555{n:07d}", f"pat{n}@example.com") for n in range(count)
        ]  # fmt: skip

        def create(n: int) -> None:
            last, phone, email = values[n]
            backend.create_profile(domain_name="people", first_name="Pat", last_name=last,
                                   phone_number=phone, email_address=email)  # fmt: skip

        held = traced(count, create, lambda n: None)
        given = sum(sys.getsizeof(v) for v in values[0])
        rows.append((f"profile (its values {given} B, made before tracing)", f"{held:,.0f}",
                     "-", f"{PROFILE_TARGET:,}", f"{held / PROFILE_TARGET:.2f}"))  # fmt: skip
    print(f"Benchmark 10: memory a write leaves behind, traced over {count:,} writes "
          "(target: an object <= 3x its JSON + 200 B; a profile <= 800 B)")  # fmt: skip
    print(table(rows, ("what", "bytes each", "x its JSON", "target bytes", "measured / target")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
