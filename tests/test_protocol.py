"""The wire format compiled from the model, held to what botocore and moto do with it.

For every operation of the model (implemented or not): a request botocore's own
serializer builds from generated input is routed to that operation and read exactly as
moto's RestJSONParser reads it; a generated result is written exactly as moto's
serializer writes it, and botocore's client parser reads it back.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import boto3
import pytest
from botocore.parsers import create_parser
from botocore.serialize import create_serializer
from botocore.utils import percent_encode_sequence
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import cp_mock
from cp_mock import protocol
from tests.strategies import SAFE_PATH, value_for

MODEL = protocol.service_model()
EXAMPLES = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI must not be flaky
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# A path label never equals a literal segment of another URI, so routing is unambiguous;
# it holds characters botocore percent-encodes (an ARN's, a phone number's).
PATH_LABELS = st.text(alphabet=SAFE_PATH + ":/+@=, %~", min_size=1, max_size=40).map(
    lambda s: f"x-{s}"
)


def has_empty_key(value: Any) -> bool:
    if isinstance(value, dict):
        return "" in value or any(has_empty_key(v) for v in value.values())
    if isinstance(value, list):
        return any(has_empty_key(v) for v in value)
    return False


def request_params(operation: Any, data: Any) -> dict[str, Any]:
    shape = operation.input_shape
    params: dict[str, Any] = data.draw(value_for(shape, ["x-known"]), label="params")
    for name, member in shape.members.items():
        if member.serialization.get("location") == "uri":
            params[name] = data.draw(PATH_LABELS, label=name)
    return params


@pytest.mark.parametrize("operation_name", MODEL.operation_names)
@EXAMPLES
@given(data=st.data())
def test_requests_are_routed_and_read_as_moto_reads_them(operation_name: str, data: Any) -> None:
    operation = MODEL.operation_model(operation_name)
    if operation.input_shape is None:
        return
    params = request_params(operation, data)
    request = create_serializer("rest-json", include_validation=False).serialize_to_request(
        params, operation
    )
    path = request["url_path"].split("?", 1)[0]
    query = percent_encode_sequence(request["query_string"])
    route = protocol.route(request["method"], path)
    assert route is not None and route.operation.name == operation_name, (path, route)
    expected = protocol.parse_with_moto(route, query, request["body"], request["headers"])
    assert protocol.parse_request(route, query, request["body"]) == expected


@pytest.mark.parametrize(
    "operation_name",
    [name for name in MODEL.operation_names if MODEL.operation_model(name).output_shape],
)
@EXAMPLES
@given(data=st.data())
def test_results_are_written_as_moto_writes_them(operation_name: str, data: Any) -> None:
    operation = MODEL.operation_model(operation_name)
    result = data.draw(value_for(operation.output_shape, ["x"]), label="result")
    # moto's serializer knows nothing of statusCode members (AWS answers with that status)
    statuses = {
        name
        for name, member in operation.output_shape.members.items()
        if member.serialization.get("location") == "statusCode"
    }
    result = {name: value for name, value in result.items() if name not in statuses}
    # moto's serializer loses a map entry whose key is "" and whose value is a structure
    assume(not has_empty_key(result))
    status, headers, body = protocol.render_result(operation, result)
    moto_status, _, moto_body = protocol.render_with_moto(operation, result)
    assert status == moto_status
    assert json.loads(body) == json.loads(moto_body)
    parsed = create_parser("rest-json").parse(
        {"status_code": status, "headers": headers, "body": body.encode()}, operation.output_shape
    )
    assert set(parsed) - {"ResponseMetadata", *statuses} == set(result)


def test_a_status_code_member_is_the_http_status() -> None:
    # Smithy's httpResponseCode: the member is the response's status, not a body member.
    operation = MODEL.operation_model("ListProfileAttributeValues")
    status, _, body = protocol.render_result(
        operation, {"DomainName": "d", "AttributeName": "a", "StatusCode": 206}
    )
    assert status == 206
    assert json.loads(body) == {"DomainName": "d", "AttributeName": "a"}


def test_an_unencoded_arn_in_the_last_label_still_routes() -> None:
    route = protocol.route("GET", "/tags/arn:aws:profile:us-east-1:123456789012:domains/shop")
    assert route is not None and route.operation.name == "ListTagsForResource"
    assert route.uri_params == {
        "resourceArn": "arn:aws:profile:us-east-1:123456789012:domains/shop"
    }


def test_a_body_member_cannot_override_a_path_member() -> None:
    route = protocol.route("POST", "/domains/shop/profiles")
    assert route is not None
    params = protocol.parse_request(route, "", b'{"DomainName": "other", "FirstName": "Ann"}')
    assert params == {"DomainName": "shop", "FirstName": "Ann"}


def test_a_moment_with_an_offset_is_answered_as_the_same_moment_in_utc() -> None:
    """A state file may give a moment with any UTC offset (its codec keeps it): the answer
    is that moment, not its wall-clock fields read as UTC's."""
    with cp_mock.mock_customerprofiles():
        client = boto3.client("customer-profiles", region_name="us-east-1")
        client.create_domain(DomainName="offset", DefaultExpirationDays=30)
        state = cp_mock.dump_state()
        [domain] = state["Backends"][0]["Domains"]
        domain["CreatedAt"] = "2030-01-02T03:04:05+02:00"
        cp_mock.load_state(state)
        created = client.get_domain(DomainName="offset")["CreatedAt"]
        assert created == datetime(2030, 1, 2, 1, 4, 5, tzinfo=timezone.utc)
        listed = client.list_domains()["Items"][0]["CreatedAt"]
        assert listed == created
