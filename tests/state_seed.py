"""A rich Customer Profiles state, and the dump of it kept in tests/data/state-v2.json.

``python -m tests.state_seed`` writes the file again from ``rich_state``: only when the
state format's version changes (the file is the proof that a dump of this version made by
an earlier cp_mock still loads, whatever its modules are called by then).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
from freezegun import freeze_time

import cp_mock
from cp_mock import dump_state, mock_customerprofiles

SAVED = Path(__file__).resolve().parent / "data" / "state-v2.json"
SAVED_AT = "2024-06-01T12:00:00+00:00"  # the frozen clock rich_state ran at
STREAM_ARN = "arn:aws:kinesis:us-east-1:123456789012:stream/profile-changes"
CONNECT = "arn:aws:connect:us-east-1:123456789012:instance/11111111-1111-1111-1111-111111111111"
ROLE = "arn:aws:iam::123456789012:role/profiles"
FLOW = {
    "FlowName": "sfdc-accounts", "KmsArn": "arn:aws:kms:us-east-1:123456789012:key/k",
    "SourceFlowConfig": {"ConnectorType": "Salesforce", "ConnectorProfileName": "sfdc",
                         "SourceConnectorProperties": {"Salesforce": {"Object": "Account"}}},
    "Tasks": [{"SourceFields": ["Id"], "TaskType": "Map", "DestinationField": "Id"}],
    "TriggerConfig": {"TriggerType": "Scheduled", "TriggerProperties": {"Scheduled": {
        "ScheduleExpression": "rate(1hours)", "ScheduleStartTime": "2024-06-02T00:00:00Z"}}},
}  # fmt: skip


def client_of_the_mock() -> Any:
    return boto3.client("customer-profiles", region_name="us-east-1")


def rich_state(client: Any) -> None:
    """A domain with every family a call can reach: object types, profiles, keys, objects,
    history, a merge, calculated attributes, segments with a subscription and estimate,
    an event stream and trigger, integrations with a source and a workflow, dead letters,
    identity resolution, recommenders, layouts, domain object types, an upload job, tags."""
    boto3.client("kinesis", region_name="us-east-1").create_stream(
        StreamName="profile-changes", ShardCount=1
    )
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="exports")
    shop = {"DomainName": "shop"}
    client.create_domain(DefaultExpirationDays=1000, Matching={"Enabled": True},
                         DataStore={"Enabled": True},
                         Tags={"team": "crm"}, **shop)  # fmt: skip
    client.create_event_stream(EventStreamName="changes", Uri=STREAM_ARN, **shop)
    client.put_profile_object_type(
        ObjectTypeName="Order", Description="orders", AllowProfileCreation=True,
        Fields={"orderId": {"Source": "_source.id"},
                "email": {"Source": "_source.email", "Target": "_profile.EmailAddress"},
                "city": {"Source": "_source.city", "Target": "_profile.Address.City"},
                "amount": {"Source": "_source.amount"}},
        Keys={"orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["orderId"]}],
              "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}]},
        Tags={"kind": "orders"}, **shop,
    )  # fmt: skip
    client.put_profile_object_type(
        ObjectTypeName="Visit", Description="visits", AllowProfileCreation=False,
        Fields={"visitId": {"Source": "_source.id"}, "phone": {"Source": "_source.phone",
                                                                "ContentType": "PHONE_NUMBER"}},
        Keys={"visitId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["visitId"]}],
              "_phone": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["phone"]}]},
        **shop,
    )  # fmt: skip
    client.create_calculated_attribute_definition(
        CalculatedAttributeName="total-spend", Statistic="SUM", DisplayName="Total spend",
        AttributeDetails={"Attributes": [{"Name": "amount"}], "Expression": "{Order.amount}"},
        Tags={"kind": "spend"}, **shop,
    )  # fmt: skip
    client.create_event_trigger(
        EventTriggerName="big-order", ObjectTypeName="Order",
        EventTriggerConditions=[{"EventTriggerDimensions": [{"ObjectAttributes": [
            {"FieldName": "amount", "ComparisonOperator": "GREATER_THAN", "Values": ["100"]},
        ]}], "LogicalOperator": "ALL"}],
        EventTriggerLimits={"Periods": [{"Unit": "DAYS", "Value": 1,
                                         "MaxInvocationsPerProfile": 5}]},
        **shop,
    )  # fmt: skip
    client.create_segment_definition(
        SegmentDefinitionName="janes", DisplayName="Janes",
        SegmentGroups={"Include": "ALL", "Groups": [{"Dimensions": [{"ProfileAttributes": {
            "FirstName": {"DimensionType": "INCLUSIVE", "Values": ["Jane"]}}}]}]},
        **shop,
    )  # fmt: skip
    client.put_segment_subscription(SegmentDefinitionName="janes", **shop)
    client.put_integration(Uri=CONNECT, ObjectTypeName="CTR", **shop)
    client.put_integration(Uri="s3://imports/orders", ObjectTypeName="Order", **shop)
    client.create_integration_workflow(
        WorkflowType="APPFLOW_INTEGRATION", ObjectTypeName="Salesforce-Account", RoleArn=ROLE,
        IntegrationConfig={"AppflowIntegration": {"FlowDefinition": FLOW}}, **shop,
    )  # fmt: skip
    jane = client.create_profile(
        FirstName="Jane", LastName="Doe", EmailAddress="jane@example.com",
        PhoneNumber="+1 555 0100", Attributes={"tier": "gold"}, **shop,
    )["ProfileId"]  # fmt: skip
    twin = client.create_profile(FirstName="Jane", LastName="Doe", PhoneNumber="+15550100",
                                 **shop)["ProfileId"]  # fmt: skip
    ann = client.create_profile(FirstName="Ann", AccountNumber="A-7", **shop)["ProfileId"]
    client.add_profile_key(ProfileId=jane, KeyName="loyalty", Values=["L1"], **shop)
    client.add_profile_key(ProfileId=twin, KeyName="loyalty", Values=["L2"], **shop)
    client.update_profile(ProfileId=ann, LastName="Lee", **shop)
    for number, amount in (("o-1", 50), ("o-2", 500)):
        body = {"id": number, "email": "jane@example.com", "amount": amount, "city": "Leeds"}
        client.put_profile_object(ObjectTypeName="Order", Object=json.dumps(body), **shop)
    client.put_profile_object(
        ObjectTypeName="Order",
        Object=json.dumps({"id": "o-3", "email": "new@example.com", "amount": 7}), **shop,
    )  # fmt: skip
    client.put_profile_object(ObjectTypeName="Visit",
                              Object=json.dumps({"id": "v-1", "phone": "+44 20 7946 0000"}),
                              **shop)  # fmt: skip
    client.create_calculated_attribute_definition(
        CalculatedAttributeName="last-amount", Statistic="LAST_OCCURRENCE",
        UseHistoricalData=True, Conditions={"Range": {"Value": 30, "Unit": "DAYS"}},
        AttributeDetails={"Attributes": [{"Name": "amount"}], "Expression": "{Order.amount}"},
        **shop,
    )  # fmt: skip
    cp_mock.run_identity_resolution("shop")
    client.merge_profiles(MainProfileId=jane, ProfileIdsToBeMerged=[twin], **shop)
    client.delete_profile_key(ProfileId=ann, KeyName="_account", Values=["A-7"], **shop)
    client.create_segment_estimate(SegmentQuery={"Include": "ALL", "Groups": [{"Dimensions": [
        {"ProfileAttributes": {"LastName": {"DimensionType": "INCLUSIVE", "Values": ["Doe"]}}}
    ]}]}, **shop)  # fmt: skip
    client.create_segment_snapshot(SegmentDefinitionName="janes", DataFormat="JSONL",
                                   DestinationUri="s3://exports/janes", **shop)  # fmt: skip
    client.create_domain_layout(
        LayoutDefinitionName="main", Description="the main layout", DisplayName="Main",
        LayoutType="PROFILE_EXPLORER", Layout='{"sections": []}', IsDefault=True, **shop,
    )  # fmt: skip
    client.put_domain_object_type(
        ObjectTypeName="Notes", Description="notes", Tags={"kind": "notes"},
        Fields={"text": {"Source": "_source.text", "Target": "_custom.text",
                         "ContentType": "STRING", "FeatureType": "TEXTUAL"}}, **shop,
    )  # fmt: skip
    client.create_recommender_schema(
        RecommenderSchemaName="picks-schema",
        Fields={"_webAnalytics": [{"TargetFieldName": "category", "ContentType": "STRING"}]},
        **shop,
    )  # fmt: skip
    client.create_recommender_filter(
        RecommenderFilterName="no-x",
        RecommenderFilterExpression='EXCLUDE ItemID WHERE Items.Category IN ("x")', **shop,
    )  # fmt: skip
    client.create_recommender(RecommenderName="picks", RecommenderRecipeName="popular-items",
                              **shop)  # fmt: skip
    client.create_upload_job(
        DisplayName="people.csv", UniqueKey="email",
        Fields={"email": {"Source": "_source.email", "Target": "_profile.EmailAddress"}}, **shop,
    )  # fmt: skip
    client.create_domain(DomainName="empty", DefaultExpirationDays=5)


def write_saved_dump() -> None:
    with freeze_time(SAVED_AT), mock_customerprofiles():
        rich_state(client_of_the_mock())
        SAVED.write_text(json.dumps(dump_state(), indent=1, sort_keys=False) + "\n")


def saved() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(SAVED.read_text())
    return document


if __name__ == "__main__":
    write_saved_dump()
    print(f"wrote {SAVED}")
