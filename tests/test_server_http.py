"""The server's HTTP: persistent connections, framing, refusals, many connections at once,
and Customer Profiles' own door answering as moto's way does."""

from __future__ import annotations

import http.client
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
from werkzeug.test import EnvironBuilder

import cp_mock
from cp_mock import server as server_module
from cp_mock import serving
from cp_mock.compat.moto import hold_patches, release_patches
from cp_mock.server import ThreadedServer

SIGNED = ("AWS4-HMAC-SHA256 Credential=testing/20261122/us-east-1/profile/aws4_request, "
          "SignedHeaders=host, Signature=0000")  # fmt: skip
SQS_SIGNED = SIGNED.replace("/profile/", "/sqs/")


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadedServer]:
    with ThreadedServer() as running:
        yield running


@pytest.fixture(autouse=True)
def empty_backend() -> Iterator[None]:
    yield
    cp_mock.get_backend(region="us-east-1").reset()


def port_of(server: ThreadedServer) -> int:
    return int(server.endpoint_url.rsplit(":", 1)[1])


def connect(server: ThreadedServer) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", port_of(server), timeout=30)


def exchange(server: ThreadedServer, raw: bytes) -> bytes:
    """Send ``raw`` on a new connection and read until the server closes it."""
    with socket.create_connection(("127.0.0.1", port_of(server)), timeout=30) as sock:
        sock.sendall(raw)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return received


def test_one_connection_serves_many_requests(server: ThreadedServer) -> None:
    connection = connect(server)
    answers = []
    local_ports = set()
    for method, path, body in (
        ("POST", "/domains/kept", b'{"DefaultExpirationDays": 5}'),
        ("GET", "/domains/kept", None),
        ("GET", "/domains", None),
    ):
        connection.request(method, path, body, {"Authorization": SIGNED})
        response = connection.getresponse()
        answers.append((response.status, response.getheader("Connection"), response.read()))
        assert connection.sock is not None  # http.client drops a socket the server closes
        local_ports.add(connection.sock.getsockname()[1])
    connection.close()
    assert [(status, header) for status, header, _ in answers] == [(200, None)] * 3
    assert json.loads(answers[1][2])["DomainName"] == "kept"
    assert [d["DomainName"] for d in json.loads(answers[2][2])["Items"]] == ["kept"]
    assert len(local_ports) == 1


def test_other_services_keep_the_connection_too(server: ThreadedServer) -> None:
    connection = connect(server)
    form = {"Authorization": SQS_SIGNED, "Content-Type": "application/x-www-form-urlencoded"}
    sockets = []
    for body in (b"Action=CreateQueue&QueueName=kept", b"Action=ListQueues"):
        connection.request("POST", "/", body, form)
        response = connection.getresponse()
        assert response.status == 200 and response.getheader("Connection") is None
        assert b"kept" in response.read()
        sockets.append(connection.sock)
    connection.close()
    assert sockets[0] is sockets[1] is not None


