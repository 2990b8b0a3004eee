"""Event streams (API_CreateEventStream, API_GetEventStream, API_ListEventStreams,
API_DeleteEventStream): every profile and object change of a domain, as JSON records on a
Kinesis data stream.

The record format is the admin guide's ("Export your unified customer profile data"):
``SchemaVersion``, ``EventId``, ``EventTimestamp``, ``EventType`` (CREATED, UPDATED,
MERGED), ``DomainName``, ``ObjectTypeName`` (``_profile`` for the profile itself),
``AssociatedProfileId``, ``ProfileObjectUniqueKey``, ``Object``, ``IsMessageRealTime``.
Customer Profiles sends no delete events. A domain has at most one event stream.

Records go to moto's Kinesis when it has the stream (same account and region, as AWS
requires); otherwise the stream's destination is UNHEALTHY, with a message. Either way
every record is kept, readable with ``cp_mock.event_stream_records``, so a test that does
not mock Kinesis can still see what was sent.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

from ...compat.moto import mock_random
from ...compat.other_services import kinesis_stream_problem
from ...exceptions import BadRequestException
from ..backend_state import BackendState, Change
from ..core.base import named
from ..core.changes import (
    ADDED_PROFILE_KEY,
    CREATED,
    DELETED_PROFILE_KEY,
    INGESTED,
    MERGED,
    UPDATED,
)
from ..core.clock import event_time, now
from ..core.operations import operation
from ..core.tags import tags_member
from .event_state import EventStream

PROFILE_OBJECT_TYPE = "_profile"
_KINESIS_STREAM_ARN = re.compile(r"arn:[a-z0-9-]+:kinesis:([a-z0-9-]+):(\d{12}):stream/(.+)")


def event_record(
    domain_name: str,
    event_type: str,
    object_type_name: str,
    profile_id: str,
    document: Mapping[str, Any],
    unique_key: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """One record in the documented format, stamped by the mock's clock."""
    record: dict[str, Any] = {
        "SchemaVersion": 0,
        "EventId": str(mock_random.uuid4()),
        "EventTimestamp": event_time(now()),
        "EventType": event_type,
        "DomainName": domain_name,
        "ObjectTypeName": object_type_name,
        "AssociatedProfileId": profile_id,
        "Object": document,
        "IsMessageRealTime": True,
    }
    if unique_key is not None:
        record["ProfileObjectUniqueKey"] = unique_key
    record.update(extra)
    return record


