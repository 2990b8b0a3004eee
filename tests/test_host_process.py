"""Installing cp_mock changes nothing for code that does not use it.

pytest loads cp_mock's plugin (the ``pytest11`` entry point) into every test run of an
environment where it is installed, so a user's other tests run with cp_mock imported. The
test module below never imports cp_mock; it runs in a fresh pytest process, once as a user
gets it (the plugin loaded) and once with the plugin disabled, and must pass both ways.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

USERS_TESTS = """
import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws


def test_plugin_state(pytestconfig):
    loaded = pytestconfig.pluginmanager.has_plugin("cp_mock")
    assert loaded == (pytestconfig.getoption("expect_plugin") == "yes")


def test_available_services_and_resources():
    session = boto3.session.Session(region_name="us-east-1")
    assert "customer-profiles" in session.get_available_services()
    assert "sqs" in session.get_available_resources()
    loader = session._session.get_component("data_loader")
    assert "sqs" in loader.list_available_services(type_name="service-2")
    assert loader.determine_latest_version(service_name="sqs", type_name="service-2")


@mock_aws
def test_sqs_missing_queue_is_its_modeled_error():
    sqs = boto3.client("sqs", region_name="us-east-1")
    with pytest.raises(ClientError) as raised:
        sqs.get_queue_url(QueueName="nope")
    assert raised.value.response["Error"]["Code"] in (
        "AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"
    )


@mock_aws
def test_ssm_missing_parameter_is_its_modeled_error():
    ssm = boto3.client("ssm", region_name="us-east-1")
    with pytest.raises(ssm.exceptions.ParameterNotFound):
        ssm.get_parameter(Name="nope")


@mock_aws
def test_other_services_work_under_mock_aws():
    s3 = boto3.resource("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="users-bucket")
    s3.Object("users-bucket", "k").put(Body=b"x")
    assert [o.key for o in s3.Bucket("users-bucket").objects.all()] == ["k"]
"""

OPTION = """
def pytest_addoption(parser):
    parser.addoption("--expect-plugin", default="yes")
"""


@pytest.mark.slow
@pytest.mark.parametrize("plugin", ["loaded", "disabled"])
def test_a_users_other_tests_pass_with_cp_mock_installed(tmp_path: Path, plugin: str) -> None:
    (tmp_path / "test_users_own.py").write_text(USERS_TESTS)
    (tmp_path / "conftest.py").write_text(OPTION)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)]
    if plugin == "disabled":
        command += ["-p", "no:cp_mock", "--expect-plugin=no"]
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    environment.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
    finished = subprocess.run(
        command, cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=300
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "5 passed" in finished.stdout


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-2"])
def test_an_s3_bucket_named_profile_is_s3s(region: str) -> None:
    """Its virtual-hosted address, profile.s3[.region].amazonaws.com, begins as the
    service's endpoint does: with cp_mock imported, moto still serves it as S3."""
    import boto3

    from cp_mock import mock_customerprofiles

    with mock_customerprofiles():
        s3 = boto3.client("s3", region_name=region)
        if region == "us-east-1":
            s3.create_bucket(Bucket="profile")
        else:
            s3.create_bucket(
                Bucket="profile", CreateBucketConfiguration={"LocationConstraint": region}
            )
        s3.put_object(Bucket="profile", Key="k", Body=b"stored")
        assert s3.get_object(Bucket="profile", Key="k")["Body"].read() == b"stored"
        assert [bucket["Name"] for bucket in s3.list_buckets()["Buckets"]] == ["profile"]
