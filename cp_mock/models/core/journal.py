"""A call happens whole or not at all: the undo journal of the call in progress.

The outermost call into a backend (``CustomerProfilesBackend``'s lock wrapper, which every
door reaches through ``responses.serve``) opens a journal; the state's containers note in
it, just before they change, how to put back what they change (an entry's old value, a
small container's old contents, an attribute, a heap push). When the call raises, whatever
the exception, the notes are undone newest first and the state is as it was before the
call; when it returns, they are dropped, and what was deferred to the call's success (a
record put on another service's Kinesis stream) is done.

Why a journal, and not a copy: a copy of the state a call may touch costs what the state
weighs (pickling a small domain takes longer than a PutProfileObject; 100,000 profiles
take seconds), while a call changes a handful of entries. Notes cost a fraction of a
microsecond each, and only writes make them. Calls check and compute what can fail before
they write (the validation layer, then each operation's checks), and what the change
feed's subscribers compute from stored values is total; the journal is what makes the
promise hold for the failure nobody foresaw.

Each container notes its own writes, where it changes: the profiles, the search index,
the object store, provenance records, history, expiry, dead letters, and the per-profile
parts of calculated attributes, event triggers, event streams and segment subscriptions.
The writes that run on every put (a new profile, an index update, an object added) note
once each, in place, for all they change. The operations that write configuration (a
definition's create, update or delete) keep a copy of their domain's configuration
instead (``CustomerProfilesBackend._keep_configuration``), which shares the fields marked
``JOURNALED`` below. The backend API used from a test's own code opens a journal too:
every public method holds the lock.

Where order is state: an object a failed call had removed goes back to its place in its
type's and its profile's order (by its ``sequence``), a profile to its place among the
profiles (by its rank); an entry inside the search index goes back last in its dict
(knowing its place would cost a scan of the dict on every deletion, and the index answers
sets: nothing the API answers shows that order).

Long work lets other callers in between two whole steps (models/core/backend_lock.py). What
it had done by then is no longer its own: another caller may read it and write over it,
so undoing it later could put back what that caller wrote. At such a hand-over the call
is sealed (``Journal.seal``): its undo steps so far are dropped, what its success was to
do for that work is done then, and what it copied whole (a domain's configuration) is
copied again once it holds the lock back (``Journal.renew``). A later failure undoes only
what came after the last hand-over. A call that let nobody in undoes everything, as before.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable, MutableMapping
from types import MappingProxyType
from typing import Any

_MISSING: Any = object()

# Dataclass field metadata for state a resource holds per profile or per object (a
# trigger's firings, a calculated attribute's tallies), whose every change is noted here:
# ``field(default_factory=dict, metadata=JOURNALED)``. The copy of a domain's
# configuration that a call on it keeps (``CustomerProfilesBackend``) shares such a field
# rather than copying it, so the copy costs what the configuration weighs.
JOURNALED_KEY = "journaled"
JOURNALED = MappingProxyType({JOURNALED_KEY: True})


_UNSEALED = (0, 0)


class Journal:
    """The undo steps of one call, oldest first, and what its success is to do."""

    __slots__ = ("steps", "on_success", "kept", "owner", "sealed", "renewals")

    def __init__(self, owner: Any = None) -> None:
        # (one is made for every call: what most calls never need is made when needed)
        self.owner = owner  # the backend whose lock the call holds
        self.steps: list[tuple[Any, ...]] = []  # (function, *arguments)
        self.on_success: list[tuple[Any, ...]] | None = None
        self.kept: set[Any] | None = None  # what was copied whole for the call (once each)
        # how many steps and effects earlier hand-overs sealed (marks count them)
        self.sealed = _UNSEALED
        # what takes the copies in ``kept`` again after a hand-over (``renew``)
        self.renewals: list[Callable[[], None]] | None = None

    def mark(self) -> tuple[int, int]:
        """Where the call is: ``undo(mark)`` puts back what was done since (a mark taken
        before a hand-over puts back only what was done after it)."""
        sealed_steps, sealed_effects = self.sealed
        return sealed_steps + len(self.steps), sealed_effects + len(self.on_success or ())

    def undo(self, mark: tuple[int, int] = _UNSEALED) -> None:
        steps, first = self.steps, max(mark[0] - self.sealed[0], 0)
        while len(steps) > first:
            step = steps.pop()
            step[0](*step[1:])
        if self.on_success:
            del self.on_success[max(mark[1] - self.sealed[1], 0) :]

    def succeed(self) -> None:
        effects = self.on_success
        if not effects:
            return
        self.on_success = None
        _have_effects(effects)

    def seal(self) -> None:
        """At a hand-over of the lock: keep what the call has done so far (others may see
        it and write over it). Its undo steps are dropped, and what its success was to do
        for it is done now, outside any call, as a finished call's effects are; copies
        kept whole are to be taken again (``renew``) once the lock is back."""
        steps, effects = self.steps, self.on_success
        self.sealed = (self.sealed[0] + len(steps), self.sealed[1] + len(effects or ()))
        steps.clear()  # (in place: the list is the journal's for the whole call)
        self.kept = None
        if effects:
            self.on_success = None
            opened, current.journal = current.journal, None
            try:
                _have_effects(effects)
            finally:
                current.journal = opened

    def renew(self) -> None:
        """After a hand-over, holding the lock again: take again the copies kept whole,
        so that a failure from here on puts back the state as it is now, with what other
        callers wrote meanwhile."""
        renewals, self.renewals = self.renewals, None
        for take_copy in renewals or ():
            take_copy()

    def copy_again_after_handover(self, take_copy: Callable[[], None]) -> None:
        """``take_copy()`` (which notes a whole copy of some state, as the call's first
        step on it) is to be called again after each hand-over."""
        if self.renewals is None:
            self.renewals = [take_copy]
        else:
            self.renewals.append(take_copy)


def _have_effects(effects: list[tuple[Any, ...]]) -> None:
    for effect in effects:
        try:
            effect[0](*effect[1:])
        except Exception:  # noqa: BLE001 - the call has happened; its echo elsewhere failed
            logging.getLogger("cp_mock").exception("an effect of a finished call failed")


class _Current(threading.local):
    journal: Journal | None = None


# The journal of the call this thread is making, if any: a backend's lock is held by one
# thread at a time, so the journal of the thread is the journal of the call.
current = _Current()


class call:  # noqa: N801 - used as a function: ``with journal.call(backend):``
    """Journal the call made in this block on ``owner`` (a backend, whose lock the block
    holds), unless a call is open already: the outermost call decides. (A class, not a
    generator: it is entered on every request.)"""

    __slots__ = ("opened", "owner")

    def __init__(self, owner: Any) -> None:
        self.owner = owner

    def __enter__(self) -> None:
        if current.journal is None:
            self.opened: Journal | None = Journal(self.owner)
            current.journal = self.opened
        else:
            self.opened = None

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, *_: Any
    ) -> None:
        opened = self.opened
        if opened is None:
            return
        current.journal = None
        if kind is None:
            opened.succeed()
            return
        opened.undo()
        if opened.sealed != _UNSEALED and error is not None:
            setattr(error, PARTLY_KEPT, True)  # (the answer says so: responses.unexpected)


# Set on an exception out of a call that had let other callers in before it failed: what
# it did before the last hand-over was kept, the rest undone.
PARTLY_KEPT = "cp_mock_partly_kept"


# -- notes -----------------------------------------------------------------------------------
def _put_back(mapping: MutableMapping[Any, Any], key: Any, old: Any) -> None:
    if old is _MISSING:
        mapping.pop(key, None)
    else:
        mapping[key] = old


def keep_item(mapping: MutableMapping[Any, Any], key: Any) -> None:
    """Before ``mapping[key]`` is set or deleted (the value itself is kept, not copied: a
    value changed in place notes its own change)."""
    journal = current.journal
    if journal is not None:
        journal.steps.append((_put_back, mapping, key, mapping.get(key, _MISSING)))


def keep_new(mapping: MutableMapping[Any, Any], key: Any) -> None:
    """Before ``mapping[key]`` is set for a key the caller knows is not there (a new id)."""
    journal = current.journal
    if journal is not None:
        journal.steps.append((mapping.pop, key, None))


def _refill(container: Any, contents: Any) -> None:
    container.clear()
    if isinstance(container, list):
        container.extend(contents)
    else:
        container.update(contents)


def keep_whole(container: Any) -> None:
    """Before a small dict, list or set is changed in place: its contents are copied (a
    profile's fields, a provenance record)."""
    journal = current.journal
    if journal is not None:
        contents = list(container) if isinstance(container, list) else container.copy()
        journal.steps.append((_refill, container, contents))


def _truncate(items: list[Any], length: int) -> None:
    del items[length:]


def keep_length(items: list[Any]) -> None:
    """Before items are appended to a list only ever appended to (records, firings)."""
    journal = current.journal
    if journal is not None:
        journal.steps.append((_truncate, items, len(items)))


def _set_attributes(owner: Any, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(owner, name, value)


def keep_attributes(owner: Any, *names: str) -> None:
    """Before attributes of ``owner`` are assigned (not changed in place)."""
    journal = current.journal
    if journal is not None:
        journal.steps.append((_set_attributes, owner, {n: getattr(owner, n) for n in names}))


def next_of(owner: Any, name: str) -> int:
    """``next(owner.<name>)`` for a counter (an ``itertools.count``) the state numbers
    things with; undone by a counter starting at the number taken."""
    number: int = next(getattr(owner, name))
    journal = current.journal
    if journal is not None:
        journal.steps.append((_rewind, owner, name, number))
    return number


def _rewind(owner: Any, name: str, number: int) -> None:
    setattr(owner, name, itertools.count(number))


def unpush(heap: list[Any], item: Any) -> None:
    """Undo ``heapq.heappush(heap, item)`` exactly: the push appended the item and moved
    it up the path from the last place towards the root, each parent on the way one step
    down; this moves those parents back up and drops the last place."""
    position = len(heap) - 1
    path = [position]
    while position > 0 and heap[position] is not item:
        position = (position - 1) >> 1
        path.append(position)
    for lower, upper in zip(reversed(path[:-1]), reversed(path[1:]), strict=True):
        heap[upper] = heap[lower]
    heap.pop()


def keep_heap(heap: list[Any]) -> None:
    """Before items are popped from a heap (expiry, which happens when time has passed,
    not on every call): its order is copied."""
    keep_whole(heap)


def mark() -> tuple[int, int] | None:
    """Where the open call is (None outside one), for ``undo_since``: a part of a call that
    may fail alone (one item of a batch)."""
    journal = current.journal
    return None if journal is None else journal.mark()


def undo_since(where: tuple[int, int] | None) -> None:
    """Put back what the open call did since ``mark`` answered ``where``."""
    journal = current.journal
    if journal is not None and where is not None:
        journal.undo(where)


def undo_with(function: Callable[..., Any], *arguments: Any) -> None:
    """Note a step of one's own: ``function(*arguments)`` puts back what is about to change."""
    journal = current.journal
    if journal is not None:
        journal.steps.append((function, *arguments))


def when_done(function: Callable[..., Any], *arguments: Any) -> None:
    """Do ``function(*arguments)`` once the call has succeeded (at once, outside a call):
    for what cannot be undone, such as a record sent to another service."""
    journal = current.journal
    if journal is None:
        function(*arguments)
    elif journal.on_success is None:
        journal.on_success = [(function, *arguments)]
    else:
        journal.on_success.append((function, *arguments))
