"""The domain's dead-letter queue (CreateDomain's DeadLetterQueueUrl: "used for reporting
errors associated with ingesting data").

Admin guide, "Additional properties of object types in Customer Profiles": an object that
matches no profile, of a type that does not allow profile creation, "is created and written
to the domain dead-letter queue". PutProfileObject accepts it (the object is validated, and
matching happens after the call returns, as "Profile matching and inferred profiles" says)
and answers with the ProfileObjectUniqueKey it would have had; no profile or object is
stored. The mock sends the message below to the domain's queue when moto's SQS holds it (same
account and region), and keeps every dead-lettered object readable through
``cp_mock.dead_letter_objects`` whether it was sent or not.

The message body, a JSON object (docs/ingestion.md):
``DomainName``, ``ObjectTypeName``, ``ProfileObjectUniqueKey``, ``Object`` (the object as
put, a string), ``Reason`` (``NO_MATCHING_PROFILE``), ``Message`` (which keys matched
nothing or several profiles), ``Timestamp`` (ISO 8601, UTC, by the mock's clock).
A record an integration read (models/data_in/integration_sources.py) also carries ``Source`` (the
file and row, or the stream, shard and sequence number, it came from); one ingestion
refused (not a JSON object, no UNIQUE key) has the ``Reason`` ``INVALID_OBJECT`` and no
``ProfileObjectUniqueKey`` (null).
"""

from __future__ import annotations

import json
from typing import Any

from ...compat.other_services import send_sqs_message
from ..backend_state import BackendState
from ..core import journal
from ..core.base import copy_plain
from ..core.clock import now
from .domains import Domain

NO_MATCHING_PROFILE = "NO_MATCHING_PROFILE"
# a record an integration read that PutProfileObject would have refused
INVALID_OBJECT = "INVALID_OBJECT"


def dead_letter(
    domain: Domain,
    account_id: str,
    region: str,
    type_name: str,
    body: str,
    unique_key: str | None,
    message: str,
    reason: str = NO_MATCHING_PROFILE,
    origin: str | None = None,
) -> None:
    """Write an object ingestion could not place (or, ``INVALID_OBJECT``, an integration's
    record it refused) to the domain's dead-letter queue; ``origin`` says where an
    integration read it."""
    sent: dict[str, Any] = {
        "DomainName": domain.name,
        "ObjectTypeName": type_name,
        "ProfileObjectUniqueKey": unique_key,
        "Object": body,
        "Reason": reason,
        "Message": message,
        "Timestamp": now().isoformat(),
    }
    if origin is not None:
        sent["Source"] = origin
    queue_url = domain.settings.get("DeadLetterQueueUrl") or None
    kept = {**sent, "DeadLetterQueueUrl": queue_url, "Sent": False}
    journal.keep_length(domain.admin.dead_letters)
    domain.admin.dead_letters.append(kept)
    if queue_url is not None:
        # sent once the call has succeeded: a message on another service is not undone
        journal.when_done(_send, kept, account_id, region, queue_url, json.dumps(sent))


def _send(kept: dict[str, Any], account_id: str, region: str, queue_url: str, text: str) -> None:
    kept["Sent"] = not send_sqs_message(account_id, region, queue_url, text, kept["DomainName"])


class DeadLetterOperations(BackendState):
    def dead_letter_objects(self, domain_name: str) -> list[dict[str, Any]]:
        """Every object written to the domain's dead-letter queue, oldest first: the message
        body, with the queue's URL (None when the domain names none) and whether it was sent."""
        return [copy_plain(item) for item in self.get_domain_state(domain_name).admin.dead_letters]
