"""State dumped and loaded (cp_mock.dump_state / cp_mock.load_state, the server's
/cp-mock-api/state and --state FILE): what the service answers after a load is what it
answered before the dump."""

from __future__ import annotations

import dataclasses
import json
import re
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from freezegun import freeze_time

import cp_mock
from cp_mock import (
    CustomerProfilesBackend,
    StateError,
    dump_state,
    get_backend,
    load_state,
    mock_customerprofiles,
)
from cp_mock.models.admin.domains import Domain
from cp_mock.models.objects.object_store import StoredObject
from cp_mock.models.profiles.history import HistoryRecord
from cp_mock.server import ThreadedServer
from cp_mock.state import FORMAT, VERSION, backend_state
from cp_mock.state.domains import (
    BACKEND_FIELDS,
    DERIVED_FIELDS,
    PROFILE,
    STORED_OBJECT,
    WRITTEN_FIELDS,
)
from cp_mock.state.resources import DERIVED, RECORDS
from cp_mock.state.shapes import _shape
from tests.state_seed import SAVED_AT, client_of_the_mock, rich_state, saved

STORED_OBJECT_ATTRIBUTES = {m.attribute for m in STORED_OBJECT.members.values()} - {"profile_keys"}
HISTORY_ATTRIBUTES = {"number", "profile_id", "action_type", "object_type_name", "created_at",
                      "content", "performed_by", "profile_object_unique_key"}  # fmt: skip

STREAM = "profile-changes"
STREAM_ARN = f"arn:aws:kinesis:us-east-1:123456789012:stream/{STREAM}"
CONNECT = "arn:aws:connect:us-east-1:123456789012:instance/11111111-1111-1111-1111-111111111111"


def seed(client: Any) -> dict[str, str]:
    """A domain using every family a boto3 call can reach: profiles, keys, object types
    (custom and a template's), objects, a merge and its history, matching jobs, an event
    stream with its records, an event trigger, an integration, domain object types, tags."""
    boto3.client("kinesis", region_name="us-east-1").create_stream(StreamName=STREAM, ShardCount=1)
    client.create_domain(
        DomainName="shop", DefaultExpirationDays=30, Matching={"Enabled": True},
        Tags={"team": "crm"},
    )  # fmt: skip
    client.create_domain(DomainName="empty", DefaultExpirationDays=5)
    client.create_event_stream(DomainName="shop", EventStreamName="changes", Uri=STREAM_ARN)
    client.put_profile_object_type(
        DomainName="shop", ObjectTypeName="Order", Description="orders",
        AllowProfileCreation=True,
        Fields={
            "orderId": {"Source": "_source.id"},
            "email": {"Source": "_source.email", "Target": "_profile.EmailAddress"},
            "amount": {"Source": "_source.amount"},
        },
        Keys={
            "orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["orderId"]}],
            "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}],
        },
        Tags={"kind": "orders"},
    )  # fmt: skip
    client.put_profile_object_type(
        DomainName="shop", ObjectTypeName="Lead", Description="leads", TemplateId="Marketo-leads"
    )
    client.create_event_trigger(
        DomainName="shop", EventTriggerName="big-order", ObjectTypeName="Order",
        EventTriggerConditions=[{"EventTriggerDimensions": [{"ObjectAttributes": [
            {"FieldName": "amount", "ComparisonOperator": "GREATER_THAN", "Values": ["100"]},
        ]}], "LogicalOperator": "ALL"}],
    )  # fmt: skip
    client.put_integration(DomainName="shop", Uri=CONNECT, ObjectTypeName="CTR")
    jane = client.create_profile(
        DomainName="shop", FirstName="Jane", LastName="Doe", EmailAddress="jane@example.com",
        PhoneNumber="+1 555 0100", Attributes={"tier": "gold"},
    )["ProfileId"]  # fmt: skip
    twin = client.create_profile(
        DomainName="shop", FirstName="Jane", LastName="Doe", PhoneNumber="+15550100"
    )["ProfileId"]
    other = client.create_profile(DomainName="shop", FirstName="Ann", AccountNumber="A-7")[
        "ProfileId"
    ]
    client.add_profile_key(DomainName="shop", ProfileId=jane, KeyName="loyalty", Values=["L1"])
    client.update_profile(DomainName="shop", ProfileId=other, LastName="Lee")
    for number, amount in (("o-1", 50), ("o-2", 500)):
        client.put_profile_object(
            DomainName="shop", ObjectTypeName="Order",
            Object=json.dumps({"id": number, "email": "jane@example.com", "amount": amount}),
        )  # fmt: skip
    client.put_profile_object(
        DomainName="shop", ObjectTypeName="Order",
        Object=json.dumps({"id": "o-3", "email": "new@example.com", "amount": 7}),
    )  # fmt: skip
    cp_mock.run_identity_resolution("shop")
    client.merge_profiles(DomainName="shop", MainProfileId=jane, ProfileIdsToBeMerged=[twin])
    client.delete_profile_key(DomainName="shop", ProfileId=other, KeyName="_account",
                              Values=["A-7"])  # fmt: skip
    return {"jane": jane, "other": other}


