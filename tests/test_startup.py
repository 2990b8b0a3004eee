"""Installing and importing cp_mock costs nothing until a mock is used, and changes nothing
that outlives the mocks.

- pytest loads the plugin into every run of an environment where cp_mock is installed: a
  run whose tests request no fixture imports neither cp_mock nor moto nor boto3.
- Importing cp_mock makes no change to botocore or moto beyond the one hook by which
  moto's mocks hold cp_mock's patches (``compat.moto.while_mocks_run``); every patch is
  applied when the first mock starts (or a server starts serving) and undone when the last
  one stops. Checked in fresh processes, by the identity of everything cp_mock patches.
- The region list, read from botocore's endpoint data, is the list the EC2 model gave.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import boto3
import botocore.session
import pytest

from cp_mock import get_backend, mock_customerprofiles
from cp_mock.models import backend as backend_module
from tests.conftest import OLDER_MODEL


def run_python(script: str, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", **environment)
    return subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300
    )


def assert_ran(finished: subprocess.CompletedProcess[str]) -> None:
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert finished.stdout.strip().endswith("checked"), finished.stdout + finished.stderr


# -- the plugin --------------------------------------------------------------------------
USERS_SUITE = """
import sys

HEAVY = ("cp_mock", "moto", "boto3", "botocore")


def test_1_a_test_without_fixtures_runs_with_none_of_them_imported(pytestconfig):
    assert pytestconfig.pluginmanager.has_plugin("cp_mock")
    assert [name for name in HEAVY if name in sys.modules] == []


def test_2_a_fixture_imports_them_when_requested(customerprofiles_client):
    customerprofiles_client.create_domain(DomainName="d", DefaultExpirationDays=1)
    assert [name for name in HEAVY if name in sys.modules] == list(HEAVY)


def test_3_the_backend_fixture_too(customerprofiles_backend):
    assert customerprofiles_backend.domains == {}
"""


def test_a_pytest_run_using_no_fixture_imports_no_cp_mock_moto_or_boto3(tmp_path: Path) -> None:
    (tmp_path / "test_users_suite.py").write_text(USERS_SUITE)
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    finished = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "3 passed" in finished.stdout


def test_the_plugin_module_imports_only_pytest() -> None:
    finished = run_python(
        "import sys; before = set(sys.modules); import pytest; with_pytest = set(sys.modules)\n"
        "import cp_mock_pytest\n"
        "added = sorted(set(sys.modules) - with_pytest - {'cp_mock_pytest'})\n"
        "assert added == [], added\n"
        "print('checked')"
    )
    assert_ran(finished)


# -- what importing and mocking change ---------------------------------------------------
SNAPSHOT = """
import sys

import botocore.handlers
import botocore.loaders
import botocore.parsers
import moto
import moto.backend_index
from moto import mock_aws
from moto.core.botocore_stubber import BotocoreStubber
from moto.core.models import MockAWS, botocore_stubber

HOOK = ("_enable_patching", "_disable_patching")


def identities(namespace, leave_out=()):
    return {name: id(value) for name, value in vars(namespace).items() if name not in leave_out}


def imported(module, name):
    # a module imported as itself (more of moto is imported along with cp_mock), not one
    # set in its place
    spec = getattr(module, "__spec__", None)
    return spec is not None and spec.name == name


def moto_namespace():
    # moto's attributes, less its submodules as imported
    return {
        name: id(value)
        for name, value in vars(moto).items()
        if not imported(value, f"moto.{name}")
    }


def snapshot():
    state = {
        "builtin handlers": [id(entry) for entry in botocore.handlers.BUILTIN_HANDLERS],
        "response parser factory": identities(botocore.parsers.ResponseParserFactory),
        "loader": identities(botocore.loaders.Loader),
        "stubber class": identities(BotocoreStubber),
        "the stubber": identities(botocore_stubber),
        "moto's url patterns": list(moto.backend_index.backend_url_patterns),
        "moto's modules": sorted(
            name
            for name, module in sys.modules.items()
            if name.startswith("moto.") and not imported(module, name)
        ),
        "moto's attributes": moto_namespace(),
        "import finders": [id(finder) for finder in sys.meta_path],
        "MockAWS": identities(MockAWS, leave_out=HOOK),
    }
    stack = getattr(sys.modules.get("moto.cloudformation.models"), "Stack", None)
    if stack is not None:
        # (moto itself replaces the class's instances_tracked when a mock stops)
        state["CloudFormation stack"] = identities(stack, leave_out=("instances_tracked",))
    return state


