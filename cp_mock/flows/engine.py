"""The flow interpreter: follows an exported flow (Amazon Connect flow language, "Actions in
the Amazon Connect Flow Language": Identifier, Type, Parameters, Transitions with NextAction,
Conditions and Errors) from its StartAction, one action at a time.

What each action does is declared in one table, ``HANDLERS`` (actions.py): the action's
Type names its handler there and nowhere else. An action whose Type is not in the table
stops the run, naming it. A run is bounded: after ``max_steps`` actions it stops, saying so,
whatever the flow's loops do.
"""

from __future__ import annotations

import copy
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .profiles import ActionOutcome, FlowActionError, NotSimulatedError, resolve

NO_MATCHING_ERROR = "NoMatchingError"
NO_MATCHING_CONDITION = "NoMatchingCondition"
DEFAULT_MAX_STEPS = 100
# Text operators of a Condition (and of the Testing language's Assert), as the pages list them
OPERATORS = ("Equals", "TextStartsWith", "TextEndsWith", "TextContains", "NumberGreaterThan",
             "NumberGreaterOrEqualTo", "NumberLessThan", "NumberLessOrEqualTo")  # fmt: skip


class StopRun(Exception):
    """Raised by an event listener (a test case's EndTest) to end the run where it is."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class FlowEvent:
    """What the run shows the outside, in the Testing language's terms: ``FlowActionStarted``
    (properties ActionType, ActionParameters), ``MessageReceived`` (Text, SSML, PromptId,
    Media), and around a test case ``TestInitiated`` and ``TestCompleted``."""

    type: str
    properties: dict[str, Any]
    action_id: str | None
    context: FlowContext


@dataclass
class Result:
    """What a handler decided: a value for the action's Conditions, an error type for its
    Errors, or that the run ends here (``end``: why) or continues in another flow."""

    value: Any = None
    error: str | None = None
    end: str | None = None
    next_flow: Mapping[str, Any] | None = None
    uses_conditions: bool = False


@dataclass
class Action:
    """One action of the flow, with typed readers of its parameters: each reader names the
    action and the parameter when the value is not what the reference page allows."""

    identifier: str
    type: str
    parameters: Mapping[str, Any]
    raw: Mapping[str, Any]

    def problem(self, parameter: str, message: str) -> FlowActionError:
        return FlowActionError(
            f"{self.type} action {self.identifier!r}: Parameters.{parameter} {message}"
        )

    def has(self, name: str) -> bool:
        return name in self.parameters

    def text(self, name: str, context: FlowContext, required: bool = False) -> str | None:
        """A string parameter, its ``$.`` references resolved (None when absent)."""
        if name not in self.parameters:
            if required:
                raise self.problem(name, "must be present")
            return None
        raw = self.parameters[name]
        if not isinstance(raw, str | int | float) or isinstance(raw, bool):
            raise self.problem(name, f"must be a string, not {type(raw).__name__}")
        value = resolve(raw, context.contact) if isinstance(raw, str) else raw
        return None if value is None else str(value)

    def integer(self, name: str, minimum: int, maximum: int, default: int | None = None) -> int:
        raw = self.parameters.get(name, default)
        try:
            value = int(str(raw))
        except ValueError:
            raise self.problem(name, f"must be a whole number, not {raw!r}") from None
        if not minimum <= value <= maximum:
            raise self.problem(name, f"must be from {minimum} to {maximum}, not {value}")
        return value

    def flag(self, name: str, default: bool = False) -> bool:
        raw = self.parameters.get(name, default)
        if isinstance(raw, bool):
            return raw
        if str(raw).lower() not in ("true", "false"):
            raise self.problem(name, f"must be True or False, not {raw!r}")
        return str(raw).lower() == "true"

    def mapping(self, name: str, required: bool = False) -> Mapping[str, Any]:
        raw = self.parameters.get(name)
        if raw is None:
            if required:
                raise self.problem(name, "must be present")
            return {}
        if not isinstance(raw, Mapping):
            raise self.problem(name, f"must be an object, not {type(raw).__name__}")
        return raw


Handler = Callable[[Action, "FlowContext"], Result]


@dataclass
class Override:
    """A test case's OverrideSystemBehavior: for the next action of ``action_type`` whose
    parameters include ``parameters``, ``strategy`` replaces the resource or the answer."""

    action_type: str
    parameters: Mapping[str, Any]
    strategy: Mapping[str, Any]


@dataclass
class FlowRun:
    """The actions a run went through, what it showed, and why it stopped."""

    path: list[str] = field(default_factory=list)
    outcomes: list[ActionOutcome] = field(default_factory=list)
    stopped_at: str | None = None
    stop_reason: str = ""
    contact: dict[str, Any] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)
    lambda_calls: list[dict[str, Any]] = field(default_factory=list)
    flows: list[str] = field(default_factory=list)
    ended_by: str | None = None  # the Type of the action that ended the contact's flow

    @property
    def customer(self) -> dict[str, Any]:
        return dict(self.contact.get("Customer") or {})

    @property
    def attributes(self) -> dict[str, Any]:
        return dict(self.contact.get("Attributes") or {})

    @property
    def external(self) -> dict[str, Any]:
        return dict(self.contact.get("External") or {})

    @property
    def queue(self) -> dict[str, Any]:
        return dict(self.contact.get("Queue") or {})

    def describe(self) -> str:
        """The path taken, one action a line with the branch it left by, and the stop."""
        lines = []
        for outcome in self.outcomes:
            branch = f" -> {outcome.error_type}" if outcome.error_type else ""
            lines.append(f"  {outcome.action_id}{branch}")
        lines.append(f"  stopped: {self.stop_reason}" + (
            f" at {self.stopped_at!r}" if self.stopped_at else ""))  # fmt: skip
        return "\n".join(lines)


@dataclass
class FlowContext:
    """Everything a handler may read or change: the contact data (the flow's ``$.``), what
    the customer will press, and the resources the test provides by ARN or id."""

    contact: dict[str, Any]
    run: FlowRun
    domain_name: str | None = None
    client: Any = None
    inputs: deque[str] = field(default_factory=deque)
    lambdas: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    lambda_client: Any = None
    queues: Mapping[str, Mapping[str, Any]] | None = None
    hours_of_operation: Mapping[str, Any] = field(default_factory=dict)
    flows: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    now: datetime | None = None
    listener: Callable[[FlowEvent], None] | None = None
    overrides: list[Override] = field(default_factory=list)
    loop_counts: dict[str, int] = field(default_factory=dict)

    def emit(self, event_type: str, properties: dict[str, Any], action_id: str | None) -> None:
        if self.listener is not None:
            self.listener(FlowEvent(event_type, properties, action_id, self))

    def profiles_client(self) -> Any:
        if self.client is None:
            import boto3

            self.client = boto3.client("customer-profiles", region_name="us-east-1")
        return self.client

    def take_override(self, action_type: str, parameters: Mapping[str, Any]) -> Override | None:
        """The first override waiting for this action (single use, first in, first out)."""
        for override in self.overrides:
            if override.action_type == action_type and all(
                _same_resource(parameters.get(name), wanted)
                for name, wanted in override.parameters.items()
            ):
                self.overrides.remove(override)
                return override
        return None


def _same_resource(actual: Any, wanted: Any) -> bool:
    """An id and an ARN ending in it name the same resource."""
    if actual == wanted:
        return True
    if isinstance(actual, str) and isinstance(wanted, str):
        return actual.rsplit("/", 1)[-1] == wanted.rsplit("/", 1)[-1]
    return False


def find_resource(table: Mapping[str, Any], reference: str) -> Any:
    """The entry of ``table`` an id, an ARN or a name refers to, or None."""
    if reference in table:
        return table[reference]
    for key, value in table.items():
        if _same_resource(key, reference):
            return value
    return None


def condition_holds(operator: str, actual: Any, operand: Any) -> bool:
    """One Condition of the flow language (also the Testing language's Assert)."""
    if actual is None:
        return False
    text, wanted = str(actual), str(operand)
    if operator == "Equals":
        return text == wanted
    if operator == "TextStartsWith":
        return text.startswith(wanted)
    if operator == "TextEndsWith":
        return text.endswith(wanted)
    if operator == "TextContains":
        return wanted in text
    try:
        number, limit = float(text), float(wanted)
    except ValueError:
        return False  # a number operator on a value that is not a number does not match
    return {
        "NumberGreaterThan": number > limit,
        "NumberGreaterOrEqualTo": number >= limit,
        "NumberLessThan": number < limit,
        "NumberLessOrEqualTo": number <= limit,
    }[operator]


def _index_actions(flow: Mapping[str, Any]) -> dict[str, Action]:
    if not isinstance(flow, Mapping):
        raise FlowActionError(f"a flow is a JSON object, not {type(flow).__name__}")
    listed = flow.get("Actions")
    if not isinstance(listed, list):
        raise FlowActionError("the flow has no Actions list")
    actions: dict[str, Action] = {}
    for number, raw in enumerate(listed):
        if not isinstance(raw, Mapping):
            raise FlowActionError(f"Actions[{number}] is not an object")
        identifier, action_type = raw.get("Identifier"), raw.get("Type")
        if not isinstance(identifier, str) or not identifier:
            raise FlowActionError(f"Actions[{number}]: Identifier must be a non-empty string")
        if not isinstance(action_type, str):
            raise FlowActionError(f"action {identifier!r}: Type must be a string")
        if identifier in actions:
            raise FlowActionError(f"action {identifier!r} appears twice in Actions")
        parameters = raw.get("Parameters") or {}
        if not isinstance(parameters, Mapping):
            raise FlowActionError(f"{action_type} action {identifier!r}: Parameters: not an object")
        transitions = raw.get("Transitions") or {}
        if not isinstance(transitions, Mapping):
            raise FlowActionError(f"{action_type} action {identifier!r}: Transitions: no object")
        actions[identifier] = Action(identifier, action_type, parameters, raw)
    return actions


def _branch(
    action: Action, result: Result, contact: Mapping[str, Any]
) -> tuple[str | None, str | None]:
    """The next action's Identifier and the error type taken (None on success)."""
    transitions = action.raw.get("Transitions") or {}
    error = result.error
    if error is None and result.uses_conditions:
        for number, entry in enumerate(transitions.get("Conditions") or []):
            condition = entry.get("Condition") if isinstance(entry, Mapping) else None
            if not isinstance(condition, Mapping):
                raise FlowActionError(
                    f"{action.type} action {action.identifier!r}: "
                    f"Transitions.Conditions[{number}].Condition must be an object"
                )
            operator, operands = condition.get("Operator"), condition.get("Operands")
            if operator not in OPERATORS or not isinstance(operands, list) or not operands:
                raise FlowActionError(
                    f"{action.type} action {action.identifier!r}: Transitions.Conditions"
                    f"[{number}] needs an Operator of {', '.join(OPERATORS)} and Operands"
                )
            if any(condition_holds(str(operator), result.value, resolve(o, contact))
                   for o in operands):  # fmt: skip
                return entry.get("NextAction") or None, None
        if transitions.get("Conditions"):
            error = NO_MATCHING_CONDITION
    if error is None:
        return transitions.get("NextAction") or None, None
    errors = [e for e in transitions.get("Errors") or [] if isinstance(e, Mapping)]
    for wanted in (error, NO_MATCHING_ERROR):
        for entry in errors:
            if entry.get("ErrorType") == wanted:
                return entry.get("NextAction") or None, error
    if error == NO_MATCHING_CONDITION:  # no branch for it: the default one
        return transitions.get("NextAction") or None, error
    return None, error


def execute(
    flow: Mapping[str, Any],
    context: FlowContext,
    handlers: Mapping[str, Handler],
    start: str | None = None,
    max_steps: int = DEFAULT_MAX_STEPS,
) -> FlowRun:
    """Run ``flow`` in ``context`` until it ends, stops at an action not simulated, or has
    run ``max_steps`` actions."""
    run = context.run
    actions = _index_actions(flow)
    run.flows.append(str((flow.get("Metadata") or {}).get("name") or "flow"))
    current = start or flow.get("StartAction")
    if current is not None and current not in actions:
        raise FlowActionError(f"StartAction {current!r} names no action of the flow")
    while current is not None:
        if len(run.path) >= max_steps:
            run.stopped_at, run.stop_reason = current, f"stopped after {max_steps} steps"
            return run
        action = actions[current]
        handler = handlers.get(action.type)
        if handler is None:
            run.stopped_at, run.stop_reason = current, f"{action.type} is not simulated"
            return run
        try:
            context.emit("FlowActionStarted", {"ActionType": action.type, "ActionParameters": {
                name: resolve(value, context.contact) for name, value in action.parameters.items()
            }}, current)  # fmt: skip
            result = handler(action, context)
        except StopRun as stop:
            run.stopped_at, run.stop_reason = current, stop.reason
            return run
        except NotSimulatedError as error:
            run.stopped_at, run.stop_reason = current, str(error)
            return run
        except FlowActionError:
            raise
        except (TypeError, ValueError, KeyError, AttributeError) as error:
            # a parameter of a shape the handler did not expect: say where, not how deep
            raise FlowActionError(
                f"{action.type} action {current!r}: malformed parameters ({error!r})"
            ) from None
        next_action, error_type = _branch(action, result, context.contact)
        run.path.append(current)
        run.outcomes.append(ActionOutcome(
            action_id=current, next_action=next_action, error_type=error_type,
            customer=dict(context.contact.get("Customer") or {}),
            contact=copy.deepcopy(context.contact),
        ))  # fmt: skip
        if result.end is not None:
            run.stop_reason, run.ended_by = result.end, action.type
            return run
        if result.next_flow is not None:
            return execute(result.next_flow, context, handlers, None, max_steps)
        if next_action is not None and next_action not in actions:
            raise FlowActionError(
                f"{action.type} action {current!r}: its transition names no action {next_action!r}"
            )
        current = next_action
    run.stop_reason = "the flow ended"
    return run


def initial_contact(contact: Mapping[str, Any] | None) -> dict[str, Any]:
    """The contact data a run starts with: what the test gives, over empty namespaces."""
    data: dict[str, Any] = {"Channel": "VOICE", "Attributes": {}, "Customer": {}, "External": {}}
    data.update(copy.deepcopy(dict(contact or {})))
    return data


def as_inputs(inputs: Iterable[str | int] | str) -> deque[str]:
    if isinstance(inputs, str):
        return deque([inputs])
    return deque(str(value) for value in inputs)
