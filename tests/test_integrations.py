"""Integrations and workflows (API_PutIntegration, API_GetIntegration, API_ListIntegrations,
API_DeleteIntegration, API_ListAccountIntegrations, API_CreateIntegrationWorkflow,
API_GetWorkflow, API_GetWorkflowSteps, API_ListWorkflows, API_DeleteWorkflow)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

CONNECT = "arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-3333-4444-555555555555"
ROLE = "arn:aws:iam::123456789012:role/profiles"
FLOW = {
    "FlowName": "sfdc-accounts", "KmsArn": "arn:aws:kms:us-east-1:123456789012:key/k",
    "SourceFlowConfig": {"ConnectorType": "Salesforce", "ConnectorProfileName": "sfdc",
                         "SourceConnectorProperties": {"Salesforce": {"Object": "Account"}}},
    "Tasks": [{"SourceFields": ["Id"], "TaskType": "Map", "DestinationField": "Id"}],
    "TriggerConfig": {"TriggerType": "OnDemand"},
}  # fmt: skip


def code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


def test_put_get_list_delete_integration(client: Any, domain: str) -> None:
    put = client.put_integration(DomainName=domain, Uri=CONNECT, ObjectTypeName="CTR",
                                 Tags={"team": "cc"})  # fmt: skip
    assert (put["Uri"], put["ObjectTypeName"], put["Tags"]) == (CONNECT, "CTR", {"team": "cc"})
    got = client.get_integration(DomainName=domain, Uri=CONNECT)
    assert got["DomainName"] == domain and got["CreatedAt"] == put["CreatedAt"]
    assert [i["Uri"] for i in client.list_integrations(DomainName=domain)["Items"]] == [CONNECT]
    assert client.delete_integration(DomainName=domain, Uri=CONNECT)["Message"]
    with pytest.raises(ClientError) as excinfo:
        client.get_integration(DomainName=domain, Uri=CONNECT)
    assert code(excinfo) == "ResourceNotFoundException"


def test_an_integration_belongs_to_one_domain(client: Any, domain: str) -> None:
    client.create_domain(DomainName="second", DefaultExpirationDays=1)
    client.put_integration(DomainName=domain, Uri=CONNECT, ObjectTypeName="CTR")
    with pytest.raises(ClientError) as excinfo:
        client.put_integration(DomainName="second", Uri=CONNECT, ObjectTypeName="CTR")
    assert code(excinfo) == "BadRequestException"
    assert "only one domain" in excinfo.value.response["Error"]["Message"]
    items = client.list_account_integrations(Uri=CONNECT)["Items"]
    assert [(i["DomainName"], i["Uri"]) for i in items] == [(domain, CONNECT)]
    # putting it again in its own domain updates it
    again = client.put_integration(DomainName=domain, Uri=CONNECT,
                                   ObjectTypeNames={"Contact": "CTR"})  # fmt: skip
    assert again["ObjectTypeNames"] == {"Contact": "CTR"}


def test_flow_definition_gives_the_appflow_uri(client: Any, domain: str) -> None:
    put = client.put_integration(DomainName=domain, FlowDefinition=FLOW,
                                 ObjectTypeName="Salesforce-Account", RoleArn=ROLE)  # fmt: skip
    assert put["Uri"] == "arn:aws:appflow:us-east-1:123456789012:flow/sfdc-accounts"


@pytest.mark.parametrize(
    ("request_members", "message"),
    [({"ObjectTypeName": "CTR"}, "Uri"), ({"Uri": CONNECT}, "ObjectTypeName"),
     ({"Uri": CONNECT, "ObjectTypeName": "Nope"}, "does not exist")],
)  # fmt: skip
def test_bad_integrations(client: Any, domain: str, request_members: Any, message: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.put_integration(DomainName=domain, **request_members)
    assert code(excinfo) == "BadRequestException"
    assert message in excinfo.value.response["Error"]["Message"]


def test_deleting_an_object_type_disables_its_integrations(client: Any, domain: str) -> None:
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="Lead", Description="leads",
        TemplateId="Marketo-leads",
    )  # fmt: skip
    client.put_integration(DomainName=domain, Uri=CONNECT, ObjectTypeName="Lead")
    client.delete_profile_object_type(DomainName=domain, ObjectTypeName="Lead")
    assert client.list_integrations(DomainName=domain)["Items"] == []
    hidden = client.list_integrations(DomainName=domain, IncludeHidden=True)["Items"]
    assert [i["Uri"] for i in hidden] == [CONNECT] and "ObjectTypeName" not in hidden[0]


def test_deleting_the_domain_frees_the_uri(client: Any, domain: str) -> None:
    client.put_integration(DomainName=domain, Uri=CONNECT, ObjectTypeName="CTR")
    client.delete_domain(DomainName=domain)
    client.create_domain(DomainName="next", DefaultExpirationDays=1)
    assert client.put_integration(DomainName="next", Uri=CONNECT, ObjectTypeName="CTR")["Uri"]


def test_integration_workflow_life_cycle(client: Any, domain: str) -> None:
    workflow_id = client.create_integration_workflow(
        DomainName=domain, WorkflowType="APPFLOW_INTEGRATION", ObjectTypeName="Salesforce-Account",
        RoleArn=ROLE, IntegrationConfig={"AppflowIntegration": {"FlowDefinition": FLOW}},
    )["WorkflowId"]  # fmt: skip
    workflow = client.get_workflow(DomainName=domain, WorkflowId=workflow_id)
    assert workflow["Status"] == "COMPLETE"
    assert workflow["Attributes"]["AppflowIntegration"]["SourceConnectorType"] == "Salesforce"
    steps = client.get_workflow_steps(DomainName=domain, WorkflowId=workflow_id)["Items"]
    assert steps[0]["AppflowIntegration"]["FlowName"] == "sfdc-accounts"
    listed = client.list_workflows(DomainName=domain, WorkflowType="APPFLOW_INTEGRATION")
    assert [w["WorkflowId"] for w in listed["Items"]] == [workflow_id]
    assert client.list_workflows(DomainName=domain, Status="FAILED")["Items"] == []
    # the workflow's integration is hidden
    assert client.list_integrations(DomainName=domain)["Items"] == []
    hidden = client.list_integrations(DomainName=domain, IncludeHidden=True)["Items"]
    assert hidden[0]["WorkflowId"] == workflow_id
    client.delete_workflow(DomainName=domain, WorkflowId=workflow_id)
    with pytest.raises(ClientError) as excinfo:
        client.get_workflow(DomainName=domain, WorkflowId=workflow_id)
    assert code(excinfo) == "ResourceNotFoundException"
    assert client.list_integrations(DomainName=domain, IncludeHidden=True)["Items"] == []
