"""Standard objects through boto3 (admin guide, "Reference for standard objects in Customer
Profiles" and the per-object pages: "Customer Profiles standard air segment object fields",
"Standard asset definition", "Standard order definition", ...)."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

import cp_mock
from tests.factories import EMAIL_FIELD, PROFILE_BY_EMAIL

from .consistency import assert_consistent


def flight_type(client: Any, domain: str) -> None:
    """The AWS travel and hospitality sample's shape: a flight record whose fields target
    the standard air segment, keyed by its segment reference (AIR_SEGMENT)."""
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="FlightSegment", Description="air segments",
        AllowProfileCreation=True,
        Fields={"ref": {"Source": "_source.segmentRef"},
                "flight": {"Source": "_source.flight", "Target": "_airSegment.FlightNumber"},
                "origin": {"Source": "_source.from", "Target": "_airSegment.Origin"},
                "seat": {"Source": "_source.seat", "Target": "_airSegment.Seat.SeatNumber"},
                "price": {"Source": "_source.price", "Target": "_airSegment.Seat.Price"},
                "booking": {"Source": "_source.pnr", "Target": "_airSegment.BookingRef"},
                "email": EMAIL_FIELD},
        Keys={"segmentRef": [{"StandardIdentifiers": ["UNIQUE", "AIR_SEGMENT"],
                              "FieldNames": ["ref"]}], **PROFILE_BY_EMAIL},
    )  # fmt: skip


def put(client: Any, domain: str, type_name: str, **record: Any) -> str:
    answer = client.put_profile_object(
        DomainName=domain, ObjectTypeName=type_name, Object=json.dumps(record)
    )
    return str(answer["ProfileObjectUniqueKey"])


def standard_objects(client: Any, domain: str, profile_id: str, type_name: str) -> list[Any]:
    items = client.list_profile_objects(
        DomainName=domain, ProfileId=profile_id, ObjectTypeName=type_name
    )["Items"]
    assert all(item["ObjectTypeName"] == type_name for item in items)
    return [json.loads(item["Object"]) for item in items]


def profile_of(client: Any, domain: str, email: str) -> str:
    [found] = client.search_profiles(DomainName=domain, KeyName="_email", Values=[email])["Items"]
    return str(found["ProfileId"])


def test_travel_sample_end_to_end(client: Any, domain: str, customerprofiles_backend: Any) -> None:
    """Object type with _airSegment Targets, objects put, a calculated attribute over
    {_airSegment.Seat.Price} (refused before: "object type _airSegment does not exist"),
    a search by a standard index name, ListProfileObjects _airSegment."""
    flight_type(client, domain)
    client.create_calculated_attribute_definition(
        DomainName=domain, CalculatedAttributeName="seatSpend", Statistic="SUM",
        AttributeDetails={"Attributes": [{"Name": "Seat.Price"}],
                          "Expression": "{_airSegment.Seat.Price}"},
    )  # fmt: skip
    put(client, domain, "FlightSegment", segmentRef="s1", flight="AA100", seat="12A",
        price="49.50", pnr="PNR1", email="ann@example.com")  # fmt: skip
    put(client, domain, "FlightSegment", segmentRef="s2", flight="AA200", seat="3C",
        price="120", pnr="PNR1", email="ann@example.com")  # fmt: skip
    ann = profile_of(client, domain, "ann@example.com")
    segments = standard_objects(client, domain, ann, "_airSegment")
    assert [(s["FlightNumber"], s["Seat"]) for s in segments] == [
        ("AA100", {"SeatNumber": "12A", "Price": "49.50"}),
        ("AA200", {"SeatNumber": "3C", "Price": "120"}),
    ]
    # SegmentId is system-managed: assigned, and the record's ProfileObjectUniqueKey
    assert all(len(s["SegmentId"]) == 32 for s in segments)
    for key, value in (("_airSegmentId", segments[0]["SegmentId"]), ("_airBookingRef", "PNR1")):
        found = client.search_profiles(DomainName=domain, KeyName=key, Values=[value])["Items"]
        assert [p["ProfileId"] for p in found] == [ann]
    value = client.get_calculated_attribute_for_profile(
        DomainName=domain, ProfileId=ann, CalculatedAttributeName="seatSpend"
    )
    assert value["Value"] == "169.5"
    assert_consistent(customerprofiles_backend)


def test_a_re_ingested_record_adds_its_fields_and_keeps_the_others(
    client: Any, domain: str
) -> None:
    """ "Standard objects are not replaced wholesale by ingestion. Instead, each ingested
    profile object contributes only the fields its mapping targets", and several object
    types write to one record (reference page)."""
    key = [{"StandardIdentifiers": ["UNIQUE", "ASSET"], "FieldNames": ["serial"]}]
    for type_name, extra in (
        ("Registration", {"model": {"Source": "_source.model", "Target": "_asset.ModelName"}}),
        (
            "Warranty",
            {
                "status": {"Source": "_source.status", "Target": "_asset.Status"},
                "tier": {"Source": "_source.tier", "Target": "_asset.Attributes.tier"},
            },
        ),
    ):
        client.put_profile_object_type(
            DomainName=domain, ObjectTypeName=type_name, Description=type_name,
            AllowProfileCreation=True,
            Fields={"serial": {"Source": "_source.serial", "Target": "_asset.SerialNumber"},
                    "email": EMAIL_FIELD, **extra},
            Keys={"serial": key, **PROFILE_BY_EMAIL},
        )  # fmt: skip
    put(client, domain, "Registration", serial="SN-1", model="Kettle", email="bo@example.com")
    put(client, domain, "Warranty", serial="SN-1", status="ACTIVE", tier="gold",
        email="bo@example.com")  # fmt: skip
    put(client, domain, "Warranty", serial="SN-1", status="EXPIRED", email="bo@example.com")
    bo = profile_of(client, domain, "bo@example.com")
    [asset] = standard_objects(client, domain, bo, "_asset")
    assert {k: v for k, v in asset.items() if k != "AssetId"} == {
        "SerialNumber": "SN-1", "ModelName": "Kettle", "Status": "EXPIRED",
        "Attributes": {"tier": "gold"},
    }  # fmt: skip
    # the profile objects themselves are replaced wholesale: one of each type
    warranty = client.list_profile_objects(
        DomainName=domain, ProfileId=bo, ObjectTypeName="Warranty"
    )["Items"]
    assert [json.loads(w["Object"])["status"] for w in warranty] == ["EXPIRED"]
    found = client.search_profiles(DomainName=domain, KeyName="_serialNumber", Values=["SN-1"])
    assert [p["ProfileId"] for p in found["Items"]] == [bo]


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("_asset.Colour", "_asset has no field Colour"),
        ("_asset.AssetId", "system-managed"),
        ("_airSegment.Seat", "is a structure (Seat): name one of its fields"),
        ("_airSegment.Seat.Colour", "Seat has no field Colour"),
        ("_asset.Status.Code", "is a String, which has no members"),
        ("_order.OrderItems.Title", "is a list, which a Target cannot fill"),
        ("_asset.Attributes", "is a map: name a key"),
        ("_asset", "must name a field of _asset"),
    ],
)
def test_a_target_outside_the_schema_is_refused(
    client: Any, domain: str, target: str, message: str
) -> None:
    before = cp_mock.dump_state()
    with pytest.raises(ClientError) as raised:
        client.put_profile_object_type(
            DomainName=domain, ObjectTypeName="Thing", Description="things",
            Fields={"x": {"Source": "_source.x", "Target": target}, "email": EMAIL_FIELD},
            Keys={"x": [{"StandardIdentifiers": ["UNIQUE", "ASSET", "ORDER", "AIR_SEGMENT"],
                         "FieldNames": ["x"]}], **PROFILE_BY_EMAIL},
        )  # fmt: skip
    error = raised.value.response["Error"]
    assert error["Code"] == "BadRequestException"
    assert error["Message"].startswith("Fields.x.Target: ") and message in error["Message"]
    assert cp_mock.dump_state() == before


def test_a_target_needs_a_key_carrying_the_objects_identifier(client: Any, domain: str) -> None:
    """ "If any field targets a standard object type ... at least one key must carry that
    object type's standard identifier" (reference page)."""
    with pytest.raises(ClientError, match="must carry its standard identifier CASE"):
        client.put_profile_object_type(
            DomainName=domain, ObjectTypeName="Ticket", Description="tickets",
            Fields={"id": {"Source": "_source.id", "Target": "_case.Title"}, "email": EMAIL_FIELD},
            Keys={"id": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
                  **PROFILE_BY_EMAIL},
        )  # fmt: skip


