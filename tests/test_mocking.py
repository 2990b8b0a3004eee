"""The ways to turn the mock on, and what they guarantee (isolation, reset, coexistence)."""

from __future__ import annotations

import json
import os
import unittest
import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.core import set_initial_no_auth_action_count
from moto.core.exceptions import ServiceNotWhitelisted
from moto.moto_api import recorder
from moto.moto_api._internal import mock_random

import cp_mock
from cp_mock import direct, get_backend, mock_customerprofiles, registry
from cp_mock import responses as responses_module


def new_client(region: str = "us-east-1") -> Any:
    return boto3.client("customer-profiles", region_name=region)


def domain_names(client: Any) -> list[str]:
    return [d["DomainName"] for d in client.list_domains()["Items"]]


@mock_customerprofiles
def test_function_decorator() -> None:
    client = new_client()
    client.create_domain(DomainName="decorated", DefaultExpirationDays=1)
    assert domain_names(client) == ["decorated"]


def test_state_is_reset_between_uses() -> None:
    with mock_customerprofiles():
        new_client().create_domain(DomainName="first", DefaultExpirationDays=1)
    with mock_customerprofiles():
        assert domain_names(new_client()) == []


def test_nested_mocks_reset_only_when_the_outermost_exits() -> None:
    with mock_customerprofiles():
        new_client().create_domain(DomainName="outer", DefaultExpirationDays=1)
        with mock_customerprofiles():
            new_client().create_domain(DomainName="inner", DefaultExpirationDays=1)
        assert domain_names(new_client()) == ["inner", "outer"]
    with mock_customerprofiles():
        assert domain_names(new_client()) == []


@mock_customerprofiles
class TestClassDecorator(unittest.TestCase):
    def test_one(self) -> None:
        new_client().create_domain(DomainName="one", DefaultExpirationDays=1)
        assert domain_names(new_client()) == ["one"]

    def test_two(self) -> None:
        # every test method starts from an empty service
        new_client().create_domain(DomainName="two", DefaultExpirationDays=1)
        assert domain_names(new_client()) == ["two"]


def test_moto_mock_aws_serves_customer_profiles() -> None:
    with mock_aws():
        client = new_client()
        client.create_domain(DomainName="via-moto", DefaultExpirationDays=1)
        assert domain_names(client) == ["via-moto"]


def test_other_moto_services_work_side_by_side() -> None:
    with mock_customerprofiles():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="exports")
        sqs = boto3.client("sqs", region_name="us-east-1")
        queue = sqs.create_queue(QueueName="dlq")["QueueUrl"]
        client = new_client()
        client.create_domain(DomainName="d", DefaultExpirationDays=1, DeadLetterQueueUrl=queue)
        assert client.get_domain(DomainName="d")["DeadLetterQueueUrl"] == queue
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["exports"]


def test_other_moto_services_errors_reach_the_caller() -> None:
    # moto renders another service's error after listing botocore's services by keyword
    # (Session.get_available_services): importing cp_mock must leave that working
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        with pytest.raises(ClientError) as missing:
            s3.get_object(Bucket="no-such-bucket", Key="k")
    assert missing.value.response["Error"]["Code"] == "NoSuchBucket"


def test_regions_are_isolated() -> None:
    with mock_customerprofiles():
        new_client("us-east-1").create_domain(DomainName="east", DefaultExpirationDays=1)
        new_client("eu-west-2").create_domain(DomainName="london", DefaultExpirationDays=1)
        assert domain_names(new_client("us-east-1")) == ["east"]
        assert domain_names(new_client("eu-west-2")) == ["london"]
        assert list(get_backend(region="eu-west-2").domains) == ["london"]


def test_accounts_are_isolated(monkeypatch: pytest.MonkeyPatch) -> None:
    with mock_customerprofiles():
        new_client().create_domain(DomainName="default-account", DefaultExpirationDays=1)
        monkeypatch.setenv("MOTO_ACCOUNT_ID", "111111111111")
        new_client().create_domain(DomainName="other-account", DefaultExpirationDays=1)
        assert domain_names(new_client()) == ["other-account"]
        assert list(get_backend("111111111111").domains) == ["other-account"]
        monkeypatch.delenv("MOTO_ACCOUNT_ID")
        assert domain_names(new_client()) == ["default-account"]
        arn = "arn:aws:profile:us-east-1:111111111111:domains/other-account"
        with pytest.raises(ClientError):
            new_client().tag_resource(resourceArn=arn, tags={"a": "b"})


def test_backend_access_for_seeding_and_inspection() -> None:
    with mock_customerprofiles():
        backend = get_backend()
        backend.create_domain(domain_name="seeded", default_expiration_days=7)
        profile_id = backend.create_profile(domain_name="seeded", first_name="Seed")["ProfileId"]
        client = new_client()
        found = client.search_profiles(
            DomainName="seeded", KeyName="_profileId", Values=[profile_id]
        )
        assert found["Items"][0]["FirstName"] == "Seed"
        client.update_profile(DomainName="seeded", ProfileId=profile_id, LastName="Ed")
        assert backend.domains["seeded"].profiles[profile_id]["LastName"] == "Ed"


def test_fake_credentials_inside_the_mock() -> None:
    with mock_customerprofiles():
        assert os.environ["AWS_ACCESS_KEY_ID"] == "FOOBARKEY"


def test_fixtures(customerprofiles_client: Any, customerprofiles_backend: Any) -> None:
    customerprofiles_client.create_domain(DomainName="fixture", DefaultExpirationDays=1)
    assert list(customerprofiles_backend.domains) == ["fixture"]
    assert customerprofiles_client.meta.region_name == "us-east-1"


