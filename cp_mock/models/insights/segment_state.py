"""What a domain holds for its segments (models/insights/segments.py and
segment_subscriptions.py): definitions, estimate and snapshot jobs, subscriptions with
their events, and the Kinesis stream segment events go to. Plain data; the behaviour lives
in the two families."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..core.clock import now


@dataclass
class SegmentDefinition:
    name: str
    arn: str
    display_name: str
    description: str | None
    segment_groups: dict[str, Any] | None  # CLASSIC
    sql_query: str | None  # ENHANCED
    segment_sort: dict[str, Any] | None
    created_at: datetime = field(default_factory=now)

    @property
    def segment_type(self) -> str:
        return "CLASSIC" if self.sql_query is None else "ENHANCED"

    def source_names(self) -> list[str]:
        groups = (self.segment_groups or {}).get("Groups") or []
        return [
            source["SegmentDefinitionName"]
            for group in groups
            for source in group.get("SourceSegments") or []
            if "SegmentDefinitionName" in source
        ]


@dataclass
class SegmentSnapshot:
    snapshot_id: str
    segment_name: str
    data_format: str
    status: str
    status_message: str | None
    destination_uri: str | None
    encryption_key: str | None
    role_arn: str | None


@dataclass
class SegmentSubscription:
    segment_name: str
    interval_hours: int
    unit: str
    started_at: datetime
    last_updated_at: datetime
    last_executed_at: datetime
    # the segment's members as last recorded (by a LIVE event or a scheduled run)
    members: set[str] = field(default_factory=set)
    # every membership event, oldest first: (ProfileId, UpdatedAt, EventType, Event)
    events: list[tuple[str, datetime, str, str]] = field(default_factory=list)
    status: str = "RUNNING"
    message: str | None = None


@dataclass
class SegmentStream:
    destination_arn: str
    role_arn: str
    associated_at: datetime = field(default_factory=now)
    disassociated_at: datetime | None = None
    failure_reason: str | None = None
    # every record sent, oldest first, as the JSON put on Kinesis
    records: list[str] = field(default_factory=list)


@dataclass
class SegmentState:
    definitions: dict[str, SegmentDefinition] = field(default_factory=dict)
    # estimate id -> GetSegmentEstimate's answer
    estimates: dict[str, dict[str, Any]] = field(default_factory=dict)
    snapshots: dict[str, SegmentSnapshot] = field(default_factory=dict)
    # segment name -> its subscription
    subscriptions: dict[str, SegmentSubscription] = field(default_factory=dict)
    stream: SegmentStream | None = None
