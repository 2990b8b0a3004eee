"""Long work builds what it hands elsewhere without the backend's lock, on copies taken
under it, so other callers are answered meanwhile and the result is the same
(docs/segments.md, "Snapshots"; docs/integrations.md)."""

from __future__ import annotations

import json
import threading
from typing import Any

import boto3
import pytest

import cp_mock
from cp_mock.models.data_in import integration_sources
from cp_mock.models.insights import segments
from tests.factories import NO_RETRIES
from tests.test_handover_undo import wait_until_another_thread_waits
from tests.test_integration_ingestion import (
    BUCKET,
    STREAM_ARN,
    customers,
    kinesis,
    object_count,
    profiles_by_email,
    s3,
)
from tests.test_segments import PEOPLE, bucket, groups, people, snapshot, spend_30d
from tests.test_segments_sql_bounds import answered_while_a_query_runs

__all__ = ["bucket", "customers", "kinesis", "people", "s3", "spend_30d"]  # fixtures used here

# home ASC (Ann and Bob live there; Cid and Dee have none), then spend30 DESC (a
# calculated attribute: ann 200, dee 100, bob 80, cid none)
SORT = {"Attributes": [
    {"Name": "Attributes.home", "DataType": "STRING", "Order": "ASC"},
    {"Name": "spend30", "Type": "CALCULATED", "DataType": "NUMBER", "Order": "DESC"},
]}  # fmt: skip
SORTED = ["ann", "bob", "dee", "cid"]


def snapshot_body(client: Any, domain: str, bucket: Any, data_format: str) -> str:
    found = snapshot(client, domain, "everyone", data_format, "s3://exports/out")
    assert found["Status"] == "COMPLETED", found
    key = f"out/{found['SnapshotId']}.{data_format.lower()}"
    return str(bucket.get_object(Bucket="exports", Key=key)["Body"].read().decode())


@pytest.mark.parametrize("data_format", ["CSV", "JSONL"])
def test_a_snapshots_file_is_built_while_other_callers_are_answered(
    client: Any, domain: str, people: dict[str, str], spend_30d: None, bucket: Any,
    monkeypatch: pytest.MonkeyPatch, data_format: str,
) -> None:  # fmt: skip
    client.create_segment_definition(
        DomainName=domain, SegmentDefinitionName="everyone", DisplayName="everyone",
        SegmentGroups=groups(), SegmentSort=SORT,
    )  # fmt: skip
    bodies: list[str] = []
    builder = "_csv" if data_format == "CSV" else "_jsonl"
    answered = answered_while_a_query_runs(
        monkeypatch, domain,
        lambda: bodies.append(snapshot_body(client, domain, bucket, data_format)),
        during=(segments, builder),
    )  # fmt: skip
    assert answered == [True]
    [body] = bodies
    lines = body.splitlines()
    if data_format == "JSONL":
        assert [json.loads(line) for line in lines] == [
            {"ProfileId": people[name], **PEOPLE[name]} for name in SORTED
        ]
    else:
        assert lines[0] == (
            "ProfileId,FirstName,BirthDate,Gender,EmailAddress,GenderString,ProfileType,"
            "Address.City,BillingAddress.PostalCode,Attributes.home,Attributes.spend,"
            "Attributes.tags"
        )
        assert [line.split(",")[0] for line in lines[1:]] == [people[n] for n in SORTED]
    # the same as a snapshot taken with nobody else calling
    monkeypatch.undo()
    assert snapshot_body(client, domain, bucket, data_format) == body


def test_a_snapshot_sorted_by_a_calculated_attribute_that_is_gone_is_refused(
    client: Any, domain: str, people: dict[str, str], spend_30d: None, bucket: Any
) -> None:
    client.create_segment_definition(
        DomainName=domain, SegmentDefinitionName="sorted", DisplayName="sorted",
        SegmentGroups=groups(), SegmentSort=SORT,
    )  # fmt: skip
    client.delete_calculated_attribute_definition(DomainName=domain,
                                                  CalculatedAttributeName="spend30")  # fmt: skip
    with pytest.raises(client.exceptions.BadRequestException) as refused:
        client.create_segment_snapshot(
            DomainName=domain, SegmentDefinitionName="sorted", DataFormat="CSV",
            DestinationUri="s3://exports/x",
        )  # fmt: skip
    assert "spend30" in refused.value.response["Error"]["Message"]
    assert bucket.list_objects_v2(Bucket="exports").get("KeyCount") == 0


