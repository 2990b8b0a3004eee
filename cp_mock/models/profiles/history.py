"""Profile history (API_ListProfileHistoryRecords, API_GetProfileHistoryRecord).

Every change to a profile is recorded, as a subscriber of the change feed, with the
profile (or, for an ingested object, the object) as it was at that moment in Content.
Records outlive the profile, so a deleted or merged-away profile's history stays readable.
Listings are newest first.
"""

from __future__ import annotations

import functools
import itertools
from typing import Any

from ...exceptions import ResourceNotFoundException
from ..admin.domains import Domain
from ..backend_state import BackendState, Change
from ..core import journal
from ..core.changes import PROFILE_ACTIONS, hears
from ..core.clock import now, timestamp
from ..core.operations import operation
from .history_records import PROFILE_RECORD_TYPE, History, HistoryRecord, snapshot

__all__ = ["History", "HistoryOperations", "HistoryRecord", "performed_by"]


@functools.lru_cache(maxsize=64)
def performed_by(partition: str, account_id: str) -> str:
    """Who a record says made the change: the account's root. One string for every record
    of an account, not one each (it is the same, and history keeps every record)."""
    return f"arn:{partition}:iam::{account_id}:root"


def _unrecord(domain: Domain, profile_id: str, number: int, length: int, head: int | None) -> None:
    """Undo ``record_change``: the records, the profile's newest and the count as they were."""
    domain.history_ids = itertools.count(number)
    history = domain.history
    history.cut(length)
    if head is None:
        history.heads.pop(profile_id, None)
    else:
        history.heads[profile_id] = head


class HistoryOperations(BackendState):
    @hears(*PROFILE_ACTIONS)
    def record_change(self, change: Change) -> None:
        """Subscriber: note a change to a profile for ListProfileHistoryRecords, with the
        profile (or, for an ingested object, the object) as the change left it."""
        if change.action not in PROFILE_ACTIONS:
            return
        domain, profile_id = change.domain, change.profile_id
        history = domain.history
        stored = None
        object_type_name, unique_key = change.object_type_name, change.unique_key
        if object_type_name and unique_key:
            stored = domain.objects.get(object_type_name, unique_key)
        number = next(domain.history_ids)
        head = history.heads.get(profile_id)
        opened = journal.current.journal  # (noted in place: every write comes this way)
        if opened is not None:
            opened.steps.append((_unrecord, domain, profile_id, number, len(history), head))
        older = -1 if head is None else head
        type_name = object_type_name or PROFILE_RECORD_TYPE
        if stored is not None:  # (an object's record: the object's body and moment, shared)
            position = history.add(number, change.action, stored.put_moment, stored.body,
                                   type_name, unique_key, older)  # fmt: skip
        else:
            content = snapshot(domain.profiles.get(profile_id, {}))
            # (a record about the profile itself, nearly every one: POSIX seconds)
            moment = timestamp() if object_type_name is None and unique_key is None else now()
            position = history.add(number, change.action, moment, content,
                                   type_name, unique_key, older)  # fmt: skip
        history.heads[profile_id] = position

    def _records(self, domain: Domain, profile_id: str) -> list[HistoryRecord]:
        """The profile's records, newest first."""
        history = domain.history
        if profile_id not in history.heads:
            if profile_id not in domain.profiles:
                raise ResourceNotFoundException(f"Profile {profile_id} does not exist")
            return []
        return list(history.records(profile_id, performed_by(self.partition, self.account_id)))

    @operation("ListProfileHistoryRecords")
    def list_profile_history_records(
        self,
        domain_name: str,
        profile_id: str,
        object_type_name: str | None = None,
        action_type: str | None = None,
        performed_by: str | None = None,
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        records = [
            r
            for r in self._records(domain, profile_id)
            if (object_type_name is None or r.object_type_name == object_type_name)
            and (action_type is None or r.action_type == action_type)
            and (performed_by is None or r.performed_by == performed_by)
        ]
        return {"ProfileHistoryRecords": [r.describe(with_content=False) for r in records]}

    @operation("GetProfileHistoryRecord")
    def get_profile_history_record(
        self, domain_name: str, profile_id: str, id: str
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        for record in self._records(domain, profile_id):
            if record.id == id:
                return record.describe(with_content=True)
        raise ResourceNotFoundException(f"Profile {profile_id} has no history record {id}")
