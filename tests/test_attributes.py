"""Attribute values and statistics computed from stored data, domain object types and
detection (API_ListObjectTypeAttributes, API_ListObjectTypeAttributeValues,
API_GetObjectTypeAttributeStatistics, API_ListProfileAttributeValues,
API_PutDomainObjectType & co, API_DetectProfileObjectType)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

from cp_mock import dump_state


@pytest.fixture
def purchases(client: Any, domain: str) -> str:
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="Purchase", Description="purchases",
        AllowProfileCreation=True,
        Fields={"id": {"Source": "_source.id"}, "amount": {"Source": "_source.amount",
                "ContentType": "NUMBER"}, "channel": {"Source": "_source.channel"},
                "email": {"Source": "_source.email", "Target": "_profile.EmailAddress"}},
        Keys={"purchaseId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
              "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}]},
    )  # fmt: skip
    rows = [("p1", 10, "web"), ("p2", 20, "store"), ("p3", 30, "web"), ("p4", 40, "app")]
    for moment, (number, amount, channel) in enumerate(rows):
        with freeze_time(f"2031-01-0{moment + 1}T00:00:00Z"):
            client.put_profile_object(
                DomainName=domain, ObjectTypeName="Purchase",
                Object=json.dumps({"id": number, "amount": amount, "channel": channel,
                                   "email": "buyer@example.com"}),
            )  # fmt: skip
    return "Purchase"


def test_attributes_are_the_type_fields(client: Any, domain: str, purchases: str) -> None:
    items = client.list_object_type_attributes(DomainName=domain, ObjectTypeName=purchases)["Items"]
    assert [i["AttributeName"] for i in items] == ["id", "amount", "channel", "email"]
    assert items[0]["LastUpdatedAt"].year == 2031


def test_attribute_values_most_recent_distinct_first(
    client: Any, domain: str, purchases: str
) -> None:
    items = client.list_object_type_attribute_values(
        DomainName=domain, ObjectTypeName=purchases, AttributeName="channel"
    )["Items"]
    assert [i["Value"] for i in items] == ["app", "web", "store"]
    assert items[0]["LastUpdatedAt"].day == 4


def test_unknown_attribute_is_404(client: Any, domain: str, purchases: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.list_object_type_attribute_values(
            DomainName=domain, ObjectTypeName=purchases, AttributeName="colour"
        )
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_statistics_need_the_data_store(client: Any, domain: str, purchases: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.get_object_type_attribute_statistics(
            DomainName=domain, ObjectTypeName=purchases, AttributeName="amount"
        )
    assert excinfo.value.response["Error"]["Code"] == "BadRequestException"
    client.update_domain(DomainName=domain, DataStore={"Enabled": True})
    stats = client.get_object_type_attribute_statistics(
        DomainName=domain, ObjectTypeName=purchases, AttributeName="amount"
    )["Statistics"]
    assert (stats["Minimum"], stats["Maximum"], stats["Average"]) == (10, 40, 25)
    assert stats["StandardDeviation"] == pytest.approx(11.1803, rel=1e-4)
    assert stats["Percentiles"]["P50"] == 25
    assert stats["Percentiles"]["P5"] == pytest.approx(11.5)


def test_profile_attribute_values(client: Any, domain: str) -> None:
    for first, city in (("Ana", "Leeds"), ("Bo", "York"), ("Ana", None)):
        client.create_profile(
            DomainName=domain, FirstName=first, **({"Address": {"City": city}} if city else {})
        )
    names = client.list_profile_attribute_values(DomainName=domain, AttributeName="FirstName")
    assert [i["Value"] for i in names["Items"]] == ["Ana", "Bo"]
    assert names["StatusCode"] == 200
    cities = client.list_profile_attribute_values(DomainName=domain, AttributeName="Address.City")
    assert [i["Value"] for i in cities["Items"]] == ["Leeds", "York"]


PRODUCT_FIELDS = {"name": {"Source": "_source.name", "Target": "_custom.name",
                           "ContentType": "STRING", "FeatureType": "TEXTUAL"}}  # fmt: skip


def test_domain_object_types_crud(client: Any, domain: str) -> None:
    client.update_domain(DomainName=domain, DataStore={"Enabled": True})
    fields = PRODUCT_FIELDS
    put = client.put_domain_object_type(
        DomainName=domain, ObjectTypeName="Product", Description="catalog", Fields=fields,
        Tags={"a": "b"},
    )  # fmt: skip
    assert put["Fields"] == fields and put["Tags"] == {"a": "b"}
    got = client.get_domain_object_type(DomainName=domain, ObjectTypeName="Product")
    assert got["Description"] == "catalog"
    listed = client.list_domain_object_types(DomainName=domain)["Items"]
    assert [i["ObjectTypeName"] for i in listed] == ["Product"]
    client.delete_domain_object_type(DomainName=domain, ObjectTypeName="Product")
    with pytest.raises(ClientError) as excinfo:
        client.get_domain_object_type(DomainName=domain, ObjectTypeName="Product")
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_a_domain_object_type_needs_the_data_store(client: Any, domain: str) -> None:
    # API_PutDomainObjectType: "To create a new DomainObjectType, Data Store needs to be
    # enabled on the Domain." Before, it was made regardless.
    client.update_domain(DomainName=domain, DataStore={"Enabled": False})
    before = dump_state()
    with pytest.raises(ClientError) as excinfo:
        client.put_domain_object_type(
            DomainName=domain, ObjectTypeName="Product", Fields=PRODUCT_FIELDS
        )
    error = excinfo.value.response["Error"]
    assert error["Code"] == "BadRequestException"
    assert error["Message"].startswith(
        "To create a new DomainObjectType, Data Store needs to be enabled on the Domain"
    )
    assert dump_state() == before
    # one made while the data store was on can still be changed once it is off
    client.update_domain(DomainName=domain, DataStore={"Enabled": True})
    client.put_domain_object_type(
        DomainName=domain, ObjectTypeName="Product", Fields=PRODUCT_FIELDS
    )
    client.update_domain(DomainName=domain, DataStore={"Enabled": False})
    changed = client.put_domain_object_type(
        DomainName=domain, ObjectTypeName="Product", Description="catalog", Fields=PRODUCT_FIELDS
    )
    assert changed["Description"] == "catalog"


def test_detect_proposes_fields_and_keys(client: Any, domain: str) -> None:
    samples = [
        {"customerId": "C-1", "firstName": "Jane", "last_name": "Doe",
         "contact": {"email": "jane@example.com", "mobile": "+1 555 010 0100"}, "points": 12},
    ]  # fmt: skip
    detected = client.detect_profile_object_type(
        DomainName=domain, Objects=[json.dumps(s) for s in samples]
    )["DetectedProfileObjectTypes"]
    assert len(detected) == 1
    fields, keys = detected[0]["Fields"], detected[0]["Keys"]
    assert fields["contact_email"]["Target"] == "_profile.EmailAddress"
    assert fields["contact_mobile"]["ContentType"] == "PHONE_NUMBER"
    assert fields["firstName"]["Target"] == "_profile.FirstName"
    assert fields["last_name"]["Target"] == "_profile.LastName"
    assert fields["points"]["ContentType"] == "NUMBER"
    assert keys["_customerId"][0]["StandardIdentifiers"] == ["UNIQUE", "PROFILE"]
    assert keys["_email"][0]["FieldNames"] == ["contact_email"]
    # what is detected is a valid definition for PutProfileObjectType
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="Detected", Description="from samples",
        AllowProfileCreation=True, **detected[0],
    )  # fmt: skip
    client.put_profile_object(
        DomainName=domain, ObjectTypeName="Detected", Object=json.dumps(samples[0])
    )
    found = client.search_profiles(DomainName=domain, KeyName="_customerId", Values=["C-1"])
    assert found["Items"][0]["EmailAddress"] == "jane@example.com"


def test_detect_rejects_invalid_json(client: Any, domain: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.detect_profile_object_type(DomainName=domain, Objects=["{not json"])
    assert excinfo.value.response["Error"]["Code"] == "BadRequestException"
