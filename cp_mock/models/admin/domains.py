"""The ``Domain`` record: everything one domain holds, each area's part in a dataclass of
that area's state module. Plain data; the operations on domains (API_CreateDomain ...
API_ListDomains) are models/admin/domain_operations.py's."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..core.clock import now
from ..core.tags import tags_member
from ..data_in.data_in_state import DataInState
from ..engines.search import KeyIndex
from ..events.event_state import EventState
from ..insights.intent_state import IntentState
from ..insights.recommender_state import RecommenderState
from ..insights.segment_state import SegmentState
from ..objects.object_store import ObjectStore, StoredObject
from ..profiles.expiry_queue import ExpiryQueue
from ..profiles.history_records import History
from ..profiles.provenance import Record
from .admin_state import AdminState

if TYPE_CHECKING:
    from ..insights.calculated_attribute_state import CalculatedAttribute


@dataclass
class Domain:
    name: str
    arn: str
    settings: dict[str, Any]
    created_at: datetime = field(default_factory=now)
    last_updated_at: datetime = field(default_factory=now)
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    index: KeyIndex = field(init=False)
    # creation order of profiles, so search results come back in a stable order
    profile_rank: dict[str, int] = field(default_factory=dict)
    _ranks: itertools.count[int] = field(default_factory=itertools.count)
    # object type name -> its definition (models/objects/object_types.py)
    object_types: dict[str, Any] = field(default_factory=dict)
    objects: ObjectStore = field(default_factory=ObjectStore)
    # identity resolution jobs, oldest first (models/identity/matching.py)
    identity_jobs: list[Any] = field(default_factory=list)
    # every profile's history records, in columns (models/profiles/history_records.py)
    history: History = field(default_factory=History)
    history_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    # event streams, event triggers and their firings (models/events/event_state.py)
    events: EventState = field(default_factory=EventState)
    # profile id -> the fields ingestion populated; the others are manual
    # (models/profiles/provenance.py)
    ingested: dict[str, Record] = field(default_factory=dict)
    # when each profile expires (models/profiles/expiry.py)
    profile_expiry: ExpiryQueue = field(default_factory=ExpiryQueue)
    # calculated attribute name -> its definition and values
    # (models/insights/calculated_attributes.py)
    calculated_attributes: dict[str, CalculatedAttribute] = field(default_factory=dict)
    # recommenders, their filters and schemas (models/insights/recommender_state.py)
    recommendations: RecommenderState = field(default_factory=RecommenderState)
    # segment definitions, their jobs, subscriptions and stream (models/insights/segments.py)
    segments: SegmentState = field(default_factory=SegmentState)
    # layouts, domain object types, dead letters (models/admin/admin_state.py)
    admin: AdminState = field(default_factory=AdminState)
    # integration workflows and sources, upload jobs (models/data_in/data_in_state.py)
    data_in: DataInState = field(default_factory=DataInState)
    # intent definitions and what profiles' activity shows (models/insights/intents.py)
    intents: IntentState = field(default_factory=IntentState)

    def __post_init__(self) -> None:
        # (it derives standard keys from the fields, and objects' from their keys)
        self.index = KeyIndex(self.profiles, self._object_sources, self._object_postings)

    def _object_sources(self, profile_id: str) -> list[StoredObject]:
        return self.objects.of_profile(profile_id)

    def _object_postings(self, source: Any) -> Iterator[tuple[str, str]]:
        stored: StoredObject = source  # (the index's source of an object's keys)
        return stored.postings()

    def next_rank(self) -> int:
        return next(self._ranks)

    def stats(self) -> dict[str, int]:
        return {
            "ProfileCount": len(self.profiles),
            "MeteringProfileCount": len(self.profiles),
            "ObjectCount": len(self.objects),
            "TotalSize": self.objects.total_size,
        }

    def describe(self, tags: dict[str, str]) -> dict[str, Any]:
        settings = dict(self.settings)
        rule_based = settings.get("RuleBasedMatching")
        if rule_based:
            # evaluated on the current profiles whenever asked: active as soon as enabled
            status = "ACTIVE" if rule_based.get("Enabled") else "PENDING"
            settings["RuleBasedMatching"] = {**rule_based, "Status": status}
        return {
            "DomainName": self.name,
            **settings,
            "CreatedAt": self.created_at,
            "LastUpdatedAt": self.last_updated_at,
            **tags_member("Tags", tags),
        }
