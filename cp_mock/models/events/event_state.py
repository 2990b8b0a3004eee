"""What a domain holds for its events (models/events/event_streams.py and
event_triggers.py): its event streams, its event triggers, and every firing of a trigger.
Plain data; the behaviour lives in the two families."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ...compat.other_services import put_kinesis_records
from ..core import journal
from ..core.clock import now
from ..core.tags import tags_member


@dataclass
class EventStream:
    name: str
    arn: str
    uri: str
    created_at: datetime = field(default_factory=now)
    # every record sent, oldest first, as the JSON put on Kinesis: written once, and a
    # string holds nothing the profile's later changes could reach
    records: list[str] = field(default_factory=list, metadata=journal.JOURNALED)
    unhealthy_since: datetime | None = None
    message: str | None = None

    def destination(self, summary: bool) -> dict[str, Any]:
        healthy = self.unhealthy_since is None
        details: dict[str, Any] = {
            "Uri": self.uri,
            "Status": "HEALTHY" if healthy else "UNHEALTHY",
        }
        if not healthy:
            details["UnhealthySince"] = self.unhealthy_since
            if not summary:
                details["Message"] = self.message
        return details

    def deliver(self, account_id: str, region: str, profile_id: str, records: list[str]) -> None:
        """Keep ``records`` and put them on the Kinesis stream, partitioned by profile: one
        change's records in one request, once the call has succeeded (a record on another
        service is not undone)."""
        journal.keep_length(self.records)
        self.records.extend(records)
        journal.when_done(self._put, account_id, region, profile_id, records)

    def _put(self, account_id: str, region: str, profile_id: str, records: list[str]) -> None:
        self.note_health(put_kinesis_records(account_id, region, self.uri, profile_id, records))

    def note_health(self, problem: str | None) -> None:
        journal.keep_attributes(self, "unhealthy_since", "message")
        if problem is None:
            self.unhealthy_since, self.message = None, None
        elif self.unhealthy_since is None or self.message != problem:
            self.unhealthy_since, self.message = now(), problem


@dataclass
class EventTrigger:
    name: str
    arn: str
    settings: dict[str, Any]
    created_at: datetime = field(default_factory=now)
    last_updated_at: datetime = field(default_factory=now)
    # profile id -> when the trigger fired for it, oldest first (for the limits' periods)
    fired: dict[str, list[datetime]] = field(default_factory=dict, metadata=journal.JOURNALED)

    def describe(self, tags: dict[str, str]) -> dict[str, Any]:
        return {
            "EventTriggerName": self.name,
            **self.settings,
            "CreatedAt": self.created_at,
            "LastUpdatedAt": self.last_updated_at,
            **tags_member("Tags", tags),
        }


@dataclass
class EventState:
    # event stream name -> its stream, at most one
    streams: dict[str, EventStream] = field(default_factory=dict)
    # event trigger name -> its trigger
    triggers: dict[str, EventTrigger] = field(default_factory=dict)
    # every firing of a trigger, oldest first (each noted in the call's journal)
    trigger_invocations: list[dict[str, Any]] = field(
        default_factory=list, metadata=journal.JOURNALED
    )
