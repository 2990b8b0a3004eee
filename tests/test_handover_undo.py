"""Long work that lets other callers in between its steps (models/core/backend_lock.py)
keeps what it did before each hand-over: a failure after it undoes only what came after,
and never what another caller wrote meanwhile (models/core/journal.py, docs/usage.md,
"A call happens whole or not at all")."""

from __future__ import annotations

import threading
import time
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from cp_mock.models.core import journal
from cp_mock.models.core.backend_lock import BackendLock
from cp_mock.models.data_in.data_in_state import UploadJob
from cp_mock.models.data_in.upload_jobs import UploadJobOperations
from tests.consistency import assert_consistent
from tests.factories import NO_RETRIES
from tests.test_upload_jobs import create_job, job, profile_by_email, upload

ROWS = 50
# one attempt: a retried StartUploadJob would be refused (the job is no longer CREATED)


def wait_until_another_thread_waits(backend: Any) -> None:
    """Hold the lock (the caller's row) until another thread waits for it, for at most 5 s
    (where nothing lets that thread in, the test then fails rather than hangs)."""
    for _ in range(5000):
        if backend.lock.waiting:
            return
        time.sleep(0.001)


def test_a_job_that_fails_after_letting_another_caller_in_keeps_that_callers_write(
    client: Any, domain: str, customerprofiles_backend: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The job's first row makes Ann's profile; another thread, let in after that row,
    renames her; the job then fails as a whole. The row before the hand-over and the
    other caller's write stay; the rows after it are undone."""
    backend = customerprofiles_backend
    job_id = create_job(client, domain)
    rows = "".join(f"p{n}@example.com,P{n}\n" for n in range(1, ROWS))
    upload(client, domain, job_id, "email,first_name\nann@example.com,Ann\n" + rows)
    first_row_in = threading.Event()
    ingest_row = UploadJobOperations._ingest_row
    rows_in = [0]

    def counted(self: Any, *args: Any) -> bool:
        created = ingest_row(self, *args)
        rows_in[0] += 1
        if rows_in[0] == 1:
            first_row_in.set()
            wait_until_another_thread_waits(backend)
        return created

    def finish_fails(self: UploadJob, status: str, reason: str | None = None) -> None:
        raise RuntimeError("the job's end could not be written")

    monkeypatch.setattr(UploadJobOperations, "_ingest_row", counted)
    monkeypatch.setattr(UploadJob, "finish", finish_fails)
    renamed: list[str] = []

    def other_caller() -> None:
        own = boto3.client("customer-profiles", region_name="us-east-1")
        first_row_in.wait(timeout=30)
        with backend.lock:  # (its two calls one step: let in once, after the first row)
            [ann] = profile_by_email(own, domain, "ann@example.com")
            own.update_profile(DomainName=domain, ProfileId=ann["ProfileId"], FirstName="Anne")
            renamed.append(ann["ProfileId"])

    other = threading.Thread(target=other_caller)
    other.start()
    starter = boto3.client("customer-profiles", region_name="us-east-1", config=NO_RETRIES)
    with pytest.raises(ClientError) as failed:
        starter.start_upload_job(DomainName=domain, JobId=job_id)
    other.join(timeout=60)
    error = failed.value.response["Error"]
    assert error["Code"] == "InternalServerException"
    assert error["Message"].endswith(
        "what it did before it last let other callers in was kept, the rest undone"
    )
    assert rows_in[0] == ROWS  # every row was ingested before the job failed
    [ann_id] = renamed

    [ann] = profile_by_email(client, domain, "ann@example.com")
    assert (ann["ProfileId"], ann["FirstName"]) == (ann_id, "Anne")
    # the rows after the hand-over are undone; the job is as the hand-over left it
    assert client.get_domain(DomainName=domain)["Stats"]["ProfileCount"] == 1
    assert profile_by_email(client, domain, "p1@example.com") == []
    monkeypatch.undo()
    left = job(client, domain, job_id)
    assert left["Status"] == "IN_PROGRESS"
    assert left["ResultsSummary"] == {"CreatedRecords": 1, "UpdatedRecords": 0,
                                      "FailedRecords": 0}  # fmt: skip
    assert_consistent(backend)
    # a job left so can be stopped, keeping its rows
    client.stop_upload_job(DomainName=domain, JobId=job_id)
    assert job(client, domain, job_id)["Status"] == "STOPPED"


def test_a_job_that_fails_without_letting_anyone_in_is_undone_whole(
    client: Any, domain: str, customerprofiles_backend: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    job_id = create_job(client, domain)
    upload(client, domain, job_id, "email,first_name\nann@example.com,Ann\nbob@example.com,Bob\n")

    def finish_fails(self: UploadJob, status: str, reason: str | None = None) -> None:
        raise RuntimeError("the job's end could not be written")

    monkeypatch.setattr(UploadJob, "finish", finish_fails)
    starter = boto3.client("customer-profiles", region_name="us-east-1", config=NO_RETRIES)
    with pytest.raises(ClientError) as failed:
        starter.start_upload_job(DomainName=domain, JobId=job_id)
    assert failed.value.response["Error"]["Message"].endswith("nothing was changed")
    monkeypatch.undo()
    assert client.get_domain(DomainName=domain)["Stats"]["ProfileCount"] == 0
    assert job(client, domain, job_id)["Status"] == "CREATED"
    assert_consistent(customerprofiles_backend)


class _Owner:
    """What a journal's owner is to the lock: something holding it."""

    def __init__(self) -> None:
        self.lock = BackendLock()


def test_a_mark_taken_before_a_seal_undoes_only_what_came_after() -> None:
    """The shared layer: BatchPutProfileObject's items undo themselves back to a mark; a
    mark from before a hand-over puts back only what the call did after it."""
    owner, state = _Owner(), {"a": 1}
    with owner.lock.service, pytest.raises(LookupError), journal.call(owner):
        journal.keep_item(state, "a")
        state["a"] = 2
        before = journal.mark()
        journal.keep_item(state, "a")
        state["a"] = 3
        opened = journal.current.journal
        assert opened is not None
        opened.seal()  # (as at a hand-over: 3 is kept)
        journal.keep_item(state, "a")
        state["a"] = 4
        journal.undo_since(before)
        assert state == {"a": 3}
        journal.keep_item(state, "b")
        state["b"] = 5
        raise LookupError("the call fails")
    assert state == {"a": 3}


def test_a_call_made_inside_a_call_on_another_backend_lets_nobody_in() -> None:
    """Its lock is not yielded to a waiting thread: handing it over would seal the outer
    call's journal too, whose own lock nobody else can take."""
    outer, inner = _Owner(), _Owner()
    taken = threading.Event()

    def waiter() -> None:
        with inner.lock.service:
            taken.set()

    with outer.lock.service, journal.call(outer), inner.lock.service:
        other = threading.Thread(target=waiter)
        other.start()
        wait_until_another_thread_waits(inner)
        inner.lock.let_others_in()
        with inner.lock.released():
            assert not taken.wait(timeout=0.2)
    other.join(timeout=5)
    assert taken.is_set()
