"""aiobotocore clients under the in-process mock, in the environment that admits them.

Every aiobotocore release pins an older botocore than the newest this project is tested
with (constraints.txt), so its tests (tests/aio) run in a virtual environment of their own,
installed from constraints-aio.txt as tox's `aio` environment installs it: this test makes
that environment and runs them there, so every run of the suite runs them too."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_aiobotocore_clients_are_served_in_process(tmp_path: Path) -> None:
    source = tmp_path / "cp-mock"  # a copy: building the package leaves the tree as it is
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", "node_modules", ".venv*", "*.egg-info", "build", "dist", "__pycache__",
        ".*_cache", ".hypothesis",
    ))  # fmt: skip
    environment = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(environment)], check=True, timeout=300)
    python = str(environment / "bin" / "python")
    installed = subprocess.run(
        [python, "-m", "pip", "install", "-q", f"{source}[test]", "aiobotocore",
         "-c", str(source / "constraints-aio.txt")],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stdout + installed.stderr
    ran = subprocess.run(
        [python, "-m", "pytest", "-o", "addopts=-q", "-p", "no:cacheprovider", "tests/aio"],
        cwd=source, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stdout[-4000:] + ran.stderr[-2000:]
    assert " passed" in ran.stdout and "skipped" not in ran.stdout, ran.stdout[-2000:]
