"""The one place Customer Profiles reaches other AWS services: moto's backends for them,
in the same account and region, as moto's own services reach each other (SNS delivering
to SQS, say). Nothing here goes over HTTP, and nothing needs the other service mocked:
a resource moto does not hold is reported back as a problem (a message), for the caller
to show the way AWS would (an UNHEALTHY destination, a FAILED job).
"""

from __future__ import annotations

import base64


def kinesis_stream_problem(account_id: str, region: str, stream_arn: str) -> str | None:
    """Why records cannot go to the Kinesis stream ``stream_arn``; None when they can."""
    from moto.kinesis.exceptions import StreamNotFoundError
    from moto.kinesis.models import kinesis_backends

    try:
        kinesis_backends[account_id][region].describe_stream(
            stream_arn=stream_arn, stream_name=None
        )
    except StreamNotFoundError:
        return f"Kinesis data stream {stream_arn} does not exist"
    return None


def put_kinesis_record(
    account_id: str, region: str, stream_arn: str, partition_key: str, data: str
) -> str | None:
    """Put ``data`` on the stream; None when it was put, else why it was not."""
    problem = kinesis_stream_problem(account_id, region, stream_arn)
    if problem is not None:
        return problem
    from moto.kinesis.models import kinesis_backends

    # moto's Kinesis keeps Data as the API carries it: base64
    encoded = base64.b64encode(data.encode()).decode()
    kinesis_backends[account_id][region].put_record(
        stream_arn=stream_arn,
        stream_name=None,  # type: ignore[arg-type]
        partition_key=partition_key,
        explicit_hash_key=None,  # type: ignore[arg-type]
        data=encoded,
    )
    return None
