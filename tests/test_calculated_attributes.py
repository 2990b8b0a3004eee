"""Calculated attributes through boto3: definitions, and values worked out by hand.

Pages: API_CreateCalculatedAttributeDefinition (and Get/Update/Delete/List),
API_GetCalculatedAttributeForProfile, API_ListCalculatedAttributesForProfile,
API_BatchGetCalculatedAttributeForProfile; admin guide "Validating calculated attribute
values" (IsDataPartial). The choices the pages leave open are in
docs/calculated-attributes.md.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

from cp_mock.protocol import service_model

START = "2026-01-01T00:00:00Z"
DAY = timedelta(days=1)


@pytest.fixture
def orders(client: Any, domain: str) -> str:
    """An Order type whose objects find or make their profile by e-mail address (profiles
    and objects kept long enough for the tests that move the clock)."""
    client.update_domain(DomainName=domain, DefaultExpirationDays=1000)
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="Order", Description="orders",
        AllowProfileCreation=True,
        Fields={
            "id": {"Source": "_source.id"},
            "email": {"Source": "_source.email", "Target": "_profile.EmailAddress",
                      "ContentType": "EMAIL_ADDRESS"},
            "amount": {"Source": "_source.amount"},
        },
        Keys={"orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
              "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}]},
    )  # fmt: skip
    return "Order"


def define(client: Any, domain: str, name: str, statistic: str, expression: str = "{Order.amount}",
           attributes: tuple[str, ...] = ("amount",), **extra: Any) -> dict[str, Any]:  # fmt: skip
    return dict(
        client.create_calculated_attribute_definition(
            DomainName=domain, CalculatedAttributeName=name, Statistic=statistic,
            AttributeDetails={"Attributes": [{"Name": a} for a in attributes],
                              "Expression": expression},
            **extra,
        )
    )  # fmt: skip


def put(client: Any, domain: str, order_id: str, email: str = "pat@example.com",
        **fields: Any) -> str:  # fmt: skip
    document = {"id": order_id, "email": email, **fields}
    return str(
        client.put_profile_object(
            DomainName=domain, ObjectTypeName="Order", Object=json.dumps(document)
        )["ProfileObjectUniqueKey"]
    )


def profile_of(client: Any, domain: str, email: str = "pat@example.com") -> str:
    items = client.search_profiles(DomainName=domain, KeyName="_email", Values=[email])["Items"]
    return str(items[0]["ProfileId"])


def value(client: Any, domain: str, profile_id: str, name: str) -> str:
    return str(
        client.get_calculated_attribute_for_profile(
            DomainName=domain, ProfileId=profile_id, CalculatedAttributeName=name
        )["Value"]
    )


def has_no_value(client: Any, domain: str, profile_id: str, name: str) -> bool:
    with pytest.raises(ClientError) as raised:
        value(client, domain, profile_id, name)
    error = raised.value.response["Error"]
    return error["Code"] == "ResourceNotFoundException" and "no value" in error["Message"]


# -- statistics --------------------------------------------------------------------------
STATISTICS = {"SUM": "90", "AVERAGE": "30", "COUNT": "3", "FIRST_OCCURRENCE": "10",
              "LAST_OCCURRENCE": "60", "MINIMUM": "10", "MAXIMUM": "60"}  # fmt: skip


def test_each_statistic_over_three_orders_and_after_one_is_deleted(
    client: Any, domain: str, orders: str
) -> None:
    for statistic in STATISTICS:
        define(client, domain, statistic.lower(), statistic)
    keys = [put(client, domain, f"o-{i}", amount=a) for i, a in enumerate((10, 20, 60))]
    pat = profile_of(client, domain)
    assert {s: value(client, domain, pat, s.lower()) for s in STATISTICS} == STATISTICS
    client.delete_profile_object(DomainName=domain, ProfileId=pat, ObjectTypeName="Order",
                                 ProfileObjectUniqueKey=keys[2])  # fmt: skip
    after = {s: value(client, domain, pat, s.lower()) for s in STATISTICS}
    assert after == {"SUM": "30", "AVERAGE": "15", "COUNT": "2", "FIRST_OCCURRENCE": "10",
                     "LAST_OCCURRENCE": "20", "MINIMUM": "10", "MAXIMUM": "20"}  # fmt: skip


def test_average_keeps_its_decimals_and_sum_adds_decimals_exactly(
    client: Any, domain: str, orders: str
) -> None:
    define(client, domain, "avg", "AVERAGE")
    define(client, domain, "total", "SUM")
    for i, amount in enumerate(("0.1", "0.2", "0.3", "1")):
        put(client, domain, f"o-{i}", amount=amount)
    pat = profile_of(client, domain)
    assert value(client, domain, pat, "total") == "1.6"  # not 1.6000000000000001
    assert value(client, domain, pat, "avg") == "0.4"


def test_max_occurrence_takes_the_most_frequent_and_a_tie_goes_to_the_latest(
    client: Any, domain: str, orders: str
) -> None:
    define(client, domain, "usual_channel", "MAX_OCCURRENCE", "{Order.channel}", ("channel",))
    for i, channel in enumerate(("web", "phone", "web", "phone")):
        put(client, domain, f"o-{i}", channel=channel)
    pat = profile_of(client, domain)
    assert value(client, domain, pat, "usual_channel") == "phone"  # 2 each, phone seen last
    put(client, domain, "o-9", channel="web")
    assert value(client, domain, pat, "usual_channel") == "web"  # 3 against 2


@pytest.mark.skipif(
    "RECENT_OCCURRENCES" not in service_model().shape_for("Statistic").enum,
    reason="the installed botocore model has no RECENT_OCCURRENCES statistic",
)
def test_recent_occurrences_are_the_latest_values_newest_first_as_a_json_list(
    client: Any, domain: str, orders: str
) -> None:
    define(client, domain, "recent", "RECENT_OCCURRENCES", "{Order.channel}", ("channel",),
           Conditions={"ObjectCount": 2})  # fmt: skip
    define(client, domain, "all_recent", "RECENT_OCCURRENCES", "{Order.channel}", ("channel",))
    for i, channel in enumerate(("web", "phone", "email")):
        put(client, domain, f"o-{i}", channel=channel)
    pat = profile_of(client, domain)
    assert json.loads(value(client, domain, pat, "recent")) == ["email", "phone"]
    assert json.loads(value(client, domain, pat, "all_recent")) == ["email", "phone", "web"]
    for i in range(40):
        put(client, domain, f"long-{i}", channel=f"channel-number-{i:03d}")
    fitted = value(client, domain, pat, "all_recent")
    assert len(fitted) <= 255
    assert json.loads(fitted)[0] == "channel-number-039"  # as many of the newest as fit


def test_numeric_statistics_skip_values_that_are_not_numbers(
    client: Any, domain: str, orders: str
) -> None:
    define(client, domain, "total", "SUM")
    define(client, domain, "top", "MAXIMUM")
    define(client, domain, "orders", "COUNT")
    put(client, domain, "o-1", amount="n/a")
    pat = profile_of(client, domain)
    assert has_no_value(client, domain, pat, "total")  # nothing numeric to add up
    put(client, domain, "o-2", amount=10)
    put(client, domain, "o-3", amount="5")
    assert value(client, domain, pat, "total") == "15"
    assert value(client, domain, pat, "top") == "10"
    assert value(client, domain, pat, "orders") == "3"  # COUNT counts every value


def test_count_is_zero_without_objects_and_other_statistics_have_no_value(
    client: Any, domain: str, orders: str
) -> None:
    define(client, domain, "orders", "COUNT")
    define(client, domain, "total", "SUM")
    pat = client.create_profile(DomainName=domain, EmailAddress="pat@example.com")["ProfileId"]
    assert value(client, domain, pat, "orders") == "0"
    assert has_no_value(client, domain, pat, "total")
    listed = client.list_calculated_attributes_for_profile(DomainName=domain, ProfileId=pat)
    assert [i["CalculatedAttributeName"] for i in listed["Items"]] == ["orders"]


def test_an_expression_over_two_attributes_is_computed_per_object(
    client: Any, domain: str, orders: str
) -> None:
    define(client, domain, "spend", "SUM", "{Order.price} * ({Order.quantity} - 1)",
           ("price", "quantity"))  # fmt: skip
    put(client, domain, "o-1", price="2.5", quantity=3)  # 5
    put(client, domain, "o-2", price=10, quantity=2)  # 10
    put(client, domain, "o-3", price=10)  # no quantity: no value
    assert value(client, domain, profile_of(client, domain), "spend") == "15"


def test_a_new_version_of_an_object_replaces_its_value(
    client: Any, domain: str, orders: str
) -> None:
    define(client, domain, "total", "SUM")
    put(client, domain, "o-1", amount=10)
    put(client, domain, "o-2", amount=20)
    put(client, domain, "o-1", amount=15)
    assert value(client, domain, profile_of(client, domain), "total") == "35"


# -- conditions ----------------------------------------------------------------------------
def test_range_keeps_the_last_days_and_data_is_partial_until_the_range_has_passed(
    client: Any, domain: str, orders: str
) -> None:
    # admin guide, "Validating calculated attribute values": "only after 30 days have
    # elapsed will IsDataPartial be set to false"
    with freeze_time(START) as clock:
        define(client, domain, "month", "SUM",
               Conditions={"Range": {"Value": 30, "Unit": "DAYS"}})  # fmt: skip
        put(client, domain, "o-1", amount=10)
        pat = profile_of(client, domain)
        first = client.get_calculated_attribute_for_profile(
            DomainName=domain, ProfileId=pat, CalculatedAttributeName="month"
        )
        assert (first["Value"], first["IsDataPartial"]) == ("10", "true")
        clock.tick(31 * DAY)
        put(client, domain, "o-2", amount=20)
        later = client.get_calculated_attribute_for_profile(
            DomainName=domain, ProfileId=pat, CalculatedAttributeName="month"
        )
        assert (later["Value"], later["IsDataPartial"]) == ("20", "false")
        clock.tick(31 * DAY)  # the second order leaves the window too
        assert has_no_value(client, domain, pat, "month")


def test_value_range_keeps_objects_between_start_and_end_days_ago(
    client: Any, domain: str, orders: str
) -> None:
    with freeze_time(START) as clock:
        days = {"Unit": "DAYS", "ValueRange": {"Start": 14, "End": 7}}
        define(client, domain, "last_week_but_one", "COUNT", Conditions={"Range": days})
        for i in range(20):  # one order a day, days 0..19
            put(client, domain, f"o-{i}", amount=1)
            clock.tick(DAY)
        # now is day 20: days 6..13 are 14 to 7 days ago
        assert value(client, domain, profile_of(client, domain), "last_week_but_one") == "8"


def test_timestamp_source_dates_objects_in_either_format(
    client: Any, domain: str, orders: str
) -> None:
    with freeze_time(START):
        for name, timestamp_format in (("by_millis", "EPOCHMILLI"), ("by_iso", "ISO_8601")):
            define(client, domain, name, "SUM", Conditions={"Range": {
                "Value": 7, "Unit": "DAYS", "TimestampSource": "{Order.placed.at}",
                "TimestampFormat": timestamp_format}})  # fmt: skip
        recent_ms, old_ms = 1767225600000 - 86_400_000, 1767225600000 - 10 * 86_400_000
        put(client, domain, "o-1", amount=1, placed={"at": recent_ms})
        put(client, domain, "o-2", amount=2, placed={"at": old_ms})
        put(client, domain, "o-3", amount=4, placed={"at": "2025-12-30T12:00:00Z"})
        put(client, domain, "o-4", amount=8, placed={"at": "2025-12-01T12:00:00Z"})
        pat = profile_of(client, domain)
        # an object whose timestamp is not in the format counts by when it was put
        assert value(client, domain, pat, "by_millis") == str(1 + 4 + 8)
        assert value(client, domain, pat, "by_iso") == str(1 + 2 + 4)


def test_a_range_without_value_or_value_range_counts_every_object_by_its_own_time(
    client: Any, domain: str, orders: str
) -> None:
    # The model requires neither Value nor ValueRange, and AWS's travel and hospitality
    # sample sends a Range of Unit and TimestampSource only: no window of time, every
    # object counting, each dated by its TimestampSource (docs/calculated-attributes.md).
    # Before, the definition was refused: "Conditions.Range: give Value or ValueRange".
    with freeze_time(START) as clock:
        dated = {"Unit": "DAYS", "TimestampSource": "{Order.placed}"}
        define(client, domain, "latest", "LAST_OCCURRENCE", Conditions={"Range": dated})
        define(client, domain, "all_time", "SUM", Conditions={"Range": {"Unit": "DAYS"}})
        put(client, domain, "o-1", amount=10, placed="2025-12-31T00:00:00Z")
        clock.tick(DAY)
        put(client, domain, "o-2", amount=20, placed="2020-06-01T00:00:00Z")  # put later
        clock.tick(400 * DAY)  # far past any window
        pat = profile_of(client, domain)
        latest = client.get_calculated_attribute_for_profile(
            DomainName=domain, ProfileId=pat, CalculatedAttributeName="latest"
        )
        # the newest by its own time, not the last put; never partial without a window
        assert (latest["Value"], latest["IsDataPartial"]) == ("10", "false")
        assert latest["LastObjectTimestamp"].isoformat().startswith("2025-12-31T00:00:00")
        assert value(client, domain, pat, "all_time") == "30"
        got = client.get_calculated_attribute_definition(
            DomainName=domain, CalculatedAttributeName="latest"
        )
        assert got["Conditions"]["Range"] == dated


def test_object_count_uses_the_most_recent_objects_and_is_partial_until_reached(
    client: Any, domain: str, orders: str
) -> None:
    define(client, domain, "last_two", "SUM", Conditions={"ObjectCount": 2})
    put(client, domain, "o-1", amount=1)
    pat = profile_of(client, domain)
    first = client.get_calculated_attribute_for_profile(
        DomainName=domain, ProfileId=pat, CalculatedAttributeName="last_two"
    )
    assert (first["Value"], first["IsDataPartial"]) == ("1", "true")
    put(client, domain, "o-2", amount=2)
    put(client, domain, "o-3", amount=4)
    later = client.get_calculated_attribute_for_profile(
        DomainName=domain, ProfileId=pat, CalculatedAttributeName="last_two"
    )
    assert (later["Value"], later["IsDataPartial"]) == ("6", "false")


@pytest.mark.parametrize(
    ("operator", "bound", "expected"),
    [("GREATER_THAN", "25", "true"), ("GREATER_THAN", "30", "false"),
     ("LESS_THAN", "31", "true"), ("EQUAL_TO", "30.0", "true"), ("NOT_EQUAL_TO", "30", "false")],
)  # fmt: skip
def test_threshold_turns_the_value_into_true_or_false(
    client: Any, domain: str, orders: str, operator: str, bound: str, expected: str
) -> None:
    define(client, domain, "big_spender", "SUM",
           Conditions={"Threshold": {"Value": bound, "Operator": operator}})  # fmt: skip
    put(client, domain, "o-1", amount=10)
    put(client, domain, "o-2", amount=20)
    assert value(client, domain, profile_of(client, domain), "big_spender") == expected


def test_threshold_on_text_compares_equality(client: Any, domain: str, orders: str) -> None:
    define(client, domain, "last_was_web", "LAST_OCCURRENCE", "{Order.channel}", ("channel",),
           Conditions={"Threshold": {"Value": "web", "Operator": "EQUAL_TO"}})  # fmt: skip
    put(client, domain, "o-1", channel="web")
    assert value(client, domain, profile_of(client, domain), "last_was_web") == "true"
    put(client, domain, "o-2", channel="phone")
    assert value(client, domain, profile_of(client, domain), "last_was_web") == "false"


def test_filter_counts_only_the_objects_it_includes(client: Any, domain: str, orders: str) -> None:
    def dimension(name: str, kind: str, *values: str) -> dict[str, Any]:
        return {"Attributes": {name: {"DimensionType": kind, "Values": list(values)}}}

    # web or phone orders (group one), of at least 10 (group two), all of both groups
    define(client, domain, "web_or_phone_big", "SUM", Filter={"Include": "ALL", "Groups": [
        {"Type": "ANY", "Dimensions": [dimension("channel", "INCLUSIVE", "web"),
                                       dimension("channel", "INCLUSIVE", "phone")]},
        {"Type": "ALL", "Dimensions": [dimension("amount", "GREATER_THAN_OR_EQUAL", "10")]},
    ]})  # fmt: skip
    define(client, domain, "not_web", "COUNT", Filter={"Include": "NONE", "Groups": [
        {"Type": "ALL", "Dimensions": [dimension("channel", "BEGINS_WITH", "we")]}]})  # fmt: skip
    for i, (channel, amount) in enumerate((("web", 10), ("phone", 20), ("web", 5),
                                           ("email", 40), ("phone", 9))):  # fmt: skip
        put(client, domain, f"o-{i}", channel=channel, amount=amount)
    pat = profile_of(client, domain)
    assert value(client, domain, pat, "web_or_phone_big") == "30"
    assert value(client, domain, pat, "not_web") == "3"


def test_without_historical_data_only_objects_put_after_creation_count(
    client: Any, domain: str, orders: str
) -> None:
    put(client, domain, "o-1", amount=10)
    define(client, domain, "new_only", "SUM")
    define(client, domain, "everything", "SUM", UseHistoricalData=True)
    put(client, domain, "o-2", amount=20)
    pat = profile_of(client, domain)
    assert value(client, domain, pat, "new_only") == "20"
    assert value(client, domain, pat, "everything") == "30"


# -- what happens to the objects -----------------------------------------------------------
def test_a_merge_brings_the_merged_profiles_objects_into_the_main_profiles_values(
    client: Any, domain: str, orders: str
) -> None:
    define(client, domain, "total", "SUM")
    put(client, domain, "o-1", amount=10)
    put(client, domain, "o-2", "sam@example.com", amount=32)
    pat, sam = profile_of(client, domain), profile_of(client, domain, "sam@example.com")
    client.merge_profiles(DomainName=domain, MainProfileId=pat, ProfileIdsToBeMerged=[sam])
    assert value(client, domain, pat, "total") == "42"
    client.delete_profile_object(
        DomainName=domain, ProfileId=pat, ObjectTypeName="Order",
        ProfileObjectUniqueKey=put(client, domain, "o-3", amount=100),
    )  # fmt: skip
    assert value(client, domain, pat, "total") == "42"


def test_expired_and_evicted_objects_leave_the_values(client: Any, domain: str) -> None:
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="Order", Description="orders", ExpirationDays=2,
        AllowProfileCreation=True, MaxProfileObjectCount=2,
        Fields={"id": {"Source": "_source.id"}, "email": {"Source": "_source.email",
                "Target": "_profile.EmailAddress"}, "amount": {"Source": "_source.amount"}},
        Keys={"orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
              "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}]},
    )  # fmt: skip
    define(client, domain, "total", "SUM")
    with freeze_time(START) as clock:
        put(client, domain, "o-1", amount=1)
        put(client, domain, "o-2", amount=2)
        put(client, domain, "o-3", amount=4)  # evicts o-1: at most two per profile
        pat = profile_of(client, domain)
        assert value(client, domain, pat, "total") == "6"
        clock.tick(DAY)
        put(client, domain, "o-4", amount=8)  # evicts o-2
        clock.tick(DAY + timedelta(seconds=1))  # o-3 expires, o-4 does not
        assert value(client, domain, pat, "total") == "8"


def test_a_deleted_profile_has_no_values(client: Any, domain: str, orders: str) -> None:
    define(client, domain, "total", "SUM")
    put(client, domain, "o-1", amount=1)
    pat = profile_of(client, domain)
    client.delete_profile(DomainName=domain, ProfileId=pat)
    with pytest.raises(ClientError, match=f"Profile {pat} does not exist"):
        value(client, domain, pat, "total")


def test_deleting_the_object_type_or_the_domain_removes_its_definitions(
    client: Any, domain: str, orders: str
) -> None:
    def arn(name: str) -> str:
        return (
            f"arn:aws:profile:us-east-1:123456789012:domains/{domain}/calculated-attributes/{name}"
        )

    created = define(client, domain, "total", "SUM", Tags={"team": "sales"})
    assert created["Tags"] == {"team": "sales"}
    assert client.list_tags_for_resource(resourceArn=arn("total"))["tags"] == {"team": "sales"}
    client.delete_profile_object_type(DomainName=domain, ObjectTypeName="Order")
    assert client.list_calculated_attribute_definitions(DomainName=domain)["Items"] == []
    with pytest.raises(ClientError, match="does not exist"):
        client.list_tags_for_resource(resourceArn=arn("total"))
    client.put_profile_object_type(DomainName=domain, ObjectTypeName="Order",
                                   Description="again", TemplateId="CTR")  # fmt: skip
    define(client, domain, "calls", "COUNT", "{Order.ContactId}", ("ContactId",),
           Tags={"team": "support"})  # fmt: skip
    client.delete_domain(DomainName=domain)
    with pytest.raises(ClientError, match="does not exist"):
        client.list_tags_for_resource(resourceArn=arn("calls"))
    client.create_domain(DomainName=domain, DefaultExpirationDays=30)
    assert client.list_calculated_attribute_definitions(DomainName=domain)["Items"] == []


# -- definitions ---------------------------------------------------------------------------
def test_create_get_list_update_delete(client: Any, domain: str, orders: str) -> None:
    created = define(client, domain, "total", "SUM", DisplayName="Total spend",
                     Description="all orders", Conditions={"ObjectCount": 5})  # fmt: skip
    assert created["Status"] == "COMPLETED" and created["UseHistoricalData"] is False
    got = client.get_calculated_attribute_definition(DomainName=domain,
                                                     CalculatedAttributeName="total")  # fmt: skip
    assert got["AttributeDetails"] == {"Attributes": [{"Name": "amount"}],
                                       "Expression": "{Order.amount}"}  # fmt: skip
    assert (got["Statistic"], got["Conditions"]) == ("SUM", {"ObjectCount": 5})
    updated = client.update_calculated_attribute_definition(
        DomainName=domain, CalculatedAttributeName="total", DisplayName="Spend",
        Conditions={"Range": {"Value": 7, "Unit": "DAYS"}},
    )  # fmt: skip
    assert updated["DisplayName"] == "Spend" and updated["Description"] == "all orders"
    assert updated["Conditions"] == {"Range": {"Value": 7, "Unit": "DAYS"}}
    assert updated["LastUpdatedAt"] >= updated["CreatedAt"]
    listed = client.list_calculated_attribute_definitions(DomainName=domain)["Items"]
    assert [i["CalculatedAttributeName"] for i in listed] == ["total"]
    client.delete_calculated_attribute_definition(DomainName=domain,
                                                  CalculatedAttributeName="total")  # fmt: skip
    with pytest.raises(ClientError, match="total does not exist"):
        client.get_calculated_attribute_definition(DomainName=domain,
                                                   CalculatedAttributeName="total")  # fmt: skip


def test_update_of_conditions_changes_the_values(client: Any, domain: str, orders: str) -> None:
    define(client, domain, "total", "SUM")
    for i in range(3):
        put(client, domain, f"o-{i}", amount=10**i)
    pat = profile_of(client, domain)
    assert value(client, domain, pat, "total") == "111"
    client.update_calculated_attribute_definition(
        DomainName=domain, CalculatedAttributeName="total", Conditions={"ObjectCount": 1}
    )
    assert value(client, domain, pat, "total") == "100"


def test_update_of_the_timestamp_source_dates_the_objects_again(
    client: Any, domain: str, orders: str
) -> None:
    with freeze_time(START):
        define(client, domain, "week", "SUM", Conditions={"Range": {"Value": 7, "Unit": "DAYS"}})
        put(client, domain, "o-1", amount=1, placed="2025-11-01T00:00:00Z")
        put(client, domain, "o-2", amount=2, placed="2025-12-30T00:00:00Z")
        pat = profile_of(client, domain)
        assert value(client, domain, pat, "week") == "3"  # both put today
        client.update_calculated_attribute_definition(
            DomainName=domain, CalculatedAttributeName="week",
            Conditions={"Range": {"Value": 7, "Unit": "DAYS",
                                  "TimestampSource": "{Order.placed}"}},
        )  # fmt: skip
        assert value(client, domain, pat, "week") == "2"  # o-1 was placed in November


def test_a_duplicate_name_is_refused(client: Any, domain: str, orders: str) -> None:
    define(client, domain, "total", "SUM")
    with pytest.raises(ClientError) as raised:
        define(client, domain, "total", "COUNT")
    assert raised.value.response["Error"] == {
        "Code": "BadRequestException",
        "Message": "Calculated attribute definition with name total already exists",
    }


@pytest.mark.parametrize(
    ("expression", "attributes", "message"),
    [
        ("SUM(Orders.amount)", ("Orders.amount",), "an expression is made of"),
        ("{Order.amount}", ("amount", "price", "tax"), "at most 2 attributes"),
        ("{Order.amount}", ("price",), "price does not appear in the Expression"),
        ("{Order.amount} + {Order.tax}", ("amount",), "tax is not in"),
        ("{Order.amount} + {Refund.amount}", ("amount",), "reads one object type"),
        ("{Order.amount} +", ("amount",), "not a well-formed expression"),
        ("{Invoice.amount}", ("amount",), "object type Invoice does not exist"),
    ],
)
def test_malformed_attribute_details_are_refused_naming_the_field(
    client: Any, domain: str, orders: str, expression: str, attributes: tuple[str, ...],
    message: str,
) -> None:  # fmt: skip
    with pytest.raises(ClientError, match="AttributeDetails") as raised:
        define(client, domain, "bad", "SUM", expression, attributes)
    assert raised.value.response["Error"]["Code"] == "BadRequestException"
    assert message in raised.value.response["Error"]["Message"]


@pytest.mark.parametrize(
    ("conditions", "message"),
    [
        ({"ObjectCount": 101}, "ObjectCount: at most 100"),
        ({"Range": {"Value": 1, "TimestampFormat": "UNIX"}}, "TimestampFormat"),
        ({"Range": {"Value": 1, "TimestampSource": "placed"}}, "TimestampSource"),
        ({"Range": {"ValueRange": {"Start": 1, "End": 5}}}, "ValueRange"),
    ],
)
def test_malformed_conditions_are_refused(
    client: Any, domain: str, orders: str, conditions: dict[str, Any], message: str
) -> None:
    with pytest.raises(ClientError, match=message) as raised:
        define(client, domain, "bad", "SUM", Conditions=conditions)
    assert raised.value.response["Error"]["Code"] == "BadRequestException"
    assert client.list_calculated_attribute_definitions(DomainName=domain)["Items"] == []


# -- per-profile reads -----------------------------------------------------------------------
def test_unknown_profile_or_attribute_is_not_found(client: Any, domain: str, orders: str) -> None:
    define(client, domain, "total", "SUM")
    put(client, domain, "o-1", amount=1)
    pat = profile_of(client, domain)
    for profile_id, name, message in ((pat, "nope", "nope does not exist"),
                                      ("f" * 32, "total", "does not exist")):  # fmt: skip
        with pytest.raises(ClientError, match=message) as raised:
            value(client, domain, profile_id, name)
        assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError, match="does not exist"):
        client.list_calculated_attributes_for_profile(DomainName=domain, ProfileId="f" * 32)


def test_batch_get_reports_unknown_profiles_and_overrides_the_range_for_that_call(
    client: Any, domain: str, orders: str
) -> None:
    with freeze_time(START) as clock:
        define(client, domain, "month", "SUM", Conditions={"Range": {"Value": 30, "Unit": "DAYS"}})
        put(client, domain, "o-1", amount=1)
        clock.tick(10 * DAY)
        put(client, domain, "o-2", amount=2)
        put(client, domain, "o-3", "sam@example.com", amount=4)
        clock.tick(2 * DAY)
        pat, sam = profile_of(client, domain), profile_of(client, domain, "sam@example.com")
        overridden = client.batch_get_calculated_attribute_for_profile(
            DomainName=domain, CalculatedAttributeName="month", ProfileIds=[pat, "e" * 32, sam],
            ConditionOverrides={"Range": {"Start": 5, "Unit": "DAYS"}},
        )  # fmt: skip
        assert {v["ProfileId"]: v["Value"] for v in overridden["CalculatedAttributeValues"]} == {
            pat: "2", sam: "4"}  # fmt: skip
        assert [(e["ProfileId"], e["Code"]) for e in overridden["Errors"]] == [
            ("e" * 32, "ResourceNotFoundException")]  # fmt: skip
        assert overridden["ConditionOverrides"] == {"Range": {"Start": 5, "Unit": "DAYS"}}
        assert value(client, domain, pat, "month") == "3"  # the definition's own Range again


def test_list_for_profile_gives_every_value_with_its_display_name(
    client: Any, domain: str, orders: str
) -> None:
    define(client, domain, "total", "SUM", DisplayName="Total spend")
    define(client, domain, "orders", "COUNT")
    put(client, domain, "o-1", amount=7)
    items = client.list_calculated_attributes_for_profile(
        DomainName=domain, ProfileId=profile_of(client, domain)
    )["Items"]
    assert [(i["CalculatedAttributeName"], i.get("DisplayName"), i["Value"],
             i["IsDataPartial"]) for i in items] == [
        ("orders", None, "1", "false"), ("total", "Total spend", "7", "false")]  # fmt: skip
