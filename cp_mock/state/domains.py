"""A backend's state document: its domains, each with its resources, profiles, objects and
history, and its integrations; and how loading rebuilds what the document leaves out.

Left out, and rebuilt on load by the code the write path uses: the search index's
postings (from each profile's standard fields, the keys added to it, and its objects'
keys), creation ranks, the profile and object expiry heaps, the object store's indexes by
profile and its sizes, the history record counter, and every calculated attribute's
values (its definition counts again, in order, the objects it counted). Written, because
nothing else tells them: what each profile is searchable by beyond its own fields and its
objects' keys (``AddedKeys``, ``MergedKeys``, and the rare ``StandardKeys`` or
``ProfileKeys`` where a key was deleted), which fields ingestion populated, and when
each profile expires.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from ..models.admin.domains import Domain
from ..models.backend import CustomerProfilesBackend
from ..models.engines.search import Key, Source
from ..models.engines.search_keys import (
    ADDED_SOURCE,
    EMAIL_ADDRESS,
    PHONE_NUMBER,
    STANDARD_SOURCE,
    Posting,
    standard_postings,
)
from ..models.objects.object_store import StoredObject
from ..models.objects.standard_objects import is_standard
from .codecs import (
    JSON_TEXT,
    MOMENT,
    SECONDS,
    STRINGS,
    TEXT,
    Codec,
    Context,
    ListOf,
    MapOf,
    Member,
    Named,
    Record,
    Row,
    StateError,
    at,
    exact,
    expect,
    member_path,
    optional,
    parse_json_object,
)
from .history import dump_history, load_history
from .resources import (
    CALCULATED_ATTRIBUTES,
    DEAD_LETTER,
    DOMAIN_OBJECT_TYPE,
    EVENT_STREAM,
    EVENT_TRIGGER,
    IDENTITY_JOB,
    INTEGRATION,
    INTEGRATION_SOURCES,
    INTENT_DEFINITION,
    INVOCATION,
    LAYOUT,
    NAMES,
    OBJECT_TYPE,
    RECOMMENDER,
    RECOMMENDER_FILTER,
    RECOMMENDER_SCHEMA,
    SEGMENT_DEFINITION,
    SEGMENT_ESTIMATE,
    SEGMENT_SNAPSHOT,
    SEGMENT_STREAM,
    SEGMENT_SUBSCRIPTION,
    UPLOAD_JOB,
    WORKFLOW,
    named_by,
)
from .shapes import Api

MERGED_SOURCE = "merged:"  # the index's source of a merged-away profile's standard keys


# -- the domain's resources: (member, the attributes of Domain that hold it, codec) ------
def _named(record: Record, attribute: str = "name") -> Named:
    return Named(record, named_by(attribute))


RESOURCES: tuple[tuple[str, tuple[str, ...], Codec], ...] = (
    ("ProfileObjectTypes", ("object_types",), _named(OBJECT_TYPE)),
    ("DomainObjectTypes", ("admin", "domain_object_types"), _named(DOMAIN_OBJECT_TYPE)),
    ("EventStreams", ("events", "streams"), _named(EVENT_STREAM)),
    ("EventTriggers", ("events", "triggers"), _named(EVENT_TRIGGER)),
    ("EventTriggerInvocations", ("events", "trigger_invocations"), ListOf(INVOCATION)),
    ("DeadLetters", ("admin", "dead_letters"), ListOf(DEAD_LETTER)),
    ("IdentityResolutionJobs", ("identity_jobs",), ListOf(IDENTITY_JOB)),
    ("Workflows", ("data_in", "workflows"), _named(WORKFLOW, "workflow_id")),
    ("IntegrationSources", ("data_in", "integration_sources"), INTEGRATION_SOURCES),
    ("RecommenderSchemas", ("recommendations", "schemas"), _named(RECOMMENDER_SCHEMA)),
    ("RecommenderFilters", ("recommendations", "filters"), _named(RECOMMENDER_FILTER)),
    ("Recommenders", ("recommendations", "recommenders"), _named(RECOMMENDER)),
    ("SegmentDefinitions", ("segments", "definitions"), _named(SEGMENT_DEFINITION)),
    ("SegmentEstimates", ("segments", "estimates"),
     Named(SEGMENT_ESTIMATE, lambda estimate: estimate["EstimateId"])),
    ("SegmentSnapshots", ("segments", "snapshots"), _named(SEGMENT_SNAPSHOT, "snapshot_id")),
    ("SegmentSubscriptions", ("segments", "subscriptions"),
     _named(SEGMENT_SUBSCRIPTION, "segment_name")),
    ("Layouts", ("admin", "layouts"), _named(LAYOUT)),
    ("IntentDefinitions", ("intents", "definitions"), _named(INTENT_DEFINITION, "intent_domain")),
    # what each profile's activity shows of each intent type (models/insights/intents.py)
    ("ProfileIntents", ("intents", "profile_intents"), MapOf(MapOf(TEXT))),
    ("UploadJobs", ("data_in", "upload_jobs"), _named(UPLOAD_JOB, "job_id")),
)  # fmt: skip

# The fields of Domain, each written by a part of its document or rebuilt on load.
WRITTEN_FIELDS = frozenset(
    {"name", "arn", "settings", "created_at", "last_updated_at", "profiles", "ingested",
     "profile_expiry", "objects", "history", "calculated_attributes",
     *(attributes[0] for _, attributes, _ in RESOURCES)}
)  # fmt: skip
DERIVED_FIELDS = frozenset({"index", "profile_rank", "_ranks", "history_ids"})

DOMAIN = Record(
    {"DomainName": Member("name", TEXT), "DomainArn": Member("arn", TEXT),
     "CreatedAt": Member("created_at", MOMENT), "LastUpdatedAt": Member("last_updated_at", MOMENT)},
    kind=Domain,
    settings=("settings", Api("CreateDomain", omit=NAMES)),
    tagged=True,
)  # fmt: skip

_KEYS = MapOf(STRINGS)  # key name -> values, as indexed
PROFILE = Record(
    {"ExpiresAt": optional("expires_at", SECONDS),
     # path -> (the object type that populated it, the value it wrote)
     "IngestedFields": optional("ingested", MapOf(Row((("ObjectTypeName", TEXT),
                                                       ("Value", TEXT))))),
     "AddedKeys": optional("added", _KEYS),
     # merged-away profile id -> the keys its standard fields gave it
     "MergedKeys": optional("merged", MapOf(_KEYS)),
     "StandardKeys": optional("standard", _KEYS)},
    settings=("profile", Api("SearchProfiles", "Items[]", output=True, omit=("FoundByItems",))),
    settings_first=True,
)  # fmt: skip

STORED_OBJECT = Record(
    {"ProfileObjectUniqueKey": Member("unique_key", TEXT), "ProfileId": Member("profile_id", TEXT),
     "Object": Member("body", JSON_TEXT), "PutAt": Member("put_at", MOMENT),
     "ExpiresAt": Member("expires_at", MOMENT),
     # every key value the type's Keys read from it; what it gives its profile, if not all
     "Keys": Member("keys", _KEYS), "ProfileKeys": optional("profile_keys", _KEYS)},
)  # fmt: skip
OBJECT_GROUP = Record(
    {"ObjectTypeName": Member("type_name", TEXT),
     "Objects": Member("objects", ListOf(STORED_OBJECT))},
)  # fmt: skip


class _ContentTypes(Codec):
    """Key name -> the content types its values were indexed as (null: as given)."""

    def dump(self, value: Any, ctx: Any) -> Any:
        return {key: sorted(types, key=lambda t: t or "") for key, types in value.items()}

    def load(self, value: Any, path: str, ctx: Any) -> Any:
        loaded = MapOf(ListOf(_CONTENT_TYPE)).load(value, path, ctx)
        return {key: set(types) for key, types in loaded.items()}


class _ContentType(Codec):
    def dump(self, value: Any, ctx: Any) -> Any:
        return value

    def load(self, value: Any, path: str, ctx: Any) -> Any:
        if value not in (None, PHONE_NUMBER, EMAIL_ADDRESS):
            raise StateError(f"must be null, {PHONE_NUMBER} or {EMAIL_ADDRESS}", path)
        return value


_CONTENT_TYPE = _ContentType()
CONTENT_TYPES = _ContentTypes()

# the members of a domain's document that are not the domain's own (DOMAIN's)
_PARTS = frozenset(
    {*(name for name, _, _ in RESOURCES), "Profiles", "ProfileObjects", "ProfileHistory",
     "KeyContentTypes", "CalculatedAttributeDefinitions", "SegmentStream"}
)  # fmt: skip


# -- writing -------------------------------------------------------------------------------
def dump_domain(domain: Domain, ctx: Context) -> dict[str, Any]:
    out: dict[str, Any] = DOMAIN.dump(domain, ctx)
    for name, attributes, codec in RESOURCES:
        value = _get(domain, attributes)
        if value:
            out[name] = codec.dump(value, ctx)
    if domain.segments.stream is not None:
        out["SegmentStream"] = SEGMENT_STREAM.dump(domain.segments.stream, ctx)
    exact(domain.profiles, dict, "a dict of profiles")
    held_by_objects: dict[Source, set[Posting]] = {}
    profiles = [_dump_profile(domain, pid, held_by_objects, ctx) for pid in domain.profiles]
    if profiles:
        out["Profiles"] = profiles
    objects = _dump_objects(domain, held_by_objects, ctx)
    if objects:
        out["ProfileObjects"] = objects
    history = dump_history(domain, ctx)
    if history:
        out["ProfileHistory"] = history
    content_types = domain.index.content_types()
    if content_types:
        out["KeyContentTypes"] = CONTENT_TYPES.dump(content_types, ctx)
    if domain.calculated_attributes:
        out["CalculatedAttributeDefinitions"] = CALCULATED_ATTRIBUTES.dump(
            domain.calculated_attributes, ctx
        )
    return out


def _get(domain: Domain, attributes: tuple[str, ...]) -> Any:
    value: Any = domain
    for attribute in attributes:
        value = getattr(value, attribute)
    return value


def _grouped(postings: set[Posting]) -> dict[str, set[str]]:
    """Postings by key name, in key-name order: a set's order changes with the process's
    string hashing, and a dump must read the same from any process."""
    keys: dict[str, set[str]] = {}
    for key_name, value in sorted(postings):
        keys.setdefault(key_name, set()).add(value)
    return keys


def _postings(keys: Mapping[str, Iterable[str]]) -> set[Posting]:
    return {(key_name, value) for key_name, values in keys.items() for value in values}


def _dump_profile(
    domain: Domain, profile_id: str, held_by_objects: dict[Source, set[Posting]], ctx: Context
) -> dict[str, Any]:
    """A profile, and what it is searchable by beyond its fields and objects' keys."""
    profile = domain.profiles[profile_id]
    standard: set[Posting] = set()
    added: set[Posting] = set()
    merged: defaultdict[str, set[Posting]] = defaultdict(set)
    own = set(domain.objects.of_profile(profile_id))
    for stored in own:
        held_by_objects[stored] = set()
    for posting, sources in domain.index.holdings(profile_id).items():
        for source in sources:
            if source in own:  # (an object's: the object itself)
                held_by_objects[source].add(posting)
            elif source == STANDARD_SOURCE:
                standard.add(posting)
            elif source == ADDED_SOURCE:
                added.add(posting)
            elif isinstance(source, str) and source.startswith(MERGED_SOURCE):
                merged[source[len(MERGED_SOURCE) :]].add(posting)
            else:
                raise StateError(
                    f"cannot dump profile {profile_id} of domain {domain.name}: its key "
                    f"{posting[0]}={posting[1]!r} is held by {source}, which it does not have"
                )
    entry: dict[str, Any] = {"profile": profile}
    expires = domain.profile_expiry.expires.get(profile_id)
    if expires is not None:
        entry["expires_at"] = expires
    if domain.ingested.get(profile_id):
        entry["ingested"] = domain.ingested[profile_id]
    if added:
        entry["added"] = _grouped(added)
    if merged:
        entry["merged"] = {merged_id: _grouped(p) for merged_id, p in merged.items()}
    if standard != standard_postings(profile):
        entry["standard"] = _grouped(standard)
    return dict(PROFILE.dump(entry, ctx))


