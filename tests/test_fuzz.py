"""Every implemented operation, driven with input generated from its input shape.

Valid and invalid values alike must get a success or one of the operation's modeled
errors (never a 500, never a traceback), and backend state must stay consistent. New
operations are covered as soon as the backend implements them: the list comes from the
model and the backend, not from this file.
"""

from __future__ import annotations

import string
from datetime import datetime, timezone
from typing import Any

import boto3
import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from botocore.model import ListShape, MapShape, Shape, StructureShape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto.core.utils import get_service_model

from cp_mock import get_backend
from cp_mock.responses import SERVICE_NAME, implemented_operations
from tests.consistency import assert_consistent

MODEL = get_service_model(SERVICE_NAME)
DOMAIN = "fuzz-domain"
MAX_DEPTH = 4
SAFE_PATH = string.ascii_letters + string.digits + "-_"


def _strings(shape: Shape, known: list[str], in_path: bool) -> st.SearchStrategy[str]:
    meta = shape.metadata
    longest = int(meta.get("max", 64)) + 2
    if in_path:
        # An empty path member makes another URL (the operation is then unknown, which
        # botocore's own validation prevents); anything else is for the server to judge.
        free = st.text(alphabet=SAFE_PATH, min_size=1, max_size=min(longest, 80))
        known = [value for value in known if value]
    else:
        free = st.text(max_size=min(longest, 300))
    choices = [st.sampled_from(known), free]
    if meta.get("enum"):
        choices.insert(0, st.sampled_from(meta["enum"]))
    return st.one_of(*choices)


def value_for(
    shape: Shape, known: list[str], depth: int = 0, in_path: bool = False
) -> st.SearchStrategy[Any]:
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        if shape.is_document_type or depth > MAX_DEPTH:
            return st.just({})
        required = {
            name: value_for(member, known, depth + 1, member.serialization.get("location") == "uri")
            for name, member in shape.members.items()
            if name in shape.required_members
        }
        optional = {
            name: value_for(member, known, depth + 1)
            for name, member in shape.members.items()
            if name not in shape.required_members and member.serialization.get("location") != "uri"
        }
        return st.fixed_dictionaries(required, optional=optional)
    if kind == "list":
        assert isinstance(shape, ListShape)
        longest = min(int(shape.metadata.get("max", 5)), 5) + 1
        return st.lists(value_for(shape.member, known, depth + 1), max_size=longest)
    if kind == "map":
        assert isinstance(shape, MapShape)
        return st.dictionaries(
            value_for(shape.key, known, depth + 1),
            value_for(shape.value, known, depth + 1),
            max_size=3,
        )
    if kind == "string":
        return _strings(shape, known, in_path)
    if kind in ("integer", "long"):
        low = int(shape.metadata.get("min", 0)) - 3
        high = int(shape.metadata.get("max", 1000)) + 3
        return st.integers(min_value=low, max_value=min(high, 2**31 - 1))
    if kind in ("double", "float"):
        return st.floats(allow_nan=False, allow_infinity=False, width=32)
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        return st.datetimes(
            min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
            timezones=st.just(timezone.utc),
        )  # fmt: skip
    if kind == "blob":
        return st.binary(max_size=16)
    return st.none()


@pytest.fixture
def fuzz_client(customerprofiles_mock: Any) -> Any:
    client = boto3.client(
        "customer-profiles",
        region_name="us-east-1",
        config=Config(parameter_validation=False, retries={"max_attempts": 1}),
    )
    return client


@pytest.mark.parametrize("operation", implemented_operations())
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI must not be flaky
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_input_gets_a_modeled_answer(fuzz_client: Any, operation: str, data: Any) -> None:
    if DOMAIN not in get_backend().domains:  # an earlier example may have deleted it
        fuzz_client.create_domain(DomainName=DOMAIN, DefaultExpirationDays=30)
    profile_id = fuzz_client.create_profile(DomainName=DOMAIN, PhoneNumber="+15550100")["ProfileId"]
    arn = f"arn:aws:profile:us-east-1:123456789012:domains/{DOMAIN}"
    known = [DOMAIN, profile_id, arn, "_phone", "+15550100", "", "x"]
    operation_model = MODEL.operation_model(operation)
    params = data.draw(value_for(operation_model.input_shape, known), label="params")
    modeled = {shape.name for shape in operation_model.error_shapes}
    try:
        getattr(fuzz_client, xform_name(operation))(**params)
    except ClientError as error:
        code = error.response["Error"]["Code"]
        status = error.response["ResponseMetadata"]["HTTPStatusCode"]
        assert status < 500, f"{operation} answered {status}: {error}"
        assert code in modeled, f"{operation} answered unmodeled {code}: {error}"
    except BotoCoreError:
        pass  # botocore could not even build the request; nothing reached the mock
    assert_consistent(get_backend())
