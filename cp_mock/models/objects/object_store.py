"""Where a domain keeps its profile objects, with the indexes the operations need:
by type and unique key, by profile, by expiry time (so expiring is not a scan), and a
standard record by each identifying key value it holds (so finding the record a put
writes to is not a scan of the profile's records)."""

from __future__ import annotations

import heapq
import math
from collections import defaultdict, deque
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from ..core import journal
from ..core.clock import compact, moment_of, seconds_of

# The key names under which a standard record keeps the identifying key values that found
# or made it (``identity:<key name>``), apart from its standard index names.
IDENTITY_PREFIX = "identity:"
# (profile id, object type, ``identity:<key name>``, value): the records holding that value
Identity = tuple[str, str, str, str]


@dataclass(slots=True, init=False, eq=False)
class StoredObject:
    """One object, as compact as its parts allow (a store holds many): slots, not a
    ``__dict__``; its type name and key values in one tuple, not a dict of sets (a dict
    of two keys, one value each, costs ~300 bytes; the tuple of a layout and two values
    64), the names in the layout that objects of the same type and keys share; its size
    read from its body (8 bytes a field, and an int of its own for a size past 256).

    An object is its own identity (``eq=False``: hashed and compared as itself): the
    store's key for it in by_profile and the expiry queue, and the source of its keys in
    the search index, with no (type name, unique key) tuple of its own to be that. A
    re-put of its unique key gives it its new version in place (``renew``), so what
    holds it holds the new version."""

    unique_key: str  # its ProfileObjectUniqueKey
    profile_id: str
    body: str  # the Object as it was put
    # (its layout, then every key value the type's Keys read from it), the layout (type
    # name, then the key name of each value) shared (``_key_values``)
    key_values: tuple[Any, ...]
    # when it expires and when it was put, each as POSIX seconds where they give the
    # moment back exactly (a float is half a datetime's size, and the expiry queue
    # compares them), else the datetime (``compact``)
    expiry_time: float | datetime
    put_moment: float | datetime
    # when it was added to the store, in the store's order (``ObjectStore.add``): its
    # place in by_type and by_profile, which a call undone puts it back at
    sequence: float
    # the time of the expiry queue's entry for it, while one waits (the store's)
    queued: float | None

    def __init__(
        self, type_name: str, unique_key: str, profile_id: str, body: str,
        keys: Mapping[str, Collection[str]], expires_at: datetime, put_at: datetime,
    ) -> None:  # fmt: skip
        """``keys``: key name -> its values (sets, lists or tuples)."""
        self.unique_key, self.profile_id = unique_key, profile_id
        self.body, self.key_values = body, _key_values(type_name, keys)
        self.expiry_time, self.put_moment = compact(expires_at), compact(put_at)
        self.sequence, self.queued = 0.0, None

    def renew(
        self, profile_id: str, body: str, keys: Mapping[str, Collection[str]],
        expires_at: datetime, put_at: datetime,
    ) -> None:  # fmt: skip
        """Make it its new version (a put of its unique key again), while it is out of
        the store: what a new object would hold, noted in the call's journal."""
        journal.undo_with(
            self._restore, self.profile_id, self.body, self.key_values, self.expiry_time,
            self.put_moment,
        )  # fmt: skip
        self.profile_id, self.body = profile_id, body
        self.key_values = _key_values(self.type_name, keys)
        self.expiry_time, self.put_moment = compact(expires_at), compact(put_at)

    def _restore(
        self, profile_id: str, body: str, key_values: tuple[Any, ...],
        expiry_time: float | datetime, put_moment: float | datetime,
    ) -> None:  # fmt: skip
        """Undo ``renew``."""
        self.profile_id, self.body, self.key_values = profile_id, body, key_values
        self.expiry_time, self.put_moment = expiry_time, put_moment

    @property
    def type_name(self) -> str:
        name: str = self.key_values[0][0]
        return name

    @property
    def put_at(self) -> datetime:
        """When it was put (``put_moment`` as a datetime, made for each read)."""
        return moment_of(self.put_moment)

    @property
    def put_seconds(self) -> float:
        """``put_at`` as POSIX seconds (``put_moment`` itself, nearly always)."""
        return seconds_of(self.put_moment)

    @property
    def expires_at(self) -> datetime:
        return moment_of(self.expiry_time)

    @property
    def expires_seconds(self) -> float:
        """``expires_at`` as POSIX seconds."""
        return seconds_of(self.expiry_time)

    @property
    def key(self) -> tuple[str, str]:
        """(type name, unique key), made for each read."""
        return self.type_name, self.unique_key

    @property
    def size(self) -> int:
        """Its body's size in bytes, as UTF-8."""
        body = self.body
        return len(body) if body.isascii() else len(body.encode("utf-8", "surrogatepass"))

    @property
    def keys(self) -> dict[str, tuple[str, ...]]:
        """Key name -> its values, in the order they were given (a new dict each time)."""
        keys: dict[str, tuple[str, ...]] = {}
        for name, value in self.postings():
            keys[name] = (*keys.get(name, ()), value)
        return keys

    def postings(self) -> Iterator[tuple[str, str]]:
        """Its (key name, value) pairs."""
        values = self.key_values
        pairs = zip(values[0], values, strict=True)
        next(pairs)  # (the type name, beside the layout)
        return pairs

    def values_of(self, key_name: str) -> tuple[str, ...]:
        """The values the object holds of one key (``keys.get(key_name, ())``, unbuilt)."""
        values = self.key_values
        names = values[0]
        return tuple(values[at] for at in range(1, len(values)) if names[at] == key_name)