def _dump_objects(
    domain: Domain, held_by_objects: dict[Source, set[Posting]], ctx: Context
) -> list[dict[str, Any]]:
    groups = []
    for type_name, objects in domain.objects.by_type.items():
        if not objects:
            continue
        written = []
        for stored in objects.values():
            entry = {
                "unique_key": stored.unique_key, "profile_id": stored.profile_id,
                "body": stored.body, "put_at": stored.put_at, "expires_at": stored.expires_at,
                "keys": stored.keys,
            }  # fmt: skip
            held = held_by_objects.get(stored, set())
            if held != _postings(stored.keys):
                entry["profile_keys"] = _grouped(held)
            written.append(entry)
        groups.append(OBJECT_GROUP.dump({"type_name": type_name, "objects": written}, ctx))
    return groups


# -- reading -------------------------------------------------------------------------------
def load_domain(value: Any, path: str, ctx: Context) -> Domain:
    expect(type(value) is dict, "an object", value, path)
    header = {name: item for name, item in value.items() if name not in _PARTS}
    domain: Domain = DOMAIN.load(header, path, ctx)
    for name, attributes, codec in RESOURCES:
        if name in value:
            target: Any = domain
            for attribute in attributes[:-1]:
                target = getattr(target, attribute)
            setattr(target, attributes[-1], codec.load(value[name], member_path(path, name), ctx))
    if "SegmentStream" in value:
        domain.segments.stream = SEGMENT_STREAM.load(
            value["SegmentStream"], member_path(path, "SegmentStream"), ctx
        )
    _load_profiles(domain, value.get("Profiles", []), member_path(path, "Profiles"), ctx)
    _load_objects(domain, value.get("ProfileObjects", []), member_path(path, "ProfileObjects"), ctx)
    where = member_path(path, "KeyContentTypes")
    domain.index.restore_content_types(
        CONTENT_TYPES.load(value.get("KeyContentTypes", {}), where, ctx)
    )
    load_history(domain, value.get("ProfileHistory", []), member_path(path, "ProfileHistory"), ctx)
    where = member_path(path, "CalculatedAttributeDefinitions")
    definitions = CALCULATED_ATTRIBUTES.load(
        value.get("CalculatedAttributeDefinitions", []), where, ctx
    )
    _count_objects(domain, definitions, where)
    return domain


