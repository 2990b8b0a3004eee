"""Calls made to fail once they have done all they do: their answer cannot be written, so
each is undone whole and answered InternalServerException. Tests hold every write's undo
to "a refused or failed call leaves the state as it was" with these."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from botocore.exceptions import ClientError

from cp_mock import dump_state, responses


def unwritable(operation: Any, result: Any) -> Any:
    raise RuntimeError("the answer cannot be written")


@contextmanager
def answers_unwritable() -> Iterator[None]:
    """Within: every call does all it does, and then its answer cannot be written."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(responses, "render_result", unwritable)
        yield


@contextmanager
def refused(state: Callable[[], object] = dump_state) -> Iterator[None]:
    """The call inside is refused so: answered InternalServerException, it leaves
    ``state()`` (by default the state dump) as it was."""
    before = state()
    with answers_unwritable(), pytest.raises(ClientError) as raised:
        yield
    assert raised.value.response["Error"]["Code"] == "InternalServerException"
    assert state() == before
