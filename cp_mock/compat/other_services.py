"""The one place Customer Profiles reaches other AWS services: moto's backends for them,
in the same account and region (S3: the same account and partition), as moto's own
services reach each other (SNS delivering to SQS, say). Nothing here goes over HTTP, and
nothing needs the other service mocked:
a resource moto does not hold is reported back as a problem (a message), for the caller
to show the way AWS would (an UNHEALTHY destination, a FAILED job, a dead-lettered object
kept readable).

Why backends and not moto's request path (a boto3 client of the other service): in server
mode no mock is started, so such a client would reach AWS itself; and a request costs
about what the Customer Profiles call that makes it (benchmark 5).

What this relies on of moto, each held by a test of its name in tests/test_moto_adapter.py:
- Kinesis: ``kinesis_backends[account][region]``; ``describe_stream(stream_arn=,
  stream_name=None)`` and ``StreamNotFoundError``; a stream's ``put_record(partition_key,
  explicit_hash_key, data)`` by position; a stream's ``shards`` (shard id to shard), a
  shard's ``records`` (sequence number to record, in order) and
  ``get_max_sequence_number()``; and the form a record keeps its Data in, which moto
  changed in 5.2.6 (base64 text before, the bytes since): found out once, by what
  ``Record.to_json()`` (what GetRecords answers) makes of a probe, not by moto's version.
- SQS: ``sqs_backends[account][region].queues`` (name to queue), a queue's
  ``fifo_queue``, ``send_message(name, body, group_id=, deduplication_id=)`` and its
  ``ServiceException``.
- S3: ``s3_backends[account][partition]`` with ``buckets``, ``get_bucket``,
  ``create_bucket``, ``put_object``, ``get_object`` and ``list_objects`` and the
  ``MissingBucket``/``MissingKey`` they raise; an object's ``value``, ``name``, ``etag``.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any
from urllib.parse import urlparse

from .moto import backend_of, mock_random

KinesisData = Callable[[bytes], Any]

# A record's bytes, and the base64 text the Kinesis API carries them as.
_PROBE_BYTES, _PROBE_BASE64 = b"cp_mock", b"Y3BfbW9jaw=="


class UnsupportedMoto(RuntimeError):
    """moto keeps something in a form this module does not know."""


@cache
def kinesis_data_form() -> KinesisData:
    """How a record's bytes are given to moto's Kinesis so that GetRecords answers with them:
    moto up to 5.2.5 keeps Data as the API carries it (base64 text) and decodes it when it
    answers; 5.2.6 keeps the bytes. Found out by handing a record base64 text and reading
    back what GetRecords would answer: the bytes it encodes, or the text unchanged."""
    from moto.kinesis.models import Record

    text: Any = _PROBE_BASE64  # typed str up to moto 5.2.5, bytes since
    answered = Record("probe", text, 0, "0").to_json()["Data"]
    if answered == _PROBE_BYTES:
        return _as_base64_text
    if answered == _PROBE_BASE64:
        return bytes
    raise UnsupportedMoto(
        f"moto's Kinesis answers {answered!r} for a record of {_PROBE_BASE64!r}: neither its "
        "base64 decoding nor the bytes unchanged (see cp_mock/compat/other_services.py)"
    )


def _as_base64_text(data: bytes) -> str:
    return base64.b64encode(data).decode()


def kinesis_record_data(record: Any) -> bytes:
    """The bytes of a record of moto's Kinesis, as GetRecords answers them, whoever put it."""
    return bytes(record.to_json()["Data"])


def _missing_stream(stream_arn: str) -> str:
    return f"Kinesis data stream {stream_arn} does not exist"


def kinesis_stream_problem(account_id: str, region: str, stream_arn: str) -> str | None:
    """Why records cannot go to the Kinesis stream ``stream_arn``; None when they can."""
    from moto.kinesis.exceptions import StreamNotFoundError
    from moto.kinesis.models import kinesis_backends

    try:
        kinesis_backends[account_id][region].describe_stream(
            stream_arn=stream_arn, stream_name=None
        )
    except StreamNotFoundError:
        return _missing_stream(stream_arn)
    return None


def put_kinesis_record(
    account_id: str, region: str, stream_arn: str, partition_key: str, data: str
) -> str | None:
    """Put ``data`` on the stream; None when it was put, else why it was not."""
    return put_kinesis_records(account_id, region, stream_arn, partition_key, [data])


def put_kinesis_records(
    account_id: str, region: str, stream_arn: str, partition_key: str, data: list[str]
) -> str | None:
    """Put each of ``data`` on the stream, in order, under one partition key. None when
    they were put, else why they were not.

    Each goes into moto's stream model (the shard the key hashes to, the next sequence
    number, and, when the stream has Lambda event source mappings, ``Stream.put_record``,
    which invokes them), not through the backend's PutRecord, which also writes two
    CloudWatch datapoints a call: that was half of what a record cost a write, and what a
    Customer Profiles test reads is the records (docs/event-streams.md)."""
    from moto.kinesis.exceptions import StreamNotFoundError
    from moto.kinesis.models import KinesisBackend, Record, kinesis_backends

    kinesis: KinesisBackend = backend_of(kinesis_backends, account_id, region)
    try:
        stream = kinesis.describe_stream(stream_arn=stream_arn, stream_name=None)
    except StreamNotFoundError:
        return _missing_stream(stream_arn)
    given = kinesis_data_form()
    if stream.lambda_event_source_mappings:  # moto's own path, which also invokes them
        put = stream.put_record
        for text in data:
            put(partition_key, None, given(text.encode()))  # type: ignore[arg-type]
        return None
    # ``Shard.put_record`` finds the shard's last sequence number by listing every key the
    # shard holds, so a record cost more the longer the stream (a test's stream grows with
    # every write): its records are kept in sequence order, so the last one is read off the
    # end instead. (The shard's records and Record's arguments: tests/test_moto_adapter.py.)
    records = stream.get_shard_for_key(partition_key, None).records  # type: ignore[arg-type, union-attr]
    for text in data:
        sequence_number = next(reversed(records), 0) + 1
        records[sequence_number] = Record(
            partition_key,
            given(text.encode()),
            sequence_number,
            None,  # type: ignore[arg-type]
        )
    return None


