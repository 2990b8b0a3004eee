"""The whole Customer Profiles state as plain JSON data, and back (``dump_state`` and
``load_state``).

Nothing here knows the families. A dump is every backend (an account and a region) with
every attribute its families keep, encoded by one generic rule set: dicts, lists, tuples,
sets, datetimes, counters and the state of any class of ``cp_mock.models`` (dataclasses,
named tuples, plain classes), with objects held in two places (an index entry and its
record) dumped once and referred to, so what shares an object before the dump shares it
after. Indexes, heaps, history chains and delivered event stream records are therefore
carried as they are and rebuilt from that plain data, and a field or family added later is
carried without a change here; a value of a type these rules do not know is refused at
dump time, naming where it is.

Loading checks the whole dump before it replaces anything: a dump of another format
version, or one naming a class or field this version of cp_mock does not have, is refused
with a message and the current state is left as it was. A dataclass field this version
added since the dump was taken gets its default.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import importlib
import itertools
import re
from collections import defaultdict, deque
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

from .models import CustomerProfilesBackend, customerprofiles_backends
from .models.base import DERIVED_KEY

FORMAT = "cp-mock-state"
VERSION = 1
MODELS_PACKAGE = "cp_mock.models"
# Set by moto's BaseBackend from the constructor's arguments, or per process (the lock, and
# what a call holding it is doing): not state.
_NOT_STATE = frozenset({"region_name", "account_id", "partition", "lock", "syncing_domains"})
_COUNT = re.compile(r"count\((-?\d+)(?:, (-?\d+))?\)")
# the default factories a defaultdict in the state may have
_FACTORIES: dict[str, Callable[[], Any]] = {
    "dict": dict,
    "list": list,
    "set": set,
    "int": int,
    "str": str,
}


class StateError(ValueError):
    """A dump that cannot be loaded (or state that cannot be dumped), with the reason;
    ``kind`` is the type that could not be dumped, if that was the reason."""

    def __init__(self, message: str, kind: type | None = None) -> None:
        super().__init__(message)
        self.kind = kind


# -- dumping -------------------------------------------------------------------------------
def dump_state() -> dict[str, Any]:
    """Every account's and region's Customer Profiles state, as JSON-serializable data."""
    encoder = _Encoder()
    backends = []
    for account_id in sorted(customerprofiles_backends):
        regions = customerprofiles_backends[account_id]
        for region in sorted(regions):
            backend = regions[region]
            numbered = len(encoder.kept)
            with backend.lock:
                state = {
                    name: encoder.encode(value, f"{account_id}/{region}.{name}")
                    for name, value in sorted(backend_state(backend).items())
                }
            if state == _fresh_state(region, account_id):  # nothing to keep: left out
                encoder.forget_since(numbered)
                continue
            backends.append({"AccountId": account_id, "Region": region, "State": state})
    return {"Format": FORMAT, "Version": VERSION, "Backends": backends}


def backend_state(backend: CustomerProfilesBackend) -> dict[str, Any]:
    """The attributes of ``backend`` that hold state: all of them, but what moto's
    BaseBackend sets from the constructor's arguments and the lock."""
    return {name: value for name, value in vars(backend).items() if name not in _NOT_STATE}


def _fresh_state(region: str, account_id: str) -> dict[str, Any]:
    """A new backend's state, encoded (it holds no shared objects, so no references)."""
    fresh = backend_state(CustomerProfilesBackend(region, account_id))
    encode = _Encoder().encode
    return {name: encode(value, name) for name, value in sorted(fresh.items())}


