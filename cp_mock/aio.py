"""aiobotocore clients served in-process, as boto3's are.

moto's stubber answers a mocked request with botocore's ``AWSResponse``, whose ``content``
is bytes; aiobotocore awaits it (``await http_response.content``), which bytes cannot be.
While aiobotocore is loaded, the stubber's answer is the same response with ``content`` as
bytes that can also be awaited: botocore reads them as the bytes they are, aiobotocore
awaits them and gets those bytes. The change is made only while a mock runs (a patch
``cp_mock`` declares), and changes nothing in a process without aiobotocore.

Streamed response bodies (an operation whose output is a stream, such as S3's GetObject)
are not adapted; Customer Profiles has none.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Generator
from typing import Any

from botocore.awsrequest import AWSPreparedRequest, AWSResponse

from .compat.moto import BotocoreStubber, Undo, replace_attribute


class AwaitableBytes(bytes):
    """Bytes that, awaited, give themselves."""

    def __await__(self) -> Generator[Any, None, bytes]:
        return self._itself().__await__()

    async def _itself(self) -> bytes:
        return bytes(self)


class AioCompatibleResponse(AWSResponse):  # type: ignore[misc]
    """botocore's response (untyped), whose content aiobotocore can await too."""

    @property
    def content(self) -> AwaitableBytes:
        return AwaitableBytes(super().content)


def serve_aiobotocore_too() -> Undo:
    """Make moto's stubber answer aiobotocore clients: a patch held while a mock runs."""
    return replace_attribute(
        BotocoreStubber, "__call__", _answering_awaitably(BotocoreStubber.__call__)
    )


@functools.cache
def _answering_awaitably(
    answer: Callable[..., AWSResponse | None],
) -> Callable[..., AWSResponse | None]:
    @functools.wraps(answer)
    def answer_awaitably(
        self: BotocoreStubber, event_name: str, request: AWSPreparedRequest, **kwargs: Any
    ) -> AWSResponse | None:
        response = answer(self, event_name, request, **kwargs)
        if response is not None and "aiobotocore" in sys.modules:
            response.__class__ = AioCompatibleResponse  # the same response, nothing copied
        return response

    return answer_awaitably
