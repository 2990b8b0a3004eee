"""aiobotocore clients under the in-process mock (cp_mock/aio.py), with aiobotocore's own
client. aiobotocore pins an older botocore than constraints.txt: this directory runs in
tox's ``aio`` environment (constraints-aio.txt), with the rest of the suite."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiobotocore
import pytest
from aiobotocore.config import AioConfig
from aiobotocore.session import get_session
from botocore.exceptions import ClientError

import cp_mock
from cp_mock import fail_next, mock_customerprofiles

AsyncClientTest = Callable[[Any], Awaitable[None]]


def run_with_client(
    test: AsyncClientTest, service: str = "customer-profiles", **config: Any
) -> None:
    async def run() -> None:
        session = get_session()
        async with session.create_client(
            service, region_name="us-east-1", aws_access_key_id="testing",
            aws_secret_access_key="testing", config=AioConfig(**config),
        ) as client:  # fmt: skip
            await test(client)

    asyncio.run(run())


def test_the_aiobotocore_version_tested() -> None:
    # docs/usage.md names the versions this runs with
    assert aiobotocore.__version__ == "3.10.0"


@mock_customerprofiles
def test_an_async_client_under_the_decorator() -> None:
    async def scenario(client: Any) -> None:
        await client.create_domain(DomainName="async", DefaultExpirationDays=7)
        created = await asyncio.gather(
            *(client.create_profile(DomainName="async", FirstName=f"P{i}") for i in range(20))
        )
        assert len({answer["ProfileId"] for answer in created}) == 20
        found = await client.search_profiles(DomainName="async", KeyName="_fullName", Values=["P7"])
        assert [p["FirstName"] for p in found["Items"]] == ["P7"]
        with pytest.raises(client.exceptions.ResourceNotFoundException) as raised:
            await client.get_domain(DomainName="missing")
        assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
        with pytest.raises(ClientError) as bad:
            await client.create_domain(DomainName="bad name!", DefaultExpirationDays=1)
        assert bad.value.response["Error"]["Code"] == "BadRequestException"

    run_with_client(scenario)
    # the same state, read synchronously
    assert cp_mock.get_backend().get_domain("async")["Stats"]["ProfileCount"] == 20


def test_an_async_client_with_the_pytest_fixture(customerprofiles_client: Any) -> None:
    customerprofiles_client.create_domain(DomainName="shared", DefaultExpirationDays=1)

    async def scenario(client: Any) -> None:
        await client.put_profile_object(
            DomainName="shared", ObjectTypeName="CTR",
            Object=json.dumps({"ContactId": "c-1", "CustomerEndpoint": {"Address": "+15550100"}}),
        )  # fmt: skip
        await client.create_domain(DomainName="second", DefaultExpirationDays=1)
        names, token = [], {}
        while True:  # paged with NextToken, one domain a page
            page = await client.list_domains(MaxResults=1, **token)
            names += [d["DomainName"] for d in page["Items"]]
            if "NextToken" not in page:
                break
            token = {"NextToken": page["NextToken"]}
        assert names == ["second", "shared"]

    customerprofiles_client.put_profile_object_type(
        DomainName="shared", ObjectTypeName="CTR", Description="contacts", TemplateId="CTR"
    )
    run_with_client(scenario)
    found = customerprofiles_client.search_profiles(
        DomainName="shared", KeyName="_phone", Values=["+15550100"]
    )
    assert len(found["Items"]) == 1  # the async put made the profile


@mock_customerprofiles
def test_async_retries_ride_over_injected_throttles() -> None:
    async def scenario(client: Any) -> None:
        fail_next("ListDomains", times=2)
        answer = await client.list_domains()
        assert answer["ResponseMetadata"]["RetryAttempts"] == 2

    run_with_client(scenario, retries={"mode": "standard", "total_max_attempts": 3})


@mock_customerprofiles
def test_other_moto_services_answer_async_clients_too() -> None:
    async def scenario(client: Any) -> None:
        queue = (await client.create_queue(QueueName="jobs"))["QueueUrl"]
        await client.send_message(QueueUrl=queue, MessageBody="hello")
        received = await client.receive_message(QueueUrl=queue)
        assert [m["Body"] for m in received["Messages"]] == ["hello"]

    run_with_client(scenario, service="sqs")


def test_the_docs_example_runs_as_written() -> None:
    doc = Path(__file__).resolve().parents[2] / "docs" / "usage.md"
    text = doc.read_text()
    section = text[text.index("\n## aiobotocore\n") :]
    example = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)[0]
    namespace: dict[str, Any] = {}
    exec(compile(example, str(doc), "exec"), namespace)
    namespace["test_async_code"]()
