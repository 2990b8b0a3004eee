"""Server mode: Customer Profiles (and every moto service) over HTTP, for clients that
are not Python (the AWS CLI, the JavaScript SDK).

``cp-mock server`` serves in the foreground; ``ThreadedServer`` serves in a thread of
the current process, on an ephemeral port unless told otherwise. Both run the HTTP/1.1
server of ``cp_mock.serving`` (persistent connections, a thread a connection) with the
WSGI application made here: moto's dispatcher, which gives every moto service its
requests, in front of which a request for Customer Profiles is served by the service's
own door (``Dispatcher.lean_answer``) with the answer moto's way would give. State is
shared with the process (``cp_mock.get_backend``) and ``POST /moto-api/reset`` clears it.

``/cp-mock-api/`` gives clients that are not Python what the package gives tests:
``GET /cp-mock-api/state`` answers ``cp_mock.dump_state()``, ``POST`` (a dump as an
``application/json`` body, from no web page of another site) ``cp_mock.load_state``;
``POST /cp-mock-api/faults`` (``{"Operation", "ErrorCode", "Times", "AccountId",
"Region"}``, the first required, as ``application/json``) is ``cp_mock.fail_next`` and
``DELETE`` is ``cp_mock.clear_faults``; one check guards all four. ``cp-mock server
--state FILE`` loads FILE at start, when it exists, and writes the state to it at a clean
shutdown.
"""

from __future__ import annotations

import gzip
import io
import ipaddress
import json
import logging
import os
import re
import signal
import sys
import threading
import warnings
import zlib
from collections.abc import Callable
from functools import cache, lru_cache
from http import HTTPStatus
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any
from urllib.parse import urlparse

from botocore.model import ServiceModel
from moto.core.common_types import TYPE_RESPONSE
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.wrappers import Request

import cp_mock  # noqa: F401 - what serving the service takes, held while this serves

from .compat.moto import (
    convert_to_flask_response,
    get_service_model,
    hold_patches,
    release_patches,
    settings,
)
from .exceptions import BadRequestException, InternalServerException
from .protocol import render_service_error
from .registry import SERVICE
from .responses import SIGNING_NAME, CustomerProfilesResponse, new_request_id, serve_sent
from .serving import HTTPServer, content_length
from .state import StateError, parse_state

SERVER_EXTRA = "pip install flask flask-cors (from a clone: pip install -e '.[server]')"
try:
    with warnings.catch_warnings():
        # moto warns that moto[server] is needed; what this module needs is our extra
        warnings.simplefilter("ignore")
        from flask import Flask, Response

        # moto's server is the one part of moto's insides imported outside
        # compat.moto: it needs flask, which only the server extra installs
        from moto.moto_server.werkzeug_app import (
            DEFAULT_SERVICE_REGION,
            DomainDispatcherApplication,
            create_backend_app,
        )
except ModuleNotFoundError as missing:
    raise ModuleNotFoundError(
        f"cp_mock.server needs the server extra ({missing.name} is missing): {SERVER_EXTRA}",
        name=missing.name,
    ) from missing

SERVICE_HOST = "profile.us-east-1.amazonaws.com"


@cache
def _first_path_segments() -> frozenset[str]:
    model: ServiceModel = get_service_model("customer-profiles")
    segments = set()
    for name in model.operation_names:
        uri = model.operation_model(name).http["requestUri"]
        segments.add(uri.lstrip("/").split("/", 1)[0].split("?", 1)[0])
    segments.discard("tags")  # every rest-json service has /tags/{arn}
    return frozenset(segments)


def routes_to_customer_profiles(path: str) -> bool:
    """Whether ``path`` is one of Customer Profiles' (a tag path: for a profile ARN)."""
    first = path.lstrip("/").split("/", 1)[0]
    if first == "tags":
        return ":profile:" in path
    return first in _first_path_segments()


