"""The change feed: every write to a domain's profiles publishes one ``Change``
(models/backend_state.py, beside the ``Domain`` it names), and the families that react
to it subscribe.

A family that changes a profile says what happened (``BackendState.publish``); it does not
know who listens. The subscribers are listed, in the order they hear each change, in one
place: ``CustomerProfilesBackend.CHANGE_SUBSCRIBERS`` (models/backend.py). Delivery is
synchronous, in the call that made the write and under the backend's lock, so a test sees
every effect (a history record, a Kinesis record, a trigger's firing, a removed object)
as soon as the call returns. Nothing depends on the order of the backend's base classes.
A subscriber that reacts to a few actions only may say so (``@hears(...)``): the feed then
skips it for the others.

A change's ``action`` is the model's ActionType for changes to profiles (the vocabulary
of ListProfileHistoryRecords), plus two for the containers profiles live in.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

# The model's ActionType: what can happen to a profile.
CREATED = "CREATED"  # CreateProfile, or ingestion that made the profile
UPDATED = "UPDATED"  # UpdateProfile
INGESTED = "INGESTED"  # an object was put on the profile (object_type_name, unique_key)
ADDED_PROFILE_KEY = "ADDED_PROFILE_KEY"
DELETED_PROFILE_KEY = "DELETED_PROFILE_KEY"
MERGED = "MERGED"  # the main profile of a merge (merged_profiles: the others, as they were)
DELETED_BY_CUSTOMER = "DELETED_BY_CUSTOMER"  # DeleteProfile
DELETED_BY_MERGE = "DELETED_BY_MERGE"  # merged into ``merged_into``
EXPIRED = "EXPIRED"  # the profile, or (with object_type_name) one of its objects
PROFILE_ACTIONS = frozenset(
    (CREATED, UPDATED, INGESTED, ADDED_PROFILE_KEY, DELETED_PROFILE_KEY, MERGED,
     DELETED_BY_CUSTOMER, DELETED_BY_MERGE, EXPIRED)
)  # fmt: skip
# An object taken off its profile (DeleteProfileObject, or evicted over the type's
# MaxProfileObjectCount): object_type_name and unique_key name it.
OBJECT_DELETED = "OBJECT_DELETED"
# Changes to what profiles live in.
OBJECT_TYPE_DELETED = "OBJECT_TYPE_DELETED"  # object_type_name is gone from the domain
DOMAIN_DELETED = "DOMAIN_DELETED"  # the domain is gone, with everything it held

# The actions of the changes that may remove a profile (``Change.removes_profile``)
REMOVALS = frozenset((EXPIRED, DELETED_BY_CUSTOMER, DELETED_BY_MERGE))

# A subscriber: a family's method, called with the backend and the change
# (``Subscriber`` in models/backend_state.py, which knows the change's type).
Listener = TypeVar("Listener", bound=Callable[[Any, Any], None])


def hears(*actions: str) -> Callable[[Listener], Listener]:
    """Declare the only actions a subscriber reacts to: the feed then does not call it for
    changes of other actions (every write publishes one, so the calls add up). A subscriber
    that declares nothing hears every change."""
    heard = frozenset(actions)

    def declare(subscriber: Listener) -> Listener:
        subscriber.hears = heard  # type: ignore[attr-defined]
        return subscriber

    return declare


@cache
def hearing(subscribers: tuple[Listener, ...], action: str) -> tuple[Listener, ...]:
    """The ``subscribers`` that hear a change of ``action``, in their order."""
    return tuple(s for s in subscribers if action in getattr(s, "hears", (action,)))
