"""BatchPutProfileObject (API_BatchPutProfileObject): 1 to 10 items of one object type, each
put as PutProfileObject puts it, results per item in Successful / Failed."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import cp_mock
from tests.consistency import assert_consistent


def define_orders(client: Any, domain: str, allow_profile_creation: bool = True) -> None:
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="Order", Description="orders",
        AllowProfileCreation=allow_profile_creation,
        Fields={"id": {"Source": "_source.id"},
                "email": {"Source": "_source.email", "Target": "_profile.EmailAddress",
                          "ContentType": "EMAIL_ADDRESS"},
                "name": {"Source": "_source.name", "Target": "_profile.FirstName"}},
        Keys={"orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
              "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}]},
    )  # fmt: skip


def order(order_id: str, email: str, name: str = "Ann") -> str:
    return json.dumps({"id": order_id, "email": email, "name": name})


def batch_put(client: Any, domain: str, *objects: str, type_name: str = "Order") -> Any:
    items = [{"Id": f"item-{n}", "Object": body} for n, body in enumerate(objects)]
    return client.batch_put_profile_object(DomainName=domain, ObjectTypeName=type_name,
                                           Items=items)  # fmt: skip


def test_each_item_is_put_as_put_profile_object_puts_it(
    client: Any, domain: str, customerprofiles_backend: Any
) -> None:
    define_orders(client, domain)
    answer = batch_put(
        client, domain, order("o-1", "ann@example.com"), order("o-2", "ann@example.com"),
        order("o-3", "bob@example.com", "Bob"),
    )  # fmt: skip
    assert answer["Failed"] == []
    assert [s["Id"] for s in answer["Successful"]] == ["item-0", "item-1", "item-2"]
    # the same unique keys and the same profiles as one PutProfileObject per item
    [ann] = client.search_profiles(DomainName=domain, KeyName="_email",
                                   Values=["ann@example.com"])["Items"]  # fmt: skip
    assert ann["FirstName"] == "Ann"
    listed = client.list_profile_objects(DomainName=domain, ObjectTypeName="Order",
                                         ProfileId=ann["ProfileId"])["Items"]  # fmt: skip
    assert {o["ProfileObjectUniqueKey"] for o in listed} == {
        s["ProfileObjectUniqueKey"] for s in answer["Successful"][:2]
    }
    again = client.put_profile_object(DomainName=domain, ObjectTypeName="Order",
                                      Object=order("o-3", "bob@example.com", "Bob"))  # fmt: skip
    assert again["ProfileObjectUniqueKey"] == answer["Successful"][2]["ProfileObjectUniqueKey"]
    assert client.get_domain(DomainName=domain)["Stats"]["ObjectCount"] == 3
    assert_consistent(customerprofiles_backend)


def test_a_bad_item_fails_alone_with_a_400(
    client: Any, domain: str, customerprofiles_backend: Any
) -> None:
    # research note §9: 3 items, one invalid JSON -> 2 Successful + 1 Failed (Code 400)
    define_orders(client, domain)
    answer = batch_put(
        client, domain, order("o-1", "ann@example.com"), "{not json",
        json.dumps({"email": "cy@example.com"}), order("o-4", "dee@example.com"),
    )  # fmt: skip
    assert [s["Id"] for s in answer["Successful"]] == ["item-0", "item-3"]
    failed = {f["Id"]: f for f in answer["Failed"]}
    assert set(failed) == {"item-1", "item-2"}
    assert failed["item-1"]["Code"] == 400 and "not valid JSON" in failed["item-1"]["Message"]
    # no UNIQUE key: the message PutProfileObject answers with
    assert failed["item-2"]["Code"] == 400 and "orderId" in failed["item-2"]["Message"]
    with pytest.raises(ClientError) as single:
        client.put_profile_object(DomainName=domain, ObjectTypeName="Order",
                                  Object=json.dumps({"email": "cy@example.com"}))  # fmt: skip
    assert single.value.response["Error"]["Message"] == failed["item-2"]["Message"]
    found = client.search_profiles(DomainName=domain, KeyName="_email",
                                   Values=["cy@example.com"])["Items"]  # fmt: skip
    assert found == []  # the failed item left nothing behind
    assert client.get_domain(DomainName=domain)["Stats"]["ObjectCount"] == 2
    assert_consistent(customerprofiles_backend)


def test_an_unmatched_item_is_dead_lettered_and_reported_successful(
    client: Any, customerprofiles_mock: Any
) -> None:
    # As PutProfileObject: accepted, then written to the domain's dead-letter queue (admin
    # guide, "Additional properties of object types in Customer Profiles").
    sqs = boto3.client("sqs", region_name="us-east-1")
    queue_url = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    client.create_domain(DomainName="shop", DefaultExpirationDays=30, DeadLetterQueueUrl=queue_url)
    define_orders(client, "shop", allow_profile_creation=False)
    known = client.create_profile(DomainName="shop", EmailAddress="ann@example.com")["ProfileId"]
    answer = batch_put(client, "shop", order("o-1", "ann@example.com"),
                       order("o-2", "stranger@example.com"))  # fmt: skip
    assert [s["Id"] for s in answer["Successful"]] == ["item-0", "item-1"]
    assert answer["Failed"] == []
    [letter] = cp_mock.dead_letter_objects("shop")
    assert letter["ProfileObjectUniqueKey"] == answer["Successful"][1]["ProfileObjectUniqueKey"]
    assert letter["Sent"] is True
    [message] = sqs.receive_message(QueueUrl=queue_url)["Messages"]
    assert json.loads(message["Body"])["Object"] == order("o-2", "stranger@example.com")
    listed = client.list_profile_objects(DomainName="shop", ObjectTypeName="Order",
                                         ProfileId=known)["Items"]  # fmt: skip
    assert [json.loads(o["Object"])["id"] for o in listed] == ["o-1"]


def test_a_template_id_defines_the_type_as_put_profile_object_does(
    client: Any, domain: str
) -> None:
    # "Implicit profile object types": a type named like a template id needs no definition
    record = {"ContactId": "c-1", "CustomerEndpoint": {"Address": "+15550100"},
              "Channel": "VOICE", "InitiationTimestamp": "2024-01-01T00:00:00Z"}  # fmt: skip
    answer = batch_put(client, domain, json.dumps(record), type_name="CTR")
    assert answer["Failed"] == [] and len(answer["Successful"]) == 1
    found = client.search_profiles(DomainName=domain, KeyName="_phone", Values=["+15550100"])
    assert len(found["Items"]) == 1  # an inferred profile


def test_the_whole_call_fails_for_what_concerns_every_item(client: Any, domain: str) -> None:
    define_orders(client, domain)
    cases = [
        ({"DomainName": "nowhere", "ObjectTypeName": "Order"}, "ResourceNotFoundException"),
        ({"DomainName": domain, "ObjectTypeName": "Unknown"}, "ResourceNotFoundException"),
    ]
    items = [{"Id": "a", "Object": order("o-1", "ann@example.com")}]
    for params, code in cases:
        with pytest.raises(ClientError) as excinfo:
            client.batch_put_profile_object(**params, Items=items)
        assert excinfo.value.response["Error"]["Code"] == code
    twice = [{"Id": "a", "Object": order("o-1", "a@example.com")},
             {"Id": "a", "Object": order("o-2", "b@example.com")}]  # fmt: skip
    with pytest.raises(ClientError) as excinfo:
        client.batch_put_profile_object(DomainName=domain, ObjectTypeName="Order", Items=twice)
    error = excinfo.value.response["Error"]
    assert error["Code"] == "BadRequestException" and "Id" in error["Message"]
    assert client.get_domain(DomainName=domain)["Stats"]["ObjectCount"] == 0


@pytest.mark.parametrize("count", [0, 11])
def test_one_to_ten_items(client: Any, domain: str, count: int) -> None:
    define_orders(client, domain)
    # boto3 checks the minimum itself: a client that does not, to see the service's answer
    unchecked = boto3.client("customer-profiles", region_name="us-east-1",
                             config=Config(parameter_validation=False))  # fmt: skip
    items = [{"Id": f"i{n}", "Object": order(f"o-{n}", "a@example.com")} for n in range(count)]
    with pytest.raises(ClientError) as excinfo:
        unchecked.batch_put_profile_object(DomainName=domain, ObjectTypeName="Order", Items=items)
    error = excinfo.value.response["Error"]
    assert error["Code"] == "BadRequestException" and "Items" in error["Message"]
