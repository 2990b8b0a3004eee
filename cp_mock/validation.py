"""Checks a value against a botocore shape: the constraints the client leaves to the server.

botocore's client checks required members, types and minimums; AWS also enforces the
model's maximums, patterns and enums. One walker serves both directions: requests are
validated before the backend sees them (the first problem becomes a
``BadRequestException`` naming the field), and the test suite's contract check runs the
same walker over every response body.

Smithy patterns are not implicitly anchored, so a pattern is tested with ``re.search``
(patterns that must match whole strings carry their own ``^...$``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from functools import cache
from typing import Any

from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape

from .exceptions import BadRequestException


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _join(path: str, member: str) -> str:
    return f"{path}.{member}" if path else member


def problems(shape: Shape, value: Any, path: str = "") -> Iterator[str]:
    """Yield one readable message per constraint of ``shape`` that ``value`` breaks."""
    name = path or shape.name
    type_name = shape.type_name
    meta = shape.metadata
    if type_name == "structure":
        assert isinstance(shape, StructureShape)
        if shape.is_document_type:
            return
        if not isinstance(value, Mapping):
            yield f"{name} must be an object"
            return
        for member in shape.required_members:
            if value.get(member) is None:
                yield f"{_join(path, member)} is required"
        for member, member_value in value.items():
            member_shape = shape.members.get(member)
            if member_shape is not None and member_value is not None:
                yield from problems(member_shape, member_value, _join(path, member))
    elif type_name == "list":
        assert isinstance(shape, ListShape)
        if not isinstance(value, list):
            yield f"{name} must be a list"
            return
        yield from _size_problems(meta, len(value), name, "items")
        for index, item in enumerate(value):
            yield from problems(shape.member, item, f"{name}[{index}]")
    elif type_name == "map":
        assert isinstance(shape, MapShape)
        if not isinstance(value, Mapping):
            yield f"{name} must be a map"
            return
        yield from _size_problems(meta, len(value), name, "entries")
        for key, item in value.items():
            yield from problems(shape.key, key, f"{name} key {key!r}")
            yield from problems(shape.value, item, f"{name}.{key}")
    elif type_name == "string":
        if not isinstance(value, str):
            yield f"{name} must be a string"
            return
        yield from _size_problems(meta, len(value), name, "characters")
        enum = meta.get("enum")
        if enum and value not in enum:
            yield f"{name} must be one of {', '.join(enum)}"
        pattern = meta.get("pattern")
        if pattern and not _compiled(pattern).search(value):
            yield f"{name} must match the pattern {pattern}"
    elif type_name in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            yield f"{name} must be an integer"
            return
        yield from _range_problems(meta, value, name)
    elif type_name in ("double", "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            yield f"{name} must be a number"
            return
        yield from _range_problems(meta, value, name)
    elif type_name == "boolean":
        if not isinstance(value, bool):
            yield f"{name} must be a boolean"
    elif type_name == "timestamp":
        if isinstance(value, bool) or not isinstance(value, (datetime, int, float, str)):
            yield f"{name} must be a timestamp"
    elif type_name == "blob":
        if not isinstance(value, (bytes, bytearray, str)):
            yield f"{name} must be binary data"


def _size_problems(meta: Mapping[str, Any], size: int, name: str, unit: str) -> Iterator[str]:
    if "min" in meta and size < meta["min"]:
        yield f"{name} must have at least {meta['min']} {unit}"
    if "max" in meta and size > meta["max"]:
        yield f"{name} must have at most {meta['max']} {unit}"


def _range_problems(meta: Mapping[str, Any], number: float, name: str) -> Iterator[str]:
    if "min" in meta and number < meta["min"]:
        yield f"{name} must be at least {meta['min']}"
    if "max" in meta and number > meta["max"]:
        yield f"{name} must be at most {meta['max']}"


def validate_request(operation_model: OperationModel, params: Mapping[str, Any]) -> None:
    """Raise ``BadRequestException`` for the first constraint the request breaks."""
    shape = operation_model.input_shape
    if shape is None:
        return
    for problem in problems(shape, params):
        raise BadRequestException(f"1 validation error detected: {problem}")
