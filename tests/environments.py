"""Virtual environments that tests run code in, prepared when the README's test command
installs (scripts/check), never inside a test: the aiobotocore environment
(constraints-aio.txt) and the environment the built wheel is installed in.

A test is given an environment by a variable naming its directory (scripts/check sets
them), or finds it where scripts/check last made it (.venv-check/NAME). Without it, the
test fails in CI (the variable ``CI`` set, as CI sets it), where it must have been made,
and is skipped elsewhere, saying how to make it: an everyday ``pytest`` leaves these
(slow) tests out anyway, and ``scripts/check prepare`` makes the environments."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PREPARED = ROOT / ".venv-check"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def prepared_environment(name: str, variable: str) -> Path:
    """The directory of the environment ``name`` (its bin/ holds python and what the
    packages installed there put on the path)."""
    given = os.environ.get(variable)
    directory = Path(given) if given else PREPARED / name
    if (directory / "bin" / "python").exists():
        return directory
    message = (
        f"the {name} environment is not at {directory}: `scripts/check prepare` makes it "
        f"(or set {variable} to one)"
    )
    if in_ci():
        pytest.fail(message)
    pytest.skip(message)


def user_environment() -> dict[str, str]:
    """This process's environment less what pytest, pytest-xdist and moto set or read,
    as a user's own run would have it."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "MOTO_")) and key != "VIRTUAL_ENV"
    }
