"""Test cases in the Testing language (Amazon Connect API reference, "Testing language
Amazon Connect": testing-language-events-*, testing-language-actions-*, the example test)
run offline by cp_mock.flows.run_test_case."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from cp_mock.flows import TestCaseError, assert_test_case_passed, run_test_case

HOURS = "arn:aws:connect:us-west-2:123456789012:instance/abc123/flow/BasicHours"
ALWAYS = "arn:aws:connect:us-west-2:123456789012:instance/abc123/flow/AlwaysOnHours"
QUEUE = "arn:aws:connect:us-west-2:123456789012:instance/abc123/queue/support"
LAMBDA = "arn:aws:lambda:us-west-2:123456789012:function:plan"


def cond(value: str, target: str) -> dict[str, Any]:
    return {"NextAction": target, "Condition": {"Operator": "Equals", "Operands": [value]}}


# The flow the reference's example test describes: hours checked, a welcome prompt, a
# DTMF choice, a queue, a transfer.
FLOW = {"Version": "2019-10-30", "StartAction": "hours", "Actions": [
    {"Identifier": "hours", "Type": "CheckHoursOfOperation",
     "Parameters": {"HoursOfOperationId": HOURS},
     "Transitions": {"NextAction": "closed", "Conditions": [cond("True", "welcome"),
                                                            cond("False", "closed")]}},
    {"Identifier": "welcome", "Type": "GetParticipantInput",
     "Parameters": {"Text": "Welcome to Example Corp. Press 1 for support.",
                    "InputTimeLimitSeconds": "5"},
     "Transitions": {"NextAction": "closed", "Conditions": [cond("1", "queue")],
                     "Errors": [{"ErrorType": "InputTimeLimitExceeded", "NextAction": "closed"},
                                {"ErrorType": "NoMatchingCondition", "NextAction": "closed"}]}},
    {"Identifier": "queue", "Type": "UpdateContactTargetQueue", "Parameters": {"QueueId": QUEUE},
     "Transitions": {"NextAction": "transfer"}},
    {"Identifier": "transfer", "Type": "TransferContactToQueue", "Parameters": {},
     "Transitions": {}},
    {"Identifier": "closed", "Type": "MessageParticipant",
     "Parameters": {"Text": "We are closed."}, "Transitions": {"NextAction": "bye"}},
    {"Identifier": "bye", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}},
]}  # fmt: skip


def observation(identifier: str, event: dict[str, Any], actions: list[dict[str, Any]],
                following: list[str]) -> dict[str, Any]:  # fmt: skip
    return {"Identifier": identifier, "Event": {"Identifier": identifier, "Actor": "System",
                                                "Properties": {}, **event},
            "Usage": {"Type": "EXACTLY"}, "Actions": actions,
            "Transitions": {"NextObservations": following}}  # fmt: skip


def override_hours() -> dict[str, Any]:
    # testing-language-example: OverrideSystemBehavior, Strategy SubstituteResource
    return {"Identifier": "always-open", "Type": "OverrideSystemBehavior", "Parameters": {
        "ActionType": "OverrideSystemBehavior", "Behavior": {"Type": "FlowAction", "Properties": {
            "ActionType": "CheckHoursOfOperation",
            "ActionParameters": {"HoursOfOperationId": HOURS},
            "Strategy": {"Type": "SubstituteResource", "SubstituteArn": ALWAYS}}}},
        "Transitions": {"NextAction": ""}}  # fmt: skip


def press(digit: str) -> dict[str, Any]:
    # testing-language-actions-send-instruction: DtmfInput
    return {"Identifier": "press", "Type": "SendInstruction", "Parameters": {
        "ActionType": "SendInstruction", "Actor": "Customer",
        "Instruction": {"Type": "DtmfInput", "Properties": {"Value": digit}}},
        "Transitions": {"NextAction": ""}}  # fmt: skip


def check(identifier: str, namespace: str, operand: str, then: str = "") -> dict[str, Any]:
    # testing-language-actions-assertion
    return {"Identifier": identifier, "Type": "Assert", "Parameters": {
        "Namespace": namespace, "Operator": "Equals", "Operand": operand},
        "Transitions": {"NextAction": then}}  # fmt: skip


def example_test(digit: str = "1", queue_name: str = "Support") -> dict[str, Any]:
    return {"Version": "2025-06-21", "Metadata": {}, "Observations": [
        observation("TriggerHoursCheck", {"Type": "TestInitiated"}, [override_hours()],
                    ["Welcome Message"]),
        observation("Welcome Message", {"Type": "MessageReceived", "Properties": {
            "Text": "Welcome to Example Corp", "MatchingCriteria": "Inclusion"}},
            [press(digit)], ["Queued"]),
        observation("Queued", {"Type": "FlowActionStarted", "Properties": {
            "ActionType": "TransferContactToQueue", "ActionParameters": {}}},
            [check("right-queue", "$.Queue.Name", queue_name, "end"),
             {"Identifier": "end", "Type": "EndTest", "Parameters": {}, "Transitions": {}}],
            []),
    ]}  # fmt: skip


def run(test_case: Any, **options: Any) -> Any:
    return run_test_case(FLOW, test_case, queues={QUEUE: {"Name": "Support"}},
                         hours_of_operation={HOURS: False, ALWAYS: True}, **options)  # fmt: skip


def test_the_reference_example_runs_and_passes() -> None:
    result = run(json.dumps(example_test()))  # the Content string CreateTestCase sends
    assert result.passed, result.summary()
    assert result.path == ["hours", "welcome", "queue"]
    assert result.run.stop_reason == "the test ended (EndTest)"
    orders = {o.identifier: o.order for o in result.observations}
    assert orders == {"TriggerHoursCheck": 1, "Welcome Message": 2, "Queued": 3}
    [queued] = [o for o in result.observations if o.identifier == "Queued"]
    [assertion] = queued.assertions
    assert (assertion.expected, assertion.actual, assertion.passed) == ("Support", "Support", True)
    assert queued.at_action == "transfer"
    assert_test_case_passed(result)


def test_without_the_override_the_real_hours_apply() -> None:
    case = example_test()
    case["Observations"][0]["Actions"] = []
    result = run(case)
    assert result.path == ["hours", "closed", "bye"]
    assert not result.passed
    assert result.problems == [
        "observation 'Welcome Message' (MessageReceived) was expected but not observed"
    ]


def test_a_failed_assertion_reports_expected_and_actual_and_the_path() -> None:
    result = run(example_test(queue_name="Sales"))
    assert not result.passed
    [problem] = result.problems
    assert (
        problem == "'Queued' assertion 'right-queue': $.Queue.Name Equals 'Sales', actual 'Support'"
    )
    with pytest.raises(AssertionError) as failure:
        assert_test_case_passed(result)
    message = str(failure.value)
    assert "observed, in order: TriggerHoursCheck, Welcome Message, Queued" in message
    assert "hours\n  welcome\n  queue" in message


def test_a_wrong_key_takes_the_other_branch() -> None:
    result = run(example_test(digit="2"))
    assert result.path == ["hours", "welcome", "closed", "bye"]
    assert [o.identifier for o in result.observations if o.active and not o.matched] == ["Queued"]


def test_test_completed_is_observed_at_the_end() -> None:
    # testing-language-events-test-completed
    case = {"Version": "2025-06-21", "Observations": [
        observation("done", {"Type": "TestCompleted"},
                    [check("said-closed", "$.Attributes.none", "x")], []),
        observation("closed", {"Type": "MessageReceived", "Properties": {
            "Text": "we are closed"}}, [], []),  # Similarity: case and spacing aside
    ]}  # fmt: skip
    result = run(case)
    [done, closed] = result.observations
    assert closed.matched and done.matched and done.order == 2
    assert done.assertions[0].actual is None and not result.passed


def test_a_lambda_answer_is_overridden() -> None:
    flow = {"StartAction": "plan", "Actions": [
        {"Identifier": "plan", "Type": "InvokeLambdaFunction",
         "Parameters": {"LambdaFunctionARN": LAMBDA}, "Transitions": {"NextAction": "bye",
         "Errors": [{"ErrorType": "NoMatchingError", "NextAction": "bye"}]}},
        {"Identifier": "bye", "Type": "DisconnectParticipant", "Parameters": {}}]}  # fmt: skip
    mocked = {"Identifier": "mock", "Type": "OverrideSystemBehavior", "Parameters": {
        "Behavior": {"Type": "FlowAction", "Properties": {
            "ActionType": "InvokeLambdaFunction", "ActionParameters": {"LambdaFunctionARN": LAMBDA},
            "Strategy": {"Type": "MockResponse", "Response": {"plan": "premium"}}}}}}  # fmt: skip
    case = {"Version": "2025-06-21", "Observations": [
        observation("start", {"Type": "TestInitiated"}, [mocked], ["called"]),
        observation("called", {"Type": "FlowActionStarted", "Properties": {
            "ActionType": "InvokeLambdaFunction",
            "ActionParameters": {"LambdaFunctionARN": LAMBDA}}}, [], ["end"]),
        observation("end", {"Type": "TestCompleted"}, [check("plan", "$.External.plan",
                                                              "premium")], []),
    ]}  # fmt: skip
    result = run_test_case(flow, case)
    assert result.passed, result.summary()
    assert result.run.lambda_calls[0]["response"] == {"plan": "premium"}


@pytest.mark.parametrize(
    ("change", "member"),
    [(lambda c: c.update(Version="2019-10-30"), "Version"),
     (lambda c: c["Observations"][1]["Event"].update(Type="PromptPlayed"),
      r"Observations\[1\].Event.Type"),
     (lambda c: c["Observations"][1]["Actions"][0].update(Type="Press"),
      r"Observations\[1\].Actions\[0\].Type"),
     (lambda c: c["Observations"][0]["Transitions"].update(NextObservations=["Nowhere"]),
      r"Observations\[0\].Transitions.NextObservations names no observation 'Nowhere'")],
)  # fmt: skip
def test_a_bad_test_case_names_the_member(change: Any, member: str) -> None:
    case = copy.deepcopy(example_test())
    change(case)
    with pytest.raises(TestCaseError, match=member):
        run(case)
    with pytest.raises(TestCaseError, match="not JSON"):
        run("{nope")
