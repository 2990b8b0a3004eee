"""API-shaped values in a state document: the botocore model's shape is their schema.

An object type's Fields and Keys, a domain's Matching, a profile: the families keep these
as the API's own dicts, and the state document holds them as the API writes them. Loading
checks each as the API checks a request (exact JSON types, enums, numeric ranges,
required members, no unknown members, bounded nesting); timestamps are ISO 8601 text.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from functools import cache
from typing import Any

from ..protocol import service_model
from .codecs import (
    FLAG,
    INT32,
    INT64,
    REQUEST_MOMENT,
    Codec,
    Integer,
    StateError,
    exact,
    expect,
    finite,
    member_path,
)

# The deepest an API-shaped value may nest (the model's own shapes nest far less deeply).
MAX_DEPTH = 40
Load = Callable[[Any, str, int], Any]


class Api(Codec):
    """A value of a shape of the service model: the shape at ``path`` (members joined by
    dots, ``[]`` for a list's member) of ``operation``'s input, or its output with
    ``output``. Its members are checked as the API checks a request (exact JSON types,
    enums, numeric ranges, required members); timestamps are written in ISO 8601. A shape
    the installed model lacks (an older botocore) is refused when a document holds it.

    ``omit``: for a structure kept as a type's settings (``Record(settings=...)``), the
    members the type keeps elsewhere (its name, its tags)."""

    def __init__(
        self, operation: str, path: str = "", output: bool = False, omit: Iterable[str] = ()
    ) -> None:
        self.operation, self.path, self.output, self.omit = operation, path, output, tuple(omit)
        self._members: dict[str, Load] | None = None

    def shape(self) -> Any:
        return _shape(self.operation, self.path, self.output)

    def dump(self, value: Any, ctx: Any) -> Any:
        return _dumper(self.shape())(value)

    def load(self, value: Any, path: str, ctx: Any) -> Any:
        return _loader(self.shape())(value, path, 1)

    # a structure kept as settings, its members written alongside the record's own
    def members_of(self) -> dict[str, Load]:
        if self._members is None:
            members = self.shape().members
            self._members = {n: _loader(m) for n, m in members.items() if n not in self.omit}
        return self._members

    def dump_members(self, settings: Mapping[str, Any]) -> dict[str, Any]:
        members = self.shape().members
        out = {}
        for name, item in settings.items():
            member = members.get(name)
            if member is None or name in self.omit:
                raise StateError(f"cannot dump the setting {name}: not a member of {self}")
            out[name] = _dumper(member)(item)
        return out

    def check_required(self, settings: Mapping[str, Any], path: str) -> None:
        for name in self.shape().required_members:
            if name not in self.omit and name not in settings:
                raise StateError("is required", member_path(path, name))

    def __str__(self) -> str:
        return f"{self.operation}{' output' if self.output else ''} {self.path}".strip()


@cache
def _shape(operation: str, path: str, output: bool) -> Any:
    model = service_model()
    if operation not in model.operation_names:
        raise StateError(
            f"the installed botocore's model has no {operation}, which this part of the "
            "state is shaped by: install the botocore the state was dumped with"
        )
    operation_model = model.operation_model(operation)
    shape = operation_model.output_shape if output else operation_model.input_shape
    for part in filter(None, path.split(".")):
        name, _, listed = part.partition("[]")
        shape = shape.members[name] if name else shape
        if part.endswith("[]"):
            shape = shape.member
    return shape


@cache
def _has_timestamps(shape: Any, seen: frozenset[str] = frozenset()) -> bool:
    if shape.type_name in ("timestamp", "blob"):
        return True
    if shape.name in seen:
        return False
    seen = seen | {shape.name}
    if shape.type_name == "structure":
        return any(_has_timestamps(m, seen) for m in shape.members.values())
    if shape.type_name == "list":
        return _has_timestamps(shape.member, seen)
    if shape.type_name == "map":
        return _has_timestamps(shape.value, seen)
    return False


@cache
def _dumper(shape: Any) -> Callable[[Any], Any]:
    """Plain data for a value of ``shape``: a copy, with timestamps as ISO 8601 text and
    blobs as base64."""
    if not _has_timestamps(shape):
        return _copy_plain
    kind = shape.type_name
    if kind == "timestamp":
        return lambda value: value.isoformat() if isinstance(value, datetime) else value
    if kind == "blob":
        return lambda value: base64.b64encode(value).decode() if isinstance(value, bytes) else value
    if kind == "list":
        return lambda value: [_dumper(shape.member)(item) for item in value]
    if kind == "map":
        return lambda value: {key: _dumper(shape.value)(item) for key, item in value.items()}

    def structure(value: Any) -> Any:
        members = shape.members
        return {name: _dumper(members[name])(item) for name, item in value.items()}

    return structure


_SCALARS = (str, int, float, bool, type(None))


def _copy_plain(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        return {key: _copy_plain(item) for key, item in value.items()}
    if kind is list:
        return [_copy_plain(item) for item in value]
    if kind not in _SCALARS:
        exact(value, str, "JSON data")
    return value


def _too_deep(depth: int, path: str) -> None:
    if depth > MAX_DEPTH:
        raise StateError(f"nests deeper than {MAX_DEPTH} levels", path)


@cache
def _loader(shape: Any) -> Load:
    """Checks a value of ``shape`` and returns it as the state keeps it (a copy)."""
    kind = shape.type_name
    meta = shape.metadata
    if kind == "string":
        enum = frozenset(meta.get("enum") or ())

        def string(value: Any, path: str, depth: int) -> Any:
            expect(type(value) is str, "a string", value, path)
            if enum and value not in enum:
                raise StateError(f"must be one of {', '.join(sorted(enum))}", path)
            return value

        return string
    if kind in ("integer", "long"):
        low, high = INT32 if kind == "integer" else INT64
        low, high = max(low, meta.get("min", low)), min(high, meta.get("max", high))
        return lambda value, path, depth: Integer(low, high).load(value, path, None)
    if kind in ("double", "float"):

        def number(value: Any, path: str, depth: int) -> Any:
            expect(type(value) in (int, float), "a number", value, path)
            return finite(value, path, meta.get("min"), meta.get("max"))

        return number
    if kind == "boolean":
        return lambda value, path, depth: FLAG.load(value, path, None)
    if kind == "timestamp":
        return lambda value, path, depth: REQUEST_MOMENT.load(value, path, None)
    if kind == "blob":

        def blob(value: Any, path: str, depth: int) -> Any:
            expect(type(value) is str, "base64 text", value, path)
            try:
                return base64.b64decode(value, validate=True)
            except binascii.Error:
                raise StateError("is not base64", path) from None

        return blob
    if kind == "list":

        def listed(value: Any, path: str, depth: int) -> Any:
            _too_deep(depth, path)
            expect(type(value) is list, "a list", value, path)
            item = _loader(shape.member)
            return [item(v, f"{path}[{i}]", depth + 1) for i, v in enumerate(value)]

        return listed
    if kind == "map":

        def mapped(value: Any, path: str, depth: int) -> Any:
            _too_deep(depth, path)
            expect(type(value) is dict, "an object", value, path)
            item = _loader(shape.value)
            return {k: item(v, member_path(path, k), depth + 1) for k, v in value.items()}

        return mapped
    if getattr(shape, "is_document_type", False):
        return _document
    required = tuple(shape.required_members)

    def structure(value: Any, path: str, depth: int) -> Any:
        _too_deep(depth, path)
        expect(type(value) is dict, "an object", value, path)
        members = shape.members
        loaded = {}
        for name, item in value.items():
            member = members.get(name)
            if member is None:
                raise StateError(f"is not a member of {shape.name}", member_path(path, name))
            loaded[name] = _loader(member)(item, member_path(path, name), depth + 1)
        for name in required:
            if name not in loaded:
                raise StateError("is required", member_path(path, name))
        return loaded

    return structure


def _document(value: Any, path: str, depth: int) -> Any:
    """Any JSON value (a document-typed member), nested no deeper than MAX_DEPTH."""
    _too_deep(depth, path)
    kind = type(value)
    if kind is dict:
        return {k: _document(v, member_path(path, k), depth + 1) for k, v in value.items()}
    if kind is list:
        return [_document(v, f"{path}[{i}]", depth + 1) for i, v in enumerate(value)]
    if kind in (int, float):
        return finite(value, path, None, None)
    expect(kind in (str, bool, type(None)), "JSON", value, path)
    return value
