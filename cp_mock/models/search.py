"""The key index: (key name, value) -> profile ids, kept current on every write.

Every searchable key a profile holds comes from a *source*: its standard fields, an
AddProfileKey call, or a profile object. A posting stays while any source holds it, so
deleting an object (or re-deriving standard keys after an update) removes only what that
source contributed. Lookups never scan profiles.
"""

from __future__ import annotations

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


# A posting's profiles, and a holding's sources, are nearly always one: such a member is
# kept as the string itself, a set only once there are more (a set costs ~200 bytes).
Members = str | set[str]


def _with(members: Members | None, item: str) -> Members:
    if members is None or members == item:
        return item
    if isinstance(members, str):
        return {members, item}
    members.add(item)
    return members


def _without(members: Members, item: str) -> Members | None:
    if isinstance(members, str):
        return None if members == item else members
    members.discard(item)
    if len(members) == 1:
        return next(iter(members))
    return members or None


def _each(members: Members) -> tuple[str, ...]:
    return (members,) if isinstance(members, str) else tuple(members)


class KeyIndex:
    def __init__(self) -> None:
        # key name -> value -> profile id(s)
        self._postings: dict[str, dict[str, Members]] = {}
        # profile id -> (key name, value) -> source(s) holding that posting
        self._held: dict[str, dict[tuple[str, str], Members]] = {}

    def add(self, profile_id: str, key_name: str, values: Iterable[str], source: str) -> None:
        held = self._held.setdefault(profile_id, {})
        postings = self._postings.setdefault(key_name, {})
        for value in values:
            posting = (key_name, value)
            held[posting] = _with(held.get(posting), source)
            postings[value] = _with(postings.get(value), profile_id)

    def replace_source(
        self, profile_id: str, source: str, keys: Mapping[str, Iterable[str]]
    ) -> None:
        """Make ``keys`` exactly what ``source`` contributes to the profile."""
        self.remove_source(profile_id, source)
        for key_name, values in keys.items():
            self.add(profile_id, key_name, values, source)

    def remove_source(self, profile_id: str, source: str) -> None:
        held = self._held.get(profile_id, {})
        for posting, sources in list(held.items()):
            if source not in _each(sources):
                continue
            remaining = _without(sources, source)
            if remaining is None:
                self._drop(profile_id, posting)
            else:
                held[posting] = remaining

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
            for source in _each(sources):
                moved = f"merged:{from_id}" if source == STANDARD_SOURCE else source
                self.add(to_id, key_name, [value], moved)
        self.remove_profile(from_id)

    def find(self, key_name: str, values: Iterable[str]) -> set[str]:
        postings = self._postings.get(key_name)
        if not postings:
            return set()
        found: set[str] = set()
        for value in values:
            members = postings.get(value)
            if members is not None:
                found.update(_each(members))
        return found

    def matched_values(self, profile_id: str, key_name: str, values: Iterable[str]) -> list[str]:
        held = self._held.get(profile_id, {})
        return [value for value in values if (key_name, value) in held]

    def keys_of(self, profile_id: str) -> dict[str, set[str]]:
        keys: dict[str, set[str]] = {}
        for key_name, value in self._held.get(profile_id, {}):
            keys.setdefault(key_name, set()).add(value)
        return keys

    def holdings(self, profile_id: str) -> dict[tuple[str, str], set[str]]:
        """(key name, value) -> the sources holding it, for one profile."""
        return {p: set(_each(s)) for p, s in self._held.get(profile_id, {}).items()}

    def profile_ids(self) -> list[str]:
        return list(self._held)

    def postings(self) -> dict[str, dict[str, set[str]]]:
        """A copy of the whole index, for consistency checks."""
        return {
            key: {value: set(_each(ids)) for value, ids in values.items()}
            for key, values in self._postings.items()
            if values
        }

    def _drop(self, profile_id: str, posting: tuple[str, str]) -> None:
        self._held.get(profile_id, {}).pop(posting, None)
        key_name, value = posting
        values = self._postings.get(key_name)
        if values is None:
            return
        ids = values.get(value)
        if ids is not None:
            remaining = _without(ids, profile_id)
            if remaining is None:
                del values[value]
            else:
                values[value] = remaining
        if not values:
            del self._postings[key_name]
