"""The suite runs on every botocore pyproject.toml admits (tox's "oldest" leg): a test that
calls an operation the installed model lacks is skipped, naming it (tests/conftest.py). And
whatever model is installed, every member of its input shapes reaches what serves it, so a
member a newer model adds is never refused as unknown nor dropped unread."""

from __future__ import annotations

import inspect
from typing import Any

import boto3
import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError

from cp_mock import CustomerProfilesBackend, dump_state, protocol
from cp_mock.models import event_triggers
from cp_mock.models.arguments import MEMBERS_TAKEN
from cp_mock.pagination import page_spec
from cp_mock.protocol import service_model
from cp_mock.responses import implemented_operations


def test_calling_an_operation_the_installed_model_lacks_skips_naming_it(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # an operation the backend serves that this botocore has no method for
    monkeypatch.setattr(
        CustomerProfilesBackend, "frobnicate_profiles", lambda self: {}, raising=False
    )
    with pytest.raises(pytest.skip.Exception) as skipped:
        client.frobnicate_profiles(DomainName="d")
    assert "FrobnicateProfiles is not in the installed botocore model" in str(skipped.value)


def test_a_name_that_is_no_operation_of_the_backend_still_fails(client: Any) -> None:
    with pytest.raises(AttributeError, match="frobnicate_profiles"):
        client.frobnicate_profiles(DomainName="d")


# -- every input member reaches its implementation -------------------------------------
def input_member_mismatches(backend: type = CustomerProfilesBackend) -> list[str]:
    """Where an input shape of the installed model and what serves it disagree, one line
    each: a member the request reader does not read, or that no part of the service takes
    (the implementation's parameters, the members its ``**arguments`` declare with
    ``takes_members``, or the paging layer's MaxResults and NextToken); an implementation
    that takes ``**arguments`` without declaring them; a parameter that is no member of the
    input shape and has no default. (A parameter with a default may serve a member of a
    newer model than the installed one.)"""
    model = service_model()
    found = []
    for name in implemented_operations():
        operation = model.operation_model(name)
        shape = operation.input_shape
        members = list(shape.members) if shape is not None else []
        reader = protocol._request_reader(operation)
        if reader is not None:
            read = {m for m, *_ in (*reader.uri, *reader.query)}
            read |= {
                written for written, _ in (reader.body.members.values() if reader.body else ())
            }
            found += [f"{name}.{m}: not read from the request" for m in members if m not in read]
        method = getattr(backend, xform_name(name))
        implementation = inspect.unwrap(method)
        parameters = list(inspect.signature(implementation).parameters.values())[1:]  # self
        named = {p.name: p for p in parameters if p.kind is not p.VAR_KEYWORD}
        declared = getattr(method, MEMBERS_TAKEN, None)
        if any(p.kind is p.VAR_KEYWORD for p in parameters) and declared is None:
            found.append(f"{name}: {method.__name__} takes **arguments it does not declare")
        taken = set(named) | {xform_name(m) for m in declared or ()}
        if page_spec(operation) is not None:
            taken |= {"max_results", "next_token"}  # pagination.py reads them
        found += [
            f"{name}.{m}: not taken by {method.__name__}"
            for m in members
            if xform_name(m) not in taken
        ]
        snake = {xform_name(m) for m in members}
        found += [
            f"{name}: {method.__name__} requires {p}, which is no member of {shape.name}"
            for p, parameter in named.items()
            if p not in snake and parameter.default is inspect.Parameter.empty
        ]
    return found


def test_every_input_member_of_the_installed_model_reaches_its_implementation() -> None:
    assert input_member_mismatches() == []


def test_the_comparison_names_every_mismatch(monkeypatch: pytest.MonkeyPatch) -> None:
    def get_domain(self: Any, domain_name: str, flavour: str) -> dict[str, Any]:
        return {}

    def update_domain_layout(self: Any, domain_name: str, **changes: Any) -> dict[str, Any]:
        return {}

    def list_domains(self: Any) -> dict[str, Any]:
        return {}

    monkeypatch.setattr(CustomerProfilesBackend, "get_domain", get_domain)
    monkeypatch.setattr(CustomerProfilesBackend, "update_domain_layout", update_domain_layout)
    # the paging layer takes MaxResults and NextToken: no mismatch
    monkeypatch.setattr(CustomerProfilesBackend, "list_domains", list_domains)
    assert input_member_mismatches() == [
        "GetDomain: get_domain requires flavour, which is no member of GetDomainRequest",
        "UpdateDomainLayout: update_domain_layout takes **arguments it does not declare",
        *(
            f"UpdateDomainLayout.{member}: not taken by update_domain_layout"
            for member in ("LayoutDefinitionName", "Description", "DisplayName", "IsDefault",
                           "LayoutType", "Layout")
        ),
    ]  # fmt: skip


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
