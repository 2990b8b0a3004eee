"""The one clock every timestamp comes from.

``datetime.now`` and ``time.time`` are what freezegun patches, so a frozen or moved clock
in a test is seen by every model (creation times, expiry, job schedules).
"""

from __future__ import annotations

import time
from datetime import datetime, timezone


def now() -> datetime:
    return datetime.now(timezone.utc)


def timestamp() -> float:
    """``now()`` as POSIX seconds, at a fraction of the cost (for values only compared)."""
    return time.time()


def event_time(moment: datetime) -> str:
    """``moment`` (UTC) as the event records write it: "2020-01-01T00:00:00.000Z",
    milliseconds truncated. (isoformat costs a tenth of the equivalent strftime.)"""
    return moment.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


# POSIX seconds below this give every microsecond back (a double's step there is under
# half a microsecond): years 1697 to 2242
_EXACT_SECONDS = 2.0**33


def compact(moment: datetime) -> float | datetime:
    """``moment`` as POSIX seconds when ``moment_of`` gives it back exactly (a UTC moment of
    those years), else itself (another offset, which a state file may give, is kept)."""
    if moment.tzinfo is timezone.utc:
        seconds = moment.timestamp()
        if -_EXACT_SECONDS < seconds < _EXACT_SECONDS:
            return seconds
    return moment


def moment_of(kept: float | datetime) -> datetime:
    """The moment a kept time stands for: POSIX seconds (``compact``'s, or ``timestamp``'s)
    as a UTC datetime, a datetime as itself."""
    if type(kept) is float:
        return datetime.fromtimestamp(kept, timezone.utc)
    return kept  # type: ignore[return-value]


def seconds_of(kept: float | datetime) -> float:
    """A kept time as POSIX seconds (itself, nearly always)."""
    return kept if type(kept) is float else kept.timestamp()  # type: ignore[union-attr]
