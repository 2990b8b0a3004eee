"""The flow interpreter's actions beyond Customer Profiles, each from its page of the
Amazon Connect flow language reference (cited per test), through cp_mock.flows.run_flow."""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from cp_mock.flows import HANDLERS, FlowActionError, run_flow

VIP = "arn:aws:connect:us-east-1:123456789012:instance/i-1/queue/vip"
LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:lookup"


def flow(*actions: dict[str, Any], start: str | None = None) -> dict[str, Any]:
    return {"Version": "2019-10-30", "StartAction": start or actions[0]["Identifier"],
            "Actions": list(actions)}  # fmt: skip


def act(identifier: str, action_type: str, parameters: dict[str, Any] | None = None,
        **transitions: Any) -> dict[str, Any]:  # fmt: skip
    return {"Identifier": identifier, "Type": action_type, "Parameters": parameters or {},
            "Transitions": transitions}  # fmt: skip


def end(identifier: str) -> dict[str, Any]:
    return act(identifier, "DisconnectParticipant")


def condition(value: str, target: str, operator: str = "Equals") -> dict[str, Any]:
    return {"NextAction": target, "Condition": {"Operator": operator, "Operands": [value]}}


def test_the_table_declares_every_simulated_action() -> None:
    assert set(HANDLERS) == {
        "GetCustomerProfile", "CreateCustomerProfile", "UpdateCustomerProfile",
        "AssociateContactToCustomerProfile", "GetCustomerProfileObject",
        "GetCalculatedAttributesForCustomerProfile", "Compare", "CheckHoursOfOperation",
        "Loop", "Wait", "EndFlowExecution", "TransferToFlow", "UpdateContactAttributes",
        "UpdateContactTargetQueue", "TransferContactToQueue", "UpdateContactData",
        "TagContact", "MessageParticipant", "GetParticipantInput", "DisconnectParticipant",
        "InvokeLambdaFunction", "UpdateFlowLoggingBehavior",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("operator", "operand", "value", "matches"),
    [("Equals", "gold", "gold", True), ("Equals", "gold", "Gold", False),
     ("NumberGreaterThan", "5", "7", True), ("NumberGreaterThan", "5", "5", False),
     ("NumberGreaterOrEqualTo", "5", "5", True), ("NumberLessThan", "5", "4.5", True),
     ("NumberLessOrEqualTo", "5", "6", False), ("NumberLessThan", "5", "many", False),
     ("TextStartsWith", "+44", "+4420", True), ("TextEndsWith", "00", "+4420", False),
     ("TextContains", "VIP", "a VIP caller", True)],
)  # fmt: skip
def test_compare_conditions(operator: str, operand: str, value: str, matches: bool) -> None:
    # flow-control-actions-compare: "ComparisonValue": any single JSONPath identifier;
    # "NoMatchingCondition - if no other Condition matches."
    compare = act("cmp", "Compare", {"ComparisonValue": "$.Attributes.v"},
                  NextAction="other", Conditions=[condition(operand, "yes", operator)],
                  Errors=[{"ErrorType": "NoMatchingCondition", "NextAction": "no"}])  # fmt: skip
    run = run_flow(flow(compare, end("yes"), end("no"), end("other")),
                   contact={"Attributes": {"v": value}})  # fmt: skip
    assert run.path == ["cmp", "yes" if matches else "no"]
    assert run.outcomes[0].error_type == (None if matches else "NoMatchingCondition")


def test_compare_without_comparison_value_names_the_parameter() -> None:
    with pytest.raises(FlowActionError, match=r"Compare action 'cmp': Parameters.ComparisonValue"):
        run_flow(flow(act("cmp", "Compare", {})))


def test_a_malformed_condition_names_the_action() -> None:
    bad = act(
        "cmp",
        "Compare",
        {"ComparisonValue": "x"},
        Conditions=[{"NextAction": "a", "Condition": {"Operator": "Like", "Operands": []}}],
    )
    with pytest.raises(FlowActionError, match=r"'cmp': Transitions.Conditions\[0\]"):
        run_flow(flow(bad))


def test_a_transition_to_no_action_names_both() -> None:
    with pytest.raises(FlowActionError, match="'a': its transition names no action 'nowhere'"):
        run_flow(flow(act("a", "MessageParticipant", {"Text": "hi"}, NextAction="nowhere")))


@pytest.mark.parametrize("bad", [[], {"Actions": "x"}, {"Actions": [{"Type": "Compare"}]},
                                 {"StartAction": "b", "Actions": [end("a")]}])  # fmt: skip
def test_bad_flow_json_is_a_clear_error(bad: Any) -> None:
    with pytest.raises(FlowActionError):
        run_flow(bad)


