"""Profile objects: ingestion into profiles, listing, deletion and expiry.

Ingestion follows the admin guide's "Standard identifiers" and "How Customer Profiles adds
keys to the index for lookups" pages:
- the UNIQUE key identifies the object: putting the same unique value again replaces it;
- PROFILE keys find the profile, each in turn (keys without SECONDARY first, SECONDARY ones
  only when those find nothing): the first that finds exactly one profile decides; a key
  that finds several is ambiguous and never used ("Profile matching and inferred profiles");
- no profile found: a new (inferred) profile when the type allows profile creation, with
  EmailAddress and PhoneNumber from fields of those content types ("Inferred profiles");
  else the object is accepted and written to the dead-letter queue (models/admin/dead_letters.py);
- on a profile found, fields set through the API are left alone (models/profiles/provenance.py);
- LOOKUP_ONLY keys are never indexed; NEW_ONLY keys only when the put created the profile.
Objects expire ExpirationDays (the type's, else the domain's) after they were put, judged
by the mock's clock whenever the domain is next used.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from ...exceptions import BadRequestException, ResourceNotFoundException
from ..admin.dead_letters import dead_letter
from ..admin.domains import Domain
from ..backend_state import BackendState, Change
from ..core import journal
from ..core.changes import (
    CREATED,
    EXPIRED,
    INGESTED,
    OBJECT_DELETED,
    OBJECT_TYPE_DELETED,
    REMOVALS,
    hears,
)
from ..core.clock import now
from ..core.operations import operation
from ..engines.search import Key
from ..engines.search_keys import Posting
from ..profiles.profiles import (
    new_profile_id,
    profile_state,
    store_new_profile,
    update_stored_profile,
)
from ..profiles.provenance import differing, not_manual, note_ingested
from .mapping import KeyValue, changes_for, inferred_fields, key_values, read_fields
from .object_store import StoredObject
from .object_types import ObjectType, object_type_for_put, object_type_state
from .standard_objects import (
    AmbiguousStandardObject,
    StandardWrite,
    is_standard,
    plan_writes,
)


class Unmatched(Exception):
    """No profile for the object, and none may be made: it goes to the dead-letter queue."""


# How deep an Object may nest (objects and arrays). The API reference gives no limit; a
# bound keeps every walk of a stored object (mapping, event records, copies) far from
# Python's recursion limit, however deep the call that reaches it.
MAX_OBJECT_DEPTH = 100


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not a JSON value")


# json.loads would read NaN, Infinity and -Infinity, which JSON (RFC 8259) does not have
_DECODER = json.JSONDecoder(parse_constant=_not_json)


def parse_object(text: str) -> dict[str, Any]:
    """The Object of a put, read as JSON, or the BadRequestException PutProfileObject
    answers: not JSON, not a JSON object, or nested deeper than ``MAX_OBJECT_DEPTH``."""
    try:
        document = _DECODER.decode(text)
    except RecursionError:
        document = None  # deeper than Python reads: deeper than the limit
    except ValueError as error:
        raise BadRequestException(f"Object is not valid JSON: {error}") from error
    else:
        if not isinstance(document, dict):
            raise BadRequestException("Object must be a JSON object")
        # (fewer brackets than the limit cannot nest deeper: the walk is rarely needed)
        if text.count("{") + text.count("[") <= MAX_OBJECT_DEPTH or _depth(document) <= (
            MAX_OBJECT_DEPTH
        ):
            return document
    raise BadRequestException(f"Object nests deeper than {MAX_OBJECT_DEPTH} levels")


def _depth(document: Any) -> int:
    """How many objects and arrays deep ``document`` nests (walked without recursion)."""
    deepest, waiting = 0, [(document, 1)]
    while waiting:
        value, depth = waiting.pop()
        if depth > deepest:
            deepest = depth
        items = value.values() if type(value) is dict else value
        waiting.extend((item, depth + 1) for item in items if type(item) in (dict, list))
    return deepest


def unique_key_for(type_name: str, key_name: str, value: str) -> str:
    return hashlib.sha256(f"{type_name}\0{key_name}\0{value}".encode()).hexdigest()[:40]


def forget_object(
    domain: Domain, stored: StoredObject, keeping: Collection[Posting] | None = None
) -> set[Posting]:
    """Drop the object and the keys it gave its profile. ``keeping`` (None: the object
    goes for good): the postings of its new version, which it is about to be renewed as
    (``StoredObject.renew``), and which it keeps; what it held of those is answered (the
    new version's ``hold_object``'s ``kept``)."""
    domain.objects.remove(stored.type_name, stored.unique_key, for_good=keeping is None)
    return domain.index.remove_source(stored.profile_id, stored, stored.postings(), keeping or ())


# -- ingestion: what every area that puts objects calls ----------------------------
def _match_profile(
    domain: Domain,
    object_type: ObjectType,
    keys: list[KeyValue],
    previous: StoredObject | None,
) -> str | None:
    """The profile the object belongs to, or None when a new profile is to be made."""
    primary: list[KeyValue] = []  # PROFILE keys without SECONDARY are tried first
    secondary: list[KeyValue] = []
    for key in keys:
        if "PROFILE" in key.identifiers:
            (secondary if "SECONDARY" in key.identifiers else primary).append(key)
    ambiguous = []
    for key in (*primary, *secondary):
        found = domain.index.find_searchable(key.name, key.value, key.content_type)
        # "If more than one profile matches, the match is ambiguous—that key is
        # discarded and the next is tried" (admin guide, "Profile matching")
        if len(found) == 1:
            return found.pop()
        if found:
            ambiguous.append(f"{key.name} matches {len(found)} profiles")
    if previous is not None and previous.profile_id in domain.profiles:
        return previous.profile_id
    if object_type.allow_profile_creation:
        return None
    raise Unmatched(
        f"No PROFILE key of this {object_type.name} object matches exactly one profile"
        + (f" ({'; '.join(ambiguous)})" if ambiguous else "")
        + " and the object type does not allow profile creation"
    )


def ingest(
    backend: BackendState,
    domain: Domain,
    object_type: ObjectType,
    body: str,
    origin: str | None = None,
) -> str:
    """Put the object on its profile; its ProfileObjectUniqueKey. ``origin``: where an
    integration read it (told to the dead-letter queue)."""
    document = parse_object(body)
    mapping = object_type.mapping
    values = read_fields(mapping.readers, document)
    keys = key_values(mapping.keys, values)
    for unique in keys:
        if "UNIQUE" in unique.identifiers:
            break
    else:
        unique_names = [
            f"{name} ({', '.join(d.get('FieldNames') or [])})"
            for name, definitions in object_type.keys.items()
            for d in definitions
            if "UNIQUE" in (d.get("StandardIdentifiers") or [])
        ]
        raise BadRequestException(
            f"Object lacks the fields of its UNIQUE key {', '.join(unique_names)}"
        )
    unique_key = unique_key_for(object_type.name, unique.name, unique.value)
    previous = domain.objects.get(object_type.name, unique_key)
    try:
        profile_id = _match_profile(domain, object_type, keys, previous)
        standard_writes = (
            plan_writes(domain.objects, mapping.standard, values, keys,
                        (unique.name, unique.value), profile_id, new_profile_id)
            if mapping.standard.targets else []
        )  # fmt: skip
    except (Unmatched, AmbiguousStandardObject) as unmatched:
        dead_letter(domain, backend.account_id, backend.region_name, object_type.name, body,
                    unique_key, str(unmatched), origin=origin)  # fmt: skip
        return unique_key
    created = profile_id is None
    put_at = now()
    expires_at = put_at + timedelta(days=object_type.expiration_days(domain))
    stored_keys: dict[str, set[str]] = {}  # every key but the LOOKUP_ONLY ones
    kept = []  # those the profile is given: NEW_ONLY ones only when the put creates it
    kept_postings = set()
    shared = domain.index.shared_value
    for key in keys:
        if "LOOKUP_ONLY" not in key.identifiers:
            stored_keys.setdefault(key.name, set()).add(shared(key.value))
            if created or "NEW_ONLY" not in key.identifiers:
                kept.append(key)
                kept_postings.add((key.name, key.value))
    mapped = changes_for(mapping.targets, values)  # refuses what a profile cannot hold
    inferred = inferred_fields(object_type.fields, values) if created else {}
    # Everything that can reject the object has run: from here on, write.
    still_held: set[Posting] = set()  # (what the version it replaces leaves counted)
    if previous is not None:
        # A new version of an object keeps the keys it shares with the old one (the
        # index source is the same: the object, renewed below), so re-putting an
        # unchanged record leaves the index as it is.
        same_profile = previous.profile_id == profile_id
        keeping = kept_postings if same_profile else set()
        still_held = forget_object(domain, previous, keeping)
    if profile_id is None:
        profile_id = store_new_profile(domain, {})["ProfileId"]
    profile = domain.profiles[profile_id]
    record = domain.ingested.get(profile_id)
    changes = mapped
    if created:  # an inferred profile: its mapping's own targets win
        changes = differing(profile, {**inferred, **changes})
    elif changes:  # fields set through the API are not overwritten
        changes = differing(profile, not_manual(profile, record, changes))
    if changes:  # the standard keys follow the profile's fields, so only a change moves them
        if record is None:
            journal.keep_new(domain.ingested, profile_id)
            record = domain.ingested[profile_id] = {}
        note_ingested(record, object_type.name, changes)
        update_stored_profile(domain, profile, changes)
    if created:
        backend.publish(Change(CREATED, domain, profile_id))
    if previous is None:
        stored = StoredObject(object_type.name, unique_key, profile_id, body, stored_keys,
                              expires_at, put_at)  # fmt: skip
    else:  # (out of the store since ``forget_object``)
        stored = previous
        stored.renew(profile_id, body, stored_keys, expires_at, put_at)
    domain.index.hold_object(profile_id, stored, kept, stored.postings(), still_held)
    domain.objects.add(stored)
    for write in standard_writes:
        _write_standard_object(domain, profile_id, write, put_at, expires_at)
    limit = object_type.settings.get("MaxProfileObjectCount")
    if limit:
        _evict_over_limit(backend, domain, object_type, profile_id, int(limit))
    backend.publish(
        Change(
            INGESTED, domain, profile_id, object_type.name, unique_key,
            object_is_new=previous is None, profile_changed=bool(changes) and not created,
            document=document,
        )
    )  # fmt: skip
    for write in standard_writes:  # each standard object the put wrote, as a change
        backend.publish(
            Change(INGESTED, domain, profile_id, write.type_name, write.unique_key,
                   object_is_new=write.previous is None, document=write.document)
        )  # fmt: skip
    return unique_key


def _write_standard_object(
    domain: Domain, profile_id: str, write: StandardWrite, put_at: datetime,
    expires_at: datetime,
) -> None:  # fmt: skip
    """Store the standard object as the put leaves it (its fields merged with what it
    held), searchable by its standard index names; it expires as the put object does."""
    body = json.dumps(write.document, separators=(",", ":"))
    stored = write.previous
    still_held: set[Posting] = set()
    if stored is None:
        stored = StoredObject(write.type_name, write.unique_key, profile_id, body, write.keys,
                              expires_at, put_at)  # fmt: skip
    else:  # its new version, in place: the index keeps the postings it holds again
        still_held = forget_object(domain, stored, set(write.postings))
        stored.renew(profile_id, body, write.keys, expires_at, put_at)
    held = [Key(index_name, value) for index_name, value in write.postings]
    domain.index.hold_object(profile_id, stored, held, stored.postings(), still_held)
    domain.objects.add(stored)


def _evict_over_limit(
    backend: BackendState, domain: Domain, object_type: ObjectType, profile_id: str, limit: int
) -> None:
    """Keep at most ``limit`` (MaxProfileObjectCount) objects of the type per profile,
    the newest."""
    held = domain.objects.of_profile(profile_id, object_type.name)
    for stored in held[: max(0, len(held) - limit)]:
        forget_object(domain, stored)
        backend.publish(Change(OBJECT_DELETED, domain, profile_id, stored.type_name,
                                stored.unique_key))  # fmt: skip


class ObjectOperations(BackendState):
    # -- keeping objects current -------------------------------------------------------
    def _expire_objects(self, domain: Domain, at: float) -> None:
        """Remove the objects that have expired by ``at`` (POSIX seconds), each as a change."""
        for stored in domain.objects.due(at):
            forget_object(domain, stored)
            self.publish(
                Change(EXPIRED, domain, stored.profile_id, stored.type_name, stored.unique_key)
            )

    @hears(*REMOVALS)
    def drop_removed_profile_objects(self, change: Change) -> None:
        """Subscriber, before the profile goes: a removed profile's objects go with it; a
        merged-away one's move to the profile it was merged into (their keys move with
        the profile's)."""
        if not change.removes_profile:
            return
        domain, profile_id = change.domain, change.profile_id
        held = domain.objects.of_profile(profile_id)
        if change.merged_into is not None:  # (their keys go with them)
            domain.index.move_objects(profile_id, change.merged_into, held)
        for stored in held:
            if change.merged_into is not None:
                domain.objects.reassign(stored, change.merged_into)
            else:
                forget_object(domain, stored)

    # -- operations --------------------------------------------------------------------
    @operation("PutProfileObject")
    def put_profile_object(
        self, domain_name: str, object_type_name: str, object: str
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        object_type = object_type_for_put(self, domain, object_type_name)
        return {"ProfileObjectUniqueKey": ingest(self, domain, object_type, object)}

    @operation("ListProfileObjects")
    def list_profile_objects(
        self,
        domain_name: str,
        object_type_name: str,
        profile_id: str,
        object_filter: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        if not is_standard(object_type_name):  # (a standard object's records are listed too)
            object_type_state(domain, object_type_name)
        profile_state(domain, profile_id)
        objects = domain.objects.of_profile(profile_id, object_type_name)
        if object_filter:
            wanted = domain.index.searched_forms(object_filter["KeyName"], object_filter["Values"])
            key_name = object_filter["KeyName"]
            objects = [o for o in objects if not wanted.isdisjoint(o.values_of(key_name))]
        return {
            "Items": [
                {
                    "ObjectTypeName": o.type_name,
                    "ProfileObjectUniqueKey": o.unique_key,
                    "Object": o.body,
                }
                for o in objects
            ]
        }

    @operation("DeleteProfileObject")
    def delete_profile_object(
        self,
        domain_name: str,
        profile_id: str,
        profile_object_unique_key: str,
        object_type_name: str,
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        stored = domain.objects.get(object_type_name, profile_object_unique_key)
        if stored is None or stored.profile_id != profile_id:
            raise ResourceNotFoundException(
                f"Profile {profile_id} has no {object_type_name} object {profile_object_unique_key}"
            )
        forget_object(domain, stored)
        self.publish(Change(OBJECT_DELETED, domain, profile_id, object_type_name,
                            profile_object_unique_key))  # fmt: skip
        return {"Message": f"Object {profile_object_unique_key} deleted"}

    @operation("DeleteProfileObjectType")
    def delete_profile_object_type(self, domain_name: str, object_type_name: str) -> dict[str, Any]:
        """Remove the type, its objects, and the standard profile fields it populated
        (the seed's DeleteProfileObjectType); integrations using it are told too."""
        domain = self.get_domain_state(domain_name)
        object_type = object_type_state(domain, object_type_name)
        for stored in domain.objects.of_type(object_type_name):
            forget_object(domain, stored)
        self._scrub_fields(domain, object_type_name)
        self.publish(Change(OBJECT_TYPE_DELETED, domain, object_type_name=object_type_name))
        self.tags.forget(object_type.arn)
        del domain.object_types[object_type_name]
        return {"Message": f"Object type {object_type_name} deleted"}

    def _scrub_fields(self, domain: Domain, type_name: str) -> None:
        for profile_id, populated in domain.ingested.items():
            profile = domain.profiles.get(profile_id)
            scrubbed: dict[str, Any] = {}
            for path, (source_type, value) in list(populated.items()):
                if source_type != type_name:
                    continue
                journal.keep_whole(populated)
                del populated[path]
                field, _, member = path.partition(".")
                current = profile.get(field) if profile else None
                if member and isinstance(current, dict) and current.get(member) == value:
                    scrubbed.setdefault(field, {})[member] = ""
                elif not member and current == value:
                    scrubbed[field] = ""
            if profile is not None and scrubbed:
                update_stored_profile(domain, profile, scrubbed)
