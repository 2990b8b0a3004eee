"""The HTTP/1.1 server ``cp-mock server`` runs: a WSGI server on the standard library's
``socketserver``, one thread a connection, with persistent connections.

A connection serves one request after another until the client closes it, asks to
(``Connection: close``), speaks HTTP/1.0, sends a body framed in a way that leaves its end
in doubt, or is idle for ``idle_timeout`` seconds. Each request is read whole (head and
body) before the application is called, and each answer is written in one piece, with a
Content-Length, so that the next request on the connection starts where this one ended.
The environ is built as werkzeug's development server builds it (``PATH_INFO``
percent-decoded, ``RAW_URI`` as sent, headers with an underscore in their name left out),
which is what moto's services are written against.

What this server refuses it answers in JSON (``{"Message": ...}``) and then closes the
connection: a request line or head that is not HTTP/1.x (400), a line longer than
``MAX_LINE`` bytes (414 for the request line, 431 for a header) or more than
``MAX_HEADERS`` headers (431), a Transfer-Encoding other than chunked (501), and a
connection beyond ``max_connections`` (503).
"""

from __future__ import annotations

import io
import json
import logging
import re
import socket
import socketserver
import sys
import threading
import time
from collections.abc import Callable, Iterable
from email.utils import formatdate
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, urlsplit

WSGIApplication = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

MAX_LINE = 65536  # bytes in the request line or one header line, as http.client allows
MAX_HEADERS = 100  # as http.client allows
IDLE_TIMEOUT = 120.0  # seconds a connection may wait between requests (and within one)
MAX_CONNECTIONS = 1000  # open at once: a thread each
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_VERSION = re.compile(r"HTTP/1\.[0-9]")
_NO_BODY_STATUSES = frozenset({204, 304})
_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"

log = logging.getLogger(__name__)


_DECIMAL = re.compile(r"[0-9]{1,18}")


def content_length(text: str | None) -> int | None:
    """A Content-Length header's value as a number, or None when it is none: ASCII digits
    only (``str.isdigit`` also admits "²", which ``int`` refuses)."""
    return int(text) if text is not None and _DECIMAL.fullmatch(text) else None


class Refused(Exception):
    """A request this server will not pass on: answered with ``status``, then closed."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status, self.reason, self.message = status, reason, message


class Request:
    """One request as read from a connection: its head, and its body read whole."""

    def __init__(
        self, method: str, target: str, version: str, headers: list[tuple[str, str]]
    ) -> None:
        self.method, self.target, self.version, self.headers = method, target, version, headers
        # a header sent more than once reads as its values joined (RFC 9110 5.3): two
        # Content-Lengths are no number, two Transfer-Encodings are not "chunked"
        self.lowered: dict[str, str] = {}
        for name, value in headers:
            lowered = name.lower()
            joined = self.lowered.get(lowered)
            self.lowered[lowered] = value if joined is None else f"{joined}, {value}"
        self.body = b""

    def wants_to_close(self) -> bool:
        tokens = {t.strip().lower() for t in self.lowered.get("connection", "").split(",")}
        return self.version != "HTTP/1.1" or "close" in tokens


class HTTPServer(socketserver.ThreadingTCPServer):
    """Serve ``app`` on ``host``:``port`` (0: a free port, then ``port`` says which);
    ``log_request`` is given one line per request answered, or is None."""

    daemon_threads = True  # a connection left open does not keep the process alive
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(
        self,
        host: str,
        port: int,
        app: WSGIApplication,
        log_request: Callable[[str], None] | None = None,
        idle_timeout: float = IDLE_TIMEOUT,
        max_connections: int = MAX_CONNECTIONS,
    ) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, port), _Connection)
        self.app = app
        self.log_request = log_request
        self.idle_timeout = idle_timeout
        self.max_connections = max_connections
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            crowded = len(self._connections) >= self.max_connections
            if not crowded:
                self._connections.add(request)
        if crowded:
            refused = Refused(503, "Service Unavailable", "Too many open connections")
            try:
                request.sendall(_refusal(refused))
            except OSError:
                pass
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """End every open connection (a thread waiting for a client's next request
        wakes and returns)."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def stop(self) -> None:
        """Stop serving (from another thread than the one in ``serve_forever``)."""
        self.shutdown()
        self.close_connections()
        self.server_close()