def test_public_api() -> None:
    assert set(cp_mock.__all__) >= {"mock_customerprofiles", "get_backend", "__version__"}
    assert cp_mock.__version__


# -- moto's own features, whichever way a request is served ------------------------------
def test_an_assumed_role_acts_in_its_own_account() -> None:
    with mock_customerprofiles():
        sts = boto3.client("sts", region_name="us-east-1")
        credentials = sts.assume_role(
            RoleArn="arn:aws:iam::111111111111:role/crm-sync", RoleSessionName="sync"
        )["Credentials"]
        client = boto3.client(
            "customer-profiles", region_name="us-east-1",
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
        )  # fmt: skip
        client.create_domain(DomainName="partner", DefaultExpirationDays=1)
        assert list(get_backend("111111111111").domains) == ["partner"]
        assert list(get_backend().domains) == []


def test_the_account_header_chooses_the_account() -> None:
    with mock_customerprofiles():
        client = new_client()
        client.meta.events.register(
            "before-sign.customer-profiles.*",
            lambda request, **_: request.headers.add_header("x-moto-account-id", "222222222222"),
        )
        client.create_domain(DomainName="by-header", DefaultExpirationDays=1)
        assert list(get_backend("222222222222").domains) == ["by-header"]


def test_moto_iam_authorization_applies() -> None:
    @set_initial_no_auth_action_count(0)
    def unknown_credentials_are_refused() -> None:
        with pytest.raises(ClientError) as refused:
            new_client().list_domains()
        assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403

    with mock_customerprofiles():
        unknown_credentials_are_refused()
        assert domain_names(new_client()) == []  # and served again once it is off


def test_moto_service_allow_list_applies() -> None:
    with mock_aws(config={"core": {"service_whitelist": ["s3"]}}):
        with pytest.raises(ServiceNotWhitelisted):
            new_client().list_domains()
    with mock_aws(config={"core": {"service_whitelist": ["customerprofiles"]}}):
        assert domain_names(new_client()) == []


def test_seeding_moto_repeats_request_ids() -> None:
    def request_ids() -> list[str]:
        mock_random.seed(7)
        client = new_client()
        return [client.list_domains()["ResponseMetadata"]["RequestId"] for _ in range(2)]

    with mock_customerprofiles():
        first = request_ids()
        assert request_ids() == first and first[0] != first[1]
        assert uuid.UUID(first[0]).version == 4


def test_moto_request_recorder_records_calls(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # moto reads MOTO_RECORDER_FILEPATH once, at import; the recording goes to tmp_path
    monkeypatch.setattr(recorder, "_location", str(tmp_path / "recording"))
    with mock_customerprofiles():
        recorder.reset_recording()
        recorder.start_recording()
        try:
            new_client().create_domain(DomainName="recorded", DefaultExpirationDays=1)
        finally:
            recorder.stop_recording()
        recorded = [json.loads(line) for line in recorder.download_recording().splitlines()]
        recorder.reset_recording()
    assert [(r["method"], r["url"]) for r in recorded] == [
        ("POST", "https://profile.us-east-1.amazonaws.com/domains/recorded")
    ]


def test_an_iso_partition_endpoint_is_served_too() -> None:
    # moto maps the partition's own domain to amazonaws.com before matching services
    with mock_customerprofiles():
        client = new_client("us-iso-east-1")
        assert client.meta.endpoint_url == "https://profile.us-iso-east-1.c2s.ic.gov"
        client.create_domain(DomainName="iso", DefaultExpirationDays=1)
        assert domain_names(client) == ["iso"]
        assert list(get_backend(region="us-iso-east-1").domains) == ["iso"]


def test_decorating_keeps_the_config() -> None:
    @mock_customerprofiles(config={"core": {"service_whitelist": ["s3"]}})
    def only_s3_is_mocked() -> None:
        with pytest.raises(ServiceNotWhitelisted):
            new_client().list_domains()

    only_s3_is_mocked()


def test_moto_account_id_is_the_default_account(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "333333333333")
    with mock_customerprofiles():
        new_client().create_domain(
            DomainName="elsewhere", DefaultExpirationDays=1, Matching={"Enabled": True}
        )
        assert list(get_backend().domains) == ["elsewhere"]
        assert list(get_backend("123456789012").domains) == []
        job = cp_mock.run_identity_resolution("elsewhere")  # finds the domain in that account
        assert job["DomainName"] == "elsewhere"


def test_boto3_calls_take_the_lean_door(monkeypatch: pytest.MonkeyPatch) -> None:
    """A plain boto3 call under the mock with the direct door off is served by
    ``serve_botocore_request``, not by moto's general path (which a moto change could
    silently send every call down); with it on (tests/test_direct_door.py), by neither."""
    lean: list[str] = []
    general: list[str] = []
    serve_lean = registry.serve_botocore_request
    call_general = responses_module.CustomerProfilesResponse.call_action

    def lean_door(request: Any) -> Any:
        answer = serve_lean(request)
        if answer is not None:
            lean.append(request.url)
        return answer

    def general_door(self: Any) -> Any:
        general.append(self.uri)
        return call_general(self)

    monkeypatch.setattr(registry, "serve_botocore_request", lean_door)
    monkeypatch.setattr(responses_module.CustomerProfilesResponse, "call_action", general_door)
    for door_on, through_lean in ((False, 2), (True, 0)):
        monkeypatch.setattr(direct, "enabled", door_on)
        lean.clear()
        with mock_customerprofiles():
            client = new_client()
            client.create_domain(DomainName="lean", DefaultExpirationDays=1)
            assert domain_names(client) == ["lean"]
        assert len(lean) == through_lean and general == []
