"""The Customer Profiles backend: one per (account, region), composed of the families.

Each family inherits ``BackendState`` alone: what one area needs of another is a named
function of the owning area, or a subscriber to the change feed."""

from __future__ import annotations

import copy
import dataclasses
import os
from collections.abc import Callable, Iterator
from threading import Lock
from typing import Any, ClassVar

import botocore.loaders
import botocore.session
from moto.core.base_backend import BackendDict, BaseBackend

from .admin.dead_letters import DeadLetterOperations
from .admin.domain_object_types import DomainObjectTypeOperations
from .admin.domain_operations import DomainOperations
from .admin.domains import Domain
from .admin.layouts import LayoutOperations
from .admin.tagging import TagOperations
from .backend_state import Subscriber
from .core import journal
from .core.backend_lock import BackendLock
from .core.clock import now, timestamp
from .core.seeding import Seeding
from .core.tags import TagStore
from .data_in.data_in_state import Integration
from .data_in.integration_sources import IntegrationSourceOperations
from .data_in.integrations import IntegrationOperations
from .data_in.upload_jobs import UploadJobOperations
from .events.event_streams import EventStreamOperations
from .events.event_triggers import EventTriggerOperations
from .identity.matching import MatchingOperations
from .identity.merge import MergeOperations
from .insights.calculated_attributes import CalculatedAttributeOperations
from .insights.intents import IntentOperations
from .insights.profile_recommendations import RecommendationOperations
from .insights.recommenders import RecommenderOperations
from .insights.segment_subscriptions import SegmentSubscriptionOperations
from .insights.segments import SegmentOperations
from .objects.attributes import AttributeOperations
from .objects.batch_objects import BatchObjectOperations
from .objects.detect import DetectOperations
from .objects.object_types import ObjectTypeOperations
from .objects.objects import ObjectOperations
from .objects.templates import TemplateOperations
from .profiles.expiry import ExpiryOperations
from .profiles.history import HistoryOperations
from .profiles.profiles import ProfileOperations

# Domain fields whose every change is noted in the journal: shared by a configuration's copy.
JOURNALED_DOMAIN_FIELDS = frozenset(
    ("profiles", "index", "profile_rank", "_ranks", "objects", "history", "history_ids",
     "ingested", "profile_expiry")
)  # fmt: skip


# Attributes of the backend that are not its state: set by moto's BaseBackend from the
# constructor's arguments, the lock, and what a call holding it is doing.
_NOT_COPIED = frozenset(("region_name", "account_id", "partition", "lock", "syncing_domains"))


def _shared_parts(domain: Domain) -> dict[int, Any]:
    """A deepcopy memo that makes a copy of ``domain``'s configuration share what the
    journal keeps: the journaled fields of the domain and of each area's part of it
    (``EventState``, say), and those of the resources they hold (dataclass fields with
    ``journal.JOURNALED`` metadata)."""
    shared: dict[int, Any] = {}
    _share_journaled(domain, JOURNALED_DOMAIN_FIELDS, shared, area_parts=True)
    return shared


def _is_record(value: Any) -> bool:
    return dataclasses.is_dataclass(value) and not isinstance(value, type)


def _share_journaled(
    holder: Any, journaled: frozenset[str], shared: dict[int, Any], area_parts: bool
) -> None:
    for field in dataclasses.fields(holder):
        value = getattr(holder, field.name)
        if field.name in journaled or field.metadata.get(journal.JOURNALED_KEY):
            shared[id(value)] = value
        elif area_parts and _is_record(value):  # an area's part: its fields as the domain's
            _share_journaled(value, frozenset(), shared, area_parts=False)
        else:
            for resource in value.values() if isinstance(value, dict) else (value,):
                if _is_record(resource):
                    for part in dataclasses.fields(resource):
                        if part.metadata.get(journal.JOURNALED_KEY):
                            kept = getattr(resource, part.name)
                            shared[id(kept)] = kept


def _put_back_sources(domain: Domain, sources: dict[str, Any]) -> None:
    """Undo a tick's reading of the integration sources. The domain's data-in part is
    looked up when the undo runs: a configuration's copy, put back first, replaces it."""
    domain.data_in.integration_sources = sources


def _put_back_configuration(
    backend: Any, saved: dict[str, Any], domain: Domain | None, fields: dict[str, Any]
) -> None:
    for name, value in saved.items():
        setattr(backend, name, value)
    for name, value in fields.items():
        setattr(domain, name, value)


class CustomerProfilesBackend(
    BatchObjectOperations,
    UploadJobOperations,
    IntegrationSourceOperations,
    ObjectOperations,
    ObjectTypeOperations,
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
    """Plain in-memory state. The operations are the methods the families declare with
    ``@operation`` (models/core/operations.py), which the request path calls through that
    table only; the helpers a test seeds and inspects state with are ``seed``'s. Both hold
    ``lock`` while they run, in the call's journal, and tick the clock first."""

    # Who hears each change (models/core/changes.py), in this order.
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

    @property
    def seed(self) -> Seeding:
        """The helpers a test seeds and inspects state with (models/core/seeding.py): not
        operations, and never served."""
        return Seeding(self)

    def tick_clock(self, domain_name: str) -> None:
        """The mock's clock moves for ``domain_name``: what has expired by now goes (objects
        first, then profiles, by one reading of the clock), then what its integrations'
        sources hold is ingested. The outermost call into the backend runs it once, for
        the domain it names, before the implementation (models/core/operations.py); lookups
        (``get_domain_state``) change nothing. A domain that does not exist has nothing to
        tick."""
        domain = self.domains.get(domain_name)
        if domain is None:
            return
        if domain.objects.by_type:  # objects may be due: judged by a datetime's seconds
            # (exactly those of the moment: time.time() may differ from them in the last
            # place, which decides an object due at that very moment)
            at = now().timestamp()
            self._expire_objects(domain, at)
        else:  # (a domain of profiles alone: the same reading, as a float, at a tenth)
            at = timestamp()
        self._expire_profiles(domain, at)
        sources = domain.data_in.integration_sources
        if sources:  # most domains have none: one test
            # (where the sources have read to is kept whole: the call may yet fail)
            journal.undo_with(_put_back_sources, domain, copy.deepcopy(sources))
            self._sync_integration_sources(domain)

    def _keep_configuration(self, opened: journal.Journal, domain_name: str | None) -> None:
        """Before an operation that is not journaled write by write: a copy of the
        backend's own state (the domains it holds, integrations, tags) and of the named
        domain's configuration, put back if the call fails. Once a call per domain (and again
        after each time the call lets others in: models/core/journal.py)."""
        key = (id(self), domain_name)
        if opened.kept is None:
            opened.kept = set()
        elif key in opened.kept:
            return
        opened.kept.add(key)
        saved = {
            name: dict(value) if name == "domains" else copy.deepcopy(value)
            for name, value in vars(self).items()
            if name not in _NOT_COPIED
        }
        domain = self.domains.get(domain_name) if domain_name is not None else None
        fields: dict[str, Any] = {}
        if domain is not None:
            memo = _shared_parts(domain)
            fields = {
                field.name: copy.deepcopy(getattr(domain, field.name), memo)
                for field in dataclasses.fields(domain)
                if field.name not in JOURNALED_DOMAIN_FIELDS
            }
        opened.steps.append((_put_back_configuration, self, saved, domain, fields))
        # long work that lets others in keeps what it did before; from then on a failure
        # puts back the configuration as it is when the call holds the lock again
        opened.copy_again_after_handover(lambda: self._keep_configuration(opened, domain_name))


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
