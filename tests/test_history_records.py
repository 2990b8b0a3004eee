"""What a history record says (API_ListProfileHistoryRecords, API_GetProfileHistoryRecord)
is what the call that made it did, however the record is kept: its moment to the
microsecond, who performed it, its object type and unique key."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from freezegun import freeze_time

import cp_mock
from tests.factories import ORDER_FIELDS

MOMENT = datetime(2031, 5, 6, 7, 8, 9, 123457, tzinfo=timezone.utc)
# the e-mail finds the profile by its standard key, so the object is attached to Ann
KEYS = {
    "id": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
    "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}],
}
ROOT = "arn:aws:iam::123456789012:root"


def records(client: Any, profile_id: str, **filters: str) -> list[dict[str, Any]]:
    return list(
        client.list_profile_history_records(DomainName="d", ProfileId=profile_id, **filters)[
            "ProfileHistoryRecords"
        ]
    )


def test_each_record_says_when_and_by_whom_and_about_what(client: Any) -> None:
    client.create_domain(DomainName="d", DefaultExpirationDays=3)
    client.put_profile_object_type(
        DomainName="d", ObjectTypeName="Order", Description="orders",
        Fields=ORDER_FIELDS, Keys=KEYS,
    )  # fmt: skip
    with freeze_time(MOMENT):
        ann = client.create_profile(DomainName="d", FirstName="Ann", EmailAddress="a@x.org")[
            "ProfileId"
        ]
        client.put_profile_object(
            DomainName="d", ObjectTypeName="Order",
            Object=json.dumps({"id": "o-1", "email": "a@x.org", "amount": "1.5"}),
        )  # fmt: skip
    listed = records(client, ann)
    assert [(r["ActionType"], r["ObjectTypeName"]) for r in listed] == [
        ("INGESTED", "Order"), ("CREATED", "_profile"),
    ]  # fmt: skip
    for record in listed:
        assert record["CreatedAt"] == MOMENT.replace(microsecond=123000)  # (milliseconds)
        assert record["LastUpdatedAt"] == record["CreatedAt"]
        assert record["PerformedBy"] == ROOT
    assert "ProfileObjectUniqueKey" in listed[0] and "ProfileObjectUniqueKey" not in listed[1]
    assert records(client, ann, PerformedBy=ROOT) == listed
    assert records(client, ann, PerformedBy="arn:aws:iam::123456789012:user/someone") == []
    created = client.get_profile_history_record(DomainName="d", ProfileId=ann, Id=listed[1]["Id"])
    assert json.loads(created["Content"]) == {
        "ProfileId": ann, "FirstName": "Ann", "EmailAddress": "a@x.org",
    }  # fmt: skip
    dumped = cp_mock.dump_state()
    [history] = dumped["Backends"][0]["Domains"][0]["ProfileHistory"]
    assert [r["CreatedAt"] for r in history["Records"]] == [MOMENT.isoformat()] * 2
    cp_mock.load_state(dumped)
    assert records(client, ann) == listed
    assert cp_mock.dump_state() == dumped


def test_a_state_files_record_by_someone_else_says_so(client: Any) -> None:
    client.create_domain(DomainName="d", DefaultExpirationDays=3)
    ann = client.create_profile(DomainName="d", FirstName="Ann")["ProfileId"]
    client.update_profile(DomainName="d", ProfileId=ann, LastName="Lee")
    someone = "arn:aws:iam::123456789012:user/someone"
    state = cp_mock.dump_state()
    [history] = state["Backends"][0]["Domains"][0]["ProfileHistory"]
    history["Records"][-1]["PerformedBy"] = someone  # the oldest: CREATED
    cp_mock.load_state(state)
    listed = records(client, ann)
    assert [(r["ActionType"], r["PerformedBy"]) for r in listed] == [
        ("UPDATED", ROOT), ("CREATED", someone),
    ]  # fmt: skip
    assert [r["ActionType"] for r in records(client, ann, PerformedBy=someone)] == ["CREATED"]
    assert cp_mock.dump_state() == state
