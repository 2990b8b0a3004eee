"""The table of a domain's resources: for each, the members its document has and the type
they build. Where a family keeps a resource's definition as the API's own dict (its
settings), that dict is written as its members, checked by the model's shape; the other
attributes are written under the name the API gives them, each checked by its codec.

A resource's state that can be derived (compiled readers, parsed expressions, values
computed from objects) is not written: ``DERIVED`` names those attributes, and loading
builds them with the function the write path uses. tests/test_state_hostile.py holds
every field of every type here to being either written or named derived.
"""

from __future__ import annotations

from typing import Any

from ..models.admin.admin_state import DomainLayout, DomainObjectType
from ..models.data_in.data_in_state import Integration, IntegrationSource, UploadJob, Workflow
from ..models.data_in.upload_jobs import unique_field_of
from ..models.engines.calculated_values import compile_expression
from ..models.engines.filter_expressions import parse_filter_expression
from ..models.engines.segment_rules import check_segment_groups
from ..models.events.event_state import EventStream, EventTrigger
from ..models.identity.matching import IdentityResolutionJob
from ..models.insights.calculated_attribute_state import CalculatedAttribute, check_conditions
from ..models.insights.intent_state import IntentDefinition
from ..models.insights.recommender_state import Recommender, RecommenderFilter, RecommenderSchema
from ..models.insights.segment_state import (
    SegmentDefinition,
    SegmentSnapshot,
    SegmentStream,
    SegmentSubscription,
)
from ..models.objects.mapping import check_definition
from ..models.objects.object_types import ObjectType
from .codecs import (
    COUNT,
    DIGITS,
    FLAG,
    JSON_OBJECT,
    JSON_TEXT,
    MOMENT,
    NUMBER,
    STRINGS,
    TEXT,
    Choice,
    Codec,
    Integer,
    ListOf,
    MapOf,
    Member,
    Named,
    Nullable,
    Record,
    Row,
    optional,
)
from .shapes import Api

NAMES = ("DomainName", "Tags")  # members a resource's settings never hold


def _timestamps(
    created: str = "CreatedAt", updated: str | None = "LastUpdatedAt"
) -> dict[str, Member]:
    members = {created: Member("created_at", MOMENT)}
    if updated:
        members[updated] = Member("last_updated_at", MOMENT)
    return members


# -- definitions of data -------------------------------------------------------------------
def _object_type(**attributes: Any) -> ObjectType:
    settings = attributes["settings"]
    check_definition(settings.get("Fields") or {}, settings.get("Keys") or {})
    return ObjectType(**attributes)


OBJECT_TYPE = Record(
    {"ObjectTypeName": Member("name", TEXT), "ObjectTypeArn": Member("arn", TEXT),
     **_timestamps()},
    kind=ObjectType,
    make=_object_type,
    settings=("settings", Api("PutProfileObjectType", omit=(*NAMES, "ObjectTypeName"))),
    tagged=True,
)  # fmt: skip

DOMAIN_OBJECT_TYPE = Record(
    {"ObjectTypeName": Member("name", TEXT), "DomainObjectTypeArn": Member("arn", TEXT),
     **_timestamps()},
    kind=DomainObjectType,
    settings=("settings", Api("PutDomainObjectType", omit=(*NAMES, "ObjectTypeName"))),
    tagged=True,
)  # fmt: skip

LAYOUT = Record(
    {"LayoutDefinitionName": Member("name", TEXT), "LayoutArn": Member("arn", TEXT),
     "Version": Member("version", Integer(1)), **_timestamps()},
    kind=DomainLayout,
    settings=("settings", Api("CreateDomainLayout", omit=(*NAMES, "LayoutDefinitionName"))),
    tagged=True,
)  # fmt: skip


INTENT_DEFINITION = Record(
    {"IntentDomain": Member("intent_domain", TEXT), "IntentDefinitionArn": Member("arn", TEXT),
     "Intents": Member("intents", Api("PutIntentDefinition", "Intents")), **_timestamps()},
    kind=IntentDefinition,
    tagged=True,
)  # fmt: skip


