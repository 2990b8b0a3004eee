"""Classic segments: a ``SegmentGroups`` structure compiled to a test of one profile.

The test is compiled once per evaluation and asks only about the profile it is given (and
that profile's calculated attributes and source segments), so checking 100 ids costs the
same in a domain of 1,000 profiles as in one of 100,000. docs/segments.md gives the
semantics as a table, saying which rows AWS documents and which are inferred.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from ...exceptions import BadRequestException

Profile = Mapping[str, Any]
ProfileTest = Callable[[Profile], bool]
# (profile id, calculated attribute name, condition overrides) -> its value, or None
CalculatedValue = Callable[[str, str, "dict[str, Any] | None"], "str | None"]
# a source segment's name -> the test of its membership
SourceTest = Callable[[str], ProfileTest]

STRING_FIELDS = (
    "AccountNumber", "AdditionalInformation", "FirstName", "LastName", "MiddleName",
    "GenderString", "PartyTypeString", "PhoneNumber", "BusinessName", "BusinessPhoneNumber",
    "HomePhoneNumber", "MobilePhoneNumber", "EmailAddress", "PersonalEmailAddress",
    "BusinessEmailAddress",
)  # fmt: skip
ADDRESS_FIELDS = ("Address", "ShippingAddress", "MailingAddress", "BillingAddress")
# GenderString and PartyTypeString are what a profile holds when it gives no enum value;
# a profile that gives only the enum (Gender, PartyType) is read by it.
_FALLBACK = {"GenderString": "Gender", "PartyTypeString": "PartyType"}
_ONE_VALUE = ("GREATER_THAN", "LESS_THAN", "GREATER_THAN_OR_EQUAL", "LESS_THAN_OR_EQUAL",
              "EQUAL", "BEFORE", "AFTER", "ON")  # fmt: skip
_TWO_VALUES = ("BETWEEN", "NOT_BETWEEN")
_REFERENCE = re.compile(r"\{\{\s*(_profile|_calculated_attribute)\.([^{}\s]+)\s*\}\}")


# -- values ------------------------------------------------------------------------------
def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _day(text: str) -> date | None:
    """The calendar day of an ISO 8601 date or time, or of MM/DD/YYYY (the console's
    form for BirthDate)."""
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return datetime.strptime(text, "%m/%d/%Y").date()
    except ValueError:
        return None


def _ordered(value: str, bound: str, dates_only: bool) -> tuple[Any, Any] | None:
    """``value`` and ``bound`` as numbers, else as days; None when they do not compare."""
    reads: tuple[Callable[[str], Any], ...] = (_day,) if dates_only else (_number, _day)
    for read in reads:
        pair = read(value), read(bound)
        if pair[0] is not None and pair[1] is not None:
            return pair
    return None


def _items(value: str) -> list[str]:
    """A list-valued attribute: a JSON array, else a comma-separated list."""
    if value.startswith("["):
        try:
            parsed = json.loads(value)
        except (ValueError, RecursionError):  # not JSON, or nested past what Python reads
            parsed = None
        if isinstance(parsed, list):
            return [item if isinstance(item, str) else json.dumps(item) for item in parsed]
    return [item.strip() for item in value.split(",")]


def operator_holds(operator: str, value: str | None, values: list[str], dates_only: bool) -> bool:
    """One dimension's test of ``value`` (None: the profile has no such value)."""
    if value is None:
        return operator == "EXCLUSIVE"  # an absent value is in no list of values
    if operator == "INCLUSIVE":
        return value in values
    if operator == "EXCLUSIVE":
        return value not in values
    if operator == "CONTAINS":
        return any(v in value for v in values)
    if operator == "BEGINS_WITH":
        return any(value.startswith(v) for v in values)
    if operator == "ENDS_WITH":
        return any(value.endswith(v) for v in values)
    if operator == "LIST_CONTAINS":
        return any(v in _items(value) for v in values)
    if operator == "LIST_CONTAINS_ALL":
        items = _items(value)
        return all(v in items for v in values)
    if not values or (operator in _TWO_VALUES and len(values) < 2):
        return False  # a referenced bound the profile does not have
    if operator == "EQUAL" and value == values[0]:
        return True
    low = _ordered(value, values[0], dates_only)
    if low is None:
        return False
    if operator in _TWO_VALUES:
        high = _ordered(value, values[1], dates_only)
        if high is None:
            return False
        inside = low[1] <= low[0] <= high[1]
        return inside if operator == "BETWEEN" else not inside
    mine, bound = low
    comparisons: dict[str, Callable[[], bool]] = {
        "EQUAL": lambda: mine == bound,
        "ON": lambda: mine == bound,
        "GREATER_THAN": lambda: mine > bound,
        "AFTER": lambda: mine > bound,
        "LESS_THAN": lambda: mine < bound,
        "BEFORE": lambda: mine < bound,
        "GREATER_THAN_OR_EQUAL": lambda: mine >= bound,
        "LESS_THAN_OR_EQUAL": lambda: mine <= bound,
    }
    return comparisons[operator]()


def profile_value(profile: Profile, path: str) -> str | None:
    """A profile's value at a dotted path (``Address.City``, ``Attributes.tier``)."""
    if path in _FALLBACK:
        return _text(profile.get(path)) or _text(profile.get(_FALLBACK[path]))
    found: Any = profile
    for part in path.split("."):
        if not isinstance(found, Mapping):
            return None
        found = found.get(part)
    return _text(found)


