"""What the fixtures promise for each test, however cheap they make it (cp_mock.lifecycle):

- every test starts from empty state, in every account and region, for Customer Profiles
  and for any moto service the test used inside the fixture;
- a test that uses no fixture and no mock is not mocked at all;
- moto's ``mock_aws`` used directly behaves as it does without the fixtures, before, inside
  and after tests that use them;
- the client a test gets behaves as a new one, whatever the previous test did to its own;
- pytest-xdist workers stay independent.

The promises are about what one test leaves to the next, so they are checked the way a
user's suite meets them: a suite of tests in a known order, run by pytest in a fresh
process (where the plugin is loaded through its entry point, as users get it). Each test
below reads the outcome of the user's tests that hold one promise.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

USERS_SUITE = '''
import os

import boto3
import botocore.httpsession
import pytest
import requests
import urllib3
from botocore.stub import Stubber
from moto import mock_aws

from cp_mock import clear_faults, fail_next, get_backend
from cp_mock.compat.moto import mock_is_running

OTHER_ACCOUNT = "111111111111"
REGIONS = ("us-east-1", "eu-west-2")
REQUESTS_SEND = requests.adapters.HTTPAdapter.send  # as imported, before any mock ran
seen_by_handler = []


class ReachedTheNetwork(Exception):
    pass


@pytest.fixture
def no_network(monkeypatch):
    """Any request that gets past every mock to the network raises ReachedTheNetwork."""

    def refuse(*args, **kwargs):
        raise ReachedTheNetwork()

    monkeypatch.setattr(botocore.httpsession.URLLib3Session, "send", refuse)
    monkeypatch.setattr(urllib3.connectionpool.HTTPConnectionPool, "urlopen", refuse)


def in_every_account_and_region(monkeypatch, action):
    for account in (None, OTHER_ACCOUNT):
        if account:
            monkeypatch.setenv("MOTO_ACCOUNT_ID", account)
        for region in REGIONS:
            action(account, region)
        monkeypatch.delenv("MOTO_ACCOUNT_ID", raising=False)


def leave_state_everywhere(monkeypatch):
    def leave(account, region):
        boto3.client("customer-profiles", region_name=region).create_domain(
            DomainName="left-behind", DefaultExpirationDays=1
        )
        boto3.client("sqs", region_name=region).create_queue(QueueName="left-behind")
        s3 = boto3.client("s3", region_name=region)
        bucket = f"left-behind-{account or 'default'}-{region}"
        location = {} if region == "us-east-1" else {
            "CreateBucketConfiguration": {"LocationConstraint": region}
        }
        s3.create_bucket(Bucket=bucket, **location)

    in_every_account_and_region(monkeypatch, leave)


def assert_no_state_anywhere(monkeypatch):
    def empty(account, region):
        cp = boto3.client("customer-profiles", region_name=region)
        assert cp.list_domains()["Items"] == []
        assert get_backend(account, region).domains == {}
        assert "QueueUrls" not in boto3.client("sqs", region_name=region).list_queues()
        assert boto3.client("s3", region_name=region).list_buckets()["Buckets"] == []

    in_every_account_and_region(monkeypatch, empty)


def assert_requests_library_is_served():
    """A presigned S3 URL fetched with `requests` is answered by moto."""
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="via-requests")
    s3.put_object(Bucket="via-requests", Key="k", Body=b"served")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "via-requests", "Key": "k"})
    assert requests.get(url).content == b"served"


def assert_nothing_is_mocked():
    assert not mock_is_running()
    assert requests.adapters.HTTPAdapter.send is REQUESTS_SEND
    assert os.environ.get("AWS_ACCESS_KEY_ID") != "FOOBARKEY"
    client = boto3.client(
        "customer-profiles", region_name="us-east-1",
        aws_access_key_id="real-looking", aws_secret_access_key="real-looking",
    )
    with pytest.raises(ReachedTheNetwork):
        client.list_domains()
    with pytest.raises(ReachedTheNetwork):
        requests.get("https://sqs.us-east-1.amazonaws.com/?Action=ListQueues")


# -- empty state ---------------------------------------------------------------------------
def test_empty_1_a_test_leaves_state_everywhere(customerprofiles_client, monkeypatch):
    assert_no_state_anywhere(monkeypatch)
    leave_state_everywhere(monkeypatch)
    assert customerprofiles_client.list_domains()["Items"][0]["DomainName"] == "left-behind"


def test_empty_2_the_next_finds_none(customerprofiles_client, monkeypatch):
    assert customerprofiles_client.list_domains()["Items"] == []
    assert_no_state_anywhere(monkeypatch)
    leave_state_everywhere(monkeypatch)


def test_empty_3_nor_does_the_backend_fixture(customerprofiles_backend, monkeypatch):
    assert customerprofiles_backend.domains == {}
    assert_no_state_anywhere(monkeypatch)
    customerprofiles_backend.create_domain(domain_name="seeded", default_expiration_days=1)
    client = boto3.client("customer-profiles", region_name="us-east-1")
    assert client.get_domain(DomainName="seeded")["DomainName"] == "seeded"


def test_empty_4_nor_a_test_that_uses_the_mock_fixture(customerprofiles_mock, monkeypatch):
    assert_no_state_anywhere(monkeypatch)
    assert_requests_library_is_served()
    leave_state_everywhere(monkeypatch)


# -- nothing mocked without a fixture ------------------------------------------------------
def test_unmocked_1_after_fixture_tests(no_network):
    assert_nothing_is_mocked()


# -- moto's own mock, before, inside and after fixture tests -------------------------------
def test_moto_1_mock_aws_after_fixture_tests(no_network, monkeypatch):
    with mock_aws():
        assert_no_state_anywhere(monkeypatch)
        assert_requests_library_is_served()
        leave_state_everywhere(monkeypatch)
    assert_nothing_is_mocked()
    with mock_aws():
        assert_no_state_anywhere(monkeypatch)


@mock_aws
def test_moto_2_decorated_test_after_it(monkeypatch):
    assert_no_state_anywhere(monkeypatch)
    leave_state_everywhere(monkeypatch)


def test_moto_3_fixture_test_after_mock_aws(customerprofiles_client, monkeypatch):
    assert_no_state_anywhere(monkeypatch)
    assert_requests_library_is_served()
    leave_state_everywhere(monkeypatch)


def test_moto_4_mock_aws_inside_a_fixture_test(customerprofiles_client, monkeypatch):
    customerprofiles_client.create_domain(DomainName="outer", DefaultExpirationDays=1)
    with mock_aws():  # nested: shares the outer mock's state, resets nothing
        client = boto3.client("customer-profiles", region_name="us-east-1")
        assert [d["DomainName"] for d in client.list_domains()["Items"]] == ["outer"]
        boto3.client("sqs", region_name="us-east-1").create_queue(QueueName="inner")
        assert_requests_library_is_served()
    assert mock_is_running()
    assert len(boto3.client("sqs", region_name="us-east-1").list_queues()["QueueUrls"]) == 1
    assert len(customerprofiles_client.list_domains()["Items"]) == 1


@mock_aws
def test_moto_5_decorated_test_using_the_fixture(customerprofiles_client, monkeypatch):
    assert_no_state_anywhere(monkeypatch)
    leave_state_everywhere(monkeypatch)


@mock_aws
class TestMoto6DecoratedClass:
    def test_one(self, customerprofiles_client, monkeypatch):
        assert_no_state_anywhere(monkeypatch)
        leave_state_everywhere(monkeypatch)

    def test_two(self, monkeypatch):
        assert_no_state_anywhere(monkeypatch)
        leave_state_everywhere(monkeypatch)


def test_moto_7_fixture_test_after_all_that(customerprofiles_client, monkeypatch):
    assert_no_state_anywhere(monkeypatch)
    assert_requests_library_is_served()


def test_unmocked_2_after_moto_and_fixture_tests(no_network):
    assert_nothing_is_mocked()


# -- the client behaves as a new one -------------------------------------------------------
def test_client_1_a_test_changes_its_client(customerprofiles_client):
    customerprofiles_client.meta.events.register(
        "before-call.customer-profiles", lambda **_: seen_by_handler.append(1)
    )
    customerprofiles_client.label = "changed"
    customerprofiles_client.list_domains()
    assert seen_by_handler == [1]


def test_client_2_the_next_gets_one_without_the_change(customerprofiles_client):
    customerprofiles_client.list_domains()
    assert seen_by_handler == [1]
    assert not hasattr(customerprofiles_client, "label")
    stubber = Stubber(customerprofiles_client)
    stubber.add_response("list_domains", {"Items": [{"DomainName": "stubbed",
        "CreatedAt": 0, "LastUpdatedAt": 0}]})
    stubber.activate()  # and left active
    assert customerprofiles_client.list_domains()["Items"][0]["DomainName"] == "stubbed"


def test_client_3_nor_a_stubber_left_active(customerprofiles_client):
    assert customerprofiles_client.list_domains()["Items"] == []


@pytest.fixture
def eight_attempts(monkeypatch):
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "8")


def test_client_4_made_under_the_tests_environment(eight_attempts, customerprofiles_client):
    assert customerprofiles_client.meta.config.retries["total_max_attempts"] == 8


def test_client_5_and_the_next_tests_environment(customerprofiles_client):
    assert "total_max_attempts" not in customerprofiles_client.meta.config.retries


def test_client_6_a_test_closes_its_client(customerprofiles_client):
    customerprofiles_client.close()
    type(customerprofiles_client).extra = "on the class"


def test_client_7_the_next_gets_a_new_one(customerprofiles_client):
    assert not hasattr(customerprofiles_client, "extra")
    assert customerprofiles_client.list_domains()["Items"] == []


def test_client_8_a_test_changes_its_config_in_place(customerprofiles_client):
    customerprofiles_client.meta.config.read_timeout = 1
    customerprofiles_client.meta.config.retries["total_max_attempts"] = 1


def test_client_9_the_next_gets_the_config_a_new_one_has(customerprofiles_client):
    assert customerprofiles_client.meta.config.read_timeout == 60
    assert "total_max_attempts" not in customerprofiles_client.meta.config.retries


@pytest.fixture
def standard_retries(monkeypatch):
    # the newest botocore's default; older ones default to "legacy", which keeps no state
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")
    monkeypatch.setattr("botocore.endpoint.time.sleep", lambda seconds: None)  # no backoff


def test_client_10_a_test_spends_its_retry_quota(standard_retries, customerprofiles_client):
    # botocore's standard retry mode spends 5 of a quota of 500 on each retry of a
    # throttled call, and stops retrying when the quota is spent.
    assert customerprofiles_client.meta.config.retries["mode"] == "standard"
    fail_next("ListDomains", "ThrottlingException", times=1000)
    for _ in range(60):
        with pytest.raises(customerprofiles_client.exceptions.ThrottlingException):
            customerprofiles_client.list_domains()
    clear_faults()


def test_client_11_the_next_retries_as_a_new_one_does(standard_retries, customerprofiles_client):
    fail_next("ListDomains", "ThrottlingException")
    assert customerprofiles_client.list_domains()["Items"] == []
'''

WORKERS_SUITE = """
import os

