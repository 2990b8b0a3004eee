"""What each simulated action does, and the one table from action Type to its handler.

Each handler follows its page of the flow language reference (Amazon Connect, "Actions in
the Amazon Connect Flow Language"): flow-control-actions-compare, -checkhoursofoperation,
-loop, -wait, -endflowexecution, -transfertoflow; contact-actions-updatecontactattributes,
-updatecontacttargetqueue, -transfercontacttoqueue, -updatecontactdata, -tagcontact;
participant-actions-messageparticipant, -getparticipantinput, -disconnectparticipant;
interactions-invokelambdafunction. The six Customer Profiles actions are in profiles.py.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .engine import NO_MATCHING_ERROR, Action, FlowContext, Handler, Result, find_resource
from .profiles import ACTIONS as PROFILE_ACTIONS
from .profiles import FlowActionError, NotSimulatedError, resolve, run_action

INPUT_TIME_LIMIT_EXCEEDED = "InputTimeLimitExceeded"
QUEUE_AT_CAPACITY = "QueueAtCapacity"
PROMPT_KINDS = ("PromptId", "Text", "SSML", "Media")
DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
# UpdateContactData parameters this simulator records on the contact ($.Name, ...)
CONTACT_DATA = ("Name", "Description", "LanguageCode", "CustomerId", "References",
                "RelatedContactId", "TargetContact")  # fmt: skip
# Voice ID is not part of the mock: these take the error branch, as in an instance
# where Voice ID is not enabled (docs/flows.md)
VOICE_ID_DATA = ("IsVoiceIdStreamingEnabled", "IsFraudDetectionEnabled",
                 "IsVoiceAuthenticationEnabled", "VoiceAuthenticationThreshold",
                 "VoiceAuthenticationResponseTime", "FraudDetectionThreshold",
                 "VoiceIdDomainId")  # fmt: skip


# -- the Customer Profiles actions ------------------------------------------------------
def customer_profiles(action: Action, context: FlowContext) -> Result:
    """The six Customer Profiles actions, through a boto3 client (profiles.py)."""
    if context.domain_name is None:
        raise FlowActionError(
            f"{action.type} action {action.identifier!r}: the run needs a domain_name"
        )
    outcome = run_action(action.raw, context.domain_name, context.contact,
                         context.profiles_client())  # fmt: skip
    context.contact.clear()
    context.contact.update(outcome.contact)
    return Result(error=outcome.error_type)


# -- flow control -----------------------------------------------------------------------
def compare(action: Action, context: FlowContext) -> Result:
    """ "ComparisonValue": any single JSONPath identifier; NoMatchingCondition if no other
    Condition matches."""
    raw = action.parameters.get("ComparisonValue")
    if raw is None:
        raise action.problem("ComparisonValue", "must be present")
    return Result(value=resolve(raw, context.contact), uses_conditions=True)


def _in_hours(hours: Any, now: datetime) -> bool:
    """An hours of operation given as True/False, or as DescribeHoursOfOperation shows it
    (TimeZone, Config of Day, StartTime and EndTime), at ``now``."""
    if isinstance(hours, bool):
        return hours
    if not isinstance(hours, Mapping):
        raise FlowActionError("an hours of operation is True, False or {TimeZone, Config}")
    try:
        local = now.astimezone(ZoneInfo(str(hours.get("TimeZone") or "UTC")))
    except ZoneInfoNotFoundError:
        raise FlowActionError(f"unknown TimeZone {hours.get('TimeZone')!r}") from None
    minute = local.hour * 60 + local.minute
    for entry in hours.get("Config") or []:
        if entry.get("Day") != DAYS[local.weekday()]:
            continue
        start = entry["StartTime"]["Hours"] * 60 + entry["StartTime"].get("Minutes", 0)
        end = entry["EndTime"]["Hours"] * 60 + entry["EndTime"].get("Minutes", 0)
        if start <= minute < (end or 24 * 60):  # an end of 00:00 is midnight
            return True
    return False


def check_hours_of_operation(action: Action, context: FlowContext) -> Result:
    """True or False for Conditions; without HoursOfOperationId, the target queue's hours.
    An hours of operation the test did not provide is NoMatchingError."""
    hours_id = action.text("HoursOfOperationId", context)
    if hours_id is None:
        hours_id = (context.contact.get("Queue") or {}).get("HoursOfOperationId")
    override = context.take_override("CheckHoursOfOperation", {"HoursOfOperationId": hours_id})
    if override is not None and override.strategy.get("Type") == "SubstituteResource":
        hours_id = str(override.strategy.get("SubstituteArn"))
    hours = find_resource(context.hours_of_operation, hours_id) if hours_id else None
    if hours is None:
        return Result(error=NO_MATCHING_ERROR)
    now = context.now or datetime.now(timezone.utc)
    return Result(value="True" if _in_hours(hours, now) else "False", uses_conditions=True)


def loop(action: Action, context: FlowContext) -> Result:
    """ContinueLooping until the action has been reached LoopCount times, then DoneLooping
    (and the count starts again, so the loop can be entered anew)."""
    limit = action.integer("LoopCount", 0, 100)
    done = context.loop_counts.get(action.identifier, 0)
    if done < limit:
        context.loop_counts[action.identifier] = done + 1
        return Result(value="ContinueLooping", uses_conditions=True)
    context.loop_counts.pop(action.identifier, None)
    return Result(value="DoneLooping", uses_conditions=True)


def wait(action: Action, context: FlowContext) -> Result:
    """TimeoutSeconds (1 to 604800) then the WaitCompleted result. No time passes offline
    and no event (CustomerReturned, BotParticipantDisconnected) arrives, so every wait
    ends WaitCompleted at once."""
    raw = action.parameters.get("TimeoutSeconds")
    if raw is None:
        raise action.problem("TimeoutSeconds", "must be present")
    if not (isinstance(raw, str) and raw.startswith("$.")):
        action.integer("TimeoutSeconds", 1, 604800)
    return Result(value="WaitCompleted", uses_conditions=True)


def end_flow_execution(action: Action, context: FlowContext) -> Result:
    return Result(end="the flow ended (EndFlowExecution)")


def transfer_to_flow(action: Action, context: FlowContext) -> Result:
    """Execution continues at the beginning of the flow ContactFlowId names, among the
    flows the run was given; any other is NoMatchingError."""
    flow_id = action.text("ContactFlowId", context, required=True) or ""
    flow = find_resource(context.flows, flow_id)
    if flow is None:
        return Result(error=NO_MATCHING_ERROR)
    return Result(next_flow=flow)


# -- contact actions --------------------------------------------------------------------
def update_contact_attributes(action: Action, context: FlowContext) -> Result:
    """Attributes: keys and values, static or dynamic, stored as strings under
    ``$.Attributes``; a reference to data the contact does not have sets nothing."""
    attributes = action.mapping("Attributes", required=True)
    stored = context.contact.setdefault("Attributes", {})
    for key, raw in attributes.items():
        value = resolve(raw, context.contact)
        if value is None:
            continue
        stored[str(key)] = value if isinstance(value, str) else json.dumps(value)
    return Result()


def _queue(reference: str, context: FlowContext) -> dict[str, Any] | None:
    if context.queues is None:  # no queues given: any queue exists, by its id alone
        return {"ARN": reference, "Id": reference.rsplit("/", 1)[-1]}
    found = find_resource(context.queues, reference)
    if found is None:
        return None
    return {"ARN": reference, "Id": reference.rsplit("/", 1)[-1], **dict(found)}


def update_contact_target_queue(action: Action, context: FlowContext) -> Result:
    """QueueId (an id or ARN) becomes ``$.Queue``; a queue the test does not list is
    NoMatchingError."""
    queue_id = action.text("QueueId", context, required=True) or ""
    override = context.take_override("UpdateContactTargetQueue", {"QueueId": queue_id})
    if override is not None and override.strategy.get("Type") == "SubstituteResource":
        queue_id = str(override.strategy.get("SubstituteArn"))
    queue = _queue(queue_id, context)
    if queue is None:
        return Result(error=NO_MATCHING_ERROR)
    context.contact["Queue"] = queue
    return Result()


def transfer_contact_to_queue(action: Action, context: FlowContext) -> Result:
    """Places the contact in its target queue, which ends this flow; QueueAtCapacity when
    the queue is full (a queue given with ``"AtCapacity": True``), NoMatchingError when no
    target queue was set."""
    queue = context.contact.get("Queue")
    if not queue:
        return Result(error=NO_MATCHING_ERROR)
    if queue.get("AtCapacity"):
        return Result(error=QUEUE_AT_CAPACITY)
    context.contact["QueuedTo"] = queue.get("ARN")
    return Result(end=f"transferred to queue {queue.get('Name') or queue.get('ARN')}")


def update_contact_data(action: Action, context: FlowContext) -> Result:
    """Records Name, Description, LanguageCode, CustomerId, References and
    RelatedContactId on the contact; Voice ID settings take the error branch."""
    if any(action.has(name) for name in VOICE_ID_DATA):
        return Result(error=NO_MATCHING_ERROR)
    unknown = [name for name in action.parameters if name not in CONTACT_DATA]
    if unknown:
        raise NotSimulatedError(f"UpdateContactData parameter {unknown[0]} is not simulated")
    for name in CONTACT_DATA:
        if name in action.parameters and name != "TargetContact":
            context.contact[name] = resolve(action.parameters[name], context.contact)
    return Result()


def tag_contact(action: Action, context: FlowContext) -> Result:
    """Tags: keys and values (static or dynamic) added to the contact's ``$.Tags``."""
    tags = action.mapping("Tags", required=True)
    stored = context.contact.setdefault("Tags", {})
    for key, raw in tags.items():
        value = resolve(raw, context.contact)
        if value is not None:
            stored[str(key)] = str(value)
    return Result()