def test_a_target_of_no_standard_object_is_kept_and_fills_nothing(client: Any, domain: str) -> None:
    """The guide is silent on a prefix it does not document (docs/standard-objects.md)."""
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="Note", Description="notes", AllowProfileCreation=True,
        Fields={"id": {"Source": "_source.id", "Target": "_custom.id"}, "email": EMAIL_FIELD},
        Keys={"id": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
              **PROFILE_BY_EMAIL},
    )  # fmt: skip
    put(client, domain, "Note", id="n1", email="cy@example.com")
    cy = profile_of(client, domain, "cy@example.com")
    assert len(client.list_profile_objects(DomainName=domain, ProfileId=cy,
                                           ObjectTypeName="Note")["Items"]) == 1  # fmt: skip


@pytest.mark.parametrize("type_name", ["_profile", "_asset", "_airSegment"])
def test_a_standard_object_cannot_be_put_directly(client: Any, domain: str, type_name: str) -> None:
    """ "You can't call PutProfileObject with _profile or any other standard object type
    name" (reference page)."""
    with pytest.raises(ClientError, match=f"ObjectTypeName: {type_name} is a standard object"):
        put(client, domain, type_name, x="1")


def test_a_key_finding_two_records_rejects_the_ingestion(
    client: Any, domain: str, customerprofiles_backend: Any
) -> None:
    """ "If more than one record is found, the match is ambiguous and is rejected": the
    object goes to the dead-letter queue, as an unmatched one does, and nothing is written."""
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="Visit", Description="case visits",
        AllowProfileCreation=True,
        Fields={"id": {"Source": "_source.id"}, "ticket": {"Source": "_source.ticket"},
                "title": {"Source": "_source.title", "Target": "_case.Title"},
                "email": EMAIL_FIELD},
        Keys={"id": [{"StandardIdentifiers": ["UNIQUE", "CASE"], "FieldNames": ["id"]}],
              "ticket": [{"StandardIdentifiers": ["CASE", "LOOKUP_ONLY"],
                          "FieldNames": ["ticket"]}], **PROFILE_BY_EMAIL},
    )  # fmt: skip
    put(client, domain, "Visit", id="v1", ticket="T1", title="Broken", email="di@example.com")
    put(client, domain, "Visit", id="v2", ticket="T1", title="Still", email="di@example.com")
    di = profile_of(client, domain, "di@example.com")
    # v2 found no record by its own id, then one by ticket T1: the case v1 made
    [case] = standard_objects(client, domain, di, "_case")
    assert case["Title"] == "Still"
    # another profile's case answers to T1 too; merged, the profile holds two that do
    put(client, domain, "Visit", id="v3", ticket="T1", title="Other", email="ed@example.com")
    ed = profile_of(client, domain, "ed@example.com")
    client.merge_profiles(DomainName=domain, MainProfileId=di, ProfileIdsToBeMerged=[ed])
    assert len(standard_objects(client, domain, di, "_case")) == 2
    before = cp_mock.dump_state()
    put(client, domain, "Visit", id="v4", ticket="T1", title="Which", email="di@example.com")
    [dead] = customerprofiles_backend.dead_letter_objects(domain)
    assert "matches 2 _case records" in dead["Message"]
    assert [c["Title"] for c in standard_objects(client, domain, di, "_case")] == ["Still", "Other"]
    after = cp_mock.dump_state()
    assert after != before  # (only the dead letter differs:)
    customerprofiles_backend.domains[domain].admin.dead_letters.clear()
    assert cp_mock.dump_state() == before
    assert_consistent(customerprofiles_backend)


