"""How the pytest fixtures start, stop and reset a mock, and the client they hand out.

Profiled over a pytest run of 300 tests, nearly all of what a fixture added to a test went
to two things:

- moto's ``MockAWS`` start registers a ``responses`` callback for each of 7 HTTP methods and
  each of moto's URL patterns (about 1,260) every time, for requests made through the
  ``requests`` library, and its stop throws them away again;
- a new boto3 client per test (about 2 ms even from a warm session).

Everything else moto does (fake credentials in the environment, ``boto3.DEFAULT_SESSION``
cleared, the user config patched, the stubber switched on and off, ``BackendDict.reset``
of every service a test used in every account and region, the model instances dropped,
``requests`` patched and unpatched) costs tens of microseconds, so it still runs, as moto
runs it, for every test. Two things are kept across tests instead of rebuilt:

- The registered callbacks: between tests ``responses`` is not patching ``requests``, so
  nothing sees them. They are reused only while the registry is exactly what the last full
  start left: moto's own ``mock_aws`` (which resets it), a new moto URL pattern, a replaced
  stubber callback, a changed passthrough list or a request recorded through ``requests``
  makes the next start a full one, as moto does it.
- The client, while no test has changed it: a test that registers or unregisters an event
  handler on it (a ``botocore.stub.Stubber``, ``meta.events.register``), sets or replaces
  an attribute of the client, its ``meta`` or its class, or closes it, or an ``AWS_*``
  environment variable that differs from when it was made, gets the next test a new one.

The mock is moto's ``MockAWS`` itself, with its nesting counters, so ``mock_aws`` and
moto's decorators nest with the fixture exactly as they nest with each other. Only in-process
mocking is made cheaper: in moto's server or proxy mode the fixture uses ``mock_aws`` as is.
Everything lives in this process, so pytest-xdist workers share nothing.
"""

from __future__ import annotations

import copy
import functools
import os
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import boto3
from moto import mock_aws

from . import direct
from .compat.moto import (
    BackendDict,
    MockAWS,
    backend_index,
    botocore_stubber,
    hold_patches,
    release_patches,
    reset_responses_mock,
    responses_mock,
    settings,
)

REGION = "us-east-1"


# -- the mock ------------------------------------------------------------------------------
@dataclass
class _RegisteredCallbacks:
    """What the last full start left in ``responses``' registry, to tell whether it still
    holds exactly that."""

    registry: object
    count: int
    callback: Callable[..., Any]
    url_patterns: list[Any]
    passthrough: tuple[Any, ...]

    def still_current(self) -> bool:
        return (
            responses_mock._registry is self.registry
            and len(responses_mock.registered()) == self.count
            and botocore_stubber.process_request == self.callback
            and backend_index.backend_url_patterns == self.url_patterns
            and responses_mock.passthru_prefixes == self.passthrough
            and not responses_mock.calls
        )


_registered: _RegisteredCallbacks | None = None


def _remember_registered_callbacks() -> None:
    global _registered
    _registered = _RegisteredCallbacks(
        registry=responses_mock._registry,
        count=len(responses_mock.registered()),
        callback=botocore_stubber.process_request,
        url_patterns=list(backend_index.backend_url_patterns),
        passthrough=tuple(responses_mock.passthru_prefixes),
    )


def _forget_registered_callbacks() -> None:
    global _registered
    _registered = None


def _enable_patching(mock: MockAWS, reset: bool = True) -> None:
    # moto's _enable_patching, minus rebuilding callbacks that are already registered.
    # Either way cp_mock's patches are held once, from here (MockAWS._enable_patching holds
    # them too), until MockAWS._disable_patching releases them.
    if reset and _registered is not None:
        hold_patches()  # first: the URL pattern is among what the registry is compared with
        if _registered.still_current():
            botocore_stubber.enabled = True
            mock.reset()
            responses_mock.start()
            return
        release_patches()
    if reset:
        BackendDict.reset()
        reset_responses_mock(responses_mock)
    MockAWS._enable_patching(mock, reset=False)
    _remember_registered_callbacks()


def _reset(mock: MockAWS) -> None:
    # moto's reset, keeping the registered callbacks; a request recorded through `requests`
    # also counted on them, so then they are rebuilt at the next start.
    BackendDict.reset()
    if responses_mock.calls:
        _forget_registered_callbacks()
        responses_mock.calls.reset()


