"""The key index: (key name, value) -> profile ids, kept current on every write.

Every searchable key a profile holds comes from a *source*: its standard fields, an
AddProfileKey call, or a profile object. A posting stays while any source holds it, so
deleting an object (or re-deriving standard keys after an update) removes only what that
source contributed. Lookups never scan profiles.

Values are indexed in their searchable form, which their content type decides (admin
guide, "Object type mapping definition details": with PHONE_NUMBER "the string
"+15551234567" matches "(555)-123-4567""); a search's values are put in the same form
before they are looked up. See ``searchable`` (models/engines/search_keys.py, with the
standard keys a profile's fields give) and docs/ingestion.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Hashable, Iterable, Mapping
from itertools import chain
from typing import Any, TypeAlias, TypeVar

from ..core import journal
from .search_keys import (
    EMAIL_ADDRESS,
    PHONE_NUMBER,
    PROFILE_ID_KEY,
    STANDARD_CONTENT_TYPES,
    STANDARD_SOURCE,
    Posting,
    searchable,
    standard_pairs,
    standard_postings,
)

# What holds a posting: "standard", "added", "merged:<profile id>", or an object, known by
# itself (the object store's StoredObject, hashed and compared by identity).
Source = Hashable

# A posting's profiles, and a holding's sources, are nearly always one: such a member is
# kept as itself, a set only once there are more (a set costs ~200 bytes).
Member = TypeVar("Member", bound=Hashable)
Members: TypeAlias = Member | set[Member]


def _with(members: Members[Member] | None, item: Member) -> Members[Member]:
    if members is None or members == item:
        return item
    if isinstance(members, set):
        members.add(item)
        return members
    return {members, item}


def _without(members: Members[Member], item: Member) -> Members[Member] | None:
    if not isinstance(members, set):
        return None if members == item else members
    members.discard(item)
    if len(members) == 1:
        return next(iter(members))
    return members or None


def _holds(members: Members[Member], item: Member) -> bool:
    return item in members if isinstance(members, set) else members == item


def _each(members: Members[Member]) -> tuple[Member, ...]:
    return tuple(members) if isinstance(members, set) else (members,)


# A holding's sources, several only on a profile's busiest postings (one object after
# another holding the same phone): kept as the keys of a dict, not a set. At the sizes a
# busy posting's sources reach, a set keeps up to eight 16-byte slots a member (~105 bytes
# an object, measured), a dict one 24-byte entry and its small index.
Sources: TypeAlias = Source | dict[Source, None]


def _with_source(sources: Sources | None, source: Source) -> Sources:
    if sources is None or sources == source:
        return source
    if type(sources) is dict:
        sources[source] = None
        return sources
    return {sources: None, source: None}  # type: ignore[dict-item]


def _without_source(sources: Sources, source: Source) -> Sources | None:
    if type(sources) is not dict:
        return None if sources == source else sources
    sources.pop(source, None)
    if len(sources) == 1:
        return next(iter(sources))
    return sources or None


def _holds_source(sources: Sources, source: Source) -> bool:
    return source in sources if type(sources) is dict else sources == source


def _each_source(sources: Sources) -> tuple[Source, ...]:
    return tuple(sources) if type(sources) is dict else (sources,)  # type: ignore[return-value]


def _pairs(flat: tuple[str, ...]) -> set[Posting]:
    if not flat:
        return set()
    return set(zip(flat[::2], flat[1::2], strict=True))


class KeyIndex:
    def __init__(self, profiles: Mapping[str, Mapping[str, Any]] | None = None) -> None:
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
        # profile id -> (key name, value) -> the other source(s) holding that posting
        self._held: defaultdict[str, dict[Posting, Sources]] = defaultdict(dict)
        # key name -> the content types its values were indexed as (None: as given), for
        # the keys other than the standard ones that any value was indexed as a type for
        self._content_types: dict[str, set[str | None]] = {}
        # The values a profile holds from several sources (a phone every order on a busy
        # profile carries), each as one string: a put's value is swapped for it before
        # the object keeps it (``shared_value``), so the objects share one string, not
        # one each (57 bytes for a phone's). Answers nothing about the index: a value
        # joins when a second source holds it and leaves when its postings on a profile go.
        self._shared: dict[str, str] = {}

    # -- writing -----------------------------------------------------------------------------
    def add(
        self,
        profile_id: str,
        key_name: str,
        values: Iterable[str],
        source: Source,
        content_type: str | None = None,
    ) -> None:
        """Index ``values`` under ``key_name`` for the profile, in their searchable form
        (``content_type`` is that of the field the key reads; the standard keys have theirs)."""
        content_type = self._note_content_type(key_name, content_type)
        postings = [(key_name, searchable(value, content_type)) for value in values]
        if source == STANDARD_SOURCE:
            self.set_standard(profile_id, self.standard(profile_id) | {*postings})
            return
        for posting in postings:
            self._hold(profile_id, posting, source)

    def hold(
        self, profile_id: str, key_name: str, value: str, source: Source, content_type: str | None
    ) -> None:
        """``add`` for one value already in its searchable form for ``content_type`` (as
        the mapping's key values are): ingestion's path, which puts many."""
        # (the standard keys' types are fixed: nothing to note)
        if key_name not in STANDARD_CONTENT_TYPES and (
            content_type is not None or key_name in self._content_types
        ):
            self._note_content_type(key_name, content_type)
        self._hold(profile_id, (key_name, value), source)

    def shared_value(self, value: str) -> str:
        """``value``, or the equal string the index keeps for a value held several times."""
        return self._shared.get(value, value)

    def remove_source(
        self,
        profile_id: str,
        source: Source,
        postings: Iterable[Posting],
        keeping: Collection[Posting] = (),
    ) -> None:
        """Take away what a non-standard ``source`` (an object) contributes to the profile,
        but for the postings in ``keeping`` (those it is about to contribute again).
        ``postings`` are all those the source can hold: only those are visited, not
        every key of a profile that may hold thousands of objects."""
        held = self._held.get(profile_id, {})
        for posting in postings:
            sources = held.get(posting)
            if sources is None or posting in keeping or not _holds_source(sources, source):
                continue
            remaining = _without_source(sources, source)
            unposted = False
            if remaining is None:
                del held[posting]
                unposted = self._unpost_unless_held(profile_id, posting)
                self._unshare(posting[1])
            else:
                held[posting] = remaining
            journal.undo_with(self._rehold, profile_id, posting, source, sources, unposted)

    def discard(self, profile_id: str, key_name: str, values: Iterable[str]) -> None:
        """Remove postings whatever source holds them (DeleteProfileKey)."""
        gone = {(key_name, value) for value in self.searched_forms(key_name, values)}
        held = self._held.get(profile_id, {})
        for posting in gone & set(held):
            journal.keep_item(held, posting)
            del held[posting]
            self._unshare(posting[1])
        standard = self.standard(profile_id)
        if standard & gone:  # (kept, even empty: its fields would give them back)
            journal.keep_item(self._standard, profile_id)
            self._standard[profile_id] = _flat(standard - gone)
        for posting in gone:
            if self._unpost(profile_id, posting):
                journal.undo_with(self._post, profile_id, posting)

    def remove_profile(self, profile_id: str) -> None:
        for posting in self._all(profile_id):
            self._unshare(posting[1])
            if self._unpost(profile_id, posting):
                journal.undo_with(self._post, profile_id, posting)
        journal.keep_item(self._held, profile_id)
        self._held.pop(profile_id, None)
        journal.keep_item(self._standard, profile_id)
        self._standard.pop(profile_id, None)

    def move_profile(self, from_id: str, to_id: str) -> None:
        """Give every posting of ``from_id`` to ``to_id`` (MergeProfiles: "All the
        profileKeys ... will be moved to the main profile"). Keys that came from the merged
        profile's standard fields stay searchable as keys of their own: the main profile's
        standard keys follow its (merged) fields."""
        for posting, sources in list(self._held.get(from_id, {}).items()):
            for source in _each_source(sources):
                self._hold(to_id, posting, source)
        for posting in self.standard(from_id):
            self._hold(to_id, posting, f"merged:{from_id}")
        self.remove_profile(from_id)

    # -- reading -----------------------------------------------------------------------------
    def searched_forms(self, key_name: str, values: Iterable[str]) -> set[str]:
        """The searchable forms of searched ``values``: one per content type the key's
        values were indexed as."""
        content_type = STANDARD_CONTENT_TYPES.get(key_name)
        if content_type is not None:
            return {searchable(value, content_type) for value in values}
        content_types = self._content_types.get(key_name)
        if content_types is None:
            return set(values)
        return {searchable(value, ct) for value in values for ct in content_types}

    def find(self, key_name: str, values: Iterable[str]) -> set[str]:
        postings = self._postings.get(key_name)
        own_id = key_name == PROFILE_ID_KEY
        if not postings and not own_id:
            return set()
        found: set[str] = set()
        for value in self.searched_forms(key_name, values):
            members = postings.get(value) if postings else None
            if members is not None:
                found.update(_each(members))
            if own_id and self._holds_own_id(value):
                found.add(value)
        return found

    def find_searchable(self, key_name: str, value: str, content_type: str | None) -> set[str]:
        """``find`` for one value already in its searchable form for ``content_type`` (a
        mapping's key value): looked up as it is unless the key's values were also indexed
        as other types, whose forms are then tried too."""
        noted = self._content_types.get(key_name)
        if key_name == PROFILE_ID_KEY or (
            noted is not None and noted != {content_type} and key_name not in STANDARD_CONTENT_TYPES
        ):
            return self.find(key_name, [value])
        members = self._postings.get(key_name, {}).get(value)
        return set() if members is None else set(_each(members))

    def matched_values(self, profile_id: str, key_name: str, values: Iterable[str]) -> list[str]:
        """The searched ``values`` the profile holds (as searched, not as indexed)."""
        held = self._all(profile_id)
        return [
            value
            for value in values
            if any((key_name, form) in held for form in self.searched_forms(key_name, [value]))
        ]

    def holdings(self, profile_id: str) -> dict[Posting, set[Source]]:
        """(key name, value) -> the sources holding it, for one profile."""
        holdings = {p: set(_each_source(s)) for p, s in self._held.get(profile_id, {}).items()}
        for posting in self.standard(profile_id):
            holdings.setdefault(posting, set()).add(STANDARD_SOURCE)
        return holdings

    def profile_ids(self) -> list[str]:
        """The profiles the index holds any key for."""
        kept = self._standard
        ids = set(self._held) | {p for p, flat in kept.items() if flat}
        ids.update(p for p in self._profiles if p not in kept)  # (every profile has its id)
        return list(ids)

    def standard(self, profile_id: str) -> set[Posting]:
        """The profile's standard keys, as postings (none for a profile not indexed)."""
        flat = self._standard.get(profile_id)
        if flat is not None:
            return _pairs(flat)
        profile = self._profiles.get(profile_id)
        return set() if profile is None else standard_postings(profile)

    def postings(self) -> dict[str, dict[str, set[str]]]:
        """A copy of the whole index, for consistency checks."""
        copied = {
            key: {value: set(_each(ids)) for value, ids in values.items()}
            for key, values in self._postings.items()
            if values
        }
        for profile_id in self.profile_ids():
            if self._holds_own_id(profile_id):
                copied.setdefault(PROFILE_ID_KEY, {}).setdefault(profile_id, set()).add(profile_id)
        return copied

    # -- the state file: the one part of the index its postings cannot tell ------------------
    def content_types(self) -> dict[str, set[str | None]]:
        """Key name -> the content types its values were indexed as (None: as given)."""
        return {key: set(types) for key, types in self._content_types.items()}

    def restore_content_types(self, noted: Mapping[str, Iterable[str | None]]) -> None:
        """Make ``noted`` what ``content_types`` answers (after the postings are rebuilt)."""
        self._content_types = {key: set(types) for key, types in noted.items()}

    # -- inside ------------------------------------------------------------------------------
    def _note_content_type(self, key_name: str, content_type: str | None) -> str | None:
        """The content type ``key_name``'s value is indexed as, noted for lookups. Only the
        types whose equality differs from the plain string's count."""
        standard = STANDARD_CONTENT_TYPES.get(key_name)
        if standard is not None:
            return standard
        if content_type not in (PHONE_NUMBER, EMAIL_ADDRESS):
            content_type = None
        noted = self._content_types.get(key_name)
        if noted is None:
            if content_type is None:
                return None  # a key indexed only as given needs no note
            # values indexed as given before this one stay findable as given
            journal.keep_new(self._content_types, key_name)
            given = key_name in self._postings or key_name == PROFILE_ID_KEY
            noted = self._content_types[key_name] = {None} if given else set()
        elif content_type not in noted:
            journal.undo_with(noted.discard, content_type)
        noted.add(content_type)
        return content_type

    def _hold(self, profile_id: str, posting: Posting, source: Source) -> None:
        held = self._held.get(profile_id)
        new_holder = held is None
        if held is None:
            held = self._held[profile_id] = {}
        sources = held.get(posting)
        if sources == source or (type(sources) is dict and source in sources):
            return  # held by this source already, so posted (a re-put of an unchanged record)
        if sources is not None and posting[1] not in self._shared:  # another source: share
            journal.keep_new(self._shared, posting[1])
            self._shared[posting[1]] = posting[1]
        held[posting] = _with_source(sources, source)
        posted = self._post(profile_id, posting)
        opened = journal.current.journal  # (noted in place, once: ingestion's path)
        if opened is not None:
            opened.steps.append(
                (self._unhold, profile_id, posting, source, sources, new_holder, posted)
            )

    def _unshare(self, value: str) -> None:
        if value in self._shared:
            journal.keep_item(self._shared, value)
            del self._shared[value]

    def _unhold(
        self, profile_id: str, posting: Posting, source: Source, sources: Sources | None,
        new_holder: bool, posted: bool,
    ) -> None:  # fmt: skip
        """Undo ``_hold``: ``sources`` are the posting's sources as they were."""
        if posted:
            self._unpost(profile_id, posting)
        held = self._held[profile_id]
        if sources is None:
            del held[posting]
        elif type(sources) is dict:
            sources.pop(source, None)  # (added to in place)
        else:
            held[posting] = sources
        if new_holder:
            del self._held[profile_id]

    def _rehold(
        self, profile_id: str, posting: Posting, source: Source, sources: Sources, unposted: bool
    ) -> None:
        """Undo ``source``'s removal from a posting: ``sources`` are its sources as they
        were (a dict taken from in place, so given ``source`` back: no copy of a busy
        posting's sources is made for each removal)."""
        if type(sources) is dict:
            sources[source] = None
        self._held.setdefault(profile_id, {})[posting] = sources
        if unposted:
            self._post(profile_id, posting)

    def _holds_own_id(self, profile_id: str) -> bool:
        """Whether the profile is posted under its own id, which any of its sources may
        hold (its standard keys, nearly always)."""
        own = (PROFILE_ID_KEY, profile_id)
        if own in self._held.get(profile_id, ()):
            return True
        flat = self._standard.get(profile_id)
        if flat is None:  # its standard keys are its fields': the first is its id
            return profile_id in self._profiles
        return any(flat[i] == PROFILE_ID_KEY and flat[i + 1] == profile_id
                   for i in range(0, len(flat), 2))  # fmt: skip

    def _all(self, profile_id: str) -> set[Posting]:
        return set(self._held.get(profile_id, {})) | self.standard(profile_id)

    def index_new_profile(self, profile_id: str) -> None:
        """Post a profile just stored under the standard keys its fields give."""
        profile = self._profiles[profile_id]
        self._replace_standard(profile_id, None, standard_pairs(profile), kept=None)

    def rederive_standard(self, profile_id: str, given_before: set[Posting] | None) -> None:
        """Make the standard keys of a stored profile, whose fields may have changed, those
        its fields now give. ``given_before``: those its fields gave before they changed
        (None: they gave what they give now, its standard keys' fields unchanged)."""
        pairs = standard_postings(self._profiles[profile_id])
        flat = self._standard.get(profile_id)
        if flat is not None:
            before = _pairs(flat)
        else:
            before = pairs if given_before is None else given_before
        if flat is None and before == pairs:
            return  # (nothing moves, nothing to note)
        self._replace_standard(profile_id, before, pairs, kept=None)

    def set_standard(self, profile_id: str, pairs: set[Posting], new: bool = False) -> None:
        """Make ``pairs`` the profile's standard keys, whatever its fields give (``new``:
        a profile not yet indexed)."""
        before = None if new else self.standard(profile_id)
        profile = self._profiles.get(profile_id)
        derived = profile is not None and pairs == standard_postings(profile)
        self._replace_standard(profile_id, before, pairs, kept=None if derived else _flat(pairs))

    def _replace_standard(
        self, profile_id: str, before: set[Posting] | None, pairs: Collection[Posting],
        kept: tuple[str, ...] | None,
    ) -> None:  # fmt: skip
        """Post the profile under ``pairs`` in place of ``before`` (None: a new profile,
        nothing to take off, and ``pairs`` may name a posting twice); ``kept`` the entry
        in ``_standard`` that says them (None: its fields do)."""
        old_entry = self._standard.get(profile_id)
        posted: list[Posting] = []
        unposted: list[Posting] = []
        opened = journal.current.journal  # (noted in place, once: every profile written)
        if opened is not None:
            opened.steps.append((self._unset_standard, profile_id, old_entry, posted, unposted))
        if kept is not None:
            self._standard[profile_id] = kept
        elif old_entry is not None:
            del self._standard[profile_id]
        if before is None:  # a new profile (every one made comes this way): nothing to take off
            by_key = self._postings
            for posting in pairs:  # (``_post``, written out)
                key_name, value = posting
                if value == profile_id and key_name == PROFILE_ID_KEY:
                    continue  # (read from the profile's own keys)
                postings = by_key.get(key_name)
                if postings is None:
                    postings = by_key[key_name] = {}
                members = postings.get(value)
                if members is None:
                    postings[value] = profile_id
                elif members == profile_id or (type(members) is set and profile_id in members):
                    continue
                else:
                    postings[value] = _with(members, profile_id)
                posted.append(posting)
            return
        held = self._held.get(profile_id, {})
        after = pairs if isinstance(pairs, set) else set(pairs)
        for posting in before - after:
            if posting not in held and self._unpost(profile_id, posting):
                unposted.append(posting)
        for posting in after - before:
            if self._post(profile_id, posting):
                posted.append(posting)

    def _unset_standard(
        self, profile_id: str, before: tuple[str, ...] | None, posted: list[Posting],
        unposted: list[Posting],
    ) -> None:  # fmt: skip
        for posting in posted:
            self._unpost(profile_id, posting)
        for posting in unposted:
            self._post(profile_id, posting)
        if before is None:
            self._standard.pop(profile_id, None)
        else:
            self._standard[profile_id] = before

    def _unpost_unless_held(self, profile_id: str, posting: Posting) -> bool:
        if posting not in self.standard(profile_id):
            return self._unpost(profile_id, posting)
        return False

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
        postings[value] = _with(members, profile_id)
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
        found = ids is not None and _holds(ids, profile_id)
        if found:
            assert ids is not None
            remaining = _without(ids, profile_id)
            if remaining is None:
                del values[value]
            else:
                values[value] = remaining
        if not values:
            del self._postings[key_name]
        return found


def _flat(pairs: Iterable[Posting]) -> tuple[str, ...]:
    # (in no particular order: read back only as a set, by ``_pairs``)
    return tuple(chain.from_iterable(pairs))
