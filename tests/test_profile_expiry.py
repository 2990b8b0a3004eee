"""Profiles expire (admin guide, "Connect Customer Profiles data expiration",
customer-profiles-data-expiration.html): "If a profile has not been updated within a
specified amount of time, it will expire ... and removed from the Customer Profiles
domain". Profiles created through CreateProfile expire after the domain's
DefaultExpirationDays; profiles created or updated through PutProfileObject after the
object type's ExpirationDays, the domain's when the type has none. The mock's clock
decides, so freezegun moves it."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from freezegun import freeze_time

from tests.consistency import assert_consistent
from tests.refusals import refused

START = datetime(2030, 1, 1, 12, 0, 0)
DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)


def found(client: Any, domain: str, key: str, value: str) -> list[str]:
    items = client.search_profiles(DomainName=domain, KeyName=key, Values=[value])["Items"]
    return [p["ProfileId"] for p in items]


def profile_count(client: Any, domain: str) -> int:
    return int(client.get_domain(DomainName=domain)["Stats"]["ProfileCount"])


@pytest.fixture
def short_lived(client: Any) -> str:
    client.create_domain(DomainName="short-lived", DefaultExpirationDays=3)
    client.put_profile_object_type(
        DomainName="short-lived", ObjectTypeName="Visit", Description="visits",
        AllowProfileCreation=True, ExpirationDays=1,
        Fields={"id": {"Source": "_source.id"},
                "email": {"Source": "_source.email", "ContentType": "EMAIL_ADDRESS"}},
        Keys={"visitId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
              "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}]},
    )  # fmt: skip
    client.put_profile_object_type(
        DomainName="short-lived", ObjectTypeName="Note", Description="notes, no expiry of its own",
        AllowProfileCreation=True,
        Fields={"id": {"Source": "_source.id"}, "email": {"Source": "_source.email"}},
        Keys={"noteId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
              "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}]},
    )  # fmt: skip
    return "short-lived"


def put(client: Any, domain: str, type_name: str, document: dict[str, Any]) -> None:
    client.put_profile_object(
        DomainName=domain, ObjectTypeName=type_name, Object=json.dumps(document)
    )


def test_a_profile_created_through_the_api_expires_after_the_domain_default(
    client: Any, short_lived: str, customerprofiles_backend: Any
) -> None:
    with freeze_time(START) as clock:
        pat = client.create_profile(
            DomainName=short_lived, EmailAddress="pat@example.com", PhoneNumber="+15550100"
        )["ProfileId"]
        client.add_profile_key(
            DomainName=short_lived, ProfileId=pat, KeyName="loyalty", Values=["L-1"]
        )
        clock.tick(3 * DAY - SECOND)
        assert found(client, short_lived, "_email", "pat@example.com") == [pat]
        clock.tick(2 * SECOND)
        assert found(client, short_lived, "_email", "pat@example.com") == []
        assert found(client, short_lived, "loyalty", "L-1") == []
        assert profile_count(client, short_lived) == 0
        batch = client.batch_get_profile(DomainName=short_lived, ProfileIds=[pat])
        assert batch["Profiles"] == [] and batch["Errors"][0]["ProfileId"] == pat
        # the profile's history says what happened, and stays readable
        records = client.list_profile_history_records(DomainName=short_lived, ProfileId=pat)[
            "ProfileHistoryRecords"
        ]
        assert [r["ActionType"] for r in records] == ["EXPIRED", "ADDED_PROFILE_KEY", "CREATED"]
        assert records[0]["ObjectTypeName"] == "_profile"
        content = client.get_profile_history_record(
            DomainName=short_lived, ProfileId=pat, Id=records[0]["Id"]
        )["Content"]
        assert json.loads(content)["EmailAddress"] == "pat@example.com"
    assert_consistent(customerprofiles_backend)


def test_an_update_restarts_the_clock(client: Any, short_lived: str) -> None:
    with freeze_time(START) as clock:
        pat = client.create_profile(DomainName=short_lived, FirstName="Pat")["ProfileId"]
        clock.tick(2 * DAY)
        client.update_profile(DomainName=short_lived, ProfileId=pat, LastName="Lee")
        clock.tick(2 * DAY)
        assert profile_count(client, short_lived) == 1
        clock.tick(DAY + SECOND)
        assert profile_count(client, short_lived) == 0


def test_a_profile_created_by_ingestion_expires_with_its_object_type(
    client: Any, short_lived: str, customerprofiles_backend: Any
) -> None:
    with freeze_time(START) as clock:
        put(client, short_lived, "Visit", {"id": "v-1", "email": "ann@example.com"})
        [ann] = found(client, short_lived, "_email", "ann@example.com")
        clock.tick(DAY + SECOND)  # the type's ExpirationDays, not the domain's three
        assert found(client, short_lived, "_email", "ann@example.com") == []
        assert profile_count(client, short_lived) == 0
        records = client.list_profile_history_records(
            DomainName=short_lived, ProfileId=ann, ActionType="EXPIRED"
        )["ProfileHistoryRecords"]
        assert [r["ObjectTypeName"] for r in records] == ["_profile", "Visit"]
    assert_consistent(customerprofiles_backend)


def test_an_object_type_without_expiration_days_uses_the_domain_default(
    client: Any, short_lived: str
) -> None:
    with freeze_time(START) as clock:
        put(client, short_lived, "Note", {"id": "n-1", "email": "ann@example.com"})
        clock.tick(3 * DAY - SECOND)
        assert profile_count(client, short_lived) == 1
        clock.tick(2 * SECOND)
        assert profile_count(client, short_lived) == 0


def test_ingestion_keeps_a_profile_alive(client: Any, short_lived: str) -> None:
    # "Profiles created or updated by using PutProfileObject will always respect the
    # ExpirationDays defined on the object type associated to them": each object attached
    # renews the profile by the type's days, counted from then.
    with freeze_time(START) as clock:
        pat = client.create_profile(DomainName=short_lived, EmailAddress="pat@example.com")[
            "ProfileId"
        ]
        clock.tick(2 * DAY)
        put(client, short_lived, "Note", {"id": "n-1", "email": "pat@example.com"})
        clock.tick(2 * DAY)  # four days after creation, two after the object
        assert found(client, short_lived, "_profileId", pat) == [pat]
        put(client, short_lived, "Visit", {"id": "v-1", "email": "pat@example.com"})
        clock.tick(DAY + SECOND)  # the last update was a Visit: one day
        assert found(client, short_lived, "_profileId", pat) == []


def test_deleting_a_profile_stops_its_clock(
    client: Any, short_lived: str, customerprofiles_backend: Any
) -> None:
    with freeze_time(START) as clock:
        pat = client.create_profile(DomainName=short_lived, FirstName="Pat")["ProfileId"]
        client.delete_profile(DomainName=short_lived, ProfileId=pat)
        clock.tick(4 * DAY)
        assert profile_count(client, short_lived) == 0
        actions = [
            r["ActionType"]
            for r in client.list_profile_history_records(DomainName=short_lived, ProfileId=pat)[
                "ProfileHistoryRecords"
            ]
        ]
        assert actions == ["DELETED_BY_CUSTOMER", "CREATED"]  # not expired as well
    assert_consistent(customerprofiles_backend)


def alive(client: Any, domain: str, *profile_ids: str) -> list[str]:
    """Which of ``profile_ids`` the domain still holds (one call: one tick)."""
    batch = client.batch_get_profile(DomainName=domain, ProfileIds=list(profile_ids))
    held = {p["ProfileId"] for p in batch["Profiles"]}
    return [p for p in profile_ids if p in held]


def test_profiles_expire_by_their_own_time_whatever_order_it_was_set_in(
    client: Any, short_lived: str, customerprofiles_backend: Any
) -> None:
    # A profile written later may expire sooner (its object type's days), and a clock
    # moved back sets an expiry before those already set: each still expires on time.
    with freeze_time(START + 10 * DAY) as clock:
        dee = client.create_profile(DomainName=short_lived, FirstName="Dee")["ProfileId"]
        clock.move_to(START)  # back: the expiries set from now are before Dee's
        ann = client.create_profile(DomainName=short_lived, FirstName="Ann")["ProfileId"]
        clock.tick(timedelta(hours=1))
        put(client, short_lived, "Visit", {"id": "v-1", "email": "bo@example.com"})
        [bo] = found(client, short_lived, "_email", "bo@example.com")  # one day: sooner
        clock.tick(timedelta(hours=1))
        cy = client.create_profile(DomainName=short_lived, FirstName="Cy")["ProfileId"]
        everyone = (ann, bo, cy, dee)
        clock.move_to(START + DAY + timedelta(hours=1) - SECOND)
        assert alive(client, short_lived, *everyone) == list(everyone)
        clock.tick(2 * SECOND)
        assert alive(client, short_lived, *everyone) == [ann, cy, dee]
        clock.move_to(START + 3 * DAY + SECOND)
        assert alive(client, short_lived, *everyone) == [cy, dee]
        clock.move_to(START + 3 * DAY + timedelta(hours=2) + SECOND)
        assert alive(client, short_lived, *everyone) == [dee]
        clock.move_to(START + 13 * DAY + SECOND)
        assert alive(client, short_lived, *everyone) == []
    assert_consistent(customerprofiles_backend)


def test_profiles_expiring_at_one_tick_are_recorded_soonest_first(
    client: Any, short_lived: str
) -> None:
    with freeze_time(START) as clock:
        ann = client.create_profile(DomainName=short_lived, FirstName="Ann")["ProfileId"]
        clock.tick(timedelta(hours=1))
        put(client, short_lived, "Visit", {"id": "v-1", "email": "bo@example.com"})
        [bo] = found(client, short_lived, "_email", "bo@example.com")
        clock.tick(4 * DAY)
        assert profile_count(client, short_lived) == 0

        def expired_id(profile_id: str) -> str:
            records = client.list_profile_history_records(
                DomainName=short_lived, ProfileId=profile_id, ActionType="EXPIRED"
            )["ProfileHistoryRecords"]
            return str(records[0]["Id"])

        assert expired_id(bo) < expired_id(ann)  # Bo's expiry, a day, came first


@pytest.mark.parametrize("call", ["update", "delete"])
def test_a_failed_call_leaves_each_profiles_expiry_as_it_was(
    client: Any, short_lived: str, call: str, customerprofiles_backend: Any
) -> None:
    # The call renews (or forgets) Ann's expiry and then fails: undone, Ann expires when
    # she would have, with Bo, set after her, and Cy, set after the call.
    with freeze_time(START) as clock:
        ann = client.create_profile(DomainName=short_lived, FirstName="Ann")["ProfileId"]
        bo = client.create_profile(DomainName=short_lived, FirstName="Bo")["ProfileId"]
        clock.tick(DAY)
        with refused():
            if call == "update":
                client.update_profile(DomainName=short_lived, ProfileId=ann, LastName="Lee")
            else:
                client.delete_profile(DomainName=short_lived, ProfileId=ann)
        cy = client.create_profile(DomainName=short_lived, FirstName="Cy")["ProfileId"]
        clock.tick(2 * DAY - SECOND)
        assert alive(client, short_lived, ann, bo, cy) == [ann, bo, cy]
        clock.tick(2 * SECOND)
        assert alive(client, short_lived, ann, bo, cy) == [cy]
        clock.tick(DAY)
        assert alive(client, short_lived, ann, bo, cy) == []
    assert_consistent(customerprofiles_backend)


def test_a_failed_call_that_expired_profiles_puts_them_back_in_their_turn(
    client: Any, short_lived: str, customerprofiles_backend: Any
) -> None:
    with freeze_time(START) as clock:
        ann = client.create_profile(DomainName=short_lived, FirstName="Ann")["ProfileId"]
        clock.tick(timedelta(hours=1))
        bo = client.create_profile(DomainName=short_lived, FirstName="Bo")["ProfileId"]
        clock.tick(3 * DAY - timedelta(minutes=30))  # Ann is due, Bo not yet
        with refused():
            client.get_domain(DomainName=short_lived)
        assert alive(client, short_lived, ann, bo) == [bo]
        clock.tick(timedelta(hours=1))
        assert alive(client, short_lived, ann, bo) == []
    assert_consistent(customerprofiles_backend)


def test_a_failed_call_that_expired_a_profile_set_out_of_order_puts_it_back_once(
    client: Any, short_lived: str, customerprofiles_backend: Any
) -> None:
    # Bo's expiry (a visit's day) is set after Ann's (the domain's three days) and is
    # sooner: it waits out of order. A call that expires him fails and is undone; the
    # next call expires him once (his entry, put back, must not stand twice).
    with freeze_time(START) as clock:
        ann = client.create_profile(DomainName=short_lived, FirstName="Ann")["ProfileId"]
        put(client, short_lived, "Visit", {"id": "v-1", "email": "bo@example.com"})
        [bo] = found(client, short_lived, "_email", "bo@example.com")
        clock.tick(2 * DAY)
        with refused():
            client.get_domain(DomainName=short_lived)
        assert alive(client, short_lived, ann, bo) == [ann]
        assert alive(client, short_lived, ann, bo) == [ann]
        clock.tick(2 * DAY)
        assert alive(client, short_lived, ann, bo) == []
    assert_consistent(customerprofiles_backend)


def test_profiles_due_at_the_same_moment_expire_in_the_order_of_their_ids(
    client: Any, short_lived: str
) -> None:
    with freeze_time(START) as clock:
        made = [
            client.create_profile(DomainName=short_lived, FirstName=f"P{n}")["ProfileId"]
            for n in range(6)
        ]
        clock.tick(4 * DAY)
        assert profile_count(client, short_lived) == 0
        expired = {
            client.list_profile_history_records(
                DomainName=short_lived, ProfileId=profile_id, ActionType="EXPIRED"
            )["ProfileHistoryRecords"][0]["Id"]: profile_id
            for profile_id in made
        }
        assert [expired[record_id] for record_id in sorted(expired)] == sorted(made)
