"""cp_mock: Amazon Connect Customer Profiles, mocked the way moto mocks AWS.

Importing the package registers the service with moto, so ``moto.mock_aws`` serves it
too; ``mock_customerprofiles`` is the same mock under the name this package is known by.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, overload

from moto import mock_aws
from moto.core.config import DefaultConfig
from moto.core.models import MockAWS

from .models import CustomerProfilesBackend, customerprofiles_backends, dead_letter_objects
from .moto_internals import default_account_id
from .registry import register
from .speedups import share_loaded_botocore_data

__version__ = "0.1.0"
__all__ = [
    "CustomerProfilesBackend",
    "dead_letter_objects",
    "get_backend",
    "run_identity_resolution",
    "mock_customerprofiles",
    "__version__",
]

register()
share_loaded_botocore_data()

T = TypeVar("T")


@overload
def mock_customerprofiles(func: None = None, config: DefaultConfig | None = None) -> MockAWS: ...
@overload
def mock_customerprofiles(
    func: Callable[..., T], config: DefaultConfig | None = None
) -> Callable[..., T]: ...
def mock_customerprofiles(
    func: Callable[..., T] | None = None, config: DefaultConfig | None = None
) -> MockAWS | Callable[..., T]:
    """Mock Customer Profiles (and every moto service) as a decorator or context manager.

    Works on functions, on classes (every test method) and in ``with`` blocks; mocks nest,
    and state is reset when the outermost one exits.
    """
    mock = mock_aws(config=config)
    return mock if func is None else mock(func)


def get_backend(
    account_id: str | None = None, region: str = "us-east-1"
) -> CustomerProfilesBackend:
    """The backend serving ``account_id`` (moto's default account, which honours
    ``MOTO_ACCOUNT_ID``, when not given) in ``region``, for seeding and inspecting state.

    Calls on it from several threads at once take its ``lock``, as the service does:
    ``with backend.lock: backend.create_profile(...)``."""
    return customerprofiles_backends[account_id or default_account_id()][region]


def run_identity_resolution(
    domain_name: str, account_id: str | None = None, region: str = "us-east-1"
) -> dict[str, Any]:
    """Run an identity resolution job on ``domain_name`` now, as AWS does weekly: matches
    for GetMatches, auto-merging if the domain's Matching configures it. Returns the job as
    GetIdentityResolutionJob describes it."""
    backend = get_backend(account_id, region)
    with backend.lock:
        result: dict[str, Any] = backend.run_identity_resolution(domain_name)
    return result
