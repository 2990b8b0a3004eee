"""Hostile values through every family's writes, through boto3, by both doors.

A value the model refuses (a number wider than its type, NaN, a 1 MB string, a lone
surrogate, 50,000-deep JSON, a value of the wrong JSON type) is refused with a modeled
error and the state is exactly as it was (``cp_mock.dump_state`` before and after). A value
inside an object that the service stores (a date of ``1e20``, an amount of ``9e999999``) is
stored, and what the change feed's subscribers compute from it is "no match" or "no value"
(docs/event-streams.md, docs/calculated-attributes.md, docs/segments.md). A failure nobody
foresaw is an InternalServerException and changes nothing (docs/usage.md).

boto3 checks types before it sends, and its serializer cannot send some of these at all
(``SegmentGroups="x"`` fails in botocore, before any request exists), so each hostile body
is put in place of the one botocore serialized: at ``before-call`` for the direct door, at
``before-send`` for the HTTP way.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.serialize import create_serializer

import cp_mock
import cp_mock.exceptions
from cp_mock import dump_state
from cp_mock.models import CustomerProfilesBackend
from cp_mock.protocol import service_model
from tests.refusals import answers_unwritable

MODEL = service_model()
D = "hostile"
STREAM_ARN = "arn:aws:kinesis:us-east-1:123456789012:stream/changes"
QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/letters"
DOORS = ("direct", "http")
ORDER_FIELDS = {
    "id": {"Source": "_source.id"},
    "email": {"Source": "_source.email", "Target": "_profile.EmailAddress",
              "ContentType": "EMAIL_ADDRESS"},
    "amount": {"Source": "_source.amount"},
    "placed": {"Source": "_source.placed"},
    "note": {"Source": "_source.note", "Target": "_profile.Attributes.note"},
}  # fmt: skip
ORDER_KEYS = {
    "orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
    "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}],
}


def state() -> str:
    """``dump_state()``, as JSON: the state a failed call must leave exactly as it was (the
    search index is not in it: it is rebuilt from the profiles and objects on load)."""
    return json.dumps(dump_state())


def modeled(operation: str) -> set[str]:
    return {shape.name for shape in MODEL.operation_model(operation).error_shapes}


def operation_of(method: str) -> str:
    return "".join(part.capitalize() for part in method.split("_"))


@pytest.fixture
def hostile(customerprofiles_mock: Any) -> Any:
    """A client that makes one attempt (a 500 is not retried), in a domain that has one of
    everything a write of an object reaches: a type, a profile, a calculated attribute, an
    event trigger, a segment, an event stream on moto's Kinesis, a dead-letter queue."""
    client = boto3.client("customer-profiles", region_name="us-east-1",
                          config=Config(retries={"total_max_attempts": 1}))  # fmt: skip
    boto3.client("kinesis", region_name="us-east-1").create_stream(StreamName="changes",
                                                                     ShardCount=1)  # fmt: skip
    boto3.client("sqs", region_name="us-east-1").create_queue(QueueName="letters")
    client.create_domain(
        DomainName=D,
        DefaultExpirationDays=30,
        DeadLetterQueueUrl=QUEUE,
        DataStore={"Enabled": True},
    )
    client.put_profile_object_type(DomainName=D, ObjectTypeName="Order", Description="orders",
                                   AllowProfileCreation=True, Fields=ORDER_FIELDS,
                                   Keys=ORDER_KEYS)  # fmt: skip
    client.create_event_stream(DomainName=D, EventStreamName="changes", Uri=STREAM_ARN)
    client.create_calculated_attribute_definition(
        DomainName=D, CalculatedAttributeName="tenfold", Statistic="SUM",
        AttributeDetails={"Attributes": [{"Name": "amount"}], "Expression": "{Order.amount} * 10"},
    )  # fmt: skip
    client.create_calculated_attribute_definition(
        DomainName=D, CalculatedAttributeName="recent", Statistic="LAST_OCCURRENCE",
        AttributeDetails={"Attributes": [{"Name": "amount"}], "Expression": "{Order.amount}"},
        Conditions={"Range": {"Unit": "DAYS", "Value": 30, "TimestampSource": "{Order.placed}",
                              "TimestampFormat": "EPOCHMILLI"}},
    )  # fmt: skip
    for name, operator in (("on-day", "ON"), ("before", "BEFORE")):
        client.create_event_trigger(
            DomainName=D, EventTriggerName=name, ObjectTypeName="Order",
            EventTriggerConditions=[{"LogicalOperator": "ANY", "EventTriggerDimensions": [
                {"ObjectAttributes": [{"FieldName": "placed", "ComparisonOperator": operator,
                                       "Values": ["2026-06-01"]}]}]}],
        )  # fmt: skip
    client.create_segment_definition(
        DomainName=D, SegmentDefinitionName="big", DisplayName="big spenders",
        SegmentGroups={"Include": "ALL", "Groups": [{"Dimensions": [
            {"CalculatedAttributes": {"tenfold": {"DimensionType": "GREATER_THAN",
                                                  "Values": ["100"]}}},
            {"ProfileAttributes": {"Attributes": {"note": {"DimensionType": "LIST_CONTAINS",
                                                           "Values": ["vip"]}}}}]}]},
    )  # fmt: skip
    put(client, id="seed", email="ada@example.com", amount=20, placed="2026-06-01")
    return client


