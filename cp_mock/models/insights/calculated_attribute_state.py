"""A calculated attribute's definition and the tallies it keeps per profile
(models/insights/calculated_attributes.py serves them). Plain data, kept current by the
family as objects come and go; noted in the call's journal."""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from ...exceptions import BadRequestException
from ..core import journal
from ..core.base import DERIVED, copy_plain
from ..core.clock import now
from ..core.tags import tags_member
from ..engines.calculated_values import (
    DAY_SECONDS,
    MAX_OBJECT_COUNT,
    MAX_VALUE_LENGTH,
    TIMESTAMP_FORMATS,
    Aggregate,
    Entry,
    Expression,
    Window,
    aggregate,
    attribute_reader,
    filter_passes,
    next_crossing,
    number,
    read_timestamp,
    threshold_holds,
    timestamp_source,
    window_of,
)
from ..objects.mapping import read_path
from ..objects.object_store import StoredObject

DEFINITION_MEMBERS = ("DisplayName", "Description", "AttributeDetails", "Conditions", "Filter",
                      "Statistic", "UseHistoricalData")  # fmt: skip
UPDATABLE = ("DisplayName", "Description", "Conditions")  # API_UpdateCalculatedAttributeDefinition
SUMMARY_MEMBERS = ("CalculatedAttributeName", "DisplayName", "Description", "CreatedAt",
                   "LastUpdatedAt", "UseHistoricalData", "Status", "Tags")  # fmt: skip


@dataclass
class Tally:
    """What one definition counts of one profile's objects: an entry per object (by
    unique key), and what is computed from them and kept until they change: the statistic
    over all of them, and values computed for windows (caches: undoing a call that
    changed the entries drops them, to be computed again)."""

    entries: dict[str, Entry]
    # None: rebuilt from the entries when next read
    whole: Aggregate | None = field(default=None, metadata=DERIVED)
    # (window, object count) -> (valid until, the statistic, IsDataPartial)
    windowed: dict[tuple[Window | None, int | None], tuple[float, Aggregate, bool]] = field(
        default_factory=dict, metadata=DERIVED
    )

    def keep_entry(self, unique_key: str) -> None:
        """Note, before an entry changes, how to put it back (and drop what was computed)."""
        journal.keep_item(self.entries, unique_key)
        journal.undo_with(self.forget_computed)

    def forget_computed(self) -> None:
        self.whole = None
        self.windowed.clear()


def _read(
    known: dict[Any, Any],
    readers: Mapping[str, Callable[[Mapping[str, Any]], Any]],
    document: Mapping[str, Any],
    name: str,
) -> Any:
    """The attribute ``name`` of ``document``, read once for every definition counting it."""
    if name not in known:
        known[name] = readers[name](document)
    return known[name]


