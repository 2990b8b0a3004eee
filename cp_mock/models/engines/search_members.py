"""The small containers the key index (models/engines/search.py) is made of: a posting's
profiles and a posting's named sources, each kept as itself while there is one, and
postings kept flat (key, value, key, value, ...) where a profile or an object holds them
apart from what its fields or keys say."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from itertools import chain
from typing import TypeAlias, TypeVar

from .search_keys import Posting

# What holds a posting: "standard", "added", "merged:<profile id>", or an object, known by
# whatever the object store gives the index for it (the StoredObject itself, hashed and
# compared by identity; never looked into).
Source = Hashable

# A posting's profiles are nearly always one: such a member is kept as itself, a set only
# once there are more (a set costs ~200 bytes).
Member = TypeVar("Member", bound=Hashable)
Members: TypeAlias = Member | set[Member]


def with_member(members: Members[Member] | None, item: Member) -> Members[Member]:
    if members is None or members == item:
        return item
    if isinstance(members, set):
        members.add(item)
        return members
    return {members, item}


def without_member(members: Members[Member], item: Member) -> Members[Member] | None:
    if not isinstance(members, set):
        return None if members == item else members
    members.discard(item)
    if len(members) == 1:
        return next(iter(members))
    return members or None


def holds_member(members: Members[Member], item: Member) -> bool:
    return item in members if isinstance(members, set) else members == item


def each_member(members: Members[Member]) -> tuple[Member, ...]:
    return tuple(members) if isinstance(members, set) else (members,)


# A posting's named sources (an AddProfileKey call, a merged profile's standard keys), kept
# as the keys of a dict once there are several, not a set (a set keeps up to eight 16-byte
# slots a member, a dict one 24-byte entry and its small index).
Sources: TypeAlias = Source | dict[Source, None]


def with_source(sources: Sources | None, source: Source) -> Sources:
    if sources is None or sources == source:
        return source
    if type(sources) is dict:
        sources[source] = None
        return sources
    return {sources: None, source: None}  # type: ignore[dict-item]


def without_source(sources: Sources, source: Source) -> Sources | None:
    if type(sources) is not dict:
        return None if sources == source else sources
    sources.pop(source, None)
    if len(sources) == 1:
        return next(iter(sources))
    return sources or None


def holds_source(sources: Sources, source: Source) -> bool:
    return source in sources if type(sources) is dict else sources == source


def each_source(sources: Sources) -> tuple[Source, ...]:
    return tuple(sources) if type(sources) is dict else (sources,)  # type: ignore[return-value]


def pairs_of(flat: tuple[str, ...]) -> set[Posting]:
    """The postings a flat tuple (key, value, key, value, ...) holds."""
    if not flat:
        return set()
    return set(zip(flat[::2], flat[1::2], strict=True))


def flat_of(pairs: Iterable[Posting]) -> tuple[str, ...]:
    # (in no particular order: read back only as a set, by ``pairs_of``)
    return tuple(chain.from_iterable(pairs))
