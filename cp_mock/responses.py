"""The response layer: an HTTP request -> the operation -> the backend method -> the answer.

``serve`` is the one handler of every operation: route and parse the request from the
model (``protocol``), check what the client leaves to the server (``validation``), call the
implementation declared for the operation (models/core/operations.py: top-level members
passed in snake_case) through ``call_operation``, page the result, and render it. An
operation is served once an implementation is declared for it, never by a name.

Requests reach ``serve`` through one of two doors:
- ``serve_botocore_request``: a boto3 call under the mock, to the service's own endpoint,
  with moto configured as it is by default. It reads what it needs straight from botocore's
  request, which is what keeps a mocked call close to the cost of botocore's own work.
- ``CustomerProfilesResponse``: moto's ``BaseResponse`` for everything else (server mode,
  ISO partitions' endpoints, compressed bodies, moto's IAM authorization, passthrough,
  allow-lists, the request recorder).
"""

from __future__ import annotations

import gzip
import inspect
import logging
import os
import re
import time
from collections.abc import Callable, Mapping
from email.utils import formatdate
from functools import cache, lru_cache
from typing import Any, NamedTuple, TypeVar

from botocore.awsrequest import AWSPreparedRequest
from botocore.model import OperationModel
from moto.core.common_types import TYPE_RESPONSE
from moto.core.exceptions import ServiceException
from moto.core.responses import BaseResponse
from werkzeug.exceptions import HTTPException

from .compat.moto import (
    DEFAULT_ACCOUNT_ID,
    backend_of,
    default_user_config,
    get_account_id_from,
    mark_account_as_visited,
    mock_random,
    recorder,
    settings,
)
from .exceptions import AccessDeniedException, BadRequestException, InternalServerException
from .faults import take_fault
from .models import CustomerProfilesBackend, customerprofiles_backends
from .models.core import journal
from .models.core.operations import DECLARED, begin_call, implementation_of, snake_case
from .pagination import page_spec, paginate
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


class ServiceRequest(NamedTuple):
    """What the service reads of an HTTP request, whichever door it came through."""

    method: str
    path: str  # as sent: percent-encoded
    query: str
    body: bytes | str
    signature_problem: str | None  # why AWS would refuse the request's signature, if it would
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
        except NotImplementedError:
            raise  # what the mock does not do yet: the caller is told by name
        except Exception as error:  # noqa: BLE001 - answered, as AWS answers its own faults
            status, headers, body = render_error(found.operation, unexpected(found, error))
    headers["x-amzn-requestid"] = new_request_id()
    return status, headers, body


_LONGEST_SHOWN_ERROR = 300


def unexpected(found: Route, error: Exception) -> InternalServerException:
    """The modeled error for a failure the operation did not foresee (a defect of the
    mock, whatever the request): InternalServerException, which every operation models
    and AWS answers its own faults with. The call changed nothing (the journal undid it),
    so retrying, as SDKs do, is safe; but long work that let other callers in keeps what it
    did before (models/core/journal.py), and the message says so. The traceback goes to
    the ``cp_mock`` logger."""
    logging.getLogger("cp_mock").error(
        "%s failed unexpectedly; the call was undone", found.operation.name, exc_info=error
    )
    try:
        text = str(error)
    except Exception:  # noqa: BLE001 - an exception that cannot say what it is
        text = ""
    if len(text) > _LONGEST_SHOWN_ERROR:
        text = text[:_LONGEST_SHOWN_ERROR] + "..."
    undone = (
        "what it did before it last let other callers in was kept, the rest undone"
        if getattr(error, journal.PARTLY_KEPT, False)
        else "nothing was changed"
    )
    return InternalServerException(
        f"{found.operation.name} failed in the mock ({type(error).__name__}: {text}); {undone}"
    )