def hours_flow(hours_id: str | None) -> dict[str, Any]:
    parameters = {"HoursOfOperationId": hours_id} if hours_id else {}
    check = act("hours", "CheckHoursOfOperation", parameters, NextAction="closed",
                Conditions=[condition("True", "open"), condition("False", "closed")],
                Errors=[{"ErrorType": "NoMatchingError", "NextAction": "error"}])  # fmt: skip
    return flow(check, end("open"), end("closed"), end("error"))


def test_check_hours_of_operation_true_false_and_unknown() -> None:
    # flow-control-actions-checkhoursofoperation: True or False; without
    # HoursOfOperationId, the target queue's hours
    week = {"TimeZone": "Europe/London", "Config": [
        {"Day": day, "StartTime": {"Hours": 9, "Minutes": 0},
         "EndTime": {"Hours": 17, "Minutes": 0}} for day in ("MONDAY", "TUESDAY")]}  # fmt: skip
    monday_10_london = datetime(2025, 6, 23, 9, 0, tzinfo=timezone.utc)  # 10:00 BST
    tuesday_18_london = datetime(2025, 6, 24, 17, 30, tzinfo=timezone.utc)
    hours = {"arn:aws:connect:us-east-1:1:instance/i/operating-hours/basic": week}
    run = run_flow(hours_flow("basic"), hours_of_operation=hours, now=monday_10_london)
    assert run.path[-1] == "open"
    run = run_flow(hours_flow("basic"), hours_of_operation=hours, now=tuesday_18_london)
    assert run.path[-1] == "closed"
    assert run_flow(hours_flow("missing"), hours_of_operation=hours).path[-1] == "error"
    queued = {"Queue": {"HoursOfOperationId": "always"}}
    run = run_flow(hours_flow(None), contact=queued, hours_of_operation={"always": True})
    assert run.path[-1] == "open"


def test_loop_continues_loop_count_times_then_is_done() -> None:
    # flow-control-actions-loop: LoopCount; ContinueLooping / DoneLooping
    again = act("again", "Loop", {"LoopCount": "2"}, NextAction="done",
                Conditions=[condition("ContinueLooping", "say"),
                            condition("DoneLooping", "done")])  # fmt: skip
    say = act("say", "MessageParticipant", {"Text": "once more"}, NextAction="again")
    run = run_flow(flow(again, say, end("done")))
    assert run.path == ["again", "say", "again", "say", "again", "done"]
    assert run.messages == ["once more", "once more"]


def test_a_loop_forever_is_bounded_by_the_step_limit() -> None:
    spin = act("spin", "Compare", {"ComparisonValue": "x"}, NextAction="spin")
    run = run_flow(flow(spin), max_steps=25)
    assert len(run.path) == 25 and run.stop_reason == "stopped after 25 steps"


def test_wait_completes_at_once() -> None:
    # flow-control-actions-wait: TimeoutSeconds, then the WaitCompleted result
    pause = act("pause", "Wait", {"TimeoutSeconds": "300"}, NextAction="x",
                Conditions=[condition("WaitCompleted", "after")])  # fmt: skip
    assert run_flow(flow(pause, end("after"), end("x"))).path == ["pause", "after"]
    with pytest.raises(FlowActionError, match="Parameters.TimeoutSeconds must be from 1"):
        run_flow(flow(act("pause", "Wait", {"TimeoutSeconds": "0"})))


def test_end_flow_execution_and_transfer_to_flow() -> None:
    # flow-control-actions-transfertoflow: "Execution jumps to a different flow";
    # NoMatchingError for a flow not among those given
    other = flow(act("set", "UpdateContactAttributes", {"Attributes": {"where": "second"}},
                     NextAction="stop"), act("stop", "EndFlowExecution"))  # fmt: skip
    first = flow(act("jump", "TransferToFlow", {"ContactFlowId": "$.Attributes.target"},
                     Errors=[{"ErrorType": "NoMatchingError", "NextAction": "lost"}]),
                 end("lost"))  # fmt: skip
    arn = "arn:aws:connect:us-east-1:1:instance/i/contact-flow/second"
    run = run_flow(first, contact={"Attributes": {"target": arn}}, flows={"second": other})
    assert run.path == ["jump", "set", "stop"]
    assert run.attributes["where"] == "second" and run.ended_by == "EndFlowExecution"
    lost = run_flow(first, contact={"Attributes": {"target": "elsewhere"}}, flows={})
    assert lost.path == ["jump", "lost"]


def test_update_contact_attributes_resolves_and_skips_missing() -> None:
    # contact-actions-updatecontactattributes: keys and values static or dynamic
    update = act("set", "UpdateContactAttributes", {"Attributes": {
        "name": "$.Customer.FirstName", "greeting": "Hi $.Customer.FirstName!",
        "missing": "$.Customer.Nothing", "fixed": "yes"}}, NextAction="end")  # fmt: skip
    run = run_flow(flow(update, end("end")), contact={"Customer": {"FirstName": "Jo"}})
    assert run.attributes == {"name": "Jo", "greeting": "Hi Jo!", "fixed": "yes"}
    with pytest.raises(FlowActionError, match="Parameters.Attributes must be present"):
        run_flow(flow(act("set", "UpdateContactAttributes", {})))