# -- compiling ---------------------------------------------------------------------------
class Compiler:
    """Compiles SegmentGroups into a ``ProfileTest``; ``calculated`` reads a profile's
    calculated attribute and ``source`` gives a source segment's test."""

    def __init__(self, calculated: CalculatedValue, source: SourceTest) -> None:
        self.calculated = calculated
        self.source = source

    def _values(self, values: list[str]) -> Callable[[Profile], list[str]]:
        """Values, with {{_profile.X}} and {{_calculated_attribute.Y}} read from the
        profile tested (a reference to a value the profile lacks drops out)."""
        if not any(_REFERENCE.search(v) for v in values):
            return lambda profile: values

        def resolve(profile: Profile) -> list[str]:
            resolved = []
            for value in values:
                match = _REFERENCE.fullmatch(value.strip())
                if match is None:
                    resolved.append(value)
                    continue
                if match.group(1) == "_profile":
                    found = profile_value(profile, match.group(2))
                else:
                    found = self.calculated(profile["ProfileId"], match.group(2), None)
                if found is not None:
                    resolved.append(found)
            return resolved

        return resolve

    def _field(
        self, read: Callable[[Profile], str | None], dimension: Mapping[str, Any], dates: bool
    ) -> ProfileTest:
        operator = dimension["DimensionType"]
        values = self._values(list(dimension["Values"]))
        return lambda profile: operator_holds(operator, read(profile), values(profile), dates)

    def _profile_attributes(self, attributes: Mapping[str, Any]) -> list[ProfileTest]:
        tests: list[ProfileTest] = []
        for name, dimension in attributes.items():
            if name in STRING_FIELDS:
                tests.append(self._field(_reader(name), dimension, False))
            elif name == "BirthDate":
                tests.append(self._field(_reader(name), dimension, True))
            elif name in ADDRESS_FIELDS:
                for part, inner in dimension.items():
                    tests.append(self._field(_reader(f"{name}.{part}"), inner, False))
            elif name == "Attributes":
                for key, inner in dimension.items():
                    tests.append(self._field(_custom_reader(key), inner, False))
            elif name == "ProfileType":
                # a profile that states no ProfileType is a standard PROFILE
                tests.append(
                    self._field(lambda p: p.get("ProfileType") or "PROFILE", dimension, False)
                )
        return tests

    def _calculated_attributes(self, attributes: Mapping[str, Any]) -> list[ProfileTest]:
        def reader(name: str, overrides: dict[str, Any] | None) -> Callable[[Profile], str | None]:
            return lambda profile: self.calculated(profile["ProfileId"], name, overrides)

        return [
            self._field(reader(name, dimension.get("ConditionOverrides")), dimension, False)
            for name, dimension in attributes.items()
        ]

    def _dimension(self, dimension: Mapping[str, Any]) -> ProfileTest:
        # every attribute named in one dimension must hold (AND)
        tests = self._profile_attributes(dimension.get("ProfileAttributes") or {})
        tests += self._calculated_attributes(dimension.get("CalculatedAttributes") or {})
        return lambda profile: all(test(profile) for test in tests)

    def _group(self, group: Mapping[str, Any]) -> ProfileTest:
        sources = [
            self.source(s["SegmentDefinitionName"]) for s in group.get("SourceSegments") or []
        ]
        start = combine(group.get("SourceType") or "ANY", sources) if sources else None
        dimensions = [self._dimension(d) for d in group.get("Dimensions") or []]
        filtered = combine(group.get("Type") or "ALL", dimensions) if dimensions else None
        if start is None and filtered is None:
            return lambda profile: True
        if start is None or filtered is None:
            only = start or filtered
            assert only is not None
            return only
        return lambda profile: start(profile) and filtered(profile)

    def compile(self, segment_groups: Mapping[str, Any]) -> ProfileTest:
        groups = [self._group(g) for g in segment_groups.get("Groups") or []]
        if not groups:
            return lambda profile: True
        return combine(segment_groups.get("Include") or "ALL", groups)


def combine(include: str, tests: list[ProfileTest]) -> ProfileTest:
    """ALL: every test holds; ANY: at least one; NONE: none of them."""
    if include == "ALL":
        return lambda profile: all(test(profile) for test in tests)
    if include == "ANY":
        return lambda profile: any(test(profile) for test in tests)
    return lambda profile: not any(test(profile) for test in tests)


def _reader(path: str) -> Callable[[Profile], str | None]:
    if "." not in path and path not in _FALLBACK:
        return lambda profile: _text(profile.get(path))
    return lambda profile: profile_value(profile, path)


def _custom_reader(key: str) -> Callable[[Profile], str | None]:
    return lambda profile: _text((profile.get("Attributes") or {}).get(key))


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


# -- checking a definition ---------------------------------------------------------------
def check_segment_groups(segment_groups: Mapping[str, Any], member: str) -> None:
    """Refuse an operator given the wrong number of values, naming where it is."""
    for g, group in enumerate(segment_groups.get("Groups") or []):
        for d, dimension in enumerate(group.get("Dimensions") or []):
            where = f"{member}.Groups[{g}].Dimensions[{d}]"
            for name, inner in (dimension.get("ProfileAttributes") or {}).items():
                if name in ADDRESS_FIELDS or name == "Attributes":
                    for part, nested in inner.items():
                        _check_values(nested, f"{where}.ProfileAttributes.{name}.{part}")
                else:
                    _check_values(inner, f"{where}.ProfileAttributes.{name}")
            for name, inner in (dimension.get("CalculatedAttributes") or {}).items():
                _check_values(inner, f"{where}.CalculatedAttributes.{name}")


def _check_values(dimension: Mapping[str, Any], where: str) -> None:
    operator, values = dimension["DimensionType"], dimension["Values"]
    if operator in _TWO_VALUES and len(values) != 2:
        raise BadRequestException(f"{where}.Values: {operator} takes two values, a low and a high")
    if operator in _ONE_VALUE and len(values) != 1:
        raise BadRequestException(f"{where}.Values: {operator} takes one value")