def put(client: Any, **fields: Any) -> str:
    answer = client.put_profile_object(DomainName=D, ObjectTypeName="Order",
                                       Object=json.dumps(fields))  # fmt: skip
    return str(answer["ProfileObjectUniqueKey"])


def profile_of(client: Any, email: str = "ada@example.com") -> str:
    found = client.search_profiles(DomainName=D, KeyName="_email", Values=[email])["Items"]
    return str(found[0]["ProfileId"])


def reads_work(client: Any, profile_id: str) -> dict[str, str]:
    """Everything that reads what the objects gave the profile answers; its calculated
    values by name."""
    values = client.list_calculated_attributes_for_profile(DomainName=D, ProfileId=profile_id)
    client.get_segment_membership(DomainName=D, SegmentDefinitionName="big",
                                  ProfileIds=[profile_id])  # fmt: skip
    client.list_profile_objects(DomainName=D, ObjectTypeName="Order", ProfileId=profile_id)
    client.list_profile_history_records(DomainName=D, ProfileId=profile_id)
    assert all(isinstance(json.dumps(r), str) for r in cp_mock.event_stream_records(D))
    return {v["CalculatedAttributeName"]: v["Value"] for v in values["Items"]}


def fired() -> list[str]:
    return [i["Object"]["id"] for i in cp_mock.event_trigger_invocations(D)]


# -- values inside an object: stored, and read as nothing ------------------------------------
def put_raw(client: Any, member: str, fragment: str) -> str:
    """An object whose ``member`` is the JSON text ``fragment``, as put."""
    body = f'{{"id": "odd", "email": "ada@example.com", "amount": 1, "{member}": {fragment}}}'
    answer = client.put_profile_object(DomainName=D, ObjectTypeName="Order", Object=body)
    return str(answer["ProfileObjectUniqueKey"])


# JSON numbers past a double's range and past the calendar, words that read as numbers
# to Python, and values of other JSON types
ODD_VALUES = [
    "1e20", "-1e20", "9e999999", "-9e999999", "1" + "0" * 400, '"1e20"', '"NaN"', '"inf"',
    '"-Infinity"', '"9e999999"', '"x"', "true", "[1, 2]", '{"a": 1}',
]  # fmt: skip


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("placed", ODD_VALUES)
def test_a_date_no_calendar_holds_is_stored_and_matches_no_trigger(
    hostile: Any, door: str, placed: str
) -> None:
    with through(hostile, door):
        key = put_raw(hostile, "placed", placed)
    profile_id = profile_of(hostile)
    objects = hostile.list_profile_objects(DomainName=D, ObjectTypeName="Order",
                                           ProfileId=profile_id)["Items"]  # fmt: skip
    assert key in [o["ProfileObjectUniqueKey"] for o in objects]  # stored, as AWS stores it
    assert fired() == ["seed"]  # the seed's own firing (ON its day), and no other
    # its timestamp is none, so it is dated by its put: the latest, inside the Range
    assert reads_work(hostile, profile_id)["recent"] == "1"


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("amount", [v for v in ODD_VALUES if "e20" not in v])
def test_an_amount_past_any_number_gives_no_value(hostile: Any, door: str, amount: str) -> None:
    profile_id = profile_of(hostile)
    with through(hostile, door):
        hostile.put_profile_object(DomainName=D, ObjectTypeName="Order", Object=(
            f'{{"id": "huge", "email": "ada@example.com", "amount": {amount}}}'))  # fmt: skip
    values = reads_work(hostile, profile_id)
    assert values["tenfold"] == "200"  # the seed's 20, and no value for the huge amount
    got = hostile.get_calculated_attribute_for_profile(
        DomainName=D, ProfileId=profile_id, CalculatedAttributeName="tenfold"
    )
    assert got["Value"] == "200"


