"""Integrations that move data: what arrives at an integration's source, in a service moto
mocks, is ingested as objects of the integration's ObjectTypeName (docs/integrations.md).

Sources (``source_of``):
- a FlowDefinition whose SourceFlowConfig has the ``S3`` connector (admin guide, "Example:
  Programmatically integrate Amazon S3 with Amazon Connect Customer Profiles"): the files
  under its BucketName and BucketPrefix, each record through the flow's Tasks (a ``Filter``
  with the ``PROJECTION`` operator keeps the fields it lists; each ``Map`` copies its first
  SourceField to its DestinationField, and with Map tasks only mapped fields are written,
  as AppFlow writes them; without any the record's fields pass as they are);
- a Uri naming an S3 bucket (``arn:<partition>:s3:::bucket[/prefix]`` or
  ``s3://bucket[/prefix]``): inferred from the model's Uri, "The URI of the S3 bucket or any
  other type of data source"; the records' fields pass as they are;
- a Uri naming a Kinesis data stream of the domain's account and region: an inference, as
  AWS documents no such source; each record's Data is one object.
Only an integration with a single ObjectTypeName moves data (ObjectTypeNames maps name the
types of Segment and Shopify events: configuration only).

Files: a key ending ``.csv`` is CSV, one ending ``.json``, ``.jsonl`` or ``.ndjson`` JSON
Lines; any other is JSON Lines when its first non-blank character is ``{`` or ``[``. CSV has
a header row (a record per row, its values strings; a header with a dot fails the
file's rows: "Customer Profiles does not support ingesting data from CSV headers that
contain dot notation", admin guide, "Create and ingest customer data"); JSON Lines is a
JSON object per line (a line holding anything else fails alone).

When: a domain's sources are read at the start of every Customer Profiles operation on it
(``CustomerProfilesBackend.get_domain_state``), so what a test put in moto's S3 or Kinesis
is ingested when it next calls the service: the schedule runs as soon as there is
something to read, whatever the TriggerConfig says. What is there when the integration is
put is read too (S3: every file; Kinesis: from TRIM_HORIZON). Each S3 file is read once per
ETag, each Kinesis record once. A record goes the way PutProfileObject takes
(``objects.ingest``); one it would refuse goes to the domain's dead-letter queue
(models/admin/dead_letters.py, Reason ``INVALID_OBJECT``) and the others go on: nothing is
raised into the caller's own operation. The other service is read without the backend's
lock, from a copy of where each source has read to, and what was read is ingested a
record at a time, letting waiting callers in between (``_sync_integration_sources``).
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Iterator
from typing import Any, NamedTuple

from moto.core.exceptions import ServiceException

from ...compat.other_services import list_s3_objects, read_kinesis_records_after, read_s3_object
from ...exceptions import BadRequestException
from ...protocol import service_model
from ...validation import Check, checker
from ..admin.dead_letters import INVALID_OBJECT, dead_letter
from ..admin.domains import Domain
from ..backend_state import BackendState
from ..core import journal
from ..objects.object_types import object_type_for_put
from ..objects.objects import ingest, parse_object
from .csv_records import csv_records
from .data_in_state import Integration, IntegrationSource

S3 = "S3"
KINESIS = "KINESIS"
# "Customer Profiles does not support ingesting data from CSV headers that contain dot
# notation" (admin guide, "Create and ingest customer data into Customer Profiles")
DOTTED_HEADER = (
    "Customer Profiles does not support ingesting data from CSV headers that contain dot notation"  # noqa: E501
)


class Record(NamedTuple):
    """One record read from a source: the object to put, or why it cannot be one."""

    origin: str  # where it was read, for the dead-letter queue
    body: str
    problem: str | None = None
    position: tuple[str, int] | None = None  # a Kinesis record's shard and sequence number


def source_of(
    uri: str,
    flow_definition: dict[str, Any] | None,
    partition: str,
    region: str,
    account_id: str,
) -> IntegrationSource | None:
    """What the integration reads in a service moto mocks; None when it moves no data."""
    source_flow = (flow_definition or {}).get("SourceFlowConfig") or {}
    if source_flow.get("ConnectorType") == S3:
        s3 = (source_flow.get("SourceConnectorProperties") or {}).get(S3) or {}
        if s3.get("BucketName"):
            tasks = list((flow_definition or {}).get("Tasks") or [])
            return IntegrationSource(S3, s3["BucketName"], s3.get("BucketPrefix") or "", tasks)
    for bucket_uri in (f"arn:{partition}:s3:::", "s3://"):
        if uri.startswith(bucket_uri):
            bucket, _, prefix = uri[len(bucket_uri) :].partition("/")
            return IntegrationSource(S3, bucket, prefix) if bucket else None
    if uri.startswith(f"arn:{partition}:kinesis:{region}:{account_id}:stream/"):
        return IntegrationSource(KINESIS, stream_arn=uri)
    return None


def apply_tasks(tasks: list[dict[str, Any]], record: dict[str, Any]) -> dict[str, Any]:
    """The record as the flow's Filter (PROJECTION) and Map tasks write it; other tasks
    (arithmetic, masks, validations, comparison filters) are not applied."""
    projected = {
        name
        for task in tasks
        if task.get("TaskType") == "Filter"
        and "PROJECTION" in (task.get("ConnectorOperator") or {}).values()
        for name in task.get("SourceFields") or ()
    }
    if projected:
        record = {name: value for name, value in record.items() if name in projected}
    maps = [task for task in tasks if task.get("TaskType") == "Map" and task.get("SourceFields")]
    if not maps:
        return record
    written = {}
    for task in maps:
        source = task["SourceFields"][0]
        if source in record:
            written[task.get("DestinationField") or source] = record[source]
    return written


def records_of_file(location: str, content: bytes, tasks: list[dict[str, Any]]) -> Iterator[Record]:
    """The records of the file at ``location`` (CSV or JSON Lines, as the module says).
    Reading never raises: a record that cannot be read is that record's problem, and
    anything else that stops the reading is the problem of the rest of the file."""
    try:
        yield from _records_of_file(location, content, tasks)
    except Exception as error:  # noqa: BLE001 - the file's failure, not the caller's
        yield Record(location, "", f"the rest of the file cannot be read "
                                   f"({type(error).__name__}: {error})")  # fmt: skip


def _records_of_file(
    location: str, content: bytes, tasks: list[dict[str, Any]]
) -> Iterator[Record]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        yield Record(location, "", "the file is not UTF-8 text")
        return
    first = text.lstrip()[:1]
    if not first:
        return
    name = location.lower()
    if name.endswith(_JSON_LINES_ENDINGS) or (not name.endswith(".csv") and first in "{["):
        yield from _json_lines_records(location, text, tasks)
    else:
        yield from _csv_records(location, text, tasks)


_JSON_LINES_ENDINGS = (".json", ".jsonl", ".ndjson")


def _csv_records(where: str, text: str, tasks: list[dict[str, Any]]) -> Iterator[Record]:
    records = csv_records(text)
    header = next((r for r in records if r.values or r.problem is not None), None)
    assert header is not None  # the text is not blank
    if header.problem is not None:
        yield Record(f"{where}, line {header.line}", "",
                     f"the header row cannot be read: {header.problem}")  # fmt: skip
        return
    columns = header.values
    dotted = [column for column in columns if "." in column]
    for record in records:
        origin = f"{where}, line {record.line}"
        if record.problem is not None:
            yield Record(origin, "", f"the record cannot be read: {record.problem}")
            continue
        row = record.values
        if not any(row):
            continue  # a blank line is no record
        values = dict(zip(columns, row, strict=False))  # a short or long row fails below
        body = json.dumps(values)
        if len(row) != len(columns):
            yield Record(origin, body, f"{len(row)} values for {len(columns)} columns")
        elif dotted:
            yield Record(origin, body, f"{DOTTED_HEADER} ({', '.join(dotted)})")
        else:
            yield Record(origin, json.dumps(apply_tasks(tasks, values)) if tasks else body)


def _json_lines_records(where: str, text: str, tasks: list[dict[str, Any]]) -> Iterator[Record]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        origin = f"{where}, line {number}"
        if not tasks:
            yield Record(origin, line)  # put as it is: ingestion judges it, as it would a put
            continue
        try:
            document = parse_object(line)
        except BadRequestException as refused:
            yield Record(origin, line, refused.message)
        else:
            yield Record(origin, json.dumps(apply_tasks(tasks, document)))


@functools.cache
def object_problems() -> Check:
    """PutProfileObject's own checks of its Object (the model's length bounds), as the
    API runs them on a request."""
    return checker(
        service_model().operation_model("PutProfileObject").input_shape.members["Object"]
    )


class Arrival(NamedTuple):
    """What one source held that its integration has not read: read from the other
    service without the backend's lock, ingested under it."""

    uri: str
    source: IntegrationSource  # the source as it is in the domain (not the copy read)
    records: list[Record]
    listed: dict[str, str]  # S3: every key listed, with its ETag (where the source reads to)
    files: list[tuple[str, str, list[Record]]]  # S3: (key, ETag, records) of each file read


