"""DetectProfileObjectType: propose Fields and Keys for sample objects.

Detection is deterministic and explainable: every leaf of the samples becomes a field
(its name the path with ``.`` as ``_``); values that look like e-mail addresses or phone
numbers, and names such as ``firstName``/``last_name``, are mapped to the standard profile
and given the ``_email``/``_phone`` PROFILE keys; the first id-like field (``id``,
``...Id``, ``..._id``) becomes the UNIQUE key. As the API reference says, at most one
mapping is returned.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..backend_state import BackendState
from ..core.operations import operation
from .objects import parse_object

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[\d\s().-]{7,20}$")
ID_NAME = re.compile(r"(^id$|Id$|_id$|^ID$)")
NAME_TARGETS = {
    "firstname": "FirstName", "first_name": "FirstName", "givenname": "FirstName",
    "lastname": "LastName", "last_name": "LastName", "surname": "LastName",
    "familyname": "LastName", "middlename": "MiddleName", "middle_name": "MiddleName",
}  # fmt: skip


def _leaves(document: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in document.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            yield from _leaves(value, path)
        elif not isinstance(value, list):
            yield path, value


def detect_mapping(samples: list[dict[str, Any]]) -> dict[str, Any]:
    fields: dict[str, dict[str, str]] = {}
    keys: dict[str, list[dict[str, Any]]] = {}
    unique_field = None
    for sample in samples:
        for path, value in _leaves(sample):
            name = re.sub(r"[^A-Za-z0-9_-]", "_", path)[:64]
            if name in fields:
                continue
            leaf = path.rsplit(".", 1)[-1]
            field = {"Source": f"_source.{path}", "ContentType": "STRING"}
            text = "" if value is None else str(value)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                field["ContentType"] = "NUMBER"
            if EMAIL.match(text):
                field.update(ContentType="EMAIL_ADDRESS", Target="_profile.EmailAddress")
                keys.setdefault(
                    "_email", [{"StandardIdentifiers": ["PROFILE"], "FieldNames": [name]}]
                )
            elif (
                isinstance(value, str) and PHONE.match(text) and sum(c.isdigit() for c in text) >= 7
            ):
                field.update(ContentType="PHONE_NUMBER", Target="_profile.PhoneNumber")
                keys.setdefault(
                    "_phone", [{"StandardIdentifiers": ["PROFILE"], "FieldNames": [name]}]
                )
            elif leaf.lower() in NAME_TARGETS:
                field.update(ContentType="NAME", Target=f"_profile.{NAME_TARGETS[leaf.lower()]}")
            elif unique_field is None and ID_NAME.search(leaf):
                unique_field = name
            fields[name] = field
    if unique_field is not None:
        keys[f"_{unique_field}"[:64]] = [
            {"StandardIdentifiers": ["UNIQUE", "PROFILE"], "FieldNames": [unique_field]}
        ]
    return {"Fields": fields, "Keys": keys}


class DetectOperations(BackendState):
    @operation("DetectProfileObjectType")
    def detect_profile_object_type(self, domain_name: str, objects: list[str]) -> dict[str, Any]:
        self.get_domain_state(domain_name)
        samples = [parse_object(text) for text in objects]
        return {"DetectedProfileObjectTypes": [detect_mapping(samples)]}