def _class_name(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def _state_of(value: Any) -> dict[str, Any]:
    """What ``value`` holds, but for the dataclass fields it declares derived (a cache it
    rebuilds from the rest: ``field(metadata=DERIVED)``), which take their default on load."""
    state = dict(getattr(value, "__dict__", {}))
    kind: Any = type(value)
    for derived in _derived_fields(kind):
        state.pop(derived, None)
    for cls in type(value).__mro__:
        for slot in getattr(cls, "__slots__", ()):
            if slot not in ("__dict__", "__weakref__") and hasattr(value, slot):
                state[slot] = getattr(value, slot)
    return state


@functools.cache
def _derived_fields(cls: Any) -> tuple[str, ...]:
    if not dataclasses.is_dataclass(cls):
        return ()
    return tuple(f.name for f in dataclasses.fields(cls) if f.metadata.get(DERIVED_KEY))


class _Encoder:
    """Encodes values, numbering every container in the order it is first met (the
    decoder meets them in the same order) so that one met again is dumped as a reference."""

    def __init__(self) -> None:
        self.seen: dict[int, int] = {}
        self.kept: list[Any] = []  # keeps what is numbered alive, so ids are not reused

    def _number(self, value: Any) -> dict[str, Any] | None:
        number = self.seen.get(id(value))
        if number is not None:
            return {"$ref": number}
        self.seen[id(value)] = len(self.kept)
        self.kept.append(value)
        return None

    def forget_since(self, count: int) -> None:
        """Forget what was numbered after the first ``count``, as if never met."""
        for value in self.kept[count:]:
            del self.seen[id(value)]
        del self.kept[count:]

    def encode(self, value: Any, where: str) -> Any:
        if value is None or type(value) in (bool, int, str):
            return value
        kind = type(value)
        if kind is float:
            return (
                value if value == value and abs(value) != float("inf") else {"$float": repr(value)}
            )
        if isinstance(value, datetime):  # freezegun's FakeDatetime too
            return {"$datetime": value.isoformat()}
        if isinstance(value, date):
            return {"$date": value.isoformat()}
        if kind is timedelta:
            return {"$timedelta": [value.days, value.seconds, value.microseconds]}
        if kind is Decimal:
            return {"$decimal": str(value)}
        if kind is bytes:
            return {"$bytes": base64.b64encode(value).decode()}
        if kind is itertools.count:
            start, step = _COUNT.fullmatch(repr(value)).groups()  # type: ignore[union-attr]
            return {"$count": [int(start), int(step or 1)]}
        if isinstance(value, Enum):
            return {"$enum": _class_name(kind), "Name": value.name}
        reference = self._number(value)
        if reference is not None:
            return reference
        if kind is list:
            return [self.encode(item, f"{where}[{i}]") for i, item in enumerate(value)]
        if kind is dict:
            if all(type(key) is str and not key.startswith("$") for key in value):
                return {key: self.encode(item, f"{where}.{key}") for key, item in value.items()}
            return {"$dict": self._pairs(value, where)}
        if kind is defaultdict:
            factory = value.default_factory
            name = getattr(factory, "__name__", "")
            if _FACTORIES.get(name) is not factory:
                raise StateError(f"cannot dump {where}: a defaultdict of {factory!r}", kind)
            return {"$defaultdict": name, "Items": self._pairs(value, where)}
        if kind is tuple:
            return self._tuple(value, where)
        if kind is set or kind is frozenset:
            try:  # in order, so that equal sets dump the same way, as their JSON does
                members = sorted(value)
            except TypeError:
                members = list(value)
            items = [self.encode(item, f"{where}{{}}") for item in members]
            return {f"${kind.__name__}": items}
        if kind is deque:
            items = [self.encode(item, f"{where}[]") for item in value]
            return {"$deque": items, "MaxLen": value.maxlen}
        if kind.__module__.startswith(MODELS_PACKAGE):
            if isinstance(value, tuple):  # a named tuple
                items = [self.encode(item, f"{where}.{i}") for i, item in enumerate(value)]
                return {"$namedtuple": _class_name(kind), "Items": items}
            state = {
                name: self.encode(item, f"{where}.{name}")
                for name, item in _state_of(value).items()
            }
            return {"$object": _class_name(kind), "State": state}
        raise StateError(f"cannot dump {where}: a {kind.__module__}.{kind.__qualname__}", kind)

    def _pairs(self, mapping: Mapping[Any, Any], where: str) -> list[list[Any]]:
        return [
            [self.encode(key, f"{where}(key)"), self.encode(item, f"{where}[{key!r}]")]
            for key, item in mapping.items()
        ]

    def _tuple(self, value: tuple[Any, ...], where: str) -> dict[str, Any]:
        # A chain (head, (head, (..., ()))) such as a profile's history is dumped as a list
        # of its heads, not nested as deep as it is long; its links are numbered in the
        # same order as nesting would number them.
        if len(value) != 2 or type(value[1]) is not tuple:
            return {"$tuple": [self.encode(item, f"{where}[{i}]") for i, item in enumerate(value)]}
        heads = [self.encode(value[0], f"{where}[0]")]
        tail = value[1]
        while len(tail) == 2 and type(tail[1]) is tuple and id(tail) not in self.seen:
            self._number(tail)
            heads.append(self.encode(tail[0], f"{where}[{len(heads)}]"))
            tail = tail[1]
        return {"$chain": heads, "End": self.encode(tail, f"{where}[end]")}


# -- loading -------------------------------------------------------------------------------
def load_state(data: Mapping[str, Any]) -> None:
    """Replace the Customer Profiles state of every account and region with ``data`` (what
    ``dump_state`` returned, or its JSON parsed). Nothing is replaced unless all of it
    loads; other moto services' state is left alone."""
    if not isinstance(data, Mapping) or data.get("Format") != FORMAT:
        raise StateError("not a cp_mock state dump (its Format is not 'cp-mock-state')")
    version = data.get("Version")
    if version != VERSION:
        raise StateError(
            f"this dump is format version {version!r}; this version of cp_mock loads "
            f"version {VERSION} (dump the state again with this version)"
        )
    decoder = _Decoder()
    loaded: list[tuple[str, str, dict[str, Any]]] = []
    try:
        for entry in data["Backends"]:
            account_id, region = str(entry["AccountId"]), str(entry["Region"])
            where = f"{account_id}/{region}"
            try:
                customerprofiles_backends[account_id][region]  # a region moto serves
            except KeyError:
                raise StateError(f"{where}: not a region Customer Profiles is served in") from None
            fresh = backend_state(CustomerProfilesBackend(region, account_id))
            state = {
                name: decoder.decode(value, f"{where}.{name}")
                for name, value in entry["State"].items()
            }
            unknown = sorted(set(state) - set(fresh))
            if unknown:
                raise StateError(f"{where}: this version of cp_mock keeps no {unknown}")
            loaded.append((account_id, region, {**fresh, **state}))
    except StateError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
        raise StateError(
            f"a malformed cp_mock state dump: {type(error).__name__}: {error}"
        ) from error
    _replace_state(loaded)


def _replace_state(loaded: list[tuple[str, str, dict[str, Any]]]) -> None:
    for account_id in list(customerprofiles_backends):
        for backend in customerprofiles_backends[account_id].values():
            backend.reset()
    customerprofiles_backends.clear()
    # (taking an account's backends tells moto to reset them with the mock, as any use does)
    for account_id, region, state in loaded:
        backend = customerprofiles_backends[account_id][region]
        with backend.lock:
            vars(backend).update(state)


class _Decoder:
    def __init__(self) -> None:
        self.numbered: list[Any] = []

    def _reserve(self, value: Any = None) -> int:
        self.numbered.append(value)
        return len(self.numbered) - 1

    def decode(self, value: Any, where: str) -> Any:
        if value is None or type(value) in (bool, int, float, str):
            return value
        if type(value) is list:
            items: list[Any] = []
            self._reserve(items)
            items.extend(self.decode(item, f"{where}[{i}]") for i, item in enumerate(value))
            return items
        if type(value) is not dict:
            raise StateError(f"{where}: unexpected {type(value).__name__}")
        tag = next((key for key in value if key.startswith("$")), None)
        if tag is None:
            mapping: dict[str, Any] = {}
            self._reserve(mapping)
            for key, item in value.items():
                mapping[key] = self.decode(item, f"{where}.{key}")
            return mapping
        body = value[tag]
        scalar = _SCALARS.get(tag)
        if scalar is not None:
            return scalar(body)
        if tag == "$ref":
            found = self.numbered[body]
            if found is _UNDER_CONSTRUCTION:
                raise StateError(f"{where}: a reference into a tuple that holds it")
            return found
        if tag == "$enum":
            return getattr(_model_class(body, where), value["Name"])
        if tag in ("$dict", "$defaultdict"):
            if tag == "$dict":
                target: dict[Any, Any] = {}
            else:
                target = defaultdict(_FACTORIES[body])
                body = value["Items"]
            self._reserve(target)
            for key, item in body:
                decoded_key = self.decode(key, f"{where}(key)")  # numbered before the item
                target[decoded_key] = self.decode(item, f"{where}[{decoded_key!r}]")
            return target
        if tag == "$set":
            members: set[Any] = set()
            self._reserve(members)
            members.update(self.decode(item, f"{where}{{}}") for item in body)
            return members
        if tag == "$deque":
            queue: deque[Any] = deque(maxlen=value["MaxLen"])
            self._reserve(queue)
            queue.extend(self.decode(item, f"{where}[]") for item in body)
            return queue
        if tag == "$object":
            return self._object(_model_class(body, where), value["State"], where)
        if tag in ("$tuple", "$frozenset", "$namedtuple"):
            slot = self._reserve(_UNDER_CONSTRUCTION)
            if tag == "$namedtuple":
                cls = _model_class(body, where)
                built: Any = cls(*(self.decode(item, where) for item in value["Items"]))
            else:
                decoded = [self.decode(item, f"{where}[{i}]") for i, item in enumerate(body)]
                built = tuple(decoded) if tag == "$tuple" else frozenset(decoded)
            self.numbered[slot] = built
            return built
        if tag == "$chain":
            slots = [self._reserve(_UNDER_CONSTRUCTION)]
            heads = [self.decode(body[0], f"{where}[0]")]
            for i, head in enumerate(body[1:], 1):
                slots.append(self._reserve(_UNDER_CONSTRUCTION))
                heads.append(self.decode(head, f"{where}[{i}]"))
            chain = self.decode(value["End"], f"{where}[end]")
            for slot, head in zip(reversed(slots), reversed(heads), strict=True):
                chain = (head, chain)
                self.numbered[slot] = chain
            return chain
        raise StateError(f"{where}: unknown tag {tag}")

    def _object(self, cls: Any, state: Mapping[str, Any], where: str) -> Any:
        instance = cls.__new__(cls)
        self._reserve(instance)
        decoded = {name: self.decode(item, f"{where}.{name}") for name, item in state.items()}
        for derived in _derived_fields(cls):  # a cache a dump holds (taken before the field
            decoded.pop(derived, None)  # was declared derived) is rebuilt, not trusted
        known = _attributes(cls)
        if known is not None:
            unknown = sorted(set(decoded) - known)
            if unknown:
                raise StateError(f"{where}: a {cls.__qualname__} has no {unknown}")
            missing = known - set(decoded)
            if missing:  # added since the dump was taken
                decoded.update(_defaults(cls, missing, where))
        for name, item in decoded.items():
            object.__setattr__(instance, name, item)
        return instance


@functools.cache
def _attributes(cls: Any) -> frozenset[str] | None:
    """What a new instance of ``cls`` holds, when ``cls`` can be made without arguments;
    else its dataclass fields; None when neither tells."""
    try:
        return frozenset(_state_of(cls()))
    except TypeError:
        if dataclasses.is_dataclass(cls):
            return frozenset(f.name for f in dataclasses.fields(cls))
        return None


def _defaults(cls: Any, names: frozenset[str], where: str) -> dict[str, Any]:
    try:
        new = _state_of(cls())
        return {name: new[name] for name in names}
    except TypeError:
        pass
    fields = {f.name: f for f in dataclasses.fields(cls)}
    defaults = {}
    for name in names:
        default, factory = fields[name].default, fields[name].default_factory
        if default is not dataclasses.MISSING:
            defaults[name] = default
        elif callable(factory):
            defaults[name] = factory()
        else:
            raise StateError(f"{where}: the dump has no {cls.__qualname__}.{name}")
    return defaults


_UNDER_CONSTRUCTION = object()


def _count(body: list[int]) -> itertools.count[int]:
    return itertools.count(body[0], body[1])


_SCALARS: dict[str, Callable[[Any], Any]] = {
    "$float": float,
    "$datetime": datetime.fromisoformat,
    "$date": date.fromisoformat,
    "$timedelta": lambda parts: timedelta(days=parts[0], seconds=parts[1], microseconds=parts[2]),
    "$decimal": Decimal,
    "$bytes": base64.b64decode,
    "$count": _count,
}


def _model_class(name: str, where: str) -> Any:
    """A class of cp_mock's models, by ``module:qualname``; nothing else is loaded."""
    module_name, _, qualname = name.partition(":")
    if module_name != MODELS_PACKAGE and not module_name.startswith(MODELS_PACKAGE + "."):
        raise StateError(f"{where}: {name} is not a class of {MODELS_PACKAGE}")
    try:
        found: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            found = getattr(found, part)
    except (ImportError, AttributeError) as error:
        raise StateError(f"{where}: this version of cp_mock has no {name}") from error
    if not isinstance(found, type):
        raise StateError(f"{where}: {name} is not a class")
    return found