def isolated_mock() -> MockAWS:
    """A mock for one test: started, it serves every moto service and Customer Profiles
    from empty state in every account and region; stopped, it leaves nothing behind and
    nothing mocked, as ``mock_aws()`` does, at a fraction of its cost."""
    if settings.TEST_SERVER_MODE or settings.is_test_proxy_mode():
        return mock_aws()
    mock = MockAWS()
    # Bound on the instance, not overridden in a subclass: MockAWS keeps its nesting count
    # on `self.__class__`, which must stay MockAWS for mocks to nest with moto's own.
    mock._enable_patching = types.MethodType(_enable_patching, mock)  # type: ignore[method-assign]
    mock.reset = types.MethodType(_reset, mock)  # type: ignore[method-assign]
    return mock


# -- the client ----------------------------------------------------------------------------
_EVENT_CHANGES = ("register", "register_first", "register_last", "unregister")


def _identities(namespace: Iterable[tuple[str, Any]]) -> dict[str, int]:
    return {name: id(value) for name, value in namespace}


@dataclass
class _ReusableClient:
    client: Any
    environment: tuple[tuple[str, str], ...]
    changed: list[bool] = field(default_factory=lambda: [False])
    attributes: dict[str, int] = field(default_factory=dict)
    meta_attributes: dict[str, int] = field(default_factory=dict)
    class_attributes: dict[str, int] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    retry_mode: str = ""

    def __post_init__(self) -> None:
        self.client.exceptions  # noqa: B018  (made on first use: make it before the snapshot)
        events = self.client.meta.events
        events.register_last("needs-retry", self._note_retry_state)
        for name in _EVENT_CHANGES:
            setattr(events, name, self._noting_change(getattr(events, name)))
        self.client.close = self._noting_change(self.client.close)
        self.attributes = _identities(vars(self.client).items())
        self.meta_attributes = _identities(vars(self.client.meta).items())
        self.class_attributes = _identities(vars(type(self.client)).items())
        # values, not identities: a test may change them in place (config.retries[...] = n)
        self.config = copy.deepcopy(vars(self.client.meta.config))
        # botocore chose the retry handlers by it when it made the client
        self.retry_mode = self.client.meta.config.retries.get("mode", "")

    def _note_retry_state(
        self, attempts: int, response: Any = None, caught_exception: Any = None, **_: Any
    ) -> None:
        """A new client has its retry state untouched: the standard and adaptive modes'
        retry quota, which each retry spends (and a test injecting throttling errors can
        drain), and the adaptive mode's rate limiter, which any throttling error turns on.
        The legacy mode keeps none."""
        if self.retry_mode == "legacy":
            return
        if attempts > 1 or (
            self.retry_mode == "adaptive"
            and (caught_exception is not None or (response and response[0].status_code >= 400))
        ):
            self.changed[0] = True

    def _noting_change(self, method: Callable[..., Any]) -> Callable[..., Any]:
        changed = self.changed

        @functools.wraps(method)
        def noted(*args: Any, **kwargs: Any) -> Any:
            changed[0] = True
            return method(*args, **kwargs)

        return noted

    def unchanged(self, environment: tuple[tuple[str, str], ...]) -> bool:
        return (
            not self.changed[0]
            and environment == self.environment
            and _identities(vars(self.client).items()) == self.attributes
            and _identities(vars(self.client.meta).items()) == self.meta_attributes
            and _identities(vars(type(self.client)).items()) == self.class_attributes
            and vars(self.client.meta.config) == self.config
        )


# It watches retries, and a call the direct door answers is never retried.
direct.need_not_run(_ReusableClient._note_retry_state)


@functools.cache
def _session() -> boto3.session.Session:
    # Static fake keys: a named profile or real keys in the environment are never used.
    return boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
    )


_clients: dict[str, _ReusableClient] = {}


def _aws_environment() -> tuple[tuple[str, str], ...]:
    # What botocore reads from the environment when it makes a client (retry mode, max
    # attempts, endpoint URLs, ...).
    return tuple(sorted(item for item in os.environ.items() if item[0].startswith("AWS_")))


def fresh_client(service_name: str = "customer-profiles") -> Any:
    """A client of ``service_name`` in us-east-1 with fake keys, as a new one behaves: the
    previous test's, if that test left it as it was made, else a new one."""
    environment = _aws_environment()
    reusable = _clients.get(service_name)
    if reusable is None or not reusable.unchanged(environment):
        client = _session().client(service_name, region_name=REGION)
        reusable = _clients[service_name] = _ReusableClient(client, environment)
    return reusable.client
