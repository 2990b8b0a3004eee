"""What holds a profile's search keys, as the searches show it: a key stays searchable
while any source holds it (the profile's fields, AddProfileKey, an object, a merged
profile) and goes with its last holder, whichever order they come and go in; a refused
call leaves the index as it was. The index keeps no entry for an object's key that
nothing else holds, so these follow each way a key comes to have several holders."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import cp_mock
from cp_mock import dump_state
from tests import refusals
from tests.consistency import assert_consistent, assert_holders_counted, derived_state

DOMAIN = "holders"
FIELDS = {name: {"Source": f"_source.{name}"} for name in ("id", "email", "ref", "tag")}
KEYS = {
    "orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
    "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}],
    "ref": [{"FieldNames": ["ref"]}],
    "tag": [{"StandardIdentifiers": ["NEW_ONLY"], "FieldNames": ["tag"]}],
}


@pytest.fixture
def shop(customerprofiles_mock: Any) -> Any:
    """A client making one attempt a call (a refused call is not tried again), with the
    "Order" type."""
    client = boto3.client("customer-profiles", region_name="us-east-1",
                          config=Config(retries={"total_max_attempts": 1}))  # fmt: skip
    client.create_domain(DomainName=DOMAIN, DefaultExpirationDays=30)
    client.put_profile_object_type(DomainName=DOMAIN, ObjectTypeName="Order",
                                   Description="orders", AllowProfileCreation=True,
                                   Fields=FIELDS, Keys=KEYS)  # fmt: skip
    return client


def put(client: Any, order_id: str, **fields: str) -> str:
    body = json.dumps({"id": order_id, **fields})
    answer = client.put_profile_object(DomainName=DOMAIN, ObjectTypeName="Order", Object=body)
    return str(answer["ProfileObjectUniqueKey"])


def delete(client: Any, profile_id: str, key: str) -> None:
    client.delete_profile_object(DomainName=DOMAIN, ProfileId=profile_id, ObjectTypeName="Order",
                                 ProfileObjectUniqueKey=key)  # fmt: skip


def found(client: Any, key_name: str, value: str) -> list[str]:
    answer = client.search_profiles(DomainName=DOMAIN, KeyName=key_name, Values=[value])
    return [profile["ProfileId"] for profile in answer["Items"]]


def named(holdings: dict[Any, set[Any]]) -> dict[Any, set[Any]]:
    """Holdings with each object source (a stored object, compared by identity) named by
    its (type name, unique key)."""
    return {
        posting: {s if isinstance(s, str) else s.key for s in sources}
        for posting, sources in holdings.items()
    }


def everything() -> tuple[str, Any]:
    backend = cp_mock.get_backend()
    return json.dumps(dump_state()), derived_state(backend)


@contextmanager
def refused() -> Iterator[None]:
    """The call inside does all it does, its answer cannot be written, and it leaves
    everything as it was."""
    with refusals.refused(everything):
        yield
    assert_consistent(cp_mock.get_backend())


def test_a_key_one_object_holds_goes_with_it(shop: Any) -> None:
    key = put(shop, "o-1", email="a@example.com", ref="r-1")
    (profile_id,) = found(shop, "ref", "r-1")
    assert found(shop, "orderId", "o-1") == [profile_id]
    with refused():
        delete(shop, profile_id, key)
    delete(shop, profile_id, key)
    assert found(shop, "ref", "r-1") == found(shop, "orderId", "o-1") == []
    assert found(shop, "_email", "a@example.com") == []


def test_a_key_several_objects_hold_stays_until_the_last_goes(shop: Any) -> None:
    keys = [put(shop, f"o-{n}", email="a@example.com", ref="r") for n in range(3)]
    (profile_id,) = found(shop, "ref", "r")
    for key in keys[:2]:
        with refused():
            delete(shop, profile_id, key)
        delete(shop, profile_id, key)
        assert found(shop, "ref", "r") == [profile_id]
    delete(shop, profile_id, keys[2])
    assert found(shop, "ref", "r") == []


@pytest.mark.parametrize("fields_first", [True, False])
def test_a_key_an_object_and_the_profiles_fields_both_give(shop: Any, fields_first: bool) -> None:
    # The profile's EmailAddress gives the standard _email key an object holds too
    # (before it, or after): each holds it, so each may go first.
    if fields_first:
        profile_id = shop.create_profile(DomainName=DOMAIN, EmailAddress="a@example.com")[
            "ProfileId"
        ]
        key = put(shop, "o-1", email="a@example.com")
    else:
        key = put(shop, "o-1", email="a@example.com")
        (profile_id,) = found(shop, "_email", "a@example.com")
        with refused():
            shop.update_profile(DomainName=DOMAIN, ProfileId=profile_id,
                                EmailAddress="a@example.com")  # fmt: skip
        shop.update_profile(DomainName=DOMAIN, ProfileId=profile_id,
                            EmailAddress="a@example.com")  # fmt: skip
    shop.update_profile(DomainName=DOMAIN, ProfileId=profile_id, EmailAddress="b@example.com")
    assert found(shop, "_email", "a@example.com") == [profile_id]  # the object holds it yet
    shop.update_profile(DomainName=DOMAIN, ProfileId=profile_id, EmailAddress="a@example.com")
    with refused():
        delete(shop, profile_id, key)
    delete(shop, profile_id, key)
    assert found(shop, "_email", "a@example.com") == [profile_id]  # its field still gives it
    key = put(shop, "o-1", email="a@example.com")
    shop.update_profile(DomainName=DOMAIN, ProfileId=profile_id, EmailAddress="b@example.com")
    assert found(shop, "_email", "a@example.com") == [profile_id]  # the object still holds it
    with refused():
        delete(shop, profile_id, key)
    delete(shop, profile_id, key)
    assert found(shop, "_email", "a@example.com") == []
    assert found(shop, "_email", "b@example.com") == [profile_id]


def test_a_re_put_keeps_the_key_its_profiles_field_gives_too(shop: Any) -> None:
    key = put(shop, "o-1", email="a@example.com", ref="r")
    (profile_id,) = found(shop, "ref", "r")
    shop.update_profile(DomainName=DOMAIN, ProfileId=profile_id, EmailAddress="a@example.com")
    with refused():
        put(shop, "o-1", email="a@example.com", ref="r")
    put(shop, "o-1", email="a@example.com", ref="r")  # unchanged: holds what it held
    put(shop, "o-1", email="a@example.com", ref="r2")
    assert found(shop, "ref", "r") == []
    assert found(shop, "ref", "r2") == [profile_id]
    delete(shop, profile_id, key)
    assert found(shop, "_email", "a@example.com") == [profile_id]
    assert found(shop, "ref", "r2") == []
    shop.update_profile(DomainName=DOMAIN, ProfileId=profile_id, EmailAddress="b@example.com")
    assert found(shop, "_email", "a@example.com") == []


def test_an_added_key_an_object_holds_too(shop: Any) -> None:
    key = put(shop, "o-1", email="a@example.com", ref="r")
    (profile_id,) = found(shop, "ref", "r")
    with refused():
        shop.add_profile_key(DomainName=DOMAIN, ProfileId=profile_id, KeyName="ref",
                             Values=["r"])  # fmt: skip
    shop.add_profile_key(DomainName=DOMAIN, ProfileId=profile_id, KeyName="ref", Values=["r"])
    delete(shop, profile_id, key)
    assert found(shop, "ref", "r") == [profile_id]  # the added key holds it


def test_a_new_only_key_an_object_does_not_hold(shop: Any) -> None:
    # The second put finds the profile: its NEW_ONLY tag is not the profile's, so taking
    # that object away leaves the tag the first one gave.
    first = put(shop, "o-1", email="a@example.com", tag="t")
    (profile_id,) = found(shop, "tag", "t")
    with refused():
        put(shop, "o-2", email="a@example.com", tag="t")
    second = put(shop, "o-2", email="a@example.com", tag="t")
    put(shop, "o-3", email="a@example.com", tag="t-3")
    assert found(shop, "tag", "t-3") == []
    with refused():
        delete(shop, profile_id, second)
    delete(shop, profile_id, second)
    assert found(shop, "tag", "t") == [profile_id]
    delete(shop, profile_id, first)
    assert found(shop, "tag", "t") == []
    assert found(shop, "_email", "a@example.com") == [profile_id]  # o-3 holds it


def test_a_deleted_key_stays_deleted_as_its_objects_go_and_come(shop: Any) -> None:
    keys = [put(shop, f"o-{n}", email="a@example.com", ref="r") for n in range(3)]
    alone = put(shop, "o-alone", email="a@example.com", ref="solo")
    (profile_id,) = found(shop, "ref", "r")
    for key_name, value in (("ref", "r"), ("ref", "solo")):
        with refused():
            shop.delete_profile_key(DomainName=DOMAIN, ProfileId=profile_id, KeyName=key_name,
                                    Values=[value])  # fmt: skip
        shop.delete_profile_key(DomainName=DOMAIN, ProfileId=profile_id, KeyName=key_name,
                                Values=[value])  # fmt: skip
        assert found(shop, key_name, value) == []
    with refused():
        delete(shop, profile_id, keys[0])
    delete(shop, profile_id, keys[0])
    delete(shop, profile_id, alone)
    assert found(shop, "_email", "a@example.com") == [profile_id]
    again = put(shop, "o-again", email="a@example.com", ref="r")
    assert found(shop, "ref", "r") == [profile_id]
    delete(shop, profile_id, again)  # the only holder left: o-1 and o-2 no longer hold it
    assert found(shop, "ref", "r") == []
    for key in keys[1:]:
        delete(shop, profile_id, key)
    assert found(shop, "_email", "a@example.com") == []


def test_a_merged_profiles_object_keys_move_with_their_holders(shop: Any) -> None:
    main_keys = [put(shop, "m-1", email="main@example.com", ref="both"),
                 put(shop, "m-2", email="main@example.com", ref="main")]  # fmt: skip
    other_keys = [put(shop, "o-1", email="other@example.com", ref="both"),
                  put(shop, "o-2", email="other@example.com", ref="other"),
                  put(shop, "o-3", email="other@example.com", ref="other")]  # fmt: skip
    (main,) = found(shop, "_email", "main@example.com")
    (other,) = found(shop, "_email", "other@example.com")
    unlike = put(shop, "o-4", email="other@example.com", ref="other", tag="t-4")  # tag not held
    with refused():
        shop.merge_profiles(DomainName=DOMAIN, MainProfileId=main, ProfileIdsToBeMerged=[other])
    shop.merge_profiles(DomainName=DOMAIN, MainProfileId=main, ProfileIdsToBeMerged=[other])
    for value in ("both", "main", "other"):
        assert found(shop, "ref", value) == [main]
    assert found(shop, "_email", "other@example.com") == [main]
    assert found(shop, "orderId", "o-1") == [main]
    for key in (main_keys[0], main_keys[1], other_keys[1]):  # ref both, main, other
        delete(shop, main, key)
    # each key is held yet by the other of its holders
    assert found(shop, "ref", "both") == found(shop, "ref", "other") == [main]
    assert found(shop, "ref", "main") == []
    delete(shop, main, other_keys[0])
    delete(shop, main, other_keys[2])
    assert found(shop, "ref", "both") == []
    assert found(shop, "ref", "other") == [main]  # o-4's
    with refused():
        delete(shop, main, unlike)
    delete(shop, main, unlike)
    assert found(shop, "ref", "other") == found(shop, "tag", "t-4") == []
    assert found(shop, "_email", "other@example.com") == []
    assert found(shop, "orderId", "o-1") == []


def test_an_object_whose_keys_nothing_else_holds_leaves_no_count(shop: Any) -> None:
    keys = [put(shop, f"o-{n}", email=f"{n}@example.com", ref=f"r-{n}") for n in range(3)]
    index = cp_mock.get_backend().domains[DOMAIN].index
    assert index._counts == {} and index._unlike == {}  # read from the postings alone
    (profile_id,) = found(shop, "ref", "r-1")
    assert named(index.holdings(profile_id)) == {
        ("_profileId", profile_id): {"standard"},
        ("orderId", "o-1"): {("Order", keys[1])},
        ("_email", "1@example.com"): {("Order", keys[1])},
        ("ref", "r-1"): {("Order", keys[1])},
    }


def test_a_deleted_key_moves_with_a_merged_profiles_objects(shop: Any) -> None:
    # DeleteProfileKey takes a key from the merged profile's objects, not from the main
    # profile's: after the merge, the main profile's object still holds its own.
    main_key = put(shop, "m-1", email="main@example.com", ref="r")
    other_key = put(shop, "o-1", email="other@example.com", ref="r")
    (main,) = found(shop, "_email", "main@example.com")
    (other,) = found(shop, "_email", "other@example.com")
    shop.delete_profile_key(DomainName=DOMAIN, ProfileId=other, KeyName="ref", Values=["r"])
    assert found(shop, "ref", "r") == [main]
    with refused():
        shop.merge_profiles(DomainName=DOMAIN, MainProfileId=main, ProfileIdsToBeMerged=[other])
    shop.merge_profiles(DomainName=DOMAIN, MainProfileId=main, ProfileIdsToBeMerged=[other])
    delete(shop, main, main_key)
    assert found(shop, "ref", "r") == []  # o-1 held it no more
    assert found(shop, "_email", "other@example.com") == [main]
    delete(shop, main, other_key)
    assert found(shop, "_email", "other@example.com") == []


def test_a_re_put_that_fails_half_way_leaves_the_next_put_counted_right(
    shop: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A re-put takes its old version's keys away, all but those its new version holds
    # again, which stay counted for it: one that fails between the two is undone whole,
    # and the next put on the profile counts its keys as if it had not been made.
    first = put(shop, "o-1", email="a@example.com", ref="r")
    (profile_id,) = found(shop, "ref", "r")
    before = everything()
    index = cp_mock.get_backend().domains[DOMAIN].index

    def failing(*args: Any) -> None:
        raise RuntimeError("the keys cannot be held")

    with monkeypatch.context() as patch:
        patch.setattr(index, "hold_object", failing)
        with pytest.raises(ClientError):
            put(shop, "o-1", email="a@example.com", ref="r")
    assert everything() == before
    second = put(shop, "o-2", email="a@example.com", ref="r")
    assert found(shop, "orderId", "o-1") == found(shop, "orderId", "o-2") == [profile_id]
    delete(shop, profile_id, first)
    assert found(shop, "ref", "r") == [profile_id]  # o-2 holds it too
    delete(shop, profile_id, second)
    assert found(shop, "ref", "r") == []


def test_a_merge_whose_fields_give_a_key_the_merged_profiles_object_holds(shop: Any) -> None:
    # The merged fields give the main profile the e-mail the merged profile's field and
    # object both hold: after the merge its fields, the merged keys and the object hold it.
    main = shop.create_profile(DomainName=DOMAIN, FirstName="Main")["ProfileId"]
    key = put(shop, "o-1", email="a@example.com")
    (other,) = found(shop, "_email", "a@example.com")
    shop.update_profile(DomainName=DOMAIN, ProfileId=other, EmailAddress="a@example.com")
    shop.merge_profiles(DomainName=DOMAIN, MainProfileId=main, ProfileIdsToBeMerged=[other])
    holdings = named(cp_mock.get_backend().domains[DOMAIN].index.holdings(main))
    assert holdings[("_email", "a@example.com")] == {"standard", f"merged:{other}", ("Order", key)}
    assert_holders_counted(cp_mock.get_backend().domains[DOMAIN])
    delete(shop, main, key)
    assert found(shop, "_email", "a@example.com") == [main]