def test_s3_objects_go_and_come_back_whole(server: ThreadedServer) -> None:
    # boto3's PutObject asks for 100-continue and sends a binary body, on a kept connection
    s3 = boto3.client(
        "s3", region_name="us-east-1", endpoint_url=server.endpoint_url,
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip
    s3.create_bucket(Bucket="kept")
    content = bytes(range(256)) * 4096  # 1 MiB, every byte value
    s3.put_object(Bucket="kept", Key="dir/a b+c.bin", Body=content)
    assert s3.get_object(Bucket="kept", Key="dir/a b+c.bin")["Body"].read() == content
    listed = s3.list_objects_v2(Bucket="kept")["Contents"]
    assert [(o["Key"], o["Size"]) for o in listed] == [("dir/a b+c.bin", len(content))]


def test_boto3_reuses_its_connection(
    server: ThreadedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    accepted = []
    real_process_request = serving.HTTPServer.process_request

    def counting(self: serving.HTTPServer, request: Any, client_address: Any) -> None:
        accepted.append(client_address)
        real_process_request(self, request, client_address)

    monkeypatch.setattr(serving.HTTPServer, "process_request", counting)
    client = boto3.client(
        "customer-profiles", region_name="us-east-1", endpoint_url=server.endpoint_url,
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip
    client.create_domain(DomainName="reused", DefaultExpirationDays=5)
    for _ in range(5):
        assert client.get_domain(DomainName="reused")["DomainName"] == "reused"
    assert len(accepted) == 1


def test_pipelined_requests_are_answered_in_order(server: ThreadedServer) -> None:
    one = f"GET /domains/nowhere HTTP/1.1\r\nHost: x\r\nAuthorization: {SIGNED}\r\n\r\n"
    last = one.replace("/nowhere", "").replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n")
    received = exchange(server, (one + one + last).encode())
    assert re.findall(rb"HTTP/1\.1 (\d{3}) ", received) == [b"404", b"404", b"200"]
    assert received.endswith(b'{"Items": []}')


def test_a_chunked_body_and_expect_100_continue(server: ThreadedServer) -> None:
    body = b'{"DefaultExpirationDays": 7}'
    chunks = b"%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n" % (10, body[:10], len(body) - 10, body[10:])
    head = (
        f"POST /domains/chunked HTTP/1.1\r\nHost: x\r\nAuthorization: {SIGNED}\r\n"
        "Transfer-Encoding: chunked\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"
    )
    received = exchange(server, head.encode() + chunks)
    assert received.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n")
    assert json.loads(received.split(b"\r\n\r\n")[-1])["DefaultExpirationDays"] == 7


@pytest.mark.parametrize(
    "head",
    ["GET /domains HTTP/1.0\r\n", "GET /domains HTTP/1.1\r\nConnection: close\r\n"],
    ids=["http-1.0", "connection-close"],
)
def test_the_server_closes_when_asked_and_for_http_1_0(server: ThreadedServer, head: str) -> None:
    # exchange() reads until the server closes: it returns only because it did
    received = exchange(server, f"{head}Authorization: {SIGNED}\r\n\r\n".encode())
    assert received.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"\r\nConnection: close\r\n" in received
    assert received.endswith(b'{"Items": []}')


def test_a_body_framed_both_ways_is_read_as_chunked_and_the_connection_ends(
    server: ThreadedServer,
) -> None:
    body = b'{"DefaultExpirationDays": 4}'
    head = (
        f"POST /domains/twice HTTP/1.1\r\nAuthorization: {SIGNED}\r\nContent-Length: 3\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"
    )
    received = exchange(server, head.encode() + b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body))
    assert received.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"\r\nConnection: close\r\n" in received
    assert json.loads(received.partition(b"\r\n\r\n")[2])["DefaultExpirationDays"] == 4


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"NOT HTTP\r\n\r\n", 400),
        (b"GET /domains HTTP/2.0\r\n\r\n", 400),
        (b"GET /domains HTTP/1.1\r\nno colon here\r\n\r\n", 400),
        (b"GET /domains HTTP/1.1\r\nX-A: 1\r\n folded\r\n\r\n", 400),
        (b"POST /domains/x HTTP/1.1\r\nContent-Length: lots\r\n\r\n", 400),
        # digits to str.isdigit, not to int: the connection was dropped unanswered
        (b"POST /domains/x HTTP/1.1\r\nContent-Length: \xb2\r\n\r\n{}", 400),
        (b"POST /domains/x HTTP/1.1\r\nContent-Length: " + b"9" * 30 + b"\r\n\r\n", 400),
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n", 431),
        (b"GET / HTTP/1.1\r\n" + b"X-Many: 1\r\n" * 101 + b"\r\n", 431),
        (b"POST /domains/x HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        (b"POST /domains/x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
        (b"POST /domains/x HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 30\r\n\r\n{}", 400),
        (b"POST /domains/x HTTP/1.1\r\nTransfer-Encoding: gzip\r\n"
         b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 501),
        (b"\r\n" * 9 + b"GET /domains HTTP/1.1\r\n\r\n", 400),
    ],
    ids=["request-line", "http-2", "header-line", "folded-header", "content-length",
         "superscript-content-length", "endless-content-length",
         "long-request-line", "long-header", "many-headers", "transfer-encoding", "chunk-size",
         "two-content-lengths", "two-transfer-encodings", "nine-empty-lines"],
)  # fmt: skip
def test_a_malformed_request_gets_a_json_refusal_and_the_connection_ends(
    server: ThreadedServer, raw: bytes, status: int
) -> None:
    received = exchange(server, raw)
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(f"HTTP/1.1 {status} ".encode()), head
    assert b"\r\nConnection: close" in head and b"\r\nContent-Type: application/json" in head
    assert json.loads(body)["Message"]
    assert connect_and_list(server) == 200  # and the server goes on


def connect_and_list(server: ThreadedServer) -> int:
    connection = connect(server)
    connection.request("GET", "/domains", headers={"Authorization": SIGNED})
    status = connection.getresponse().status
    connection.close()
    return status


