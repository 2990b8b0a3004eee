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

import itertools
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from ...exceptions import BadRequestException, ResourceNotFoundException
from ..admin.domains import Domain
from ..core import journal
from ..core.arguments import by_member, takes_members
from ..core.base import DERIVED, BackendState, check_unused, copy_plain, named
from ..core.changes import EXPIRED, INGESTED, OBJECT_DELETED, OBJECT_TYPE_DELETED, Change
from ..core.clock import now
from ..core.operations import operation
from ..core.tags import tags_member
from ..engines.calculated_values import (
    DAY_SECONDS,
    MAX_OBJECT_COUNT,
    MAX_VALUE_LENGTH,
    TIMESTAMP_FORMATS,
    Aggregate,
    Entry,
    Expression,
    Window,
    aggregate,
    attribute_reader,
    compile_expression,
    filter_passes,
    next_crossing,
    number,
    read_timestamp,
    threshold_holds,
    timestamp_source,
    window_of,
)
from ..objects.mapping import read_path
from ..objects.object_store import StoredObject
from ..objects.standard_objects import is_standard

DEFINITION_MEMBERS = ("DisplayName", "Description", "AttributeDetails", "Conditions", "Filter",
                      "Statistic", "UseHistoricalData")  # fmt: skip
UPDATABLE = ("DisplayName", "Description", "Conditions")  # API_UpdateCalculatedAttributeDefinition
SUMMARY_MEMBERS = ("CalculatedAttributeName", "DisplayName", "Description", "CreatedAt",
                   "LastUpdatedAt", "UseHistoricalData", "Status", "Tags")  # fmt: skip


@dataclass
class Tally:
    """What one definition counts of one profile's objects: an entry per object (by
    unique key), and what is computed from them and kept until they change: the statistic
    over all of them, and values computed for windows (caches: undoing a call that
    changed the entries drops them, to be computed again)."""

    entries: dict[str, Entry]
    # None: rebuilt from the entries when next read
    whole: Aggregate | None = field(default=None, metadata=DERIVED)
    # (window, object count) -> (valid until, the statistic, IsDataPartial)
    windowed: dict[tuple[Window | None, int | None], tuple[float, Aggregate, bool]] = field(
        default_factory=dict, metadata=DERIVED
    )

    def keep_entry(self, unique_key: str) -> None:
        """Note, before an entry changes, how to put it back (and drop what was computed)."""
        journal.keep_item(self.entries, unique_key)
        journal.undo_with(self.forget_computed)

    def forget_computed(self) -> None:
        self.whole = None
        self.windowed.clear()


def _read(
    known: dict[Any, Any],
    readers: Mapping[str, Callable[[Mapping[str, Any]], Any]],
    document: Mapping[str, Any],
    name: str,
) -> Any:
    """The attribute ``name`` of ``document``, read once for every definition counting it."""
    if name not in known:
        known[name] = readers[name](document)
    return known[name]


