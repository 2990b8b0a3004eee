"""What the stored data says about attributes: ListObjectTypeAttributes,
ListObjectTypeAttributeValues, GetObjectTypeAttributeStatistics, ListProfileAttributeValues.

An object type's attributes are its Fields; their values are read from the objects stored
now, most recent first (admin guide, "Use the Customer Profiles API": "the most recent
distinct values for any specified attribute"). Statistics are computed on demand from the
numeric values and need the domain's data store, as that page says.
"""

from __future__ import annotations

import statistics
from datetime import datetime
from typing import Any

from ...exceptions import BadRequestException, ResourceNotFoundException
from ..admin.domains import Domain
from ..backend_state import BackendState
from ..core.clock import now
from ..core.operations import operation
from .mapping import ADDRESS_FIELDS, read_source
from .object_store import StoredObject
from .object_types import ObjectType, object_type_state
from .objects import parse_object

PERCENTILES = {"P5": 5, "P25": 25, "P50": 50, "P75": 75, "P95": 95}


def _values_newest_first(
    object_type: ObjectType, objects: list[StoredObject], attribute: str
) -> list[tuple[str, datetime]]:
    source = str(object_type.fields[attribute].get("Source", ""))
    found: dict[str, datetime] = {}
    for stored in sorted(objects, key=lambda o: o.put_at, reverse=True):
        value = read_source(parse_object(stored.body), source)
        if value not in (None, "") and value not in found:
            found[str(value)] = stored.put_at
    return list(found.items())


def _percentile(ordered: list[float], percent: float) -> float:
    """Linear interpolation between closest ranks."""
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * percent / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


class AttributeOperations(BackendState):
    def _attribute_of(self, domain: Domain, type_name: str, attribute: str) -> ObjectType:
        object_type = object_type_state(domain, type_name)
        if attribute not in object_type.fields:
            raise ResourceNotFoundException(f"Object type {type_name} has no attribute {attribute}")
        return object_type

    @operation("ListObjectTypeAttributes")
    def list_object_type_attributes(
        self, domain_name: str, object_type_name: str
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        object_type = object_type_state(domain, object_type_name)
        objects = list(domain.objects.of_type(object_type_name))
        items = []
        for attribute in object_type.fields:
            values = _values_newest_first(object_type, objects, attribute)
            last = values[0][1] if values else object_type.last_updated_at
            items.append({"AttributeName": attribute, "LastUpdatedAt": last})
        return {"Items": items}

    @operation("ListObjectTypeAttributeValues")
    def list_object_type_attribute_values(
        self, domain_name: str, object_type_name: str, attribute_name: str
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        object_type = self._attribute_of(domain, object_type_name, attribute_name)
        objects = list(domain.objects.of_type(object_type_name))
        values = _values_newest_first(object_type, objects, attribute_name)
        return {"Items": [{"Value": value, "LastUpdatedAt": at} for value, at in values]}

    @operation("GetObjectTypeAttributeStatistics")
    def get_object_type_attribute_statistics(
        self, domain_name: str, object_type_name: str, attribute_name: str
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        if not (domain.settings.get("DataStore") or {}).get("Enabled"):
            raise BadRequestException(
                "Attribute statistics need the domain's data store: set DataStore.Enabled"
            )
        object_type = self._attribute_of(domain, object_type_name, attribute_name)
        source = str(object_type.fields[attribute_name].get("Source", ""))
        numbers = []
        for stored in domain.objects.of_type(object_type_name):
            value = read_source(parse_object(stored.body), source)
            try:
                numbers.append(float(value))  # type: ignore[arg-type]
            except (TypeError, ValueError):
                continue
        if not numbers:
            raise BadRequestException(f"Attribute {attribute_name} has no numeric values")
        ordered = sorted(numbers)
        return {
            "Statistics": {
                "Maximum": ordered[-1],
                "Minimum": ordered[0],
                "Average": statistics.fmean(ordered),
                "StandardDeviation": statistics.pstdev(ordered),
                "Percentiles": {k: _percentile(ordered, p) for k, p in PERCENTILES.items()},
            },
            "CalculatedAt": now(),
        }

    @operation("ListProfileAttributeValues")
    def list_profile_attribute_values(
        self, domain_name: str, attribute_name: str
    ) -> dict[str, Any]:
        """Distinct values of a standard profile attribute (``FirstName``,
        ``Address.City``, ``Attributes.tier``) across the domain's profiles."""
        domain = self.get_domain_state(domain_name)
        field, _, member = attribute_name.partition(".")
        if member and field not in (*ADDRESS_FIELDS, "Attributes"):
            raise BadRequestException(f"AttributeName {attribute_name} is not a profile attribute")
        values: dict[str, None] = {}
        for profile in domain.profiles.values():
            value = profile.get(field)
            if member:
                value = value.get(member) if isinstance(value, dict) else None
            if isinstance(value, str) and value:
                values[value] = None
        return {
            "DomainName": domain_name,
            "AttributeName": attribute_name,
            "Items": [{"Value": value} for value in sorted(values)],
            "StatusCode": 200,
        }
