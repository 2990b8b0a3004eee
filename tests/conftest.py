from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore
import pytest
from botocore import xform_name
from botocore.client import BaseClient
from botocore.exceptions import ParamValidationError

from cp_mock import StateError, dump_state, load_state, protocol, responses
from cp_mock.compat.moto import mock_is_running
from cp_mock.models import customerprofiles_backends
from cp_mock.models.core.operations import DECLARED
from tests.consistency import derived_state
from tests.contract import request_differences, result_differences, violations

ROOT = Path(__file__).resolve().parent.parent
_TESTED = re.search(r"^botocore==(\S+)$", (ROOT / "constraints.txt").read_text(), re.MULTILINE)
# The installed botocore predates the tested one (tox's "oldest" leg): its model may lack
# members as well as operations the tests use.
OLDER_MODEL = _TESTED is not None and tuple(map(int, botocore.__version__.split("."))) < tuple(
    map(int, _TESTED[1].split("."))
)
# The installed botocore is newer than the tested one (the README's test command runs the
# suite on the newest releases too): its model may add operations not served yet, which
# the run prints (below) and docs/coverage.md lists; every other test must pass as it is.
NEWER_MODEL = _TESTED is not None and tuple(map(int, botocore.__version__.split("."))) > tuple(
    map(int, _TESTED[1].split("."))
)

# boto3 method names of the operations of the installed botocore model
INSTALLED_OPERATIONS = frozenset(
    xform_name(name) for name in protocol.service_model().operation_names
)


def operation_absent_from_installed_model(method_name: str) -> bool:
    """Whether ``method_name`` names an operation the project serves (one declared in
    models/core/operations.py) that the installed botocore model does not have, so boto3 has no
    method for it."""
    return method_name not in INSTALLED_OPERATIONS and operation_name(method_name) in DECLARED


def operation_name(method_name: str) -> str:
    return "".join(part.capitalize() for part in method_name.split("_"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "model_members(operation, *members): skip unless the installed botocore model's "
        "operation has these output members (newer members of an older operation)",
    )


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Name the installed model's operations that are not served (with a newer botocore:
    those it adds), and say which docs/coverage.md does not list yet."""
    served = set(responses.implemented_operations())
    unserved = sorted(set(protocol.service_model().operation_names) - served)
    if not unserved:
        return
    page = (ROOT / "docs" / "coverage.md").read_text()
    unlisted = [name for name in unserved if f"| {name} |" not in page]
    newer = f" (newer than the tested {_TESTED[1]})" if NEWER_MODEL and _TESTED else ""
    terminalreporter.write_line(
        f"operations of the installed botocore {botocore.__version__} model{newer} not served "
        "yet: " + ", ".join(unserved)
    )
    if unlisted:
        terminalreporter.write_line(
            "not listed on docs/coverage.md yet (run python scripts/coverage.py with this "
            "botocore): " + ", ".join(unlisted)
        )


def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker in item.iter_markers("model_members"):
        operation, *members = marker.args
        model = protocol.service_model()
        output = (
            model.operation_model(operation).output_shape
            if operation in model.operation_names
            else None
        )
        absent = [m for m in members if output is None or m not in output.members]
        if absent:
            pytest.skip(
                f"{operation} has no {', '.join(absent)} in the installed botocore model "
                f"(botocore {botocore.__version__})"
            )


@pytest.fixture(autouse=True, scope="session")
def skip_operations_absent_from_the_installed_model() -> Iterator[None]:
    """A test that calls an operation the installed botocore predates is skipped, naming the
    operation, rather than failed: the oldest versions pyproject.toml admits (tox's "oldest"
    leg) have older models. With the tested versions (constraints.txt) nothing is absent."""
    original = BaseClient.__getattr__

    def getattr_or_skip(client: BaseClient, name: str) -> Any:
        try:
            return original(client, name)
        except AttributeError:
            service = client.meta.service_model.service_name
            if service == protocol.SERVICE_NAME and operation_absent_from_installed_model(name):
                pytest.skip(
                    f"{operation_name(name)} is not in the installed botocore model "
                    f"(botocore {botocore.__version__})"
                )
            raise

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BaseClient, "__getattr__", getattr_or_skip)
        yield


@pytest.fixture(autouse=True)
def contract_check(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Check every response of every test against the model, and every request read and
    result written against what moto's own parser and serializer make of them (see
    tests/contract.py)."""
    found: list[str] = []
    serve, parse, render = responses.serve, responses.parse_request, responses.render_result

    def checked_serve(request: responses.ServiceRequest) -> Any:
        status, headers, body = serve(request)
        route = protocol.route(request.method, request.path)
        operation = route.operation.name if route else None
        found.extend(violations(operation, int(status), headers, body))
        return status, headers, body

    def checked_parse(route: protocol.Route, query: str, body: Any) -> Any:
        params = parse(route, query, body)
        found.extend(request_differences(route, query, body, params))
        return params

    def checked_render(operation: Any, result: Any) -> Any:
        rendered = render(operation, result)
        found.extend(result_differences(operation, result, rendered))
        return rendered

    monkeypatch.setattr(responses, "serve", checked_serve)
    monkeypatch.setattr(responses, "parse_request", checked_parse)
    monkeypatch.setattr(responses, "render_result", checked_render)
    yield found
    assert not found, "responses that break the model:\n" + "\n".join(found)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """After every test that passed with a mock still running, dump the state it left,
    load it back from JSON and dump it again: the same dump means every family's state
    survives dump_state/load_state whole; and what loading rebuilds rather than reads
    (the search index, calculated values, ...: tests/consistency.py, ``derived_state``)
    must be what the test's own calls built.

    With an older botocore, a request member its model lacks skips the test, naming it
    (with the tested botocore the same refusal fails the test, as it should)."""
    try:
        result = yield
    except ParamValidationError as error:
        if OLDER_MODEL and "Unknown parameter" in str(error):
            pytest.skip(f"the installed botocore {botocore.__version__} model lacks: {error}")
        raise
    if mock_is_running():
        try:
            dumped = json.dumps(dump_state())
        except StateError as error:
            if error.kind is None or not error.kind.__module__.startswith("tests."):
                raise
            return result  # a test double the test planted in the state
        derived = _every_derived_state()
        load_state(json.loads(dumped))
        assert json.dumps(dump_state()) == dumped, "the state changed in a dump and load"
        assert _every_derived_state() == derived, "a load rebuilt derived state differently"
    return result


def _every_derived_state() -> dict[tuple[str, str], Any]:
    return {
        (account_id, region): derived_state(backend)
        for account_id, regions in customerprofiles_backends.items()
        for region, backend in regions.items()
        if backend.domains or backend.integrations
    }


@pytest.fixture
def client(customerprofiles_client: Any) -> Any:
    return customerprofiles_client


@pytest.fixture
def domain(client: Any) -> str:
    client.create_domain(DomainName="test-domain", DefaultExpirationDays=30)
    return "test-domain"