class _Connection(socketserver.BaseRequestHandler):
    server: HTTPServer

    def setup(self) -> None:
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.request.settimeout(self.server.idle_timeout)
        self.rfile = self.request.makefile("rb")

    def handle(self) -> None:
        try:
            while self.serve_one():
                pass
        except (OSError, ValueError):  # the client went, or was idle too long
            pass

    def finish(self) -> None:
        self.rfile.close()

    def serve_one(self) -> bool:
        """Read one request and answer it; whether the connection goes on."""
        try:
            request = self.read_request()
        except Refused as refused:
            self.request.sendall(_refusal(refused))
            self.linger()
            return False
        if request is None:
            return False
        # a body framed both ways leaves in doubt where the next request starts (RFC 9112 6.3)
        framed_twice = (
            "transfer-encoding" in request.lowered and "content-length" in request.lowered
        )
        keep_alive = not request.wants_to_close() and not framed_twice
        status, headers, body = self.answer(request)
        if self.server.log_request is not None:
            self.log(request, status)  # before the answer: a client that has it sees the line
        self.request.sendall(_response(request.method, status, headers, body, keep_alive))
        return keep_alive

    def linger(self) -> None:
        """Read and drop what the client is still sending (for a short while) before the
        connection closes: closing with unread data resets the connection, and the
        client may then never read the refusal."""
        try:
            self.request.shutdown(socket.SHUT_WR)
            self.request.settimeout(0.5)
            for _ in range(16):  # at most 1 MiB
                if not self.request.recv(65536):
                    return
        except OSError:
            pass

    def read_request(self) -> Request | None:
        """The next request, or None when the client closed the connection."""
        line = self.rfile.readline(MAX_LINE + 1)
        for _ in range(8):  # a client may send an empty line or two before a request
            if line not in (b"\r\n", b"\n"):
                break
            line = self.rfile.readline(MAX_LINE + 1)
        if not line:
            return None
        if len(line) > MAX_LINE:
            raise Refused(414, "URI Too Long", f"The request line is over {MAX_LINE} bytes")
        parts = line.decode("latin-1").rstrip("\r\n").split(" ")
        if len(parts) != 3 or not _TOKEN.fullmatch(parts[0]) or not _VERSION.fullmatch(parts[2]):
            raise Refused(400, "Bad Request", f"Not an HTTP/1.x request line: {line[:200]!r}")
        request = Request(parts[0], parts[1], parts[2], self.read_headers())
        request.body = self.read_body(request)
        return request

    def read_headers(self) -> list[tuple[str, str]]:
        headers: list[tuple[str, str]] = []
        while True:
            line = self.rfile.readline(MAX_LINE + 1)
            if line in (b"\r\n", b"\n"):
                return headers
            if not line:
                raise OSError("the connection closed in a request's head")
            if len(line) > MAX_LINE or len(headers) >= MAX_HEADERS:
                raise Refused(
                    431,
                    "Request Header Fields Too Large",
                    f"A request's head has at most {MAX_HEADERS} headers of {MAX_LINE} bytes",
                )
            name, colon, value = line.decode("latin-1").partition(":")
            if not colon or not _TOKEN.fullmatch(name):  # a folded line too (RFC 9112 5.2)
                raise Refused(400, "Bad Request", f"Not a header line: {line[:200]!r}")
            headers.append((name, value.strip(" \t\r\n")))

    def read_body(self, request: Request) -> bytes:
        encoding = request.lowered.get("transfer-encoding")
        length = request.lowered.get("content-length")
        if encoding is None and length is None:
            return b""
        if encoding is not None and encoding.strip().lower() != "chunked":
            raise Refused(501, "Not Implemented", f"Transfer-Encoding {encoding!r} is not served")
        if encoding is None and content_length(length) is None:
            raise Refused(400, "Bad Request", f"Content-Length {length!r} is not a number")
        expect = request.lowered.get("expect", "").lower()
        if expect == "100-continue" and request.version == "HTTP/1.1":
            self.request.sendall(_CONTINUE)
        if encoding is not None:
            return self.read_chunks()
        size = content_length(length) or 0
        body: bytes = self.rfile.read(size)
        if len(body) != size:
            raise OSError("the connection closed in a request's body")
        return body

    def read_chunks(self) -> bytes:
        chunks: list[bytes] = []
        while True:
            line = self.rfile.readline(MAX_LINE + 1)
            size = line.split(b";", 1)[0].strip()
            if len(line) > MAX_LINE or not re.fullmatch(rb"[0-9A-Fa-f]{1,16}", size):
                raise Refused(400, "Bad Request", f"Not a chunk's size line: {line[:200]!r}")
            if int(size, 16) == 0:
                self.read_headers()  # the trailer, which nothing reads
                return b"".join(chunks)
            chunk = self.rfile.read(int(size, 16))
            if len(chunk) != int(size, 16) or self.rfile.readline(3) not in (b"\r\n", b"\n"):
                raise Refused(400, "Bad Request", "A chunk is not followed by a line end")
            chunks.append(chunk)

    def answer(self, request: Request) -> tuple[str, list[tuple[str, str]], bytes]:
        """The application's status line, headers and body for ``request``."""
        started: list[Any] = []
        written: list[bytes] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            started[:] = [status, headers]
            return written.append

        try:
            result = self.server.app(self.environ(request), start_response)
            try:
                written.extend(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        except Exception as error:  # noqa: BLE001 - the application failed: a 500, logged
            log.exception("cp-mock server: the application failed")
            message = json.dumps({"Message": f"{type(error).__name__}: {error}"}).encode()
            return "500 Internal Server Error", [("Content-Type", "application/json")], message
        if not started:
            message = b'{"Message": "The application gave no answer"}'
            return "500 Internal Server Error", [("Content-Type", "application/json")], message
        return started[0], started[1], b"".join(written)

    def environ(self, request: Request) -> dict[str, Any]:
        """The WSGI environ for ``request``, as werkzeug's server makes it."""
        target = request.target
        url = urlsplit(target)
        # a path starting with two slashes is not a network location
        path = f"/{url.netloc}{url.path}" if not url.scheme and url.netloc else url.path
        host, port = self.server.server_address[:2]
        environ: dict[str, Any] = {
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(request.body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "wsgi.input_terminated": True,
            "SERVER_SOFTWARE": "cp-mock",
            "REQUEST_METHOD": request.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": _latin1(unquote(path)),
            "QUERY_STRING": _latin1(url.query),
            "REQUEST_URI": _latin1(target),
            "RAW_URI": _latin1(target),
            "REMOTE_ADDR": self.client_address[0],
            "REMOTE_PORT": self.client_address[1],
            "SERVER_NAME": host,
            "SERVER_PORT": str(port),
            "SERVER_PROTOCOL": request.version,
        }
        if request.body or "content-length" in request.lowered:
            environ["CONTENT_LENGTH"] = str(len(request.body))
        for name, value in request.headers:
            if "_" in name:  # X_Foo would pass for X-Foo
                continue
            key = name.upper().replace("-", "_")
            if key == "CONTENT_LENGTH":
                continue  # the body's, as read (a chunked body has none of its own)
            if key != "CONTENT_TYPE":
                key = f"HTTP_{key}"
                if key in environ:
                    value = f"{environ[key]},{value}"
            environ[key] = value
        environ.pop("HTTP_TRANSFER_ENCODING", None)  # the body is read whole
        if url.scheme and url.netloc:  # an absolute URI names the host
            environ["HTTP_HOST"] = url.netloc
        return environ

    def log(self, request: Request, status: str) -> None:
        assert self.server.log_request is not None
        when = time.strftime("%d/%b/%Y %H:%M:%S")
        line = f"{request.method} {request.target} {request.version}"
        self.server.log_request(f'{self.client_address[0]} - - [{when}] "{line}" {status[:3]} -')


def _latin1(text: str) -> str:
    """A str as WSGI carries it: its UTF-8 bytes, one character a byte."""
    return text.encode().decode("latin-1")


@lru_cache(maxsize=1)
def _http_date(second: int) -> str:
    return formatdate(second, usegmt=True)


def _response(
    method: str, status: str, headers: list[tuple[str, str]], body: bytes, keep_alive: bool
) -> bytes:
    """The answer's bytes: its own headers, then Date and Server unless it has them, a
    Content-Length for what is sent, and ``Connection: close`` when the connection ends."""
    code = int(status[:3])
    has_body = method != "HEAD" and code >= 200 and code not in _NO_BODY_STATUSES
    lines = [f"HTTP/1.1 {status}\r\n"]
    named = set()
    for name, value in headers:
        lowered = name.lower()
        if lowered == "content-length" and has_body:
            continue  # written below, from what is sent
        named.add(lowered)
        lines.append(f"{name}: {value}\r\n")
    if "date" not in named:
        lines.append(f"Date: {_http_date(int(time.time()))}\r\n")
    if "server" not in named:
        lines.append("Server: cp-mock\r\n")
    if has_body:
        lines.append(f"Content-Length: {len(body)}\r\n")
    if not keep_alive:
        lines.append("Connection: close\r\n")
    lines.append("\r\n")
    text = "".join(lines)
    try:
        head = text.encode("latin-1")
    except UnicodeEncodeError:  # a value WSGI does not allow: sent as UTF-8, not dropped
        head = text.encode("utf-8")
    return head + body if has_body else head


def _refusal(refused: Refused) -> bytes:
    body = json.dumps({"Message": refused.message}).encode()
    headers = [("Content-Type", "application/json")]
    return _response("GET", f"{refused.status} {refused.reason}", headers, body, False)
