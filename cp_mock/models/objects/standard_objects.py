"""Standard objects: the fixed-schema records (asset, order, case, loyalty and travel
records, ...) that object type mappings fill through their fields' Targets.

Admin guide, "Reference for standard objects in Customer Profiles":
- a field's ``Target`` (``_asset.SerialNumber``, ``_airSegment.Seat.Price``) places its
  value into a standard object; a key's standard identifier (``ASSET``) says which record:
  one record found by the key's value is the one written, several reject the ingestion
  (the object goes to the dead-letter queue, as an unmatched one does), none makes one;
- standard objects "are not replaced wholesale by ingestion": each put contributes only
  the fields its mapping targets, so several object types build one record over time;
- every standard object has an ID field Customer Profiles assigns, which no Target sets;
- a field targeting a standard object needs a key carrying that object's identifier.
Each object's page lists its fields and its standard index names (``_caseId``), which
SearchProfiles takes as key names. The schemas are data (cp_mock/data/standard_objects),
read when first needed. The choices where the guide is silent: docs/standard-objects.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from typing import Any, NamedTuple

from ...exceptions import BadRequestException
from .object_store import IDENTITY_PREFIX, StoredObject

PROFILE_TYPE = "_profile"
STRING, NUMBER, MAP, OPEN = "String", "Number", "Map", "Open"
ANY_FIELD = "*"  # a schema whose member list the guide does not give in full


class Schema(NamedTuple):
    type_name: str  # _asset
    identifier: str | None  # ASSET; None: the communication record has none
    id_field: str  # AssetId, assigned by the service
    fields: Mapping[str, str]  # field -> String, Number, Map, Open, a structure, List<...>
    structures: Mapping[str, Mapping[str, str]]
    indexes: Mapping[str, str]  # standard index name -> field


@cache
def schemas() -> dict[str, Schema]:
    """Every standard object the guide documents, by object type name (read once, on
    first use: nothing at import)."""
    folder = resources.files("cp_mock") / "data" / "standard_objects"
    found = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".json"):
            data = json.loads(entry.read_text())
            found[data["ObjectTypeName"]] = Schema(
                data["ObjectTypeName"], data["StandardIdentifier"], data["IdField"],
                data["Fields"], data["Structures"], data["Indexes"],
            )  # fmt: skip
    return dict(sorted(found.items()))


def is_standard(type_name: str) -> bool:
    """Whether ``type_name`` names a standard object other than the profile."""
    return type_name.startswith("_") and type_name != PROFILE_TYPE and type_name in schemas()


def refuse_standard_put(type_name: str) -> None:
    """ "You can't call PutProfileObject with _profile or any other standard object type
    name" (the reference page)."""
    if type_name == PROFILE_TYPE or is_standard(type_name):
        raise BadRequestException(
            f"ObjectTypeName: {type_name} is a standard object, which ingestion fills "
            "through an object type's field Targets; it cannot be put directly"
        )


# -- definitions ---------------------------------------------------------------------------
class StandardTarget(NamedTuple):
    field_name: str  # the object type's field
    type_name: str  # the standard object
    path: tuple[str, ...]  # where in it: ("Seat", "Price")
    number: bool  # the standard field holds a Number


class StandardMapping(NamedTuple):
    targets: tuple[StandardTarget, ...]
    type_names: tuple[str, ...]  # the standard objects targeted, in the fields' order


NO_STANDARD_MAPPING = StandardMapping((), ())


def _kind_at(schema: Schema, path: tuple[str, ...], member: str, target: str) -> bool:
    """Walk ``path`` through the schema; whether it ends at a Number. BadRequestException
    naming ``member`` where the path leaves the schema."""

    def refuse(why: str) -> BadRequestException:
        return BadRequestException(f"{member}: {target}: {why}")

    fields: Mapping[str, str] = schema.fields
    where = schema.type_name
    position = 0
    while position < len(path):
        name = path[position]
        kind = fields.get(name) or fields.get(ANY_FIELD)
        if kind is None:
            raise refuse(f"{where} has no field {name}")
        last = position == len(path) - 1
        if kind in (STRING, NUMBER):
            if not last:
                raise refuse(f"{where}.{name} is a {kind}, which has no members")
            return kind == NUMBER
        if kind == OPEN:
            return False
        if kind.startswith("List<"):
            raise refuse(f"{where}.{name} is a list, which a Target cannot fill")
        if kind == MAP or kind.startswith("Map<"):
            if last:
                raise refuse(f"{where}.{name} is a map: name a key, as {name}.<key>")
            position += 1  # the key, any name
            if kind == MAP:
                if position != len(path) - 1:
                    raise refuse(f"{where}.{name} maps keys to strings, which have no members")
                return False
            kind = kind[len("Map<") : -1]
            if position == len(path) - 1:
                raise refuse(f"{where}.{name} maps keys to {kind}: name one of its fields")
        elif last:
            raise refuse(f"{where}.{name} is a structure ({kind}): name one of its fields")
        fields, where = schema.structures[kind], kind
        position += 1
    raise refuse("names no field")  # (an empty path never gets here: split gives one part)


