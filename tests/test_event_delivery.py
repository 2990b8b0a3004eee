"""What event streams send and event triggers fire, as a consumer sees it (admin guide,
"Export your unified customer profile data" / "Event stream record format"; research note
§4.2 and §5). The Kinesis consumer is a real boto3 Kinesis client under the mock."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import boto3
import pytest
from freezegun import freeze_time

import cp_mock
from tests.factories import ORDER_FIELDS, put_order_type

STREAM = "profile-changes"
STREAM_ARN = f"arn:aws:kinesis:us-east-1:123456789012:stream/{STREAM}"


@pytest.fixture
def orders(client: Any, domain: str) -> str:
    fields = {  # (in this order: a type's fields are listed as defined)
        "id": ORDER_FIELDS["id"],
        "email": {**ORDER_FIELDS["email"], "ContentType": "EMAIL_ADDRESS"},
        "name": {"Source": "_source.name", "Target": "_profile.FirstName"},
        "amount": {**ORDER_FIELDS["amount"], "ContentType": "NUMBER"},
        "placed": {"Source": "_source.placed"},
    }
    return put_order_type(client, domain, fields)


@pytest.fixture
def kinesis(client: Any, domain: str) -> Any:
    kinesis = boto3.client("kinesis", region_name="us-east-1")
    kinesis.create_stream(StreamName=STREAM, ShardCount=1)
    client.create_event_stream(DomainName=domain, EventStreamName="changes", Uri=STREAM_ARN)
    return kinesis


def consumed(kinesis: Any) -> list[tuple[str, dict[str, Any]]]:
    """(partition key, record) of everything on the stream, in order, read as a consumer
    reads it: GetShardIterator, then GetRecords."""
    shard = kinesis.describe_stream(StreamName=STREAM)["StreamDescription"]["Shards"][0]
    iterator = kinesis.get_shard_iterator(
        StreamName=STREAM, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records = kinesis.get_records(ShardIterator=iterator, Limit=1000)["Records"]
    return [(r["PartitionKey"], json.loads(r["Data"])) for r in records]


def summary(record: dict[str, Any]) -> tuple[str, str]:
    return record["EventType"], record["ObjectTypeName"]


def put_order(client: Any, domain: str, **order: Any) -> str:
    key: str = client.put_profile_object(
        DomainName=domain, ObjectTypeName="Order", Object=json.dumps(order)
    )["ProfileObjectUniqueKey"]
    return key


@freeze_time("2026-03-04 05:06:07.089")
def test_profile_changes_reach_a_kinesis_consumer(client: Any, domain: str, kinesis: Any) -> None:
    profile_id = client.create_profile(DomainName=domain, FirstName="Ada")["ProfileId"]
    client.update_profile(DomainName=domain, ProfileId=profile_id, LastName="Lovelace")
    client.add_profile_key(DomainName=domain, ProfileId=profile_id, KeyName="crm", Values=["7"])
    client.delete_profile(DomainName=domain, ProfileId=profile_id)  # no delete events
    records = consumed(kinesis)
    assert [summary(r) for _, r in records] == [
        ("CREATED", "_profile"), ("UPDATED", "_profile"), ("UPDATED", "_profile"),
    ]  # fmt: skip
    partition, created = records[0]
    assert partition == profile_id
    assert created["SchemaVersion"] == 0 and created["IsMessageRealTime"] is True
    assert created["DomainName"] == domain and created["AssociatedProfileId"] == profile_id
    assert created["EventTimestamp"] == "2026-03-04T05:06:07.089Z"
    assert created["Object"] == {"ProfileId": profile_id, "FirstName": "Ada"}
    assert records[1][1]["Object"]["LastName"] == "Lovelace"
    assert len({r["EventId"] for _, r in records}) == 3
    # what went to Kinesis is also what the helper gives
    assert cp_mock.event_stream_records(domain) == [r for _, r in records]


def test_a_put_object_sends_its_record_and_the_profiles(
    client: Any, domain: str, orders: str, kinesis: Any
) -> None:
    # "Two events will be emitted. Ex: _profile and air_booking" for a put that makes or
    # changes the profile; a re-put is the object's UPDATED.
    key = put_order(client, domain, id="o1", email="ada@example.com", name="Ada", amount=5)
    put_order(client, domain, id="o1", email="ada@example.com", name="Ada", amount=6)
    put_order(client, domain, id="o2", email="ada@example.com", name="Augusta", amount=7)
    records = [r for _, r in consumed(kinesis)]
    assert [summary(r) for r in records] == [
        ("CREATED", "_profile"),
        ("CREATED", "Order"),
        ("UPDATED", "Order"),  # same profile fields: no _profile record
        ("UPDATED", "_profile"),  # FirstName changed
        ("CREATED", "Order"),
    ]
    profile_id = records[0]["AssociatedProfileId"]
    assert records[0]["Object"]["EmailAddress"] == "ada@example.com"
    assert records[1]["ProfileObjectUniqueKey"] == key
    assert records[1]["Object"] == {"id": "o1", "email": "ada@example.com", "name": "Ada",
                                    "amount": 5}  # fmt: skip
    assert {r["AssociatedProfileId"] for r in records} == {profile_id}
    assert records[3]["Object"]["FirstName"] == "Augusta"


def test_a_merge_sends_merged_with_the_duplicates(client: Any, domain: str, kinesis: Any) -> None:
    main = client.create_profile(DomainName=domain, FirstName="Ada")["ProfileId"]
    other = client.create_profile(DomainName=domain, LastName="Lovelace")["ProfileId"]
    client.merge_profiles(DomainName=domain, MainProfileId=main, ProfileIdsToBeMerged=[other])
    merged = consumed(kinesis)[-1][1]
    assert summary(merged) == ("MERGED", "_profile")
    assert merged["AssociatedProfileId"] == main
    assert merged["Object"] == {"ProfileId": main, "FirstName": "Ada", "LastName": "Lovelace"}
    assert merged["DuplicateProfiles"] == [{"ProfileId": other, "LastName": "Lovelace"}]
    assert merged["MergeId"]
    assert len(consumed(kinesis)) == 3  # the merged-away profile's deletion sends nothing


def test_without_the_kinesis_stream_records_are_kept_and_the_stream_is_unhealthy(
    client: Any, domain: str
) -> None:
    client.create_event_stream(DomainName=domain, EventStreamName="changes", Uri=STREAM_ARN)
    profile_id = client.create_profile(DomainName=domain, FirstName="Ada")["ProfileId"]
    details = client.get_event_stream(DomainName=domain, EventStreamName="changes")[
        "DestinationDetails"
    ]
    assert details["Status"] == "UNHEALTHY"
    assert details["Message"] == f"Kinesis data stream {STREAM_ARN} does not exist"
    [record] = cp_mock.event_stream_records(domain)
    assert summary(record) == ("CREATED", "_profile")
    assert record["AssociatedProfileId"] == profile_id


def test_no_event_stream_sends_nothing(client: Any, domain: str) -> None:
    client.create_profile(DomainName=domain, FirstName="Ada")
    assert cp_mock.event_stream_records(domain) == []


# -- event triggers ----------------------------------------------------------------------
def big_orders(client: Any, domain: str, **limits: Any) -> None:
    client.create_event_trigger(
        DomainName=domain,
        EventTriggerName="big-order",
        ObjectTypeName="Order",
        EventTriggerConditions=[
            {
                "EventTriggerDimensions": [
                    {
                        "ObjectAttributes": [
                            {
                                "FieldName": "amount",
                                "ComparisonOperator": "GREATER_THAN",
                                "Values": ["100"],
                            },
                        ]
                    }
                ],
                "LogicalOperator": "ALL",
            }
        ],  # fmt: skip
        **limits,
    )


def fired(domain: str) -> list[tuple[str, str]]:
    return [
        (i["EventTriggerName"], json.loads(json.dumps(i["Object"]))["id"])
        for i in cp_mock.event_trigger_invocations(domain)
    ]


def test_a_trigger_fires_on_objects_that_meet_its_condition(
    client: Any, domain: str, orders: str
) -> None:
    big_orders(client, domain)
    uri = "arn:aws:connect:us-east-1:123456789012:instance/campaigns"
    client.put_integration(
        DomainName=domain, Uri=uri, ObjectTypeName="Order", EventTriggerNames=["big-order"]
    )
    put_order(client, domain, id="small", email="a@example.com", amount=50)
    key = put_order(client, domain, id="big", email="a@example.com", amount=150)
    put_order(client, domain, id="none", email="a@example.com")  # no amount: not greater
    [invocation] = cp_mock.event_trigger_invocations(domain)
    assert invocation["EventTriggerName"] == "big-order"
    assert invocation["ProfileObjectUniqueKey"] == key
    assert invocation["IntegrationUris"] == [uri]
    assert invocation["Object"]["amount"] == 150


def test_trigger_limits_count_invocations_per_profile_in_each_period(
    client: Any, domain: str, orders: str
) -> None:
    big_orders(
        client,
        domain,
        EventTriggerLimits={
            "Periods": [{"Unit": "DAYS", "Value": 1, "MaxInvocationsPerProfile": 2}]
        },
    )
    with freeze_time("2026-01-01 09:00") as clock:
        for n in range(3):  # the third, the same day, is over the limit
            put_order(client, domain, id=f"a{n}", email="a@example.com", amount=500)
        put_order(client, domain, id="b0", email="b@example.com", amount=500)  # another profile
        clock.move_to("2026-01-02 09:01")  # a day later: the period has moved on
        put_order(client, domain, id="a3", email="a@example.com", amount=500)
    assert fired(domain) == [("big-order", i) for i in ("a0", "a1", "b0", "a3")]


CONDITIONS = [
    # (operator, values, amounts that fire) -- amounts 50, 100, 150 and none
    ("GREATER_THAN", ["100"], [150]),
    ("GREATER_THAN_OR_EQUAL", ["100"], [100, 150]),
    ("LESS_THAN", ["100"], [50]),
    ("LESS_THAN_OR_EQUAL", ["100"], [50, 100]),
    ("EQUAL", ["100"], [100]),
    ("BETWEEN", ["60", "150"], [100, 150]),
    ("NOT_BETWEEN", ["60", "150"], [50]),
    ("INCLUSIVE", ["50", "150"], [50, 150]),
    ("EXCLUSIVE", ["50", "150"], [100, None]),
    ("CONTAINS", ["5"], [50, 150]),
    ("BEGINS_WITH", ["1"], [100, 150]),
    ("ENDS_WITH", ["0"], [50, 100, 150]),
]


@pytest.mark.parametrize("operator, values, firing", CONDITIONS)
def test_each_comparison_operator(
    client: Any, domain: str, orders: str, operator: str, values: list[str], firing: list[Any]
) -> None:
    client.create_event_trigger(
        DomainName=domain, EventTriggerName="t", ObjectTypeName="Order",
        EventTriggerConditions=[{"LogicalOperator": "ALL", "EventTriggerDimensions": [
            {"ObjectAttributes": [{"FieldName": "amount", "ComparisonOperator": operator,
                                   "Values": values}]}]}],
    )  # fmt: skip
    for amount in (50, 100, 150, None):
        order = {"id": f"o{amount}", "email": "a@example.com"}
        if amount is not None:
            order["amount"] = amount
        put_order(client, domain, **order)
    assert fired(domain) == [("t", f"o{amount}") for amount in firing]


@pytest.mark.parametrize(
    "operator, values, firing",
    [
        ("BEFORE", ["2026-06-01"], ["may"]),
        ("AFTER", ["2026-06-01T12:00:00Z"], ["july"]),
        ("ON", ["2026-06-01"], ["june"]),
        ("BETWEEN", ["2026-05-31", "2026-06-02"], ["june"]),
    ],
)
def test_time_operators_compare_dates(
    client: Any, domain: str, orders: str, operator: str, values: list[str], firing: list[str]
) -> None:
    client.create_event_trigger(
        DomainName=domain, EventTriggerName="t", ObjectTypeName="Order",
        EventTriggerConditions=[{"LogicalOperator": "ANY", "EventTriggerDimensions": [
            {"ObjectAttributes": [{"FieldName": "placed", "ComparisonOperator": operator,
                                   "Values": values}]}]}],
    )  # fmt: skip
    for name, placed in (
        ("may", "2026-05-20T10:00:00Z"),
        ("june", "2026-06-01T08:00:00Z"),
        ("july", "2026-07-02T10:00:00Z"),
    ):
        put_order(client, domain, id=name, email="a@example.com", placed=placed)
    assert fired(domain) == [("t", name) for name in firing]


def test_conditions_or_dimensions_by_operator_attributes_and(
    client: Any, domain: str, orders: str
) -> None:
    # conditions OR; a condition's dimensions by its LogicalOperator; a dimension's
    # attributes AND (admin guide, event triggers for outbound campaigns)
    def attribute(field: str, operator: str, *values: str) -> dict[str, Any]:
        source = {"FieldName": field} if field != "name" else {"Source": "{Order.name}"}
        return {**source, "ComparisonOperator": operator, "Values": list(values)}

    client.create_event_trigger(
        DomainName=domain, EventTriggerName="t", ObjectTypeName="Order",
        EventTriggerConditions=[
            {"LogicalOperator": "ALL", "EventTriggerDimensions": [
                {"ObjectAttributes": [attribute("amount", "GREATER_THAN", "100"),
                                      attribute("name", "BEGINS_WITH", "A")]},
            ]},
            {"LogicalOperator": "NONE", "EventTriggerDimensions": [
                {"ObjectAttributes": [attribute("amount", "GREATER_THAN", "0")]},
                {"ObjectAttributes": [attribute("name", "EQUAL", "Bob")]},
            ]},
        ],
    )  # fmt: skip
    orders_put = [
        ("big-ada", {"amount": 500, "name": "Ada"}),  # first condition
        ("big-bob", {"amount": 500, "name": "Bob"}),  # neither
        ("small-ann", {"amount": 5, "name": "Ann"}),  # neither (NONE: amount > 0 holds)
        ("nothing", {"name": "Cy"}),  # second condition: no dimension holds
    ]
    for order_id, fields in orders_put:
        put_order(client, domain, id=order_id, email=f"{order_id}@example.com", **fields)
    assert fired(domain) == [("t", "big-ada"), ("t", "nothing")]


def test_triggers_fire_only_for_their_object_type(client: Any, domain: str, orders: str) -> None:
    big_orders(client, domain)
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="Refund", Description="refunds",
        AllowProfileCreation=True,
        Fields={"id": {"Source": "_source.id", "Target": "_refund.id"},
                "amount": {"Source": "_source.amount", "Target": "_refund.amount"}},
        Keys={"id": [{"StandardIdentifiers": ["UNIQUE", "PROFILE"], "FieldNames": ["id"]}]},
    )  # fmt: skip
    client.put_profile_object(
        DomainName=domain, ObjectTypeName="Refund", Object=json.dumps({"id": "r", "amount": 900})
    )
    assert cp_mock.event_trigger_invocations(domain) == []


def test_changes_are_heard_in_order_as_the_call_returns(client: Any, domain: str) -> None:
    """History and the event stream both hear a profile's deletion before it is removed:
    the history record holds the profile as it was."""
    client.create_event_stream(DomainName=domain, EventStreamName="changes", Uri=STREAM_ARN)
    profile_id = client.create_profile(DomainName=domain, FirstName="Ada")["ProfileId"]
    client.delete_profile(DomainName=domain, ProfileId=profile_id)
    records = client.list_profile_history_records(DomainName=domain, ProfileId=profile_id)
    deleted = records["ProfileHistoryRecords"][0]
    assert deleted["ActionType"] == "DELETED_BY_CUSTOMER"
    content = client.get_profile_history_record(
        DomainName=domain, ProfileId=profile_id, Id=deleted["Id"]
    )["Content"]
    assert json.loads(content)["FirstName"] == "Ada"
    assert [r["EventType"] for r in cp_mock.event_stream_records(domain)] == ["CREATED"]
    assert datetime.now(timezone.utc).year >= 2026