@dataclass
class CalculatedAttribute:
    name: str
    arn: str
    settings: dict[str, Any]  # the definition, under the model's member names
    expression: Expression
    created_at: datetime
    last_updated_at: datetime
    tallies: dict[str, Tally] = field(default_factory=dict, metadata=journal.JOURNALED)
    # unique key -> profile id
    homes: dict[str, str] = field(default_factory=dict, metadata=journal.JOURNALED)
    _order: itertools.count[int] = field(
        default_factory=itertools.count, metadata=journal.JOURNALED
    )
    # (the object type's settings, the readers compiled from them)
    _readers: tuple[Any, dict[str, Callable[[Mapping[str, Any]], Any]]] | None = field(
        default=None, metadata=DERIVED
    )

    @property
    def type_name(self) -> str:
        return self.expression.type_name

    @property
    def statistic(self) -> str:
        return str(self.settings["Statistic"])

    @property
    def conditions(self) -> Mapping[str, Any]:
        return self.settings.get("Conditions") or {}

    def describe(self, tags: dict[str, str]) -> dict[str, Any]:
        return {
            "CalculatedAttributeName": self.name,
            **copy_plain(self.settings),
            "CreatedAt": self.created_at,
            "LastUpdatedAt": self.last_updated_at,
            "UseHistoricalData": bool(self.settings.get("UseHistoricalData", False)),
            # values are kept from the moment of creation, historical ones included
            "Status": "COMPLETED",
            "Readiness": {"ProgressPercentage": 100},
            **tags_member("Tags", tags),
        }

    # -- counting objects ----------------------------------------------------------------
    def readers(self, object_type: Any) -> dict[str, Callable[[Mapping[str, Any]], Any]]:
        """How each attribute the definition reads is read from an object of the type,
        compiled once per definition of the type."""
        settings = getattr(object_type, "settings", None)
        if self._readers is None or self._readers[0] is not settings:
            fields = getattr(object_type, "fields", {}) or {}
            names = set(self.expression.attributes)
            for group in (self.settings.get("Filter") or {}).get("Groups") or ():
                for dimension in group["Dimensions"]:
                    names.update(dimension["Attributes"])
            self._readers = (settings, {n: attribute_reader(fields, n) for n in names})
        return self._readers[1]

    def count(
        self,
        stored: StoredObject,
        document: Mapping[str, Any],
        object_type: Any,
        put_at: float | None = None,
        read: dict[Any, Any] | None = None,
    ) -> None:
        """Count a put object (a new version replaces the old one's entry). ``put_at``: its
        put time in POSIX seconds, when known; ``read``: what has been read of it already
        (its attributes by name, the values of expressions by expression), which this adds
        to, when several definitions count it: every definition reads an attribute of a
        type, and computes an expression, the same way."""
        known: dict[Any, Any] = {} if read is None else read
        unique_key, profile_id = stored.unique_key, stored.profile_id
        home = self.homes.get(unique_key)
        if home is not None and home != profile_id:
            self.forget(home, unique_key)
        settings = self.settings
        object_filter = settings.get("Filter")
        if object_filter:
            readers = self.readers(object_type)
            if not filter_passes(object_filter, lambda n: _read(known, readers, document, n)):
                self.forget(profile_id, unique_key)
                return
        expression = self.expression
        computed = known.get(expression)
        if computed is None:
            readers = self.readers(object_type)
            value = expression.evaluate(
                {n: _read(known, readers, document, n) for n in expression.attributes}
            )
            if value is not None and len(value) > MAX_VALUE_LENGTH:
                value = value[:MAX_VALUE_LENGTH]
            computed = known[expression] = (value, number(value))
        value, as_number = computed
        stamp = stored.put_at.timestamp() if put_at is None else put_at
        time_range = (settings.get("Conditions") or {}).get("Range")
        if time_range and time_range.get("TimestampSource"):
            read_at = read_timestamp(
                read_path(document, timestamp_source(time_range["TimestampSource"],
                                                     self.type_name)),
                time_range.get("TimestampFormat"),
            )  # fmt: skip
            stamp = stamp if read_at is None else read_at
        entry = Entry((stamp, journal.next_of(self, "_order")), value, as_number)
        tally = self.tallies.get(profile_id)
        if tally is None:
            journal.keep_new(self.tallies, profile_id)
            tally = self.tallies[profile_id] = Tally({}, Aggregate(self.statistic))
        replaced = unique_key in tally.entries
        tally.keep_entry(unique_key)
        tally.entries[unique_key] = entry
        if replaced:
            tally.whole = None
        elif tally.whole is not None:
            tally.whole.add(entry)
        tally.windowed.clear()
        journal.keep_item(self.homes, unique_key)
        self.homes[unique_key] = profile_id

    def forget(self, profile_id: str, unique_key: str) -> None:
        tally = self.tallies.get(profile_id)
        if tally is None or unique_key not in tally.entries:
            return
        tally.keep_entry(unique_key)
        del tally.entries[unique_key]
        journal.keep_item(self.homes, unique_key)
        self.homes.pop(unique_key, None)
        tally.forget_computed()
        if not tally.entries:
            journal.keep_item(self.tallies, profile_id)
            del self.tallies[profile_id]

    def move(self, from_profile: str, to_profile: str) -> None:
        """A merge: the merged profile's objects, and so its entries, go to the main one."""
        moving = self.tallies.get(from_profile)
        if moving is None:
            return
        journal.keep_item(self.tallies, from_profile)
        del self.tallies[from_profile]
        tally = self.tallies.get(to_profile)
        if tally is None:
            journal.keep_new(self.tallies, to_profile)
            tally = self.tallies[to_profile] = Tally({}, None)
        for unique_key, entry in moving.entries.items():
            tally.keep_entry(unique_key)
            tally.entries[unique_key] = entry
            journal.keep_item(self.homes, unique_key)
            self.homes[unique_key] = to_profile
        tally.forget_computed()

    def drop_profile(self, profile_id: str) -> None:
        tally = self.tallies.get(profile_id)
        if tally is None:
            return
        journal.keep_item(self.tallies, profile_id)
        del self.tallies[profile_id]
        for unique_key in tally.entries:
            journal.keep_item(self.homes, unique_key)
            self.homes.pop(unique_key, None)

    def reset_values(self) -> None:
        """The conditions changed: every value is computed afresh when next read."""
        for tally in self.tallies.values():
            tally.whole = None
            tally.windowed.clear()

    # -- reading values ------------------------------------------------------------------
    def value_for(
        self, profile_id: str, range_override: Mapping[str, Any] | None = None
    ) -> dict[str, Any] | None:
        """The profile's value (Value, IsDataPartial, LastObjectTimestamp), or None when it
        has none; ``range_override`` (ConditionOverrides.Range) replaces the Range."""
        conditions = self.conditions
        window = window_of(range_override or bounding(conditions.get("Range")))
        object_count = conditions.get("ObjectCount")
        tally = self.tallies.get(profile_id) or Tally({}, Aggregate(self.statistic))
        if window is None and object_count is None:
            if tally.whole is None:
                tally.whole = aggregate(self.statistic, tally.entries.values())
            result, partial = tally.whole, False
        else:
            result, partial = self._windowed(tally, window, object_count)
        value = result.value()
        if value is None:
            return None
        threshold = conditions.get("Threshold")
        if threshold:
            value = "true" if threshold_holds(value, threshold) else "false"
        found: dict[str, Any] = {
            "CalculatedAttributeName": self.name,
            "IsDataPartial": "true" if partial else "false",
            "Value": value,
        }
        if "DisplayName" in self.settings:
            found["DisplayName"] = self.settings["DisplayName"]
        if result.latest is not None:
            found["LastObjectTimestamp"] = datetime.fromtimestamp(result.latest, timezone.utc)
        return found

    def _windowed(
        self, tally: Tally, window: Window | None, object_count: int | None
    ) -> tuple[Aggregate, bool]:
        moment = now().timestamp()
        cached = tally.windowed.get((window, object_count))
        if cached is not None and moment < cached[0]:
            return cached[1], cached[2]
        entries = [e for e in tally.entries.values() if e.value is not None]
        valid_until = math.inf
        if window is not None:
            valid_until = next_crossing(entries, window, moment)
            low, high = window.bounds(moment)
            entries = [e for e in entries if low <= e.order[0] <= high]
        complete = object_count is not None and len(entries) >= object_count
        if object_count is not None and len(entries) > object_count:
            entries = sorted(entries)[-object_count:]
        if window is not None:
            # "only after 30 days have elapsed will IsDataPartial be set to false" (admin
            # guide, "Validating calculated attribute values"): counted from creation, or
            # from the profile's oldest object when historical data is used
            basis = self.created_at.timestamp()
            if self.settings.get("UseHistoricalData") and tally.entries:
                basis = min(basis, min(e.order[0] for e in tally.entries.values()))
            complete_at = basis + window.start * DAY_SECONDS
            complete = complete or moment >= complete_at
            if moment < complete_at:
                valid_until = min(valid_until, complete_at)
        result = aggregate(self.statistic, entries)
        tally.windowed[(window, object_count)] = (valid_until, result, not complete)
        return result, not complete


