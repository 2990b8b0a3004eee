"""What cp_mock relies on of other services' moto backends, one named test each.

``cp_mock/compat/other_services.py`` is the one module that reaches moto's Kinesis, SQS and
S3; the CloudFormation tests below hold what ``cp_mock/cloudformation.py`` and
``cp_mock/compat/cloudformation.py`` rely on of moto's CloudFormation. When a moto release
changes one of these, the test named for it fails here, before a user's suite does. The black-box
tests at the end hold the whole way through boto3, on every moto release the suite runs on.
"""

from __future__ import annotations

import base64
import inspect
import json
from typing import Any

import boto3
import pytest

import cp_mock
from cp_mock.compat import other_services
from cp_mock.compat.moto import (
    CLOUDFORMATION_MODELS,
    CLOUDFORMATION_PARSING,
    DEFAULT_ACCOUNT_ID,
    CloudFormationModel,
    mock_random,
)

REGION = "us-east-1"
ACCOUNT = DEFAULT_ACCOUNT_ID
STREAM = "adapted"
STREAM_ARN = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/{STREAM}"


@pytest.fixture
def kinesis(customerprofiles_mock: Any) -> Any:
    kinesis = boto3.client("kinesis", region_name=REGION)
    kinesis.create_stream(StreamName=STREAM, ShardCount=1)
    return kinesis


def kinesis_backend() -> Any:
    from moto.kinesis.models import kinesis_backends

    return kinesis_backends[ACCOUNT][REGION]


