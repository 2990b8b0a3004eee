"""The change feed's delivery (models/core/changes.py): a subscriber that declares the actions
it hears is not called for others; one that declares none hears every change."""

from __future__ import annotations

from typing import Any

from cp_mock.models.backend_state import Change
from cp_mock.models.core.changes import CREATED, INGESTED, REMOVALS, hearing, hears


def test_a_subscriber_hears_only_the_actions_it_declares_and_order_is_kept() -> None:
    heard: list[tuple[str, str]] = []

    def everything(backend: Any, change: Change) -> None:
        heard.append(("everything", change.action))

    @hears(INGESTED)
    def ingested(backend: Any, change: Change) -> None:
        heard.append(("ingested", change.action))

    @hears(*REMOVALS)
    def removals(backend: Any, change: Change) -> None:
        heard.append(("removals", change.action))

    subscribers = (removals, everything, ingested)
    for action in (INGESTED, CREATED, "DELETED_BY_CUSTOMER"):
        for subscriber in hearing(subscribers, action):
            subscriber(None, Change(action, None))  # type: ignore[arg-type]
    assert heard == [
        ("everything", INGESTED), ("ingested", INGESTED),
        ("everything", CREATED),
        ("removals", "DELETED_BY_CUSTOMER"), ("everything", "DELETED_BY_CUSTOMER"),
    ]  # fmt: skip
