"""Standard profiles, their searchable keys, and SearchProfiles.

UpdateProfile follows API_UpdateProfile: an empty string removes a value, an omitted
value is kept; Address sub-fields and Attributes follow the same rule member by member.
"""

from __future__ import annotations

import itertools
from functools import cache
from typing import Any

from botocore import xform_name

from ...compat.moto import mock_random
from ...exceptions import ResourceNotFoundException
from ..admin.domains import Domain
from ..backend_state import BackendState, Change
from ..core import journal
from ..core.arguments import by_member, takes_members
from ..core.base import copy_plain
from ..core.changes import (
    ADDED_PROFILE_KEY,
    CREATED,
    DELETED_BY_CUSTOMER,
    DELETED_PROFILE_KEY,
    REMOVALS,
    UPDATED,
    hears,
)
from ..core.operations import operation
from ..engines.search_keys import (
    ADDED_SOURCE,
    EMAIL_FIELDS,
    NAME_FIELDS,
    PHONE_FIELDS,
    Posting,
    standard_postings,
)
from ..objects.mapping import declared_content_type
from .provenance import release

PROFILE_FIELDS = (
    "AccountNumber", "AdditionalInformation", "PartyType", "BusinessName", "FirstName",
    "MiddleName", "LastName", "BirthDate", "Gender", "PhoneNumber", "MobilePhoneNumber",
    "HomePhoneNumber", "BusinessPhoneNumber", "EmailAddress", "PersonalEmailAddress",
    "BusinessEmailAddress", "Address", "ShippingAddress", "MailingAddress", "BillingAddress",
    "Attributes", "PartyTypeString", "GenderString", "ProfileType", "EngagementPreferences",
)  # fmt: skip
ADDRESS_FIELDS = ("Address", "ShippingAddress", "MailingAddress", "BillingAddress")


@cache
def _field_for_argument() -> dict[str, str]:
    return {xform_name(field): field for field in PROFILE_FIELDS}


def _profile_fields(arguments: dict[str, Any]) -> dict[str, Any]:
    """``by_member(arguments, PROFILE_FIELDS, strict=True)``, without its general work
    when every argument names a field (every profile written comes this way)."""
    field_for = _field_for_argument()
    if not field_for.keys() >= arguments.keys():
        return by_member(arguments, PROFILE_FIELDS, strict=True)  # (which names the stranger)
    return {field_for[name]: value for name, value in arguments.items() if value is not None}


def _drop_empty(mapping: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if v not in ("", None, {}, [])}


# The fields a profile's standard keys are made of (``standard_postings``)
STANDARD_KEY_FIELDS = frozenset(("AccountNumber", *PHONE_FIELDS, *EMAIL_FIELDS, *NAME_FIELDS))


def apply_update(profile: dict[str, Any], changes: dict[str, Any], noted: bool = True) -> None:
    """Apply UpdateProfile's rules for ``changes`` to ``profile`` in place (``noted``: in
    the call's journal; a profile not yet stored needs no note). A stored profile's
    standard keys must then follow its fields: ``update_stored_profile`` does both."""
    if noted:
        journal.keep_whole(profile)  # (its nested fields are replaced, never changed)
    for field, value in changes.items():
        if field in ADDRESS_FIELDS or field == "Attributes":
            merged = _drop_empty({**profile.get(field, {}), **value})
            if merged:
                profile[field] = merged
            else:
                profile.pop(field, None)
        elif value == "":
            profile.pop(field, None)
        else:
            profile[field] = value


def update_stored_profile(domain: Domain, profile: dict[str, Any], changes: dict[str, Any]) -> None:
    """``apply_update`` on a stored profile, and its standard keys follow its fields (the
    index keeps no copy of them: it is told those the fields gave before they changed)."""
    given_before = None
    if not STANDARD_KEY_FIELDS.isdisjoint(changes):
        given_before = standard_postings(profile)
    apply_update(profile, changes)
    reindex_profile(domain, profile, given_before)


def _unstore(domain: Domain, profile_id: str, rank: int) -> None:
    """Undo ``store_new_profile``."""
    domain.profiles.pop(profile_id, None)
    domain.profile_rank.pop(profile_id, None)
    domain._ranks = itertools.count(rank)


def _in_rank_order(domain: Domain) -> None:
    """The profiles in the order they were made (a profile put back by an undone call
    goes back to its place: the order is what "oldest first" reads)."""
    rank = domain.profile_rank
    profiles = sorted(domain.profiles.items(), key=lambda item: rank[item[0]])
    domain.profiles.clear()
    domain.profiles.update(profiles)
    ranks = sorted(rank.items(), key=lambda item: item[1])
    rank.clear()
    rank.update(ranks)


# -- shared by every area that writes profiles ---------------------------------------
def profile_state(domain: Domain, profile_id: str) -> dict[str, Any]:
    profile = domain.profiles.get(profile_id)
    if profile is None:
        raise ResourceNotFoundException(f"Profile {profile_id} does not exist")
    return profile


def store_new_profile(domain: Domain, fields: dict[str, Any]) -> dict[str, Any]:
    profile_id = new_profile_id()
    profile = {"ProfileId": profile_id}
    apply_update(profile, fields, noted=False)
    rank = domain.next_rank()
    opened = journal.current.journal  # (noted in place: every new profile comes this way)
    if opened is not None:
        opened.steps.append((_unstore, domain, profile_id, rank))
    domain.profiles[profile_id] = profile
    domain.profile_rank[profile_id] = rank
    domain.index.index_new_profile(profile_id)
    return profile


