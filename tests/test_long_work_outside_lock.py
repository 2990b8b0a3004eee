"""Long work builds what it hands elsewhere without the backend's lock, on copies taken
under it, so other callers are answered meanwhile and the result is the same
(docs/segments.md, "Snapshots"; docs/integrations.md)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cp_mock.models.insights import segments
from tests.test_segments import PEOPLE, bucket, groups, people, snapshot, spend_30d
from tests.test_segments_sql_bounds import answered_while_a_query_runs

__all__ = ["bucket", "people", "spend_30d"]  # fixtures used here

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
