"""Upload jobs (API_CreateUploadJob, API_GetUploadJobPath, API_StartUploadJob,
API_StopUploadJob, API_GetUploadJob, API_ListUploadJobs): profiles from a CSV file uploaded
to a pre-signed S3 URL (moto's S3). The choices the documentation leaves open are in
docs/upload-jobs.md."""

from __future__ import annotations

import base64
import hashlib
import threading
import time
from datetime import datetime, timezone
from typing import Any

import boto3
import pytest
import requests
from botocore.exceptions import ClientError
from freezegun import freeze_time

from cp_mock import get_backend
from cp_mock.models.data_in.upload_jobs import UploadJobOperations
from tests.consistency import assert_consistent

FIELDS = {
    "email": {"Source": "_source.email", "Target": "_profile.EmailAddress",
              "ContentType": "EMAIL_ADDRESS"},
    "first": {"Source": "_source.first_name", "Target": "_profile.FirstName"},
    "city": {"Source": "_source.city", "Target": "_profile.Address.City"},
    "visits": {"Source": "_source.visits", "Target": "_profile.Attributes.visits",
               "ContentType": "NUMBER"},
}  # fmt: skip
CSV = (
    "email,first_name,city,visits\n"
    "ann@example.com,Ann,Lyon,3\n"
    "bob@example.com,Bob,Oslo,1\n"
    "cy@example.com,Cy,,7\n"
)


def create_job(client: Any, domain: str, **extra: Any) -> str:
    params = {"DisplayName": "customers.csv", "Fields": FIELDS, "UniqueKey": "email", **extra}
    return str(client.create_upload_job(DomainName=domain, **params)["JobId"])


def upload(client: Any, domain: str, job_id: str, content: str) -> None:
    """PUT the file to the job's path with an ordinary HTTP client, as the model's
    GetUploadJobPath documentation says: the client token and its MD5 as SSE-C headers."""
    path = client.get_upload_job_path(DomainName=domain, JobId=job_id)
    key = path["ClientToken"]
    md5 = base64.b64encode(hashlib.md5(base64.b64decode(key)).digest()).decode()
    headers = {"x-amz-server-side-encryption-customer-algorithm": "AES256",
               "x-amz-server-side-encryption-customer-key": key,
               "x-amz-server-side-encryption-customer-key-MD5": md5}  # fmt: skip
    answer = requests.put(path["Url"], data=content.encode(), headers=headers, timeout=10)
    assert answer.status_code == 200, answer.text


def job(client: Any, domain: str, job_id: str) -> dict[str, Any]:
    got = dict(client.get_upload_job(DomainName=domain, JobId=job_id))
    got.pop("ResponseMetadata")
    return got


def profile_by_email(client: Any, domain: str, email: str) -> list[dict[str, Any]]:
    return list(
        client.search_profiles(DomainName=domain, KeyName="_email", Values=[email])["Items"]
    )


def test_a_created_job_waits_with_its_mapping(client: Any, domain: str) -> None:
    with freeze_time("2030-01-01T00:00:00Z"):
        job_id = create_job(client, domain)
    assert len(job_id) == 32 and int(job_id, 16) >= 0
    assert job(client, domain, job_id) == {
        "JobId": job_id, "DisplayName": "customers.csv", "Status": "CREATED",
        "CreatedAt": datetime(2030, 1, 1, tzinfo=timezone.utc), "Fields": FIELDS,
        "UniqueKey": "email", "DataExpiry": 14,  # "the system default of 2 weeks"
    }  # fmt: skip
    [listed] = client.list_upload_jobs(DomainName=domain)["Items"]
    assert listed["JobId"] == job_id and listed["Status"] == "CREATED"
    assert "Fields" not in listed
    assert profile_by_email(client, domain, "ann@example.com") == []  # nothing ingested yet