# -- integration sources ---------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["S3", "KINESIS"])
def test_a_source_is_read_while_other_callers_are_answered(
    client: Any, domain: str, customers: str, s3: Any, kinesis: Any,
    monkeypatch: pytest.MonkeyPatch, kind: str,
) -> None:  # fmt: skip
    record = {"id": "c-1", "email": "a@example.com", "name": "Ann"}
    if kind == "S3":
        client.put_integration(DomainName=domain, ObjectTypeName=customers, Uri=f"s3://{BUCKET}")
        s3.put_object(Bucket=BUCKET, Key="c.jsonl", Body=json.dumps(record))
        reader = "read_s3_object"
    else:
        client.put_integration(DomainName=domain, ObjectTypeName=customers, Uri=STREAM_ARN)
        kinesis.put_record(StreamName="customers", PartitionKey="p", Data=json.dumps(record))
        reader = "read_kinesis_records_after"
    found: list[dict[str, Any]] = []
    answered = answered_while_a_query_runs(
        monkeypatch, domain,
        lambda: found.extend(profiles_by_email(client, domain, "a@example.com")),
        during=(integration_sources, reader),
    )  # fmt: skip
    assert answered == [True]  # (the other call, on the same domain, does not read it again)
    [ann] = found  # ingested by the call that read it, once
    assert ann["FirstName"] == "Ann"
    assert object_count(client, domain) == 1