_SIGV4_SCOPE = re.compile(
    r"AWS4-HMAC-SHA256 Credential=[^/\s,]+/\d{8}/(?P<region>[^/\s,]+)/(?P<service>[^/\s,]+)/"
)
_SIGV2 = re.compile(r"AWS [^\s:]+:\S+")  # moto sends these to S3, the service that still takes them
_DEFAULT_HOST = "{}.{}.amazonaws.com".format(*DEFAULT_SERVICE_REGION)


# what moto's dispatcher sends to moto's own API and to the instance metadata service
_MOTO_OWN_PATHS = ("/moto-api", "/favicon.ico", "/latest/meta-data/", "/latest/api/")
_LEAN_METHODS = frozenset({"GET", "POST", "PUT", "DELETE", "PATCH"})
_MOTO_HEADERS = {"server": "amazon.com"}  # what moto's BaseResponse adds to every answer
_REGION_READER = CustomerProfilesResponse()


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} UNKNOWN"


def _raw_path(environ: dict[str, Any]) -> str:
    """The path as sent, percent-encoded, as moto's ``Request.raw_path`` reads it."""
    raw_uri: str = environ.get("RAW_URI", "") or environ.get("PATH_INFO", "")
    parsed = urlparse(raw_uri)
    raw_path = parsed.path if parsed.scheme else raw_uri.split("?", 1)[0]
    if not raw_path:
        return "/"
    return raw_path if raw_path.startswith("/") else f"/{raw_path}"


def _region_as_moto_reads_it(
    environ: dict[str, Any], raw_path: str, query: str, authorization: str
) -> str:
    """The region moto's way serves a request in (``get_region_from_url``): the URL's,
    then the User-Agent's, then the credential scope's."""
    url = f"http://{environ.get('HTTP_HOST', '')}{raw_path}" + (f"?{query}" if query else "")
    headers = {"User-Agent": environ.get("HTTP_USER_AGENT", "")}
    if authorization:
        headers["Authorization"] = authorization
    return _REGION_READER.get_region_from_url(_HeadersOnly(headers), url)


class _HeadersOnly:
    def __init__(self, headers: dict[str, str]) -> None:
        self.headers = headers


def _lean_response(
    status: int, headers: dict[str, str], body: str | bytes
) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body as moto's app would send them: with Content-Length, and
    with flask-cors's header for a request that has no Origin."""
    encoded = body.encode("utf-8") if isinstance(body, str) else body
    listed = [(name, str(value)) for name, value in headers.items()]
    listed.append(("Content-Length", str(len(encoded))))
    if not settings.DISABLE_GLOBAL_CORS:  # as moto's app reads it
        listed.append(("Access-Control-Allow-Origin", "*"))
    return status, listed, encoded