def compile_standard(fields: Mapping[str, Any], keys: Mapping[str, Any]) -> StandardMapping:
    """The fields whose Target is a standard object's field, checked against its schema
    and against the keys (BadRequestException naming the member). A Target whose prefix
    names no standard object the guide documents (``_custom.x``) is kept as given and
    fills nothing (docs/standard-objects.md)."""
    targets = []
    for name, field in fields.items():
        target = str(field.get("Target") or "")
        type_name, _, rest = target.partition(".")
        if not is_standard(type_name):
            continue
        member = f"Fields.{name}.Target"
        schema = schemas()[type_name]
        path = tuple(rest.split(".")) if rest else ()
        if not path or "" in path:
            raise BadRequestException(f"{member}: {target} must name a field of {type_name}")
        if path == (schema.id_field,):
            raise BadRequestException(
                f"{member}: {target} is system-managed: Customer Profiles assigns it, and "
                "no Target can set it"
            )
        number = _kind_at(schema, path, member, target)
        targets.append(StandardTarget(name, type_name, path, number))
    type_names = tuple(dict.fromkeys(t.type_name for t in targets))
    carried = {
        identifier
        for definitions in keys.values()
        for definition in definitions
        for identifier in definition.get("StandardIdentifiers") or ()
    }
    for type_name in type_names:
        identifier = schemas()[type_name].identifier
        if identifier is not None and identifier not in carried:
            raise BadRequestException(
                f"Keys: a field targets {type_name}, so at least one key must carry its "
                f"standard identifier {identifier}"
            )
    return StandardMapping(tuple(targets), type_names)


# -- ingestion -----------------------------------------------------------------------------
class AmbiguousStandardObject(Exception):
    """A key finds several records of a standard object: the ingestion is rejected."""


class StandardWrite(NamedTuple):
    """What one put does to one standard object, computed before anything is written."""

    type_name: str
    unique_key: str  # its ID field's value, which is also its ProfileObjectUniqueKey
    previous: StoredObject | None
    document: dict[str, Any]
    keys: dict[str, set[str]]  # its identifying keys and its index postings
    postings: tuple[tuple[str, str], ...]  # (standard index name, value)


def _as_number(text: str) -> int | float | None:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    return int(value) if value == value.to_integral_value() and "." not in text else float(value)


def _contributions(
    targets: tuple[StandardTarget, ...], values: Mapping[str, str]
) -> dict[str, dict[str, Any]]:
    """Standard object type -> the nested fields this put gives it."""
    found: dict[str, dict[str, Any]] = {}
    for field_name, type_name, path, number in targets:
        text = values.get(field_name)
        if text is None:
            continue
        value: Any = _as_number(text) if number else text
        if value is None:
            continue  # not a number: no value (as a calculated attribute reads it)
        node = found.setdefault(type_name, {})
        for part in path[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[path[-1]] = value
    return found


def _merged(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(old)
    for name, value in new.items():
        before = merged.get(name)
        if isinstance(value, dict) and isinstance(before, dict):
            merged[name] = _merged(before, value)
        else:
            merged[name] = value
    return merged


def _document(stored: StoredObject) -> dict[str, Any]:
    try:
        document = json.loads(stored.body)
    except ValueError:
        return {}
    return document if isinstance(document, dict) else {}


def plan_writes(
    objects: Any,  # the domain's ObjectStore
    mapping: StandardMapping,
    values: Mapping[str, str],
    keys: list[Any],  # the put's KeyValues
    object_identity: tuple[str, str],  # (the type's UNIQUE key name, its value)
    profile_id: str | None,  # None: the put makes a new profile
    new_id: Callable[[], str],
) -> list[StandardWrite]:
    """The standard objects the put writes. A record is looked for among the profile's
    records of that object, by each key carrying its identifier in turn (through the
    store's index of identifying key values, not a scan): the first key that finds any
    decides; several found raise AmbiguousStandardObject. A record with no identifier
    (the communication record) is the put object's own."""
    writes = []
    for type_name, contribution in _contributions(mapping.targets, values).items():
        schema = schemas()[type_name]
        if schema.identifier is None:
            identity = [(f"{IDENTITY_PREFIX}{object_identity[0]}", object_identity[1])]
        else:
            identity = [
                (f"{IDENTITY_PREFIX}{key.name}", key.value)
                for key in keys
                if schema.identifier in key.identifiers
            ]
        if not identity:
            continue  # no key value says which record: nothing is written to one
        previous = None
        for name, value in identity:
            if profile_id is None:
                break  # a new profile holds no records
            found = objects.holding(profile_id, type_name, name, value)
            if len(found) > 1:
                raise AmbiguousStandardObject(
                    f"key {name[len(IDENTITY_PREFIX) :]} value {value} matches {len(found)} "
                    f"{type_name} records of the profile"
                )
            if found:
                previous = found[0]
                break
        if previous is None:
            unique_key = new_id()
            document = {schema.id_field: unique_key, **contribution}
            kept: dict[str, set[str]] = {}
        else:
            unique_key = previous.unique_key
            document = _merged(_document(previous), contribution)
            kept = {n: set(v) for n, v in previous.keys.items() if n.startswith(IDENTITY_PREFIX)}
        for name, value in identity:
            kept.setdefault(name, set()).add(value)
        index = tuple(
            (index_name, str(document[field]))
            for index_name, field in schema.indexes.items()
            if isinstance(document.get(field), (str, int, float)) and document[field] != ""
        )
        for index_name, value in index:
            kept.setdefault(index_name, set()).add(value)
        writes.append(StandardWrite(type_name, unique_key, previous, document, kept, index))
    return writes