# The layouts objects keep their key values by: (type name, the key name of each value)
# -> the key values of no values, ``(layout,)``: the objects of a type with the same keys
# share its layout, and those of no keys (or removed: ``ObjectStore._let_go``) the tuple.
# Names only, and as many as types and their keys make (a bound keeps a stream of odd
# ones from growing it: an object whose layout is not kept has a tuple of its own, which
# works the same).
_LAYOUTS: dict[tuple[str, ...], tuple[Any, ...]] = {}
_MOST_LAYOUTS = 10_000


def _key_values(type_name: str, keys: Mapping[str, Collection[str]]) -> tuple[Any, ...]:
    """(layout, value, value, ...) of ``keys`` (key name -> its values)."""
    names: list[str] = [type_name]
    row: list[Any] = [None]
    for name, values in keys.items():  # (loops written out: every object put comes this way)
        for value in values:
            names.append(name)
            row.append(value)
    layout = tuple(names)
    bare = _LAYOUTS.get(layout)  # (a layout met before: no call of ``_bare``)
    row[0] = (_bare(layout) if bare is None else bare)[0]
    return tuple(row)


def _bare(layout: tuple[str, ...]) -> tuple[Any, ...]:
    """``(layout,)``, the one the store keeps (kept now, if it has room)."""
    bare = _LAYOUTS.get(layout)
    if bare is None:
        bare = (layout,)
        if len(_LAYOUTS) < _MOST_LAYOUTS:
            _LAYOUTS[layout] = bare
    return bare


Time = TypeVar("Time", datetime, float)
Key = TypeVar("Key")
# (time, number, key): what a heap of entries would hold
Entry = tuple[Time, float, Key]