def _hold(domain: Domain, profile_id: str, postings: set[Posting], source: str) -> None:
    for key_name, value in postings:
        domain.index.hold(profile_id, key_name, value, source, None)


def _load_profiles(domain: Domain, value: Any, path: str, ctx: Context) -> None:
    entries = ListOf(PROFILE).load(value, path, ctx)
    for index, entry in enumerate(entries):
        where = f"{path}[{index}]"
        profile = entry["profile"]
        profile_id = profile.get("ProfileId")
        if not profile_id:
            raise StateError("is required", member_path(where, "ProfileId"))
        if profile_id in domain.profiles:
            raise StateError(f"names profile {profile_id} again", where)
        with at(where):
            domain.profiles[profile_id] = profile
            domain.profile_rank[profile_id] = domain.next_rank()
            standard = entry.get("standard")
            if standard is None:
                domain.index.index_new_profile(profile_id)
            else:
                domain.index.set_standard(profile_id, _postings(standard), new=True)
            _hold(domain, profile_id, _postings(entry.get("added", {})), ADDED_SOURCE)
            for merged_id, keys in entry.get("merged", {}).items():
                _hold(domain, profile_id, _postings(keys), MERGED_SOURCE + merged_id)
            if entry.get("ingested"):
                domain.ingested[profile_id] = entry["ingested"]
            if "expires_at" in entry:
                domain.profile_expiry.renew(profile_id, entry["expires_at"])


