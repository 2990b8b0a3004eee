"""Hypothesis strategies for values of botocore shapes, valid in type (not always in
constraint), shared by the fuzz and protocol tests."""

from __future__ import annotations

import string
from datetime import datetime, timezone
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape
from hypothesis import strategies as st

MAX_DEPTH = 4
SAFE_PATH = string.ascii_letters + string.digits + "-_"


def _strings(shape: Shape, known: list[str], in_path: bool) -> st.SearchStrategy[str]:
    meta = shape.metadata
    longest = int(meta.get("max", 64)) + 2
    if in_path:
        # An empty path member makes another URL (the operation is then unknown, which
        # botocore's own validation prevents); anything else is for the server to judge.
        free = st.text(alphabet=SAFE_PATH, min_size=1, max_size=min(longest, 80))
        known = [value for value in known if value]
    else:
        free = st.text(max_size=min(longest, 300))
    choices = [st.sampled_from(known), free]
    if meta.get("enum"):
        choices.insert(0, st.sampled_from(meta["enum"]))
    return st.one_of(*choices)


def value_for(
    shape: Shape, known: list[str], depth: int = 0, in_path: bool = False
) -> st.SearchStrategy[Any]:
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        if shape.is_document_type:
            return st.just({})
        if shape.is_tagged_union:  # exactly one member set, as a union must have
            members = list(shape.members.items())
            if depth > MAX_DEPTH:  # past the depth, a flat member where there is one
                flat = [(n, m) for n, m in members if m.type_name not in ("structure", "list")]
                members = flat or members
            return st.one_of(
                *(
                    st.fixed_dictionaries({name: value_for(member, known, depth + 1)})
                    for name, member in members
                )
            )
        if depth > MAX_DEPTH:
            return st.just({})
        required = {
            name: value_for(member, known, depth + 1, member.serialization.get("location") == "uri")
            for name, member in shape.members.items()
            if name in shape.required_members
        }
        optional = {
            name: value_for(member, known, depth + 1)
            for name, member in shape.members.items()
            if name not in shape.required_members and member.serialization.get("location") != "uri"
        }
        return st.fixed_dictionaries(required, optional=optional)
    if kind == "list":
        assert isinstance(shape, ListShape)
        if depth > MAX_DEPTH:
            return st.just([])
        longest = min(int(shape.metadata.get("max", 5)), 5) + 1
        return st.lists(value_for(shape.member, known, depth + 1), max_size=longest)
    if kind == "map":
        assert isinstance(shape, MapShape)
        return st.dictionaries(
            value_for(shape.key, known, depth + 1),
            value_for(shape.value, known, depth + 1),
            max_size=3,
        )
    if kind == "string":
        return _strings(shape, known, in_path)
    if kind in ("integer", "long"):
        low = int(shape.metadata.get("min", 0)) - 3
        high = int(shape.metadata.get("max", 1000)) + 3
        return st.integers(min_value=low, max_value=min(high, 2**31 - 1))
    if kind in ("double", "float"):
        return st.floats(allow_nan=False, allow_infinity=False, width=32)
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        return st.datetimes(
            min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
            timezones=st.just(timezone.utc),
        )  # fmt: skip
    if kind == "blob":
        return st.binary(max_size=16)
    return st.none()
