"""InvokeLambdaFunction (interactions-invokelambdafunction): the event Amazon Connect sends
and how it reads the answer.

The function is a Python callable the test registers for its ARN (``lambdas={arn: fn}``),
called as a Lambda handler is, ``fn(event, context)``; or, with ``lambda_client=``, a boto3
Lambda client's Invoke (moto's Lambda, where the test has it). Nothing in a flow names code:
an ARN nobody registered is a function Connect cannot invoke, the NoMatchingError branch.

The event is the one "Configure your Lambda function to parse the event" shows
(connect-lambda-functions): ``{"Details": {"ContactData": {...}, "Parameters": {...}},
"Name": "ContactFlowEvent"}``. The answer, when the call succeeds and ResponseValidation
allows it, replaces ``$.External``: STRING_MAP (the default) wants a flat object of string
values, JSON any object.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .engine import NO_MATCHING_ERROR, Action, FlowContext, Result, find_resource
from .profiles import resolve

CONTACT_DATA_FIELDS = ("Attributes", "Channel", "ContactId", "CustomerEndpoint", "CustomerId",
                       "Description", "InitialContactId", "InitiationMethod", "InstanceARN",
                       "LanguageCode", "MediaStreams", "Name", "PreviousContactId", "Queue",
                       "References", "SystemEndpoint", "Tags")  # fmt: skip


class _Failed(Exception):
    """The invocation failed as Connect sees a failure: an error, a timeout, a bad answer."""


def lambda_event(context: FlowContext, parameters: Mapping[str, Any]) -> dict[str, Any]:
    contact = context.contact
    data = {name: contact.get(name) for name in CONTACT_DATA_FIELDS}
    data["Attributes"] = dict(contact.get("Attributes") or {})
    data["ContactId"] = contact.get("ContactId")
    data["InitialContactId"] = contact.get("InitialContactId", contact.get("ContactId"))
    data["InitiationMethod"] = contact.get("InitiationMethod", "INBOUND")
    return {"Details": {"ContactData": data, "Parameters": dict(parameters)},
            "Name": "ContactFlowEvent"}  # fmt: skip


def _call(arn: str, event: dict[str, Any], context: FlowContext) -> Any:
    function = find_resource(context.lambdas, arn)
    if function is not None:
        try:
            return function(event, None)
        except Exception as error:  # the function raised: Connect sees an invocation error
            raise _Failed(f"{type(error).__name__}: {error}") from error
    if context.lambda_client is not None:
        try:
            answer = context.lambda_client.invoke(FunctionName=arn, Payload=json.dumps(event))
        except Exception as error:  # no such function, no permission, ...
            raise _Failed(f"{type(error).__name__}: {error}") from error
        payload = answer["Payload"].read()
        if answer.get("FunctionError"):
            raise _Failed(f"FunctionError {answer['FunctionError']}: {payload!r}")
        try:
            return json.loads(payload or b"null")
        except ValueError:
            raise _Failed("the function's answer is not JSON") from None
    raise _Failed(f"no function is registered for {arn}")


def _validated(answer: Any, response_type: str) -> dict[str, Any]:
    if not isinstance(answer, Mapping):
        raise _Failed(f"the answer is {type(answer).__name__}, not an object")
    if response_type == "JSON":
        return dict(json.loads(json.dumps(answer)))  # plain data, as it crossed the wire
    flat: dict[str, Any] = {}
    for key, value in answer.items():
        if isinstance(value, Mapping | list):
            raise _Failed(f"STRING_MAP answer has a nested value under {key!r}")
        flat[str(key)] = "" if value is None else str(value).lower() if isinstance(
            value, bool) else str(value)  # fmt: skip
    return flat


def invoke_lambda_function(action: Action, context: FlowContext) -> Result:
    arn = action.text("LambdaFunctionARN", context, required=True) or ""
    action.integer("InvocationTimeLimitSeconds", 1, 8, default=8)
    invocation = str(action.parameters.get("InvocationType", "SYNCHRONOUS"))
    if invocation not in ("SYNCHRONOUS", "ASYNCHRONOUS"):
        raise action.problem("InvocationType", "must be SYNCHRONOUS or ASYNCHRONOUS")
    response_type = str(action.mapping("ResponseValidation").get("ResponseType", "STRING_MAP"))
    if response_type not in ("STRING_MAP", "JSON"):
        raise action.problem("ResponseValidation.ResponseType", "must be STRING_MAP or JSON")
    attributes = action.mapping("LambdaInvocationAttributes")
    parameters = {str(key): resolve(value, context.contact) for key, value in attributes.items()}
    event = lambda_event(context, parameters)
    call: dict[str, Any] = {"action": action.identifier, "arn": arn, "event": event}
    context.run.lambda_calls.append(call)
    override = context.take_override("InvokeLambdaFunction", {"LambdaFunctionARN": arn})
    try:
        if override is not None and override.strategy.get("Type") == "MockResponse":
            answer: Any = override.strategy.get("Response")
        else:
            if override is not None and override.strategy.get("Type") == "SubstituteResource":
                arn = str(override.strategy.get("SubstituteArn"))
            answer = _call(arn, event, context)
        if invocation == "ASYNCHRONOUS":  # the flow goes on without the answer
            call["response"] = None
            return Result()
        context.contact["External"] = _validated(answer, response_type)
    except _Failed as failure:
        call["error"] = str(failure)
        return Result(error=NO_MATCHING_ERROR)
    call["response"] = context.contact["External"]
    return Result()