def test_a_list_value_nested_past_what_python_reads_is_in_no_list(hostile: Any) -> None:
    profile_id = profile_of(hostile)
    # ingestion holds a profile's attribute to the model's 255 characters
    # (docs/ingestion.md, "Values a profile cannot hold")
    before = state()
    with pytest.raises(ClientError) as raised:
        put(hostile, id="nested", email="ada@example.com", note="[" * 5000)
    assert "Attributes.note must have at most 255 characters" in str(raised.value)
    assert state() == before
    # no API call can give a profile that value, but the backend can, and the segment
    # reading it must still be total
    with cp_mock.get_backend().lock:
        cp_mock.get_backend().update_profile(D, profile_id, attributes={"note": "[" * 5000})
    membership = hostile.get_segment_membership(DomainName=D, SegmentDefinitionName="big",
                                                ProfileIds=[profile_id])  # fmt: skip
    assert membership["Profiles"][0]["QueryResult"] == "ABSENT"


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize(
    "body, message",
    [
        ('{"id": "n", "email": "a@b.c", "amount": ' + "[" * 50_000 + "]" * 50_000 + "}",
         "nests deeper than 100 levels"),
        ('{"id": "n", "email": "a@b.c", "x": ' + "[" * 101 + "]" * 101 + "}",
         "nests deeper than 100 levels"),
        ('{"id": "n", "email": "a@b.c", "amount": NaN}', "NaN is not a JSON value"),
        ('{"id": "n", "email": "a@b.c", "amount": -Infinity}', "-Infinity is not a JSON value"),
        ('{"id": "n", "amount": 1' + "0" * 5000 + "}", "not valid JSON"),
        ('["not", "an", "object"]', "must be a JSON object"),
    ],
    ids=["50,000 deep", "101 deep", "NaN", "-Infinity", "5,000 digits", "an array"],
)  # fmt: skip
def test_an_object_json_cannot_carry_is_refused_and_changes_nothing(
    hostile: Any, door: str, body: str, message: str
) -> None:
    before = state()
    with through(hostile, door), pytest.raises(ClientError) as raised:
        hostile.put_profile_object(DomainName=D, ObjectTypeName="Order", Object=body)
    error = raised.value.response["Error"]
    assert error["Code"] == "BadRequestException" and message in error["Message"], error
    assert state() == before