@dataclass
class CalculatedAttribute:
    name: str
    arn: str
    settings: dict[str, Any]  # the definition, under the model's member names
    expression: Expression
    created_at: datetime
    last_updated_at: datetime
    tallies: dict[str, Tally] = field(default_factory=dict, metadata=journal.JOURNALED)
    # unique key -> profile id
    homes: dict[str, str] = field(default_factory=dict, metadata=journal.JOURNALED)
    _order: itertools.count[int] = field(
        default_factory=itertools.count, metadata=journal.JOURNALED
    )
    # (the object type's settings, the readers compiled from them)
    _readers: tuple[Any, dict[str, Callable[[Mapping[str, Any]], Any]]] | None = field(
        default=None, metadata=DERIVED
    )

    @property
    def type_name(self) -> str:
        return self.expression.type_name

    @property
    def statistic(self) -> str:
        return str(self.settings["Statistic"])

    @property
    def conditions(self) -> Mapping[str, Any]:
        return self.settings.get("Conditions") or {}

    def describe(self, tags: dict[str, str]) -> dict[str, Any]:
        return {
            "CalculatedAttributeName": self.name,
            **copy_plain(self.settings),
            "CreatedAt": self.created_at,
            "LastUpdatedAt": self.last_updated_at,
            "UseHistoricalData": bool(self.settings.get("UseHistoricalData", False)),
            # values are kept from the moment of creation, historical ones included
            "Status": "COMPLETED",
            "Readiness": {"ProgressPercentage": 100},
            **tags_member("Tags", tags),
        }

    # -- counting objects ----------------------------------------------------------------
    def readers(self, object_type: Any) -> dict[str, Callable[[Mapping[str, Any]], Any]]:
        """How each attribute the definition reads is read from an object of the type,
        compiled once per definition of the type."""
        settings = getattr(object_type, "settings", None)
        if self._readers is None or self._readers[0] is not settings:
            fields = getattr(object_type, "fields", {}) or {}
            names = set(self.expression.attributes)
            for group in (self.settings.get("Filter") or {}).get("Groups") or ():
                for dimension in group["Dimensions"]:
                    names.update(dimension["Attributes"])
            self._readers = (settings, {n: attribute_reader(fields, n) for n in names})
        return self._readers[1]

    def count(
        self,
        stored: StoredObject,
        document: Mapping[str, Any],
        object_type: Any,
        put_at: float | None = None,
        read: dict[Any, Any] | None = None,
    ) -> None:
        """Count a put object (a new version replaces the old one's entry). ``put_at``: its
        put time in POSIX seconds, when known; ``read``: what has been read of it already
        (its attributes by name, the values of expressions by expression), which this adds
        to, when several definitions count it: every definition reads an attribute of a
        type, and computes an expression, the same way."""
        known: dict[Any, Any] = {} if read is None else read
        unique_key, profile_id = stored.unique_key, stored.profile_id
        home = self.homes.get(unique_key)
        if home is not None and home != profile_id:
            self.forget(home, unique_key)
        settings = self.settings
        object_filter = settings.get("Filter")
        if object_filter:
            readers = self.readers(object_type)
            if not filter_passes(object_filter, lambda n: _read(known, readers, document, n)):
                self.forget(profile_id, unique_key)
                return
        expression = self.expression
        computed = known.get(expression)
        if computed is None:
            readers = self.readers(object_type)
            value = expression.evaluate(
                {n: _read(known, readers, document, n) for n in expression.attributes}
            )
            if value is not None and len(value) > MAX_VALUE_LENGTH:
                value = value[:MAX_VALUE_LENGTH]
            computed = known[expression] = (value, number(value))
        value, as_number = computed
        stamp = stored.put_seconds if put_at is None else put_at
        time_range = (settings.get("Conditions") or {}).get("Range")
        if time_range and time_range.get("TimestampSource"):
            read_at = read_timestamp(
                read_path(document, timestamp_source(time_range["TimestampSource"],
                                                     self.type_name)),
                time_range.get("TimestampFormat"),
            )  # fmt: skip
            stamp = stamp if read_at is None else read_at
        entry = Entry((stamp, journal.next_of(self, "_order")), value, as_number)
        tally = self.tallies.get(profile_id)
        if tally is None:
            journal.keep_new(self.tallies, profile_id)
            tally = self.tallies[profile_id] = Tally({}, Aggregate(self.statistic))
        replaced = unique_key in tally.entries
        tally.keep_entry(unique_key)
        tally.entries[unique_key] = entry
        if replaced:
            tally.whole = None
        elif tally.whole is not None:
            tally.whole.add(entry)
        tally.windowed.clear()
        journal.keep_item(self.homes, unique_key)
        self.homes[unique_key] = profile_id

    def forget(self, profile_id: str, unique_key: str) -> None:
        tally = self.tallies.get(profile_id)
        if tally is None or unique_key not in tally.entries:
            return
        tally.keep_entry(unique_key)
        del tally.entries[unique_key]
        journal.keep_item(self.homes, unique_key)
        self.homes.pop(unique_key, None)
        tally.forget_computed()
        if not tally.entries:
            journal.keep_item(self.tallies, profile_id)
            del self.tallies[profile_id]

    def move(self, from_profile: str, to_profile: str) -> None:
        """A merge: the merged profile's objects, and so its entries, go to the main one."""
        moving = self.tallies.get(from_profile)
        if moving is None:
            return
        journal.keep_item(self.tallies, from_profile)
        del self.tallies[from_profile]
        tally = self.tallies.get(to_profile)
        if tally is None:
            journal.keep_new(self.tallies, to_profile)
            tally = self.tallies[to_profile] = Tally({}, None)
        for unique_key, entry in moving.entries.items():
            tally.keep_entry(unique_key)
            tally.entries[unique_key] = entry
            journal.keep_item(self.homes, unique_key)
            self.homes[unique_key] = to_profile
        tally.forget_computed()

    def drop_profile(self, profile_id: str) -> None:
        tally = self.tallies.get(profile_id)
        if tally is None:
            return
        journal.keep_item(self.tallies, profile_id)
        del self.tallies[profile_id]
        for unique_key in tally.entries:
            journal.keep_item(self.homes, unique_key)
            self.homes.pop(unique_key, None)

    def reset_values(self) -> None:
        """The conditions changed: every value is computed afresh when next read."""
        for tally in self.tallies.values():
            tally.whole = None
            tally.windowed.clear()

    # -- reading values ------------------------------------------------------------------
    def value_for(
        self, profile_id: str, range_override: Mapping[str, Any] | None = None
    ) -> dict[str, Any] | None:
        """The profile's value (Value, IsDataPartial, LastObjectTimestamp), or None when it
        has none; ``range_override`` (ConditionOverrides.Range) replaces the Range."""
        conditions = self.conditions
        window = window_of(range_override or bounding(conditions.get("Range")))
        object_count = conditions.get("ObjectCount")
        tally = self.tallies.get(profile_id) or Tally({}, Aggregate(self.statistic))
        if window is None and object_count is None:
            if tally.whole is None:
                tally.whole = aggregate(self.statistic, tally.entries.values())
            result, partial = tally.whole, False
        else:
            result, partial = self._windowed(tally, window, object_count)
        value = result.value()
        if value is None:
            return None
        threshold = conditions.get("Threshold")
        if threshold:
            value = "true" if threshold_holds(value, threshold) else "false"
        found: dict[str, Any] = {
            "CalculatedAttributeName": self.name,
            "IsDataPartial": "true" if partial else "false",
            "Value": value,
        }
        if "DisplayName" in self.settings:
            found["DisplayName"] = self.settings["DisplayName"]
        if result.latest is not None:
            found["LastObjectTimestamp"] = datetime.fromtimestamp(result.latest, timezone.utc)
        return found

    def _windowed(
        self, tally: Tally, window: Window | None, object_count: int | None
    ) -> tuple[Aggregate, bool]:
        moment = now().timestamp()
        cached = tally.windowed.get((window, object_count))
        if cached is not None and moment < cached[0]:
            return cached[1], cached[2]
        entries = [e for e in tally.entries.values() if e.value is not None]
        valid_until = math.inf
        if window is not None:
            valid_until = next_crossing(entries, window, moment)
            low, high = window.bounds(moment)
            entries = [e for e in entries if low <= e.order[0] <= high]
        complete = object_count is not None and len(entries) >= object_count
        if object_count is not None and len(entries) > object_count:
            entries = sorted(entries)[-object_count:]
        if window is not None:
            # "only after 30 days have elapsed will IsDataPartial be set to false" (admin
            # guide, "Validating calculated attribute values"): counted from creation, or
            # from the profile's oldest object when historical data is used
            basis = self.created_at.timestamp()
            if self.settings.get("UseHistoricalData") and tally.entries:
                basis = min(basis, min(e.order[0] for e in tally.entries.values()))
            complete_at = basis + window.start * DAY_SECONDS
            complete = complete or moment >= complete_at
            if moment < complete_at:
                valid_until = min(valid_until, complete_at)
        result = aggregate(self.statistic, entries)
        tally.windowed[(window, object_count)] = (valid_until, result, not complete)
        return result, not complete


