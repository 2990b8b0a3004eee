"""Integrations whose source is a service moto mocks move data (docs/integrations.md).

The S3 source through a FlowDefinition is documented: admin guide, "Example:
Programmatically integrate Amazon S3 with Amazon Connect Customer Profiles"
(https://docs.aws.amazon.com/connect/latest/adminguide/customerprofiles-s3-integration.html).
An S3 Uri is inferred from the model's Uri ("The URI of the S3 bucket or any other type of
data source"); a Kinesis Uri is an inference AWS does not document. Each record is put as
PutProfileObject puts an object; one it would refuse goes to the dead-letter queue alone.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import boto3
import pytest

import cp_mock
from tests.test_dead_letter_queue import define_orders

REGION = "us-east-1"
ACCOUNT = "123456789012"
BUCKET = "customer-data"
STREAM_ARN = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/customers"
FLOW_ARN = f"arn:aws:appflow:{REGION}:{ACCOUNT}:flow/s3-customers"
DOC = Path(__file__).resolve().parent.parent / "docs" / "integrations.md"


def s3_flow(prefix: str = "", tasks: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A FlowDefinition as the admin guide's S3 example writes it."""
    return {
        "FlowName": "s3-customers", "KmsArn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/k",
        "Description": "Created by Customer Profiles",
        "TriggerConfig": {"TriggerType": "Scheduled", "TriggerProperties": {"Scheduled": {
            "ScheduleExpression": "rate(15minutes)", "DataPullMode": "Incremental",
            "ScheduleStartTime": 1634244800.435, "FirstExecutionFrom": 1594166400}}},
        "SourceFlowConfig": {"ConnectorType": "S3", "SourceConnectorProperties": {
            "S3": {"BucketName": BUCKET, "BucketPrefix": prefix}}},
        "Tasks": tasks or [],
    }  # fmt: skip


def projection(*columns: str) -> dict[str, Any]:
    return {"TaskType": "Filter", "SourceFields": list(columns),
            "ConnectorOperator": {"S3": "PROJECTION"}}  # fmt: skip


def map_task(column: str, destination: str) -> dict[str, Any]:
    return {"TaskType": "Map", "SourceFields": [column], "DestinationField": destination,
            "ConnectorOperator": {"S3": "NO_OP"}, "TaskProperties": {}}  # fmt: skip


@pytest.fixture
def s3(customerprofiles_mock: Any) -> Any:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=BUCKET)
    return s3


@pytest.fixture
def kinesis(customerprofiles_mock: Any) -> Any:
    kinesis = boto3.client("kinesis", region_name=REGION)
    kinesis.create_stream(StreamName="customers", ShardCount=1)
    return kinesis


@pytest.fixture
def customers(client: Any, domain: str) -> str:
    """An object type keyed on a customer id, whose e-mail finds and makes profiles."""
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="Customer", Description="customers",
        AllowProfileCreation=True,
        Fields={"id": {"Source": "_source.id", "Target": "_profile.AccountNumber"},
                "email": {"Source": "_source.email", "Target": "_profile.EmailAddress",
                          "ContentType": "EMAIL_ADDRESS"},
                "name": {"Source": "_source.name", "Target": "_profile.FirstName"}},
        Keys={"customerId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
              "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}]},
    )  # fmt: skip
    return "Customer"


def profiles_by_email(client: Any, domain: str, email: str) -> list[dict[str, Any]]:
    found = client.search_profiles(DomainName=domain, KeyName="_email", Values=[email])
    return list(found["Items"])


def objects_of(client: Any, domain: str, profile_id: str) -> list[dict[str, Any]]:
    listed = client.list_profile_objects(
        DomainName=domain, ObjectTypeName="Customer", ProfileId=profile_id
    )
    return [json.loads(item["Object"]) for item in listed["Items"]]


def object_count(client: Any, domain: str) -> int:
    return int(client.get_domain(DomainName=domain)["Stats"]["ObjectCount"])


