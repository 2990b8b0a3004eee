"""AWS::CustomerProfiles::* resources in moto's CloudFormation stacks.

Resource types, properties and return values as the CloudFormation Template Reference
gives them ("Amazon Connect Customer Profiles resource type reference",
docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/AWS_CustomerProfiles.html).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

import cp_mock
from cp_mock import mock_customerprofiles
from cp_mock.server import ThreadedServer
from tests.cloudformation_support import every_resource_type_operation_installed

pytestmark = every_resource_type_operation_installed

REGION = "us-east-1"
CONNECT = "arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-3333-4444-555555555555"
STREAM = "arn:aws:kinesis:us-east-1:123456789012:stream/profile-changes"

# One of each resource type, written as a template writes them (maps as lists of pairs).
TEMPLATE = """
Parameters:
  RetentionDays:
    Type: Number
    Default: 400
Resources:
  Shop:
    Type: AWS::CustomerProfiles::Domain
    Properties:
      DomainName: shop
      DefaultExpirationDays: !Ref RetentionDays
      DataStore: {Enabled: true}
      Tags: [{Key: team, Value: crm}]
  Orders:
    Type: AWS::CustomerProfiles::ObjectType
    Properties:
      DomainName: !Ref Shop
      ObjectTypeName: Order
      Description: orders
      AllowProfileCreation: true
      Fields:
        - {Name: id, ObjectTypeField: {Source: _source.id}}
        - Name: email
          ObjectTypeField: {Source: _source.email, Target: _profile.EmailAddress,
                            ContentType: EMAIL_ADDRESS}
        - {Name: amount, ObjectTypeField: {Source: _source.amount}}
      Keys:
        - Name: orderId
          ObjectTypeKeyList: [{StandardIdentifiers: [UNIQUE], FieldNames: [id]}]
        - Name: _email
          ObjectTypeKeyList: [{StandardIdentifiers: [PROFILE], FieldNames: [email]}]
  Products:
    Type: AWS::CustomerProfiles::DomainObjectType
    Properties:
      DomainName: !Ref Shop
      ObjectTypeName: Product
      Description: catalog
      Fields:
        name: {Source: _source.name, Target: _custom.name, ContentType: STRING}
  Spend:
    Type: AWS::CustomerProfiles::CalculatedAttributeDefinition
    DependsOn: Orders
    Properties:
      DomainName: !Ref Shop
      CalculatedAttributeName: total_spend
      DisplayName: Total spend
      Statistic: SUM
      AttributeDetails:
        Attributes: [{Name: amount}]
        Expression: "{Order.amount}"
  Changes:
    Type: AWS::CustomerProfiles::EventStream
    Properties:
      DomainName: !Ref Shop
      EventStreamName: changes
      Uri: %(stream)s
  BigOrder:
    Type: AWS::CustomerProfiles::EventTrigger
    DependsOn: Orders
    Properties:
      DomainName: !Ref Shop
      EventTriggerName: big-order
      ObjectTypeName: Order
      Description: %(trigger_description)s
      EventTriggerConditions:
        - LogicalOperator: ALL
          EventTriggerDimensions:
            - ObjectAttributes:
                - {FieldName: amount, ComparisonOperator: GREATER_THAN, Values: ["100"]}
  Contacts:
    Type: AWS::CustomerProfiles::Integration
    DependsOn: [Orders, BigOrder]
    Properties:
      DomainName: !Ref Shop
      Uri: %(connect)s
      ObjectTypeName: Order
      EventTriggerNames: [big-order]
  Spenders:
    Type: AWS::CustomerProfiles::SegmentDefinition
    Properties:
      DomainName: !Ref Shop
      SegmentDefinitionName: %(segment)s
      DisplayName: Spenders
      SegmentGroups:
        Include: ALL
        Groups:
          - Type: ALL
            Dimensions:
              - ProfileAttributes:
                  EmailAddress: {DimensionType: INCLUSIVE, Values: [pat@example.com]}
  Picks:
    Type: AWS::CustomerProfiles::Recommender
    Properties:
      DomainName: !Ref Shop
      RecommenderName: picks
      RecommenderRecipeName: popular-items
      Description: top sellers
  Columns:
    Type: AWS::CustomerProfiles::RecommenderSchema
    Properties:
      DomainName: !Ref Shop
      RecommenderSchemaName: columns
      Fields:
        _catalogItem:
          - {TargetFieldName: Category, FeatureType: CATEGORICAL}
      Tags: [{Key: team, Value: crm}]