def test_the_uploaded_rows_become_profiles(
    client: Any, domain: str, customerprofiles_backend: Any
) -> None:
    job_id = create_job(client, domain)
    path = client.get_upload_job_path(DomainName=domain, JobId=job_id)
    assert job_id in path["Url"] and path["Url"].startswith("https://")
    assert len(base64.b64decode(path["ClientToken"])) == 32  # an AES-256 key
    assert path["ValidUntil"] > datetime.now(timezone.utc)
    upload(client, domain, job_id, CSV)
    assert client.start_upload_job(DomainName=domain, JobId=job_id)["ResponseMetadata"]
    done = job(client, domain, job_id)
    assert done["Status"] == "SUCCEEDED" and "StatusReason" not in done
    assert done["ResultsSummary"] == {"CreatedRecords": 3, "UpdatedRecords": 0, "FailedRecords": 0}
    assert done["CompletedAt"] >= done["CreatedAt"]
    [ann] = profile_by_email(client, domain, "ann@example.com")
    assert ann["FirstName"] == "Ann" and ann["Address"] == {"City": "Lyon"}
    assert ann["Attributes"] == {"visits": "3"}
    [cy] = profile_by_email(client, domain, "cy@example.com")
    assert "Address" not in cy  # an empty cell sets nothing
    # the UniqueKey is a key of the profile, as a search finds it
    found = client.search_profiles(DomainName=domain, KeyName="email", Values=["bob@example.com"])
    assert [p["FirstName"] for p in found["Items"]] == ["Bob"]
    assert client.get_domain(DomainName=domain)["Stats"]["ProfileCount"] == 3
    assert_consistent(customerprofiles_backend)


def test_a_second_job_updates_the_profiles_its_unique_key_finds(client: Any, domain: str) -> None:
    first = create_job(client, domain)
    upload(client, domain, first, CSV)
    client.start_upload_job(DomainName=domain, JobId=first)
    second = create_job(client, domain, DisplayName="more.csv")
    upload(client, domain, second, "email,first_name\nann@example.com,Anne\ndee@example.com,Dee\n")
    client.start_upload_job(DomainName=domain, JobId=second)
    assert job(client, domain, second)["ResultsSummary"] == {
        "CreatedRecords": 1, "UpdatedRecords": 1, "FailedRecords": 0,
    }  # fmt: skip
    [ann] = profile_by_email(client, domain, "ann@example.com")
    assert ann["FirstName"] == "Anne" and ann["Address"] == {"City": "Lyon"}  # the rest kept
    # a row that repeats a value in one file updates the profile the earlier row made
    third = create_job(client, domain)
    upload(client, domain, third, "email,first_name\neve@example.com,Eve\neve@example.com,Eva\n")
    client.start_upload_job(DomainName=domain, JobId=third)
    assert job(client, domain, third)["ResultsSummary"]["UpdatedRecords"] == 1
    assert [p["FirstName"] for p in profile_by_email(client, domain, "eve@example.com")] == ["Eva"]


def test_a_bad_row_fails_that_row_not_the_job(
    client: Any, domain: str, customerprofiles_backend: Any
) -> None:
    job_id = create_job(client, domain)
    rows = (
        "email,first_name,city,visits\n"
        "ann@example.com,Ann,Lyon,3\n"
        "bob@example.com,Bob\n"  # too few values
        ",Nobody,Rome,1\n"  # no UniqueKey value
        "cy@example.com,Cy,Kyiv,many\n"  # not a NUMBER
        "no-at-sign,Dee,Nice,2\n"  # not an EMAIL_ADDRESS
        "eve@example.com,Eve,Bern,5\n"
    )
    upload(client, domain, job_id, rows)
    client.start_upload_job(DomainName=domain, JobId=job_id)
    done = job(client, domain, job_id)
    assert done["Status"] == "PARTIALLY_SUCCEEDED"
    assert done["ResultsSummary"] == {"CreatedRecords": 2, "UpdatedRecords": 0, "FailedRecords": 4}
    failures = get_backend().seed.upload_job_failures(domain, job_id)
    assert [f.split(":")[0] for f in failures] == ["row 3", "row 4", "row 5", "row 6"]
    assert profile_by_email(client, domain, "cy@example.com") == []
    assert len(profile_by_email(client, domain, "eve@example.com")) == 1
    assert_consistent(customerprofiles_backend)


