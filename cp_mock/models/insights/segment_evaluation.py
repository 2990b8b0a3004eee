"""Who is in a segment, worked out from the current profiles whenever asked (never cached):
"Segments are recalculated on demand ... As a result, the size and membership of each
segment changes over time" (admin guide, "Build customer segments in Amazon Connect").

Plain functions, for the areas that ask: segment operations (estimates, membership, snapshots),
segment subscriptions (LIVE and SCHEDULE events) and event triggers (SegmentFilter).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

from ...exceptions import BadRequestException, ResourceNotFoundException
from ..admin.domains import Domain
from ..core.backend_lock import BackendLock
from ..core.base import copy_plain
from ..engines.segment_rules import Compiler, ProfileTest
from ..engines.segment_sql import SegmentRows, copy_profile, copy_profiles, run_segment_query
from .calculated_attributes import calculated_attribute_value
from .segment_state import SegmentDefinition

# How many profiles are copied for a query, or tested, between two chances for waiting
# callers to take the lock: a fraction of a millisecond's work.
_COPIED_BETWEEN_YIELDS = 100
_TESTED_BETWEEN_YIELDS = 100

Read = TypeVar("Read")


def calculated_values(domain: Domain) -> Any:
    """``calculated_attribute_value`` for ``domain``, a missing definition being the
    segment's problem (BadRequestException), not a missing resource of the request."""

    def value(profile_id: str, name: str, overrides: dict[str, Any] | None = None) -> Any:
        try:
            range_override = (overrides or {}).get("Range")
            return calculated_attribute_value(domain, profile_id, name, range_override)
        except ResourceNotFoundException as error:
            raise BadRequestException(f"CalculatedAttributes: {error.message}") from error

    return value


def segment_test(
    lock: BackendLock, domain: Domain, definition: SegmentDefinition, outside_lock: bool = False
) -> ProfileTest:
    """A test of one profile's membership, compiled for one evaluation. With
    ``outside_lock`` (an operation that has written nothing yet) the SQL queries it needs
    run now, without the backend's lock; otherwise each runs when first needed."""
    compiled: dict[str, ProfileTest] = {}
    calculated = calculated_values(domain)

    def test_of(name: str, visiting: tuple[str, ...]) -> ProfileTest:
        if name in visiting:
            cycle = " -> ".join((*visiting, name))
            raise BadRequestException(f"SourceSegments: a cycle of source segments ({cycle})")
        if name not in compiled:
            found = domain.segments.definitions.get(name)
            if found is None:
                raise BadRequestException(
                    f"SourceSegments: segment definition {name} does not exist"
                )
            compiled[name] = _compile(lock, domain, found, calculated,
                                      lambda n: test_of(n, (*visiting, name)),
                                      outside_lock)  # fmt: skip
        return compiled[name]

    # the definition itself may be a query that no segment can name (an estimate's)
    return _compile(lock, domain, definition, calculated,
                    lambda n: test_of(n, (definition.name,)), outside_lock)  # fmt: skip


def _compile(
    lock: BackendLock, domain: Domain, definition: SegmentDefinition, calculated: Any, source: Any,
    outside_lock: bool,
) -> ProfileTest:  # fmt: skip
    if definition.sql_query is None:
        return Compiler(calculated, source).compile(definition.segment_groups or {})
    members: set[str] | None = None
    if outside_lock:
        members = _sql_members(lock, domain, definition.sql_query, outside_lock=True)

    def in_query(profile: Mapping[str, Any]) -> bool:
        nonlocal members
        if members is None:  # the query runs once per evaluation, when first needed
            members = _sql_members(lock, domain, definition.sql_query or "")
        return profile["ProfileId"] in members

    return in_query


def _sql_members(
    lock: BackendLock, domain: Domain, query: str, outside_lock: bool = False
) -> set[str]:
    """The ids ``query`` selects. ``outside_lock``: the profiles are copied a few at a
    time, letting waiting callers in between, and the query runs on the copy without
    the lock (a calculated attribute it asks for is read under the lock)."""
    calculated = calculated_values(domain)
    if not outside_lock:
        rows = copy_profiles(domain.profiles.values())
        return run_segment_query(query, rows, lambda pid, name: calculated(pid, name))
    rows = SegmentRows([], [])
    for _, profile in profiles_in_steps(
        lock, domain, list(domain.profiles), _COPIED_BETWEEN_YIELDS
    ):
        copy_profile(rows, profile)

    def read_calculated(profile_id: str, name: str) -> Any:
        with lock.service:
            return calculated(profile_id, name)

    with lock.released():
        return run_segment_query(query, rows, read_calculated)


def profiles_in_steps(
    lock: BackendLock, domain: Domain, profile_ids: list[str], step: int
) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """The profiles ``profile_ids`` names, in that order, letting waiting callers in
    before each ``step`` of them (a profile one of them deletes meanwhile is left out)."""
    for number, profile_id in enumerate(profile_ids):
        if number % step == 0:
            lock.let_others_in()
        profile = domain.profiles.get(profile_id)
        if profile is not None:
            yield profile_id, profile


def member_ids_in_steps(lock: BackendLock, domain: Domain, test: ProfileTest) -> list[str]:
    """The ids of the domain's profiles that pass ``test``, oldest profile first,
    letting waiting callers in between steps (one they create meanwhile is not seen)."""
    profiles = profiles_in_steps(lock, domain, list(domain.profiles), _TESTED_BETWEEN_YIELDS)
    return [profile_id for profile_id, profile in profiles if test(profile)]


def copied_in_steps(
    lock: BackendLock, domain: Domain, profile_ids: list[str],
    read_also: Callable[[Mapping[str, Any]], Read],
) -> list[tuple[dict[str, Any], Read]]:  # fmt: skip
    """Copies of the profiles ``profile_ids`` names, in that order, each with what
    ``read_also`` reads of it then, a few at a time, letting waiting callers in between
    (a profile one of them deletes meanwhile is left out)."""
    profiles = profiles_in_steps(lock, domain, profile_ids, _COPIED_BETWEEN_YIELDS)
    return [(copy_plain(profile), read_also(profile)) for _, profile in profiles]


def members_of(domain: Domain, test: ProfileTest) -> Iterator[str]:
    """The ids of the domain's profiles that pass ``test``, oldest profile first."""
    for profile_id, profile in domain.profiles.items():
        if test(profile):
            yield profile_id


def in_segment(
    lock: BackendLock, domain: Domain, segment_name: str, profile_id: str,
    outside_lock: bool = False,
) -> bool:  # fmt: skip
    """Whether the profile is in the segment now: False for a profile that is gone, and
    for a segment that cannot be evaluated (one of its calculated attributes is gone).
    ``outside_lock``: as ``segment_test``'s (no call's writes are open), its SQL queries
    letting other callers in."""
    definition = domain.segments.definitions.get(segment_name)
    if definition is None or profile_id not in domain.profiles:
        return False
    try:
        test = segment_test(lock, domain, definition, outside_lock)
    except BadRequestException:
        return False
    profile = domain.profiles.get(profile_id)  # (a caller let in may have deleted it)
    if profile is None:
        return False
    try:
        return test(profile)
    except BadRequestException:
        return False
