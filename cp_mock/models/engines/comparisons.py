"""Comparison operators on text values, as event triggers and calculated attribute
thresholds use them: numbers compared as numbers, dates and times as instants (ISO 8601,
or epoch seconds or milliseconds), anything else as text. docs/event-streams.md has the
table.

Every reading here is total: a value that is no number, no instant a calendar holds
(``1e20`` seconds, ``NaN``, ``inf``) or no text compares as nothing, so the test is
false (an object's value never makes a trigger or a filter fail: AWS stores the object
and moves on)."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any


def _number(text: str) -> float | None:
    """``text`` as a number (NaN is none: it compares as nothing)."""
    try:
        number = float(text)
    except ValueError:
        return None
    return None if math.isnan(number) else number


# The POSIX seconds a datetime can hold: 0001-01-01 to 9999-12-31, UTC.
_EARLIEST = datetime.min.replace(tzinfo=timezone.utc).timestamp()
_LATEST = datetime.max.replace(tzinfo=timezone.utc).timestamp()


def _instant(text: str) -> datetime | None:
    """An ISO 8601 date or time, or epoch seconds/milliseconds, within the calendar."""
    number = _number(text)
    if number is not None:
        seconds = number / 1000 if number > 10**11 else number
        if not _EARLIEST <= seconds <= _LATEST:
            return None  # (inf too) no moment of the calendar
        try:
            return datetime.fromtimestamp(seconds, timezone.utc)
        except (OverflowError, OSError, ValueError):  # a platform's narrower time_t
            return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _ordered(value: str, bound: str) -> tuple[Any, Any] | None:
    """``value`` and ``bound`` as numbers, else as instants, else None (not comparable)."""
    for read in (_number, _instant):
        pair = read(value), read(bound)
        if pair[0] is not None and pair[1] is not None:
            return pair
    return None


def _compare(value: str, bound: str, test: Callable[[Any, Any], bool]) -> bool:
    pair = _ordered(value, bound)
    return pair is not None and test(*pair)


def _same_day(value: str, day: str) -> bool:
    moment, other = _instant(value), _instant(day)
    return moment is not None and other is not None and moment.date() == other.date()


def _between(value: str, low: str, high: str) -> bool:
    return _compare(value, low, lambda v, b: v >= b) and _compare(value, high, lambda v, b: v <= b)


def operator_holds(operator: str, value: str | None, values: list[str]) -> bool:
    """One ObjectAttribute's test of ``value`` (None: the object lacks the attribute)."""
    if value is None:
        return operator == "EXCLUSIVE"  # an absent value is in no list of values
    first = values[0]
    tests: dict[str, Callable[[], bool]] = {
        "INCLUSIVE": lambda: value in values,
        "EXCLUSIVE": lambda: value not in values,
        "CONTAINS": lambda: any(v in value for v in values),
        "BEGINS_WITH": lambda: any(value.startswith(v) for v in values),
        "ENDS_WITH": lambda: any(value.endswith(v) for v in values),
        "EQUAL": lambda: value == first or _compare(value, first, lambda v, b: v == b),
        "GREATER_THAN": lambda: _compare(value, first, lambda v, b: v > b),
        "LESS_THAN": lambda: _compare(value, first, lambda v, b: v < b),
        "GREATER_THAN_OR_EQUAL": lambda: _compare(value, first, lambda v, b: v >= b),
        "LESS_THAN_OR_EQUAL": lambda: _compare(value, first, lambda v, b: v <= b),
        "BEFORE": lambda: _compare(value, first, lambda v, b: v < b),
        "AFTER": lambda: _compare(value, first, lambda v, b: v > b),
        "ON": lambda: _same_day(value, first),
        "BETWEEN": lambda: _between(value, values[0], values[1]),
        "NOT_BETWEEN": lambda: not _between(value, values[0], values[1]),
    }
    return tests[operator]()
