"""Profile history (API_ListProfileHistoryRecords, API_GetProfileHistoryRecord).

Every change to a profile is recorded, as a subscriber of the change feed, with the
profile (or, for an ingested object, the object) as it was at that moment in Content.
Records outlive the profile, so a deleted or merged-away profile's history stays readable.
Listings are newest first.
"""

from __future__ import annotations

import functools
import itertools
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any, NamedTuple

from ...exceptions import ResourceNotFoundException
from ..admin.domains import Domain
from ..backend_state import BackendState, Change
from ..core import journal
from ..core.changes import PROFILE_ACTIONS, hears
from ..core.clock import moment_of, now, timestamp
from ..core.operations import operation

PROFILE_RECORD_TYPE = "_profile"  # ObjectTypeName of records about the profile itself


Snapshot = tuple[Any, ...]


# Key tuples shared by snapshots: profiles written alike have the same keys in the same
# order, so their snapshots share one tuple of them (bounded: past this many, a snapshot
# keeps a tuple of its own).
_SHAPES: dict[tuple[str, ...], tuple[str, ...]] = {}
_MOST_SHAPES = 4096


def snapshot(document: dict[str, Any]) -> Snapshot:
    """An immutable copy: (its keys, then its values), sharing the (immutable) strings
    with the document and the tuple of keys with every snapshot of the same keys: far
    cheaper to take and to keep than its JSON, which is rendered only when a record's
    Content is asked for. A dict inside is a snapshot inside."""
    keys = tuple(document)
    shape = _SHAPES.get(keys)
    if shape is None:
        shape = keys
        if len(_SHAPES) < _MOST_SHAPES:
            _SHAPES[keys] = keys
    values = document.values()
    if dict in map(type, values):  # (most profiles: no dict inside)
        return (shape, *[snapshot(v) if isinstance(v, dict) else v for v in values])
    return (shape, *values)


def thaw(frozen: Snapshot) -> dict[str, Any]:
    """The document a snapshot was taken of."""
    pairs = zip(frozen[0], frozen[1:], strict=True)
    return {key: thaw(value) if type(value) is tuple else value for key, value in pairs}


class HistoryRecord(NamedTuple):
    """A history record, as read. It is kept as a plain tuple of these values (see
    ``Link``), not as this class: the garbage collector stops visiting a plain tuple once
    it has seen it holds nothing it needs to follow, never a tuple of a class of its own."""

    number: int  # the record's Id is this, as 32 hex digits
    profile_id: str
    action_type: str
    object_type_name: str
    created_at: datetime
    content: Snapshot | str  # a profile snapshot, or an object's body
    performed_by: str
    profile_object_unique_key: str | None = None

    @property
    def id(self) -> str:
        return f"{self.number:032x}"

    @property
    def content_json(self) -> str:
        if isinstance(self.content, str):
            return self.content
        return json.dumps(thaw(self.content), sort_keys=True)

    def describe(self, with_content: bool) -> dict[str, Any]:
        described = {
            "Id": self.id,
            "ObjectTypeName": self.object_type_name,
            "CreatedAt": self.created_at,
            "LastUpdatedAt": self.created_at,
            "ActionType": self.action_type,
            "PerformedBy": self.performed_by,
        }
        if self.profile_object_unique_key:
            described["ProfileObjectUniqueKey"] = self.profile_object_unique_key
        if with_content:
            described["Content"] = self.content_json
        return described


# A profile's records are a chain, newest first, each link a plain tuple: the record's
# number, action type, moment and content (a snapshot's values written out in the link,
# not a tuple of their own: its tuple of keys, then its values; an object's body as
# it is), then its object type name, unique key and
# who performed it, less those at the end that are as most records have them (a record
# about the profile itself, by the account's root: most records end after the content),
# then the link of the record before it, ``()`` after the oldest. The profile's id is the
# chain's, not each link's. The moment of a record made by a call about the profile is
# POSIX seconds (a float is half a datetime); an object's record shares the object's
# datetime; a record read from a state file keeps the datetime it was given.
# Recording adds one tuple however long the history is (a profile with thousands of
# objects ingested stays cheap to write), and a plain tuple of plain values is left alone
# by the garbage collector once it has seen it: a profile's history does not make every
# later collection longer (nor, by its count, bring on full ones).
Link = tuple[Any, ...]


def newest_first(
    chain: Link | None, profile_id: str = "", performed_by: str = ""
) -> Iterator[HistoryRecord]:
    """The records of a profile's chain (``Domain.history``), newest first; ``profile_id``
    and ``performed_by`` (who performed the records that do not say) are the chain's."""
    while chain:
        number, action, moment, content = chain[:4]
        if _is_shape(content):  # a snapshot, written out: its keys, then its values
            end = 4 + len(content)
            content, rest = chain[3:end], list(chain[end:])
        else:
            rest = list(chain[4:])
        chain = rest.pop()
        moment = moment_of(moment)
        rest.extend(_TRAILING[len(rest) :])
        object_type_name, unique_key, performer = rest
        yield HistoryRecord(
            number, profile_id, action, object_type_name, moment, content,
            performer or performed_by, unique_key,
        )  # fmt: skip