def test_s3_flow_definition_csv_with_filter_and_map_tasks(
    client: Any, domain: str, customers: str, s3: Any
) -> None:
    # the guide's example: a Filter (PROJECTION) of the columns, a Map (NO_OP) for each
    tasks = [projection("cust_id", "mail", "first"), map_task("cust_id", "id"),
             map_task("mail", "email"), map_task("first", "name")]  # fmt: skip
    put = client.put_integration(DomainName=domain, ObjectTypeName=customers,
                                 FlowDefinition=s3_flow(tasks=tasks))  # fmt: skip
    assert put["Uri"] == FLOW_ARN
    s3.put_object(Bucket=BUCKET, Key="customers.csv", Body=(
        "cust_id,mail,first,secret\n"
        "c-1,ana@example.com,Ana,s1\n"
        "c-2,bo@example.com,Bo,s2\n"
    ))  # fmt: skip
    [ana] = profiles_by_email(client, domain, "ana@example.com")
    assert (ana["FirstName"], ana["AccountNumber"]) == ("Ana", "c-1")
    # renamed by the Map tasks; the column no task projects is not written
    assert objects_of(client, domain, ana["ProfileId"]) == [
        {"id": "c-1", "email": "ana@example.com", "name": "Ana"}
    ]
    assert len(profiles_by_email(client, domain, "bo@example.com")) == 1


def test_without_map_tasks_a_projection_keeps_the_listed_fields_as_named(
    client: Any, domain: str, customers: str, s3: Any
) -> None:
    client.put_integration(DomainName=domain, ObjectTypeName=customers,
                           FlowDefinition=s3_flow(tasks=[projection("id", "email")]))  # fmt: skip
    s3.put_object(Bucket=BUCKET, Key="c.csv", Body="id,email,name\nc-1,ana@example.com,Ana\n")
    [ana] = profiles_by_email(client, domain, "ana@example.com")
    assert objects_of(client, domain, ana["ProfileId"]) == [
        {"id": "c-1", "email": "ana@example.com"}
    ]
    assert "FirstName" not in ana


def test_s3_uri_json_lines_fields_unchanged(
    client: Any, domain: str, customers: str, s3: Any
) -> None:
    client.put_integration(DomainName=domain, ObjectTypeName=customers, Uri=f"s3://{BUCKET}")
    lines = [{"id": "c-1", "email": "ana@example.com", "name": "Ana", "tier": {"level": 2}},
             {"id": "c-2", "email": "bo@example.com", "name": "Bo"}]  # fmt: skip
    s3.put_object(Bucket=BUCKET, Key="batch-1", Body="\n".join(map(json.dumps, lines)) + "\n")
    [ana] = profiles_by_email(client, domain, "ana@example.com")
    assert objects_of(client, domain, ana["ProfileId"]) == [lines[0]]  # typed, nested, as sent
    assert object_count(client, domain) == 2


def test_a_json_file_is_json_lines_whatever_its_first_line(
    client: Any, domain: str, customers: str, s3: Any
) -> None:
    client.put_integration(DomainName=domain, ObjectTypeName=customers, Uri=f"s3://{BUCKET}")
    body = '["not", "an object"]\n{"id": "c-1", "email": "ana@example.com"}\n'
    s3.put_object(Bucket=BUCKET, Key="export.json", Body=body)
    assert len(profiles_by_email(client, domain, "ana@example.com")) == 1
    [failed] = cp_mock.dead_letter_objects(domain)
    assert failed["Source"] == f"s3://{BUCKET}/export.json, line 1"


def test_s3_arn_uri_respects_its_prefix(client: Any, domain: str, customers: str, s3: Any) -> None:
    client.put_integration(DomainName=domain, ObjectTypeName=customers,
                           Uri=f"arn:aws:s3:::{BUCKET}/incoming/")  # fmt: skip
    s3.put_object(Bucket=BUCKET, Key="elsewhere/c.csv", Body="id,email\nc-9,no@example.com\n")
    s3.put_object(Bucket=BUCKET, Key="incoming/c.csv", Body="id,email\nc-1,ana@example.com\n")
    assert len(profiles_by_email(client, domain, "ana@example.com")) == 1
    assert profiles_by_email(client, domain, "no@example.com") == []


