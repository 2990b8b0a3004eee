"""How each part of a state document is written and read: a closed set of codecs.

A codec turns a value of the state into plain JSON data (``dump``) and checks plain data
from a document, turning it back into a value (``load``). Loading checks before it builds:
a value of the wrong type, an unknown member, a number out of range or nesting deeper than
the format allows is a ``StateError`` naming its path in the document
(``Backends[0].Domains[2].Profiles[5].FirstName``). Nothing a document holds names what to
build: every type built is the one the codec was made with, in cp_mock/state/.

API-shaped values (an object type's Fields and Keys, a domain's Matching, a profile) are
read with ``Api``: the botocore model's shape is the schema, as it is for a request
(exact JSON types, enums, numeric ranges, required members, timestamps as ISO 8601).
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..models.core.tags import TagStore
    from .shapes import Api


class StateError(ValueError):
    """A document that cannot be loaded (or state that cannot be dumped), with the reason
    and ``path``, where in the document it is; ``kind`` is the type that could not be
    dumped, if that was the reason."""

    def __init__(self, message: str, path: str = "", kind: type | None = None) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.kind = kind


# Timestamps a state may hold: far enough from datetime's ends that the arithmetic the
# families do (a day's window, a week's results) never overflows.
EARLIEST_YEAR, LATEST_YEAR = 1000, 9000
INT64 = (-(2**63), 2**63 - 1)
INT32 = (-(2**31), 2**31 - 1)
_LONGEST_SHOWN = 64


def member_path(path: str, name: str) -> str:
    shown = name if len(name) <= _LONGEST_SHOWN else name[:_LONGEST_SHOWN] + "..."
    return f"{path}.{shown}" if path else shown


_KINDS = {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
          type(None): "null", int: "a number", float: "a number"}  # fmt: skip


def _kind(value: Any) -> str:
    return _KINDS.get(type(value), "a value")


def expect(condition: bool, what: str, value: Any, path: str) -> None:
    if not condition:
        raise StateError(f"must be {what}, not {_kind(value)}", path)


def exact(value: Any, kind: type, what: str) -> None:
    """Refuse to dump a value of another type than the state keeps there (a test double,
    say): the format knows how to write the state's own types only."""
    if type(value) is not kind:
        raise StateError(
            f"cannot dump a {type(value).__module__}.{type(value).__qualname__} where the "
            f"state keeps {what}",
            kind=type(value),
        )


class Codec:
    """Dumps a value of the state as plain data; loads (checks and builds) it back.
    ``ctx`` is what the part being read or written belongs to (see ``Context``)."""

    def dump(self, value: Any, ctx: Any) -> Any:
        raise NotImplementedError

    def load(self, value: Any, path: str, ctx: Any) -> Any:
        raise NotImplementedError


class _Text(Codec):
    def dump(self, value: Any, ctx: Any) -> Any:
        return value

    def load(self, value: Any, path: str, ctx: Any) -> Any:
        expect(type(value) is str, "a string", value, path)
        return value


class _Flag(Codec):
    def dump(self, value: Any, ctx: Any) -> Any:
        return value

    def load(self, value: Any, path: str, ctx: Any) -> Any:
        expect(type(value) is bool, "a boolean", value, path)
        return value


@dataclass(frozen=True)
class Integer(Codec):
    low: int = INT64[0]
    high: int = INT64[1]

    def dump(self, value: Any, ctx: Any) -> Any:
        return value

    def load(self, value: Any, path: str, ctx: Any) -> Any:
        expect(type(value) is int, "an integer", value, path)
        if not self.low <= value <= self.high:
            raise StateError(f"must be from {self.low} to {self.high}", path)
        return value


class _Number(Codec):
    def dump(self, value: Any, ctx: Any) -> Any:
        return value

    def load(self, value: Any, path: str, ctx: Any) -> Any:
        expect(type(value) in (int, float), "a number", value, path)
        return finite(value, path, None, None)


