"""A profile's standard search keys (API_SearchProfiles: _phone, _email, _fullName,
_account, _profileId) follow its fields through every write, and a refused write leaves
them as they were."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

import cp_mock
from tests.consistency import assert_consistent
from tests.refusals import refused

D = "keys"


def found(client: Any, key: str, value: str) -> list[str]:
    items = client.search_profiles(DomainName=D, KeyName=key, Values=[value])["Items"]
    return [p["ProfileId"] for p in items]


@pytest.fixture
def domain(client: Any) -> str:
    client.create_domain(DomainName=D, DefaultExpirationDays=3)
    client.put_profile_object_type(
        DomainName=D, ObjectTypeName="Contact", Description="contacts",
        Fields={"id": {"Source": "_source.id"},
                "email": {"Source": "_source.email", "Target": "_profile.EmailAddress",
                          "ContentType": "EMAIL_ADDRESS"},
                "phone": {"Source": "_source.phone", "Target": "_profile.MobilePhoneNumber",
                          "ContentType": "PHONE_NUMBER"}},
        Keys={"contactId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
              "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}]},
    )  # fmt: skip
    return D


def test_the_standard_keys_follow_the_fields(
    client: Any, domain: str, customerprofiles_backend: Any
) -> None:
    ann = client.create_profile(
        DomainName=D, FirstName="Ann", LastName="Lee", PhoneNumber="+15550100",
        EmailAddress="ann@example.com", AccountNumber="A-1",
    )["ProfileId"]  # fmt: skip
    client.update_profile(DomainName=D, ProfileId=ann, PhoneNumber="+15550199", LastName="")
    assert found(client, "_phone", "+15550100") == []
    assert found(client, "_phone", "+15550199") == [ann]
    assert found(client, "_fullName", "Ann Lee") == []
    assert found(client, "_fullName", "Ann") == [ann]
    client.update_profile(DomainName=D, ProfileId=ann, Attributes={"tier": "gold"})
    assert found(client, "_phone", "+15550199") == [ann]
    # an object's mapping sets a phone field: the standard key follows it
    client.put_profile_object(
        DomainName=D, ObjectTypeName="Contact",
        Object=json.dumps({"id": "c-1", "email": "ann@example.com", "phone": "+15550111"}),
    )  # fmt: skip
    assert found(client, "_phone", "+15550199") == [ann]
    assert found(client, "_phone", "+15550111") == [ann]
    assert found(client, "_account", "A-1") == [ann]
    assert found(client, "_profileId", ann) == [ann]
    assert_consistent(customerprofiles_backend)


def test_a_deleted_standard_key_stays_deleted_until_the_fields_change_again(
    client: Any, domain: str, customerprofiles_backend: Any
) -> None:
    ann = client.create_profile(DomainName=D, FirstName="Ann", PhoneNumber="+15550100")["ProfileId"]
    client.delete_profile_key(DomainName=D, ProfileId=ann, KeyName="_phone", Values=["+15550100"])
    assert found(client, "_phone", "+15550100") == []
    assert found(client, "_fullName", "Ann") == [ann]
    dumped = cp_mock.dump_state()
    cp_mock.load_state(dumped)
    assert found(client, "_phone", "+15550100") == []
    assert cp_mock.dump_state() == dumped
    client.update_profile(DomainName=D, ProfileId=ann, FirstName="Anne")
    assert found(client, "_fullName", "Anne") == [ann]
    assert found(client, "_phone", "+15550100") == [ann]  # its fields give it again
    assert_consistent(customerprofiles_backend)


REFUSED: dict[str, Callable[[Any, str, str], Any]] = {
    "update": lambda client, ann, bo: client.update_profile(
        DomainName=D, ProfileId=ann, PhoneNumber="+15550199", EmailAddress="", FirstName="X"
    ),
    "merge": lambda client, ann, bo: client.merge_profiles(
        DomainName=D,
        MainProfileId=ann,
        ProfileIdsToBeMerged=[bo],
        FieldSourceProfileIds={"PhoneNumber": bo, "FirstName": bo},
    ),  # fmt: skip
    "put": lambda client, ann, bo: client.put_profile_object(
        DomainName=D,
        ObjectTypeName="Contact",
        Object=json.dumps({"id": "c-9", "email": "ann@example.com", "phone": "+15550111"}),
    ),  # fmt: skip
}


@pytest.mark.parametrize("call", list(REFUSED))
def test_a_failed_write_leaves_the_standard_keys_as_they_were(
    client: Any, domain: str, call: str, customerprofiles_backend: Any
) -> None:
    ann = client.create_profile(
        DomainName=D, FirstName="Ann", PhoneNumber="+15550100", EmailAddress="ann@example.com"
    )["ProfileId"]
    bo = client.create_profile(DomainName=D, FirstName="Bo", PhoneNumber="+15550200")["ProfileId"]
    with refused():
        REFUSED[call](client, ann, bo)
    assert found(client, "_phone", "+15550100") == [ann]
    assert found(client, "_email", "ann@example.com") == [ann]
    assert found(client, "_fullName", "Ann") == [ann]
    assert found(client, "_phone", "+15550199") == found(client, "_phone", "+15550111") == []
    # and the next change of the fields moves the keys from where they are
    client.update_profile(DomainName=D, ProfileId=ann, PhoneNumber="+15550177")
    assert found(client, "_phone", "+15550100") == []
    assert found(client, "_phone", "+15550177") == [ann]
    REFUSED[call](client, ann, bo)  # made again, it succeeds
    assert_consistent(customerprofiles_backend)