def serve_operation(found: Route, request: ServiceRequest) -> TYPE_RESPONSE:
    operation = found.operation
    backend = signed_backend(operation, request)
    fault = take_fault(backend, operation.name)  # cp_mock.fail_next: answered, nothing done
    if fault is not None:
        raise fault
    try:
        params = parse_request(found, request.query, request.body)
    except Exception as error:  # noqa: BLE001 - any parser failure is a bad request
        raise BadRequestException(f"Could not parse the request: {error}") from error
    # Paged and rendered under the lock too: a result may hold the backend's own dicts,
    # which another thread's write must not change while they are read.
    return call_operation(
        backend,
        operation,
        params,
        lambda result: render_result(operation, paginate(operation, params, result)),
    )


Answer = TypeVar("Answer")


def call_operation(
    backend: CustomerProfilesBackend,
    operation: OperationModel,
    params: Mapping[str, Any],
    answer: Callable[[Any], Answer] | None = None,
) -> Answer:
    """The one way an operation is called, by every door and by CloudFormation: check
    ``params`` (top-level members as the model names them) against the model, map them to
    the declared implementation's keywords, take the backend's lock, open the call's
    journal, tick the clock for the domain the request names, run the implementation, and
    hand its result to ``answer`` (paging and rendering, say) still under the lock. The
    call, ``answer`` included, is one journaled unit (models/core/journal.py): whatever fails
    in it, the state is put back as it was before."""
    validate_request(operation, params)
    implementation = implementation_of(operation.name)
    keywords = _keywords(operation.name, implementation)
    arguments = {}
    for name, value in params.items():
        keyword = keywords.get(name, _NOT_TAKEN)
        if keyword == _NOT_TAKEN:
            raise NotImplementedError(
                f"{operation.name}.{name} is a member of the installed botocore model "
                "that the mock does not implement yet"
            )
        if keyword is not None:
            arguments[keyword] = value
    outermost = journal.current.journal is None
    with backend.lock.service, journal.call(backend):
        if outermost:
            begin_call(backend, params.get("DomainName"))
        result = implementation(backend, **arguments)
        return result if answer is None else answer(result)


_NOT_TAKEN = ""  # a member the implementation has no parameter for
# what pagination.py reads of a paged operation's request
PAGING_MEMBERS = frozenset(("MaxResults", "NextToken"))


@cache
def _keywords(operation_name: str, implementation: Callable[..., Any]) -> Mapping[str, str | None]:
    """The keyword each member of the operation's request is passed to ``implementation``
    as; None for a paged operation's MaxResults and NextToken when the implementation
    leaves them to the paging layer; "" for a member it does not take (a newer model's:
    tests/test_operation_table.py holds every implementation to the installed model)."""
    parameters = inspect.signature(implementation).parameters.values()
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters)
    accepted = {p.name for p in parameters}
    operation = service_model().operation_model(operation_name)
    shape = operation.input_shape
    paged = page_spec(operation) is not None
    keywords: dict[str, str | None] = {}
    for name in shape.members if shape is not None else ():
        keyword = snake_case(name)
        if takes_any or keyword in accepted:
            keywords[name] = keyword
        elif paged and name in PAGING_MEMBERS:
            keywords[name] = None
        else:
            keywords[name] = _NOT_TAKEN
    return keywords


SIGNING_NAME = "profile"  # the service's name in a SigV4 credential scope
_SIGV4 = re.compile(
    r"AWS4-HMAC-SHA256 Credential=[^/\s,]+/\d{8}/[^/\s,]+/(?P<service>[^/\s,]+)/aws4_request,"
    r"\s*SignedHeaders=[^\s,]+,\s*Signature=[0-9a-fA-F]+"
)


def signature_problem(authorization: str) -> str | None:
    """Why AWS would refuse a request with this Authorization header before reading it, if
    it would. As in moto, any access key and any signature value are accepted."""
    if not authorization:
        return "Missing Authentication Token: the request is not signed"
    sigv4 = _SIGV4.fullmatch(authorization)
    if sigv4 is None:
        return (
            "The Authorization header is not an AWS Signature Version 4 header "
            "(AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...)"
        )
    if sigv4["service"] != SIGNING_NAME:
        return f"Credential should be scoped to correct service: '{SIGNING_NAME}'"
    return None