# -- events --------------------------------------------------------------------------------
EVENT_STREAM = Record(
    {"EventStreamName": Member("name", TEXT), "EventStreamArn": Member("arn", TEXT),
     "Uri": Member("uri", TEXT), **_timestamps(updated=None),
     # every record sent, as the JSON put on Kinesis
     "Records": optional("records", ListOf(JSON_TEXT), []),
     "UnhealthySince": optional("unhealthy_since", MOMENT),
     "Message": optional("message", TEXT)},
    kind=EventStream,
    tagged=True,
)  # fmt: skip

EVENT_TRIGGER = Record(
    {"EventTriggerName": Member("name", TEXT), "EventTriggerArn": Member("arn", TEXT),
     **_timestamps(),
     # profile id -> when the trigger fired for it, oldest first (its limits count these)
     "Firings": optional("fired", MapOf(ListOf(MOMENT)), {})},
    kind=EventTrigger,
    settings=("settings", Api("CreateEventTrigger", omit=(*NAMES, "EventTriggerName"))),
    tagged=True,
)  # fmt: skip

# cp_mock.event_trigger_invocations: the Object as a JSON text, as PutProfileObject takes it
INVOCATION = Record(
    {name: Member(name, codec) for name, codec in (
        ("EventTriggerName", TEXT), ("ObjectTypeName", TEXT), ("ProfileId", TEXT),
        ("ProfileObjectUniqueKey", TEXT), ("Object", JSON_OBJECT), ("InvokedAt", MOMENT),
        ("IntegrationUris", ListOf(TEXT)))},
)  # fmt: skip

# cp_mock.dead_letter_objects: the message body, the queue, and whether it was sent
DEAD_LETTER = Record(
    {**{name: Member(name, codec) for name, codec in (
        ("DomainName", TEXT), ("ObjectTypeName", TEXT),
        ("ProfileObjectUniqueKey", Nullable(TEXT)), ("Object", TEXT), ("Reason", TEXT),
        ("Message", TEXT), ("Timestamp", TEXT), ("DeadLetterQueueUrl", Nullable(TEXT)),
        ("Sent", FLAG))},
     "Source": optional("Source", TEXT)},
)  # fmt: skip


# -- calculated attributes -----------------------------------------------------------------
def _calculated_attribute(
    counted: list[str], **attributes: Any
) -> tuple[CalculatedAttribute, list[str]]:
    settings = attributes["settings"]
    details = settings["AttributeDetails"]
    expression = compile_expression(
        details["Expression"], [attribute["Name"] for attribute in details["Attributes"]]
    )
    check_conditions(settings.get("Conditions"), expression.type_name)
    return CalculatedAttribute(expression=expression, **attributes), counted


def counted_objects(attribute: CalculatedAttribute) -> list[str]:
    """The unique keys of the objects ``attribute`` counts, in the order it counted them
    (its values are computed again from these objects on load, in this order)."""
    entries = [
        (attribute.tallies[profile_id].entries[unique_key].order, unique_key)
        for unique_key, profile_id in attribute.homes.items()
    ]
    return [unique_key for _, unique_key in sorted(entries)]


class _CalculatedAttributes(Named):
    """Definitions by name; each with the objects it counts (``CountedObjects``)."""

    def dump(self, value: Any, ctx: Any) -> Any:
        out = []
        for attribute in value.values():
            written = CALCULATED_ATTRIBUTE.dump(attribute, ctx)
            counted = counted_objects(attribute)
            if counted:
                written["CountedObjects"] = counted
            out.append(written)
        return out


CALCULATED_ATTRIBUTE = Record(
    {"CalculatedAttributeName": Member("name", TEXT),
     "CalculatedAttributeArn": Member("arn", TEXT), **_timestamps(),
     "CountedObjects": optional("counted", ListOf(TEXT), [], written=False)},
    kind=CalculatedAttribute,
    make=_calculated_attribute,
    settings=("settings", Api("CreateCalculatedAttributeDefinition",
                              omit=(*NAMES, "CalculatedAttributeName"))),
    tagged=True,
)  # fmt: skip


