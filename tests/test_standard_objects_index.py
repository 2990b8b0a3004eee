"""The object store's index of standard records by their identifying key values: a put
finds the record it writes to through it (not a scan of the profile's records), so it
must stay exact through every write that adds, moves or removes a record, through an
undone call, and through a state load (docs/standard-objects.md, "Ingestion")."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

import cp_mock
from cp_mock import responses
from tests.factories import EMAIL_FIELD

from .consistency import assert_consistent, identities_of_records

DATA = Path(__file__).resolve().parent / "data"


def purchase_type(client: Any, domain: str) -> None:
    """Each order id makes (or finds) an order record whose Name is that id; an invoice
    number (LOOKUP_ONLY ORDER) finds the record too, once a put has carried it."""
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="Purchase", Description="purchases",
        AllowProfileCreation=True,
        Fields={"id": {"Source": "_source.id", "Target": "_order.Name"},
                "invoice": {"Source": "_source.invoice"},
                "status": {"Source": "_source.status", "Target": "_order.Status"},
                "email": EMAIL_FIELD},
        Keys={"orderId": [{"StandardIdentifiers": ["UNIQUE", "ORDER"], "FieldNames": ["id"]}],
              "invoice": [{"StandardIdentifiers": ["ORDER", "LOOKUP_ONLY"],
                           "FieldNames": ["invoice"]}],
              "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}]},
    )  # fmt: skip


def put(client: Any, domain: str, email: str, **record: str) -> None:
    client.put_profile_object(
        DomainName=domain, ObjectTypeName="Purchase", Object=json.dumps({**record, "email": email})
    )


def profile_of(client: Any, domain: str, email: str) -> str:
    [found] = client.search_profiles(DomainName=domain, KeyName="_email", Values=[email])["Items"]
    return str(found["ProfileId"])


def orders(client: Any, domain: str, profile_id: str) -> dict[str, dict[str, Any]]:
    """The profile's order records by Name (each test gives every record its own)."""
    items = client.list_profile_objects(
        DomainName=domain, ProfileId=profile_id, ObjectTypeName="_order", MaxResults=100
    )["Items"]
    by_name = {json.loads(i["Object"])["Name"]: json.loads(i["Object"]) for i in items}
    assert len(by_name) == len(items)
    return by_name


def index_of(backend: Any, domain: str) -> dict[Any, list[str]]:
    return {k: sorted(v) for k, v in backend.domains[domain].objects.by_identity.items()}


def test_a_re_put_writes_to_its_own_record_among_many(
    client: Any, domain: str, customerprofiles_backend: Any
) -> None:
    purchase_type(client, domain)
    for n in range(40):
        put(client, domain, "ann@example.com", id=f"o{n}", status="OPEN")
    ann = profile_of(client, domain, "ann@example.com")
    before = orders(client, domain, ann)
    put(client, domain, "ann@example.com", id="o17", status="PAID")
    after = orders(client, domain, ann)
    assert after["o17"] == {**before["o17"], "Status": "PAID"}
    assert {n: r for n, r in after.items() if n != "o17"} == {
        n: r for n, r in before.items() if n != "o17"
    }
    # a key value that found a record is kept by it: the invoice finds o5's record, and
    # then the order id that came with the invoice finds it too
    put(client, domain, "ann@example.com", id="o5", invoice="INV-5")
    put(client, domain, "ann@example.com", id="o5-refund", invoice="INV-5", status="REFUNDED")
    put(client, domain, "ann@example.com", id="o5-refund", status="CLOSED")
    after = orders(client, domain, ann)
    assert len(after) == 40
    assert (after["o5-refund"]["OrderId"], after["o5-refund"]["Status"]) == (
        before["o5"]["OrderId"], "CLOSED"
    )  # fmt: skip
    assert_consistent(customerprofiles_backend)


def test_a_merge_moves_the_records_and_their_lookups(
    client: Any, domain: str, customerprofiles_backend: Any
) -> None:
    purchase_type(client, domain)
    for n in range(10):
        put(client, domain, "ann@example.com", id=f"a{n}", status="OPEN")
        put(client, domain, "bob@example.com", id=f"b{n}", status="OPEN")
    ann, bob = (profile_of(client, domain, f"{n}@example.com") for n in ("ann", "bob"))
    moved = orders(client, domain, bob)["b3"]
    client.merge_profiles(DomainName=domain, MainProfileId=ann, ProfileIdsToBeMerged=[bob])
    assert all(identity[0] == ann for identity in index_of(customerprofiles_backend, domain))
    # b3's next object finds the record the merge moved, on the main profile
    put(client, domain, "bob@example.com", id="b3", status="SHIPPED")
    held = orders(client, domain, ann)
    assert len(held) == 20
    assert held["b3"] == {**moved, "Status": "SHIPPED"}
    assert_consistent(customerprofiles_backend)


def test_a_deleted_record_is_found_no_more(
    client: Any, domain: str, customerprofiles_backend: Any
) -> None:
    purchase_type(client, domain)
    for n in range(5):
        put(client, domain, "ann@example.com", id=f"o{n}", status="OPEN")
    ann = profile_of(client, domain, "ann@example.com")
    gone = orders(client, domain, ann)["o2"]
    client.delete_profile_object(
        DomainName=domain, ProfileId=ann, ObjectTypeName="_order",
        ProfileObjectUniqueKey=gone["OrderId"],
    )  # fmt: skip
    put(client, domain, "ann@example.com", id="o2")  # a new record, without the old status
    made = orders(client, domain, ann)["o2"]
    assert made["OrderId"] != gone["OrderId"] and "Status" not in made
    assert_consistent(customerprofiles_backend)
    client.delete_profile(DomainName=domain, ProfileId=ann)
    assert index_of(customerprofiles_backend, domain) == {}
    put(client, domain, "ann@example.com", id="o2", status="NEW")
    [made] = orders(client, domain, profile_of(client, domain, "ann@example.com")).values()
    assert made["Status"] == "NEW"
    assert_consistent(customerprofiles_backend)


