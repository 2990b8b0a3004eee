"""How an object type's Fields and Keys read a profile object (pure functions).

A field's ``Source`` is a path into the object (``_source.address.city``) or a template of
such paths (``{{_source.firstName}} {{_source.lastName}}``, as in the admin guide's
"Examples of object type mappings"); its ``Target`` names a standard profile field
(``_profile.EmailAddress``, ``_profile.Address.City``, ``_profile.Attributes.tier``).
A key's value is the value of its field (several fields are joined with ``_``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import Any, NamedTuple

from ...exceptions import BadRequestException
from ...protocol import service_model
from ...validation import Check, checker
from ..engines.search_keys import EMAIL_ADDRESS, PHONE_NUMBER, STANDARD_CONTENT_TYPES, searchable
from .standard_objects import NO_STANDARD_MAPPING, StandardMapping, compile_standard

TYPED_CONTENT = (PHONE_NUMBER, EMAIL_ADDRESS)  # content types that compare other than as given
_PLACEHOLDER = re.compile(r"\{\{\s*([^}]+?)\s*\}\}")
PROFILE_PREFIX = "_profile."
ADDRESS_FIELDS = ("Address", "ShippingAddress", "MailingAddress", "BillingAddress")
ENUM_FIELDS = {
    "Gender": ("MALE", "FEMALE", "UNSPECIFIED"),
    "PartyType": ("INDIVIDUAL", "BUSINESS", "OTHER"),
}


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _path_parts(path: str) -> tuple[str, ...]:
    parts = path.split(".")
    return tuple(parts[1:] if parts[0] == "_source" else parts)


def _read_parts(document: Mapping[str, Any], parts: tuple[str, ...]) -> str | None:
    value: Any = document
    for part in parts:
        # (a dict first: a check against the Mapping ABC runs Python code each time)
        if (type(value) is not dict and not isinstance(value, Mapping)) or part not in value:
            return None
        value = value[part]
    return value if type(value) is str else _text(value)


def read_path(document: Mapping[str, Any], path: str) -> str | None:
    """The text at ``_source.a.b`` in ``document``, or None where it is absent."""
    return _read_parts(document, _path_parts(path))


def path_reader(path: str) -> Callable[[Mapping[str, Any]], str | None]:
    """``read_path`` of ``path``, with the path split once."""
    parts = _path_parts(path)
    return lambda document: _read_parts(document, parts)


def source_reader(source: str) -> Callable[[Mapping[str, Any]], str | None]:
    """``read_source`` of ``source``, with a plain path split once."""
    if "{{" not in source:
        return path_reader(source)
    return lambda document: read_source(document, source)


def read_source(document: Mapping[str, Any], source: str) -> str | None:
    if "{{" not in source:
        return read_path(document, source)
    parts = {m.group(1): read_path(document, m.group(1)) for m in _PLACEHOLDER.finditer(source)}
    if all(value is None for value in parts.values()):
        return None
    return _PLACEHOLDER.sub(lambda m: parts[m.group(1)] or "", source).strip()


# A field's Source read once: (field name, the path into the object, or None for a
# template of paths, the Source as given)
FieldReaders = tuple[tuple[str, "tuple[str, ...] | None", str], ...]


def field_readers(fields: Mapping[str, Any]) -> FieldReaders:
    readers = []
    for name, field in fields.items():
        source = str(field.get("Source", ""))
        readers.append((name, None if "{{" in source else _path_parts(source), source))
    return tuple(readers)


def read_fields(readers: FieldReaders, document: Mapping[str, Any]) -> dict[str, str]:
    """The value of every field that has one (neither absent nor empty)."""
    values = {}
    for name, parts, source in readers:
        if parts is None:
            value = read_source(document, source)
        else:
            value = _read_parts(document, parts)
        if value:
            values[name] = value
    return values


# A field's Target on the profile: (standard field, member of it or None)
ProfileTargets = dict[str, tuple[str, "str | None"]]


def profile_targets(fields: Mapping[str, Any]) -> ProfileTargets:
    """The fields whose Target is a standard profile field (or a member of one); targets of
    other standard objects (_asset, _case, _order: models/objects/standard_objects.py) are not
    profiles'."""
    targets: ProfileTargets = {}
    for name, field in fields.items():
        target = str(field.get("Target") or "")
        if not target.startswith(PROFILE_PREFIX):
            continue
        path = target[len(PROFILE_PREFIX) :].split(".")
        if len(path) == 2 and (path[0] in ADDRESS_FIELDS or path[0] == "Attributes"):
            targets[name] = (path[0], path[1])
        elif len(path) == 1:
            targets[name] = (path[0], None)
    return targets