def answers(client: Any, ids: dict[str, str]) -> dict[str, Any]:
    """What the service answers about the seeded state, without request metadata."""

    def call(operation: str, **members: Any) -> Any:
        answer = getattr(client, operation)(**members)
        answer.pop("ResponseMetadata")
        return answer

    jane, other = ids["jane"], ids["other"]
    shop = {"DomainName": "shop"}
    domain_arn = call("get_domain", **shop)
    seen: dict[str, Any] = {
        "domains": call("list_domains"),
        "shop": domain_arn,
        "empty": call("get_domain", DomainName="empty"),
        "types": call("list_profile_object_types", **shop),
        "order type": call("get_profile_object_type", ObjectTypeName="Order", **shop),
        "integrations": call("list_integrations", IncludeHidden=True, **shop),
        "account integrations": call("list_account_integrations", Uri=CONNECT),
        "streams": call("list_event_streams", **shop),
        "triggers": call("list_event_triggers", **shop),
        "jobs": call("list_identity_resolution_jobs", **shop),
        "matches": call("get_matches", **shop),
        "stream records": cp_mock.event_stream_records("shop"),
        "trigger firings": cp_mock.event_trigger_invocations("shop"),
    }
    for key, value in (("_email", "jane@example.com"), ("_phone", "+15550100"),
                       ("loyalty", "L1"), ("orderId", "o-2"), ("_fullName", "Ann Lee"),
                       ("_account", "A-7"), ("_email", "new@example.com")):  # fmt: skip
        seen[f"search {key}={value}"] = call("search_profiles", KeyName=key, Values=[value], **shop)
    for profile in (jane, other):
        seen[f"objects of {profile}"] = call(
            "list_profile_objects", ProfileId=profile, ObjectTypeName="Order", **shop
        )
        history = call("list_profile_history_records", ProfileId=profile, **shop)
        seen[f"history of {profile}"] = history
        seen[f"records of {profile}"] = [
            call("get_profile_history_record", ProfileId=profile, Id=record["Id"], **shop)
            for record in history["ProfileHistoryRecords"]
        ]
    return seen


def test_every_answer_is_the_same_after_a_load(client: Any, customerprofiles_mock: Any) -> None:
    ids = seed(client)
    before = answers(client, ids)
    searches = {name: len(answer["Items"]) for name, answer in before.items() if "search" in name}
    assert searches["search _account=A-7"] == 0  # the deleted key stays deleted
    assert all(searches[name] for name in searches if "_account" not in name), searches
    assert before["stream records"] and before["trigger firings"]
    dumped = json.dumps(dump_state())  # plain JSON
    customerprofiles_mock.reset()
    assert client.list_domains()["Items"] == []
    # the dump is Customer Profiles' state; the Kinesis stream it sends to is moto's
    boto3.client("kinesis", region_name="us-east-1").create_stream(StreamName=STREAM, ShardCount=1)
    load_state(json.loads(dumped))
    assert answers(client, ids) == before
    assert json.dumps(dump_state()) == dumped
    # and the loaded state goes on working: writes update every index
    client.update_profile(DomainName="shop", ProfileId=ids["other"], EmailAddress="ann@x.com")
    found = client.search_profiles(DomainName="shop", KeyName="_email", Values=["ann@x.com"])
    assert [p["ProfileId"] for p in found["Items"]] == [ids["other"]]


