"""The operations the mock serves, declared: the one table every door dispatches through.

An implementation becomes an endpoint only by being declared the model operation it
serves (``@operation("CreateProfile")``), never by its name: the request path
(``responses.call_operation``), CloudFormation and ``implemented_operations`` read this
table and nothing else, as botocore dispatches by name only over its declared operation
models. A helper that seeds or inspects state for a test (``backend.seed``) is declared
with ``@seeding_helper`` and can never be served.

Both declarations make the function hold the backend's (re-entrant) lock while it runs,
so a test seeding state straight through the backend from several threads is as safe as
the service's own requests. The outermost such call is also the unit that happens whole
or not at all: it opens the call's undo journal (models/core/journal.py), so an exception out
of it, of any kind, leaves the state as it was; and it ticks the mock's clock for the
domain it names (``CustomerProfilesBackend.tick_clock``) before it runs.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, TypeVar

from botocore import xform_name

from . import journal

Implementation = TypeVar("Implementation", bound=Callable[..., Any])

# What ``operation`` sets on an implementation: the name of the operation it serves.
OPERATION_KEY = "serves_operation"

_DECLARED: dict[str, Callable[..., Any]] = {}
DECLARED: Mapping[str, Callable[..., Any]] = MappingProxyType(_DECLARED)
"""Every declared operation's implementation, by operation name (the model's spelling):
a function of the backend and the operation's input members as keywords."""

# The operations whose every write is noted in the call's journal as it is made: the
# writes to profiles and their objects, which are frequent and touch a few entries of
# large containers. Every other operation that writes (a definition's create, update or
# delete, which may also recompute what the definition derives) first keeps a copy of
# its domain's configuration, the containers it holds per profile or per object shared
# rather than copied (``CustomerProfilesBackend._keep_configuration``): a copy
# proportionate to what such a call does anyway, and nothing any of them changes can be
# missed.
JOURNALED_WRITES = frozenset(
    ("AddProfileKey", "BatchPutProfileObject", "CreateProfile", "DeleteProfile",
     "DeleteProfileKey", "DeleteProfileObject", "MergeProfiles", "PutProfileObject",
     "UpdateProfile")
)  # fmt: skip
_READS = ("Get", "List", "Search", "BatchGet", "Detect")


def keeps_configuration(operation_name: str) -> bool:
    """Whether a call of the operation keeps a copy of its domain's configuration first:
    the operations that write, but the journaled ones."""
    return not operation_name.startswith(_READS) and operation_name not in JOURNALED_WRITES


def operation(name: str) -> Callable[[Implementation], Implementation]:
    """Declare the decorated method the implementation of model operation ``name``. Its
    parameters are the operation's input members in snake_case (required members without
    a default, others with one, or ``**arguments`` that ``takes_members`` declares):
    tests/test_operation_table.py holds every implementation to its operation's input
    shape."""

    def declare(implementation: Implementation) -> Implementation:
        if name in _DECLARED:
            raise TypeError(
                f"{name} is declared twice: by {_DECLARED[name].__qualname__} and by "
                f"{implementation.__qualname__}"
            )
        locked = holding_the_lock(implementation, copies=keeps_configuration(name))
        setattr(locked, OPERATION_KEY, name)
        _DECLARED[name] = locked
        return locked  # type: ignore[return-value]

    return declare


def seeding_helper(implementation: Implementation) -> Implementation:
    """Declare a method a test's own code calls to seed or inspect state: it holds the
    lock, opens the journal and ticks the clock as an operation does, and is no endpoint."""
    return holding_the_lock(implementation, copies=False)  # type: ignore[return-value]


def implementation_of(operation_name: str) -> Callable[..., Any]:
    """What serves ``operation_name``, or NotImplementedError naming it (the caller is told
    by name what the mock does not do yet)."""
    found = _DECLARED.get(operation_name)
    if found is None:
        raise NotImplementedError(f"The {operation_name} action has not been implemented")
    return found


def begin_call(backend: Any, domain_name: str | None) -> None:
    """What the outermost call into ``backend`` does before its implementation runs, once
    its journal is open: the tick of the mock's clock for the domain it names."""
    if domain_name is not None:
        backend.tick_clock(domain_name)


def holding_the_lock(method: Callable[..., Any], copies: bool) -> Callable[..., Any]:
    """``method`` holding its backend's lock, in the call's journal (opened by the
    outermost call, which ticks the clock first); ``copies``: whether it keeps a copy of
    the named domain's configuration before it runs."""
    parameters = list(inspect.signature(method).parameters)
    # where the domain is named, when the method is called with it in place
    at = parameters.index("domain_name") - 1 if "domain_name" in parameters else None

    def domain_of(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str | None:
        if at is not None and len(args) > at:
            return str(args[at])
        return kwargs.get("domain_name")

    current, new_journal = journal.current, journal.Journal  # (looked up once: every call)

    @functools.wraps(method)
    def locked(self: Any, *args: Any, **kwargs: Any) -> Any:
        opened = current.journal
        if opened is not None and opened.owner is self:
            # inside a call on this backend, by this thread: its lock is held already
            if copies:
                self._keep_configuration(opened, domain_of(args, kwargs))
            return method(self, *args, **kwargs)
        with self.lock.service:
            opened = current.journal
            if opened is not None:  # inside a call on another backend: one call still
                if copies:
                    self._keep_configuration(opened, domain_of(args, kwargs))
                return method(self, *args, **kwargs)
            # journal.call(), written out: this runs on every call
            opened = current.journal = new_journal(self)
            try:
                domain_name = domain_of(args, kwargs)
                if domain_name is not None:  # ``begin_call``, written out
                    self.tick_clock(domain_name)
                if copies:
                    self._keep_configuration(opened, domain_name)
                result = method(self, *args, **kwargs)
            except BaseException:
                current.journal = None
                opened.undo()
                raise
            current.journal = None
            if opened.on_success:
                opened.succeed()
            return result

    return locked


def snake_case(member: str) -> str:
    """A member's name as its implementation's keyword (``DomainName`` -> ``domain_name``)."""
    return str(xform_name(member))