def assert_as(before, when):
    after = snapshot()
    changed = sorted(key for key in before if after.get(key) != before[key])
    assert not changed, f"{when}: changed {changed}"
"""

IMPORT_START_STOP = (
    SNAPSHOT
    + """
before = snapshot()
enable, disable = MockAWS._enable_patching, MockAWS._disable_patching

import cp_mock
from cp_mock import direct, lifecycle, registry
from cp_mock.compat.moto import patches_held

assert_as(before, "importing cp_mock")
# the one change importing makes: moto's own two methods, called from a hook
assert MockAWS._enable_patching.__wrapped__ is enable
assert MockAWS._disable_patching.__wrapped__ is disable
assert not patches_held()
assert "moto.iam" not in sys.modules  # imported only for a request signed with IAM's keys


def assert_patched():
    assert patches_held()
    assert ("customerprofiles", registry.URL_PATTERN) == moto.backend_index.backend_url_patterns[0]
    assert sys.modules["moto.customerprofiles"].customerprofiles_backends is not None
    handlers = botocore.handlers.BUILTIN_HANDLERS
    assert any(entry[1] is direct.answer_before_call for entry in handlers)
    assert "process_request" in vars(botocore_stubber)


def a_call():
    import boto3

    client = boto3.client("customer-profiles", region_name="us-east-1")
    client.create_domain(DomainName="d", DefaultExpirationDays=1)
    assert [d["DomainName"] for d in client.list_domains()["Items"]] == ["d"]


with cp_mock.mock_customerprofiles():
    assert_patched()
    a_call()
assert_as(before, "a mock_customerprofiles started and stopped")

with mock_aws():  # moto's own, alone
    assert_patched()
    a_call()
assert_as(before, "moto's mock_aws started and stopped")

outer = mock_aws()
outer.start()
with cp_mock.mock_customerprofiles():
    a_call()
assert_patched()  # the outer mock still runs
outer.stop()
assert_as(before, "nested mocks stopped")


@mock_aws
def decorated():
    assert_patched()
    a_call()


decorated()
assert_as(before, "a decorated function returned")

for _ in range(3):  # the fixtures' mock: its second start reuses what the first registered
    with lifecycle.isolated_mock():
        assert_patched()
        lifecycle.fresh_client().list_domains()
    assert_as(before, "the fixtures' mock started and stopped")

# moto's CloudFormation, imported while a mock runs, is patched then, and restored after
with cp_mock.mock_customerprofiles():
    import moto.cloudformation.models as cloudformation_models

    stack = cloudformation_models.Stack
    moto_create, moto_update = stack.create_resources.__wrapped__, stack.update.__wrapped__
assert (stack.create_resources, stack.update) == (moto_create, moto_update)
before = snapshot()
with cp_mock.mock_customerprofiles():
    assert stack.create_resources.__wrapped__ is moto_create
assert_as(before, "a mock started and stopped with moto's CloudFormation loaded")

from cp_mock.server import ThreadedServer

with ThreadedServer():
    assert_patched()
    with cp_mock.mock_customerprofiles():
        pass
    assert_patched()  # the server still serves
assert_as(before, "a server started and stopped")
print("checked")
"""
)


def test_importing_and_mocking_leave_botocore_and_moto_as_they_were() -> None:
    assert_ran(run_python(IMPORT_START_STOP))


IMPORTED_INSIDE_A_MOCK = (
    SNAPSHOT
    + """
import boto3

