"""SQL (ENHANCED) segments, run for real by the standard library's sqlite3.

The domain's profiles are copied into a fresh in-memory database for each evaluation
(never cached), as two tables and one function (docs/segments.md):

- ``profiles``: one row per profile, a column per standard field (``ProfileId``,
  ``FirstName``, ...), address parts as ``Address_City``, ``BillingAddress_PostalCode``...
- ``profile_attributes``: ``ProfileId``, ``Name``, ``Value``, one row per custom attribute.
- ``calculated_attribute(ProfileId, Name)``: the profile's calculated attribute value.

The members are the query's ``ProfileId`` column (else its first column), keeping only
ids of the profiles copied.

A query is data, never code, and its work is bounded:
- ``check_segment_query`` prepares it (``EXPLAIN``, which runs nothing) over the empty
  tables: it must be one read-only SELECT that reads those two tables and calls only the
  functions in ``SEGMENT_FUNCTIONS`` (SQLite's authorizer refuses anything else: ATTACH,
  PRAGMA, writes, ``load_extension``, ``printf``...). Its problem is a
  BadRequestException.
- ``run_segment_query`` runs it over a copy of the profiles with SQLite's limits (a value or
  row of at most ``VALUE_LIMIT_BYTES``, LIKE patterns of at most ``LIKE_PATTERN_LIMIT``),
  stopped when it has run ``TIME_LIMIT_SECONDS`` or holds ``MEMORY_LIMIT_BYTES`` more
  than the copied tables (where SQLite reports its heap; elsewhere temporary data goes to
  temporary files, not memory). Its problem is a BadRequestException too; the callers say
  what it means for their operation.
"""

from __future__ import annotations

import ctypes
import functools
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple

from ...exceptions import BadRequestException

SCALAR_FIELDS = (
    "AccountNumber", "AdditionalInformation", "PartyType", "BusinessName", "FirstName",
    "MiddleName", "LastName", "BirthDate", "Gender", "PhoneNumber", "MobilePhoneNumber",
    "HomePhoneNumber", "BusinessPhoneNumber", "EmailAddress", "PersonalEmailAddress",
    "BusinessEmailAddress", "PartyTypeString", "GenderString", "ProfileType",
)  # fmt: skip
ADDRESSES = ("Address", "ShippingAddress", "MailingAddress", "BillingAddress")
ADDRESS_PARTS = ("Address1", "Address2", "Address3", "Address4", "City", "County", "State",
                 "Province", "Country", "PostalCode")  # fmt: skip
COLUMNS = ("ProfileId", *SCALAR_FIELDS) + tuple(
    f"{address}_{part}" for address in ADDRESSES for part in ADDRESS_PARTS
)
TABLES = ("profiles", "profile_attributes")

# A query that runs longer than this is stopped (a runaway recursive CTE, say).
TIME_LIMIT_SECONDS = 10.0
# The longest value (or row) a query may build: a profile's row, every field at the model's
# longest, fits four times over; an operation on values this long takes well under a second.
VALUE_LIMIT_BYTES = 256 * 1024
LIKE_PATTERN_LIMIT = 1000
# What a query may hold (sorts, DISTINCT, GROUP BY, CTEs) beyond the tables it reads.
MEMORY_LIMIT_BYTES = 128 * 1024 * 1024
_PROGRESS_EVERY = 1000  # virtual machine instructions between two looks at the clock

# The functions a segment query may call: SQLite's core scalar, aggregate, window, date,
# math and JSON functions that build nothing longer than VALUE_LIMIT_BYTES, and the
# calculated attribute. printf and format are left out: a width or precision makes them
# build a value of any length in one step, which no limit interrupts.
SEGMENT_FUNCTIONS = frozenset("""
    abs char coalesce concat concat_ws glob hex ifnull iif instr length like likelihood
    likely lower ltrim max min nullif octet_length quote random randomblob replace round
    rtrim sign soundex substr substring trim typeof unhex unicode unlikely upper zeroblob
    avg count group_concat string_agg sum total
    row_number rank dense_rank percent_rank cume_dist ntile lag lead first_value last_value
    nth_value
    date time datetime julianday unixepoch strftime timediff current_date current_time
    current_timestamp
    acos acosh asin asinh atan atan2 atanh ceil ceiling cos cosh degrees exp floor ln log
    log10 log2 mod pi pow power radians sin sinh sqrt tan tanh trunc
    json json_array json_array_length json_error_position json_extract json_insert
    json_object json_patch json_quote json_remove json_replace json_set json_type
    json_valid json_group_array json_group_object -> ->>
    calculated_attribute
""".split())  # fmt: skip
_STATEMENTS = ("SELECT", "WITH", "VALUES")  # what a read-only SELECT begins with
_LEADING_NOISE = re.compile(r"(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/)*", re.DOTALL)
_ONLY = "only a single read-only SELECT over profiles and profile_attributes runs"
# SQLite's authorizer actions, by code, for the message of a refusal
_ACTIONS = {
    getattr(sqlite3, f"SQLITE_{name}"): name.replace("_", " ")
    for name in """CREATE_INDEX CREATE_TABLE CREATE_TEMP_INDEX CREATE_TEMP_TABLE
    CREATE_TEMP_TRIGGER CREATE_TEMP_VIEW CREATE_TRIGGER CREATE_VIEW DELETE DROP_INDEX
    DROP_TABLE DROP_TEMP_INDEX DROP_TEMP_TABLE DROP_TEMP_TRIGGER DROP_TEMP_VIEW DROP_TRIGGER
    DROP_VIEW INSERT PRAGMA READ SELECT TRANSACTION UPDATE ATTACH DETACH ALTER_TABLE REINDEX
    ANALYZE CREATE_VTABLE DROP_VTABLE FUNCTION SAVEPOINT RECURSIVE""".split()
    if hasattr(sqlite3, f"SQLITE_{name}")
}

