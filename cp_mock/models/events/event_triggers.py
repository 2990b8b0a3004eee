"""Event triggers (API_CreateEventTrigger, API_GetEventTrigger, API_UpdateEventTrigger,
API_ListEventTriggers, API_DeleteEventTrigger), and their firing on ingested objects.

A trigger watches one object type. Each object put of that type is tested against its
conditions: "conditions have default OR relationship" and "attributes within the dimension
have default AND relationship" (admin guide, "Create an event trigger" for outbound
campaigns); a condition's LogicalOperator combines its dimensions (ALL, ANY, NONE). AWS
delivers a firing to the integrations that name the trigger (Amazon Connect outbound
campaigns), which nothing here can observe, so every firing is recorded instead:
``cp_mock.event_trigger_invocations`` reads them. docs/event-streams.md gives the operator
semantics, which the API reference leaves to their names.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from ...exceptions import BadRequestException
from ..admin.domains import Domain
from ..backend_state import BackendState, Change
from ..core import journal
from ..core.arguments import by_member, takes_members
from ..core.base import check_unused, copy_plain, named
from ..core.changes import INGESTED, hears
from ..core.clock import now
from ..core.operations import operation
from ..core.tags import tags_member
from ..data_in.data_in_state import Integration
from ..engines.comparisons import operator_holds
from ..insights.intents import check_intent_filter, intent_filter_holds
from ..insights.segment_evaluation import in_segment
from ..objects.mapping import read_path, read_source
from ..objects.standard_objects import is_standard
from .event_state import EventTrigger

TRIGGER_SETTINGS = (
    "ObjectTypeName", "Description", "EventTriggerConditions", "SegmentFilter",
    "EventTriggerLimits", "IntentFilterDefinition",
)  # fmt: skip
# Operators that compare with the first value only, and those that need two values.
_ONE_VALUE = ("GREATER_THAN", "LESS_THAN", "GREATER_THAN_OR_EQUAL", "LESS_THAN_OR_EQUAL",
              "EQUAL", "BEFORE", "AFTER", "ON")  # fmt: skip
_TWO_VALUES = ("BETWEEN", "NOT_BETWEEN")
_PERIOD = {"MINUTES": timedelta(minutes=1), "HOURS": timedelta(hours=1),
           "DAYS": timedelta(days=1), "WEEKS": timedelta(weeks=1)}  # fmt: skip


# -- conditions ------------------------------------------------------------------------
def _attribute_value(
    attribute: Mapping[str, Any], object_type: Any, document: Mapping[str, Any]
) -> str | None:
    field_name = attribute.get("FieldName")
    if field_name is not None:
        defined = (object_type.fields if object_type is not None else {}).get(field_name)
        if defined is not None:
            return read_source(document, str(defined.get("Source", "")))
        return read_path(document, field_name)
    source = str(attribute.get("Source", ""))
    # "{ObjectType.field}" as in calculated attribute expressions, or a path
    if source.startswith("{") and source.endswith("}") and "." in source:
        source = "_source." + source[1:-1].split(".", 1)[1]
    return read_source(document, source)


def conditions_hold(
    conditions: list[dict[str, Any]], object_type: Any, document: Mapping[str, Any]
) -> bool:
    def dimension_holds(dimension: Mapping[str, Any]) -> bool:
        return all(
            operator_holds(
                a["ComparisonOperator"], _attribute_value(a, object_type, document), a["Values"]
            )
            for a in dimension["ObjectAttributes"]
        )

    def condition_holds(condition: Mapping[str, Any]) -> bool:
        results = [dimension_holds(d) for d in condition["EventTriggerDimensions"]]
        operator = condition["LogicalOperator"]
        if operator == "ALL":
            return all(results)
        if operator == "ANY":
            return any(results)
        return not any(results)  # NONE

    return any(condition_holds(c) for c in conditions)


def _period_start(unit: str, value: int, moment: datetime) -> datetime:
    if unit == "MONTHS":
        month_index = moment.year * 12 + moment.month - 1 - value
        year, month = divmod(month_index, 12)
        day = min(moment.day, calendar.monthrange(year, month + 1)[1])
        return moment.replace(year=year, month=month + 1, day=day)
    return moment - value * _PERIOD[unit]


def within_limits(trigger: EventTrigger, profile_id: str, moment: datetime) -> bool:
    """Whether another firing for ``profile_id`` keeps within every period's limit."""
    periods = (trigger.settings.get("EventTriggerLimits") or {}).get("Periods") or []
    fired = trigger.fired.get(profile_id, [])
    for period in periods:
        if period.get("Unlimited"):
            continue
        most = period.get("MaxInvocationsPerProfile")
        if most is None:
            continue
        start = _period_start(period["Unit"], int(period["Value"]), moment)
        if sum(1 for at in fired if at > start) >= most:
            return False
    return True


