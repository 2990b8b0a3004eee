"""The key index: (key name, value) -> profile ids, kept current on every write.

Every searchable key a profile holds comes from a *source*: its standard fields, an
AddProfileKey call, or a profile object. A posting stays while any source holds it, so
deleting an object (or re-deriving standard keys after an update) removes only what that
source contributed. Lookups never scan profiles.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

STANDARD_SOURCE = "standard"
ADDED_SOURCE = "added"

PHONE_FIELDS = ("PhoneNumber", "MobilePhoneNumber", "HomePhoneNumber", "BusinessPhoneNumber")
EMAIL_FIELDS = ("EmailAddress", "PersonalEmailAddress", "BusinessEmailAddress")
NAME_FIELDS = ("FirstName", "MiddleName", "LastName")


def full_name(profile: Mapping[str, Any]) -> str:
    """``_fullName`` is "FirstName MiddleName LastName", skipping the parts that are unset."""
    return " ".join(str(profile[f]) for f in NAME_FIELDS if profile.get(f))


def standard_keys(profile: Mapping[str, Any]) -> dict[str, set[str]]:
    """The standard search keys of a profile (API_SearchProfiles, KeyName)."""
    keys: dict[str, set[str]] = {"_profileId": {profile["ProfileId"]}}
    if profile.get("AccountNumber"):
        keys["_account"] = {profile["AccountNumber"]}
    phones = {profile[f] for f in PHONE_FIELDS if profile.get(f)}
    if phones:
        keys["_phone"] = phones
    emails = {profile[f] for f in EMAIL_FIELDS if profile.get(f)}
    if emails:
        keys["_email"] = emails
    name = full_name(profile)
    if name:
        keys["_fullName"] = {name}
    return keys


class KeyIndex:
    def __init__(self) -> None:
        self._postings: defaultdict[str, defaultdict[str, set[str]]] = defaultdict(
            lambda: defaultdict(set)
        )
        # profile id -> (key name, value) -> sources holding that posting
        self._held: dict[str, dict[tuple[str, str], set[str]]] = {}

    def add(self, profile_id: str, key_name: str, values: Iterable[str], source: str) -> None:
        held = self._held.setdefault(profile_id, {})
        for value in values:
            held.setdefault((key_name, value), set()).add(source)
            self._postings[key_name][value].add(profile_id)

    def replace_source(
        self, profile_id: str, source: str, keys: Mapping[str, Iterable[str]]
    ) -> None:
        """Make ``keys`` exactly what ``source`` contributes to the profile."""
        self.remove_source(profile_id, source)
        for key_name, values in keys.items():
            self.add(profile_id, key_name, values, source)

    def remove_source(self, profile_id: str, source: str) -> None:
        held = self._held.get(profile_id, {})
        for posting in [p for p, sources in held.items() if source in sources]:
            held[posting].discard(source)
            if not held[posting]:
                self._drop(profile_id, posting)

    def discard(self, profile_id: str, key_name: str, values: Iterable[str]) -> None:
        """Remove postings whatever source holds them (DeleteProfileKey)."""
        held = self._held.get(profile_id, {})
        for value in values:
            if (key_name, value) in held:
                self._drop(profile_id, (key_name, value))

    def remove_profile(self, profile_id: str) -> None:
        for posting in list(self._held.get(profile_id, {})):
            self._drop(profile_id, posting)
        self._held.pop(profile_id, None)

    def move_profile(self, from_id: str, to_id: str) -> None:
        """Give every posting of ``from_id`` to ``to_id`` (MergeProfiles: "All the
        profileKeys ... will be moved to the main profile"). Keys that came from the merged
        profile's standard fields stay searchable as keys of their own: the main profile's
        standard keys follow its (merged) fields."""
        for (key_name, value), sources in list(self._held.get(from_id, {}).items()):
            for source in sources:
                moved = f"merged:{from_id}" if source == STANDARD_SOURCE else source
                self.add(to_id, key_name, [value], moved)
        self.remove_profile(from_id)

    def find(self, key_name: str, values: Iterable[str]) -> set[str]:
        postings = self._postings.get(key_name)
        if not postings:
            return set()
        found: set[str] = set()
        for value in values:
            found |= postings.get(value, set())
        return found

    def matched_values(self, profile_id: str, key_name: str, values: Iterable[str]) -> list[str]:
        held = self._held.get(profile_id, {})
        return [value for value in values if (key_name, value) in held]

    def keys_of(self, profile_id: str) -> dict[str, set[str]]:
        keys: dict[str, set[str]] = {}
        for key_name, value in self._held.get(profile_id, {}):
            keys.setdefault(key_name, set()).add(value)
        return keys

    def postings(self) -> dict[str, dict[str, set[str]]]:
        """A copy of the whole index, for consistency checks."""
        return {
            key: {value: set(ids) for value, ids in values.items() if ids}
            for key, values in self._postings.items()
            if any(values.values())
        }

    def _drop(self, profile_id: str, posting: tuple[str, str]) -> None:
        self._held.get(profile_id, {}).pop(posting, None)
        key_name, value = posting
        values = self._postings.get(key_name)
        if values is None:
            return
        ids = values.get(value)
        if ids is not None:
            ids.discard(profile_id)
            if not ids:
                del values[value]
        if not values:
            del self._postings[key_name]
