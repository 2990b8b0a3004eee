"""What a domain holds of its own administration (models/admin/layouts.py,
domain_object_types.py and dead_letters.py): layouts, domain object types, and the objects
written to its dead-letter queue. Plain data; the behaviour lives in those families."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..core import journal

if TYPE_CHECKING:
    from .layouts import DomainLayout


@dataclass
class AdminState:
    # layout name -> its layout
    layouts: dict[str, DomainLayout] = field(default_factory=dict)
    # domain object type name -> its definition
    domain_object_types: dict[str, Any] = field(default_factory=dict)
    # objects written to the dead-letter queue, oldest first (each noted in the journal)
    dead_letters: list[dict[str, Any]] = field(default_factory=list, metadata=journal.JOURNALED)
