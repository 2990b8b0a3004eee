"""What a domain holds for the data that comes in (models/data_in/integrations.py,
integration_sources.py and upload_jobs.py): integration workflows, where each integration
that moves data reads and how far it has read, and upload jobs. Plain data; the behaviour
lives in those families."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..core.base import copy_plain
from ..core.clock import now


@dataclass
class Integration:
    domain_name: str
    uri: str
    arn: str
    settings: dict[str, Any]
    hidden: bool = False
    created_at: datetime = field(default_factory=now)
    last_updated_at: datetime = field(default_factory=now)


@dataclass
class Workflow:
    workflow_id: str
    uri: str
    settings: dict[str, Any]
    created_at: datetime = field(default_factory=now)

    @property
    def flow_definition(self) -> dict[str, Any]:
        config = self.settings["IntegrationConfig"].get("AppflowIntegration") or {}
        return dict(config.get("FlowDefinition") or {})


@dataclass
class IntegrationSource:
    """Where an integration reads, and how far it has read: plain data, so it survives
    cp_mock.dump_state and load_state."""

    kind: str  # S3 or KINESIS
    bucket: str = ""
    prefix: str = ""
    tasks: list[dict[str, Any]] = field(default_factory=list)  # the FlowDefinition's
    stream_arn: str = ""
    etags: dict[str, str] = field(default_factory=dict)  # S3 key -> the ETag read
    sequence_numbers: dict[str, int] = field(default_factory=dict)  # shard -> last read

    def same_place(self, other: IntegrationSource) -> bool:
        where = ("kind", "bucket", "prefix", "tasks", "stream_arn")
        return all(getattr(self, name) == getattr(other, name) for name in where)


@dataclass
class UploadJob:
    job_id: str
    display_name: str
    fields: dict[str, Any]
    unique_key: str
    unique_field: str  # the name in ``fields`` that UniqueKey names
    data_expiry: int
    status: str = "CREATED"
    status_reason: str | None = None
    created_at: datetime = field(default_factory=now)
    completed_at: datetime | None = None
    results: dict[str, int] | None = None
    client_token: str | None = None  # the SSE-C key, made when the path is first asked for
    failures: list[str] = field(default_factory=list)  # why each failed row failed

    @property
    def object_key(self) -> str:
        return f"upload-jobs/{self.job_id}/data.csv"

    def describe(self) -> dict[str, Any]:
        described = {
            "JobId": self.job_id,
            "DisplayName": self.display_name,
            "Status": self.status,
            "StatusReason": self.status_reason,
            "CreatedAt": self.created_at,
            "CompletedAt": self.completed_at,
            "Fields": copy_plain(self.fields),
            "UniqueKey": self.unique_key,
            "ResultsSummary": dict(self.results) if self.results is not None else None,
            "DataExpiry": self.data_expiry,
        }
        return {k: v for k, v in described.items() if v is not None}

    def finish(self, status: str, reason: str | None = None) -> None:
        self.status, self.status_reason, self.completed_at = status, reason, now()


@dataclass
class DataInState:
    # workflow id -> integration workflow
    workflows: dict[str, Workflow] = field(default_factory=dict)
    # integration Uri -> where it reads and how far, for those that move data
    integration_sources: dict[str, IntegrationSource] = field(default_factory=dict)
    # job id -> its upload job
    upload_jobs: dict[str, UploadJob] = field(default_factory=dict)