def test_delete_merge_expiry_and_state(client: Any, domain: str) -> None:
    """A standard object is a profile object of its own type: DeleteProfileObject takes it,
    a merge moves it, it expires with the object that wrote it, and a state dump keeps it."""
    flight_type(client, domain)
    with freeze_time("2026-01-01") as frozen:
        put(client, domain, "FlightSegment", segmentRef="s1", flight="AA1", email="e@example.com")
        put(client, domain, "FlightSegment", segmentRef="s2", flight="AA2", email="f@example.com")
        e = profile_of(client, domain, "e@example.com")
        f = profile_of(client, domain, "f@example.com")
        state = cp_mock.dump_state()
        cp_mock.load_state(state)
        assert cp_mock.dump_state() == state
        assert standard_objects(client, domain, e, "_airSegment")[0]["FlightNumber"] == "AA1"
        client.merge_profiles(DomainName=domain, MainProfileId=e, ProfileIdsToBeMerged=[f])
        moved = client.list_profile_objects(
            DomainName=domain, ProfileId=e, ObjectTypeName="_airSegment"
        )["Items"]
        assert [json.loads(i["Object"])["FlightNumber"] for i in moved] == ["AA1", "AA2"]
        client.delete_profile_object(
            DomainName=domain, ProfileId=e, ObjectTypeName="_airSegment",
            ProfileObjectUniqueKey=moved[0]["ProfileObjectUniqueKey"],
        )  # fmt: skip
        segment_id = json.loads(moved[0]["Object"])["SegmentId"]
        assert (
            client.search_profiles(DomainName=domain, KeyName="_airSegmentId", Values=[segment_id])[
                "Items"
            ]
            == []
        )
        assert len(standard_objects(client, domain, e, "_airSegment")) == 1
        # it expires as the object that wrote it does (the domain's 30 days); the profile,
        # updated on day 20, stays until day 50
        frozen.move_to("2026-01-21")
        client.update_profile(DomainName=domain, ProfileId=e, FirstName="Eve")
        frozen.move_to("2026-02-05")
        assert standard_objects(client, domain, e, "_airSegment") == []