def _check_definition(settings: Mapping[str, Any]) -> None:
    for c, condition in enumerate(settings.get("EventTriggerConditions") or []):
        for d, dimension in enumerate(condition["EventTriggerDimensions"]):
            for a, attribute in enumerate(dimension["ObjectAttributes"]):
                where = (
                    f"EventTriggerConditions[{c}].EventTriggerDimensions[{d}].ObjectAttributes[{a}]"
                )
                if ("Source" in attribute) == ("FieldName" in attribute):
                    raise BadRequestException(f"{where}: give exactly one of Source or FieldName")
                operator, values = attribute["ComparisonOperator"], attribute["Values"]
                if operator in _TWO_VALUES and len(values) != 2:
                    raise BadRequestException(
                        f"{where}.Values: {operator} takes two values, a low and a high bound"
                    )
                if operator in _ONE_VALUE and len(values) != 1:
                    raise BadRequestException(f"{where}.Values: {operator} takes one value")
    for p, period in enumerate((settings.get("EventTriggerLimits") or {}).get("Periods") or []):
        unlimited = bool(period.get("Unlimited"))
        if unlimited == ("MaxInvocationsPerProfile" in period):
            raise BadRequestException(
                f"EventTriggerLimits.Periods[{p}]: give MaxInvocationsPerProfile, or set "
                "Unlimited to true"
            )


