"""Benchmark 1: the cost of one call through cp_mock, against the floor of any mock that
sits behind botocore.

The floor is a ``before-send`` handler returning a canned response: the client still
validates, serializes, signs and parses, and nothing serves the request. Each operation
runs three ways, interleaved, in this process, on two clients made alike: through the
floor; through the mock as a plain client meets it (the direct door, answering at
``before-call``, so below 1 is possible: botocore's signing, sending and parsing of a raw
response are skipped, see ``cp_mock/direct.py``); and through the mock's HTTP door, the
way a client that something watches at the HTTP layer is answered. moto's own ratio for a
comparable rest-json operation it ships (connect ListInstances) is printed as the peer.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse
from moto.core.models import botocore_stubber

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import interleaved, table  # noqa: E402

import cp_mock  # noqa: E402
from cp_mock import direct  # noqa: E402


class Floor:
    """A before-send handler that answers every request with a canned body while on."""

    def __init__(self, body: dict[str, Any]) -> None:
        self.body = json.dumps(body).encode()
        self.on = False

    def __call__(self, request: Any, **_: Any) -> AWSResponse | None:
        if not self.on:
            return None  # let the mock answer

        class Raw:
            def __init__(self, body: bytes) -> None:
                self.body = body

            def stream(self, **_: Any) -> Any:
                yield self.body

        return AWSResponse(request.url, 200, {"Content-Type": "application/json"}, Raw(self.body))  # type: ignore[arg-type]


def medians_for(
    service: str, call: Any, canned: dict[str, Any], rounds: int, batch: int
) -> dict[str, float]:
    """Median seconds per call through the floor, through the mock as a plain client meets
    it, and through the mock's HTTP door: ``call(client)`` on two clients made alike, one
    of which has the floor's handler (a handler on ``before-send`` is itself something
    that watches the HTTP layer, so the direct door leaves that client alone)."""
    mocked = boto3.client(service, region_name="us-east-1")
    floored = boto3.client(service, region_name="us-east-1")
    floor = Floor(canned)
    floored.meta.events.register_first("before-send", floor)
    call(mocked)  # check the mock answers before timing it

    def through_floor() -> None:
        # botocore runs every before-send handler (it keeps the first response), so
        # moto's stubber is switched off while the floor answers.
        floor.on, botocore_stubber.enabled = True, False
        call(floored)
        floor.on, botocore_stubber.enabled = False, True

    def through_http_door() -> None:
        direct.enabled = False
        call(mocked)
        direct.enabled = True

    candidates = {"floor": through_floor, "mock": lambda: call(mocked)}
    if service == "customer-profiles":
        candidates["http"] = through_http_door
    return interleaved(candidates, rounds=rounds, batch=batch)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=31)
    parser.add_argument("--batch", type=int, default=40)
    args = parser.parse_args()
    rows = []
    with cp_mock.mock_customerprofiles():
        client = boto3.client("customer-profiles", region_name="us-east-1")
        domain = client.create_domain(DomainName="bench", DefaultExpirationDays=30)
        profile_id = client.create_profile(DomainName="bench", PhoneNumber="+15550100")["ProfileId"]
        client.put_profile_object_type(
            DomainName="bench", ObjectTypeName="Order", Description="orders",
            Fields={"id": {"Source": "_source.id"}, "phone": {"Source": "_source.phone"}},
            Keys={"orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
                  "_phone": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["phone"]}]},
        )  # fmt: skip
        found = client.search_profiles(DomainName="bench", KeyName="_phone", Values=["+15550100"])
        order = json.dumps({"id": "o-1", "phone": "+15550100", "total": 10})
        cases = {
            "GetDomain": (lambda c: c.get_domain(DomainName="bench"),
                          {k: v for k, v in domain.items() if k != "ResponseMetadata"}
                          | {"CreatedAt": 1.0, "LastUpdatedAt": 1.0}),
            "SearchProfiles (one hit)": (
                lambda c: c.search_profiles(DomainName="bench", KeyName="_phone",
                                               Values=["+15550100"]),
                {"Items": [{"ProfileId": profile_id, "PhoneNumber": "+15550100"}]}),
            "PutProfileObject": (
                lambda c: c.put_profile_object(DomainName="bench", ObjectTypeName="Order",
                                                  Object=order),
                {"ProfileObjectUniqueKey": "k"}),
        }  # fmt: skip
        assert found["Items"]
        for name, (call, canned) in cases.items():
            medians = medians_for("customer-profiles", call, canned, args.rounds, args.batch)
            floor = medians["floor"]
            for door, label in (("mock", name), ("http", f"{name}, HTTP door")):
                rows.append(
                    (
                        f"cp_mock {label}",
                        f"{floor * 1e6:.0f}",
                        f"{medians[door] * 1e6:.0f}",
                        f"{medians[door] / floor:.2f}",
                    )
                )
        connect = boto3.client("connect", region_name="us-east-1")
        connect.create_instance(IdentityManagementType="CONNECT_MANAGED", InboundCallsEnabled=True,
                                OutboundCallsEnabled=True)  # fmt: skip
        listed = connect.list_instances()
        canned = {
            "InstanceSummaryList": [
                {"Id": i["Id"], "Arn": i["Arn"]} for i in listed["InstanceSummaryList"]
            ]
        }
        medians = medians_for(
            "connect", lambda c: c.list_instances(), canned, args.rounds, args.batch
        )
        floor, mock = medians["floor"], medians["mock"]
        rows.append(
            (
                "moto connect ListInstances (peer)",
                f"{floor * 1e6:.0f}",
                f"{mock * 1e6:.0f}",
                f"{mock / floor:.2f}",
            )
        )
    print(
        "Benchmark 1: median per call, microseconds; ratio = mock / floor "
        "(target <= 1.3; PutProfileObject <= 1.15)"
    )
    print(table(rows, ("operation", "floor us", "mock us", "ratio")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