def bounding(range_: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """The Range, when it bounds a window of time. One with neither Value nor ValueRange
    (the model requires neither; AWS's travel and hospitality sample sends Unit and
    TimestampSource only) bounds none: every object counts, and its TimestampSource still
    says when each object happened (docs/calculated-attributes.md)."""
    if range_ and ("Value" in range_ or "ValueRange" in range_):
        return range_
    return None


def document_of(stored: StoredObject) -> dict[str, Any]:
    """A stored object as the definition reads it: every stored object was read as a JSON
    object when it was put; one that cannot be read again (a state file's) counts as empty."""
    try:
        document = json.loads(stored.body)
    except (ValueError, RecursionError):
        return {}
    return document if isinstance(document, dict) else {}


def check_conditions(conditions: Mapping[str, Any] | None, type_name: str) -> None:
    if not conditions:
        return
    range_ = conditions.get("Range")
    if range_ is not None:
        value_range = range_.get("ValueRange")
        if value_range and value_range["Start"] < value_range["End"]:
            raise BadRequestException(
                "Conditions.Range.ValueRange: Start (days back) must not be less than End"
            )
        if range_.get("TimestampSource"):
            timestamp_source(range_["TimestampSource"], type_name)
        timestamp_format = range_.get("TimestampFormat")
        if timestamp_format is not None and timestamp_format not in TIMESTAMP_FORMATS:
            raise BadRequestException(
                f"Conditions.Range.TimestampFormat: {timestamp_format!r} is not one of "
                f"{', '.join(TIMESTAMP_FORMATS)}"
            )
    object_count = conditions.get("ObjectCount")
    if object_count is not None and object_count > MAX_OBJECT_COUNT:
        raise BadRequestException(
            f"Conditions.ObjectCount: at most {MAX_OBJECT_COUNT}, got {object_count}"
        )