def _load_objects(domain: Domain, value: Any, path: str, ctx: Context) -> None:
    groups = ListOf(OBJECT_GROUP).load(value, path, ctx)
    for g, group in enumerate(groups):
        type_name, where = group["type_name"], f"{path}[{g}]"
        if type_name not in domain.object_types and not is_standard(type_name):
            raise StateError(f"names object type {type_name}, which the domain does not have",
                             member_path(where, "ObjectTypeName"))  # fmt: skip
        for o, entry in enumerate(group["objects"]):
            at_object = f"{where}.Objects[{o}]"
            if entry["profile_id"] not in domain.profiles:
                raise StateError(f"names profile {entry['profile_id']}, which the domain does "
                                 "not have", member_path(at_object, "ProfileId"))  # fmt: skip
            if domain.objects.get(type_name, entry["unique_key"]) is not None:
                raise StateError("names an object of this type again",
                                 member_path(at_object, "ProfileObjectUniqueKey"))  # fmt: skip
            with at(at_object):
                stored = StoredObject(
                    type_name=type_name, unique_key=entry["unique_key"],
                    profile_id=entry["profile_id"], body=entry["body"], keys=entry["keys"],
                    expires_at=entry["expires_at"], put_at=entry["put_at"],
                )  # fmt: skip
                domain.objects.add(stored)
                held = entry.get("profile_keys")
                held = stored.keys if held is None else held
                keys = [Key(key_name, value) for key_name, value in _postings(held)]
                domain.index.hold_object(stored.profile_id, stored, keys,
                                         stored.postings())  # fmt: skip


