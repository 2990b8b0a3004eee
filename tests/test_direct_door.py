"""The direct door (``cp_mock/direct.py``): a call nothing else watches is answered at
``before-call``, with what the HTTP door would answer; anything that watches the skipped
steps sends the call the HTTP way."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import botocore.session
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError, NoCredentialsError
from botocore.stub import Stubber
from freezegun import freeze_time
from moto.moto_api._internal import mock_random

import cp_mock
from cp_mock import direct, get_backend, mock_customerprofiles, registry


@pytest.fixture
def doors(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    """How many calls each door answered (the door on, whatever CP_MOCK_DIRECT_CALLS says)."""
    monkeypatch.setattr(direct, "enabled", True)
    answered = {"direct": 0, "http": 0}
    parse, serve_http = direct._parsed, registry.serve_botocore_request

    def parsed(*args: Any) -> Any:
        answered["direct"] += 1
        return parse(*args)

    def served(request: Any) -> Any:
        answer = serve_http(request)
        answered["http"] += answer is not None
        return answer

    monkeypatch.setattr(direct, "_parsed", parsed)
    monkeypatch.setattr(registry, "serve_botocore_request", served)
    with mock_customerprofiles():
        yield answered


def new_client(**kwargs: Any) -> Any:
    return boto3.client("customer-profiles", region_name="us-east-1", **kwargs)


def comparable(response: dict[str, Any]) -> dict[str, Any]:
    """A response without what differs from call to call (request id, date)."""
    response = json.loads(json.dumps(response, default=str))
    metadata = response.get("ResponseMetadata", {})
    metadata.pop("RequestId", None)
    for header in ("x-amzn-requestid", "date"):
        metadata.get("HTTPHeaders", {}).pop(header, None)
    return response


def scenario(client: Any) -> list[dict[str, Any]]:
    """Successes, pages and modeled errors of several shapes, as the caller sees them."""
    answers = []

    def record(operation: str, **params: Any) -> None:
        try:
            answers.append(comparable(getattr(client, operation)(**params)))
        except ClientError as error:
            answers.append(comparable(error.response))

    record("create_domain", DomainName="d", DefaultExpirationDays=30, Tags={"team": "a"})
    record("create_domain", DomainName="d", DefaultExpirationDays=30)  # already exists
    record("get_domain", DomainName="missing")
    record(
        "put_profile_object_type", DomainName="d", ObjectTypeName="Order", Description="o",
        Fields={"id": {"Source": "_source.id"}, "phone": {"Source": "_source.phone"}},
        Keys={"orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
              "_phone": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["phone"]}]},
    )  # fmt: skip
    record("create_profile", DomainName="d", FirstName="Ana", PhoneNumber="+15550100")
    for number in range(3):
        order = {"id": f"o-{number}", "phone": "+15550100"}
        record("put_profile_object", DomainName="d", ObjectTypeName="Order",
               Object=json.dumps(order))  # fmt: skip
    record("put_profile_object", DomainName="d", ObjectTypeName="Order", Object="{not json")
    record("search_profiles", DomainName="d", KeyName="_phone", Values=["+15550100"])
    profile_id = client.search_profiles(DomainName="d", KeyName="_phone", Values=["+15550100"])[
        "Items"
    ][0]["ProfileId"]
    first = client.list_profile_objects(
        DomainName="d", ObjectTypeName="Order", ProfileId=profile_id, MaxResults=2
    )
    answers.append(comparable(first))
    record("list_profile_objects", DomainName="d", ObjectTypeName="Order", ProfileId=profile_id,
           MaxResults=2, NextToken=first["NextToken"])  # fmt: skip
    record("get_domain", DomainName="d")
    record("list_tags_for_resource", resourceArn="arn:aws:profile:us-east-1:123456789012:domains/d")
    record("delete_domain", DomainName="d")
    return answers


def run_scenario(door_on: bool, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    monkeypatch.setattr(direct, "enabled", door_on)
    with mock_customerprofiles(), freeze_time("2026-03-04 05:06:07"):
        mock_random.seed(11)
        return scenario(new_client())


def test_a_plain_call_is_answered_directly_with_what_the_http_door_answers(
    doors: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    directly = run_scenario(True, monkeypatch)
    assert doors == {"direct": len(directly) + 1, "http": 0}  # and the search for an id
    through_http = run_scenario(False, monkeypatch)
    assert doors["http"] == len(through_http) + 1
    assert directly == through_http
    errors = [answer["Error"]["Code"] for answer in directly if "Error" in answer]
    assert errors == ["BadRequestException", "ResourceNotFoundException", "BadRequestException"]
    assert directly[-2]["tags"] == {"team": "a"}
    assert all(answer["ResponseMetadata"]["RetryAttempts"] == 0 for answer in directly)


def test_the_answer_carries_botocore_s_response_metadata(doors: dict[str, int]) -> None:
    answer = new_client().list_domains()
    metadata = answer["ResponseMetadata"]
    assert metadata["HTTPStatusCode"] == 200 and metadata["RetryAttempts"] == 0
    assert metadata["RequestId"] == metadata["HTTPHeaders"]["x-amzn-requestid"]
    assert {"content-type", "date"} <= set(metadata["HTTPHeaders"])
    assert doors["direct"] == 1


def watch_before_send(client: Any, seen: list[str]) -> None:
    client.meta.events.register("before-send", lambda request, **_: seen.append(request.url))


def watch_last_before_call(client: Any, seen: list[str]) -> None:
    client.meta.events.register_last("before-call", lambda params, **_: seen.append(params["url"]))


def watch_signing(client: Any, seen: list[str]) -> None:
    client.meta.events.register(
        "before-sign.customer-profiles", lambda request, **_: seen.append(request.url)
    )


@pytest.mark.parametrize("watch", [watch_before_send, watch_last_before_call, watch_signing])
def test_a_watched_call_goes_the_http_way_and_is_seen(
    doors: dict[str, int], watch: Callable[[Any, list[str]], None]
) -> None:
    client, seen = new_client(), []
    watch(client, seen)
    client.create_domain(DomainName="watched", DefaultExpirationDays=1)
    assert [d["DomainName"] for d in client.list_domains()["Items"]] == ["watched"]
    assert len(seen) == 2 and doors == {"direct": 0, "http": 2}


def test_the_door_answers_again_once_the_watcher_is_gone(doors: dict[str, int]) -> None:
    client, seen = new_client(), []
    watch = lambda request, **_: seen.append(request.url)  # noqa: E731
    client.meta.events.register("before-send", watch)
    client.list_domains()
    client.meta.events.unregister("before-send", watch)
    client.list_domains()
    assert len(seen) == 1 and doors == {"direct": 1, "http": 1}


def test_after_call_handlers_see_the_direct_answer(doors: dict[str, int]) -> None:
    client, seen = new_client(), []
    client.meta.events.register(
        "after-call.customer-profiles",
        lambda http_response, parsed, **_: seen.append((http_response.status_code, parsed)),
    )
    with pytest.raises(ClientError):
        client.get_domain(DomainName="missing")
    assert seen[0][0] == 404 and seen[0][1]["Error"]["Code"] == "ResourceNotFoundException"
    assert doors == {"direct": 1, "http": 0}


def test_an_earlier_before_call_handler_s_header_is_read(doors: dict[str, int]) -> None:
    """moto's x-moto-account-id header, set by a handler that runs before the door."""
    client = new_client()

    def elsewhere(params: dict[str, Any], **_: Any) -> None:
        params["headers"]["x-moto-account-id"] = "222222222222"

    client.meta.events.register("before-call.customer-profiles", elsewhere)
    client.create_domain(DomainName="elsewhere", DefaultExpirationDays=1)
    assert list(get_backend("222222222222").domains) == ["elsewhere"]
    assert list(get_backend().domains) == []
    assert doors == {"direct": 1, "http": 0}


