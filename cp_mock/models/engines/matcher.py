"""The deterministic matching engine behind identity resolution (pure functions).

Which attributes are compared, and how they are normalised, follows GetMatches in the
API reference (the seed): PhoneNumber, HomePhoneNumber, BusinessPhoneNumber,
MobilePhoneNumber, EmailAddress, PersonalEmailAddress, BusinessEmailAddress, FullName,
BusinessName, with its examples matching:

- phones by their digits, a leading North American country code 1 dropped
  (``555-010-0000`` ~ ``+1-555-010-0000``);
- e-mail addresses case-insensitively, ignoring ``.``, ``_``, ``-`` and ``+tag`` in the
  local part (``JOHN_DOE@ANYCOMPANY.COM`` ~ ``johndoe@anycompany.com``);
- full names ("FirstName MiddleName LastName") by similarity: one minus the edit distance
  over the longer length, so ``John Doe`` ~ ``Jhn Doe`` scores 0.875;
- business names case- and punctuation-insensitively.

The ConfidenceScore of a pair combines the evidence as independent signals,
``1 - (1 - 0.8·phone)(1 - 0.8·email)(1 - 0.6·name)(1 - 0.6·business)``, where phone,
email and business are 1 when they match and 0 otherwise and name is the name similarity
when it is at least 0.8 (else 0). Pairs scoring at least 0.5 match; matching pairs are
joined into groups, each group's score being the lowest of its pairs' scores.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from itertools import combinations
from typing import Any

from .search_keys import EMAIL_FIELDS, PHONE_FIELDS, full_name

MATCH_THRESHOLD = 0.5
NAME_SIMILARITY_FLOOR = 0.8
WEIGHTS = {"phone": 0.8, "email": 0.8, "name": 0.6, "business": 0.6}


def normal_phone(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return digits[1:] if len(digits) == 11 and digits.startswith("1") else digits


def normal_email(value: str) -> str:
    local, _, domain = value.strip().lower().partition("@")
    local = re.sub(r"[._-]", "", local.split("+", 1)[0])
    return f"{local}@{domain}"


def normal_text(value: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", value.lower()).split())


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]


def name_similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    return 1 - edit_distance(a, b) / max(len(a), len(b))


def signals(profile: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "phones": {normal_phone(profile[f]) for f in PHONE_FIELDS if profile.get(f)} - {""},
        "emails": {normal_email(profile[f]) for f in EMAIL_FIELDS if profile.get(f)},
        "name": normal_text(full_name(profile)),
        "business": normal_text(profile.get("BusinessName") or ""),
    }


def pair_score(a: Mapping[str, Any], b: Mapping[str, Any]) -> float:
    name = name_similarity(a["name"], b["name"])
    evidence = {
        "phone": 1.0 if a["phones"] & b["phones"] else 0.0,
        "email": 1.0 if a["emails"] & b["emails"] else 0.0,
        "name": name if name >= NAME_SIMILARITY_FLOOR else 0.0,
        "business": 1.0 if a["business"] and a["business"] == b["business"] else 0.0,
    }
    remaining = 1.0
    for kind, strength in evidence.items():
        remaining *= 1 - WEIGHTS[kind] * strength
    return round(1 - remaining, 6)


def _blocks(profile_id: str, signal: Mapping[str, Any]) -> Iterable[str]:
    """Keys two profiles must share to be compared at all, so matching is not n²."""
    yield from (f"p:{phone}" for phone in signal["phones"])
    yield from (f"e:{email}" for email in signal["emails"])
    if signal["business"]:
        yield f"b:{signal['business']}"
    words = signal["name"].split()
    if words:
        yield f"n:{words[-1]}"  # same last name
        yield f"f:{words[0][:1]}:{len(signal['name']) // 3}"  # same initial, similar length


def find_matches(profiles: Mapping[str, Mapping[str, Any]]) -> list[tuple[list[str], float]]:
    """Groups of two or more profile ids that match, with their ConfidenceScore."""
    prepared = {pid: signals(p) for pid, p in profiles.items()}
    blocks: defaultdict[str, list[str]] = defaultdict(list)
    for profile_id, signal in prepared.items():
        for block in _blocks(profile_id, signal):
            blocks[block].append(profile_id)
    scores: dict[tuple[str, str], float] = {}
    for members in blocks.values():
        for a, b in combinations(sorted(set(members)), 2):
            if (a, b) not in scores:
                scores[(a, b)] = pair_score(prepared[a], prepared[b])
    parent = {pid: pid for pid in profiles}

    def root(pid: str) -> str:
        while parent[pid] != pid:
            parent[pid] = parent[parent[pid]]
            pid = parent[pid]
        return pid

    for (a, b), score in scores.items():
        if score >= MATCH_THRESHOLD:
            parent[root(a)] = root(b)
    groups: defaultdict[str, list[str]] = defaultdict(list)
    for pid in profiles:
        groups[root(pid)].append(pid)
    found = []
    for members in groups.values():
        if len(members) < 2:
            continue
        pair_scores = [s for (a, b), s in scores.items()
                       if a in members and b in members and s >= MATCH_THRESHOLD]  # fmt: skip
        found.append((members, min(pair_scores)))
    return found


# -- rule-based matching ------------------------------------------------------------------
TYPE_FIELDS = {
    "PhoneNumber": PHONE_FIELDS,
    "EmailAddress": EMAIL_FIELDS,
    "Address": ("Address", "ShippingAddress", "MailingAddress", "BillingAddress"),
}


def rule_values(
    profile: Mapping[str, Any], attribute: str, selector: Mapping[str, Any]
) -> set[str]:
    """The normalised values a rule attribute takes on a profile (AttributeTypesSelector
    chooses which phone, e-mail and address fields stand for PhoneNumber, EmailAddress and
    Address)."""
    if attribute in TYPE_FIELDS:
        fields = selector.get(attribute) or TYPE_FIELDS[attribute]
        values = set()
        for field in fields:
            value = profile.get(field)
            if isinstance(value, dict):
                value = " ".join(str(value[k]) for k in sorted(value))
            if value:
                values.add(normal_text(str(value)))
        return values
    field, _, member = attribute.partition(".")
    value = profile.get(field)
    if member:
        value = value.get(member) if isinstance(value, dict) else None
    return {normal_text(str(value))} if value else set()


def rule_groups(
    profiles: Mapping[str, Mapping[str, Any]], rules: list[list[str]], selector: Mapping[str, Any]
) -> list[tuple[list[str], int]]:
    """Groups of profiles matching by the rules (a profile in the group of its lowest
    rule level), with that level; within a rule, every attribute must share a value."""
    grouped: set[str] = set()
    found = []
    one_to_one = selector.get("AttributeMatchingModel") == "ONE_TO_ONE"
    for level, rule in enumerate(rules, 1):
        buckets: defaultdict[tuple[str, ...], list[str]] = defaultdict(list)
        for profile_id, profile in profiles.items():
            if profile_id in grouped:
                continue
            per_attribute = [sorted(rule_values(profile, a, selector)) for a in rule]
            if not all(per_attribute):
                continue
            if one_to_one:
                buckets[tuple(values[0] for values in per_attribute)].append(profile_id)
            else:
                for combination in _product(per_attribute):
                    buckets[combination].append(profile_id)
        for members in buckets.values():
            fresh = [m for m in dict.fromkeys(members) if m not in grouped]
            if len(fresh) >= 2:
                grouped.update(fresh)
                found.append((fresh, level))
    return found


def _product(lists: list[list[str]]) -> Iterable[tuple[str, ...]]:
    if not lists:
        yield ()
        return
    for head in lists[0]:
        for tail in _product(lists[1:]):
            yield (head, *tail)
