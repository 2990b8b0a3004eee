"""Who is in a segment, worked out from the current profiles whenever asked (never cached):
"Segments are recalculated on demand ... As a result, the size and membership of each
segment changes over time" (admin guide, "Build customer segments in Amazon Connect").

Shared by the families that ask: segment operations (estimates, membership, snapshots),
segment subscriptions (LIVE and SCHEDULE events) and event triggers (SegmentFilter).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..exceptions import BadRequestException, ResourceNotFoundException
from .calculated_attributes import CalculatedAttributeOperations
from .domains import Domain
from .segment_rules import Compiler, ProfileTest
from .segment_sql import run_segment_query
from .segment_state import SegmentDefinition


class SegmentEvaluation(CalculatedAttributeOperations):
    def _calculated(self, domain: Domain) -> Any:
        """``calculated_attribute_value`` for ``domain``, a missing definition being the
        segment's problem (BadRequestException), not a missing resource of the request."""

        def value(profile_id: str, name: str, overrides: dict[str, Any] | None = None) -> Any:
            try:
                range_override = (overrides or {}).get("Range")
                return self.calculated_attribute_value(domain, profile_id, name, range_override)
            except ResourceNotFoundException as error:
                raise BadRequestException(f"CalculatedAttributes: {error.message}") from error

        return value

    def _segment_test(self, domain: Domain, definition: SegmentDefinition) -> ProfileTest:
        """A test of one profile's membership, compiled for one evaluation."""
        compiled: dict[str, ProfileTest] = {}
        calculated = self._calculated(domain)

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
                compiled[name] = self._compile(domain, found, calculated,
                                               lambda n: test_of(n, (*visiting, name)))  # fmt: skip
            return compiled[name]

        # the definition itself may be a query that no segment can name (an estimate's)
        return self._compile(domain, definition, calculated,
                             lambda n: test_of(n, (definition.name,)))  # fmt: skip

    def _compile(
        self, domain: Domain, definition: SegmentDefinition, calculated: Any, source: Any
    ) -> ProfileTest:
        if definition.sql_query is None:
            return Compiler(calculated, source).compile(definition.segment_groups or {})
        members: set[str] | None = None

        def in_query(profile: Mapping[str, Any]) -> bool:
            nonlocal members
            if members is None:  # the query runs once per evaluation, when first needed
                members = self._sql_members(domain, definition.sql_query or "")
            return profile["ProfileId"] in members

        return in_query

    def _sql_members(self, domain: Domain, query: str) -> set[str]:
        calculated = self._calculated(domain)
        return run_segment_query(
            query, domain.profiles.values(), lambda pid, name: calculated(pid, name)
        )

    def _members(self, domain: Domain, test: ProfileTest) -> Iterator[str]:
        """The ids of the domain's profiles that pass ``test``, oldest profile first."""
        for profile_id, profile in domain.profiles.items():
            if test(profile):
                yield profile_id

    def _in_segment(self, domain: Domain, segment_name: str, profile_id: str) -> bool:
        """Whether the profile is in the segment now: False for a profile that is gone, and
        for a segment that cannot be evaluated (one of its calculated attributes is gone)."""
        definition = domain.segments.definitions.get(segment_name)
        profile = domain.profiles.get(profile_id)
        if definition is None or profile is None:
            return False
        try:
            return self._segment_test(domain, definition)(profile)
        except BadRequestException:
            return False
