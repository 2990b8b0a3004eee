from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from cp_mock import protocol, responses
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


@pytest.fixture
def client(customerprofiles_client: Any) -> Any:
    return customerprofiles_client


@pytest.fixture
def domain(client: Any) -> str:
    client.create_domain(DomainName="test-domain", DefaultExpirationDays=30)
    return "test-domain"
