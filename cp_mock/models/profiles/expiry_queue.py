"""When each profile of a domain expires (models/profiles/expiry.py reads it). Plain data,
noted in the call's journal."""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import Any

from ..core import journal


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
