"""Checks a value against a botocore shape: the constraints the client leaves to the server.

botocore's client checks required members, types and minimums; AWS also enforces the
model's maximums, patterns and enums, and the width of its numeric types: an ``integer``
is 32 bits, signed; a ``long`` 64 bits; a ``double`` or ``float`` a finite number (JSON
has no NaN or infinity; botocore sends them as the strings "NaN" and "Infinity"). A string
is Unicode text (a lone surrogate, which a JSON ``\ud800`` escape can make, is none).
Every value is of its shape's exact JSON type, a structure's, a map's and a list's too,
whichever way the request came. One checker serves both directions: requests are
validated before the backend sees them (the first problem becomes a
``BadRequestException`` naming the field), and the test suite's contract check runs the
same checker over every response body.

A shape's checker is compiled once from the model (its bounds, enum and pattern looked up
and its pattern compiled then, not on every value). Patterns follow Smithy's pattern trait:
an ECMA 262 regular expression, not implicitly anchored, so a pattern is searched for
(those that must match whole strings carry their own ``^...$``), and ``$`` is the end of
the value, as in ECMAScript, not "the end or before a final newline" as in Python.

A string's length is checked before its pattern, and a string out of bounds is not
matched at all: a backtracking pattern (``arn:aws:iam:.*:[0-9]+:.*``) spends time that
grows with the square of the input, about a second on 100 KB. Within the model's bounds,
and on the strings without one, every pattern of the model answers adversarial input in
a few milliseconds at most (the slowest is ``[a-f0-9]{32}``, which has no bound and is
linear: some 5 ms per 100 KB); tests/test_validation.py measures them all.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import cache
from typing import Any

from botocore.model import OperationModel, Shape

from .exceptions import BadRequestException

# value, its path ("" at the top) -> one readable message per constraint it breaks
Check = Callable[[Any, str], list[str]]


def _join(path: str, member: str) -> str:
    return f"{path}.{member}" if path else member


_LONGEST_SHOWN_KEY = 64


def _shown(key: Any) -> Any:
    """A map key as a message names it: cut short, since a key may be any length."""
    if isinstance(key, str) and len(key) > _LONGEST_SHOWN_KEY:
        return f"{key[:_LONGEST_SHOWN_KEY]}..."
    return key


def _ecma_source(pattern: str) -> str:
    """``pattern`` with each ``$`` anchor (outside a character class, not escaped) made
    ``\\Z``: in ECMAScript ``$`` is the end of the input, in Python it also matches before
    a final newline, which would let "abc\\n" pass ``^[a-z]+$``."""
    out: list[str] = []
    index, in_class = 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            out.append(pattern[index : index + 2])
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            # a "]" first in a class (after an optional "^") is a literal, not its end
            following = pattern[index + 1 : index + 3]
            skip = 2 if following.startswith("^]") else 1 if following.startswith("]") else 0
            out.append(pattern[index : index + 1 + skip])
            index += 1 + skip
            continue
        elif char == "$":
            out.append("\\Z")
            index += 1
            continue
        out.append(char)
        index += 1
    return "".join(out)


@cache
def ecma_pattern(pattern: str) -> re.Pattern[str]:
    """A model pattern compiled with ECMAScript's meaning of ``$`` (see ``_ecma_source``)."""
    return re.compile(_ecma_source(pattern))


def _size_problems(meta: Mapping[str, Any], unit: str) -> Callable[[int, str], list[str]]:
    low, high = meta.get("min"), meta.get("max")

    def check(size: int, name: str) -> list[str]:
        found = []
        if low is not None and size < low:
            found.append(f"{name} must have at least {low} {unit}")
        if high is not None and size > high:
            found.append(f"{name} must have at most {high} {unit}")
        return found

    return check


def _range_problems(meta: Mapping[str, Any], number: Any, name: str) -> list[str]:
    found = []
    if "min" in meta and number < meta["min"]:
        found.append(f"{name} must be at least {meta['min']}")
    if "max" in meta and number > meta["max"]:
        found.append(f"{name} must be at most {meta['max']}")
    return found


def _union_check(shape: Any) -> Check | None:
    """For a ``union`` structure (Smithy's union trait: "exactly one member MUST be set"),
    a check that names the members set, or the ones it could have set; None otherwise."""
    if not shape.is_tagged_union:
        return None
    names = tuple(shape.members)
    choices = ", ".join(names)
    shape_name = shape.name

    def check(value: Mapping[str, Any], path: str) -> list[str]:
        given = [name for name in names if value.get(name) is not None]
        if len(given) == 1:
            return []
        where = path or shape_name
        if not given:
            return [f"{where} must set exactly one of {choices}"]
        setting = ", ".join(_join(path, name) for name in given)
        return [f"{where} must set exactly one of its members, not {setting}"]

    return check


_INTEGER_KIND = f"an integer from {-(2**31)} to {2**31 - 1} (32 bits)"
_LONG_KIND = f"an integer from {-(2**63)} to {2**63 - 1} (64 bits)"


def _fits(bits: int) -> Callable[[Any], bool]:
    low, high = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    return lambda value: low <= value <= high


