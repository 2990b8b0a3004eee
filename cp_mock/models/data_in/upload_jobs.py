"""Upload jobs (API_CreateUploadJob, API_GetUploadJobPath, API_StartUploadJob,
API_StopUploadJob, API_GetUploadJob, API_ListUploadJobs): profiles from a CSV file.

A job is created with its ``Fields`` (how CSV columns map into the standard profile, as an
object type's Fields do: ``Source`` ``_source.<column>``, ``Target`` ``_profile.<field>``)
and ``UniqueKey`` (the field, or column, whose value tells one profile from another).
``GetUploadJobPath`` gives a pre-signed S3 PUT URL into a bucket the mock keeps in moto's S3
and the SSE-C key (``ClientToken``) the upload is signed for. ``StartUploadJob`` reads the
file and ingests it at once, as the mock's other jobs complete at once: each row creates a
profile, or updates the one whose ``UniqueKey`` value it carries; the profiles expire
``DataExpiry`` days (default 14, "2 weeks") after the job wrote them. A row that cannot be
ingested fails alone. The rows are ingested one at a time, letting a caller that waits for
the backend's lock in between two. The choices the documentation leaves open are in
docs/upload-jobs.md.
"""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

from ...compat.moto import mock_random
from ...compat.other_services import presigned_s3_put_url, read_s3_object, s3_bucket_for_uploads
from ...exceptions import BadRequestException
from ..admin.domains import Domain
from ..backend_state import BackendState, Change
from ..core.base import copy_plain, named
from ..core.changes import CREATED, UPDATED
from ..core.clock import now, timestamp
from ..core.operations import operation
from ..engines.search_keys import ADDED_SOURCE, EMAIL_ADDRESS, PHONE_NUMBER
from ..objects.mapping import (
    FieldReaders,
    ProfileTargets,
    changes_for,
    field_readers,
    profile_targets,
    read_fields,
)
from ..profiles.expiry import DAY_SECONDS
from ..profiles.profiles import store_new_profile, update_stored_profile
from .csv_records import csv_records
from .data_in_state import UploadJob

DEFAULT_DATA_EXPIRY_DAYS = 14  # CreateUploadJob, DataExpiry: "the system default of 2 weeks"
URL_VALID_SECONDS = 3600  # the pre-signed URL's lifetime (AWS does not document its own)
SUMMARY_MEMBERS = ("JobId", "DisplayName", "Status", "StatusReason", "CreatedAt",
                   "CompletedAt", "DataExpiry")  # fmt: skip


class RowFailed(Exception):
    """This row cannot be ingested; the others go on."""


def unique_field_of(fields: dict[str, Any], unique_key: str) -> str:
    """The field UniqueKey names: a name in Fields, or the column a field reads."""
    if unique_key in fields:
        return unique_key
    for name, definition in fields.items():
        if str(definition.get("Source") or "") in (unique_key, f"_source.{unique_key}"):
            return name
    raise BadRequestException(
        f"UniqueKey: {unique_key} is neither a name in Fields nor a column a field reads"
    )


def check_value(name: str, definition: dict[str, Any], value: str) -> None:
    """A value its field's ContentType cannot hold fails its row."""
    content_type = definition.get("ContentType")
    if content_type == "NUMBER":
        try:
            float(value)
        except ValueError:
            raise RowFailed(f"{name}: {value!r} is not a NUMBER") from None
    elif content_type == EMAIL_ADDRESS and "@" not in value:
        raise RowFailed(f"{name}: {value!r} is not an EMAIL_ADDRESS")
    elif content_type == PHONE_NUMBER and not any(c.isdigit() for c in value):
        raise RowFailed(f"{name}: {value!r} is not a PHONE_NUMBER")