class EventStreamOperations(BackendState):
    def _check_destination(self, uri: str) -> None:
        # API_CreateEventStream: "Each event stream can be associated with only one Kinesis
        # Data Stream destination in the same region and AWS account as the customer
        # profiles domain"
        match = _KINESIS_STREAM_ARN.fullmatch(uri)
        if match is None:
            raise BadRequestException(
                f"Uri: {uri} is not a Kinesis data stream ARN "
                "(arn:<partition>:kinesis:<region>:<account>:stream/<name>)"
            )
        if match.group(1) != self.region_name or match.group(2) != self.account_id:
            raise BadRequestException(
                f"Uri: the Kinesis data stream must be in the domain's region "
                f"({self.region_name}) and account ({self.account_id})"
            )

    @operation("CreateEventStream")
    def create_event_stream(
        self,
        domain_name: str,
        event_stream_name: str,
        uri: str,
        tags: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        if domain.events.streams:
            raise BadRequestException(
                f"The Customer Profiles Domain: {domain_name} is already associated with "
                "an active EventStream"
            )
        self._check_destination(uri)
        stream = EventStream(
            name=event_stream_name,
            arn=self.arn(f"domains/{domain_name}/event-streams/{event_stream_name}"),
            uri=uri,
        )
        self.tags.register(stream.arn, tags)
        domain.events.streams[event_stream_name] = stream
        return {"EventStreamArn": stream.arn, **tags_member("Tags", self.tags.get(stream.arn))}

    def _checked_health(self, stream: EventStream) -> EventStream:
        stream.note_health(kinesis_stream_problem(self.account_id, self.region_name, stream.uri))
        return stream

    @operation("GetEventStream")
    def get_event_stream(self, domain_name: str, event_stream_name: str) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        stream = self._checked_health(
            named(domain.events.streams, "Event stream", event_stream_name)
        )
        return {
            "DomainName": domain_name,
            "EventStreamArn": stream.arn,
            "CreatedAt": stream.created_at,
            "State": "RUNNING",
            "DestinationDetails": stream.destination(summary=False),
            **tags_member("Tags", self.tags.get(stream.arn)),
        }

    @operation("ListEventStreams")
    def list_event_streams(self, domain_name: str) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        return {
            "Items": [
                {
                    "DomainName": domain_name,
                    "EventStreamName": stream.name,
                    "EventStreamArn": stream.arn,
                    "State": "RUNNING",
                    "DestinationSummary": stream.destination(summary=True),
                    **tags_member("Tags", self.tags.get(stream.arn)),
                }
                for stream in map(self._checked_health, domain.events.streams.values())
            ]
        }

    @operation("DeleteEventStream")
    def delete_event_stream(self, domain_name: str, event_stream_name: str) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        stream = named(domain.events.streams, "Event stream", event_stream_name)
        del domain.events.streams[event_stream_name]
        self.tags.forget(stream.arn)
        return {}

    def event_stream_records(self, domain_name: str) -> list[dict[str, Any]]:
        """Every record the domain's event stream sent, oldest first (not an operation)."""
        domain = self.get_domain_state(domain_name)
        return [json.loads(r) for stream in domain.events.streams.values() for r in stream.records]

    def stream_change(self, change: Change) -> None:
        """Subscriber: the change's records, on the domain's event stream if it has one."""
        streams = change.domain.events.streams.values()
        if not streams:
            return
        # written out now, while the profile they hold is as the change left it
        texts = [record_text(record) for record in _records_of(change)]
        if not texts:
            return
        for stream in streams:
            stream.deliver(self.account_id, self.region_name, change.profile_id, texts)


def record_text(record: Mapping[str, Any]) -> str:
    """A record as the JSON put on the stream. A number JSON cannot write (an object's
    ``9e999999``, which reads as infinity) is written as null: a record is always JSON."""
    try:
        return _ENCODER.encode(record)
    except ValueError:
        return _ENCODER.encode(_finite(record))


_ENCODER = json.JSONEncoder(allow_nan=False)  # json.dumps's own, but for NaN and Infinity


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value


def _records_of(change: Change) -> list[dict[str, Any]]:
    """What the event stream sends for ``change``: CREATED and UPDATED ``_profile`` records
    for profile changes; for a put object, the object's record, after an UPDATED
    ``_profile`` one when the put changed the profile (one put "can emit two events");
    MERGED for the main profile of a merge; nothing for deletions and expiry."""
    domain, profile_id, action = change.domain, change.profile_id, change.action
    if action not in _PROFILE_EVENT and action != INGESTED:
        return []

    def profile_record(event_type: str, **extra: Any) -> dict[str, Any]:
        profile = domain.profiles[profile_id]  # written out at once, so not copied
        return event_record(domain.name, event_type, PROFILE_OBJECT_TYPE, profile_id, profile,
                            **extra)  # fmt: skip

    if action == MERGED:
        return [
            profile_record(
                "MERGED",
                MergeId=str(mock_random.uuid4()),
                DuplicateProfiles=list(change.merged_profiles),
            )
        ]
    if action != INGESTED:
        return [profile_record(_PROFILE_EVENT[action])]
    assert change.object_type_name is not None and change.unique_key is not None
    assert change.document is not None
    stored = domain.objects.get(change.object_type_name, change.unique_key)
    if stored is None:  # put and at once evicted (MaxProfileObjectCount)
        return [profile_record("UPDATED")] if change.profile_changed else []
    records = [profile_record("UPDATED")] if change.profile_changed else []
    records.append(
        event_record(
            domain.name, "CREATED" if change.object_is_new else "UPDATED",
            change.object_type_name, profile_id, change.document, change.unique_key,
        )
    )  # fmt: skip
    return records


# Profile changes and the EventType their _profile record carries. Keys belong to the
# profile, so adding or removing one updates it (an inference: AWS documents no key event).
_PROFILE_EVENT = {
    CREATED: "CREATED",
    UPDATED: "UPDATED",
    ADDED_PROFILE_KEY: "UPDATED",
    DELETED_PROFILE_KEY: "UPDATED",
    MERGED: "MERGED",
}
