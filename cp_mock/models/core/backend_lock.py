"""The backend's lock: re-entrant, and able to let other callers in during long work.

Every operation holds the lock while it runs (``service``: the request path and each
public backend method take it so). Long work (an upload job's rows, an estimate over every
profile, an SQL query) is done in steps, each whole, and between two steps it calls
``let_others_in``: when another thread waits for the lock, the lock is handed to it (the
long call gives up every level it holds, waits until a waiting thread has taken the lock,
then takes it back), so no caller waits for more than one step. ``released`` runs work
that reads no backend state (an SQL query over a copy of the profiles) without the lock.

A plain ``with backend.lock:`` is a user's (or the state file's) way of making several
calls one step: while the thread holds the lock so, ``let_others_in`` and ``released``
keep it, and the work runs whole, as before. So do they inside a call made within a call
on another backend (a call is one step of the call it is made in).

What another caller does while the lock is handed over is its own: the long call's undo
journal is sealed at the hand-over (models/core/journal.py), so a failure after it undoes
only what the long call did after it and never what another caller wrote meanwhile.
``let_others_in`` seals before it gives the lock up (a waiting thread is about to take
it); ``released`` seals then when a thread waits, and otherwise only if another thread
held the lock while it was released.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

from . import journal

# How long a yielding caller waits, at most, for a waiting thread to take the lock before
# it looks again (a thread that took it some other way, say): not a timing the work needs.
_HANDOFF_RECHECK_SECONDS = 0.05


class BackendLock:
    """A re-entrant lock whose long holders yield it to waiting threads between steps."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._guard = threading.Lock()  # for the counts waiting threads change
        self._taken_by_waiter = threading.Condition(self._guard)
        self._waiting = 0  # threads blocked in acquiring it
        self._handoffs = 0  # times a waiting thread has taken it
        # The owner's own counts (only the thread holding the lock reads or writes them):
        self._owner = 0  # the thread holding it (or that last held it)
        self._depth = 0  # how many levels it holds
        self._single_steps = 0  # of those, plain holds that make their calls one step
        self._owner_changes = 0  # times a thread took it from another (``released`` asks)
        self.service = _ServiceHold(self)

    # -- holding -------------------------------------------------------------------------
    def _acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        if not self._lock.acquire(blocking=False):
            if not blocking:
                return False
            with self._guard:
                self._waiting += 1
            taken = False
            try:
                taken = self._lock.acquire(timeout=timeout)
            finally:
                with self._guard:
                    self._waiting -= 1
                    if taken:
                        self._handoffs += 1
                        self._taken_by_waiter.notify_all()
            if not taken:
                return False
        if not self._depth:
            self._held_by(threading.get_ident())
        self._depth += 1
        return True

    def _held_by(self, thread: int) -> None:
        if self._owner != thread:
            self._owner = thread
            self._owner_changes += 1

    def _release(self) -> None:
        self._depth -= 1
        self._lock.release()

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        """As ``threading.RLock.acquire``: a hold that makes the calls made under it one
        step (nothing yields it)."""
        if not self._acquire(blocking, timeout):
            return False
        self._single_steps += 1
        return True

    def release(self) -> None:
        self._single_steps -= 1
        self._release()

    def __enter__(self) -> BackendLock:
        self.acquire()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()

    @property
    def waiting(self) -> int:
        """How many threads are blocked waiting for the lock now."""
        return self._waiting

    # -- yielding ------------------------------------------------------------------------
    def _may_yield(self) -> bool:
        held = self._depth > 0 and self._owner == threading.get_ident()
        if not held or self._single_steps:
            return False
        opened = journal.current.journal
        # (a call made inside a call on another backend is one step of that call)
        return opened is None or getattr(opened.owner, "lock", None) is self

    def let_others_in(self) -> None:
        """Between two whole steps of long work: if other threads wait for the lock, let
        one of them take it, then take it back. Cheap when nobody waits."""
        if not self._waiting or not self._may_yield():
            return
        opened = journal.current.journal
        if opened is not None:
            opened.seal()  # what is done is kept: the waiting caller may write over it
        with self._guard:
            handoffs = self._handoffs
        depth = self._give_up()
        try:
            with self._guard:
                while self._handoffs == handoffs and self._waiting:
                    self._taken_by_waiter.wait(_HANDOFF_RECHECK_SECONDS)
        finally:
            self._take_back(depth)
            if opened is not None:
                opened.renew()

    @contextmanager
    def released(self) -> Iterator[None]:
        """Run the block without the lock (work on copies that needs no backend state),
        unless the thread holds it to make its calls one step."""
        if not self._may_yield():
            yield
            return
        opened = journal.current.journal
        sealed = False
        if opened is not None and self._waiting:
            sealed = True
            opened.seal()  # (a waiting caller is about to take the lock)
        owner_changes = self._owner_changes
        depth = self._give_up()
        try:
            yield
        finally:
            self._take_back(depth)
            if opened is not None:
                if not sealed and self._owner_changes != owner_changes:
                    sealed = True  # another thread held it meanwhile: what was done is kept
                    opened.seal()
                if sealed:
                    opened.renew()

    def _give_up(self) -> int:
        depth, self._depth = self._depth, 0
        for _ in range(depth):
            self._lock.release()
        return depth

    def _take_back(self, depth: int) -> None:
        self._acquire()
        for _ in range(depth - 1):
            self._lock.acquire()
        self._depth = depth


class _ServiceHold:
    """``with lock.service:`` - an operation's hold, which long work may yield."""

    __slots__ = ("_lock", "_raw")

    def __init__(self, lock: BackendLock) -> None:
        self._lock = lock
        self._raw = lock._lock

    def __enter__(self) -> None:
        lock = self._lock
        if self._raw.acquire(False):  # the usual, uncontended case, inline
            if not lock._depth and lock._owner != (thread := threading.get_ident()):
                lock._held_by(thread)
            lock._depth += 1
        else:
            lock._acquire()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._lock._depth -= 1
        self._raw.release()