def test_head_has_no_body_and_keeps_the_connection(server: ThreadedServer) -> None:
    connection = connect(server)
    connection.request("HEAD", "/domains", headers={"Authorization": SIGNED})
    response = connection.getresponse()
    assert response.read() == b"" and response.getheader("Connection") is None
    connection.request("GET", "/domains", headers={"Authorization": SIGNED})
    assert json.loads(connection.getresponse().read()) == {"Items": []}
    connection.close()


def test_an_idle_connection_is_closed_after_the_idle_timeout() -> None:
    app = server_module.application()
    http_server = serving.HTTPServer("127.0.0.1", 0, app, idle_timeout=0.3)
    thread = threading.Thread(target=http_server.serve_forever, daemon=True)
    thread.start()
    try:
        with socket.create_connection(("127.0.0.1", http_server.port), timeout=10) as sock:
            started = time.monotonic()
            assert sock.recv(1) == b""  # closed by the server, not by this 10 s timeout
            assert time.monotonic() - started < 5
    finally:
        http_server.stop()
        thread.join()


def test_connections_beyond_the_limit_are_refused_with_a_503() -> None:
    app = server_module.application()
    http_server = serving.HTTPServer("127.0.0.1", 0, app, max_connections=1)
    thread = threading.Thread(target=http_server.serve_forever, daemon=True)
    thread.start()
    hold_patches()  # as a server does while it serves: run alone, nothing else holds them
    try:
        first = http.client.HTTPConnection("127.0.0.1", http_server.port, timeout=10)
        first.request("GET", "/domains", headers={"Authorization": SIGNED})
        assert first.getresponse().read() == b'{"Items": []}'
        with socket.create_connection(("127.0.0.1", http_server.port), timeout=10) as second:
            received = b""
            while chunk := second.recv(65536):
                received += chunk
        assert received.startswith(b"HTTP/1.1 503 ")
        assert json.loads(received.partition(b"\r\n\r\n")[2])["Message"]
        first.request("GET", "/domains", headers={"Authorization": SIGNED})
        assert first.getresponse().status == 200  # the first connection still serves
        first.close()
    finally:
        release_patches()
        http_server.stop()
        thread.join()


def test_stopping_ends_open_connections() -> None:
    running = ThreadedServer().start()
    idle = connect(running)
    idle.request("GET", "/domains", headers={"Authorization": SIGNED})
    assert idle.getresponse().read() == b'{"Items": []}'
    started = time.monotonic()
    running.stop()  # returns although a client holds its connection open
    assert time.monotonic() - started < 10
    assert idle.sock is not None and idle.sock.recv(1) == b""
    idle.close()


def test_sixteen_kept_connections_at_once_get_every_answer_right(
    server: ThreadedServer,
) -> None:
    # 16 threads, each on one persistent connection: 40 rounds of a write, a read of what
    # it wrote and a refused request, 1,920 requests; every answer is checked
    def worker(number: int) -> int:
        connection = connect(server)
        first_socket = None
        for n in range(40):
            name = f"busy-{number}-{n}"
            connection.request("POST", f"/domains/{name}", b'{"DefaultExpirationDays": 3}',
                               {"Authorization": SIGNED})  # fmt: skip
            created = connection.getresponse()
            assert (created.status, json.loads(created.read())["DomainName"]) == (200, name)
            connection.request("GET", f"/domains/{name}", headers={"Authorization": SIGNED})
            read = connection.getresponse()
            assert json.loads(read.read())["DefaultExpirationDays"] == 3
            connection.request("POST", f"/domains/{name}", b"{not json",
                               {"Authorization": SIGNED})  # fmt: skip
            refused = connection.getresponse()
            assert refused.status == 400 and refused.getheader("Connection") is None
            assert json.loads(refused.read())["__type"] == "BadRequestException"
            first_socket = first_socket or connection.sock
            assert connection.sock is first_socket
        connection.close()
        return number

    with ThreadPoolExecutor(16) as pool:
        assert sorted(pool.map(worker, range(16))) == list(range(16))
    assert len(cp_mock.get_backend().domains) == 16 * 40


