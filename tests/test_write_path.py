"""The write path: what a write costs is its own work, and what it keeps is compact
without changing what a client reads back (search by id, history content, dumps)."""

from __future__ import annotations

import gc
import json
from typing import Any

import pytest

import cp_mock
from cp_mock.models.backend import CustomerProfilesBackend
from cp_mock.models.profiles import profiles

# The steps a write calls: parts of the call that makes them, not calls of their own.
STEPS_OF_A_CALL = {
    "get_domain_state": CustomerProfilesBackend.get_domain_state,
    "profile_state": profiles.profile_state,
    "store_new_profile": profiles.store_new_profile,
    "reindex_profile": profiles.reindex_profile,
    "new_profile_id": profiles.new_profile_id,
}


@pytest.mark.parametrize("name", STEPS_OF_A_CALL)
def test_a_step_of_a_write_takes_no_lock_of_its_own(name: str) -> None:
    # Each used to be wrapped in the lock's wrapper, so CreateProfile went through it six
    # times, nested; now only the operation holds the lock.
    assert not hasattr(STEPS_OF_A_CALL[name], "__wrapped__")
    assert hasattr(CustomerProfilesBackend.create_profile, "__wrapped__")


def search_ids(client: Any, domain: str, key: str, value: str) -> list[str]:
    found = client.search_profiles(DomainName=domain, KeyName=key, Values=[value])
    return [item["ProfileId"] for item in found["Items"]]


def test_a_profile_is_found_by_its_own_id_until_that_key_is_deleted(
    client: Any, domain: str
) -> None:
    profile_id = client.create_profile(DomainName=domain, FirstName="Jane")["ProfileId"]
    client.create_profile(DomainName=domain, FirstName="John")
    assert search_ids(client, domain, "_profileId", profile_id) == [profile_id]
    client.delete_profile_key(
        DomainName=domain, ProfileId=profile_id, KeyName="_profileId", Values=[profile_id]
    )
    assert search_ids(client, domain, "_profileId", profile_id) == []
    client.add_profile_key(
        DomainName=domain, ProfileId=profile_id, KeyName="_profileId", Values=[profile_id]
    )
    assert search_ids(client, domain, "_profileId", profile_id) == [profile_id]
    client.delete_profile(DomainName=domain, ProfileId=profile_id)
    assert search_ids(client, domain, "_profileId", profile_id) == []


def test_a_merged_away_id_finds_the_main_profile(client: Any, domain: str) -> None:
    main = client.create_profile(DomainName=domain, FirstName="Jane")["ProfileId"]
    other = client.create_profile(DomainName=domain, FirstName="Janet")["ProfileId"]
    client.merge_profiles(DomainName=domain, MainProfileId=main, ProfileIdsToBeMerged=[other])
    assert search_ids(client, domain, "_profileId", other) == [main]
    assert search_ids(client, domain, "_profileId", main) == [main]


def test_search_by_id_survives_a_dump_and_load(client: Any, domain: str) -> None:
    profile_id = client.create_profile(DomainName=domain, FirstName="Jane")["ProfileId"]
    cp_mock.load_state(cp_mock.dump_state())
    assert search_ids(client, domain, "_profileId", profile_id) == [profile_id]


def test_history_content_is_each_version_with_its_nested_fields(client: Any, domain: str) -> None:
    address = {"City": "Leeds", "Country": "GB"}
    profile_id = client.create_profile(
        DomainName=domain, FirstName="Jane", Address=address, Attributes={"tier": "gold"}
    )["ProfileId"]
    client.update_profile(DomainName=domain, ProfileId=profile_id, Address={"City": "York"})
    records = client.list_profile_history_records(DomainName=domain, ProfileId=profile_id)
    contents = []
    for record in reversed(records["ProfileHistoryRecords"]):  # oldest first
        full = client.get_profile_history_record(
            DomainName=domain, ProfileId=profile_id, Id=record["Id"]
        )
        contents.append(json.loads(full["Content"]))
    assert contents == [
        {"ProfileId": profile_id, "FirstName": "Jane", "Address": address,
         "Attributes": {"tier": "gold"}},
        {"ProfileId": profile_id, "FirstName": "Jane", "Address": {**address, "City": "York"},
         "Attributes": {"tier": "gold"}},
    ]  # fmt: skip
    dumped = cp_mock.dump_state()
    cp_mock.load_state(dumped)
    assert cp_mock.dump_state() == dumped


def test_a_profiles_history_is_left_alone_by_the_garbage_collector(
    client: Any, domain: str
) -> None:
    # Every write keeps a history record. Kept as an object of its own each, every record
    # was visited by every later full collection and counted towards bringing on the next:
    # a bulk load spent a sixth of its time collecting. A domain's records are columns:
    # arrays, which the collector does not follow, and lists of strings and snapshots,
    # which a collection untracks once it has seen them.
    profile_id = client.create_profile(
        DomainName=domain, FirstName="Jane", Address={"City": "Leeds"}
    )["ProfileId"]
    history = cp_mock.get_backend().domains[domain].history

    def followed() -> list[Any]:
        for _ in range(4):  # a collection untracks a tuple once it has seen what it holds
            gc.collect()
        held = [
            c for column in gc.get_referents(history) for c in [column, *gc.get_referents(column)]
        ]
        return [kept for kept in held if gc.is_tracked(kept)]

    client.update_profile(DomainName=domain, ProfileId=profile_id, LastName="Doe")
    few = followed()
    for n in range(20):
        client.update_profile(DomainName=domain, ProfileId=profile_id, LastName=f"Doe{n}")
    assert len(history) == 22
    assert len(followed()) == len(few)  # (its columns, and what the few lists hold)
    assert not any(gc.is_tracked(content) for content in history.contents)
    records = client.list_profile_history_records(DomainName=domain, ProfileId=profile_id)
    actions = [r["ActionType"] for r in records["ProfileHistoryRecords"]]
    assert actions == ["UPDATED"] * 21 + ["CREATED"]
