"""What a profile is searchable by, and in what form: the standard search keys its fields
give (API_SearchProfiles, KeyName), and the searchable form of a value of each content
type (admin guide, "Object type mapping definition details": with PHONE_NUMBER "the
string "+15551234567" matches "(555)-123-4567""). Pure functions: the key index
(models/engines/search.py) keeps the postings."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

STANDARD_SOURCE = "standard"
# Every profile is found by its own id: that posting is not kept in the postings (one
# entry a profile in the largest dict of the index) but read from what the profile holds.
PROFILE_ID_KEY = "_profileId"
ADDED_SOURCE = "added"

PHONE_FIELDS = ("PhoneNumber", "MobilePhoneNumber", "HomePhoneNumber", "BusinessPhoneNumber")
EMAIL_FIELDS = ("EmailAddress", "PersonalEmailAddress", "BusinessEmailAddress")
NAME_FIELDS = ("FirstName", "MiddleName", "LastName")


PHONE_NUMBER = "PHONE_NUMBER"
EMAIL_ADDRESS = "EMAIL_ADDRESS"
# The standard keys index the standard profile's phone and e-mail fields, values of those
# content types, whichever object type's key of that name a value comes from.
STANDARD_CONTENT_TYPES = {"_phone": PHONE_NUMBER, "_email": EMAIL_ADDRESS}
_NOT_DIGIT = re.compile(r"\D")


def searchable(value: str, content_type: str | None) -> str:
    """The form in which a value of ``content_type`` is indexed and looked up.

    PHONE_NUMBER: its digits, without a leading North American country code 1 when that
    leaves ten (the documented "+15551234567" ~ "(555)-123-4567"); a value without digits
    as given, trimmed. EMAIL_ADDRESS: trimmed and lower-cased. Any other type: as given.
    """
    if content_type == PHONE_NUMBER:
        # (a number written "+15550100" is its digits after the plus: no pattern needed;
        # isdecimal is what the pattern's \d matches)
        tail = value[1:]
        if value[:1] == "+" and tail.isdecimal():
            digits = tail
        else:
            digits = _NOT_DIGIT.sub("", value)
        if len(digits) == 11 and digits[0] == "1":
            return digits[1:]
        return digits or value.strip()
    if content_type == EMAIL_ADDRESS:
        lowered = value.strip().lower()
        return value if lowered == value else lowered  # the index shares unchanged strings
    return value


def full_name(profile: Mapping[str, Any]) -> str:
    """``_fullName`` is "FirstName MiddleName LastName", skipping the parts that are unset."""
    get = profile.get
    return " ".join(
        [str(part) for part in (get("FirstName"), get("MiddleName"), get("LastName")) if part]
    )


Posting = tuple[str, str]  # (key name, value)


# The key each field that gives a standard key gives (the names give one between them)
_STANDARD_KEY_OF: dict[str, str] = {
    "AccountNumber": "_account",
    **dict.fromkeys(PHONE_FIELDS, "_phone"),
    **dict.fromkeys(EMAIL_FIELDS, "_email"),
    **dict.fromkeys(NAME_FIELDS, "_fullName"),
}
# The key names a profile's standard keys are under
STANDARD_KEY_NAMES = frozenset({PROFILE_ID_KEY, *_STANDARD_KEY_OF.values()})


def standard_postings(profile: Mapping[str, Any]) -> set[Posting]:
    """The standard search keys of a profile (API_SearchProfiles, KeyName), as postings."""
    return set(standard_pairs(profile))


def standard_pairs(profile: Mapping[str, Any]) -> list[Posting]:
    """``standard_postings``, as a list (a value two fields give is in it twice)."""
    # (the profile's fields are visited, not every field that may give a key, and loops
    # are written out: every profile written comes this way)
    pairs = [(PROFILE_ID_KEY, profile["ProfileId"])]
    named = False
    key_of = _STANDARD_KEY_OF.get
    for field, value in profile.items():
        key_name = key_of(field)
        if key_name is None or not value:
            continue
        if key_name == "_phone":
            pairs.append((key_name, searchable(value, PHONE_NUMBER)))
        elif key_name == "_email":
            pairs.append((key_name, searchable(value, EMAIL_ADDRESS)))
        elif key_name == "_account":
            pairs.append((key_name, value))
        else:
            named = True
    if named:  # (``full_name``, written out)
        get = profile.get
        parts = [
            str(part) for part in (get("FirstName"), get("MiddleName"), get("LastName")) if part
        ]
        pairs.append(("_fullName", " ".join(parts)))
    return pairs