def test_a_value_over_the_csv_field_limit_fails_its_row_and_the_job_ends(
    client: Any, domain: str, customerprofiles_backend: Any
) -> None:
    # Python's csv reads fields of up to 128 KB (csv.field_size_limit)
    job_id = create_job(client, domain)
    rows = (
        "email,first_name,city,visits\n"
        "ann@example.com,Ann,Lyon,3\n"
        f"bob@example.com,{'B' * 140_000},Oslo,1\n"
        "cy@example.com,Cy,Kyiv,7\n"
    )
    upload(client, domain, job_id, rows)
    client.start_upload_job(DomainName=domain, JobId=job_id)
    done = job(client, domain, job_id)
    assert done["Status"] == "PARTIALLY_SUCCEEDED"
    assert done["ResultsSummary"] == {"CreatedRecords": 2, "UpdatedRecords": 0, "FailedRecords": 1}
    [failure] = get_backend().seed.upload_job_failures(domain, job_id)
    assert failure.startswith("row 3: ") and "field larger than field limit" in failure
    assert profile_by_email(client, domain, "bob@example.com") == []
    assert len(profile_by_email(client, domain, "cy@example.com")) == 1
    assert_consistent(customerprofiles_backend)


def test_a_header_that_cannot_be_read_fails_the_job(client: Any, domain: str) -> None:
    job_id = create_job(client, domain)
    upload(client, domain, job_id, f"email,{'c' * 140_000}\nann@example.com,x\n")
    client.start_upload_job(DomainName=domain, JobId=job_id)
    done = job(client, domain, job_id)
    assert (done["Status"], done["StatusReason"]) == ("FAILED", "VALIDATION_FAILURE")
    [failure] = get_backend().seed.upload_job_failures(domain, job_id)
    assert "header" in failure and "field larger than field limit" in failure
    assert client.get_domain(DomainName=domain)["Stats"]["ProfileCount"] == 0