def test_a_standard_object_is_streamed(client: Any, domain: str) -> None:
    kinesis = boto3.client("kinesis", region_name="us-east-1")
    kinesis.create_stream(StreamName="changes", ShardCount=1)
    client.create_event_stream(
        DomainName=domain, EventStreamName="changes",
        Uri="arn:aws:kinesis:us-east-1:123456789012:stream/changes",
    )  # fmt: skip
    flight_type(client, domain)
    put(client, domain, "FlightSegment", segmentRef="s1", seat="1A", email="g@example.com")
    records = cp_mock.event_stream_records(domain)
    [segment] = [r for r in records if r.get("ObjectTypeName") == "_airSegment"]
    assert segment["Object"]["Seat"] == {"SeatNumber": "1A"}


def test_delete_profile_takes_its_standard_objects(client: Any, domain: str) -> None:
    flight_type(client, domain)
    put(client, domain, "FlightSegment", segmentRef="s1", pnr="P9", email="h@example.com")
    h = profile_of(client, domain, "h@example.com")
    client.delete_profile(DomainName=domain, ProfileId=h)
    assert (
        client.search_profiles(DomainName=domain, KeyName="_airBookingRef", Values=["P9"])["Items"]
        == []
    )


@pytest.mark.parametrize("key_name", ["_profileId", "_orderId", "_caseId", "_assetId"])
def test_a_reserved_key_name_must_be_declared_lookup_only(
    client: Any, domain: str, key_name: str
) -> None:
    """ "Reserved key names _profileId, _orderId, _caseId, and _assetId must be declared
    LOOKUP_ONLY" (reference page); a state file may hold what was once accepted
    (tests/test_state.py loads one that uses _orderId as its UNIQUE key)."""
    before = cp_mock.dump_state()
    for identifiers in (["UNIQUE"], ["PROFILE"], ["PROFILE", "SECONDARY"]):
        keys = {
            "id": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
            key_name: [{"StandardIdentifiers": identifiers, "FieldNames": ["ref"]}],
        }
        if identifiers == ["UNIQUE"]:
            keys = {key_name: keys[key_name]}
        with pytest.raises(ClientError) as raised:
            client.put_profile_object_type(
                DomainName=domain, ObjectTypeName="Thing", Description="things",
                Fields={"id": {"Source": "_source.id"}, "ref": {"Source": "_source.ref"}},
                Keys=keys,
            )  # fmt: skip
        error = raised.value.response["Error"]
        assert error["Code"] == "BadRequestException"
        assert error["Message"] == (
            f"Keys.{key_name}[0].StandardIdentifiers: {key_name} is a reserved key name and "
            "must be declared LOOKUP_ONLY"
        )
    assert cp_mock.dump_state() == before


