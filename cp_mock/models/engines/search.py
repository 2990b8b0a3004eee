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

from collections.abc import Collection, Iterable, Mapping
from typing import NamedTuple, Protocol

from ..core import journal
from .search_holders import Holders
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
from .search_members import (
    Source,
    each_member,
    each_source,
    flat_of,
    pairs_of,
    with_member,
)

__all__ = ["HeldKey", "Key", "KeyIndex", "Source"]


class HeldKey(Protocol):
    """A key as an object holds it (a mapping's ``KeyValue``, or a ``Key``)."""

    @property
    def name(self) -> str: ...
    @property
    def value(self) -> str: ...  # in its searchable form for its content type
    @property
    def content_type(self) -> str | None: ...


class Key(NamedTuple):
    """A ``HeldKey`` of its own: a standard object's, or one a state file gives."""

    name: str
    value: str
    content_type: str | None = None


class KeyIndex(Holders):
    """The postings, and what holds each for a profile (``Holders``): what the operations
    that write keys, search and dump state call."""

    # -- writing -----------------------------------------------------------------------------
    def add(
        self,
        profile_id: str,
        key_name: str,
        values: Iterable[str],
        source: str,
        content_type: str | None = None,
    ) -> None:
        """Index ``values`` under ``key_name`` for the profile, in their searchable form
        (``content_type`` is that of the field the key reads; the standard keys have theirs),
        as held by a named source ("standard", "added")."""
        content_type = self._note_content_type(key_name, content_type)
        postings = [(key_name, searchable(value, content_type)) for value in values]
        if source == STANDARD_SOURCE:
            self.set_standard(profile_id, self.standard(profile_id) | {*postings})
            return
        for posting in postings:
            self._hold_named(profile_id, posting, source)

    def hold(
        self, profile_id: str, key_name: str, value: str, source: str, content_type: str | None
    ) -> None:
        """``add`` for one value already in its searchable form for ``content_type`` (a
        named source's, as a state file gives it)."""
        self._note_held_type(key_name, content_type)
        self._hold_named(profile_id, (key_name, value), source)

    def hold_object(
        self, profile_id: str, source: Source, keys: Iterable[HeldKey], own: Iterable[Posting],
        kept: Collection[Posting] = (),
    ) -> None:  # fmt: skip
        """The object ``source``, just stored on the profile, holds ``keys`` there (each
        value in its searchable form for its content type, as the mapping's key values
        are): ingestion's path, which puts many. ``own``: the postings its keys give, as
        the object store keeps them (what ``postings_of`` will answer for it). ``kept``:
        what ``remove_source`` left counted of the version it replaces (a re-put)."""
        held: dict[Posting, None] = {}
        noted = self._content_types
        for key in keys:
            key_name, content_type = key.name, key.content_type
            # (written out: ``_note_held_type``, for every key of every object put)
            if (content_type is not None or key_name in noted) and (
                key_name not in STANDARD_CONTENT_TYPES
            ):
                self._note_content_type(key_name, content_type)
            held[(key_name, key.value)] = None
        differs = False  # (held.keys() != set(own), without the sets: every put)
        count = 0
        for posting in own:
            count += 1
            if posting not in held:
                differs = True
                break
        if differs or count != len(held):
            unlike = self._unlike.get(profile_id)
            if unlike is None:
                journal.keep_new(self._unlike, profile_id)
                unlike = self._unlike[profile_id] = {}
            journal.keep_item(unlike, source)
            unlike[source] = flat_of(held)
        elif profile_id in self._withdrawn:
            self._note_holder_again(profile_id, source, held)
        if kept:  # (what the version it replaces held stays counted: an unchanged re-put
            # changes nothing)
            for posting in held:
                if posting not in kept:
                    self._add_holders(profile_id, posting, 1)
            for posting in kept:
                if posting not in held:
                    self._release(profile_id, posting)
            return
        for posting in held:
            self._add_holders(profile_id, posting, 1)

    def shared_value(self, value: str) -> str:
        """``value``, or the equal string the index keeps for a value held several times."""
        return self._shared.get(value, value)

    def remove_source(
        self,
        profile_id: str,
        source: Source,
        postings: Iterable[Posting],
        keeping: Collection[Posting] = (),
    ) -> set[Posting]:
        """Take away what an object (``source``) contributes to the profile, but for the
        postings in ``keeping``: those its new version is about to contribute again, which
        stay counted for it; what it held of those is answered, for ``hold_object``'s
        ``kept``.
        ``postings``: those its keys give (those it holds unless noted otherwise): only
        those are visited, not every key of a profile that may hold thousands of objects."""
        unlike = self._unlike.get(profile_id)
        flat = None if unlike is None else unlike.get(source)
        if flat is not None:
            assert unlike is not None
            postings = pairs_of(flat)
            journal.keep_item(unlike, source)
            del unlike[source]
            if not unlike:
                journal.keep_item(self._unlike, profile_id)
                del self._unlike[profile_id]
        elif profile_id in self._withdrawn:
            postings = self._held_by(profile_id, source, postings)
            self._forget_holder(profile_id, source, postings)
        kept: set[Posting] = set()
        for posting in postings:
            if posting in keeping:
                kept.add(posting)
            else:
                self._release(profile_id, posting)
        return kept

    def discard(self, profile_id: str, key_name: str, values: Iterable[str]) -> None:
        """Remove postings whatever source holds them (DeleteProfileKey)."""
        gone = {(key_name, value) for value in self.searched_forms(key_name, values)}
        by_objects = {posting for posting in gone if self._objects_holding(profile_id, posting)}
        named = self._named.get(profile_id, {})
        for posting in gone & set(named):
            journal.keep_item(named, posting)
            del named[posting]
            self._unshare(posting[1])
        if by_objects:
            self._take_from_objects(profile_id, by_objects)
        standard = self.standard(profile_id)
        if standard & gone:  # (kept, even empty: its fields would give them back)
            journal.keep_item(self._standard, profile_id)
            self._standard[profile_id] = flat_of(standard - gone)
        for posting in gone:
            if self._unpost(profile_id, posting):
                journal.undo_with(self._post, profile_id, posting)

    def remove_profile(self, profile_id: str) -> None:
        sources = self._objects_of(profile_id)  # (none once its objects are gone, as a rule)
        self._drop_profile(profile_id, self._held_alone(profile_id, sources))

    def move_profile(self, from_id: str, to_id: str) -> None:
        """Give every posting of ``from_id`` to ``to_id`` (MergeProfiles: "All the
        profileKeys ... will be moved to the main profile"). Keys that came from the merged
        profile's standard keys stay searchable as keys of their own: the main profile's
        standard keys follow its (merged) fields. Its objects' keys have gone with them
        (``move_objects``), as a rule: any object left is moved here."""
        self.move_objects(from_id, to_id, self._objects_of(from_id))
        for posting, named in list(self._named.get(from_id, {}).items()):
            for source in each_source(named):
                self._hold_named(to_id, posting, source)
        for posting in self.standard(from_id):
            self._hold_named(to_id, posting, f"merged:{from_id}")
        self._drop_profile(from_id, set())

    def move_objects(self, from_id: str, to_id: str, sources: Iterable[Source]) -> None:
        """What the objects ``sources``, every object of ``from_id``, hold goes to
        ``to_id`` (a merge moves them to the main profile: called before the object store
        moves them, while they are still ``from_id``'s)."""
        sources = list(sources)
        if not sources:
            return
        alone = self._held_alone(from_id, sources)
        unlike = self._unlike.get(from_id, {})
        withdrawn = self._withdrawn.get(from_id) or self._withdrawn.get(to_id)
        target = self._unlike.get(to_id)
        for source in sources:
            # (noted for the main profile as what it holds where that is not its own keys
            # there: the main profile's notes of withdrawn keys are not the merged one's)
            if source not in unlike and not withdrawn:
                continue
            held = set(self._held_by(from_id, source))
            if (
                source not in unlike
                and held == set(self._postings_of(source))
                and not (held & self._withdrawn.get(to_id, {}).keys())
            ):
                continue
            if target is None:
                journal.keep_new(self._unlike, to_id)
                target = self._unlike[to_id] = {}
            journal.keep_item(target, source)
            target[source] = flat_of(held)
        for part in (self._unlike, self._withdrawn):
            if from_id in part:
                journal.keep_item(part, from_id)
                del part[from_id]
        moving = dict.fromkeys(alone, 1)
        counts = self._counts.get(from_id)
        if counts:
            moving.update(counts)
            journal.keep_item(self._counts, from_id)
            del self._counts[from_id]
        named = self._named.get(from_id, {})
        for posting, count in moving.items():
            self._add_holders(to_id, posting, count)
            self._unshare(posting[1])
            if posting not in named and not self._in_standard(from_id, posting):
                if self._unpost(from_id, posting):
                    journal.undo_with(self._post, from_id, posting)

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
                found.update(each_member(members))
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
        return set() if members is None else set(each_member(members))

    def matched_values(self, profile_id: str, key_name: str, values: Iterable[str]) -> list[str]:
        """The searched ``values`` the profile holds (as searched, not as indexed)."""
        return [
            value
            for value in values
            if any(self._holds(profile_id, (key_name, form))
                   for form in self.searched_forms(key_name, [value]))
        ]  # fmt: skip

    def holdings(self, profile_id: str) -> dict[Posting, set[Source]]:
        """(key name, value) -> the sources holding it, for one profile."""
        holdings = {p: set(each_source(s)) for p, s in self._named.get(profile_id, {}).items()}
        for source in self._objects_of(profile_id):
            for posting in self._held_by(profile_id, source):
                holdings.setdefault(posting, set()).add(source)
        for posting in self.standard(profile_id):
            holdings.setdefault(posting, set()).add(STANDARD_SOURCE)
        return holdings

    def profile_ids(self) -> list[str]:
        """The profiles the index holds any key for."""
        kept = self._standard
        ids = set(self._named) | set(self._counts) | {p for p, flat in kept.items() if flat}
        ids.update(p for p in self._profiles if p not in kept)  # (every profile has its id)
        ids.update(p for p, flat in kept.items() if not flat and any(self._objects_of(p)))
        return list(ids)

    def postings(self) -> dict[str, dict[str, set[str]]]:
        """A copy of the whole index, for consistency checks."""
        copied = {
            key: {value: set(each_member(ids)) for value, ids in values.items()}
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

    # -- inside: content types ---------------------------------------------------------------
    def _note_held_type(self, key_name: str, content_type: str | None) -> None:
        # (the standard keys' types are fixed: nothing to note)
        if key_name not in STANDARD_CONTENT_TYPES and (
            content_type is not None or key_name in self._content_types
        ):
            self._note_content_type(key_name, content_type)

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
            before = pairs_of(flat)
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
        self._replace_standard(profile_id, before, pairs, kept=None if derived else flat_of(pairs))

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
                    postings[value] = with_member(members, profile_id)
                posted.append(posting)
            return
        named = self._named.get(profile_id, {})
        counts = self._counts.get(profile_id, {})
        after = pairs if isinstance(pairs, set) else set(pairs)
        for posting in before - after:
            # (a standard key not counted is held by no object: that count is kept)
            if (
                posting not in named
                and not counts.get(posting)
                and self._unpost(profile_id, posting)
            ):
                unposted.append(posting)
        for posting in after - before:
            # posted, held by no named source, not counted, and not a standard key before
            # (the standard keys are the new ones already): an object held it alone, now
            # its standard keys too, so it is counted
            if (
                posting not in named
                and posting not in counts
                and not (posting[1] == profile_id and posting[0] == PROFILE_ID_KEY)
                and self._posted(profile_id, posting)
            ):
                journal.undo_with(self._set_count, profile_id, posting, None)
                self._set_count(profile_id, posting, 1)
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