def finite(value: int | float, path: str, low: Any, high: Any) -> int | float:
    if type(value) is float and not math.isfinite(value):
        raise StateError("must be a finite number", path)
    if type(value) is int and not INT64[0] <= value <= INT64[1]:
        raise StateError("must fit in 64 bits", path)
    if (low is not None and value < low) or (high is not None and value > high):
        raise StateError(f"must be from {low} to {high}", path)
    return value


@dataclass(frozen=True)
class _Moment(Codec):
    """A timestamp, as ISO 8601 (``datetime.isoformat``) with its offset; one a request
    gave (``naive``: how the request's parser reads a timestamp) may have none."""

    naive: bool = False

    def dump(self, value: Any, ctx: Any) -> Any:
        return value.isoformat()

    def load(self, value: Any, path: str, ctx: Any) -> Any:
        expect(type(value) is str and len(value) <= 40, "an ISO 8601 timestamp", value, path)
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise StateError(f"{value!r} is not an ISO 8601 timestamp", path) from None
        if moment.tzinfo is None and not self.naive:
            raise StateError(f"{value!r} has no UTC offset", path)
        if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
            raise StateError(f"must be from year {EARLIEST_YEAR} to {LATEST_YEAR}", path)
        return moment


class _Seconds(Codec):
    """POSIX seconds (as the expiry queue keeps them), written as an ISO 8601 timestamp."""

    def dump(self, value: Any, ctx: Any) -> Any:
        return datetime.fromtimestamp(value, timezone.utc).isoformat()

    def load(self, value: Any, path: str, ctx: Any) -> Any:
        return MOMENT.load(value, path, ctx).timestamp()


class _Digits(Codec):
    """A large whole number (a Kinesis sequence number), written as its digits."""

    def dump(self, value: Any, ctx: Any) -> Any:
        return str(value)

    def load(self, value: Any, path: str, ctx: Any) -> Any:
        ok = type(value) is str and 0 < len(value) <= 128 and value.isascii() and value.isdigit()
        expect(ok, "a string of at most 128 digits", value, path)
        return int(value)


class _JsonText(Codec):
    """A string holding a JSON object (a profile object, a record sent to Kinesis)."""

    def dump(self, value: Any, ctx: Any) -> Any:
        return value

    def load(self, value: Any, path: str, ctx: Any) -> Any:
        expect(type(value) is str, "a string holding a JSON object", value, path)
        parse_json_object(value, path)
        return value


class _JsonObject(Codec):
    """A JSON object, kept as its text in the document (so numbers JSON cannot write,
    such as NaN that ``json.loads`` reads, come back as they were)."""

    def dump(self, value: Any, ctx: Any) -> Any:
        return json.dumps(value)

    def load(self, value: Any, path: str, ctx: Any) -> Any:
        expect(type(value) is str, "a string holding a JSON object", value, path)
        return parse_json_object(value, path)


def parse_json_object(text: str, path: str) -> dict[str, Any]:
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise StateError(f"is not JSON: {type(error).__name__}: {error}", path) from None
    if type(document) is not dict:
        raise StateError("must hold a JSON object", path)
    return document


TEXT, FLAG, NUMBER, MOMENT, REQUEST_MOMENT = _Text(), _Flag(), _Number(), _Moment(), _Moment(True)
SECONDS, DIGITS, JSON_TEXT, JSON_OBJECT = _Seconds(), _Digits(), _JsonText(), _JsonObject()
COUNT = Integer(0)


@dataclass(frozen=True)
class Choice(Codec):
    """One of a few strings."""

    options: tuple[str, ...]

    def dump(self, value: Any, ctx: Any) -> Any:
        return value

    def load(self, value: Any, path: str, ctx: Any) -> Any:
        if value not in self.options or type(value) is not str:
            raise StateError(f"must be one of {', '.join(self.options)}", path)
        return value


@dataclass(frozen=True)
class Nullable(Codec):
    inner: Codec

    def dump(self, value: Any, ctx: Any) -> Any:
        return None if value is None else self.inner.dump(value, ctx)

    def load(self, value: Any, path: str, ctx: Any) -> Any:
        return None if value is None else self.inner.load(value, path, ctx)


