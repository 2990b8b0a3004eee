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
