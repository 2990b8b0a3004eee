"""What holds each posting of the key index (models/engines/search.py) for a profile: its
standard keys, named sources (AddProfileKey, a merged profile) and its objects, and how a
posting is held and let go of, each change noted in the call's journal.

An object's postings are not kept one by one: an object holds its own keys (what the
object store keeps for it, which ``postings_of`` answers), but for the few objects noted
otherwise (``_unlike``). For a profile, the index keeps how many of its objects hold a
posting only where that count cannot be read from the postings themselves (``_counts``):
a posting the profile is posted under, held by no named source nor its standard keys, is
held by one object, and one it is not posted under by none. So an object whose keys
nothing else holds (its unique key's value, nearly always) costs the index nothing but its
entries in the postings, and a busy profile's phone that every object holds one count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..core import journal
from .search_keys import PROFILE_ID_KEY, STANDARD_KEY_NAMES, Posting, standard_postings
from .search_members import (
    Members,
    Source,
    Sources,
    flat_of,
    holds_member,
    pairs_of,
    with_member,
    with_source,
    without_member,
)


def _no_objects(profile_id: str) -> tuple[Source, ...]:
    return ()


def _no_postings(source: Source) -> tuple[Posting, ...]:
    return ()


class Holders:
    """The key index's state, and how its postings are held (see the module's notes);
    ``KeyIndex`` (models/engines/search.py) is what the operations call."""

    def __init__(
        self,
        profiles: Mapping[str, Mapping[str, Any]] | None = None,
        objects_of: Callable[[str], Iterable[Source]] = _no_objects,
        postings_of: Callable[[Source], Iterable[Posting]] = _no_postings,
    ) -> None:
        # key name -> value -> profile id(s)
        # (defaultdicts: a write makes its inner dict only when missing; setdefault would
        # build a throwaway one on every call)
        self._postings: defaultdict[str, dict[str, Members[str]]] = defaultdict(dict)
        # The profiles, by id (the domain's): a profile's standard keys are those its fields
        # give (``standard_postings``), derived when needed rather than kept for each
        self._profiles: Mapping[str, Mapping[str, Any]] = {} if profiles is None else profiles
        # profile id -> its standard keys, where they are not what its fields give (after
        # DeleteProfileKey took one away, or as a state file gives them), flat (key, value,
        # key, value, ...)
        self._standard: dict[str, tuple[str, ...]] = {}
        # profile id -> (key name, value) -> the named source(s) holding it ("added",
        # "merged:<id>")
        self._named: dict[str, dict[Posting, Sources]] = {}
        # The objects: the object store's, as the index knows them (the sources on a
        # profile, and the postings an object's keys give)
        self._objects_of = objects_of
        self._postings_of = postings_of
        # profile id -> (key name, value) -> how many of its objects hold it, where the
        # postings cannot tell: held by two or more, or by one beside a named source or the
        # standard keys (or it is the profile's own id). Elsewhere a posting the profile is
        # posted under and neither named nor standard is held by one object, and one it is
        # not posted under by none: so an object whose keys no other source holds costs the
        # index nothing but its postings.
        self._counts: dict[str, dict[Posting, int]] = {}
        # profile id -> object -> the postings it holds (flat), for the objects that hold
        # other than their own keys (NEW_ONLY keys on a profile found, keys a
        # DeleteProfileKey took away, a standard object's identifying keys)
        self._unlike: dict[str, dict[Source, tuple[str, ...]]] = {}
        # profile id -> (key name, value) -> the objects holding it again: a posting
        # DeleteProfileKey took from the profile's objects, which none of those it held
        # it for holds, only the objects put since (an object's own key it names is held
        # only by the objects named)
        self._withdrawn: dict[str, dict[Posting, dict[Source, None]]] = {}
        # key name -> the content types its values were indexed as (None: as given), for
        # the keys other than the standard ones that any value was indexed as a type for
        self._content_types: dict[str, set[str | None]] = {}
        # The values a profile holds from several sources (a phone every order on a busy
        # profile carries), each as one string: a put's value is swapped for it before
        # the object keeps it (``shared_value``), so the objects share one string, not
        # one each (57 bytes for a phone's). Answers nothing about the index: a value
        # joins when a second source holds it and leaves when its postings on a profile go.
        self._shared: dict[str, str] = {}

    def standard(self, profile_id: str) -> set[Posting]:
        """The profile's standard keys, as postings (none for a profile not indexed)."""
        flat = self._standard.get(profile_id)
        if flat is not None:
            return pairs_of(flat)
        profile = self._profiles.get(profile_id)
        return set() if profile is None else standard_postings(profile)

    # -- inside: who holds a posting ---------------------------------------------------------
    def _holds(self, profile_id: str, posting: Posting) -> bool:
        """Whether any source holds the posting for the profile: whether it is posted."""
        if posting[1] == profile_id and posting[0] == PROFILE_ID_KEY:
            return self._holds_own_id(profile_id)
        return self._posted(profile_id, posting)

    def _posted(self, profile_id: str, posting: Posting) -> bool:
        members = self._postings.get(posting[0], {}).get(posting[1])
        return members is not None and holds_member(members, profile_id)

    def _in_standard(self, profile_id: str, posting: Posting) -> bool:
        flat = self._standard.get(profile_id)
        if flat is not None:
            key_name, value = posting
            return any(flat[i] == key_name and flat[i + 1] == value
                       for i in range(0, len(flat), 2))  # fmt: skip
        if posting[0] not in STANDARD_KEY_NAMES:
            return False
        profile = self._profiles.get(profile_id)
        return profile is not None and posting in standard_postings(profile)

    def _held_otherwise(self, profile_id: str, posting: Posting) -> bool:
        """Whether a named source or the standard keys hold the posting."""
        return posting in self._named.get(profile_id, ()) or self._in_standard(profile_id, posting)

    def _counted(self, profile_id: str, posting: Posting) -> bool:
        """Whether the profile's count of the posting's object holders is kept (rather
        than read from the postings): always for its own id."""
        counts = self._counts.get(profile_id)
        if counts is not None and posting in counts:
            return True
        return posting[1] == profile_id and posting[0] == PROFILE_ID_KEY

    def _alone(self, profile_id: str, posting: Posting) -> bool:
        """Whether one object, and nothing else, holds the posting, as the postings tell
        (its count not kept)."""
        return (
            not self._counted(profile_id, posting)
            and self._posted(profile_id, posting)
            and not self._held_otherwise(profile_id, posting)
        )

    def _objects_holding(self, profile_id: str, posting: Posting) -> int:
        counts = self._counts.get(profile_id)
        if counts is not None and posting in counts:
            return counts[posting]
        return 1 if self._alone(profile_id, posting) else 0

    def _held_by(
        self, profile_id: str, source: Source, own: Iterable[Posting] | None = None
    ) -> Iterable[Posting]:
        """The postings an object of the profile holds (``own``: its own, if known)."""
        unlike = self._unlike.get(profile_id)
        flat = None if unlike is None else unlike.get(source)
        if flat is not None:
            return pairs_of(flat)
        postings = self._postings_of(source) if own is None else own
        withdrawn = self._withdrawn.get(profile_id)
        if not withdrawn:
            return postings
        return [p for p in postings if p not in withdrawn or source in withdrawn[p]]

    def _held_alone(self, profile_id: str, sources: Iterable[Source]) -> set[Posting]:
        """The postings one object of the profile holds alone, among those its objects
        ``sources`` hold."""
        alone: set[Posting] = set()
        for source in sources:
            for posting in self._held_by(profile_id, source):
                if posting not in alone and self._alone(profile_id, posting):
                    alone.add(posting)
        return alone

    # -- inside: holding and letting go ------------------------------------------------------
    def _set_count(self, profile_id: str, posting: Posting, count: int | None) -> None:
        """Keep ``count`` as the posting's object holders (None: read from the postings)."""
        counts = self._counts.get(profile_id)
        if count is None:
            if counts is not None and counts.pop(posting, None) is not None and not counts:
                del self._counts[profile_id]
            return
        if counts is None:
            counts = self._counts[profile_id] = {}
        counts[posting] = count

    def _add_holders(self, profile_id: str, posting: Posting, added: int) -> None:
        """``added`` more objects hold the posting for the profile."""
        # (lookups written out: every object put comes this way, once a key)
        counts = self._counts.get(profile_id)
        kept = None if counts is None else counts.get(posting)
        newly_posted = False
        if kept:  # a busy posting: counted, so posted already
            counts[posting] = kept + added  # type: ignore[index]
            had = True
        else:  # (a count is never kept as 0)
            key_name, value = posting
            by_value = self._postings.get(key_name)
            members = None if by_value is None else by_value.get(value)
            own_id = value == profile_id and key_name == PROFILE_ID_KEY
            if members is None and not own_id:  # no profile holds it (a unique key's value)
                if by_value is None:
                    by_value = self._postings[key_name] = {}
                by_value[value] = profile_id
                newly_posted, had = True, False
                if added > 1:
                    self._set_count(profile_id, posting, added)
            else:
                if own_id:  # (always counted)
                    other = self._held_otherwise(profile_id, posting)
                    before = 0
                else:  # read from the postings
                    posted = members is not None and holds_member(members, profile_id)
                    other = posted and self._held_otherwise(profile_id, posting)
                    before = 1 if posted and not other else 0
                holders = before + added
                had = other or before > 0
                # (one object alone, posted and held by nothing else, needs no count)
                if holders > 1 or other or own_id:
                    self._set_count(profile_id, posting, holders)
                newly_posted = self._post(profile_id, posting)
        if had and posting[1] not in self._shared:  # another source holds it: share
            journal.keep_new(self._shared, posting[1])
            self._shared[posting[1]] = posting[1]
        opened = journal.current.journal  # (noted in place, once: ingestion's path)
        if opened is not None:
            opened.steps.append((self._unadd, profile_id, posting, kept, newly_posted))

    def _unadd(self, profile_id: str, posting: Posting, kept: int | None, posted: bool) -> None:
        """Undo ``_add_holders``: ``kept`` the count kept before."""
        self._set_count(profile_id, posting, kept)
        if posted:
            self._unpost(profile_id, posting)

    def _release(self, profile_id: str, posting: Posting) -> None:
        """One object fewer holds the posting (one that held it)."""
        counts = self._counts.get(profile_id)
        kept = None if counts is None else counts.get(posting)
        holders = 1 if kept is None else kept  # (not kept: it held the posting alone)
        unposted = False
        count: int | None
        if holders > 1:
            count = holders - 1
        else:
            count = None
            if posting not in self._named.get(profile_id, ()):
                self._unshare(posting[1])
                if not self._in_standard(profile_id, posting):
                    unposted = self._unpost(profile_id, posting)
        self._set_count(profile_id, posting, count)
        journal.undo_with(self._unrelease, profile_id, posting, kept, unposted)

    def _unrelease(
        self, profile_id: str, posting: Posting, kept: int | None, unposted: bool
    ) -> None:
        self._set_count(profile_id, posting, kept)
        if unposted:
            self._post(profile_id, posting)

    def _take_from_objects(self, profile_id: str, gone: set[Posting]) -> None:
        """The profile's objects hold none of ``gone`` any more (DeleteProfileKey): noted
        once for the profile (``_withdrawn``), not for each object, but for those noted
        as holding what they hold (``_unlike``)."""
        withdrawn = self._withdrawn.get(profile_id)
        if withdrawn is None:
            journal.keep_new(self._withdrawn, profile_id)
            withdrawn = self._withdrawn[profile_id] = {}
        for posting in gone:
            journal.keep_item(withdrawn, posting)
            withdrawn[posting] = {}
            journal.undo_with(self._set_count, profile_id, posting, self._counts.get(
                profile_id, {}).get(posting))  # fmt: skip
            self._set_count(profile_id, posting, None)
            self._unshare(posting[1])
        unlike = self._unlike.get(profile_id, {})
        for source, flat in list(unlike.items()):
            held = pairs_of(flat)
            if held & gone:
                journal.keep_item(unlike, source)
                unlike[source] = flat_of(held - gone)

    def _note_holder_again(self, profile_id: str, source: Source, held: Iterable[Posting]) -> None:
        """An object not noted otherwise holds ``held``: it holds again those withdrawn."""
        withdrawn = self._withdrawn.get(profile_id)
        if not withdrawn:
            return
        for posting in held:
            holders = withdrawn.get(posting)
            if holders is not None and source not in holders:
                journal.undo_with(holders.pop, source, None)
                holders[source] = None

    def _forget_holder(self, profile_id: str, source: Source, held: Iterable[Posting]) -> None:
        withdrawn = self._withdrawn.get(profile_id)
        if not withdrawn:
            return
        for posting in held:
            holders = withdrawn.get(posting)
            if holders is not None and source in holders:
                journal.undo_with(holders.__setitem__, source, None)
                del holders[source]

    def _hold_named(self, profile_id: str, posting: Posting, source: Source) -> None:
        named = self._named.get(profile_id)
        new_holder = named is None
        if named is None:
            named = self._named[profile_id] = {}
        sources = named.get(posting)
        if sources == source or (type(sources) is dict and source in sources):
            return  # held by this source already, so posted
        if sources is None:
            objects = self._objects_holding(profile_id, posting)
            if objects == 1 and not self._counted(profile_id, posting):
                journal.undo_with(self._set_count, profile_id, posting, None)
                self._set_count(profile_id, posting, 1)  # (no longer alone: counted)
            had = objects > 0
        else:
            had = True
        if had and posting[1] not in self._shared:  # another source: share
            journal.keep_new(self._shared, posting[1])
            self._shared[posting[1]] = posting[1]
        named[posting] = with_source(sources, source)
        posted = self._post(profile_id, posting)
        journal.undo_with(self._unhold_named, profile_id, posting, source, sources, new_holder,
                          posted)  # fmt: skip

    def _unhold_named(
        self, profile_id: str, posting: Posting, source: Source, sources: Sources | None,
        new_holder: bool, posted: bool,
    ) -> None:  # fmt: skip
        """Undo ``_hold_named``: ``sources`` are the posting's sources as they were."""
        if posted:
            self._unpost(profile_id, posting)
        named = self._named[profile_id]
        if sources is None:
            del named[posting]
        elif type(sources) is dict:
            sources.pop(source, None)  # (added to in place)
        else:
            named[posting] = sources
        if new_holder:
            del self._named[profile_id]

    def _unshare(self, value: str) -> None:
        if value in self._shared:
            journal.keep_item(self._shared, value)
            del self._shared[value]

    def _drop_profile(self, profile_id: str, alone: set[Posting]) -> None:
        """Take the profile off every posting (``alone``: those its objects hold alone)."""
        postings = set(self._named.get(profile_id, ())) | self.standard(profile_id)
        postings |= set(self._counts.get(profile_id, ())) | alone
        for posting in postings:
            self._unshare(posting[1])
            if self._unpost(profile_id, posting):
                journal.undo_with(self._post, profile_id, posting)
        for part in (self._named, self._counts, self._unlike, self._withdrawn, self._standard):
            journal.keep_item(part, profile_id)
            part.pop(profile_id, None)

    def _holds_own_id(self, profile_id: str) -> bool:
        """Whether the profile is posted under its own id, which any of its sources may
        hold (its standard keys, nearly always)."""
        own = (PROFILE_ID_KEY, profile_id)
        if own in self._named.get(profile_id, ()) or self._counts.get(profile_id, {}).get(own):
            return True
        flat = self._standard.get(profile_id)
        if flat is None:  # its standard keys are its fields': the first is its id
            return profile_id in self._profiles
        return any(flat[i] == PROFILE_ID_KEY and flat[i + 1] == profile_id
                   for i in range(0, len(flat), 2))  # fmt: skip

    # (``_post`` and ``_unpost`` note nothing: each caller notes the undoing of its whole
    # change, which they say, by answering whether they changed the posting.)
    def _post(self, profile_id: str, posting: Posting) -> bool:
        """Post the profile under ``posting``; whether it was not posted there before."""
        key_name, value = posting
        if value == profile_id and key_name == PROFILE_ID_KEY:
            return False  # its own id: found from its keys (``_holds_own_id``)
        postings = self._postings.get(key_name)
        if postings is None:
            postings = self._postings[key_name] = {}
        members = postings.get(value)
        if members == profile_id or (type(members) is set and profile_id in members):
            return False  # (written out: every posting comes this way)
        postings[value] = with_member(members, profile_id)
        return True

    def _unpost(self, profile_id: str, posting: Posting) -> bool:
        """Take the profile off ``posting``; whether it was posted there."""
        key_name, value = posting
        if value == profile_id and key_name == PROFILE_ID_KEY:
            return False  # its own id: found from its keys (``_holds_own_id``)
        values = self._postings.get(key_name)
        if values is None:
            return False
        ids = values.get(value)
        found = ids is not None and holds_member(ids, profile_id)
        if found:
            assert ids is not None
            remaining = without_member(ids, profile_id)
            if remaining is None:
                del values[value]
            else:
                values[value] = remaining
        if not values:
            del self._postings[key_name]
        return found
