"""The response layer: parsed request -> validated -> backend method -> serialized result.

moto routes the request to an operation and parses it from the botocore model
(``automated_parameter_parsing``); moto's serializer renders the result and any
``ServiceException`` against the same model. What is left is one handler for every
operation: validate what the client does not, call the backend method boto3 would name
the operation by (top-level members passed in snake_case), and page the result. An
operation is served as soon as the backend has a method for it.
"""

from __future__ import annotations

import inspect
import json
import re
import uuid
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from botocore import xform_name
from botocore.model import OperationModel
from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult, BaseResponse
from moto.core.utils import get_service_model
from werkzeug.exceptions import HTTPException

from .exceptions import AccessDeniedException, BadRequestException
from .models import CustomerProfilesBackend, customerprofiles_backends
from .pagination import paginate
from .validation import validate_request

SERVICE_NAME = "customer-profiles"


def _uri_pattern(request_uri: str) -> re.Pattern[str]:
    """A requestUri of the model (``/domains/{DomainName}/tags/{arn+}``) as a regex."""
    segments = []
    for segment in request_uri.split("?", 1)[0].split("/"):
        if segment.startswith("{"):
            segments.append(".+" if segment.endswith("+}") else "[^/]+")
        else:
            segments.append(re.escape(segment))
    return re.compile("^" + "/".join(segments) + "$")


@cache
def _routes(method: str) -> list[tuple[re.Pattern[str], str]]:
    model = get_service_model(SERVICE_NAME)
    routes = [
        (_uri_pattern(model.operation_model(name).http["requestUri"]), name)
        for name in model.operation_names
        if model.operation_model(name).http["method"] == method
    ]
    return sorted(routes, key=lambda route: len(route[0].pattern), reverse=True)


def operation_at(method: str, path: str) -> str | None:
    """The operation a method and path name, by the path alone (most specific first)."""
    for pattern, name in _routes(method):
        if pattern.match(path):
            return name
    return None


@cache
def _accepted_arguments(method: Callable[..., Any]) -> frozenset[str] | None:
    """The keyword names ``method`` takes, or None when it takes ``**kwargs``."""
    parameters = inspect.signature(method).parameters.values()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return None
    return frozenset(p.name for p in parameters)


def backend_arguments(method: Callable[..., Any], params: Mapping[str, Any]) -> dict[str, Any]:
    """Top-level request members as keyword arguments; members the method predates are left out."""
    accepted = _accepted_arguments(getattr(method, "__func__", method))
    arguments = {xform_name(name): value for name, value in params.items()}
    if accepted is None:
        return arguments
    return {name: value for name, value in arguments.items() if name in accepted}


class CustomerProfilesResponse(BaseResponse):
    def __init__(self) -> None:
        super().__init__(service_name=SERVICE_NAME)
        self.automated_parameter_parsing = True
        self.parse_error: BadRequestException | None = None
        self._operation: str | None = None

    @property
    def backend(self) -> CustomerProfilesBackend:
        return customerprofiles_backends[self.current_account][self.region]

    @property
    def operation_model(self) -> OperationModel:
        return get_service_model(SERVICE_NAME).operation_model(self._get_action())

    def determine_response_protocol(self, service_model: Any) -> str:
        # The service speaks rest-json whatever Content-Type a caller sent.
        return "rest-json"

    def _get_action(self) -> str:
        """The operation the method and path name ("" for none), routed once per request
        (moto asks for it half a dozen times a request, and older moto routes each time
        by scanning every pattern of the service)."""
        if self._operation is None:
            self._operation = super()._get_action() or ""
            if not self._operation:
                # moto's newer router also wants an operation's required query members;
                # without them the request names an operation still, and is a bad one.
                self._operation = operation_at(self.method, self.raw_path) or ""
                if self._operation:
                    self.parse_error = BadRequestException(
                        f"The request lacks members {self._operation} requires"
                    )
        return self._operation

    def call_action(self) -> Any:
        if not self._get_action():
            # No operation has this method and path: what AWS answers for an unknown route.
            unknown = json.dumps({"message": f"No operation matches {self.method} {self.raw_path}"})
            return 404, {**self.response_headers, "Content-Type": "application/json",
                         "x-amzn-errortype": "UnknownOperationException"}, unknown  # fmt: skip
        try:
            self._authenticate_and_authorize_normal_action("*")
        except HTTPException as denied:
            return denied.code, dict(self.response_headers), denied.description
        # One handler serves every operation, so moto's search of this class's methods
        # for one named after the operation (an inspect.getmembers per request) is skipped.
        try:
            result = self.serve_operation()
        except ServiceException as error:
            result = ActionResult(error)
        status, headers, body = self.serialized(result)
        # A request id as AWS gives this service's callers (a UUID); moto's own draws 52
        # random characters and searches the body for an XML RequestId, per request.
        headers["x-amzn-requestid"] = str(uuid.uuid4())
        return status, headers, body

    def parse_parameters(self, request: Any) -> None:
        if self.parse_error is not None:
            self.params = {}
            return
        # A body that is not JSON, or a value of the wrong type, is the caller's error.
        try:
            super().parse_parameters(request)
        except Exception as error:  # noqa: BLE001 - any parser failure is a bad request
            self.params = {}
            self.parse_error = BadRequestException(f"Could not parse the request: {error}")

    def serve_operation(self) -> ActionResult:
        operation_model = self.operation_model
        if "Authorization" not in self.headers:
            raise unsigned_request_error(operation_model)
        if self.parse_error is not None:
            raise self.parse_error
        params = dict(self.params)
        validate_request(operation_model, params)
        method = getattr(self.backend, xform_name(operation_model.name), None)
        if method is None:
            raise NotImplementedError(f"The {operation_model.name} action has not been implemented")
        with self.backend.lock:
            result = method(**backend_arguments(method, params))
        return ActionResult(paginate(operation_model, params, result))


def unsigned_request_error(operation_model: OperationModel) -> Exception:
    """AWS refuses a request without a signature; the operation's own modeled error for it."""
    message = "Missing Authentication Token: the request is not signed"
    modeled = {shape.name for shape in operation_model.error_shapes}
    if "AccessDeniedException" in modeled:
        return AccessDeniedException(message)
    return BadRequestException(message)


def implemented_operations() -> list[str]:
    """Operations of the model the backend has a method for."""
    model = get_service_model(SERVICE_NAME)
    return [
        name
        for name in model.operation_names
        if callable(getattr(CustomerProfilesBackend, xform_name(name), None))
    ]