# -- the service's own door answers as moto's way does ----------------------------------
OWN_DOOR_CASES = [
    ("GET", "/domains", b"", {"Authorization": SIGNED}),
    ("GET", "/domains/door", b"", {"Authorization": SIGNED}),
    ("GET", "/domains/nowhere", b"", {"Authorization": SIGNED}),
    ("GET", "/domains/door/profiles/objects?max-results=lots", b"", {"Authorization": SIGNED}),
    ("POST", "/domains/door/profiles/search", b'{"KeyName": "_email", "Values": ["a@b.c"]}',
     {"Authorization": SIGNED}),
    ("POST", "/domains/door", b"{not json", {"Authorization": SIGNED}),
    ("DELETE", "/domains/door", b"[]", {"Authorization": SIGNED}),
    ("GET", "/domains", b"", {}),
    ("GET", "/domains", b"", {"Authorization": "Bearer token"}),
    ("GET", "/domains", b"", {"Authorization": SIGNED.replace("us-east-1", "eu-west-1")}),
    ("GET", "/domains", b"", {"Authorization": SIGNED, "User-Agent": "x region/eu-west-1"}),
    ("GET", "/domains", b"", {"Authorization": SIGNED, "Host": "profile.eu-west-1.amazonaws.com"}),
    ("GET", "/domains", b"", {"Authorization": SIGNED, "x-moto-account-id": "111122223333"}),
    ("GET", "/domains", b"", {"Authorization": SIGNED.replace("us-east-1", "nowhere-9")}),
    ("GET", "/domains/a%0Ab", b"", {"Authorization": SIGNED}),
    ("GET", "/domains/..%2F..%2Fdomains", b"", {"Authorization": SIGNED}),
    ("PUT", "/", b"", {"Authorization": SIGNED}),
    ("GET", "/tags/arn:aws:profile:us-east-1:123456789012:domains/door", b"", {}),
    ("GET", "/tags/arn:aws:profile:us-east-1:123456789012:domains/door", b"",
     {"Authorization": SIGNED}),
]  # fmt: skip


def without_timestamps(value: Any) -> Any:
    """``value`` without the times of the domain made for each run."""
    if isinstance(value, dict):
        return {
            k: without_timestamps(v)
            for k, v in value.items()
            if k not in ("CreatedAt", "LastUpdatedAt")
        }
    if isinstance(value, list):
        return [without_timestamps(v) for v in value]
    return value


def answers(server: ThreadedServer) -> list[tuple[int, list[tuple[str, str]], Any]]:
    connection = connect(server)
    connection.request("POST", "/domains/door", b'{"DefaultExpirationDays": 5}',
                       {"Authorization": SIGNED})  # fmt: skip
    connection.getresponse().read()
    got = []
    for method, path, body, headers in OWN_DOOR_CASES:
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        varying = {"date", "x-amzn-requestid", "content-length"}  # times vary in length
        kept = sorted((k.lower(), v) for k, v in response.getheaders() if k.lower() not in varying)
        got.append((response.status, kept, without_timestamps(json.loads(response.read()))))
    connection.close()
    cp_mock.get_backend(region="us-east-1").reset()
    return got


def test_the_own_door_answers_as_moto_s_way_does(
    server: ThreadedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    served_by_the_door = []
    real_serve_sent = server_module.serve_sent

    def watched(*arguments: Any, **keywords: Any) -> Any:
        served_by_the_door.append(arguments[1])
        return real_serve_sent(*arguments, **keywords)

    monkeypatch.setattr(server_module, "serve_sent", watched)
    through_the_door = answers(server)
    assert len(served_by_the_door) == len(OWN_DOOR_CASES) + 1  # the domain made first too
    monkeypatch.setattr(server_module.Dispatcher, "lean_answer", lambda *_: None)
    through_moto = answers(server)
    for case, door, moto in zip(OWN_DOOR_CASES, through_the_door, through_moto, strict=True):
        assert door == moto, case[:2]


def test_a_header_value_beyond_latin_1_is_sent_as_utf_8() -> None:
    headers = [("Content-Type", "application/json"), ("x-amz-meta-name", "Zoë ☃")]
    sent = serving._response("GET", "200 OK", headers, b"{}", keep_alive=True)
    assert "x-amz-meta-name: Zoë ☃\r\n".encode() in sent
    assert sent.endswith(b"Content-Length: 2\r\n\r\n{}")


def test_the_wsgi_application_reads_a_content_length_of_other_digits_as_none() -> None:
    # served by another WSGI server, the application reads CONTENT_LENGTH itself: "²" is
    # a digit to str.isdigit and no number to int, which raised out of the application
    environ = EnvironBuilder(
        method="GET", path="/domains", headers={"Authorization": SIGNED}
    ).get_environ()
    environ["CONTENT_LENGTH"] = "\u00b2"
    started: list[str] = []
    with cp_mock.mock_customerprofiles():
        body = b"".join(
            server_module.application()(environ, lambda status, headers: started.append(status))
        )
    assert started == ["200 OK"] and json.loads(body) == {"Items": []}
