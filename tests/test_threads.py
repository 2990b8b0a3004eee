"""Eight threads writing profiles and keys to one domain at once: nothing is lost."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest

from tests.consistency import assert_consistent

THREADS = 8
PER_THREAD = 25


def test_concurrent_writers_lose_nothing(
    client: Any, domain: str, customerprofiles_backend: Any
) -> None:
    def writer(thread: int) -> list[tuple[str, str]]:
        own = boto3.client("customer-profiles", region_name="us-east-1")  # one per thread
        made = []
        for n in range(PER_THREAD):
            phone = f"+1555{thread:02d}{n:04d}"
            profile_id = own.create_profile(DomainName=domain, PhoneNumber=phone)["ProfileId"]
            own.add_profile_key(
                DomainName=domain, ProfileId=profile_id, KeyName="worker", Values=[f"w{thread}"]
            )
            made.append((profile_id, phone))
        return made

    with ThreadPoolExecutor(THREADS) as pool:
        results = [made for batch in pool.map(writer, range(THREADS)) for made in batch]

    assert len({profile_id for profile_id, _ in results}) == THREADS * PER_THREAD
    for profile_id, phone in results:
        found = client.search_profiles(DomainName=domain, KeyName="_phone", Values=[phone])
        assert [p["ProfileId"] for p in found["Items"]] == [profile_id]
    for thread in range(THREADS):
        found = client.search_profiles(
            DomainName=domain, KeyName="worker", Values=[f"w{thread}"], MaxResults=100
        )
        assert len(found["Items"]) == PER_THREAD
    assert client.get_domain(DomainName=domain)["Stats"]["ProfileCount"] == THREADS * PER_THREAD
    assert_consistent(customerprofiles_backend)


@pytest.mark.slow
def test_direct_backend_calls_from_threads_hold_the_lock(customerprofiles_backend: Any) -> None:
    """Seeding straight through the backend from many threads keeps the index and the
    profiles in step. Threads are made to switch as often as the interpreter allows, so
    without the backend's lock this loses index entries or trips over a set changed
    during iteration within a round or two."""
    backend = customerprofiles_backend

    def writer(domain: str, thread: int) -> None:
        for n in range(200):
            profile_id = backend.create_profile(domain, phone_number=f"+1555{n % 5}")["ProfileId"]
            backend.add_profile_key(domain, profile_id, "_phone", [f"+1999{n % 3}"])
            backend.update_profile(domain, profile_id, email_address=f"{n % 4}@example.com")
            if n % 2:
                backend.delete_profile(domain, profile_id)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for round_ in range(6):
            domain = f"race-{round_}"
            backend.create_domain(domain_name=domain, default_expiration_days=1)
            with ThreadPoolExecutor(THREADS) as pool:
                list(pool.map(writer, [domain] * THREADS, range(THREADS)))
            assert len(backend.domains[domain].profiles) == THREADS * 100
    finally:
        sys.setswitchinterval(interval)
    assert_consistent(backend)