_RECURSIVE = getattr(sqlite3, "SQLITE_RECURSIVE", 33)  # a WITH RECURSIVE's own table

CalculatedValue = Callable[[str, str], "str | None"]


class SegmentRows(NamedTuple):
    """What a query reads: the rows of its two tables."""

    profiles: list[tuple[Any, ...]]
    attributes: list[tuple[str, str, Any]]


def copy_profile(rows: SegmentRows, profile: Mapping[str, Any]) -> None:
    """Add the profile's rows (plain values, so the copy needs no lock to be read)."""
    values: list[Any] = [profile.get(name) for name in ("ProfileId", *SCALAR_FIELDS)]
    for address in ADDRESSES:
        held = profile.get(address) or {}
        values.extend(held.get(part) for part in ADDRESS_PARTS)
    rows.profiles.append(tuple(values))
    profile_id = profile["ProfileId"]
    for name, value in (profile.get("Attributes") or {}).items():
        rows.attributes.append((profile_id, name, value))


def copy_profiles(profiles: Iterable[Mapping[str, Any]]) -> SegmentRows:
    rows = SegmentRows([], [])
    for profile in profiles:
        copy_profile(rows, profile)
    return rows


# -- checking ----------------------------------------------------------------------------
class _Guard:
    """The authorizer, limits and progress handler of one connection, and why it stopped
    a query."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self.refused: str | None = None  # what the authorizer refused
        self.stopped: str | None = None  # why the progress handler stopped the query
        self.problem: str | None = None  # what went wrong in calculated_attribute
        self.deadline = float("inf")
        self.heap_size = sqlite_heap_size()
        self.heap_start = 0

    def install(self) -> None:
        connection = self.connection
        if hasattr(connection, "setlimit"):  # Python 3.11 and later
            limits = {"LENGTH": VALUE_LIMIT_BYTES, "LIKE_PATTERN_LENGTH": LIKE_PATTERN_LIMIT,
                      "ATTACHED": 0, "WORKER_THREADS": 0}  # fmt: skip
            for name, value in limits.items():
                connection.setlimit(getattr(sqlite3, f"SQLITE_LIMIT_{name}"), value)
        connection.execute("PRAGMA query_only = ON")  # the query reads; it changes nothing
        # Temporary data (sorts, DISTINCT, CTEs) is held in memory where the progress
        # handler can see how much there is; otherwise it goes to temporary files.
        store = "MEMORY" if self.heap_size is not None else "FILE"
        connection.execute(f"PRAGMA temp_store = {store}")
        connection.set_authorizer(self.authorize)
        connection.set_progress_handler(self.progress, _PROGRESS_EVERY)

    def authorize(
        self, action: int, first: str | None, second: str | None, database: str | None,
        inner: str | None,
    ) -> int:  # fmt: skip
        if action in (sqlite3.SQLITE_SELECT, _RECURSIVE):
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_READ and first in TABLES and database == "main":
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_FUNCTION and (second or "").lower() in SEGMENT_FUNCTIONS:
            return sqlite3.SQLITE_OK
        if self.refused is None:
            if action == sqlite3.SQLITE_FUNCTION:
                what = f"the function {second}"
            elif action == sqlite3.SQLITE_READ:
                what = f"reading {first}"
            elif action == sqlite3.SQLITE_UPDATE and first == "sqlite_master":
                # SQLite declaring a table-valued function's table as the query is prepared
                what = "a table-valued function (json_each, pragma_table_info, ...)"
            else:
                what = " ".join(filter(None, (_ACTIONS.get(action, str(action)), first)))
            self.refused = f"{_ONLY}: {what} is not allowed"
        return sqlite3.SQLITE_DENY

    def start_clock(self) -> None:
        self.deadline = time.monotonic() + TIME_LIMIT_SECONDS
        self.heap_start = self.heap_size() if self.heap_size is not None else 0

    def progress(self) -> int:
        if time.monotonic() > self.deadline:
            self.stopped = f"the query ran longer than {TIME_LIMIT_SECONDS:g} s"
        elif self._heap_grown() > MEMORY_LIMIT_BYTES:
            self.stopped = f"the query held more than {MEMORY_LIMIT_BYTES // 2**20} MB of memory"
        return 1 if self.stopped else 0

    def _heap_grown(self) -> int:
        return self.heap_size() - self.heap_start if self.heap_size is not None else 0

    def message(self, error: sqlite3.Error) -> str:
        """The BadRequestException message for the engine's ``error``."""
        reason = self.refused or self.stopped or self.problem or str(error)
        return f"SegmentSqlQuery: {reason}"