def test_an_expired_record_is_found_no_more(
    client: Any, domain: str, customerprofiles_backend: Any
) -> None:
    purchase_type(client, domain)  # (the domain's objects expire after 30 days)
    with freeze_time("2026-01-01") as frozen:
        put(client, domain, "ann@example.com", id="o1", status="OPEN")
        put(client, domain, "ann@example.com", id="o2", status="OPEN")
        ann = profile_of(client, domain, "ann@example.com")
        kept = orders(client, domain, ann)["o2"]
        frozen.move_to("2026-01-21")
        put(client, domain, "ann@example.com", id="o2", status="PAID")  # renews its record
        client.update_profile(DomainName=domain, ProfileId=ann, FirstName="Ann")
        frozen.move_to("2026-02-05")
        assert list(orders(client, domain, ann)) == ["o2"]
        put(client, domain, "ann@example.com", id="o1", status="AGAIN")
        put(client, domain, "ann@example.com", id="o2", status="SHIPPED")
        held = orders(client, domain, ann)
        assert held["o2"] == {**kept, "Status": "SHIPPED"}
        assert held["o1"]["Status"] == "AGAIN"
        assert_consistent(customerprofiles_backend)


def _failing(call: Callable[[], object]) -> None:
    """Make ``call`` do all it does and then fail (its answer cannot be written)."""

    def unwritable(operation: Any, result: Any) -> Any:
        raise RuntimeError("the answer cannot be written")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(responses, "render_result", unwritable)
        with pytest.raises(ClientError) as raised:
            call()
    assert raised.value.response["Error"]["Code"] == "InternalServerException"


def test_a_failed_call_leaves_the_lookups_as_they_were(
    client: Any, domain: str, customerprofiles_backend: Any
) -> None:
    purchase_type(client, domain)
    with freeze_time("2026-01-01") as frozen:
        for n in range(5):
            put(client, domain, "ann@example.com", id=f"a{n}", invoice=f"I{n}", status="OPEN")
            put(client, domain, "bob@example.com", id=f"b{n}", status="OPEN")
        ann, bob = (profile_of(client, domain, f"{n}@example.com") for n in ("ann", "bob"))
        a1 = orders(client, domain, ann)["a1"]["OrderId"]
        calls: list[Callable[[], object]] = [
            lambda: put(client, domain, "ann@example.com", id="a1", status="PAID"),
            lambda: put(client, domain, "ann@example.com", id="a9", invoice="I2"),
            lambda: put(client, domain, "ann@example.com", id="new"),
            lambda: client.merge_profiles(
                DomainName=domain, MainProfileId=ann, ProfileIdsToBeMerged=[bob]
            ),
            lambda: client.delete_profile_object(
                DomainName=domain,
                ProfileId=ann,
                ObjectTypeName="_order",
                ProfileObjectUniqueKey=a1,
            ),
            lambda: client.delete_profile(DomainName=domain, ProfileId=ann),
            lambda: client.delete_profile_object_type(DomainName=domain, ObjectTypeName="Purchase"),
        ]
        state, index = cp_mock.dump_state(), index_of(customerprofiles_backend, domain)
        assert len(index) == 15  # ann's orders by id and by invoice, bob's by id
        for call in calls:
            _failing(call)
            assert index_of(customerprofiles_backend, domain) == index
            assert cp_mock.dump_state() == state
        # a call that fails after its tick expired every record
        frozen.tick(timedelta(days=31))
        _failing(lambda: client.get_domain(DomainName=domain))
        assert index_of(customerprofiles_backend, domain) == index
        assert_consistent(customerprofiles_backend)
        frozen.tick(timedelta(days=-31))
        # and what the lookups answer afterwards is still right
        put(client, domain, "ann@example.com", id="a9", invoice="I2", status="PAID")
        held = orders(client, domain, ann)
        assert len(held) == 5 and held["a9"]["Status"] == "PAID"
        client.merge_profiles(DomainName=domain, MainProfileId=ann, ProfileIdsToBeMerged=[bob])
        put(client, domain, "bob@example.com", id="b4", status="PAID")
        assert len(orders(client, domain, ann)) == 10
        assert_consistent(customerprofiles_backend)


@pytest.mark.parametrize("name", ["state-v2-standard-objects.json", "state-v2.json"])
def test_a_kept_dump_loads_with_its_lookups_rebuilt(client: Any, name: str) -> None:
    with freeze_time("2024-06-02T12:00:00+00:00"):
        document = json.loads((DATA / name).read_text())
        cp_mock.load_state(document)
        assert cp_mock.dump_state() == document  # the format is as it was
        backend = cp_mock.get_backend()  # (a load makes the backends anew)
        assert backend.domains
        for domain in backend.domains.values():
            assert {k: sorted(v) for k, v in domain.objects.by_identity.items()} == (
                identities_of_records(domain)
            )
    if name == "state-v2-standard-objects.json":  # one identifying key value a record
        assert len(backend.domains["travel"].objects.by_identity) == 6
        assert_consistent(backend)
