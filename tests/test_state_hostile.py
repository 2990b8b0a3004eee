"""A state file is data, never code: what a dump, a state file or a POST to the state
endpoint holds is checked whole, names nothing to build or call, and a bad one changes
nothing (the corrupted dumps are made from tests/data/state-v2.json, a dump of a rich
state: tests/state_seed.py)."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time

from cp_mock import StateError, dump_state, load_state, mock_customerprofiles
from cp_mock.server import ThreadedServer
from tests.state_seed import SAVED, saved


@pytest.fixture
def after_the_saved_dump() -> Iterator[None]:
    with freeze_time("2024-06-02T12:00:00+00:00", tick=True):
        yield


# -- code named in a dump builds nothing ---------------------------------------------------
def _version_1_exploit(target: Path) -> dict[str, Any]:
    """A dump of the format cp_mock wrote before version 2, whose loader resolved
    ``module:qualname`` and called it: here io.FileIO, which creates ``target``."""
    state = {
        "domains": {"d": {"$object": "cp_mock.models.admin.domains:Domain", "State": {
            "name": "d", "arn": "arn", "settings": {},
            "workflows": {"$namedtuple": "cp_mock.models.data_in.integration_sources:io.FileIO",
                          "Items": [str(target), "w"]},
        }}},
    }  # fmt: skip
    backend = {"AccountId": "123456789012", "Region": "us-east-1", "State": state}
    return {"Format": "cp-mock-state", "Version": 1, "Backends": [backend]}


def _tagged_everywhere(target: Path) -> list[dict[str, Any]]:
    """Version 2 documents with the same call planted where each part could hold it."""
    planted = {"$namedtuple": "cp_mock.models.data_in.integration_sources:io.FileIO",
               "Items": [str(target), "w"]}  # fmt: skip
    documents = []
    for where in ("Backends", "Domains", "Matching", "Profiles", "Attributes", "Records"):
        document = saved()
        domain = document["Backends"][0]["Domains"][0]
        if where == "Backends":
            document["Backends"].append(planted)
        elif where == "Domains":
            document["Backends"][0]["Domains"].append(planted)
        elif where == "Matching":
            domain["Matching"] = planted
        elif where == "Profiles":
            domain["Profiles"][0] = planted
        elif where == "Attributes":
            domain["Profiles"][0]["Attributes"] = {"tier": planted}
        else:
            domain["ProfileHistory"][0]["Records"][0] = planted
        documents.append(document)
    return documents


def test_a_dump_naming_a_class_builds_nothing(client: Any, tmp_path: Path) -> None:
    client.create_domain(DomainName="kept", DefaultExpirationDays=1)
    before = dump_state()
    target = tmp_path / "created-by-the-dump"
    for document in [_version_1_exploit(target), *_tagged_everywhere(target)]:
        with pytest.raises(StateError):
            load_state(document)
        assert not target.exists()
        assert dump_state() == before


def test_the_server_builds_nothing_a_posted_dump_names(tmp_path: Path) -> None:
    target = tmp_path / "created-by-the-dump"
    with mock_customerprofiles(), ThreadedServer() as server:
        url = f"{server.endpoint_url}/cp-mock-api/state"
        exploit = json.dumps(_version_1_exploit(target)).encode()
        # what any web page can send a local server without asking first
        assert _post(url, exploit, {"Content-Type": "text/plain"})[0] == 415
        assert _post(url, exploit, {})[0] == 415  # no type, or a form's, either
        status, answer = _post(url, exploit, {"Content-Type": "application/json"})
        assert status == 400 and "version 1 named Python classes" in answer["Message"]
        assert not target.exists()


def test_a_state_file_naming_a_class_stops_the_server(tmp_path: Path) -> None:
    target = tmp_path / "created-by-the-dump"
    state_file = tmp_path / "state.json"
    state_file.write_text(json.dumps(_version_1_exploit(target)))
    completed = _server_with(state_file)
    assert completed.returncode == 2 and "version 1 named Python classes" in completed.stderr
    assert not target.exists()


def test_a_corrupt_state_file_stops_the_server_naming_where(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    for text, says in (
        (json.dumps(_corrupt("Profiles[1].FirstName", 5)),
         "Backends[0].Domains[0].Profiles[1].FirstName: must be a string"),
        ("[" * 100_000, "not a JSON document"),
        ("{not json", "not a JSON document"),
    ):  # fmt: skip
        state_file.write_text(text)
        completed = _server_with(state_file)
        assert completed.returncode == 2, completed.stderr
        assert f"cp-mock server: cannot load {state_file}: " in completed.stderr
        assert says in completed.stderr and "Traceback" not in completed.stderr


def _server_with(state_file: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cp_mock", "server", "--port", "0", "--state", str(state_file)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


# -- the state endpoint's protection -------------------------------------------------------
def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
    return _request("POST", url, body, headers)


def _request(method: str, url: str, body: bytes | None, headers: dict[str, str]) -> tuple[int, Any]:
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    if body is not None and "Content-Type" not in headers:
        request.remove_header("Content-type")  # urllib would send a form's
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            text = answer.read()
            return answer.status, json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        text = error.read()
        return error.code, json.loads(text) if text else dict(error.headers)


def test_the_state_endpoint_refuses_other_sites() -> None:
    with mock_customerprofiles(), ThreadedServer() as server:
        url = f"{server.endpoint_url}/cp-mock-api/state"
        host = server.endpoint_url.removeprefix("http://")
        empty = json.dumps(dump_state()).encode()
        json_body = {"Content-Type": "application/json"}
        for origin in ("https://evil.example", "null", f"http://{host}.evil.example"):
            status, answer = _post(url, empty, {**json_body, "Origin": origin})
            assert status == 403 and origin in answer["Message"], origin
            assert _request("GET", url, None, {"Origin": origin})[0] == 403
        # a page at another name the server answers to (DNS rebinding) is another site
        port = host.rsplit(":", 1)[1]
        rebound = {"Host": f"rebound.example:{port}", "Origin": f"http://rebound.example:{port}"}
        assert _post(url, empty, {**json_body, **rebound})[0] == 403
        # the server's own origin, and clients that send none (SDKs, curl), are served
        assert _post(url, empty, {**json_body, "Origin": f"http://{host}"})[0] == 200
        assert _post(url, empty, json_body)[0] == 200
        assert _post(url, empty, {"Content-Type": "application/json; charset=utf-8"})[0] == 200
        # and no other site is ever told it may send one (a preflight gets no grant)
        request = urllib.request.Request(url, method="OPTIONS", headers={
            "Origin": "https://evil.example", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"})  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                granted = answer.headers.get("Access-Control-Allow-Origin")
        except urllib.error.HTTPError as error:
            granted = error.headers.get("Access-Control-Allow-Origin")
        assert granted is None


# -- corrupted dumps: each refused, naming where, changing nothing -------------------------
DOMAIN = "Backends[0].Domains[0]"


def _at(document: dict[str, Any], path: str) -> tuple[Any, Any]:
    """The container holding ``path`` (dots and [n], inside the first domain unless it
    starts at the top with a capital member of the document) and the key in it."""
    parts: list[Any] = []
    for piece in path.replace("[", ".[").split("."):
        if piece:
            parts.append(int(piece[1:-1]) if piece.startswith("[") else piece)
    if parts[0] not in ("Format", "Version", "Backends", "Code"):
        parts = ["Backends", 0, "Domains", 0, *parts]
    container: Any = document
    for part in parts[:-1]:
        container = container[part]
    return container, parts[-1]


_DELETE = object()


def _corrupt(path: str, value: Any) -> dict[str, Any]:
    document = saved()
    container, key = _at(document, path)
    if value is _DELETE:
        del container[key]
    elif callable(value):
        container[key] = value(container[key])
    else:
        container[key] = value
    return document


def _deep(levels: int) -> Any:
    value: Any = "x"
    for _ in range(levels):
        value = {"a": value}
    return value


_HUGE_RANGE = {"Range": {"Unit": "DAYS", "ValueRange": {"Start": 10**400, "End": 0}}}


def _same_profile_id(profile: dict[str, Any]) -> dict[str, Any]:
    return {
        **profile,
        "ProfileId": saved()["Backends"][0]["Domains"][0]["Profiles"][0]["ProfileId"],
    }


Corruption = tuple[str, Any, str, str]  # path, new value (or _DELETE), the error's path, says
CORRUPTIONS: list[Corruption] = [
    ("Format", "pickle", "", "not a cp_mock state dump"),
    ("Version", 1, "", "reads version 2"),
    ("Version", "2", "", "reads version 2"),
    ("Code", "import os", "Code", "is not a member"),
    ("Backends", "abc", "Backends", "must be a list"),
    ("Backends[0]", 5, "Backends[0]", "must be an object"),
    ("Backends[0].AccountId", "../x", "Backends[0].AccountId", "12 digits"),
    ("Backends[0].Region", "nowhere-1", "Backends[0].Region", "not a region"),
    ("Backends[0].Domains", "abc", "Backends[0].Domains", "must be a list"),
    ("Backends[0].Domains", 7, "Backends[0].Domains", "must be a list"),
    ("Backends[0].Domains[0]", [], DOMAIN, "must be an object"),
    ("DefaultExpirationDays", "30", f"{DOMAIN}.DefaultExpirationDays", "must be an integer"),
    ("DefaultExpirationDays", 10**400, f"{DOMAIN}.DefaultExpirationDays", "must be from"),
    ("DefaultExpirationDays", _DELETE, f"{DOMAIN}.DefaultExpirationDays", "is required"),
    ("Matching.Enabled", "yes", f"{DOMAIN}.Matching.Enabled", "must be a boolean"),
    ("Matching", _deep(200), f"{DOMAIN}.Matching.a", "is not a member"),
    ("CreatedAt", "yesterday", f"{DOMAIN}.CreatedAt", "not an ISO 8601 timestamp"),
    ("CreatedAt", "9999-12-31T00:00:00+00:00", f"{DOMAIN}.CreatedAt", "must be from year"),
    ("CreatedAt", "2024-01-01T00:00:00", f"{DOMAIN}.CreatedAt", "no UTC offset"),
    ("$object", "os:system", f"{DOMAIN}.$object", "is not a member"),
    ("Tags", {str(n): "x" for n in range(51)}, f"{DOMAIN}.Tags", "at most 50 tags"),
    ("ProfileObjectTypes[0].Fields", "abc", f"{DOMAIN}.ProfileObjectTypes[0].Fields",
     "must be an object"),
    ("ProfileObjectTypes[0].Keys._orderId[0].StandardIdentifiers", ["NOPE"],
     f"{DOMAIN}.ProfileObjectTypes[0].Keys._orderId[0].StandardIdentifiers[0]", "must be one of"),
    ("ProfileObjectTypes[0].ExpirationDays", float("inf"),
     f"{DOMAIN}.ProfileObjectTypes[0].ExpirationDays", "must be an integer"),
    ("ProfileObjectTypes[0].Keys", {}, f"{DOMAIN}.ProfileObjectTypes[0]", "cannot be loaded"),
    ("Profiles", {"a": 1}, f"{DOMAIN}.Profiles", "must be a list"),
    ("Profiles[1].FirstName", 5, f"{DOMAIN}.Profiles[1].FirstName", "must be a string"),
    ("Profiles[1].ProfileId", _DELETE, f"{DOMAIN}.Profiles[1].ProfileId", "is required"),
    ("Profiles[1]", _same_profile_id, f"{DOMAIN}.Profiles[1]", "names profile"),
    ("Profiles[0].Attributes", {"tier": 1}, f"{DOMAIN}.Profiles[0].Attributes.tier",
     "must be a string"),
    ("Profiles[0].ExpiresAt", 123, f"{DOMAIN}.Profiles[0].ExpiresAt", "ISO 8601"),
    ("Profiles[0].AddedKeys", {"loyalty": "L1"}, f"{DOMAIN}.Profiles[0].AddedKeys.loyalty",
     "must be a list"),
    ("ProfileObjects[0].Objects[0].Object", "{not json",
     f"{DOMAIN}.ProfileObjects[0].Objects[0].Object", "is not JSON"),
    ("ProfileObjects[0].Objects[0].Object", "[" * 100_000 + "]" * 100_000,
     f"{DOMAIN}.ProfileObjects[0].Objects[0].Object", "is not JSON"),
    ("ProfileObjects[0].Objects[0].ProfileId", "f" * 32,
     f"{DOMAIN}.ProfileObjects[0].Objects[0].ProfileId", "does not have"),
    ("ProfileObjects[0].ObjectTypeName", "Nope", f"{DOMAIN}.ProfileObjects[0].ObjectTypeName",
     "does not have"),
    ("ProfileHistory[0].Records[0].Id", "zz", f"{DOMAIN}.ProfileHistory[0].Records[0].Id",
     "hexadecimal"),
    ("ProfileHistory[0].Records[0].ActionType", "EXPLODED",
     f"{DOMAIN}.ProfileHistory[0].Records[0].ActionType", "must be one of"),
    ("CalculatedAttributeDefinitions[0].Conditions", _HUGE_RANGE,
     f"{DOMAIN}.CalculatedAttributeDefinitions[0].Conditions.Range.ValueRange.Start",
     "must be from"),
    ("CalculatedAttributeDefinitions[0].AttributeDetails.Expression", "{Order.amount} +",
     f"{DOMAIN}.CalculatedAttributeDefinitions[0]", "not a well-formed expression"),
    ("CalculatedAttributeDefinitions[0].CountedObjects", ["nope"],
     f"{DOMAIN}.CalculatedAttributeDefinitions[0].CountedObjects[0]", "names no Order object"),
    ("EventTriggers[0].EventTriggerConditions", "abc",
     f"{DOMAIN}.EventTriggers[0].EventTriggerConditions", "must be a list"),
    ("EventTriggerInvocations[0].InvokedAt", None,
     f"{DOMAIN}.EventTriggerInvocations[0].InvokedAt", "ISO 8601"),
    ("EventStreams[0].Records[0]", "not json", f"{DOMAIN}.EventStreams[0].Records[0]",
     "is not JSON"),
    ("SegmentDefinitions[0].SegmentGroups", {"Groups": [{"Dimensions": "x"}]},
     f"{DOMAIN}.SegmentDefinitions[0].SegmentGroups.Groups[0].Dimensions", "must be a list"),
    ("Layouts[0].Version", 10**30, f"{DOMAIN}.Layouts[0].Version", "must be from"),
    ("KeyContentTypes", {"_phone": ["WEIRD"]}, f"{DOMAIN}.KeyContentTypes._phone[0]",
     "must be null"),
    ("Backends[0].Integrations[0].DomainName", "elsewhere",
     "Backends[0].Integrations[0].DomainName", "does not have"),
    ("Backends[0].Integrations[0]", {"$namedtuple": "subprocess:Popen", "Items": [["id"]]},
     "Backends[0].Integrations[0].$namedtuple", "is not a member"),
]  # fmt: skip


def _corrupted() -> Iterator[tuple[str, dict[str, Any], str, str]]:
    for path, value, error_path, says in CORRUPTIONS:
        yield path, _corrupt(path, value), error_path, says


def test_every_corrupted_dump_is_refused_naming_where(
    client: Any, after_the_saved_dump: None
) -> None:
    assert len(CORRUPTIONS) >= 32
    load_state(saved())
    before = dump_state()
    for path, document, error_path, says in _corrupted():
        with pytest.raises(StateError) as raised:
            load_state(document)
        assert raised.value.path == error_path, (path, str(raised.value))
        assert says in str(raised.value), (path, str(raised.value))
        assert dump_state() == before, path  # the state stays as it was


def test_every_corrupted_dump_is_a_400_over_http(after_the_saved_dump: None) -> None:
    with mock_customerprofiles(), ThreadedServer() as server:
        url = f"{server.endpoint_url}/cp-mock-api/state"
        headers = {"Content-Type": "application/json"}
        assert _post(url, SAVED.read_bytes(), headers)[0] == 200
        before = _request("GET", url, None, {})
        for path, document, error_path, says in _corrupted():
            status, answer = _post(url, json.dumps(document).encode(), headers)
            assert status == 400, (path, answer)
            assert answer["Path"] == error_path and says in answer["Message"], (path, answer)
        assert _request("GET", url, None, {}) == before
        # JSON too deep for the parser is refused the same way
        status, answer = _post(url, b"[" * 100_000, headers)
        assert status == 400 and "not a JSON document" in answer["Message"]


def test_deep_python_data_is_refused_without_recursing_far(client: Any) -> None:
    # load_state takes Python data too: nesting the format does not have is refused at
    # its first level, nesting an API value may have is bounded
    deep: list[Any] = []
    for _ in range(100_000):
        deep = [deep]
    broken: list[dict[str, Any]] = [
        {"Format": "cp-mock-state", "Version": 2, "Backends": deep},
        _corrupt("ProfileObjectTypes[0].Fields.orderId", lambda _: {"Source": _deep(10)}),
        _corrupt("SegmentDefinitions[0].SegmentGroups", lambda groups: {
            **groups, "Groups": [{"SourceSegments": [{"SegmentDefinitionName": "x"}],
                                  "Dimensions": [_nested_dimension(60)]}]}),
    ]  # fmt: skip
    for document in broken:
        with pytest.raises(StateError):
            load_state(document)


def _nested_dimension(levels: int) -> Any:
    value: Any = {"ProfileAttributes": {"FirstName": {"DimensionType": "INCLUSIVE",
                                                      "Values": ["x"]}}}  # fmt: skip
    for _ in range(levels):
        value = {"ProfileAttributes": {"Attributes": {"x": value}}}
    return value


def test_an_exception_in_a_rebuild_is_a_state_error(
    client: Any, monkeypatch: pytest.MonkeyPatch, after_the_saved_dump: None
) -> None:
    # whatever the write path's code raises while a part is rebuilt (here an OverflowError
    # from counting an object) is the document's error, at its path; nothing is replaced
    from cp_mock.models.insights.calculated_attributes import CalculatedAttribute

    before = dump_state()

    def overflow(*args: Any, **kwargs: Any) -> None:
        raise OverflowError("int too large to convert")

    monkeypatch.setattr(CalculatedAttribute, "count", overflow)
    with pytest.raises(StateError) as raised:
        load_state(saved())
    assert raised.value.path == f"{DOMAIN}.CalculatedAttributeDefinitions[0].CountedObjects[0]"
    assert "OverflowError" in str(raised.value)
    assert dump_state() == before