def test_flow_definition_prefix_is_respected(
    client: Any, domain: str, customers: str, s3: Any
) -> None:
    client.put_integration(DomainName=domain, ObjectTypeName=customers,
                           FlowDefinition=s3_flow(prefix="in/"))  # fmt: skip
    s3.put_object(Bucket=BUCKET, Key="out/c.csv", Body="id,email\nc-9,no@example.com\n")
    s3.put_object(Bucket=BUCKET, Key="in/c.csv", Body="id,email\nc-1,ana@example.com\n")
    assert object_count(client, domain) == 1


def test_files_already_there_are_ingested_once_however_many_calls(
    client: Any, domain: str, customers: str, s3: Any
) -> None:
    s3.put_object(Bucket=BUCKET, Key="c.csv", Body="id,email\nc-1,ana@example.com\n")
    client.put_integration(DomainName=domain, ObjectTypeName=customers, Uri=f"s3://{BUCKET}")
    for _ in range(5):
        assert object_count(client, domain) == 1
    [ana] = profiles_by_email(client, domain, "ana@example.com")
    history = client.list_profile_history_records(DomainName=domain, ProfileId=ana["ProfileId"])
    assert sorted(r["ActionType"] for r in history["ProfileHistoryRecords"]) == [
        "CREATED", "INGESTED"
    ]  # fmt: skip


def test_a_changed_file_is_ingested_again_updating_by_unique_key(
    client: Any, domain: str, customers: str, s3: Any
) -> None:
    client.put_integration(DomainName=domain, ObjectTypeName=customers, Uri=f"s3://{BUCKET}")
    s3.put_object(Bucket=BUCKET, Key="c.csv", Body="id,email,name\nc-1,ana@example.com,Ana\n")
    [ana] = profiles_by_email(client, domain, "ana@example.com")
    s3.put_object(Bucket=BUCKET, Key="c.csv", Body="id,email,name\nc-1,ana@example.com,Anna\n")
    [again] = profiles_by_email(client, domain, "ana@example.com")
    assert again["ProfileId"] == ana["ProfileId"] and again["FirstName"] == "Anna"
    assert objects_of(client, domain, ana["ProfileId"]) == [
        {"id": "c-1", "email": "ana@example.com", "name": "Anna"}
    ]  # replaced: one object per unique key


def test_a_bad_record_fails_alone_and_goes_to_the_dead_letter_queue(
    client: Any, customers: str, s3: Any
) -> None:
    sqs = boto3.client("sqs", region_name=REGION)
    queue_url = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    client.update_domain(DomainName="test-domain", DeadLetterQueueUrl=queue_url)
    client.put_integration(DomainName="test-domain", ObjectTypeName=customers,
                           Uri=f"s3://{BUCKET}")  # fmt: skip
    s3.put_object(Bucket=BUCKET, Key="c.jsonl", Body=(
        '{"id": "c-1", "email": "ana@example.com"}\n'
        '{"id": "c-2", "email": \n'  # not JSON
        '{"email": "nokey@example.com"}\n'  # no UNIQUE key
        '{"id": "c-3", "email": "cy@example.com"}\n'
    ))  # fmt: skip
    # the caller's own operation succeeds, and the good records are in
    assert object_count(client, "test-domain") == 2
    messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
    sent = sorted((json.loads(m["Body"]) for m in messages), key=lambda m: m["Source"])
    assert [(m["Reason"], m["Source"], m["ProfileObjectUniqueKey"]) for m in sent] == [
        ("INVALID_OBJECT", f"s3://{BUCKET}/c.jsonl, line 2", None),
        ("INVALID_OBJECT", f"s3://{BUCKET}/c.jsonl, line 3", None),
    ]
    assert "not valid JSON" in sent[0]["Message"] and "UNIQUE" in sent[1]["Message"]
    assert sent[1]["Object"] == '{"email": "nokey@example.com"}'
    assert [d["Sent"] for d in cp_mock.dead_letter_objects("test-domain")] == [True, True]


def test_without_a_dead_letter_queue_failures_stay_readable(
    client: Any, domain: str, customers: str, s3: Any
) -> None:
    client.put_integration(DomainName=domain, ObjectTypeName=customers, Uri=f"s3://{BUCKET}")
    s3.put_object(Bucket=BUCKET, Key="c.csv", Body="id,email\nc-1,ana@example.com,extra\nc-2,b@x\n")
    assert object_count(client, domain) == 1
    [failed] = cp_mock.dead_letter_objects(domain)
    assert (failed["Sent"], failed["DeadLetterQueueUrl"]) == (False, None)
    assert failed["Source"] == f"s3://{BUCKET}/c.csv, line 2"
    assert "3 values for 2 columns" in failed["Message"]


