"""The contract check: every response the mock gives must fit the botocore model.

A success body must validate against the operation's output shape (types, enums,
required members, lengths, patterns); an error must be one of the operation's modeled
errors, with the HTTP status code the model gives that error. The request reader and
result writer compiled from the model must agree with moto's own parser and serializer
on every request and result the suite produces.
"""

from __future__ import annotations

import json
from typing import Any

from botocore.model import OperationModel
from moto.core.parse import RestJSONParser
from moto.core.utils import get_service_model

from cp_mock.protocol import parse_with_moto, render_with_moto
from cp_mock.validation import problems

SERVICE_MODEL = get_service_model("customer-profiles")

# Where the model contradicts itself, the problem it makes unavoidable, and why.
MODEL_CONTRADICTIONS = {
    # Tags is required in GetRecommenderFilter's output, and a TagMap holds at least one
    # tag: an untagged filter can meet one rule only. The mock answers an empty map.
    ("GetRecommenderFilter", "Tags must have at least 1 entries"),
}


def violations(operation: str | None, status: int, headers: Any, body: Any) -> list[str]:
    if not operation:
        return []  # not an operation (an unknown path): nothing in the model to check
    model: OperationModel = SERVICE_MODEL.operation_model(operation)
    text = body.decode() if isinstance(body, bytes) else (body or "")
    try:
        document = json.loads(text) if text else {}
    except ValueError:
        return [f"{operation}: body is not JSON: {text[:200]!r}"]
    if status < 400:
        if model.output_shape is None:
            return []
        return [
            f"{operation}: {p}"
            for p in problems(model.output_shape, document)
            if (operation, p) not in MODEL_CONTRADICTIONS
        ]
    error_code = {k.lower(): v for k, v in dict(headers).items()}.get("x-amzn-errortype", "")
    error_code = str(error_code).split(":")[0]
    modeled = {shape.name: shape for shape in model.error_shapes}
    if error_code not in modeled:
        return [f"{operation}: error {error_code!r} ({status}) is not modeled: {text[:200]}"]
    expected = modeled[error_code].metadata.get("error", {}).get("httpStatusCode")
    if expected is not None and int(status) != int(expected):
        return [f"{operation}: {error_code} came with {status}, the model says {expected}"]
    if not document.get("Message"):
        return [f"{operation}: {error_code} has no Message"]
    return []


def request_differences(route: Any, query: str, body: Any, params: dict[str, Any]) -> list[str]:
    """Where the compiled request reader disagrees with moto's RestJSONParser."""
    operation = route.operation
    try:
        expected = parse_with_moto(route, query, body)
    except Exception as error:  # noqa: BLE001 - moto refused it: so must the reader have
        return [f"{operation.name}: moto's parser refuses what was read ({error})"]
    if params == expected or repr(params) == repr(expected):  # (NaN equals no NaN)
        return []
    # moto lets a body member named like a URI or query member replace it; the reader
    # keeps the URI's (as AWS does), so such a request is not a difference.
    located = {
        member.serialization.get("name", name)
        for name, member in operation.input_shape.members.items()
        if "location" in member.serialization
    }
    document = RestJSONParser(operation)._parse_body_as_json(body)
    if isinstance(document, dict) and located & set(document):
        return []
    return [f"{operation.name}: read {params!r}, moto's parser reads {expected!r}"]


def result_differences(operation: OperationModel, result: Any, rendered: Any) -> list[str]:
    """Where the compiled result writer disagrees with moto's serializer."""
    status, _, body = rendered
    moto_status, _, moto_body = render_with_moto(operation, result)
    if (status, json.loads(body)) != (moto_status, json.loads(moto_body)):
        return [f"{operation.name}: wrote {status} {body}, moto writes {moto_status} {moto_body}"]
    return []
