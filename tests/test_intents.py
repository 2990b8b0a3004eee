"""Customer intents through boto3: the intent definition of a domain (API_PutIntentDefinition,
API_GetIntentDefinition, API_DeleteIntentDefinition), the intent types (API_ListIntentTypes),
a profile's intents (API_BatchGetIntentForProfile), and event triggers that filter on them
(API_CreateEventTrigger, IntentFilterDefinition).

The operations are in the botocore model from 1.44.18 on: with an older one, every test
here that calls one is skipped, naming it (tests/conftest.py).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import cp_mock
from cp_mock.exceptions import BadRequestException, ResourceNotFoundException
from cp_mock.models.insights.intents import INTENT_TYPES
from cp_mock.protocol import service_model

pytestmark = pytest.mark.skipif(
    "PutIntentDefinition" not in service_model().operation_names,
    reason="the installed botocore model has no intent operations (botocore 1.44.18 adds them)",
)

EVERY_TYPE = list(INTENT_TYPES)


def error_of(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def enabling(*configs: str, disabled: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    return [{config: {"Enabled": True}} for config in configs] + [
        {config: {"Enabled": False}} for config in disabled
    ]


def define(client: Any, domain: str, *configs: str, **extra: Any) -> dict[str, Any]:
    return dict(
        client.put_intent_definition(
            DomainName=domain, IntentDomain="DEFAULT", Intents=enabling(*configs), **extra
        )
    )


def profile_with_email(client: Any, domain: str, email: str) -> str:
    return str(client.create_profile(DomainName=domain, EmailAddress=email)["ProfileId"])


def intents_for(client: Any, domain: str, email: str, *types: str) -> dict[str, Any]:
    return dict(
        client.batch_get_intent_for_profile(
            DomainName=domain, IntentDomain="DEFAULT", Intents=list(types or EVERY_TYPE),
            KeyName="_email", KeyValues=[email],
        )
    )  # fmt: skip


# -- intent types ----------------------------------------------------------------------
def test_intent_types_are_listed_by_intent_domain(client: Any) -> None:
    # API_ListIntentTypes: "If you don't specify a value, intent types for all intent
    # domains are returned." DEFAULT is the only intent domain.
    listed = client.list_intent_types()
    assert [group["IntentDomain"] for group in listed["Items"]] == ["DEFAULT"]
    types = listed["Items"][0]["Types"]
    assert [t["IntentType"] for t in types] == [
        "PRICE_SENSITIVITY", "WEB_SESSION_SUMMARY", "UPGRADE_UPSELL_PROPENSITY",
        "LAST_SEARCH_INTENT",
    ]  # fmt: skip
    assert all(t["Description"] for t in types)
    assert "NextToken" not in listed
    assert (
        client.list_intent_types(IntentDomain="DEFAULT", MaxResults=10)["Items"]
        == (listed["Items"])
    )


# -- the intent definition -------------------------------------------------------------
def test_an_intent_definition_is_put_read_replaced_and_deleted(client: Any, domain: str) -> None:
    put = define(client, domain, "PriceSensitivityConfig", Tags={"team": "crm"})
    arn = f"arn:aws:profile:us-east-1:123456789012:domains/{domain}/intents/DEFAULT"
    assert (put["DomainName"], put["IntentDomain"], put["IntentDefinitionArn"]) == (
        domain, "DEFAULT", arn,
    )  # fmt: skip
    assert put["Intents"] == [{"PriceSensitivityConfig": {"Enabled": True}}]
    assert put["Tags"] == {"team": "crm"}
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "crm"}
    got = client.get_intent_definition(DomainName=domain, IntentDomain="DEFAULT")
    assert got["Intents"] == put["Intents"] and got["CreatedAt"] == put["CreatedAt"]

    # "Each request replaces the full set of intent configurations"
    intents = enabling("LastSearchIntentConfig", disabled=("PriceSensitivityConfig",))
    replaced = client.put_intent_definition(
        DomainName=domain, IntentDomain="DEFAULT", Intents=intents
    )
    assert replaced["Intents"] == intents
    assert replaced["CreatedAt"] == put["CreatedAt"]
    assert replaced["LastUpdatedAt"] >= put["LastUpdatedAt"]
    assert replaced["Tags"] == {"team": "crm"}  # tags stay as TagResource left them

    assert client.delete_intent_definition(DomainName=domain, IntentDomain="DEFAULT")
    for call in (client.get_intent_definition, client.delete_intent_definition):
        with pytest.raises(ClientError) as raised:
            call(DomainName=domain, IntentDomain="DEFAULT")
        assert error_of(raised) == (
            "ResourceNotFoundException",
            f"Intent definition DEFAULT does not exist in domain {domain}",
        )
    with pytest.raises(ClientError) as raised:  # its tags went with it
        client.list_tags_for_resource(resourceArn=arn)
    assert error_of(raised)[0] == "ResourceNotFoundException"


def test_tags_are_given_only_when_the_definition_is_created(client: Any, domain: str) -> None:
    # API_PutIntentDefinition, Tags: "If you specify tags when you update an existing intent
    # definition, the operation returns a BadRequestException."
    define(client, domain, "PriceSensitivityConfig")
    before = cp_mock.dump_state()
    with pytest.raises(ClientError) as raised:
        define(client, domain, "LastSearchIntentConfig", Tags={"team": "crm"})
    code, message = error_of(raised)
    assert code == "BadRequestException" and message.startswith("Tags")
    assert cp_mock.dump_state() == before


@pytest.mark.parametrize(
    ("intents", "message"),
    [
        (enabling("PriceSensitivityConfig", "PriceSensitivityConfig"),
         "Intents[1].PriceSensitivityConfig: the intent type PRICE_SENSITIVITY is configured "
         "by Intents[0] already"),
        (enabling(disabled=("PriceSensitivityConfig", "LastSearchIntentConfig")),
         "Intents: at least one intent type must be enabled"),
    ],
)  # fmt: skip
def test_each_type_once_and_at_least_one_enabled(
    client: Any, domain: str, intents: list[dict[str, Any]], message: str
) -> None:
    # PutIntentDefinition, Intents: "each intent type can appear at most once. At least
    # one intent type must be enabled."
    before = cp_mock.dump_state()
    with pytest.raises(ClientError) as raised:
        client.put_intent_definition(DomainName=domain, IntentDomain="DEFAULT", Intents=intents)
    code, found = error_of(raised)
    assert code == "BadRequestException" and found.startswith(message), found
    assert cp_mock.dump_state() == before


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"PriceSensitivityConfig": {"Enabled": True}, "LastSearchIntentConfig": {"Enabled": True}},
         "Intents[0] must set exactly one of its members, not Intents[0].PriceSensitivityConfig, "
         "Intents[0].LastSearchIntentConfig"),
        ({}, "Intents[0] must set exactly one of PriceSensitivityConfig, WebSessionSummaryConfig, "
             "UpgradeUpsellPropensityConfig, LastSearchIntentConfig"),
    ],
)  # fmt: skip
def test_an_intent_config_sets_exactly_one_member(
    customerprofiles_mock: Any, domain: str, config: dict[str, Any], message: str
) -> None:
    # IntentConfig: "This data type is a UNION, so only one of the following members can be
    # specified" (the model's union trait, which botocore checks on the client's side too)
    unchecked = boto3.client(
        "customer-profiles", region_name="us-east-1", config=Config(parameter_validation=False)
    )
    with pytest.raises(ClientError) as raised:
        unchecked.put_intent_definition(DomainName=domain, IntentDomain="DEFAULT", Intents=[config])
    assert error_of(raised) == ("BadRequestException", f"1 validation error detected: {message}")


def test_an_unknown_domain_is_not_found(client: Any) -> None:
    calls = [
        lambda: define(client, "nowhere", "PriceSensitivityConfig"),
        lambda: client.get_intent_definition(DomainName="nowhere", IntentDomain="DEFAULT"),
        lambda: client.delete_intent_definition(DomainName="nowhere", IntentDomain="DEFAULT"),
        lambda: intents_for(client, "nowhere", "pat@example.com"),
    ]
    for call in calls:
        with pytest.raises(ClientError) as raised:
            call()
        assert error_of(raised) == ("ResourceNotFoundException", "Domain nowhere does not exist")


# -- a profile's intents ---------------------------------------------------------------
def test_a_profile_s_intents_are_what_its_activity_shows_for_the_enabled_types(
    client: Any, domain: str
) -> None:
    define(client, domain, "PriceSensitivityConfig", "LastSearchIntentConfig",
           "WebSessionSummaryConfig")  # fmt: skip
    pat = profile_with_email(client, domain, "pat@example.com")
    cp_mock.get_backend().seed.set_profile_intents(
        domain, pat,
        {"PRICE_SENSITIVITY": "HIGH", "LAST_SEARCH_INTENT": "running shoes, size 10",
         "UPGRADE_UPSELL_PROPENSITY": "LOW"},
    )  # fmt: skip
    answer = intents_for(client, domain, "pat@example.com")
    # IntentResult: Value for the classified types, Summary for the others
    assert answer["Intents"] == [
        {"IntentType": "PRICE_SENSITIVITY", "Value": "HIGH"},
        {"IntentType": "LAST_SEARCH_INTENT", "Summary": "running shoes, size 10"},
    ]
    # "Intents that can't be generated, for example because the intent type isn't enabled
    # in the intent definition or the profile doesn't have enough recent activity, are
    # returned in Errors."
    assert [(e["IntentType"], e["Code"]) for e in answer["Errors"]] == [
        ("WEB_SESSION_SUMMARY", "INSUFFICIENT_DATA"),
        ("UPGRADE_UPSELL_PROPENSITY", "INTENT_NOT_ENABLED"),
    ]
    assert all(e["Message"] for e in answer["Errors"])
    # each type asked once, in the order asked
    again = intents_for(client, domain, "pat@example.com", "LAST_SEARCH_INTENT",
                        "PRICE_SENSITIVITY", "LAST_SEARCH_INTENT")  # fmt: skip
    assert [i["IntentType"] for i in again["Intents"]] == ["LAST_SEARCH_INTENT",
                                                           "PRICE_SENSITIVITY"]  # fmt: skip
    assert again["Errors"] == []


def test_without_a_definition_no_intent_type_is_enabled(client: Any, domain: str) -> None:
    pat = profile_with_email(client, domain, "pat@example.com")
    cp_mock.get_backend().seed.set_profile_intents(domain, pat, {"PRICE_SENSITIVITY": "HIGH"})
    answer = intents_for(client, domain, "pat@example.com", "PRICE_SENSITIVITY")
    assert answer["Intents"] == []
    assert [e["Code"] for e in answer["Errors"]] == ["INTENT_NOT_ENABLED"]


def test_the_search_key_must_match_exactly_one_profile(client: Any, domain: str) -> None:
    # API_BatchGetIntentForProfile: "If no profile matches the search key, the operation
    # returns a ResourceNotFoundException. If more than one profile matches the search key,
    # the operation returns a BadRequestException."
    define(client, domain, "PriceSensitivityConfig")
    with pytest.raises(ClientError) as raised:
        intents_for(client, domain, "pat@example.com")
    assert error_of(raised)[0] == "ResourceNotFoundException"
    profile_with_email(client, domain, "pat@example.com")
    profile_with_email(client, domain, "pat@example.com")
    with pytest.raises(ClientError) as raised:
        intents_for(client, domain, "pat@example.com")
    code, message = error_of(raised)
    assert code == "BadRequestException" and message.startswith("2 profiles match _email")


def test_a_profile_is_found_by_any_of_its_keys(client: Any, domain: str) -> None:
    define(client, domain, "UpgradeUpsellPropensityConfig")
    pat = profile_with_email(client, domain, "pat@example.com")
    cp_mock.get_backend().seed.set_profile_intents(
        domain, pat, {"UPGRADE_UPSELL_PROPENSITY": "LOW"}
    )
    answer = client.batch_get_intent_for_profile(
        DomainName=domain, IntentDomain="DEFAULT", Intents=["UPGRADE_UPSELL_PROPENSITY"],
        KeyName="_profileId", KeyValues=[pat],
    )  # fmt: skip
    assert answer["Intents"] == [{"IntentType": "UPGRADE_UPSELL_PROPENSITY", "Value": "LOW"}]


@pytest.mark.parametrize(
    ("intents", "message"),
    [
        ({"CHURN_RISK": "HIGH"}, "'CHURN_RISK' is not an intent type"),
        ({"PRICE_SENSITIVITY": "MEDIUM"}, "PRICE_SENSITIVITY: HIGH or LOW"),
        ({"LAST_SEARCH_INTENT": ""}, "LAST_SEARCH_INTENT: a summary of 1 to 4000 characters"),
        ({"WEB_SESSION_SUMMARY": "x" * 4001}, "WEB_SESSION_SUMMARY: a summary of 1 to 4000"),
    ],
)
def test_a_profile_is_given_only_intents_the_service_could_generate(
    client: Any, domain: str, intents: dict[str, str], message: str
) -> None:
    pat = profile_with_email(client, domain, "pat@example.com")
    before = cp_mock.dump_state()
    with pytest.raises(BadRequestException, match=message):
        cp_mock.get_backend().seed.set_profile_intents(domain, pat, intents)
    assert cp_mock.dump_state() == before
    with pytest.raises(ResourceNotFoundException):
        cp_mock.get_backend().seed.set_profile_intents(
            domain, "f" * 32, {"PRICE_SENSITIVITY": "LOW"}
        )


def test_a_deleted_profile_s_intents_go_and_a_merged_one_s_move(client: Any, domain: str) -> None:
    define(client, domain, "PriceSensitivityConfig", "LastSearchIntentConfig")
    backend = cp_mock.get_backend()
    main = profile_with_email(client, domain, "main@example.com")
    other = profile_with_email(client, domain, "other@example.com")
    gone = profile_with_email(client, domain, "gone@example.com")
    backend.seed.set_profile_intents(domain, main, {"PRICE_SENSITIVITY": "LOW"})
    backend.seed.set_profile_intents(
        domain, other, {"PRICE_SENSITIVITY": "HIGH", "LAST_SEARCH_INTENT": "tents"}
    )
    backend.seed.set_profile_intents(domain, gone, {"PRICE_SENSITIVITY": "HIGH"})
    client.delete_profile(DomainName=domain, ProfileId=gone)
    client.merge_profiles(DomainName=domain, MainProfileId=main, ProfileIdsToBeMerged=[other])
    held = backend.domains[domain].intents.profile_intents
    assert set(held) == {main}
    # the main profile's own intent stays; the type it lacked comes from the merged one
    assert intents_for(client, domain, "main@example.com")["Intents"] == [
        {"IntentType": "PRICE_SENSITIVITY", "Value": "LOW"},
        {"IntentType": "LAST_SEARCH_INTENT", "Summary": "tents"},
    ]


# -- event triggers that filter on intents ---------------------------------------------
@pytest.fixture
def orders(client: Any, domain: str) -> str:
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="Order", Description="orders",
        Fields={"id": {"Source": "_source.id"},
                "email": {"Source": "_source.email", "Target": "_profile.EmailAddress"},
                "amount": {"Source": "_source.amount"}},
        Keys={"id": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
              "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}]},
    )  # fmt: skip
    return "Order"


def condition(intent_type: str, operator: str, *values: str) -> dict[str, Any]:
    return {
        "Intent": {"IntentDomain": "DEFAULT", "Type": intent_type},
        "ComparisonOperator": operator,
        "Values": list(values),
    }


def intent_filter(*conditions: dict[str, Any], operator: str = "ALL") -> dict[str, Any]:
    return {"Groups": [{"Conditions": list(conditions), "LogicalOperator": operator}],
            "LogicalOperator": "ALL"}  # fmt: skip


def any_order_trigger(client: Any, domain: str, name: str, **members: Any) -> dict[str, Any]:
    return dict(
        client.create_event_trigger(
            DomainName=domain, EventTriggerName=name, ObjectTypeName="Order",
            EventTriggerConditions=[{"LogicalOperator": "ALL", "EventTriggerDimensions": [
                {"ObjectAttributes": [{"FieldName": "amount", "ComparisonOperator":
                                       "GREATER_THAN", "Values": ["0"]}]}]}],
            **members,
        )
    )  # fmt: skip


def put_order(client: Any, domain: str, order_id: str, email: str) -> None:
    client.put_profile_object(
        DomainName=domain, ObjectTypeName="Order",
        Object=json.dumps({"id": order_id, "email": email, "amount": 50}),
    )  # fmt: skip


def fired(domain: str) -> list[tuple[str, str]]:
    return [
        (i["EventTriggerName"], i["Object"]["id"])
        for i in cp_mock.event_trigger_invocations(domain)
    ]


def test_a_trigger_keeps_and_returns_its_intent_filter(
    client: Any, domain: str, orders: str
) -> None:
    define(client, domain, "PriceSensitivityConfig")
    wanted = intent_filter(condition("PRICE_SENSITIVITY", "EQUAL", "HIGH"))
    created = any_order_trigger(client, domain, "keen", IntentFilterDefinition=wanted)
    assert created["IntentFilterDefinition"] == wanted
    got = client.get_event_trigger(DomainName=domain, EventTriggerName="keen")
    assert got["IntentFilterDefinition"] == wanted
    changed = intent_filter(condition("PRICE_SENSITIVITY", "EQUAL", "LOW"))
    updated = client.update_event_trigger(
        DomainName=domain, EventTriggerName="keen", IntentFilterDefinition=changed
    )
    assert updated["IntentFilterDefinition"] == changed
    kept = client.update_event_trigger(
        DomainName=domain, EventTriggerName="keen", Description="price-minded"
    )
    assert kept["IntentFilterDefinition"] == changed


def test_a_trigger_fires_only_for_profiles_whose_intents_meet_its_filter(
    client: Any, domain: str, orders: str
) -> None:
    # IntentFilterDefinition: "the destination is triggered only if the event trigger
    # conditions are met and the profile's intents also meet this filter"
    define(client, domain, "PriceSensitivityConfig", "LastSearchIntentConfig")
    backend = cp_mock.get_backend()
    for email, price, search in (("keen@example.com", "HIGH", "Waterproof TENTS for two"),
                                 ("calm@example.com", "LOW", "tents"),
                                 ("new@example.com", None, None)):  # fmt: skip
        profile_id = profile_with_email(client, domain, email)
        shown = {"PRICE_SENSITIVITY": price, "LAST_SEARCH_INTENT": search}
        backend.seed.set_profile_intents(domain, profile_id, {k: v for k, v in shown.items() if v})
    any_order_trigger(client, domain, "high", IntentFilterDefinition=intent_filter(
        condition("PRICE_SENSITIVITY", "GREATER_THAN_OR_EQUAL", "HIGH")))  # fmt: skip
    any_order_trigger(client, domain, "not-low", IntentFilterDefinition=intent_filter(
        condition("PRICE_SENSITIVITY", "EXCLUSIVE", "LOW")))  # fmt: skip
    # "The condition is met if the last search intent of the profile contains any of the
    # phrases" (compared without regard to case)
    any_order_trigger(client, domain, "tents-and-high", IntentFilterDefinition=intent_filter(
        condition("LAST_SEARCH_INTENT", "CONTAINS", "stoves", "tents"),
        condition("PRICE_SENSITIVITY", "INCLUSIVE", "HIGH")))  # fmt: skip
    any_order_trigger(client, domain, "tents-or-high", IntentFilterDefinition=intent_filter(
        condition("LAST_SEARCH_INTENT", "CONTAINS", "tents"),
        condition("PRICE_SENSITIVITY", "EQUAL", "HIGH"), operator="ANY"))  # fmt: skip
    any_order_trigger(client, domain, "no-low", IntentFilterDefinition=intent_filter(
        condition("PRICE_SENSITIVITY", "LESS_THAN", "HIGH"), operator="NONE"))  # fmt: skip
    any_order_trigger(client, domain, "unfiltered")
    for number, email in enumerate(("keen@example.com", "calm@example.com", "new@example.com")):
        put_order(client, domain, f"o-{number}", email)
    assert sorted(fired(domain)) == sorted([
        ("high", "o-0"), ("not-low", "o-0"), ("tents-and-high", "o-0"),
        ("tents-or-high", "o-0"), ("tents-or-high", "o-1"),
        # a profile without the intent meets no condition on it: NONE of them holds
        ("no-low", "o-0"), ("no-low", "o-2"),
        ("unfiltered", "o-0"), ("unfiltered", "o-1"), ("unfiltered", "o-2"),
    ])  # fmt: skip


def test_a_filter_on_a_type_no_longer_enabled_is_not_met(
    client: Any, domain: str, orders: str
) -> None:
    define(client, domain, "PriceSensitivityConfig", "LastSearchIntentConfig")
    keen = profile_with_email(client, domain, "keen@example.com")
    cp_mock.get_backend().seed.set_profile_intents(domain, keen, {"PRICE_SENSITIVITY": "HIGH"})
    any_order_trigger(client, domain, "high", IntentFilterDefinition=intent_filter(
        condition("PRICE_SENSITIVITY", "EQUAL", "HIGH")))  # fmt: skip
    put_order(client, domain, "o-1", "keen@example.com")
    define(client, domain, "LastSearchIntentConfig")  # PRICE_SENSITIVITY is not enabled now
    put_order(client, domain, "o-2", "keen@example.com")
    client.delete_intent_definition(DomainName=domain, IntentDomain="DEFAULT")
    put_order(client, domain, "o-3", "keen@example.com")
    assert fired(domain) == [("high", "o-1")]
    # the trigger itself is kept, and changes of its other members are taken
    assert (
        client.update_event_trigger(
            DomainName=domain, EventTriggerName="high", Description="keen buyers"
        )["Description"]
        == "keen buyers"
    )


@pytest.mark.parametrize(
    ("conditions", "message"),
    [
        ([condition("UPGRADE_UPSELL_PROPENSITY", "EQUAL", "HIGH")],
         "Groups[0].Conditions[0].Intent: UPGRADE_UPSELL_PROPENSITY is not enabled in the "
         "DEFAULT intent definition"),
        ([condition("WEB_SESSION_SUMMARY", "CONTAINS", "tents")],
         "Groups[0].Conditions[0].Intent.Type: WEB_SESSION_SUMMARY can't be used in an intent "
         "filter"),
        ([condition("PRICE_SENSITIVITY", "CONTAINS", "HIGH")],
         "Groups[0].Conditions[0].ComparisonOperator: PRICE_SENSITIVITY takes INCLUSIVE"),
        ([condition("LAST_SEARCH_INTENT", "EQUAL", "tents")],
         "Groups[0].Conditions[0].ComparisonOperator: LAST_SEARCH_INTENT takes CONTAINS"),
        ([condition("PRICE_SENSITIVITY", "EQUAL", "HIGH", "LOW")],
         "Groups[0].Conditions[0].Values: PRICE_SENSITIVITY takes exactly one value, HIGH or "
         "LOW"),
        ([condition("PRICE_SENSITIVITY", "EQUAL", "MEDIUM")],
         "Groups[0].Conditions[0].Values: PRICE_SENSITIVITY takes exactly one value"),
        ([condition("PRICE_SENSITIVITY", "EQUAL", "HIGH"),
          condition("PRICE_SENSITIVITY", "EQUAL", "LOW")],
         "Groups[0].Conditions[1].Intent: PRICE_SENSITIVITY appears more than once"),
    ],
)  # fmt: skip
def test_an_intent_filter_is_checked(
    client: Any, domain: str, orders: str, conditions: list[dict[str, Any]], message: str
) -> None:
    # IntentFilterCondition and Intent (API reference data types); CreateEventTrigger:
    # "The intent types used in the filter must be enabled in the intent definition of the
    # domain."
    define(client, domain, "PriceSensitivityConfig", "LastSearchIntentConfig",
           "WebSessionSummaryConfig")  # fmt: skip
    before = cp_mock.dump_state()
    with pytest.raises(ClientError) as raised:
        any_order_trigger(client, domain, "t", IntentFilterDefinition=intent_filter(*conditions))
    code, found = error_of(raised)
    assert code == "BadRequestException"
    assert found.startswith(f"IntentFilterDefinition.{message}"), found
    assert cp_mock.dump_state() == before
    any_order_trigger(client, domain, "t")
    with pytest.raises(ClientError) as raised:
        client.update_event_trigger(
            DomainName=domain, EventTriggerName="t",
            IntentFilterDefinition=intent_filter(*conditions),
        )  # fmt: skip
    assert error_of(raised)[1] == found
    assert "IntentFilterDefinition" not in client.get_event_trigger(
        DomainName=domain, EventTriggerName="t"
    )


def test_the_example_of_docs_intents_md_runs_as_written() -> None:
    doc = Path(__file__).resolve().parent.parent / "docs" / "intents.md"
    [example] = re.findall(r"```python\n(.*?)```", doc.read_text(), flags=re.DOTALL)
    namespace: dict[str, Any] = {}
    exec(compile(example, str(doc), "exec"), namespace)
    namespace["test_price_sensitive_callers_get_the_offer"]()
