"""The Customer Profiles backend: one per (account, region), composed of the families."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from threading import RLock
from typing import Any, TypeVar

import botocore.session
from moto.core.base_backend import BackendDict, BaseBackend

from .attributes import AttributeOperations
from .dead_letters import DeadLetterOperations
from .detect import DetectOperations
from .domain_object_types import DomainObjectTypeOperations
from .domains import Domain, DomainOperations
from .event_streams import EventStreamOperations
from .event_triggers import EventTriggerOperations
from .expiry import ExpiryOperations
from .history import HistoryOperations
from .integrations import Integration, IntegrationOperations
from .matching import MatchingOperations
from .merge import MergeOperations
from .objects import ObjectOperations
from .profiles import ProfileOperations
from .tags import TagOperations, TagStore
from .templates import TemplateOperations

Backend = TypeVar("Backend", bound=type)


def public_methods_hold_the_lock(backend: Backend) -> Backend:
    """Make every public method the families define take the backend's ``lock``, so a
    test seeding state straight through the backend from several threads is as safe as
    the service's own requests. The lock is re-entrant: methods that call one another,
    and the response layer holding it around a call and its rendering, nest freely."""
    families = [cls for cls in backend.__mro__ if cls.__module__.startswith(__package__ or "")]
    for family in families:
        for name, method in vars(family).items():
            if name.startswith("_") or not inspect.isfunction(method):
                continue
            if getattr(backend, name) is method:  # the one the backend resolves to
                setattr(backend, name, _holding_the_lock(method))
    return backend


def _holding_the_lock(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def locked(self: Any, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            return method(self, *args, **kwargs)

    return locked


@public_methods_hold_the_lock
class CustomerProfilesBackend(
    ExpiryOperations,  # first: profiles expire after objects; it extends the history hook
    ObjectOperations,  # before ProfileOperations: it extends the profile hooks
    HistoryOperations,
    MatchingOperations,
    MergeOperations,
    IntegrationOperations,  # before DomainOperations: it extends delete_domain
    AttributeOperations,
    EventStreamOperations,
    EventTriggerOperations,
    ProfileOperations,
    DomainObjectTypeOperations,
    DetectOperations,
    DomainOperations,
    TemplateOperations,
    TagOperations,
    DeadLetterOperations,
    BaseBackend,
):
    """Plain in-memory state; every operation is a public method, named as boto3 names it.

    Every public method holds ``lock`` while it runs (``public_methods_hold_the_lock``).
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
