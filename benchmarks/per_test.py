"""Benchmark 3: what a mock fixture adds to each test of a real pytest run.

Four generated suites of the same tests (each creates a resource and reads it back) run in
pytest subprocesses, as a user's suite runs, interleaved round by round:

- cp_mock's ``customerprofiles_client`` fixture (a fresh, isolated mock per test), and the
  same tests sharing one ``mock_customerprofiles`` for the module: its baseline;
- a ``mock_aws`` fixture with an SQS client, moto's usual pattern, and the same tests
  sharing one ``mock_aws`` for the module: its baseline.

Each run times its test loop (every test's setup, call and teardown; not interpreter start
or collection, which a suite pays once). A fixture's cost per test is its loop minus its
baseline's in the same round, over the number of tests; the median over rounds is printed
(target <= 1 ms for cp_mock's fixture). Every suite imports its library at collection, so the
loop holds each test's cost and not the one import of cp_mock a run pays, which the plugin
defers to the first fixture that needs it (a run that requests none never pays it:
benchmark 8).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import table  # noqa: E402

TESTS_PER_FILE = 50

CONFTEST = """
import json
import os
import time

import pytest


@pytest.hookimpl(wrapper=True)
def pytest_runtestloop(session):
    start = time.perf_counter()
    try:
        return (yield)
    finally:
        with open(os.environ["LOOP_SECONDS_FILE"], "w") as out:
            json.dump(time.perf_counter() - start, out)
"""

CP_TEST = """
def test_{n}({client}):
    {client}.create_domain(DomainName="domain-{n}", DefaultExpirationDays=1)
    assert {client}.get_domain(DomainName="domain-{n}")["DomainName"] == "domain-{n}"
"""

SQS_TEST = """
def test_{n}(sqs):
    url = sqs.create_queue(QueueName="queue-{n}")["QueueUrl"]
    assert sqs.get_queue_url(QueueName="queue-{n}")["QueueUrl"] == url
"""

SUITES = {
    "cp_mock, customerprofiles_client fixture": (
        # imported at collection, as the baseline's module imports it: the plugin defers
        # the import to the first fixture, and a loop that paid it would count the one
        # import (about 0.5 s, once a run) as 300 tests' cost
        "import boto3\nimport cp_mock  # noqa: F401\n",
        CP_TEST.replace("{client}", "customerprofiles_client"),
    ),
    "cp_mock, one mock_customerprofiles for the module": (
        "import boto3\nimport pytest\nfrom cp_mock import mock_customerprofiles\n\n\n"
        '@pytest.fixture(scope="module")\ndef client():\n    with mock_customerprofiles():\n'
        '        yield boto3.client("customer-profiles", region_name="us-east-1")\n',
        CP_TEST.replace("{client}", "client"),
    ),
    "moto, mock_aws fixture (SQS)": (
        "import boto3\nimport pytest\nfrom moto import mock_aws\n\n\n"
        "@pytest.fixture\ndef sqs():\n    with mock_aws():\n"
        '        yield boto3.client("sqs", region_name="us-east-1")\n',
        SQS_TEST,
    ),
    "moto, one mock_aws for the module (SQS)": (
        "import boto3\nimport pytest\nfrom moto import mock_aws\n\n\n"
        '@pytest.fixture(scope="module")\ndef sqs():\n    with mock_aws():\n'
        '        yield boto3.client("sqs", region_name="us-east-1")\n',
        SQS_TEST,
    ),
}
# each fixture and the baseline its cost is measured against
PAIRS = {
    "cp_mock, customerprofiles_client fixture": "cp_mock, one mock_customerprofiles for the module",
    "moto, mock_aws fixture (SQS)": "moto, one mock_aws for the module (SQS)",
}


def write_suite(directory: Path, header: str, test: str, tests: int) -> None:
    directory.mkdir()
    (directory / "conftest.py").write_text(CONFTEST)
    for file_number in range(max(1, tests // TESTS_PER_FILE)):
        numbers = range(file_number * TESTS_PER_FILE, (file_number + 1) * TESTS_PER_FILE)
        body = "".join(test.format(n=n) for n in numbers if n < tests)
        (directory / f"test_suite_{file_number}.py").write_text(header + "\n" + body)


def loop_seconds(directory: Path, tests: int) -> float:
    result_file = directory / "loop_seconds.json"
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    environment.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        LOOP_SECONDS_FILE=str(result_file),
    )
    finished = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(directory)],
        cwd=directory,
        env=environment,
        capture_output=True,
        text=True,
    )
    if finished.returncode != 0 or f"{tests} passed" not in finished.stdout:
        raise SystemExit(f"{directory.name} failed:\n{finished.stdout}{finished.stderr}")
    seconds: float = json.loads(result_file.read_text())
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        directories = {}
        for number, (name, (header, test)) in enumerate(SUITES.items()):
            directories[name] = Path(temporary) / f"suite_{number}"
            write_suite(directories[name], header, test, args.tests)
        loops: dict[str, list[float]] = {name: [] for name in SUITES}
        for _ in range(args.rounds):
            for name, directory in directories.items():
                loops[name].append(loop_seconds(directory, args.tests))
    rows = []
    for name, samples in loops.items():
        baseline = PAIRS.get(name)
        if baseline is None:
            per_test = "(baseline)"
        else:
            costs = [
                (loop - base) / args.tests * 1e3
                for loop, base in zip(samples, loops[baseline], strict=True)
            ]
            per_test = f"{statistics.median(costs):.2f} ({min(costs):.2f} to {max(costs):.2f})"
        rows.append((name, f"{statistics.median(samples):.2f}", per_test))
    print(
        f"Benchmark 3: a fixture's cost per test in a pytest run of {args.tests} tests,"
        f" median of {args.rounds} interleaved rounds (target <= 1 ms for cp_mock's fixture)"
    )
    print(table(rows, ("suite", "test loop, s", "ms per test over its baseline (range)")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