def test_a_csv_field_over_the_limit_fails_its_row_and_every_file_is_read(
    client: Any, domain: str, customers: str, s3: Any
) -> None:
    # Python's csv reads fields of up to 128 KB (csv.field_size_limit)
    client.put_integration(DomainName=domain, ObjectTypeName=customers, Uri=f"s3://{BUCKET}")
    s3.put_object(Bucket=BUCKET, Key="a.csv", Body=(
        "id,email,name\n"
        "c-1,ana@example.com,Ana\n"
        f"c-2,bo@example.com,{'B' * 140_000}\n"
        "c-3,cy@example.com,Cy\n"
    ))  # fmt: skip
    s3.put_object(Bucket=BUCKET, Key="b.csv", Body="id,email\nc-4,dee@example.com\n")
    s3.put_object(Bucket=BUCKET, Key="c.csv", Body=f"id,{'e' * 140_000}\nc-5,x\n")
    assert object_count(client, domain) == 3  # c-1, c-3 and c-4
    assert object_count(client, domain) == 3  # and the next call is answered too
    failed = cp_mock.dead_letter_objects(domain)
    assert [(f["Source"], f["Reason"]) for f in failed] == [
        (f"s3://{BUCKET}/a.csv, line 3", "INVALID_OBJECT"),
        (f"s3://{BUCKET}/c.csv, line 1", "INVALID_OBJECT"),
    ]
    assert all("field larger than field limit" in f["Message"] for f in failed)
    assert "header" in failed[1]["Message"]
    assert profiles_by_email(client, domain, "bo@example.com") == []


def test_a_csv_header_with_a_dot_fails_the_files_rows(
    client: Any, domain: str, customers: str, s3: Any
) -> None:
    # admin guide, "Create and ingest customer data into Customer Profiles": "Customer
    # Profiles does not support ingesting data from CSV headers that contain dot notation"
    client.put_integration(DomainName=domain, ObjectTypeName=customers, Uri=f"s3://{BUCKET}")
    s3.put_object(Bucket=BUCKET, Key="dotted.csv",
                  Body="id,contact.email\nc-1,a@example.com\nc-2,b@example.com\n")  # fmt: skip
    s3.put_object(Bucket=BUCKET, Key="plain.csv", Body="id,email\nc-3,c@example.com\n")
    assert object_count(client, domain) == 1  # the other file is not held back
    failed = cp_mock.dead_letter_objects(domain)
    assert [f["Source"] for f in failed] == [
        f"s3://{BUCKET}/dotted.csv, line 2", f"s3://{BUCKET}/dotted.csv, line 3"
    ]  # fmt: skip
    assert all("dot notation (contact.email)" in f["Message"] for f in failed)


def test_unmatched_records_are_dead_lettered_as_put_profile_object_does(
    client: Any, domain: str, s3: Any
) -> None:
    define_orders(client, domain)
    client.create_profile(DomainName=domain, EmailAddress="ana@example.com")
    client.put_integration(DomainName=domain, ObjectTypeName="Order", Uri=f"s3://{BUCKET}")
    s3.put_object(Bucket=BUCKET, Key="o.csv",
                  Body="id,email\no-1,ANA@example.com\no-2,stranger@example.com\n")  # fmt: skip
    [ana] = profiles_by_email(client, domain, "ana@example.com")
    listed = client.list_profile_objects(DomainName=domain, ObjectTypeName="Order",
                                         ProfileId=ana["ProfileId"])["Items"]  # fmt: skip
    assert [json.loads(i["Object"])["id"] for i in listed] == ["o-1"]
    [unmatched] = cp_mock.dead_letter_objects(domain)
    assert unmatched["Reason"] == "NO_MATCHING_PROFILE"
    assert unmatched["Source"] == f"s3://{BUCKET}/o.csv, line 3"
    assert unmatched["ProfileObjectUniqueKey"]  # what PutProfileObject would have answered