# -- participant actions ----------------------------------------------------------------
def _prompt(action: Action, context: FlowContext, required: bool) -> dict[str, Any]:
    given = [name for name in PROMPT_KINDS if action.has(name)]
    if len(given) > 1:
        raise action.problem(given[1], f"may not be given with {given[0]}")
    if not given:
        if required:
            raise action.problem("Text", "(or PromptId, SSML or Media) must be present")
        return {}
    name = given[0]
    if name == "Media":
        return {"Media": dict(action.mapping("Media"))}
    return {name: action.text(name, context)}


def _say(prompt: dict[str, Any], action: Action, context: FlowContext) -> None:
    if prompt:
        context.run.messages.append(str(next(iter(prompt.values()))))
        context.emit("MessageReceived", prompt, action.identifier)


def message_participant(action: Action, context: FlowContext) -> Result:
    """Plays one of PromptId, Text, SSML or Media (``$.`` references in text resolved)."""
    _say(_prompt(action, context, required=True), action, context)
    return Result()


def get_participant_input(action: Action, context: FlowContext) -> Result:
    """Plays the prompt, then takes the customer's next input (``inputs`` of the run, or a
    test case's SendInstruction). No input: InputTimeLimitExceeded. With StoreInput True
    the input is stored in ``$.StoredCustomerInput``; otherwise Conditions compare it."""
    prompt = _prompt(action, context, required=False)
    action.integer("InputTimeLimitSeconds", 1, 180, default=5)
    store = action.flag("StoreInput")
    _say(prompt, action, context)
    if not context.inputs:
        return Result(error=INPUT_TIME_LIMIT_EXCEEDED)
    entered = context.inputs.popleft()
    terminator = action.mapping("DTMFConfiguration").get("InputTerminationSequence") or "#"
    if entered.endswith(str(terminator)):
        entered = entered[: -len(str(terminator))]
    if store:
        context.contact["StoredCustomerInput"] = entered
        return Result()
    return Result(value=entered, uses_conditions=True)