def _count_objects(
    domain: Domain, definitions: dict[str, tuple[Any, list[str]]], path: str
) -> None:
    """Each definition counts again the objects it counted, in the order it counted them."""
    documents: dict[tuple[str, str], dict[str, Any]] = {}
    for index, (name, (attribute, counted)) in enumerate(definitions.items()):
        where = f"{path}[{index}]"
        type_name = attribute.type_name
        object_type = domain.object_types.get(type_name)
        if object_type is None and not is_standard(type_name):
            raise StateError(f"reads object type {type_name}, which the domain does not have",
                             member_path(where, "AttributeDetails"))  # fmt: skip
        if len(set(counted)) != len(counted):
            raise StateError("names an object twice", member_path(where, "CountedObjects"))
        for c, unique_key in enumerate(counted):
            at_counted = f"{where}.CountedObjects[{c}]"
            stored = domain.objects.get(type_name, unique_key)
            if stored is None:
                raise StateError(f"names no {type_name} object the domain holds", at_counted)
            with at(at_counted):
                key = (type_name, unique_key)
                if key not in documents:
                    documents[key] = parse_json_object(stored.body, at_counted)
                attribute.count(stored, documents[key], object_type)
        domain.calculated_attributes[name] = attribute


# -- a backend -----------------------------------------------------------------------------
BACKEND_FIELDS = frozenset({"domains", "integrations", "tags"})  # the state a backend keeps


def _root(backend: CustomerProfilesBackend) -> str:
    """Who a history record says made a change (models/profiles/history.py)."""
    return f"arn:{backend.partition}:iam::{backend.account_id}:root"


def dump_backend(backend: CustomerProfilesBackend) -> dict[str, Any]:
    ctx = Context(backend.tags, _root(backend))
    out: dict[str, Any] = {
        "Domains": [dump_domain(domain, ctx) for domain in backend.domains.values()]
    }
    if backend.integrations:
        out["Integrations"] = _named(INTEGRATION, "uri").dump(backend.integrations, ctx)
    return out


def load_backend(
    value: dict[str, Any], path: str, backend: CustomerProfilesBackend
) -> CustomerProfilesBackend:
    """``backend``, new, made to hold the state ``value`` describes: built off to the side,
    so nothing in use changes until the whole document has loaded."""
    ctx = Context(backend.tags, _root(backend))
    where = member_path(path, "Domains")
    domains = value.get("Domains", [])
    expect(type(domains) is list, "a list", domains, where)
    for index, item in enumerate(domains):
        domain = load_domain(item, f"{where}[{index}]", ctx)
        if domain.name in backend.domains:
            raise StateError(f"names domain {domain.name} again", f"{where}[{index}]")
        backend.domains[domain.name] = domain
    where = member_path(path, "Integrations")
    integrations = _named(INTEGRATION, "uri").load(value.get("Integrations", []), where, ctx)
    for index, integration in enumerate(integrations.values()):
        if integration.domain_name not in backend.domains:
            raise StateError(f"names domain {integration.domain_name}, which the backend does "
                             "not have", f"{where}[{index}].DomainName")  # fmt: skip
    backend.integrations = integrations
    return backend
