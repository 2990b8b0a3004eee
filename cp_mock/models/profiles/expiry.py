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
domain keeps its profiles' expiries as a queue in the order they were set, which is the
order they fall due but for the few set out of order, which a heap finds (see
``ExpiryQueue``, in profiles/expiry_queue.py). Profiles due at one moment expire soonest
first, those due at the same time in the order of their ids.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..backend_state import BackendState, Change
from ..core.changes import EXPIRED, INGESTED, PROFILE_ACTIONS, hears
from ..core.clock import timestamp

if TYPE_CHECKING:
    from ..admin.domains import Domain

DAY_SECONDS = 86_400
# History actions that are changes made through the API (INGESTED renews by the type).
API_CHANGES = frozenset(
    ("CREATED", "UPDATED", "ADDED_PROFILE_KEY", "DELETED_PROFILE_KEY", "MERGED")
)


class ExpiryOperations(BackendState):
    """Renews profiles on every change and removes the expired ones."""

    def _expire_profiles(self, domain: Domain, moment: float) -> None:
        """Remove the profiles that have expired by ``moment`` (POSIX seconds), each as a
        change."""
        if domain.profile_expiry.expires:
            for profile_id in domain.profile_expiry.due(moment):
                if profile_id in domain.profiles:
                    self.publish(Change(EXPIRED, domain, profile_id))

    @hears(*PROFILE_ACTIONS)
    def track_expiry(self, change: Change) -> None:
        """Subscriber: a change renews the profile's expiry; a removal forgets it."""
        domain, profile_id, action = change.domain, change.profile_id, change.action
        if action in API_CHANGES:  # (first: nearly every change is one, or INGESTED)
            days = domain.settings["DefaultExpirationDays"]
        elif action == INGESTED:
            object_type = domain.object_types.get(change.object_type_name or "")
            if object_type is None:
                return
            days = object_type.expiration_days(domain)
        else:
            if change.removes_profile:  # (no removal is an API change or INGESTED)
                domain.profile_expiry.forget(profile_id)
            return
        if profile_id in domain.profiles:
            domain.profile_expiry.renew(profile_id, timestamp() + int(days) * DAY_SECONDS)