def test_a_row_that_fails_unexpectedly_fails_alone(
    client: Any, domain: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever goes wrong with one row, the job goes on and ends in a status the API
    defines (API_GetUploadJob: Status)."""
    ingest_row = UploadJobOperations._ingest_row

    def breaking(self: Any, domain_state: Any, job: Any, mapping: Any, header: Any,
                 row: list[str]) -> bool:  # fmt: skip
        if row[0] == "bob@example.com":
            raise OverflowError("a value no reader expected")
        return ingest_row(self, domain_state, job, mapping, header, row)

    monkeypatch.setattr(UploadJobOperations, "_ingest_row", breaking)
    job_id = create_job(client, domain)
    upload(client, domain, job_id, CSV)
    client.start_upload_job(DomainName=domain, JobId=job_id)
    done = job(client, domain, job_id)
    assert done["Status"] == "PARTIALLY_SUCCEEDED"
    assert done["ResultsSummary"] == {"CreatedRecords": 2, "UpdatedRecords": 0, "FailedRecords": 1}
    [failure] = get_backend().seed.upload_job_failures(domain, job_id)
    assert failure == (
        "row 3: the row could not be ingested (OverflowError: a value no reader expected)"
    )


def test_a_job_that_cannot_run_ends_failed_with_an_internal_failure(
    client: Any, domain: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    job_id = create_job(client, domain)
    upload(client, domain, job_id, CSV)

    def unreadable(*args: Any) -> bytes:
        raise ConnectionError("the store went away")

    monkeypatch.setattr("cp_mock.models.data_in.upload_jobs.read_s3_object", unreadable)
    client.start_upload_job(DomainName=domain, JobId=job_id)
    done = job(client, domain, job_id)
    assert (done["Status"], done["StatusReason"]) == ("FAILED", "INTERNAL_FAILURE")
    assert "CompletedAt" in done


LONG_JOB_ROWS = 300


def run_beside_a_long_job(
    client: Any, domain: str, backend: Any, monkeypatch: pytest.MonkeyPatch, call: str,
    start: Any = None,
) -> tuple[dict[str, Any], int]:  # fmt: skip
    """Start a job of LONG_JOB_ROWS rows (with ``start``, else StartUploadJob); once its
    first row is in, another thread makes ``call`` on the job. What that call answered,
    and how many rows were in by then."""
    job_id = create_job(client, domain)
    upload(client, domain, job_id,
           "email,first_name\n" + "".join(f"p{n}@example.com,P{n}\n"
                                          for n in range(LONG_JOB_ROWS)))  # fmt: skip
    first_row_in, other_calling = threading.Event(), threading.Event()
    ingested = [0]
    ingest_row = UploadJobOperations._ingest_row

    def counted(self: Any, *args: Any) -> bool:
        created = ingest_row(self, *args)
        ingested[0] += 1
        if ingested[0] == 1:
            first_row_in.set()
            other_calling.wait(timeout=30)
            # The row holds the lock until the other call waits for it (for at most 5 s:
            # where nothing lets that call in, the job then goes on and the test fails).
            for _ in range(5000):
                if getattr(backend.lock, "waiting", 0):
                    break
                time.sleep(0.001)
        return created

    monkeypatch.setattr(UploadJobOperations, "_ingest_row", counted)
    answers: list[tuple[dict[str, Any], int]] = []

    def other_caller() -> None:
        own = boto3.client("customer-profiles", region_name="us-east-1")
        first_row_in.wait(timeout=30)
        other_calling.set()
        answer = getattr(own, call)(DomainName=domain, JobId=job_id)
        answers.append((job(own, domain, job_id) if call != "get_upload_job" else answer,
                        ingested[0]))  # fmt: skip

    other = threading.Thread(target=other_caller)
    other.start()
    (start or client.start_upload_job)(DomainName=domain, JobId=job_id)
    other.join(timeout=60)
    [(answer, rows_in)] = answers
    return answer, rows_in


def test_other_callers_are_answered_between_a_long_jobs_rows(
    client: Any, domain: str, customerprofiles_backend: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    answer, rows_in = run_beside_a_long_job(client, domain, customerprofiles_backend,
                                            monkeypatch, "get_upload_job")  # fmt: skip
    assert rows_in < LONG_JOB_ROWS, "the other call was answered only when the job was done"
    assert answer["Status"] == "IN_PROGRESS"
    assert 0 < answer["ResultsSummary"]["CreatedRecords"] < LONG_JOB_ROWS
    [listed] = client.list_upload_jobs(DomainName=domain)["Items"]
    assert listed["Status"] == "SUCCEEDED"  # when StartUploadJob returns, the job is done
    done = job(client, domain, listed["JobId"])
    assert done["ResultsSummary"] == {
        "CreatedRecords": LONG_JOB_ROWS, "UpdatedRecords": 0, "FailedRecords": 0
    }  # fmt: skip
    assert_consistent(customerprofiles_backend)


def test_a_running_job_is_stopped_by_another_caller(
    client: Any, domain: str, customerprofiles_backend: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    stopped, rows_in = run_beside_a_long_job(client, domain, customerprofiles_backend,
                                             monkeypatch, "stop_upload_job")  # fmt: skip
    assert rows_in < LONG_JOB_ROWS
    assert stopped["Status"] == "STOPPED" and "CompletedAt" in stopped
    [listed] = client.list_upload_jobs(DomainName=domain)["Items"]
    done = job(client, domain, listed["JobId"])
    assert done["Status"] == "STOPPED"
    created = done["ResultsSummary"]["CreatedRecords"]
    assert 0 < created < LONG_JOB_ROWS  # the rows in before it stopped stay
    assert client.get_domain(DomainName=domain)["Stats"]["ProfileCount"] == created
    assert_consistent(customerprofiles_backend)


def test_a_job_run_while_the_caller_holds_the_lock_runs_whole(
    client: Any, domain: str, customerprofiles_backend: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``with backend.lock:`` makes the calls made under it one step (cp_mock.get_backend):
    a job started so lets nobody in until it is done."""
    backend = customerprofiles_backend

    def start_holding_the_lock(**params: Any) -> None:
        with backend.lock:
            client.start_upload_job(**params)

    answer, rows_in = run_beside_a_long_job(client, domain, backend, monkeypatch,
                                            "get_upload_job", start_holding_the_lock)  # fmt: skip
    assert rows_in == LONG_JOB_ROWS
    assert answer["Status"] == "SUCCEEDED"


def test_a_file_whose_every_row_fails_fails_the_job(client: Any, domain: str) -> None:
    job_id = create_job(client, domain)
    upload(client, domain, job_id, "email,visits\nann@example.com,lots\n")
    client.start_upload_job(DomainName=domain, JobId=job_id)
    done = job(client, domain, job_id)
    assert (done["Status"], done["StatusReason"]) == ("FAILED", "VALIDATION_FAILURE")
    assert done["ResultsSummary"]["FailedRecords"] == 1


@pytest.mark.parametrize(
    "content, why",
    [(None, "no file"), ("first_name,city\nAnn,Lyon\n", "no UniqueKey column"), ("", "empty")],
)
def test_a_job_without_a_usable_file_fails_validation(
    client: Any, domain: str, content: str | None, why: str
) -> None:
    job_id = create_job(client, domain)
    if content is not None:
        upload(client, domain, job_id, content)
    client.start_upload_job(DomainName=domain, JobId=job_id)
    done = job(client, domain, job_id)
    assert (done["Status"], done["StatusReason"]) == ("FAILED", "VALIDATION_FAILURE"), why
    assert "CompletedAt" in done
    assert client.get_domain(DomainName=domain)["Stats"]["ProfileCount"] == 0


def test_a_file_put_with_boto3_into_moto_s3_is_read_too(client: Any, domain: str) -> None:
    job_id = create_job(client, domain)
    path = client.get_upload_job_path(DomainName=domain, JobId=job_id)
    bucket, _, key = path["Url"].split("://")[1].split("?")[0].partition("/")
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.put_object(Bucket=bucket.split(".")[0], Key=key, Body=CSV.encode(),
                  SSECustomerAlgorithm="AES256", SSECustomerKey=path["ClientToken"])  # fmt: skip
    client.start_upload_job(DomainName=domain, JobId=job_id)
    assert job(client, domain, job_id)["ResultsSummary"]["CreatedRecords"] == 3


def test_profiles_expire_after_the_jobs_data_expiry(client: Any, domain: str) -> None:
    # DataExpiry: "The expiry duration for the profiles ingested with the job" (the domain's
    # DefaultExpirationDays is 30)
    with freeze_time("2030-01-01T00:00:00Z") as clock:
        job_id = create_job(client, domain, DataExpiry=3)
        upload(client, domain, job_id, CSV)
        client.start_upload_job(DomainName=domain, JobId=job_id)
        assert job(client, domain, job_id)["DataExpiry"] == 3
        clock.move_to("2030-01-03T23:00:00Z")
        assert len(profile_by_email(client, domain, "ann@example.com")) == 1
        clock.move_to("2030-01-04T00:00:01Z")
        assert profile_by_email(client, domain, "ann@example.com") == []
        assert client.get_domain(DomainName=domain)["Stats"]["ProfileCount"] == 0


def test_statuses_move_one_way(client: Any, domain: str) -> None:
    def refused(call: Any, job_id: str) -> str:
        with pytest.raises(ClientError) as excinfo:
            call(DomainName=domain, JobId=job_id)
        error = excinfo.value.response["Error"]
        assert error["Code"] == "BadRequestException" and job_id in error["Message"]
        return str(error["Message"])

    done = create_job(client, domain)
    upload(client, domain, done, CSV)
    client.start_upload_job(DomainName=domain, JobId=done)
    assert "SUCCEEDED" in refused(client.start_upload_job, done)
    assert "SUCCEEDED" in refused(client.stop_upload_job, done)
    waiting = create_job(client, domain)
    client.stop_upload_job(DomainName=domain, JobId=waiting)  # stopped before completion
    stopped = job(client, domain, waiting)
    assert stopped["Status"] == "STOPPED" and "CompletedAt" in stopped
    assert "STOPPED" in refused(client.start_upload_job, waiting)
    statuses = {
        i["JobId"]: i["Status"] for i in client.list_upload_jobs(DomainName=domain)["Items"]
    }
    assert statuses == {done: "SUCCEEDED", waiting: "STOPPED"}


def test_errors_name_what_is_wrong(client: Any, domain: str) -> None:
    missing = "0" * 32
    for call in (client.get_upload_job, client.get_upload_job_path, client.start_upload_job,
                 client.stop_upload_job):  # fmt: skip
        with pytest.raises(ClientError) as excinfo:
            call(DomainName=domain, JobId=missing)
        assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as excinfo:
        create_job(client, "nowhere")
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as excinfo:
        create_job(client, domain, UniqueKey="customer_id")
    error = excinfo.value.response["Error"]
    assert error["Code"] == "BadRequestException" and "UniqueKey" in error["Message"]
    assert client.list_upload_jobs(DomainName=domain)["Items"] == []


def test_the_unique_key_may_name_a_column(client: Any, domain: str) -> None:
    # "The unique key columns for de-duping the profiles"
    job_id = create_job(client, domain, UniqueKey="first_name")
    upload(client, domain, job_id, CSV)
    client.start_upload_job(DomainName=domain, JobId=job_id)
    found = client.search_profiles(DomainName=domain, KeyName="first_name", Values=["Bob"])
    assert [p["EmailAddress"] for p in found["Items"]] == ["bob@example.com"]


def test_deleting_the_domain_deletes_its_jobs(client: Any, domain: str) -> None:
    job_id = create_job(client, domain)
    client.delete_domain(DomainName=domain)
    client.create_domain(DomainName=domain, DefaultExpirationDays=30)
    with pytest.raises(ClientError) as excinfo:
        client.get_upload_job(DomainName=domain, JobId=job_id)
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_server_mode_reads_a_file_put_into_the_servers_s3() -> None:
    # A client of the server cannot reach the URL's S3 host; it puts the file with the S3
    # API at the server's endpoint, where moto serves S3 too (docs/upload-jobs.md).
    from cp_mock.server import ThreadedServer

    with ThreadedServer() as server:
        options = {"region_name": "us-east-1", "endpoint_url": server.endpoint_url,
                   "aws_access_key_id": "testing", "aws_secret_access_key": "testing"}  # fmt: skip
        client = boto3.client("customer-profiles", **options)
        client.create_domain(DomainName="served", DefaultExpirationDays=30)
        job_id = create_job(client, "served")
        path = client.get_upload_job_path(DomainName="served", JobId=job_id)
        host, _, key = path["Url"].split("://")[1].split("?")[0].partition("/")
        s3, bucket = boto3.client("s3", **options), host.split(".")[0]
        s3.put_object(Bucket=bucket, Key=key, Body=CSV.encode(), SSECustomerAlgorithm="AES256",
                      SSECustomerKey=path["ClientToken"])  # fmt: skip
        client.start_upload_job(DomainName="served", JobId=job_id)
        assert job(client, "served", job_id)["Status"] == "SUCCEEDED"
        assert len(profile_by_email(client, "served", "bob@example.com")) == 1
        s3.delete_object(Bucket=bucket, Key=key)
        s3.delete_bucket(Bucket=bucket)
        get_backend().reset()
