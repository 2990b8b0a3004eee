"""docs/usage.md's examples for state, faults and parallel runs, run as a user's suite runs
them: pytest in a subprocess, with pytest-xdist where the section is about it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

import cp_mock
from cp_mock.models import customerprofiles_backends
from cp_mock.server import ThreadedServer

DOC = Path(__file__).resolve().parent.parent / "docs" / "usage.md"

# Both workers reach the same point before either goes on: their state overlaps in time.
RENDEZVOUS = """
import os
import time
from pathlib import Path


def meet_the_other_worker(worker_id):
    here = Path(os.environ["RENDEZVOUS"])
    (here / worker_id).touch()
    deadline = time.monotonic() + 120  # a guard against a hang, not a measurement
    while len(list(here.iterdir())) < 2:
        assert time.monotonic() < deadline, "the other worker never arrived"
        time.sleep(0.02)
"""

SAME_NAMES_AT_ONCE = """

def test_the_same_domain_name_at_the_same_moment(CLIENT, worker_id):
    client = CLIENT
    client.create_domain(DomainName="orders", DefaultExpirationDays=1)
    client.create_profile(DomainName="orders", FirstName=worker_id)
    meet_the_other_worker(worker_id)  # the other worker now holds its "orders" too
    assert [d["DomainName"] for d in client.list_domains()["Items"]] == ["orders"]
    assert client.get_domain(DomainName="orders")["Stats"]["ProfileCount"] == 1
    found = client.search_profiles(DomainName="orders", KeyName="_fullName", Values=[worker_id])
    assert len(found["Items"]) == 1
"""


def section(title: str) -> str:
    text = DOC.read_text()
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


def run_pytest(directory: Path, *arguments: str, **environment: str) -> str:
    # the user's run: none of this run's pytest or xdist variables, nor its account
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "MOTO_"))}
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *arguments],
        cwd=directory, env={**env, **environment}, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed.stdout


@pytest.fixture
def saved_dump(tmp_path: Path) -> Path:
    with cp_mock.mock_customerprofiles():
        client = boto3.client("customer-profiles", region_name="us-east-1")
        client.create_domain(DomainName="fixture-domain", DefaultExpirationDays=7)
        client.create_profile(DomainName="fixture-domain", FirstName="Saved")
        state_file = tmp_path / "customer-profiles.json"
        state_file.write_text(json.dumps(cp_mock.dump_state()))
    return state_file


@pytest.mark.slow
def test_the_state_and_fault_examples_run_as_written(tmp_path: Path, saved_dump: Path) -> None:
    [state_example] = python_blocks(section("State dumped and loaded"))
    [fault_example] = python_blocks(section("Injected faults"))
    (tmp_path / "test_state_example.py").write_text(state_example)
    (tmp_path / "test_fault_example.py").write_text(fault_example)
    assert "2 passed" in run_pytest(tmp_path)


@pytest.mark.slow
def test_xdist_workers_each_have_their_own_mock(tmp_path: Path) -> None:
    suite = tmp_path / "suite"
    suite.mkdir()
    (tmp_path / "met").mkdir()
    test = RENDEZVOUS + SAME_NAMES_AT_ONCE.replace("CLIENT", "customerprofiles_client")
    (suite / "test_same_names.py").write_text(test)
    # --dist each: every worker runs the test, at the same time as the other
    out = run_pytest(suite, "-n", "2", "--dist", "each", RENDEZVOUS=str(tmp_path / "met"))
    assert "2 passed" in out
    assert sorted(p.name for p in (tmp_path / "met").iterdir()) == ["gw0", "gw1"]


@pytest.fixture
def shared_server() -> Iterator[ThreadedServer]:
    with ThreadedServer() as server:
        yield server
    for account_id in ("100000000001", "100000000002"):
        customerprofiles_backends[account_id]["us-east-1"].reset()


@pytest.mark.slow
def test_xdist_workers_share_one_server_in_their_own_accounts(
    tmp_path: Path, shared_server: ThreadedServer
) -> None:
    suite = tmp_path / "suite"
    suite.mkdir()
    (tmp_path / "met").mkdir()
    marker = "<!-- conftest.py for one shared server -->\n"
    text = section("Parallel test runs (pytest-xdist)")
    [conftest] = python_blocks(text[text.index(marker) :])[:1]
    (suite / "conftest.py").write_text(conftest)
    test = RENDEZVOUS + SAME_NAMES_AT_ONCE.replace("CLIENT", "client")
    (suite / "test_same_names.py").write_text(test)
    out = run_pytest(
        suite, "-n", "2", "--dist", "each",
        RENDEZVOUS=str(tmp_path / "met"), CP_MOCK_URL=shared_server.endpoint_url,
    )  # fmt: skip
    assert "2 passed" in out
    # both workers' accounts were served by this one server, and left empty
    for account_id in ("100000000001", "100000000002"):
        assert cp_mock.get_backend(account_id).list_domains()["Items"] == []
    assert {"100000000001", "100000000002"} <= set(customerprofiles_backends)
