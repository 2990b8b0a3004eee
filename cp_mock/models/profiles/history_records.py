"""A domain's profile history records, as kept (``History``, ``Domain.history``) and as
read (``HistoryRecord``); the operations that answer from them are history.py's."""

from __future__ import annotations

import json
from array import array
from collections.abc import Iterator
from datetime import datetime
from typing import Any, NamedTuple

from ..core.clock import compact, moment_of

PROFILE_RECORD_TYPE = "_profile"  # ObjectTypeName of records about the profile itself


Snapshot = tuple[Any, ...]


# Key tuples shared by snapshots: profiles written alike have the same keys in the same
# order, so their snapshots share one tuple of them (bounded: past this many, a snapshot
# keeps a tuple of its own).
_SHAPES: dict[tuple[str, ...], tuple[str, ...]] = {}
_MOST_SHAPES = 4096


def snapshot(document: dict[str, Any]) -> Snapshot:
    """An immutable copy: (its keys, then its values), sharing the (immutable) strings
    with the document and the tuple of keys with every snapshot of the same keys: far
    cheaper to take and to keep than its JSON, which is rendered only when a record's
    Content is asked for. A dict inside is a snapshot inside."""
    keys = tuple(document)
    shape = _SHAPES.get(keys)
    if shape is None:
        shape = keys
        if len(_SHAPES) < _MOST_SHAPES:
            _SHAPES[keys] = keys
    values = document.values()
    if dict in map(type, values):  # (most profiles: no dict inside)
        return (shape, *[snapshot(v) if isinstance(v, dict) else v for v in values])
    return (shape, *values)


def thaw(frozen: Snapshot) -> dict[str, Any]:
    """The document a snapshot was taken of."""
    pairs = zip(frozen[0], frozen[1:], strict=True)
    return {key: thaw(value) if type(value) is tuple else value for key, value in pairs}


class HistoryRecord(NamedTuple):
    """A history record, as read: it is kept in the columns of its domain's ``History``,
    not as this class."""

    number: int  # the record's Id is this, as 32 hex digits
    profile_id: str
    action_type: str
    object_type_name: str
    created_at: datetime
    content: Snapshot | str  # a profile snapshot, or an object's body
    performed_by: str
    profile_object_unique_key: str | None = None

    @property
    def id(self) -> str:
        return f"{self.number:032x}"

    @property
    def content_json(self) -> str:
        if isinstance(self.content, str):
            return self.content
        return json.dumps(thaw(self.content), sort_keys=True)

    def describe(self, with_content: bool) -> dict[str, Any]:
        described = {
            "Id": self.id,
            "ObjectTypeName": self.object_type_name,
            "CreatedAt": self.created_at,
            "LastUpdatedAt": self.created_at,
            "ActionType": self.action_type,
            "PerformedBy": self.performed_by,
        }
        if self.profile_object_unique_key:
            described["ProfileObjectUniqueKey"] = self.profile_object_unique_key
        if with_content:
            described["Content"] = self.content_json
        return described


# A domain's records are kept in columns, not an object each: a record is its position in
# per-domain arrays, since records are numbered by one counter per domain and only ever
# appended (an undone call's records are the newest, so undoing them cuts the columns
# short). Each column holds what every record has, as cheaply as it can be held: the
# position of the profile's record before it, its kind (the action and object type name,
# as a code into the domain's few kinds), the moment as POSIX seconds, the content (shared:
# an object's body with the store, a snapshot) and the unique key (shared with the store).
# What few records have is kept aside, by position: a number off the counter's rule (a
# state file may number records as it likes), a moment POSIX seconds would not give back
# exactly (a state file's own offset), a performer other than the account's root. Arrays
# are not containers the garbage collector follows, and a record adds no object of its
# own (an object's record costs a fraction of a tuple), so a profile with thousands of
# objects ingested stays cheap to write and to keep, and later collections do not grow
# with history.
_NONE = -1  # ``previous`` of a profile's oldest record
_DATED = float("nan")  # ``moments`` of a record whose moment is kept as a datetime


