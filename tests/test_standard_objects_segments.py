"""Segments over standard objects' fields, through boto3.

A segment reaches a standard object's field only through a calculated attribute: the API
reference's ``Dimension`` is a union of ``ProfileAttributes`` (the standard profile's own
fields) and ``CalculatedAttributes`` ("Object that holds the calculated attributes to
segment on", API_connect-customer-profiles_Dimension), and a calculated attribute's
``Expression`` names a standard object's field as ``{_airSegment.Seat.Price}``
(docs/standard-objects.md). An SQL segment reads the same values through
``calculated_attribute(ProfileId, Name)`` (docs/segments.md); the mock gives it no table of
standard objects, as the guide documents none (docs/standard-objects.md).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

import cp_mock
from tests.factories import EMAIL_FIELD, PROFILE_BY_EMAIL, put_seat_price_type

from .consistency import assert_consistent


def flights_and_orders(client: Any, domain: str) -> dict[str, str]:
    """Two object types filling ``_airSegment`` and ``_order``, two calculated attributes
    over them, and four travellers: name -> profile id.

    seat spend (SUM of _airSegment.Seat.Price): ann 49.5 + 120 = 169.5, bob 80, cy none,
    di 300 (a segment re-put: 20 first, then 300, so 300 counts, not 320);
    order total (MAX of _order.TotalPrice): ann 10, bob 500, cy 75, di none."""
    put_seat_price_type(client, domain)
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="ShopOrder", Description="orders",
        AllowProfileCreation=True,
        Fields={"number": {"Source": "_source.number"},
                "total": {"Source": "_source.total", "Target": "_order.TotalPrice"},
                "email": EMAIL_FIELD},
        Keys={"number": [{"StandardIdentifiers": ["UNIQUE", "ORDER"], "FieldNames": ["number"]}],
              **PROFILE_BY_EMAIL},
    )  # fmt: skip
    client.create_calculated_attribute_definition(
        DomainName=domain, CalculatedAttributeName="seatSpend", Statistic="SUM",
        AttributeDetails={"Attributes": [{"Name": "Seat.Price"}],
                          "Expression": "{_airSegment.Seat.Price}"},
    )  # fmt: skip
    client.create_calculated_attribute_definition(
        DomainName=domain, CalculatedAttributeName="biggestOrder", Statistic="MAXIMUM",
        AttributeDetails={"Attributes": [{"Name": "TotalPrice"}],
                          "Expression": "{_order.TotalPrice}"},
    )  # fmt: skip

    def put(type_name: str, **record: str) -> None:
        client.put_profile_object(
            DomainName=domain, ObjectTypeName=type_name, Object=json.dumps(record)
        )

    put("FlightSegment", ref="a1", price="49.50", email="ann@example.com")
    put("FlightSegment", ref="a2", price="120", email="ann@example.com")
    put("FlightSegment", ref="b1", price="80", email="bob@example.com")
    put("FlightSegment", ref="d1", price="20", email="di@example.com")
    put("FlightSegment", ref="d1", price="300", email="di@example.com")
    put("ShopOrder", number="o1", total="10", email="ann@example.com")
    put("ShopOrder", number="o2", total="500", email="bob@example.com")
    put("ShopOrder", number="o3", total="75", email="cy@example.com")
    people = {}
    for name in ("ann", "bob", "cy", "di"):
        [found] = client.search_profiles(
            DomainName=domain, KeyName="_email", Values=[f"{name}@example.com"]
        )["Items"]
        people[name] = found["ProfileId"]
    return people


def members(client: Any, domain: str, people: dict[str, str], name: str) -> set[str]:
    answer = client.get_segment_membership(
        DomainName=domain, SegmentDefinitionName=name, ProfileIds=list(people.values())
    )
    by_id = {pid: who for who, pid in people.items()}
    return {by_id[p["ProfileId"]] for p in answer["Profiles"] if p["QueryResult"] == "PRESENT"}


def estimate(client: Any, domain: str, **query: Any) -> int:
    created = client.create_segment_estimate(DomainName=domain, **query)
    found = client.get_segment_estimate(DomainName=domain, EstimateId=created["EstimateId"])
    assert found["Status"] == "SUCCEEDED"
    return int(found["Estimate"])


def calculated(name: str, operator: str, *values: str) -> dict[str, Any]:
    dimension = {
        "CalculatedAttributes": {name: {"DimensionType": operator, "Values": list(values)}}
    }
    return {"Include": "ALL", "Groups": [{"Type": "ALL", "Dimensions": [dimension]}]}


def test_a_segment_on_a_calculated_attribute_over_a_standard_object_field(
    client: Any, domain: str, customerprofiles_backend: Any
) -> None:
    people = flights_and_orders(client, domain)
    assert (
        client.get_calculated_attribute_for_profile(
            DomainName=domain, ProfileId=people["di"], CalculatedAttributeName="seatSpend"
        )["Value"]
        == "300"
    )
    for name, query, expected in (
        ("flyers", calculated("seatSpend", "GREATER_THAN", "100"), {"ann", "di"}),
        ("spenders", calculated("biggestOrder", "BETWEEN", "50", "600"), {"bob", "cy"}),
    ):
        client.create_segment_definition(
            DomainName=domain, SegmentDefinitionName=name, DisplayName=name, SegmentGroups=query
        )
        assert members(client, domain, people, name) == expected
        assert estimate(client, domain, SegmentQuery=query) == len(expected)
    # both dimensions in one group: only bob has flown for more than 50 and spent over 100
    both = {"Include": "ALL", "Groups": [{"Type": "ALL", "Dimensions": [
        {"CalculatedAttributes": {"seatSpend": {"DimensionType": "GREATER_THAN",
                                                "Values": ["50"]}}},
        {"CalculatedAttributes": {"biggestOrder": {"DimensionType": "GREATER_THAN",
                                                   "Values": ["100"]}}},
    ]}]}  # fmt: skip
    assert estimate(client, domain, SegmentQuery=both) == 1
    assert_consistent(customerprofiles_backend)


def test_membership_follows_a_standard_record_updated_and_deleted(client: Any, domain: str) -> None:
    people = flights_and_orders(client, domain)
    query = calculated("seatSpend", "GREATER_THAN", "100")
    client.create_segment_definition(
        DomainName=domain, SegmentDefinitionName="flyers", DisplayName="flyers",
        SegmentGroups=query,
    )  # fmt: skip
    # bob's segment record updated: 80 -> 150, counted again as a re-put object is
    client.put_profile_object(
        DomainName=domain, ObjectTypeName="FlightSegment",
        Object=json.dumps({"ref": "b1", "price": "150", "email": "bob@example.com"}),
    )  # fmt: skip
    assert members(client, domain, people, "flyers") == {"ann", "bob", "di"}
    # di's record deleted: nothing left to sum
    [record] = client.list_profile_objects(
        DomainName=domain, ProfileId=people["di"], ObjectTypeName="_airSegment"
    )["Items"]
    client.delete_profile_object(
        DomainName=domain, ProfileId=people["di"], ObjectTypeName="_airSegment",
        ProfileObjectUniqueKey=record["ProfileObjectUniqueKey"],
    )  # fmt: skip
    assert members(client, domain, people, "flyers") == {"ann", "bob"}
    assert estimate(client, domain, SegmentQuery=query) == 2


def test_an_sql_segment_reads_standard_object_fields_through_calculated_attributes(
    client: Any, domain: str
) -> None:
    people = flights_and_orders(client, domain)
    client.update_domain(DomainName=domain, DataStore={"Enabled": True})
    query = (
        "SELECT ProfileId FROM profiles "
        "WHERE CAST(calculated_attribute(ProfileId, 'seatSpend') AS REAL) > 100 "
        "AND CAST(calculated_attribute(ProfileId, 'biggestOrder') AS REAL) < 100"
    )
    client.create_segment_definition(
        DomainName=domain, SegmentDefinitionName="q", DisplayName="q", SegmentSqlQuery=query
    )
    assert members(client, domain, people, "q") == {"ann"}
    assert estimate(client, domain, SegmentSqlQuery=query) == 1
    # no table of standard objects: the query is refused, and nothing changes
    before = cp_mock.dump_state()
    with pytest.raises(ClientError) as refused:
        client.create_segment_estimate(
            DomainName=domain, SegmentSqlQuery='SELECT ProfileId FROM "_airSegment"'
        )
    error = refused.value.response["Error"]
    assert error["Code"] == "BadRequestException"
    assert "no such table: _airSegment" in error["Message"]
    assert cp_mock.dump_state() == before
