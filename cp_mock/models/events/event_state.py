"""What a domain holds for its events (models/events/event_streams.py and
event_triggers.py): its event streams, its event triggers, and every firing of a trigger.
Plain data; the behaviour lives in the two families."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..core import journal

if TYPE_CHECKING:
    from .event_streams import EventStream
    from .event_triggers import EventTrigger


@dataclass
class EventState:
    # event stream name -> its stream, at most one
    streams: dict[str, EventStream] = field(default_factory=dict)
    # event trigger name -> its trigger
    triggers: dict[str, EventTrigger] = field(default_factory=dict)
    # every firing of a trigger, oldest first (each noted in the call's journal)
    trigger_invocations: list[dict[str, Any]] = field(
        default_factory=list, metadata=journal.JOURNALED
    )