class Dispatcher(DomainDispatcherApplication):
    """moto's dispatcher, which picks the service from the request's SigV4 credential
    scope. A request for a Customer Profiles path comes to Customer Profiles, for its
    answer (a modeled 4xx) rather than another service's or an HTML page, when it is
    unsigned, when its Authorization header is neither SigV4 nor SigV2 (which moto cannot
    read), and when the service it is signed for has no route for it."""

    def __init__(self, create_app: Callable[[str], Flask]) -> None:
        super().__init__(create_app)
        # which regions' endpoints moto's URL patterns give to Customer Profiles
        self._region_is_ours = lru_cache(maxsize=64)(self._backend_is_ours)

    def infer_service_region_host(self, environ: dict[str, Any], path: str) -> str | None:
        authorization = environ.get("HTTP_AUTHORIZATION", "")
        scope = _SIGV4_SCOPE.match(authorization)
        ours = routes_to_customer_profiles(path)
        if ours and scope is None and not _SIGV2.fullmatch(authorization):
            return SERVICE_HOST
        try:
            host: str | None = super().infer_service_region_host(environ, path)
        except Exception:  # noqa: BLE001 - moto could not read the signature: its default service
            host = None
        if ours and not self._has_route(host or _DEFAULT_HOST, environ):
            region = scope["region"] if scope else "us-east-1"
            return f"profile.{region}.amazonaws.com"
        return host

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if path.startswith(CP_MOCK_API):
            return cp_mock_api(environ, start_response)
        if "RAW_URI" not in environ and "REQUEST_URI" in environ:
            environ["RAW_URI"] = environ["REQUEST_URI"]  # the path as sent, which moto reads
        answer = self.lean_answer(environ, path)
        if answer is None:
            return super().__call__(environ, start_response)
        status, headers, body = answer
        start_response(_status_line(status), headers)
        return [body]

    def lean_answer(
        self, environ: dict[str, Any], path: str
    ) -> tuple[int, list[tuple[str, str]], bytes] | None:
        """The answer to a request for Customer Profiles, served by the service's own door
        (``responses.serve_sent``) with what moto's general way adds to it; None for
        moto's way, which serves every other request (and CORS, a chunked or compressed
        body, HEAD and OPTIONS, and moto configured otherwise than by default)."""
        method = environ["REQUEST_METHOD"]
        if (
            method not in _LEAN_METHODS
            or "HTTP_ORIGIN" in environ
            or "HTTP_TRANSFER_ENCODING" in environ
            or "HTTP_CONTENT_ENCODING" in environ
        ):
            return None
        authorization = environ.get("HTTP_AUTHORIZATION", "")
        if not self._comes_to_customer_profiles(path, authorization):
            return None
        length = content_length(environ.get("CONTENT_LENGTH") or "0")
        if length is None:
            return None
        body = environ["wsgi.input"].read(length) if length else b""
        raw_path = _raw_path(environ)
        query = environ.get("QUERY_STRING", "")
        region = _region_as_moto_reads_it(environ, raw_path, query, authorization)
        url = f"http://profile.{region}.amazonaws.com{raw_path}" + (f"?{query}" if query else "")
        headers = {"authorization": authorization}
        if "HTTP_X_MOTO_ACCOUNT_ID" in environ:
            headers["x-moto-account-id"] = environ["HTTP_X_MOTO_ACCOUNT_ID"]
        try:
            answer = serve_sent(method, url, headers, body)
        except Exception as error:  # noqa: BLE001 - answered as moto's way answers it
            status, error_headers, error_body = _error_answer(error)
            return _lean_response(status, error_headers, error_body)
        if answer is None:  # moto is not configured as by default: its way
            environ["wsgi.input"] = io.BytesIO(body)
            return None
        status, answer_headers, answer_body = answer
        del answer_headers["date"]  # the HTTP server dates its answers
        return _lean_response(status, {**_MOTO_HEADERS, **answer_headers}, answer_body)

    def _comes_to_customer_profiles(self, path: str, authorization: str) -> bool:
        """Whether the dispatcher (this class's and moto's) sends the request to Customer
        Profiles for certain, known without moto's search of every service's URL
        patterns; False when that takes moto's dispatcher."""
        if path.startswith(_MOTO_OWN_PATHS):
            return False
        if _SIGV4_SCOPE.match(authorization) is None:
            return routes_to_customer_profiles(path) and not _SIGV2.fullmatch(authorization)
        try:  # the credential scope as moto's dispatcher reads it
            _, _, region, service, _ = authorization.split(",")[0].split()[1].split("/")
        except (IndexError, ValueError):
            return False
        return service.lower() == SIGNING_NAME and self._region_is_ours(region)

    def _backend_is_ours(self, region: str) -> bool:
        return bool(self.get_backend_for_host(f"profile.{region}.amazonaws.com") == SERVICE)

    def _has_route(self, host: str, environ: dict[str, Any]) -> bool:
        """Whether the service moto picked for a request has a route for its method and
        path (called under the dispatcher's lock, as moto's own inference is)."""
        backend = self.get_backend_for_host(host)
        if backend is None:
            return False
        if backend == SERVICE:
            return True
        app = self.app_instances.get(backend)
        if app is None:
            app = self.app_instances[backend] = self.create_app(backend)
        try:
            app.url_map.bind("localhost").match(
                environ.get("PATH_INFO", ""), environ["REQUEST_METHOD"]
            )
        except HTTPException:
            return False
        return True