def test_botocore_stubber_answers_first(doors: dict[str, int]) -> None:
    client = new_client()
    with Stubber(client) as stubber:
        stubber.add_response("list_domains", {"Items": [{"DomainName": "stubbed",
                             "CreatedAt": 0, "LastUpdatedAt": 0}]})  # fmt: skip
        assert client.list_domains()["Items"][0]["DomainName"] == "stubbed"
    assert doors == {"direct": 0, "http": 0}


def test_an_unsigned_client_is_refused_the_http_way(doors: dict[str, int]) -> None:
    with pytest.raises(ClientError) as refused:
        new_client(config=Config(signature_version=UNSIGNED)).list_domains()
    assert "not signed" in refused.value.response["Error"]["Message"]
    assert doors == {"direct": 0, "http": 1}


def test_a_client_without_credentials_fails_as_botocore_does(
    doors: dict[str, int], tmp_path: Any
) -> None:
    with pytest.MonkeyPatch.context() as environment:  # undone before the mock stops
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                     "AWS_PROFILE", "AWS_DEFAULT_PROFILE"):  # fmt: skip
            environment.delenv(name, raising=False)
        environment.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
        environment.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
        environment.setenv("AWS_EC2_METADATA_DISABLED", "true")
        client = boto3.session.Session().client("customer-profiles", region_name="us-east-1")
        with pytest.raises(NoCredentialsError):
            client.list_domains()
    assert doors == {"direct": 0, "http": 0}


def test_an_adaptive_retry_client_goes_the_http_way(doors: dict[str, int]) -> None:
    """Its rate limiter watches every request sent (no botocore makes it the default)."""
    client = new_client(config=Config(retries={"mode": "adaptive"}))
    client.create_domain(DomainName="adaptive", DefaultExpirationDays=1)
    assert client.get_domain(DomainName="adaptive")["DomainName"] == "adaptive"
    assert doors == {"direct": 0, "http": 2}


def test_an_injected_fault_is_retried_the_http_way(doors: dict[str, int]) -> None:
    client = new_client()
    client.create_domain(DomainName="flaky", DefaultExpirationDays=1)
    cp_mock.fail_next("GetDomain")
    answer = client.get_domain(DomainName="flaky")
    assert answer["ResponseMetadata"]["RetryAttempts"] == 1
    assert doors == {"direct": 1, "http": 2}
    client.get_domain(DomainName="flaky")  # no fault left: direct again
    assert doors == {"direct": 2, "http": 2}


def test_non_default_parser_settings_are_honoured(
    doors: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(direct, "_parser_defaults_changed", False)
    session = botocore.session.get_session()
    session.get_component("response_parser_factory").set_parser_defaults(
        timestamp_parser=lambda value: f"raw {value}"
    )
    client = boto3.session.Session(botocore_session=session).client(
        "customer-profiles", region_name="us-east-1"
    )
    created = client.create_domain(DomainName="raw", DefaultExpirationDays=1)
    assert str(created["CreatedAt"]).startswith("raw ")
    assert doors == {"direct": 0, "http": 1}


def test_the_door_can_be_turned_off(doors: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(direct, "enabled", False)
    new_client().list_domains()
    assert doors == {"direct": 0, "http": 1}


def test_the_fixture_client_is_answered_directly(
    doors: dict[str, int], customerprofiles_client: Any
) -> None:
    """Its retry watcher (on needs-retry) declares that it need not run for a direct answer."""
    customerprofiles_client.list_domains()
    assert doors == {"direct": 1, "http": 0}
