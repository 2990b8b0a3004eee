"""The suite runs on every botocore pyproject.toml admits (tox's "oldest" leg): a test that
calls an operation the installed model lacks is skipped, naming it (tests/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest

from cp_mock import CustomerProfilesBackend


def test_calling_an_operation_the_installed_model_lacks_skips_naming_it(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # an operation the backend serves that this botocore has no method for
    monkeypatch.setattr(
        CustomerProfilesBackend, "frobnicate_profiles", lambda self: {}, raising=False
    )
    with pytest.raises(pytest.skip.Exception) as skipped:
        client.frobnicate_profiles(DomainName="d")
    assert "FrobnicateProfiles is not in the installed botocore model" in str(skipped.value)


def test_a_name_that_is_no_operation_of_the_backend_still_fails(client: Any) -> None:
    with pytest.raises(AttributeError, match="frobnicate_profiles"):
        client.frobnicate_profiles(DomainName="d")
