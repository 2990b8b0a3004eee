"""What every resource family shares: the backend's state as the families see it."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from ...exceptions import BadRequestException, ResourceNotFoundException
from .changes import Change, Subscriber, hearing

if TYPE_CHECKING:
    from ..admin.domains import Domain
    from .backend_lock import BackendLock
    from .tags import TagStore


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


def the_one_profile(domain: Domain, key_name: str, key_values: list[str]) -> str:
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


class BackendState:
    """Attributes the family mixins read and write; ``CustomerProfilesBackend`` sets them.

    Families tell each other what happened to a profile through the change feed
    (models/core/changes.py): ``publish`` hands a change to every subscriber the backend lists,
    in its order.
    """

    account_id: str
    region_name: str
    partition: str
    domains: dict[str, Domain]
    tags: TagStore
    lock: BackendLock
    CHANGE_SUBSCRIBERS: ClassVar[tuple[Subscriber, ...]] = ()

    def arn(self, resource: str) -> str:
        return f"arn:{self.partition}:profile:{self.region_name}:{self.account_id}:{resource}"

    def get_domain_state(self, domain_name: str) -> Domain:
        domain = self.domains.get(domain_name)
        if domain is None:
            raise ResourceNotFoundException(f"Domain {domain_name} does not exist")
        return domain

    def publish(self, change: Change) -> None:
        """Tell every subscriber, in the backend's order, what ``change`` did (inside the
        operation's call, which holds the lock)."""
        for subscriber in hearing(self.CHANGE_SUBSCRIBERS, change.action):
            subscriber(self, change)
