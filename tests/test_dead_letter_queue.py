"""Objects that match no profile, of a type that does not allow profile creation, go to the
domain's dead-letter queue. Admin guide, "Additional properties of object types in Customer
Profiles": "If it is not true then the ingested object is created and written to the domain
dead-letter queue"; API reference, CreateDomain: DeadLetterQueueUrl is "The URL of the SQS
dead letter queue, which is used for reporting errors associated with ingesting data".
The message body the mock sends is described in docs/ingestion.md."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

import cp_mock
from tests.consistency import assert_consistent

REGION = "us-east-1"
EMPTY_STATS = {"ProfileCount": 0, "MeteringProfileCount": 0, "ObjectCount": 0, "TotalSize": 0}


@pytest.fixture
def sqs(customerprofiles_mock: Any) -> Any:
    return boto3.client("sqs", region_name=REGION)


def define_orders(client: Any, domain: str) -> None:
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="Order", Description="orders",
        AllowProfileCreation=False,
        Fields={"id": {"Source": "_source.id"},
                "email": {"Source": "_source.email", "ContentType": "EMAIL_ADDRESS"}},
        Keys={"orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
              "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}]},
    )  # fmt: skip


def put_order(client: Any, domain: str, order_id: str, email: str) -> tuple[str, str]:
    body = json.dumps({"id": order_id, "email": email})
    answer = client.put_profile_object(DomainName=domain, ObjectTypeName="Order", Object=body)
    return str(answer["ProfileObjectUniqueKey"]), body


def test_an_unmatched_object_is_accepted_and_sent_to_the_queue(
    client: Any, sqs: Any, customerprofiles_backend: Any
) -> None:
    queue_url = sqs.create_queue(QueueName="profiles-dlq")["QueueUrl"]
    client.create_domain(DomainName="shop", DefaultExpirationDays=30, DeadLetterQueueUrl=queue_url)
    define_orders(client, "shop")
    unique_key, body = put_order(client, "shop", "o-1", "stranger@example.com")
    assert client.get_domain(DomainName="shop")["Stats"] == EMPTY_STATS  # nothing attached
    [message] = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
    sent = json.loads(message["Body"])
    assert sent == {
        "DomainName": "shop",
        "ObjectTypeName": "Order",
        "ProfileObjectUniqueKey": unique_key,
        "Object": body,
        "Reason": "NO_MATCHING_PROFILE",
        "Message": sent["Message"],
        "Timestamp": sent["Timestamp"],
    }
    assert "does not allow profile creation" in sent["Message"]
    [kept] = cp_mock.dead_letter_objects("shop")
    assert kept == {**sent, "DeadLetterQueueUrl": queue_url, "Sent": True}
    assert_consistent(customerprofiles_backend)


def test_without_a_queue_the_object_stays_readable(client: Any) -> None:
    client.create_domain(DomainName="shop", DefaultExpirationDays=30)
    define_orders(client, "shop")
    unique_key, body = put_order(client, "shop", "o-1", "stranger@example.com")
    [kept] = cp_mock.dead_letter_objects("shop", account_id="123456789012", region=REGION)
    assert (kept["ProfileObjectUniqueKey"], kept["Object"]) == (unique_key, body)
    assert (kept["DeadLetterQueueUrl"], kept["Sent"]) == (None, False)
    assert client.get_domain(DomainName="shop")["Stats"] == EMPTY_STATS


def test_a_queue_that_does_not_exist_keeps_the_object_readable(client: Any, sqs: Any) -> None:
    home = sqs.create_queue(QueueName="profiles-dlq")["QueueUrl"]
    other_region = boto3.client("sqs", region_name="eu-west-1")
    elsewhere = other_region.create_queue(QueueName="profiles-dlq")["QueueUrl"]
    for name, url in (("gone", home.replace("profiles-dlq", "nope")), ("far", elsewhere)):
        client.create_domain(DomainName=name, DefaultExpirationDays=30, DeadLetterQueueUrl=url)
        define_orders(client, name)
        put_order(client, name, "o-1", "stranger@example.com")
        [kept] = cp_mock.dead_letter_objects(name)
        assert (kept["DeadLetterQueueUrl"], kept["Sent"]) == (url, False)
    # a queue of another region is not the domain's: nothing was sent to it (nor to the
    # domain's region's queue of the same account, which no domain named)
    assert "Messages" not in other_region.receive_message(QueueUrl=elsewhere)
    assert "Messages" not in sqs.receive_message(QueueUrl=home)


def test_an_ambiguous_match_is_dead_lettered_too(client: Any, sqs: Any) -> None:
    # admin guide, "Profile matching and inferred profiles": an ambiguous key "is never used
    # to attach an object"; with no other key, AllowProfileCreation decides.
    queue_url = sqs.create_queue(QueueName="dlq.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    client.create_domain(DomainName="shop", DefaultExpirationDays=30, DeadLetterQueueUrl=queue_url)
    define_orders(client, "shop")
    for _ in range(2):
        client.create_profile(DomainName="shop", EmailAddress="family@example.com")
    put_order(client, "shop", "o-1", "Family@Example.com")
    [message] = sqs.receive_message(QueueUrl=queue_url)["Messages"]
    assert "_email matches 2 profiles" in json.loads(message["Body"])["Message"]
    assert client.get_domain(DomainName="shop")["Stats"]["ObjectCount"] == 0


def test_a_matched_object_is_not_dead_lettered(client: Any, sqs: Any) -> None:
    queue_url = sqs.create_queue(QueueName="profiles-dlq")["QueueUrl"]
    client.create_domain(DomainName="shop", DefaultExpirationDays=30, DeadLetterQueueUrl=queue_url)
    define_orders(client, "shop")
    client.create_profile(DomainName="shop", EmailAddress="jo@example.com")
    put_order(client, "shop", "o-1", "jo@example.com")
    assert "Messages" not in sqs.receive_message(QueueUrl=queue_url)
    assert cp_mock.dead_letter_objects("shop") == []