def read_back(kinesis: Any) -> list[bytes]:
    """Every record's Data on the stream, as a Kinesis consumer reads it with boto3."""
    shard = kinesis.describe_stream(StreamName=STREAM)["StreamDescription"]["Shards"][0]
    iterator = kinesis.get_shard_iterator(
        StreamName=STREAM, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    return [record["Data"] for record in kinesis.get_records(ShardIterator=iterator)["Records"]]


def only_shard() -> Any:
    stream = kinesis_backend().describe_stream(stream_arn=STREAM_ARN, stream_name=None)
    [shard] = stream.shards.values()
    return shard


# -- Kinesis ---------------------------------------------------------------------------
def test_kinesis_backends_are_kept_by_account_and_region(kinesis: Any) -> None:
    assert STREAM in kinesis_backend().streams


def test_kinesis_describe_stream_finds_a_stream_by_its_arn_alone(kinesis: Any) -> None:
    stream = kinesis_backend().describe_stream(stream_arn=STREAM_ARN, stream_name=None)
    assert stream.arn == STREAM_ARN


def test_kinesis_describe_stream_raises_stream_not_found_for_an_unknown_arn(
    kinesis: Any,
) -> None:
    from moto.kinesis.exceptions import StreamNotFoundError

    with pytest.raises(StreamNotFoundError):
        kinesis_backend().describe_stream(stream_arn=STREAM_ARN + "-gone", stream_name=None)


def test_kinesis_stream_put_record_takes_key_hash_key_and_data_by_position(kinesis: Any) -> None:
    stream = kinesis_backend().describe_stream(stream_arn=STREAM_ARN, stream_name=None)
    given = other_services.kinesis_data_form()
    for data in (b"one", b"two"):
        stream.put_record("p", None, given(data))
    assert read_back(kinesis) == [b"one", b"two"]
    # (the partition key reaches a consumer: tests/test_event_delivery.py reads it back)


def test_kinesis_records_put_through_the_adapter_write_no_cloudwatch_metrics(
    kinesis: Any,
) -> None:
    # the choice docs/event-streams.md states: the records, not moto's per-call metrics
    from moto.cloudwatch.models import cloudwatch_backends

    assert other_services.put_kinesis_records(ACCOUNT, REGION, STREAM_ARN, "p", ["a", "b"]) is None
    assert read_back(kinesis) == [b"a", b"b"]
    assert cloudwatch_backends[ACCOUNT][REGION].metric_data == []


def test_kinesis_stream_shards_are_kept_by_shard_id(kinesis: Any) -> None:
    shards = kinesis_backend().describe_stream(stream_arn=STREAM_ARN, stream_name=None).shards
    listed = kinesis.list_shards(StreamName=STREAM)["Shards"]
    assert list(shards) == [shard["ShardId"] for shard in listed]


def test_kinesis_shard_records_are_kept_by_sequence_number_in_order(kinesis: Any) -> None:
    for data in (b"one", b"two", b"three"):
        kinesis.put_record(StreamName=STREAM, PartitionKey="p", Data=data)
    shard = only_shard()
    numbers = list(shard.records)
    assert all(isinstance(number, int) for number in numbers) and numbers == sorted(numbers)
    assert shard.get_max_sequence_number() == numbers[-1]
    assert [other_services.kinesis_record_data(r) for r in shard.records.values()] == [
        b"one", b"two", b"three"]  # fmt: skip


def test_kinesis_record_takes_key_data_sequence_number_and_hash_key_by_position() -> None:
    from moto.kinesis.models import Record

    given = other_services.kinesis_data_form()
    record = Record("p", given(b"x"), 7, None)  # type: ignore[arg-type]
    assert (record.partition_key, record.sequence_number) == ("p", 7)
    assert other_services.kinesis_record_data(record) == b"x"


def test_kinesis_stream_keeps_its_lambda_event_source_mappings_by_arn(kinesis: Any) -> None:
    stream = kinesis_backend().describe_stream(stream_arn=STREAM_ARN, stream_name=None)
    assert stream.lambda_event_source_mappings == {}


def test_kinesis_records_put_through_the_adapter_continue_the_shards_numbers(
    kinesis: Any,
) -> None:
    # moto's PutRecord, then the adapter, then moto's again: one sequence, in order
    kinesis.put_record(StreamName=STREAM, PartitionKey="p", Data=b"first")
    assert other_services.put_kinesis_records(ACCOUNT, REGION, STREAM_ARN, "p", ["a", "b"]) is None
    last = kinesis.put_record(StreamName=STREAM, PartitionKey="p", Data=b"last")
    assert read_back(kinesis) == [b"first", b"a", b"b", b"last"]
    assert list(only_shard().records) == [1, 2, 3, 4] and last["SequenceNumber"] == "4"


def test_kinesis_records_for_a_stream_with_a_lambda_mapping_go_through_moto_to_it(
    kinesis: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from moto.awslambda.models import LambdaBackend

    iam = boto3.client("iam", region_name=REGION)
    role = iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    awslambda = boto3.client("lambda", region_name=REGION)
    function = awslambda.create_function(
        FunctionName="reader", Runtime="python3.11", Role=role, Handler="index.handler",
        Code={"ZipFile": b"PK\x05\x06" + b"\x00" * 18},
    )["FunctionArn"]  # fmt: skip
    awslambda.create_event_source_mapping(
        EventSourceArn=STREAM_ARN, FunctionName=function, StartingPosition="TRIM_HORIZON"
    )
    sent: list[Any] = []
    monkeypatch.setattr(LambdaBackend, "send_kinesis_message",
                        lambda self, **message: sent.append(message))  # fmt: skip
    assert other_services.put_kinesis_records(ACCOUNT, REGION, STREAM_ARN, "p", ["a"]) is None
    assert read_back(kinesis) == [b"a"]
    assert [m["kinesis_partition_key"] for m in sent] == ["p"]


def test_kinesis_record_data_is_kept_in_a_form_the_adapter_knows() -> None:
    # The probe: moto up to 5.2.5 keeps base64 text, 5.2.6 the bytes. Anything else raises
    # UnsupportedMoto, here first.
    other_services.kinesis_data_form.cache_clear()
    given = other_services.kinesis_data_form()
    assert given(b"\x00\xff") in (base64.b64encode(b"\x00\xff").decode(), b"\x00\xff")


def test_kinesis_record_to_json_answers_the_bytes_a_boto3_client_put(kinesis: Any) -> None:
    # what a Kinesis integration source reads: records other code put through moto's API
    raw = bytes(range(256))
    kinesis.put_record(StreamName=STREAM, PartitionKey="p", Data=raw)
    shard = only_shard()
    [record] = shard.records.values()
    assert other_services.kinesis_record_data(record) == raw


def test_kinesis_data_in_the_form_found_reads_back_as_the_same_bytes(kinesis: Any) -> None:
    raw = bytes(range(256))
    assert other_services.put_kinesis_record(ACCOUNT, REGION, STREAM_ARN, "p", "ü{}") is None
    assert other_services.put_kinesis_records(ACCOUNT, REGION, STREAM_ARN, "p", ["a", "b"]) is None
    kinesis_backend().put_record(stream_arn=STREAM_ARN, stream_name=None, partition_key="p",
                                 explicit_hash_key=None,
                                 data=other_services.kinesis_data_form()(raw))  # fmt: skip
    assert read_back(kinesis) == ["ü{}".encode(), b"a", b"b", raw]


def test_an_unknown_kinesis_data_form_is_named_not_guessed(monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.kinesis import models

    class Changed(models.Record):
        def to_json(self) -> dict[str, Any]:
            return {"Data": "something else"}

    monkeypatch.setattr(models, "Record", Changed)
    other_services.kinesis_data_form.cache_clear()
    try:
        with pytest.raises(other_services.UnsupportedMoto, match="moto's Kinesis answers"):
            other_services.kinesis_data_form()
    finally:
        monkeypatch.undo()
        other_services.kinesis_data_form.cache_clear()


# -- SQS -------------------------------------------------------------------------------
@pytest.fixture
def sqs(customerprofiles_mock: Any) -> Any:
    return boto3.client("sqs", region_name=REGION)


def sqs_backend() -> Any:
    from moto.sqs.models import sqs_backends

    return sqs_backends[ACCOUNT][REGION]


def test_sqs_backends_keep_queues_by_name(sqs: Any) -> None:
    sqs.create_queue(QueueName="letters")
    assert "letters" in sqs_backend().queues


def test_sqs_queues_say_whether_they_are_fifo(sqs: Any) -> None:
    sqs.create_queue(QueueName="plain")
    sqs.create_queue(QueueName="ordered.fifo", Attributes={"FifoQueue": "true"})
    queues = sqs_backend().queues
    assert (queues["plain"].fifo_queue, queues["ordered.fifo"].fifo_queue) == (False, True)


def test_sqs_send_message_takes_a_group_and_a_deduplication_id(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="ordered.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    sqs_backend().send_message("ordered.fifo", "body", group_id="g",
                               deduplication_id=mock_random.uuid4().hex)  # fmt: skip
    [message] = sqs.receive_message(QueueUrl=url, AttributeNames=["All"])["Messages"]
    assert message["Body"] == "body" and message["Attributes"]["MessageGroupId"] == "g"


def test_sqs_send_message_refuses_with_a_service_exception_and_its_message(sqs: Any) -> None:
    from moto.core.exceptions import ServiceException

    sqs.create_queue(QueueName="small", Attributes={"MaximumMessageSize": "1024"})
    with pytest.raises(ServiceException) as refused:
        sqs_backend().send_message("small", "x" * 1025, group_id=None, deduplication_id=None)
    assert "1024" in refused.value.message


def test_sqs_dead_letters_go_through_the_adapter(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="letters")["QueueUrl"]
    assert other_services.send_sqs_message(ACCOUNT, REGION, url, "dead", "g") is None
    [message] = sqs.receive_message(QueueUrl=url)["Messages"]
    assert message["Body"] == "dead"
    assert "does not exist" in str(
        other_services.send_sqs_message(ACCOUNT, REGION, url + "-gone", "dead", "g")
    )


# -- S3 --------------------------------------------------------------------------------
BUCKET = "adapted-bucket"


@pytest.fixture
def s3(customerprofiles_mock: Any) -> Any:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=BUCKET)
    return s3


def s3_backend() -> Any:
    from moto.s3.models import s3_backends

    return s3_backends[ACCOUNT]["aws"]


def test_s3_backends_are_kept_by_account_and_partition(s3: Any) -> None:
    assert BUCKET in s3_backend().buckets


def test_s3_get_bucket_raises_missing_bucket(s3: Any) -> None:
    from moto.s3.exceptions import MissingBucket

    assert s3_backend().get_bucket(BUCKET).name == BUCKET
    with pytest.raises(MissingBucket):
        s3_backend().get_bucket("no-such-bucket-here")


def test_s3_create_bucket_takes_a_name_and_a_region(s3: Any) -> None:
    s3_backend().create_bucket("made-by-name", REGION)
    assert "made-by-name" in [bucket["Name"] for bucket in s3.list_buckets()["Buckets"]]


def test_s3_put_object_takes_bucket_key_and_bytes(s3: Any) -> None:
    s3_backend().put_object(BUCKET, "k", b"\x00body")
    assert s3.get_object(Bucket=BUCKET, Key="k")["Body"].read() == b"\x00body"


def test_s3_get_object_answers_the_object_s_value(s3: Any) -> None:
    from moto.s3.exceptions import MissingBucket, MissingKey

    s3.put_object(Bucket=BUCKET, Key="k", Body=b"\x00body")
    assert bytes(s3_backend().get_object(BUCKET, "k").value) == b"\x00body"
    try:
        missing = s3_backend().get_object(BUCKET, "absent")
    except MissingKey:
        missing = None
    assert missing is None
    with pytest.raises(MissingBucket):
        s3_backend().get_object("no-such-bucket-here", "k")


def test_s3_list_objects_answers_keys_with_names_and_etags_first(s3: Any) -> None:
    for key in ("in/b", "in/a", "out/c"):
        s3.put_object(Bucket=BUCKET, Key=key, Body=key.encode())
    bucket = s3_backend().get_bucket(BUCKET)
    listed = s3_backend().list_objects(bucket, "in/", delimiter=None, marker=None, max_keys=None)
    keys = listed[0]
    etags = {o["Key"]: o["ETag"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert sorted((key.name, key.etag) for key in keys) == [
        ("in/a", etags["in/a"]), ("in/b", etags["in/b"])]  # fmt: skip


def test_s3_objects_go_through_the_adapter(s3: Any) -> None:
    assert other_services.put_s3_object(ACCOUNT, "aws", BUCKET, "in/x", b"x") is None
    assert other_services.read_s3_object(ACCOUNT, "aws", BUCKET, "in/x") == b"x"
    assert other_services.read_s3_object(ACCOUNT, "aws", BUCKET, "in/y") is None
    assert [key for key, _ in other_services.list_s3_objects(ACCOUNT, "aws", BUCKET, "in/")] == [
        "in/x"]  # fmt: skip
    made = other_services.s3_bucket_for_uploads(ACCOUNT, REGION, "aws")
    assert made in [bucket["Name"] for bucket in s3.list_buckets()["Buckets"]]
    assert "does not exist" in str(other_services.put_s3_object(ACCOUNT, "aws", "gone-b", "k", b""))


# -- CloudFormation --------------------------------------------------------------------
@pytest.fixture(scope="module")
def cloudformation_models() -> Any:
    import importlib

    return importlib.import_module(CLOUDFORMATION_MODELS)


@pytest.fixture(scope="module")
def cloudformation_parsing(cloudformation_models: Any) -> Any:
    import importlib

    return importlib.import_module(CLOUDFORMATION_PARSING)


def test_cloudformation_finds_resource_types_among_cloudformation_model_subclasses(
    cloudformation_parsing: Any,
) -> None:
    from cp_mock.cloudformation import RESOURCE_CLASSES

    found = cloudformation_parsing.get_model_map()
    for resource_class in RESOURCE_CLASSES:
        assert CloudFormationModel in resource_class.__bases__
        assert found[resource_class.cloudformation_type()] is resource_class


def test_cloudformation_caches_the_resource_types_it_found_in_clearable_caches(
    cloudformation_parsing: Any,
) -> None:
    for cached in ("get_model_list", "get_model_map", "get_name_type_map"):
        assert callable(getattr(cloudformation_parsing, cached).cache_clear), cached


def parameters(function: Any) -> list[str]:
    return [name for name in inspect.signature(function).parameters if name != "cls"]


@pytest.mark.parametrize(
    ("hook", "declared"),
    [
        ("create_from_cloudformation_json",
         ["resource_name", "cloudformation_json", "account_id", "region_name", "kwargs"]),
        ("update_from_cloudformation_json",
         ["original_resource", "new_resource_name", "cloudformation_json", "account_id",
          "region_name"]),
        ("delete_from_cloudformation_json",
         ["resource_name", "cloudformation_json", "account_id", "region_name"]),
        ("has_cfn_attr", ["attr"]),
        ("cloudformation_type", []),
        ("cloudformation_name_type", []),
    ],
)  # fmt: skip
def test_cloudformation_model_declares_the_hooks_cp_mock_defines(
    hook: str, declared: list[str]
) -> None:
    # moto calls these on a resource class; cloudformation.py defines each for every type
    assert parameters(getattr(CloudFormationModel, hook)) == declared


def test_cloudformation_model_has_the_instance_methods_moto_calls() -> None:
    assert parameters(CloudFormationModel.is_created) == ["self"]
    # moto reads get_cfn_attribute and physical_resource_id from the instance when present
    # and calls delete(account_id, region_name) to delete it (ResourceMap._delete_resource)
    from cp_mock.cloudformation import CustomerProfilesResource

    assert parameters(CustomerProfilesResource.delete) == ["self", "account_id", "region_name"]
    assert isinstance(inspect.getattr_static(CustomerProfilesResource, "physical_resource_id"),
                      property)  # fmt: skip


def test_cloudformation_stack_has_what_failure_reporting_wraps(cloudformation_models: Any) -> None:
    stack = cloudformation_models.Stack
    for method in ("create_resources", "update", "_add_stack_event"):
        assert callable(getattr(stack, method)), method
    event_parameters = parameters(cloudformation_models.Event)
    for keyword in ("stack_id", "stack_name", "logical_resource_id", "physical_resource_id",
                    "resource_type", "resource_status", "resource_status_reason",
                    "resource_properties"):  # fmt: skip
        assert keyword in event_parameters, keyword


def test_cloudformation_stack_keeps_what_a_rollback_restores(customerprofiles_mock: Any) -> None:
    cloudformation = boto3.client("cloudformation", region_name=REGION)
    template = {"Resources": {"Q": {"Type": "AWS::SQS::Queue",
                                    "Properties": {"QueueName": "q"}}}}  # fmt: skip
    cloudformation.create_stack(StackName="kept", TemplateBody=json.dumps(template))
    from moto.cloudformation.models import cloudformation_backends

    [stack] = cloudformation_backends[ACCOUNT][REGION].stacks.values()
    for attribute in ("events", "status", "template", "template_dict", "resource_map"):
        assert hasattr(stack, attribute), attribute
    resources = stack.resource_map
    for attribute in ("_template", "_resource_json_map", "_parsed_resources", "delete"):
        assert hasattr(resources, attribute), attribute
    assert parameters(resources._delete_resource) == ["parsed_resource", "resource_json"]


# -- through boto3, as a user sees it ---------------------------------------------------
def test_an_event_stream_record_read_back_with_boto3_is_the_json_of_the_record(
    client: Any, domain: str, kinesis: Any
) -> None:
    client.create_event_stream(DomainName=domain, EventStreamName="s", Uri=STREAM_ARN)
    client.create_profile(DomainName=domain, FirstName="Ada")  # one record: PutRecord
    client.put_profile_object_type(DomainName=domain, ObjectTypeName="Order",
                                   Description="o", TemplateId="CTR")  # fmt: skip
    assert client.get_event_stream(DomainName=domain, EventStreamName="s")["State"] == "RUNNING"
    sent = [json.loads(data) for data in read_back(kinesis)]
    assert sent == cp_mock.event_stream_records(domain)
    assert [(record["EventType"], record["Object"]["FirstName"]) for record in sent] == [
        ("CREATED", "Ada")]  # fmt: skip


def test_a_kinesis_integration_source_ingests_a_record_put_with_boto3(
    client: Any, domain: str, kinesis: Any
) -> None:
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="Customer", Description="customers",
        AllowProfileCreation=True,
        Fields={"id": {"Source": "_source.id", "Target": "_profile.AccountNumber"},
                "name": {"Source": "_source.name", "Target": "_profile.FirstName"}},
        Keys={"customerId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
              "_account": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["id"]}]},
    )  # fmt: skip
    client.put_integration(DomainName=domain, ObjectTypeName="Customer", Uri=STREAM_ARN)
    kinesis.put_record(StreamName=STREAM, PartitionKey="p",
                       Data=json.dumps({"id": "c-1", "name": "Ada"}).encode())  # fmt: skip
    [profile] = client.search_profiles(DomainName=domain, KeyName="_account",
                                       Values=["c-1"])["Items"]  # fmt: skip
    assert profile["FirstName"] == "Ada"
    assert client.get_domain(DomainName=domain)["Stats"]["ObjectCount"] == 1
    assert cp_mock.dead_letter_objects(domain) == []


@pytest.mark.model_members("GetStreamForSegments", "DestinationArn")
def test_a_segment_stream_record_read_back_with_boto3_is_json(
    client: Any, domain: str, kinesis: Any
) -> None:
    client.create_segment_definition(
        DomainName=domain, SegmentDefinitionName="kims", DisplayName="kims",
        SegmentGroups={"Include": "ALL", "Groups": [{"Dimensions": [{"ProfileAttributes": {
            "FirstName": {"DimensionType": "INCLUSIVE", "Values": ["Kim"]}}}]}]},
    )  # fmt: skip
    client.put_segment_subscription(DomainName=domain, SegmentDefinitionName="kims")
    client.associate_stream_for_segments(
        DomainName=domain, DestinationArn=STREAM_ARN,
        DestinationRoleArn=f"arn:aws:iam::{ACCOUNT}:role/profiles",
    )  # fmt: skip
    kim = client.create_profile(DomainName=domain, FirstName="Kim")["ProfileId"]
    [record] = [json.loads(data) for data in read_back(kinesis)]
    assert (record["ProfileId"], record["Event"]) == (kim, "JOINED")
    assert cp_mock.segment_stream_records(domain) == [record]


# -- botocore's private details the direct door reads (cp_mock/compat/botocore.py) -------
def test_botocore_keeps_a_client_s_handlers_where_the_direct_door_reads_them() -> None:
    from botocore.session import Session

    from cp_mock.compat import botocore as compat_botocore

    client = Session().create_client(
        "customer-profiles", region_name="us-east-1",
        aws_access_key_id="k", aws_secret_access_key="s",
    )  # fmt: skip
    emitter = compat_botocore.client_emitter(client)
    assert compat_botocore.signer_emitter(client._request_signer) is emitter
    cache = compat_botocore.emitter_lookup_cache(emitter)
    assert isinstance(cache, dict)
    event = "before-call.customer-profiles.GetDomain"

    def listener(**_: object) -> None:
        return None

    client.meta.events.register(event, listener)
    assert listener in compat_botocore.handlers_of(emitter, event)
    # registering replaces the lookup cache: what the door concluded before no longer holds
    assert compat_botocore.emitter_lookup_cache(emitter) is not cache
