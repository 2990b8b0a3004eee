"""The Customer Profiles backend: one per (account, region), composed of the families."""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable, Iterator
from threading import Lock
from typing import Any, ClassVar, TypeVar

import botocore.loaders
from moto.core.base_backend import BackendDict, BaseBackend

from .attributes import AttributeOperations
from .backend_lock import BackendLock
from .batch_objects import BatchObjectOperations
from .calculated_attributes import CalculatedAttributeOperations
from .changes import Subscriber
from .clock import now
from .dead_letters import DeadLetterOperations
from .detect import DetectOperations
from .domain_object_types import DomainObjectTypeOperations
from .domains import Domain, DomainOperations
from .event_streams import EventStreamOperations
from .event_triggers import EventTriggerOperations
from .expiry import ExpiryOperations
from .history import HistoryOperations
from .integration_sources import IntegrationSourceOperations
from .integrations import Integration, IntegrationOperations
from .intents import IntentOperations
from .layouts import LayoutOperations
from .matching import MatchingOperations
from .merge import MergeOperations
from .objects import ObjectOperations
from .profile_recommendations import RecommendationOperations
from .profiles import ProfileOperations
from .recommenders import RecommenderOperations
from .segment_subscriptions import SegmentSubscriptionOperations
from .segments import SegmentOperations
from .tags import TagOperations, TagStore
from .templates import TemplateOperations
from .upload_jobs import UploadJobOperations

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
        with self.lock.service:
            return method(self, *args, **kwargs)

    return locked


@public_methods_hold_the_lock
class CustomerProfilesBackend(
    BatchObjectOperations,
    UploadJobOperations,
    IntegrationSourceOperations,
    ObjectOperations,
    ExpiryOperations,
    HistoryOperations,
    MatchingOperations,
    MergeOperations,
    IntegrationOperations,
    AttributeOperations,
    EventStreamOperations,
    EventTriggerOperations,
    RecommendationOperations,
    RecommenderOperations,
    SegmentOperations,
    SegmentSubscriptionOperations,
    ProfileOperations,
    DomainObjectTypeOperations,
    DetectOperations,
    DomainOperations,
    TemplateOperations,
    LayoutOperations,
    IntentOperations,
    TagOperations,
    DeadLetterOperations,
    CalculatedAttributeOperations,
    BaseBackend,
):
    """Plain in-memory state; every operation is a public method, named as boto3 names it.

    Every public method holds ``lock`` while it runs (``public_methods_hold_the_lock``).
    """

    # Who hears each change (models/changes.py), in this order.
    CHANGE_SUBSCRIBERS: ClassVar[tuple[Subscriber, ...]] = (
        # First, while a removed profile is still there to be recorded and streamed.
        HistoryOperations.record_change,
        ExpiryOperations.track_expiry,
        EventStreamOperations.stream_change,
        EventTriggerOperations.fire_event_triggers,
        IntegrationOperations.follow_domain_changes,
        CalculatedAttributeOperations.count_objects,
        # Once the profile's own values are settled: who joined or left a segment.
        SegmentSubscriptionOperations.follow_segment_membership,
        # Then what a removed profile held; the profile itself (with its keys) last.
        ObjectOperations.drop_removed_profile_objects,
        IntentOperations.forget_removed_profile_intents,
        ProfileOperations.drop_removed_profile,
    )

    def __init__(self, region_name: str, account_id: str) -> None:
        BaseBackend.__init__(self, region_name, account_id)
        self.domains: dict[str, Domain] = {}
        self.integrations: dict[str, Integration] = {}
        self.tags = TagStore()
        self.lock = BackendLock()
        self.syncing_domains: set[str] = set()

    def get_domain_state(self, domain_name: str) -> Domain:
        """The domain, with what has expired by now gone (objects first, then profiles, by
        one reading of the clock), then what its integrations' sources hold ingested."""
        domain = super().get_domain_state(domain_name)
        moment = now()
        self._expire_objects(domain, moment)
        self._expire_profiles(domain, moment)
        if domain.integration_sources:  # most domains have none: one test
            self._sync_integration_sources(domain)
        return domain


def _every_region() -> list[str]:
    """Every region of every partition botocore knows. botocore's endpoint data lists only
    some regions for Customer Profiles and lags behind its launches; a region the data
    does not list should still get a backend rather than fail.

    A list that reads the regions when it is first read (moto reads it when it makes the
    first backend, in a mock, where the endpoint data moto loads itself is shared), not
    when cp_mock is imported."""
    return _ListedOnFirstRead(_regions_of_every_partition)


def _regions_of_every_partition() -> list[str]:
    """Read from the partitions of botocore's endpoint data (endpoints.json), the data
    ``Session.get_available_regions`` reads too: asking that for a service that is in
    every region (EC2) gives the same list, but only after loading and parsing that
    service's whole model (about 20 MiB) for its endpoint prefix. The data is found where
    a session finds it (``AWS_DATA_PATH``, then botocore's own), by a loader alone: a
    session would read the AWS config files, which must not matter (or fail, for an
    ``AWS_PROFILE`` that names no profile) to cp_mock."""
    loader = botocore.loaders.create_loader(os.environ.get("AWS_DATA_PATH"))
    endpoints = loader.load_data("endpoints")
    return sorted(
        {region for partition in endpoints["partitions"] for region in partition["regions"]}
    )


class _ListedOnFirstRead(list[str]):
    """A list whose items are ``read()`` the first time anything reads it."""

    def __init__(self, read: Callable[[], list[str]]) -> None:
        super().__init__()
        self._read: Callable[[], list[str]] | None = read
        self._lock = Lock()

    def _filled(self) -> _ListedOnFirstRead:
        if self._read is not None:
            with self._lock:
                if self._read is not None:
                    super().extend(self._read())
                    self._read = None
        return self

    def __len__(self) -> int:
        return super(_ListedOnFirstRead, self._filled()).__len__()

    def __iter__(self) -> Iterator[str]:
        return super(_ListedOnFirstRead, self._filled()).__iter__()

    def __contains__(self, item: object) -> bool:
        return super(_ListedOnFirstRead, self._filled()).__contains__(item)

    def __getitem__(self, index: Any) -> Any:
        return super(_ListedOnFirstRead, self._filled()).__getitem__(index)

    def __eq__(self, other: object) -> bool:
        return list(self) == other

    __hash__ = None  # as a list's

    def __repr__(self) -> str:
        return repr(list(self))

    def copy(self) -> list[str]:
        return list(self)


customerprofiles_backends = BackendDict(
    CustomerProfilesBackend, "customer-profiles", additional_regions=_every_region()
)
