"""A refused call that took objects away (a delete, a re-put, expiry) leaves everything as
it was: the state a dump holds, and what the backend derives from it (the search index's
postings and the sources holding each, the object store's orders and its expiry queue)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from freezegun import freeze_time

import cp_mock
from cp_mock import dump_state
from tests import refusals
from tests.consistency import assert_consistent, derived_state
from tests.factories import orders_domain_once

EMAIL = "shared@example.com"


@pytest.fixture
def once(customerprofiles_mock: Any) -> Any:
    """A client that makes one attempt: a refused call is not tried again."""
    return orders_domain_once("undo")


def put(client: Any, order_id: str, email: str = EMAIL) -> str:
    body = json.dumps({"id": order_id, "email": email})
    answer = client.put_profile_object(DomainName="undo", ObjectTypeName="Order", Object=body)
    return str(answer["ProfileObjectUniqueKey"])


def everything() -> tuple[str, Any]:
    backend = cp_mock.get_backend()
    objects = backend.domains["undo"].objects
    waiting = {o.key: o.queued for by_key in objects.by_type.values() for o in by_key.values()}
    queue = (objects._expiry.entries(), waiting, dict(objects._pending))
    shared = dict(backend.domains["undo"].index._shared)
    return json.dumps(dump_state()), (derived_state(backend), queue, shared)


def refused() -> Any:
    """The call inside does all it does, its answer cannot be written, and it leaves
    everything as it was."""
    return refusals.refused(everything)


def profile_of(client: Any) -> str:
    found = client.search_profiles(DomainName="undo", KeyName="_email", Values=[EMAIL])
    (profile,) = found["Items"]
    return str(profile["ProfileId"])


@pytest.mark.parametrize("holders", [2, 3, 5])
def test_a_refused_delete_gives_a_shared_key_its_holder_back(once: Any, holders: int) -> None:
    # Every object holds the profile's one e-mail posting: a delete takes one holder away
    # (from two, the posting is left with one holder kept as itself).
    keys = [put(once, f"o-{n}") for n in range(holders)]
    profile_id = profile_of(once)

    def delete(key: str) -> None:
        once.delete_profile_object(DomainName="undo", ProfileId=profile_id,
                                   ProfileObjectUniqueKey=key, ObjectTypeName="Order")  # fmt: skip

    for key in (keys[0], keys[-1]):
        with refused():
            delete(key)
    delete(keys[0])
    holdings = cp_mock.get_backend().domains["undo"].index.holdings(profile_id)
    assert len(holdings[("email", EMAIL)]) == holders - 1
    assert_consistent(cp_mock.get_backend())


def test_a_refused_re_put_that_moves_a_key_leaves_both_postings(once: Any) -> None:
    put(once, "o-1")
    put(once, "o-2")
    with refused():
        put(once, "o-1", "other@example.com")  # o-1 leaves the shared posting
    assert len(once.search_profiles(DomainName="undo", KeyName="email",
                                    Values=["other@example.com"])["Items"]) == 0  # fmt: skip
    assert_consistent(cp_mock.get_backend())


def test_refused_expiry_puts_the_objects_and_their_queue_back(once: Any) -> None:
    with freeze_time(datetime(2030, 1, 1, 12, 0, 0)) as clock:
        for n in range(4):
            put(once, f"o-{n}")
            clock.tick(timedelta(hours=1))
        put(once, "o-1")  # put again: it expires an hour after the last
        profile_id = profile_of(once)
        gone = put(once, "o-2")  # (put again, and then deleted: its entry waits on)
        once.delete_profile_object(DomainName="undo", ProfileId=profile_id,
                                   ProfileObjectUniqueKey=gone, ObjectTypeName="Order")  # fmt: skip
        clock.tick(timedelta(days=30) - timedelta(hours=2))  # o-0 and o-2 are due
        with refused():
            once.get_domain(DomainName="undo")
        assert once.get_domain(DomainName="undo")["Stats"]["ObjectCount"] == 2
        clock.tick(timedelta(minutes=90))  # and o-3, not o-1
        assert once.get_domain(DomainName="undo")["Stats"]["ObjectCount"] == 1
        assert_consistent(cp_mock.get_backend())


def test_objects_put_out_of_expiry_order_expire_in_order_and_undo_exactly(once: Any) -> None:
    # Visits expire after a day, orders after 30: a visit put after an order expires
    # before it, so it waits out of the order of its put.
    once.put_profile_object_type(
        DomainName="undo", ObjectTypeName="Visit", Description="visits", ExpirationDays=1,
        AllowProfileCreation=True, Fields={"id": {"Source": "_source.id"}},
        Keys={"visitId": [{"StandardIdentifiers": ["UNIQUE", "PROFILE"], "FieldNames": ["id"]}]},
    )  # fmt: skip

    def visit(visit_id: str) -> None:
        body = json.dumps({"id": visit_id})
        once.put_profile_object(DomainName="undo", ObjectTypeName="Visit", Object=body)

    with freeze_time(datetime(2030, 1, 1, 12, 0, 0)) as clock:
        put(once, "o-0")
        with refused():
            visit("v-0")
        visit("v-0")
        clock.tick(timedelta(hours=1))
        with refused():
            put(once, "o-1")
        put(once, "o-1")
        visit("v-1")
        clock.tick(timedelta(days=1))  # both visits are due, no order
        with refused():
            once.get_domain(DomainName="undo")
        assert once.get_domain(DomainName="undo")["Stats"]["ObjectCount"] == 2
        clock.tick(timedelta(days=29, minutes=-1))  # o-0 is due, o-1 not
        assert once.get_domain(DomainName="undo")["Stats"]["ObjectCount"] == 1
        assert_consistent(cp_mock.get_backend())


def test_objects_holding_one_value_keep_one_string_and_undo_gives_it_back(once: Any) -> None:
    keys = [put(once, f"o-{n}") for n in range(3)]
    profile_id = profile_of(once)
    objects = cp_mock.get_backend().domains["undo"].objects
    emails = [objects.get("Order", key).values_of("email")[0] for key in keys]  # type: ignore[union-attr]
    assert emails[1] is emails[2]  # (from the second holder on, the one string the index keeps)

    def delete(key: str) -> None:
        once.delete_profile_object(DomainName="undo", ProfileId=profile_id,
                                   ProfileObjectUniqueKey=key, ObjectTypeName="Order")  # fmt: skip

    delete(keys[0])
    delete(keys[1])
    with refused():
        delete(keys[2])  # the value's last holder: the index forgets the string
    with refused():
        once.delete_profile_key(DomainName="undo", ProfileId=profile_id, KeyName="email",
                                Values=[EMAIL])  # fmt: skip
    delete(keys[2])
    assert EMAIL not in cp_mock.get_backend().domains["undo"].index._shared


def test_a_refused_delete_of_a_profiles_one_object_puts_it_back(once: Any) -> None:
    key = put(once, "o-1")
    profile_id = profile_of(once)
    with refused():
        once.delete_profile_object(DomainName="undo", ProfileId=profile_id,
                                   ProfileObjectUniqueKey=key, ObjectTypeName="Order")  # fmt: skip
    items = once.list_profile_objects(DomainName="undo", ObjectTypeName="Order",
                                      ProfileId=profile_id)["Items"]  # fmt: skip
    assert [item["ProfileObjectUniqueKey"] for item in items] == [key]
    with refused():
        put(once, "o-2")  # the profile's second object
    put(once, "o-2")
    items = once.list_profile_objects(DomainName="undo", ObjectTypeName="Order",
                                      ProfileId=profile_id)["Items"]  # fmt: skip
    assert len(items) == 2


def test_a_refused_re_put_gives_the_object_its_version_back_in_its_place(once: Any) -> None:
    # A re-put gives the stored object its new version in place (it is what the index
    # knows its keys by): body, keys, profile, put time and expiry all change, and a
    # refused one puts each back, with the object's place in both orders.
    with freeze_time(datetime(2030, 1, 1, 12, 0, 0)) as clock:
        first = put(once, "o-1")
        put(once, "o-2")
        put(once, "o-3", "other@example.com")
        objects = cp_mock.get_backend().domains["undo"].objects
        stored = objects.get("Order", first)
        clock.tick(timedelta(hours=1))
        with refused():
            put(once, "o-1", "other@example.com")  # moves to the other profile
        with refused():
            put(once, "o-1")  # the same keys, a later put
        assert objects.get("Order", first) is stored
        put(once, "o-1", "other@example.com")
        assert objects.get("Order", first) is stored  # (the one object, renewed)
        other = once.search_profiles(DomainName="undo", KeyName="_email",
                                     Values=["other@example.com"])["Items"][0]  # fmt: skip
        items = once.list_profile_objects(DomainName="undo", ObjectTypeName="Order",
                                          ProfileId=other["ProfileId"])["Items"]  # fmt: skip
        assert [json.loads(item["Object"])["id"] for item in items] == ["o-3", "o-1"]
        assert stored is not None and stored.put_at == datetime(2030, 1, 1, 13, tzinfo=timezone.utc)
        assert stored.put_seconds == stored.put_at.timestamp()
        assert_consistent(cp_mock.get_backend())


def test_a_refused_put_gives_a_standard_record_its_version_back(once: Any) -> None:
    # The put writes to a standard record the profile holds (a case, by its key): the
    # record is renewed in place, and a refused put gives it its fields back.
    once.put_profile_object_type(
        DomainName="undo", ObjectTypeName="Ticket", Description="tickets",
        AllowProfileCreation=True,
        Fields={"id": {"Source": "_source.id", "Target": "_case.Title"},
                "status": {"Source": "_source.status", "Target": "_case.Status"},
                "email": {"Source": "_source.email", "Target": "_profile.EmailAddress"}},
        Keys={"ticketId": [{"StandardIdentifiers": ["UNIQUE", "CASE"], "FieldNames": ["id"]}],
              "email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}]},
    )  # fmt: skip

    def ticket(status: str) -> None:
        body = json.dumps({"id": "t-1", "status": status, "email": EMAIL})
        once.put_profile_object(DomainName="undo", ObjectTypeName="Ticket", Object=body)

    ticket("OPEN")
    with refused():
        ticket("CLOSED")
    ticket("CLOSED")
    (case,) = once.list_profile_objects(DomainName="undo", ObjectTypeName="_case",
                                        ProfileId=profile_of(once))["Items"]  # fmt: skip
    assert json.loads(case["Object"])["Status"] == "CLOSED"
    assert_consistent(cp_mock.get_backend())


def test_objects_put_at_one_moment_or_back_in_time_keep_their_order_through_undo(
    once: Any,
) -> None:
    # An object's place in the store's order is its put moment when that is later than
    # the last object's, else just after the last: puts at one frozen moment, and a put
    # after the clock went back, are still in the order they were added.
    with freeze_time(datetime(2030, 1, 1, 12, 0, 0)) as clock:
        keys = [put(once, f"o-{n}") for n in range(3)]
        clock.move_to(datetime(2029, 6, 1))
        keys.append(put(once, "o-3"))
        profile_id = profile_of(once)

        def listed() -> list[str]:
            items = once.list_profile_objects(DomainName="undo", ObjectTypeName="Order",
                                              ProfileId=profile_id)["Items"]  # fmt: skip
            return [json.loads(item["Object"])["id"] for item in items]

        for key in keys[:2]:
            with refused():
                once.delete_profile_object(
                    DomainName="undo", ProfileId=profile_id, ProfileObjectUniqueKey=key,
                    ObjectTypeName="Order",
                )  # fmt: skip
        assert listed() == ["o-0", "o-1", "o-2", "o-3"]
        put(once, "o-1")
        with refused():
            put(once, "o-2")
        assert listed() == ["o-0", "o-2", "o-3", "o-1"]
        objects = cp_mock.get_backend().domains["undo"].objects
        clock.move_to(datetime(2030, 2, 1))
        newest = objects.get("Order", put(once, "o-4"))
        assert newest is not None and newest.sequence is newest.put_moment  # (no float more)
        assert_consistent(cp_mock.get_backend())


def test_a_deleted_object_waiting_for_its_expiry_entry_keeps_only_its_name(once: Any) -> None:
    # The expiry queue's entry for a deleted object waits until its time; once the delete
    # has succeeded, the object it holds keeps its type name and unique key, which the
    # entry is checked by, not its body or keys. A refused delete lets go of nothing.
    keys = [put(once, f"o-{n}") for n in range(2)]
    profile_id = profile_of(once)
    objects = cp_mock.get_backend().domains["undo"].objects

    def delete(key: str) -> None:
        once.delete_profile_object(DomainName="undo", ProfileId=profile_id,
                                   ProfileObjectUniqueKey=key, ObjectTypeName="Order")  # fmt: skip

    with refused():
        delete(keys[0])
    delete(keys[0])
    waiting = [stored for _, _, stored in objects._expiry.entries()]
    assert [(s.unique_key, s.body, s.keys) for s in waiting if s.unique_key == keys[0]] == [
        (keys[0], "", {})
    ]
    assert not objects._pending
    put(once, "o-0")  # (a new object of the unique key: its own entry)
    with freeze_time(datetime.now(timezone.utc) + timedelta(days=31)):
        assert once.get_domain(DomainName="undo")["Stats"]["ObjectCount"] == 0
    assert len(objects._expiry) == 0
    assert_consistent(cp_mock.get_backend())
