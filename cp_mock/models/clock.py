"""The one clock every timestamp comes from.

``datetime.now`` is what freezegun patches, so a frozen or moved clock in a test is seen
by every model (creation times, expiry, job schedules).
"""

from __future__ import annotations

from datetime import datetime, timezone


def now() -> datetime:
    return datetime.now(timezone.utc)
