"""SQL segments are bounded (docs/segments.md, "SQL segments"): a query is one read-only
SELECT over the domain's tables and nothing else, what it builds and how long it runs
are limited, and while it runs other callers are answered.

A query is refused with a BadRequestException when preparing it shows the problem (a
write, an ATTACH, a PRAGMA, a function a segment may not call); a query stopped while it
runs (its time, memory or value length) makes a FAILED estimate with the reason in
Message (API_GetSegmentEstimate: "The error message if there is any error").
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from cp_mock.models.engines import segment_sql
from cp_mock.models.insights import segment_evaluation


@pytest.fixture
def shop(client: Any, domain: str) -> str:
    """A domain with three profiles; each test enables the data store SQL segments need
    (in the test itself, so a botocore whose model lacks DataStore skips it)."""
    for name in ("Ann", "Bob", "Cid"):
        client.create_profile(DomainName=domain, FirstName=name)
    return domain


def refusal(client: Any, domain: str, query: str) -> str:
    """The message of the BadRequestException CreateSegmentEstimate answers ``query``
    with; CreateSegmentDefinition refuses it with the same message."""
    messages = []
    for call, params in (
        (client.create_segment_estimate, {}),
        (client.create_segment_definition,
         {"SegmentDefinitionName": "q", "DisplayName": "q"}),
    ):  # fmt: skip
        with pytest.raises(ClientError) as raised:
            call(DomainName=domain, SegmentSqlQuery=query, **params)
        error = raised.value.response["Error"]
        assert error["Code"] == "BadRequestException", error
        messages.append(error["Message"])
    assert messages[0] == messages[1]
    assert client.list_segment_definitions(DomainName=domain)["Items"] == []
    return messages[0]


def estimate(client: Any, domain: str, query: str) -> dict[str, Any]:
    created = client.create_segment_estimate(DomainName=domain, SegmentSqlQuery=query)
    got = dict(client.get_segment_estimate(DomainName=domain, EstimateId=created["EstimateId"]))
    got.pop("ResponseMetadata")
    return got


def test_attach_is_refused_and_makes_no_file(client: Any, shop: str, tmp_path: Path) -> None:
    client.update_domain(DomainName=shop, DataStore={"Enabled": True})
    target = tmp_path / "y.db"
    says = refusal(client, shop, f"ATTACH DATABASE '{target}' AS x")
    assert "only a single read-only SELECT" in says
    says = refusal(client, shop, f"SELECT ProfileId FROM profiles; ATTACH DATABASE '{target}' AS x")
    assert "one statement" in says
    assert not target.exists()


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("PRAGMA query_only = OFF", "only a single read-only SELECT"),
        ("SELECT * FROM pragma_table_info('profiles')", "table-valued function"),
        ("SELECT value FROM json_each('[1]')", "table-valued function"),
        ("SELECT name FROM sqlite_master", "sqlite_master"),
        ("SELECT load_extension('/tmp/x')", "load_extension"),
        ("SELECT ProfileId FROM profiles WHERE length(printf('%.*c', 20000000, 'x')) > 0",
         "printf"),
        ("SELECT ProfileId FROM profiles WHERE format('%d', 1) = '1'", "format"),
        ("WITH x AS (SELECT 1) DELETE FROM profiles", "DELETE"),
        ("INSERT INTO profiles (ProfileId) VALUES ('0')", "INSERT"),
        ("VACUUM", "only a single read-only SELECT"),
        ("DELETE FROM profiles", "DELETE"),
    ],
)  # fmt: skip
def test_only_a_read_only_select_over_the_domains_tables_runs(
    client: Any, shop: str, query: str, says: str
) -> None:
    client.update_domain(DomainName=shop, DataStore={"Enabled": True})
    message = refusal(client, shop, query)
    assert message.startswith("SegmentSqlQuery: ") and says in message, message
    assert client.get_domain(DomainName=shop)["Stats"]["ProfileCount"] == 3


def test_vacuum_into_a_file_is_refused_and_makes_none(
    client: Any, shop: str, tmp_path: Path
) -> None:
    client.update_domain(DomainName=shop, DataStore={"Enabled": True})
    target = tmp_path / "copy.db"
    assert "only a single read-only SELECT" in refusal(client, shop, f"VACUUM INTO '{target}'")
    assert not target.exists()


def test_the_functions_a_segment_needs_still_run(client: Any, shop: str) -> None:
    client.update_domain(DomainName=shop, DataStore={"Enabled": True})
    query = (
        "WITH named AS (SELECT ProfileId, upper(substr(FirstName, 1, 1)) AS initial, "
        "row_number() OVER (ORDER BY FirstName) AS place FROM profiles) "
        "SELECT ProfileId FROM named WHERE initial IN ('A', 'B') AND place <= 2 "
        "AND coalesce(calculated_attribute(ProfileId, 'none'), 'x') = 'x' "
        "AND date('2030-01-01') > '2000' AND json_extract('{\"a\": 1}', '$.a') = 1"
    )
    # calculated_attribute of a name with no definition is the query's problem
    failed = estimate(client, shop, query)
    assert failed["Status"] == "FAILED" and "none" in failed["Message"]
    done = estimate(client, shop, query.replace(
        "AND coalesce(calculated_attribute(ProfileId, 'none'), 'x') = 'x' ", ""))  # fmt: skip
    assert (done["Status"], done["Estimate"]) == ("SUCCEEDED", "2")


def test_a_value_longer_than_the_limit_fails_the_estimate(client: Any, shop: str) -> None:
    client.update_domain(DomainName=shop, DataStore={"Enabled": True})
    # doubles a string 21 times: 2 MB, over the 256 KB a value (or row) may hold
    query = (
        "WITH RECURSIVE r(s) AS (SELECT 'x' UNION ALL SELECT s || s FROM r LIMIT 22) "
        "SELECT ProfileId FROM profiles WHERE EXISTS (SELECT 1 FROM r WHERE length(s) > 1000000)"
    )
    failed = estimate(client, shop, query)
    assert failed["Status"] == "FAILED", failed
    assert "string or blob too big" in failed["Message"] and "Estimate" not in failed
    assert failed["StatusCode"] == 200  # the call that reads the estimate succeeds


def test_a_query_that_builds_too_much_fails_the_estimate(client: Any, shop: str) -> None:
    client.update_domain(DomainName=shop, DataStore={"Enabled": True})
    # about 800 MB of 40 KB sort keys: stopped when it holds more than the memory limit
    assert segment_sql.sqlite_heap_size() is not None, "SQLite reports no heap size here"
    query = (
        "WITH RECURSIVE r(n, s) AS (SELECT 1, hex(zeroblob(20000)) UNION ALL "
        "SELECT n + 1, s FROM r WHERE n < 20000) "
        "SELECT ProfileId FROM profiles WHERE ProfileId IN (SELECT s || n FROM r ORDER BY s || n)"
    )
    failed = estimate(client, shop, query)
    assert failed["Status"] == "FAILED", failed
    assert "memory" in failed["Message"]


def test_the_time_limit_holds_for_a_query_that_never_ends(
    client: Any, shop: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.update_domain(DomainName=shop, DataStore={"Enabled": True})
    monkeypatch.setattr(segment_sql, "TIME_LIMIT_SECONDS", 0.2)  # the documented 10 s, shortened
    query = (
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
        "SELECT ProfileId FROM profiles WHERE ProfileId IN (SELECT n FROM r)"
    )
    failed = estimate(client, shop, query)
    assert failed["Status"] == "FAILED"
    assert "ran longer than 0.2 s" in failed["Message"]


def test_membership_of_a_segment_whose_query_fails_is_refused(
    client: Any, shop: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.update_domain(DomainName=shop, DataStore={"Enabled": True})
    query = (
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
        "SELECT ProfileId FROM profiles WHERE ProfileId IN (SELECT n FROM r)"
    )
    client.create_segment_definition(DomainName=shop, SegmentDefinitionName="q",
                                     DisplayName="q", SegmentSqlQuery=query)  # fmt: skip
    monkeypatch.setattr(segment_sql, "TIME_LIMIT_SECONDS", 0.2)
    with pytest.raises(ClientError) as raised:
        client.get_segment_membership(DomainName=shop, SegmentDefinitionName="q",
                                      ProfileIds=["0" * 32])  # fmt: skip
    error = raised.value.response["Error"]
    assert error["Code"] == "BadRequestException" and "ran longer than" in error["Message"]


def answered_while_a_query_runs(
    monkeypatch: pytest.MonkeyPatch, domain: str, call: Callable[[], Any],
    during: tuple[Any, str] = (segment_evaluation, "run_segment_query"),
) -> list[bool]:  # fmt: skip
    """Make ``call`` while another thread, once a segment's SQL query starts, calls
    GetDomain: for each query that ran, whether that other call was answered before the
    query ended (it cannot be while the query holds the backend's lock). ``during``: the
    module and name of the function watched instead (another part of long work)."""
    query_running = threading.Event()
    other_answered = threading.Event()
    answered_during_query: list[bool] = []
    module, name = during
    run = getattr(module, name)

    def watched(*args: Any, **kwargs: Any) -> Any:
        query_running.set()
        # bounded so that, with the lock held, the test fails rather than hangs
        answered_during_query.append(other_answered.wait(timeout=5))
        return run(*args, **kwargs)

    monkeypatch.setattr(module, name, watched)

    def other_caller() -> None:
        own = boto3.client("customer-profiles", region_name="us-east-1")
        query_running.wait(timeout=30)
        own.get_domain(DomainName=domain)
        other_answered.set()

    other = threading.Thread(target=other_caller)
    other.start()
    call()
    other.join(timeout=30)
    return answered_during_query


def test_other_callers_are_answered_while_a_query_runs(
    client: Any, shop: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The query runs without the backend's lock: a call another thread makes while it
    runs is answered before it ends."""
    client.update_domain(DomainName=shop, DataStore={"Enabled": True})
    done: dict[str, Any] = {}

    def estimated() -> None:
        done.update(estimate(client, shop, "SELECT ProfileId FROM profiles"))

    assert answered_while_a_query_runs(monkeypatch, shop, estimated) == [True]
    assert done["Estimate"] == "3"
