"""The object store's parts of its own."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import boto3
from freezegun import freeze_time

from cp_mock import dump_state, load_state
from cp_mock.models.objects.object_store import TimeQueue
from tests.factories import put_order_type


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


def test_an_objects_expiry_is_written_back_to_the_microsecond(
    customerprofiles_mock: Any,
) -> None:
    # The store keeps an expiry as POSIX seconds only where they give it back exactly: a
    # dump reads the same after a load whatever moment the state file gave.
    client = boto3.client("customer-profiles", region_name="us-east-1")
    client.create_domain(DomainName="times", DefaultExpirationDays=30)
    put_order_type(client, "times", ExpirationDays=10)  # (the profile's: 30 days)
    with freeze_time(datetime(2030, 1, 1, 12, 0, 0, 123457)):
        body = json.dumps({"id": "o-1", "email": "pat@example.com"})
        client.put_profile_object(DomainName="times", ObjectTypeName="Order", Object=body)
    dumped = dump_state()
    text = json.dumps(dumped)
    assert '"ExpiresAt": "2030-01-11T12:00:00.123457+00:00"' in text
    moments = (
        "2300-01-01T00:00:00.000001+00:00",
        "1650-06-01T00:00:00.999999+00:00",
        "2199-12-31T23:59:59.999999+00:00",
        "1969-12-31T23:59:59.999999+00:00",
    )
    at = text.index('"ProfileObjects"')  # (the profile's own expiry is the same moment)
    for moment in moments:
        state = json.loads(text[:at] + text[at:].replace("2030-01-11T12:00:00.123457", moment[:26]))
        load_state(state)
        assert json.dumps(dump_state()) == json.dumps(state), moment