@dataclass(frozen=True)
class ListOf(Codec):
    item: Codec

    def dump(self, value: Any, ctx: Any) -> Any:
        exact(value, list, "a list")
        dump = self.item.dump
        return [dump(item, ctx) for item in value]

    def load(self, value: Any, path: str, ctx: Any) -> Any:
        expect(type(value) is list, "a list", value, path)
        load = self.item.load
        return [load(item, f"{path}[{i}]", ctx) for i, item in enumerate(value)]


@dataclass(frozen=True)
class SetOf(Codec):
    """A set of strings, written sorted (so equal sets write alike)."""

    def dump(self, value: Any, ctx: Any) -> Any:
        return sorted(value)

    def load(self, value: Any, path: str, ctx: Any) -> Any:
        return set(ListOf(TEXT).load(value, path, ctx))


STRINGS = SetOf()


@dataclass(frozen=True)
class MapOf(Codec):
    """A JSON object whose keys are any strings."""

    value: Codec

    def dump(self, value: Any, ctx: Any) -> Any:
        exact(value, dict, "a dict")
        dump = self.value.dump
        return {key: dump(item, ctx) for key, item in value.items()}

    def load(self, value: Any, path: str, ctx: Any) -> Any:
        expect(type(value) is dict, "an object", value, path)
        load = self.value.load
        return {key: load(item, member_path(path, key), ctx) for key, item in value.items()}


# -- records: a type's attributes under member names -------------------------------------
_REQUIRED = object()


@dataclass(frozen=True)
class Member:
    """One member of a record: the attribute (or dict key) it holds, how it is written,
    and, for an optional member, the value it stands for when absent (a member holding
    that value is left out)."""

    attribute: str
    codec: Codec
    default: Any = _REQUIRED
    # False: read from a document but written by the collection holding the record
    written: bool = True


def optional(attribute: str, codec: Codec, default: Any = None, written: bool = True) -> Member:
    return Member(attribute, codec, default, written)


class Record(Codec):
    """A JSON object of fixed members: a value of ``kind`` (a class of the models), its
    attributes under member names, built by ``make`` (the class itself, unless something
    must be derived) given them as keywords. ``settings``: the members of an API shape
    that the type keeps in one dict attribute (``Api.members``), written alongside its own.
    ``tagged``: the type's ``arn`` is a taggable resource, whose tags are the ``Tags``
    member. A ``kind`` of dict: the value is a dict whose keys are the members'
    attributes, an optional one absent when the key is."""

    def __init__(
        self,
        members: Mapping[str, Member],
        kind: type = dict,
        make: Callable[..., Any] | None = None,
        settings: tuple[str, Api] | None = None,
        tagged: bool = False,
        check: Callable[[dict[str, Any]], str | None] | None = None,
        settings_first: bool = False,
    ) -> None:
        self.members = dict(members)
        self.settings_first = settings_first
        self.kind, self.make = kind, make or kind
        self.settings, self.tagged, self.of_dict = settings, tagged, kind is dict
        self.check = check

    def dump(self, value: Any, ctx: Any) -> Any:
        exact(value, self.kind, f"a {self.kind.__qualname__}")
        out: dict[str, Any] = {}
        if self.of_dict:
            for name, member in self.members.items():
                if member.attribute in value:
                    out[name] = member.codec.dump(value[member.attribute], ctx)
        else:
            for name, member in self.members.items():
                if not member.written:
                    continue
                item = getattr(value, member.attribute)
                if member.default is _REQUIRED or item != member.default:
                    out[name] = member.codec.dump(item, ctx)
        if self.settings is not None:
            attribute, api = self.settings
            settings = value[attribute] if self.of_dict else getattr(value, attribute)
            written = api.dump_members(settings)
            out = {**written, **out} if self.settings_first else {**out, **written}
        if self.tagged:
            tags = ctx.tags.get(value.arn)
            if tags:
                out["Tags"] = tags
        return out

    def load(self, value: Any, path: str, ctx: Any) -> Any:
        expect(type(value) is dict, "an object", value, path)
        members, settings = self.members, self.settings
        api_members = settings[1].members_of() if settings is not None else {}
        built: dict[str, Any] = {}
        api_values: dict[str, Any] = {}
        tags: dict[str, str] = {}
        prefix = f"{path}." if path else ""
        for name, item in value.items():
            member = members.get(name)
            if member is not None:
                built[member.attribute] = member.codec.load(item, prefix + name, ctx)
            elif name in api_members:
                api_values[name] = api_members[name](item, prefix + name, 1)
            elif self.tagged and name == "Tags":
                tags = MapOf(TEXT).load(item, prefix + name, ctx)
            else:
                raise StateError("is not a member this version of the state format has",
                                 member_path(path, name))  # fmt: skip
        if len(built) < len(members):
            for name, member in members.items():
                if member.attribute not in built:
                    if member.default is _REQUIRED:
                        raise StateError("is required", prefix + name)
                    if not self.of_dict:
                        built[member.attribute] = copy.copy(member.default)
        if settings is not None:
            settings[1].check_required(api_values, path)
            built[settings[0]] = api_values
        if self.check is not None:
            problem = self.check(built)
            if problem:
                raise StateError(problem, path)
        try:
            made = self.make(**built)
        except StateError:
            raise
        except Exception as refused:  # noqa: BLE001 - what the write path refuses
            reason = getattr(refused, "message", None) or f"{type(refused).__name__}: {refused}"
            raise StateError(f"cannot be loaded: {reason}", path) from None
        if self.tagged:
            resource = made[0] if type(made) is tuple else made  # (a resource, what else it needs)
            try:
                ctx.tags.register(resource.arn, tags)
            except Exception as refused:  # noqa: BLE001 - the store's limits: a modeled error
                raise StateError(str(getattr(refused, "message", refused)),
                                 member_path(path, "Tags")) from None  # fmt: skip
        return made

    def attributes(self) -> set[str]:
        """The attributes the record writes (for the test that every field is written)."""
        written = {member.attribute for member in self.members.values() if member.written}
        return written | ({self.settings[0]} if self.settings else set())


