"""The direct door: a boto3 call that nothing but the mock watches is answered at
botocore's ``before-call`` event, the point where botocore's own ``Stubber`` answers.

After ``before-call`` a client signs the request, offers it to the ``before-send``
handlers (moto's stubber, which hands it to ``responses.serve_botocore_request``), parses
the answer, and wraps all of that in its retry loop. Under the mock, when no one else
listens to those steps, their only effect is their cost: about two fifths of a call. So
the call is answered here instead, from the request botocore has already validated and
serialized, by the same ``responses.serve`` every door uses, and the answer is parsed by
botocore's own response parser: the caller gets what the HTTP way would have given it,
``ResponseMetadata`` (RetryAttempts 0) included.

The door steps aside, and the call goes the HTTP way exactly as before, whenever a
skipped step could make a difference:
- the client listens to a skipped event (``request-created``, ``choose-signer``,
  ``before-sign``, ``before-send``, ``before-parse``, ``needs-retry``,
  ``response-received``) with any handler a new client of the same botocore does not
  have, or has a ``before-call`` handler that would run after this one: a test that
  inspects requests, a signing hook, adaptive or legacy retries;
- the client would not sign with SigV4 for the service (an unsigned client is refused
  the HTTP way) or has no credentials (botocore raises NoCredentialsError, as always);
- moto is not plain (passthrough, allow-lists, IAM checks, request recording);
- a fault is set (``cp_mock.fail_next``): it is answered the HTTP way, where botocore
  retries it;
- a response parser was given non-default settings (``set_parser_defaults``);
- ``CP_MOCK_DIRECT_CALLS=0`` is set, or ``enabled`` is false.

botocore's internals read here, and nowhere else: a client's event emitter as its request
signer holds it, the emitter's handler trie and lookup cache, and the signer's
credentials. Any of them missing (another botocore, aiobotocore's classes) makes the door
step aside.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary

from botocore import handlers, parsers
from botocore.awsrequest import AWSResponse
from botocore.endpoint import convert_to_response_dict
from botocore.model import OperationModel
from botocore.signers import RequestSigner

from . import faults, responses
from .compat.botocore import client_emitter, emitter_lookup_cache, handlers_of, signer_emitter
from .compat.moto import MockRawResponse, Undo, add_entry, botocore_stubber, replace_attribute
from .protocol import SERVICE_NAME

enabled = os.environ.get("CP_MOCK_DIRECT_CALLS", "1") != "0"

# The events a call answered at before-call never emits.
SKIPPED_EVENTS = (
    "request-created",
    "choose-signer",
    "before-sign",
    "before-send",
    "before-parse",
    "needs-retry",
    "response-received",
)
_SERVICE_ID = "customer-profiles"  # as botocore names the service in event names

HandlerKey = tuple[str, str]
_parser_defaults_changed = False
# handlers declared (``need_not_run``) to have nothing to do for a call answered here
_need_not_run: set[HandlerKey] = set()


def need_not_run(handler: Callable[..., Any]) -> None:
    """Declare that ``handler``, on a skipped event, has nothing to do for a call
    answered here (it only watches retries, say), so that it does not send the call the
    HTTP way."""
    _need_not_run.add(_handler_key(handler))


def answer_before_call(
    model: OperationModel,
    params: dict[str, Any],
    request_signer: Any,
    **_: Any,
) -> tuple[AWSResponse, dict[str, Any]] | None:
    """The client's answer for a call to the service, when this door can give it."""
    if not (enabled and botocore_stubber.enabled) or faults.pending() or _parser_defaults_changed:
        return None
    access_key = _signing_access_key(request_signer)
    if access_key is None or not _nothing_else_listens(request_signer, model.name):
        return None
    answer = responses.serve_sent(
        params["method"], params["url"], params["headers"], params["body"], access_key
    )
    if answer is None:
        return None
    status, response_headers, body = answer
    http_response = AWSResponse(params["url"], status, response_headers, MockRawResponse(body))
    return http_response, _parsed(http_response, model)


def _signing_access_key(signer: Any) -> str | None:
    """The access key the client would sign with SigV4 for the service; None when it would
    not (unsigned, another signature version or signing name, no credentials)."""
    if type(signer) is not RequestSigner:
        return None
    if signer.signature_version != "v4" or signer.signing_name != responses.SIGNING_NAME:
        return None
    credentials = getattr(signer, "_credentials", None)
    if credentials is None:
        return None
    access_key = credentials.get_frozen_credentials().access_key
    return access_key if isinstance(access_key, str) else None


_parser_factory = parsers.ResponseParserFactory()  # botocore's defaults, never changed


