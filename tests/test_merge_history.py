"""MergeProfiles as the seed describes it, and profile history
(API_MergeProfiles, API_ListProfileHistoryRecords, API_GetProfileHistoryRecord)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.consistency import assert_consistent
from tests.factories import create_profile as make


def profile(client: Any, domain: str, profile_id: str) -> dict[str, Any]:
    found = client.search_profiles(DomainName=domain, KeyName="_profileId", Values=[profile_id])
    return dict(found["Items"][0]) if found["Items"] else {}


@pytest.fixture
def orders(client: Any, domain: str) -> str:
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="Order", Description="orders",
        Fields={"id": {"Source": "_source.id"}, "pid": {"Source": "_source.profile"}},
        Keys={"orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
              "_profileId": [{"StandardIdentifiers": ["PROFILE", "LOOKUP_ONLY"],
                              "FieldNames": ["pid"]}]},
    )  # fmt: skip
    return "Order"


def test_merge_moves_keys_and_objects_and_deletes_the_merged(
    client: Any, domain: str, orders: str, customerprofiles_backend: Any
) -> None:
    main = make(client, domain, FirstName="John", EmailAddress="john@example.com")
    other = make(client, domain, FirstName="Jhn", PhoneNumber="+15550100")
    client.add_profile_key(DomainName=domain, ProfileId=other, KeyName="loyalty", Values=["L9"])
    client.put_profile_object(DomainName=domain, ObjectTypeName=orders,
                              Object=json.dumps({"id": "o-1", "profile": other}))  # fmt: skip
    client.merge_profiles(DomainName=domain, MainProfileId=main, ProfileIdsToBeMerged=[other])
    # every key moves, the merged profile's own _profileId included
    for key, value in (("loyalty", "L9"), ("_phone", "+15550100"), ("orderId", "o-1"),
                       ("_profileId", other)):  # fmt: skip
        found = client.search_profiles(DomainName=domain, KeyName=key, Values=[value])["Items"]
        assert [p["ProfileId"] for p in found] == [main], key
    objects = client.list_profile_objects(DomainName=domain, ObjectTypeName=orders,
                                          ProfileId=main)["Items"]  # fmt: skip
    assert [json.loads(o["Object"])["id"] for o in objects] == ["o-1"]
    stats = client.get_domain(DomainName=domain)["Stats"]
    assert (stats["ProfileCount"], stats["ObjectCount"]) == (1, 1)
    assert_consistent(customerprofiles_backend)


def test_fields_union_and_main_wins_conflicts(client: Any, domain: str) -> None:
    main = make(client, domain, FirstName="John", Attributes={"tier": "gold", "a": "1"})
    other = make(client, domain, FirstName="Jhn", LastName="Doe", PhoneNumber="+1",
                 Address={"City": "Leeds"}, Attributes={"tier": "silver", "b": "2"})  # fmt: skip
    client.merge_profiles(DomainName=domain, MainProfileId=main, ProfileIdsToBeMerged=[other])
    assert profile(client, domain, main) == {
        "ProfileId": main, "FirstName": "John", "LastName": "Doe", "PhoneNumber": "+1",
        "Address": {"City": "Leeds"}, "Attributes": {"tier": "gold", "a": "1", "b": "2"},
    }  # fmt: skip


def test_field_source_profile_wins_even_when_empty(client: Any, domain: str) -> None:
    main = make(client, domain, FirstName="John", EmailAddress="old@example.com",
                Attributes={"tier": "gold"})  # fmt: skip
    other = make(client, domain, FirstName="Johnny", Attributes={"tier": "silver"})
    client.merge_profiles(
        DomainName=domain, MainProfileId=main, ProfileIdsToBeMerged=[other],
        FieldSourceProfileIds={"FirstName": other, "EmailAddress": other,
                               "Attributes": {"tier": other}},
    )  # fmt: skip
    merged = profile(client, domain, main)
    assert merged["FirstName"] == "Johnny"
    assert "EmailAddress" not in merged  # the source profile had none: NULL is taken
    assert merged["Attributes"] == {"tier": "silver"}
    assert client.search_profiles(DomainName=domain, KeyName="_email",
                                  Values=["old@example.com"])["Items"] == []  # fmt: skip


def test_merge_of_several_profiles(client: Any, domain: str) -> None:
    main = make(client, domain)
    others = [make(client, domain, AccountNumber=f"A{n}") for n in range(3)]
    client.merge_profiles(DomainName=domain, MainProfileId=main, ProfileIdsToBeMerged=others)
    assert profile(client, domain, main)["AccountNumber"] == "A0"  # the first in the list
    for n in range(3):  # the keys of all three moved to the main profile
        found = client.search_profiles(DomainName=domain, KeyName="_account", Values=[f"A{n}"])
        assert [p["ProfileId"] for p in found["Items"]] == [main]
    assert client.get_domain(DomainName=domain)["Stats"]["ProfileCount"] == 1


@pytest.mark.parametrize("problem", ["missing-main", "missing-merged", "self", "foreign-source"])
def test_bad_merges_change_nothing(client: Any, domain: str, problem: str) -> None:
    main, other = make(client, domain, FirstName="A"), make(client, domain, FirstName="B")
    request: dict[str, Any] = {"MainProfileId": main, "ProfileIdsToBeMerged": [other]}
    if problem == "missing-main":
        request["MainProfileId"] = "0" * 32
    elif problem == "missing-merged":
        request["ProfileIdsToBeMerged"] = [other, "0" * 32]
    elif problem == "self":
        request["ProfileIdsToBeMerged"] = [main]
    else:
        request["FieldSourceProfileIds"] = {"FirstName": "f" * 32}
    with pytest.raises(ClientError) as excinfo:
        client.merge_profiles(DomainName=domain, **request)
    expected = (
        "ResourceNotFoundException" if problem.startswith("missing") else "BadRequestException"
    )
    assert excinfo.value.response["Error"]["Code"] == expected
    assert client.get_domain(DomainName=domain)["Stats"]["ProfileCount"] == 2
    assert profile(client, domain, other)["FirstName"] == "B"


def test_history_records_every_change(client: Any, domain: str, orders: str) -> None:
    main = make(client, domain, FirstName="Ann")
    client.update_profile(DomainName=domain, ProfileId=main, LastName="Lee")
    client.add_profile_key(DomainName=domain, ProfileId=main, KeyName="k", Values=["v"])
    client.delete_profile_key(DomainName=domain, ProfileId=main, KeyName="k", Values=["v"])
    unique = client.put_profile_object(
        DomainName=domain, ObjectTypeName=orders, Object=json.dumps({"id": "o", "profile": main})
    )["ProfileObjectUniqueKey"]
    other = make(client, domain, FirstName="Other")
    client.merge_profiles(DomainName=domain, MainProfileId=main, ProfileIdsToBeMerged=[other])
    records = client.list_profile_history_records(DomainName=domain, ProfileId=main)[
        "ProfileHistoryRecords"
    ]
    assert [r["ActionType"] for r in records] == [
        "MERGED",
        "INGESTED",
        "DELETED_PROFILE_KEY",
        "ADDED_PROFILE_KEY",
        "UPDATED",
        "CREATED",
    ]  # fmt: skip newest first
    ingested = records[1]
    assert (ingested["ObjectTypeName"], ingested["ProfileObjectUniqueKey"]) == (orders, unique)
    updated = client.get_profile_history_record(DomainName=domain, ProfileId=main,
                                                Id=records[4]["Id"])  # fmt: skip
    assert json.loads(updated["Content"])["LastName"] == "Lee"
    assert updated["PerformedBy"].endswith(":root")
    only_keys = client.list_profile_history_records(
        DomainName=domain, ProfileId=main, ActionType="ADDED_PROFILE_KEY"
    )["ProfileHistoryRecords"]
    assert len(only_keys) == 1
    # the merged-away profile keeps its history, ending in its deletion by the merge
    gone = client.list_profile_history_records(DomainName=domain, ProfileId=other)[
        "ProfileHistoryRecords"
    ]
    assert [r["ActionType"] for r in gone] == ["DELETED_BY_MERGE", "CREATED"]


def test_history_of_a_deleted_profile_and_unknown_ids(client: Any, domain: str) -> None:
    gone = make(client, domain, FirstName="Gone")
    client.delete_profile(DomainName=domain, ProfileId=gone)
    records = client.list_profile_history_records(DomainName=domain, ProfileId=gone)[
        "ProfileHistoryRecords"
    ]
    assert records[0]["ActionType"] == "DELETED_BY_CUSTOMER"
    with pytest.raises(ClientError) as excinfo:
        client.get_profile_history_record(DomainName=domain, ProfileId=gone, Id="0" * 32)
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as excinfo:
        client.list_profile_history_records(DomainName=domain, ProfileId="e" * 32)
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"
