"""Segment subscriptions (LIVE and SCHEDULE events), the domain's stream for segment events,
and event triggers filtered by a segment, through boto3."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

from cp_mock import event_trigger_invocations, segment_stream_records
from tests.refusals import answers_unwritable
from tests.test_segments_sql_bounds import answered_while_a_query_runs

ROLE = "arn:aws:iam::123456789012:role/segments"
LYON = {
    "Include": "ALL",
    "Groups": [
        {"Dimensions": [{"ProfileAttributes": {
            "Address": {"City": {"DimensionType": "INCLUSIVE", "Values": ["Lyon"]}}}}]}
    ],
}  # fmt: skip


def define_lyon(client: Any, domain: str) -> None:
    client.create_segment_definition(DomainName=domain, SegmentDefinitionName="lyon",
                                     DisplayName="Lyon", SegmentGroups=LYON)  # fmt: skip


def events(client: Any, domain: str, name: str = "lyon") -> list[tuple[str, str, str]]:
    answer = client.list_segment_subscription_events(DomainName=domain, SegmentDefinitionName=name)
    return [(e["ProfileId"], e["EventType"], e["Event"]) for e in answer["Events"]]


def move(client: Any, domain: str, profile_id: str, city: str) -> None:
    client.update_profile(DomainName=domain, ProfileId=profile_id, Address={"City": city})


def test_profile_changes_record_live_joined_and_left_most_recent_first(
    client: Any, domain: str
) -> None:
    ann = client.create_profile(DomainName=domain, Address={"City": "Lyon"})["ProfileId"]
    define_lyon(client, domain)
    put = client.put_segment_subscription(DomainName=domain, SegmentDefinitionName="lyon")
    assert put["Status"] == "RUNNING"
    assert put["ScheduleConfiguration"] == {"Interval": 24, "Unit": "HOURLY"}  # the default
    assert events(client, domain) == []  # the initial snapshot records no event
    bob = client.create_profile(DomainName=domain, Address={"City": "Lyon"})["ProfileId"]
    move(client, domain, ann, "Paris")
    move(client, domain, ann, "Nice")  # still out: nothing new
    client.delete_profile(DomainName=domain, ProfileId=bob)
    assert events(client, domain) == [
        (bob, "LIVE", "LEFT"), (ann, "LIVE", "LEFT"), (bob, "LIVE", "JOINED"),
    ]  # fmt: skip


def test_the_schedule_runs_by_the_mocks_clock_and_sql_segments_only_on_schedule(
    client: Any, domain: str
) -> None:
    client.update_domain(DomainName=domain, DataStore={"Enabled": True})
    with freeze_time("2031-01-01T00:00:00Z") as clock:
        ann = client.create_profile(DomainName=domain, Address={"City": "Lyon"})["ProfileId"]
        client.create_segment_definition(
            DomainName=domain, SegmentDefinitionName="q", DisplayName="q",
            SegmentSqlQuery="SELECT ProfileId FROM profiles WHERE Address_City = 'Lyon'",
        )  # fmt: skip
        every_two_hours = {"Interval": 2, "Unit": "HOURLY"}
        client.put_segment_subscription(
            DomainName=domain, SegmentDefinitionName="q", ScheduleConfiguration=every_two_hours
        )
        move(client, domain, ann, "Paris")
        assert events(client, domain, "q") == []  # SQL segments: no LIVE events
        clock.tick(3 * 3600)
        assert events(client, domain, "q") == [(ann, "SCHEDULE", "LEFT")]
        got = client.get_segment_subscription(DomainName=domain, SegmentDefinitionName="q")
        runs = got["ScheduledExecutions"]
        # the run is the latest scheduled moment (02:00), the next two hours later
        assert runs["LastExecutedAt"].isoformat().startswith("2031-01-01T02:00:00")
        assert runs["NextExecutedAt"].isoformat().startswith("2031-01-01T04:00:00")


def test_a_stream_for_segments_receives_each_event_on_kinesis(client: Any, domain: str) -> None:
    kinesis = boto3.client("kinesis", region_name="us-east-1")
    kinesis.create_stream(StreamName="segments", ShardCount=1)
    description = kinesis.describe_stream(StreamName="segments")["StreamDescription"]
    arn = description["StreamARN"]
    define_lyon(client, domain)
    client.put_segment_subscription(DomainName=domain, SegmentDefinitionName="lyon")
    client.associate_stream_for_segments(DomainName=domain, DestinationArn=arn,
                                         DestinationRoleArn=ROLE)  # fmt: skip
    ann = client.create_profile(DomainName=domain, Address={"City": "Lyon"})["ProfileId"]
    iterator = kinesis.get_shard_iterator(
        StreamName="segments", ShardId=description["Shards"][0]["ShardId"],
        ShardIteratorType="TRIM_HORIZON",
    )["ShardIterator"]  # fmt: skip
    [record] = kinesis.get_records(ShardIterator=iterator)["Records"]
    sent = json.loads(record["Data"])
    assert record["PartitionKey"] == ann
    assert {k: sent[k] for k in ("DomainName", "SegmentDefinitionName", "ProfileId",
                                 "EventType", "Event")} == {
        "DomainName": domain, "SegmentDefinitionName": "lyon", "ProfileId": ann,
        "EventType": "LIVE", "Event": "JOINED"}  # fmt: skip
    assert segment_stream_records(domain) == [sent]
    stream = client.get_stream_for_segments(DomainName=domain)
    assert (stream["State"], stream["DestinationArn"]) == ("RUNNING", arn)
    assert stream["AssociatedSegments"] == [{"SegmentName": "lyon", "Status": "RUNNING"}]
    # "A domain can have only one associated stream at a time."
    with pytest.raises(ClientError, match="already has a stream"):
        client.associate_stream_for_segments(DomainName=domain, DestinationArn=arn,
                                             DestinationRoleArn=ROLE)  # fmt: skip
    client.disassociate_stream_for_segments(DomainName=domain)
    stream = client.get_stream_for_segments(DomainName=domain)
    assert stream["State"] == "STOPPED" and "DisassociatedAt" in stream
    assert stream["AssociatedSegments"] == [{"SegmentName": "lyon", "Status": "STOPPED"}]


def test_a_stream_kinesis_does_not_hold_is_unhealthy_and_records_are_kept(
    client: Any, domain: str
) -> None:
    arn = "arn:aws:kinesis:us-east-1:123456789012:stream/missing"
    define_lyon(client, domain)
    client.put_segment_subscription(DomainName=domain, SegmentDefinitionName="lyon")
    client.associate_stream_for_segments(DomainName=domain, DestinationArn=arn,
                                         DestinationRoleArn=ROLE)  # fmt: skip
    client.create_profile(DomainName=domain, Address={"City": "Lyon"})
    stream = client.get_stream_for_segments(DomainName=domain)
    assert stream["State"] == "UNHEALTHY" and "missing" in stream["FailureReason"]
    assert [r["Event"] for r in segment_stream_records(domain)] == ["JOINED"]


@pytest.mark.parametrize(
    "arn",
    ["not-an-arn", "arn:aws:kinesis:eu-west-1:123456789012:stream/x",
     "arn:aws:kinesis:us-east-1:111111111111:stream/x"],
)  # fmt: skip
def test_the_stream_must_be_a_kinesis_stream_of_the_domain(
    client: Any, domain: str, arn: str
) -> None:
    with pytest.raises(ClientError) as raised:
        client.associate_stream_for_segments(DomainName=domain, DestinationArn=arn,
                                             DestinationRoleArn=ROLE)  # fmt: skip
    assert raised.value.response["Error"]["Code"] == "BadRequestException"


def test_subscription_update_delete_and_not_found(client: Any, domain: str) -> None:
    define_lyon(client, domain)
    for call in (client.get_segment_subscription, client.delete_segment_subscription,
                 client.list_segment_subscription_events):  # fmt: skip
        with pytest.raises(ClientError) as raised:
            call(DomainName=domain, SegmentDefinitionName="lyon")
        assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as raised:
        client.get_stream_for_segments(DomainName=domain)
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"
    client.put_segment_subscription(DomainName=domain, SegmentDefinitionName="lyon")
    client.put_segment_subscription(DomainName=domain, SegmentDefinitionName="lyon",
                                    ScheduleConfiguration={"Interval": 6})  # fmt: skip
    got = client.get_segment_subscription(DomainName=domain, SegmentDefinitionName="lyon")
    assert got["ScheduleConfiguration"] == {"Interval": 6, "Unit": "HOURLY"}
    client.delete_segment_subscription(DomainName=domain, SegmentDefinitionName="lyon")
    with pytest.raises(ClientError):
        client.get_segment_subscription(DomainName=domain, SegmentDefinitionName="lyon")


# -- event triggers: SegmentFilter -------------------------------------------------------
def make_trigger(client: Any, domain: str, **extra: Any) -> None:
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="Order", Description="orders",
        AllowProfileCreation=True,
        Fields={"id": {"Source": "_source.id"}, "email": {"Source": "_source.email",
                                                          "Target": "_profile.EmailAddress"}},
        Keys={"orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
              "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}]},
    )  # fmt: skip
    client.create_event_trigger(
        DomainName=domain, EventTriggerName="big", ObjectTypeName="Order",
        EventTriggerConditions=[{"LogicalOperator": "ANY", "EventTriggerDimensions": [
            {"ObjectAttributes": [{"FieldName": "id", "ComparisonOperator": "BEGINS_WITH",
                                   "Values": ["o"]}]}]}],
        **extra,
    )  # fmt: skip


def test_an_event_trigger_with_a_segment_filter_fires_only_for_members(
    client: Any, domain: str
) -> None:
    # API_CreateEventTrigger, SegmentFilter: "The destination is triggered only for profiles
    # that meet the criteria of a segment definition."
    define_lyon(client, domain)
    make_trigger(client, domain, SegmentFilter="lyon")
    inside = client.create_profile(DomainName=domain, EmailAddress="in@x.org",
                                   Address={"City": "Lyon"})["ProfileId"]  # fmt: skip
    client.create_profile(DomainName=domain, EmailAddress="out@x.org", Address={"City": "Nice"})
    for number, email in enumerate(["in@x.org", "out@x.org"]):
        order = json.dumps({"id": f"o{number}", "email": email})
        client.put_profile_object(DomainName=domain, ObjectTypeName="Order", Object=order)
    assert [i["ProfileId"] for i in event_trigger_invocations(domain)] == [inside]
    # the segment a trigger filters on cannot be deleted from under it
    with pytest.raises(ClientError, match="SegmentFilter of event trigger big"):
        client.delete_segment_definition(DomainName=domain, SegmentDefinitionName="lyon")


LYON_QUERY = "SELECT ProfileId FROM profiles WHERE Address_City = 'Lyon'"


def put_orders(client: Any, domain: str, *emails: str) -> None:
    for number, email in enumerate(emails):
        order = json.dumps({"id": f"o{number}", "email": email})
        client.put_profile_object(DomainName=domain, ObjectTypeName="Order", Object=order)


@pytest.fixture
def lyon_by_sql(client: Any, domain: str) -> str:
    """A trigger on orders filtered by an SQL segment of the profiles in Lyon, and a
    profile there: its id."""
    client.update_domain(DomainName=domain, DataStore={"Enabled": True})
    client.create_segment_definition(DomainName=domain, SegmentDefinitionName="lyon",
                                     DisplayName="Lyon", SegmentSqlQuery=LYON_QUERY)  # fmt: skip
    make_trigger(client, domain, SegmentFilter="lyon")
    return str(client.create_profile(DomainName=domain, EmailAddress="in@x.org",
                                     Address={"City": "Lyon"})["ProfileId"])  # fmt: skip


def test_an_event_trigger_filtered_by_an_sql_segment_fires_only_for_its_members(
    client: Any, domain: str, lyon_by_sql: str
) -> None:
    client.create_profile(DomainName=domain, EmailAddress="out@x.org", Address={"City": "Nice"})
    put_orders(client, domain, "in@x.org", "out@x.org")
    assert [i["ProfileId"] for i in event_trigger_invocations(domain)] == [lyon_by_sql]


def test_other_callers_are_answered_while_a_triggers_sql_segment_is_tested(
    client: Any, domain: str, lyon_by_sql: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The segment's query runs once the put's writes are whole, without the backend's
    # lock: a call another thread makes meanwhile is answered before the query ends, and
    # the trigger fires all the same.
    answered = answered_while_a_query_runs(
        monkeypatch, domain, lambda: put_orders(client, domain, "in@x.org")
    )
    assert answered == [True]
    assert [i["ProfileId"] for i in event_trigger_invocations(domain)] == [lyon_by_sql]


def test_a_put_that_is_undone_fires_no_segment_filtered_trigger(
    client: Any, domain: str, lyon_by_sql: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with answers_unwritable(), pytest.raises(ClientError):
        put_orders(client, domain, "in@x.org")
    assert event_trigger_invocations(domain) == []
    put_orders(client, domain, "in@x.org")
    assert len(event_trigger_invocations(domain)) == 1


def test_an_event_trigger_segment_filter_must_name_a_segment(client: Any, domain: str) -> None:
    with pytest.raises(ClientError, match="segment definition nope does not exist"):
        make_trigger(client, domain, SegmentFilter="nope")
