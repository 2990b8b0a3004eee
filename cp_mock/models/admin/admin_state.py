"""What a domain holds of its own administration (models/admin/layouts.py,
domain_object_types.py and dead_letters.py): layouts, domain object types, and the objects
written to its dead-letter queue. Plain data; the behaviour lives in those families."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..core import journal
from ..core.clock import now
from ..core.tags import tags_member


@dataclass
class DomainLayout:
    name: str
    arn: str
    settings: dict[str, Any]  # Description, DisplayName, IsDefault, LayoutType, Layout
    version: int = 1
    created_at: datetime = field(default_factory=now)
    last_updated_at: datetime = field(default_factory=now)

    @property
    def is_default(self) -> bool:
        return bool(self.settings.get("IsDefault"))

    def summary(self, tags: dict[str, str]) -> dict[str, Any]:
        return {
            "LayoutDefinitionName": self.name,
            "Description": self.settings["Description"],
            "DisplayName": self.settings["DisplayName"],
            "IsDefault": self.is_default,
            "LayoutType": self.settings["LayoutType"],
            "CreatedAt": self.created_at,
            "LastUpdatedAt": self.last_updated_at,
            **tags_member("Tags", tags),
        }

    def describe(self, tags: dict[str, str]) -> dict[str, Any]:
        return {
            **self.summary(tags),
            "Layout": self.settings["Layout"],
            "Version": str(self.version),
        }


@dataclass
class DomainObjectType:
    name: str
    arn: str
    settings: dict[str, Any]
    created_at: datetime = field(default_factory=now)
    last_updated_at: datetime = field(default_factory=now)


@dataclass
class AdminState:
    # layout name -> its layout
    layouts: dict[str, DomainLayout] = field(default_factory=dict)
    # domain object type name -> its definition
    domain_object_types: dict[str, DomainObjectType] = field(default_factory=dict)
    # objects written to the dead-letter queue, oldest first (each noted in the journal)
    dead_letters: list[dict[str, Any]] = field(default_factory=list, metadata=journal.JOURNALED)