def signed_backend(operation: OperationModel, request: ServiceRequest) -> CustomerProfilesBackend:
    """The backend ``request`` acts on. A request AWS refuses before reading it (unsigned,
    not signed with SigV4, signed for another service or for a region the service is not
    in) gets the operation's modeled error for a refused signature."""
    problem = request.signature_problem
    if problem is None:
        try:
            return backend_of(customerprofiles_backends, request.account_id, request.region)  # type: ignore[no-any-return]
        except KeyError:
            problem = f"Credential should be scoped to a valid region, not {request.region!r}"
    raise refused_signature_error(operation, problem)


def refused_signature_error(operation_model: OperationModel, message: str) -> Exception:
    """AWS answers a refused signature with a 403; the operation's modeled error for it
    (AccessDeniedException, or BadRequestException where the model has no 403)."""
    modeled = {shape.name for shape in operation_model.error_shapes}
    if "AccessDeniedException" in modeled:
        return AccessDeniedException(message)
    return BadRequestException(message)


def implemented_operations() -> list[str]:
    """Operations of the installed model that an implementation is declared for
    (models/core/operations.py)."""
    return [name for name in service_model().operation_names if name in DECLARED]


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
NO_ACCESS_KEY = "AKIAEXAMPLE"  # moto's stand-in where a request names no access key


def _access_key(authorization: str) -> str:
    """The access key moto's ``access_key_regex`` finds in a SigV4 header: the Credential's
    key when it has an access key's form, read directly. The general regex backtracks over
    the whole header (seconds for a long garbled one), and serve() refuses any header that
    is not SigV4 whatever its key."""
    sigv4 = _SIGV4_CREDENTIAL.match(authorization)
    return NO_ACCESS_KEY if sigv4 is None else _known_access_key(sigv4.group(1))


def _known_access_key(key: str) -> str:
    """``key`` as moto's ``access_key_regex`` reads it: itself when it has an access key's
    form, moto's stand-in otherwise."""
    return key if _ACCESS_KEY.fullmatch(key) else NO_ACCESS_KEY


def current_account(access_key: str, headers: Mapping[str, str], region: str) -> str:
    """The account a request acts in, by moto's rules (``BaseResponse.setup_class``):
    MOTO_ACCOUNT_ID, then the x-moto-account-id header, then the account IAM knows the
    access key by (an assumed role's, say), whose last use IAM then records. ``headers``
    are keyed in lower case."""
    if "MOTO_ACCOUNT_ID" in os.environ:
        account_id = os.environ["MOTO_ACCOUNT_ID"]
    elif "x-moto-account-id" in headers:
        account_id = headers["x-moto-account-id"]
    elif access_key == NO_ACCESS_KEY:
        # The mock's own credentials ("testing", "FOOBARKEY"): IAM holds no such key (its
        # keys have the 20-character form), so the answer is moto's default account.
        return DEFAULT_ACCOUNT_ID
    else:
        account_id = get_account_id_from(access_key)
    mark_account_as_visited(account_id, access_key, SERVICE_NAME, region)
    return account_id


def new_request_id() -> str:
    """A UUID (version 4), as AWS gives this service's callers, from moto's random source
    so that a test which seeds moto (``mock_random.seed``) gets the same ids every run."""
    digits = f"{(mock_random.getrandbits(128) & _UUID4_CLEAR) | _UUID4_SET:032x}"
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


# the version (4) and variant (RFC 4122) bits of a UUID, as uuid.UUID(version=4) sets them
_UUID4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID4_SET = (0x4000 << 64) | (0x8000 << 48)