CALCULATED_ATTRIBUTES = _CalculatedAttributes(CALCULATED_ATTRIBUTE, key=lambda made: made[0].name)


# -- recommenders --------------------------------------------------------------------------
def _recommender_filter(**attributes: Any) -> RecommenderFilter:
    expression = parse_filter_expression(attributes["expression_text"])
    return RecommenderFilter(expression=expression, **attributes)


RECOMMENDER_SCHEMA = Record(
    {"RecommenderSchemaName": Member("name", TEXT), "RecommenderSchemaArn": Member("arn", TEXT),
     "Fields": Member("fields", Api("CreateRecommenderSchema", "Fields")),
     **_timestamps(updated=None)},
    kind=RecommenderSchema,
    tagged=True,
)  # fmt: skip

RECOMMENDER_FILTER = Record(
    {"RecommenderFilterName": Member("name", TEXT), "RecommenderFilterArn": Member("arn", TEXT),
     "RecommenderFilterExpression": Member("expression_text", TEXT),
     "RecommenderSchemaName": optional("schema_name", TEXT),
     "Description": optional("description", TEXT), **_timestamps(updated=None)},
    kind=RecommenderFilter,
    make=_recommender_filter,
    tagged=True,
)  # fmt: skip


class _Versions(Codec):
    """version name -> (trained at, metrics), oldest first."""

    row = Row((("RecommenderVersionName", TEXT), ("TrainedAt", MOMENT),
               ("Metrics", MapOf(NUMBER))))  # fmt: skip

    def dump(self, value: Any, ctx: Any) -> Any:
        return [self.row.dump((name, *trained), ctx) for name, trained in value.items()]

    def load(self, value: Any, path: str, ctx: Any) -> Any:
        rows = ListOf(self.row).load(value, path, ctx)
        return {name: (trained_at, metrics) for name, trained_at, metrics in rows}


RECOMMENDER = Record(
    {"RecommenderName": Member("name", TEXT), "RecommenderArn": Member("arn", TEXT),
     "RecommenderRecipeName": Member("recipe", Api("GetRecommender", "RecommenderRecipeName",
                                                   output=True)),
     "RecommenderSchemaName": optional("schema_name", TEXT),
     "RecommenderConfig": optional("config", Api("CreateRecommender", "RecommenderConfig")),
     "Description": optional("description", TEXT),
     "Status": Member("status", Api("GetRecommender", "Status", output=True)),
     **_timestamps(),
     "Versions": optional("versions", _Versions(), {}),
     "ActiveRecommenderVersionName": optional("active_version", TEXT),
     "LatestRecommenderUpdate": optional(
         "latest_update", Api("GetRecommender", "LatestRecommenderUpdate", output=True))},
    kind=Recommender,
    tagged=True,
)  # fmt: skip


# -- segments ------------------------------------------------------------------------------
def _one_query(attributes: dict[str, Any]) -> str | None:
    groups, sql = attributes["segment_groups"], attributes["sql_query"]
    if (groups is None) == (sql is None):
        return "give exactly one of SegmentGroups or SegmentSqlQuery"
    if groups is not None:
        check_segment_groups(groups, "SegmentGroups")
    return None


SEGMENT_DEFINITION = Record(
    {"SegmentDefinitionName": Member("name", TEXT), "SegmentDefinitionArn": Member("arn", TEXT),
     "DisplayName": Member("display_name", TEXT), "Description": optional("description", TEXT),
     "SegmentGroups": optional("segment_groups", Api("CreateSegmentDefinition", "SegmentGroups")),
     "SegmentSqlQuery": optional("sql_query", TEXT),
     "SegmentSort": optional("segment_sort", Api("CreateSegmentDefinition", "SegmentSort")),
     **_timestamps(updated=None)},
    kind=SegmentDefinition,
    tagged=True,
    check=_one_query,
)  # fmt: skip

SEGMENT_ESTIMATE = Api("GetSegmentEstimate", output=True)

