"""pytest fixtures, registered through the ``pytest11`` entry point (no import needed).

- ``customerprofiles_mock``: the active mock; every test starts from empty state (every
  moto service and Customer Profiles, every account and region) and leaves none behind.
- ``customerprofiles_client``: a boto3 ``customer-profiles`` client in us-east-1 under the
  mock, with fake credentials so nothing can reach AWS.
- ``customerprofiles_backend``: the backend of moto's default account (``MOTO_ACCOUNT_ID``
  when set) in us-east-1, for seeding and inspecting state directly.

How they stay cheap (well under a millisecond a test) is ``cp_mock.lifecycle``'s business.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from . import get_backend
from .lifecycle import REGION, fresh_client, isolated_mock
from .moto_internals import MockAWS


@pytest.fixture
def customerprofiles_mock(monkeypatch: pytest.MonkeyPatch) -> Iterator[MockAWS]:
    # A named profile or real keys in the environment must never be used.
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with isolated_mock() as mock:
        yield mock


@pytest.fixture
def customerprofiles_client(customerprofiles_mock: MockAWS) -> Any:
    return fresh_client("customer-profiles")


@pytest.fixture
def customerprofiles_backend(customerprofiles_mock: MockAWS) -> Any:
    return get_backend(region=REGION)
