"""A domain's profile history records, as kept (``History``, ``Domain.history``) and as
read (``HistoryRecord``); the operations that answer from them are history.py's."""

from __future__ import annotations

import json
from array import array
from collections.abc import Iterator
from datetime import datetime
from typing import Any, NamedTuple

from ..core.changes import PROFILE_ACTIONS
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
# position of the profile's record before it, the action as a code, the moment as POSIX
# seconds, the content (shared: an object's body with the store, a snapshot), the object
# type name as a code and the unique key (shared with the store). What few records have
# is kept aside, by position: a number off the counter's rule (a state file may number
# records as it likes), a moment POSIX seconds would not give back exactly (a state file's
# own offset), a performer other than the account's root. Arrays are not containers the
# garbage collector follows, and a record adds no object of its own (an object's record
# costs a fraction of a tuple), so a profile with thousands of objects ingested stays
# cheap to write and to keep, and later collections do not grow with history.
_ACTIONS: tuple[str, ...] = tuple(sorted(PROFILE_ACTIONS))
_ACTION_CODES = {action: code for code, action in enumerate(_ACTIONS)}
_OTHER_ACTION = 255  # an action not in _ACTIONS (a newer model's, from a state file)
_NONE = -1  # ``previous`` of a profile's oldest record
_DATED = float("nan")  # ``moments`` of a record whose moment is kept as a datetime


class History:
    """A domain's history records (``Domain.history``), in columns; ``heads`` maps each
    profile (deleted or merged-away ones too) to the position of its newest record."""

    __slots__ = (
        "heads", "previous", "actions", "moments", "contents", "type_codes", "unique_keys",
        "type_names", "_type_code_of", "shift", "numbers", "dated", "performers",
        "other_actions",
    )  # fmt: skip

    def __init__(self, shift: int = 1) -> None:
        self.heads: dict[str, int] = {}
        self.previous = array("i")  # (widened to "q" past 2**31 records)
        self.actions = array("B")
        self.moments = array("d")
        self.contents: list[Snapshot | str] = []
        self.type_codes = array("H")  # into type_names (0: a record about the profile)
        self.unique_keys: list[str | None] = []
        self.type_names: list[str] = [PROFILE_RECORD_TYPE]
        self._type_code_of: dict[str, int] = {PROFILE_RECORD_TYPE: 0}
        # a record's number is its position plus ``shift``, unless ``numbers`` says
        self.shift = shift
        # what few records have, by position (each in ascending order of position, so
        # the newest is last and cutting the columns short pops from the end)
        self.numbers: dict[int, int] = {}
        self.dated: dict[int, datetime] = {}
        self.performers: dict[int, str] = {}
        self.other_actions: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.contents)

    def add(
        self, number: int, action: str, moment: float | datetime, content: Snapshot | str,
        object_type_name: str | None = None, unique_key: str | None = None,
        performer: str | None = None, previous: int = _NONE,
    ) -> int:  # fmt: skip
        """Append a record (``previous``: the position of the profile's record before it;
        ``object_type_name`` None, or ``performer`` None: as most records have it) and
        give its position. The caller moves the profile's head."""
        position = len(self.contents)
        if number != position + self.shift:
            self.numbers[position] = number
        code = _ACTION_CODES.get(action, _OTHER_ACTION)
        if code == _OTHER_ACTION:
            self.other_actions[position] = action
        self.actions.append(code)
        kept = moment if isinstance(moment, float) else compact(moment)
        if isinstance(kept, datetime):  # (POSIX seconds would not give it back exactly)
            self.dated[position] = kept
            kept = _DATED
        self.moments.append(kept)
        if object_type_name is None or object_type_name == PROFILE_RECORD_TYPE:
            type_code = 0
        else:
            type_code = self._type_code_of.get(object_type_name, -1)
            if type_code < 0:
                type_code = self._type_code_of[object_type_name] = len(self.type_names)
                self.type_names.append(object_type_name)
        try:
            self.type_codes.append(type_code)
        except OverflowError:  # (more than 65,536 type names: a state file's)
            self.type_codes = array("I", self.type_codes)
            self.type_codes.append(type_code)
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
        for column in (self.previous, self.actions, self.moments, self.contents,
                       self.type_codes, self.unique_keys):  # fmt: skip
            del column[length:]
        for aside in (self.numbers, self.dated, self.performers, self.other_actions):
            while aside and next(reversed(aside)) >= length:
                aside.popitem()

    def record(self, position: int, profile_id: str, performed_by: str) -> HistoryRecord:
        number = self.numbers.get(position) if self.numbers else None
        code = self.actions[position]
        seconds = self.moments[position]
        return HistoryRecord(
            position + self.shift if number is None else number, profile_id,
            _ACTIONS[code] if code != _OTHER_ACTION else self.other_actions[position],
            self.type_names[self.type_codes[position]],
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