def test_every_account_and_region_is_dumped(client: Any) -> None:
    client.create_domain(DomainName="here", DefaultExpirationDays=1)
    get_backend("111111111111", "eu-west-1").create_domain("there", 2)
    dumped = dump_state()
    assert [(b["AccountId"], b["Region"]) for b in dumped["Backends"]] == [
        ("111111111111", "eu-west-1"), ("123456789012", "us-east-1"),
    ]  # fmt: skip
    load_state(dumped)
    assert [d["DomainName"] for d in get_backend("111111111111", "eu-west-1").list_domains()[
        "Items"]] == ["there"]  # fmt: skip


def test_a_load_replaces_the_state(client: Any) -> None:
    client.create_domain(DomainName="kept", DefaultExpirationDays=1)
    dumped = dump_state()
    client.delete_domain(DomainName="kept")
    client.create_domain(DomainName="dropped", DefaultExpirationDays=1)
    get_backend("222222222222", "us-west-2").create_domain("dropped-too", 1)
    load_state(dumped)
    assert [d["DomainName"] for d in client.list_domains()["Items"]] == ["kept"]
    assert get_backend("222222222222", "us-west-2").list_domains()["Items"] == []


def test_every_field_of_every_type_is_written_or_rebuilt(client: Any) -> None:
    # A field a family adds to its state fails here, by name, until the state format
    # writes it (or says how loading derives it): nothing is dropped from a dump unseen.
    assert {f.name for f in dataclasses.fields(Domain)} == WRITTEN_FIELDS | DERIVED_FIELDS
    for record in RECORDS:
        fields = {f.name for f in dataclasses.fields(record.kind)}
        unwritten = fields - record.attributes() - DERIVED.get(record.kind, frozenset())
        assert not unwritten, f"{record.kind.__qualname__}: {sorted(unwritten)}"
    assert {f.name for f in dataclasses.fields(StoredObject)} - STORED_OBJECT_ATTRIBUTES == {
        # its place in the store, which loading gives it again by adding the objects in
        # the order the document lists them; its type name (its object group's) and keys,
        # kept in one tuple and written as ``keys``; its expiry and put time, kept as
        # POSIX seconds and written as ``expires_at`` and ``put_at``; the time its expiry
        # queue entry waits for, which loading queues again
        "sequence", "key_values", "expiry_time", "put_moment", "queued"
    }  # fmt: skip
    assert set(HistoryRecord._fields) == HISTORY_ATTRIBUTES
    fresh = CustomerProfilesBackend("us-east-1", "123456789012")
    assert set(backend_state(fresh)) == BACKEND_FIELDS
    # a profile's own members and those the state adds beside them never clash
    profile_members = set(_shape("SearchProfiles", "Items[]", True).members)
    assert not profile_members & set(PROFILE.members)


def test_a_dump_names_no_python_class(client: Any) -> None:
    ids = seed(client)
    text = json.dumps(dump_state())
    assert "$" not in text and "cp_mock" not in text and "models" not in text
    assert ids["jane"] in text


def test_a_dump_of_another_version_is_refused_and_nothing_changes(client: Any) -> None:
    client.create_domain(DomainName="current", DefaultExpirationDays=1)
    dumped = dump_state()
    with pytest.raises(StateError, match=f"format version 0; .* reads version {VERSION}"):
        load_state({**dumped, "Version": 0})
    with pytest.raises(StateError, match="version 1 named Python classes"):
        load_state({**dumped, "Version": 1})
    with pytest.raises(StateError, match="not a cp_mock state dump"):
        load_state({"Backends": []})
    assert [d["DomainName"] for d in client.list_domains()["Items"]] == ["current"]