import boto3
from moto import mock_aws

from cp_mock.compat.moto import mock_is_running


def record_worker(tmp_dir):
    worker = os.environ["PYTEST_XDIST_WORKER"]
    (tmp_dir / f"{worker}-{os.getpid()}").touch()


def make_and_find_only_its_own(client, sqs):
    assert client.list_domains()["Items"] == []
    assert "QueueUrls" not in sqs.list_queues()
    client.create_domain(DomainName="same-name", DefaultExpirationDays=1)
    sqs.create_queue(QueueName="same-name")
    assert [d["DomainName"] for d in client.list_domains()["Items"]] == ["same-name"]
    assert len(sqs.list_queues()["QueueUrls"]) == 1

""" + "".join(
    f"""

def test_fixture_{number}(customerprofiles_client, workers_dir):
    record_worker(workers_dir)
    sqs = boto3.client("sqs", region_name="us-east-1")
    make_and_find_only_its_own(customerprofiles_client, sqs)


def test_unmocked_{number}(workers_dir):
    record_worker(workers_dir)
    assert not mock_is_running()


@mock_aws
def test_moto_{number}(workers_dir):
    record_worker(workers_dir)
    client = boto3.client("customer-profiles", region_name="us-east-1")
    make_and_find_only_its_own(client, boto3.client("sqs", region_name="us-east-1"))
