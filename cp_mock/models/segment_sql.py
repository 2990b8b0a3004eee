"""SQL (ENHANCED) segments, run for real by the standard library's sqlite3.

The domain's profiles are loaded into a fresh in-memory database for each evaluation
(never cached), as two tables and one function (docs/segments.md):

- ``profiles``: one row per profile, a column per standard field (``ProfileId``,
  ``FirstName``, ...), address parts as ``Address_City``, ``BillingAddress_PostalCode``...
- ``profile_attributes``: ``ProfileId``, ``Name``, ``Value``, one row per custom attribute.
- ``calculated_attribute(ProfileId, Name)``: the profile's calculated attribute value.

The members are the query's ``ProfileId`` column (else its first column), keeping only
ids of profiles of the domain. A query the engine cannot run is a BadRequestException
with the engine's message.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..exceptions import BadRequestException, ResourceNotFoundException

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
# A query that runs longer than this is stopped (a runaway recursive CTE, say).
TIME_LIMIT_SECONDS = 10.0

CalculatedValue = Callable[[str, str], "str | None"]


def _row(profile: Mapping[str, Any]) -> tuple[Any, ...]:
    values: list[Any] = [profile.get(name) for name in ("ProfileId", *SCALAR_FIELDS)]
    for address in ADDRESSES:
        held = profile.get(address) or {}
        values.extend(held.get(part) for part in ADDRESS_PARTS)
    return tuple(values)


def run_segment_query(
    query: str, profiles: Iterable[Mapping[str, Any]], calculated: CalculatedValue
) -> set[str]:
    """The ids of the profiles ``query`` selects."""
    connection = sqlite3.connect(":memory:")
    try:
        return _run(connection, query, list(profiles), calculated)
    finally:
        connection.close()


def _run(
    connection: sqlite3.Connection,
    query: str,
    profiles: list[Mapping[str, Any]],
    calculated: CalculatedValue,
) -> set[str]:
    columns = ", ".join(f'"{c}" TEXT' + (" PRIMARY KEY" if c == "ProfileId" else "")
                        for c in COLUMNS)  # fmt: skip
    connection.execute(f"CREATE TABLE profiles ({columns})")
    connection.execute("CREATE TABLE profile_attributes (ProfileId TEXT, Name TEXT, Value TEXT)")
    marks = ", ".join("?" for _ in COLUMNS)
    connection.executemany(f"INSERT INTO profiles VALUES ({marks})", map(_row, profiles))
    connection.executemany(
        "INSERT INTO profile_attributes VALUES (?, ?, ?)",
        (
            (profile["ProfileId"], name, value)
            for profile in profiles
            for name, value in (profile.get("Attributes") or {}).items()
        ),
    )
    missing: list[str] = []

    def calculated_attribute(profile_id: Any, name: Any) -> str | None:
        try:
            return calculated(str(profile_id), str(name))
        except ResourceNotFoundException as error:
            missing.append(error.message)
            raise

    connection.create_function("calculated_attribute", 2, calculated_attribute)
    connection.execute("PRAGMA query_only = ON")  # the query reads; it changes nothing
    deadline = time.monotonic() + TIME_LIMIT_SECONDS
    connection.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    try:
        cursor = connection.execute(query)
        names = [d[0] for d in cursor.description or ()]
        if not names:
            raise BadRequestException("SegmentSqlQuery: the query returns no columns")
        lowered = [n.lower() for n in names]
        column = lowered.index("profileid") if "profileid" in lowered else 0
        selected = {str(row[column]) for row in cursor if row[column] is not None}
    except sqlite3.Error as error:
        if missing:
            raise BadRequestException(f"SegmentSqlQuery: {missing[0]}") from error
        if str(error) == "interrupted":
            raise BadRequestException(
                f"SegmentSqlQuery: the query ran longer than {TIME_LIMIT_SECONDS:g} s"
            ) from error
        raise BadRequestException(f"SegmentSqlQuery: {error}") from error
    known = {str(profile["ProfileId"]) for profile in profiles}
    return selected & known
