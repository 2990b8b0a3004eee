"""The layout of models/: the backend composes families side by side; no family reaches
another's methods by inheriting it (what one area needs of another is a named function of
the owning area, or a subscriber to the change feed)."""

from __future__ import annotations

import ast
import pathlib
from typing import Any

import boto3
import pytest
from moto.core.base_backend import BaseBackend

import cp_mock
from cp_mock.models.backend import CustomerProfilesBackend
from cp_mock.models.backend_state import BackendState
from tests.test_integration_ingestion import BUCKET, REGION, s3_flow

MODELS = pathlib.Path(cp_mock.__file__).parent / "models"

CUSTOMER_FIELDS = {
    "id": {"Source": "_source.id", "Target": "_profile.AccountNumber"},
    "email": {"Source": "_source.email", "Target": "_profile.EmailAddress",
              "ContentType": "EMAIL_ADDRESS"},
}  # fmt: skip
CUSTOMER_KEYS = {
    "customerId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
    "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}],
}

FAMILIES = [
    base
    for base in CustomerProfilesBackend.__bases__
    if base is not BaseBackend and base is not BackendState
]


def test_the_backend_is_composed_of_families() -> None:
    assert len(FAMILIES) > 20
    assert BaseBackend in CustomerProfilesBackend.__bases__


@pytest.mark.parametrize("family", FAMILIES, ids=lambda family: family.__name__)
def test_a_family_inherits_no_other_family(family: type) -> None:
    assert set(family.__bases__) <= {BackendState, object}, family.__bases__


def test_every_class_between_the_backend_and_its_state_is_a_listed_family() -> None:
    # (a family reached only through another's bases would be one the backend composes
    # without saying so)
    between = {
        cls
        for cls in CustomerProfilesBackend.__mro__[1:]
        if issubclass(cls, BackendState) and cls is not BackendState
    }
    assert between <= set(FAMILIES), between - set(FAMILIES)


def _classes_with_bases() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(MODELS.rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef):
                found[node.name] = [ast.unparse(base) for base in node.bases]
    return found


def test_no_class_in_models_inherits_a_family() -> None:
    # Read from the source, so a family the backend does not list is held to it too.
    classes = _classes_with_bases()
    families = {name for name, bases in classes.items() if "BackendState" in bases}
    families |= {family.__name__ for family in FAMILIES}
    inheriting = {
        name: [base for base in bases if base in families]
        for name, bases in classes.items()
        if any(base in families for base in bases) and name != "CustomerProfilesBackend"
    }
    assert inheriting == {}


# -- an area's part of a domain is put back whole by a call that fails ---------------------
def test_a_failed_call_puts_back_what_its_tick_read_from_an_integration_source(
    client: Any, domain: str
) -> None:
    # The tick reads the source before the call keeps its copy of the configuration; the
    # undo of that read must reach the domain's part as it is once the copy is put back.
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=BUCKET)
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="Customer", Description="customers",
        AllowProfileCreation=True, Fields=CUSTOMER_FIELDS, Keys=CUSTOMER_KEYS,
    )  # fmt: skip
    client.put_integration(DomainName=domain, ObjectTypeName="Customer",
                           FlowDefinition=s3_flow())  # fmt: skip
    s3.put_object(Bucket=BUCKET, Key="c.csv", Body="id,email\nc-1,ana@example.com\n")
    before = cp_mock.dump_state()
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.delete_event_stream(DomainName=domain, EventStreamName="none")
    assert cp_mock.dump_state() == before
    found = client.search_profiles(DomainName=domain, KeyName="_email", Values=["ana@example.com"])
    assert len(found["Items"]) == 1  # read again by the next call, which succeeds


# -- imports between the areas --------------------------------------------------------------
PACKAGE = pathlib.Path(cp_mock.__file__).parent


