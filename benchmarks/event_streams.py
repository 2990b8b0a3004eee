"""Benchmark 5: what an event stream adds to a write, and what the change feed costs.

CreateProfile and PutProfileObject on a domain whose event stream puts every change on a
Kinesis stream in moto's Kinesis, against the same calls on a domain with no stream,
interleaved in this process (target: <= 1.3x). Each round starts from an empty Kinesis
stream, as each test does (moto's state is reset between tests). A second row per operation
keeps the stream growing across rounds: moto's own PutRecord finds a shard's last sequence
number by listing all its records, so its cost grows with the stream, and this row shows
that the records cp_mock puts do not pay for that growth. The second table is the change feed's own
cost with no stream and no trigger: each call against the floor of any mock (a
``before-send`` handler answering with a canned body, as in benchmark 1), to compare with
benchmark 1's ratios from before the feed existed.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path
from typing import Any

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _fixtures import order_type  # noqa: E402
from _timing import interleaved, table  # noqa: E402
from per_call import medians_for  # noqa: E402

import cp_mock  # noqa: E402

ORDER_TYPE = order_type("phone")


def make_domain(client: Any, name: str) -> None:
    client.create_domain(DomainName=name, DefaultExpirationDays=30)
    client.put_profile_object_type(DomainName=name, ObjectTypeName="Order", **ORDER_TYPE)


def _records_held(stream_arn: str) -> int:
    """How many records moto's Kinesis holds on the stream (a benchmark may read moto)."""
    from moto.kinesis.models import kinesis_backends

    region = stream_arn.split(":")[3]
    account = stream_arn.split(":")[4]
    stream = kinesis_backends[account][region].describe_stream(
        stream_arn=stream_arn, stream_name=None
    )
    return sum(len(shard.records) for shard in stream.shards.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--batch", type=int, default=40)
    args = parser.parse_args()
    with cp_mock.mock_customerprofiles():
        client = boto3.client("customer-profiles", region_name="us-east-1")
        kinesis = boto3.client("kinesis", region_name="us-east-1")
        kinesis.create_stream(StreamName="changes", ShardCount=1)
        arn = kinesis.describe_stream(StreamName="changes")["StreamDescription"]["StreamARN"]

        def empty_stream() -> None:
            # the same name, so the same ARN the event stream delivers to
            kinesis.delete_stream(StreamName="changes")
            kinesis.create_stream(StreamName="changes", ShardCount=1)

        make_domain(client, "plain")
        make_domain(client, "streamed")
        client.create_event_stream(DomainName="streamed", EventStreamName="s", Uri=arn)
        orders = itertools.count()

        def create_with(on: Any, domain: str) -> None:
            on.create_profile(DomainName=domain, FirstName="Ada")

        def put_with(on: Any, domain: str) -> None:
            # a new order of an existing customer: the object's record, no _profile one
            order = {"id": f"o-{next(orders)}", "phone": "+15550100"}
            on.put_profile_object(DomainName=domain, ObjectTypeName="Order",
                                  Object=json.dumps(order))  # fmt: skip

        def create(domain: str) -> Any:
            return lambda: create_with(client, domain)

        def put(domain: str) -> Any:
            return lambda: put_with(client, domain)

        rows = []
        for name, make in (("CreateProfile", create), ("PutProfileObject", put)):
            for stream_state, between_rounds in (
                (f"empty each round (<= {args.batch} records)", empty_stream),
                ("growing across rounds", None),
            ):
                held = _records_held(arn) if between_rounds is None else 0
                medians = interleaved(
                    {"no stream": make("plain"), "stream": make("streamed")},
                    rounds=args.rounds,
                    batch=args.batch,
                    between_rounds=between_rounds,
                )
                plain, streamed = medians["no stream"], medians["stream"]
                if between_rounds is None:
                    stream_state += f" ({held}-{_records_held(arn)} records)"
                rows.append((name, stream_state, f"{plain * 1e6:.0f}", f"{streamed * 1e6:.0f}",
                             f"{streamed / plain:.2f}"))  # fmt: skip
        sent = len(cp_mock.event_stream_records("streamed"))

        feed_rows = []
        for name, call, canned in (
            ("CreateProfile", create_with, {"ProfileId": "0" * 32}),
            ("PutProfileObject", put_with, {"ProfileObjectUniqueKey": "k"}),
        ):
            medians = medians_for("customer-profiles", lambda on, call=call: call(on, "plain"),
                                  canned, args.rounds, args.batch)  # fmt: skip
            floor = medians["floor"]
            for door, label in (("mock", name), ("http", f"{name}, HTTP door")):
                feed_rows.append((label, f"{floor * 1e6:.0f}", f"{medians[door] * 1e6:.0f}",
                                  f"{medians[door] / floor:.2f}"))  # fmt: skip
    print("Benchmark 5: median per call, microseconds; ratio = with an event stream to moto's")
    print(f"Kinesis / without (target <= 1.3); {sent} records sent")
    print(table(rows, ("operation", "Kinesis stream", "no stream us", "stream us", "ratio")))
    print()
    print("The change feed with no stream and no trigger: mock / floor (benchmark 1's method)")
    print(table(feed_rows, ("operation", "floor us", "mock us", "ratio")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
