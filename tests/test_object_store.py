"""The object store's parts of its own."""

from __future__ import annotations

from cp_mock.models.objects.object_store import TimeQueue


def test_the_expiry_queue_gives_entries_in_time_then_number_order() -> None:
    queue: TimeQueue[float, str] = TimeQueue()
    for time, number, key in [(1.0, 1, "a"), (3.0, 2, "b"), (2.0, 3, "c"), (3.0, 0, "d"),
                              (3.0, 4, "e"), (0.5, 5, "f")]:  # fmt: skip
        queue.push(time, number, key)
    expected = ["f", "a", "c", "d", "b", "e"]
    assert [key for _, _, key in queue.entries()] == expected
    popped = []
    while queue.first() is not None:
        popped.append(queue.pop()[2])
    assert popped == expected
    assert len(queue) == 0