@functools.cache
def sqlite_heap_size() -> Callable[[], int] | None:
    """SQLite's ``sqlite3_memory_used`` (the bytes its heap holds, in every connection of
    the process) from the library Python's sqlite3 uses; None where it cannot be read or
    SQLite keeps no count."""
    try:
        import _sqlite3

        used = ctypes.CDLL(_sqlite3.__file__).sqlite3_memory_used
    except (ImportError, OSError, AttributeError):
        return None
    used.restype, used.argtypes = ctypes.c_int64, []
    probe = sqlite3.connect(":memory:")
    try:
        probe.execute("CREATE TABLE t (x)")
        counted = used() > 0
    finally:
        probe.close()
    return (lambda: int(used())) if counted else None


def _schema(connection: sqlite3.Connection) -> None:
    columns = ", ".join(f'"{c}" TEXT' + (" PRIMARY KEY" if c == "ProfileId" else "")
                        for c in COLUMNS)  # fmt: skip
    connection.execute(f"CREATE TABLE profiles ({columns})")
    connection.execute("CREATE TABLE profile_attributes (ProfileId TEXT, Name TEXT, Value TEXT)")


def _check_statement(query: str) -> None:
    start = _LEADING_NOISE.match(query)
    rest = query[start.end() if start else 0 :]
    word = re.match(r"[A-Za-z]+", rest)
    if word is None or word.group().upper() not in _STATEMENTS:
        shown = word.group().upper() if word else rest[:1] or "an empty query"
        raise BadRequestException(f"SegmentSqlQuery: {_ONLY}: {shown} is not allowed")


def _define_calculated(
    connection: sqlite3.Connection, guard: _Guard, calculated: CalculatedValue | None
) -> None:
    def calculated_attribute(profile_id: Any, name: Any) -> str | None:
        if time.monotonic() > guard.deadline:
            guard.stopped = f"the query ran longer than {TIME_LIMIT_SECONDS:g} s"
            raise TimeoutError(guard.stopped)
        if calculated is None:
            return None
        try:
            return calculated(str(profile_id), str(name))
        except BadRequestException as error:
            guard.problem = error.message.removeprefix("CalculatedAttributes: ")
            raise

    connection.create_function("calculated_attribute", 2, calculated_attribute)


def check_segment_query(query: str) -> None:
    """Refuse (BadRequestException) a query that is not one read-only SELECT of the
    segment tables and functions, without running it or reading any profile."""
    connection = sqlite3.connect(":memory:")
    try:
        _schema(connection)
        guard = _Guard(connection)
        _define_calculated(connection, guard, None)
        guard.install()
        try:
            connection.execute(f"EXPLAIN {query}")
        except sqlite3.Error as error:
            raise BadRequestException(guard.message(error)) from error
    finally:
        connection.close()
    _check_statement(query)  # what SQLite prepares without asking (VACUUM)


# -- running -----------------------------------------------------------------------------
def run_segment_query(query: str, rows: SegmentRows, calculated: CalculatedValue) -> set[str]:
    """The ids of the copied profiles ``query`` selects (a BadRequestException says why
    the query could not run or was stopped)."""
    _check_statement(query)
    connection = sqlite3.connect(":memory:")
    try:
        _schema(connection)
        marks = ", ".join("?" for _ in COLUMNS)
        connection.executemany(f"INSERT INTO profiles VALUES ({marks})", rows.profiles)
        connection.executemany("INSERT INTO profile_attributes VALUES (?, ?, ?)", rows.attributes)
        # The loading transaction stays open: a VACUUM could not run inside it either.
        guard = _Guard(connection)
        _define_calculated(connection, guard, calculated)
        guard.install()
        known = {str(row[0]) for row in rows.profiles}
        guard.start_clock()
        try:
            return _selected(connection.execute(query), known)
        except sqlite3.Error as error:
            raise BadRequestException(guard.message(error)) from error
    finally:
        connection.close()


def _selected(cursor: sqlite3.Cursor, known: set[str]) -> set[str]:
    names = [d[0] for d in cursor.description or ()]
    if not names:
        raise BadRequestException("SegmentSqlQuery: the query returns no columns")
    lowered = [n.lower() for n in names]
    column = lowered.index("profileid") if "profileid" in lowered else 0
    selected: set[str] = set()
    for row in cursor:
        value = row[column]
        if value is not None and str(value) in known:  # at most one entry a profile
            selected.add(str(value))
    return selected
