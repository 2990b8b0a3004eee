"""What every resource family shares: the backend's state as the families see it."""

from __future__ import annotations

from datetime import datetime
from threading import RLock
from typing import TYPE_CHECKING, Any

from ..exceptions import ResourceNotFoundException
from .clock import now

if TYPE_CHECKING:
    from .domains import Domain
    from .tags import TagStore


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

    The hook methods below are how one family tells the others about a profile's life.
    A family that keeps per-profile data overrides the hook, calls ``super()`` and then
    does its own part; it must come before ``ProfileOperations`` in the backend's bases.
    """

    account_id: str
    region_name: str
    partition: str
    domains: dict[str, Domain]
    tags: TagStore
    lock: RLock

    def arn(self, resource: str) -> str:
        return f"arn:{self.partition}:profile:{self.region_name}:{self.account_id}:{resource}"

    def get_domain_state(self, domain_name: str) -> Domain:
        """The domain, with what has expired by now gone (one reading of the clock)."""
        domain = self.domains.get(domain_name)
        if domain is None:
            raise ResourceNotFoundException(f"Domain {domain_name} does not exist")
        self.expire(domain, now())
        return domain

    # -- hooks ---------------------------------------------------------------------------
    def remove_profile(self, domain: Domain, profile_id: str) -> None:
        """Forget a deleted (or merged-away) profile everywhere."""

    def move_profile_data(self, domain: Domain, from_id: str, to_id: str) -> None:
        """Give what ``from_id`` holds (keys, objects, ...) to ``to_id`` (MergeProfiles)."""

    def record_history(
        self,
        domain: Domain,
        profile_id: str,
        action_type: str,
        object_type_name: str | None = None,
        profile_object_unique_key: str | None = None,
    ) -> None:
        """Note a change to a profile for ListProfileHistoryRecords (ActionType values)."""

    def expire(self, domain: Domain, moment: datetime) -> None:
        """Remove what has expired by ``moment`` (objects, then profiles)."""

    def object_type_deleted(self, domain: Domain, object_type_name: str) -> None:
        """An object type is gone; families that refer to it (integrations) react."""
