"""Where each standard profile field came from: ingestion, or an API call (pure functions).

Admin guide, "Additional properties of object types in Customer Profiles": an ingested
object that matches an existing profile "will not overwrite fields manually populated
through an API call or the Agent Workspace". A domain keeps, per profile, the fields that
ingestion populated (path -> the object type and the value it wrote); every other field a
profile holds was set through CreateProfile, UpdateProfile or a merge of such fields, and
is manual. A path is a field name, or ``Field.member`` inside an address or Attributes,
so an API-set city does not stop ingestion filling the postal code. Keeping only the
ingested fields costs nothing for profiles that never see an object.

- CreateProfile / UpdateProfile: every field they set becomes manual; a field they clear
  (an empty string) is no longer populated at all, so ingestion may fill it again.
- Ingestion: fills a field that is absent or was populated by ingestion; leaves a manual
  field as it is. A profile that ingestion creates holds only ingested fields.
- MergeProfiles: each field of the main profile keeps the origin it had on the profile its
  value came from (see ``merged_record``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..core import journal

Record = dict[str, tuple[str, str]]  # field path -> (object type, value it wrote)

# Fields set member by member (UpdateProfile and mappings address them as Field.member).
MEMBER_FIELDS = ("Address", "ShippingAddress", "MailingAddress", "BillingAddress", "Attributes")


def paths(fields: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """(path, value) for every value in ``fields`` (a profile, or changes shaped like one)."""
    for field, value in fields.items():
        if isinstance(value, dict):
            for member, member_value in value.items():
                yield f"{field}.{member}", member_value
        else:
            yield field, value


def value_at(profile: Mapping[str, Any], path: str) -> Any:
    field, _, member = path.partition(".")
    value = profile.get(field)
    if member:
        return value.get(member) if isinstance(value, dict) else None
    return value


def not_manual(
    profile: Mapping[str, Any], record: Record | None, changes: Mapping[str, Any]
) -> dict[str, Any]:
    """``changes`` without the paths the profile holds manually (set through the API)."""
    if not record:
        record = {}
    kept: dict[str, Any] = {}
    for field, value in changes.items():
        if isinstance(value, dict):
            current = profile.get(field) or {}
            members = {
                member: member_value
                for member, member_value in value.items()
                if member not in current or f"{field}.{member}" in record
            }
            if members:
                kept[field] = members
        elif field not in profile or field in record:
            kept[field] = value
    return kept


def differing(profile: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """``changes`` without the values the profile already holds."""
    kept: dict[str, Any] = {}
    for field, value in changes.items():
        if isinstance(value, dict):
            current = profile.get(field) or {}
            members = {m: v for m, v in value.items() if current.get(m) != v}
            if members:
                kept[field] = members
        elif profile.get(field) != value:
            kept[field] = value
    return kept


def note_ingested(record: Record, type_name: str, changes: Mapping[str, Any]) -> None:
    """Note the paths this type gives a new value (``changes`` holds only those: a value the
    profile already had was not populated by it), so deleting the type can scrub them."""
    journal.keep_whole(record)
    for path, value in paths(changes):
        record[path] = (type_name, value)


def release(record: Record, changes: Mapping[str, Any]) -> None:
    """The API set (or cleared) these paths: ingestion no longer owns them."""
    journal.keep_whole(record)
    for path, _ in paths(changes):
        record.pop(path, None)


def merged_record(
    merged: Mapping[str, Any], sources: list[tuple[Mapping[str, Any], Record]]
) -> Record:
    """The main profile's record after a merge: a path is ingested when the first profile
    (main first, then the merged ones in order) that holds the merged value there had it
    from ingestion; manual when that profile had it manually."""
    record: Record = {}
    for path, value in paths(merged):
        if path == "ProfileId":
            continue
        for profile, source_record in sources:
            if value_at(profile, path) == value:
                if path in source_record:
                    record[path] = source_record[path]
                break
    return record