def bounding(range_: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """The Range, when it bounds a window of time. One with neither Value nor ValueRange
    (the model requires neither; AWS's travel and hospitality sample sends Unit and
    TimestampSource only) bounds none: every object counts, and its TimestampSource still
    says when each object happened (docs/calculated-attributes.md)."""
    if range_ and ("Value" in range_ or "ValueRange" in range_):
        return range_
    return None


def _document_of(stored: StoredObject) -> dict[str, Any]:
    """A stored object as the definition reads it: every stored object was read as a JSON
    object when it was put; one that cannot be read again (a state file's) counts as empty."""
    try:
        document = json.loads(stored.body)
    except (ValueError, RecursionError):
        return {}
    return document if isinstance(document, dict) else {}


def check_conditions(conditions: Mapping[str, Any] | None, type_name: str) -> None:
    if not conditions:
        return
    range_ = conditions.get("Range")
    if range_ is not None:
        value_range = range_.get("ValueRange")
        if value_range and value_range["Start"] < value_range["End"]:
            raise BadRequestException(
                "Conditions.Range.ValueRange: Start (days back) must not be less than End"
            )
        if range_.get("TimestampSource"):
            timestamp_source(range_["TimestampSource"], type_name)
        timestamp_format = range_.get("TimestampFormat")
        if timestamp_format is not None and timestamp_format not in TIMESTAMP_FORMATS:
            raise BadRequestException(
                f"Conditions.Range.TimestampFormat: {timestamp_format!r} is not one of "
                f"{', '.join(TIMESTAMP_FORMATS)}"
            )
    object_count = conditions.get("ObjectCount")
    if object_count is not None and object_count > MAX_OBJECT_COUNT:
        raise BadRequestException(
            f"Conditions.ObjectCount: at most {MAX_OBJECT_COUNT}, got {object_count}"
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
                attribute.count(stored, _document_of(stored), object_type)
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
                        attribute.count(stored, _document_of(stored), object_type)
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
        put_at = stored.put_at.timestamp()
        read: dict[Any, Any] = {}  # what the definitions have read of it, shared by them
        for attribute in reading:
            attribute.count(stored, document, object_type, put_at, read)