"""
    for number in range(12)
)

WORKERS_CONFTEST = """
import pathlib
import pytest


@pytest.fixture
def workers_dir():
    return pathlib.Path(__file__).parent / "workers"
"""


def run_pytest(directory: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA", *arguments]
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    environment.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
    return subprocess.run(
        [*command, str(directory)],
        cwd=directory,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


@dataclass
class Outcomes:
    """How each of the user's tests ended (PASSED, FAILED, ERROR), by name, and the report."""

    by_test: dict[str, str]
    report: str

    def assert_passed(self, prefix: str, expected: int) -> None:
        held = {name: outcome for name, outcome in self.by_test.items() if name.startswith(prefix)}
        assert len(held) == expected, sorted(self.by_test)
        failed = sorted(name for name, outcome in held.items() if outcome != "PASSED")
        assert not failed, f"{failed} failed:\n{self.report[-8000:]}"


@pytest.fixture(scope="module")
def users_suite(tmp_path_factory: pytest.TempPathFactory) -> Outcomes:
    directory = tmp_path_factory.mktemp("users_suite")
    (directory / "test_users_suite.py").write_text(USERS_SUITE)
    finished = run_pytest(directory)
    found = re.findall(r"^(PASSED|FAILED|ERROR) \S+?::(\S+)", finished.stdout, re.M)
    assert found, finished.stdout + finished.stderr
    return Outcomes({name: outcome for outcome, name in found}, finished.stdout)


