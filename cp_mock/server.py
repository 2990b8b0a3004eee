"""Server mode: Customer Profiles (and every moto service) over HTTP, through moto's
own server machinery, for clients that are not Python (the AWS CLI, the JavaScript SDK).

``cp-mock server`` serves in the foreground; ``ThreadedServer`` serves in a thread of
the current process, on an ephemeral port unless told otherwise. State is shared with
the process (``cp_mock.get_backend``) and ``POST /moto-api/reset`` clears it.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable
from functools import cache
from types import FrameType, TracebackType
from typing import Any

from botocore.model import ServiceModel
from moto.core.utils import get_service_model
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

import cp_mock  # noqa: F401 - importing registers the service with moto

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
    """Whether an unsigned request's path can only be meant for Customer Profiles."""
    first = path.lstrip("/").split("/", 1)[0]
    if first == "tags":
        return ":profile:" in path
    return first in _first_path_segments()


class Dispatcher(DomainDispatcherApplication):
    """moto's dispatcher, which picks the service from the request's signature; an
    unsigned request for a Customer Profiles path comes to Customer Profiles too, so it
    gets Customer Profiles' answer (a modeled 4xx) rather than another service's."""

    def infer_service_region_host(self, environ: dict[str, Any], path: str) -> str | None:
        if "HTTP_AUTHORIZATION" not in environ and routes_to_customer_profiles(path):
            return SERVICE_HOST
        host: str | None = super().infer_service_region_host(environ, path)
        return host


def application() -> Dispatcher:
    return Dispatcher(create_backend_app)


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


class ThreadedServer:
    """Serve in a background thread; use as a context manager.

    >>> with ThreadedServer() as server:
    ...     client = boto3.client("customer-profiles", endpoint_url=server.endpoint_url, ...)
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, log_requests: bool = False):
        self.host = host
        self.port = port
        self.log_requests = log_requests
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def endpoint_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the server is not running: call start() first")
        return f"http://{self.host}:{self._server.server_port}"

    def start(self) -> ThreadedServer:
        handler = WSGIRequestHandler if self.log_requests else _QuietHandler
        self._server = make_server(
            self.host, self.port, application(), threaded=True, request_handler=handler
        )
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
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


def serve(
    host: str = "127.0.0.1", port: int = 5000, announce: Callable[[str], None] = print
) -> int:
    """Serve in the foreground until SIGINT or SIGTERM; one log line per request."""
    server = make_server(host, port, application(), threaded=True)

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    announce(
        f"cp-mock server: Customer Profiles and every moto service on "
        f"http://{host}:{server.server_port} (Ctrl-C to stop)"
    )
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        announce("cp-mock server stopped")
    return 0
