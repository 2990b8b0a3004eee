"""What ingestion writes on a profile is held to the model's constraints for a profile
(docs/ingestion.md, "Values a profile cannot hold"), whichever way the object came:
PutProfileObject, BatchPutProfileObject, an integration's source, an upload job's row."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

import cp_mock
from cp_mock import dump_state
from tests.test_upload_jobs import create_job, job, upload

LONG = "x" * 256  # one more than the 255 characters of a profile's attribute or name
FIELDS = {
    "id": {"Source": "_source.id"},
    "email": {"Source": "_source.email", "ContentType": "EMAIL_ADDRESS"},
    "first": {"Source": "_source.first", "Target": "_profile.FirstName"},
    "city": {"Source": "_source.city", "Target": "_profile.Address.City"},
    "tier": {"Source": "_source.tier", "Target": "_profile.Attributes.tier"},
    "kind": {"Source": "_source.kind", "Target": "_profile.ProfileType"},
    "pid": {"Source": "_source.pid", "Target": "_profile.ProfileId"},
    "odd": {"Source": "_source.odd", "Target": "_profile.Address.Planet"},
}
# one member a profile cannot hold, and what the refusal says of it
UNFIT = [
    ({"tier": LONG}, "field tier maps to _profile.Attributes.tier, which cannot hold its "
                     "value: Attributes.tier must have at most 255 characters"),
    ({"first": LONG}, "FirstName must have at most 255 characters"),
    ({"city": LONG}, "Address.City must have at most 255 characters"),
    ({"email": "a@" + LONG}, "field email maps to _profile.EmailAddress, which cannot hold "
                             "its value: EmailAddress must have at most 255 characters"),
    ({"kind": "HOUSEHOLD"}, "ProfileType must be one of"),
    ({"pid": "0" * 32}, "_profile.ProfileId is not a member of the standard profile"),
    ({"odd": "Mars"}, "_profile.Address.Planet is not a member of the standard profile"),
]  # fmt: skip
IDS = ["attribute", "name", "address", "inferred email", "enum", "profile id", "no member"]


@pytest.fixture
def people(client: Any, domain: str) -> str:
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="Person", Description="people",
        AllowProfileCreation=True, Fields=FIELDS,
        Keys={"personId": [{"StandardIdentifiers": ["UNIQUE", "PROFILE"],
                            "FieldNames": ["id"]}]},
    )  # fmt: skip
    client.put_profile_object(DomainName=domain, ObjectTypeName="Person",
                              Object=json.dumps({"id": "p-1", "tier": "gold"}))  # fmt: skip
    return "Person"


@pytest.mark.parametrize(("unfit", "says"), UNFIT, ids=IDS)
def test_put_profile_object_refuses_a_value_a_profile_cannot_hold(
    client: Any, domain: str, people: str, unfit: dict[str, str], says: str
) -> None:
    before = dump_state()
    documents = [{"id": "p-2", **unfit}]  # a profile the object would create
    if "email" not in unfit:  # (only a profile the object creates is inferred into)
        documents.append({"id": "p-1", **unfit})  # the profile it finds
    for document in documents:
        with pytest.raises(ClientError) as raised:
            client.put_profile_object(
                DomainName=domain, ObjectTypeName=people, Object=json.dumps(document)
            )
        error = raised.value.response["Error"]
        assert error["Code"] == "BadRequestException", error
        assert error["Message"].startswith("Object: field ") and says in error["Message"]
        assert dump_state() == before


def test_a_value_at_the_limit_is_written_whole(client: Any, domain: str, people: str) -> None:
    at_limit = LONG[:255]
    client.put_profile_object(DomainName=domain, ObjectTypeName=people,
                              Object=json.dumps({"id": "p-1", "tier": at_limit}))  # fmt: skip
    [found] = client.search_profiles(DomainName=domain, KeyName="personId", Values=["p-1"])["Items"]
    assert found["Attributes"] == {"tier": at_limit}


def test_a_batch_item_a_profile_cannot_hold_fails_alone(
    client: Any, domain: str, people: str
) -> None:
    answer = client.batch_put_profile_object(
        DomainName=domain, ObjectTypeName=people,
        Items=[{"Id": "1", "Object": json.dumps({"id": "p-2", "tier": LONG})},
               {"Id": "2", "Object": json.dumps({"id": "p-3", "tier": "silver"})}],
    )  # fmt: skip
    [failed] = answer["Failed"]
    assert failed["Id"] == "1" and "Attributes.tier must have at most 255" in failed["Message"]
    assert [item["Id"] for item in answer["Successful"]] == ["2"]
    assert (
        client.search_profiles(DomainName=domain, KeyName="personId", Values=["p-2"])["Items"] == []
    )


def test_an_integration_record_a_profile_cannot_hold_is_a_dead_letter(
    client: Any, domain: str, people: str, customerprofiles_mock: Any
) -> None:
    kinesis = boto3.client("kinesis", region_name="us-east-1")
    kinesis.create_stream(StreamName="people", ShardCount=1)
    for document in ({"id": "p-2", "tier": LONG}, {"id": "p-3", "tier": "silver"}):
        kinesis.put_record(StreamName="people", PartitionKey="p", Data=json.dumps(document))
    stream_arn = "arn:aws:kinesis:us-east-1:123456789012:stream/people"
    client.put_integration(DomainName=domain, ObjectTypeName=people, Uri=stream_arn)
    found = client.search_profiles(DomainName=domain, KeyName="personId", Values=["p-2", "p-3"])
    assert [p["Attributes"] for p in found["Items"]] == [{"tier": "silver"}]
    [dead] = cp_mock.dead_letter_objects(domain)
    assert json.loads(dead["Object"]) == {"id": "p-2", "tier": LONG}
    assert dead["Reason"] == "INVALID_OBJECT"
    assert "Attributes.tier must have at most 255 characters" in dead["Message"]


def test_an_upload_row_a_profile_cannot_hold_fails_alone(client: Any, domain: str) -> None:
    job_id = create_job(client, domain)
    upload(client, domain, job_id,
           f"email,first_name,city,visits\nann@example.com,Ann,{LONG},3\n"
           "bob@example.com,Bob,Oslo,1\n")  # fmt: skip
    client.start_upload_job(DomainName=domain, JobId=job_id)
    got = job(client, domain, job_id)
    assert got["Status"] == "PARTIALLY_SUCCEEDED"
    assert got["ResultsSummary"] == {"CreatedRecords": 1, "UpdatedRecords": 0,
                                     "FailedRecords": 1}  # fmt: skip
    [failure] = cp_mock.get_backend().upload_job_failures(domain, job_id)
    assert failure == (
        "row 2: Object: field city maps to _profile.Address.City, which cannot hold its "
        "value: Address.City must have at most 255 characters"
    )
    assert client.search_profiles(DomainName=domain, KeyName="_email",
                                  Values=["ann@example.com"])["Items"] == []  # fmt: skip