def test_mapping_keys_match_existing_profiles_as_put_profile_object_does(
    client: Any, domain: str, customers: str, s3: Any
) -> None:
    made = client.create_profile(DomainName=domain, EmailAddress="ana@example.com",
                                 FirstName="Ana (by hand)")  # fmt: skip
    client.put_integration(DomainName=domain, ObjectTypeName=customers, Uri=f"s3://{BUCKET}")
    s3.put_object(
        Bucket=BUCKET,
        Key="c.csv",
        Body="id,email,name\nc-1,Ana@Example.com,Ana\nc-2,new@example.com,Nu\n",
    )
    [ana] = profiles_by_email(client, domain, "ana@example.com")
    assert ana["ProfileId"] == made["ProfileId"]
    assert ana["FirstName"] == "Ana (by hand)"  # a field set through the API is kept
    assert ana["AccountNumber"] == "c-1"
    [new] = profiles_by_email(client, domain, "new@example.com")  # an inferred profile
    assert new["FirstName"] == "Nu"


def test_a_record_longer_than_put_profile_object_takes_fails_alone(
    client: Any, domain: str, customers: str, kinesis: Any
) -> None:
    client.put_integration(DomainName=domain, ObjectTypeName=customers, Uri=STREAM_ARN)
    long = json.dumps({"id": "c-1", "email": "a@example.com", "note": "x" * 256_000})
    kinesis.put_record(StreamName="customers", PartitionKey="p", Data=long)
    kinesis.put_record(StreamName="customers", PartitionKey="p",
                       Data=json.dumps({"id": "c-2", "email": "b@example.com"}))  # fmt: skip
    assert object_count(client, domain) == 1
    [failed] = cp_mock.dead_letter_objects(domain)
    assert failed["Message"] == "Object must have at most 256000 characters"  # the API's check


def test_kinesis_stream_records_are_ingested_in_order(
    client: Any, domain: str, customers: str, kinesis: Any
) -> None:
    # an inference: AWS documents no Kinesis source for PutIntegration
    kinesis.put_record(
        StreamName="customers",
        PartitionKey="p",
        Data=json.dumps({"id": "c-1", "email": "a@example.com", "name": "First"}),
    )
    client.put_integration(DomainName=domain, ObjectTypeName=customers, Uri=STREAM_ARN)
    for name in ("Second", "Third"):  # later records of one unique key replace earlier ones
        kinesis.put_record(
            StreamName="customers",
            PartitionKey="p",
            Data=json.dumps({"id": "c-1", "email": "a@example.com", "name": name}),
        )
    kinesis.put_record(StreamName="customers", PartitionKey="p", Data=b"not json")
    [profile] = profiles_by_email(client, domain, "a@example.com")  # from TRIM_HORIZON
    assert profile["FirstName"] == "Third"
    assert objects_of(client, domain, profile["ProfileId"]) == [
        {"id": "c-1", "email": "a@example.com", "name": "Third"}
    ]
    history = client.list_profile_history_records(
        DomainName=domain, ProfileId=profile["ProfileId"]
    )["ProfileHistoryRecords"]
    assert sum(r["ActionType"] == "INGESTED" for r in history) == 3  # each record once
    [bad] = cp_mock.dead_letter_objects(domain)
    assert bad["Source"] == f"{STREAM_ARN}, shardId-000000000000, sequence number 4"
    assert bad["Object"] == "not json" and bad["Reason"] == "INVALID_OBJECT"


def test_after_delete_integration_nothing_more_is_ingested(
    client: Any, domain: str, customers: str, s3: Any, kinesis: Any
) -> None:
    client.put_integration(DomainName=domain, ObjectTypeName=customers, Uri=f"s3://{BUCKET}")
    client.put_integration(DomainName=domain, ObjectTypeName=customers, Uri=STREAM_ARN)
    s3.put_object(Bucket=BUCKET, Key="c.csv", Body="id,email\nc-1,a@example.com\n")
    assert object_count(client, domain) == 1
    client.delete_integration(DomainName=domain, Uri=f"s3://{BUCKET}")
    client.delete_integration(DomainName=domain, Uri=STREAM_ARN)
    s3.put_object(Bucket=BUCKET, Key="d.csv", Body="id,email\nc-2,b@example.com\n")
    kinesis.put_record(StreamName="customers", PartitionKey="p",
                       Data=json.dumps({"id": "c-3", "email": "c@example.com"}))  # fmt: skip
    assert object_count(client, domain) == 1
    assert cp_mock.dead_letter_objects(domain) == []