class UploadJobOperations(BackendState):
    def _upload_job(self, domain: Domain, job_id: str) -> UploadJob:
        return named(domain.data_in.upload_jobs, "Upload job", job_id)

    @operation("CreateUploadJob")
    def create_upload_job(
        self,
        domain_name: str,
        display_name: str,
        fields: dict[str, Any],
        unique_key: str,
        data_expiry: int | None = None,
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        if not fields:
            raise BadRequestException("Fields: at least one column must be mapped")
        job = UploadJob(
            job_id=mock_random.uuid4().hex,
            display_name=display_name,
            fields=copy_plain(fields),
            unique_key=unique_key,
            unique_field=unique_field_of(fields, unique_key),
            data_expiry=data_expiry or DEFAULT_DATA_EXPIRY_DAYS,
        )
        domain.data_in.upload_jobs[job.job_id] = job
        return {"JobId": job.job_id}

    @operation("GetUploadJob")
    def get_upload_job(self, domain_name: str, job_id: str) -> dict[str, Any]:
        return self._upload_job(self.get_domain_state(domain_name), job_id).describe()

    @operation("ListUploadJobs")
    def list_upload_jobs(self, domain_name: str) -> dict[str, Any]:
        """In the order the jobs were created."""
        items = []
        for job in self.get_domain_state(domain_name).data_in.upload_jobs.values():
            described = job.describe()
            items.append({k: described[k] for k in SUMMARY_MEMBERS if k in described})
        return {"Items": items}

    @operation("GetUploadJobPath")
    def get_upload_job_path(self, domain_name: str, job_id: str) -> dict[str, Any]:
        job = self._upload_job(self.get_domain_state(domain_name), job_id)
        if job.client_token is None:
            # a 256-bit AES key, base64, as SSE-C takes it; from moto's random, so a test
            # that seeds it gets the same key
            key = mock_random.getrandbits(256).to_bytes(32, "big")
            job.client_token = base64.b64encode(key).decode()
        bucket = s3_bucket_for_uploads(self.account_id, self.region_name, self.partition)
        url = presigned_s3_put_url(self.account_id, self.region_name, bucket, job.object_key,
                                   job.client_token, URL_VALID_SECONDS)  # fmt: skip
        return {
            "Url": url,
            "ClientToken": job.client_token,
            "ValidUntil": now() + timedelta(seconds=URL_VALID_SECONDS),
        }

    @operation("StartUploadJob")
    def start_upload_job(self, domain_name: str, job_id: str) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        job = self._upload_job(domain, job_id)
        if job.status != "CREATED":
            raise BadRequestException(
                f"Upload job {job_id} is {job.status}: only a CREATED job starts"
            )
        job.status = "IN_PROGRESS"
        try:
            self._run_upload_job(domain, job)
        except Exception as error:  # noqa: BLE001 - a job ends in a status the API defines
            job.failures.append(f"the job could not run ({type(error).__name__}: {error})")
            job.finish("FAILED", "INTERNAL_FAILURE")
        return {}

    def _run_upload_job(self, domain: Domain, job: UploadJob) -> None:
        bucket = s3_bucket_for_uploads(self.account_id, self.region_name, self.partition)
        content = read_s3_object(self.account_id, self.partition, bucket, job.object_key)
        if content is None:
            job.failures.append("no file was uploaded to the job's path")
            job.finish("FAILED", "VALIDATION_FAILURE")
            return
        self._ingest_csv(domain, job, content)

    @operation("StopUploadJob")
    def stop_upload_job(self, domain_name: str, job_id: str) -> dict[str, Any]:
        """Stops a job that has not finished ("manually stopped or terminated before
        completion"): one never started, or one another caller's StartUploadJob is still
        running (it stops after the row it is on; the rows already in stay)."""
        job = self._upload_job(self.get_domain_state(domain_name), job_id)
        if job.status not in ("CREATED", "IN_PROGRESS"):
            raise BadRequestException(f"Upload job {job_id} is {job.status}: it cannot be stopped")
        job.finish("STOPPED")
        return {}

    def upload_job_failures(self, domain_name: str, job_id: str) -> list[str]:
        """Why the job, or each of its failed rows, failed (not an operation)."""
        return list(self._upload_job(self.get_domain_state(domain_name), job_id).failures)

    # -- ingestion ---------------------------------------------------------------------
    def _ingest_csv(self, domain: Domain, job: UploadJob, content: bytes) -> None:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            job.failures.append("the file is not UTF-8 text")
            job.finish("FAILED", "VALIDATION_FAILURE")
            return
        records = csv_records(text)
        first = next(records, None)
        if first is not None and first.problem is not None:
            job.failures.append(f"the header row cannot be read: {first.problem}")
            job.finish("FAILED", "VALIDATION_FAILURE")
            return
        header = first.values if first is not None else []
        unique_source = str(job.fields[job.unique_field].get("Source") or "")
        unique_column = unique_source.removeprefix("_source.")
        if not header or unique_column not in header:
            job.failures.append(f"the header row has no column {unique_column} (UniqueKey)")
            job.finish("FAILED", "VALIDATION_FAILURE")
            return
        # counted as the rows go, so GetUploadJob shows a running job's progress
        counts = job.results = {"CreatedRecords": 0, "UpdatedRecords": 0, "FailedRecords": 0}
        # the job's field mappings, read once for all its rows
        mapping = field_readers(job.fields), profile_targets(job.fields)
        for record in records:
            if job.status != "IN_PROGRESS":
                return  # stopped by another caller between two rows
            if record.problem is None and not record.values:
                continue  # a blank line is no record
            try:
                if record.problem is not None:
                    raise RowFailed(f"the row cannot be read: {record.problem}")
                created = self._ingest_row(domain, job, mapping, header, record.values)
            except RowFailed as failure:
                counts["FailedRecords"] += 1
                job.failures.append(f"row {record.number}: {failure}")
            except Exception as error:  # noqa: BLE001 - one row's failure is that row's
                counts["FailedRecords"] += 1
                job.failures.append(f"row {record.number}: the row could not be ingested "
                                    f"({type(error).__name__}: {error})")  # fmt: skip
            else:
                counts["CreatedRecords" if created else "UpdatedRecords"] += 1
            # each row is whole: a caller waiting for the lock is answered between two
            self.lock.let_others_in()
        ingested = counts["CreatedRecords"] + counts["UpdatedRecords"]
        if counts["FailedRecords"] == 0:
            job.finish("SUCCEEDED")
        elif ingested:
            job.finish("PARTIALLY_SUCCEEDED")
        else:
            job.finish("FAILED", "VALIDATION_FAILURE")

    def _ingest_row(
        self,
        domain: Domain,
        job: UploadJob,
        mapping: tuple[FieldReaders, ProfileTargets],
        header: list[str],
        row: list[str],
    ) -> bool:
        """Write the row's profile; whether it was created (else updated)."""
        if len(row) != len(header):
            raise RowFailed(f"{len(row)} values for {len(header)} columns")
        readers, targets = mapping
        values = read_fields(readers, dict(zip(header, row, strict=True)))
        unique_value = values.get(job.unique_field)
        if unique_value is None:
            raise RowFailed(f"no value for {job.unique_key} (UniqueKey)")
        for name, value in values.items():
            check_value(name, job.fields[name], value)
        content_type = job.fields[job.unique_field].get("ContentType")
        content_type = content_type if content_type in (EMAIL_ADDRESS, PHONE_NUMBER) else None
        found = domain.index.find(job.unique_key, [unique_value])
        if len(found) > 1:
            raise RowFailed(f"{job.unique_key} {unique_value!r} finds {len(found)} profiles")
        try:
            changes = changes_for(targets, values)
        except BadRequestException as unfit:  # a value the profile cannot hold
            raise RowFailed(unfit.message) from None
        # Everything that can fail the row has run: from here on, write.
        created = not found
        if created:
            profile_id = store_new_profile(domain, changes)["ProfileId"]
        else:
            [profile_id] = found
            profile = domain.profiles[profile_id]
            update_stored_profile(domain, profile, changes)
        domain.index.add(profile_id, job.unique_key, [unique_value], ADDED_SOURCE, content_type)
        self.publish(Change(CREATED if created else UPDATED, domain, profile_id))
        # DataExpiry: "The expiry duration for the profiles ingested with the job" (after the
        # change, which renewed the profile by the domain's default)
        domain.profile_expiry.renew(profile_id, timestamp() + job.data_expiry * DAY_SECONDS)
        return created
