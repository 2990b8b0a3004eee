"""Segment definitions, their evaluation, estimates, membership and snapshots, through boto3.

Every operator row of docs/segments.md has a test here, over four profiles whose
membership is worked out by hand in the row's expectation.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

from cp_mock.protocol import service_model

MODEL = service_model()

PEOPLE = {
    "ann": {
        "FirstName": "Ann", "EmailAddress": "ann@vip.example.com", "GenderString": "female",
        "BirthDate": "1990-05-17", "Address": {"City": "Lyon"},
        "Attributes": {"spend": "150", "tags": '["a", "b"]', "home": "Lyon"},
    },
    "bob": {
        "FirstName": "Bob", "EmailAddress": "bob@example.com", "Gender": "MALE",
        "BirthDate": "1985-01-02", "Address": {"City": "Paris"},
        "Attributes": {"spend": "50", "tags": "b,c", "home": "Lyon"},
    },
    "cid": {
        "FirstName": "Cid", "ProfileType": "ACCOUNT_PROFILE", "Address": {"City": "Lyon"},
        "BillingAddress": {"PostalCode": "69001"}, "Attributes": {"spend": "100"},
    },
    "dee": {"FirstName": "Dee", "Attributes": {"spend": "abc"}},
}  # fmt: skip


@pytest.fixture
def people(client: Any, domain: str) -> dict[str, str]:
    """name -> profile id of the four profiles above."""
    return {
        name: client.create_profile(DomainName=domain, **fields)["ProfileId"]
        for name, fields in PEOPLE.items()
    }


def groups(*dimensions: dict[str, Any], kind: str = "ALL", **group: Any) -> dict[str, Any]:
    return {"Include": "ALL", "Groups": [{"Type": kind, "Dimensions": list(dimensions), **group}]}


def profile(**attributes: Any) -> dict[str, Any]:
    return {"ProfileAttributes": attributes}


def test(operator: str, *values: str) -> dict[str, Any]:
    return {"DimensionType": operator, "Values": list(values)}


test.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


def members(client: Any, domain: str, people: dict[str, str], name: str) -> set[str]:
    answer = client.get_segment_membership(
        DomainName=domain, SegmentDefinitionName=name, ProfileIds=list(people.values())
    )
    by_id = {pid: who for who, pid in people.items()}
    return {by_id[p["ProfileId"]] for p in answer["Profiles"] if p["QueryResult"] == "PRESENT"}


def define(client: Any, domain: str, name: str, segment_groups: dict[str, Any]) -> None:
    client.create_segment_definition(
        DomainName=domain, SegmentDefinitionName=name, DisplayName=name,
        SegmentGroups=segment_groups,
    )  # fmt: skip


def estimate(client: Any, domain: str, query: dict[str, Any]) -> int:
    created = client.create_segment_estimate(DomainName=domain, SegmentQuery=query)
    found = client.get_segment_estimate(DomainName=domain, EstimateId=created["EstimateId"])
    assert found["Status"] == "SUCCEEDED"  # on the first poll
    return int(found["Estimate"])


def error_of(call: Any, **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        call(**params)
    return raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]


# -- one row of docs/segments.md each ----------------------------------------------------
OPERATOR_ROWS = [
    ("INCLUSIVE", profile(Address={"City": test("INCLUSIVE", "Lyon")}), {"ann", "cid"}),
    ("EXCLUSIVE", profile(Address={"City": test("EXCLUSIVE", "Lyon")}), {"bob", "dee"}),
    ("CONTAINS", profile(EmailAddress=test("CONTAINS", "vip")), {"ann"}),
    ("BEGINS_WITH", profile(FirstName=test("BEGINS_WITH", "A", "B")), {"ann", "bob"}),
    ("ENDS_WITH", profile(EmailAddress=test("ENDS_WITH", "example.com")), {"ann", "bob"}),
    ("case-sensitive", profile(FirstName=test("INCLUSIVE", "ann")), set()),
    ("BEFORE", profile(BirthDate=test("BEFORE", "1989-12-31")), {"bob"}),
    ("AFTER", profile(BirthDate=test("AFTER", "1989-12-31")), {"ann"}),
    ("ON", profile(BirthDate=test("ON", "1990-05-17")), {"ann"}),
    ("ON MM/DD/YYYY", profile(BirthDate=test("ON", "05/17/1990")), {"ann"}),
    ("BETWEEN", profile(BirthDate=test("BETWEEN", "1985-01-02", "1990-05-16")), {"bob"}),
    ("NOT_BETWEEN", profile(BirthDate=test("NOT_BETWEEN", "1985-01-02", "1990-05-16")), {"ann"}),
    ("GREATER_THAN", profile(Attributes={"spend": test("GREATER_THAN", "100")}), {"ann"}),
    ("GREATER_THAN_OR_EQUAL", profile(Attributes={"spend": test("GREATER_THAN_OR_EQUAL", "100")}),
     {"ann", "cid"}),
    ("LESS_THAN", profile(Attributes={"spend": test("LESS_THAN", "100")}), {"bob"}),
    ("LESS_THAN_OR_EQUAL", profile(Attributes={"spend": test("LESS_THAN_OR_EQUAL", "100")}),
     {"bob", "cid"}),
    ("EQUAL", profile(Attributes={"spend": test("EQUAL", "100.0")}), {"cid"}),
    ("EQUAL text", profile(Attributes={"spend": test("EQUAL", "abc")}), {"dee"}),
    ("LIST_CONTAINS", profile(Attributes={"tags": test("LIST_CONTAINS", "b")}), {"ann", "bob"}),
    ("LIST_CONTAINS_ALL", profile(Attributes={"tags": test("LIST_CONTAINS_ALL", "a", "b")}),
     {"ann"}),
    ("ProfileType INCLUSIVE", profile(ProfileType=test("INCLUSIVE", "ACCOUNT_PROFILE")), {"cid"}),
    ("ProfileType PROFILE", profile(ProfileType=test("INCLUSIVE", "PROFILE")),
     {"ann", "bob", "dee"}),
    ("GenderString reads Gender", profile(GenderString=test("INCLUSIVE", "MALE", "female")),
     {"ann", "bob"}),
    ("other addresses", profile(BillingAddress={"PostalCode": test("BEGINS_WITH", "69")}),
     {"cid"}),
    ("{{_profile.X}}", profile(Attributes={"home": test("INCLUSIVE", "{{_profile.Address.City}}")}),
     {"ann"}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("row", "dimension", "expected"), OPERATOR_ROWS, ids=[r[0] for r in OPERATOR_ROWS]
)
def test_each_operator_row_selects_the_profiles_worked_out_by_hand(
    client: Any, domain: str, people: dict[str, str], row: str, dimension: Any, expected: set[str]
) -> None:
    known = {v for n in MODEL.shape_names for v in MODEL.shape_for(n).metadata.get("enum", ())}
    if row.split()[0].isupper() and row.split()[0] not in known:
        pytest.skip(f"the installed botocore model has no {row.split()[0]} dimension type")
    define(client, domain, "seg", groups(dimension))
    assert members(client, domain, people, "seg") == expected
    assert estimate(client, domain, groups(dimension)) == len(expected)


COMBINATION_ROWS = [
    # attributes within one dimension: AND
    ("AND within a dimension",
     groups(profile(Address={"City": test("INCLUSIVE", "Lyon")},
                    Attributes={"spend": test("GREATER_THAN", "120")})), {"ann"}),
    ("Type ANY", groups(profile(Address={"City": test("INCLUSIVE", "Paris")}),
                        profile(Attributes={"spend": test("GREATER_THAN", "120")}), kind="ANY"),
     {"ann", "bob"}),
    ("Type ALL", groups(profile(Address={"City": test("INCLUSIVE", "Lyon")}),
                        profile(Attributes={"spend": test("LESS_THAN", "120")})), {"cid"}),
    ("Type NONE", groups(profile(Address={"City": test("INCLUSIVE", "Lyon")}),
                         profile(FirstName=test("INCLUSIVE", "Bob")), kind="NONE"), {"dee"}),
    ("Include ANY", {"Include": "ANY", "Groups": [
        {"Dimensions": [profile(FirstName=test("INCLUSIVE", "Ann"))]},
        {"Dimensions": [profile(FirstName=test("INCLUSIVE", "Dee"))]}]}, {"ann", "dee"}),
    ("Include ALL", {"Include": "ALL", "Groups": [
        {"Dimensions": [profile(Address={"City": test("INCLUSIVE", "Lyon")})]},
        {"Dimensions": [profile(FirstName=test("BEGINS_WITH", "C"))]}]}, {"cid"}),
    ("Include NONE", {"Include": "NONE", "Groups": [
        {"Dimensions": [profile(Address={"City": test("INCLUSIVE", "Lyon")})]},
        {"Dimensions": [profile(FirstName=test("INCLUSIVE", "Dee"))]}]}, {"bob"}),
    ("no groups: every profile", {"Include": "ALL", "Groups": []},
     {"ann", "bob", "cid", "dee"}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("row", "query", "expected"), COMBINATION_ROWS, ids=[r[0] for r in COMBINATION_ROWS]
)
def test_each_combination_row_selects_the_profiles_worked_out_by_hand(
    client: Any, domain: str, people: dict[str, str], row: str, query: Any, expected: set[str]
) -> None:
    define(client, domain, "seg", query)
    assert members(client, domain, people, "seg") == expected
    assert estimate(client, domain, query) == len(expected)


SOURCE_ROWS = [
    ("ANY", {"ann", "bob", "cid"}),  # in Lyon, or named B...
    ("ALL", set()),  # in Lyon and named B...: nobody
    ("NONE", {"dee"}),
]


@pytest.mark.parametrize(("source_type", "expected"), SOURCE_ROWS)
def test_source_segments_are_combined_by_source_type(
    client: Any, domain: str, people: dict[str, str], source_type: str, expected: set[str]
) -> None:
    define(client, domain, "lyon", groups(profile(Address={"City": test("INCLUSIVE", "Lyon")})))
    define(client, domain, "b", groups(profile(FirstName=test("BEGINS_WITH", "B"))))
    sources = [{"SegmentDefinitionName": "lyon"}, {"SegmentDefinitionName": "b"}]
    define(client, domain, "seg", groups(SourceSegments=sources, SourceType=source_type))
    assert members(client, domain, people, "seg") == expected


def test_a_source_segment_narrowed_by_a_dimension_follows_profile_changes(
    client: Any, domain: str, people: dict[str, str]
) -> None:
    # research scenario 2: no caching, the next call sees the new email
    define(client, domain, "lyon", groups(profile(Address={"City": test("INCLUSIVE", "Lyon")})))
    vip = profile(EmailAddress=test("BEGINS_WITH", "vip"))
    define(client, domain, "vip", groups(vip, SourceSegments=[{"SegmentDefinitionName": "lyon"}]))
    assert members(client, domain, people, "vip") == set()
    client.update_profile(DomainName=domain, ProfileId=people["cid"], EmailAddress="vip@x.org")
    assert members(client, domain, people, "vip") == {"cid"}


# -- calculated attributes (the calculated-attribute family's method, replaced here) --------
@pytest.fixture
def spend_30d(client: Any, domain: str, people: dict[str, str]) -> Iterator[None]:
    """A calculated attribute "spend30", the SUM of Order amounts over 30 days: ann 200,
    bob 80 (40 in the last 7 days), cid none, dee 100. The clock stands 20 days after bob's
    first order while the test runs."""
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="Order", Description="orders",
        Fields={"id": {"Source": "_source.id"}, "amount": {"Source": "_source.amount"},
                "email": {"Source": "_source.email"}},
        Keys={"orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
              "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}]},
    )  # fmt: skip
    client.add_profile_key(
        DomainName=domain, ProfileId=people["dee"], KeyName="_email", Values=["dee@example.com"]
    )

    def order(order_id: str, email: str, amount: int) -> None:
        document = {"id": order_id, "email": email, "amount": amount}
        client.put_profile_object(
            DomainName=domain, ObjectTypeName="Order", Object=json.dumps(document)
        )

    with freeze_time(datetime.now(timezone.utc)) as clock:
        client.create_calculated_attribute_definition(
            DomainName=domain, CalculatedAttributeName="spend30", Statistic="SUM",
            AttributeDetails={"Attributes": [{"Name": "amount"}], "Expression": "{Order.amount}"},
            Conditions={"Range": {"Value": 30, "Unit": "DAYS"}},
        )  # fmt: skip
        order("b1", "bob@example.com", 40)
        clock.tick(timedelta(days=20))
        order("a1", "ann@vip.example.com", 200)
        order("b2", "bob@example.com", 40)
        order("d1", "dee@example.com", 100)
        yield


def calculated(operator: str, *values: str, **extra: Any) -> dict[str, Any]:
    return {"CalculatedAttributes": {"spend30": {**test(operator, *values), **extra}}}


def test_calculated_attribute_dimensions(
    client: Any, domain: str, people: dict[str, str], spend_30d: None
) -> None:
    define(client, domain, "big", groups(calculated("GREATER_THAN", "90")))
    assert members(client, domain, people, "big") == {"ann", "dee"}
    # ConditionOverrides.Range: Start and End in days back ("positive numbers ... in the
    # past", API_ValueRange), so the last 7 days
    overrides = {"Range": {"Start": 7, "End": 0, "Unit": "DAYS"}}
    define(
        client, domain, "week", groups(calculated("LESS_THAN", "60", ConditionOverrides=overrides))
    )
    assert members(client, domain, people, "week") == {"bob"}
    # a profile value compared with the profile's own calculated attribute
    reference = profile(
        Attributes={"spend": test("LESS_THAN", "{{_calculated_attribute.spend30}}")}
    )
    define(client, domain, "under", groups(reference))
    assert members(client, domain, people, "under") == {"ann", "bob"}


def test_a_missing_calculated_attribute_is_a_bad_request(
    client: Any, domain: str, people: dict[str, str], spend_30d: None
) -> None:
    query = groups({"CalculatedAttributes": {"gone": test("GREATER_THAN", "1")}})
    code, message = error_of(client.create_segment_estimate, DomainName=domain, SegmentQuery=query)
    assert (code, "gone" in message) == ("BadRequestException", True)


def test_without_the_calculated_attribute_family_no_name_exists(
    client: Any, domain: str, people: dict[str, str]
) -> None:
    code, message = error_of(client.create_segment_estimate, DomainName=domain,
                             SegmentQuery=groups(calculated("GREATER_THAN", "1")))  # fmt: skip
    assert code == "BadRequestException" and "spend30" in message


# -- definitions ---------------------------------------------------------------------------
def test_definition_round_trip_arn_tags_and_listing(client: Any, domain: str) -> None:
    query = groups(profile(FirstName=test("INCLUSIVE", "Ann")))
    sort = {"Attributes": [{"Name": "FirstName", "DataType": "STRING", "Order": "ASC"}]}
    created = client.create_segment_definition(
        DomainName=domain, SegmentDefinitionName="anns", DisplayName="Anns", Description="d",
        SegmentGroups=query, SegmentSort=sort, Tags={"team": "crm"},
    )  # fmt: skip
    arn = f"arn:aws:profile:us-east-1:123456789012:domains/{domain}/segment-definitions/anns"
    assert created["SegmentDefinitionArn"] == arn and created["Tags"] == {"team": "crm"}
    got = client.get_segment_definition(DomainName=domain, SegmentDefinitionName="anns")
    assert (got["SegmentGroups"], got["SegmentSort"], got["SegmentType"]) == (
        query,
        sort,
        "CLASSIC",
    )
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "crm"}
    [item] = client.list_segment_definitions(DomainName=domain)["Items"]
    assert (item["SegmentDefinitionName"], item["SegmentType"]) == ("anns", "CLASSIC")
    client.delete_segment_definition(DomainName=domain, SegmentDefinitionName="anns")
    assert (
        error_of(client.list_tags_for_resource, resourceArn=arn)[0] == "ResourceNotFoundException"
    )
    assert error_of(client.get_segment_definition, DomainName=domain,
                    SegmentDefinitionName="anns")[0] == "ResourceNotFoundException"  # fmt: skip


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"SegmentDefinitionName": "_default_x"}, "_default_"),  # admin guide, Default segments
        pytest.param(
            {"SegmentGroups": None}, "SegmentGroups or SegmentSqlQuery",
            marks=pytest.mark.skipif(
                "SegmentGroups" in MODEL.operation_model("CreateSegmentDefinition")
                .input_shape.required_members,
                reason="the installed botocore model requires SegmentGroups (no SQL segments)",
            ),
        ),
        ({"SegmentSqlQuery": "SELECT ProfileId FROM profiles"}, "SegmentGroups or SegmentSqlQuery"),
        ({"SegmentGroups": groups(SourceSegments=[{"SegmentDefinitionName": "nope"}])}, "nope"),
        ({"SegmentGroups": groups(SourceSegments=[{"SegmentDefinitionName": "seg"}])}, "cycle"),
        ({"SegmentGroups": groups(profile(BirthDate=test("BETWEEN", "2000-01-01")))},
         "BirthDate.Values"),
        ({"SegmentGroups": groups(profile(Attributes={"n": test("GREATER_THAN", "1", "2")}))},
         "Attributes.n.Values"),
    ],
)  # fmt: skip
def test_bad_definitions_are_refused_naming_the_problem(
    client: Any, domain: str, params: dict[str, Any], names: str
) -> None:
    request = {"DomainName": domain, "SegmentDefinitionName": "seg", "DisplayName": "d",
               "SegmentGroups": groups(), **params}  # fmt: skip
    request = {k: v for k, v in request.items() if v is not None}
    code, message = error_of(client.create_segment_definition, **request)
    assert code == "BadRequestException" and names in message


def test_duplicates_default_deletes_and_used_sources_are_refused(client: Any, domain: str) -> None:
    define(client, domain, "base", groups())
    assert "already exists" in error_of(client.create_segment_definition, DomainName=domain,
                                        SegmentDefinitionName="base", DisplayName="d",
                                        SegmentGroups=groups())[1]  # fmt: skip
    define(client, domain, "top", groups(SourceSegments=[{"SegmentDefinitionName": "base"}]))
    code, message = error_of(client.delete_segment_definition, DomainName=domain,
                             SegmentDefinitionName="base")  # fmt: skip
    assert code == "BadRequestException" and "top" in message
    code, _ = error_of(client.delete_segment_definition, DomainName=domain,
                       SegmentDefinitionName="_default_all")  # fmt: skip
    assert code == "BadRequestException"
    client.delete_segment_definition(DomainName=domain, SegmentDefinitionName="top")
    client.delete_segment_definition(DomainName=domain, SegmentDefinitionName="base")


# -- SQL -------------------------------------------------------------------------------------
def enable_data_store(client: Any, domain: str) -> None:
    client.update_domain(DomainName=domain, DataStore={"Enabled": True})


def test_sql_segments_need_the_data_store(client: Any, domain: str) -> None:
    code, message = error_of(client.create_segment_definition, DomainName=domain,
                             SegmentDefinitionName="q", DisplayName="q",
                             SegmentSqlQuery="SELECT ProfileId FROM profiles")  # fmt: skip
    assert code == "BadRequestException" and "DataStore" in message


def test_a_sql_segment_runs_over_profiles_attributes_and_calculated_attributes(
    client: Any, domain: str, people: dict[str, str], spend_30d: None
) -> None:
    enable_data_store(client, domain)
    query = (
        "SELECT p.ProfileId FROM profiles p JOIN profile_attributes a USING (ProfileId) "
        "WHERE p.Address_City = 'Lyon' AND a.Name = 'spend' AND CAST(a.Value AS REAL) >= 100 "
        "UNION SELECT ProfileId FROM profiles "
        "WHERE CAST(calculated_attribute(ProfileId, 'spend30') AS REAL) = 100"
    )
    client.create_segment_definition(DomainName=domain, SegmentDefinitionName="q",
                                     DisplayName="q", SegmentSqlQuery=query)  # fmt: skip
    got = client.get_segment_definition(DomainName=domain, SegmentDefinitionName="q")
    assert (got["SegmentSqlQuery"], got["SegmentType"]) == (query, "ENHANCED")
    assert members(client, domain, people, "q") == {"ann", "cid", "dee"}
    created = client.create_segment_estimate(DomainName=domain, SegmentSqlQuery=query)
    found = client.get_segment_estimate(DomainName=domain, EstimateId=created["EstimateId"])
    assert found["Estimate"] == "3"


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("SELEC ProfileId FROM profiles", 'near "SELEC": syntax error'),
        ("SELECT ProfileId FROM nowhere", "no such table: nowhere"),
        ("DELETE FROM profiles", "DELETE profiles is not allowed"),
        ("SELECT 1; SELECT 2", "one statement"),
    ],
)
def test_a_query_the_engine_cannot_run_is_refused_with_its_message(
    client: Any, domain: str, people: dict[str, str], query: str, says: str
) -> None:
    enable_data_store(client, domain)
    code, message = error_of(client.create_segment_estimate, DomainName=domain,
                             SegmentSqlQuery=query)  # fmt: skip
    assert code == "BadRequestException" and says in message


# -- estimates and membership --------------------------------------------------------------
@pytest.mark.model_members("GetSegmentMembership", "LastComputedAt")
def test_membership_reports_unknown_ids_as_failures(
    client: Any, domain: str, people: dict[str, str]
) -> None:
    # research scenario 1
    define(client, domain, "lyon", groups(profile(Address={"City": test("INCLUSIVE", "Lyon")})))
    unknown = "0" * 32
    asked = [people["ann"], people["bob"], unknown]
    answer = client.get_segment_membership(
        DomainName=domain, SegmentDefinitionName="lyon", ProfileIds=asked
    )
    [present, absent] = answer["Profiles"]
    assert present["QueryResult"] == "PRESENT" and present["Profile"]["FirstName"] == "Ann"
    assert absent == {"ProfileId": people["bob"], "QueryResult": "ABSENT"}
    assert answer["Failures"] == [
        {"ProfileId": unknown, "Message": f"Profile {unknown} does not exist", "Status": 404}
    ]
    assert "LastComputedAt" in answer


def test_unknown_estimates_and_segments_are_not_found(client: Any, domain: str) -> None:
    assert error_of(client.get_segment_estimate, DomainName=domain,
                    EstimateId="nope")[0] == "ResourceNotFoundException"  # fmt: skip
    assert error_of(client.get_segment_membership, DomainName=domain, SegmentDefinitionName="x",
                    ProfileIds=["0" * 32])[0] == "ResourceNotFoundException"  # fmt: skip


# -- snapshots -------------------------------------------------------------------------------
@pytest.fixture
def bucket() -> Any:
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="exports")
    return s3


def snapshot(client: Any, domain: str, name: str, data_format: str, uri: str) -> dict[str, Any]:
    snapshot_id = client.create_segment_snapshot(
        DomainName=domain, SegmentDefinitionName=name, DataFormat=data_format, DestinationUri=uri
    )["SnapshotId"]
    found: dict[str, Any] = client.get_segment_snapshot(
        DomainName=domain, SegmentDefinitionName=name, SnapshotId=snapshot_id
    )
    return found


def test_a_csv_snapshot_lands_in_moto_s3_sorted_as_the_segment_says(
    client: Any, domain: str, people: dict[str, str], bucket: Any
) -> None:
    client.create_segment_definition(
        DomainName=domain, SegmentDefinitionName="lyon", DisplayName="lyon",
        SegmentGroups=groups(profile(Address={"City": test("INCLUSIVE", "Lyon")})),
        SegmentSort={"Attributes": [{"Name": "Attributes.spend", "DataType": "NUMBER",
                                     "Order": "ASC"}]},
    )  # fmt: skip
    found = snapshot(client, domain, "lyon", "CSV", "s3://exports/segments/")
    assert found["Status"] == "COMPLETED"
    body = bucket.get_object(Bucket="exports", Key=f"segments/{found['SnapshotId']}.csv")
    lines = body["Body"].read().decode().splitlines()
    header = lines[0].split(",")
    assert header[0] == "ProfileId" and "Address.City" in header and "Attributes.spend" in header
    assert [line.split(",")[0] for line in lines[1:]] == [people["cid"], people["ann"]]


def test_a_jsonl_snapshot_holds_each_member_profile(
    client: Any, domain: str, people: dict[str, str], bucket: Any
) -> None:
    define(client, domain, "b", groups(profile(FirstName=test("BEGINS_WITH", "B"))))
    found = snapshot(client, domain, "b", "JSONL", "s3://exports")
    body = bucket.get_object(Bucket="exports", Key=f"{found['SnapshotId']}.jsonl")["Body"]
    assert [json.loads(line) for line in body.read().decode().splitlines()] == [
        {"ProfileId": people["bob"], **PEOPLE["bob"]}
    ]


@pytest.mark.parametrize(
    ("data_format", "uri", "says"),
    [
        ("CSV", "s3://no-such-bucket/x", "no-such-bucket does not exist"),
        ("ORC", "s3://exports/x", "ORC is not supported"),
    ],
)
def test_a_snapshot_that_cannot_be_written_is_failed_with_the_reason(
    client: Any, domain: str, bucket: Any, data_format: str, uri: str, says: str
) -> None:
    define(client, domain, "all", groups())
    found = snapshot(client, domain, "all", data_format, uri)
    assert found["Status"] == "FAILED" and says in found["StatusMessage"]


def test_snapshot_destination_is_required_and_ids_belong_to_their_segment(
    client: Any, domain: str, bucket: Any
) -> None:
    define(client, domain, "a", groups())
    define(client, domain, "b", groups())
    assert error_of(client.create_segment_snapshot, DomainName=domain, SegmentDefinitionName="a",
                    DataFormat="CSV")[0] == "BadRequestException"  # fmt: skip
    not_s3 = error_of(client.create_segment_snapshot, DomainName=domain, SegmentDefinitionName="a",
                      DataFormat="CSV", DestinationUri="https://x")  # fmt: skip
    assert not_s3[0] == "BadRequestException"
    found = snapshot(client, domain, "a", "CSV", "s3://exports/a")
    assert error_of(client.get_segment_snapshot, DomainName=domain, SegmentDefinitionName="b",
                    SnapshotId=found["SnapshotId"])[0] == "ResourceNotFoundException"  # fmt: skip
