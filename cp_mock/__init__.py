"""cp_mock: Amazon Connect Customer Profiles, mocked the way moto mocks AWS.

Importing the package lets moto's mocks serve the service, so ``moto.mock_aws`` serves it
too; ``mock_customerprofiles`` is the same mock under the name this package is known by.
Importing changes nothing else: what serving takes (the service in moto's registries, the
doors in botocore's handlers, ...) is applied when a mock starts and undone when the last
one stops (``compat.moto.while_mocks_run``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, overload

from moto import mock_aws

from . import direct
from .aio import serve_aiobotocore_too
from .compat.moto import DefaultConfig, MockAWS, default_account_id, while_mocks_run
from .faults import clear_faults, fail_next
from .models import CustomerProfilesBackend, customerprofiles_backends
from .registry import register_with_moto
from .speedups import share_loaded_botocore_data
from .state import StateError, dump_state, load_state

__version__ = "0.1.0"
__all__ = [
    "CustomerProfilesBackend",
    "StateError",
    "clear_faults",
    "dump_state",
    "fail_next",
    "dead_letter_objects",
    "event_stream_records",
    "event_trigger_invocations",
    "get_backend",
    "load_state",
    "run_identity_resolution",
    "segment_stream_records",
    "mock_customerprofiles",
    "__version__",
]

# Every change cp_mock makes to moto and botocore, each held while a mock runs.
while_mocks_run(
    register_with_moto, direct.install, serve_aiobotocore_too, share_loaded_botocore_data
)

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

    Its operations (the methods the families declare with ``@operation``) and its
    ``seed`` helpers hold its (re-entrant) ``lock``, as the service's requests do, so
    seeding from several threads is safe; hold ``backend.lock`` around several calls to
    make them one step."""
    return customerprofiles_backends[account_id or default_account_id()][region]


def run_identity_resolution(
    domain_name: str, account_id: str | None = None, region: str = "us-east-1"
) -> dict[str, Any]:
    """Run an identity resolution job on ``domain_name`` now, as AWS does weekly: matches
    for GetMatches, auto-merging if the domain's Matching configures it. Returns the job as
    GetIdentityResolutionJob describes it."""
    return get_backend(account_id, region).seed.run_identity_resolution(domain_name)


def dead_letter_objects(
    domain_name: str, account_id: str | None = None, region: str = "us-east-1"
) -> list[dict[str, Any]]:
    """The objects ingestion wrote to ``domain_name``'s dead-letter queue, oldest first: each
    the message body (docs/ingestion.md) with ``DeadLetterQueueUrl`` and ``Sent``, whether
    or not moto's SQS holds the queue."""
    return get_backend(account_id, region).seed.dead_letter_objects(domain_name)


def event_stream_records(
    domain_name: str, account_id: str | None = None, region: str = "us-east-1"
) -> list[dict[str, Any]]:
    """Every record ``domain_name``'s event stream sent, oldest first, as put on Kinesis
    (docs/event-streams.md), whether or not moto's Kinesis holds the stream."""
    return get_backend(account_id, region).seed.event_stream_records(domain_name)


def event_trigger_invocations(
    domain_name: str, account_id: str | None = None, region: str = "us-east-1"
) -> list[dict[str, Any]]:
    """Every firing of ``domain_name``'s event triggers, oldest first: the trigger, the
    object and profile that fired it, when, and the integrations it was sent to
    (docs/event-streams.md)."""
    return get_backend(account_id, region).seed.event_trigger_invocations(domain_name)


def segment_stream_records(
    domain_name: str, account_id: str | None = None, region: str = "us-east-1"
) -> list[dict[str, Any]]:
    """Every segment membership event ``domain_name``'s stream for segments sent, oldest
    first, as put on Kinesis (docs/segments.md), whether or not moto's Kinesis holds the
    stream."""
    return get_backend(account_id, region).seed.segment_stream_records(domain_name)
