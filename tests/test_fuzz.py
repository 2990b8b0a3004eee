"""Every implemented operation, driven with input generated from its input shape.

Valid and invalid values alike must get a success or one of the operation's modeled
errors (never a 500, never a traceback), and backend state must stay consistent. New
operations are covered as soon as the backend implements them: the list comes from the
model and the backend, not from this file.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto.core.utils import get_service_model

from cp_mock import get_backend
from cp_mock.responses import SERVICE_NAME, implemented_operations
from tests.consistency import assert_consistent
from tests.strategies import value_for

MODEL = get_service_model(SERVICE_NAME)
DOMAIN = "fuzz-domain"


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
