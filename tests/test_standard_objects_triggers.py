"""Event triggers on standard object types, through boto3.

CreateEventTrigger's ``ObjectTypeName`` is "The unique name of the object type" (API
reference), which says nothing of standard objects. The mock's choice
(docs/standard-objects.md): a standard object's name (``_asset``, ``_airSegment``) is an
object type of every domain, as ListProfileObjects takes it, so a trigger may watch it; it
fires when a record of that type is written (made or updated by ingestion), its conditions
reading the record's fields by path (``FieldName`` ``Seat.Price``, or ``Source``
``{_airSegment.Seat.Price}``).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

import cp_mock
from tests.factories import EMAIL_FIELD, PROFILE_BY_EMAIL, put_seat_price_type


def when(*attributes: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"EventTriggerDimensions": [{"ObjectAttributes": list(attributes)}],
             "LogicalOperator": "ALL"}]  # fmt: skip


def define_types(client: Any, domain: str) -> None:
    put_seat_price_type(client, domain)
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="Warranty", Description="warranties",
        AllowProfileCreation=True,
        Fields={"serial": {"Source": "_source.serial", "Target": "_asset.SerialNumber"},
                "status": {"Source": "_source.status", "Target": "_asset.Status"},
                "email": EMAIL_FIELD},
        Keys={"serial": [{"StandardIdentifiers": ["UNIQUE", "ASSET"], "FieldNames": ["serial"]}],
              **PROFILE_BY_EMAIL},
    )  # fmt: skip


def put(client: Any, domain: str, type_name: str, **record: str) -> None:
    client.put_profile_object(DomainName=domain, ObjectTypeName=type_name,
                              Object=json.dumps(record))  # fmt: skip


def test_a_trigger_on_a_standard_object_fires_when_its_record_is_written(
    client: Any, domain: str
) -> None:
    define_types(client, domain)
    client.create_event_trigger(
        DomainName=domain, EventTriggerName="pricey", ObjectTypeName="_airSegment",
        EventTriggerConditions=when({"FieldName": "Seat.Price", "ComparisonOperator":
                                     "GREATER_THAN", "Values": ["100"]}),
    )  # fmt: skip
    client.create_event_trigger(
        DomainName=domain, EventTriggerName="pricey-by-source", ObjectTypeName="_airSegment",
        EventTriggerConditions=when({"Source": "{_airSegment.Seat.Price}", "ComparisonOperator":
                                     "GREATER_THAN", "Values": ["100"]}),
    )  # fmt: skip
    client.create_event_trigger(
        DomainName=domain, EventTriggerName="expired", ObjectTypeName="_asset",
        EventTriggerConditions=when({"FieldName": "Status", "ComparisonOperator": "INCLUSIVE",
                                     "Values": ["EXPIRED"]}),
    )  # fmt: skip
    assert (
        client.get_event_trigger(DomainName=domain, EventTriggerName="expired")["ObjectTypeName"]
        == "_asset"
    )
    put(client, domain, "FlightSegment", ref="s1", price="49.50", email="ann@example.com")
    put(client, domain, "FlightSegment", ref="s2", price="120", email="ann@example.com")
    put(client, domain, "Warranty", serial="SN-1", status="ACTIVE", email="ann@example.com")
    # s2 only (120 > 100), once by each trigger on _airSegment; the ACTIVE asset none
    assert [i["EventTriggerName"] for i in cp_mock.event_trigger_invocations(domain)] == [
        "pricey", "pricey-by-source"
    ]  # fmt: skip
    # the asset record updated by a re-put: the written record fires
    put(client, domain, "Warranty", serial="SN-1", status="EXPIRED", email="ann@example.com")
    [ann] = client.search_profiles(DomainName=domain, KeyName="_email",
                                   Values=["ann@example.com"])["Items"]  # fmt: skip
    records = {
        type_name: client.list_profile_objects(
            DomainName=domain, ProfileId=ann["ProfileId"], ObjectTypeName=type_name
        )["Items"]
        for type_name in ("_airSegment", "_asset")
    }
    [asset] = records["_asset"]
    fired = [(i["EventTriggerName"], i["ObjectTypeName"], i["ProfileObjectUniqueKey"])
             for i in cp_mock.event_trigger_invocations(domain)]  # fmt: skip
    second_segment = records["_airSegment"][1]["ProfileObjectUniqueKey"]
    assert fired == [
        ("pricey", "_airSegment", second_segment),
        ("pricey-by-source", "_airSegment", second_segment),
        ("expired", "_asset", asset["ProfileObjectUniqueKey"]),
    ]
    last = cp_mock.event_trigger_invocations(domain)[-1]
    assert last["ProfileId"] == ann["ProfileId"]
    assert last["Object"] == json.loads(asset["Object"])
    # (the put objects themselves fired nothing: no trigger watches their types)
    state = cp_mock.dump_state()
    cp_mock.load_state(state)
    assert cp_mock.dump_state() == state


def test_a_trigger_on_no_object_type_is_still_refused(client: Any, domain: str) -> None:
    before = cp_mock.dump_state()
    for name in ("_nothing", "Order"):
        with pytest.raises(ClientError) as raised:
            client.create_event_trigger(
                DomainName=domain, EventTriggerName="t", ObjectTypeName=name,
                EventTriggerConditions=when({"FieldName": "x", "ComparisonOperator":
                                             "INCLUSIVE", "Values": ["1"]}),
            )  # fmt: skip
        error = raised.value.response["Error"]
        assert (error["Code"], error["Message"]) == (
            "BadRequestException",
            f"ObjectTypeName: object type {name} does not exist",
        )
    assert cp_mock.dump_state() == before


def test_update_event_trigger_may_move_a_trigger_to_a_standard_object(
    client: Any, domain: str
) -> None:
    define_types(client, domain)
    client.create_event_trigger(
        DomainName=domain, EventTriggerName="t", ObjectTypeName="Warranty",
        EventTriggerConditions=when({"FieldName": "status", "ComparisonOperator": "INCLUSIVE",
                                     "Values": ["EXPIRED"]}),
    )  # fmt: skip
    client.update_event_trigger(
        DomainName=domain, EventTriggerName="t", ObjectTypeName="_asset",
        EventTriggerConditions=when({"FieldName": "Status", "ComparisonOperator": "INCLUSIVE",
                                     "Values": ["EXPIRED"]}),
    )  # fmt: skip
    put(client, domain, "Warranty", serial="SN-2", status="EXPIRED", email="bo@example.com")
    assert [i["ObjectTypeName"] for i in cp_mock.event_trigger_invocations(domain)] == ["_asset"]
