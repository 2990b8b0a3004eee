"""What several test files build the same way, as plain functions of a boto3 client."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

# a client that makes one attempt: a refused call is not tried again
NO_RETRIES = Config(retries={"total_max_attempts": 1})

# a field that gives the profile its email address, and the key that finds the profile by it
EMAIL_FIELD: dict[str, Any] = {"Source": "_source.email", "Target": "_profile.EmailAddress"}
PROFILE_BY_EMAIL: dict[str, Any] = {
    "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}]
}

# the "Order" object type most tests put orders of: an order's id, amount and customer
ORDER_FIELDS: dict[str, Any] = {
    "id": {"Source": "_source.id"},
    "email": EMAIL_FIELD,
    "amount": {"Source": "_source.amount"},
}
ORDER_KEYS: dict[str, Any] = {
    "id": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
    "email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}],
}


def put_order_type(
    client: Any,
    domain: str,
    fields: dict[str, Any] | None = None,
    keys: dict[str, Any] | None = None,
    **settings: Any,
) -> str:
    """Define the "Order" object type (ORDER_FIELDS and ORDER_KEYS unless given, creating
    profiles unless ``AllowProfileCreation=False``); its name."""
    client.put_profile_object_type(
        DomainName=domain,
        ObjectTypeName="Order",
        Description="orders",
        **{"AllowProfileCreation": True, **settings},
        Fields=ORDER_FIELDS if fields is None else fields,
        Keys=ORDER_KEYS if keys is None else keys,
    )
    return "Order"


def orders_domain_once(domain: str) -> Any:
    """A client that makes one attempt (``NO_RETRIES``), of a new domain with the "Order"
    object type (``put_order_type``)."""
    client = boto3.client("customer-profiles", region_name="us-east-1", config=NO_RETRIES)
    client.create_domain(DomainName=domain, DefaultExpirationDays=30)
    put_order_type(client, domain)
    return client


def create_profile(client: Any, domain: str, **fields: Any) -> str:
    """A profile made by CreateProfile with ``fields``; its id."""
    return str(client.create_profile(DomainName=domain, **fields)["ProfileId"])


def put_seat_price_type(client: Any, domain: str) -> str:
    """A "FlightSegment" type filling the standard air segment's seat price, keyed by its
    segment reference (AIR_SEGMENT), its customer found by email; its name."""
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="FlightSegment", Description="air segments",
        AllowProfileCreation=True,
        Fields={"ref": {"Source": "_source.ref"},
                "price": {"Source": "_source.price", "Target": "_airSegment.Seat.Price"},
                "email": EMAIL_FIELD},
        Keys={"ref": [{"StandardIdentifiers": ["UNIQUE", "AIR_SEGMENT"], "FieldNames": ["ref"]}],
              **PROFILE_BY_EMAIL},
    )  # fmt: skip
    return "FlightSegment"
