"""Server mode driven by real clients: boto3, the AWS CLI, the AWS SDK for JavaScript v3,
raw HTTP (bad input), and many threads at once."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3
import pytest

import cp_mock
from cp_mock.server import ThreadedServer

ROOT = Path(__file__).resolve().parent.parent
JS_CLIENT = ROOT / "tests" / "clients" / "js"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
               "AWS_DEFAULT_REGION": "us-east-1"}  # fmt: skip
SIGNED = ("AWS4-HMAC-SHA256 Credential=testing/20261122/us-east-1/profile/aws4_request, "
          "SignedHeaders=host, Signature=0000")  # fmt: skip


@pytest.fixture
def server() -> Iterator[ThreadedServer]:
    with ThreadedServer() as running:
        yield running
    for region in ("us-east-1",):
        cp_mock.get_backend(region=region).reset()


def client_for(server: ThreadedServer) -> Any:
    return boto3.client(
        "customer-profiles", region_name="us-east-1", endpoint_url=server.endpoint_url,
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip


def http(
    server: ThreadedServer, method: str, path: str, body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], str]:  # fmt: skip
    request = urllib.request.Request(
        server.endpoint_url + path, data=body, method=method, headers=headers or {}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def test_boto3_against_the_server_and_reset(server: ThreadedServer) -> None:
    client = client_for(server)
    client.create_domain(DomainName="served", DefaultExpirationDays=5)
    client.create_profile(DomainName="served", EmailAddress="a@example.com")
    found = client.search_profiles(DomainName="served", KeyName="_email", Values=["a@example.com"])
    assert len(found["Items"]) == 1
    # the server shares the process's state, and moto's reset endpoint clears ours too
    assert "served" in cp_mock.get_backend().domains
    assert http(server, "POST", "/moto-api/reset")[0] == 200
    assert client.list_domains()["Items"] == []


def test_other_moto_services_are_served_too(server: ThreadedServer) -> None:
    sqs = boto3.client(
        "sqs", region_name="us-east-1", endpoint_url=server.endpoint_url,
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip
    url = sqs.create_queue(QueueName="dead-letters")["QueueUrl"]
    client_for(server).create_domain(
        DomainName="with-dlq", DefaultExpirationDays=5, DeadLetterQueueUrl=url
    )
    assert sqs.list_queues()["QueueUrls"] == [url]


def aws(server: ThreadedServer, *arguments: str) -> Any:
    completed = subprocess.run(
        [sys.executable, "-m", "awscli", "customer-profiles", *arguments,
         "--endpoint-url", server.endpoint_url, "--region", "us-east-1", "--output", "json"],
        env={**os.environ, **CREDENTIALS}, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout) if completed.stdout.strip() else {}


@pytest.mark.slow
def test_aws_cli_scenario(server: ThreadedServer) -> None:
    assert aws(server, "create-domain", "--domain-name", "cli", "--default-expiration-days",
               "30")["DomainName"] == "cli"  # fmt: skip
    profile_id = aws(server, "create-profile", "--domain-name", "cli", "--first-name", "Ada",
                     "--phone-number", "+15550100")["ProfileId"]  # fmt: skip
    found = aws(server, "search-profiles", "--domain-name", "cli", "--key-name", "_phone",
                "--values", "+15550100")  # fmt: skip
    assert [p["ProfileId"] for p in found["Items"]] == [profile_id]
    aws(server, "put-profile-object-type", "--domain-name", "cli", "--object-type-name",
        "Ticket", "--description", "tickets", "--fields",
        json.dumps({"id": {"Source": "_source.id"}, "phone": {"Source": "_source.phone"}}),
        "--keys", json.dumps({"ticketId": [{"StandardIdentifiers": ["UNIQUE"],
                                            "FieldNames": ["id"]}],
                              "_phone": [{"StandardIdentifiers": ["PROFILE"],
                                          "FieldNames": ["phone"]}]}))  # fmt: skip
    aws(server, "put-profile-object", "--domain-name", "cli", "--object-type-name", "Ticket",
        "--object", json.dumps({"id": "t-1", "phone": "+15550100"}))  # fmt: skip
    objects = aws(server, "list-profile-objects", "--domain-name", "cli", "--object-type-name",
                  "Ticket", "--profile-id", profile_id)  # fmt: skip
    assert [json.loads(o["Object"])["id"] for o in objects["Items"]] == ["t-1"]
    arn = "arn:aws:profile:us-east-1:123456789012:domains/cli"
    aws(server, "tag-resource", "--resource-arn", arn, "--tags", "team=crm")
    assert aws(server, "list-tags-for-resource", "--resource-arn", arn)["tags"] == {"team": "crm"}
    aws(server, "delete-domain", "--domain-name", "cli")
    assert aws(server, "list-domains")["Items"] == []


def test_javascript_sdk_scenario(server: ThreadedServer) -> None:
    # .ci/run and the README's test command run `npm ci` here first; no silent skip.
    assert (JS_CLIENT / "node_modules" / "@aws-sdk" / "client-customer-profiles").is_dir(), (
        "run: npm ci --prefix tests/clients/js"
    )
    completed = subprocess.run(
        ["node", str(JS_CLIENT / "scenario.mjs")],
        env={**os.environ, "CP_MOCK_ENDPOINT": server.endpoint_url},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "all assertions passed" in completed.stdout


@pytest.mark.slow
def test_sixteen_clients_at_once_lose_nothing(server: ThreadedServer) -> None:
    # 16 clients x 64 rounds x 3 requests (a write, a search, a read): 3,072 requests
    client_for(server).create_domain(DomainName="busy", DefaultExpirationDays=5)

    def worker(number: int) -> list[str]:
        own = client_for(server)
        made = []
        for n in range(64):
            phone = f"+1{number:03d}{n:05d}"
            made.append(own.create_profile(DomainName="busy", PhoneNumber=phone)["ProfileId"])
            found = own.search_profiles(DomainName="busy", KeyName="_phone", Values=[phone])
            assert [p["ProfileId"] for p in found["Items"]] == [made[-1]]
            own.get_domain(DomainName="busy")
        return made

    with ThreadPoolExecutor(16) as pool:
        made = [pid for batch in pool.map(worker, range(16)) for pid in batch]
    assert len(set(made)) == 16 * 64
    stats = client_for(server).get_domain(DomainName="busy")["Stats"]
    assert stats["ProfileCount"] == 16 * 64


def error_type(headers: dict[str, str]) -> str:
    return {k.lower(): v for k, v in headers.items()}.get("x-amzn-errortype", "")


def still_serving(server: ThreadedServer) -> None:
    assert client_for(server).list_domains()["Items"] is not None


@pytest.mark.parametrize(
    ("method", "path", "body", "headers", "status", "code"),
    [
        ("POST", "/domains/bad", b"{not json", {"Authorization": SIGNED,
         "Content-Type": "application/json"}, 400, "BadRequestException"),
        ("POST", "/domains/bad", b"DefaultExpirationDays=3", {"Authorization": SIGNED,
         "Content-Type": "text/plain"}, 400, "BadRequestException"),
        ("GET", "/no/such/route", None, {"Authorization": SIGNED}, 400,
         "BadRequestException"),
        ("GET", "/domains", None, {}, 403, "AccessDeniedException"),
        ("GET", "/tags/arn:aws:profile:us-east-1:123456789012:domains/x", None, {}, 400,
         "BadRequestException"),
    ],
)  # fmt: skip
def test_bad_http_input_gets_a_4xx_and_the_server_goes_on(
    server: ThreadedServer, method: str, path: str, body: bytes | None,
    headers: dict[str, str], status: int, code: str,
) -> None:  # fmt: skip
    got_status, got_headers, got_body = http(server, method, path, body, headers)
    assert (got_status, error_type(got_headers)) == (status, code), got_body
    assert json.loads(got_body)
    still_serving(server)


def test_cli_server_command_serves_logs_and_stops_on_sigterm() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "cp_mock", "server", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        banner = process.stdout.readline() if process.stdout else ""
        match = re.search(r"http://127\.0\.0\.1:(\d+)", banner)
        assert match, banner
        endpoint = f"http://127.0.0.1:{match.group(1)}"
        client = boto3.client(
            "customer-profiles", region_name="us-east-1", endpoint_url=endpoint,
            aws_access_key_id="testing", aws_secret_access_key="testing",
        )  # fmt: skip
        client.create_domain(DomainName="cli-server", DefaultExpirationDays=1)
        assert [d["DomainName"] for d in client.list_domains()["Items"]] == ["cli-server"]
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0
    assert "stopped" in out
    requests = [line for line in err.splitlines() if '"POST /domains/cli-server' in line
                or '"GET /domains' in line]  # fmt: skip
    assert len(requests) == 2, err