class TimeQueue(Generic[Time, Key]):
    """Keys by time, the earliest first, ties in the order of their numbers: what a heap of
    (time, number, key) entries gives, for keys nearly always pushed in that order (objects
    of a type put one after another, with one expiry period). Those are kept in three
    deques, side by side, whose items are the caller's own time, number and key (no tuple
    of an entry's own: a heap's costs ~70 bytes an entry, the deques' slots ~25); only an
    entry pushed before the last in order goes to a heap, which is merged in when popped.
    Every push and pop is noted in the call's journal."""

    __slots__ = ("_times", "_numbers", "_keys", "_heap")

    def __init__(self) -> None:
        self._times: deque[Time] = deque()
        self._numbers: deque[float] = deque()
        self._keys: deque[Key] = deque()
        self._heap: list[Entry[Time, Key]] = []

    def __len__(self) -> int:
        return len(self._keys) + len(self._heap)

    def entries(self) -> list[Entry[Time, Key]]:
        """Every entry, in the order they come out (for checks)."""
        in_order = zip(self._times, self._numbers, self._keys, strict=True)
        return list(heapq.merge(in_order, sorted(self._heap), key=lambda e: (e[0], e[1])))

    def push(self, time: Time, number: float, key: Key) -> None:
        times = self._times
        if not times or time > times[-1] or (time == times[-1] and number >= self._numbers[-1]):
            times.append(time)
            self._numbers.append(number)
            self._keys.append(key)
            entry = None
        else:
            entry = (time, number, key)
            heapq.heappush(self._heap, entry)
        opened = journal.current.journal  # (noted in place, once: ingestion's path)
        if opened is not None:
            opened.steps.append((self._unpush, entry))

    def _unpush(self, entry: Entry[Time, Key] | None) -> None:
        if entry is None:
            self._times.pop()
            self._numbers.pop()
            self._keys.pop()
        else:
            journal.unpush(self._heap, entry)

    def first(self) -> Time | None:
        """The earliest time queued (None: nothing is)."""
        times, heap = self._times, self._heap
        if heap and (not times or (heap[0][0], heap[0][1]) < (times[0], self._numbers[0])):
            return heap[0][0]
        return times[0] if times else None

    def keep(self) -> None:
        """Before entries are popped (expiry, when time has passed, not every call): the
        heap's order is copied (only the entries out of order are in it); each entry
        popped from the deques is noted as it is."""
        if self._heap:
            journal.keep_heap(self._heap)

    def pop(self) -> Entry[Time, Key]:
        """Take the earliest entry (there is one: ``first`` is not None); ``keep`` first."""
        times, heap = self._times, self._heap
        if heap and (not times or (heap[0][0], heap[0][1]) < (times[0], self._numbers[0])):
            return heapq.heappop(heap)
        entry = (times.popleft(), self._numbers.popleft(), self._keys.popleft())
        journal.undo_with(self._unpop, entry)
        return entry

    def _unpop(self, entry: Entry[Time, Key]) -> None:
        time, number, key = entry
        self._times.appendleft(time)
        self._numbers.appendleft(number)
        self._keys.appendleft(key)


# A profile's objects: one as itself, several as the keys of a dict
ProfileObjects = StoredObject | dict[StoredObject, None]


