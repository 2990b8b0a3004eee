"""Benchmark 3: what a test pays for mocking: enter the mock, make a client, one call,
leave the mock; the way the pytest fixture does it (a client from a shared session),
the way a test body calling boto3.client does it, and moto's mock_aws doing the same for
a service moto ships (SQS), side by side (target <= 20 ms median for the fixture path).
"""

from __future__ import annotations

import sys
from pathlib import Path

import boto3
from moto import mock_aws

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import interleaved, table  # noqa: E402

import cp_mock  # noqa: E402
from cp_mock.pytest_plugin import _session  # noqa: E402


def fixture_way() -> None:
    with cp_mock.mock_customerprofiles():
        _session().client("customer-profiles", region_name="us-east-1").list_domains()


def boto3_client_way() -> None:
    with cp_mock.mock_customerprofiles():
        boto3.client("customer-profiles", region_name="us-east-1").list_domains()


def moto_way() -> None:
    with mock_aws():
        boto3.client("sqs", region_name="us-east-1").list_queues()


def main() -> int:
    medians = interleaved({"fixture": fixture_way, "boto3.client": boto3_client_way,
                           "moto": moto_way}, rounds=15, batch=4)  # fmt: skip
    rows = [
        ("cp_mock, customerprofiles_client fixture", f"{medians['fixture'] * 1e3:.1f}"),
        ("cp_mock, boto3.client in the test", f"{medians['boto3.client'] * 1e3:.1f}"),
        ("moto mock_aws + boto3.client (SQS)", f"{medians['moto'] * 1e3:.1f}"),
    ]
    print("Benchmark 3: enter mock + new client + one call + exit, median ms (target <= 20)")
    print(table(rows, ("way", "median ms")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
