"""What a domain holds for the data that comes in (models/data_in/integrations.py,
integration_sources.py and upload_jobs.py): integration workflows, where each integration
that moves data reads and how far it has read, and upload jobs. Plain data; the behaviour
lives in those families."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .integration_sources import IntegrationSource
    from .upload_jobs import UploadJob


@dataclass
class DataInState:
    # workflow id -> integration workflow
    workflows: dict[str, Any] = field(default_factory=dict)
    # integration Uri -> where it reads and how far, for those that move data
    integration_sources: dict[str, IntegrationSource] = field(default_factory=dict)
    # job id -> its upload job
    upload_jobs: dict[str, UploadJob] = field(default_factory=dict)
