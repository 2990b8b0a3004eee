"""Test cases in Amazon Connect's Testing language (Version 2025-06-21), run offline.

The content a CreateTestCase call sends ("Testing language Amazon Connect"): Observations,
each an expected Event (TestInitiated, MessageReceived, FlowActionStarted, TestCompleted)
and the Actions to take when it is observed (SendInstruction, OverrideSystemBehavior,
Assert, EndTest), chained by Transitions.NextAction; an observation's
Transitions.NextObservations are the ones that become active once it has been observed.
Observations no other one leads to are active from the start. The flow interpreter emits
the events; each is matched against the active observations in the order the test case
lists them, and the first that matches is observed (once).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .engine import (
    DEFAULT_MAX_STEPS,
    OPERATORS,
    FlowContext,
    FlowEvent,
    FlowRun,
    Override,
    StopRun,
    _same_resource,
    as_inputs,
    condition_holds,
    execute,
    initial_contact,
)
from .profiles import FlowActionError, resolve

VERSION = "2025-06-21"
EVENTS = ("TestInitiated", "TestCompleted", "MessageReceived", "FlowActionStarted")
ACTIONS = ("SendInstruction", "OverrideSystemBehavior", "Assert", "EndTest")
SIMILARITY = 0.8  # "Similarity" matching (semantic in Connect) is approximated textually


class TestCaseError(ValueError):
    """The test case is not valid Testing language; the message names the member."""

    __test__ = False  # not a pytest test class


@dataclass
class AssertionResult:
    action_id: str
    namespace: str
    operator: str
    expected: Any
    actual: Any
    passed: bool


@dataclass
class ObservationResult:
    identifier: str
    event_type: str
    matched: bool = False
    order: int | None = None  # 1 for the first observation matched, ...
    at_action: str | None = None  # the flow action being run when it was observed
    active: bool = False
    assertions: list[AssertionResult] = field(default_factory=list)
    actions_run: list[str] = field(default_factory=list)


@dataclass
class TestCaseResult:
    __test__ = False

    observations: list[ObservationResult]
    run: FlowRun

    @property
    def path(self) -> list[str]:
        return self.run.path

    @property
    def problems(self) -> list[str]:
        found = [f"observation {o.identifier!r} ({o.event_type}) was expected but not observed"
                 for o in self.observations if o.active and not o.matched]  # fmt: skip
        for observation in self.observations:
            for check in observation.assertions:
                if not check.passed:
                    found.append(
                        f"{observation.identifier!r} assertion {check.action_id!r}: "
                        f"{check.namespace} {check.operator} {check.expected!r}, "
                        f"actual {check.actual!r}"
                    )
        return found

    @property
    def passed(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        observed = sorted((o for o in self.observations if o.matched),
                          key=lambda o: o.order or 0)  # fmt: skip
        lines = ["test case " + ("passed" if self.passed else "failed"), *(
            f"  problem: {problem}" for problem in self.problems)]  # fmt: skip
        lines.append("observed, in order: " + (
            ", ".join(o.identifier for o in observed) or "nothing"))  # fmt: skip
        lines.append("path taken:")
        lines.append(self.run.describe())
        return "\n".join(lines)


def assert_test_case_passed(result: TestCaseResult) -> None:
    """For pytest: fails with the problems, the observations seen and the path taken."""
    if not result.passed:
        raise AssertionError(result.summary())


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip().lower()


def _message_matches(wanted: Mapping[str, Any], shown: Mapping[str, Any]) -> bool:
    if "PromptId" in wanted and not _same_resource(shown.get("PromptId"), wanted["PromptId"]):
        return False
    if "Media" in wanted and (shown.get("Media") or {}).get("Uri") != wanted["Media"].get("Uri"):
        return False
    criteria = wanted.get("MatchingCriteria", "Similarity")
    for kind in ("Text", "SSML"):
        if kind not in wanted:
            continue
        expected = _normal(str(wanted[kind]))
        actual = _normal(str(shown.get("Text") or shown.get("SSML") or ""))
        if expected in actual:
            continue
        if criteria == "Inclusion":
            return False
        if difflib.SequenceMatcher(None, expected, actual).ratio() < SIMILARITY:
            return False
    return True


def _event_matches(wanted: Mapping[str, Any], event: FlowEvent) -> bool:
    if wanted.get("Type") != event.type:
        return False
    properties = wanted.get("Properties") or {}
    if event.type == "MessageReceived":
        return _message_matches(properties, event.properties)
    if event.type == "FlowActionStarted":
        if str(properties.get("ActionType", "")).strip() != event.properties["ActionType"]:
            return False
        shown = event.properties["ActionParameters"]
        wanted = properties.get("ActionParameters") or {}
        return all(_same_resource(shown.get(name), value) for name, value in wanted.items())
    return True


@dataclass
class _Observation:
    where: str
    raw: Mapping[str, Any]
    result: ObservationResult
    actions: dict[str, Mapping[str, Any]]
    first_action: str | None
    next_observations: list[str]


class _Runner:
    def __init__(self, test_case: Mapping[str, Any]) -> None:
        if test_case.get("Version") != VERSION:
            raise TestCaseError(f"Version must be {VERSION!r}, not {test_case.get('Version')!r}")
        listed = test_case.get("Observations")
        if not isinstance(listed, list) or not listed:
            raise TestCaseError("Observations must be a non-empty list")
        self.observations: dict[str, _Observation] = {}
        for number, raw in enumerate(listed):
            observation = self._read(number, raw)
            if observation.result.identifier in self.observations:
                raise TestCaseError(f"{observation.where}.Identifier repeats an observation")
            self.observations[observation.result.identifier] = observation
        led_to = set()
        for observation in self.observations.values():
            for target in observation.next_observations:
                if target not in self.observations:
                    raise TestCaseError(f"{observation.where}.Transitions.NextObservations "
                                        f"names no observation {target!r}")  # fmt: skip
                led_to.add(target)
        self.active = [key for key in self.observations if key not in led_to]
        for key in self.active:
            self.observations[key].result.active = True
        self.matched = 0

    @staticmethod
    def _read(number: int, raw: Any) -> _Observation:
        where = f"Observations[{number}]"
        if not isinstance(raw, Mapping) or not isinstance(raw.get("Identifier"), str):
            raise TestCaseError(f"{where}.Identifier must be a string")
        event = raw.get("Event")
        if not isinstance(event, Mapping) or event.get("Type") not in EVENTS:
            raise TestCaseError(f"{where}.Event.Type must be one of {', '.join(EVENTS)}")
        actions: dict[str, Mapping[str, Any]] = {}
        listed = raw.get("Actions") or []
        if not isinstance(listed, list):
            raise TestCaseError(f"{where}.Actions must be a list")
        for index, action in enumerate(listed):
            if not isinstance(action, Mapping) or action.get("Type") not in ACTIONS:
                raise TestCaseError(
                    f"{where}.Actions[{index}].Type must be one of {', '.join(ACTIONS)}"
                )
            actions[str(action.get("Identifier", f"#{index}"))] = action
        following = (raw.get("Transitions") or {}).get("NextObservations") or []
        if not isinstance(following, list):
            raise TestCaseError(f"{where}.Transitions.NextObservations must be a list")
        return _Observation(
            where,
            raw,
            ObservationResult(raw["Identifier"], event["Type"]),
            actions,
            next(iter(actions), None),
            [str(f) for f in following],
        )

    def on_event(self, event: FlowEvent) -> None:
        for key in list(self.active):
            observation = self.observations[key]
            if not _event_matches(observation.raw["Event"], event):
                continue
            self.matched += 1
            result = observation.result
            result.matched, result.order, result.at_action = True, self.matched, event.action_id
            self.active.remove(key)
            for target in observation.next_observations:
                if target not in self.active:
                    self.active.append(target)
                    self.observations[target].result.active = True
            self._act(observation, event.context)
            return

    def _act(self, observation: _Observation, context: FlowContext) -> None:
        current, seen = observation.first_action, set()
        while current:
            if current in seen:
                raise TestCaseError(f"{observation.where}: its Actions loop at {current!r}")
            seen.add(current)
            action = observation.actions[current]
            observation.result.actions_run.append(current)
            self._perform(current, action, observation, context)
            following = (action.get("Transitions") or {}).get("NextAction") or None
            if following and following not in observation.actions:
                raise TestCaseError(f"{observation.where}: action {current!r} leads to no "
                                    f"action {following!r}")  # fmt: skip
            current = following

    def _perform(self, identifier: str, action: Mapping[str, Any], observation: _Observation,
                 context: FlowContext) -> None:  # fmt: skip
        where = f"{observation.where}.Actions[{identifier!r}].Parameters"
        parameters = action.get("Parameters") or {}
        kind = action["Type"]
        if kind == "SendInstruction":
            instruction = parameters.get("Instruction") or {}
            value = (instruction.get("Properties") or {}).get("Value")
            if instruction.get("Type") not in ("DtmfInput", "TextUtterance") or value is None:
                raise TestCaseError(f"{where}.Instruction needs Type DtmfInput or "
                                    "TextUtterance and Properties.Value")  # fmt: skip
            context.inputs.append(str(value))
        elif kind == "OverrideSystemBehavior":
            behavior = parameters.get("Behavior") or {}
            properties = behavior.get("Properties") or {}
            if behavior.get("Type") != "FlowAction" or not properties.get("ActionType"):
                raise TestCaseError(f"{where}.Behavior needs Type FlowAction and "
                                    "Properties.ActionType")  # fmt: skip
            strategy = properties.get("Strategy")
            if not isinstance(strategy, Mapping) or not strategy.get("Type"):
                raise TestCaseError(f"{where}.Behavior.Properties.Strategy.Type is required")
            context.overrides.append(Override(str(properties["ActionType"]).strip(),
                                              dict(properties.get("ActionParameters") or {}),
                                              dict(strategy)))  # fmt: skip
        elif kind == "Assert":
            namespace, operator = parameters.get("Namespace"), parameters.get("Operator")
            if not isinstance(namespace, str) or operator not in (*OPERATORS, "Exists"):
                raise TestCaseError(f"{where} needs a Namespace and an Operator of "
                                    f"{', '.join(OPERATORS)} or Exists")  # fmt: skip
            path = namespace if namespace.startswith("$.") else f"$.{namespace}"
            actual = resolve(path, context.contact)
            expected = parameters.get("Operand")
            passed = actual is not None if operator == "Exists" else condition_holds(
                str(operator), actual, expected)  # fmt: skip
            observation.result.assertions.append(
                AssertionResult(identifier, namespace, str(operator), expected, actual, passed)
            )
        else:  # EndTest
            raise StopRun("the test ended (EndTest)")


def _entry(
    flows: Mapping[str, Any], entry_flow: str | None
) -> tuple[Mapping[str, Any], dict[str, Any]]:
    if "Actions" in flows:
        return flows, {}
    named = dict(flows)
    if entry_flow is None:
        if len(named) != 1:
            raise TestCaseError("several flows were given: name the entry_flow")
        return next(iter(named.values())), named
    if entry_flow not in named:
        raise TestCaseError(f"entry_flow {entry_flow!r} is not among the flows given")
    return named[entry_flow], named


def run_test_case(
    flows: Mapping[str, Any],
    test_case: Mapping[str, Any] | str,
    domain_name: str | None = None,
    *,
    entry_flow: str | None = None,
    contact: Mapping[str, Any] | None = None,
    client: Any = None,
    lambdas: Mapping[str, Callable[..., Any]] | None = None,
    lambda_client: Any = None,
    queues: Mapping[str, Mapping[str, Any]] | None = None,
    hours_of_operation: Mapping[str, Any] | None = None,
    now: datetime | None = None,
    max_steps: int = DEFAULT_MAX_STEPS,
) -> TestCaseResult:
    """Run a test case (the JSON Content of CreateTestCase, as text or parsed) against
    ``flows``: one exported flow, or a mapping of flows by name, id or ARN with
    ``entry_flow`` naming where the contact arrives. Reports every observation."""
    if isinstance(test_case, str):
        try:
            test_case = json.loads(test_case)
        except ValueError as error:
            raise TestCaseError(f"the test case is not JSON: {error}") from None
    if not isinstance(test_case, Mapping):
        raise TestCaseError("the test case is a JSON object")
    runner = _Runner(test_case)
    flow, named = _entry(flows, entry_flow)
    data = {"ContactId": "test-contact", **(contact or {})}
    run = FlowRun(contact=initial_contact(data))
    context = FlowContext(
        contact=run.contact, run=run, domain_name=domain_name, client=client,
        inputs=as_inputs(()), lambdas=dict(lambdas or {}), lambda_client=lambda_client,
        queues=queues, hours_of_operation=dict(hours_of_operation or {}), flows=named,
        now=now, listener=runner.on_event,
    )  # fmt: skip
    from .actions import HANDLERS

    try:
        runner.on_event(FlowEvent("TestInitiated", {}, None, context))
        execute(flow, context, HANDLERS, None, max_steps)
    except StopRun as stop:
        run.stop_reason = stop.reason
    except FlowActionError:
        raise
    context.listener = None if run.stop_reason.startswith("the test ended") else runner.on_event
    if context.listener is not None:
        runner.on_event(FlowEvent("TestCompleted", {}, None, context))
    return TestCaseResult([o.result for o in runner.observations.values()], run)