class IntegrationSourceOperations(BackendState):
    integrations: dict[str, Integration]
    syncing_domains: set[str]  # the domains whose sources are being read (not state)

    def _sync_integration_sources(self, domain: Domain) -> None:
        """Ingest what is new at the domain's sources. Ingesting publishes changes whose
        subscribers may use the domain again: that use does not read the sources again,
        nor does another caller's while this one reads them.

        What the sources have read to is copied under the lock, the other services are read
        from the copies without it (reading them needs no state of the backend's), and what
        was read is ingested under it a record at a time, letting waiting callers in between
        (docs/integrations.md, "When")."""
        if domain.name in self.syncing_domains:
            return
        self.syncing_domains.add(domain.name)
        try:
            # (a source whose object type was deleted reads nothing)
            wanted = [(uri, source, _where_read_to(source))
                      for uri, source in domain.data_in.integration_sources.items()
                      if self._object_type_name(uri) is not None]  # fmt: skip
            if not wanted:
                return
            try:
                with self.lock.released():
                    arrivals = [self._arrival(uri, source, copied)
                                for uri, source, copied in wanted]  # fmt: skip
            except Exception:  # noqa: BLE001 - read again, holding the lock, as it was read before
                # (another thread may have changed the other service as it was read)
                arrivals = [self._arrival(uri, source, source) for uri, source, _ in wanted]
            for arrival in arrivals:
                self._take_in(domain, arrival)
        finally:
            self.syncing_domains.discard(domain.name)

    def _object_type_name(self, uri: str) -> str | None:
        integration = self.integrations.get(uri)
        return integration.settings.get("ObjectTypeName") if integration else None

    def _arrival(
        self, uri: str, source: IntegrationSource, read_from: IntegrationSource
    ) -> Arrival:
        """What the source holds beyond where ``read_from`` says it has read to."""
        if read_from.kind == KINESIS:
            stream = read_from.stream_arn
            arrived = read_kinesis_records_after(self.account_id, self.region_name, stream,
                                                 read_from.sequence_numbers)  # fmt: skip
            records = [_kinesis_record(stream, *record) for record in arrived]
            return Arrival(uri, source, records, {}, [])
        bucket = read_from.bucket
        listed = list_s3_objects(self.account_id, self.partition, bucket, read_from.prefix)
        files = []
        for key, etag in listed:
            if key.endswith("/") or read_from.etags.get(key) == etag:
                continue  # a folder, or a file read as it is
            content = read_s3_object(self.account_id, self.partition, bucket, key)
            if content is not None:
                records = list(records_of_file(f"s3://{bucket}/{key}", content, read_from.tasks))
                files.append((key, etag, records))
        return Arrival(uri, source, [], dict(listed), files)

    def _reads_still(self, domain: Domain, arrival: Arrival) -> str | None:
        """The object type ``arrival``'s source is ingested as, if the domain, the source
        and its integration are still there (another caller may have removed one while it
        was let in); else None."""
        if self.domains.get(domain.name) is not domain:
            return None
        if domain.data_in.integration_sources.get(arrival.uri) is not arrival.source:
            return None
        return self._object_type_name(arrival.uri)

    def _take_in(self, domain: Domain, arrival: Arrival) -> None:
        """Ingest what arrived, a record at a time, letting waiting callers in between; a
        record's source moves on with it (a Kinesis record's sequence number, an S3 file's
        ETag once its every record is in), so that a failure after another caller was let
        in undoes the rest and leaves it to be read again."""
        source = arrival.source
        if self._reads_still(domain, arrival) is None:
            return  # removed while it was read: what was read goes nowhere
        for record in arrival.records:  # Kinesis
            type_name = self._reads_still(domain, arrival)
            if type_name is None:
                return
            assert record.position is not None
            shard_id, sequence_number = record.position
            journal.keep_item(source.sequence_numbers, shard_id)
            source.sequence_numbers[shard_id] = sequence_number
            self._ingest_record(domain, type_name, record)
            self.lock.let_others_in()
        if arrival.source.kind == KINESIS:
            return
        for key, etag, records in arrival.files:
            for record in records:
                type_name = self._reads_still(domain, arrival)
                if type_name is None:
                    return
                self._ingest_record(domain, type_name, record)
                self.lock.let_others_in()
            if self._reads_still(domain, arrival) is None:
                return
            journal.keep_item(source.etags, key)
            source.etags[key] = etag
        # what is no longer there is forgotten, so a file put there again is read again
        journal.keep_attributes(source, "etags")
        source.etags = dict(arrival.listed)

    def _ingest_record(self, domain: Domain, type_name: str, record: Record) -> None:
        """Put the record as PutProfileObject would, or send it to the dead-letter queue."""
        problem = record.problem
        if problem is None:
            problem = "; ".join(object_problems()(record.body, "Object")) or None
        if problem is None:
            try:
                object_type = object_type_for_put(self, domain, type_name)
                ingest(self, domain, object_type, record.body, origin=record.origin)
                return
            except ServiceException as refused:
                problem = refused.message
            except Exception as error:  # noqa: BLE001 - the record's failure alone
                problem = f"the record could not be ingested ({type(error).__name__}: {error})"
        dead_letter(domain, self.account_id, self.region_name, type_name, record.body,
                    None, problem, reason=INVALID_OBJECT, origin=record.origin)  # fmt: skip


def _where_read_to(source: IntegrationSource) -> IntegrationSource:
    """A copy of the source to read the other service from: the place it reads (which a
    new source replaces, never changed in place) shared, how far it has read copied."""
    return dataclasses.replace(source, etags=dict(source.etags),
                               sequence_numbers=dict(source.sequence_numbers))  # fmt: skip


def _kinesis_record(stream_arn: str, shard_id: str, sequence_number: int, data: bytes) -> Record:
    origin = f"{stream_arn}, {shard_id}, sequence number {sequence_number}"
    position = (shard_id, sequence_number)
    try:
        return Record(origin, data.decode("utf-8"), position=position)
    except UnicodeDecodeError:
        return Record(origin, "", "the record's Data is not UTF-8 text", position)
