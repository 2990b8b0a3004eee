"""Invariants of backend state that every write must preserve (used after fuzzing)."""

from __future__ import annotations

from typing import Any

from cp_mock.models.engines.search_keys import standard_postings
from cp_mock.models.objects.object_store import IDENTITY_PREFIX, StoredObject


def assert_consistent(backend: Any) -> None:
    for name, domain in backend.domains.items():
        postings = domain.index.postings()
        for profile_id, profile in domain.profiles.items():
            assert profile["ProfileId"] == profile_id
            for key, value in standard_postings(profile):
                assert profile_id in postings.get(key, {}).get(value, set()), (
                    f"{name}: profile {profile_id} missing from index {key}={value!r}"
                )
        sources = {o for by_key in domain.objects.by_type.values() for o in by_key.values()}
        for profile_id in domain.index.profile_ids():
            for (key, value), held_by in domain.index.holdings(profile_id).items():
                stale = {s for s in held_by if isinstance(s, StoredObject) and s not in sources}
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
        indexed = {k: sorted(v) for k, v in domain.objects.by_identity.items()}
        assert indexed == identities_of_records(domain), f"{name}: records by identity"
        assert all(len(set(v)) == len(v) for v in domain.objects.by_identity.values())
        assert domain.stats()["ProfileCount"] == len(domain.profiles)
        assert set(domain.profile_expiry.expires) == set(domain.profiles), "expiry of profiles"
        assert set(domain.ingested) <= set(domain.profiles), "ingested fields of gone profiles"


def derived_state(backend: Any) -> dict[str, Any]:
    """What a backend derives from the state a dump holds (the search index, ranks,
    expiry, the object store's indexes, history numbering, calculated values, compiled
    definitions, tags), as comparable data: equal before a dump and after its load when
    loading rebuilds it as the write path built it."""
    domains = {}
    for name, domain in backend.domains.items():
        index = domain.index
        assert_holders_counted(domain)
        by_profile_and_type: dict[tuple[str, str], list[str]] = {}
        for profile_id in domain.objects.by_profile:
            for type_name, unique_key in domain.objects.keys_of(profile_id):
                by_profile_and_type.setdefault((profile_id, type_name), []).append(unique_key)
        calculated = {}
        for attribute_name, attribute in domain.calculated_attributes.items():
            entries = {
                (profile_id, unique_key): (entry.order[0], entry.value)
                for profile_id, tally in attribute.tallies.items()
                for unique_key, entry in tally.entries.items()
            }
            ranked = sorted(
                (entry.order, unique_key)
                for tally in attribute.tallies.values()
                for unique_key, entry in tally.entries.items()
            )
            calculated[attribute_name] = {
                "expression": attribute.expression,
                "homes": dict(attribute.homes),
                "entries": entries,
                "order": [unique_key for _, unique_key in ranked],
                "values": {pid: attribute.value_for(pid) for pid in sorted(domain.profiles)},
            }
        domains[name] = {
            "postings": index.postings(),
            "holdings": {pid: _named(index.holdings(pid)) for pid in sorted(index.profile_ids())},
            "content types": index.content_types(),
            "ranks": sorted(domain.profile_rank, key=domain.profile_rank.__getitem__),
            "expires": {pid: round(at, 6) for pid, at in domain.profile_expiry.expires.items()},
            "objects by type": {t: list(o) for t, o in domain.objects.by_type.items() if o},
            "objects by profile": by_profile_and_type,
            "object sizes": (len(domain.objects), domain.objects.total_size),
            "records by identity": {k: sorted(v) for k, v in domain.objects.by_identity.items()},
            "history": {pid: _history_numbers(domain.history, pid) for pid in domain.history.heads},
            "next history id": repr(domain.history_ids),
            "calculated": calculated,
            "filters": {n: f.expression for n, f in domain.recommendations.filters.items()},
            "upload jobs": {n: j.unique_field for n, j in domain.data_in.upload_jobs.items()},
        }
    return {"domains": domains, "tags": dict(backend.tags._tags)}


def _named(holdings: dict[Any, set[Any]]) -> dict[Any, set[Any]]:
    """A profile's holdings with each object source (compared by identity) named by its
    (type name, unique key), as another process's load of it gives it too."""
    return {
        posting: {s.key if isinstance(s, StoredObject) else s for s in sources}
        for posting, sources in holdings.items()
    }


def assert_holders_counted(domain: Any) -> None:
    """The key index's counts of each posting's object holders (kept, or read from the
    postings) are the holders its holdings name, and each posting a profile holds is
    posted for it, and no other."""
    index, postings = domain.index, domain.index.postings()
    posted = {(key, value, profile_id) for key, values in postings.items()
              for value, profile_ids in values.items() for profile_id in profile_ids}  # fmt: skip
    held = set()
    for profile_id in index.profile_ids():
        for posting, held_by in index.holdings(profile_id).items():
            objects = sum(1 for source in held_by if not isinstance(source, str))
            counted = index._objects_holding(profile_id, posting)
            assert counted == objects, (
                f"{profile_id} {posting}: {counted} counted, {objects} hold it"
            )
            held.add((*posting, profile_id))
        for posting, count in index._counts.get(profile_id, {}).items():
            assert count > 0 and (*posting, profile_id) in held, f"{profile_id} {posting}: {count}"
    assert held == posted, f"held but not posted: {held - posted}; posted: {posted - held}"


def identities_of_records(domain: Any) -> dict[tuple[str, str, str, str], list[str]]:
    """What the object store's index of standard records by identifying key value should
    hold, computed from the records themselves (a scan): the records of the types named
    with a leading ``_``, as every standard object's is."""
    found: dict[tuple[str, str, str, str], set[str]] = {}
    for type_name, by_key in domain.objects.by_type.items():
        for stored in by_key.values() if type_name.startswith("_") else ():
            for key_name, value in stored.postings():
                if key_name.startswith(IDENTITY_PREFIX):
                    identity = (stored.profile_id, stored.type_name, key_name, value)
                    found.setdefault(identity, set()).add(stored.unique_key)
    return {identity: sorted(keys) for identity, keys in found.items()}


def _history_numbers(history: Any, profile_id: str) -> list[tuple[int, Any]]:
    return [(record.number, record.content) for record in history.records(profile_id)]
