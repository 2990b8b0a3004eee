"""Event streams and event triggers: definitions through boto3 (API reference pages
API_CreateEventStream ... API_DeleteEventTrigger; research note §4 and §5)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.factories import put_order_type

STREAM_ARN = "arn:aws:kinesis:us-east-1:123456789012:stream/profile-changes"


def error_of(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


@pytest.fixture
def orders(client: Any, domain: str) -> str:
    return put_order_type(client, domain)


def test_event_stream_lifecycle(client: Any, domain: str) -> None:
    created = client.create_event_stream(
        DomainName=domain, EventStreamName="changes", Uri=STREAM_ARN, Tags={"team": "crm"}
    )
    arn = f"arn:aws:profile:us-east-1:123456789012:domains/{domain}/event-streams/changes"
    assert created["EventStreamArn"] == arn and created["Tags"] == {"team": "crm"}
    stream = client.get_event_stream(DomainName=domain, EventStreamName="changes")
    assert stream["State"] == "RUNNING" and stream["EventStreamArn"] == arn
    listed = client.list_event_streams(DomainName=domain)["Items"]
    assert [s["EventStreamName"] for s in listed] == ["changes"]
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "crm"}
    client.delete_event_stream(DomainName=domain, EventStreamName="changes")
    assert client.list_event_streams(DomainName=domain)["Items"] == []
    with pytest.raises(ClientError) as raised:
        client.get_event_stream(DomainName=domain, EventStreamName="changes")
    assert error_of(raised)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as raised:
        client.list_tags_for_resource(resourceArn=arn)
    assert error_of(raised)[0] == "ResourceNotFoundException"


def test_one_event_stream_per_domain(client: Any, domain: str) -> None:
    # the message AWS gives (the CloudFormation provider matches on it)
    client.create_event_stream(DomainName=domain, EventStreamName="first", Uri=STREAM_ARN)
    with pytest.raises(ClientError) as raised:
        client.create_event_stream(DomainName=domain, EventStreamName="second", Uri=STREAM_ARN)
    assert error_of(raised) == (
        "BadRequestException",
        f"The Customer Profiles Domain: {domain} is already associated with an active EventStream",
    )
    client.delete_event_stream(DomainName=domain, EventStreamName="first")
    client.create_event_stream(DomainName=domain, EventStreamName="second", Uri=STREAM_ARN)


@pytest.mark.parametrize(
    "uri",
    [
        "arn:aws:sqs:us-east-1:123456789012:queue",  # not Kinesis
        "arn:aws:kinesis:eu-west-1:123456789012:stream/elsewhere",  # another region
        "arn:aws:kinesis:us-east-1:111111111111:stream/elsewhere",  # another account
    ],
)
def test_event_stream_destination_is_a_kinesis_stream_of_the_domain(
    client: Any, domain: str, uri: str
) -> None:
    # API_CreateEventStream: "only one Kinesis Data Stream destination in the same region
    # and AWS account as the customer profiles domain"
    with pytest.raises(ClientError) as raised:
        client.create_event_stream(DomainName=domain, EventStreamName="s", Uri=uri)
    code, message = error_of(raised)
    assert code == "BadRequestException" and message.startswith("Uri:")
    assert client.list_event_streams(DomainName=domain)["Items"] == []


def test_event_stream_without_its_kinesis_stream_is_unhealthy(client: Any, domain: str) -> None:
    client.create_event_stream(DomainName=domain, EventStreamName="changes", Uri=STREAM_ARN)
    details = client.get_event_stream(DomainName=domain, EventStreamName="changes")[
        "DestinationDetails"
    ]
    assert details["Status"] == "UNHEALTHY" and "does not exist" in details["Message"]
    assert "UnhealthySince" in details
    boto3.client("kinesis", region_name="us-east-1").create_stream(
        StreamName="profile-changes", ShardCount=1
    )
    details = client.get_event_stream(DomainName=domain, EventStreamName="changes")[
        "DestinationDetails"
    ]
    assert details == {"Uri": STREAM_ARN, "Status": "HEALTHY"}


TRIGGER = {
    "ObjectTypeName": "Order",
    "Description": "big orders",
    "EventTriggerConditions": [
        {
            "EventTriggerDimensions": [
                {
                    "ObjectAttributes": [
                        {
                            "FieldName": "amount",
                            "ComparisonOperator": "GREATER_THAN",
                            "Values": ["100"],
                        }  # fmt: skip
                    ]
                }
            ],
            "LogicalOperator": "ALL",
        }
    ],
    "EventTriggerLimits": {
        "Periods": [{"Unit": "DAYS", "Value": 1, "MaxInvocationsPerProfile": 2}]
    },
}


def test_event_trigger_lifecycle(client: Any, domain: str, orders: str) -> None:
    created = client.create_event_trigger(
        DomainName=domain, EventTriggerName="big", Tags={"k": "v"}, **TRIGGER
    )
    assert created["EventTriggerName"] == "big"
    assert created["EventTriggerConditions"] == TRIGGER["EventTriggerConditions"]
    got = client.get_event_trigger(DomainName=domain, EventTriggerName="big")
    assert got["EventTriggerLimits"] == TRIGGER["EventTriggerLimits"]
    assert got["Tags"] == {"k": "v"}
    updated = client.update_event_trigger(
        DomainName=domain, EventTriggerName="big", Description="very big orders"
    )
    assert updated["Description"] == "very big orders"
    assert updated["EventTriggerConditions"] == TRIGGER["EventTriggerConditions"]
    assert updated["LastUpdatedAt"] >= got["LastUpdatedAt"]
    items = client.list_event_triggers(DomainName=domain)["Items"]
    assert [(i["EventTriggerName"], i["Description"]) for i in items] == [
        ("big", "very big orders")
    ]
    with pytest.raises(ClientError) as raised:
        client.create_event_trigger(DomainName=domain, EventTriggerName="big", **TRIGGER)
    assert error_of(raised) == (
        "BadRequestException",
        "Event trigger with name big already exists",
    )
    client.delete_event_trigger(DomainName=domain, EventTriggerName="big")
    with pytest.raises(ClientError) as raised:
        client.get_event_trigger(DomainName=domain, EventTriggerName="big")
    assert error_of(raised)[0] == "ResourceNotFoundException"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"ObjectTypeName": "Missing"}, "ObjectTypeName"),
        ({"SegmentFilter": "vip"}, "SegmentFilter"),
        (
            {"EventTriggerConditions": [{"LogicalOperator": "ANY", "EventTriggerDimensions": [
                {"ObjectAttributes": [{"FieldName": "amount", "ComparisonOperator": "BETWEEN",
                                       "Values": ["1"]}]}]}]},
            "EventTriggerConditions[0]",
        ),
        (
            {"EventTriggerConditions": [{"LogicalOperator": "ANY", "EventTriggerDimensions": [
                {"ObjectAttributes": [{"ComparisonOperator": "EQUAL", "Values": ["1"]}]}]}]},
            "EventTriggerConditions[0]",
        ),
        (
            {"EventTriggerLimits": {"Periods": [{"Unit": "DAYS", "Value": 1}]}},
            "EventTriggerLimits.Periods[0]",
        ),
    ],
)  # fmt: skip
def test_event_trigger_definition_is_checked(
    client: Any, domain: str, orders: str, change: dict[str, Any], field: str
) -> None:
    with pytest.raises(ClientError) as raised:
        client.create_event_trigger(
            DomainName=domain, EventTriggerName="t", **{**TRIGGER, **change}
        )
    code, message = error_of(raised)
    assert code == "BadRequestException" and message.startswith(field), message
    assert client.list_event_triggers(DomainName=domain)["Items"] == []


def test_a_trigger_an_integration_uses_cannot_be_deleted(
    client: Any, domain: str, orders: str
) -> None:
    # API_DeleteEventTrigger: "You cannot delete an Event Trigger with an active
    # Integration associated."
    client.create_event_trigger(DomainName=domain, EventTriggerName="big", **TRIGGER)
    uri = "arn:aws:connect:us-east-1:123456789012:instance/campaigns"
    with pytest.raises(ClientError) as raised:
        client.put_integration(
            DomainName=domain, Uri=uri, ObjectTypeName="Order", EventTriggerNames=["nope"]
        )
    assert error_of(raised)[1].startswith("EventTriggerNames")
    client.put_integration(
        DomainName=domain, Uri=uri, ObjectTypeName="Order", EventTriggerNames=["big"]
    )
    with pytest.raises(ClientError) as raised:
        client.delete_event_trigger(DomainName=domain, EventTriggerName="big")
    assert error_of(raised)[0] == "BadRequestException"
    client.delete_integration(DomainName=domain, Uri=uri)
    client.delete_event_trigger(DomainName=domain, EventTriggerName="big")


def test_deleting_the_domain_removes_streams_and_triggers(
    client: Any, domain: str, orders: str
) -> None:
    client.create_event_stream(DomainName=domain, EventStreamName="s", Uri=STREAM_ARN)
    client.create_event_trigger(DomainName=domain, EventTriggerName="big", **TRIGGER)
    client.delete_domain(DomainName=domain)
    client.create_domain(DomainName=domain, DefaultExpirationDays=30)
    assert client.list_event_streams(DomainName=domain)["Items"] == []
    assert client.list_event_triggers(DomainName=domain)["Items"] == []
