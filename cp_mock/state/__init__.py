"""The whole Customer Profiles state as a plain JSON document, and back (``dump_state``
and ``load_state``).

The document is data: it names no Python class, module or function, and loading builds
only the types the table in this package says each part is (cp_mock/state/resources.py
and domains.py). Per account and region it holds each domain's resources as the API
describes them (what Get and List operations answer, or what Create and Put took), plus
what the state needs that the API does not show (ingestion order, timestamps, which
fields ingestion populated); what can be derived from those (the search index, history
links, calculated values, expiry heaps, compiled readers) is rebuilt on load by the code
the write path uses. docs/usage.md describes the format.

Loading checks the whole document before it replaces anything: a wrong type, an unknown
member, an absurd number or nesting, a version this package does not read, or a part
naming what is not there is a ``StateError`` naming its path in the document
(``Backends[0].Domains[2].Profiles[5].FirstName``), and the current state stays as it was.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from ..models import CustomerProfilesBackend, customerprofiles_backends
from ..models.backend import _every_region as every_region
from .codecs import StateError, expect
from .domains import BACKEND_FIELDS, dump_backend, load_backend

FORMAT = "cp-mock-state"
VERSION = 2
READ_VERSIONS = (2,)
# Set by moto's BaseBackend from the constructor's arguments, or per process (the lock,
# and what a call holding it is doing): not state.
NOT_STATE = frozenset({"region_name", "account_id", "partition", "lock", "syncing_domains"})
_ACCOUNT = re.compile(r"\d{12}")

__all__ = ["FORMAT", "READ_VERSIONS", "VERSION", "StateError", "dump_state", "load_state",
           "parse_state"]  # fmt: skip


def dump_state() -> dict[str, Any]:
    """Every account's and region's Customer Profiles state, as JSON-serializable data."""
    backends = []
    for account_id in sorted(customerprofiles_backends):
        regions = customerprofiles_backends[account_id]
        for region in sorted(regions):
            backend = regions[region]
            with backend.lock:
                if not backend.domains and not backend.integrations:
                    continue  # nothing to keep
                state = dump_backend(backend)
            backends.append({"AccountId": account_id, "Region": region, **state})
    return {"Format": FORMAT, "Version": VERSION, "Backends": backends}


def load_state(data: Mapping[str, Any]) -> None:
    """Replace the Customer Profiles state of every account and region with ``data`` (what
    ``dump_state`` returned, or its JSON parsed). Nothing is replaced unless all of it
    loads; other moto services' state is left alone."""
    try:
        loaded = _read(data)
    except StateError:
        raise
    except Exception as error:  # noqa: BLE001 - whatever else went wrong is the document's
        raise StateError(f"cannot be loaded: {type(error).__name__}: {error}") from None
    _replace_state(loaded)


def parse_state(text: str | bytes) -> Any:
    """The JSON of a state document (a file, a request body), parsed; a StateError when it
    is not JSON (too deeply nested for the parser, too)."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:
        raise StateError(f"not a JSON document: {type(error).__name__}: {error}") from None


def _read(data: Any) -> list[tuple[str, str, CustomerProfilesBackend]]:
    if not isinstance(data, Mapping) or data.get("Format") != FORMAT:
        raise StateError(f"not a cp_mock state dump (its Format is not {FORMAT!r})")
    version = data.get("Version")
    if version not in READ_VERSIONS or type(version) is not int:
        readable = ", ".join(str(v) for v in READ_VERSIONS)
        hint = (
            " (version 1 named Python classes, which no version of cp_mock loads any more: "
            "make the state again and dump it with this version)"
            if version == 1
            else ""
        )
        raise StateError(
            f"this dump is format version {version!r}; this version of cp_mock reads "
            f"version {readable}{hint}"
        )
    unknown = sorted(set(data) - {"Format", "Version", "Backends"})
    if unknown:
        raise StateError("is not a member this version of the state format has", unknown[0])
    entries = data.get("Backends")
    if type(entries) is not list:
        raise StateError(f"must be a list, not {type(entries).__name__}", "Backends")
    loaded, seen = [], set()
    for index, entry in enumerate(entries):
        path = f"Backends[{index}]"
        expect(type(entry) is dict, "an object", entry, path)
        account_id, region = entry.get("AccountId"), entry.get("Region")
        if type(account_id) is not str or not _ACCOUNT.fullmatch(account_id):
            raise StateError("must be an account id of 12 digits", f"{path}.AccountId")
        if type(region) is not str or region not in _regions():
            raise StateError(f"{region!r} is not a region Customer Profiles is served in",
                             f"{path}.Region")  # fmt: skip
        if (account_id, region) in seen:
            raise StateError(f"names {account_id}/{region} again", path)
        seen.add((account_id, region))
        unknown = sorted(set(entry) - {"AccountId", "Region", "Domains", "Integrations"})
        if unknown:
            raise StateError("is not a member this version of the state format has",
                             f"{path}.{unknown[0]}")  # fmt: skip
        backend = load_backend(entry, path, CustomerProfilesBackend(region, account_id))
        loaded.append((account_id, region, backend))
    return loaded


@cache
def _regions() -> frozenset[str]:
    """The regions a backend can be made for (every region of every partition)."""
    return frozenset(every_region())


def backend_state(backend: CustomerProfilesBackend) -> dict[str, Any]:
    """The attributes of ``backend`` that hold state (BACKEND_FIELDS, the tests hold the
    backend to it)."""
    return {name: value for name, value in vars(backend).items() if name not in NOT_STATE}


def _replace_state(loaded: list[tuple[str, str, CustomerProfilesBackend]]) -> None:
    for account_id in list(customerprofiles_backends):
        for backend in customerprofiles_backends[account_id].values():
            backend.reset()
    customerprofiles_backends.clear()
    # (taking an account's backends tells moto to reset them with the mock, as any use does)
    for account_id, region, built in loaded:
        backend = customerprofiles_backends[account_id][region]
        with backend.lock:
            vars(backend).update({name: vars(built)[name] for name in BACKEND_FIELDS})