@dataclass
class ObjectStore:
    # (defaultdicts: an add makes its inner dict only when missing)
    by_type: defaultdict[str, dict[str, StoredObject]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    # profile id -> its objects, in the order they were added: one as itself, several as
    # the keys of a dict (most profiles hold one object or none, and a dict of one costs
    # ~200 bytes)
    by_profile: dict[str, ProfileObjects] = field(default_factory=dict)
    total_size: int = 0
    # Expiry without a scan, as the profiles' ExpiryQueue does it: the queue holds, for
    # every object, one entry no later than its expiry, and the object (its ``queued``)
    # the time of that entry, or ``_pending`` while it is out of the store (removed, or
    # about to be put again). A re-put moves an object's expiry later and pushes nothing;
    # an entry popped before the object's (since renewed) expiry is pushed again at it. So
    # the queue stays about one entry per object, however often objects are put again.
    _expiry: TimeQueue[float, StoredObject] = field(default_factory=TimeQueue)
    _pending: dict[StoredObject, float] = field(default_factory=dict)
    # The last object's ``sequence``. A sequence orders objects, and nothing else reads
    # it: it is the object's put moment itself (the one float, no number of its own)
    # whenever that is later than the last one's, as it nearly always is, else the
    # float just after the last.
    _last: float = -math.inf
    # Each standard record's identifying key values -> the unique keys of the records of
    # that profile and type holding it (a tuple: one record, rarely more, which makes the
    # value ambiguous). Derived from the records' keys: every add and remove keeps it, so
    # a load (which adds) rebuilds it and an undone call puts it back.
    by_identity: dict[Identity, tuple[str, ...]] = field(default_factory=dict)

    def __len__(self) -> int:
        return sum(len(objects) for objects in self.by_type.values())

    def get(self, type_name: str, unique_key: str) -> StoredObject | None:
        return self.by_type.get(type_name, {}).get(unique_key)

    def add(self, stored: StoredObject) -> None:
        type_name = stored.key_values[0][0]  # (``type_name``, written out)
        new_type = type_name not in self.by_type
        sequence, last = stored.sequence, self._last  # (a renewed object's, given back)
        moment = stored.put_moment
        if type(moment) is float and moment > last:
            stored.sequence = self._last = moment
        else:
            stored.sequence = self._last = math.nextafter(last, math.inf)
        self.by_type[type_name][stored.unique_key] = stored
        by_profile, profile_id = self.by_profile, stored.profile_id
        held = by_profile.get(profile_id)
        if held is None:
            by_profile[profile_id] = stored
        elif type(held) is dict:
            held[stored] = None
        else:
            by_profile[profile_id] = {held: None, stored: None}  # type: ignore[dict-item]
        self.total_size += stored.size
        self._index_identities(stored)
        # (the entry it left waiting when it was taken out stands for it)
        pending = self._pending.pop(stored, None) if self._pending else None
        opened = journal.current.journal  # (noted in place, once: ingestion's path)
        if opened is not None:  # (before the push, which notes its own undoing after it)
            opened.steps.append(
                (self._unadd, stored, new_type, held, stored.queued, pending, sequence, last)
            )
        stored.queued = pending
        expires = stored.expires_seconds
        if pending is None or expires < pending:
            self._queue(stored, expires)

    def _unadd(
        self, stored: StoredObject, new_type: bool, held: ProfileObjects | None,
        queued: float | None, pending: float | None, sequence: float, last: float,
    ) -> None:  # fmt: skip
        """Undo ``add``: ``held`` are the profile's objects, ``queued`` the object's and
        ``pending`` its entry time, ``sequence`` its and ``last`` the store's last
        sequence, as they were."""
        stored.queued = queued
        if pending is not None:
            self._pending[stored] = pending
        self._last, stored.sequence = last, sequence
        self.total_size -= stored.size
        self._unindex_identities(stored)
        if held is None:
            del self.by_profile[stored.profile_id]
        elif type(held) is dict:
            del held[stored]  # (added to in place)
        else:
            self.by_profile[stored.profile_id] = held
        del self.by_type[stored.type_name][stored.unique_key]
        if new_type:
            del self.by_type[stored.type_name]

    def _queue(self, stored: StoredObject, expires_at: float) -> None:
        """(Noted by the caller: ``queued`` is the object's.)"""
        # (the object's own sequence orders entries of one moment: unique, and no number
        # of its own to keep)
        self._expiry.push(expires_at, stored.sequence, stored)
        stored.queued = expires_at

    def remove(self, type_name: str, unique_key: str, for_good: bool = True) -> StoredObject | None:
        """Take the object out: ``for_good``, or to be added again (renewed, or moved to
        another profile), when its waiting expiry entry stands for it again."""
        of_type = self.by_type.get(type_name, {})
        stored = of_type.get(unique_key)
        if stored is None:
            return None
        del of_type[unique_key]
        held = self.by_profile.get(stored.profile_id)
        journal.undo_with(self._put_back, stored, held)
        if type(held) is dict:
            held.pop(stored, None)
        if not held or type(held) is not dict:
            self.by_profile.pop(stored.profile_id, None)
        self.total_size -= stored.size
        self._unindex_identities(stored)
        if stored.queued is None:
            pass
        elif for_good:  # its entry waits on: it need hold no more than the entry reads
            journal.when_done(self._let_go, stored)
        else:  # its entry waits on, for it (undone with it)
            self._pending[stored] = stored.queued
        return stored

    def _let_go(self, stored: StoredObject) -> None:
        """Once the call that removed it has succeeded, the object held only by its expiry
        entry until that is popped keeps its type name and unique key (what the entry is
        checked by), not its body and key values."""
        if self.get(stored.type_name, stored.unique_key) is not stored:
            stored.body, stored.key_values = "", _bare((stored.type_name,))

    def _put_back(self, stored: StoredObject, held: ProfileObjects | None) -> None:
        """Undo ``remove``: the object back where it was in both orders (a dict puts what
        it is given last, so each is sorted again by the objects' ``sequence``)."""
        of_type = self.by_type[stored.type_name]
        of_type[stored.unique_key] = stored
        ordered = sorted(of_type.values(), key=lambda s: s.sequence)
        of_type.clear()
        of_type.update((s.unique_key, s) for s in ordered)
        if type(held) is dict:
            self.by_profile[stored.profile_id] = held
            held[stored] = None
            objects = sorted(held, key=lambda s: s.sequence)
            held.clear()
            held.update(dict.fromkeys(objects))
        else:  # (the object was the profile's one)
            self.by_profile[stored.profile_id] = stored
        self.total_size += stored.size
        self._index_identities(stored)
        # (an object in the store has no entry pending: ``add`` takes it)
        self._pending.pop(stored, None)

    # -- standard records by their identifying key values ------------------------------
    @staticmethod
    def _identities(stored: StoredObject) -> list[Identity]:
        """Its identifying key values, when it is a standard record: only those are
        looked up, and only their types' names begin with ``_`` (no key name an object
        type declares holds the prefix's ``:``). Others are passed over at once, since
        every object put comes this way."""
        type_name = stored.key_values[0][0]  # (``type_name``, written out)
        if type_name[:1] != "_":
            return []
        profile_id = stored.profile_id
        return [
            (profile_id, type_name, name, value)
            for name, value in stored.postings()
            if name.startswith(IDENTITY_PREFIX)
        ]

    def _index_identities(self, stored: StoredObject) -> None:
        """(Undone by ``_unindex_identities``, which each undo step of ``add`` and
        ``remove`` calls: the record's keys and profile are as they were then.)"""
        index, unique_key = self.by_identity, stored.unique_key
        for identity in self._identities(stored):
            holders = index.get(identity, ())
            if unique_key not in holders:
                index[identity] = (*holders, unique_key)

    def _unindex_identities(self, stored: StoredObject) -> None:
        index, unique_key = self.by_identity, stored.unique_key
        for identity in self._identities(stored):
            holders = tuple(k for k in index.get(identity, ()) if k != unique_key)
            if holders:
                index[identity] = holders
            else:
                index.pop(identity, None)

    def holding(
        self, profile_id: str, type_name: str, key_name: str, value: str
    ) -> list[StoredObject]:
        """The profile's records of ``type_name`` holding ``value`` of the identifying key
        ``key_name`` (``identity:<name>``), without a scan of its records."""
        of_type = self.by_type.get(type_name, {})
        holders = self.by_identity.get((profile_id, type_name, key_name, value), ())
        return [of_type[unique_key] for unique_key in holders]

    def reassign(self, stored: StoredObject, profile_id: str) -> None:
        self.remove(stored.type_name, stored.unique_key, for_good=False)
        journal.keep_attributes(stored, "profile_id")
        stored.profile_id = profile_id
        self.add(stored)

    def keys_of(self, profile_id: str) -> tuple[tuple[str, str], ...]:
        """The (type name, unique key) of each of the profile's objects, in the order they
        were added."""
        return tuple(stored.key for stored in self._held_by(profile_id))

    def _held_by(self, profile_id: str) -> tuple[StoredObject, ...]:
        held = self.by_profile.get(profile_id)
        if held is None:
            return ()
        return tuple(held) if type(held) is dict else (held,)  # type: ignore[return-value]

    def of_profile(self, profile_id: str, type_name: str | None = None) -> list[StoredObject]:
        held = self._held_by(profile_id)
        if type_name is None:
            return list(held)
        return [stored for stored in held if stored.type_name == type_name]

    def of_type(self, type_name: str) -> Iterator[StoredObject]:
        yield from list(self.by_type.get(type_name, {}).values())

    def due(self, at: float) -> list[StoredObject]:
        """Objects whose expiry is at or before ``at`` (POSIX seconds), oldest first."""
        expired: list[StoredObject] = []
        queue = self._expiry
        first = queue.first()
        if first is None or first > at:
            return expired
        queue.keep()
        while first is not None and first <= at:
            queued_at, _, stored = queue.pop()
            first = queue.first()
            if self.get(stored.type_name, stored.unique_key) is not stored:  # removed
                if self._pending.get(stored) == queued_at:
                    journal.keep_item(self._pending, stored)
                    del self._pending[stored]
                continue
            if stored.queued != queued_at:
                continue  # an entry an earlier one has stood for since
            journal.keep_attributes(stored, "queued")
            stored.queued = None
            expires = stored.expires_seconds
            if expires <= at:
                expired.append(stored)
            else:
                self._queue(stored, expires)  # renewed: wait for it
                first = queue.first()
        return expired
