"""What a test seeds and inspects state with, beside the operations: ``backend.seed``.

These are not operations of the API (AWS has no call that sets a profile's intents or
lists what an event stream sent) and no door can serve them: the request path serves only
what ``@operation`` declares (models/core/operations.py). Each takes the backend's lock, opens
the call's journal and ticks the clock for its domain, as an operation does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..admin.dead_letters import DeadLetterOperations
from ..backend_state import BackendState
from ..data_in.upload_jobs import UploadJobOperations
from ..events.event_streams import EventStreamOperations
from ..events.event_triggers import EventTriggerOperations
from ..identity.matching import MatchingOperations
from ..insights.intents import IntentOperations
from ..insights.segment_subscriptions import SegmentSubscriptionOperations
from .operations import seeding_helper

_set_profile_intents = seeding_helper(IntentOperations.set_profile_intents)
_run_identity_resolution = seeding_helper(MatchingOperations.run_identity_resolution)
_dead_letter_objects = seeding_helper(DeadLetterOperations.dead_letter_objects)
_event_stream_records = seeding_helper(EventStreamOperations.event_stream_records)
_event_trigger_invocations = seeding_helper(EventTriggerOperations.event_trigger_invocations)
_segment_stream_records = seeding_helper(SegmentSubscriptionOperations.segment_stream_records)
_upload_job_failures = seeding_helper(UploadJobOperations.upload_job_failures)


class Seeding:
    """The seeding and inspecting helpers of one backend (``cp_mock.get_backend().seed``)."""

    __slots__ = ("_backend",)

    def __init__(self, backend: BackendState) -> None:
        # The backend composes every family whose helper is called with it; no one type
        # but its own (models/backend.py, which imports this module) says so.
        self._backend: Any = backend

    def set_profile_intents(
        self, domain_name: str, profile_id: str, intents: Mapping[str, str]
    ) -> None:
        """Say what the profile's recent activity shows, as AWS's models would conclude it
        (docs/intents.md): intent type -> value."""
        _set_profile_intents(self._backend, domain_name, profile_id, intents)

    def run_identity_resolution(self, domain_name: str) -> dict[str, Any]:
        """Run an identity resolution job now (AWS runs it weekly), auto-merging as
        configured; the job as GetIdentityResolutionJob describes it."""
        result: dict[str, Any] = _run_identity_resolution(self._backend, domain_name)
        return result

    def dead_letter_objects(self, domain_name: str) -> list[dict[str, Any]]:
        """Every object written to the domain's dead-letter queue, oldest first."""
        result: list[dict[str, Any]] = _dead_letter_objects(self._backend, domain_name)
        return result

    def event_stream_records(self, domain_name: str) -> list[dict[str, Any]]:
        """Every record the domain's event stream sent, oldest first."""
        result: list[dict[str, Any]] = _event_stream_records(self._backend, domain_name)
        return result

    def event_trigger_invocations(self, domain_name: str) -> list[dict[str, Any]]:
        """Every firing of the domain's event triggers, oldest first."""
        result: list[dict[str, Any]] = _event_trigger_invocations(self._backend, domain_name)
        return result

    def segment_stream_records(self, domain_name: str) -> list[dict[str, Any]]:
        """Every segment membership event the domain's stream for segments sent, oldest
        first."""
        result: list[dict[str, Any]] = _segment_stream_records(self._backend, domain_name)
        return result

    def upload_job_failures(self, domain_name: str, job_id: str) -> list[str]:
        """Why the upload job, or each of its failed rows, failed."""
        result: list[str] = _upload_job_failures(self._backend, domain_name, job_id)
        return result
