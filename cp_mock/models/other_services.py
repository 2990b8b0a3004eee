"""The one place that reaches the moto backends of other AWS services (DESIGN.md, "Other
AWS services"): the same account and region as the Customer Profiles backend, as moto's
own services reach each other. Each function says, rather than raises, when the other
service's resource is not there, so the caller can keep what it would have sent.

moto's backends are imported when first needed: importing cp_mock loads none of them.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

from moto.core.exceptions import ServiceException
from moto.moto_api._internal import mock_random

# sqs.<region>.amazonaws.com, and the older <region>.queue.amazonaws.com
_QUEUE_HOST = re.compile(r"^(?:sqs\.([a-z0-9-]+)\.|([a-z0-9-]+)\.queue\.)amazonaws\.com")


def send_sqs_message(
    account_id: str, region: str, queue_url: str, body: str, group_id: str
) -> str | None:
    """Send ``body`` to the SQS queue at ``queue_url``. None when it was sent; else why not
    (a URL of no queue of this account and region, or SendMessage refusing the message).
    A FIFO queue gets ``group_id`` as MessageGroupId and a fresh deduplication id."""
    from moto.sqs.models import sqs_backends

    parsed = urlparse(queue_url)
    parts = [part for part in parsed.path.split("/") if part]
    if len(parts) != 2:
        return f"{queue_url} is not the URL of an SQS queue"
    queue_account, queue_name = parts
    host = _QUEUE_HOST.match(parsed.hostname or "")
    queue_region = (host.group(1) or host.group(2)) if host else region  # a local endpoint
    if (queue_account, queue_region) != (account_id, region):
        return f"{queue_url} is a queue of {queue_account} in {queue_region}, not of this domain"
    backend = sqs_backends[account_id][region]
    queue = backend.queues.get(queue_name)
    if queue is None:
        return f"queue {queue_name} does not exist"
    fifo = queue.fifo_queue
    try:
        backend.send_message(
            queue_name,
            body,
            group_id=group_id if fifo else None,
            deduplication_id=mock_random.uuid4().hex if fifo else None,
        )
    except ServiceException as error:
        return f"SendMessage to {queue_name} failed: {error.message}"
    return None
