"""Profile objects flowing into profiles (API_PutProfileObject, API_ListProfileObjects,
API_DeleteProfileObject, API_DeleteProfileObjectType; admin guide "Standard identifiers",
"How Customer Profiles adds keys to the index for lookups", "Implicit profile object types",
"Mapping Salesforce objects to the standard profile")."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

from tests.consistency import assert_consistent

SALESFORCE_ACCOUNT = {
    "Id": "0015e00000ABCDeAAF",
    "Name": "Anycompany Ltd",
    "Phone": "+15550100",
    "AccountNumber": "CD451796",
    "BillingStreet": "525 Market St",
    "BillingCity": "San Francisco",
    "BillingState": "CA",
    "BillingPostalCode": "94105",
    "BillingCountry": "USA",
    "IsPersonAccount": False,
    "Industry": "Electronics",
    "PersonEmail": "pat@anycompany.com",
}


def ids(found: dict[str, Any]) -> list[str]:
    return [p["ProfileId"] for p in found["Items"]]


def search(client: Any, domain: str, key: str, value: str) -> list[dict[str, Any]]:
    return list(client.search_profiles(DomainName=domain, KeyName=key, Values=[value])["Items"])


def put(client: Any, domain: str, type_name: str, document: dict[str, Any]) -> str:
    return str(
        client.put_profile_object(
            DomainName=domain, ObjectTypeName=type_name, Object=json.dumps(document)
        )["ProfileObjectUniqueKey"]
    )


def test_salesforce_account_record_builds_a_searchable_profile(client: Any, domain: str) -> None:
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="Salesforce-Account", Description="accounts",
        TemplateId="Salesforce-Account",
    )  # fmt: skip
    unique_key = put(client, domain, "Salesforce-Account", SALESFORCE_ACCOUNT)
    [profile] = search(client, domain, "_salesforceAccountId", "0015e00000ABCDeAAF")
    # the table of "Mapping a Salesforce-Account object to a standard profile"
    assert profile["BusinessName"] == "Anycompany Ltd"
    assert profile["PhoneNumber"] == "+15550100"
    assert profile["AccountNumber"] == "CD451796"
    assert profile["PersonalEmailAddress"] == "pat@anycompany.com"
    assert profile["BillingAddress"] == {
        "Address1": "525 Market St", "City": "San Francisco", "State": "CA",
        "PostalCode": "94105", "Country": "USA",
    }  # fmt: skip
    assert profile["Attributes"] == {"sfdcAccountId": "0015e00000ABCDeAAF"}
    assert profile["PartyTypeString"] == "false"  # IsPersonAccount is not a PartyType value
    # the standard index follows the mapped fields
    assert ids({"Items": search(client, domain, "_email", "pat@anycompany.com")}) == [
        profile["ProfileId"]
    ]
    objects = client.list_profile_objects(
        DomainName=domain, ObjectTypeName="Salesforce-Account", ProfileId=profile["ProfileId"]
    )["Items"]
    assert [o["ProfileObjectUniqueKey"] for o in objects] == [unique_key]
    assert json.loads(objects[0]["Object"]) == SALESFORCE_ACCOUNT


def test_template_id_as_type_name_needs_no_definition(client: Any, domain: str) -> None:
    # "Implicit profile object types": an object type named like a template id works as is.
    put(client, domain, "Salesforce-Contact",
        {"Id": "003A", "AccountId": "001B", "FirstName": "Mary", "LastName": "Major",
         "Email": "mary@example.com", "MobilePhone": "+15550111"})  # fmt: skip
    [profile] = search(client, domain, "_salesforceContactId", "003A")
    assert (profile["FirstName"], profile["LastName"]) == ("Mary", "Major")
    assert profile["EmailAddress"] == "mary@example.com"
    assert profile["MobilePhoneNumber"] == "+15550111"
    assert ids({"Items": search(client, domain, "_salesforceAccountId", "001B")}) == [
        profile["ProfileId"]
    ]
    got = client.get_profile_object_type(DomainName=domain, ObjectTypeName="Salesforce-Contact")
    assert got["TemplateId"] == "Salesforce-Contact"


def test_contact_records_infer_one_profile_per_phone(client: Any, domain: str) -> None:
    # API_PutProfileObject: an inferred profile "will only have a phone number populated" and
    # "additional CTRs with the same phone number will be mapped to the same inferred profile".
    for contact_id in ("c-1", "c-2"):
        put(client, domain, "CTR",
            {"ContactId": contact_id, "Channel": "VOICE",
             "CustomerEndpoint": {"Address": "+15550199", "Type": "TELEPHONE_NUMBER"}})  # fmt: skip
    [profile] = search(client, domain, "_phone", "+15550199")
    assert profile == {"ProfileId": profile["ProfileId"], "PhoneNumber": "+15550199"}
    assert ids({"Items": search(client, domain, "_ctrContactId", "c-2")}) == [profile["ProfileId"]]
    objects = client.list_profile_objects(
        DomainName=domain, ObjectTypeName="CTR", ProfileId=profile["ProfileId"]
    )["Items"]
    assert len(objects) == 2
    assert client.get_domain(DomainName=domain)["Stats"]["ProfileCount"] == 1


@pytest.fixture
def orders(client: Any, domain: str) -> str:
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="Order", Description="orders",
        AllowProfileCreation=False,
        Fields={
            "orderId": {"Source": "_source.id"},
            "email": {"Source": "_source.customer.email", "Target": "_profile.EmailAddress"},
            "name": {"Source": "{{_source.customer.first}} {{_source.customer.last}}"},
            "first": {"Source": "_source.customer.first", "Target": "_profile.FirstName"},
            "city": {"Source": "_source.ship.city", "Target": "_profile.ShippingAddress.City"},
            "status": {"Source": "_source.status", "Target": "_profile.Attributes.lastOrder"},
        },
        Keys={
            "orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["orderId"]}],
            "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}],
            "shopperName": [{"StandardIdentifiers": ["LOOKUP_ONLY"], "FieldNames": ["name"]}],
        },
    )  # fmt: skip
    return "Order"


def order(number: str, status: str = "PLACED", email: str = "jo@example.com") -> dict[str, Any]:
    return {"id": number, "status": status, "total": 42.5,
            "customer": {"email": email, "first": "Jo", "last": "Bloggs"},
            "ship": {"city": "Leeds"}}  # fmt: skip


def test_custom_order_type_attaches_to_existing_profile(
    client: Any, domain: str, orders: str
) -> None:
    profile_id = client.create_profile(DomainName=domain, EmailAddress="jo@example.com")[
        "ProfileId"
    ]
    put(client, domain, orders, order("o-1"))
    [profile] = search(client, domain, "orderId", "o-1")
    assert profile["ProfileId"] == profile_id
    assert profile["FirstName"] == "Jo"
    assert profile["ShippingAddress"] == {"City": "Leeds"}
    assert profile["Attributes"] == {"lastOrder": "PLACED"}
    # LOOKUP_ONLY keys are not stored (admin guide, "Standard identifiers")
    assert search(client, domain, "shopperName", "Jo Bloggs") == []
    stats = client.get_domain(DomainName=domain)["Stats"]
    assert stats["ObjectCount"] == 1 and stats["TotalSize"] == len(json.dumps(order("o-1")))


def test_same_unique_value_replaces_the_object(client: Any, domain: str, orders: str) -> None:
    profile_id = client.create_profile(DomainName=domain, EmailAddress="jo@example.com")[
        "ProfileId"
    ]
    first = put(client, domain, orders, order("o-1", "PLACED"))
    second = put(client, domain, orders, order("o-1", "SHIPPED"))
    assert first == second
    items = client.list_profile_objects(
        DomainName=domain, ObjectTypeName=orders, ProfileId=profile_id
    )["Items"]
    assert [json.loads(i["Object"])["status"] for i in items] == ["SHIPPED"]
    assert client.get_domain(DomainName=domain)["Stats"]["ObjectCount"] == 1


def test_a_new_version_of_an_object_moves_only_the_keys_that_changed(
    client: Any, domain: str, customerprofiles_backend: Any
) -> None:
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="Ticket", Description="tickets",
        AllowProfileCreation=True,
        Fields={"id": {"Source": "_source.id"}, "queue": {"Source": "_source.queue"},
                "phone": {"Source": "_source.phone"}},
        Keys={"ticketId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
              "_phone": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["phone"]}],
              "queue": [{"FieldNames": ["queue"]}]},
    )  # fmt: skip

    def found(key: str, value: str) -> list[str]:
        return [p["ProfileId"] for p in search(client, domain, key, value)]

    ticket = {"id": "t-1", "queue": "billing", "phone": "+15550100"}
    put(client, domain, "Ticket", ticket)
    [profile_id] = found("queue", "billing")
    put(client, domain, "Ticket", ticket)  # unchanged: still found by every key
    assert found("queue", "billing") == found("ticketId", "t-1") == [profile_id]
    put(client, domain, "Ticket", {**ticket, "queue": "returns"})
    assert found("queue", "billing") == []
    assert found("queue", "returns") == found("_phone", "+15550100") == [profile_id]
    assert found("ticketId", "t-1") == [profile_id]
    assert_consistent(customerprofiles_backend)


def test_no_profile_and_no_profile_creation_goes_to_the_dead_letter_queue(
    client: Any, domain: str, orders: str, customerprofiles_backend: Any
) -> None:
    # admin guide, "Additional properties of object types": the object "is created and
    # written to the domain dead-letter queue" (tests/test_dead_letter_queue.py)
    unique_key = put(client, domain, orders, order("o-9", email="stranger@example.com"))
    [dead] = customerprofiles_backend.seed.dead_letter_objects(domain)
    assert dead["ProfileObjectUniqueKey"] == unique_key
    assert "does not allow profile creation" in dead["Message"]
    assert client.get_domain(DomainName=domain)["Stats"] == {
        "ProfileCount": 0, "MeteringProfileCount": 0, "ObjectCount": 0, "TotalSize": 0,
    }  # fmt: skip
    assert_consistent(customerprofiles_backend)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("not json", "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        (json.dumps({"customer": {"email": "jo@example.com"}}), "UNIQUE key orderId (orderId)"),
    ],
)
def test_bad_objects_are_rejected_whole(
    client: Any, domain: str, orders: str, body: str, message: str
) -> None:
    client.create_profile(DomainName=domain, EmailAddress="jo@example.com")
    with pytest.raises(ClientError) as excinfo:
        client.put_profile_object(DomainName=domain, ObjectTypeName=orders, Object=body)
    assert excinfo.value.response["Error"]["Code"] == "BadRequestException"
    assert message in excinfo.value.response["Error"]["Message"]
    assert client.get_domain(DomainName=domain)["Stats"]["ObjectCount"] == 0


def test_unknown_object_type_is_404(client: Any, domain: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.put_profile_object(DomainName=domain, ObjectTypeName="Nope", Object="{}")
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_new_only_and_secondary_keys(client: Any, domain: str) -> None:
    # NEW_ONLY: indexed only when the put created the profile. SECONDARY: consulted only when
    # the other PROFILE keys find nothing (admin guide, "Standard identifiers").
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="Lead", Description="leads", AllowProfileCreation=True,
        Fields={"id": {"Source": "_source.id"}, "phone": {"Source": "_source.phone"},
                "email": {"Source": "_source.email", "Target": "_profile.EmailAddress"}},
        Keys={"leadId": [{"StandardIdentifiers": ["UNIQUE", "PROFILE"], "FieldNames": ["id"]}],
              "leadPhone": [{"StandardIdentifiers": ["PROFILE", "NEW_ONLY"],
                             "FieldNames": ["phone"]}],
              "_email": [{"StandardIdentifiers": ["PROFILE", "SECONDARY"],
                          "FieldNames": ["email"]}]},
    )  # fmt: skip
    put(client, domain, "Lead", {"id": "L1", "phone": "111", "email": "a@x"})
    [created] = search(client, domain, "leadPhone", "111")
    # an existing profile found through a SECONDARY key: the NEW_ONLY key is not indexed
    put(client, domain, "Lead", {"id": "L2", "phone": "222", "email": "a@x"})
    assert ids({"Items": search(client, domain, "leadId", "L2")}) == [created["ProfileId"]]
    assert search(client, domain, "leadPhone", "222") == []


def test_object_filter_and_pagination(client: Any, domain: str, orders: str) -> None:
    profile_id = client.create_profile(DomainName=domain, EmailAddress="jo@example.com")[
        "ProfileId"
    ]
    for n in range(5):
        put(client, domain, orders, order(f"o-{n}"))
    filtered = client.list_profile_objects(
        DomainName=domain, ObjectTypeName=orders, ProfileId=profile_id,
        ObjectFilter={"KeyName": "orderId", "Values": ["o-1", "o-3"]},
    )["Items"]  # fmt: skip
    assert [json.loads(o["Object"])["id"] for o in filtered] == ["o-1", "o-3"]
    page = client.list_profile_objects(
        DomainName=domain, ObjectTypeName=orders, ProfileId=profile_id, MaxResults=2
    )
    rest = client.list_profile_objects(
        DomainName=domain, ObjectTypeName=orders, ProfileId=profile_id, MaxResults=10,
        NextToken=page["NextToken"],
    )  # fmt: skip
    seen = [json.loads(o["Object"])["id"] for o in page["Items"] + rest["Items"]]
    assert seen == [f"o-{n}" for n in range(5)]


def test_delete_profile_object_removes_its_keys(client: Any, domain: str, orders: str) -> None:
    profile_id = client.create_profile(DomainName=domain, EmailAddress="jo@example.com")[
        "ProfileId"
    ]
    unique_key = put(client, domain, orders, order("o-1"))
    client.delete_profile_object(
        DomainName=domain, ObjectTypeName=orders, ProfileId=profile_id,
        ProfileObjectUniqueKey=unique_key,
    )  # fmt: skip
    assert search(client, domain, "orderId", "o-1") == []
    assert client.get_domain(DomainName=domain)["Stats"]["ObjectCount"] == 0
    with pytest.raises(ClientError) as excinfo:
        client.delete_profile_object(
            DomainName=domain, ObjectTypeName=orders, ProfileId=profile_id,
            ProfileObjectUniqueKey=unique_key,
        )  # fmt: skip
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_delete_type_removes_objects_and_scrubs_fields(
    client: Any, domain: str, orders: str, customerprofiles_backend: Any
) -> None:
    # Seed: DeleteProfileObjectType "scrubs all of the fields of the standard profile that
    # were populated from this ProfileObjectType".
    profile_id = client.create_profile(
        DomainName=domain, EmailAddress="jo@example.com", LastName="Bloggs"
    )["ProfileId"]
    put(client, domain, orders, order("o-1"))
    client.delete_profile_object_type(DomainName=domain, ObjectTypeName=orders)
    [profile] = search(client, domain, "_profileId", profile_id)
    # FirstName, ShippingAddress.City and the attribute came from orders; EmailAddress had
    # that value before the order arrived, so the order did not populate it.
    assert profile == {
        "ProfileId": profile_id,
        "EmailAddress": "jo@example.com",
        "LastName": "Bloggs",
    }
    assert search(client, domain, "orderId", "o-1") == []
    assert client.get_domain(DomainName=domain)["Stats"]["ObjectCount"] == 0
    assert_consistent(customerprofiles_backend)


def test_scrub_keeps_values_changed_since(client: Any, domain: str, orders: str) -> None:
    profile_id = client.create_profile(DomainName=domain, EmailAddress="jo@example.com")[
        "ProfileId"
    ]
    put(client, domain, orders, order("o-1"))
    client.update_profile(DomainName=domain, ProfileId=profile_id, FirstName="Joanna")
    client.delete_profile_object_type(DomainName=domain, ObjectTypeName=orders)
    [profile] = search(client, domain, "_profileId", profile_id)
    assert profile["FirstName"] == "Joanna"


def test_deleting_a_profile_deletes_its_objects(client: Any, domain: str, orders: str) -> None:
    profile_id = client.create_profile(DomainName=domain, EmailAddress="jo@example.com")[
        "ProfileId"
    ]
    put(client, domain, orders, order("o-1"))
    client.delete_profile(DomainName=domain, ProfileId=profile_id)
    assert client.get_domain(DomainName=domain)["Stats"]["ObjectCount"] == 0
    assert search(client, domain, "orderId", "o-1") == []


def define_visits(client: Any, domain: str) -> None:
    """Visits, kept two days."""
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="Visit", Description="web visits", ExpirationDays=2,
        AllowProfileCreation=True,
        Fields={"id": {"Source": "_source.id"}},
        Keys={"visitId": [{"StandardIdentifiers": ["UNIQUE", "PROFILE"], "FieldNames": ["id"]}]},
    )  # fmt: skip


def test_objects_expire_by_the_mock_clock(
    client: Any, domain: str, customerprofiles_backend: Any
) -> None:
    define_visits(client, domain)
    start = datetime(2030, 1, 1, 12, 0, 0)
    with freeze_time(start) as clock:
        put(client, domain, "Visit", {"id": "v-1"})
        clock.tick(timedelta(days=1))
        put(client, domain, "Visit", {"id": "v-2"})
        assert client.get_domain(DomainName=domain)["Stats"]["ObjectCount"] == 2
        clock.tick(timedelta(days=1, seconds=1))  # v-1 is now older than two days
        assert client.get_domain(DomainName=domain)["Stats"]["ObjectCount"] == 1
        assert search(client, domain, "visitId", "v-1") == []
        assert len(search(client, domain, "visitId", "v-2")) == 1
        clock.tick(timedelta(days=1))
        assert client.get_domain(DomainName=domain)["Stats"]["ObjectCount"] == 0
    assert_consistent(customerprofiles_backend)


def test_a_re_put_object_expires_from_its_latest_put(
    client: Any, domain: str, customerprofiles_backend: Any
) -> None:
    define_visits(client, domain)
    with freeze_time(datetime(2030, 1, 1, 12, 0, 0)) as clock:
        for _ in range(200):  # a record synced again and again
            put(client, domain, "Visit", {"id": "v-1"})
            clock.tick(timedelta(minutes=10))  # 200 puts over about 33 hours
        # what waits for expiry holds about one entry per object, not one per put
        assert len(customerprofiles_backend.domains[domain].objects._expiry) <= 2
        clock.tick(timedelta(days=2) - timedelta(minutes=20))
        assert client.get_domain(DomainName=domain)["Stats"]["ObjectCount"] == 1
        clock.tick(timedelta(minutes=20))  # two days after the last put
        assert client.get_domain(DomainName=domain)["Stats"]["ObjectCount"] == 0
    assert_consistent(customerprofiles_backend)


def test_domain_default_expiration_applies_without_a_type_setting(client: Any) -> None:
    client.create_domain(DomainName="short", DefaultExpirationDays=1)
    with freeze_time(datetime(2030, 6, 1)) as clock:
        put(client, "short", "CTR", {"ContactId": "c", "CustomerEndpoint": {"Address": "+1"}})
        clock.tick(timedelta(hours=23))
        assert client.get_domain(DomainName="short")["Stats"]["ObjectCount"] == 1
        clock.tick(timedelta(hours=2))
        assert client.get_domain(DomainName="short")["Stats"]["ObjectCount"] == 0


def test_max_profile_object_count_keeps_the_newest(client: Any, domain: str, orders: str) -> None:
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="Recent", Description="recent", MaxProfileObjectCount=2,
        AllowProfileCreation=True,
        Fields={"id": {"Source": "_source.id"}, "who": {"Source": "_source.who"}},
        Keys={"recentId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
              "who": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["who"]}]},
    )  # fmt: skip
    for n in range(4):
        put(client, domain, "Recent", {"id": f"r{n}", "who": "w"})
    [profile] = search(client, domain, "who", "w")
    items = client.list_profile_objects(
        DomainName=domain, ObjectTypeName="Recent", ProfileId=profile["ProfileId"]
    )["Items"]
    assert [json.loads(i["Object"])["id"] for i in items] == ["r2", "r3"]


def test_redefining_a_type_applies_its_new_fields_to_the_next_put(client: Any, domain: str) -> None:
    # API_PutProfileObjectType creates or updates a type: a put after an update reads the
    # object by the new Fields (sources and targets), not by those of the earlier puts.
    def define(fields: dict[str, Any]) -> None:
        client.put_profile_object_type(
            DomainName=domain, ObjectTypeName="Contact", Description="contacts",
            AllowProfileCreation=True, Fields={"id": {"Source": "_source.id"}, **fields},
            Keys={"id": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
                  "_phone": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["phone"]}]},
        )  # fmt: skip

    define({"phone": {"Source": "_source.phone", "Target": "_profile.PhoneNumber"},
            "name": {"Source": "_source.name", "Target": "_profile.FirstName"}})  # fmt: skip
    put(client, domain, "Contact", {"id": "1", "phone": "+15550100", "name": "Ana",
                                     "contact": {"phone": "+15550199", "name": "Bo"}})  # fmt: skip
    [first] = search(client, domain, "_phone", "+15550100")
    assert first["FirstName"] == "Ana"
    define({"phone": {"Source": "_source.contact.phone", "Target": "_profile.PhoneNumber"},
            "name": {"Source": "_source.contact.name", "Target": "_profile.LastName"}})  # fmt: skip
    put(client, domain, "Contact", {"id": "2", "phone": "+15550100", "name": "Ana",
                                     "contact": {"phone": "+15550199", "name": "Bo"}})  # fmt: skip
    [second] = search(client, domain, "_phone", "+15550199")
    assert second["ProfileId"] != first["ProfileId"]
    assert (second.get("FirstName"), second["LastName"]) == (None, "Bo")


def test_redefining_a_type_applies_its_new_keys_to_the_next_put(client: Any, domain: str) -> None:
    # The unique key and the profile key both follow the type's latest Keys.
    def define(unique: str, profile_key: str) -> None:
        client.put_profile_object_type(
            DomainName=domain, ObjectTypeName="Ticket", Description="tickets",
            AllowProfileCreation=True,
            Fields={"id": {"Source": "_source.id"}, "ref": {"Source": "_source.ref"},
                    "email": {"Source": "_source.email", "ContentType": "EMAIL_ADDRESS"},
                    "phone": {"Source": "_source.phone", "ContentType": "PHONE_NUMBER"}},
            Keys={"ticket": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": [unique]}],
                  profile_key: [{"StandardIdentifiers": ["PROFILE"],
                                 "FieldNames": [profile_key.lstrip("_")]}]},
        )  # fmt: skip

    alice = client.create_profile(DomainName=domain, EmailAddress="alice@example.com")["ProfileId"]
    bob = client.create_profile(DomainName=domain, PhoneNumber="+15550142")["ProfileId"]
    ticket = {"id": "t-1", "ref": "r-1", "email": "alice@example.com", "phone": "+15550142"}
    define(unique="id", profile_key="_email")
    by_id = put(client, domain, "Ticket", ticket)
    define(unique="ref", profile_key="_phone")
    by_ref = put(client, domain, "Ticket", ticket)
    assert by_ref != by_id  # a new unique key: a second object, not a new version of the first

    def objects(profile_id: str) -> list[str]:
        listed = client.list_profile_objects(
            DomainName=domain, ObjectTypeName="Ticket", ProfileId=profile_id
        )["Items"]
        return [item["ProfileObjectUniqueKey"] for item in listed]

    assert (objects(alice), objects(bob)) == ([by_id], [by_ref])