@lru_cache(maxsize=1)
def _http_date(second: int) -> str:
    return formatdate(second, usegmt=True)


# the request headers the service reads, in lower case
_READ_HEADERS = frozenset({"authorization", "content-encoding", "x-moto-account-id"})


def _read_headers(headers: Mapping[str, Any]) -> dict[str, str]:
    """The headers the service reads, keyed in lower case. botocore's headers build a
    case-insensitive key for every lookup (an email.message's scan them all), so only the
    few the service reads are looked up: a third of the cost of reading all of them."""
    read = {}
    for name in headers:
        lowered = name.lower()
        if lowered in _READ_HEADERS:
            value = headers[name]
            read[lowered] = value.decode("utf-8") if isinstance(value, bytes) else value
    return read


def serve_botocore_request(request: Any) -> TYPE_RESPONSE | None:
    """Serve a botocore request to the service's endpoint; None for moto's general path."""
    if not isinstance(request, AWSPreparedRequest):
        return None
    return serve_sent(request.method, request.url, request.headers, request.body)


def serve_sent(
    method: str,
    url: str,
    headers: Mapping[str, Any],
    body: Any,
    signing_access_key: str | None = None,
) -> TYPE_RESPONSE | None:
    """Serve what botocore sends (or, with ``signing_access_key``, is about to sign with
    SigV4 for the service using that key and send) to the service's endpoint; None for
    moto's general path."""
    match = _SERVICE_URL.match(url)
    if match is None or not _moto_is_plain():
        return None
    read = _read_headers(headers)
    if "content-encoding" in read:
        return None  # a compressed body: moto's general path unpacks it
    region, path, query = match.groups()
    if signing_access_key is None:
        authorization = read.get("authorization", "")
        access_key, problem = _access_key(authorization), signature_problem(authorization)
    else:
        access_key, problem = _known_access_key(signing_access_key), None
    if hasattr(body, "read"):
        body = body.read()
    status, response_headers, response_body = serve(
        ServiceRequest(
            method,
            path,
            query,
            body or b"",
            problem,
            current_account(access_key, read, region),
            region,
        )
    )
    response_headers["date"] = _http_date(int(time.time()))
    return status, response_headers, response_body


# -- the door for everything else: moto's BaseResponse ---------------------------------
class CustomerProfilesResponse(BaseResponse):
    def __init__(self) -> None:
        super().__init__(service_name=SERVICE_NAME)

    def setup_class(
        self,
        request: Any,
        full_url: str | None = None,
        headers: Any = None,
        use_raw_body: bool | None = None,
    ) -> None:
        # The body as sent, in bytes, for serve() to decode (and refuse if it is not a JSON
        # object): moto would decode it as UTF-8 here (an error for any other bytes) and,
        # in server mode, werkzeug would hand a form-encoded body to its form parser and
        # leave none, unless the body is read and kept first. A gzip body is unpacked here,
        # the same way whichever moto release decompresses (or not) on its own; one that
        # is not gzip raises, for the server to answer 400.
        get_data = getattr(request, "get_data", None)
        if get_data is not None:
            get_data()
        self.allow_request_decompression = False
        super().setup_class(request, full_url, headers, use_raw_body=True)
        if self.headers.get("Content-Encoding", "") == "gzip":
            self.body = gzip.decompress(self.body)

    def get_access_key(self) -> str:
        return _access_key(self.headers.get("Authorization", ""))

    def get_region_from_url(self, request: Any, full_url: str) -> str:
        # moto reads the region from an Authorization header that mentions AWS4 by
        # position, which fails on a malformed one; serve() refuses that header anyway.
        try:
            return str(super().get_region_from_url(request, full_url))
        except IndexError:
            return str(self.default_region)

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
                self.body or b"",
                signature_problem(self.headers.get("Authorization", "")),
                self.current_account,
                self.region,
            )
        )
        return status, {**self.response_headers, **headers}, body
