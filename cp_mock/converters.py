"""Converters compiled once per shape from the botocore model, for the service's wire
format (``protocol``): a structure's members, lists and maps, each value through the
scalar conversion the caller gives. Strict converters read a request body: each value
must have the JSON type its shape says, and ``WrongType`` names the member that has not
(moto's conversions would turn a string into a list of its characters, pairs into a map,
``"5"`` or ``true`` into a number).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from botocore.model import Shape, StructureShape

Convert = Callable[[Any], Any]


# -- converting a shape's values -------------------------------------------------------
class Unsupported(Exception):
    """A shape uses a binding the compiled converters do not cover."""


@dataclass
class Structure:
    """A structure's members as they are read: name read -> (name written, converter).
    Reading a request, the names read are the wire's; writing a result, the model's."""

    members: dict[str, tuple[str, Convert | None]]

    def __call__(self, value: Mapping[str, Any]) -> dict[str, Any]:
        converted = {}
        members = self.members
        for key, item in value.items():
            spec = members.get(key)
            if spec is None or item is None:
                continue  # not a member of the shape, or absent: neither is passed on
            name, convert = spec
            converted[name] = item if convert is None else convert(item)
        return converted


def _list(item: Convert | None) -> Convert:
    if item is None:
        return list
    return lambda values: [None if v is None else item(v) for v in values]


def _map(entry: Convert | None) -> Convert:
    if entry is None:
        return dict
    return lambda values: {k: None if v is None else entry(v) for k, v in values.items()}


# -- reading a body strictly -----------------------------------------------------------
def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"


class WrongType(ValueError):
    """A body value whose JSON type is not its shape's. The path to it is collected as
    the error leaves each container, so nothing is spent on paths while values are right."""

    def __init__(self, expected: str, value: Any, unreadable: bool = False) -> None:
        super().__init__(expected)
        self.expected = expected
        self.found = _json_kind(value)
        self.unreadable = unreadable  # of the right JSON type, but no value of the shape
        self.path: list[str] = []  # innermost first: ".Values", "[0]", ".key"

    def __str__(self) -> str:
        where = "".join(reversed(self.path)).lstrip(".") or "The request body"
        if self.unreadable:
            return f"{where} must be {self.expected}, which this {self.found[3:]} is not"
        return f"{where} must be {self.expected}, not {self.found}"


_LONGEST_SHOWN_KEY = 64


class _CheckedStructure(Structure):
    def __call__(self, value: Mapping[str, Any]) -> dict[str, Any]:
        if type(value) is not dict:
            raise WrongType("an object", value)
        converted = {}
        members = self.members
        name = ""
        try:
            for key, item in value.items():
                spec = members.get(key)
                if spec is None or item is None:
                    continue  # not a member of the shape, or absent: neither is passed on
                name, convert = spec
                if convert is a_string:  # the most common member, checked in place
                    if type(item) is not str:
                        raise WrongType("a string", item)
                    converted[name] = item
                else:
                    converted[name] = item if convert is None else convert(item)
        except WrongType as error:
            error.path.append(f".{name}")
            raise
        return converted


def _checked_list(item: Convert | None) -> Convert:
    def read(values: Any) -> list[Any]:
        if type(values) is not list:
            raise WrongType("an array", values)
        converted = []
        for index, value in enumerate(values):
            try:
                if item is not None:
                    converted.append(item(value))  # which refuses null as a wrong type
                elif value is None:
                    raise WrongType("a JSON value", value)
                else:
                    converted.append(value)
            except WrongType as error:
                error.path.append(f"[{index}]")
                raise
        return converted

    return read


def _checked_map(entry: Convert | None) -> Convert:
    def read(values: Any) -> dict[str, Any]:
        if type(values) is not dict:
            raise WrongType("an object", values)
        converted = {}
        key = ""
        try:
            for key, value in values.items():
                if entry is not None:
                    converted[key] = entry(value)  # which refuses null as a wrong type
                elif value is None:
                    raise WrongType("a JSON value", value)
                else:
                    converted[key] = value
        except WrongType as error:
            shown = key if len(key) <= _LONGEST_SHOWN_KEY else f"{key[:_LONGEST_SHOWN_KEY]}..."
            error.path.append(f".{shown}")
            raise
        return converted

    return read


def a_string(value: Any) -> str:
    if type(value) is str:
        return value
    raise WrongType("a string", value)


# What a body value of each scalar type may be, as JSON decodes it (exact types: a bool
# is not an integer), and how the error names it.
JSON_TYPES: dict[str, tuple[tuple[type, ...], str]] = {
    "integer": ((int,), "an integer"),
    "long": ((int,), "an integer"),
    "short": ((int,), "an integer"),
    "byte": ((int,), "an integer"),
    "double": ((int, float), "a number"),
    "float": ((int, float), "a number"),
    "boolean": ((bool,), "true or false"),
    # epoch seconds, or the string a timestampFormat asks for
    "timestamp": ((int, float, str), "a timestamp"),
    "blob": ((str,), "base64-encoded data"),
}
# botocore sends these floating-point values as strings
FLOAT_WORDS = frozenset({"Infinity", "-Infinity", "NaN"})


class ShapeCompiler:
    """Compiles converters for one direction; ``scalar`` says how a scalar shape's value
    is converted (None: as it is). ``strict`` containers refuse a value of another JSON
    type (a request body's; a scalar's type is ``scalar``'s to check)."""

    def __init__(
        self, scalar: Callable[[Shape], Convert | None], reading_wire: bool, strict: bool = False
    ) -> None:
        self.scalar = scalar
        self.reading_wire = reading_wire
        self.strict = strict
        self.structures: dict[str, Structure] = {}

    def body_members(self, shape: StructureShape) -> Structure:
        """The members of ``shape`` carried in the JSON body (those with no location)."""
        members = {}
        for name, member in shape.members.items():
            if "location" in member.serialization:
                continue
            wire = member.serialization.get("name", name)
            read, written = (wire, name) if self.reading_wire else (name, wire)
            members[read] = (written, self.convert(member))
        return self._structure(members)

    def _structure(self, members: dict[str, tuple[str, Convert | None]]) -> Structure:
        return _CheckedStructure(members) if self.strict else Structure(members)

    def convert(self, shape: Shape) -> Convert | None:
        kind = shape.type_name
        if kind == "structure":
            assert isinstance(shape, StructureShape)
            if shape.is_document_type:
                return None
            if shape.name not in self.structures:  # shapes may refer to themselves
                if any("location" in m.serialization for m in shape.members.values()):
                    raise Unsupported(f"{shape.name} nests members bound to the HTTP message")
                self.structures[shape.name] = self._structure({})
                self.structures[shape.name].members.update(self.body_members(shape).members)
            return self.structures[shape.name]
        if kind == "list":
            return (_checked_list if self.strict else _list)(self.convert(shape.member))
        if kind == "map":
            return (_checked_map if self.strict else _map)(self.convert(shape.value))
        return self.scalar(shape)