def five_customers_read_in_steps(
    client: Any, domain: str, customers: str, s3: Any, backend: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[threading.Event, list[int]]:  # fmt: skip
    """An S3 integration source holding five customers, read at the next call: once the
    first is ingested, the event is set and the ingestion waits until another thread waits
    for the lock. The list counts the records ingested."""
    client.put_integration(DomainName=domain, ObjectTypeName=customers, Uri=f"s3://{BUCKET}")
    rows = "".join(f"c-{n},p{n}@example.com\n" for n in range(5))
    s3.put_object(Bucket=BUCKET, Key="c.csv", Body="id,email\n" + rows)
    first_in = threading.Event()
    ingested = [0]
    ingest = integration_sources.ingest

    def counted(*args: Any, **kwargs: Any) -> Any:
        put = ingest(*args, **kwargs)
        ingested[0] += 1
        if ingested[0] == 1:
            first_in.set()
            wait_until_another_thread_waits(backend)
        return put

    monkeypatch.setattr(integration_sources, "ingest", counted)
    return first_in, ingested


def test_what_a_source_held_is_ingested_a_record_at_a_time(
    client: Any, domain: str, customers: str, s3: Any, customerprofiles_backend: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    first_in, ingested = five_customers_read_in_steps(
        client, domain, customers, s3, customerprofiles_backend, monkeypatch
    )
    in_when_answered: list[int] = []

    def other_caller() -> None:
        own = boto3.client("customer-profiles", region_name="us-east-1")
        first_in.wait(timeout=30)
        with customerprofiles_backend.lock:  # (counted while no record can be ingested)
            own.list_domains()
            in_when_answered.append(ingested[0])

    other = threading.Thread(target=other_caller)
    other.start()
    assert object_count(client, domain) == 5
    other.join(timeout=30)
    [rows_in] = in_when_answered
    assert 1 <= rows_in < 5


def test_what_was_read_of_a_source_deleted_meanwhile_is_not_ingested(
    client: Any, domain: str, customers: str, s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    uri = f"s3://{BUCKET}"
    client.put_integration(DomainName=domain, ObjectTypeName=customers, Uri=uri)
    s3.put_object(Bucket=BUCKET, Key="c.csv", Body="id,email\nc-1,a@example.com\n")
    read = integration_sources.read_s3_object
    deleted: list[bool] = []

    def read_while_deleted(*args: Any) -> Any:
        def delete() -> None:
            own = boto3.client("customer-profiles", region_name="us-east-1")
            own.delete_integration(DomainName=domain, Uri=uri)

        deleting = threading.Thread(target=delete)
        deleting.start()
        deleting.join(timeout=5)  # (where the read holds the lock, it cannot end meanwhile)
        deleted.append(not deleting.is_alive())
        return read(*args)

    monkeypatch.setattr(integration_sources, "read_s3_object", read_while_deleted)
    assert object_count(client, domain) == 0
    assert deleted == [True]
    assert client.list_integrations(DomainName=domain)["Items"] == []
    assert cp_mock.dead_letter_objects(domain) == []


def test_a_call_refused_after_its_tick_let_others_in_keeps_the_records_before(
    client: Any, domain: str, customers: str, s3: Any, customerprofiles_backend: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """The first record is in when another caller is let in; the call is then refused,
    undoing the rest; the file is read again at the next call, and each record is in."""
    first_in, ingested = five_customers_read_in_steps(
        client, domain, customers, s3, customerprofiles_backend, monkeypatch
    )

    def other_caller() -> None:
        own = boto3.client("customer-profiles", region_name="us-east-1")
        first_in.wait(timeout=30)
        own.list_domains()

    other = threading.Thread(target=other_caller)
    other.start()
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_profile_object_type(DomainName=domain, ObjectTypeName="Nothing")
    other.join(timeout=30)
    assert ingested[0] == 5
    state = customerprofiles_backend.domains[domain]
    assert len(state.profiles) == 1  # the record in before the other caller was let in
    assert state.data_in.integration_sources[f"s3://{BUCKET}"].etags == {}  # not read whole
    assert object_count(client, domain) == 5  # read again
    assert [p["EmailAddress"] for n in range(5)
            for p in profiles_by_email(client, domain, f"p{n}@example.com")] == [
        f"p{n}@example.com" for n in range(5)
    ]  # fmt: skip
    assert cp_mock.dead_letter_objects(domain) == []


def test_a_snapshot_sorts_dates_with_and_without_a_zone_together(
    client: Any, domain: str, bucket: Any
) -> None:
    """A DATE without a zone is read as UTC (docs/segments.md, "Snapshots"): it sorts
    among those with one, rather than failing the call."""
    since = ["2020-01-01", "2019-06-01T00:00:00Z", "2021-03-04T05:06:07+02:00", "not a date"]
    ids = [client.create_profile(DomainName=domain, FirstName=f"P{n}",
                                 Attributes={"since": value})["ProfileId"]
           for n, value in enumerate(since)]  # fmt: skip
    client.create_segment_definition(
        DomainName=domain, SegmentDefinitionName="everyone", DisplayName="everyone",
        SegmentGroups=groups(), SegmentSort={"Attributes": [
            {"Name": "Attributes.since", "DataType": "DATE", "Order": "ASC"}]},
    )  # fmt: skip
    once = boto3.client("customer-profiles", region_name="us-east-1", config=NO_RETRIES)
    body = snapshot_body(once, domain, bucket, "CSV")
    assert [line.split(",")[0] for line in body.splitlines()[1:]] == [ids[1], ids[0], ids[2],
                                                                      ids[3]]  # fmt: skip


def test_a_snapshot_refused_after_its_file_is_built_keeps_what_others_did_meanwhile(
    client: Any, domain: str, bucket: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the file is built, without the lock, another caller deletes the segment and
    defines another; the snapshot is then refused (its segment is gone), and the refusal
    puts back nothing of what that caller did (docs/usage.md, "A call happens whole or not
    at all")."""
    client.create_profile(DomainName=domain, FirstName="Ann")
    client.create_segment_definition(DomainName=domain, SegmentDefinitionName="everyone",
                                     DisplayName="everyone", SegmentGroups=groups())  # fmt: skip
    build = segments._csv
    other_done: list[bool] = []

    def built_while_another_caller_writes(members: Any) -> str:
        def other_caller() -> None:
            own = boto3.client("customer-profiles", region_name="us-east-1")
            own.delete_segment_definition(DomainName=domain, SegmentDefinitionName="everyone")
            own.create_segment_definition(DomainName=domain, SegmentDefinitionName="other",
                                          DisplayName="other", SegmentGroups=groups())  # fmt: skip

        other = threading.Thread(target=other_caller)
        other.start()
        other.join(timeout=5)  # (where the file is built holding the lock, it cannot end)
        other_done.append(not other.is_alive())
        return build(members)

    monkeypatch.setattr(segments, "_csv", built_while_another_caller_writes)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.create_segment_snapshot(
            DomainName=domain, SegmentDefinitionName="everyone", DataFormat="CSV",
            DestinationUri="s3://exports/x",
        )  # fmt: skip
    assert other_done == [True]
    listed = client.list_segment_definitions(DomainName=domain)["Items"]
    assert [d["SegmentDefinitionName"] for d in listed] == ["other"]
