"""Integrations and integration workflows (API_PutIntegration, API_GetIntegration,
API_ListIntegrations, API_DeleteIntegration, API_ListAccountIntegrations,
API_CreateIntegrationWorkflow, API_GetWorkflow, API_GetWorkflowSteps, API_ListWorkflows,
API_DeleteWorkflow).

"An integration can belong to only one domain" (the seed): a Uri integrated with one
domain is refused by the others. An integration made with a FlowDefinition gets the
AppFlow flow's ARN as its Uri. Deleting an object type disables the integrations that use
it (the seed): the type is dropped from them, and one left with no type is hidden (listed
only with IncludeHidden), as are the integrations workflows create. A workflow completes
at once: the mock has no AppFlow to wait for.

An integration with a single ObjectTypeName whose source is a service moto mocks moves
data (models/data_in/integration_sources.py, docs/integrations.md): S3 through a FlowDefinition
(documented), an S3 Uri (inferred from the model's Uri), a Kinesis stream Uri (inferred: AWS
documents no such source). Every other integration keeps its configuration only: Amazon
Connect contact records, AppFlow's SaaS sources, workflows, and the ObjectTypeNames maps of
Segment and Shopify events.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ...compat.moto import mock_random
from ...exceptions import BadRequestException, ResourceNotFoundException
from ..admin.domains import Domain
from ..backend_state import BackendState, Change
from ..core.changes import DOMAIN_DELETED, OBJECT_TYPE_DELETED, hears
from ..core.clock import now
from ..core.operations import operation
from ..core.tags import tags_member
from ..objects.templates import find_template
from .data_in_state import Integration, Workflow
from .integration_sources import source_of


class IntegrationOperations(BackendState):
    integrations: dict[str, Integration]  # Uri -> integration, across the account's domains

    # -- shared ----------------------------------------------------------------------------
    def _describe_integration(self, integration: Integration) -> dict[str, Any]:
        return {
            "DomainName": integration.domain_name,
            "Uri": integration.uri,
            **integration.settings,
            "CreatedAt": integration.created_at,
            "LastUpdatedAt": integration.last_updated_at,
            **tags_member("Tags", self.tags.get(integration.arn)),
        }

    def _integration(self, domain_name: str, uri: str) -> Integration:
        self.get_domain_state(domain_name)
        integration = self.integrations.get(uri)
        if integration is None or integration.domain_name != domain_name:
            raise ResourceNotFoundException(f"Domain {domain_name} has no integration {uri}")
        return integration

    def _check_object_types(self, domain: Domain, names: list[str]) -> None:
        for name in names:
            if name not in domain.object_types and find_template(name) is None:
                raise BadRequestException(f"ObjectTypeName: object type {name} does not exist")

    def _store_integration(
        self, domain: Domain, uri: str, settings: dict[str, Any], tags: dict[str, str] | None,
        hidden: bool = False,
    ) -> Integration:  # fmt: skip
        existing = self.integrations.get(uri)
        if existing is not None and existing.domain_name != domain.name:
            raise BadRequestException(
                f"Uri {uri} is already integrated with domain {existing.domain_name}; "
                "an integration can belong to only one domain"
            )
        if existing is not None:
            existing.settings, existing.hidden = settings, hidden
            existing.last_updated_at = now()
            if tags:
                self.tags.tag(existing.arn, tags)
            return existing
        integration = Integration(
            domain_name=domain.name, uri=uri, settings=settings, hidden=hidden,
            arn=self.arn(f"domains/{domain.name}/integrations/{uri}"),
        )  # fmt: skip
        self.tags.register(integration.arn, tags)
        self.integrations[uri] = integration
        return integration

    def _flow_arn(self, flow_name: str) -> str:
        return f"arn:{self.partition}:appflow:{self.region_name}:{self.account_id}:flow/{flow_name}"

    @hears(OBJECT_TYPE_DELETED, DOMAIN_DELETED)
    def follow_domain_changes(self, change: Change) -> None:
        """Subscriber: integrations hear of a deleted object type or domain."""
        if change.action == OBJECT_TYPE_DELETED:
            assert change.object_type_name is not None
            self._object_type_deleted(change.domain, change.object_type_name)
        elif change.action == DOMAIN_DELETED:
            self._forget_domain_integrations(change.domain.name)

    def _object_type_deleted(self, domain: Domain, object_type_name: str) -> None:
        for integration in self.integrations.values():
            if integration.domain_name != domain.name:
                continue
            settings = integration.settings
            if settings.get("ObjectTypeName") == object_type_name:
                del settings["ObjectTypeName"]
            names = {k: v for k, v in (settings.get("ObjectTypeNames") or {}).items()
                     if v != object_type_name}  # fmt: skip
            if "ObjectTypeNames" in settings:
                settings["ObjectTypeNames"] = names
                if not names:
                    del settings["ObjectTypeNames"]
            if "ObjectTypeName" not in settings and "ObjectTypeNames" not in settings:
                integration.hidden = True

    def _forget_domain_integrations(self, domain_name: str) -> None:
        for uri in [u for u, i in self.integrations.items() if i.domain_name == domain_name]:
            self.tags.forget(self.integrations.pop(uri).arn)

    # -- integrations ----------------------------------------------------------------------
    @operation("PutIntegration")
    def put_integration(
        self,
        domain_name: str,
        uri: str | None = None,
        object_type_name: str | None = None,
        object_type_names: dict[str, str] | None = None,
        tags: dict[str, str] | None = None,
        flow_definition: dict[str, Any] | None = None,
        role_arn: str | None = None,
        event_trigger_names: list[str] | None = None,
        scope: str | None = None,
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        if uri is None and flow_definition is None:
            raise BadRequestException("Uri: give the Uri of the source, or a FlowDefinition")
        if uri is None:
            assert flow_definition is not None
            uri = self._flow_arn(flow_definition["FlowName"])
        if object_type_name is None and not object_type_names:
            raise BadRequestException("ObjectTypeName: give ObjectTypeName or ObjectTypeNames")
        self._check_object_types(
            domain, [n for n in [object_type_name, *(object_type_names or {}).values()] if n]
        )
        for name in event_trigger_names or ():
            if name not in domain.events.triggers:
                raise BadRequestException(f"EventTriggerNames: event trigger {name} does not exist")
        settings = {
            "ObjectTypeName": object_type_name, "ObjectTypeNames": object_type_names,
            "RoleArn": role_arn, "EventTriggerNames": event_trigger_names, "Scope": scope,
        }  # fmt: skip
        integration = self._store_integration(
            domain, uri, {k: v for k, v in settings.items() if v is not None}, tags
        )
        self._follow_source(domain, uri, flow_definition)
        return self._describe_integration(integration)

    def _follow_source(
        self, domain: Domain, uri: str, flow_definition: dict[str, Any] | None
    ) -> None:
        """Read the integration's source from now on if it moves data (a source moto mocks,
        and a single ObjectTypeName); one put again where it was keeps what it has read."""
        source = None
        if "ObjectTypeName" in self.integrations[uri].settings:
            source = source_of(uri, flow_definition, self.partition, self.region_name,
                               self.account_id)  # fmt: skip
        followed = domain.data_in.integration_sources.get(uri)
        if source is None:
            domain.data_in.integration_sources.pop(uri, None)
        elif followed is None or not followed.same_place(source):
            domain.data_in.integration_sources[uri] = source

    @operation("GetIntegration")
    def get_integration(self, domain_name: str, uri: str) -> dict[str, Any]:
        return self._describe_integration(self._integration(domain_name, uri))

    @operation("ListIntegrations")
    def list_integrations(
        self, domain_name: str, include_hidden: bool | None = None
    ) -> dict[str, Any]:
        self.get_domain_state(domain_name)
        return {
            "Items": [
                self._describe_integration(i)
                for i in self.integrations.values()
                if i.domain_name == domain_name and (include_hidden or not i.hidden)
            ]
        }

    @operation("DeleteIntegration")
    def delete_integration(self, domain_name: str, uri: str) -> dict[str, Any]:
        integration = self._integration(domain_name, uri)
        del self.integrations[uri]
        self.domains[domain_name].data_in.integration_sources.pop(uri, None)
        self.tags.forget(integration.arn)
        return {"Message": f"Integration {uri} deleted"}

    @operation("ListAccountIntegrations")
    def list_account_integrations(
        self, uri: str, include_hidden: bool | None = None
    ) -> dict[str, Any]:
        return {
            "Items": [
                self._describe_integration(i)
                for i in self.integrations.values()
                if i.uri == uri and (include_hidden or not i.hidden)
            ]
        }

    # -- workflows -------------------------------------------------------------------------
    def _workflow(self, domain_name: str, workflow_id: str) -> Workflow:
        domain = self.get_domain_state(domain_name)
        workflow = domain.data_in.workflows.get(workflow_id)
        if workflow is None:
            raise ResourceNotFoundException(f"Workflow {workflow_id} does not exist")
        assert isinstance(workflow, Workflow)
        return workflow

    @operation("CreateIntegrationWorkflow")
    def create_integration_workflow(
        self,
        domain_name: str,
        workflow_type: str,
        integration_config: dict[str, Any],
        object_type_name: str,
        role_arn: str,
        tags: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        appflow = integration_config.get("AppflowIntegration")
        if not appflow:
            raise BadRequestException("IntegrationConfig: AppflowIntegration is required")
        self._check_object_types(domain, [object_type_name])

        uri = self._flow_arn(appflow["FlowDefinition"]["FlowName"])
        workflow = Workflow(
            workflow_id=str(mock_random.uuid4().hex), uri=uri,
            settings={"WorkflowType": workflow_type, "IntegrationConfig": integration_config,
                      "ObjectTypeName": object_type_name, "RoleArn": role_arn},
        )  # fmt: skip
        integration = self._store_integration(
            domain, uri, {"ObjectTypeName": object_type_name, "RoleArn": role_arn,
                          "WorkflowId": workflow.workflow_id}, tags, hidden=True,
        )  # fmt: skip
        assert integration.uri == uri
        domain.data_in.workflows[workflow.workflow_id] = workflow
        return {"WorkflowId": workflow.workflow_id, "Message": "Workflow created"}

    @operation("GetWorkflow")
    def get_workflow(self, domain_name: str, workflow_id: str) -> dict[str, Any]:
        workflow = self._workflow(domain_name, workflow_id)
        source = workflow.flow_definition.get("SourceFlowConfig") or {}
        return {
            "WorkflowId": workflow.workflow_id,
            "WorkflowType": workflow.settings["WorkflowType"],
            "Status": "COMPLETE",
            "StartDate": workflow.created_at,
            "LastUpdatedAt": workflow.created_at,
            "Attributes": {"AppflowIntegration": {
                "SourceConnectorType": source.get("ConnectorType", "S3"),
                "ConnectorProfileName": source.get("ConnectorProfileName")
                or workflow.flow_definition.get("FlowName", "flow"),
                "RoleArn": workflow.settings["RoleArn"],
            }},
            "Metrics": {"AppflowIntegration": {
                "RecordsProcessed": 0, "StepsCompleted": 1, "TotalSteps": 1,
            }},
        }  # fmt: skip

    @operation("GetWorkflowSteps")
    def get_workflow_steps(self, domain_name: str, workflow_id: str) -> dict[str, Any]:
        workflow = self._workflow(domain_name, workflow_id)
        started = workflow.created_at.isoformat()
        return {
            "WorkflowId": workflow.workflow_id,
            "WorkflowType": workflow.settings["WorkflowType"],
            "Items": [{"AppflowIntegration": {
                "FlowName": workflow.flow_definition.get("FlowName", "flow"),
                "Status": "COMPLETE",
                "ExecutionMessage": "The flow ran: no records to ingest",
                "RecordsProcessed": 0,
                "BatchRecordsStartTime": started,
                "BatchRecordsEndTime": started,
                "CreatedAt": workflow.created_at,
                "LastUpdatedAt": workflow.created_at,
            }}],
        }  # fmt: skip

    @operation("ListWorkflows")
    def list_workflows(
        self,
        domain_name: str,
        workflow_type: str | None = None,
        status: str | None = None,
        query_start_date: datetime | None = None,
        query_end_date: datetime | None = None,
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        items = []
        for workflow in domain.data_in.workflows.values():
            if workflow_type and workflow.settings["WorkflowType"] != workflow_type:
                continue
            if status and status != "COMPLETE":
                continue
            if query_start_date and workflow.created_at < query_start_date:
                continue
            if query_end_date and workflow.created_at > query_end_date:
                continue
            items.append({
                "WorkflowType": workflow.settings["WorkflowType"],
                "WorkflowId": workflow.workflow_id, "Status": "COMPLETE",
                "StatusDescription": "The workflow completed",
                "CreatedAt": workflow.created_at, "LastUpdatedAt": workflow.created_at,
            })  # fmt: skip
        return {"Items": items}

    @operation("DeleteWorkflow")
    def delete_workflow(self, domain_name: str, workflow_id: str) -> dict[str, Any]:
        workflow = self._workflow(domain_name, workflow_id)
        self.get_domain_state(domain_name).data_in.workflows.pop(workflow_id)
        integration = self.integrations.pop(workflow.uri, None)
        if integration is not None:
            self.tags.forget(integration.arn)
        return {}
