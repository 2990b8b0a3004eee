"""The profile history part of a domain's state document (``ProfileHistory``): each
profile's records, newest first, with their content where the profile or object as it is
now does not already say it."""

from __future__ import annotations

import itertools
import re
from typing import Any

from ..models.admin.domains import Domain
from ..models.profiles.history_records import (
    PROFILE_RECORD_TYPE,
    History,
    HistoryRecord,
    Snapshot,
    snapshot,
    thaw,
)
from .codecs import (
    JSON_TEXT,
    MOMENT,
    TEXT,
    Context,
    ListOf,
    Member,
    Record,
    StateError,
    member_path,
    optional,
)
from .shapes import Api

HISTORY_RECORD = Record(
    {"Id": Member("Id", TEXT),
     "ActionType": Member("ActionType", Api("GetProfileHistoryRecord", "ActionType", output=True)),
     "ObjectTypeName": Member("ObjectTypeName", TEXT), "CreatedAt": Member("CreatedAt", MOMENT),
     "PerformedBy": optional("PerformedBy", TEXT),
     "ProfileObjectUniqueKey": optional("ProfileObjectUniqueKey", TEXT),
     # the content: the object as put, or the profile as the change left it; neither: the
     # object (ObjectTypeName, ProfileObjectUniqueKey) as it is stored now, or for a
     # _profile record, the profile as it is now
     "Object": optional("Object", JSON_TEXT),
     "Profile": optional("Profile", Api("SearchProfiles", "Items[]", output=True,
                                        omit=("FoundByItems",)))},
)  # fmt: skip
HISTORY = Record(
    {"ProfileId": Member("ProfileId", TEXT), "Records": Member("Records", ListOf(HISTORY_RECORD))},
)  # fmt: skip


def dump_history(domain: Domain, ctx: Context) -> list[dict[str, Any]]:
    histories = []
    history = domain.history
    for profile_id in history.heads:
        profile = domain.profiles.get(profile_id)
        now = None if profile is None else snapshot(profile)
        kept = history.records(profile_id, ctx.performed_by)
        records = [_history_record(domain, record, now, ctx) for record in kept]
        histories.append(HISTORY.dump({"ProfileId": profile_id, "Records": records}, ctx))
    return histories


def _history_record(
    domain: Domain, record: HistoryRecord, profile_now: Snapshot | None, ctx: Context
) -> dict[str, Any]:
    written: dict[str, Any] = {
        "Id": record.id, "ActionType": record.action_type,
        "ObjectTypeName": record.object_type_name, "CreatedAt": record.created_at,
    }  # fmt: skip
    if record.performed_by != ctx.performed_by:
        written["PerformedBy"] = record.performed_by
    if record.profile_object_unique_key is not None:
        written["ProfileObjectUniqueKey"] = record.profile_object_unique_key
    content = record.content
    if isinstance(content, str):
        stored = domain.objects.get(record.object_type_name, record.profile_object_unique_key or "")
        if stored is None or stored.body != content:
            written["Object"] = content
    elif record.object_type_name != PROFILE_RECORD_TYPE or content != profile_now:
        written["Profile"] = _thawed(content)
    return written


def _thawed(frozen: Snapshot) -> dict[str, Any]:
    """The profile a history snapshot (models/profiles/history.py, ``snapshot``) was taken of."""
    return thaw(frozen)


def load_history(domain: Domain, value: Any, path: str, ctx: Context) -> None:
    histories = ListOf(HISTORY).load(value, path, ctx)
    # every record, as (its number, the one before it of its profile's, what the history
    # keeps of it, who performed it if not the account's root), oldest of each profile first
    loaded: list[tuple[int, int, tuple[Any, ...], str | None]] = []
    heads: dict[str, int] = {}  # profile id -> its newest record, in ``loaded``
    for h, history in enumerate(histories):
        profile_id, where = history["ProfileId"], f"{path}[{h}]"
        if profile_id in heads:
            raise StateError(f"names the history of profile {profile_id} again", where)
        records = history["Records"]
        profile = domain.profiles.get(profile_id)
        profile_now: Snapshot | None = None
        older = -1
        for r in range(len(records) - 1, -1, -1):  # oldest first, so each links to the older
            record, at_record = records[r], f"{where}.Records[{r}]"
            content: str | Snapshot
            if "Object" in record and "Profile" in record:
                raise StateError("give at most one of Object or Profile", at_record)
            if "Profile" in record:
                content = snapshot(record["Profile"])
            elif "Object" in record:
                content = record["Object"]
            elif record["ObjectTypeName"] == PROFILE_RECORD_TYPE and profile is not None:
                content = profile_now = profile_now or snapshot(profile)
            else:
                stored = domain.objects.get(record["ObjectTypeName"],
                                            record.get("ProfileObjectUniqueKey") or "")  # fmt: skip
                if stored is None:
                    raise StateError(
                        "has neither Object nor Profile, and names neither an object nor a "
                        "profile the domain holds",
                        at_record,
                    )
                content = stored.body
            number = _history_number(record["Id"], member_path(at_record, "Id"))
            performer = record.get("PerformedBy", ctx.performed_by)
            kept = (record["ActionType"], record["CreatedAt"], content,
                    record["ObjectTypeName"], record.get("ProfileObjectUniqueKey"))  # fmt: skip
            loaded.append(
                (number, older, kept, None if performer == ctx.performed_by else performer)
            )
            older = len(loaded) - 1
        heads[profile_id] = older  # (-1: a history of no records, kept as given)
    # Records are numbered by one counter per domain and never dropped: the next is one
    # more. They are kept in the order of their numbers, as the calls that made them kept
    # them: numbers a dump gives then follow the columns' rule, needing nothing aside.
    next_number = max((number for number, *_ in loaded), default=0) + 1
    kept_history = History(shift=next_number - len(loaded))
    order = sorted(range(len(loaded)), key=lambda n: loaded[n][0])
    position_of = [0] * len(loaded)
    for position, n in enumerate(order):
        position_of[n] = position
    for n in order:
        number, older, kept, performer = loaded[n]
        kept_history.add(number, *kept, -1 if older < 0 else position_of[older], performer)
    kept_history.heads = {pid: -1 if n < 0 else position_of[n] for pid, n in heads.items()}
    domain.history = kept_history
    domain.history_ids = itertools.count(next_number)


_HISTORY_ID = re.compile(r"[0-9a-f]{32}")


def _history_number(record_id: str, path: str) -> int:
    if not _HISTORY_ID.fullmatch(record_id):
        raise StateError("must be 32 lowercase hexadecimal digits", path)
    return int(record_id, 16)
