"""aiobotocore clients under the in-process mock, in the environment that admits them.

Every aiobotocore release pins an older botocore than the newest this project is tested
with (constraints.txt), so its tests (tests/aio) run in a virtual environment of their own,
installed from constraints-aio.txt as tox's `aio` environment installs it. The README's
test command (scripts/check) makes that environment when it installs, and this test runs
tests/aio there (tests/environments.py says how it finds it)."""

from __future__ import annotations

import subprocess

import pytest

from tests.environments import ROOT, prepared_environment, user_environment


@pytest.mark.slow
def test_aiobotocore_clients_are_served_in_process() -> None:
    environment = prepared_environment("aio", "CP_MOCK_AIO_ENV")
    ran = subprocess.run(
        [environment / "bin" / "python", "-m", "pytest", "-o", "addopts=-q",
         "-p", "no:cacheprovider", "tests/aio"],
        cwd=ROOT, env=user_environment(), capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stdout[-4000:] + ran.stderr[-2000:]
    assert " passed" in ran.stdout and "skipped" not in ran.stdout, ran.stdout[-2000:]