def _module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: pathlib.Path, type_only_too: bool) -> set[str]:
    """The cp_mock modules ``path`` imports at module level (and, with ``type_only_too``,
    under ``if TYPE_CHECKING:``)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    statements: list[ast.stmt] = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.If):
            if type_only_too and ast.unparse(node.test) == "TYPE_CHECKING":
                statements.extend(node.body)
        else:
            statements.append(node)
    found = set()
    for node in statements:
        if isinstance(node, ast.ImportFrom):
            target = node.module or ""
            if node.level:  # relative: from the package, up a level for each dot past one
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def import_graph(type_only_too: bool) -> dict[str, set[str]]:
    """cp_mock.models module -> the cp_mock.models modules it imports."""
    paths = {_module_name(path): path for path in MODELS.rglob("*.py")}
    return {
        name: {m for m in _imports(path, type_only_too) if m in paths and m != name}
        for name, path in paths.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module, each sorted."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        order[module] = low[module] = len(order)
        stack.append(module)
        for imported in sorted(graph[module]):
            if imported not in order:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], order[imported])
        if low[module] == order[module]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph):
        if module not in order:
            visit(module)
    return found


def _defines_a_family(module: str) -> bool:
    path = PACKAGE.parent.joinpath(*module.split(".")).with_suffix(".py")
    if not path.exists():
        path = path.with_suffix("") / "__init__.py"
    return any(
        isinstance(node, ast.ClassDef) and "BackendState" in map(ast.unparse, node.bases)
        for node in ast.parse(path.read_text(encoding="utf-8")).body
    )


MOST_LINES = 600  # a module a reader can hold in mind; past it, it is two


def test_no_module_of_the_package_is_over_600_lines() -> None:
    sizes = {
        str(path.relative_to(PACKAGE)): len(path.read_text().splitlines())
        for path in PACKAGE.rglob("*.py")
    }
    assert len(sizes) > 50  # (the package was found)
    assert {name: lines for name, lines in sizes.items() if lines > MOST_LINES} == {}


def test_no_models_modules_import_each_other_in_a_circle_when_run() -> None:
    assert cycles(import_graph(type_only_too=False)) == []


def test_no_models_modules_import_each_other_in_a_circle_for_the_type_checker() -> None:
    # (imports under ``if TYPE_CHECKING:`` counted): mypy, and a reader, can take the
    # modules in an order, each after what it imports
    assert cycles(import_graph(type_only_too=True)) == []


@pytest.mark.parametrize("type_only_too", [False, True], ids=["when run", "for the type checker"])
def test_a_domain_is_made_of_plain_data_not_of_the_families(type_only_too: bool) -> None:
    # What domains.py imports to build a Domain holds data only; the families import it.
    imported = import_graph(type_only_too)["cp_mock.models.admin.domains"]
    assert sorted(m for m in imported if _defines_a_family(m)) == []


def test_an_areas_state_imports_no_operations() -> None:
    # An area's part of a domain, and the records it holds, live in its *_state module;
    # the families that operate on them import it, never the reverse.
    graph = import_graph(type_only_too=True)
    states = sorted(m for m in graph if m.endswith("_state") and m.count(".") == 3)
    assert len(states) >= 7
    importing = {state: sorted(filter(_defines_a_family, graph[state])) for state in states}
    assert importing == {state: [] for state in states}


def test_the_core_modules_import_no_area() -> None:
    # core/ is what every area builds on: it names no area's types, not even for the type
    # checker (the seeding helpers, which wrap the areas' own, excepted).
    graph = import_graph(type_only_too=True)
    core = sorted(m for m in graph if m.startswith("cp_mock.models.core"))
    outside = {
        module: sorted(m for m in graph[module] if not m.startswith("cp_mock.models.core"))
        for module in core
        if module != "cp_mock.models.core.seeding"
    }
    assert outside == {module: [] for module in outside}
    assert "cp_mock.models.backend" not in graph["cp_mock.models.core.seeding"]


if __name__ == "__main__":  # python -m tests.test_layout: what still imports in a circle
    for kind, type_only_too in (("when run", False), ("for the type checker too", True)):
        graph = import_graph(type_only_too)
        for component in cycles(graph):
            print(f"{len(component)} modules import each other in a circle {kind}:")
            for module in component:
                print(f"  {module} -> {', '.join(sorted(graph[module] & set(component)))}")


def test_a_calls_copy_of_the_configuration_shares_what_each_area_journals(
    client: Any, domain: str
) -> None:
    # A call that is not journaled write by write keeps a copy of the domain's
    # configuration and puts it back when it fails; what an area's part journals write by
    # write (the dead letters, an event stream's records) is shared by that copy, not
    # copied, down to the resources the part holds.
    stream_arn = "arn:aws:kinesis:us-east-1:123456789012:stream/changes"
    client.create_event_stream(DomainName=domain, EventStreamName="changes", Uri=stream_arn)
    state = cp_mock.get_backend().get_domain_state(domain)
    events, admin = state.events, state.admin
    records, dead_letters = events.streams["changes"].records, admin.dead_letters
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.delete_event_stream(DomainName=domain, EventStreamName="none")
    assert state.events is not events and state.admin is not admin  # (the copies, put back)
    assert state.events.streams["changes"].records is records
    assert state.admin.dead_letters is dead_letters