# -- BatchPutProfileObject: each item succeeds or is reported in Failed ----------------------
@pytest.mark.parametrize("door", DOORS)
def test_a_batch_item_that_cannot_be_read_fails_alone(hostile: Any, door: str) -> None:
    good = [{"Id": str(n), "Object": json.dumps({"id": f"g{n}", "email": "bo@example.com"})}
            for n in range(3)]  # fmt: skip
    deep = {"Id": "deep", "Object": '{"id": "d", "x": ' + "[" * 50_000 + "]" * 50_000 + "}"}
    nan = {"Id": "nan", "Object": '{"id": "n", "email": "bo@example.com", "amount": NaN}'}
    with through(hostile, door):
        answer = hostile.batch_put_profile_object(
            DomainName=D, ObjectTypeName="Order", Items=[good[0], deep, good[1], nan, good[2]]
        )
    assert [s["Id"] for s in answer["Successful"]] == ["0", "1", "2"]
    assert [(f["Id"], f["Code"]) for f in answer["Failed"]] == [("deep", 400), ("nan", 400)]
    profile_id = profile_of(hostile, "bo@example.com")
    objects = hostile.list_profile_objects(DomainName=D, ObjectTypeName="Order",
                                           ProfileId=profile_id)["Items"]  # fmt: skip
    assert sorted(json.loads(o["Object"])["id"] for o in objects) == ["g0", "g1", "g2"]


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("item", ["null", '"x"', "[]", '{"Id": "1"}', '{"Id": 1, "Object": "{}"}'])
def test_a_batch_item_that_is_no_item_is_refused_and_changes_nothing(
    hostile: Any, door: str, item: str
) -> None:
    good = '{"Id": "0", "Object": "{\\"id\\": \\"g\\", \\"email\\": \\"bo@example.com\\"}"}'
    body = f'{{"ObjectTypeName": "Order", "Items": [{good}, {item}]}}'.encode()
    before = state()
    with sending(hostile, door, body), pytest.raises(ClientError) as raised:
        hostile.batch_put_profile_object(DomainName=D, ObjectTypeName="Order",
                                         Items=[{"Id": "0", "Object": "{}"}])  # fmt: skip
    assert raised.value.response["Error"]["Code"] == "BadRequestException"
    assert "Items[1]" in raised.value.response["Error"]["Message"]
    assert state() == before


def test_the_backend_api_refuses_a_batch_item_that_is_no_item(hostile: Any) -> None:
    backend = cp_mock.get_backend()
    before = state()
    with pytest.raises(cp_mock.exceptions.BadRequestException, match=r"Items\[0\]"):
        backend.batch_put_profile_object(D, "Order", [None])
    assert state() == before


# -- numbers wider than their type, and the reads after them ---------------------------------
@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize(
    "start, refused",
    [(10**400, True), (2**31, True), (-(2**31) - 1, True), (2**31 - 1, False), (1.5, True)],
)
def test_a_range_start_is_a_32_bit_integer(
    hostile: Any, door: str, start: Any, refused: bool
) -> None:
    profile_id = profile_of(hostile)
    conditions = {"Range": {"Unit": "DAYS", "ValueRange": {"Start": 1, "End": 0}}}
    details = {"Attributes": [{"Name": "amount"}], "Expression": "{Order.amount}"}
    params = dict(DomainName=D, CalculatedAttributeName="windowed", Statistic="SUM",
                  AttributeDetails=details, Conditions=conditions)  # fmt: skip
    body = serialized("create_calculated_attribute_definition", params)
    body = body.replace(b'"Start": 1', f'"Start": {json.dumps(start)}'.encode())
    before = state()
    with sending(hostile, door, body):
        if refused:
            with pytest.raises(ClientError) as raised:
                hostile.create_calculated_attribute_definition(**params)
            error = raised.value.response["Error"]
            assert error["Code"] == "BadRequestException"
            assert "Conditions.Range.ValueRange.Start must be an integer" in error["Message"]
            assert state() == before
        else:
            hostile.create_calculated_attribute_definition(**params)
    reads_work(hostile, profile_id)  # every value of the domain still reads
    hostile.get_calculated_attribute_for_profile(DomainName=D, ProfileId=profile_id,
                                                 CalculatedAttributeName="tenfold")  # fmt: skip


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("segment_groups", ['"x"', "[]", '{"Groups": "x"}', '{"Groups": [7]}',
                                            '{"Groups": [{"Dimensions": {"x": 1}}]}'])  # fmt: skip
def test_segment_groups_of_the_wrong_json_type_are_refused(
    hostile: Any, door: str, segment_groups: str
) -> None:
    body = f'{{"DisplayName": "s", "SegmentGroups": {segment_groups}}}'.encode()
    before = state()
    with sending(hostile, door, body), pytest.raises(ClientError) as raised:
        hostile.create_segment_definition(DomainName=D, SegmentDefinitionName="s",
                                          DisplayName="s", SegmentGroups={})  # fmt: skip
    error = raised.value.response["Error"]
    assert error["Code"] == "BadRequestException" and "SegmentGroups" in error["Message"], error
    assert state() == before