SEGMENT_SNAPSHOT = Record(
    {"SnapshotId": Member("snapshot_id", TEXT),
     "SegmentDefinitionName": Member("segment_name", TEXT),
     "DataFormat": Member("data_format", Api("GetSegmentSnapshot", "DataFormat", output=True)),
     "Status": Member("status", Api("GetSegmentSnapshot", "Status", output=True)),
     "StatusMessage": optional("status_message", TEXT),
     "DestinationUri": optional("destination_uri", TEXT),
     "EncryptionKey": optional("encryption_key", TEXT),
     "RoleArn": optional("role_arn", TEXT)},
    kind=SegmentSnapshot,
)  # fmt: skip

_EVENT = "ListSegmentSubscriptionEvents"
SEGMENT_SUBSCRIPTION = Record(
    {"SegmentDefinitionName": Member("segment_name", TEXT),
     "Interval": Member("interval_hours",
                        Api("PutSegmentSubscription", "ScheduleConfiguration.Interval")),
     "Unit": Member("unit", Api("PutSegmentSubscription", "ScheduleConfiguration.Unit")),
     "StartedAt": Member("started_at", MOMENT),
     "LastUpdatedAt": Member("last_updated_at", MOMENT),
     "LastExecutedAt": Member("last_executed_at", MOMENT),
     # the segment's members as last recorded, and every membership event, oldest first
     "Members": optional("members", STRINGS, set()),
     "Events": optional("events", ListOf(Row((
         ("ProfileId", TEXT), ("UpdatedAt", MOMENT),
         ("EventType", Api(_EVENT, "Events[].EventType", output=True)),
         ("Event", Api(_EVENT, "Events[].Event", output=True))))), []),
     "Status": Member("status", Api("GetSegmentSubscription", "Status", output=True)),
     "Message": optional("message", TEXT)},
    kind=SegmentSubscription,
)  # fmt: skip

SEGMENT_STREAM = Record(
    {"DestinationArn": Member("destination_arn", TEXT),
     "DestinationRoleArn": Member("role_arn", TEXT),
     "AssociatedAt": Member("associated_at", MOMENT),
     "DisassociatedAt": optional("disassociated_at", MOMENT),
     "FailureReason": optional("failure_reason", TEXT),
     "Records": optional("records", ListOf(JSON_TEXT), [])},
    kind=SegmentStream,
)  # fmt: skip


# -- data in -------------------------------------------------------------------------------
def _upload_job(**attributes: Any) -> UploadJob:
    unique_field = unique_field_of(attributes["fields"], attributes["unique_key"])
    return UploadJob(unique_field=unique_field, **attributes)


UPLOAD_JOB = Record(
    {"JobId": Member("job_id", TEXT), "DisplayName": Member("display_name", TEXT),
     "Fields": Member("fields", Api("CreateUploadJob", "Fields")),
     "UniqueKey": Member("unique_key", TEXT),
     "DataExpiry": Member("data_expiry", Api("GetUploadJob", "DataExpiry", output=True)),
     "Status": Member("status", Api("GetUploadJob", "Status", output=True)),
     "StatusReason": optional("status_reason", Api("GetUploadJob", "StatusReason", output=True)),
     "CreatedAt": Member("created_at", MOMENT),
     "CompletedAt": optional("completed_at", MOMENT),
     "ResultsSummary": optional("results", Api("GetUploadJob", "ResultsSummary", output=True)),
     # the SSE-C key of the job's upload path, once asked for; why each failed row failed
     "ClientToken": optional("client_token", TEXT),
     "Failures": optional("failures", ListOf(TEXT), [])},
    kind=UploadJob,
    make=_upload_job,
)  # fmt: skip


def _source(uri: str, **attributes: Any) -> tuple[str, IntegrationSource]:
    return uri, IntegrationSource(**attributes)


class _Sources(Named):
    """Integration Uri -> what it reads and how far it has read."""

    def dump(self, value: Any, ctx: Any) -> Any:
        return [
            {"Uri": uri, **INTEGRATION_SOURCE.dump(source, ctx)} for uri, source in value.items()
        ]

    def load(self, value: Any, path: str, ctx: Any) -> Any:
        return dict(super().load(value, path, ctx).values())


