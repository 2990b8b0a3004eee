"""Bad input over raw HTTP against a server: every answer is a 4xx whose body is JSON with a
message and whose X-Amzn-Errortype is one of the model's errors; nothing changes, and the
server goes on serving. The bodies are checked through the in-process door too."""

from __future__ import annotations

import gzip
import http.client
import json
from collections.abc import Iterator
from typing import Any, NamedTuple

import boto3
import pytest
from botocore.exceptions import ClientError

import cp_mock
from cp_mock import exceptions, mock_customerprofiles
from cp_mock.models.core import operations
from cp_mock.protocol import render_error, render_service_error, service_model
from cp_mock.server import ThreadedServer

MODEL = service_model()
MODELED_ERRORS = {shape.name for shape in MODEL.error_shapes}
DOMAIN = "seeded"
EMAIL = "ada@example.com"


def signed_for(service: str, region: str = "us-east-1") -> str:
    return (f"AWS4-HMAC-SHA256 Credential=testing/20261122/{region}/{service}/aws4_request, "
            "SignedHeaders=host;x-amz-date, Signature=0000")  # fmt: skip


SIGNED = signed_for("profile")
JSON = {"Authorization": SIGNED, "Content-Type": "application/json"}
TEN_MB = 10 * 1024 * 1024


class Answer(NamedTuple):
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes


def send(
    server: ThreadedServer, method: str, path: str, body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> Answer:  # fmt: skip
    """One request, sent as given: no normalisation of the path, no default headers."""
    host, port = server.endpoint_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.putrequest(method, path, skip_host=False, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value.encode("latin-1"))
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return Answer(
            response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        )
    finally:
        connection.close()


def client_for(server: ThreadedServer) -> Any:
    return boto3.client(
        "customer-profiles", region_name="us-east-1", endpoint_url=server.endpoint_url,
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip


class Seeded(NamedTuple):
    server: ThreadedServer
    client: Any
    before: Any


def state(client: Any) -> Any:
    """What a bad request must leave as it was: the domains, the seeded domain's profile
    count, and what a search finds of the seeded profile."""
    return (
        [d["DomainName"] for d in client.list_domains()["Items"]],
        client.get_domain(DomainName=DOMAIN)["Stats"]["ProfileCount"],
        client.search_profiles(DomainName=DOMAIN, KeyName="_email", Values=[EMAIL])["Items"],
    )


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadedServer]:
    with ThreadedServer() as running:  # one for the module: a server takes 0.5 s to stop
        yield running


@pytest.fixture
def seeded(server: ThreadedServer) -> Iterator[Seeded]:
    client = client_for(server)
    client.create_domain(DomainName=DOMAIN, DefaultExpirationDays=30)
    client.create_profile(DomainName=DOMAIN, FirstName="Ada", EmailAddress=EMAIL)
    yield Seeded(server, client, state(client))
    cp_mock.get_backend(region="us-east-1").reset()


def bad(name: str, method: str, path: str, body: bytes = b"", headers: Any = None,
        code: str = "BadRequestException") -> Any:  # fmt: skip
    return pytest.param(method, path, body, JSON if headers is None else headers, code, id=name)


PROFILES = f"/domains/{DOMAIN}/profiles"
FORM = {"Authorization": SIGNED, "Content-Type": "application/x-www-form-urlencoded"}
TAGS = f"/tags/arn:aws:profile:us-east-1:123456789012:domains/{DOMAIN}"

BODIES = [
    bad("malformed", "POST", PROFILES, b"{not json"),
    bad("truncated", "POST", PROFILES, b'{"FirstName": "Grace"'),
    bad("truncated-string", "POST", PROFILES, b'{"FirstName": "Gra'),
    bad("form-data", "POST", PROFILES, b"FirstName=Grace", FORM),
    bad("form-data-without-a-content-type", "POST", PROFILES, b"FirstName=Grace",
        {"Authorization": SIGNED}),
    bad("json-with-a-form-content-type", "POST", PROFILES, b'[{"FirstName": "Grace"}]', FORM),
    bad("not-utf-8", "POST", PROFILES, b'{"FirstName": "Gr\xe2ce"}'),
    bad("utf-16", "POST", PROFILES, '{"FirstName": "Grace"}'.encode("utf-16")),
    bad("whitespace", "POST", PROFILES, b"  \n "),
    bad("array", "POST", PROFILES, b'[{"FirstName": "Grace"}]'),
    bad("empty-array", "POST", PROFILES, b"[]"),
    bad("string", "POST", PROFILES, b'"Grace"'),
    bad("number", "POST", PROFILES, b"3"),
    bad("boolean", "POST", PROFILES, b"true"),
    bad("null", "POST", PROFILES, b"null"),
    bad("deep-arrays", "POST", PROFILES, b"[" * 100_000),
    bad("deep-objects", "POST", PROFILES, b'{"a":' * 100_000),
    bad("deep-in-a-member", "POST", PROFILES, b'{"Attributes": ' + b"[" * 100_000),
    bad("10-MB-of-NULs", "POST", PROFILES, b"\0" * TEN_MB),
    bad("10-MB-of-NULs-as-a-form", "POST", PROFILES, b"\0" * TEN_MB, FORM),
    bad("10-MB-member", "POST", PROFILES, b'{"FirstName": "' + b"x" * TEN_MB + b'"}'),
    bad("gzip-that-is-not", "POST", PROFILES, b'{"FirstName": "Grace"}',
        {**JSON, "Content-Encoding": "gzip"}),
    bad("truncated-gzip", "POST", PROFILES, gzip.compress(b'{"FirstName": "Grace"}')[:-8],
        {**JSON, "Content-Encoding": "gzip"}),
    # an operation without body members refuses a malformed body too, and deletes nothing
    bad("delete-with-a-malformed-body", "DELETE", f"/domains/{DOMAIN}", b"{not json"),
    bad("delete-with-an-array-body", "DELETE", f"/domains/{DOMAIN}", b"[]"),
]  # fmt: skip

PATHS = [
    bad("root", "PUT", "/"),
    bad("unknown-path", "GET", "/no/such/route"),
    bad("unknown-method", "TRACE", "/domains"),
    bad("method-flask-does-not-route", "PROPFIND", f"/domains/{DOMAIN}"),
    bad("encoded-newline", "GET", "/domains/a%0Ab"),
    bad("encoded-newline-on-delete", "DELETE", f"/domains/{DOMAIN}%0A{DOMAIN}"),
    bad("encoded-dot-dot-slash", "GET", "/domains/..%2F..%2Fdomains"),
    bad("encoded-dot-dot-slash-on-delete", "DELETE", f"/domains/..%2F{DOMAIN}"),
    bad("encoded-dot-dot", "GET", "/domains/%2e%2e"),
    bad("double-encoded-slash", "GET", "/domains/%252F"),
    bad("double-encoded-on-delete", "DELETE", f"/domains/{DOMAIN}%252F"),
    bad("dot-dot-segments", "POST", f"/domains/{DOMAIN}/profiles/../../{DOMAIN}", b"{}"),
    bad("encoded-NUL", "GET", "/domains/%00"),
    bad("bad-percent-encoding", "GET", "/domains/%ZZ"),
    bad("percent-encoded-non-utf-8", "GET", "/domains/%FF%FE"),
    bad("long-label", "GET", "/domains/" + "a" * 10_000),
    bad("query-not-a-number", "GET", "/domains?max-results=lots"),
]  # fmt: skip

DENIED = "AccessDeniedException"
AUTHORIZATION = [
    bad("unsigned", "GET", "/domains", headers={}, code=DENIED),
    bad("unsigned-delete", "DELETE", f"/domains/{DOMAIN}", headers={}, code=DENIED),
    bad("basic", "GET", "/domains", headers={"Authorization": "Basic dXNlcjpwYXNz"}, code=DENIED),
    bad("bearer-token", "DELETE", f"/domains/{DOMAIN}",
        headers={"Authorization": "Bearer eyJhbGciOiJub25lIn0.e30."}, code=DENIED),
    bad("one-word", "GET", "/domains", headers={"Authorization": "garbage"}, code=DENIED),
    bad("algorithm-only", "GET", "/domains", headers={"Authorization": "AWS4-HMAC-SHA256"},
        code=DENIED),
    bad("short-scope", "GET", "/domains",
        headers={"Authorization": "AWS4-HMAC-SHA256 Credential=a/b/c"}, code=DENIED),
    bad("no-signature", "GET", "/domains", code=DENIED,
        headers={"Authorization": SIGNED.split(", Signature")[0]}),
    bad("non-ascii-token", "GET", "/domains", headers={"Authorization": "Bearer \xff\xfe\x01"},
        code=DENIED),
    bad("60-KB-of-AWS", "GET", "/domains", headers={"Authorization": "AWS" * 20_000},
        code=DENIED),
    bad("garbage-security-token-unsigned", "DELETE", f"/domains/{DOMAIN}", code=DENIED,
        headers={"X-Amz-Security-Token": "\x01\xff not a token"}),
    bad("signed-for-sqs", "GET", "/domains", headers={"Authorization": signed_for("sqs")},
        code=DENIED),
    bad("signed-for-sqs-delete", "DELETE", f"/domains/{DOMAIN}", code=DENIED,
        headers={"Authorization": signed_for("sqs")}),
    bad("signed-for-no-such-service", "GET", "/domains",
        headers={"Authorization": signed_for("nosuchservice")}, code=DENIED),
    bad("signed-for-no-such-region", "DELETE", f"/domains/{DOMAIN}",
        headers={"Authorization": signed_for("profile", "nowhere-9")}, code=DENIED),
    # the tag operations model no 403: their refusal is a BadRequestException
    bad("unsigned-tags", "GET", TAGS, headers={}),
    bad("signed-for-sqs-tags", "GET", TAGS, headers={"Authorization": signed_for("sqs")}),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path", "body", "headers", "code"),
                         BODIES + PATHS + AUTHORIZATION)  # fmt: skip
def test_bad_input_gets_a_modeled_4xx_in_json_and_changes_nothing(
    seeded: Seeded, method: str, path: str, body: bytes, headers: dict[str, str], code: str
) -> None:
    answer = send(seeded.server, method, path, body, headers)
    assert answer.headers.get("x-amzn-errortype") == code, answer
    status = MODEL.shape_for(code).metadata["error"]["httpStatusCode"]
    assert answer.status == status, answer
    assert answer.headers["content-type"] == "application/json"
    assert json.loads(answer.body)["Message"]
    assert state(seeded.client) == seeded.before  # and the server still serves boto3


def test_an_unimplemented_operation_is_a_json_error_naming_it(
    seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A 400: every operation models BadRequestException, and an SDK retries a 5xx (with
    # backoff, several times) where a request that cannot succeed should fail at once.
    monkeypatch.delitem(operations._DECLARED, "ListDomains")
    answer = send(seeded.server, "GET", "/domains", headers={"Authorization": SIGNED})
    assert (answer.status, answer.headers.get("x-amzn-errortype")) == (400, "BadRequestException")
    assert "ListDomains" in json.loads(answer.body)["Message"]


def test_an_unimplemented_operation_in_process_raises_naming_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delitem(operations._DECLARED, "ListDomains")
    with mock_customerprofiles():
        client = boto3.client("customer-profiles", region_name="us-east-1")
        with pytest.raises(NotImplementedError, match="ListDomains"):
            client.list_domains()


def test_moto_services_still_get_their_own_requests(seeded: Seeded) -> None:
    queues = send(seeded.server, "POST", "/", b"Action=ListQueues",
                  {**FORM, "Authorization": signed_for("sqs")})  # fmt: skip
    assert queues.status == 200 and b"ListQueuesResponse" in queues.body
    # S3 takes any path, /domains included, and its errors reach the caller as its own
    bucket = send(seeded.server, "GET", "/domains", headers={"Authorization": signed_for("s3")})
    assert bucket.status == 404 and b"NoSuchBucket" in bucket.body


@pytest.mark.parametrize("code", sorted(MODELED_ERRORS))
def test_an_error_without_an_operation_is_rendered_as_moto_renders_one(code: str) -> None:
    error = getattr(exceptions, code)("a message")
    operation = next(
        MODEL.operation_model(name)
        for name in MODEL.operation_names
        if code in {shape.name for shape in MODEL.operation_model(name).error_shapes}
    )
    assert render_service_error(error) == render_error(operation, error)


IN_PROCESS_BODIES = [
    b"{not json", b"FirstName=Grace", b'{"FirstName": "Gr\xe2ce"}', b"[]", b'"Grace"', b"3",
    b"null", b"[" * 100_000, b"\0" * 1024,
]  # fmt: skip


@pytest.mark.parametrize("body", IN_PROCESS_BODIES, ids=lambda body: repr(body[:12]))
def test_the_in_process_door_refuses_the_same_bodies(body: bytes) -> None:
    with mock_customerprofiles():
        client = boto3.client("customer-profiles", region_name="us-east-1")
        client.create_domain(DomainName=DOMAIN, DefaultExpirationDays=30)

        def replace_body(request: Any, **_: Any) -> None:
            request.data = body

        client.meta.events.register("before-sign.customer-profiles.CreateProfile", replace_body)
        with pytest.raises(ClientError) as refused:
            client.create_profile(DomainName=DOMAIN, FirstName="Grace")
        assert refused.value.response["Error"]["Code"] == "BadRequestException"
        assert client.get_domain(DomainName=DOMAIN)["Stats"]["ProfileCount"] == 0
