"""The response layer: an HTTP request -> the operation -> the backend method -> the answer.

``serve`` is the one handler of every operation: route and parse the request from the
model (``protocol``), check what the client leaves to the server (``validation``), call the
backend method boto3 would name the operation by (top-level members passed in
snake_case), page the result, and render it. An operation is served as soon as the
backend has a method for it.

Requests reach ``serve`` through one of two doors:
- ``serve_botocore_request``: a boto3 call under the mock, to the service's own endpoint,
  with moto configured as it is by default. It reads what it needs straight from botocore's
  request, which is what keeps a mocked call close to the cost of botocore's own work.
- ``CustomerProfilesResponse``: moto's ``BaseResponse`` for everything else (server mode,
  custom endpoints, gzip bodies, moto's IAM authorization, passthrough, allow-lists).
"""

from __future__ import annotations

import inspect
import os
import re
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import formatdate
from functools import cache, lru_cache
from typing import Any

from botocore import xform_name
from botocore.awsrequest import AWSPreparedRequest
from botocore.model import OperationModel
from moto import settings
from moto.core.common_types import TYPE_RESPONSE
from moto.core.config import default_user_config
from moto.core.exceptions import ServiceException
from moto.core.responses import BaseResponse
from moto.iam.models import get_account_id_from, mark_account_as_visited
from moto.moto_api import recorder
from werkzeug.exceptions import HTTPException

from .exceptions import AccessDeniedException, BadRequestException
from .models import CustomerProfilesBackend, customerprofiles_backends
from .pagination import paginate
from .protocol import (
    SERVICE_NAME,
    Route,
    parse_request,
    render_error,
    render_result,
    route,
    service_model,
    unknown_operation,
)
from .validation import validate_request


@dataclass(frozen=True)
class ServiceRequest:
    """What the service reads of an HTTP request, whichever door it came through."""

    method: str
    path: str  # as sent: percent-encoded
    query: str
    headers: Mapping[str, Any]
    body: bytes | str
    account_id: str
    region: str


def serve(request: ServiceRequest) -> TYPE_RESPONSE:
    """Status, headers and body of the service's answer to ``request``."""
    found = route(request.method, request.path)
    if found is None:
        status, headers, body = unknown_operation(request.method, request.path)
    else:
        try:
            status, headers, body = serve_operation(found, request)
        except ServiceException as error:
            status, headers, body = render_error(found.operation, error)
    # A request id as AWS gives this service's callers (a UUID).
    headers["x-amzn-requestid"] = str(uuid.uuid4())
    return status, headers, body


def serve_operation(found: Route, request: ServiceRequest) -> TYPE_RESPONSE:
    operation = found.operation
    if "Authorization" not in request.headers:
        raise unsigned_request_error(operation)
    try:
        params = parse_request(found, request.query, request.body)
    except Exception as error:  # noqa: BLE001 - any parser failure is a bad request
        raise BadRequestException(f"Could not parse the request: {error}") from error
    validate_request(operation, params)
    backend = customerprofiles_backends[request.account_id][request.region]
    method = getattr(backend, _backend_method_name(operation), None)
    if method is None:
        raise NotImplementedError(f"The {operation.name} action has not been implemented")
    arguments = backend_arguments(method, params)
    # Rendered under the lock too: a result may hold the backend's own dicts, which
    # another thread's write must not change while they are read.
    with backend.lock:
        return render_result(operation, paginate(operation, params, method(**arguments)))


@cache
def _backend_method_name(operation: OperationModel) -> str:
    return str(xform_name(operation.name))


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


def unsigned_request_error(operation_model: OperationModel) -> Exception:
    """AWS refuses a request without a signature; the operation's own modeled error for it."""
    message = "Missing Authentication Token: the request is not signed"
    modeled = {shape.name for shape in operation_model.error_shapes}
    if "AccessDeniedException" in modeled:
        return AccessDeniedException(message)
    return BadRequestException(message)


def implemented_operations() -> list[str]:
    """Operations of the model the backend has a method for."""
    model = service_model()
    return [
        name
        for name in model.operation_names
        if callable(getattr(CustomerProfilesBackend, xform_name(name), None))
    ]