def disconnect_participant(action: Action, context: FlowContext) -> Result:
    return Result(end="the contact was disconnected")


ACTION_TYPES_ONLY_LOGGED = ("UpdateFlowLoggingBehavior",)


def update_flow_logging_behavior(action: Action, context: FlowContext) -> Result:
    """FlowLoggingBehavior Enabled or Disabled: logging has no effect on the path."""
    if action.parameters.get("FlowLoggingBehavior") not in ("Enabled", "Disabled"):
        raise action.problem("FlowLoggingBehavior", "must be Enabled or Disabled")
    return Result()


def _handlers() -> dict[str, Handler]:
    from .lambdas import invoke_lambda_function

    table: dict[str, Handler] = {name: customer_profiles for name in PROFILE_ACTIONS}
    table.update({
        "Compare": compare,
        "CheckHoursOfOperation": check_hours_of_operation,
        "Loop": loop,
        "Wait": wait,
        "EndFlowExecution": end_flow_execution,
        "TransferToFlow": transfer_to_flow,
        "UpdateContactAttributes": update_contact_attributes,
        "UpdateContactTargetQueue": update_contact_target_queue,
        "TransferContactToQueue": transfer_contact_to_queue,
        "UpdateContactData": update_contact_data,
        "TagContact": tag_contact,
        "MessageParticipant": message_participant,
        "GetParticipantInput": get_participant_input,
        "DisconnectParticipant": disconnect_participant,
        "InvokeLambdaFunction": invoke_lambda_function,
        "UpdateFlowLoggingBehavior": update_flow_logging_behavior,
    })  # fmt: skip
    return table


HANDLERS: dict[str, Handler] = _handlers()
