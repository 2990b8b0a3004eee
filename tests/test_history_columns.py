"""How a domain's history records are kept (models/profiles/history_records.py): in columns,
a record being its position. What a record says, what a dump writes and what an undone
call leaves are as they would be for records kept one by one, whatever numbering, offset
or performer a state file gives them."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import pytest
from freezegun import freeze_time

import cp_mock
from tests import refusals
from tests.consistency import derived_state
from tests.factories import orders_domain_once

SOMEONE = "arn:aws:iam::123456789012:user/someone"


@pytest.fixture
def once(customerprofiles_mock: Any) -> Any:
    """A client that makes one attempt: a refused call is not tried again."""
    return orders_domain_once("d")


def history() -> Any:
    return cp_mock.get_backend().domains["d"].history


def records(client: Any, profile_id: str) -> list[dict[str, Any]]:
    listed = client.list_profile_history_records(DomainName="d", ProfileId=profile_id)
    return list(listed["ProfileHistoryRecords"])


def everything() -> tuple[str, Any]:
    kept = history()
    aside = (dict(kept.numbers), dict(kept.dated), dict(kept.performers))
    return json.dumps(cp_mock.dump_state()), (derived_state(cp_mock.get_backend()), aside)


def refused() -> Any:
    """The call inside does all it does, its answer cannot be written, and it leaves the
    state and the columns' length as they were."""
    return refusals.refused(lambda: (everything(), len(history())))


def put(client: Any, order_id: str, email: str) -> Any:
    body = json.dumps({"id": order_id, "email": email})
    return client.put_profile_object(DomainName="d", ObjectTypeName="Order", Object=body)


def odd_state(client: Any) -> tuple[dict[str, Any], list[str], str]:
    """A state whose records are numbered out of order and far apart, one of them at a
    moment POSIX seconds do not give back exactly (past 2242) and one performed by someone
    else; the records' ids, and Ann's."""
    ann = client.create_profile(DomainName="d", FirstName="Ann")["ProfileId"]
    client.update_profile(DomainName="d", ProfileId=ann, LastName="Lee")
    bob = client.create_profile(DomainName="d", FirstName="Bob")["ProfileId"]
    state = cp_mock.dump_state()
    histories = state["Backends"][0]["Domains"][0]["ProfileHistory"]
    ids = [
        "e" + "0" * 31,
        "0" * 31 + "7",
        "0" * 16 + "1" + "0" * 15,
    ]  # (Ann's newest, oldest; Bob's)
    (newest, oldest), (bobs,) = histories[0]["Records"], histories[1]["Records"]
    for record, record_id in zip((newest, oldest, bobs), ids, strict=True):
        record["Id"] = record_id
    newest["CreatedAt"] = "2250-01-02T03:04:05.678901+00:00"
    oldest["PerformedBy"] = SOMEONE
    assert histories[1]["ProfileId"] == bob
    return state, ids, ann


def test_a_state_files_own_numbering_moments_and_performers_load_and_dump_as_given(
    once: Any,
) -> None:
    state, ids, ann = odd_state(once)
    cp_mock.load_state(state)
    assert cp_mock.dump_state() == state
    listed = records(once, ann)
    assert [r["Id"] for r in listed] == ids[:2]
    assert [r["PerformedBy"] for r in listed] == ["arn:aws:iam::123456789012:root", SOMEONE]
    got = once.get_profile_history_record(DomainName="d", ProfileId=ann, Id=ids[0])
    assert got["CreatedAt"].year == 2250  # (the wire's milliseconds: the dump has it whole)
    # the next record made is numbered one past the file's highest
    once.update_profile(DomainName="d", ProfileId=ann, LastName="Lea")
    assert records(once, ann)[0]["Id"] == "e" + "0" * 30 + "1"


def test_records_the_calls_numbered_keep_nothing_aside_after_a_load(once: Any) -> None:
    # Profiles' records interleave in the counter's order; loaded back, they are kept in
    # that order again, so each record's number is its position's and none is kept aside.
    ann = once.create_profile(DomainName="d", FirstName="Ann")["ProfileId"]
    bob = once.create_profile(DomainName="d", FirstName="Bob")["ProfileId"]
    for n in range(3):
        once.update_profile(DomainName="d", ProfileId=ann, LastName=f"Lee{n}")
        once.update_profile(DomainName="d", ProfileId=bob, LastName=f"Lee{n}")
        put(once, f"o-{n}", "ann@example.com")
    once.merge_profiles(DomainName="d", MainProfileId=ann, ProfileIdsToBeMerged=[bob])
    listed = records(once, ann)
    dumped = cp_mock.dump_state()
    cp_mock.load_state(dumped)
    kept = history()
    assert (kept.numbers, kept.dated, kept.performers) == ({}, {}, {})
    assert len(kept) == int(max(r["Id"] for r in listed), 16) > 10
    assert records(once, ann) == listed
    assert cp_mock.dump_state() == dumped


def test_a_refused_call_leaves_the_records_and_what_is_kept_aside_as_they_were(
    once: Any,
) -> None:
    state, _, ann = odd_state(once)
    cp_mock.load_state(state)
    with refused():
        once.update_profile(DomainName="d", ProfileId=ann, LastName="Lea")
    with refused():  # (a put that makes a profile: two records)
        put(once, "o-1", "new@example.com")
    bob = next(pid for pid in history().heads if pid != ann)
    with refused():  # (a merge: records of both profiles)
        once.merge_profiles(DomainName="d", MainProfileId=ann, ProfileIdsToBeMerged=[bob])
    # past the years POSIX seconds give back to the microsecond, an object's record keeps
    # the object's moment aside; undone, that goes too (everything expires by then)
    with freeze_time(datetime(2300, 1, 2, 3, 4, 5, 6, tzinfo=timezone.utc)):
        dated = len(history().dated)
        with refused():
            put(once, "o-2", "carl@example.com")
        put(once, "o-2", "carl@example.com")
    assert len(history().dated) == dated + 1
    histories = cp_mock.dump_state()["Backends"][0]["Domains"][0]["ProfileHistory"]
    [written] = [r for h in histories for r in h["Records"] if r["ActionType"] == "INGESTED"]
    assert written["CreatedAt"] == "2300-01-02T03:04:05.000006+00:00"


def test_a_history_of_no_records_in_a_state_file_loads_and_dumps_as_given(once: Any) -> None:
    ann = once.create_profile(DomainName="d", FirstName="Ann")["ProfileId"]
    state = cp_mock.dump_state()
    [history_of_ann] = state["Backends"][0]["Domains"][0]["ProfileHistory"]
    history_of_ann["Records"] = []
    cp_mock.load_state(state)
    assert records(once, ann) == []
    assert cp_mock.dump_state() == state
    once.update_profile(DomainName="d", ProfileId=ann, LastName="Lee")
    assert [r["ActionType"] for r in records(once, ann)] == ["UPDATED"]