Outputs:
  DomainName: {Value: !Ref Shop}
  DomainCreatedAt: {Value: !GetAtt Shop.CreatedAt}
  StreamArn: {Value: !GetAtt Changes.EventStreamArn}
  StreamState: {Value: !GetAtt Changes.State}
  SegmentArn: {Value: !GetAtt Spenders.SegmentDefinitionArn}
  SpendRef: {Value: !Ref Spend}
  ColumnsRef: {Value: !Ref Columns}
  ColumnsStatus: {Value: !GetAtt Columns.Status}
"""


def template(trigger_description: str = "big orders", segment: str = "spenders") -> str:
    return TEMPLATE % {
        "stream": STREAM, "connect": CONNECT, "segment": segment,
        "trigger_description": trigger_description,
    }  # fmt: skip


def outputs(cloudformation: Any, stack: str) -> dict[str, str]:
    described = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}


def status(cloudformation: Any, stack: str) -> str:
    return str(cloudformation.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"])


def deploy_use_update_delete(cloudformation: Any, profiles: Any) -> None:
    cloudformation.create_stack(StackName="crm", TemplateBody=template())
    assert status(cloudformation, "crm") == "CREATE_COMPLETE"

    # what the stack made, the API sees
    domain = profiles.get_domain(DomainName="shop")
    assert domain["DefaultExpirationDays"] == 400  # a parameter's string, as a number
    assert domain["Tags"] == {"team": "crm"}
    order_type = profiles.get_profile_object_type(DomainName="shop", ObjectTypeName="Order")
    assert set(order_type["Keys"]) == {"orderId", "_email"}
    assert profiles.get_domain_object_type(DomainName="shop", ObjectTypeName="Product")
    assert profiles.get_integration(DomainName="shop", Uri=CONNECT)["EventTriggerNames"] == [
        "big-order"
    ]
    assert profiles.get_recommender(DomainName="shop", RecommenderName="picks")
    schema = profiles.get_recommender_schema(DomainName="shop", RecommenderSchemaName="columns")
    assert schema["Fields"] == {
        "_catalogItem": [{"TargetFieldName": "Category", "FeatureType": "CATEGORICAL"}]
    }

    # Ref and Fn::GetAtt
    found = outputs(cloudformation, "crm")
    stream = profiles.get_event_stream(DomainName="shop", EventStreamName="changes")
    segment = profiles.get_segment_definition(DomainName="shop", SegmentDefinitionName="spenders")
    assert found["DomainName"] == "shop"
    assert found["DomainCreatedAt"] == domain["CreatedAt"].isoformat(timespec="milliseconds")
    assert (found["StreamArn"], found["StreamState"]) == (stream["EventStreamArn"], stream["State"])
    assert found["SegmentArn"] == segment["SegmentDefinitionArn"]
    assert found["SpendRef"] == "shop|total_spend"
    assert (found["ColumnsRef"], found["ColumnsStatus"]) == ("shop|columns", "ACTIVE")

    # the domain at work: an object makes a profile and counts in the calculated attribute
    profiles.put_profile_object(
        DomainName="shop", ObjectTypeName="Order",
        Object=json.dumps({"id": "o-1", "email": "pat@example.com", "amount": 250}),
    )  # fmt: skip
    (profile,) = profiles.search_profiles(
        DomainName="shop", KeyName="_email", Values=["pat@example.com"]
    )["Items"]
    spend = profiles.get_calculated_attribute_for_profile(
        DomainName="shop", ProfileId=profile["ProfileId"], CalculatedAttributeName="total_spend"
    )
    assert float(spend["Value"]) == 250

    # an update: the trigger is updated in place, the segment definition (whose name is
    # create-only) is replaced
    trigger_before = profiles.get_event_trigger(DomainName="shop", EventTriggerName="big-order")
    cloudformation.update_stack(
        StackName="crm",
        TemplateBody=template(trigger_description="very big orders", segment="top-spenders"),
    )
    assert status(cloudformation, "crm") == "UPDATE_COMPLETE"
    trigger = profiles.get_event_trigger(DomainName="shop", EventTriggerName="big-order")
    assert trigger["Description"] == "very big orders"
    assert trigger["CreatedAt"] == trigger_before["CreatedAt"]  # the same trigger
    segments = profiles.list_segment_definitions(DomainName="shop")["Items"]
    assert [s["SegmentDefinitionName"] for s in segments] == ["top-spenders"]
    # the domain and its data were left alone
    assert profiles.get_domain(DomainName="shop")["Stats"]["ProfileCount"] == 1

    # deleting the stack leaves nothing
    cloudformation.delete_stack(StackName="crm")
    assert profiles.list_domains()["Items"] == []
    assert profiles.list_account_integrations(Uri=CONNECT)["Items"] == []


@pytest.mark.parametrize("mock", [mock_aws, mock_customerprofiles])
def test_a_stack_with_every_resource_type_is_made_used_updated_and_deleted(mock: Any) -> None:
    with mock():
        deploy_use_update_delete(
            boto3.client("cloudformation", region_name=REGION),
            boto3.client("customer-profiles", region_name=REGION),
        )


@pytest.fixture
def server() -> Iterator[str]:
    with ThreadedServer() as running:
        yield running.endpoint_url


def test_a_stack_in_server_mode(server: str) -> None:
    def client(service: str) -> Any:
        return boto3.client(
            service, region_name=REGION, endpoint_url=server,
            aws_access_key_id="testing", aws_secret_access_key="testing",
        )  # fmt: skip

    deploy_use_update_delete(client("cloudformation"), client("customer-profiles"))


# -- a template wrong for the service --------------------------------------------------
def failure_events(cloudformation: Any, stack: str) -> list[tuple[str, str, str]]:
    events = cloudformation.describe_stack_events(StackName=stack)["StackEvents"]
    return [
        (e["LogicalResourceId"], e["ResourceStatus"], e.get("ResourceStatusReason", ""))
        for e in events
        if e["ResourceStatus"].endswith("FAILED")
    ]


BROKEN = {
    "Resources": {
        "Shop": {
            "Type": "AWS::CustomerProfiles::Domain",
            "Properties": {"DomainName": "shop", "DefaultExpirationDays": 30},
        },
        "Orders": {
            "Type": "AWS::CustomerProfiles::ObjectType",
            "DependsOn": "Shop",
            "Properties": {
                "DomainName": "no-such-domain",
                "ObjectTypeName": "Order",
                "Description": "orders",
            },
        },
    }
}


@mock_customerprofiles
def test_an_object_type_in_a_missing_domain_fails_the_stack_and_leaves_nothing() -> None:
    cloudformation = boto3.client("cloudformation", region_name=REGION)
    profiles = boto3.client("customer-profiles", region_name=REGION)
    cloudformation.create_stack(StackName="broken", TemplateBody=json.dumps(BROKEN))
    assert status(cloudformation, "broken") == "ROLLBACK_COMPLETE"
    ((logical_id, event, reason),) = failure_events(cloudformation, "broken")
    assert (logical_id, event) == ("Orders", "CREATE_FAILED")
    assert "ResourceNotFoundException" in reason and "no-such-domain" in reason
    assert profiles.list_domains()["Items"] == []  # the domain made first was rolled back


@mock_customerprofiles
def test_a_bad_property_value_fails_the_stack_with_the_modeled_error() -> None:
    cloudformation = boto3.client("cloudformation", region_name=REGION)
    profiles = boto3.client("customer-profiles", region_name=REGION)
    bad = {"Resources": {"Shop": {
        "Type": "AWS::CustomerProfiles::Domain",
        "Properties": {"DomainName": "shop", "DefaultExpirationDays": 0},
    }}}  # fmt: skip
    cloudformation.create_stack(StackName="bad", TemplateBody=json.dumps(bad))
    assert status(cloudformation, "bad") == "ROLLBACK_COMPLETE"
    ((_, _, reason),) = failure_events(cloudformation, "bad")
    assert "BadRequestException" in reason and "DefaultExpirationDays" in reason
    assert profiles.list_domains()["Items"] == []


@mock_customerprofiles
def test_a_failed_update_leaves_the_resource_as_it_was() -> None:
    cloudformation = boto3.client("cloudformation", region_name=REGION)
    profiles = boto3.client("customer-profiles", region_name=REGION)
    cloudformation.create_stack(StackName="crm", TemplateBody=template())
    cloudformation.update_stack(
        StackName="crm", TemplateBody=template(trigger_description="x" * 1001)
    )
    assert status(cloudformation, "crm") == "UPDATE_ROLLBACK_COMPLETE"
    ((logical_id, event, reason),) = failure_events(cloudformation, "crm")
    assert (logical_id, event) == ("BigOrder", "UPDATE_FAILED")
    assert "BadRequestException" in reason and "Description" in reason
    trigger = profiles.get_event_trigger(DomainName="shop", EventTriggerName="big-order")
    assert trigger["Description"] == "big orders"


# -- Tags change in place ----------------------------------------------------------------
def tagged_template(stream_tags: dict[str, str], picks_tags: dict[str, str], about: str) -> str:
    def pairs(tags: dict[str, str]) -> list[dict[str, str]]:
        return [{"Key": key, "Value": value} for key, value in tags.items()]

    return json.dumps({"Resources": {
        "Shop": {"Type": "AWS::CustomerProfiles::Domain",
                 "Properties": {"DomainName": "shop", "DefaultExpirationDays": 30}},
        "Changes": {"Type": "AWS::CustomerProfiles::EventStream", "Properties": {
            "DomainName": {"Ref": "Shop"}, "EventStreamName": "changes", "Uri": STREAM,
            "Tags": pairs(stream_tags)}},
        "Picks": {"Type": "AWS::CustomerProfiles::Recommender", "Properties": {
            "DomainName": {"Ref": "Shop"}, "RecommenderName": "picks",
            "RecommenderRecipeName": "popular-items", "Description": about,
            "Tags": pairs(picks_tags)}},
    }})  # fmt: skip


@mock_customerprofiles
def test_tags_change_without_replacing_the_resource() -> None:
    # Template reference, AWS::CustomerProfiles::EventStream and ::Recommender: Tags
    # "Update requires: No interruption", though neither API update operation takes them.
    cloudformation = boto3.client("cloudformation", region_name=REGION)
    profiles = boto3.client("customer-profiles", region_name=REGION)
    cloudformation.create_stack(
        StackName="crm",
        TemplateBody=tagged_template({"team": "crm", "tier": "1"}, {"team": "crm"}, "top"),
    )
    assert status(cloudformation, "crm") == "CREATE_COMPLETE"
    stream_before = profiles.get_event_stream(DomainName="shop", EventStreamName="changes")
    picks_before = profiles.get_recommender(DomainName="shop", RecommenderName="picks")
    profiles.create_profile(DomainName="shop", FirstName="Pat")  # one record sent

    cloudformation.update_stack(
        StackName="crm", TemplateBody=tagged_template({"team": "data"}, {"team": "data"}, "new")
    )
    assert status(cloudformation, "crm") == "UPDATE_COMPLETE"
    stream = profiles.get_event_stream(DomainName="shop", EventStreamName="changes")
    assert stream["Tags"] == {"team": "data"}
    assert stream["CreatedAt"] == stream_before["CreatedAt"]  # the same stream
    assert len(cp_mock.event_stream_records("shop")) == 1  # with what it sent
    picks = profiles.get_recommender(DomainName="shop", RecommenderName="picks")
    assert (picks["Description"], picks["Tags"]) == ("new", {"team": "data"})
    assert picks["CreatedAt"] == picks_before["CreatedAt"]
    assert profiles.list_tags_for_resource(resourceArn=stream["EventStreamArn"])["tags"] == {
        "team": "data"
    }

    # tags the service refuses fail the update and leave the resource as it was
    cloudformation.update_stack(
        StackName="crm", TemplateBody=tagged_template({"team": "data"}, {"aws:x": "1"}, "newer")
    )
    assert status(cloudformation, "crm") == "UPDATE_ROLLBACK_COMPLETE"
    ((logical_id, event, reason),) = failure_events(cloudformation, "crm")
    assert (logical_id, event) == ("Picks", "UPDATE_FAILED")
    assert "BadRequestException" in reason
    picks = profiles.get_recommender(DomainName="shop", RecommenderName="picks")
    assert (picks["Description"], picks["Tags"]) == ("new", {"team": "data"})


def every_retagged_type(tags: dict[str, str]) -> str:
    """A resource of each type whose update operation does not take Tags, tagged ``tags``."""
    tagged = [{"Key": key, "Value": value} for key, value in tags.items()]
    in_shop = {"DomainName": {"Ref": "Shop"}, "Tags": tagged}
    return json.dumps({"Resources": {
        "Shop": {"Type": "AWS::CustomerProfiles::Domain",
                 "Properties": {"DomainName": "shop", "DefaultExpirationDays": 30}},
        "Orders": {"Type": "AWS::CustomerProfiles::ObjectType", "Properties": {
            "DomainName": {"Ref": "Shop"}, "ObjectTypeName": "Order", "Description": "orders",
            "Fields": [{"Name": "id", "ObjectTypeField": {"Source": "_source.id"}},
                       {"Name": "amount", "ObjectTypeField": {"Source": "_source.amount"}}],
            "Keys": [{"Name": "orderId", "ObjectTypeKeyList": [
                {"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}]}]}},
        "Spend": {"Type": "AWS::CustomerProfiles::CalculatedAttributeDefinition",
                  "DependsOn": "Orders", "Properties": {
            **in_shop, "CalculatedAttributeName": "spend", "Statistic": "SUM",
            "AttributeDetails": {"Attributes": [{"Name": "amount"}],
                                 "Expression": "{Order.amount}"}}},
        "Changes": {"Type": "AWS::CustomerProfiles::EventStream", "Properties": {
            **in_shop, "EventStreamName": "changes", "Uri": STREAM}},
        "Big": {"Type": "AWS::CustomerProfiles::EventTrigger", "DependsOn": "Orders",
                "Properties": {**in_shop, "EventTriggerName": "big", "ObjectTypeName": "Order",
            "EventTriggerConditions": [{"LogicalOperator": "ALL", "EventTriggerDimensions": [
                {"ObjectAttributes": [{"FieldName": "amount", "ComparisonOperator":
                                       "GREATER_THAN", "Values": ["100"]}]}]}]}},
        "Spenders": {"Type": "AWS::CustomerProfiles::SegmentDefinition", "Properties": {
            **in_shop, "SegmentDefinitionName": "spenders", "DisplayName": "Spenders",
            "SegmentGroups": {"Include": "ALL", "Groups": [{"Type": "ALL", "Dimensions": [
                {"ProfileAttributes": {"FirstName": {"DimensionType": "INCLUSIVE",
                                                     "Values": ["Pat"]}}}]}]}}},
        "Picks": {"Type": "AWS::CustomerProfiles::Recommender", "Properties": {
            **in_shop, "RecommenderName": "picks", "RecommenderRecipeName": "popular-items"}},
        "Columns": {"Type": "AWS::CustomerProfiles::RecommenderSchema", "Properties": {
            **in_shop, "RecommenderSchemaName": "columns",
            "Fields": {"_catalogItem": [{"TargetFieldName": "Category"}]}}},
    }})  # fmt: skip


@mock_customerprofiles
def test_every_type_s_tags_change_in_place_at_its_own_arn() -> None:
    # Each type's ARN (Spec.tags_arn) is written beside the one its family registers: a
    # wrong one fails the update with ResourceNotFoundException.
    cloudformation = boto3.client("cloudformation", region_name=REGION)
    profiles = boto3.client("customer-profiles", region_name=REGION)
    cloudformation.create_stack(StackName="crm", TemplateBody=every_retagged_type({"a": "1"}))
    assert status(cloudformation, "crm") == "CREATE_COMPLETE"
    cloudformation.update_stack(StackName="crm", TemplateBody=every_retagged_type({"b": "2"}))
    assert status(cloudformation, "crm") == "UPDATE_COMPLETE", failure_events(cloudformation, "crm")
    shop = {"DomainName": "shop"}
    reads = [
        profiles.get_calculated_attribute_definition(**shop, CalculatedAttributeName="spend"),
        profiles.get_event_stream(**shop, EventStreamName="changes"),
        profiles.get_event_trigger(**shop, EventTriggerName="big"),
        profiles.get_segment_definition(**shop, SegmentDefinitionName="spenders"),
        profiles.get_recommender(**shop, RecommenderName="picks"),
    ]
    assert [read["Tags"] for read in reads] == [{"b": "2"}] * 5
    # GetRecommenderSchema does not answer Tags: they are read at the schema's ARN
    schema = "arn:aws:profile:us-east-1:123456789012:domains/shop/recommender-schemas/columns"
    assert profiles.list_tags_for_resource(resourceArn=schema)["tags"] == {"b": "2"}
    created = profiles.get_recommender_schema(**shop, RecommenderSchemaName="columns")
    assert created["Status"] == "ACTIVE"  # the same schema, retagged in place


# -- a Customer Profiles type the mock does not serve ----------------------------------
def with_unknown_type(domain_name: str) -> str:
    return json.dumps({"Resources": {
        "Shop": {"Type": "AWS::CustomerProfiles::Domain",
                 "Properties": {"DomainName": domain_name, "DefaultExpirationDays": 30}},
        "Guesses": {"Type": "AWS::CustomerProfiles::Frobnicator",
                    "Properties": {"DomainName": {"Ref": "Shop"}}},
    }})  # fmt: skip


@mock_customerprofiles
def test_a_customer_profiles_type_not_served_fails_the_stack_naming_it() -> None:
    # Before: moto warned, made nothing for it and reported CREATE_COMPLETE.
    cloudformation = boto3.client("cloudformation", region_name=REGION)
    profiles = boto3.client("customer-profiles", region_name=REGION)
    cloudformation.create_stack(StackName="odd", TemplateBody=with_unknown_type("shop"))
    assert status(cloudformation, "odd") == "ROLLBACK_COMPLETE"
    ((logical_id, event, reason),) = failure_events(cloudformation, "odd")
    assert (logical_id, event) == ("Guesses", "CREATE_FAILED")
    assert reason.startswith("Unrecognized resource types: [AWS::CustomerProfiles::Frobnicator]")
    assert "AWS::CustomerProfiles::RecommenderSchema" in reason  # what is served
    assert profiles.list_domains()["Items"] == []  # nothing was made

    # an update that brings one in fails too, and leaves the stack as it was
    plain = {"Resources": {"Shop": json.loads(with_unknown_type("shop"))["Resources"]["Shop"]}}
    cloudformation.create_stack(StackName="plain", TemplateBody=json.dumps(plain))
    assert status(cloudformation, "plain") == "CREATE_COMPLETE"
    cloudformation.update_stack(StackName="plain", TemplateBody=with_unknown_type("shop"))
    assert status(cloudformation, "plain") == "UPDATE_ROLLBACK_COMPLETE"
    ((logical_id, event, _),) = failure_events(cloudformation, "plain")
    assert (logical_id, event) == ("Guesses", "UPDATE_FAILED")
    assert [d["DomainName"] for d in profiles.list_domains()["Items"]] == ["shop"]
    cloudformation.delete_stack(StackName="plain")
    assert profiles.list_domains()["Items"] == []
