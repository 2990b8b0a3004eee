"""Injected faults (cp_mock.fail_next): retry and error handling code tested against the
modeled errors, through real clients."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import cp_mock
from cp_mock import fail_next, faults, mock_customerprofiles
from cp_mock.server import ThreadedServer


def _client(**config: Any) -> Any:
    return boto3.client(
        "customer-profiles",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(**config),
    )


@pytest.mark.slow
def test_standard_retries_ride_over_two_throttles(domain: str) -> None:
    # "Retry behavior" (AWS SDKs and Tools reference guide): standard mode retries a
    # throttling error up to 3 attempts in all.
    client = _client(retries={"mode": "standard", "total_max_attempts": 3})
    fail_next("SearchProfiles", times=2)
    client.create_profile(DomainName=domain, AccountNumber="A-1")
    answer = client.search_profiles(DomainName=domain, KeyName="_account", Values=["A-1"])
    assert len(answer["Items"]) == 1
    assert answer["ResponseMetadata"]["RetryAttempts"] == 2


def test_a_client_without_retries_sees_the_throttle(domain: str) -> None:
    client = _client(retries={"mode": "standard", "total_max_attempts": 1})
    fail_next("CreateProfile")
    with pytest.raises(client.exceptions.ThrottlingException) as raised:
        client.create_profile(DomainName=domain, FirstName="Jane")
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert raised.value.response["ResponseMetadata"]["RetryAttempts"] == 0
    # the failed call changed nothing; the next one is served
    assert client.get_domain(DomainName=domain)["Stats"]["ProfileCount"] == 0
    client.create_profile(DomainName=domain, FirstName="Jane")
    assert client.get_domain(DomainName=domain)["Stats"]["ProfileCount"] == 1


def test_the_status_code_is_the_models(client: Any, domain: str) -> None:
    fail_next("GetDomain", "InternalServerException")
    fail_next("GetDomain", "AccessDeniedException")
    no_retries = _client(retries={"total_max_attempts": 1})
    codes = []
    for _ in range(3):
        try:
            no_retries.get_domain(DomainName=domain)
            codes.append(("OK", 200))
        except ClientError as error:
            codes.append(
                (
                    error.response["Error"]["Code"],
                    error.response["ResponseMetadata"]["HTTPStatusCode"],
                )
            )
    assert codes == [("InternalServerException", 500), ("AccessDeniedException", 403), ("OK", 200)]


def test_a_fault_stays_in_its_account_and_region(client: Any, domain: str) -> None:
    fail_next("GetDomain", region="eu-west-1")
    fail_next("GetDomain", account_id="111111111111")
    assert client.get_domain(DomainName=domain)["DomainName"] == domain


def test_an_error_the_operation_does_not_model_is_refused(client: Any) -> None:
    # TagResource models no ThrottlingException (its API reference page lists its errors)
    with pytest.raises(ValueError, match="TagResource does not model 'ThrottlingException'"):
        fail_next("TagResource")
    with pytest.raises(ValueError, match="no operation 'search_profiles'"):
        fail_next("search_profiles")
    with pytest.raises(ValueError, match="positive integer"):
        fail_next("SearchProfiles", times=0)


def test_faults_are_cleared_when_the_mock_resets() -> None:
    with mock_customerprofiles():
        fail_next("ListDomains", times=5)
    with mock_customerprofiles():
        assert _client(retries={"total_max_attempts": 1}).list_domains()["Items"] == []


def test_clear_faults(client: Any) -> None:
    fail_next("ListDomains")
    cp_mock.clear_faults()
    assert client.list_domains()["Items"] == []


def test_faults_over_http_in_server_mode() -> None:
    with ThreadedServer() as server:
        request = urllib.request.Request(
            f"{server.endpoint_url}/cp-mock-api/faults",
            data=json.dumps(
                {"Operation": "ListDomains", "ErrorCode": "ThrottlingException", "Times": 1}
            ).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request) as answer:
            assert answer.status == 200
        client = boto3.client(
            "customer-profiles",
            region_name="us-east-1",
            endpoint_url=server.endpoint_url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(retries={"total_max_attempts": 1}),
        )
        with pytest.raises(client.exceptions.ThrottlingException):
            client.list_domains()
        assert client.list_domains()["Items"] == []

        refused = urllib.request.Request(
            f"{server.endpoint_url}/cp-mock-api/faults",
            data=json.dumps({"Operation": "ListDomains", "ErrorCode": "Nope"}).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with pytest.raises(urllib.error.HTTPError) as raised:
            urllib.request.urlopen(refused)
        assert raised.value.code == 400
        assert "does not model 'Nope'" in json.loads(raised.value.read())["Message"]


def _call(method: str, url: str, body: bytes | None, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    if body is not None and "Content-Type" not in headers:
        request.remove_header("Content-type")  # urllib would send a form's
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_the_faults_endpoint_refuses_other_sites_and_bodies_not_json() -> None:
    """Guarded as the state endpoint is (docs/server.md, "What protects the control
    endpoints"): a web page can post text/plain or a form to a local server unasked."""
    with ThreadedServer() as server:
        url = f"{server.endpoint_url}/cp-mock-api/faults"
        host = server.endpoint_url.removeprefix("http://")
        port = host.rsplit(":", 1)[1]
        fault = json.dumps({"Operation": "ListDomains", "Times": 5}).encode()
        as_json = {"Content-Type": "application/json"}
        refused = [
            ("POST", fault, {"Content-Type": "text/plain"}, 415),
            ("POST", fault, {"Content-Type": "application/x-www-form-urlencoded"}, 415),
            ("POST", fault, {}, 415),
            ("POST", fault, {**as_json, "Origin": "https://evil.example"}, 403),
            ("POST", fault, {**as_json, "Origin": "null"}, 403),
            ("POST", fault, {**as_json, "Host": f"rebound.example:{port}",
                             "Origin": f"http://rebound.example:{port}"}, 403),
        ]  # fmt: skip
        for method, body, headers, status in refused:
            assert _call(method, url, body, headers) == status, headers
            assert not faults.pending(), headers  # nothing was set
        client = boto3.client(
            "customer-profiles", region_name="us-east-1", endpoint_url=server.endpoint_url,
            aws_access_key_id="testing", aws_secret_access_key="testing",
            config=Config(retries={"total_max_attempts": 1}),
        )  # fmt: skip
        assert client.list_domains()["Items"] == []

        # the server's own origin and clients sending none are served; a foreign DELETE
        # clears nothing
        own = {**as_json, "Origin": f"http://{host}"}
        assert _call("POST", url, fault, own) == 200
        assert _call("DELETE", url, None, {"Origin": "https://evil.example"}) == 403
        with pytest.raises(client.exceptions.ThrottlingException):
            client.list_domains()
        assert _call("DELETE", url, None, {}) == 200
        assert client.list_domains()["Items"] == []