# -- every family's writes, one member at a time ---------------------------------------------
P = "PROFILE"  # the seeded profile's id, filled in when the request is made
WRITES: list[tuple[str, dict[str, Any]]] = [
    ("create_domain", {"DomainName": "other", "DefaultExpirationDays": 30, "Tags": {"t": "v"},
                       "Matching": {"Enabled": True, "AutoMerging": {
                           "Enabled": True, "MinAllowedConfidenceScoreForMerging": 0.5,
                           "Consolidation": {"MatchingAttributesList": [["EmailAddress"]]},
                           "ConflictResolution": {"ConflictResolvingModel": "RECENCY"}}}}),
    ("update_domain", {"DomainName": D, "DefaultExpirationDays": 40}),
    ("create_profile", {"DomainName": D, "FirstName": "Bo", "Attributes": {"tier": "gold"},
                        "Address": {"City": "Oslo"}}),
    ("update_profile", {"DomainName": D, "ProfileId": P, "LastName": "Lee"}),
    ("add_profile_key", {"DomainName": D, "ProfileId": P, "KeyName": "loyalty",
                         "Values": ["L1"]}),
    ("put_profile_object_type", {"DomainName": D, "ObjectTypeName": "Visit",
                                 "Description": "visits", "ExpirationDays": 30,
                                 "Fields": {"id": {"Source": "_source.id"}},
                                 "Keys": {"vid": [{"StandardIdentifiers": ["UNIQUE"],
                                                   "FieldNames": ["id"]}]}}),
    ("put_profile_object", {"DomainName": D, "ObjectTypeName": "Order",
                            "Object": '{"id": "w", "email": "ada@example.com"}'}),
    ("batch_put_profile_object", {"DomainName": D, "ObjectTypeName": "Order", "Items": [
        {"Id": "1", "Object": '{"id": "b", "email": "ada@example.com"}'}]}),
    ("create_calculated_attribute_definition", {
        "DomainName": D, "CalculatedAttributeName": "spend", "Statistic": "SUM",
        "AttributeDetails": {"Attributes": [{"Name": "amount"}], "Expression": "{Order.amount}"},
        "Conditions": {"Range": {"Unit": "DAYS", "ValueRange": {"Start": 30, "End": 0}},
                       "ObjectCount": 10, "Threshold": {"Value": "5", "Operator": "GREATER_THAN"}},
        "UseHistoricalData": True}),
    ("update_calculated_attribute_definition", {
        "DomainName": D, "CalculatedAttributeName": "tenfold",
        "Conditions": {"Range": {"Unit": "DAYS", "Value": 7}}}),
    ("create_segment_definition", {
        "DomainName": D, "SegmentDefinitionName": "named", "DisplayName": "named",
        "SegmentGroups": {"Include": "ANY", "Groups": [{"Type": "ALL", "Dimensions": [
            {"ProfileAttributes": {"FirstName": {"DimensionType": "INCLUSIVE", "Values": ["A"]}}}
        ]}]}}),
    ("create_segment_estimate", {"DomainName": D, "SegmentQuery": {"Groups": [{"Dimensions": [
        {"ProfileAttributes": {"LastName": {"DimensionType": "INCLUSIVE", "Values": ["L"]}}}]}]}}),
    ("create_event_trigger", {
        "DomainName": D, "EventTriggerName": "limited", "ObjectTypeName": "Order",
        "EventTriggerConditions": [{"LogicalOperator": "ALL", "EventTriggerDimensions": [
            {"ObjectAttributes": [{"FieldName": "amount", "ComparisonOperator": "GREATER_THAN",
                                   "Values": ["100"]}]}]}],
        "EventTriggerLimits": {"EventExpiration": 10, "Periods": [
            {"Unit": "DAYS", "Value": 1, "MaxInvocationsPerProfile": 2}]}}),
    ("update_event_trigger", {"DomainName": D, "EventTriggerName": "on-day",
                              "Description": "renamed"}),
    ("create_recommender", {"DomainName": D, "RecommenderName": "picks",
                            "RecommenderRecipeName": "popular-items",
                            "RecommenderConfig": {"TrainingFrequency": 7, "EventsConfig": {
                                "EventParametersList": [{"EventType": "click", "EventWeight": 0.5,
                                                         "EventValueThreshold": 1.5}]}}}),
    ("create_domain_layout", {"DomainName": D, "LayoutDefinitionName": "agents",
                              "Description": "d", "DisplayName": "Agents",
                              "LayoutType": "PROFILE_EXPLORER", "Layout": '{"sections": []}'}),
    ("put_integration", {"DomainName": D, "ObjectTypeName": "Order",
                         "Uri": "arn:aws:connect:us-east-1:123456789012:instance/"
                                "11111111-2222-3333-4444-555555555555"}),
    ("create_upload_job", {"DomainName": D, "DisplayName": "customers.csv", "UniqueKey": "email",
                           "Fields": {"email": {"Source": "_source.email",
                                                "Target": "_profile.EmailAddress"}},
                           "DataExpiry": 30}),
    ("put_domain_object_type", {"DomainName": D, "ObjectTypeName": "Product",
                                "Description": "catalog",
                                "Fields": {"sku": {"Source": "_source.sku",
                                                   "Target": "_custom.sku"}}}),
    ("tag_resource", {"resourceArn": f"arn:aws:profile:us-east-1:123456789012:domains/{D}",
                      "tags": {"team": "crm"}}),
]  # fmt: skip
FRAGMENTS = {
    "1e20": "1e20", "NaN": "NaN", "Infinity": "Infinity", "9e999999": "9e999999",
    "10**400": str(10**400), "-2**63-1": str(-(2**63) - 1), "2**31": str(2**31),
    "50,000-deep JSON": "[" * 50_000 + "]" * 50_000, "1 MB string": json.dumps("x" * 1_000_000),
    "lone surrogate": '"\\ud800"', "a string": '"x"', "an array": '["x"]',
    "an object": '{"x": "x"}', "true": "true",
}  # fmt: skip
# the fragments a value of each type may be; every other one is refused
MAY_BE = {
    "string": {"a string", "1 MB string"}, "integer": set(), "long": {"2**31"},
    "double": {"1e20", "-2**63-1", "2**31"}, "float": {"1e20", "-2**63-1", "2**31"},
    "boolean": {"true"}, "timestamp": {"2**31"}, "structure": {"an object"},
    "map": {"an object"}, "list": {"an array"},
}  # fmt: skip
PLACEHOLDER = "\u0000hostile\u0000"