@dataclass(frozen=True)
class Row(Codec):
    """A tuple (a named tuple with ``make``), as an object of one member per item."""

    members: tuple[tuple[str, Codec], ...]
    make: Callable[..., Any] = tuple

    def dump(self, value: Any, ctx: Any) -> Any:
        return {
            name: codec.dump(item, ctx)
            for (name, codec), item in zip(self.members, value, strict=True)
        }

    @cached_property
    def record(self) -> Record:
        return Record({name: Member(name, codec) for name, codec in self.members})

    def load(self, value: Any, path: str, ctx: Any) -> Any:
        loaded = self.record.load(value, path, ctx)
        items = [loaded[name] for name, _ in self.members]
        return self.make(items) if self.make is tuple else self.make(*items)


@dataclass(frozen=True)
class Named(Codec):
    """A dict of resources by name, as a list of them (the name is one of their members)."""

    item: Codec
    key: Callable[[Any], str]

    def dump(self, value: Any, ctx: Any) -> Any:
        exact(value, dict, "a dict")
        dump = self.item.dump
        return [dump(item, ctx) for item in value.values()]

    def load(self, value: Any, path: str, ctx: Any) -> Any:
        items = ListOf(self.item).load(value, path, ctx)
        found: dict[str, Any] = {}
        for index, item in enumerate(items):
            key = self.key(item)
            if key in found:
                raise StateError(f"names {key!r} again", f"{path}[{index}]")
            found[key] = item
        return found


@dataclass
class Context:
    """What a part being written or read belongs to: its backend's tag store, and who the
    history records of its changes say made them (the account's root, unless a record
    says otherwise)."""

    tags: TagStore
    performed_by: str


@contextmanager
def at(path: str) -> Iterator[None]:
    """Whatever goes wrong while ``path`` is rebuilt is a StateError naming it."""
    try:
        yield
    except StateError:
        raise
    except Exception as error:  # noqa: BLE001 - RecursionError, OverflowError...: never escape
        reason = getattr(error, "message", None) or f"{type(error).__name__}: {error}"
        raise StateError(f"cannot be loaded: {reason}", path) from None
