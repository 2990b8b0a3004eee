"""cp_mock's pytest fixtures, registered through the ``pytest11`` entry point (no import
needed).

- ``customerprofiles_mock``: the active mock; every test starts from empty state (every
  moto service and Customer Profiles, every account and region) and leaves none behind.
- ``customerprofiles_client``: a boto3 ``customer-profiles`` client in us-east-1 under the
  mock, with fake credentials so nothing can reach AWS.
- ``customerprofiles_backend``: the backend of moto's default account (``MOTO_ACCOUNT_ID``
  when set) in us-east-1, for seeding and inspecting state directly.

pytest loads this plugin into every run of an environment where cp_mock is installed, so
it lives outside the ``cp_mock`` package and imports nothing but pytest: cp_mock (with
moto and boto3) is imported when a fixture is first requested, and a run that requests
none never loads it. How the fixtures stay cheap (well under a millisecond a test) is
``cp_mock.lifecycle``'s business.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from cp_mock.compat.moto import MockAWS

__all__ = ["customerprofiles_backend", "customerprofiles_client", "customerprofiles_mock"]


@pytest.fixture
def customerprofiles_mock(monkeypatch: pytest.MonkeyPatch) -> Iterator[MockAWS]:
    from cp_mock.lifecycle import REGION, isolated_mock

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
    from cp_mock.lifecycle import fresh_client

    return fresh_client("customer-profiles")


@pytest.fixture
def customerprofiles_backend(customerprofiles_mock: MockAWS) -> Any:
    from cp_mock import get_backend
    from cp_mock.lifecycle import REGION

    return get_backend(region=REGION)