def test_a_dump_this_version_cannot_read_is_refused_whole(client: Any) -> None:
    client.create_domain(DomainName="current", DefaultExpirationDays=1)
    dumped = dump_state()
    good = {**dumped["Backends"][0], "AccountId": "333333333333"}
    unknown_member = json.loads(json.dumps(dumped))
    unknown_member["Backends"][0]["Domains"][0]["gone"] = 1
    unknown_region = json.loads(json.dumps(dumped))
    unknown_region["Backends"][0]["Region"] = "nowhere-1"
    refusals = (
        (unknown_member, r"Backends\[1\]\.Domains\[0\]\.gone: is not a member"),
        (unknown_region, "Backends.1..Region: 'nowhere-1' is not a region"),
    )
    for broken, message in refusals:
        broken["Backends"].insert(0, good)  # loads, but must not be kept
        with pytest.raises(StateError, match=message):
            load_state(broken)
        assert [d["DomainName"] for d in client.list_domains()["Items"]] == ["current"]
        assert get_backend("333333333333").list_domains()["Items"] == []


def test_a_part_a_dump_leaves_out_is_empty(client: Any) -> None:
    # what a domain does not have is not written, and a dump without it (one made before
    # the part existed, say) loads with it empty
    client.create_domain(DomainName="older", DefaultExpirationDays=1)
    dumped = dump_state()
    (domain,) = dumped["Backends"][0]["Domains"]
    assert "DeadLetters" not in domain and "Profiles" not in domain
    get_backend().domains["older"].admin.dead_letters.append({"Object": "{}"})
    load_state(dumped)
    assert get_backend().domains["older"].admin.dead_letters == []


def test_a_cache_is_never_in_a_dump_and_rebuilt_after_a_load(client: Any) -> None:
    # an object type's compiled mapping is derived: left out, refused if a dump holds it,
    # and compiled again from the Fields and Keys after a load
    client.create_domain(DomainName="older", DefaultExpirationDays=1)
    client.put_profile_object_type(
        DomainName="older", ObjectTypeName="Order", Description="orders",
        AllowProfileCreation=True, Fields={"id": {"Source": "_source.id"}},
        Keys={"id": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}]},
    )  # fmt: skip
    client.put_profile_object(DomainName="older", ObjectTypeName="Order", Object='{"id": "1"}')
    dumped = dump_state()
    order = dumped["Backends"][0]["Domains"][0]["ProfileObjectTypes"][0]
    assert "_compiled" not in order
    with pytest.raises(StateError, match=r"ProfileObjectTypes\[0\]\._compiled: is not a member"):
        load_state({**dumped, "Backends": [json.loads(json.dumps(dumped["Backends"][0]) \
            .replace('"Description"', '"_compiled": [], "Description"'))]})  # fmt: skip
    load_state(dumped)
    put = client.put_profile_object(
        DomainName="older", ObjectTypeName="Order", Object='{"id": "2"}'
    )
    assert put["ProfileObjectUniqueKey"]
    found = client.search_profiles(DomainName="older", KeyName="id", Values=["2"])["Items"]
    assert len(found) == 1


def test_a_history_record_shares_its_object_after_a_load(client: Any) -> None:
    # an ingested object's history record holds the object as put: the dump writes it
    # once, and after a load the record and the object share one string again
    ids = seed(client)
    load_state(json.loads(json.dumps(dump_state())))
    domain = get_backend().domains["shop"]
    record = next(r for r in domain.history.records(ids["jane"]) if r.action_type == "INGESTED")
    stored = domain.objects.get(record.object_type_name, record.profile_object_unique_key)
    assert stored is not None and record.content is stored.body


def test_what_cannot_be_dumped_is_named(customerprofiles_backend: Any) -> None:
    customerprofiles_backend.create_domain("d", 1)
    workflows = customerprofiles_backend.domains["d"].data_in.workflows
    workflows["w"] = object()
    with pytest.raises(StateError, match=r"cannot dump a builtins\.object where the state "
                                         "keeps a Workflow"):  # fmt: skip
        dump_state()
    del workflows["w"]


# -- a test fixture that starts from a dump (docs/usage.md) --------------------------------
@pytest.fixture
def seeded_client(customerprofiles_client: Any, tmp_path: Path) -> Iterator[Any]:
    state_file = tmp_path / "customer-profiles.json"
    state_file.write_text(json.dumps(_a_saved_dump()))
    cp_mock.load_state(json.loads(state_file.read_text()))
    yield customerprofiles_client