@cache
def _profile_members() -> tuple[dict[str, Check], frozenset[str]]:
    """The members a profile can be given (CreateProfile's, but DomainName), each with the
    model's check of it, and the members of an address: what ingestion writes on a profile
    is held to these (docs/ingestion.md, "Values a profile cannot hold")."""
    shape = service_model().operation_model("CreateProfile").input_shape
    checks = {name: checker(member) for name, member in shape.members.items()}
    checks.pop("DomainName", None)
    return checks, frozenset(shape.members["Address"].members)


def _held_to_profile(field_name: str, target: str, member: str, value: Any) -> None:
    """Refuse (BadRequestException naming the object's field) a mapped value the profile
    cannot hold: a member it has not, or a value the model's constraints refuse."""
    checks, address_members = _profile_members()
    check = checks.get(member)
    if check is None or (member in ADDRESS_FIELDS and not value.keys() <= address_members):
        found = [f"{target} is not a member of the standard profile"]
    else:
        found = check(value, member)
    if found:
        raise BadRequestException(
            f"Object: field {field_name} maps to {target}, which cannot hold its value: "
            f"{'; '.join(found)}"
        )


def changes_for(targets: ProfileTargets, values: Mapping[str, str]) -> dict[str, Any]:
    """The standard profile fields the mapped values populate, shaped like UpdateProfile;
    a value the profile cannot hold is refused, whichever way it came in."""
    changes: dict[str, Any] = {}
    for name, value in values.items():
        target = targets.get(name)
        if target is None:
            continue
        field, member = target
        if member is not None:
            _held_to_profile(name, f"{PROFILE_PREFIX}{field}.{member}", field, {member: value})
            changes.setdefault(field, {})[member] = value
        elif field in ENUM_FIELDS:
            upper = value.upper()
            if upper in ENUM_FIELDS[field]:
                changes[field] = upper
            else:
                _held_to_profile(name, f"{PROFILE_PREFIX}{field}", f"{field}String", value)
                changes[f"{field}String"] = value
        else:
            _held_to_profile(name, f"{PROFILE_PREFIX}{field}", field, value)
            changes[field] = value
    return changes


# Admin guide, "Inferred profiles": a profile that ingestion creates takes the value of a
# field of these content types into this standard field, "even if the fields do not have a
# target defined in the field definition".
INFERRED_TARGETS = {"EMAIL_ADDRESS": "EmailAddress", "PHONE_NUMBER": "PhoneNumber"}


def inferred_fields(fields: Mapping[str, Any], values: Mapping[str, str]) -> dict[str, str]:
    """EmailAddress and PhoneNumber of a profile the object creates: the first field (in the
    type's order) of each content type that has a value."""
    inferred: dict[str, str] = {}
    for name, field in fields.items():
        target = INFERRED_TARGETS.get(field.get("ContentType") or "")
        if target is not None and target not in inferred and name in values:
            _held_to_profile(name, f"{PROFILE_PREFIX}{target}", target, values[name])
            inferred[target] = values[name]
    return inferred


class KeyDefinition(NamedTuple):
    name: str
    field_names: tuple[str, ...]
    identifiers: frozenset[str]  # StandardIdentifiers
    content_type: str | None  # PHONE_NUMBER or EMAIL_ADDRESS, else None: compared as given


class KeyValue(NamedTuple):
    name: str
    value: str  # in its searchable form (models/engines/search.py)
    identifiers: frozenset[str]
    content_type: str | None


def compile_keys(keys: Mapping[str, Any], fields: Mapping[str, Any]) -> tuple[KeyDefinition, ...]:
    """An object type's Keys, read once per definition. A key of one field compares as that
    field's ContentType says (the standard _phone and _email keys as phone numbers and
    e-mail addresses); a key of several fields is their values joined, compared as given."""
    compiled = []
    for key_name, definitions in keys.items():
        for definition in definitions:
            names = tuple(definition.get("FieldNames") or ())
            if not names:
                continue
            content_type = STANDARD_CONTENT_TYPES.get(key_name)
            if content_type is None and len(names) == 1:
                declared = (fields.get(names[0]) or {}).get("ContentType")
                content_type = declared if declared in TYPED_CONTENT else None
            identifiers = frozenset(definition.get("StandardIdentifiers") or ())
            compiled.append(KeyDefinition(key_name, names, identifiers, content_type))
    return tuple(compiled)