INTEGRATION_SOURCE = Record(
    {"Uri": Member("uri", TEXT, written=False),
     "Kind": Member("kind", Choice(("S3", "KINESIS"))),
     "Bucket": optional("bucket", TEXT, ""), "Prefix": optional("prefix", TEXT, ""),
     "Tasks": optional("tasks", Api("PutIntegration", "FlowDefinition.Tasks"), []),
     "StreamArn": optional("stream_arn", TEXT, ""),
     # S3 key -> the ETag read; shard -> the last sequence number read
     "ETags": optional("etags", MapOf(TEXT), {}),
     "SequenceNumbers": optional("sequence_numbers", MapOf(DIGITS), {})},
    kind=IntegrationSource,
    make=_source,
)  # fmt: skip
INTEGRATION_SOURCES = _Sources(INTEGRATION_SOURCE, key=lambda made: made[0])

WORKFLOW = Record(
    {"WorkflowId": Member("workflow_id", TEXT), "Uri": Member("uri", TEXT),
     **_timestamps(updated=None)},
    kind=Workflow,
    settings=("settings", Api("CreateIntegrationWorkflow", omit=NAMES)),
)  # fmt: skip

# Integrations are the backend's (their Uris are unique across its domains).
INTEGRATION = Record(
    {"DomainName": Member("domain_name", TEXT), "Uri": Member("uri", TEXT),
     "IntegrationArn": Member("arn", TEXT), "Hidden": optional("hidden", FLAG, False),
     **_timestamps()},
    kind=Integration,
    settings=("settings", Api("GetIntegration", output=True,
                              omit=(*NAMES, "Uri", "CreatedAt", "LastUpdatedAt"))),
    tagged=True,
)  # fmt: skip


# -- identity resolution -------------------------------------------------------------------
IDENTITY_JOB = Record(
    {"JobId": Member("job_id", TEXT), "JobStartTime": Member("started_at", MOMENT),
     "JobEndTime": Member("ended_at", MOMENT),
     "Matches": optional("matches", ListOf(Row((("ProfileIds", ListOf(TEXT)),
                                                ("ConfidenceScore", NUMBER)))), []),
     "NumberOfProfilesReviewed": Member("profiles_reviewed", COUNT),
     "NumberOfMergesDone": optional("merges_done", COUNT, 0),
     "AutoMerging": optional("auto_merging", Api("CreateDomain", "Matching.AutoMerging"))},
    kind=IdentityResolutionJob,
)  # fmt: skip


def named_by(attribute: str) -> Any:
    return lambda made: getattr(made, attribute)


# Every record of the table, and the attributes of each type that loading derives (with
# the function the write path uses) rather than reads.
RECORDS = (
    OBJECT_TYPE, DOMAIN_OBJECT_TYPE, LAYOUT, EVENT_STREAM, EVENT_TRIGGER, CALCULATED_ATTRIBUTE,
    RECOMMENDER_SCHEMA, RECOMMENDER_FILTER, RECOMMENDER, SEGMENT_DEFINITION, SEGMENT_SNAPSHOT,
    SEGMENT_SUBSCRIPTION, SEGMENT_STREAM, UPLOAD_JOB, INTEGRATION_SOURCE, WORKFLOW, INTEGRATION,
    IDENTITY_JOB, INTENT_DEFINITION,
)  # fmt: skip
DERIVED: dict[type, frozenset[str]] = {
    ObjectType: frozenset({"_compiled"}),  # its Fields and Keys, compiled
    # its Expression, compiled; its values, counted again from CountedObjects
    CalculatedAttribute: frozenset({"expression", "tallies", "homes", "_order", "_readers"}),
    RecommenderFilter: frozenset({"expression"}),  # its RecommenderFilterExpression, parsed
    UploadJob: frozenset({"unique_field"}),  # the field its UniqueKey names
}
