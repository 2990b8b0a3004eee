"""Benchmark: calculated attributes are kept as objects arrive, not recomputed on each read.

1. GetCalculatedAttributeForProfile on a profile holding 10,000 objects against one holding
   10, for every statistic, without a Range (target <= 1.2) and with one (target <= 2).
2. PutProfileObject of a type that five definitions read, against a type none reads
   (target <= 1.15).
Both sides run in this process, interleaved, through a boto3 client under the mock.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path
from typing import Any

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import interleaved, table  # noqa: E402

import cp_mock  # noqa: E402

STATISTICS = ("FIRST_OCCURRENCE", "LAST_OCCURRENCE", "COUNT", "SUM", "MINIMUM", "MAXIMUM",
              "AVERAGE", "MAX_OCCURRENCE", "RECENT_OCCURRENCES")  # fmt: skip
DOMAIN = "bench"


def object_type(client: Any, name: str) -> None:
    client.put_profile_object_type(
        DomainName=DOMAIN, ObjectTypeName=name, Description=name, AllowProfileCreation=True,
        Fields={"id": {"Source": "_source.id"}, "phone": {"Source": "_source.phone"},
                "amount": {"Source": "_source.amount"}, "channel": {"Source": "_source.channel"}},
        Keys={"orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
              "_phone": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["phone"]}]},
    )  # fmt: skip


def define(client: Any, name: str, type_name: str, statistic: str, **extra: Any) -> None:
    field = "channel" if statistic in ("MAX_OCCURRENCE", "RECENT_OCCURRENCES") else "amount"
    client.create_calculated_attribute_definition(
        DomainName=DOMAIN, CalculatedAttributeName=name, Statistic=statistic,
        AttributeDetails={"Attributes": [{"Name": field}],
                          "Expression": f"{{{type_name}.{field}}}"},
        **extra,
    )  # fmt: skip


def seed(phone: str, count: int) -> None:
    """``count`` Order objects on the profile of ``phone``, put straight into the backend."""
    backend = cp_mock.get_backend()
    for i in range(count):
        document = {"id": f"{phone}-{i}", "phone": phone, "amount": i % 97,
                    "channel": ("web", "phone", "chat")[i % 3]}  # fmt: skip
        backend.put_profile_object(DOMAIN, "Order", json.dumps(document))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--batch", type=int, default=40)
    parser.add_argument("--objects", type=int, default=10_000)
    args = parser.parse_args()
    rows = []
    with cp_mock.mock_customerprofiles():
        client = boto3.client("customer-profiles", region_name="us-east-1")
        client.create_domain(DomainName=DOMAIN, DefaultExpirationDays=30)
        for type_name in ("Order", "Plain", "Read"):
            object_type(client, type_name)
        for statistic in STATISTICS:
            define(client, statistic.lower(), "Order", statistic)
            define(client, f"{statistic.lower()}_30", "Order", statistic,
                   Conditions={"Range": {"Value": 30, "Unit": "DAYS"}})  # fmt: skip
        seed("+15550010", 10)
        seed("+15550020", args.objects)

        def profile(phone: str) -> str:
            found = client.search_profiles(DomainName=DOMAIN, KeyName="_phone", Values=[phone])
            return str(found["Items"][0]["ProfileId"])

        small, large = profile("+15550010"), profile("+15550020")
        for statistic in STATISTICS:
            for suffix, label in (("", "no Range"), ("_30", "Range 30 days")):
                name = statistic.lower() + suffix

                def get(profile_id: str, name: str = name) -> Any:
                    return client.get_calculated_attribute_for_profile(
                        DomainName=DOMAIN, ProfileId=profile_id, CalculatedAttributeName=name
                    )

                medians = interleaved({"10": lambda: get(small), "many": lambda: get(large)},
                                      rounds=args.rounds, batch=args.batch)  # fmt: skip
                rows.append((f"Get {statistic} ({label})", f"{medians['10'] * 1e6:.0f}",
                             f"{medians['many'] * 1e6:.0f}",
                             f"{medians['many'] / medians['10']:.2f}",
                             "1.2" if not suffix else "2"))  # fmt: skip

        for i, statistic in enumerate(("SUM", "COUNT", "LAST_OCCURRENCE", "MAX_OCCURRENCE",
                                       "AVERAGE")):  # fmt: skip
            define(client, f"read_{i}", "Read", statistic)
        ids = itertools.count()

        def put(type_name: str) -> Any:
            document = {"id": f"p-{next(ids)}", "phone": "+15550030", "amount": 5,
                        "channel": "web"}  # fmt: skip
            return client.put_profile_object(DomainName=DOMAIN, ObjectTypeName=type_name,
                                             Object=json.dumps(document))  # fmt: skip

        medians = interleaved({"none": lambda: put("Plain"), "five": lambda: put("Read")},
                              rounds=args.rounds, batch=args.batch)  # fmt: skip
        rows.append(("PutProfileObject read by 5 definitions", f"{medians['none'] * 1e6:.0f}",
                     f"{medians['five'] * 1e6:.0f}", f"{medians['five'] / medians['none']:.2f}",
                     "1.15"))  # fmt: skip
    print(f"Calculated attributes: median per call, microseconds; {args.objects} objects "
          "against 10, and a type five definitions read against one none reads")  # fmt: skip
    print(table(rows, ("call", "baseline us", "measured us", "ratio", "target")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