def _parsed(http_response: AWSResponse, model: OperationModel) -> dict[str, Any]:
    """What botocore's endpoint makes of the response (``Endpoint._do_get_response`` and
    ``_send_request``, with no retry)."""
    response_dict = convert_to_response_dict(http_response, model)
    parser = _parser_factory.create_parser(model.service_model.resolved_protocol)
    parsed: dict[str, Any] = parser.parse(response_dict, model.output_shape)
    if http_response.status_code >= 300:
        # the error shape's own members, as Endpoint._add_modeled_error_fields adds them
        code = parsed.get("Error", {}).get("Code")
        error_shape = None if code is None else model.service_model.shape_for_error_code(code)
        if error_shape is not None:
            parsed.update(parser.parse(response_dict, error_shape))
    if "ResponseMetadata" in parsed:
        parsed["ResponseMetadata"]["RetryAttempts"] = 0
    return parsed


# -- who else listens ------------------------------------------------------------------
# emitter -> (its lookup cache when the verdicts were made, operation -> verdict). botocore
# replaces an emitter's lookup cache whenever a handler is registered or unregistered, so
# a verdict holds for as long as the cache it was made with.
_verdicts: WeakKeyDictionary[Any, tuple[dict[str, Any], dict[str, bool]]] = WeakKeyDictionary()
_verdicts_lock = threading.Lock()


def _nothing_else_listens(signer: RequestSigner, operation_name: str) -> bool:
    try:
        emitter = signer_emitter(signer)  # the client's HierarchicalEmitter
        lookup_cache = emitter_lookup_cache(emitter)
    except (AttributeError, ReferenceError):
        return False
    held = _verdicts.get(emitter)
    if held is None or held[0] is not lookup_cache:
        held = (lookup_cache, {})
        with _verdicts_lock:
            _verdicts[emitter] = held
    verdict = held[1].get(operation_name)
    if verdict is None:
        verdict = held[1][operation_name] = _listeners_are_the_defaults(emitter, operation_name)
    return verdict


def _listeners_are_the_defaults(emitter: Any, operation_name: str) -> bool:
    expected = _default_listeners(operation_name)
    if expected is None:
        return False
    try:
        before_call = handlers_of(emitter, _event("before-call", operation_name))
        if not before_call or before_call[-1] is not answer_before_call:
            return False  # a handler after this one would not be called
        return all(
            _listeners(emitter, name, operation_name) == keys
            for name, keys in zip(SKIPPED_EVENTS, expected, strict=True)
        )
    except AttributeError:
        return False


@functools.cache
def _default_listeners(operation_name: str) -> tuple[list[HandlerKey], ...] | None:
    """The handlers a new client of this botocore has on each skipped event."""
    emitter = _reference_emitter()
    if emitter is None:
        return None
    return tuple(_listeners(emitter, name, operation_name) for name in SKIPPED_EVENTS)


def _listeners(emitter: Any, event: str, operation_name: str) -> list[HandlerKey]:
    """The handlers of ``event`` for the operation, in the order they run, less those
    that need not run."""
    keys = (_handler_key(h) for h in handlers_of(emitter, _event(event, operation_name)))
    return [key for key in keys if key not in _need_not_run]


@functools.cache
def _reference_emitter() -> Any:
    """The event emitter of a client made from a new botocore session, with everything
    botocore, moto and cp_mock register by default; None if one cannot be made here."""
    from botocore.session import Session

    try:
        client = Session().create_client(
            SERVICE_NAME,
            region_name="us-east-1",
            aws_access_key_id="reference",
            aws_secret_access_key="reference",
        )
        return client_emitter(client)
    except Exception:  # noqa: BLE001 - a broken configuration: the HTTP way for every call
        return None


def _event(name: str, operation_name: str) -> str:
    return f"{name}.{_SERVICE_ID}.{operation_name}"


def _handler_key(handler: Callable[..., Any]) -> HandlerKey:
    """What a handler is, whichever client it belongs to: its function's module and
    qualified name (a bound method's, a partial's), or its class's for a callable object."""
    while isinstance(handler, functools.partial):
        handler = handler.func
    function = getattr(handler, "__func__", handler)
    if not hasattr(function, "__qualname__"):
        function = type(function)
    return (str(getattr(function, "__module__", "")), str(function.__qualname__))


# -- installing ------------------------------------------------------------------------
def install() -> Undo:
    """Offer every client made from now on to this door; note non-default response parser
    settings, under which it steps aside. A patch held while a mock runs: the undo takes
    the door out of botocore's built-in handlers again (a client made meanwhile keeps it,
    and it answers nothing once no mock runs)."""
    spec = ("before-call", answer_before_call, handlers.REGISTER_LAST)
    undo_handler = add_entry(handlers.BUILTIN_HANDLERS, spec)
    undo_noting = replace_attribute(
        parsers.ResponseParserFactory,
        "set_parser_defaults",
        _noting_parser_defaults(parsers.ResponseParserFactory.set_parser_defaults),
    )

    def undo() -> None:
        undo_noting()
        undo_handler()

    return undo


@functools.cache
def _noting_parser_defaults(set_defaults: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(set_defaults)
    def set_parser_defaults(self: parsers.ResponseParserFactory, **kwargs: Any) -> None:
        global _parser_defaults_changed
        _parser_defaults_changed = True
        set_defaults(self, **kwargs)

    return set_parser_defaults
