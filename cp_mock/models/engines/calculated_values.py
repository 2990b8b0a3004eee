"""How a calculated attribute's value is computed from a profile's objects (pure functions
and the per-profile tally the operations keep; models/insights/calculated_attributes.py holds the
operations).

A definition reads one object type. Each object of that type that passes the ``Filter``
becomes an ``Entry``: its timestamp (``TimestampSource`` read with ``TimestampFormat``,
else when it was put), and the value of the ``Expression`` for it. A value is then the
``Statistic`` over the entries the ``Conditions`` keep: those inside the ``Range`` (a window
of days back from the mock's clock), then the ``ObjectCount`` most recent; a ``Threshold``
turns it into "true" or "false". docs/calculated-attributes.md gives every choice made
where the admin guide says nothing.

Reading an object is total: a value that is no number a double holds (``9e999999``,
``NaN``), no instant a calendar holds, or arithmetic that overflows or divides by zero,
is no value for that object; a number whose digits do not fit in a Value (255
characters) is no value either. Nothing an object holds makes a put or a read fail.
"""

from __future__ import annotations

import heapq
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, NamedTuple

from ...exceptions import BadRequestException
from ..objects.mapping import path_reader, source_reader
from .comparisons import operator_holds

DAY_SECONDS = 86_400
MAX_ATTRIBUTES = 2  # API_CreateCalculatedAttributeDefinition: "at most, two fields"
MAX_OBJECT_COUNT = 100  # the Conditions page and the CloudFormation schema: ObjectCount 1..100
MAX_VALUE_LENGTH = 255  # the model's string1To255 Value
TIMESTAMP_FORMATS = ("EPOCHMILLI", "ISO_8601")
NUMERIC = ("SUM", "MINIMUM", "MAXIMUM", "AVERAGE")

_TERM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_-]*)\.([A-Za-z0-9_.-]+)\}")
_TOKEN = re.compile(r"\s*(?:(\{[^}]*\})|(\d+(?:\.\d+)?|\.\d+)|([-+*/()]))")
_EXPRESSION_FORM = (
    "{ObjectTypeName.AttributeName} terms, numbers, + - * / and parentheses "
    "(for example {Order.price} * {Order.quantity})"
)


# -- the expression ----------------------------------------------------------------------
class Expression(NamedTuple):
    """A checked Expression: the object type it reads, the attribute names in it, and its
    text, whose compiled form (kept per text) gives an object's value from its attribute
    values (None: no value). Plain data, so the state can be dumped and loaded."""

    type_name: str
    attributes: tuple[str, ...]
    source: str

    def evaluate(self, values: Mapping[str, str | None]) -> str | None:
        return _compiled(self.source)(values)


@cache
def _compiled(source: str) -> Callable[[Mapping[str, str | None]], str | None]:
    tokens = _tokens(source)
    if len(tokens) == 1:  # one term: the attribute's value as it is, text or number
        match = _TERM.fullmatch(tokens[0][1])
        assert match is not None
        only = match.group(2)
        return lambda values: values.get(only)
    program = _Parser(tokens, source).parse()
    return lambda values: _arithmetic(program, values)


def compile_expression(expression: str, attribute_names: list[str]) -> Expression:
    """Check ``AttributeDetails`` and compile its ``Expression``: ``{T.a}`` terms over one
    object type, numbers, ``+ - * /`` and parentheses; every listed attribute appears."""
    tokens = _tokens(expression)
    terms = [_TERM.fullmatch(text) for kind, text in tokens if kind == "term"]
    if not terms:
        raise BadRequestException(
            f"AttributeDetails.Expression: {expression!r} names no attribute; an expression "
            f"is made of {_EXPRESSION_FORM}"
        )
    types = {m.group(1) for m in terms if m is not None}
    if len(types) != 1:
        raise BadRequestException(
            "AttributeDetails.Expression: a calculated attribute reads one object type, "
            f"this expression names {', '.join(sorted(types))}"
        )
    (type_name,) = types
    used = list(dict.fromkeys(m.group(2) for m in terms if m is not None))
    if len(attribute_names) > MAX_ATTRIBUTES:
        raise BadRequestException(
            f"AttributeDetails.Attributes: at most {MAX_ATTRIBUTES} attributes, "
            f"got {len(attribute_names)}"
        )
    missing = [name for name in attribute_names if name not in used]
    if missing:
        raise BadRequestException(
            f"AttributeDetails.Attributes: {', '.join(missing)} does not appear in the "
            f"Expression; name each as {{{type_name}.<attribute>}}"
        )
    unlisted = [name for name in used if name not in attribute_names]
    if unlisted:
        raise BadRequestException(
            f"AttributeDetails.Expression: {', '.join(unlisted)} is not in "
            "AttributeDetails.Attributes"
        )
    _compiled(expression)  # parsed now, so a malformed expression is refused at once
    return Expression(type_name, tuple(used), expression)