class CompiledMapping(NamedTuple):
    """An object type's Fields and Keys as ingestion reads them, compiled once per
    definition of the type."""

    readers: FieldReaders
    keys: tuple[KeyDefinition, ...]
    targets: ProfileTargets
    standard: StandardMapping  # the Targets of standard objects other than the profile


def compile_mapping(fields: Mapping[str, Any], keys: Mapping[str, Any]) -> CompiledMapping:
    # (most types target only the profile: their standard mapping is read no further)
    targets_standard = any(
        str(field.get("Target") or "").partition(".")[0] not in ("", "_profile")
        for field in fields.values()
    )
    return CompiledMapping(
        field_readers(fields), compile_keys(keys, fields), profile_targets(fields),
        compile_standard(fields, keys) if targets_standard else NO_STANDARD_MAPPING,
    )  # fmt: skip


def key_values(keys: tuple[KeyDefinition, ...], values: Mapping[str, str]) -> list[KeyValue]:
    """The value of every key whose fields all have values."""
    found = []
    for name, field_names, identifiers, content_type in keys:
        if len(field_names) == 1:
            value = values.get(field_names[0])
            if value is None:
                continue
        elif all(field in values for field in field_names):
            value = "_".join(values[field] for field in field_names)
        else:
            continue
        if content_type is not None:
            value = searchable(value, content_type)
        found.append(KeyValue(name, value, identifiers, content_type))
    return found


def declared_content_type(key_name: str, object_types: Iterable[Any]) -> str | None:
    """The content type the domain's object types give values of ``key_name`` (for values
    that come without a field, as AddProfileKey's do): the standard keys' own, else that of
    the first single-field key of that name whose field compares other than as a string."""
    standard = STANDARD_CONTENT_TYPES.get(key_name)
    if standard is not None:
        return standard
    for object_type in object_types:
        for definition in object_type.keys.get(key_name) or ():
            names = definition.get("FieldNames") or []
            if len(names) == 1:
                content_type = (object_type.fields.get(names[0]) or {}).get("ContentType")
                if content_type in TYPED_CONTENT:
                    return str(content_type)
    return None


# "Reserved key names _profileId, _orderId, _caseId, and _assetId must be declared
# LOOKUP_ONLY" (admin guide, "Reference for standard objects in Customer Profiles"): values
# of these names are the service's own (the profile's id, the standard records' index names).
RESERVED_KEY_NAMES = ("_profileId", "_orderId", "_caseId", "_assetId")


def check_reserved_keys(keys: Mapping[str, Any]) -> None:
    """Refuse a key of a reserved name whose definitions do not all carry LOOKUP_ONLY.
    Applied to definitions arriving now (PutProfileObjectType, CloudFormation), not to a
    state file's, which may hold what was once accepted (docs/standard-objects.md)."""
    for key_name in RESERVED_KEY_NAMES:
        for position, definition in enumerate(keys.get(key_name) or ()):
            if "LOOKUP_ONLY" not in (definition.get("StandardIdentifiers") or ()):
                raise BadRequestException(
                    f"Keys.{key_name}[{position}].StandardIdentifiers: {key_name} is a "
                    "reserved key name and must be declared LOOKUP_ONLY"
                )


def check_definition(fields: Mapping[str, Any], keys: Mapping[str, Any]) -> None:
    """The rules of the admin guide's "Object type mapping requirements" and "Standard
    identifiers" pages that a definition can break before any object arrives."""
    if not keys:
        raise BadRequestException("Keys: an object type needs at least one key")
    unique = 0
    for key_name, definitions in keys.items():
        for definition in definitions:
            identifiers = set(definition.get("StandardIdentifiers") or [])
            if "UNIQUE" in identifiers:
                unique += 1
                if "LOOKUP_ONLY" in identifiers:
                    raise BadRequestException(
                        f"Keys.{key_name}: a key cannot be both UNIQUE and LOOKUP_ONLY"
                    )
            for name in definition.get("FieldNames") or []:
                if name not in fields:
                    raise BadRequestException(
                        f"Keys.{key_name}: field {name!r} is not defined in Fields"
                    )
    if unique != 1:
        raise BadRequestException(
            f"Keys: exactly one key must have the UNIQUE identifier, found {unique}"
        )
    compile_standard(fields, keys)  # the Targets of standard objects (reference page)