def test_integrations_that_keep_configuration_only(
    client: Any, domain: str, customers: str, s3: Any
) -> None:
    s3.put_object(Bucket=BUCKET, Key="c.csv", Body="id,email\nc-1,a@example.com\n")
    # ObjectTypeNames (Segment, Shopify events) name several types: no data moves
    client.put_integration(DomainName=domain, Uri=f"s3://{BUCKET}",
                           ObjectTypeNames={"identify": customers})  # fmt: skip
    # a stream of another account, and a source moto does not run (Salesforce via AppFlow)
    client.put_integration(
        DomainName=domain,
        ObjectTypeName=customers,
        Uri=f"arn:aws:kinesis:{REGION}:999999999999:stream/customers",
    )
    assert object_count(client, domain) == 0
    assert client.list_integrations(DomainName=domain)["Items"]


def test_a_missing_bucket_or_stream_is_nothing_to_read(
    client: Any, domain: str, customers: str, customerprofiles_mock: Any
) -> None:
    client.put_integration(DomainName=domain, ObjectTypeName=customers, Uri="s3://no-bucket")
    client.put_integration(DomainName=domain, ObjectTypeName=customers, Uri=STREAM_ARN)
    assert object_count(client, domain) == 0
    # made later, they are read from then on
    boto3.client("s3", region_name=REGION).create_bucket(Bucket="no-bucket")
    boto3.client("s3", region_name=REGION).put_object(
        Bucket="no-bucket", Key="c.csv", Body="id,email\nc-1,a@example.com\n"
    )
    assert object_count(client, domain) == 1


def test_deleting_the_object_type_or_the_domain_stops_the_source(
    client: Any, domain: str, customers: str, s3: Any
) -> None:
    client.put_integration(DomainName=domain, ObjectTypeName=customers, Uri=f"s3://{BUCKET}")
    s3.put_object(Bucket=BUCKET, Key="c.csv", Body="id,email\nc-1,a@example.com\n")
    assert object_count(client, domain) == 1
    client.delete_profile_object_type(DomainName=domain, ObjectTypeName=customers)
    s3.put_object(Bucket=BUCKET, Key="d.csv", Body="id,email\nc-2,b@example.com\n")
    assert object_count(client, domain) == 0  # the integration names no type: nothing is read
    assert cp_mock.dead_letter_objects(domain) == []
    client.delete_domain(DomainName=domain)
    client.create_domain(DomainName=domain, DefaultExpirationDays=30)
    s3.put_object(Bucket=BUCKET, Key="e.csv", Body="id,email\nc-3,c@example.com\n")
    assert object_count(client, domain) == 0
    assert client.list_integrations(DomainName=domain, IncludeHidden=True)["Items"] == []


def test_what_was_read_survives_a_dump_and_load(
    client: Any, domain: str, customers: str, s3: Any
) -> None:
    client.put_integration(DomainName=domain, ObjectTypeName=customers, Uri=f"s3://{BUCKET}")
    s3.put_object(Bucket=BUCKET, Key="c.csv", Body="id,email\nc-1,a@example.com\n")
    assert object_count(client, domain) == 1
    cp_mock.load_state(json.loads(json.dumps(cp_mock.dump_state())))
    s3.put_object(Bucket=BUCKET, Key="d.csv", Body="id,email\nc-2,b@example.com\n")
    assert object_count(client, domain) == 2
    [record] = client.list_profile_history_records(
        DomainName=domain,
        ProfileId=profiles_by_email(client, domain, "a@example.com")[0]["ProfileId"],
        ActionType="INGESTED",
    )["ProfileHistoryRecords"]  # c.csv was not read again after the load
    assert record["ObjectTypeName"] == customers


def test_the_example_of_the_integrations_page_runs_as_written() -> None:
    [example] = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
    namespace: dict[str, Any] = {}
    exec(compile(example, str(DOC), "exec"), namespace)
    namespace["test_a_csv_in_s3_becomes_profiles"]()
