"""Segment subscriptions (API_PutSegmentSubscription, API_GetSegmentSubscription,
API_DeleteSegmentSubscription, API_ListSegmentSubscriptionEvents) and the domain's stream
for segment events (API_AssociateStreamForSegments, API_GetStreamForSegments,
API_DisassociateStreamForSegments).

A subscription keeps its segment's members as last recorded. "For Classic segments,
membership events are generated from these scheduled snapshots and also in near real-time
as profile attribute changes occur. For SQL segments, membership events are generated only
from the scheduled snapshots" (API_PutSegmentSubscription). So:

- LIVE: every change to a profile (the change feed) recomputes that profile's membership
  of each subscribed classic segment, and records JOINED or LEFT when it differs;
- SCHEDULE: when the schedule is due by the mock's clock (judged at each write and each
  read of the subscriptions, as identity resolution's schedule is), every member is
  recomputed once, for the latest scheduled moment, and the differences recorded.

With a stream associated, each event is also put on the Kinesis stream, as JSON
(docs/segments.md gives the format, which AWS does not publish); every record is kept,
readable with ``cp_mock.segment_stream_records``, whether or not moto's Kinesis holds the
stream.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any

from ...compat.moto import mock_random
from ...compat.other_services import kinesis_stream_problem, put_kinesis_record
from ...exceptions import BadRequestException, ResourceNotFoundException
from ..admin.domains import Domain
from ..backend_state import BackendState, Change
from ..core import journal
from ..core.base import named
from ..core.changes import PROFILE_ACTIONS, hears
from ..core.clock import event_time, now
from ..core.operations import operation
from .segment_evaluation import members_of, segment_test
from .segment_state import SegmentStream, SegmentSubscription

DEFAULT_INTERVAL_HOURS = 24  # "If not set, the interval defaults to 24 hours."
_KINESIS_STREAM_ARN = re.compile(r"arn:[a-z0-9-]+:kinesis:([a-z0-9-]+):(\d{12}):stream/(.+)")
_ONE_MICROSECOND = timedelta(microseconds=1)
_MAX_REASON = 255  # FailureReason is a string1To255


class SegmentSubscriptionOperations(BackendState):
    # -- subscriptions -------------------------------------------------------------------
    @operation("PutSegmentSubscription")
    def put_segment_subscription(
        self,
        domain_name: str,
        segment_definition_name: str,
        schedule_configuration: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        definition = named(domain.segments.definitions, "Segment definition",
                           segment_definition_name)  # fmt: skip
        self._run_due_schedules(domain)
        schedule = schedule_configuration or {}
        interval = int(schedule.get("Interval") or DEFAULT_INTERVAL_HOURS)
        unit = str(schedule.get("Unit") or "HOURLY")
        moment = now()
        subscription = domain.segments.subscriptions.get(segment_definition_name)
        if subscription is None or subscription.status != "RUNNING":
            # "an initial snapshot is taken and the system begins monitoring"
            test = segment_test(self.lock, domain, definition)
            subscription = SegmentSubscription(
                segment_name=segment_definition_name, interval_hours=interval, unit=unit,
                started_at=moment, last_updated_at=moment, last_executed_at=moment,
                members=set(members_of(domain, test)),
            )  # fmt: skip
            domain.segments.subscriptions[segment_definition_name] = subscription
        else:
            subscription.interval_hours, subscription.unit = interval, unit
            subscription.last_updated_at = moment
        return {
            "Status": subscription.status,
            "ScheduleConfiguration": {"Interval": interval, "Unit": unit},
            "StartedAt": subscription.started_at,
        }

    def _subscription(self, domain: Domain, name: str) -> SegmentSubscription:
        named(domain.segments.definitions, "Segment definition", name)
        return named(domain.segments.subscriptions, "Segment subscription", name)

    @operation("GetSegmentSubscription")
    def get_segment_subscription(
        self, domain_name: str, segment_definition_name: str
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        self._run_due_schedules(domain)
        subscription = self._subscription(domain, segment_definition_name)
        answer = {
            "Status": subscription.status,
            "Message": subscription.message,
            "ScheduleConfiguration": {
                "Interval": subscription.interval_hours, "Unit": subscription.unit,
            },
            "ScheduledExecutions": {
                "NextExecutedAt": _next_run(subscription),
                "LastExecutedAt": subscription.last_executed_at,
            },
            "StartedAt": subscription.started_at,
            "LastUpdatedAt": subscription.last_updated_at,
        }  # fmt: skip
        return {k: v for k, v in answer.items() if v is not None}

    @operation("DeleteSegmentSubscription")
    def delete_segment_subscription(
        self, domain_name: str, segment_definition_name: str
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        self._subscription(domain, segment_definition_name)
        del domain.segments.subscriptions[segment_definition_name]
        return {"Message": f"Segment subscription for {segment_definition_name} deleted"}

    @operation("ListSegmentSubscriptionEvents")
    def list_segment_subscription_events(
        self, domain_name: str, segment_definition_name: str
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        self._run_due_schedules(domain)
        subscription = self._subscription(domain, segment_definition_name)
        return {
            "Events": [  # "the most recent membership events", most recent first
                {"ProfileId": pid, "UpdatedAt": at, "EventType": kind, "Event": event}
                for pid, at, kind, event in reversed(subscription.events)
            ]
        }

    # -- the stream ----------------------------------------------------------------------
    @operation("AssociateStreamForSegments")
    def associate_stream_for_segments(
        self, domain_name: str, destination_arn: str, destination_role_arn: str
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        current = domain.segments.stream
        if current is not None and current.disassociated_at is None:
            # "A domain can have only one associated stream at a time."
            raise BadRequestException(
                f"Domain {domain_name} already has a stream for segments "
                f"({current.destination_arn}): disassociate it first"
            )
        match = _KINESIS_STREAM_ARN.fullmatch(destination_arn)
        if match is None:
            raise BadRequestException(
                f"DestinationArn: {destination_arn} is not a Kinesis data stream ARN "
                "(arn:<partition>:kinesis:<region>:<account>:stream/<name>)"
            )
        if (match.group(1), match.group(2)) != (self.region_name, self.account_id):
            raise BadRequestException(
                f"DestinationArn: the Kinesis data stream must be in the domain's region "
                f"({self.region_name}) and account ({self.account_id})"
            )
        domain.segments.stream = SegmentStream(destination_arn, destination_role_arn)
        return {}

    def _stream(self, domain: Domain) -> SegmentStream:
        stream = domain.segments.stream
        if stream is None:
            raise ResourceNotFoundException(
                f"Domain {domain.name} has no stream for segments associated"
            )
        return stream

    @operation("GetStreamForSegments")
    def get_stream_for_segments(self, domain_name: str) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        self._run_due_schedules(domain)
        stream = self._stream(domain)
        if stream.disassociated_at is None:
            problem = kinesis_stream_problem(self.account_id, self.region_name,
                                             stream.destination_arn)  # fmt: skip
            stream.failure_reason = problem[:_MAX_REASON] if problem else None
            state = "UNHEALTHY" if problem else "RUNNING"
        else:
            state = "STOPPED"
        answer = {
            "DomainName": domain_name,
            "DestinationArn": stream.destination_arn,
            "DestinationRoleArn": stream.role_arn,
            "State": state,
            "AssociatedAt": stream.associated_at,
            "DisassociatedAt": stream.disassociated_at,
            "FailureReason": stream.failure_reason,
            "AssociatedSegments": [
                {"SegmentName": name, "Status": subscription.status}
                for name, subscription in domain.segments.subscriptions.items()
            ],
        }
        return {k: v for k, v in answer.items() if v is not None}

    @operation("DisassociateStreamForSegments")
    def disassociate_stream_for_segments(self, domain_name: str) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        stream = self._stream(domain)
        if stream.disassociated_at is None:
            stream.disassociated_at = now()
            # "All active segment subscriptions delivering events to this stream are
            # eventually stopped."
            for subscription in domain.segments.subscriptions.values():
                if subscription.status == "RUNNING":
                    subscription.status = "STOPPED"
                    subscription.last_updated_at = stream.disassociated_at
        return {"Message": f"Stream for segments of domain {domain_name} disassociated"}

    def segment_stream_records(self, domain_name: str) -> list[dict[str, Any]]:
        """Every segment event record the domain's stream sent, oldest first (not an
        operation)."""
        stream = self.get_domain_state(domain_name).segments.stream
        return [json.loads(record) for record in (stream.records if stream else [])]

    # -- events --------------------------------------------------------------------------
    @hears(*PROFILE_ACTIONS)
    def follow_segment_membership(self, change: Change) -> None:
        """Subscriber: a changed profile's membership of each subscribed classic segment,
        recorded as LIVE events where it differs from what was recorded."""
        domain = change.domain
        if change.action not in PROFILE_ACTIONS or not domain.segments.subscriptions:
            return
        self._run_due_schedules(domain)
        profile = None if change.removes_profile else domain.profiles.get(change.profile_id)
        for subscription in domain.segments.subscriptions.values():
            definition = domain.segments.definitions[subscription.segment_name]
            if subscription.status != "RUNNING" or definition.sql_query is not None:
                continue
            try:
                member = profile is not None and segment_test(self.lock, domain, definition)(
                    profile
                )
            except BadRequestException as error:
                journal.keep_attributes(subscription, "status", "message")
                subscription.status, subscription.message = "FAILED", error.message
                continue
            self._record(domain, subscription, change.profile_id, member, "LIVE", now())

    def _run_due_schedules(self, domain: Domain) -> None:
        """Run each subscription's scheduled snapshot once, for the latest scheduled
        moment that has passed by the mock's clock."""
        moment = now()
        for subscription in domain.segments.subscriptions.values():
            interval = timedelta(hours=subscription.interval_hours)
            if subscription.status != "RUNNING":
                continue
            if moment < subscription.last_executed_at + interval:
                continue
            runs = (moment - subscription.last_executed_at) // interval
            due = subscription.last_executed_at + runs * interval
            journal.keep_attributes(subscription, "last_executed_at")
            subscription.last_executed_at = due
            definition = domain.segments.definitions[subscription.segment_name]
            try:
                members = set(members_of(domain, segment_test(self.lock, domain, definition)))
            except BadRequestException as error:
                journal.keep_attributes(subscription, "status", "message")
                subscription.status, subscription.message = "FAILED", error.message
                continue
            changed = (members - subscription.members) | (subscription.members - members)
            for profile_id in sorted(changed, key=lambda p: domain.profile_rank.get(p, -1)):
                self._record(domain, subscription, profile_id, profile_id in members,
                             "SCHEDULE", due)  # fmt: skip

    def _record(
        self, domain: Domain, subscription: SegmentSubscription, profile_id: str,
        member: bool, event_type: str, moment: datetime,
    ) -> None:  # fmt: skip
        if member == (profile_id in subscription.members):
            return
        if member:
            journal.undo_with(subscription.members.discard, profile_id)
            subscription.members.add(profile_id)
        else:
            journal.undo_with(subscription.members.add, profile_id)
            subscription.members.discard(profile_id)
        event = "JOINED" if member else "LEFT"
        if subscription.events:  # a subscription's events are strictly ordered in time
            moment = max(moment, subscription.events[-1][1] + _ONE_MICROSECOND)
        journal.keep_length(subscription.events)
        subscription.events.append((profile_id, moment, event_type, event))
        stream = domain.segments.stream
        if stream is not None and stream.disassociated_at is None:
            record = json.dumps(
                {
                    "SchemaVersion": 0,
                    "EventId": str(mock_random.uuid4()),
                    "EventTimestamp": event_time(moment),
                    "DomainName": domain.name,
                    "SegmentDefinitionName": subscription.segment_name,
                    "ProfileId": profile_id,
                    "EventType": event_type,
                    "Event": event,
                }
            )
            journal.keep_length(stream.records)
            stream.records.append(record)
            # put once the call has succeeded: a record on another service is not undone
            journal.when_done(self._put_segment_record, stream, profile_id, record)

    def _put_segment_record(self, stream: Any, profile_id: str, record: str) -> None:
        problem = put_kinesis_record(self.account_id, self.region_name,
                                     stream.destination_arn, profile_id, record)  # fmt: skip
        stream.failure_reason = problem[:_MAX_REASON] if problem else None


def _next_run(subscription: SegmentSubscription) -> datetime | None:
    if subscription.status != "RUNNING":
        return None
    return subscription.last_executed_at + timedelta(hours=subscription.interval_hours)