class History:
    """A domain's history records (``Domain.history``), in columns; ``heads`` maps each
    profile (deleted or merged-away ones too) to the position of its newest record, or
    ``-1`` for a history of none (a state file may give one)."""

    __slots__ = (
        "heads", "previous", "kinds", "moments", "contents", "unique_keys", "kind_names",
        "_kind_of", "shift", "numbers", "dated", "performers",
    )  # fmt: skip

    def __init__(self, shift: int = 1) -> None:
        self.heads: dict[str, int] = {}
        self.previous = array("i")  # (widened to "q" past 2**31 records)
        self.kinds = array("H")  # into kind_names (widened to "I" past 65,536 kinds)
        self.moments = array("d")
        self.contents: list[Snapshot | str] = []
        self.unique_keys: list[str | None] = []
        self.kind_names: list[tuple[str, str]] = []  # (action type, object type name)
        self._kind_of: dict[str, dict[str, int]] = {}  # object type name -> action -> kind
        # a record's number is its position plus ``shift``, unless ``numbers`` says
        self.shift = shift
        # what few records have, by position (each in ascending order of position, so
        # the newest is last and cutting the columns short pops from the end)
        self.numbers: dict[int, int] = {}
        self.dated: dict[int, datetime] = {}
        self.performers: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.contents)

    def add(
        self, number: int, action: str, moment: float | datetime, content: Snapshot | str,
        object_type_name: str, unique_key: str | None, previous: int = _NONE,
        performer: str | None = None,
    ) -> int:  # fmt: skip
        """Append a record (``previous``: the position of the profile's record before it;
        ``performer`` None: the account's root) and give its position. The caller moves
        the profile's head."""
        position = len(self.contents)
        if number != position + self.shift:
            self.numbers[position] = number
        try:
            kind = self._kind_of[object_type_name][action]
        except KeyError:
            kind = self._kind_of.setdefault(object_type_name, {})[action] = len(self.kind_names)
            self.kind_names.append((action, object_type_name))
        try:
            self.kinds.append(kind)
        except OverflowError:  # (a state file's many object type names)
            self.kinds = array("I", self.kinds)
            self.kinds.append(kind)
        kept = moment if type(moment) is float else compact(moment)  # type: ignore[arg-type]
        if type(kept) is not float:  # (POSIX seconds would not give it back exactly)
            self.dated[position] = kept  # type: ignore[assignment]
            kept = _DATED
        self.moments.append(kept)
        try:
            self.previous.append(previous)
        except OverflowError:
            self.previous = array("q", self.previous)
            self.previous.append(previous)
        if performer is not None:
            self.performers[position] = performer
        self.unique_keys.append(unique_key)
        self.contents.append(content)  # (last: the length is the count of records)
        return position

    def cut(self, length: int) -> None:
        """Drop the records from position ``length`` on (the newest: an undone call's)."""
        for column in (self.previous, self.kinds, self.moments, self.contents,
                       self.unique_keys):  # fmt: skip
            del column[length:]
        for aside in (self.numbers, self.dated, self.performers):
            while aside and next(reversed(aside)) >= length:
                aside.popitem()

    def record(self, position: int, profile_id: str, performed_by: str) -> HistoryRecord:
        number = self.numbers.get(position) if self.numbers else None
        action, object_type_name = self.kind_names[self.kinds[position]]
        seconds = self.moments[position]
        return HistoryRecord(
            position + self.shift if number is None else number, profile_id, action,
            object_type_name,
            moment_of(seconds) if seconds == seconds else self.dated[position],
            self.contents[position],
            self.performers.get(position, performed_by) if self.performers else performed_by,
            self.unique_keys[position],
        )  # fmt: skip

    def records(self, profile_id: str, performed_by: str = "") -> Iterator[HistoryRecord]:
        """The profile's records, newest first (``performed_by``: who performed the
        records that do not say, the account's root)."""
        position = self.heads.get(profile_id, _NONE)
        previous = self.previous
        while position != _NONE:
            yield self.record(position, profile_id, performed_by)
            position = previous[position]
