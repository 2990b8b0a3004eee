"""Segment definitions (API_CreateSegmentDefinition, API_GetSegmentDefinition,
API_ListSegmentDefinitions, API_DeleteSegmentDefinition), estimates
(API_CreateSegmentEstimate, API_GetSegmentEstimate), membership (API_GetSegmentMembership)
and snapshots (API_CreateSegmentSnapshot, API_GetSegmentSnapshot).

Every answer is worked out from the profiles as they are at the call
(models/insights/segment_evaluation.py). Estimates and snapshots are jobs that complete at once, as
identity resolution's do: a poll sees SUCCEEDED (or COMPLETED) the first time. A snapshot
is written to moto's S3 when the bucket is there; otherwise it is FAILED, with the reason.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlparse

from ...compat.moto import mock_random
from ...compat.other_services import put_s3_object
from ...exceptions import BadRequestException, ResourceNotFoundException
from ..admin.domains import Domain
from ..backend_state import BackendState
from ..core.base import check_unused, copy_plain, named
from ..core.clock import now
from ..core.operations import operation
from ..core.tags import tags_member
from ..engines.segment_rules import check_segment_groups, profile_value
from ..engines.segment_sql import ADDRESS_PARTS, ADDRESSES, SCALAR_FIELDS, check_segment_query
from .segment_evaluation import (
    calculated_values,
    copied_in_steps,
    member_ids_in_steps,
    segment_test,
)
from .segment_state import SegmentDefinition, SegmentSnapshot

# "you cannot create a segment definition that uses this prefix (_default_), and you
# cannot delete a default segment" (admin guide, "Default segments")
DEFAULT_PREFIX = "_default_"
_EXTENSIONS = {"CSV": "csv", "JSONL": "jsonl"}
MESSAGE_MAX_LENGTH = 255  # GetSegmentEstimate's Message: "Maximum length of 255"


def _definition_summary(definition: SegmentDefinition) -> dict[str, Any]:
    summary = {
        "SegmentDefinitionName": definition.name,
        "DisplayName": definition.display_name,
        "Description": definition.description,
        "SegmentDefinitionArn": definition.arn,
        "CreatedAt": definition.created_at,
        "SegmentType": definition.segment_type,
    }
    return {k: v for k, v in summary.items() if v is not None}


class SegmentOperations(BackendState):
    # -- definitions ---------------------------------------------------------------------
    def _check_sql_allowed(self, domain: Domain, member: str) -> None:
        # SQL segments need the domain's data store (admin guide, "Build customer segments")
        if not (domain.settings.get("DataStore") or {}).get("Enabled"):
            raise BadRequestException(
                f"{member}: SQL segments need the domain's data store: enable DataStore "
                f"on domain {domain.name} first"
            )

    def _check_query(
        self, domain: Domain, groups: Mapping[str, Any] | None, sql: str | None, members: str
    ) -> None:
        if (groups is None) == (sql is None):
            raise BadRequestException(f"Give exactly one of {members}")
        if sql is not None:
            self._check_sql_allowed(domain, "SegmentSqlQuery")
            check_segment_query(sql)  # prepared, not run: refused now if it cannot run
        else:
            assert groups is not None
            check_segment_groups(groups, members.split(" or ")[0])

    @operation("CreateSegmentDefinition")
    def create_segment_definition(
        self,
        domain_name: str,
        segment_definition_name: str,
        display_name: str,
        description: str | None = None,
        segment_groups: dict[str, Any] | None = None,
        segment_sql_query: str | None = None,
        segment_sort: dict[str, Any] | None = None,
        tags: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        if segment_definition_name.startswith(DEFAULT_PREFIX):
            raise BadRequestException(
                f"SegmentDefinitionName: names beginning {DEFAULT_PREFIX} are reserved for "
                "default segments"
            )
        check_unused(domain.segments.definitions, "Segment definition", segment_definition_name)
        self._check_query(domain, segment_groups, segment_sql_query,
                          "SegmentGroups or SegmentSqlQuery")  # fmt: skip
        definition = SegmentDefinition(
            name=segment_definition_name,
            arn=self.arn(f"domains/{domain_name}/segment-definitions/{segment_definition_name}"),
            display_name=display_name,
            description=description,
            segment_groups=copy_plain(segment_groups),
            sql_query=segment_sql_query,
            segment_sort=copy_plain(segment_sort),
        )
        if segment_definition_name in definition.source_names():
            raise BadRequestException(
                f"SourceSegments: segment {segment_definition_name} cannot be its own source "
                f"(a cycle of source segments)"
            )
        for source in definition.source_names():
            if source not in domain.segments.definitions:
                raise BadRequestException(
                    f"SourceSegments: segment definition {source} does not exist"
                )
        self.tags.register(definition.arn, tags)
        domain.segments.definitions[segment_definition_name] = definition
        described = _definition_summary(definition)
        del described["SegmentType"]
        return {**described, **tags_member("Tags", self.tags.get(definition.arn))}

    def _definition(self, domain: Domain, name: str) -> SegmentDefinition:
        return named(domain.segments.definitions, "Segment definition", name)

    @operation("GetSegmentDefinition")
    def get_segment_definition(
        self, domain_name: str, segment_definition_name: str
    ) -> dict[str, Any]:
        definition = self._definition(self.get_domain_state(domain_name), segment_definition_name)
        stored = {
            "SegmentGroups": definition.segment_groups,
            "SegmentSqlQuery": definition.sql_query,
            "SegmentSort": definition.segment_sort,
        }
        return {
            **_definition_summary(definition),
            **{k: copy_plain(v) for k, v in stored.items() if v is not None},
            **tags_member("Tags", self.tags.get(definition.arn)),
        }

    @operation("ListSegmentDefinitions")
    def list_segment_definitions(self, domain_name: str) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        return {
            "Items": [
                {**_definition_summary(d), **tags_member("Tags", self.tags.get(d.arn))}
                for d in domain.segments.definitions.values()
            ]
        }

    @operation("DeleteSegmentDefinition")
    def delete_segment_definition(
        self, domain_name: str, segment_definition_name: str
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        if segment_definition_name.startswith(DEFAULT_PREFIX):
            raise BadRequestException(
                f"SegmentDefinitionName: a default segment ({segment_definition_name}) "
                "cannot be deleted"
            )
        definition = self._definition(domain, segment_definition_name)
        for other in domain.segments.definitions.values():
            if segment_definition_name in other.source_names():
                raise BadRequestException(
                    f"Segment definition {segment_definition_name} is a source segment of "
                    f"{other.name}: delete {other.name} first"
                )
        for trigger in domain.events.triggers.values():
            if trigger.settings.get("SegmentFilter") == segment_definition_name:
                raise BadRequestException(
                    f"Segment definition {segment_definition_name} is the SegmentFilter of "
                    f"event trigger {trigger.name}: change or delete the trigger first"
                )
        del domain.segments.definitions[segment_definition_name]
        domain.segments.subscriptions.pop(segment_definition_name, None)
        for snapshot_id, snapshot in list(domain.segments.snapshots.items()):
            if snapshot.segment_name == segment_definition_name:
                del domain.segments.snapshots[snapshot_id]
        self.tags.forget(definition.arn)
        return {"Message": f"Segment definition {segment_definition_name} deleted"}

    # -- estimates -----------------------------------------------------------------------
    @operation("CreateSegmentEstimate")
    def create_segment_estimate(
        self,
        domain_name: str,
        segment_query: dict[str, Any] | None = None,
        segment_sql_query: str | None = None,
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        self._check_query(domain, segment_query, segment_sql_query,
                          "SegmentQuery or SegmentSqlQuery")  # fmt: skip
        # evaluated as a definition that no other segment can name
        query = SegmentDefinition(
            name="", arn="", display_name="", description=None,
            segment_groups=segment_query, sql_query=segment_sql_query, segment_sort=None,
        )  # fmt: skip
        outcome: dict[str, Any] = {"Status": "SUCCEEDED"}
        try:  # the work is done in steps (the query without the lock): docs/segments.md
            test = segment_test(self.lock, domain, query, outside_lock=True)
            outcome["Estimate"] = str(len(member_ids_in_steps(self.lock, domain, test)))
        except BadRequestException as failed:
            if segment_sql_query is None:
                raise  # a SegmentQuery that cannot be evaluated is refused
            # a query that could not finish: the estimate FAILED, and Message says why
            outcome = {"Status": "FAILED", "Message": failed.message[:MESSAGE_MAX_LENGTH]}
        estimate_id = mock_random.uuid4().hex
        domain.segments.estimates[estimate_id] = {
            "DomainName": domain_name, "EstimateId": estimate_id, **outcome, "StatusCode": 200,
        }  # fmt: skip
        return {"DomainName": domain_name, "EstimateId": estimate_id, "StatusCode": 200}

    @operation("GetSegmentEstimate")
    def get_segment_estimate(self, domain_name: str, estimate_id: str) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        return dict(named(domain.segments.estimates, "Segment estimate", estimate_id))

    # -- membership ----------------------------------------------------------------------
    @operation("GetSegmentMembership")
    def get_segment_membership(
        self, domain_name: str, segment_definition_name: str, profile_ids: list[str]
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        definition = self._definition(domain, segment_definition_name)
        test = segment_test(self.lock, domain, definition, outside_lock=True)
        results: list[dict[str, Any]] = []
        failures: list[dict[str, Any]] = []
        for profile_id in profile_ids:
            profile = domain.profiles.get(profile_id)
            if profile is None:
                failures.append({"ProfileId": profile_id, "Status": 404,
                                 "Message": f"Profile {profile_id} does not exist"})  # fmt: skip
            elif test(profile):
                results.append(
                    {"ProfileId": profile_id, "QueryResult": "PRESENT",
                     "Profile": copy_plain(profile)}
                )  # fmt: skip
            else:
                results.append({"ProfileId": profile_id, "QueryResult": "ABSENT"})
        return {
            "SegmentDefinitionName": segment_definition_name,
            "Profiles": results,
            "Failures": failures,
            "LastComputedAt": now(),
        }

    # -- snapshots -----------------------------------------------------------------------
    @operation("CreateSegmentSnapshot")
    def create_segment_snapshot(
        self,
        domain_name: str,
        segment_definition_name: str,
        data_format: str,
        encryption_key: str | None = None,
        role_arn: str | None = None,
        destination_uri: str | None = None,
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        definition = self._definition(domain, segment_definition_name)
        if destination_uri is None:
            # "This field must be provided if the request is not submitted from the
            # Connect Customer Admin Website" (API_CreateSegmentSnapshot)
            raise BadRequestException("DestinationUri: give the s3://bucket/prefix to export to")
        destination = urlparse(destination_uri)
        if destination.scheme != "s3" or not destination.netloc:
            raise BadRequestException(
                f"DestinationUri: {destination_uri} is not an S3 location (s3://bucket/prefix)"
            )
        snapshot_id = mock_random.uuid4().hex
        problem = self._export(domain, definition, data_format, destination.netloc,
                               _key(destination.path, snapshot_id, data_format))  # fmt: skip
        # another caller may have deleted the definition while the export let it in
        self._definition(domain, segment_definition_name)
        domain.segments.snapshots[snapshot_id] = SegmentSnapshot(
            snapshot_id=snapshot_id,
            segment_name=segment_definition_name,
            data_format=data_format,
            status="FAILED" if problem else "COMPLETED",
            status_message=problem,
            destination_uri=destination_uri,
            encryption_key=encryption_key,
            role_arn=role_arn,
        )
        return {"SnapshotId": snapshot_id}

    def _export(
        self, domain: Domain, definition: SegmentDefinition, data_format: str, bucket: str,
        key: str,
    ) -> str | None:  # fmt: skip
        """Write the members to s3://bucket/key; None when written, else why not."""
        if data_format not in _EXTENSIONS:
            return f"DataFormat {data_format} is not supported by this mock: export as CSV or JSONL"
        try:
            test = segment_test(self.lock, domain, definition, outside_lock=True)
            member_ids = member_ids_in_steps(self.lock, domain, test)
        except BadRequestException as error:
            return f"The segment could not be evaluated: {error.message}"
        attributes = (definition.segment_sort or {}).get("Attributes") or []
        # copies of the members, each with its sort keys (read now: a calculated one is
        # backend state), taken in steps; the file is built from them without the lock
        members = copied_in_steps(self.lock, domain, member_ids,
                                  _sort_keys_reader(domain, attributes))  # fmt: skip
        with self.lock.released():
            ordered = _in_sort_order(members, [a["Order"] == "DESC" for a in attributes])
            body = _csv(ordered) if data_format == "CSV" else _jsonl(ordered)
            return put_s3_object(self.account_id, self.partition, bucket, key, body.encode())

    @operation("GetSegmentSnapshot")
    def get_segment_snapshot(
        self, domain_name: str, segment_definition_name: str, snapshot_id: str
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        snapshot = domain.segments.snapshots.get(snapshot_id)
        if snapshot is None or snapshot.segment_name != segment_definition_name:
            raise ResourceNotFoundException(f"Segment snapshot {snapshot_id} does not exist")
        answer = {
            "SnapshotId": snapshot.snapshot_id,
            "Status": snapshot.status,
            "StatusMessage": snapshot.status_message,
            "DataFormat": snapshot.data_format,
            "EncryptionKey": snapshot.encryption_key,
            "RoleArn": snapshot.role_arn,
            "DestinationUri": snapshot.destination_uri,
        }
        return {k: v for k, v in answer.items() if v is not None}


def _sort_keys_reader(
    domain: Domain, attributes: list[dict[str, Any]]
) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    """What a member is sorted by, for each of SegmentSort's Attributes (None: the member
    has no such value)."""
    calculated = calculated_values(domain)
    readers = [(a["Name"], a.get("DataType") or "STRING", a.get("Type") == "CALCULATED")
               for a in attributes]  # fmt: skip

    def sort_keys(profile: Mapping[str, Any]) -> tuple[Any, ...]:
        return tuple(
            _sort_key(calculated(profile["ProfileId"], name) if is_calculated
                      else profile_value(profile, name), data_type)
            for name, data_type, is_calculated in readers
        )  # fmt: skip

    return sort_keys


def _in_sort_order(
    members: list[tuple[dict[str, Any], tuple[Any, ...]]], descending: list[bool]
) -> list[dict[str, Any]]:
    """The members (each with its sort keys) in SegmentSort's order, a member without the
    value after those with it; else as the profiles were created."""
    for place in reversed(range(len(descending))):  # stable sorts, last key first
        present = [member for member in members if member[1][place] is not None]
        absent = [member for member in members if member[1][place] is None]
        present.sort(key=lambda member: member[1][place], reverse=descending[place])
        members = present + absent
    return [profile for profile, _ in members]


def _key(prefix: str, snapshot_id: str, data_format: str) -> str:
    """Where a snapshot goes in the bucket: <prefix>/<SnapshotId>.<csv|jsonl>."""
    name = f"{snapshot_id}.{_EXTENSIONS.get(data_format, data_format.lower())}"
    prefix = prefix.strip("/")
    return f"{prefix}/{name}" if prefix else name


def _sort_key(value: str | None, data_type: str) -> Any:
    if value is None:
        return None
    if data_type == "NUMBER":
        try:
            return float(value)
        except ValueError:
            return None
    if data_type == "DATE":
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        # a moment without a zone is UTC's, so that every DATE key compares with every other
        return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()
    return value


def _columns(members: list[dict[str, Any]]) -> list[str]:
    """ProfileId, then every standard field, address part (Address.City) and custom
    attribute (Attributes.tier) that at least one member holds."""
    standard = ["ProfileId", *SCALAR_FIELDS]
    standard += [f"{a}.{part}" for a in ADDRESSES for part in ADDRESS_PARTS]
    held: set[str] = set()
    for profile in members:
        for name, value in profile.items():
            if isinstance(value, dict):
                held.update(f"{name}.{part}" for part in value)
            elif isinstance(value, str):
                held.add(name)
    columns = [c for c in standard if c == "ProfileId" or c in held]
    return columns + sorted(c for c in held if c.startswith("Attributes."))


def _csv(members: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = _columns(members)
    writer.writerow(columns)
    for profile in members:
        writer.writerow([_cell(profile, column) for column in columns])
    return out.getvalue()


def _cell(profile: Mapping[str, Any], column: str) -> str:
    name, _, part = column.partition(".")
    value = profile.get(name)
    if part:
        value = value.get(part) if isinstance(value, dict) else None
    return value if isinstance(value, str) else ""


def _jsonl(members: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(profile) + "\n" for profile in members)
