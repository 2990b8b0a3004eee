"""The suite runs on every botocore pyproject.toml admits (tox's "oldest" leg): a test that
calls an operation the installed model lacks is skipped, naming it (tests/conftest.py). And
whatever model is installed, every member of its input shapes reaches what serves it
(tests/test_operation_table.py), so a member a newer model adds is never refused as
unknown nor dropped unread."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from cp_mock import dump_state
from cp_mock.models.core import operations
from cp_mock.models.events import event_triggers
from cp_mock.protocol import service_model


def test_calling_an_operation_the_installed_model_lacks_skips_naming_it(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # an operation the mock serves that this botocore has no method for
    monkeypatch.setitem(operations._DECLARED, "FrobnicateProfiles", lambda self: {})
    with pytest.raises(pytest.skip.Exception) as skipped:
        client.frobnicate_profiles(DomainName="d")
    assert "FrobnicateProfiles is not in the installed botocore model" in str(skipped.value)


def test_a_name_that_is_no_operation_of_the_backend_still_fails(client: Any) -> None:
    with pytest.raises(AttributeError, match="frobnicate_profiles"):
        client.frobnicate_profiles(DomainName="d")


# -- every input member reaches its implementation: tests/test_operation_table.py ----


def test_a_member_an_implementation_does_not_take_is_named_as_the_api_spells_it(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # before: "Unknown members: event_trigger_limits", a Python name
    client.create_domain(DomainName="d", DefaultExpirationDays=30)
    client.put_profile_object_type(
        DomainName="d", ObjectTypeName="Order", Description="o",
        Fields={"id": {"Source": "_source.id"}},
        Keys={"id": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}]},
    )  # fmt: skip
    taken = tuple(m for m in event_triggers.TRIGGER_SETTINGS if m != "EventTriggerLimits")
    monkeypatch.setattr(event_triggers, "TRIGGER_SETTINGS", taken)
    with pytest.raises(ClientError) as raised:
        client.create_event_trigger(
            DomainName="d", EventTriggerName="t", ObjectTypeName="Order",
            EventTriggerConditions=[{"LogicalOperator": "ALL", "EventTriggerDimensions": [
                {"ObjectAttributes": [{"FieldName": "id", "ComparisonOperator": "EQUAL",
                                       "Values": ["1"]}]}]}],
            EventTriggerLimits={"Periods": [{"Unit": "DAYS", "Value": 1, "Unlimited": True}]},
        )  # fmt: skip
    assert raised.value.response["Error"] == {
        "Code": "BadRequestException",
        "Message": "Unknown members: EventTriggerLimits",
    }


# -- constraints the newest model changed, as validation enforces them -----------------
def test_a_schema_column_list_holds_as_many_columns_as_the_model_admits(client: Any) -> None:
    # RecommenderSchemaFieldList: at most 100 columns in botocore 1.44.18 (9 before)
    maximum = service_model().shape_for("RecommenderSchemaFieldList").metadata["max"]
    assert maximum in (9, 100)
    client.create_domain(DomainName="d", DefaultExpirationDays=30)

    def columns(count: int) -> dict[str, Any]:
        return {"_catalogItem": [{"TargetFieldName": f"Attributes.c{i}"} for i in range(count)]}

    created = client.create_recommender_schema(
        DomainName="d", RecommenderSchemaName="widest", Fields=columns(maximum)
    )
    assert created["Status"] == "ACTIVE"
    with pytest.raises(ClientError) as raised:
        client.create_recommender_schema(
            DomainName="d", RecommenderSchemaName="too-wide", Fields=columns(maximum + 1)
        )
    assert raised.value.response["Error"] == {
        "Code": "BadRequestException",
        "Message": "1 validation error detected: "
        f"Fields._catalogItem must have at most {maximum} items",
    }


NEWEST_TARGET_PATTERN = r"(\d+|\$[A-Za-z0-9_]+)"


@pytest.mark.parametrize(("target", "newest_admits"), [("$PerColor", True), ("many", False)])
def test_a_diversity_target_is_held_to_the_installed_model_s_pattern(
    client: Any, target: str, newest_admits: bool
) -> None:
    # DiversityTargetExpression: botocore 1.44.18 admits a placeholder in any case and with
    # digits, (\d+|\$[A-Za-z0-9_]+); 1.44.8 only in lower case, (\d+|\$[a-z_]+)
    pattern = service_model().shape_for("DiversityTargetExpression").metadata["pattern"]
    admitted = newest_admits and pattern == NEWEST_TARGET_PATTERN
    client.create_domain(DomainName="d", DefaultExpirationDays=30)
    config = {"DiversityConfig": {"DiversityColumns": [
        {"Name": "Attributes.color", "CapType": "VALUE", "Target": target}]}}  # fmt: skip
    try:
        client.create_recommender(
            DomainName="d", RecommenderName="picks", RecommenderRecipeName="popular-items",
            RecommenderConfig=config,
        )  # fmt: skip
    except ClientError as error:
        assert not admitted, error
        assert error.response["Error"] == {
            "Code": "BadRequestException",
            "Message": "1 validation error detected: RecommenderConfig.DiversityConfig."
            f"DiversityColumns[0].Target must match the pattern {pattern}",
        }
    else:
        assert admitted
        got = client.get_recommender(DomainName="d", RecommenderName="picks")
        assert got["RecommenderConfig"]["DiversityConfig"] == config["DiversityConfig"]


def test_a_union_sets_exactly_one_member_in_every_operation(customerprofiles_mock: Any) -> None:
    # Dimension (a segment's) is a union in every model; botocore checks unions on the
    # client's side, the service on its own: a client that does not check is refused too.
    # Before, both members were taken and the segment made.
    unchecked = boto3.client(
        "customer-profiles", region_name="us-east-1", config=Config(parameter_validation=False)
    )
    unchecked.create_domain(DomainName="d", DefaultExpirationDays=30)
    both = {
        "ProfileAttributes": {"FirstName": {"DimensionType": "INCLUSIVE", "Values": ["Pat"]}},
        "CalculatedAttributes": {"spend": {"DimensionType": "GREATER_THAN", "Values": ["1"]}},
    }
    groups = {"Include": "ALL", "Groups": [{"Type": "ALL", "Dimensions": [both]}]}
    before = dump_state()
    with pytest.raises(ClientError) as raised:
        unchecked.create_segment_definition(
            DomainName="d", SegmentDefinitionName="s", DisplayName="s", SegmentGroups=groups
        )
    where = "SegmentGroups.Groups[0].Dimensions[0]"
    assert raised.value.response["Error"] == {
        "Code": "BadRequestException",
        "Message": f"1 validation error detected: {where} must set exactly one of its members, "
        f"not {where}.ProfileAttributes, {where}.CalculatedAttributes",
    }
    assert dump_state() == before
