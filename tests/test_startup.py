"""Installing and importing cp_mock costs nothing until a mock is used, and changes nothing
that outlives the mocks.

- pytest loads the plugin into every run of an environment where cp_mock is installed: a
  run whose tests request no fixture imports neither cp_mock nor moto nor boto3.
- Importing cp_mock makes no change to botocore or moto beyond the one hook by which
  moto's mocks hold cp_mock's patches (``moto_internals.while_mocks_run``); every patch is
  applied when the first mock starts (or a server starts serving) and undone when the last
  one stops. Checked in fresh processes, by the identity of everything cp_mock patches.
- The region list, read from botocore's endpoint data, is the list the EC2 model gave.
"""

from __future__ import annotations

import os
import subprocess
import sys

import boto3
import botocore.session
import pytest

from cp_mock import get_backend, mock_customerprofiles
from cp_mock.models import backend as backend_module


def run_python(script: str, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", **environment)
    return subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300
    )


def assert_ran(finished: subprocess.CompletedProcess[str]) -> None:
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert finished.stdout.strip().endswith("checked"), finished.stdout + finished.stderr


# -- importing -------------------------------------------------------------------------
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
    assert set(regions) == regions_as_the_ec2_model_gave_them()
    assert len(regions) == len(set(regions)) and list(regions) == sorted(regions)


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
