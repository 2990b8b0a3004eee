"""Invariants of backend state that every write must preserve (used after fuzzing)."""

from __future__ import annotations

from typing import Any

from cp_mock.models.search import standard_postings


def assert_consistent(backend: Any) -> None:
    for name, domain in backend.domains.items():
        postings = domain.index.postings()
        for profile_id, profile in domain.profiles.items():
            assert profile["ProfileId"] == profile_id
            for key, value in standard_postings(profile):
                assert profile_id in postings.get(key, {}).get(value, set()), (
                    f"{name}: profile {profile_id} missing from index {key}={value!r}"
                )
        sources = {o.index_source for by_key in domain.objects.by_type.values()
                   for o in by_key.values()}  # fmt: skip
        for profile_id in domain.index.profile_ids():
            for (key, value), held_by in domain.index.holdings(profile_id).items():
                stale = {s for s in held_by if s.startswith("object:") and s not in sources}
                assert not stale, f"{name}: {key}={value!r} held by gone objects {stale}"
        for key, values in postings.items():
            for value, profile_ids in values.items():
                stray = profile_ids - set(domain.profiles)
                assert not stray, f"{name}: index {key}={value!r} names gone profiles {stray}"
        assert set(domain.profile_rank) == set(domain.profiles)
        objects = [o for by_key in domain.objects.by_type.values() for o in by_key.values()]
        for stored in objects:
            assert stored.profile_id in domain.profiles, f"{name}: object of a gone profile"
        assert domain.stats()["ObjectCount"] == len(objects)
        assert domain.objects.total_size == sum(o.size for o in objects)
        assert domain.stats()["ProfileCount"] == len(domain.profiles)
        assert set(domain.profile_expiry.expires) == set(domain.profiles), "expiry of profiles"
        assert set(domain.ingested) <= set(domain.profiles), "ingested fields of gone profiles"
