"""cp_mock/aio.py without aiobotocore itself (tests/aio drives aiobotocore's own client):
the stubber's answer is moto's own until aiobotocore is loaded, and then still serves
botocore as before. The stubber answers on the HTTP way, which aiobotocore clients take
(the direct door leaves their signer alone), so these tests turn the direct door off."""

from __future__ import annotations

import asyncio
import sys
import types
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from cp_mock import direct
from cp_mock.aio import AioCompatibleResponse, AwaitableBytes


@pytest.fixture(autouse=True)
def http_way(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(direct, "enabled", False)


def answered_with(client: Any) -> list[Any]:
    responses: list[Any] = []
    client.meta.events.register(
        "after-call.customer-profiles.ListDomains",
        lambda http_response, **kwargs: responses.append(http_response),
    )
    client.list_domains()
    return responses


def test_without_aiobotocore_the_answer_is_motos(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delitem(sys.modules, "aiobotocore", raising=False)
    [response] = answered_with(client)
    assert type(response) is AWSResponse


def test_with_aiobotocore_loaded_botocore_reads_the_same_answer(
    client: Any, domain: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "aiobotocore", types.ModuleType("aiobotocore"))
    [response] = answered_with(client)
    assert type(response) is AioCompatibleResponse
    assert isinstance(response.content, bytes) and b'"test-domain"' in response.content

    async def awaited() -> bytes:
        return await response.content

    assert asyncio.run(awaited()) == response.content
    assert [d["DomainName"] for d in client.list_domains()["Items"]] == [domain]


def test_awaitable_bytes_are_bytes() -> None:
    data = AwaitableBytes(b"{}")
    assert data == b"{}" and data.decode() == "{}"

    async def awaited() -> bytes:
        return await data

    assert type(asyncio.run(awaited())) is bytes