before = snapshot()
with mock_aws():
    import cp_mock

    client = boto3.client("customer-profiles", region_name="us-east-1")
    client.create_domain(DomainName="d", DefaultExpirationDays=1)
    assert len(client.list_domains()["Items"]) == 1
assert_as(before, "cp_mock imported inside a running mock, which then stopped")
with mock_aws():
    assert boto3.client("customer-profiles", region_name="us-east-1").list_domains()["Items"] == []
assert_as(before, "the next mock stopped")
print("checked")
"""
)


def test_cp_mock_imported_inside_a_running_mock_serves_it_and_is_undone_after() -> None:
    assert_ran(run_python(IMPORTED_INSIDE_A_MOCK))


def test_importing_reads_no_aws_config_file() -> None:
    # A profile that does not exist makes botocore's sessions fail when they read the config
    # (moto's too, when it makes a backend); the fixtures remove AWS_PROFILE before their
    # mock starts, but cp_mock used to fail on import, before any of that.
    finished = run_python(
        "import os\n"
        "import cp_mock\n"
        "del os.environ['AWS_PROFILE']  # as the fixtures do\n"
        "assert cp_mock.get_backend(region='eu-west-2').domains == {}\n"
        "print('checked')",
        AWS_PROFILE="no-such-profile-anywhere",
    )
    assert_ran(finished)


# -- regions -----------------------------------------------------------------------------
def regions_as_the_ec2_model_gave_them() -> set[str]:
    session = botocore.session.get_session()
    return {
        region
        for partition in session.get_available_partitions()
        for region in session.get_available_regions("ec2", partition_name=partition)
    }


def test_every_region_is_the_list_the_ec2_model_gave() -> None:
    regions = backend_module._every_region()
    assert len(regions) == len(set(regions)) and list(regions) == sorted(regions)
    as_before = regions_as_the_ec2_model_gave_them()
    assert as_before <= set(regions)  # no region lost its backend
    if OLDER_MODEL:
        # botocore 1.40.0's data lists EC2 in no region of the EUSC partition yet: a region
        # the data lists in a partition, but not for EC2, gets a backend too
        loader = botocore.session.get_session().get_component("data_loader")
        partitions = loader.load_data("endpoints")["partitions"]
        not_for_ec2 = {
            region
            for partition in partitions
            for region in partition["regions"]
            if region not in partition["services"].get("ec2", {}).get("endpoints", {})
        }
        assert set(regions) - as_before <= not_for_ec2
    else:
        assert set(regions) == as_before


def test_the_region_list_is_read_when_first_read() -> None:
    reads: list[int] = []

    def read() -> list[str]:
        reads.append(1)
        return ["eu-west-2", "us-east-1"]

    listed = backend_module._ListedOnFirstRead(read)
    assert reads == []
    assert bool(listed) and len(listed) == 2 and "us-east-1" in listed
    assert list(listed) == ["eu-west-2", "us-east-1"] and listed[0] == "eu-west-2"
    made: list[str] = []
    made.extend(listed or [])  # as moto's AccountSpecificBackend reads it
    assert made == listed == ["eu-west-2", "us-east-1"] and reads == [1]


def test_a_region_customer_profiles_data_does_not_list_gets_a_backend() -> None:
    session = botocore.session.get_session()
    listed_for_the_service = {
        region
        for partition in session.get_available_partitions()
        for region in session.get_available_regions("customer-profiles", partition_name=partition)
    }
    unlisted = sorted(set(backend_module._every_region()) - listed_for_the_service)
    commercial = [region for region in unlisted if "iso" not in region and "-gov-" not in region]
    assert commercial, "botocore's data lists Customer Profiles in every region now"
    region = commercial[0]
    with mock_customerprofiles():
        client = boto3.client("customer-profiles", region_name=region)
        client.create_domain(DomainName="far", DefaultExpirationDays=1)
        assert list(get_backend(region=region).domains) == ["far"]


@pytest.mark.parametrize("region", sorted(regions_as_the_ec2_model_gave_them()))
def test_every_region_has_a_backend(region: str) -> None:
    with mock_customerprofiles():
        assert get_backend(region=region).domains == {}