CP_MOCK_API = "/cp-mock-api/"
# (resource, method) of every endpoint under CP_MOCK_API, all guarded by _control_refusal
_CONTROLS = frozenset(
    {("state", "GET"), ("state", "POST"), ("faults", "POST"), ("faults", "DELETE")}
)


def _json(status: int, body: Any) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")


def _own_origin(origin: str, request: Request) -> bool:
    """Whether ``origin`` (a request's Origin header) is the server itself: the request's
    own scheme and host, and a host that no other site can be (a loopback name or an IP
    address: a DNS name could be pointed at the server by another site, DNS rebinding)."""
    if origin != f"{request.scheme}://{request.host}":
        return False
    host = request.host.rsplit(":", 1)[0] if not request.host.endswith("]") else request.host
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _control_refusal(request: Request) -> Response | None:
    """Why a request to ``/cp-mock-api/`` (state and faults alike) is refused, or None
    (docs/server.md, "What protects the control endpoints"). A page in a browser can send a
    POST to a local server without asking first (a "simple" request: text/plain, no
    preflight), and loading a state replaces everything the server holds while a fault
    fails calls that others make: only a JSON body is read, which a browser sends to
    another site only after a CORS preflight this server never grants, and a request a
    browser says comes from another site (its Origin) is refused outright."""
    origin = request.headers.get("Origin")
    if origin is not None and not _own_origin(origin, request):
        message = f"Origin {origin} may not use {request.path}: only the server's own"
        return _json(403, {"Message": message})
    if request.method == "POST" and request.mimetype != "application/json":
        message = f"{request.path} reads application/json, not {request.mimetype or 'none'}"
        return _json(415, {"Message": message})
    return None


@Request.application
def cp_mock_api(request: Request) -> Response:
    """State and faults over HTTP (see the module's docstring); a refused request is a 400
    with the reason as ``Message``."""
    resource = request.path[len(CP_MOCK_API) :].strip("/")
    try:
        if (resource, request.method) in _CONTROLS:
            refusal = _control_refusal(request)
            if refusal is not None:
                return refusal
        if (resource, request.method) == ("state", "GET"):
            return _json(200, cp_mock.dump_state())
        if (resource, request.method) == ("state", "POST"):
            cp_mock.load_state(parse_state(request.get_data()))
            return _json(200, {})
        if (resource, request.method) == ("faults", "POST"):
            fault = json.loads(request.get_data())
            cp_mock.fail_next(
                fault["Operation"],
                fault.get("ErrorCode", "ThrottlingException"),
                fault.get("Times", 1),
                account_id=fault.get("AccountId"),
                region=fault.get("Region", "us-east-1"),
            )
            return _json(200, {})
        if (resource, request.method) == ("faults", "DELETE"):
            cp_mock.clear_faults()
            return _json(200, {})
    except StateError as refused:
        return _json(400, {"Message": f"StateError: {refused}", "Path": refused.path})
    except (ValueError, KeyError, TypeError, AttributeError) as refused:
        # json's errors are ValueErrors; KeyError: a member missing
        return _json(400, {"Message": f"{type(refused).__name__}: {refused}"})
    return _json(404, {"Message": f"No {request.method} {request.path} in {CP_MOCK_API}"})


def _response(answer: TYPE_RESPONSE) -> Response:
    status, headers, body = answer
    return Response(body, status=status, headers=headers)


_UNDECOMPRESSABLE = (gzip.BadGzipFile, EOFError, zlib.error)


def _error_response(error: Exception) -> Response:
    return _response(_error_answer(error))


def _error_answer(error: Exception) -> TYPE_RESPONSE:
    """A modeled error for what escaped the service's own handling. An operation the
    backend does not implement yet is a 400 BadRequestException naming it: every
    operation models that error, SDKs do not retry a 4xx (they retry a 5xx, with backoff,
    several times, to the same end), and resending the request can never succeed."""
    if isinstance(error, NotImplementedError):
        answer = render_service_error(BadRequestException(str(error)))
    elif isinstance(error, HTTPException):  # werkzeug's: a body too large for its form parser
        answer = render_service_error(BadRequestException(str(error.description)))
    elif isinstance(error, _UNDECOMPRESSABLE):  # moto decompresses a gzip body before routing
        message = f"Could not decompress the request body: {error}"
        answer = render_service_error(BadRequestException(message))
    else:
        logging.getLogger(__name__).exception("cp-mock server: an error in the mock")
        message = f"The mock failed: {type(error).__name__}: {error}"
        answer = render_service_error(InternalServerException(message))
    status, headers, body = answer
    return status, {**headers, "x-amzn-requestid": new_request_id()}, body