@pytest.mark.slow
def test_every_test_starts_from_empty_state(users_suite: Outcomes) -> None:
    users_suite.assert_passed("test_empty_", 4)


@pytest.mark.slow
def test_a_test_without_fixture_or_mock_is_not_mocked(users_suite: Outcomes) -> None:
    users_suite.assert_passed("test_unmocked_", 2)


@pytest.mark.slow
def test_moto_mock_aws_behaves_as_before_inside_and_after(users_suite: Outcomes) -> None:
    users_suite.assert_passed("test_moto_", 6)
    users_suite.assert_passed("TestMoto6DecoratedClass::", 2)


@pytest.mark.slow
def test_the_client_behaves_as_a_new_one(users_suite: Outcomes) -> None:
    users_suite.assert_passed("test_client_", 11)


@pytest.mark.slow
def test_pytest_xdist_workers_stay_independent(tmp_path: Path) -> None:
    (tmp_path / "test_workers_suite.py").write_text(WORKERS_SUITE)
    (tmp_path / "conftest.py").write_text(WORKERS_CONFTEST)
    (tmp_path / "workers").mkdir()
    finished = run_pytest(tmp_path, "-q", "-n", "2")
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "36 passed" in finished.stdout, finished.stdout
    workers = {path.name.split("-")[0] for path in (tmp_path / "workers").iterdir()}
    assert workers == {"gw0", "gw1"}
