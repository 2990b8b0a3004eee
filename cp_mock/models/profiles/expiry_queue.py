"""When each profile of a domain expires (models/profiles/expiry.py reads it). Plain data,
noted in the call's journal."""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field

from ..core import journal


@dataclass
class ExpiryQueue:
    """Id -> when it expires (a POSIX timestamp: a float is half a datetime's size, and
    every profile has one), kept so that the due ones are found without a scan.

    Writes come in time order and every profile of a domain gets the same number of days,
    so an expiry is nearly always no earlier than every one set before it: ``expires`` is
    then a queue already, in the order of its insertion (a renewal takes the id out and
    puts it back at the end). Those entries, *in order*, are kept sorted by that alone and
    cost nothing more. An expiry earlier than one set before (another number of days, a
    clock moved back, a state file read in its own order) is *out of order*: it is
    also pushed on a heap, the fallback that finds it. Every in-order entry after an
    out-of-order one expires no sooner than it, so reading ``expires`` from the front up
    to the first entry not yet due finds every due in-order entry, and the heap the rest.
    """

    expires: dict[str, float] = field(default_factory=dict)
    # out-of-order entries (some since renewed or gone: they are checked when popped)
    _heap: list[tuple[float, str]] = field(default_factory=list)
    # the latest expiry set in order: an expiry before it is out of order
    _latest: float = -math.inf
    # no in-order entry expires before this (the front's expiry when last looked at): a
    # moment before it has nothing to read from the front
    _soonest: float = math.inf

    def renew(self, key: str, expires_at: float) -> None:
        before = self.expires.pop(key, None)
        state = (self._latest, self._soonest)
        entry = self._place(key, expires_at)
        opened = journal.current.journal  # (noted in place: every write comes this way)
        if opened is not None:
            opened.steps.append((self._unrenew, key, before, state, entry))

    def _place(self, key: str, expires_at: float) -> tuple[float, str] | None:
        """Put ``key`` at the end of the queue; the heap entry made if it is out of order."""
        self.expires[key] = expires_at
        if expires_at >= self._latest:
            self._latest = expires_at
            if expires_at < self._soonest:
                self._soonest = expires_at
            return None
        entry = (expires_at, key)
        heapq.heappush(self._heap, entry)
        return entry

    def _unrenew(
        self,
        key: str,
        before: float | None,
        state: tuple[float, float],
        entry: tuple[float, str] | None,
    ) -> None:
        del self.expires[key]
        if entry is not None:
            journal.unpush(self._heap, entry)
        self._latest, self._soonest = state
        if before is not None:  # (back at the end, not where it was: out of order, then)
            self._place(key, before)

    def forget(self, key: str) -> None:
        expires_at = self.expires.pop(key, None)
        if expires_at is not None:
            journal.undo_with(self._place, key, expires_at)

    def due(self, moment: float) -> list[str]:
        """The ids whose expiry is at or before ``moment``, soonest first (ties by id)."""
        heap = self._heap
        from_heap = bool(heap) and heap[0][0] <= moment
        if moment < self._soonest and not from_heap:
            return []  # (nearly every call: one comparison)
        expires = self.expires
        found: list[tuple[float, str]] = []
        soonest = math.inf
        for key, expires_at in expires.items():  # in order from the front
            if expires_at > moment:
                soonest = expires_at
                break
            found.append((expires_at, key))
        kept = None
        if from_heap:
            kept, in_front = list(heap), {key for _, key in found}
            while heap and heap[0][0] <= moment:
                expires_at, key = heapq.heappop(heap)
                # (an undone call's entries, put back, may stand twice in the heap)
                if expires.get(key) == expires_at and key not in in_front:
                    in_front.add(key)
                    found.append((expires_at, key))
        found.sort()
        for expires_at, key in found:
            del expires[key]
            journal.undo_with(self._place, key, expires_at)
        if kept is not None:  # (put back before the entries: putting one back may push)
            journal.undo_with(_refill_heap, heap, kept)
        journal.undo_with(setattr, self, "_soonest", self._soonest)
        self._soonest = soonest
        return [key for _, key in found]


def _refill_heap(heap: list[tuple[float, str]], contents: list[tuple[float, str]]) -> None:
    heap[:] = contents