def queue_flow(queue_id: str) -> dict[str, Any]:
    return flow(
        act("target", "UpdateContactTargetQueue", {"QueueId": queue_id}, NextAction="transfer",
            Errors=[{"ErrorType": "NoMatchingError", "NextAction": "no-queue"}]),
        act("transfer", "TransferContactToQueue", Errors=[
            {"ErrorType": "QueueAtCapacity", "NextAction": "full"},
            {"ErrorType": "NoMatchingError", "NextAction": "no-queue"}]),
        end("full"), end("no-queue"),
    )  # fmt: skip


def test_target_queue_and_transfer() -> None:
    # contact-actions-updatecontacttargetqueue / -transfercontacttoqueue: QueueAtCapacity,
    # NoMatchingError
    queues = {VIP: {"Name": "VIP"}, "full-queue": {"Name": "Full", "AtCapacity": True}}
    run = run_flow(queue_flow("vip"), queues=queues)
    assert run.path == ["target", "transfer"] and run.queue["Name"] == "VIP"
    assert run.stop_reason == "transferred to queue VIP"
    assert run.ended_by == "TransferContactToQueue"
    assert run_flow(queue_flow("full-queue"), queues=queues).path[-1] == "full"
    assert run_flow(queue_flow("unknown"), queues=queues).path[-1] == "no-queue"
    no_target = run_flow(flow(act("transfer", "TransferContactToQueue", Errors=[
        {"ErrorType": "NoMatchingError", "NextAction": "none"}]), end("none")))  # fmt: skip
    assert no_target.path == ["transfer", "none"]


def test_update_contact_data_and_tag_contact() -> None:
    # contact-actions-updatecontactdata, contact-actions-tagcontact
    data = act(
        "data",
        "UpdateContactData",
        {"Name": "Callback for $.Customer.FirstName", "LanguageCode": "en-GB"},
        NextAction="tag",
    )
    tag = act("tag", "TagContact", {"Tags": {"tier": "$.Customer.tier"}}, NextAction="end")
    run = run_flow(flow(data, tag, end("end")),
                   contact={"Customer": {"FirstName": "Jo", "tier": "gold"}})  # fmt: skip
    assert run.contact["Name"] == "Callback for Jo" and run.contact["LanguageCode"] == "en-GB"
    assert run.contact["Tags"] == {"tier": "gold"}
    voice_id = act("data", "UpdateContactData", {"IsVoiceIdStreamingEnabled": "true"},
                   Errors=[{"ErrorType": "NoMatchingError", "NextAction": "end"}])  # fmt: skip
    assert run_flow(flow(voice_id, end("end"))).path == ["data", "end"]
    other = run_flow(flow(act("data", "UpdateContactData", {"WisdomSessionArn": "x"})))
    assert other.stopped_at == "data" and "WisdomSessionArn is not simulated" in other.stop_reason


def test_message_participant_one_prompt_kind() -> None:
    # participant-actions-messageparticipant: PromptId, Text or SSML, not together
    hello = act("hello", "MessageParticipant", {"Text": "Hello $.Customer.FirstName"},
                NextAction="end")  # fmt: skip
    run = run_flow(flow(hello, end("end")), contact={"Customer": {"FirstName": "Ana"}})
    assert run.messages == ["Hello Ana"] and run.ended_by == "DisconnectParticipant"
    both = act("m", "MessageParticipant", {"Text": "a", "SSML": "<speak>b</speak>"})
    with pytest.raises(FlowActionError, match="Parameters.SSML may not be given with Text"):
        run_flow(flow(both))


def menu() -> dict[str, Any]:
    ask = act("ask", "GetParticipantInput", {"Text": "Press 1 for sales",
                                            "InputTimeLimitSeconds": "5"},
              NextAction="other", Conditions=[condition("1", "sales")],
              Errors=[{"ErrorType": "InputTimeLimitExceeded", "NextAction": "timeout"},
                      {"ErrorType": "NoMatchingCondition", "NextAction": "other"}])  # fmt: skip
    return flow(ask, end("sales"), end("timeout"), end("other"))


def test_get_participant_input_dtmf() -> None:
    # participant-actions-getparticipantinput: InputTimeLimitExceeded, NoMatchingCondition
    assert run_flow(menu(), inputs=["1"]).path == ["ask", "sales"]
    assert run_flow(menu(), inputs="9").path == ["ask", "other"]
    timeout = run_flow(menu())
    assert timeout.path == ["ask", "timeout"] and timeout.messages == ["Press 1 for sales"]
    store = act(
        "store",
        "GetParticipantInput",
        {
            "Text": "Account number?",
            "StoreInput": "True",
            "DTMFConfiguration": {"InputTerminationSequence": "#"},
        },
        NextAction="end",
    )
    run = run_flow(flow(store, end("end")), inputs=["12345#"])
    assert run.contact["StoredCustomerInput"] == "12345"


