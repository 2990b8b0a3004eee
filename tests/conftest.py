from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from cp_mock.responses import CustomerProfilesResponse
from tests.contract import violations


@pytest.fixture(autouse=True)
def contract_check(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Check every response of every test against the model (see tests/contract.py)."""
    found: list[str] = []
    serve = CustomerProfilesResponse.call_action

    def checked(self: CustomerProfilesResponse) -> Any:
        status, headers, body = serve(self)
        operation = self._get_action() if getattr(self, "method", None) else None
        found.extend(violations(operation, int(status), headers, body))
        return status, headers, body

    monkeypatch.setattr(CustomerProfilesResponse, "call_action", checked)
    yield found
    assert not found, "responses that break the model:\n" + "\n".join(found)


@pytest.fixture
def client(customerprofiles_client: Any) -> Any:
    return customerprofiles_client


@pytest.fixture
def domain(client: Any) -> str:
    client.create_domain(DomainName="test-domain", DefaultExpirationDays=30)
    return "test-domain"
