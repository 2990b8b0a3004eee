"""pytest fixtures, registered through the ``pytest11`` entry point (no import needed).

- ``customerprofiles_mock``: the active mock (state is reset when the test ends).
- ``customerprofiles_client``: a boto3 ``customer-profiles`` client in us-east-1 under the
  mock, with fake credentials so nothing can reach AWS.
- ``customerprofiles_backend``: the backend of moto's default account (``MOTO_ACCOUNT_ID``
  when set) in us-east-1, for seeding and inspecting state directly.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.core.models import MockAWS

from . import get_backend, mock_customerprofiles

REGION = "us-east-1"


@pytest.fixture
def customerprofiles_mock(monkeypatch: pytest.MonkeyPatch) -> Iterator[MockAWS]:
    # A named profile or real keys in the environment must never be used.
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_customerprofiles() as mock:
        yield mock


@functools.cache
def _session() -> boto3.session.Session:
    # One session for every test's client: a client from a warm session costs about 2 ms,
    # one from a new session (what boto3.client does under a fresh mock) far more.
    return boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
    )


@pytest.fixture
def customerprofiles_client(customerprofiles_mock: MockAWS) -> Any:
    return _session().client("customer-profiles", region_name=REGION)


@pytest.fixture
def customerprofiles_backend(customerprofiles_mock: MockAWS) -> Any:
    return get_backend(region=REGION)
