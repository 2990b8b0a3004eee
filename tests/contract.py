"""The contract check: every response the mock gives must fit the botocore model.

A success body must validate against the operation's output shape (types, enums,
required members, lengths, patterns); an error must be one of the operation's modeled
errors, with the HTTP status code the model gives that error.
"""

from __future__ import annotations

import json
from typing import Any

from botocore.model import OperationModel
from moto.core.utils import get_service_model

from cp_mock.validation import problems

SERVICE_MODEL = get_service_model("customer-profiles")


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
        return [f"{operation}: {p}" for p in problems(model.output_shape, document)]
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