def lambda_flow(response_type: str = "STRING_MAP") -> dict[str, Any]:
    invoke = act(
        "invoke",
        "InvokeLambdaFunction",
        {
            "LambdaFunctionARN": LAMBDA,
            "InvocationTimeLimitSeconds": "3",
            "LambdaInvocationAttributes": {"account": "$.Attributes.account"},
            "ResponseValidation": {"ResponseType": response_type},
        },
        NextAction="say",
        Errors=[{"ErrorType": "NoMatchingError", "NextAction": "failed"}],
    )
    say = act("say", "MessageParticipant", {"Text": "Your balance is $.External.balance"},
              NextAction="end")  # fmt: skip
    return flow(invoke, say, end("end"), end("failed"))


def test_invoke_lambda_gets_the_connect_event_and_fills_external() -> None:
    # interactions-invokelambdafunction: the answer is available under $.External
    seen: list[dict[str, Any]] = []

    def balance(event: dict[str, Any], context: Any) -> dict[str, Any]:
        seen.append(event)
        return {"balance": 42, "currency": "GBP"}

    contact = {
        "ContactId": "c-1",
        "Attributes": {"account": "A-9"},
        "CustomerEndpoint": {"Address": "+441", "Type": "TELEPHONE_NUMBER"},
    }
    run = run_flow(lambda_flow(), contact=contact, lambdas={LAMBDA: balance})
    assert run.path == ["invoke", "say", "end"]
    assert run.external == {"balance": "42", "currency": "GBP"}
    assert run.messages == ["Your balance is 42"]
    [event] = seen
    assert event["Name"] == "ContactFlowEvent"
    assert event["Details"]["Parameters"] == {"account": "A-9"}
    assert event["Details"]["ContactData"]["ContactId"] == "c-1"
    assert event["Details"]["ContactData"]["CustomerEndpoint"]["Address"] == "+441"


def test_invoke_lambda_failures_take_no_matching_error() -> None:
    def nested(event: Any, context: Any) -> dict[str, Any]:
        return {"balance": {"amount": 1}}

    def broken(event: Any, context: Any) -> dict[str, Any]:
        raise RuntimeError("down")

    assert run_flow(lambda_flow(), lambdas={LAMBDA: nested}).path[-1] == "failed"
    assert run_flow(lambda_flow("JSON"), lambdas={LAMBDA: nested}).external == {
        "balance": {"amount": 1}}  # fmt: skip
    failed = run_flow(lambda_flow(), lambdas={LAMBDA: broken})
    assert failed.path[-1] == "failed" and "down" in failed.lambda_calls[0]["error"]
    assert run_flow(lambda_flow()).path[-1] == "failed"  # nothing registered for the ARN
    with pytest.raises(FlowActionError, match="InvocationTimeLimitSeconds must be from 1 to 8"):
        bad = lambda_flow()
        bad["Actions"][0]["Parameters"]["InvocationTimeLimitSeconds"] = "9"
        run_flow(bad)


def test_invoke_lambda_through_a_lambda_client() -> None:
    client = boto3.client("lambda", region_name="us-east-1", aws_access_key_id="k",
                          aws_secret_access_key="s")  # fmt: skip
    with Stubber(client) as stubber:
        payload = io.BytesIO(json.dumps({"balance": "7"}).encode())
        stubber.add_response("invoke", {"StatusCode": 200, "Payload": payload},
                             {"FunctionName": LAMBDA, "Payload": stubber_any()})  # fmt: skip
        run = run_flow(lambda_flow(), lambda_client=client)
        assert run.external == {"balance": "7"}
        error = io.BytesIO(b'{"errorMessage": "boom"}')
        stubber.add_response("invoke", {"StatusCode": 200, "Payload": error,
                                        "FunctionError": "Unhandled"})  # fmt: skip
        assert run_flow(lambda_flow(), lambda_client=client).path[-1] == "failed"


def stubber_any() -> Any:
    from botocore.stub import ANY

    return ANY


def test_an_action_not_simulated_stops_the_run_naming_it() -> None:
    lex = act("bot", "ConnectParticipantWithLexBot", {"Text": "How can I help?"})
    run = run_flow(flow(act("hi", "MessageParticipant", {"Text": "hi"}, NextAction="bot"), lex))
    assert run.path == ["hi"] and run.stopped_at == "bot"
    assert run.stop_reason == "ConnectParticipantWithLexBot is not simulated"
