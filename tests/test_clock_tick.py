"""Time-driven work happens in one tick of the mock's clock, when a call into the backend
begins, for the domain it names (docs/usage.md, "When time moves"); a lookup of a domain
changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

import cp_mock

START = datetime(2030, 1, 1, 12, 0, 0)


def test_a_lookup_alone_changes_nothing_and_the_next_call_sees_the_expiry(
    client: Any, customerprofiles_backend: Any
) -> None:
    with freeze_time(START) as clock:
        client.create_domain(DomainName="d", DefaultExpirationDays=1)
        client.create_domain(DomainName="other", DefaultExpirationDays=1)
        profile_id = client.create_profile(DomainName="d", FirstName="Ada")["ProfileId"]
        kept = client.create_profile(DomainName="other", FirstName="Bo")["ProfileId"]
        clock.tick(timedelta(days=2))
        before = cp_mock.dump_state()
        # before, this lookup removed the expired profile
        domain = customerprofiles_backend.get_domain_state("d")
        assert profile_id in domain.profiles
        assert cp_mock.dump_state() == before
        # a call naming the domain ticks the clock for it first: the profile is gone
        assert client.get_domain(DomainName="d")["Stats"]["ProfileCount"] == 0
        with pytest.raises(ClientError) as raised:
            client.delete_profile(DomainName="d", ProfileId=profile_id)
        assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"
        # a call that names another domain does not tick this one
        assert kept in customerprofiles_backend.get_domain_state("other").profiles
        assert client.list_domains()["Items"]
        assert kept in customerprofiles_backend.get_domain_state("other").profiles
        assert client.get_domain(DomainName="other")["Stats"]["ProfileCount"] == 0


def test_a_backend_call_from_a_test_ticks_the_clock_too(customerprofiles_backend: Any) -> None:
    backend = customerprofiles_backend
    with freeze_time(START) as clock:
        backend.create_domain(domain_name="d", default_expiration_days=1)
        profile_id = backend.create_profile(domain_name="d", first_name="Ada")["ProfileId"]
        clock.tick(timedelta(days=2))
        assert profile_id in backend.get_domain_state("d").profiles
        found = backend.search_profiles(domain_name="d", key_name="_profileId", values=[profile_id])
        assert found["Items"] == []
        assert profile_id not in backend.get_domain_state("d").profiles


def test_a_failed_call_undoes_its_tick(client: Any, customerprofiles_backend: Any) -> None:
    with freeze_time(START) as clock:
        client.create_domain(DomainName="d", DefaultExpirationDays=1)
        client.create_profile(DomainName="d", FirstName="Ada")
        clock.tick(timedelta(days=2))
        before = cp_mock.dump_state()
        with pytest.raises(ClientError):
            client.delete_profile(DomainName="d", ProfileId="f" * 32)
        assert cp_mock.dump_state() == before
