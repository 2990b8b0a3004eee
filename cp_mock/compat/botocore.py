"""botocore's private details that the direct door (cp_mock/direct.py) reads: where a
client's event handlers are kept. Each is one named function, exercised by
tests/test_moto_adapter.py, so a botocore that changes them fails there by name; the
direct door treats any AttributeError out of them as "someone else may listen" and sends
the call the HTTP way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def signer_emitter(signer: Any) -> Any:
    """The HierarchicalEmitter behind a client's RequestSigner (``_event_emitter``, a
    weak proxy of the client's EventAliaser, whose ``_emitter`` it is)."""
    return signer._event_emitter._emitter


def client_emitter(client: Any) -> Any:
    """The HierarchicalEmitter behind a client's ``meta.events`` (an EventAliaser)."""
    return client.meta.events._emitter


def emitter_lookup_cache(emitter: Any) -> dict[str, Any]:
    """The emitter's lookup cache, which botocore replaces whenever a handler is
    registered or unregistered: what was concluded from its handlers holds as long as it."""
    cache: dict[str, Any] = emitter._lookup_cache
    return cache


def handlers_of(emitter: Any, event: str) -> list[Callable[..., Any]]:
    """The handlers ``event`` reaches on ``emitter``, in the order they run."""
    return list(emitter._handlers.prefix_search(event))