def reindex_profile(
    domain: Domain, profile: dict[str, Any], given_before: set[Posting] | None = None
) -> None:
    """After a stored profile's fields changed in place: its standard keys follow them.
    ``given_before``: those its fields gave before the change (None: the fields that give
    standard keys did not change)."""
    domain.index.rederive_standard(profile["ProfileId"], given_before)


def new_profile_id() -> str:
    # 32 lowercase hex digits, as the model's pattern says; moto's random, so a test
    # that seeds moto (mock_random.seed) gets the same ids every run
    return f"{mock_random.getrandbits(128):032x}"


class ProfileOperations(BackendState):
    @hears(*REMOVALS)
    def drop_removed_profile(self, change: Change) -> None:
        """Subscriber, last: a removed profile goes, with its keys (a merged-away one's
        keys move to the profile it was merged into)."""
        if not change.removes_profile:
            return
        domain, profile_id = change.domain, change.profile_id
        if change.merged_into is not None:
            domain.index.move_profile(profile_id, change.merged_into)
        else:
            domain.index.remove_profile(profile_id)
        journal.undo_with(_in_rank_order, domain)  # (once the profile is put back)
        for by_profile in (domain.profiles, domain.profile_rank, domain.ingested):
            journal.keep_item(by_profile, profile_id)
            by_profile.pop(profile_id, None)

    # -- operations --------------------------------------------------------------------
    @operation("CreateProfile")
    @takes_members(*PROFILE_FIELDS)
    def create_profile(self, domain_name: str, **fields: Any) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        profile = store_new_profile(domain, _profile_fields(fields))
        self.publish(Change(CREATED, domain, profile["ProfileId"]))
        return {"ProfileId": profile["ProfileId"]}

    @operation("UpdateProfile")
    @takes_members(*PROFILE_FIELDS)
    def update_profile(self, domain_name: str, profile_id: str, **fields: Any) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        profile = profile_state(domain, profile_id)
        changes = _profile_fields(fields)
        update_stored_profile(domain, profile, changes)
        if profile_id in domain.ingested:
            release(domain.ingested[profile_id], changes)  # set through the API: manual now
        self.publish(Change(UPDATED, domain, profile_id))
        return {"ProfileId": profile_id}

    @operation("DeleteProfile")
    def delete_profile(self, domain_name: str, profile_id: str) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        profile_state(domain, profile_id)
        self.publish(Change(DELETED_BY_CUSTOMER, domain, profile_id))
        return {"Message": f"Profile {profile_id} deleted"}

    @operation("BatchGetProfile")
    def batch_get_profile(self, domain_name: str, profile_ids: list[str]) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        profiles, errors = [], []
        for profile_id in profile_ids:
            profile = domain.profiles.get(profile_id)
            if profile is None:
                errors.append(
                    {
                        "Code": "ResourceNotFoundException",
                        "Message": f"Profile {profile_id} does not exist",
                        "ProfileId": profile_id,
                    }
                )
            else:
                profiles.append(copy_plain(profile))
        return {"Profiles": profiles, "Errors": errors}

    @operation("AddProfileKey")
    def add_profile_key(
        self, domain_name: str, profile_id: str, key_name: str, values: list[str]
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        profile_state(domain, profile_id)
        content_type = declared_content_type(key_name, domain.object_types.values())
        domain.index.add(profile_id, key_name, values, ADDED_SOURCE, content_type)
        self.publish(Change(ADDED_PROFILE_KEY, domain, profile_id))
        return {"KeyName": key_name, "Values": values}

    @operation("DeleteProfileKey")
    def delete_profile_key(
        self, domain_name: str, profile_id: str, key_name: str, values: list[str]
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        profile_state(domain, profile_id)
        domain.index.discard(profile_id, key_name, values)
        self.publish(Change(DELETED_PROFILE_KEY, domain, profile_id))
        return {"Message": f"Key {key_name} removed from profile {profile_id}"}

    @operation("SearchProfiles")
    def search_profiles(
        self,
        domain_name: str,
        key_name: str,
        values: list[str],
        additional_search_keys: list[dict[str, Any]] | None = None,
        logical_operator: str | None = None,
    ) -> dict[str, Any]:
        """Look the keys up in the index (API_SearchProfiles).

        FoundByItems is filled when AdditionalSearchKeys is given, as Profile.FoundByItems
        describes: with AND every requested pair, with OR the pairs each profile matched.
        """
        domain = self.get_domain_state(domain_name)
        search_keys = [{"KeyName": key_name, "Values": values}, *(additional_search_keys or [])]
        matches = [domain.index.find(k["KeyName"], k["Values"]) for k in search_keys]
        if logical_operator == "AND":
            found = set.intersection(*matches)
        else:
            found = set.union(*matches)
        items = []
        for profile_id in sorted(found, key=domain.profile_rank.__getitem__):
            item = copy_plain(domain.profiles[profile_id])
            if additional_search_keys:
                item["FoundByItems"] = self._found_by(
                    domain, profile_id, search_keys, logical_operator
                )
            items.append(item)
        return {"Items": items}

    @staticmethod
    def _found_by(
        domain: Domain, profile_id: str, search_keys: list[dict[str, Any]], operator: str | None
    ) -> list[dict[str, Any]]:
        if operator == "AND":
            return [{"KeyName": k["KeyName"], "Values": list(k["Values"])} for k in search_keys]
        found_by = []
        for key in search_keys:
            matched = domain.index.matched_values(profile_id, key["KeyName"], key["Values"])
            if matched:
                found_by.append({"KeyName": key["KeyName"], "Values": matched})
        return found_by
