"""Eight threads writing profiles and keys to one domain at once: nothing is lost."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3

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
