"""Helpers every resource family shares. The backend's state as the families see it is
``BackendState`` (models/backend_state.py): it names the areas' ``Domain``, which core/
does not know."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from types import MappingProxyType
from typing import Any, Protocol, TypeVar

from ...exceptions import BadRequestException, ResourceNotFoundException

# Dataclass field metadata for a cache a family rebuilds from its other fields (compiled
# readers, say): ``field(default=None, metadata=DERIVED)``. cp_mock.dump_state leaves such
# a field out, and it takes its default on load.
DERIVED_KEY = "derived"
DERIVED = MappingProxyType({DERIVED_KEY: True})

Found = TypeVar("Found")


def named(resources: Mapping[str, Found], kind: str, name: str) -> Found:
    """``resources[name]``, or the ResourceNotFoundException AWS gives for a missing
    resource of this ``kind`` ("Event stream x does not exist")."""
    found = resources.get(name)
    if found is None:
        raise ResourceNotFoundException(f"{kind} {name} does not exist")
    return found


def check_unused(resources: Mapping[str, Any], kind: str, name: str) -> None:
    """The BadRequestException AWS gives for a second resource of this ``kind`` with
    ``name`` ("Calculated attribute definition with name x already exists")."""
    if name in resources:
        raise BadRequestException(f"{kind} with name {name} already exists")


class _KeyLookup(Protocol):
    def find(self, key_name: str, values: Iterable[str]) -> Collection[str]: ...


class KeyedProfiles(Protocol):
    """What ``the_one_profile`` reads of a domain (models/admin/domains.py's ``Domain``)."""

    @property
    def name(self) -> str: ...

    @property
    def index(self) -> _KeyLookup: ...


def the_one_profile(domain: KeyedProfiles, key_name: str, key_values: list[str]) -> str:
    """The id of the one profile the search key finds. Operations that take a key for one
    profile (BatchGetIntentForProfile, SearchRecommendations) say: "The search key must
    match exactly one profile": none is a ResourceNotFoundException, several a
    BadRequestException."""
    found = domain.index.find(key_name, key_values)
    if not found:
        raise ResourceNotFoundException(
            f"No profile matches {key_name} {', '.join(key_values)} in domain {domain.name}"
        )
    if len(found) > 1:
        raise BadRequestException(
            f"{len(found)} profiles match {key_name} {', '.join(key_values)}: the search "
            "key must match exactly one profile (SearchProfiles lists them)"
        )
    (profile_id,) = found
    return str(profile_id)


def copy_plain(value: Any) -> Any:
    """A copy of plain data (dicts and lists of scalars): what a backend hands out of its
    state, so a caller can change it freely. ``copy.deepcopy`` does the same at several
    times the cost, keeping a memo that plain data never needs."""
    if isinstance(value, dict):
        return {key: copy_plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copy_plain(item) for item in value]
    return value