def _is_shape(content: Any) -> bool:
    """Whether a link's content is a snapshot's tuple of keys (its values follow), not an
    object's body or a snapshot kept whole."""
    return type(content) is tuple and (not content or type(content[0]) is str)


# A link's last values, when left out (``None``: the chain's ``performed_by``)
_TRAILING: tuple[str | None, ...] = (PROFILE_RECORD_TYPE, None, None)


def chained(record: HistoryRecord, older: Link | None, performed_by: str) -> Link:
    """``record`` as the newest link of a chain, before ``older`` (``performed_by``: the
    chain's, which the link then leaves out)."""
    performer = None if record.performed_by == performed_by else record.performed_by
    trailing = [record.object_type_name, record.profile_object_unique_key, performer]
    while trailing and trailing[-1] == _TRAILING[len(trailing) - 1]:
        trailing.pop()
    content = record.content
    held = content if type(content) is tuple else (content,)  # (a snapshot, written out)
    return (
        record.number, record.action_type, record.created_at, *held, *trailing, older or (),
    )  # fmt: skip


@functools.lru_cache(maxsize=64)
def performed_by(partition: str, account_id: str) -> str:
    """Who a record says made the change: the account's root. One string for every record
    of an account, not one each (it is the same, and history keeps every record)."""
    return f"arn:{partition}:iam::{account_id}:root"


def _unrecord(domain: Domain, profile_id: str, number: int, previous: Any) -> None:
    """Undo ``record_change``: the profile's chain and the count as they were."""
    domain.history_ids = itertools.count(number)
    if previous is None:
        domain.history.pop(profile_id, None)
    else:
        domain.history[profile_id] = previous


class HistoryOperations(BackendState):
    @hears(*PROFILE_ACTIONS)
    def record_change(self, change: Change) -> None:
        """Subscriber: note a change to a profile for ListProfileHistoryRecords, with the
        profile (or, for an ingested object, the object) as the change left it."""
        if change.action not in PROFILE_ACTIONS:
            return
        domain, profile_id = change.domain, change.profile_id
        stored = None
        if change.object_type_name and change.unique_key:
            stored = domain.objects.get(change.object_type_name, change.unique_key)
        content = (
            stored.body if stored is not None else snapshot(domain.profiles.get(profile_id, {}))
        )
        number = next(domain.history_ids)
        previous = domain.history.get(profile_id)
        opened = journal.current.journal  # (noted in place: every write comes this way)
        if opened is not None:
            opened.steps.append((_unrecord, domain, profile_id, number, previous))
        object_type_name, unique_key = change.object_type_name, change.unique_key
        link: Link
        if stored is not None:  # (an object's record: the object's moment, shared)
            link = (number, change.action, stored.put_at, content, object_type_name,
                    unique_key, previous or ())  # fmt: skip
        elif object_type_name is None and unique_key is None:  # (nearly every record)
            link = (number, change.action, timestamp(), *content, previous or ())
        else:
            record = HistoryRecord(
                number, profile_id, change.action, object_type_name or PROFILE_RECORD_TYPE,
                now(), content, "", unique_key,
            )  # fmt: skip
            link = chained(record, previous, "")
        domain.history[profile_id] = link

    def _records(self, domain: Domain, profile_id: str) -> list[HistoryRecord]:
        """The profile's records, newest first."""
        chain = domain.history.get(profile_id)
        if chain is None:
            if profile_id not in domain.profiles:
                raise ResourceNotFoundException(f"Profile {profile_id} does not exist")
            return []
        return list(newest_first(chain, profile_id, performed_by(self.partition, self.account_id)))

    @operation("ListProfileHistoryRecords")
    def list_profile_history_records(
        self,
        domain_name: str,
        profile_id: str,
        object_type_name: str | None = None,
        action_type: str | None = None,
        performed_by: str | None = None,
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        records = [
            r
            for r in self._records(domain, profile_id)
            if (object_type_name is None or r.object_type_name == object_type_name)
            and (action_type is None or r.action_type == action_type)
            and (performed_by is None or r.performed_by == performed_by)
        ]
        return {"ProfileHistoryRecords": [r.describe(with_content=False) for r in records]}

    @operation("GetProfileHistoryRecord")
    def get_profile_history_record(
        self, domain_name: str, profile_id: str, id: str
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        for record in self._records(domain, profile_id):
            if record.id == id:
                return record.describe(with_content=True)
        raise ResourceNotFoundException(f"Profile {profile_id} has no history record {id}")