def _a_saved_dump() -> dict[str, Any]:
    with mock_customerprofiles():
        client = boto3.client("customer-profiles", region_name="us-east-1")
        client.create_domain(DomainName="fixture-domain", DefaultExpirationDays=7)
        client.create_profile(DomainName="fixture-domain", FirstName="Saved")
        return dump_state()


def test_a_fixture_can_start_from_a_dump(seeded_client: Any) -> None:
    found = seeded_client.search_profiles(
        DomainName="fixture-domain", KeyName="_fullName", Values=["Saved"]
    )
    assert [p["FirstName"] for p in found["Items"]] == ["Saved"]


# -- server mode ---------------------------------------------------------------------------
def _http(method: str, url: str, body: Any = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    headers = {} if body is None else {"Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_the_state_endpoint_dumps_and_loads() -> None:
    with ThreadedServer() as server:
        client = boto3.client(
            "customer-profiles", region_name="us-east-1", endpoint_url=server.endpoint_url,
            aws_access_key_id="testing", aws_secret_access_key="testing",
        )  # fmt: skip
        client.create_domain(DomainName="served", DefaultExpirationDays=3)
        status, dumped = _http("GET", f"{server.endpoint_url}/cp-mock-api/state")
        assert status == 200 and dumped["Format"] == FORMAT
        client.delete_domain(DomainName="served")
        assert _http("POST", f"{server.endpoint_url}/cp-mock-api/state", dumped) == (200, {})
        assert [d["DomainName"] for d in client.list_domains()["Items"]] == ["served"]
        status, refused = _http("POST", f"{server.endpoint_url}/cp-mock-api/state", {"a": 1})
        assert status == 400 and "not a cp_mock state dump" in refused["Message"]
        status, unknown = _http("GET", f"{server.endpoint_url}/cp-mock-api/nothing")
        assert status == 404 and "/cp-mock-api/nothing" in unknown["Message"]
    cp_mock.get_backend().reset()


def _start_server(state_file: Path) -> tuple[subprocess.Popen[str], Any]:
    process = subprocess.Popen(
        [sys.executable, "-m", "cp_mock", "server", "--port", "0", "--state", str(state_file)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    line = process.stdout.readline()
    while "http://" not in line and line:
        line = process.stdout.readline()
    port = re.search(r"http://127\.0\.0\.1:(\d+)", line)
    assert port, line
    client = boto3.client(
        "customer-profiles", region_name="us-east-1",
        endpoint_url=f"http://127.0.0.1:{port.group(1)}",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip
    return process, client


def _stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=30)
    assert process.returncode == 0
    return out


def test_the_server_keeps_its_state_in_a_file_between_runs(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    process, client = _start_server(state_file)  # no file yet: an empty start
    try:
        assert client.list_domains()["Items"] == []
        client.create_domain(DomainName="dev", DefaultExpirationDays=3)
        profile = client.create_profile(DomainName="dev", FirstName="Kept")["ProfileId"]
    finally:
        out = _stop(process)
    assert f"state written to {state_file}" in out
    assert json.loads(state_file.read_text())["Format"] == FORMAT

    process, client = _start_server(state_file)
    try:
        found = client.search_profiles(DomainName="dev", KeyName="_profileId", Values=[profile])
        assert [p["FirstName"] for p in found["Items"]] == ["Kept"]
    finally:
        _stop(process)


def test_the_server_refuses_a_state_file_it_cannot_load(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    state_file.write_text(json.dumps({"Format": FORMAT, "Version": VERSION + 1, "Backends": []}))
    completed = subprocess.run(
        [sys.executable, "-m", "cp_mock", "server", "--port", "0", "--state", str(state_file)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert completed.returncode == 2
    assert f"cannot load {state_file}: this dump is format version {VERSION + 1}" in (
        completed.stderr
    )


# -- the saved dump ------------------------------------------------------------------------
@pytest.fixture
def after_the_saved_dump() -> Iterator[None]:
    with freeze_time("2024-06-02T12:00:00+00:00", tick=True):
        yield


def _only(found: dict[str, Any]) -> dict[str, Any]:
    (item,) = found["Items"]
    return dict(item)


def test_a_saved_dump_loads_and_behaves(client: Any, after_the_saved_dump: None) -> None:
    document = saved()
    assert (document["Format"], document["Version"]) == ("cp-mock-state", 2)
    load_state(document)
    assert dump_state() == document  # read whole, and written as it was
    shop = {"DomainName": "shop"}

    def search(key: str, value: str) -> list[dict[str, Any]]:
        found = client.search_profiles(KeyName=key, Values=[value], **shop)
        return list(found["Items"])

    jane = _only({"Items": search("_email", "jane@example.com")})
    jane_id = jane["ProfileId"]
    assert jane["Address"] == {"City": "Leeds"}  # ingestion populated it
    for key, value in (("_orderId", "o-2"), ("loyalty", "L1"), ("loyalty", "L2"),
                       ("_phone", "+15550100"), ("_fullName", "Jane Doe")):  # fmt: skip
        assert [p["ProfileId"] for p in search(key, value)] == [jane_id], (key, value)
    assert search("_account", "A-7") == []  # the deleted key stays deleted
    assert [p["LastName"] for p in search("_fullName", "Ann Lee")] == ["Lee"]

    # calculated attributes compute (counted again from the objects), and go on counting
    def value(name: str) -> str:
        answer = client.get_calculated_attribute_for_profile(
            ProfileId=jane_id, CalculatedAttributeName=name, **shop
        )
        return str(answer["Value"])

    assert (value("total-spend"), value("last-amount")) == ("550", "500")
    # history lists, newest first, the merge on top; its records read back whole
    history = client.list_profile_history_records(ProfileId=jane_id, **shop)
    actions = [r["ActionType"] for r in history["ProfileHistoryRecords"]]
    assert actions[0] == "MERGED" and actions.count("INGESTED") == 2 and actions[-1] == "CREATED"
    contents = [
        json.loads(client.get_profile_history_record(ProfileId=jane_id, Id=r["Id"], **shop)[
            "Content"]) for r in history["ProfileHistoryRecords"]
    ]  # fmt: skip
    assert {"id": "o-2", "email": "jane@example.com", "amount": 500, "city": "Leeds"} in contents
    members = client.get_segment_membership(
        SegmentDefinitionName="janes", ProfileIds=[jane_id], **shop
    )["Profiles"]
    assert members[0]["QueryResult"] == "PRESENT"
    assert cp_mock.event_stream_records("shop") and cp_mock.event_trigger_invocations("shop")
    assert cp_mock.dead_letter_objects("shop")[0]["ObjectTypeName"] == "Visit"
    jobs = client.list_identity_resolution_jobs(**shop)["IdentityResolutionJobsList"]
    assert jobs[0]["JobStats"]["NumberOfMatchesFound"] == 1
    uris = {i["Uri"] for i in client.list_integrations(IncludeHidden=True, **shop)["Items"]}
    assert {CONNECT, "s3://imports/orders"} <= uris
    arn = client.get_domain(**shop)["Tags"]
    assert arn == {"team": "crm"}
    # and writes go on from there
    client.put_profile_object(
        ObjectTypeName="Order",
        Object=json.dumps({"id": "o-4", "email": "jane@example.com", "amount": 1}), **shop,
    )  # fmt: skip
    assert value("total-spend") == "551"
    assert [p["ProfileId"] for p in search("_orderId", "o-4")] == [jane_id]


def test_the_saved_dump_is_what_the_rich_state_dumps_as(after_the_saved_dump: None) -> None:
    # the file is this version's dump of rich_state: its members, as the format writes them
    with freeze_time(SAVED_AT), mock_customerprofiles():
        rich_state(client_of_the_mock())
        made = dump_state()
    keys = _member_names(made)
    assert keys == _member_names(saved()), (
        "write the file again: python -m tests.test_state_hostile"
    )


def _member_names(value: Any, path: str = "") -> set[str]:
    """Every member path of a document (list items as []; object type names, profile ids
    and other keys chosen by data as {})."""
    names = set()
    if isinstance(value, dict):
        for key, item in value.items():
            shown = key if key[:1].isupper() else "{}"
            names.add(f"{path}.{shown}")
            names |= _member_names(item, f"{path}.{shown}")
    elif isinstance(value, list):
        for item in value:
            names |= _member_names(item, f"{path}[]")
    return names
