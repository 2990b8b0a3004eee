"""Recommenders (predictive insights) through boto3: API_CreateRecommender ...
API_SearchRecommendations, research note §8, and the ranking rules of
docs/recommenders.md, which these tests predict by hand."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from freezegun import freeze_time

from cp_mock import dump_state, get_backend, load_state
from cp_mock.server import ThreadedServer

ARN = "arn:aws:profile:us-east-1:123456789012:domains/test-domain"
SHOP = {
    "p1": {"name": "Red shoes", "category": "shoes", "price": "50", "color": "red"},
    "p2": {"name": "Blue shoes", "category": "shoes", "price": "40", "color": "blue"},
    "p3": {"name": "Cap", "category": "hats", "price": "20", "color": "red"},
    "p4": {"name": "Beanie", "category": "hats", "price": "15", "color": "green"},
    "p5": {"name": "Tote", "category": "bags", "price": "30", "color": "red"},
}
# who did what to which item: (person, item, event type)
EVENTS = [
    ("ann", "p1", "view"), ("ann", "p2", "purchase"),
    ("bob", "p1", "view"), ("bob", "p3", "view"), ("bob", "p3", "purchase"),
    ("cat", "p2", "view"), ("cat", "p4", "view"),
    ("dan", "p5", "view"),
]  # fmt: skip


def error_of(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def put_event(client: Any, domain: str, number: int, person: str, item: str, kind: str,
              at: str = "2021-01-01T00:00:00Z", value: str = "1") -> None:  # fmt: skip
    event = {"id": f"e{number}", "email": f"{person}@example.com", "item": item,
             "type": kind, "at": at, "value": value}  # fmt: skip
    client.put_profile_object(DomainName=domain, ObjectTypeName="Click", Object=json.dumps(event))


@pytest.fixture
def shop(client: Any, domain: str) -> dict[str, str]:
    """A catalog of five items (objects of a type targeting _catalogItem) and the events of
    four profiles (a type targeting _webAnalytics); the profile ids by person."""
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="Product", Description="the catalog",
        AllowProfileCreation=True,
        Fields={
            "id": {"Source": "_source.id", "Target": "_catalogItem.Id"},
            "name": {"Source": "_source.name", "Target": "_catalogItem.Name"},
            "category": {"Source": "_source.category", "Target": "_catalogItem.Category"},
            "price": {"Source": "_source.price", "Target": "_catalogItem.Price"},
            "color": {"Source": "_source.color", "Target": "_catalogItem.Attributes.color"},
            "owner": {"Source": "_source.owner", "Target": "_profile.EmailAddress"},
        },
        Keys={"id": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
              "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["owner"]}]},
    )  # fmt: skip
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="Click", Description="web events",
        AllowProfileCreation=True,
        Fields={
            "id": {"Source": "_source.id"},
            "email": {"Source": "_source.email", "Target": "_profile.EmailAddress"},
            "item": {"Source": "_source.item", "Target": "_webAnalytics.Item.Id"},
            "type": {"Source": "_source.type", "Target": "_webAnalytics.EventType"},
            "at": {"Source": "_source.at", "Target": "_webAnalytics.EventTimestamp"},
            "value": {"Source": "_source.value", "Target": "_webAnalytics.EventValue"},
        },
        Keys={"id": [{"StandardIdentifiers": ["UNIQUE", "WEB_ANALYTICS"], "FieldNames": ["id"]}],
              "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}]},
    )  # fmt: skip
    for item, columns in SHOP.items():
        product = {"id": item, "owner": "catalog@example.com", **columns}
        client.put_profile_object(
            DomainName=domain, ObjectTypeName="Product", Object=json.dumps(product)
        )
    for number, (person, item, kind) in enumerate(EVENTS):
        put_event(client, domain, number, person, item, kind)
    return {
        person: client.search_profiles(
            DomainName=domain, KeyName="_email", Values=[f"{person}@example.com"]
        )["Items"][0]["ProfileId"]
        for person in ("ann", "bob", "cat", "dan")
    }


def recommend(
    client: Any, domain: str, profile_id: str, recommender: str, **more: Any
) -> list[Any]:
    answer = client.get_profile_recommendations(
        DomainName=domain, ProfileId=profile_id, RecommenderName=recommender, **more
    )
    return [(r["CatalogItem"]["Id"], r["Score"]) for r in answer["Recommendations"]]


def make(client: Any, domain: str, name: str, recipe: str, **more: Any) -> None:
    client.create_recommender(
        DomainName=domain, RecommenderName=name, RecommenderRecipeName=recipe, **more
    )


# -- lifecycle -------------------------------------------------------------------------
@freeze_time("2031-02-03T04:05:06Z")
def test_a_recommender_is_active_at_once_and_stops_and_starts(client: Any, domain: str) -> None:
    # AWS trains for hours (PENDING, IN_PROGRESS, ACTIVE); the mock completes at once
    created = client.create_recommender(
        DomainName=domain, RecommenderName="picks", RecommenderRecipeName="popular-items",
        Description="top sellers", Tags={"team": "web"},
        RecommenderConfig={"TrainingFrequency": 7, "InferenceConfig": {"MinProvisionedTPS": 2}},
    )  # fmt: skip
    arn = f"{ARN}/recommenders/picks"
    assert created == {"RecommenderArn": arn, "Tags": {"team": "web"}, **only_metadata(created)}
    got = client.get_recommender(DomainName=domain, RecommenderName="picks")
    assert got["Status"] == "ACTIVE" and got["RecommenderRecipeName"] == "popular-items"
    assert got["ActiveRecommenderVersionName"] == "picks/2031-02-03T04-05-06Z"
    assert got["RecommenderConfig"]["TrainingFrequency"] == 7 and "TrainingMetrics" not in got
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "web"}
    client.stop_recommender(DomainName=domain, RecommenderName="picks")
    listed = client.list_recommenders(DomainName=domain)["Recommenders"]
    assert [(r["RecommenderName"], r["RecipeName"], r["Status"]) for r in listed] == [
        ("picks", "popular-items", "INACTIVE")
    ]
    with pytest.raises(ClientError) as raised:
        client.stop_recommender(DomainName=domain, RecommenderName="picks")
    assert error_of(raised)[0] == "BadRequestException"
    client.start_recommender(DomainName=domain, RecommenderName="picks")
    assert client.get_recommender(DomainName=domain, RecommenderName="picks")["Status"] == "ACTIVE"
    with pytest.raises(ClientError) as raised:
        client.start_recommender(DomainName=domain, RecommenderName="picks")
    assert error_of(raised)[0] == "BadRequestException"
    client.delete_recommender(DomainName=domain, RecommenderName="picks")
    assert client.list_recommenders(DomainName=domain)["Recommenders"] == []
    for call in (
        lambda: client.get_recommender(DomainName=domain, RecommenderName="picks"),
        lambda: client.list_tags_for_resource(resourceArn=arn),
    ):
        with pytest.raises(ClientError) as raised:
            call()
        assert error_of(raised)[0] == "ResourceNotFoundException"


def only_metadata(answer: dict[str, Any]) -> dict[str, Any]:
    return {"ResponseMetadata": answer["ResponseMetadata"]}


def test_a_second_recommender_of_one_name_is_refused(client: Any, domain: str) -> None:
    make(client, domain, "picks", "popular-items")
    with pytest.raises(ClientError) as raised:
        make(client, domain, "picks", "trending-now")
    assert error_of(raised) == ("BadRequestException", "Recommender with name picks already exists")


def test_update_is_a_patch_that_retrains_and_can_roll_back(client: Any, domain: str) -> None:
    with freeze_time("2031-01-01T00:00:00Z"):
        make(client, domain, "picks", "popular-items", Description="first")
    with freeze_time("2031-01-02T00:00:00Z"):
        answer = client.update_recommender(
            DomainName=domain, RecommenderName="picks", RecommenderConfig={"TrainingFrequency": 3}
        )
    assert answer["RecommenderName"] == "picks"
    got = client.get_recommender(DomainName=domain, RecommenderName="picks", TrainingMetricsCount=5)
    assert got["Description"] == "first"  # PATCH: what is not given is kept
    assert got["ActiveRecommenderVersionName"] == "picks/2031-01-02T00-00-00Z"
    assert got["LatestRecommenderUpdate"]["RecommenderConfig"] == {"TrainingFrequency": 3}
    assert [m["RecommenderVersionName"] for m in got["TrainingMetrics"]] == [
        "picks/2031-01-02T00-00-00Z", "picks/2031-01-01T00-00-00Z"
    ]  # fmt: skip
    client.update_recommender(DomainName=domain, RecommenderName="picks",
                              RecommenderVersionName="picks/2031-01-01T00-00-00Z")  # fmt: skip
    got = client.get_recommender(DomainName=domain, RecommenderName="picks", TrainingMetricsCount=1)
    assert got["ActiveRecommenderVersionName"] == "picks/2031-01-01T00-00-00Z"
    assert len(got["TrainingMetrics"]) == 1
    with pytest.raises(ClientError) as raised:
        client.update_recommender(DomainName=domain, RecommenderName="picks",
                                  RecommenderVersionName="picks/2030-01-01T00-00-00Z")  # fmt: skip
    assert error_of(raised)[0] == "ResourceNotFoundException"


def test_list_recommender_recipes_names_the_models_six(client: Any) -> None:
    recipes = client.list_recommender_recipes()["RecommenderRecipes"]
    assert [r["name"] for r in recipes] == [
        "recommended-for-you", "similar-items", "frequently-paired-items", "popular-items",
        "trending-now", "personalized-ranking",
    ]  # fmt: skip
    assert all(r["description"] for r in recipes)


# -- schemas ---------------------------------------------------------------------------
CATALOG_FIELDS = [{"TargetFieldName": "Category", "FeatureType": "CATEGORICAL"},
                  {"TargetFieldName": "Name", "FeatureType": "TEXTUAL"}]  # fmt: skip


def test_schema_lifecycle_and_its_use_by_a_recommender(client: Any, domain: str) -> None:
    created = client.create_recommender_schema(
        DomainName=domain, RecommenderSchemaName="shop", Tags={"a": "b"},
        Fields={"_catalogItem": CATALOG_FIELDS, "_webAnalytics": [{"TargetFieldName": "EventValue",
                                                                   "ContentType": "NUMBER"}]},
    )  # fmt: skip
    assert created["RecommenderSchemaArn"] == f"{ARN}/recommender-schemas/shop"
    assert created["Status"] == "ACTIVE" and created["Tags"] == {"a": "b"}
    got = client.get_recommender_schema(DomainName=domain, RecommenderSchemaName="shop")
    assert got["Fields"]["_catalogItem"] == CATALOG_FIELDS
    listed = client.list_recommender_schemas(DomainName=domain)["RecommenderSchemas"]
    assert [s["RecommenderSchemaName"] for s in listed] == ["shop"]
    make(client, domain, "picks", "popular-items", RecommenderSchemaName="shop")
    got = client.get_recommender(DomainName=domain, RecommenderName="picks")
    assert got["RecommenderSchemaName"] == "shop"
    with pytest.raises(ClientError) as raised:  # in use
        client.delete_recommender_schema(DomainName=domain, RecommenderSchemaName="shop")
    assert error_of(raised)[0] == "BadRequestException" and "picks" in error_of(raised)[1]
    client.delete_recommender(DomainName=domain, RecommenderName="picks")
    client.delete_recommender_schema(DomainName=domain, RecommenderSchemaName="shop")
    assert client.list_recommender_schemas(DomainName=domain)["RecommenderSchemas"] == []


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"_orders": [{"TargetFieldName": "Id"}]}, "_orders"),
        ({"_catalogItem": [{"TargetFieldName": "Name"}, {"TargetFieldName": "Name"}]}, "Name"),
    ],
)
def test_a_bad_schema_is_a_bad_request(
    client: Any, domain: str, fields: dict[str, Any], named: str
) -> None:
    with pytest.raises(ClientError) as raised:
        client.create_recommender_schema(
            DomainName=domain, RecommenderSchemaName="s", Fields=fields
        )
    assert error_of(raised)[0] == "BadRequestException" and named in error_of(raised)[1]


@pytest.mark.parametrize(
    ("config", "named"),
    [
        ({"IncludedColumns": {"_catalogItem": ["Name"]},
          "ExcludedColumns": {"_catalogItem": ["Category"]}}, "mutually exclusive"),
        ({"ExcludedColumns": {"_webAnalytics": ["EventType"]}}, "EventType"),  # mandatory
        ({"IncludedColumns": {"_catalogItem": ["Colour"]}}, "Colour"),  # not in the schema
        ({"DiversityConfig": {"DiversityColumns": [
            {"Name": "Brand", "CapType": "VALUE", "Target": "2"}]}}, "Brand"),
    ],
)  # fmt: skip
def test_a_config_the_schema_cannot_serve_is_a_bad_request(
    client: Any, domain: str, config: dict[str, Any], named: str
) -> None:
    # RecommenderConfig: IncludedColumns/ExcludedColumns "Mutually exclusive"; Item.Id,
    # EventTimestamp, EventType and Id "are mandatory and cannot be excluded"
    client.create_recommender_schema(
        DomainName=domain, RecommenderSchemaName="shop", Fields={"_catalogItem": CATALOG_FIELDS}
    )
    with pytest.raises(ClientError) as raised:
        make(client, domain, "picks", "popular-items", RecommenderSchemaName="shop",
             RecommenderConfig=config)  # fmt: skip
    assert error_of(raised)[0] == "BadRequestException" and named in error_of(raised)[1]
    assert client.list_recommenders(DomainName=domain)["Recommenders"] == []


def test_a_recommender_on_a_missing_schema_is_refused(client: Any, domain: str) -> None:
    with pytest.raises(ClientError) as raised:
        make(client, domain, "picks", "popular-items", RecommenderSchemaName="nope")
    assert error_of(raised)[0] == "ResourceNotFoundException" and "nope" in error_of(raised)[1]


# -- filters ---------------------------------------------------------------------------
def test_filter_lifecycle(client: Any, domain: str) -> None:
    created = client.create_recommender_filter(
        DomainName=domain, RecommenderFilterName="no-hats", Description="d",
        RecommenderFilterExpression='EXCLUDE ItemID WHERE Items.Category IN ("hats")',
    )  # fmt: skip
    arn = f"{ARN}/recommender-filters/no-hats"
    assert created["RecommenderFilterArn"] == arn and "Tags" not in created
    got = client.get_recommender_filter(DomainName=domain, RecommenderFilterName="no-hats")
    assert got["Status"] == "ACTIVE" and got["Tags"] == {} and got["Description"] == "d"
    client.tag_resource(resourceArn=arn, tags={"k": "v"})
    listed = client.list_recommender_filters(DomainName=domain)["RecommenderFilters"]
    assert [(f["RecommenderFilterName"], f["Tags"]) for f in listed] == [("no-hats", {"k": "v"})]
    answer = client.delete_recommender_filter(DomainName=domain, RecommenderFilterName="no-hats")
    assert "no-hats" in answer["Message"]
    with pytest.raises(ClientError) as raised:
        client.get_recommender_filter(DomainName=domain, RecommenderFilterName="no-hats")
    assert error_of(raised)[0] == "ResourceNotFoundException"


@pytest.mark.parametrize(
    "expression",
    [
        'ItemID WHERE Items.Category IN ("hats")',
        'EXCLUDE ItemID WHERE Category IN ("hats")',
        "EXCLUDE ItemID WHERE Items.Category IN ()",
        "EXCLUDE ItemID WHERE Items.Category IN (hats)",
        'EXCLUDE ItemID WHERE Items.Category IN ("hats") XOR Items.Price > 3',
        "EXCLUDE ItemID WHERE Items.Category ~ 3",
    ],
)
def test_an_expression_outside_the_grammar_is_a_bad_request(
    client: Any, domain: str, expression: str
) -> None:
    with pytest.raises(ClientError) as raised:
        client.create_recommender_filter(DomainName=domain, RecommenderFilterName="f",
                                         RecommenderFilterExpression=expression)  # fmt: skip
    assert error_of(raised)[0] == "BadRequestException"
    assert "RecommenderFilterExpression" in error_of(raised)[1]


def test_a_filter_on_a_column_its_schema_lacks_is_refused(client: Any, domain: str) -> None:
    client.create_recommender_schema(
        DomainName=domain, RecommenderSchemaName="shop", Fields={"_catalogItem": CATALOG_FIELDS}
    )
    with pytest.raises(ClientError) as raised:
        client.create_recommender_filter(
            DomainName=domain, RecommenderFilterName="f", RecommenderSchemaName="shop",
            RecommenderFilterExpression='INCLUDE ItemID WHERE Items.Price < 10',
        )  # fmt: skip
    assert error_of(raised)[0] == "BadRequestException" and "Price" in error_of(raised)[1]


# -- recommendations -------------------------------------------------------------------
def test_popular_items_excludes_what_the_profile_has(
    client: Any, domain: str, shop: dict[str, str]
) -> None:
    # popularity: p1 2, p2 2, p3 2, p4 1, p5 1; ann has p1 and p2
    make(client, domain, "popular", "popular-items")
    assert recommend(client, domain, shop["ann"], "popular") == [
        ("p3", 1.0), ("p4", 0.5), ("p5", 0.5)
    ]  # fmt: skip
    assert recommend(client, domain, shop["ann"], "popular", MaxResults=1) == [("p3", 1.0)]


def test_recommended_for_you_reads_profiles_that_share_an_item(
    client: Any, domain: str, shop: dict[str, str]
) -> None:
    # ann shares p1 with bob (p3 twice) and p2 with cat (p4 once); dan shares nothing
    make(client, domain, "for-you", "recommended-for-you")
    assert recommend(client, domain, shop["ann"], "for-you") == [("p3", 1.0), ("p4", 0.5)]
    # a profile with no interactions gets what is popular (a cold start)
    fresh = client.create_profile(DomainName=domain, FirstName="Eve")["ProfileId"]
    assert [i for i, _ in recommend(client, domain, fresh, "for-you")] == [
        "p1", "p2", "p3", "p4", "p5"
    ]  # fmt: skip


def test_frequently_paired_and_similar_items(
    client: Any, domain: str, shop: dict[str, str]
) -> None:
    make(client, domain, "paired", "frequently-paired-items")
    make(client, domain, "similar", "similar-items")
    assert recommend(client, domain, shop["ann"], "paired") == [("p3", 1.0), ("p4", 1.0)]
    # cat has shoes (p2) and hats (p4): the other shoes and hats, by popularity
    assert recommend(client, domain, shop["cat"], "similar") == [("p1", 1.0), ("p3", 1.0)]
    assert recommend(client, domain, shop["dan"], "similar") == []  # no other bags


def test_personalized_ranking_ranks_the_candidates_and_requires_them(
    client: Any, domain: str, shop: dict[str, str]
) -> None:
    # GetProfileRecommendations, CandidateIds: "Required for personalized-ranking use cases"
    make(client, domain, "rank", "personalized-ranking")
    with pytest.raises(ClientError) as raised:
        recommend(client, domain, shop["ann"], "rank")
    assert error_of(raised)[0] == "BadRequestException" and "CandidateIds" in error_of(raised)[1]
    # ann with bob and cat: p1 2, p2 2, p3 2, p4 1, p5 0; ties keep the candidates' order
    ranked = recommend(client, domain, shop["ann"], "rank", CandidateIds=["p5", "p4", "p3", "p1"])
    assert ranked == [("p3", 1.0), ("p1", 1.0), ("p4", 0.5), ("p5", 0.0)]


def test_candidate_ids_restrict_any_recipe(client: Any, domain: str, shop: dict[str, str]) -> None:
    make(client, domain, "popular", "popular-items")
    assert recommend(client, domain, shop["ann"], "popular", CandidateIds=["p5", "p1"]) == [
        ("p5", 1.0)
    ]


def test_trending_now_counts_the_last_seven_days(
    client: Any, domain: str, shop: dict[str, str]
) -> None:
    # the fixture's events are years old; these are days old, and one is eight days old
    make(client, domain, "trending", "trending-now")
    for number, (person, item, days) in enumerate(
        [("dan", "p4", 2), ("bob", "p4", 1), ("cat", "p5", 1), ("bob", "p3", 8)], start=100
    ):
        at = (datetime.now(timezone.utc) - timedelta(days=days)).isoformat()
        put_event(client, domain, number, person, item, "view", at=at)
    assert recommend(client, domain, shop["ann"], "trending") == [("p4", 1.0), ("p5", 0.5)]


def test_events_config_weighs_and_thresholds_event_types(
    client: Any, domain: str, shop: dict[str, str]
) -> None:
    put_event(client, domain, 100, "cat", "p5", "purchase", value="3")
    put_event(client, domain, 101, "dan", "p4", "purchase", value="1")
    config = {"EventsConfig": {"EventParametersList": [
        {"EventType": "purchase", "EventValueThreshold": 2.0},
        {"EventType": "view", "EventWeight": 0.25}]}}  # fmt: skip
    make(client, domain, "weighed", "popular-items", RecommenderConfig=config)
    # purchases worth 2 or more weigh 1 (cat's p5; bob's p3 and dan's p4 are worth 1), views
    # 0.25: p5 1.25, p3 0.25, p4 0.25 (ann's own p1 and p2 left out)
    assert recommend(client, domain, shop["ann"], "weighed") == [
        ("p5", 1.0), ("p3", 0.2), ("p4", 0.2)
    ]  # fmt: skip
    purchases = {"EventsConfig": {"EventParametersList": [{"EventType": "purchase"}]}}
    make(client, domain, "purchases", "popular-items", RecommenderConfig=purchases)
    # other event types do not count: views of p4 are not purchases
    assert recommend(client, domain, shop["ann"], "purchases") == [
        ("p3", 1.0), ("p4", 1.0), ("p5", 1.0)
    ]  # fmt: skip


def test_filters_with_placeholders_and_interactions(
    client: Any, domain: str, shop: dict[str, str]
) -> None:
    make(client, domain, "popular", "popular-items")
    client.create_recommender_filter(
        DomainName=domain, RecommenderFilterName="not-in",
        RecommenderFilterExpression="EXCLUDE ItemID WHERE Items.Category IN ($categories)",
    )  # fmt: skip
    client.create_recommender_filter(
        DomainName=domain, RecommenderFilterName="cheap-or-red",
        RecommenderFilterExpression='INCLUDE ItemID WHERE Items.Price < 18 OR '
        'Items.Attributes.color = "red" AND Items.Category NOT IN ("hats")',
    )  # fmt: skip
    excluded = [{"Name": "not-in", "Values": {"categories": "hats,shoes"}}]
    assert recommend(client, domain, shop["ann"], "popular", RecommenderFilters=excluded) == [
        ("p5", 0.5)
    ]
    included = [{"Name": "cheap-or-red"}]
    assert recommend(client, domain, shop["ann"], "popular", RecommenderFilters=included) == [
        ("p4", 0.5), ("p5", 0.5)
    ]  # fmt: skip
    with pytest.raises(ClientError) as raised:  # a placeholder with no value
        recommend(client, domain, shop["ann"], "popular", RecommenderFilters=[{"Name": "not-in"}])
    assert error_of(raised)[0] == "BadRequestException" and "$categories" in error_of(raised)[1]
    with pytest.raises(ClientError) as raised:
        recommend(client, domain, shop["ann"], "popular", RecommenderFilters=[{"Name": "nope"}])
    assert error_of(raised)[0] == "ResourceNotFoundException"


def test_an_interactions_filter_reads_the_profiles_own_events(
    client: Any, domain: str, shop: dict[str, str]
) -> None:
    # bob viewed p1 and p3 and bought p3: a ranking of his viewed-but-not-bought items
    make(client, domain, "rank", "personalized-ranking")
    client.create_recommender_filter(
        DomainName=domain, RecommenderFilterName="not-bought",
        RecommenderFilterExpression='EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")',
    )  # fmt: skip
    ranked = recommend(client, domain, shop["bob"], "rank", CandidateIds=["p1", "p3"],
                       RecommenderFilters=[{"Name": "not-bought"}])  # fmt: skip
    assert [item for item, _ in ranked] == ["p1"]


def test_promotions_go_first_and_diversity_caps_a_column(
    client: Any, domain: str, shop: dict[str, str]
) -> None:
    config = {"DiversityConfig": {"DiversityColumns": [
        {"Name": "Attributes.color", "CapType": "VALUE", "Target": "$per_color"}]}}  # fmt: skip
    make(client, domain, "popular", "popular-items", RecommenderConfig=config)
    client.create_recommender_filter(
        DomainName=domain, RecommenderFilterName="bags",
        RecommenderFilterExpression='INCLUDE ItemID WHERE Items.Category IN ("bags")',
    )  # fmt: skip
    promotion = [{"Name": "bags", "PromotionName": "totes", "PercentPromotedItems": 50}]
    assert [
        i
        for i, _ in recommend(
            client,
            domain,
            shop["ann"],
            "popular",
            MaxResults=2,
            RecommenderPromotionalFilters=promotion,
        )
    ] == ["p5", "p3"]
    # p3 and p5 are both red: one red item at most
    diverse = {"Enabled": True, "Values": {"per_color": 1}}
    assert [i for i, _ in recommend(client, domain, shop["ann"], "popular",
                                    DiversityConfig=diverse)] == ["p3", "p4"]  # fmt: skip
    with pytest.raises(ClientError) as raised:
        recommend(client, domain, shop["ann"], "popular", DiversityConfig={"Enabled": True})
    assert error_of(raised)[0] == "BadRequestException" and "$per_color" in error_of(raised)[1]


def test_metadata_columns_fill_the_catalog_item(
    client: Any, domain: str, shop: dict[str, str]
) -> None:
    make(client, domain, "popular", "popular-items")
    answer = client.get_profile_recommendations(
        DomainName=domain, ProfileId=shop["ann"], RecommenderName="popular", MaxResults=1,
        MetadataConfig={"MetadataColumns": ["Name", "Price", "Attributes.color"]},
    )  # fmt: skip
    assert answer["Recommendations"] == [
        {"CatalogItem": {"Id": "p3", "Name": "Cap", "Price": "20",
                         "Attributes": {"color": "red"}}, "Score": 1.0}
    ]  # fmt: skip
    # without MetadataConfig, the item's id alone (as Amazon Personalize answers)
    plain = client.get_profile_recommendations(
        DomainName=domain, ProfileId=shop["ann"], RecommenderName="popular", MaxResults=1
    )
    assert plain["Recommendations"][0]["CatalogItem"] == {"Id": "p3"}


def test_a_schema_without_the_catalog_gives_no_catalog_data(
    client: Any, domain: str, shop: dict[str, str]
) -> None:
    # the recommender reads only the datasets its schema names: no categories here
    client.create_recommender_schema(
        DomainName=domain,
        RecommenderSchemaName="events",
        Fields={"_webAnalytics": [{"TargetFieldName": "EventValue"}]},
    )
    make(client, domain, "similar", "similar-items", RecommenderSchemaName="events")
    assert recommend(client, domain, shop["cat"], "similar") == []
    make(client, domain, "popular", "popular-items", RecommenderSchemaName="events")
    with pytest.raises(ClientError) as raised:
        recommend(client, domain, shop["ann"], "popular",
                  MetadataConfig={"MetadataColumns": ["Name"]})  # fmt: skip
    assert error_of(raised)[0] == "BadRequestException" and "Name" in error_of(raised)[1]


def test_no_recommendations_from_a_stopped_recommender_or_for_a_missing_profile(
    client: Any, domain: str, shop: dict[str, str]
) -> None:
    make(client, domain, "popular", "popular-items")
    client.stop_recommender(DomainName=domain, RecommenderName="popular")
    with pytest.raises(ClientError) as raised:
        recommend(client, domain, shop["ann"], "popular")
    assert error_of(raised)[0] == "BadRequestException" and "INACTIVE" in error_of(raised)[1]
    client.start_recommender(DomainName=domain, RecommenderName="popular")
    with pytest.raises(ClientError) as raised:
        recommend(client, domain, "0" * 32, "popular")
    assert error_of(raised)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as raised:
        recommend(client, domain, shop["ann"], "nope")
    assert error_of(raised)[0] == "ResourceNotFoundException"


# -- SearchRecommendations -------------------------------------------------------------
def test_search_recommendations_finds_exactly_one_profile(
    client: Any, domain: str, shop: dict[str, str]
) -> None:
    # API_SearchRecommendations: "If no profile matches the search key, the operation
    # returns a ResourceNotFoundException. If more than one profile matches the search key,
    # the operation returns a BadRequestException."
    make(client, domain, "popular", "popular-items")
    answer = client.search_recommendations(
        DomainName=domain, KeyName="_email", KeyValues=["ann@example.com"],
        Recommender={"Name": "popular"},
    )  # fmt: skip
    assert answer["ProfileId"] == shop["ann"]
    assert [r["CatalogItem"]["Id"] for r in answer["Recommendations"]] == ["p3", "p4", "p5"]
    for person in ("bob", "cat"):
        client.add_profile_key(DomainName=domain, ProfileId=shop[person], KeyName="household",
                               Values=["h1"])  # fmt: skip
    with pytest.raises(ClientError) as raised:
        client.search_recommendations(DomainName=domain, KeyName="household", KeyValues=["h1"],
                                      Recommender={"Name": "popular"})  # fmt: skip
    assert error_of(raised)[0] == "BadRequestException" and "2 profiles" in error_of(raised)[1]
    with pytest.raises(ClientError) as raised:
        client.search_recommendations(DomainName=domain, KeyName="_email",
                                      KeyValues=["nobody@example.com"],
                                      Recommender={"Name": "popular"})  # fmt: skip
    assert error_of(raised)[0] == "ResourceNotFoundException"


def test_search_recommendations_defaults_to_five_and_applies_filters(
    client: Any, domain: str, shop: dict[str, str]
) -> None:
    for number, item in enumerate(["p6", "p7", "p8", "p9"], start=200):
        put_event(client, domain, number, "dan", item, "view")
    make(client, domain, "popular", "popular-items")
    fresh = client.create_profile(DomainName=domain, FirstName="Eve")["ProfileId"]
    answer = client.search_recommendations(
        DomainName=domain, KeyName="_profileId", KeyValues=[fresh], Recommender={"Name": "popular"}
    )
    assert len(answer["Recommendations"]) == 5  # "The default value is 5."
    client.create_recommender_filter(
        DomainName=domain, RecommenderFilterName="only",
        RecommenderFilterExpression="INCLUDE ItemID WHERE Items.ItemID IN ($ids)",
    )  # fmt: skip
    answer = client.search_recommendations(
        DomainName=domain, KeyName="_profileId", KeyValues=[fresh], MaxRecommendations=10,
        Recommender={"Name": "popular", "Filters": [{"Name": "only", "Values": {"ids": "p9,p2"}}]},
    )  # fmt: skip
    assert [r["CatalogItem"]["Id"] for r in answer["Recommendations"]] == ["p2", "p9"]


# -- the domain holds them -------------------------------------------------------------
def test_deleting_the_domain_removes_recommenders_and_their_tags(client: Any, domain: str) -> None:
    make(client, domain, "picks", "popular-items", Tags={"a": "b"})
    client.create_recommender_filter(
        DomainName=domain,
        RecommenderFilterName="f",
        Tags={"a": "b"},
        RecommenderFilterExpression='EXCLUDE ItemID WHERE Items.Id IN ("x")',
    )
    client.delete_domain(DomainName=domain)
    client.create_domain(DomainName=domain, DefaultExpirationDays=30)
    assert client.list_recommenders(DomainName=domain)["Recommenders"] == []
    assert client.list_recommender_filters(DomainName=domain)["RecommenderFilters"] == []
    with pytest.raises(ClientError) as raised:
        client.list_tags_for_resource(resourceArn=f"{ARN}/recommenders/picks")
    assert error_of(raised)[0] == "ResourceNotFoundException"


def test_server_mode_serves_the_recommender_operations() -> None:
    # UpdateRecommender is the API's only PATCH; ListRecommenderRecipes has no domain in
    # its path
    with ThreadedServer() as server:
        remote = boto3.client(
            "customer-profiles", region_name="us-east-1", endpoint_url=server.endpoint_url,
            aws_access_key_id="testing", aws_secret_access_key="testing",
        )  # fmt: skip
        try:
            remote.create_domain(DomainName="served", DefaultExpirationDays=1)
            remote.create_recommender(DomainName="served", RecommenderName="picks",
                                      RecommenderRecipeName="popular-items")  # fmt: skip
            remote.update_recommender(DomainName="served", RecommenderName="picks",
                                      Description="patched")  # fmt: skip
            got = remote.get_recommender(DomainName="served", RecommenderName="picks")
            assert got["Description"] == "patched"
            assert len(remote.list_recommender_recipes()["RecommenderRecipes"]) == 6
            profile_id = remote.create_profile(DomainName="served")["ProfileId"]
            answer = remote.search_recommendations(
                DomainName="served", KeyName="_profileId", KeyValues=[profile_id],
                Recommender={"Name": "picks"},
            )  # fmt: skip
            assert answer["ProfileId"] == profile_id and answer["Recommendations"] == []
            unchecked = boto3.client(
                "customer-profiles", region_name="us-east-1", endpoint_url=server.endpoint_url,
                aws_access_key_id="testing", aws_secret_access_key="testing",
                config=Config(parameter_validation=False),
            )  # fmt: skip
            with pytest.raises(ClientError) as raised:  # the model's minimum page size is 10
                unchecked.list_recommender_recipes(MaxResults=5)
            assert error_of(raised)[0] == "BadRequestException"
            assert "MaxResults" in error_of(raised)[1]
        finally:
            get_backend().reset()


# the model's DiversityTargetExpression pattern is not anchored: it finds a count or a
# placeholder inside each of these, which are neither
TARGETS_NOT_WHOLE = ["x5", "1$x", "5 percent", "$per_color!", "25\n"]


@pytest.mark.parametrize("target", TARGETS_NOT_WHOLE)
def test_a_diversity_target_must_be_a_count_or_a_placeholder_whole(
    client: Any, domain: str, target: str
) -> None:
    def columns(target: str) -> dict[str, Any]:
        return {"DiversityConfig": {"DiversityColumns": [
            {"Name": "Attributes.color", "CapType": "VALUE", "Target": "2"},
            {"Name": "Category", "CapType": "PERCENTAGE", "Target": target}]}}  # fmt: skip

    make(client, domain, "kept", "popular-items", RecommenderConfig=columns("$share"))
    before = dump_state()
    member = "RecommenderConfig.DiversityConfig.DiversityColumns[1].Target"
    with pytest.raises(ClientError) as raised:
        make(client, domain, "picks", "popular-items", RecommenderConfig=columns(target))
    code, message = error_of(raised)
    assert code == "BadRequestException" and message.startswith(f"{member}: "), message
    with pytest.raises(ClientError) as raised:
        client.update_recommender(
            DomainName=domain, RecommenderName="kept", RecommenderConfig=columns(target)
        )
    assert error_of(raised) == (code, message)
    assert dump_state() == before


def test_a_loaded_diversity_target_not_whole_is_a_bad_request(
    client: Any, domain: str, shop: dict[str, str]
) -> None:
    config = {"DiversityConfig": {"DiversityColumns": [
        {"Name": "Attributes.color", "CapType": "VALUE", "Target": "1"}]}}  # fmt: skip
    make(client, domain, "popular", "popular-items", RecommenderConfig=config)
    state = json.loads(json.dumps(dump_state()).replace('"Target": "1"', '"Target": "1$x"'))
    load_state(state)  # a state file is held to the model, whose pattern admits "1$x"
    before = dump_state()
    with pytest.raises(ClientError) as raised:
        recommend(client, domain, shop["ann"], "popular", DiversityConfig={"Enabled": True})
    assert error_of(raised) == (
        "BadRequestException",
        "RecommenderConfig.DiversityConfig.DiversityColumns[0].Target of recommender popular: "
        "'1$x' is neither an integer literal (\"25\") nor a placeholder of the form $name",
    )
    assert dump_state() == before
