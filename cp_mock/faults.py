"""Injected faults, for testing retry and error handling: the next calls of an operation
answer with one of its modeled errors (its status code from the model: ThrottlingException
429, InternalServerException 500, ...) and change nothing.

Faults belong to one backend (an account and a region), like the state they stand in front
of, so they go when moto resets the mock (its backends are replaced) and parallel test
workers sharing one server, each in its own account, never fail each other's calls.
``serve_operation`` asks ``take_fault`` before it reads the request.
"""

from __future__ import annotations

import threading
from collections import deque
from weakref import WeakKeyDictionary

from moto.core.exceptions import ServiceException

from . import exceptions
from .compat.moto import default_account_id
from .models import CustomerProfilesBackend, customerprofiles_backends
from .protocol import service_model

DEFAULT_ERROR = "ThrottlingException"

# backend -> operation name -> the errors its next calls answer with, in order
_faults: WeakKeyDictionary[CustomerProfilesBackend, dict[str, deque[str]]] = WeakKeyDictionary()
_lock = threading.Lock()


def fail_next(
    operation_name: str,
    error_code: str = DEFAULT_ERROR,
    times: int = 1,
    account_id: str | None = None,
    region: str = "us-east-1",
) -> None:
    """Make the next ``times`` calls of ``operation_name`` (as the model names it:
    "SearchProfiles") in ``account_id`` (moto's default account when not given) and
    ``region`` answer with ``error_code``, one of the errors the model declares for it.
    Faults set again for the same operation are answered after those already set."""
    model = service_model()
    if operation_name not in model.operation_names:
        raise ValueError(
            f"Customer Profiles has no operation {operation_name!r} "
            "(operation names are the model's, e.g. 'SearchProfiles')"
        )
    modeled = sorted(shape.name for shape in model.operation_model(operation_name).error_shapes)
    if error_code not in modeled:
        raise ValueError(
            f"{operation_name} does not model {error_code!r}; its errors are {', '.join(modeled)}"
        )
    if not isinstance(times, int) or isinstance(times, bool) or times < 1:
        raise ValueError(f"times must be a positive integer, not {times!r}")
    backend = customerprofiles_backends[account_id or default_account_id()][region]
    with _lock:
        _faults.setdefault(backend, {}).setdefault(operation_name, deque()).extend(
            [error_code] * times
        )


def clear_faults() -> None:
    """Forget every fault not yet answered (a mock reset does this too)."""
    with _lock:
        _faults.clear()


def pending() -> bool:
    """Whether any fault is set and not yet answered."""
    return bool(_faults)


def take_fault(backend: CustomerProfilesBackend, operation_name: str) -> ServiceException | None:
    """The error this call of ``operation_name`` answers with, if a fault is set for it."""
    if not _faults:  # the usual case, without taking the lock
        return None
    with _lock:
        set_for_backend = _faults.get(backend, {})
        pending = set_for_backend.get(operation_name)
        if not pending:
            return None
        error_code = pending.popleft()
        if not pending:  # none left: pending() is false again once every fault is answered
            del set_for_backend[operation_name]
            if not set_for_backend:
                del _faults[backend]
    error_class: type[ServiceException] = getattr(exceptions, error_code)
    return error_class(f"{operation_name} failed with {error_code} as set by cp_mock.fail_next")