def test_lookup_only_reserved_keys_find_the_profile_and_the_record_and_index_nothing(
    client: Any, domain: str
) -> None:
    """_profileId LOOKUP_ONLY matches an object to the profile of that id, _orderId
    LOOKUP_ONLY ORDER finds the order record it named before; neither is kept as a
    search key of its own (ObjectTypeKey: "A LOOKUP_ONLY key is only used to match a
    profile but is not persisted to be used for searching of the profile")."""
    profile_id = client.create_profile(DomainName=domain, FirstName="Lu")["ProfileId"]
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="Purchase", Description="purchases",
        Fields={"line": {"Source": "_source.line"}, "pid": {"Source": "_source.pid"},
                "order": {"Source": "_source.order"},
                "status": {"Source": "_source.status", "Target": "_order.Status"}},
        Keys={"line": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["line"]}],
              "_profileId": [{"StandardIdentifiers": ["PROFILE", "LOOKUP_ONLY"],
                              "FieldNames": ["pid"]}],
              "_orderId": [{"StandardIdentifiers": ["ORDER", "LOOKUP_ONLY"],
                            "FieldNames": ["order"]}]},
    )  # fmt: skip
    put(client, domain, "Purchase", line="l1", pid=profile_id, order="SO-1", status="OPEN")
    put(client, domain, "Purchase", line="l2", pid=profile_id, order="SO-1", status="PAID")
    [order] = standard_objects(client, domain, profile_id, "_order")
    assert order["Status"] == "PAID"
    assert client.get_domain(DomainName=domain)["Stats"]["ProfileCount"] == 1
    # the record is found by its own OrderId under _orderId, the key's value SO-1 finds none
    for value, found in ((order["OrderId"], [profile_id]), ("SO-1", [])):
        items = client.search_profiles(DomainName=domain, KeyName="_orderId", Values=[value])
        assert [p["ProfileId"] for p in items["Items"]] == found


@cp_mock.mock_customerprofiles
def test_a_stack_with_a_reserved_unique_key_fails_and_leaves_nothing() -> None:
    """CloudFormation reaches PutProfileObjectType as the API does: the same refusal."""
    cloudformation = boto3.client("cloudformation", region_name="us-east-1")
    profiles = boto3.client("customer-profiles", region_name="us-east-1")
    template = {"Resources": {
        "Shop": {"Type": "AWS::CustomerProfiles::Domain",
                 "Properties": {"DomainName": "shop", "DefaultExpirationDays": 30}},
        "Orders": {"Type": "AWS::CustomerProfiles::ObjectType", "DependsOn": "Shop",
                   "Properties": {
                       "DomainName": "shop", "ObjectTypeName": "Order", "Description": "orders",
                       "Fields": [{"Name": "id", "ObjectTypeField": {"Source": "_source.id"}}],
                       "Keys": [{"Name": "_orderId", "ObjectTypeKeyList": [
                           {"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}]}]}},
    }}  # fmt: skip
    cloudformation.create_stack(StackName="orders", TemplateBody=json.dumps(template))
    stack = cloudformation.describe_stacks(StackName="orders")["Stacks"][0]
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
    events = cloudformation.describe_stack_events(StackName="orders")["StackEvents"]
    [reason] = [e.get("ResourceStatusReason", "") for e in events
                if e["ResourceStatus"] == "CREATE_FAILED"]  # fmt: skip
    assert "BadRequestException" in reason
    assert "_orderId is a reserved key name and must be declared LOOKUP_ONLY" in reason
    assert profiles.list_domains()["Items"] == []
