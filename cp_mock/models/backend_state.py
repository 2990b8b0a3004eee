"""What every family shares: the backend's state as the families see it, and the change
they publish to the feed (models/core/changes.py says how the feed works).

Both name the ``Domain`` they concern, so they live here, beside the areas, and core/
needs no area's types."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from ..exceptions import ResourceNotFoundException
from .admin.domains import Domain
from .core.changes import DELETED_BY_CUSTOMER, DELETED_BY_MERGE, EXPIRED, hearing

if TYPE_CHECKING:
    from .core.backend_lock import BackendLock
    from .core.tags import TagStore


class Change(NamedTuple):
    """Immutable, as a frozen dataclass would be, at a third of its cost to make: one is
    made for every write."""

    action: str
    domain: Domain
    profile_id: str = ""
    object_type_name: str | None = None
    unique_key: str | None = None
    # DELETED_BY_MERGE: the profile that takes this one's keys and objects
    merged_into: str | None = None
    # MERGED: the profiles merged into this one, as they were before the merge
    merged_profiles: tuple[dict[str, Any], ...] = ()
    # INGESTED: the object's unique key was new (not a new version of a stored object)
    object_is_new: bool = False
    # INGESTED: the put changed the profile's fields (it did not create the profile)
    profile_changed: bool = False
    # INGESTED (always given): the object as parsed, for subscribers to read instead of
    # parsing it again (read only, never changed)
    document: Mapping[str, Any] | None = None

    @property
    def removes_profile(self) -> bool:
        """The profile is gone once the subscribers have heard this change."""
        if self.action == EXPIRED:
            return self.object_type_name is None
        return self.action in (DELETED_BY_CUSTOMER, DELETED_BY_MERGE)


# A subscriber: a family's method, called with the backend and the change.
Subscriber = Callable[[Any, Change], None]


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
