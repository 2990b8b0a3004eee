"""BatchPutProfileObject: up to ten objects of one type, each put as PutProfileObject puts
it (API_BatchPutProfileObject).

Each item goes through the same ingestion as PutProfileObject (models/objects/objects.py): mapped
into its profile, an inferred profile made where the type allows it, or dead-lettered (and
then reported as successful, as PutProfileObject accepts it). An item ingestion refuses (not
JSON, no UNIQUE key) is reported in ``Failed`` with the HTTP status code and message that
PutProfileObject would have answered, and the other items are put all the same: "each
item succeeds or is reported in Failed". An item is put whole or not at all: what it had
done when it failed is undone (models/core/journal.py), whatever the failure; one the mock did
not foresee is reported with the status of InternalServerException, 500. What concerns the
whole call (the domain, the object type, two items with one ``Id``, an item that is not an
object with an Id and an Object) fails the call, as nothing in it could be put.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from moto.core.exceptions import ServiceException

from ...exceptions import (
    AccessDeniedException,
    BadRequestException,
    InternalServerException,
    ResourceNotFoundException,
    ThrottlingException,
)
from ..backend_state import BackendState
from ..core import journal
from ..core.operations import operation
from .object_types import object_type_for_put
from .objects import ingest

# The HTTP status code each modeled error carries (the model's error shapes).
_STATUS_CODES: dict[type[ServiceException], int] = {
    BadRequestException: 400,
    AccessDeniedException: 403,
    ResourceNotFoundException: 404,
    ThrottlingException: 429,
    InternalServerException: 500,
}


class BatchObjectOperations(BackendState):
    @operation("BatchPutProfileObject")
    def batch_put_profile_object(
        self, domain_name: str, object_type_name: str, items: list[dict[str, str]]
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        object_type = object_type_for_put(self, domain, object_type_name)
        for index, item in enumerate(items):
            if not isinstance(item, dict) or not all(
                isinstance(item.get(member), str) for member in ("Id", "Object")
            ):
                raise BadRequestException(
                    f"Items[{index}] must be an object with an Id and an Object"
                )
        counts = Counter(item["Id"] for item in items)
        repeated = sorted(item_id for item_id, count in counts.items() if count > 1)
        if repeated:
            # the response tells items apart by Id only
            raise BadRequestException(f"Items: each Id must be unique, repeated: {repeated}")
        successful, failed = [], []
        for item in items:
            before = journal.mark()
            try:
                unique_key = ingest(self, domain, object_type, item["Object"])
            except ServiceException as error:
                journal.undo_since(before)
                code = _STATUS_CODES.get(type(error), 400)
                failed.append({"Id": item["Id"], "Code": code, "Message": error.message[:1000]})
            except Exception as error:  # noqa: BLE001 - this item's failure, not the others'
                journal.undo_since(before)
                logging.getLogger("cp_mock").error(
                    "BatchPutProfileObject: item %s failed unexpectedly; it was undone",
                    item["Id"], exc_info=error,
                )  # fmt: skip
                message = f"The mock failed to put this item ({type(error).__name__})"
                failed.append({"Id": item["Id"], "Code": 500, "Message": message})
            else:
                successful.append({"Id": item["Id"], "ProfileObjectUniqueKey": unique_key})
        return {"Successful": successful, "Failed": failed}