def create_app(service: str) -> Flask:
    """moto's app for ``service``; Customer Profiles' answers everything it is sent in
    JSON, with a modeled error."""
    app = create_backend_app(service)  # type: ignore[arg-type]
    if service != SERVICE:
        return app
    dispatch = convert_to_flask_response(CustomerProfilesResponse.dispatch)

    def unrouted(error: HTTPException) -> Response:
        # Flask routes by moto's URL regex and method list; a request they miss ("/", a
        # newline decoded from %0A, a method such as TRACE) still goes to the service's
        # own router, which answers as the service does.
        try:
            response: Response = dispatch()
        except Exception as failure:  # noqa: BLE001 - an error handler must not raise
            return _error_response(failure)
        return response

    app.register_error_handler(NotFound, unrouted)
    app.register_error_handler(MethodNotAllowed, unrouted)
    app.register_error_handler(Exception, _error_response)
    return app


def application() -> Dispatcher:
    """The WSGI application. It serves Customer Profiles while cp_mock's patches are held
    (``compat.moto.hold_patches``), as ``ThreadedServer`` and ``serve`` hold them."""
    return Dispatcher(create_app)


def _log_to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class ThreadedServer:
    """Serve in a background thread; use as a context manager.

    >>> with ThreadedServer() as server:
    ...     client = boto3.client("customer-profiles", endpoint_url=server.endpoint_url, ...)
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, log_requests: bool = False):
        self.host = host
        self.port = port
        self.log_requests = log_requests
        self._server: HTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def endpoint_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the server is not running: call start() first")
        return f"http://{_url_host(self.host)}:{self._server.port}"

    def start(self) -> ThreadedServer:
        log_request = _log_to_stderr if self.log_requests else None
        hold_patches()  # moto serves the service while this server runs
        try:
            self._server = HTTPServer(self.host, self.port, application(), log_request)
        except BaseException:
            release_patches()
            raise
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            release_patches()
        if self._thread is not None:
            self._thread.join()
        self._server = self._thread = None

    def __enter__(self) -> ThreadedServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def serve(
    host: str = "127.0.0.1",
    port: int = 5000,
    announce: Callable[[str], None] = print,
    state_file: str | None = None,
) -> int:
    """Serve in the foreground until SIGINT or SIGTERM; one log line per request. With
    ``state_file``, start from the state it holds (when it exists) and write the state to
    it when stopped."""
    if state_file is not None and Path(state_file).exists():
        # checked whole before anything is served: a bad file stops the server (a
        # StateError, which ``cp-mock server`` reports and exits with status 2)
        cp_mock.load_state(parse_state(Path(state_file).read_bytes()))
        announce(f"cp-mock server: state loaded from {state_file}")
    hold_patches()  # for as long as it serves
    try:
        server = HTTPServer(host, port, application(), _log_to_stderr)
    except BaseException:
        release_patches()
        raise

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    announce(
        f"cp-mock server: Customer Profiles and every moto service on "
        f"http://{_url_host(host)}:{server.port} (Ctrl-C to stop)"
    )
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close_connections()
        server.server_close()
        release_patches()
        if state_file is not None:
            write_state(state_file)
            announce(f"cp-mock server: state written to {state_file}")
        announce("cp-mock server stopped")
    return 0


def write_state(path: str) -> None:
    """Write the state to ``path`` whole or not at all (a new file, then renamed)."""
    partial = f"{path}.partial"
    Path(partial).write_text(json.dumps(cp_mock.dump_state()))
    os.replace(partial, path)
