"""Profiles and keys through boto3 (API_CreateProfile, API_UpdateProfile, API_DeleteProfile,
API_BatchGetProfile, API_AddProfileKey, API_DeleteProfileKey)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

import cp_mock


def get_profile(client: Any, domain: str, profile_id: str) -> dict[str, Any]:
    found = client.search_profiles(DomainName=domain, KeyName="_profileId", Values=[profile_id])
    assert len(found["Items"]) == 1
    return dict(found["Items"][0])


def test_profile_id_is_32_lowercase_hex(client: Any, domain: str) -> None:
    profile_id = client.create_profile(DomainName=domain)["ProfileId"]
    assert re.fullmatch(r"[a-f0-9]{32}", profile_id)


def test_create_profile_stores_every_standard_field(client: Any, domain: str) -> None:
    fields = {
        "AccountNumber": "A-1", "AdditionalInformation": "vip", "PartyType": "INDIVIDUAL",
        "BusinessName": "Acme", "FirstName": "Jane", "MiddleName": "Q", "LastName": "Doe",
        "BirthDate": "1990-01-01", "Gender": "FEMALE", "PhoneNumber": "+15550100",
        "MobilePhoneNumber": "+15550101", "HomePhoneNumber": "+15550102",
        "BusinessPhoneNumber": "+15550103", "EmailAddress": "jane@example.com",
        "PersonalEmailAddress": "j@example.org", "BusinessEmailAddress": "jane@acme.com",
        "Address": {"Address1": "1 Main St", "City": "Seattle", "PostalCode": "98101"},
        "ShippingAddress": {"City": "Portland"}, "MailingAddress": {"City": "Boise"},
        "BillingAddress": {"Country": "US"}, "Attributes": {"tier": "gold"},
    }  # fmt: skip
    profile_id = client.create_profile(DomainName=domain, **fields)["ProfileId"]
    assert get_profile(client, domain, profile_id) == {"ProfileId": profile_id, **fields}


def test_create_profile_in_missing_domain_is_404(client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.create_profile(DomainName="nowhere", FirstName="X")
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_update_profile_empty_string_removes_and_omitted_keeps(client: Any, domain: str) -> None:
    # API_UpdateProfile: "specifying an empty string value means that any existing value will
    # be removed. Not specifying a string value means that any value already there will be kept."
    profile_id = client.create_profile(
        DomainName=domain, FirstName="John", LastName="Doe", EmailAddress="john@example.com",
        Address={"City": "Seattle", "State": "WA"}, Attributes={"a": "1", "b": "2"},
    )["ProfileId"]  # fmt: skip
    client.update_profile(
        DomainName=domain, ProfileId=profile_id, LastName="", PhoneNumber="+15550100",
        Address={"City": "", "PostalCode": "98101"}, Attributes={"a": "", "c": "3"},
    )  # fmt: skip
    assert get_profile(client, domain, profile_id) == {
        "ProfileId": profile_id,
        "FirstName": "John",
        "EmailAddress": "john@example.com",
        "PhoneNumber": "+15550100",
        "Address": {"State": "WA", "PostalCode": "98101"},
        "Attributes": {"b": "2", "c": "3"},
    }


def test_update_profile_keeps_search_index_current(client: Any, domain: str) -> None:
    profile_id = client.create_profile(DomainName=domain, PhoneNumber="+15550100")["ProfileId"]
    client.update_profile(DomainName=domain, ProfileId=profile_id, PhoneNumber="+15550199")
    old = client.search_profiles(DomainName=domain, KeyName="_phone", Values=["+15550100"])
    new = client.search_profiles(DomainName=domain, KeyName="_phone", Values=["+15550199"])
    assert old["Items"] == []
    assert [p["ProfileId"] for p in new["Items"]] == [profile_id]


def test_update_missing_profile_is_404(client: Any, domain: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.update_profile(DomainName=domain, ProfileId="0" * 32, FirstName="X")
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_delete_profile_removes_it_and_its_keys(client: Any, domain: str) -> None:
    profile_id = client.create_profile(DomainName=domain, EmailAddress="a@b.c")["ProfileId"]
    client.add_profile_key(
        DomainName=domain, ProfileId=profile_id, KeyName="_ctrContactId", Values=["c-1"]
    )
    assert client.delete_profile(DomainName=domain, ProfileId=profile_id)["Message"]
    for key, value in (("_email", "a@b.c"), ("_ctrContactId", "c-1"), ("_profileId", profile_id)):
        assert client.search_profiles(DomainName=domain, KeyName=key, Values=[value])["Items"] == []
    with pytest.raises(ClientError) as excinfo:
        client.delete_profile(DomainName=domain, ProfileId=profile_id)
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_batch_get_profile_reports_missing_ids_under_errors(client: Any, domain: str) -> None:
    first = client.create_profile(DomainName=domain, FirstName="A")["ProfileId"]
    second = client.create_profile(DomainName=domain, FirstName="B")["ProfileId"]
    missing = "f" * 32
    got = client.batch_get_profile(DomainName=domain, ProfileIds=[first, missing, second])
    assert [p["FirstName"] for p in got["Profiles"]] == ["A", "B"]
    assert [e["ProfileId"] for e in got["Errors"]] == [missing]
    assert got["Errors"][0]["Code"] and got["Errors"][0]["Message"]


def test_batch_get_profile_rejects_malformed_ids(client: Any, domain: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.batch_get_profile(DomainName=domain, ProfileIds=["not-an-id"])
    assert excinfo.value.response["Error"]["Code"] == "BadRequestException"
    assert "ProfileIds[0]" in excinfo.value.response["Error"]["Message"]


def test_add_and_delete_profile_key(client: Any, domain: str) -> None:
    profile_id = client.create_profile(DomainName=domain)["ProfileId"]
    added = client.add_profile_key(
        DomainName=domain, ProfileId=profile_id, KeyName="loyaltyId", Values=["L1", "L2"]
    )
    assert added["KeyName"] == "loyaltyId" and added["Values"] == ["L1", "L2"]
    found = client.search_profiles(DomainName=domain, KeyName="loyaltyId", Values=["L2"])
    assert [p["ProfileId"] for p in found["Items"]] == [profile_id]
    client.delete_profile_key(
        DomainName=domain, ProfileId=profile_id, KeyName="loyaltyId", Values=["L2"]
    )
    assert (
        client.search_profiles(DomainName=domain, KeyName="loyaltyId", Values=["L2"])["Items"] == []
    )
    assert (
        len(client.search_profiles(DomainName=domain, KeyName="loyaltyId", Values=["L1"])["Items"])
        == 1
    )


def test_add_key_to_missing_profile_is_404(client: Any, domain: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.add_profile_key(DomainName=domain, ProfileId="a" * 32, KeyName="k", Values=["v"])
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_added_key_survives_an_update_of_the_same_standard_key(client: Any, domain: str) -> None:
    profile_id = client.create_profile(DomainName=domain, PhoneNumber="+1")["ProfileId"]
    client.add_profile_key(DomainName=domain, ProfileId=profile_id, KeyName="_phone", Values=["+2"])
    client.update_profile(DomainName=domain, ProfileId=profile_id, PhoneNumber="+3")
    for phone, hits in (("+1", 0), ("+2", 1), ("+3", 1)):
        found = client.search_profiles(DomainName=domain, KeyName="_phone", Values=[phone])
        assert len(found["Items"]) == hits, phone


def test_profiles_handed_out_by_the_backend_are_copies(client: Any, domain: str) -> None:
    """Changing what a direct backend call returns leaves the stored profile as it was."""
    profile_id = client.create_profile(
        DomainName=domain,
        FirstName="Ada",
        PhoneNumber="+15550199",
        Address={"City": "Lyon"},
        Attributes={"tier": "gold"},
    )["ProfileId"]
    backend = cp_mock.get_backend()
    found = backend.search_profiles(domain, "_phone", ["+15550199"])["Items"][0]
    batch = backend.batch_get_profile(domain, [profile_id])["Profiles"][0]
    for handed_out in (found, batch):
        handed_out["FirstName"] = "changed"
        handed_out["Address"]["City"] = "changed"
        handed_out["Attributes"]["tier"] = "changed"
    stored = client.search_profiles(DomainName=domain, KeyName="_phone", Values=["+15550199"])
    item = stored["Items"][0]
    assert (item["FirstName"], item["Address"]["City"], item["Attributes"]["tier"]) == (
        "Ada",
        "Lyon",
        "gold",
    )
