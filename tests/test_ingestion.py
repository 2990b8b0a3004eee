"""How PutProfileObject matches, fills and indexes profiles, page by page of the admin guide:
"Profile matching and inferred profiles in Customer Profiles" (profile-matching.html),
"Additional properties of object types in Customer Profiles"
(additional-properties-object-types.html), "Inferred profiles" (inferred-profiles.html) and
"Object type mapping definition details" (object-type-mapping-definition-details.html) with
the API reference's ObjectTypeField ("ContentType ... Used for determining equality when
searching"). docs/ingestion.md states the rules these tests hold the mock to."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.consistency import assert_consistent
from tests.factories import create_profile as make


def put(client: Any, domain: str, type_name: str, document: dict[str, Any]) -> str:
    return str(
        client.put_profile_object(
            DomainName=domain, ObjectTypeName=type_name, Object=json.dumps(document)
        )["ProfileObjectUniqueKey"]
    )


def found(client: Any, domain: str, key: str, *values: str) -> list[str]:
    items = client.search_profiles(DomainName=domain, KeyName=key, Values=list(values))["Items"]
    return [p["ProfileId"] for p in items]


def profile(client: Any, domain: str, profile_id: str) -> dict[str, Any]:
    [item] = client.search_profiles(DomainName=domain, KeyName="_profileId", Values=[profile_id])[
        "Items"
    ]
    return dict(item)


def objects_of(client: Any, domain: str, type_name: str, profile_id: str) -> list[dict[str, Any]]:
    items = client.list_profile_objects(
        DomainName=domain, ObjectTypeName=type_name, ProfileId=profile_id
    )["Items"]
    return [json.loads(item["Object"]) for item in items]


@pytest.fixture
def tickets(client: Any, domain: str) -> str:
    """Two primary PROFILE keys (e-mail, then account number) and a secondary one (phone)."""
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="Ticket", Description="support tickets",
        AllowProfileCreation=True,
        Fields={
            "id": {"Source": "_source.id"},
            "email": {"Source": "_source.email", "ContentType": "EMAIL_ADDRESS"},
            "account": {"Source": "_source.account", "Target": "_profile.AccountNumber"},
            "phone": {"Source": "_source.phone", "ContentType": "PHONE_NUMBER"},
            "first": {"Source": "_source.first", "Target": "_profile.FirstName"},
            "city": {"Source": "_source.city", "Target": "_profile.Address.City"},
            "tier": {"Source": "_source.tier", "Target": "_profile.Attributes.tier"},
        },
        Keys={
            "ticketId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
            "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}],
            "_account": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["account"]}],
            "_phone": [{"StandardIdentifiers": ["PROFILE", "SECONDARY"],
                        "FieldNames": ["phone"]}],
        },
    )  # fmt: skip
    return "Ticket"


# -- 1. profile matching: an ambiguous key is discarded, never used ------------------------------
# profile-matching.html, "How a profile is matched": "If more than one profile matches, the
# match is ambiguous—that key is discarded and the next is tried."


def test_household_sharing_a_phone_still_ingests_contact_records(
    client: Any, domain: str, customerprofiles_backend: Any
) -> None:
    # The CTR template keys contact records on _phone (PROFILE). Two people share the
    # household's landline: the number matches both, so it attaches the record to neither
    # ("An ambiguous match ... is never used to attach an object") and, as the CTR type
    # allows profile creation, the record gets an inferred profile of its own.
    alice = make(client, domain, FirstName="Alice", PhoneNumber="+15550123")
    bob = make(client, domain, FirstName="Bob", PhoneNumber="+15550123")
    for contact_id in ("c-1", "c-2"):
        put(client, domain, "CTR",
            {"ContactId": contact_id, "Channel": "VOICE",
             "CustomerEndpoint": {"Address": "+15550123", "Type": "TELEPHONE_NUMBER"}})  # fmt: skip
    [first] = found(client, domain, "_ctrContactId", "c-1")
    [second] = found(client, domain, "_ctrContactId", "c-2")
    assert {first, second}.isdisjoint({alice, bob})
    assert objects_of(client, domain, "CTR", alice) == objects_of(client, domain, "CTR", bob) == []
    assert profile(client, domain, alice) == {
        "ProfileId": alice, "FirstName": "Alice", "PhoneNumber": "+15550123",
    }  # fmt: skip
    assert client.get_domain(DomainName=domain)["Stats"]["ObjectCount"] == 2
    assert_consistent(customerprofiles_backend)


def test_an_ambiguous_primary_key_gives_way_to_the_next(
    client: Any, domain: str, tickets: str
) -> None:
    make(client, domain, EmailAddress="shared@example.com")
    make(client, domain, EmailAddress="shared@example.com")
    owner = make(client, domain, AccountNumber="A-1")
    put(client, domain, tickets, {"id": "t-1", "email": "shared@example.com", "account": "A-1"})
    assert found(client, domain, "ticketId", "t-1") == [owner]


def test_ambiguous_primary_keys_fall_back_to_a_secondary_key(
    client: Any, domain: str, tickets: str
) -> None:
    # "If no primary PROFILE key produces an unambiguous match, Customer Profiles repeats
    # the process with any secondary keys".
    for _ in range(2):
        make(client, domain, EmailAddress="shared@example.com", AccountNumber="A-1")
    caller = make(client, domain, PhoneNumber="+15550177")
    ticket = {"id": "t-1", "email": "shared@example.com", "account": "A-1", "phone": "+15550177"}
    put(client, domain, tickets, ticket)
    assert found(client, domain, "ticketId", "t-1") == [caller]


def test_every_key_ambiguous_creates_a_profile_when_the_type_allows(
    client: Any, domain: str, tickets: str, customerprofiles_backend: Any
) -> None:
    # "If no key produces a single match, the outcome depends on AllowProfileCreation".
    twins = [make(client, domain, EmailAddress="twins@example.com") for _ in range(2)]
    put(client, domain, tickets, {"id": "t-1", "email": "twins@example.com"})
    [created] = found(client, domain, "ticketId", "t-1")
    assert created not in twins
    assert sorted(found(client, domain, "_email", "twins@example.com")) == sorted([*twins, created])
    assert_consistent(customerprofiles_backend)


# -- 2. fields set through the API are not overwritten by ingestion -----------------------------
# additional-properties-object-types.html: "If this object matches with an existing profile,
# it will not overwrite fields manually populated through an API call or the Agent
# Workspace ... it will not overwrite the FirstName "John"."


def test_ingestion_keeps_the_first_name_an_agent_entered(
    client: Any, domain: str, tickets: str
) -> None:
    john = make(
        client, domain, FirstName="John", EmailAddress="john@example.com",
        Address={"PostalCode": "LS1"}, Attributes={"tier": "gold"},
    )  # fmt: skip
    put(client, domain, tickets,
        {"id": "t-1", "email": "john@example.com", "first": "Jon", "city": "Leeds",
         "tier": "silver", "account": "A-7"})  # fmt: skip
    assert profile(client, domain, john) == {
        "ProfileId": john,
        "FirstName": "John",  # manual: kept
        "EmailAddress": "john@example.com",
        "AccountNumber": "A-7",  # absent: filled
        "Address": {"PostalCode": "LS1", "City": "Leeds"},  # member by member
        "Attributes": {"tier": "gold"},
    }


def test_update_profile_makes_an_ingested_field_manual(
    client: Any, domain: str, tickets: str
) -> None:
    put(client, domain, tickets, {"id": "t-1", "email": "jo@example.com", "first": "Jo"})
    [jo] = found(client, domain, "ticketId", "t-1")
    put(client, domain, tickets, {"id": "t-2", "email": "jo@example.com", "first": "Joe"})
    assert profile(client, domain, jo)["FirstName"] == "Joe"  # ingested: ingestion updates it
    client.update_profile(DomainName=domain, ProfileId=jo, FirstName="Joanna")
    put(client, domain, tickets, {"id": "t-3", "email": "jo@example.com", "first": "Jo"})
    assert profile(client, domain, jo)["FirstName"] == "Joanna"


def test_a_field_cleared_through_update_profile_can_be_ingested_again(
    client: Any, domain: str, tickets: str
) -> None:
    # docs/ingestion.md: a cleared field holds nothing manual, so ingestion may fill it.
    john = make(client, domain, FirstName="John", EmailAddress="john@example.com")
    client.update_profile(DomainName=domain, ProfileId=john, FirstName="")
    put(client, domain, tickets, {"id": "t-1", "email": "john@example.com", "first": "Jon"})
    assert profile(client, domain, john)["FirstName"] == "Jon"


def test_a_merge_keeps_where_each_field_came_from(
    client: Any, domain: str, tickets: str, customerprofiles_backend: Any
) -> None:
    # docs/ingestion.md: a merged field keeps the origin it had on the profile it came from.
    main = make(client, domain, FirstName="John", EmailAddress="john@example.com")
    put(client, domain, tickets, {"id": "t-1", "account": "A-9", "city": "Leeds", "first": "J"})
    [other] = found(client, domain, "ticketId", "t-1")
    client.merge_profiles(DomainName=domain, MainProfileId=main, ProfileIdsToBeMerged=[other])
    put(client, domain, tickets,
        {"id": "t-2", "email": "john@example.com", "first": "Jon", "city": "York"})  # fmt: skip
    merged = profile(client, domain, main)
    assert merged["FirstName"] == "John"  # manual on the main profile
    assert merged["Address"] == {"City": "York"}  # ingested on the merged profile
    assert_consistent(customerprofiles_backend)


# -- 3. inferred profiles take e-mail and phone from the content types --------------------------
# inferred-profiles.html: a field "with the content type of EMAIL_ADDRESS ... will be populated
# into the EmailAddress field", one of PHONE_NUMBER into PhoneNumber, "even if the fields do
# not have a target defined in the field definition".


@pytest.fixture
def visits(client: Any, domain: str) -> str:
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="WebVisit", Description="web visits",
        AllowProfileCreation=True,
        Fields={
            "id": {"Source": "_source.visitor", "ContentType": "STRING"},
            "login": {"Source": "_source.login", "ContentType": "EMAIL_ADDRESS"},
            "work": {"Source": "_source.work", "ContentType": "EMAIL_ADDRESS",
                     "Target": "_profile.EmailAddress"},
            "callback": {"Source": "_source.callback", "ContentType": "PHONE_NUMBER"},
            "page": {"Source": "_source.page"},
        },
        Keys={"visitor": [{"StandardIdentifiers": ["UNIQUE", "PROFILE"], "FieldNames": ["id"]}]},
    )  # fmt: skip
    return "WebVisit"


def test_a_profile_created_by_ingestion_is_found_by_its_email_and_phone(
    client: Any, domain: str, visits: str, customerprofiles_backend: Any
) -> None:
    visit = {"visitor": "v-1", "login": "ann@example.com", "callback": "+15550142", "page": "/"}
    put(client, domain, visits, visit)
    [ann] = found(client, domain, "visitor", "v-1")
    assert profile(client, domain, ann) == {
        "ProfileId": ann, "EmailAddress": "ann@example.com", "PhoneNumber": "+15550142",
    }  # fmt: skip
    assert found(client, domain, "_email", "ann@example.com") == [ann]
    assert found(client, domain, "_phone", "+15550142") == [ann]
    assert_consistent(customerprofiles_backend)


def test_a_field_targeting_email_address_wins_over_the_inferred_one(
    client: Any, domain: str, visits: str
) -> None:
    put(client, domain, visits,
        {"visitor": "v-1", "login": "ann@home.example", "work": "ann@work.example"})  # fmt: skip
    [ann] = found(client, domain, "visitor", "v-1")
    assert profile(client, domain, ann)["EmailAddress"] == "ann@work.example"


def test_an_existing_profile_is_not_inferred_into(client: Any, domain: str, visits: str) -> None:
    # Only "When creating an inferred profile": an object attached to a profile fills only
    # the fields its mapping targets.
    put(client, domain, visits, {"visitor": "v-1"})
    [visitor] = found(client, domain, "visitor", "v-1")
    put(client, domain, visits, {"visitor": "v-1", "login": "ann@example.com"})
    assert profile(client, domain, visitor) == {"ProfileId": visitor}


# -- 4. ContentType decides equality in search ------------------------------------------------
# object-type-mapping-definition-details.html: "if ContentType is set to PHONE_NUMBER, the
# phone number is processed so that agents can search for it in any format: the string
# "+15551234567" matches "(555)-123-4567""; ObjectTypeField.ContentType: "Used for
# determining equality when searching". The standard profile's phone and e-mail fields are
# indexed as _phone and _email ("Standard profile definition"), so they follow the same rules.


def test_phone_numbers_match_in_any_format(client: Any, domain: str) -> None:
    pat = make(client, domain, PhoneNumber="+15551234567")
    sam = make(client, domain, MobilePhoneNumber="(555)-123-4568")
    assert found(client, domain, "_phone", "(555)-123-4567") == [pat]
    assert found(client, domain, "_phone", "555 123 4567") == [pat]
    assert found(client, domain, "_phone", "+1 555-123-4568") == [sam]
    assert found(client, domain, "_phone", "+15551234569") == []
    assert profile(client, domain, pat)["PhoneNumber"] == "+15551234567"  # stored as given


def test_email_addresses_match_whatever_their_case(client: Any, domain: str) -> None:
    jo = make(client, domain, EmailAddress="Jo.Bloggs@Example.COM")
    assert found(client, domain, "_email", " jo.bloggs@example.com ") == [jo]
    assert found(client, domain, "_email", "jobloggs@example.com") == []  # dots matter
    assert profile(client, domain, jo)["EmailAddress"] == "Jo.Bloggs@Example.COM"


def test_found_by_items_echo_the_values_searched_for(client: Any, domain: str) -> None:
    pat = make(client, domain, PhoneNumber="+15551234567", EmailAddress="pat@example.com")
    [item] = client.search_profiles(
        DomainName=domain, KeyName="_phone", Values=["(555)-123-4567"],
        AdditionalSearchKeys=[{"KeyName": "_email", "Values": ["PAT@example.com"]}],
        LogicalOperator="OR",
    )["Items"]  # fmt: skip
    assert item["ProfileId"] == pat
    assert item["FoundByItems"] == [
        {"KeyName": "_phone", "Values": ["(555)-123-4567"]},
        {"KeyName": "_email", "Values": ["PAT@example.com"]},
    ]


def test_a_contact_record_finds_the_profile_whatever_the_phone_format(
    client: Any, domain: str, customerprofiles_backend: Any
) -> None:
    pat = make(client, domain, FirstName="Pat", PhoneNumber="(555)-123-4567")
    put(client, domain, "CTR",
        {"ContactId": "c-1", "CustomerEndpoint": {"Address": "+15551234567"}})  # fmt: skip
    assert found(client, domain, "_ctrContactId", "c-1") == [pat]
    assert profile(client, domain, pat)["PhoneNumber"] == "(555)-123-4567"  # manual: kept
    assert_consistent(customerprofiles_backend)


def test_keys_of_typed_fields_compare_by_content_type(
    client: Any, domain: str, visits: str
) -> None:
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="Lead", Description="leads", AllowProfileCreation=True,
        Fields={"id": {"Source": "_source.id", "ContentType": "STRING"},
                "mobile": {"Source": "_source.mobile", "ContentType": "PHONE_NUMBER"},
                "login": {"Source": "_source.login", "ContentType": "EMAIL_ADDRESS"}},
        Keys={"leadId": [{"StandardIdentifiers": ["UNIQUE", "PROFILE"], "FieldNames": ["id"]}],
              "leadMobile": [{"FieldNames": ["mobile"]}],
              "leadLogin": [{"FieldNames": ["login"]}]},
    )  # fmt: skip
    lead = {"id": "L-1", "mobile": "555.123.4567", "login": "Lee@Example.com"}
    unique_key = put(client, domain, "Lead", lead)
    [lee] = found(client, domain, "leadId", "L-1")
    assert found(client, domain, "leadMobile", "+1 (555) 123-4567") == [lee]
    assert found(client, domain, "leadLogin", "lee@example.com") == [lee]
    assert found(client, domain, "leadId", "l-1") == []  # STRING: exact
    # ListProfileObjects' ObjectFilter compares index values the same way
    listed = client.list_profile_objects(
        DomainName=domain, ObjectTypeName="Lead", ProfileId=lee,
        ObjectFilter={"KeyName": "leadMobile", "Values": ["5551234567"]},
    )["Items"]  # fmt: skip
    assert [item["ProfileObjectUniqueKey"] for item in listed] == [unique_key]


def test_profile_keys_added_by_hand_follow_the_key_content_type(client: Any, domain: str) -> None:
    pat = make(client, domain)
    client.add_profile_key(DomainName=domain, ProfileId=pat, KeyName="_phone",
                           Values=["+1 555 123 4567"])  # fmt: skip
    client.add_profile_key(DomainName=domain, ProfileId=pat, KeyName="_email",
                           Values=["Pat@Example.com"])  # fmt: skip
    assert found(client, domain, "_phone", "(555)-123-4567") == [pat]
    assert found(client, domain, "_email", "pat@example.com") == [pat]
    client.delete_profile_key(DomainName=domain, ProfileId=pat, KeyName="_phone",
                              Values=["555-123-4567"])  # fmt: skip
    assert found(client, domain, "_phone", "+15551234567") == []


def test_keys_added_by_hand_compare_as_their_object_types_say(client: Any, domain: str) -> None:
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="Lead", Description="leads", AllowProfileCreation=True,
        Fields={"id": {"Source": "_source.id"},
                "mobile": {"Source": "_source.mobile", "ContentType": "PHONE_NUMBER"}},
        Keys={"leadId": [{"StandardIdentifiers": ["UNIQUE", "PROFILE"], "FieldNames": ["id"]}],
              "leadMobile": [{"FieldNames": ["mobile"]}]},
    )  # fmt: skip
    pat = make(client, domain)
    client.add_profile_key(DomainName=domain, ProfileId=pat, KeyName="leadMobile",
                           Values=["(555)-123-4567"])  # fmt: skip
    assert found(client, domain, "leadMobile", "+15551234567") == [pat]
