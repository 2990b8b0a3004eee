"""Definitions the benchmarks share: the Order object type they put objects of."""

from __future__ import annotations

from typing import Any

# the standard profile field, and the standard key, each contact field of an order fills
_CONTACTS = {"phone": ("PhoneNumber", "_phone"), "email": ("EmailAddress", "_email")}


def order_type(contact: str) -> dict[str, Any]:
    """PutProfileObjectType's members for "Order": a UNIQUE ``id`` and one contact field
    (``"phone"`` or ``"email"``) that fills the profile's field and is its PROFILE key, so an
    order of a known customer lands on that customer's profile."""
    profile_field, standard_key = _CONTACTS[contact]
    return {
        "Description": "orders",
        "AllowProfileCreation": True,
        "Fields": {
            "id": {"Source": "_source.id"},
            contact: {"Source": f"_source.{contact}", "Target": f"_profile.{profile_field}"},
        },
        "Keys": {
            "orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
            standard_key: [{"StandardIdentifiers": ["PROFILE"], "FieldNames": [contact]}],
        },
    }
