"""The Customer Profiles backend: one per (account, region), composed of the families."""

from __future__ import annotations

import copy
import dataclasses
import functools
import inspect
import os
from collections.abc import Callable, Iterator
from threading import Lock
from typing import Any, ClassVar, TypeVar

import botocore.loaders
import botocore.session
from botocore import xform_name
from moto.core.base_backend import BackendDict, BaseBackend

from . import journal
from .attributes import AttributeOperations
from .backend_lock import INSIDE_A_CALL, BackendLock, inside_a_call
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
    and the response layer holding it around a call and its rendering, nest freely.

    The outermost of those calls is also the unit that happens whole or not at all: it
    opens the call's undo journal (models/journal.py), so an exception out of it, of any
    kind, leaves the state as it was before the call."""
    families = [cls for cls in backend.__mro__ if cls.__module__.startswith(__package__ or "")]
    for family in families:
        for name, method in vars(family).items():
            if name.startswith("_") or not inspect.isfunction(method):
                continue
            if getattr(method, INSIDE_A_CALL, False):
                continue  # a step of the calls that make it, which hold the lock
            if getattr(backend, name) is method:  # the one the backend resolves to
                setattr(backend, name, _holding_the_lock(method))
    return backend


def _holding_the_lock(method: Callable[..., Any]) -> Callable[..., Any]:
    name = method.__name__
    parameters = list(inspect.signature(method).parameters)
    # where the domain is named, when the method is called with it in place
    at = parameters.index("domain_name") - 1 if "domain_name" in parameters else None

    def domain_of(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str | None:
        if at is not None and len(args) > at:
            return str(args[at])
        return kwargs.get("domain_name")

    copies: bool | None = None  # whether it keeps a copy of the configuration, once known
    current, new_journal = journal.current, journal.Journal  # (looked up once: every call)

    @functools.wraps(method)
    def locked(self: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal copies
        if copies is None:
            copies = name in _configuration_copied()
        opened = current.journal
        if opened is not None and opened.owner is self:
            # inside a call on this backend, by this thread: its lock is held already
            if copies:
                self._keep_configuration(opened, domain_of(args, kwargs))
            return method(self, *args, **kwargs)
        with self.lock.service:
            opened = current.journal
            if opened is not None:  # inside a call on another backend: one call still
                if copies:
                    self._keep_configuration(opened, domain_of(args, kwargs))
                return method(self, *args, **kwargs)
            # journal.call(), written out: this runs on every call
            opened = current.journal = new_journal(self)
            try:
                if copies:
                    self._keep_configuration(opened, domain_of(args, kwargs))
                result = method(self, *args, **kwargs)
            except BaseException:
                current.journal = None
                opened.undo()
                raise
            current.journal = None
            if opened.on_success:
                opened.succeed()
            return result

    return locked


# The operations whose every write is noted in the call's journal as it is made: the
# writes to profiles and their objects, which are frequent and touch a few entries of
# large containers. Every other operation that writes (a definition's create, update or
# delete, which may also recompute what the definition derives) first keeps a copy of
# its domain's configuration, the containers it holds per profile or per object shared
# rather than copied (``_keep_configuration``): a copy proportionate to what such a call
# does anyway, and nothing any of them changes can be missed.
JOURNALED_WRITES = frozenset(
    ("add_profile_key", "batch_put_profile_object", "create_profile", "delete_profile",
     "delete_profile_key", "delete_profile_object", "merge_profiles", "put_profile_object",
     "update_profile")
)  # fmt: skip
_READS = ("get_", "list_", "search_", "batch_get_", "detect_")
# Domain fields whose every change is noted in the journal: shared by a configuration's copy.
JOURNALED_DOMAIN_FIELDS = frozenset(
    ("profiles", "index", "profile_rank", "_ranks", "objects", "history", "history_ids",
     "ingested", "profile_expiry", "dead_letters", "event_trigger_invocations")
)  # fmt: skip


# Attributes of the backend that are not its state: set by moto's BaseBackend from the
# constructor's arguments, the lock, and what a call holding it is doing.
_NOT_COPIED = frozenset(("region_name", "account_id", "partition", "lock", "syncing_domains"))


@functools.cache
def _configuration_copied() -> frozenset[str]:
    """The backend methods, by name, that keep a copy of the configuration: the model's
    operations that write, but the journaled ones (read from the model when first asked,
    not when cp_mock is imported)."""
    model = botocore.session.get_session().get_service_model("customer-profiles")
    operations = {xform_name(name) for name in model.operation_names}
    return frozenset(
        name for name in operations if not name.startswith(_READS) and name not in JOURNALED_WRITES
    )


def _shared_parts(domain: Domain) -> dict[int, Any]:
    """A deepcopy memo that makes a copy of ``domain``'s configuration share what the
    journal keeps: the journaled fields of the domain, and those of the resources it holds
    (dataclass fields with ``journal.JOURNALED`` metadata)."""
    shared: dict[int, Any] = {}
    for field in dataclasses.fields(domain):
        value = getattr(domain, field.name)
        if field.name in JOURNALED_DOMAIN_FIELDS:
            shared[id(value)] = value
            continue
        for resource in value.values() if isinstance(value, dict) else (value,):
            if dataclasses.is_dataclass(resource) and not isinstance(resource, type):
                for part in dataclasses.fields(resource):
                    if part.metadata.get(journal.JOURNALED_KEY):
                        kept = getattr(resource, part.name)
                        shared[id(kept)] = kept
    return shared


def _put_back_configuration(
    backend: Any, saved: dict[str, Any], domain: Domain | None, fields: dict[str, Any]
) -> None:
    for name, value in saved.items():
        setattr(backend, name, value)
    for name, value in fields.items():
        setattr(domain, name, value)


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

    @inside_a_call
    def get_domain_state(self, domain_name: str) -> Domain:
        """The domain, with what has expired by now gone (objects first, then profiles, by
        one reading of the clock), then what its integrations' sources hold ingested."""
        domain = super().get_domain_state(domain_name)
        moment = now()
        self._expire_objects(domain, moment)
        self._expire_profiles(domain, moment)
        if domain.integration_sources:  # most domains have none: one test
            # (where the sources have read to is kept whole: the call may yet fail)
            journal.undo_with(
                setattr, domain, "integration_sources", copy.deepcopy(domain.integration_sources)
            )
            self._sync_integration_sources(domain)
        return domain

    def _keep_configuration(self, opened: journal.Journal, domain_name: str | None) -> None:
        """Before an operation that is not journaled write by write: a copy of the
        backend's own state (the domains it holds, integrations, tags) and of the named
        domain's configuration, put back if the call fails. Once a call per domain."""
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
