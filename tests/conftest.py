from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from cp_mock import StateError, dump_state, load_state, protocol, responses
from cp_mock.moto_internals import mock_is_running
from tests.contract import request_differences, result_differences, violations


@pytest.fixture(autouse=True)
def contract_check(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Check every response of every test against the model, and every request read and
    result written against what moto's own parser and serializer make of them (see
    tests/contract.py)."""
    found: list[str] = []
    serve, parse, render = responses.serve, responses.parse_request, responses.render_result

    def checked_serve(request: responses.ServiceRequest) -> Any:
        status, headers, body = serve(request)
        route = protocol.route(request.method, request.path)
        operation = route.operation.name if route else None
        found.extend(violations(operation, int(status), headers, body))
        return status, headers, body

    def checked_parse(route: protocol.Route, query: str, body: Any) -> Any:
        params = parse(route, query, body)
        found.extend(request_differences(route, query, body, params))
        return params

    def checked_render(operation: Any, result: Any) -> Any:
        rendered = render(operation, result)
        found.extend(result_differences(operation, result, rendered))
        return rendered

    monkeypatch.setattr(responses, "serve", checked_serve)
    monkeypatch.setattr(responses, "parse_request", checked_parse)
    monkeypatch.setattr(responses, "render_result", checked_render)
    yield found
    assert not found, "responses that break the model:\n" + "\n".join(found)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """After every test that passed with a mock still running, dump the state it left,
    load it back from JSON and dump it again: the same dump means every family's state
    (whatever families there are by then) survives dump_state/load_state whole."""
    result = yield
    if mock_is_running():
        try:
            dumped = json.dumps(dump_state())
        except StateError as error:
            if error.kind is None or not error.kind.__module__.startswith("tests."):
                raise
            return result  # a test double the test planted in the state
        load_state(json.loads(dumped))
        assert json.dumps(dump_state()) == dumped, "the state changed in a dump and load"
    return result


@pytest.fixture
def client(customerprofiles_client: Any) -> Any:
    return customerprofiles_client


@pytest.fixture
def domain(client: Any) -> str:
    client.create_domain(DomainName="test-domain", DefaultExpirationDays=30)
    return "test-domain"