# -- the door for boto3 calls under the mock -------------------------------------------
_SERVICE_URL = re.compile(r"https?://profile\.([a-z0-9-]+)\.amazonaws\.com(/[^?#]*)\??([^#]*)$")


def _moto_is_plain() -> bool:
    """moto as configured by default: no passthrough, no service allow-list, no IAM checks,
    no request recording. Anything else is moto's to do, on its own path."""
    core = default_user_config.get("core", {})
    passthrough = core.get("passthrough", {})
    return (
        core.get("service_whitelist") is None
        and not passthrough.get("urls")
        and not passthrough.get("services")
        and settings.INITIAL_NO_AUTH_ACTION_COUNT == float("inf")
        and not getattr(recorder, "_user_enabled", True)
    )


_SIGV4_CREDENTIAL = re.compile(r"AWS4-HMAC-SHA256 Credential=([^/,]*)/")
_ACCESS_KEY = re.compile(r"[A-Z0-9]{20}")


def _access_key(authorization: str) -> str:
    """The access key moto's ``access_key_regex`` finds in ``authorization``. For a SigV4
    header (botocore's) that is the Credential's key when it has an access key's form, read
    directly: the general regex backtracks over the whole header to find it."""
    sigv4 = _SIGV4_CREDENTIAL.match(authorization)
    if sigv4 is not None:
        key = sigv4.group(1)
        return key if _ACCESS_KEY.fullmatch(key) else "AKIAEXAMPLE"
    match = BaseResponse.access_key_regex.search(authorization)
    return match.group(1) if match else "AKIAEXAMPLE"


def current_account(headers: Mapping[str, Any]) -> tuple[str, str]:
    """The account a request acts in, and its access key, by moto's rules
    (``BaseResponse.get_current_account``): MOTO_ACCOUNT_ID, then the x-moto-account-id
    header, then the account IAM knows the access key by (an assumed role's, say)."""
    access_key = _access_key(headers.get("Authorization", ""))
    if "MOTO_ACCOUNT_ID" in os.environ:
        return os.environ["MOTO_ACCOUNT_ID"], access_key
    if "x-moto-account-id" in headers:
        return headers["x-moto-account-id"], access_key
    return get_account_id_from(access_key), access_key


@lru_cache(maxsize=1)
def _http_date(second: int) -> str:
    return formatdate(second, usegmt=True)


def serve_botocore_request(request: Any) -> TYPE_RESPONSE | None:
    """Serve a botocore request to the service's endpoint; None for moto's general path."""
    if not isinstance(request, AWSPreparedRequest):
        return None
    match = _SERVICE_URL.match(request.url)
    headers = request.headers
    if match is None or "Content-Encoding" in headers or not _moto_is_plain():
        return None
    region, path, query = match.groups()
    for header, value in headers.items():  # as moto's stubber does, for every reader after
        if isinstance(value, bytes):
            headers[header] = value.decode("utf-8")
    account_id, access_key = current_account(headers)
    mark_account_as_visited(account_id, access_key, SERVICE_NAME, region)
    body = request.body
    if hasattr(body, "read"):
        body = body.read()
    status, response_headers, response_body = serve(
        ServiceRequest(request.method, path, query, headers, body or b"", account_id, region)
    )
    response_headers["date"] = _http_date(int(time.time()))
    return status, response_headers, response_body


# -- the door for everything else: moto's BaseResponse ---------------------------------
class CustomerProfilesResponse(BaseResponse):
    def __init__(self) -> None:
        super().__init__(service_name=SERVICE_NAME)

    def _get_action(self) -> str:
        """The operation's name, for moto's IAM authorization ("" for none)."""
        found = route(self.method, self.raw_path)
        return found.operation.name if found else ""

    def call_action(self) -> TYPE_RESPONSE:
        try:
            self._authenticate_and_authorize_normal_action("*")
        except HTTPException as denied:
            return denied.code or 403, dict(self.response_headers), denied.description or ""
        status, headers, body = serve(
            ServiceRequest(
                self.method,
                self.raw_path,
                self.parsed_url.query,
                self.headers,
                self.body or b"",
                self.current_account,
                self.region,
            )
        )
        return status, {**self.response_headers, **headers}, body
