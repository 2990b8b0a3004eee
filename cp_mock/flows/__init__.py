"""Amazon Connect flows, run offline against the mocked Customer Profiles.

``run_flow`` interprets an exported flow (the flow language) from its StartAction;
``run_action`` runs one Customer Profiles action; ``run_test_case`` runs a test case written
in the Testing language against a set of flows. See docs/flows.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from .actions import HANDLERS
from .engine import (
    DEFAULT_MAX_STEPS,
    FlowContext,
    FlowEvent,
    FlowRun,
    StopRun,
    as_inputs,
    execute,
    initial_contact,
)
from .profiles import (
    ACTIONS,
    ActionOutcome,
    FlowActionError,
    NotSimulatedError,
    flatten_profile,
    profile_request,
    resolve,
    run_action,
)
from .testing import (
    AssertionResult,
    ObservationResult,
    TestCaseError,
    TestCaseResult,
    assert_test_case_passed,
    run_test_case,
)

__all__ = [
    "ACTIONS", "HANDLERS", "ActionOutcome", "AssertionResult", "FlowActionError", "FlowEvent",
    "FlowRun", "NotSimulatedError", "ObservationResult", "StopRun", "TestCaseError",
    "TestCaseResult", "assert_test_case_passed", "flatten_profile", "profile_request",
    "resolve", "run_action", "run_flow", "run_test_case",
]  # fmt: skip


def run_flow(
    flow: Mapping[str, Any],
    domain_name: str | None = None,
    contact: Mapping[str, Any] | None = None,
    client: Any = None,
    start: str | None = None,
    max_steps: int = DEFAULT_MAX_STEPS,
    *,
    inputs: Iterable[str | int] | str = (),
    lambdas: Mapping[str, Callable[..., Any]] | None = None,
    lambda_client: Any = None,
    queues: Mapping[str, Mapping[str, Any]] | None = None,
    hours_of_operation: Mapping[str, Any] | None = None,
    flows: Mapping[str, Mapping[str, Any]] | None = None,
    now: datetime | None = None,
    listener: Callable[[FlowEvent], None] | None = None,
) -> FlowRun:
    """Run an exported flow (``{"StartAction": ..., "Actions": [...]}``) from ``start``
    (default: its StartAction) until it ends, reaches an action that is not simulated
    (``stopped_at`` names it), or has run ``max_steps`` actions.

    ``domain_name`` and ``client`` serve the Customer Profiles actions; ``inputs`` are the
    customer's DTMF entries, one per GetParticipantInput; ``lambdas`` maps function ARNs to
    callables; ``queues`` and ``hours_of_operation`` map ids or ARNs to what the flow may
    find (``queues=None``: any queue exists); ``flows`` are what TransferToFlow may reach.
    """
    run = FlowRun(contact=initial_contact(contact))
    context = FlowContext(
        contact=run.contact, run=run, domain_name=domain_name, client=client,
        inputs=as_inputs(inputs), lambdas=dict(lambdas or {}), lambda_client=lambda_client,
        queues=queues, hours_of_operation=dict(hours_of_operation or {}),
        flows=dict(flows or {}), now=now, listener=listener,
    )  # fmt: skip
    return execute(flow, context, HANDLERS, start, max_steps)