# sqs.<region>.amazonaws.com, and the older <region>.queue.amazonaws.com
_QUEUE_HOST = re.compile(r"^(?:sqs\.([a-z0-9-]+)\.|([a-z0-9-]+)\.queue\.)amazonaws\.com")


def send_sqs_message(
    account_id: str, region: str, queue_url: str, body: str, group_id: str
) -> str | None:
    """Send ``body`` to the SQS queue at ``queue_url``; None when it was sent, else why not
    (a URL of no queue of this account and region, or SendMessage refusing the message).
    A FIFO queue gets ``group_id`` as MessageGroupId and a fresh deduplication id."""
    from moto.core.exceptions import ServiceException
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


def put_s3_object(
    account_id: str, partition: str, bucket: str, key: str, body: bytes
) -> str | None:
    """Write ``body`` to s3://bucket/key in moto's S3 of this account; None when written,
    else why not (no such bucket in this account)."""
    from moto.s3.exceptions import MissingBucket
    from moto.s3.models import s3_backends

    backend = s3_backends[account_id][partition]
    try:
        backend.get_bucket(bucket)
    except MissingBucket:
        return f"S3 bucket {bucket} does not exist in account {account_id}"
    backend.put_object(bucket, key, body)
    return None


def s3_bucket_for_uploads(account_id: str, region: str, partition: str) -> str:
    """The bucket upload jobs' files are put in: made in moto's S3 when first needed, one
    per account and region (bucket names are global)."""
    from moto.s3.models import s3_backends

    name = f"cp-mock-upload-jobs-{account_id}-{region}"
    backend = s3_backends[account_id][partition]
    if name not in backend.buckets:
        backend.create_bucket(name, region)
    return name


def presigned_s3_put_url(
    account_id: str, region: str, bucket: str, key: str, sse_customer_key: str, expires_in: int
) -> str:
    """A pre-signed URL to PUT ``key`` into ``bucket`` with SSE-C under
    ``sse_customer_key`` (the customer-key headers are signed, so an upload sends them)."""
    import botocore.session
    from botocore.config import Config

    client = botocore.session.get_session().create_client(
        "s3", region_name=region, aws_access_key_id=account_id, aws_secret_access_key="cp-mock",
        config=Config(signature_version="s3v4"),
    )  # fmt: skip
    params = {"Bucket": bucket, "Key": key, "SSECustomerAlgorithm": "AES256",
              "SSECustomerKey": sse_customer_key}  # fmt: skip
    return str(client.generate_presigned_url("put_object", Params=params, ExpiresIn=expires_in))


def read_s3_object(account_id: str, partition: str, bucket: str, key: str) -> bytes | None:
    """The content of ``key`` in moto's S3 bucket ``bucket``; None when there is none."""
    from moto.s3.exceptions import MissingBucket, MissingKey
    from moto.s3.models import s3_backends

    try:
        found = s3_backends[account_id][partition].get_object(bucket, key)
    except (MissingBucket, MissingKey):
        return None
    return None if found is None else bytes(found.value)


def list_s3_objects(
    account_id: str, partition: str, bucket: str, prefix: str
) -> list[tuple[str, str]]:
    """``(key, ETag)`` of every object in moto's S3 bucket ``bucket`` whose key starts with
    ``prefix``, by key; none when there is no such bucket (nothing to read)."""
    from moto.s3.exceptions import MissingBucket
    from moto.s3.models import s3_backends

    backend = s3_backends[account_id][partition]
    try:
        found = backend.get_bucket(bucket)
    except MissingBucket:
        return []
    keys, _folders, _truncated, _marker = backend.list_objects(
        found, prefix or None, delimiter=None, marker=None, max_keys=None
    )
    return [(key.name, key.etag) for key in keys]


def read_kinesis_records_after(
    account_id: str, region: str, stream_arn: str, after: Mapping[str, int]
) -> list[tuple[str, int, bytes]]:
    """``(shard id, sequence number, data)`` of the records of the Kinesis stream after the
    sequence number ``after`` holds for their shard (all of a shard it does not name), shard
    by shard, each shard's in order; none when the stream does not exist (nothing to read)."""
    from moto.kinesis.exceptions import StreamNotFoundError
    from moto.kinesis.models import kinesis_backends

    try:
        stream = kinesis_backends[account_id][region].describe_stream(
            stream_arn=stream_arn, stream_name=None
        )
    except StreamNotFoundError:
        return []
    found = []
    for shard_id, shard in stream.shards.items():
        last = after.get(shard_id, 0)
        if shard.records and shard.get_max_sequence_number() < last:
            last = 0  # the stream was deleted and made again: its numbers start over
        for sequence_number, record in shard.records.items():
            if sequence_number > last:
                found.append((shard_id, sequence_number, kinesis_record_data(record)))
    return found
