"""MergeProfiles, as the seed (the SDK reference of MergeProfiles) describes it:

- all the keys and all the objects of the profiles to be merged move to the main profile;
- the profiles to be merged are deleted at the end; merges cannot be undone;
- standard fields are unioned when they do not conflict; on conflict the main profile's
  value is taken, unless FieldSourceProfileIds names a profile for that field, whose value
  is taken even when it is empty (the field is then removed).

A field the main profile lacks takes the first value among the merged profiles, in the
order of ProfileIdsToBeMerged. Addresses merge as whole fields; Attributes key by key.
Each field keeps the origin (manual or ingested) it had on the profile its value came from
(models/profiles/provenance.py).
"""

from __future__ import annotations

from typing import Any

from ...exceptions import BadRequestException
from ..admin.domains import Domain
from ..backend_state import BackendState, Change
from ..core import journal
from ..core.base import copy_plain
from ..core.changes import DELETED_BY_MERGE, MERGED
from ..core.operations import operation
from ..engines.search_keys import standard_postings
from ..profiles.profiles import (
    PROFILE_FIELDS,
    profile_state,
    reindex_profile,
)
from ..profiles.provenance import merged_record

_MISSING = object()


def merged_fields(
    main: dict[str, Any], others: list[dict[str, Any]], sources: dict[str, Any]
) -> dict[str, Any]:
    """The main profile's fields after the merge (ProfileId kept)."""
    by_id = {p["ProfileId"]: p for p in [main, *others]}
    result = {"ProfileId": main["ProfileId"]}
    for field in PROFILE_FIELDS:
        if field == "Attributes":
            continue
        source = sources.get(field)
        if source is not None:
            value = by_id[source].get(field, _MISSING)
        else:
            value = next(
                (p[field] for p in [main, *others] if p.get(field) not in (None, "", {})),
                _MISSING,
            )
        if value is not _MISSING:
            result[field] = copy_plain(value)
    attributes: dict[str, str] = {}
    for profile in reversed([main, *others]):  # earlier profiles (the main one last) win
        attributes.update(profile.get("Attributes") or {})
    for key, source in (sources.get("Attributes") or {}).items():
        chosen = (by_id[source].get("Attributes") or {}).get(key)
        if chosen is None:
            attributes.pop(key, None)
        else:
            attributes[key] = chosen
    if attributes:
        result["Attributes"] = attributes
    return result


def merge(
    backend: BackendState, domain: Domain, main: dict[str, Any], others: list[dict[str, Any]],
    sources: dict[str, Any],
) -> None:  # fmt: skip
    """Merge ``others`` into ``main`` (MergeProfiles, and matching's auto-merge), telling
    the change feed of each profile merged away, then of the merge."""
    fields = merged_fields(main, others, sources)
    record = merged_record(
        fields, [(p, domain.ingested.get(p["ProfileId"], {})) for p in [main, *others]]
    )
    merged_away = tuple(copy_plain(other) for other in others)
    given_before = standard_postings(main)  # (the index derives them from the fields)
    journal.keep_whole(main)
    main.clear()
    main.update(fields)
    # (at once: the key index reads a profile's standard keys from its fields, and the
    # merged profiles' keys move to it next)
    reindex_profile(domain, main, given_before)
    for other in others:
        backend.publish(
            Change(DELETED_BY_MERGE, domain, other["ProfileId"], merged_into=main["ProfileId"])
        )
    journal.keep_item(domain.ingested, main["ProfileId"])
    if record:
        domain.ingested[main["ProfileId"]] = record
    else:
        domain.ingested.pop(main["ProfileId"], None)
    backend.publish(Change(MERGED, domain, main["ProfileId"], merged_profiles=merged_away))


class MergeOperations(BackendState):
    @operation("MergeProfiles")
    def merge_profiles(
        self,
        domain_name: str,
        main_profile_id: str,
        profile_ids_to_be_merged: list[str],
        field_source_profile_ids: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        main = profile_state(domain, main_profile_id)
        if main_profile_id in profile_ids_to_be_merged:
            raise BadRequestException("ProfileIdsToBeMerged: cannot merge a profile into itself")
        others = [profile_state(domain, pid) for pid in dict.fromkeys(profile_ids_to_be_merged)]
        sources = dict(field_source_profile_ids or {})
        allowed = {main_profile_id, *profile_ids_to_be_merged}
        named = [v for k, v in sources.items() if k != "Attributes"]
        named += list((sources.get("Attributes") or {}).values())
        for profile_id in named:
            if profile_id not in allowed:
                raise BadRequestException(
                    f"FieldSourceProfileIds: {profile_id} is neither the main profile "
                    "nor a profile to be merged"
                )
        merge(self, domain, main, others, sources)
        return {"Message": f"Merged {len(others)} profiles into {main_profile_id}"}