class EventTriggerOperations(BackendState):
    integrations: dict[str, Integration]

    def _check_trigger_references(self, domain: Domain, settings: Mapping[str, Any]) -> None:
        name = settings.get("ObjectTypeName")
        # a standard object's name (_asset) is an object type of every domain: its records
        # are written as objects of that type (docs/standard-objects.md)
        if name is not None and name not in domain.object_types and not is_standard(name):
            raise BadRequestException(f"ObjectTypeName: object type {name} does not exist")
        segment = settings.get("SegmentFilter")
        if segment is not None and segment not in domain.segments.definitions:
            raise BadRequestException(f"SegmentFilter: segment definition {segment} does not exist")
        _check_definition(settings)

    @operation("CreateEventTrigger")
    @takes_members(*TRIGGER_SETTINGS)
    def create_event_trigger(
        self,
        domain_name: str,
        event_trigger_name: str,
        tags: dict[str, str] | None = None,
        **members: Any,
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        check_unused(domain.events.triggers, "Event trigger", event_trigger_name)
        settings = _settings(members)
        self._check_trigger_references(domain, settings)
        check_intent_filter(domain, settings.get("IntentFilterDefinition"))
        trigger = EventTrigger(
            name=event_trigger_name,
            arn=self.arn(f"domains/{domain_name}/event-triggers/{event_trigger_name}"),
            settings=settings,
        )
        self.tags.register(trigger.arn, tags)
        domain.events.triggers[event_trigger_name] = trigger
        return trigger.describe(self.tags.get(trigger.arn))

    @operation("GetEventTrigger")
    def get_event_trigger(self, domain_name: str, event_trigger_name: str) -> dict[str, Any]:
        trigger = named(
            self.get_domain_state(domain_name).events.triggers, "Event trigger", event_trigger_name
        )
        return trigger.describe(self.tags.get(trigger.arn))

    @operation("UpdateEventTrigger")
    @takes_members(*TRIGGER_SETTINGS)
    def update_event_trigger(
        self, domain_name: str, event_trigger_name: str, **members: Any
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        trigger = named(domain.events.triggers, "Event trigger", event_trigger_name)
        changes = _settings(members)
        settings = {**trigger.settings, **changes}
        self._check_trigger_references(domain, settings)
        # (a filter kept as it was is not judged again by the intent definition of now)
        check_intent_filter(domain, changes.get("IntentFilterDefinition"))
        trigger.settings = settings
        trigger.last_updated_at = now()
        return trigger.describe(self.tags.get(trigger.arn))

    @operation("ListEventTriggers")
    def list_event_triggers(self, domain_name: str) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        items = []
        for trigger in domain.events.triggers.values():
            summary = {
                "ObjectTypeName": trigger.settings["ObjectTypeName"],
                "EventTriggerName": trigger.name,
                "Description": trigger.settings.get("Description"),
                "CreatedAt": trigger.created_at,
                "LastUpdatedAt": trigger.last_updated_at,
                **tags_member("Tags", self.tags.get(trigger.arn)),
            }
            items.append({k: v for k, v in summary.items() if v is not None})
        return {"Items": items}

    @operation("DeleteEventTrigger")
    def delete_event_trigger(self, domain_name: str, event_trigger_name: str) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        trigger = named(domain.events.triggers, "Event trigger", event_trigger_name)
        # API_DeleteEventTrigger: "You cannot delete an Event Trigger with an active
        # Integration associated."
        users = self.integrations_using_trigger(domain_name, event_trigger_name)
        if users:
            raise BadRequestException(
                f"Event trigger {event_trigger_name} is used by the integration "
                f"{users[0]}: delete the integration, or remove the trigger from it, first"
            )
        del domain.events.triggers[event_trigger_name]
        self.tags.forget(trigger.arn)
        return {"Message": f"Event trigger {event_trigger_name} deleted"}

    def event_trigger_invocations(self, domain_name: str) -> list[dict[str, Any]]:
        """Every firing of the domain's triggers, oldest first (not an operation)."""
        invocations = self.get_domain_state(domain_name).events.trigger_invocations
        return [copy_plain(i) for i in invocations]

    def integrations_using_trigger(self, domain_name: str, trigger_name: str) -> list[str]:
        """Uris of the domain's integrations whose EventTriggerNames name the trigger."""
        return [
            uri
            for uri, integration in self.integrations.items()
            if integration.domain_name == domain_name
            and trigger_name in (integration.settings.get("EventTriggerNames") or ())
        ]

    @hears(INGESTED)
    def fire_event_triggers(self, change: Change) -> None:
        """Subscriber: test an ingested object against the triggers on its type, and
        record each firing."""
        domain = change.domain
        if change.action != INGESTED or not domain.events.triggers:
            return
        assert change.object_type_name is not None and change.unique_key is not None
        stored = domain.objects.get(change.object_type_name, change.unique_key)
        type_name = change.object_type_name
        # None for a standard record: its fields are read by path (FieldName Seat.Price)
        object_type = domain.object_types.get(type_name)
        if stored is None or (object_type is None and not is_standard(type_name)):
            return
        assert change.document is not None  # every INGESTED change carries its object
        document = change.document
        profile_id, unique_key = change.profile_id, change.unique_key
        for trigger in domain.events.triggers.values():
            if trigger.settings["ObjectTypeName"] != type_name:
                continue
            if not conditions_hold(
                trigger.settings["EventTriggerConditions"], object_type, document
            ):
                continue
            put = (domain, trigger, type_name, profile_id, unique_key, document)
            if trigger.settings.get("SegmentFilter") is None:
                self._fire(*put)
            elif journal.current.journal is None:  # no call: tested at once, whole
                self._fire_if_in_segment(*put, letting_others_in=False)
            else:
                # A segment may be an SQL query over every profile: it is tested once the
                # call's writes are whole, letting other callers in while it runs
                # (docs/event-streams.md, "When a trigger fires").
                journal.when_done(self._fire_if_in_segment, *put)

    def _fire_if_in_segment(
        self, domain: Domain, trigger: EventTrigger, type_name: str, profile_id: str,
        unique_key: str, document: Mapping[str, Any], letting_others_in: bool = True,
    ) -> None:  # fmt: skip
        """Fire the trigger if the profile is in its SegmentFilter's segment: "The
        destination is triggered only for profiles that meet the criteria of a segment
        definition." (API_CreateEventTrigger). ``letting_others_in``: no call's writes are
        open, so the segment's SQL queries may let waiting callers in."""
        if self.domains.get(domain.name) is not domain:
            return  # the domain was deleted by a caller let in meanwhile
        if domain.events.triggers.get(trigger.name) is not trigger:
            return  # so was the trigger, or it was replaced
        segment = trigger.settings["SegmentFilter"]
        if in_segment(self.lock, domain, segment, profile_id, outside_lock=letting_others_in):
            self._fire(domain, trigger, type_name, profile_id, unique_key, document)

    def _fire(
        self, domain: Domain, trigger: EventTrigger, type_name: str, profile_id: str,
        unique_key: str, document: Mapping[str, Any],
    ) -> None:  # fmt: skip
        """Fire the trigger for the put object, unless the profile's intents or the
        trigger's limits hold it back; the firing is recorded."""
        # "the destination is triggered only if the event trigger conditions are met
        # and the profile's intents also meet this filter" (IntentFilterDefinition)
        intent_filter = trigger.settings.get("IntentFilterDefinition")
        if intent_filter is not None and not intent_filter_holds(domain, profile_id, intent_filter):
            return
        moment = now()
        if not within_limits(trigger, profile_id, moment):
            return
        fired = trigger.fired.get(profile_id)
        if fired is None:
            journal.keep_new(trigger.fired, profile_id)
            fired = trigger.fired[profile_id] = []
        else:
            journal.keep_length(fired)
        fired.append(moment)
        journal.keep_length(domain.events.trigger_invocations)
        domain.events.trigger_invocations.append(
            {
                "EventTriggerName": trigger.name,
                "ObjectTypeName": type_name,
                "ProfileId": profile_id,
                "ProfileObjectUniqueKey": unique_key,
                "Object": dict(document),
                "InvokedAt": moment,
                "IntegrationUris": self.integrations_using_trigger(domain.name, trigger.name),
            }
        )


def _settings(members: Mapping[str, Any]) -> dict[str, Any]:
    return by_member(members, TRIGGER_SETTINGS, strict=True)
