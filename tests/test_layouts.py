"""Domain layouts (API_CreateDomainLayout, API_GetDomainLayout, API_UpdateDomainLayout,
API_DeleteDomainLayout, API_ListDomainLayouts). AWS serves them to the Amazon Connect admin
website; the mock serves them to any caller (docs/layouts.md)."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from freezegun import freeze_time

LAYOUT = json.dumps({"sections": [{"title": "Contact", "fields": ["_profile.EmailAddress"]}]})


def create(client: Any, domain: str, name: str, **extra: Any) -> dict[str, Any]:
    params = {"Description": f"{name} layout", "DisplayName": f"{name} view",
              "LayoutType": "PROFILE_EXPLORER", "Layout": LAYOUT, **extra}  # fmt: skip
    created = client.create_domain_layout(DomainName=domain, LayoutDefinitionName=name, **params)
    created.pop("ResponseMetadata")
    return dict(created)


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def test_a_layout_is_stored_as_created(client: Any, domain: str) -> None:
    with freeze_time("2030-01-01T00:00:00Z"):
        created = create(client, domain, "agents", Tags={"team": "support"})
    assert created["Version"] == "1" and created["IsDefault"] is False
    assert created["Layout"] == LAYOUT and created["DisplayName"] == "agents view"
    got = client.get_domain_layout(DomainName=domain, LayoutDefinitionName="agents")
    assert {k: got[k] for k in created} == created
    arn = f"arn:aws:profile:us-east-1:123456789012:domains/{domain}/layouts/agents"
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "support"}


def test_a_domain_has_one_default_layout(client: Any, domain: str) -> None:
    # IsDefault: "this layout will be used by default to view data"
    create(client, domain, "first", IsDefault=True)
    create(client, domain, "second", IsDefault=True)
    listed = client.list_domain_layouts(DomainName=domain)["Items"]
    assert [(i["LayoutDefinitionName"], i["IsDefault"]) for i in listed] == [
        ("first", False), ("second", True),
    ]  # fmt: skip
    assert all("Layout" not in i and "Version" not in i for i in listed)  # summaries
    client.update_domain_layout(DomainName=domain, LayoutDefinitionName="first", IsDefault=True)
    listed = client.list_domain_layouts(DomainName=domain)["Items"]
    defaults = [i["LayoutDefinitionName"] for i in listed if i["IsDefault"]]
    assert defaults == ["first"]


def test_an_update_changes_what_it_names_and_counts_a_version(client: Any, domain: str) -> None:
    with freeze_time("2030-01-01T00:00:00Z"):
        created = create(client, domain, "agents")
    with freeze_time("2030-02-01T00:00:00Z"):
        updated = client.update_domain_layout(
            DomainName=domain, LayoutDefinitionName="agents", Layout='{"sections": []}'
        )
    assert updated["Version"] == "2" and updated["Layout"] == '{"sections": []}'
    assert updated["DisplayName"] == created["DisplayName"]  # not named: kept
    assert updated["CreatedAt"] == created["CreatedAt"]
    assert updated["LastUpdatedAt"] > created["LastUpdatedAt"]
    again = client.update_domain_layout(DomainName=domain, LayoutDefinitionName="agents",
                                        DisplayName="Agents desk")  # fmt: skip
    assert again["Version"] == "3" and again["Layout"] == '{"sections": []}'
    got = client.get_domain_layout(DomainName=domain, LayoutDefinitionName="agents")
    assert (got["DisplayName"], got["Version"]) == ("Agents desk", "3")


def test_delete_removes_the_layout_and_its_tags(client: Any, domain: str) -> None:
    create(client, domain, "agents", Tags={"team": "support"})
    answer = client.delete_domain_layout(DomainName=domain, LayoutDefinitionName="agents")
    assert "agents" in answer["Message"]
    for call in (client.get_domain_layout, client.delete_domain_layout):
        with pytest.raises(ClientError) as excinfo:
            call(DomainName=domain, LayoutDefinitionName="agents")
        assert error_of(excinfo)[0] == "ResourceNotFoundException"
    arn = f"arn:aws:profile:us-east-1:123456789012:domains/{domain}/layouts/agents"
    with pytest.raises(ClientError) as excinfo:
        client.list_tags_for_resource(resourceArn=arn)
    assert error_of(excinfo)[0] == "ResourceNotFoundException"
    assert client.list_domain_layouts(DomainName=domain)["Items"] == []


def test_deleting_the_domain_deletes_its_layouts(client: Any, domain: str) -> None:
    create(client, domain, "agents")
    client.delete_domain(DomainName=domain)
    client.create_domain(DomainName=domain, DefaultExpirationDays=30)
    assert client.list_domain_layouts(DomainName=domain)["Items"] == []


def test_errors_name_what_is_wrong(client: Any, domain: str) -> None:
    create(client, domain, "agents")
    with pytest.raises(ClientError) as excinfo:
        create(client, domain, "agents")
    code, message = error_of(excinfo)
    assert code == "BadRequestException" and "agents" in message and "exists" in message
    for call, params in [
        (client.create_domain_layout, {"DomainName": "nowhere", "LayoutDefinitionName": "x",
                                       "Description": "d", "DisplayName": "d",
                                       "LayoutType": "PROFILE_EXPLORER", "Layout": "{}"}),
        (client.update_domain_layout, {"DomainName": domain, "LayoutDefinitionName": "none"}),
        (client.list_domain_layouts, {"DomainName": "nowhere"}),
    ]:  # fmt: skip
        with pytest.raises(ClientError) as excinfo:
            call(**params)
        assert error_of(excinfo)[0] == "ResourceNotFoundException"


@pytest.mark.parametrize(
    "member, value",
    [
        ("DisplayName", "1 starts with a digit"),
        ("LayoutType", "TIMELINE"),
        ("Layout", "x" * 2000001),
    ],
)
def test_the_model_constraints_are_checked(
    client: Any, domain: str, member: str, value: str
) -> None:
    unchecked = boto3.client("customer-profiles", region_name="us-east-1",
                             config=Config(parameter_validation=False))  # fmt: skip
    with pytest.raises(ClientError) as excinfo:
        create(unchecked, domain, "bad", **{member: value})
    code, message = error_of(excinfo)
    assert code == "BadRequestException" and member in message
    assert client.list_domain_layouts(DomainName=domain)["Items"] == []
