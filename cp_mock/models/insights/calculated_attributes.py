"""Calculated attributes (API_CreateCalculatedAttributeDefinition ... API_Delete..., and
GetCalculatedAttributeForProfile, ListCalculatedAttributesForProfile,
BatchGetCalculatedAttributeForProfile): values Customer Profiles derives from a profile's
objects, such as total spend or the last channel used.

Values are kept as objects arrive, not recomputed from the objects on each read: every
definition keeps, per profile, an entry for each object it counts (``Tally``), and the
statistic over them, updated as each object is put (models/engines/calculated_values.py). A
definition with a Range or an ObjectCount computes its value from the entries when read
and keeps it until the clock moves an entry across the Range's edge or an object changes.
The change feed tells the family what happened to objects and profiles: puts, expiry,
deletion, merges (objects move to the main profile, so do their entries), removed
profiles and deleted object types.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...exceptions import BadRequestException, ResourceNotFoundException
from ..admin.domains import Domain
from ..backend_state import BackendState, Change
from ..core.arguments import by_member, takes_members
from ..core.base import check_unused, copy_plain, named
from ..core.changes import (
    EXPIRED,
    INGESTED,
    OBJECT_DELETED,
    OBJECT_TYPE_DELETED,
    REMOVALS,
    hears,
)
from ..core.clock import now
from ..core.operations import operation
from ..engines.calculated_values import compile_expression
from ..objects.standard_objects import is_standard
from .calculated_attribute_state import (
    DEFINITION_MEMBERS,
    SUMMARY_MEMBERS,
    UPDATABLE,
    CalculatedAttribute,
    check_conditions,
    document_of,
)


def _calculated_attribute(domain: Domain, name: str) -> CalculatedAttribute:
    return named(domain.calculated_attributes, "Calculated attribute definition", name)


def _counting_profile(domain: Domain, profile_id: str) -> None:
    if profile_id not in domain.profiles:
        raise ResourceNotFoundException(f"Profile {profile_id} does not exist")


def calculated_attribute_value(
    domain: Domain, profile_id: str, calculated_attribute_name: str,
    range_override: Mapping[str, Any] | None = None,
) -> str | None:  # fmt: skip
    """The profile's value of the attribute, None when it has none (not an operation:
    for segments, which filter on values, with a dimension's ConditionOverrides.Range).
    ResourceNotFoundException when the domain defines no such attribute."""
    _counting_profile(domain, profile_id)
    attribute = _calculated_attribute(domain, calculated_attribute_name)
    found = attribute.value_for(profile_id, range_override)
    return None if found is None else str(found["Value"])


class CalculatedAttributeOperations(BackendState):
    @operation("CreateCalculatedAttributeDefinition")
    @takes_members(*DEFINITION_MEMBERS)
    def create_calculated_attribute_definition(
        self,
        domain_name: str,
        calculated_attribute_name: str,
        tags: dict[str, str] | None = None,
        **members: Any,
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        check_unused(
            domain.calculated_attributes,
            "Calculated attribute definition",
            calculated_attribute_name,
        )
        settings = by_member(members, DEFINITION_MEMBERS)
        details = settings["AttributeDetails"]
        expression = compile_expression(
            details["Expression"], [a["Name"] for a in details["Attributes"]]
        )
        object_type = domain.object_types.get(expression.type_name)
        if object_type is None and not is_standard(expression.type_name):
            raise BadRequestException(
                f"AttributeDetails.Expression: object type {expression.type_name} does not "
                f"exist in domain {domain_name}"
            )
        check_conditions(settings.get("Conditions"), expression.type_name)
        created = now()
        attribute = CalculatedAttribute(
            name=calculated_attribute_name,
            arn=self.arn(
                f"domains/{domain_name}/calculated-attributes/{calculated_attribute_name}"
            ),
            settings=copy_plain(settings),
            expression=expression,
            created_at=created,
            last_updated_at=created,
        )
        if settings.get("UseHistoricalData"):
            # "UseHistoricalData: whether historical data ingested before the calculated
            # attribute was created should be included in calculations" (the model)
            for stored in domain.objects.of_type(expression.type_name):
                attribute.count(stored, document_of(stored), object_type)
        self.tags.register(attribute.arn, tags)
        domain.calculated_attributes[calculated_attribute_name] = attribute
        return attribute.describe(self.tags.get(attribute.arn))

    @operation("GetCalculatedAttributeDefinition")
    def get_calculated_attribute_definition(
        self, domain_name: str, calculated_attribute_name: str
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        attribute = _calculated_attribute(domain, calculated_attribute_name)
        return attribute.describe(self.tags.get(attribute.arn))

    @operation("UpdateCalculatedAttributeDefinition")
    @takes_members(*UPDATABLE)
    def update_calculated_attribute_definition(
        self, domain_name: str, calculated_attribute_name: str, **members: Any
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        attribute = _calculated_attribute(domain, calculated_attribute_name)
        changes = by_member(members, UPDATABLE)
        if "Conditions" in changes:
            check_conditions(changes["Conditions"], attribute.type_name)
        before = dict(attribute.conditions.get("Range") or {})
        attribute.settings.update(copy_plain(changes))
        if "Conditions" in changes:
            attribute.reset_values()
            after = attribute.conditions.get("Range") or {}
            if any(before.get(k) != after.get(k) for k in ("TimestampSource", "TimestampFormat")):
                # each object's time is read again, as the new Range reads it
                object_type = domain.object_types.get(attribute.type_name)
                for unique_key in list(attribute.homes):
                    stored = domain.objects.get(attribute.type_name, unique_key)
                    if stored is not None:
                        attribute.count(stored, document_of(stored), object_type)
        attribute.last_updated_at = now()
        described = attribute.describe(self.tags.get(attribute.arn))
        described.pop("Filter", None)  # not a member of the Update response
        return described

    @operation("DeleteCalculatedAttributeDefinition")
    def delete_calculated_attribute_definition(
        self, domain_name: str, calculated_attribute_name: str
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        attribute = _calculated_attribute(domain, calculated_attribute_name)
        del domain.calculated_attributes[calculated_attribute_name]
        self.tags.forget(attribute.arn)
        return {}

    @operation("ListCalculatedAttributeDefinitions")
    def list_calculated_attribute_definitions(self, domain_name: str) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        items = []
        for name in sorted(domain.calculated_attributes):
            attribute = domain.calculated_attributes[name]
            described = attribute.describe(self.tags.get(attribute.arn))
            items.append({k: described[k] for k in SUMMARY_MEMBERS if k in described})
        return {"Items": items}

    @operation("GetCalculatedAttributeForProfile")
    def get_calculated_attribute_for_profile(
        self, domain_name: str, profile_id: str, calculated_attribute_name: str
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        _counting_profile(domain, profile_id)
        attribute = _calculated_attribute(domain, calculated_attribute_name)
        found = attribute.value_for(profile_id)
        if found is None:
            raise ResourceNotFoundException(
                f"Profile {profile_id} has no value for calculated attribute "
                f"{calculated_attribute_name}: none of its objects count for it"
            )
        return found

    @operation("ListCalculatedAttributesForProfile")
    def list_calculated_attributes_for_profile(
        self, domain_name: str, profile_id: str
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        _counting_profile(domain, profile_id)
        items = []
        for name in sorted(domain.calculated_attributes):
            found = domain.calculated_attributes[name].value_for(profile_id)
            if found is not None:
                items.append(found)
        return {"Items": items}

    @operation("BatchGetCalculatedAttributeForProfile")
    def batch_get_calculated_attribute_for_profile(
        self,
        domain_name: str,
        calculated_attribute_name: str,
        profile_ids: list[str],
        condition_overrides: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        attribute = _calculated_attribute(domain, calculated_attribute_name)
        range_override = (condition_overrides or {}).get("Range")
        if range_override and range_override.get("End", 0) > range_override["Start"]:
            raise BadRequestException(
                "ConditionOverrides.Range: Start (days back) must not be less than End"
            )
        values, errors = [], []
        for profile_id in dict.fromkeys(profile_ids):
            if profile_id not in domain.profiles:
                errors.append({"Code": "ResourceNotFoundException", "ProfileId": profile_id,
                               "Message": f"Profile {profile_id} does not exist"})  # fmt: skip
                continue
            found = attribute.value_for(profile_id, range_override)
            if found is None:
                errors.append({"Code": "ResourceNotFoundException", "ProfileId": profile_id,
                               "Message": f"Profile {profile_id} has no value for calculated "
                                          f"attribute {calculated_attribute_name}"})  # fmt: skip
                continue
            values.append({**found, "ProfileId": profile_id})
        result: dict[str, Any] = {"Errors": errors, "CalculatedAttributeValues": values}
        if condition_overrides:
            result["ConditionOverrides"] = copy_plain(condition_overrides)
        return result

    # -- the change feed -----------------------------------------------------------------
    @hears(INGESTED, OBJECT_DELETED, OBJECT_TYPE_DELETED, *REMOVALS)
    def count_objects(self, change: Change) -> None:
        """Subscriber: keep every definition's entries as objects come, go and move."""
        domain = change.domain
        attributes = domain.calculated_attributes
        if not attributes:
            return
        action = change.action
        if action == INGESTED:
            self._count_ingested(domain, change)
        elif action in (OBJECT_DELETED, EXPIRED) and change.object_type_name is not None:
            for attribute in attributes.values():
                if attribute.type_name == change.object_type_name:
                    attribute.forget(change.profile_id, change.unique_key or "")
        elif change.removes_profile:
            for attribute in attributes.values():
                if change.merged_into is not None:
                    attribute.move(change.profile_id, change.merged_into)
                else:
                    attribute.drop_profile(change.profile_id)
        elif action == OBJECT_TYPE_DELETED:
            # deleting the object type removes the definitions that read it
            for name, attribute in list(attributes.items()):
                if attribute.type_name == change.object_type_name:
                    del attributes[name]
                    self.tags.forget(attribute.arn)

    def _count_ingested(self, domain: Domain, change: Change) -> None:
        type_name = change.object_type_name
        reading = [
            a for a in domain.calculated_attributes.values() if a.expression.type_name == type_name
        ]
        if not reading:
            return
        stored = domain.objects.get(type_name or "", change.unique_key or "")
        if stored is None:  # put and at once evicted (MaxProfileObjectCount)
            for attribute in reading:
                attribute.forget(change.profile_id, change.unique_key or "")
            return
        assert change.document is not None  # every INGESTED change carries its object
        document = change.document
        object_type = domain.object_types.get(stored.type_name)
        put_at = stored.put_seconds
        read: dict[Any, Any] = {}  # what the definitions have read of it, shared by them
        for attribute in reading:
            attribute.count(stored, document, object_type, put_at, read)
