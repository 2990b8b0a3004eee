"""The Customer Profiles backend: one per (account, region), composed of the families."""

from __future__ import annotations

from threading import RLock
from typing import Any

import botocore.session
from moto.core.base_backend import BackendDict, BaseBackend

from .attributes import AttributeOperations
from .dead_letters import DeadLetterOperations
from .detect import DetectOperations
from .domain_object_types import DomainObjectTypeOperations
from .domains import Domain, DomainOperations
from .expiry import ExpiryOperations
from .history import HistoryOperations
from .integrations import Integration, IntegrationOperations
from .matching import MatchingOperations
from .merge import MergeOperations
from .objects import ObjectOperations
from .profiles import ProfileOperations
from .tags import TagOperations, TagStore
from .templates import TemplateOperations


class CustomerProfilesBackend(
    ExpiryOperations,  # first: profiles expire after objects; it extends the history hook
    ObjectOperations,  # before ProfileOperations: it extends the profile hooks
    HistoryOperations,
    MatchingOperations,
    MergeOperations,
    IntegrationOperations,  # before DomainOperations: it extends delete_domain
    AttributeOperations,
    ProfileOperations,
    DomainObjectTypeOperations,
    DetectOperations,
    DomainOperations,
    TemplateOperations,
    TagOperations,
    DeadLetterOperations,
    BaseBackend,
):
    """Plain in-memory state; every public method is one API operation, named as boto3 names it.

    Callers that change state from several threads hold ``lock`` (the response layer does).
    """

    def __init__(self, region_name: str, account_id: str) -> None:
        BaseBackend.__init__(self, region_name, account_id)
        self.domains: dict[str, Domain] = {}
        self.integrations: dict[str, Integration] = {}
        self.tags = TagStore()
        self.lock = RLock()


def _every_region() -> list[str]:
    """Every region of every partition botocore knows. botocore's endpoint data lists only
    some regions for Customer Profiles and lags behind its launches; a region the data
    does not list should still get a backend rather than fail."""
    session = botocore.session.get_session()
    return sorted(
        {
            region
            for partition in session.get_available_partitions()
            for region in session.get_available_regions("ec2", partition_name=partition)
        }
    )


customerprofiles_backends = BackendDict(
    CustomerProfilesBackend, "customer-profiles", additional_regions=_every_region()
)


def dead_letter_objects(
    domain_name: str, account_id: str = "123456789012", region: str = "us-east-1"
) -> list[dict[str, Any]]:
    """The objects ingestion wrote to ``domain_name``'s dead-letter queue, oldest first: each
    the message body (docs/ingestion.md) with ``DeadLetterQueueUrl`` and ``Sent``, whether
    or not moto's SQS holds the queue."""
    backend = customerprofiles_backends[account_id][region]
    with backend.lock:
        return backend.dead_letter_objects(domain_name)
