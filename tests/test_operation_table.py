"""The operations the mock serves are the ones declared (models/core/operations.py), and each
declared implementation takes exactly its operation's input members: a parameter
misspelt, missing or extra fails here, by name, rather than dropping a member unread or
answering a bare TypeError."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

import boto3
import pytest
from botocore import xform_name
from botocore.exceptions import ClientError
from botocore.model import ServiceModel

from cp_mock import CustomerProfilesBackend, protocol
from cp_mock.models.core import operations
from cp_mock.models.core.arguments import MEMBERS_TAKEN
from cp_mock.models.core.operations import DECLARED, operation
from cp_mock.pagination import page_spec
from cp_mock.protocol import service_model
from cp_mock.responses import PAGING_MEMBERS, implemented_operations
from tests.conftest import OLDER_MODEL


def table_mismatches(
    declared: Mapping[str, Callable[..., Any]] = DECLARED,
    model: ServiceModel | None = None,
    older_model: bool = OLDER_MODEL,
) -> list[str]:
    """Where the installed model's operations and the declared implementations disagree,
    one line each: an operation with no implementation; a member the request reader does
    not read, or that the implementation does not take (as a parameter in snake_case, in
    ``**arguments`` that ``takes_members`` declares, or, for a paged operation's
    MaxResults and NextToken, left to the paging layer); a required member taken with a
    default, an optional one without; ``**arguments`` not declared; a parameter that is
    no member. On a model older than the tested one (``older_model``) a parameter with a
    default may be a member the model predates."""
    model = model or service_model()
    found = [
        f"{name}: no implementation is declared"
        for name in model.operation_names
        if name not in declared
    ]
    for name in model.operation_names:
        implementation = declared.get(name)
        if implementation is None:
            continue
        operation_model = model.operation_model(name)
        shape = operation_model.input_shape
        members = list(shape.members) if shape is not None else []
        required = set(shape.required_members) if shape is not None else set()
        reader = protocol._request_reader(operation_model)
        if reader is not None:
            read = {m for m, *_ in (*reader.uri, *reader.query)}
            read |= {w for w, _ in (reader.body.members.values() if reader.body else ())}
            found += [f"{name}.{m}: not read from the request" for m in members if m not in read]
        title = implementation.__qualname__
        parameters = list(inspect.signature(implementation).parameters.values())[1:]  # self
        named = {p.name: p for p in parameters if p.kind is not p.VAR_KEYWORD}
        declared_members = getattr(implementation, MEMBERS_TAKEN, None)
        if any(p.kind is p.VAR_KEYWORD for p in parameters) and declared_members is None:
            found.append(f"{name}: {title} takes **arguments it does not declare")
        by_keywords = {xform_name(m) for m in declared_members or ()}
        paged = page_spec(operation_model) is not None
        for member in members:
            keyword = xform_name(member)
            parameter = named.get(keyword)
            if parameter is None:
                if keyword not in by_keywords and not (paged and member in PAGING_MEMBERS):
                    found.append(f"{name}.{member}: not taken by {title}")
            elif member in required and parameter.default is not inspect.Parameter.empty:
                found.append(f"{name}.{member}: required, but {title} gives {keyword} a default")
            elif member not in required and parameter.default is inspect.Parameter.empty:
                found.append(f"{name}.{member}: optional, but {title} requires {keyword}")
        snake = {xform_name(m) for m in members}
        for keyword, parameter in named.items():
            if keyword in snake:
                continue
            if not older_model or parameter.default is inspect.Parameter.empty:
                found.append(f"{name}: {title} takes {keyword}, which is no member of {shape.name}")
    return found


def test_every_operation_of_the_installed_model_has_its_declared_implementation() -> None:
    assert table_mismatches() == []
    assert implemented_operations() == list(service_model().operation_names)


def test_the_comparison_names_every_mismatch() -> None:
    def get_domain(self: Any, domian_name: str) -> dict[str, Any]:  # misspelt
        return {}

    def list_domains(self: Any, max_results: int, next_token: str | None = None) -> Any:
        return {}

    def update_domain_layout(self: Any, domain_name: str, **changes: Any) -> dict[str, Any]:
        return {}

    def delete_domain(self: Any, domain_name: str = "d", flavour: str = "") -> Any:
        return {}

    table = {
        **DECLARED,
        "GetDomain": get_domain,
        "ListDomains": list_domains,
        "UpdateDomainLayout": update_domain_layout,
        "DeleteDomain": delete_domain,
    }
    del table["DeleteProfile"]
    found = table_mismatches(table, older_model=False)  # as on the tested model, on any
    delete = "test_the_comparison_names_every_mismatch.<locals>.delete_domain"
    assert set(found) == {
        "DeleteProfile: no implementation is declared",
        "GetDomain.DomainName: not taken by "
        "test_the_comparison_names_every_mismatch.<locals>.get_domain",
        "GetDomain: test_the_comparison_names_every_mismatch.<locals>.get_domain takes "
        "domian_name, which is no member of GetDomainRequest",
        "ListDomains.MaxResults: optional, but "
        "test_the_comparison_names_every_mismatch.<locals>.list_domains requires max_results",
        "UpdateDomainLayout: test_the_comparison_names_every_mismatch.<locals>."
        "update_domain_layout takes **arguments it does not declare",
        *(
            f"UpdateDomainLayout.{member}: not taken by "
            "test_the_comparison_names_every_mismatch.<locals>.update_domain_layout"
            for member in ("LayoutDefinitionName", "Description", "DisplayName", "IsDefault",
                           "LayoutType", "Layout")
        ),
        f"DeleteDomain.DomainName: required, but {delete} gives domain_name a default",
        f"DeleteDomain: {delete} takes flavour, which is no member of DeleteDomainRequest",
    }  # fmt: skip
    # on a model older than the tested one, a parameter with a default may be a newer member
    older = table_mismatches(table, older_model=True)
    assert f"DeleteDomain: {delete} takes flavour, which is no member of DeleteDomainRequest" \
        not in older  # fmt: skip
    assert "GetDomain: test_the_comparison_names_every_mismatch.<locals>.get_domain takes " \
        "domian_name, which is no member of GetDomainRequest" in older  # fmt: skip


def test_an_operation_is_declared_once() -> None:
    with pytest.raises(TypeError, match="GetDomain is declared twice"):

        @operation("GetDomain")
        def get_domain(self: Any, domain_name: str) -> dict[str, Any]:
            return {}

    assert DECLARED["GetDomain"] is CustomerProfilesBackend.get_domain


def test_a_public_method_that_is_not_declared_is_never_served(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before, any public backend attribute with an operation's snake_case name served it.
    client.create_domain(DomainName="d", DefaultExpirationDays=30)
    monkeypatch.delitem(operations._DECLARED, "GetDomain")
    with pytest.raises(NotImplementedError, match="The GetDomain action has not been implemented"):
        client.get_domain(DomainName="d")
    assert callable(CustomerProfilesBackend.get_domain)  # still a method: no endpoint


def test_the_seeding_helpers_are_no_operation() -> None:
    backend = CustomerProfilesBackend
    seeding = [n for n in dir(backend.seed.fget(None).__class__) if not n.startswith("_")]  # type: ignore[attr-defined]
    assert seeding == [
        "dead_letter_objects", "event_stream_records", "event_trigger_invocations",
        "run_identity_resolution", "segment_stream_records", "set_profile_intents",
        "upload_job_failures",
    ]  # fmt: skip
    served = {xform_name(name) for name in DECLARED}
    assert not served & set(seeding)


def test_a_seeding_helper_holds_the_lock_and_undoes_a_failed_call(
    customerprofiles_backend: Any,
) -> None:
    import cp_mock

    client = boto3.client("customer-profiles", region_name="us-east-1")
    client.create_domain(DomainName="d", DefaultExpirationDays=30)
    before = cp_mock.dump_state()
    with pytest.raises(ClientError):
        client.get_domain(DomainName="absent")
    with pytest.raises(Exception, match="absent"):
        customerprofiles_backend.seed.run_identity_resolution("absent")
    assert cp_mock.dump_state() == before
    assert not customerprofiles_backend.lock._depth  # released
