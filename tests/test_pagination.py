"""Paging (MaxResults/NextToken) on every paged operation the backend implements.

Which operations page comes from the model (``pagination.page_spec``) and the backend
(``implemented_operations``), not from this file: a new paged operation fails here, by
name, until it declares its unique key in cp_mock/pagination.py and has a seeding recipe
below.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import boto3
import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError
from freezegun import freeze_time

from cp_mock import get_backend, pagination, run_identity_resolution
from cp_mock.protocol import service_model
from cp_mock.responses import implemented_operations
from cp_mock.server import ThreadedServer

MODEL = service_model()
PAGED = [
    name
    for name in MODEL.operation_names
    if pagination.page_spec(MODEL.operation_model(name)) is not None
]
PAGED_IMPLEMENTED = [name for name in implemented_operations() if name in PAGED]

DOMAIN = "paged"
ROLE = "arn:aws:iam::123456789012:role/profiles"
CONNECT = "arn:aws:connect:us-east-1:123456789012:instance/{}"


class Seeded(NamedTuple):
    params: dict[str, Any]  # the paged call's parameters, paging aside
    least: int = 3  # items the seeding makes at least


Recipe = Callable[[Any], Seeded]
RECIPES: dict[str, Recipe] = {}


def recipe(operation: str) -> Callable[[Recipe], Recipe]:
    def register(make: Recipe) -> Recipe:
        RECIPES[operation] = make
        return make

    return register


def make_domain(client: Any, **settings: Any) -> None:
    client.create_domain(DomainName=DOMAIN, DefaultExpirationDays=30, **settings)


def make_profile(client: Any, **fields: Any) -> str:
    return str(client.create_profile(DomainName=DOMAIN, **fields)["ProfileId"])


def make_purchases(client: Any) -> str:
    """An object type with four fields and four objects of one profile."""
    client.put_profile_object_type(
        DomainName=DOMAIN, ObjectTypeName="Purchase", Description="purchases",
        AllowProfileCreation=True,
        Fields={"id": {"Source": "_source.id"}, "channel": {"Source": "_source.channel"},
                "note": {"Source": "_source.note"},
                "email": {"Source": "_source.email", "Target": "_profile.EmailAddress"}},
        Keys={"purchaseId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
              "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}]},
    )  # fmt: skip
    # ids that hold moto's token separator and run past what a token holds plainly
    for day, number in enumerate(["p1|", "p2|", "p3|", "p4|"], start=1):
        number += "x" * 70
        with freeze_time(f"2031-01-0{day}T00:00:00Z"):
            client.put_profile_object(
                DomainName=DOMAIN, ObjectTypeName="Purchase",
                Object=json.dumps({"id": number, "channel": "web", "note": "n",
                                   "email": "buyer@example.com"}),
            )  # fmt: skip
    found = client.search_profiles(DomainName=DOMAIN, KeyName="_email",
                                   Values=["buyer@example.com"])  # fmt: skip
    return str(found["Items"][0]["ProfileId"])


def flow(name: str) -> dict[str, Any]:
    return {
        "FlowName": name, "KmsArn": "arn:aws:kms:us-east-1:123456789012:key/k",
        "SourceFlowConfig": {"ConnectorType": "Salesforce", "ConnectorProfileName": "sfdc",
                             "SourceConnectorProperties": {"Salesforce": {"Object": "Account"}}},
        "Tasks": [{"SourceFields": ["Id"], "TaskType": "Map", "DestinationField": "Id"}],
        "TriggerConfig": {"TriggerType": "OnDemand"},
    }  # fmt: skip


def make_workflow(client: Any, name: str) -> str:
    return str(
        client.create_integration_workflow(
            DomainName=DOMAIN, WorkflowType="APPFLOW_INTEGRATION", RoleArn=ROLE,
            ObjectTypeName="Salesforce-Account",
            IntegrationConfig={"AppflowIntegration": {"FlowDefinition": flow(name)}},
        )["WorkflowId"]
    )  # fmt: skip


@recipe("ListDomains")
def _domains(client: Any) -> Seeded:
    for name in ("paged-a", "paged-b", "paged-c"):
        client.create_domain(DomainName=name, DefaultExpirationDays=1)
    return Seeded({})


@recipe("SearchProfiles")
def _search(client: Any) -> Seeded:
    make_domain(client)
    for _ in range(3):
        make_profile(client, LastName="Same", EmailAddress="same@example.com")
    return Seeded({"DomainName": DOMAIN, "KeyName": "_email", "Values": ["same@example.com"]})


@recipe("ListProfileHistoryRecords")
def _history(client: Any) -> Seeded:
    # every record of a profile itself has the ObjectTypeName "_profile"
    make_domain(client)
    profile_id = make_profile(client, FirstName="Ann")
    for name in ("Anne", "Anna"):
        client.update_profile(DomainName=DOMAIN, ProfileId=profile_id, FirstName=name)
    return Seeded({"DomainName": DOMAIN, "ProfileId": profile_id})


@recipe("ListIntegrations")
def _integrations(client: Any) -> Seeded:
    # three integrations of one object type: ObjectTypeName does not tell them apart
    make_domain(client)
    for number in range(3):
        client.put_integration(DomainName=DOMAIN, Uri=CONNECT.format(number),
                               ObjectTypeName="CTR")  # fmt: skip
    return Seeded({"DomainName": DOMAIN})


@recipe("ListAccountIntegrations")
def _account_integrations(client: Any) -> Seeded:
    # "An integration can belong to only one domain": one Uri lists one integration.
    make_domain(client)
    client.put_integration(DomainName=DOMAIN, Uri=CONNECT.format(0), ObjectTypeName="CTR")
    return Seeded({"Uri": CONNECT.format(0)}, least=1)


@recipe("ListWorkflows")
def _workflows(client: Any) -> Seeded:
    make_domain(client)
    for name in ("flow-a", "flow-b", "flow-c"):
        make_workflow(client, name)
    return Seeded({"DomainName": DOMAIN})


@recipe("GetWorkflowSteps")
def _workflow_steps(client: Any) -> Seeded:
    # A workflow runs one AppFlow step in the mock (it has no AppFlow to wait for).
    make_domain(client)
    return Seeded({"DomainName": DOMAIN, "WorkflowId": make_workflow(client, "flow-a")}, least=1)


@recipe("ListProfileObjectTypes")
def _object_types(client: Any) -> Seeded:
    make_domain(client)
    for name in ("TypeA", "TypeB", "TypeC"):
        client.put_profile_object_type(DomainName=DOMAIN, ObjectTypeName=name,
                                       Description="d", TemplateId="CTR")  # fmt: skip
    return Seeded({"DomainName": DOMAIN})


@recipe("ListDomainObjectTypes")
def _domain_object_types(client: Any) -> Seeded:
    make_domain(client, DataStore={"Enabled": True})  # which domain object types need
    for name in ("TypeA", "TypeB", "TypeC"):
        client.put_domain_object_type(
            DomainName=DOMAIN, ObjectTypeName=name, Description="d",
            Fields={"name": {"Source": "_source.name", "Target": "_custom.name"}},
        )  # fmt: skip
    return Seeded({"DomainName": DOMAIN})


@recipe("ListIntentTypes")
def _intent_types(client: Any) -> Seeded:
    return Seeded({}, least=1)  # one group, of the one intent domain (DEFAULT)


@recipe("ListEventStreams")
def _event_streams(client: Any) -> Seeded:
    # "The Customer Profiles Domain: ... is already associated with an active EventStream"
    make_domain(client)
    client.create_event_stream(
        DomainName=DOMAIN, EventStreamName="changes",
        Uri="arn:aws:kinesis:us-east-1:123456789012:stream/changes",
    )  # fmt: skip
    return Seeded({"DomainName": DOMAIN}, least=1)


def make_purchase_counts(client: Any) -> None:
    for name in ("count-a", "count-b", "count-c"):
        client.create_calculated_attribute_definition(
            DomainName=DOMAIN, CalculatedAttributeName=name, Statistic="COUNT",
            AttributeDetails={"Attributes": [{"Name": "channel"}],
                              "Expression": "{Purchase.channel}"},
            UseHistoricalData=True,
        )  # fmt: skip


@recipe("ListCalculatedAttributeDefinitions")
def _calculated_attribute_definitions(client: Any) -> Seeded:
    make_domain(client)
    make_purchases(client)
    make_purchase_counts(client)
    return Seeded({"DomainName": DOMAIN})


@recipe("ListCalculatedAttributesForProfile")
def _calculated_attributes_for_profile(client: Any) -> Seeded:
    make_domain(client)
    buyer = make_purchases(client)
    make_purchase_counts(client)
    return Seeded({"DomainName": DOMAIN, "ProfileId": buyer})


@recipe("ListEventTriggers")
def _event_triggers(client: Any) -> Seeded:
    make_domain(client)
    client.put_profile_object_type(DomainName=DOMAIN, ObjectTypeName="Calls",
                                   Description="d", TemplateId="CTR")  # fmt: skip
    condition = {
        "LogicalOperator": "ANY",
        "EventTriggerDimensions": [
            {
                "ObjectAttributes": [
                    {"FieldName": "channel", "ComparisonOperator": "INCLUSIVE", "Values": ["VOICE"]}
                ]
            }
        ],
    }
    for name in ("trigger-a", "trigger-b", "trigger-c"):
        client.create_event_trigger(
            DomainName=DOMAIN,
            EventTriggerName=name,
            ObjectTypeName="Calls",
            EventTriggerConditions=[condition],
        )
    return Seeded({"DomainName": DOMAIN})


@recipe("ListSegmentDefinitions")
def _segment_definitions(client: Any) -> Seeded:
    make_domain(client)
    for name in ("segment-a", "segment-b", "segment-c"):
        client.create_segment_definition(
            DomainName=DOMAIN, SegmentDefinitionName=name, DisplayName=name,
            SegmentGroups={"Include": "ALL", "Groups": []},
        )  # fmt: skip
    return Seeded({"DomainName": DOMAIN})


@recipe("ListDomainLayouts")
def _layouts(client: Any) -> Seeded:
    make_domain(client)
    for name in ("layout-a", "layout-b", "layout-c"):
        client.create_domain_layout(
            DomainName=DOMAIN, LayoutDefinitionName=name, Description="d", DisplayName=name,
            LayoutType="PROFILE_EXPLORER", Layout="{}",
        )  # fmt: skip
    return Seeded({"DomainName": DOMAIN})


@recipe("ListSegmentSubscriptionEvents")
def _segment_subscription_events(client: Any) -> Seeded:
    make_domain(client)
    client.create_segment_definition(
        DomainName=DOMAIN, SegmentDefinitionName="named", DisplayName="named",
        SegmentGroups={"Include": "ALL", "Groups": [{"Dimensions": [{"ProfileAttributes": {
            "FirstName": {"DimensionType": "INCLUSIVE", "Values": ["Kim"]}}}]}]},
    )  # fmt: skip
    client.put_segment_subscription(DomainName=DOMAIN, SegmentDefinitionName="named")
    # one frozen instant: the events are still told apart (and ordered) by their times
    with freeze_time("2031-01-01T00:00:00Z"):
        for _ in range(3):
            make_profile(client, FirstName="Kim")
    return Seeded({"DomainName": DOMAIN, "SegmentDefinitionName": "named"})


@recipe("ListUploadJobs")
def _upload_jobs(client: Any) -> Seeded:
    make_domain(client)
    fields = {"email": {"Source": "_source.email", "Target": "_profile.EmailAddress"}}
    for name in ("a.csv", "b.csv", "c.csv"):
        client.create_upload_job(DomainName=DOMAIN, DisplayName=name, Fields=fields,
                                 UniqueKey="email")  # fmt: skip
    return Seeded({"DomainName": DOMAIN})


@recipe("ListProfileObjectTypeTemplates")
def _templates(client: Any) -> Seeded:
    return Seeded({})


@recipe("ListProfileObjects")
def _objects(client: Any) -> Seeded:
    make_domain(client)
    profile_id = make_purchases(client)
    return Seeded({"DomainName": DOMAIN, "ObjectTypeName": "Purchase", "ProfileId": profile_id})


@recipe("ListObjectTypeAttributes")
def _attributes(client: Any) -> Seeded:
    make_domain(client)
    make_purchases(client)
    return Seeded({"DomainName": DOMAIN, "ObjectTypeName": "Purchase"})


@recipe("ListObjectTypeAttributeValues")
def _attribute_values(client: Any) -> Seeded:
    make_domain(client)
    make_purchases(client)
    return Seeded({"DomainName": DOMAIN, "ObjectTypeName": "Purchase", "AttributeName": "id"})


def matched_profiles(client: Any) -> None:
    """Three groups of profiles that match (the seed's examples, API_GetMatches)."""
    make_profile(client, FirstName="John", LastName="Doe")
    make_profile(client, FirstName="Jhn", LastName="Doe")
    make_profile(client, EmailAddress="JOHN_DOE@ANYCOMPANY.COM")
    make_profile(client, PersonalEmailAddress="johndoe@anycompany.com")
    make_profile(client, PhoneNumber="555-010-0000")
    make_profile(client, MobilePhoneNumber="+1-555-010-0000")


@recipe("GetMatches")
def _matches(client: Any) -> Seeded:
    make_domain(client, Matching={"Enabled": True})
    matched_profiles(client)
    run_identity_resolution(DOMAIN)
    return Seeded({"DomainName": DOMAIN})


@recipe("ListIdentityResolutionJobs")
def _jobs(client: Any) -> Seeded:
    make_domain(client, Matching={"Enabled": True})
    for _ in range(3):
        run_identity_resolution(DOMAIN)
    return Seeded({"DomainName": DOMAIN})


RULES = {"Enabled": True, "MatchingRules": [{"Rule": ["EmailAddress"]}],
         "AttributeTypesSelector": {"AttributeMatchingModel": "MANY_TO_MANY"}}  # fmt: skip


@recipe("ListRuleBasedMatches")
def _rule_based(client: Any) -> Seeded:
    make_domain(client, RuleBasedMatching=RULES)
    for person in ("kim", "lee", "max"):
        make_profile(client, EmailAddress=f"{person}@example.com")
        make_profile(client, BusinessEmailAddress=f"{person.upper()}@example.com")
    return Seeded({"DomainName": DOMAIN})


@recipe("GetSimilarProfiles")
def _similar(client: Any) -> Seeded:
    make_domain(client, RuleBasedMatching=RULES)
    first = make_profile(client, EmailAddress="kim@example.com")
    make_profile(client, BusinessEmailAddress="KIM@example.com")
    make_profile(client, PersonalEmailAddress="kim@example.com")
    return Seeded({"DomainName": DOMAIN, "MatchType": "RULE_BASED_MATCHING",
                   "SearchKey": "_profileId", "SearchValue": first})  # fmt: skip


@recipe("ListRecommenderRecipes")
def _recipes(client: Any) -> Seeded:
    return Seeded({})


@recipe("ListRecommenders")
def _recommenders(client: Any) -> Seeded:
    make_domain(client)
    for name in ("picks-a", "picks-b", "picks-c"):
        client.create_recommender(
            DomainName=DOMAIN, RecommenderName=name, RecommenderRecipeName="popular-items"
        )
    return Seeded({"DomainName": DOMAIN})


@recipe("ListRecommenderFilters")
def _recommender_filters(client: Any) -> Seeded:
    make_domain(client)
    for name in ("filter-a", "filter-b", "filter-c"):
        client.create_recommender_filter(
            DomainName=DOMAIN, RecommenderFilterName=name,
            RecommenderFilterExpression='EXCLUDE ItemID WHERE Items.Category IN ("x")',
        )  # fmt: skip
    return Seeded({"DomainName": DOMAIN})


@recipe("ListRecommenderSchemas")
def _recommender_schemas(client: Any) -> Seeded:
    make_domain(client)
    for name in ("schema-a", "schema-b", "schema-c"):
        client.create_recommender_schema(
            DomainName=DOMAIN, RecommenderSchemaName=name,
            Fields={"_catalogItem": [{"TargetFieldName": "Name"}]},
        )  # fmt: skip
    return Seeded({"DomainName": DOMAIN})


def seed(operation: str, client: Any) -> Seeded:
    assert operation in RECIPES, f"{operation} pages but has no seeding recipe in {__name__}"
    return RECIPES[operation](client)


def result_key(operation: str) -> str:
    spec = pagination.page_spec(MODEL.operation_model(operation))
    assert spec is not None
    return spec.result_key


def call(client: Any, operation: str, **params: Any) -> dict[str, Any]:
    return dict(getattr(client, xform_name(operation))(**params))


def smallest_page(operation: str) -> int:
    """1, or the model's minimum MaxResults where it has one (ListRecommenderRecipes: 10)."""
    shape = MODEL.operation_model(operation).input_shape.members["MaxResults"]
    return max(1, int(shape.metadata.get("min", 1)))


TOKEN_MAX = MODEL.operation_model("ListDomains").input_shape.members["NextToken"].metadata["max"]


def pages(client: Any, operation: str, params: dict[str, Any], bound: int) -> Iterator[Any]:
    """Every page of the smallest size: boto3's paginator where botocore has one (it refuses
    a token it has seen before), else a NextToken loop of at most ``bound`` calls. Every
    token is within NextToken's model maximum, whatever the key it points at."""
    size = smallest_page(operation)
    if client.can_paginate(xform_name(operation)):
        paginator = client.get_paginator(xform_name(operation))
        config = {"PageSize": size, "MaxItems": bound}
        for page in paginator.paginate(**params, PaginationConfig=config):
            assert len(page.get("NextToken") or "") <= TOKEN_MAX
            yield page
        return
    token: str | None = None
    for _ in range(bound):
        page = call(
            client, operation, **params, MaxResults=size, **({"NextToken": token} if token else {})
        )
        yield page
        token = page.get("NextToken")
        assert len(token or "") <= TOKEN_MAX
        if not token:
            return
    pytest.fail(f"{operation}: still a NextToken after {bound} pages of one item")


def test_every_implemented_paged_operation_declares_its_unique_key() -> None:
    undeclared = [name for name in PAGED_IMPLEMENTED if name not in pagination.UNIQUE_KEYS]
    assert not undeclared, f"paged operations with no unique key in UNIQUE_KEYS: {undeclared}"
    # (an operation the installed model predates is not judged by it)
    not_paged = [
        name
        for name in pagination.UNIQUE_KEYS
        if name in MODEL.operation_names and name not in PAGED
    ]
    assert not not_paged, f"UNIQUE_KEYS names operations the model does not page: {not_paged}"


def test_an_undeclared_key_is_refused_not_guessed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(pagination.UNIQUE_KEYS, "ListDomains")
    pagination._key_digest.cache_clear()
    try:
        operation = MODEL.operation_model("ListDomains")
        with pytest.raises(NotImplementedError, match="ListDomains.*no unique key"):
            pagination.paginate(operation, {}, {"Items": []})
    finally:
        pagination._key_digest.cache_clear()


@pytest.mark.parametrize("operation", PAGED_IMPLEMENTED)
def test_one_item_pages_reach_the_end_and_hold_the_whole_list(client: Any, operation: str) -> None:
    assert operation in pagination.UNIQUE_KEYS, f"{operation} declares no unique key"
    seeded = seed(operation, client)
    key = result_key(operation)
    whole = call(client, operation, **seeded.params)
    assert whole.get("NextToken") is None
    assert len(whole[key]) >= seeded.least, f"{operation}: the recipe made {len(whole[key])}"
    paged = [item for page in pages(client, operation, seeded.params, 3 * len(whole[key]) + 3)
             for item in page[key]]  # fmt: skip
    assert paged == whole[key]


# -- tokens that were not issued -------------------------------------------------------
def encoded(value: Any) -> str:
    return base64.b64encode(json.dumps(value).encode()).decode()


def issued_token(client: Any, operation: str, params: dict[str, Any]) -> str | None:
    return call(client, operation, **params, MaxResults=smallest_page(operation)).get("NextToken")


def other_character(character: str) -> str:
    return "B" if character == "A" else "A"


def forged_tokens(issued: str | None) -> dict[str, str]:
    forged = {
        'base64 of "x"': encoded("x"),
        "base64 of 1": encoded(1),
        "base64 of null": encoded(None),
        "base64 of a list": encoded([1, 2]),
        "not base64": "%%% not base64 ~~~",
        "base64 of bytes that are not UTF-8": base64.b64encode(b"\xff\xfe\x00").decode(),
        # the tokens moto's Paginator writes (5.2.5: a "|"-joined key; 5.2.6: a list)
        "a token in moto's format": encoded({"parameterChecksum": 1, "uniqueAttributes": "x"}),
        "a token in moto 5.2.6's format": encoded({"uniqueAttributes": ["x"]}),
    }
    if issued:
        middle = len(issued) // 2
        forged.update({
            "the issued token cut short by one character": issued[:-1],
            "the issued token cut in half": issued[:middle],
            "the issued token with a character more": issued + "A",
            "the issued token with its padding": issued + "=" * (-len(issued) % 4 or 4),
            "the issued token twice": issued + issued,
            "the issued token in standard base64": base64.b64encode(
                base64.urlsafe_b64decode(issued + "=" * (-len(issued) % 4))).decode(),
        })  # fmt: skip
        for where in (0, middle, len(issued) - 1):  # version, body, seal
            garbled = issued[:where] + other_character(issued[where]) + issued[where + 1 :]
            forged[f"the issued token garbled at character {where}"] = garbled
    return {label: token for label, token in forged.items() if token != issued}


def invalid_token_answers(client: Any, operation: str, params: dict[str, Any]) -> list[str]:
    """What each token the service did not issue gets, where that is not a 400 saying so."""
    issued = issued_token(client, operation, params)
    wrong = []
    for label, token in forged_tokens(issued).items():
        try:
            call(client, operation, **params, MaxResults=smallest_page(operation), NextToken=token)
        except ClientError as error:
            answer = error.response["Error"]
            status = error.response["ResponseMetadata"]["HTTPStatusCode"]
            if (answer["Code"], status) == ("BadRequestException", 400) and (
                "NextToken is invalid" in answer["Message"]
            ):
                continue
            wrong.append(f"{label}: {status} {answer}")
        else:
            wrong.append(f"{label}: accepted")
    if issued:  # the issued token itself still works
        call(client, operation, **params, MaxResults=smallest_page(operation), NextToken=issued)
    return wrong


@pytest.mark.parametrize("operation", PAGED_IMPLEMENTED)
def test_a_token_that_was_not_issued_is_a_bad_request(client: Any, operation: str) -> None:
    seeded = seed(operation, client)
    assert invalid_token_answers(client, operation, seeded.params) == []


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadedServer]:
    with ThreadedServer() as running:
        yield running


@pytest.fixture
def server_client(server: ThreadedServer) -> Iterator[Any]:
    yield boto3.client(
        "customer-profiles", region_name="us-east-1", endpoint_url=server.endpoint_url,
        aws_access_key_id="testing", aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}),  # an answer is final: no retries
    )  # fmt: skip
    get_backend().reset()


@pytest.mark.parametrize("operation", PAGED_IMPLEMENTED)
def test_server_mode_answers_a_forged_token_with_a_400(server_client: Any, operation: str) -> None:
    seeded = seed(operation, server_client)
    assert invalid_token_answers(server_client, operation, seeded.params) == []