def _tokens(expression: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    text = expression.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or not match.group(0).strip():
            raise BadRequestException(
                f"AttributeDetails.Expression: unexpected {text[position:].strip()[:20]!r} in "
                f"{expression!r}; an expression is made of {_EXPRESSION_FORM}"
            )
        term, number, operator = match.groups()
        if term is not None and _TERM.fullmatch(term) is None:
            raise BadRequestException(
                f"AttributeDetails.Expression: {term} is not of the form "
                "{ObjectTypeName.AttributeName}"
            )
        kind = "term" if term else "number" if number else "operator"
        tokens.append((kind, term or number or operator))
        position = match.end()
    return tokens


# A compiled arithmetic expression: a term's attribute name, a number, or (operator, l, r).
Node = Any


class _Parser:
    """Recursive descent over ``+ -`` and ``* /`` (left-associative), unary minus and
    parentheses."""

    def __init__(self, tokens: list[tuple[str, str]], source: str) -> None:
        self.tokens, self.source, self.at = tokens, source, 0

    def fail(self) -> BadRequestException:
        return BadRequestException(
            f"AttributeDetails.Expression: {self.source!r} is not a well-formed expression; "
            f"an expression is made of {_EXPRESSION_FORM}"
        )

    def peek(self) -> str | None:
        return self.tokens[self.at][1] if self.at < len(self.tokens) else None

    def parse(self) -> Node:
        node = self.sum()
        if self.at != len(self.tokens):
            raise self.fail()
        return node

    def sum(self) -> Node:
        node = self.product()
        while self.peek() in ("+", "-"):
            operator = self.tokens[self.at][1]
            self.at += 1
            node = (operator, node, self.product())
        return node

    def product(self) -> Node:
        node = self.unary()
        while self.peek() in ("*", "/"):
            operator = self.tokens[self.at][1]
            self.at += 1
            node = (operator, node, self.unary())
        return node

    def unary(self) -> Node:
        if self.peek() == "-":
            self.at += 1
            return ("-", Decimal(0), self.unary())
        if self.at >= len(self.tokens):
            raise self.fail()
        kind, text = self.tokens[self.at]
        self.at += 1
        if kind == "term":
            match = _TERM.fullmatch(text)
            assert match is not None
            return match.group(2)
        if kind == "number":
            return Decimal(text)
        if text == "(":
            node = self.sum()
            if self.peek() != ")":
                raise self.fail()
            self.at += 1
            return node
        raise self.fail()


def _arithmetic(node: Node, values: Mapping[str, str | None]) -> str | None:
    result = _evaluate(node, values)
    return None if result is None else format_number(result)


def _evaluate(node: Node, values: Mapping[str, str | None]) -> Decimal | None:
    if isinstance(node, Decimal):
        return node
    if isinstance(node, str):
        return number(values.get(node))
    operator, left, right = node
    a, b = _evaluate(left, values), _evaluate(right, values)
    if a is None or b is None:
        return None
    try:
        if operator == "+":
            return a + b
        if operator == "-":
            return a - b
        if operator == "*":
            return a * b
        return a / b
    except ArithmeticError:  # (decimal's DivisionByZero, Overflow, InvalidOperation)
        return None  # a division by zero, or a result past any number: no value


# The largest magnitude a number read from an object may have: a double's (AWS's numbers
# are doubles); past it a value is not a number to a statistic or an expression.
_LARGEST = Decimal("1.7976931348623157E+308")


def number(text: str | None) -> Decimal | None:
    """``text`` as a finite decimal number a double holds, or None."""
    if text is None:
        return None
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite() or abs(value) > _LARGEST:
        return None
    return value


def format_number(value: Decimal) -> str | None:
    """Plain digits, no exponent, no trailing zeros: 90, 30, 12.5; None when they do not
    fit in a Value (which also keeps a 1e300 from being written out as 301 digits)."""
    if not value.is_finite() or abs(value.adjusted()) >= MAX_VALUE_LENGTH:
        return None
    text = format(value.normalize(), "f")
    if len(text) > MAX_VALUE_LENGTH:
        return None
    return "0" if text in ("-0", "") else text


# -- reading an object -------------------------------------------------------------------
def attribute_reader(fields: Mapping[str, Any], name: str) -> Callable[[Mapping[str, Any]], Any]:
    """How an attribute name reads an object: through the object type's field of that
    name (its Source), else as a path into the object."""
    definition = fields.get(name)
    if definition is not None and definition.get("Source"):
        return source_reader(str(definition["Source"]))
    return path_reader(name)


def timestamp_source(source: str, type_name: str) -> str:
    """The path of a ``TimestampSource`` of the form ``{ObjectType.path}``."""
    match = _TERM.fullmatch(source.strip())
    if match is None or match.group(1) != type_name:
        raise BadRequestException(
            f"Conditions.Range.TimestampSource: {source!r} must be of the form "
            f"{{{type_name}.<path in the object>}}"
        )
    return match.group(2)


# The POSIX seconds a datetime can hold (0001-01-01 to 9999-12-31, UTC): a timestamp past
# them is none, as LastObjectTimestamp could not be written.
_EARLIEST = datetime.min.replace(tzinfo=timezone.utc).timestamp()
_LATEST = datetime(9999, 12, 31, tzinfo=timezone.utc).timestamp()


def read_timestamp(text: str | None, timestamp_format: str | None) -> float | None:
    """POSIX seconds of ``text`` as TimestampFormat reads it (either form when absent),
    or None when it is no moment of the calendar."""
    if text is None:
        return None
    if timestamp_format != "ISO_8601":
        value = number(text)
        if value is not None:
            seconds = float(value) / 1000
            return seconds if _EARLIEST <= seconds <= _LATEST else None
        if timestamp_format == "EPOCHMILLI":
            return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    seconds = moment.timestamp()
    return seconds if _EARLIEST <= seconds <= _LATEST else None


# -- the filter --------------------------------------------------------------------------
def _combine(kind: str, results: Iterable[bool]) -> bool:
    if kind == "ALL":
        return all(results)
    if kind == "ANY":
        return any(results)
    return not any(results)  # NONE


def filter_passes(object_filter: Mapping[str, Any], read: Callable[[str], str | None]) -> bool:
    """Whether an object passes ``Filter``: every attribute of a dimension holds (AND), a
    group combines its dimensions by its Type, and Include combines the groups."""
    return _combine(
        object_filter["Include"],
        (
            _combine(
                group["Type"],
                (
                    all(
                        operator_holds(test["DimensionType"], read(name), list(test["Values"]))
                        for name, test in dimension["Attributes"].items()
                    )
                    for dimension in group["Dimensions"]
                ),
            )
            for group in object_filter["Groups"]
        ),
    )


# -- the statistic -----------------------------------------------------------------------
class Entry(NamedTuple):
    """One object as a definition counts it. ``order`` sorts entries oldest first: the
    timestamp, then the order in which they were put."""

    order: tuple[float, int]
    value: str | None
    number: Decimal | None


@dataclass
class Aggregate:
    """A statistic over entries added one at a time (never removed: a removal rebuilds)."""

    statistic: str
    count: int = 0
    total: Decimal = Decimal(0)
    numeric: int = 0
    extreme: Decimal | None = None
    first: Entry | None = None
    last: Entry | None = None  # the latest entry with a value
    # MAX_OCCURRENCE: value -> (occurrences, the order of its latest occurrence)
    occurrences: dict[str, tuple[int, tuple[float, int]]] = field(default_factory=dict)
    best: str | None = None
    recent: list[Entry] = field(default_factory=list)  # RECENT_OCCURRENCES, newest first
    _value: str | None = None  # the value, once computed, until the next add
    _known: bool = False

    def add(self, entry: Entry) -> None:
        if entry.value is None:
            return
        self._known = False
        self.count += 1
        if self.last is None or entry.order >= self.last.order:
            self.last = entry
        statistic = self.statistic
        if statistic == "FIRST_OCCURRENCE":
            if self.first is None or entry.order < self.first.order:
                self.first = entry
        elif statistic in NUMERIC:
            if entry.number is None:
                return
            self.numeric += 1
            self.total += entry.number
            if self.extreme is None or (
                entry.number < self.extreme
                if statistic == "MINIMUM"
                else entry.number > self.extreme
            ):
                self.extreme = entry.number
        elif statistic == "MAX_OCCURRENCE":
            seen, latest = self.occurrences.get(entry.value, (0, entry.order))
            self.occurrences[entry.value] = (seen + 1, max(latest, entry.order))
            self.best = None  # chosen when read (ties go to the latest)
        elif statistic == "RECENT_OCCURRENCES":
            self.recent.append(entry)
            if len(self.recent) > MAX_OBJECT_COUNT * 2:
                self.recent = heapq.nlargest(MAX_OBJECT_COUNT, self.recent)

    def value(self) -> str | None:
        """The statistic as a string, or None when there is nothing to compute it from."""
        if not self._known:
            self._value, self._known = self._compute(), True
        return self._value

    def _compute(self) -> str | None:
        statistic = self.statistic
        if statistic == "COUNT":
            return str(self.count)
        if statistic == "FIRST_OCCURRENCE":
            return self.first.value if self.first else None
        if statistic == "LAST_OCCURRENCE":
            return self.last.value if self.last else None
        if statistic in NUMERIC:
            if not self.numeric:
                return None
            if statistic == "SUM":
                return format_number(self.total)
            if statistic == "AVERAGE":
                return format_number(self.total / self.numeric)
            assert self.extreme is not None
            return format_number(self.extreme)
        if statistic == "MAX_OCCURRENCE":
            if not self.occurrences:
                return None
            if self.best is None:
                self.best = max(self.occurrences.items(), key=lambda item: item[1])[0]
            return self.best
        return _recent_values(heapq.nlargest(MAX_OBJECT_COUNT, self.recent))

    @property
    def latest(self) -> float | None:
        return self.last.order[0] if self.last else None


def _recent_values(entries: list[Entry]) -> str | None:
    """The values, newest first, as a JSON list of as many as fit in a Value."""
    fitting: list[str] = []
    length = 2  # the brackets
    for entry in entries:
        if entry.value is None:
            continue
        item = json.dumps(entry.value)
        length += len(item) + (2 if fitting else 0)  # ", " between items
        if fitting and length > MAX_VALUE_LENGTH:
            break
        fitting.append(item)
    if not fitting:
        return None
    return ("[" + ", ".join(fitting) + "]")[:MAX_VALUE_LENGTH]


def aggregate(statistic: str, entries: Iterable[Entry]) -> Aggregate:
    result = Aggregate(statistic)
    for entry in entries:
        result.add(entry)
    return result


def threshold_holds(value: str, threshold: Mapping[str, Any]) -> bool:
    operator, bound = threshold["Operator"], str(threshold["Value"])
    a, b = number(value), number(bound)
    if operator in ("EQUAL_TO", "NOT_EQUAL_TO"):
        equal = a == b if a is not None and b is not None else value == bound
        return equal if operator == "EQUAL_TO" else not equal
    if a is None or b is None:
        return False
    return a > b if operator == "GREATER_THAN" else a < b


# -- windows -----------------------------------------------------------------------------
class Window(NamedTuple):
    """The days a Range keeps, back from now: ``start`` days ago to ``end`` days ago
    (negative: in the future)."""

    start: int
    end: int

    def bounds(self, moment: float) -> tuple[float, float]:
        return moment - self.start * DAY_SECONDS, moment - self.end * DAY_SECONDS


def window_of(range_: Mapping[str, Any] | None) -> Window | None:
    """The Range's window: ValueRange when given ("ValueRange overrides Value"), else the
    last Value days; also the form of a ConditionOverrides Range (Start, End)."""
    if not range_:
        return None
    if "Start" in range_:
        return Window(int(range_["Start"]), int(range_.get("End") or 0))
    value_range = range_.get("ValueRange")
    if value_range:
        return Window(int(value_range["Start"]), int(value_range["End"]))
    return Window(int(range_["Value"]), 0)


def next_crossing(entries: Iterable[Entry], window: Window, moment: float) -> float:
    """When the set of entries inside ``window`` next changes, as the clock moves on."""
    soonest = math.inf
    for entry in entries:
        stamp = entry.order[0]
        enters = stamp + window.end * DAY_SECONDS  # inside from this moment on
        leaves = stamp + window.start * DAY_SECONDS  # inside up to this moment
        if moment < enters < soonest:
            soonest = enters
        if moment <= leaves < soonest:
            soonest = leaves
    return soonest