def _finite(value: Any) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer past any double
        return False


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class _Compiler:
    def __init__(self) -> None:
        self.structures: dict[str, Check] = {}

    def check(self, shape: Shape) -> Check:
        kind = shape.type_name
        builder = getattr(self, f"_{kind}", None)
        if builder is None:
            return lambda value, path: []
        check: Check = builder(shape)
        return check

    def _structure(self, shape: Any) -> Check:
        if shape.is_document_type:
            return lambda value, path: []
        if shape.name in self.structures:  # shapes may refer to themselves
            return self.structures[shape.name]
        members: dict[str, Check] = {}
        required = tuple(shape.required_members)
        shape_name = shape.name
        union = _union_check(shape)

        def check(value: Any, path: str) -> list[str]:
            # (a dict first: a check against the Mapping ABC runs Python code each time)
            if type(value) is not dict and not isinstance(value, Mapping):
                return [f"{path or shape_name} must be an object"]
            # (loops written out: this runs on every request and every response)
            found = [] if union is None else union(value, path)
            for name in required:
                if value.get(name) is None:
                    found.append(f"{_join(path, name)} is required")
            for member, member_value in value.items():
                member_check = members.get(member)
                if member_check is not None and member_value is not None:
                    found += member_check(member_value, f"{path}.{member}" if path else member)
            return found

        self.structures[shape.name] = check
        members.update({name: self.check(member) for name, member in shape.members.items()})
        return check

    def _list(self, shape: Any) -> Check:
        size = _size_problems(shape.metadata, "items")
        item_check = self.check(shape.member)
        shape_name = shape.name

        def check(value: Any, path: str) -> list[str]:
            name = path or shape_name
            if not isinstance(value, list):
                return [f"{name} must be a list"]
            found = size(len(value), name)
            for index, item in enumerate(value):
                found += item_check(item, f"{name}[{index}]")
            return found

        return check

    def _map(self, shape: Any) -> Check:
        size = _size_problems(shape.metadata, "entries")
        key_check, value_check = self.check(shape.key), self.check(shape.value)
        shape_name = shape.name

        def check(value: Any, path: str) -> list[str]:
            name = path or shape_name
            if not isinstance(value, Mapping):
                return [f"{name} must be a map"]
            found = size(len(value), name)
            for key, item in value.items():
                shown = _shown(key)
                found += key_check(key, f"{name} key {shown!r}")
                found += value_check(item, f"{name}.{shown}")
            return found

        return check

    def _string(self, shape: Shape) -> Check:
        meta = shape.metadata
        low, high = meta.get("min"), meta.get("max")
        size = _size_problems(meta, "characters")
        enum = frozenset(meta.get("enum") or ())
        enum_text = ", ".join(meta.get("enum") or ())
        pattern = meta.get("pattern")
        matches = ecma_pattern(pattern).search if pattern else None
        shape_name = shape.name

        def check(value: Any, path: str) -> list[str]:
            name = path or shape_name
            if not isinstance(value, str):
                return [f"{name} must be a string"]
            if not value.isascii() and not _is_unicode(value):
                return [f"{name} must be Unicode text (it holds a lone surrogate)"]
            length = len(value)
            if (low is not None and length < low) or (high is not None and length > high):
                return size(length, name)  # and its pattern is not run on it
            if enum and value not in enum:
                return [f"{name} must be one of {enum_text}"]
            if matches is not None and not matches(value):
                return [f"{name} must match the pattern {pattern}"]
            return []

        return check

    def _number(
        self, shape: Shape, types: tuple[type, ...], kind: str, holds: Callable[[Any], bool]
    ) -> Check:
        meta = shape.metadata
        shape_name = shape.name

        def check(value: Any, path: str) -> list[str]:
            name = path or shape_name
            if isinstance(value, bool) or not isinstance(value, types) or not holds(value):
                return [f"{name} must be {kind}"]
            return _range_problems(meta, value, name)

        return check

    def _integer(self, shape: Shape) -> Check:
        return self._number(shape, (int,), _INTEGER_KIND, _fits(32))

    def _long(self, shape: Shape) -> Check:
        return self._number(shape, (int,), _LONG_KIND, _fits(64))

    def _double(self, shape: Shape) -> Check:
        return self._number(shape, (int, float), "a finite number", _finite)

    _float = _double

    def _kind_check(self, shape: Shape, accepts: Callable[[Any], bool], what: str) -> Check:
        shape_name = shape.name

        def check(value: Any, path: str) -> list[str]:
            return [] if accepts(value) else [f"{path or shape_name} must be {what}"]

        return check

    def _boolean(self, shape: Shape) -> Check:
        return self._kind_check(shape, lambda v: isinstance(v, bool), "a boolean")

    def _timestamp(self, shape: Shape) -> Check:
        def accepts(value: Any) -> bool:
            return not isinstance(value, bool) and isinstance(value, (datetime, int, float, str))

        return self._kind_check(shape, accepts, "a timestamp")

    def _blob(self, shape: Shape) -> Check:
        return self._kind_check(
            shape, lambda v: isinstance(v, (bytes, bytearray, str)), "binary data"
        )


@cache
def checker(shape: Shape) -> Check:
    """The compiled check of ``shape`` (shapes come from the cached service model)."""
    return _Compiler().check(shape)


def problems(shape: Shape, value: Any, path: str = "") -> list[str]:
    """One readable message per constraint of ``shape`` that ``value`` breaks."""
    return checker(shape)(value, path)


def validate_request(operation_model: OperationModel, params: Mapping[str, Any]) -> None:
    """Raise ``BadRequestException`` for the first constraint the request breaks."""
    shape = operation_model.input_shape
    if shape is None:
        return
    try:
        found = checker(shape)(params, "")
    except RecursionError:
        raise BadRequestException("The request nests values too deeply") from None
    if found:
        raise BadRequestException(validation_message(found))


def validation_message(found: list[str]) -> str:
    """AWS's form: "2 validation errors detected: ...; ..."."""
    count = len(found)
    return f"{count} validation error{'s' if count > 1 else ''} detected: {'; '.join(found)}"
