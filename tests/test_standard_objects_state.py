"""A state dump holding standard objects, kept in tests/data/state-v2-standard-objects.json,
loads on today's code and reads back through boto3 what it held.

The file was written by the code of commit 78447fb (before models/ was grouped into area
packages): ``git worktree add /tmp/premove 78447fb``, this script saved as
/tmp/make_dump.py, then ``PYTHONPATH=/tmp/premove python /tmp/make_dump.py`` run from the
repository's root (so that ``cp_mock`` is that commit's), and the worktree removed:

::

    import json

    import boto3
    from freezegun import freeze_time

    from cp_mock import dump_state, mock_customerprofiles

    EMAIL = {"Source": "_source.email", "Target": "_profile.EmailAddress"}
    PROFILE_KEY = {"_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}]}
    TYPES = {  # object type -> (its UNIQUE key's identifier, {field: Target})
        "Device": ("ASSET", {"serial": "_asset.SerialNumber", "model": "_asset.AssetName"}),
        "Ticket": ("CASE", {"ticket": "_case.Title", "status": "_case.Status"}),
        "ShopOrder": ("ORDER", {"number": "_order.Name", "total": "_order.TotalPrice"}),
        "FlightSegment": ("AIR_SEGMENT", {"ref": "_airSegment.FlightNumber",
                                          "price": "_airSegment.Seat.Price"}),
    }
    OBJECTS = [
        ("Device", {"serial": "SN-1", "model": "Kettle", "email": "ann@example.com"}),
        ("Ticket", {"ticket": "Broken lid", "status": "OPEN", "email": "ann@example.com"}),
        ("ShopOrder", {"number": "SO-1", "total": "42.50", "email": "ann@example.com"}),
        ("FlightSegment", {"ref": "s1", "price": "49.50", "email": "ann@example.com"}),
        ("FlightSegment", {"ref": "s2", "price": "120", "email": "ann@example.com"}),
        ("FlightSegment", {"ref": "s3", "price": "80", "email": "bob@example.com"}),
    ]

    with freeze_time("2024-06-01T12:00:00+00:00"), mock_customerprofiles():
        client = boto3.client("customer-profiles", region_name="us-east-1")
        client.create_domain(DomainName="travel", DefaultExpirationDays=1000)
        for type_name, (identifier, targets) in TYPES.items():
            unique = next(iter(targets))
            client.put_profile_object_type(
                DomainName="travel", ObjectTypeName=type_name, Description=type_name,
                AllowProfileCreation=True,
                Fields={**{f: {"Source": f"_source.{f}", "Target": t} for f, t in targets.items()},
                        "email": EMAIL},
                Keys={unique: [{"StandardIdentifiers": ["UNIQUE", identifier],
                                "FieldNames": [unique]}], **PROFILE_KEY},
            )
        client.create_calculated_attribute_definition(
            DomainName="travel", CalculatedAttributeName="seatSpend", Statistic="SUM",
            AttributeDetails={"Attributes": [{"Name": "Seat.Price"}],
                              "Expression": "{_airSegment.Seat.Price}"},
        )
        client.create_profile(DomainName="travel", FirstName="Cy", EmailAddress="cy@example.com")
        for type_name, record in OBJECTS:
            client.put_profile_object(DomainName="travel", ObjectTypeName=type_name,
                                      Object=json.dumps(record))
        with open("tests/data/state-v2-standard-objects.json", "w") as file:
            file.write(json.dumps(dump_state(), indent=1, sort_keys=False) + "\n")

Written once and never again: the file is the proof that a dump of format version 2 made by
an earlier cp_mock, its standard records among them, still loads.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time

import cp_mock

from .consistency import assert_consistent

KEPT = Path(__file__).resolve().parent / "data" / "state-v2-standard-objects.json"
DOMAIN = {"DomainName": "travel"}


def kept() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(KEPT.read_text())
    return document


@pytest.fixture
def loaded(client: Any) -> Iterator[dict[str, str]]:
    """The kept state loaded a day after it was written: email name -> profile id."""
    with freeze_time("2024-06-02T12:00:00+00:00", tick=True):
        cp_mock.load_state(kept())
        people = {}
        for name in ("ann", "bob", "cy"):
            [found] = client.search_profiles(
                KeyName="_email", Values=[f"{name}@example.com"], **DOMAIN
            )["Items"]
            people[name] = found["ProfileId"]
        yield people


def records(client: Any, profile_id: str, type_name: str) -> list[dict[str, Any]]:
    items = client.list_profile_objects(ProfileId=profile_id, ObjectTypeName=type_name, **DOMAIN)[
        "Items"
    ]
    assert all(item["ObjectTypeName"] == type_name for item in items)
    return [json.loads(item["Object"]) for item in items]


def found_by(client: Any, key_name: str, value: str) -> list[str]:
    answer = client.search_profiles(KeyName=key_name, Values=[value], **DOMAIN)
    return [p["ProfileId"] for p in answer["Items"]]


def test_the_kept_dump_loads_and_dumps_as_it_was(loaded: dict[str, str]) -> None:
    assert (kept()["Format"], kept()["Version"]) == ("cp-mock-state", 2)
    assert cp_mock.dump_state() == kept()


def test_the_kept_standard_records_read_back(
    client: Any, loaded: dict[str, str], customerprofiles_backend: Any
) -> None:
    ann, bob = loaded["ann"], loaded["bob"]
    [asset] = records(client, ann, "_asset")
    assert {k: v for k, v in asset.items() if k != "AssetId"} == {
        "SerialNumber": "SN-1", "AssetName": "Kettle"
    }  # fmt: skip
    [case] = records(client, ann, "_case")
    assert (case["Title"], case["Status"]) == ("Broken lid", "OPEN")
    [order] = records(client, ann, "_order")
    assert (order["Name"], order["TotalPrice"]) == ("SO-1", "42.50")
    seats = [s["Seat"]["Price"] for s in records(client, ann, "_airSegment")]
    assert seats == ["49.50", "120"]
    assert records(client, loaded["cy"], "_asset") == []
    # the standard index names, rebuilt on load
    for key_name, value in (
        ("_assetId", asset["AssetId"]), ("_serialNumber", "SN-1"), ("_assetName", "Kettle"),
        ("_caseId", case["CaseId"]), ("_orderId", order["OrderId"]),
    ):  # fmt: skip
        assert found_by(client, key_name, value) == [ann], key_name
    [bob_segment] = records(client, bob, "_airSegment")
    assert found_by(client, "_airSegmentId", bob_segment["SegmentId"]) == [bob]
    # the calculated attribute over {_airSegment.Seat.Price}, counted again from the records
    for who, spend in ((ann, "169.5"), (bob, "80")):
        value = client.get_calculated_attribute_for_profile(
            ProfileId=who, CalculatedAttributeName="seatSpend", **DOMAIN
        )
        assert value["Value"] == spend
    assert_consistent(customerprofiles_backend)


def test_ingestion_goes_on_into_the_kept_records(client: Any, loaded: dict[str, str]) -> None:
    """The records' identifying keys are kept: a put by the same serial number writes to
    the asset the file held, and a new segment adds to the calculated attribute."""
    ann, bob = loaded["ann"], loaded["bob"]
    [before] = records(client, ann, "_asset")
    client.put_profile_object(
        ObjectTypeName="Device",
        Object=json.dumps({"serial": "SN-1", "model": "Teapot", "email": "ann@example.com"}),
        **DOMAIN,
    )  # fmt: skip
    [after] = records(client, ann, "_asset")
    assert (after["AssetId"], after["AssetName"]) == (before["AssetId"], "Teapot")
    assert found_by(client, "_assetName", "Teapot") == [ann]
    assert found_by(client, "_assetName", "Kettle") == []
    client.put_profile_object(
        ObjectTypeName="FlightSegment",
        Object=json.dumps({"ref": "s4", "price": "20", "email": "bob@example.com"}),
        **DOMAIN,
    )  # fmt: skip
    value = client.get_calculated_attribute_for_profile(
        ProfileId=bob, CalculatedAttributeName="seatSpend", **DOMAIN
    )
    assert value["Value"] == "100"