def serialized(method: str, params: dict[str, Any]) -> bytes:
    """The body botocore sends for ``params``."""
    operation = MODEL.operation_model(operation_of(method))
    body = create_serializer("rest-json").serialize_to_request(params, operation)["body"]
    return body if isinstance(body, bytes) else str(body).encode()


def member_paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every value in a body, containers too (a list by its first item)."""
    if path:
        yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from member_paths(item, (*path, key))
    elif isinstance(value, list) and value:
        yield from member_paths(value[0], (*path, 0))


def shape_at(operation: str, path: tuple[Any, ...]) -> Any:
    shape = MODEL.operation_model(operation).input_shape
    for step in path:
        if shape.type_name == "structure":
            shape = next(m for n, m in shape.members.items()
                         if m.serialization.get("name", n) == step)  # fmt: skip
        else:
            shape = shape.member if shape.type_name == "list" else shape.value
    return shape


def with_fragment(document: Any, path: tuple[Any, ...], fragment: str) -> bytes:
    copy = json.loads(json.dumps(document))
    holder = copy
    for step in path[:-1]:
        holder = holder[step]
    holder[path[-1]] = PLACEHOLDER
    return json.dumps(copy).replace(json.dumps(PLACEHOLDER), fragment).encode()


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("method, template", WRITES, ids=[w[0] for w in WRITES])
def test_a_hostile_member_is_refused_and_changes_nothing(
    hostile: Any, door: str, method: str, template: dict[str, Any]
) -> None:
    params = json.loads(
        json.dumps(template).replace(json.dumps(P), json.dumps(profile_of(hostile)))
    )
    operation = operation_of(method)
    document = json.loads(serialized(method, params) or b"{}")
    refusals = 0
    for path in list(member_paths(document)):
        kind = shape_at(operation, path).type_name
        for name, fragment in FRAGMENTS.items():
            before = state()
            try:
                with sending(hostile, door, with_fragment(document, path, fragment)):
                    getattr(hostile, method)(**params)
            except ClientError as error:
                code = error.response["Error"]["Code"]
                where = f"{operation} {'.'.join(map(str, path))} = {name}"
                assert code in modeled(operation) and code != "InternalServerException", where
                assert state() == before, f"{where} was refused but changed the state"
                refusals += 1
            else:
                assert name in MAY_BE[kind], f"{operation} {path} accepted {name} for a {kind}"
    assert refusals


# -- a failure nobody foresaw: undone, and answered InternalServerException ------------------
@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("method, template", WRITES, ids=[w[0] for w in WRITES])
def test_a_write_that_fails_after_it_is_done_is_undone(
    hostile: Any, door: str, method: str, template: dict[str, Any]
) -> None:
    # The operation does all it does, and then its answer cannot be written: everything
    # it did, through every family and subscriber, must be undone.
    params = json.loads(
        json.dumps(template).replace(json.dumps(P), json.dumps(profile_of(hostile)))
    )

    before = state()
    with answers_unwritable(), through(hostile, door), pytest.raises(ClientError) as raised:
        getattr(hostile, method)(**params)
    error = raised.value.response["Error"]
    assert error["Code"] == "InternalServerException", error
    assert "RuntimeError: the answer cannot be written" in error["Message"]
    assert "nothing was changed" in error["Message"]
    assert state() == before
    getattr(hostile, method)(**params)  # and the call, made again, succeeds
    assert state() != before


def test_a_subscriber_that_fails_undoes_the_backend_call(
    hostile: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The backend API, called from a test's own code, is one call too: the exception is
    # the caller's, as raised, and the state is as it was.
    def failing(backend: Any, change: Any) -> None:
        raise ZeroDivisionError("a subscriber's defect")

    backend = cp_mock.get_backend()
    other = backend.create_profile(D, first_name="Bo")["ProfileId"]
    main = profile_of(hostile)
    subscribers = (*CustomerProfilesBackend.CHANGE_SUBSCRIBERS, failing)
    monkeypatch.setattr(CustomerProfilesBackend, "CHANGE_SUBSCRIBERS", subscribers)
    before = state()
    for call in (
        lambda: backend.put_profile_object(D, "Order", '{"id": "z", "email": "zed@example.com"}'),
        lambda: backend.put_profile_object(
            D, "Order", '{"id": "seed", "email": "ada@example.com"}'
        ),
        lambda: backend.create_profile(D, first_name="Cy"),
        lambda: backend.update_profile(D, main, first_name="Ada"),
        lambda: backend.add_profile_key(D, main, "loyalty", ["L1"]),
        lambda: backend.merge_profiles(D, main, [other]),
        lambda: backend.delete_profile(D, other),
        lambda: backend.delete_profile_object_type(D, "Order"),
    ):
        with pytest.raises(ZeroDivisionError):
            call()
        assert state() == before


# -- sending a body of one's own -------------------------------------------------------------
@contextmanager
def sending(client: Any, door: str, body: bytes) -> Iterator[None]:
    """The client's calls in this block send ``body`` in place of what botocore
    serialized, by ``door``: at before-call the direct door answers (it steps aside for a
    client with handlers at the HTTP level, which the other way adds)."""
    events = client.meta.events
    if door == "direct":

        def swap_call(params: dict[str, Any], **_: Any) -> None:
            params["body"] = body

        events.register_first("before-call.customer-profiles", swap_call)
        try:
            yield
        finally:
            events.unregister("before-call.customer-profiles", swap_call)
    else:

        def swap_send(request: Any, **_: Any) -> None:
            request.body = body

        events.register_first("before-send.customer-profiles", swap_send)
        try:
            yield
        finally:
            events.unregister("before-send.customer-profiles", swap_send)


@contextmanager
def through(client: Any, door: str) -> Iterator[None]:
    """The client's calls in this block go by ``door``, their bodies as serialized."""
    if door == "direct":
        yield
        return

    def watch(request: Any, **_: Any) -> None:
        return None

    client.meta.events.register_first("before-send.customer-profiles", watch)
    try:
        yield
    finally:
        client.meta.events.unregister("before-send.customer-profiles", watch)
