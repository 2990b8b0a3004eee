"""Profile expiry (admin guide, "Connect Customer Profiles data expiration"): "If a profile
has not been updated within a specified amount of time, it will expire" and is removed.

- A profile created or changed through the API (CreateProfile, UpdateProfile,
  AddProfileKey, DeleteProfileKey, MergeProfiles for the main profile) expires the domain's
  DefaultExpirationDays after that change.
- A profile created or updated by PutProfileObject (an object attached to it) expires the
  object type's ExpirationDays after that put, the domain's when the type has none.
The latest change decides, as the page says ("always respect the ExpirationDays defined on
the object type"); a later change to the domain's or the type's days applies from the next
change on. Every change to a profile is published on the change feed, and the feed is
where the clock is renewed.

Expiry is judged by the mock's clock whenever the domain is next used, as object expiry is:
an expired profile is recorded (ActionType EXPIRED) and then removed like a deleted one, so
search, keys, objects, matches and GetDomain's Stats forget it. Nothing is scanned: each
domain keeps a heap ordered by expiry time, renewed lazily (see ``ExpiryQueue``).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..core import journal
from ..core.base import BackendState
from ..core.changes import EXPIRED, INGESTED, PROFILE_ACTIONS, Change, hears
from ..core.clock import timestamp

if TYPE_CHECKING:
    from ..admin.domains import Domain

DAY_SECONDS = 86_400
# History actions that are changes made through the API (INGESTED renews by the type).
API_CHANGES = frozenset(
    ("CREATED", "UPDATED", "ADDED_PROFILE_KEY", "DELETED_PROFILE_KEY", "MERGED")
)


@dataclass
class ExpiryQueue:
    """Profile id -> when it expires (a POSIX timestamp: a float is half a datetime's
    size, and every profile has one), and a heap that finds the due ones without a scan.

    The heap holds, for every profile, an entry no later than its expiry; an entry popped
    before the profile's (since renewed) expiry is pushed again at that time. So renewing
    a profile to a later time (the usual case: every write) pushes nothing, and the heap
    stays about one entry per profile however often profiles change.
    """

    expires: dict[str, float] = field(default_factory=dict)
    _heap: list[tuple[float, str]] = field(default_factory=list)

    def renew(self, profile_id: str, expires_at: float) -> None:
        current = self.expires.get(profile_id)
        self.expires[profile_id] = expires_at
        entry = None
        if current is None or expires_at < current:
            entry = (expires_at, profile_id)
            heapq.heappush(self._heap, entry)
        opened = journal.current.journal  # (noted in place: every write comes this way)
        if opened is not None:
            opened.steps.append((self._unrenew, profile_id, current, entry))

    def _unrenew(self, profile_id: str, before: float | None, entry: Any) -> None:
        if entry is not None:
            journal.unpush(self._heap, entry)
        if before is None:
            self.expires.pop(profile_id, None)
        else:
            self.expires[profile_id] = before

    def forget(self, profile_id: str) -> None:
        journal.keep_item(self.expires, profile_id)
        self.expires.pop(profile_id, None)

    def due(self, moment: float) -> list[str]:
        """The profiles whose expiry is at or before ``moment``, soonest first."""
        heap, expired = self._heap, []
        if heap and heap[0][0] <= moment:
            journal.keep_heap(heap)
        while heap and heap[0][0] <= moment:
            _, profile_id = heapq.heappop(heap)
            expires_at = self.expires.get(profile_id)
            if expires_at is None:
                continue  # deleted, or already expired through another entry
            if expires_at <= moment:
                journal.keep_item(self.expires, profile_id)
                del self.expires[profile_id]
                expired.append(profile_id)
            else:
                heapq.heappush(heap, (expires_at, profile_id))
        return expired


class ExpiryOperations(BackendState):
    """Renews profiles on every change and removes the expired ones."""

    def _expire_profiles(self, domain: Domain, moment: datetime) -> None:
        """Remove the profiles that have expired by ``moment``, each as a change."""
        if domain.profile_expiry.expires:
            for profile_id in domain.profile_expiry.due(moment.timestamp()):
                if profile_id in domain.profiles:
                    self._publish(Change(EXPIRED, domain, profile_id))

    @hears(*PROFILE_ACTIONS)
    def track_expiry(self, change: Change) -> None:
        """Subscriber: a change renews the profile's expiry; a removal forgets it."""
        domain, profile_id = change.domain, change.profile_id
        if change.removes_profile:
            domain.profile_expiry.forget(profile_id)
            return
        if change.action == INGESTED:
            object_type = domain.object_types.get(change.object_type_name or "")
            if object_type is None:
                return
            days = object_type.expiration_days(domain)
        elif change.action in API_CHANGES:
            days = domain.settings["DefaultExpirationDays"]
        else:
            return
        if profile_id in domain.profiles:
            domain.profile_expiry.renew(profile_id, timestamp() + int(days) * DAY_SECONDS)
