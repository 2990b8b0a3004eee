"""AWS::CustomerProfiles::* resources for moto's CloudFormation.

Each resource type is one ``Spec``: the operations that create, update, read and delete it
(the very operations the API serves, read and validated as the API reads a request) and
its primary identifier. What differs between a template and a request is converted in one
place, ``api_request``: CloudFormation writes a map as a list of pairs (``Tags`` as
``[{Key, Value}]``, ObjectType ``Fields`` as ``[{Name, ObjectTypeField}]``), and a value
that came through a template parameter as a string.

moto finds resource types among the direct subclasses of ``CloudFormationModel``;
``registry.py`` makes sure they are found and that a stack whose Customer Profiles
resource fails is rolled back and reports the service's error, as CloudFormation does.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple
from urllib.parse import urlencode

from botocore.model import Shape
from moto.core.exceptions import ServiceException

from .compat.moto import CloudFormationModel
from .converters import WrongType
from .exceptions import BadRequestException, ResourceNotFoundException
from .models import CustomerProfilesBackend, customerprofiles_backends
from .protocol import MalformedBody, Route, parse_request, service_model
from .responses import call_operation


@dataclass(frozen=True)
class Spec:
    """How one resource type maps onto the service's operations."""

    type_name: str  # "Domain" in "AWS::CustomerProfiles::Domain"
    create: str
    read: str
    delete: str
    update: str | None  # None: every change replaces the resource
    identifier: tuple[str, ...]  # the primary identifier; changing it replaces the resource
    attributes: tuple[str, ...]  # what Fn::GetAtt may name (dots reach into a structure)
    # The resource's ARN after arn:<partition>:profile:<region>:<account>:, for a type whose
    # update operation does not take Tags: every type's Tags change with "No interruption"
    # (the template reference), so TagResource and UntagResource change them in place. It
    # mirrors the path the type's family registers the ARN under (test_cloudformation's
    # test_every_type_s_tags_change_in_place_at_its_own_arn holds the two together).
    tags_arn: str | None = None

    @property
    def cloudformation_type(self) -> str:
        return f"AWS::CustomerProfiles::{self.type_name}"


class ResourceFailed(Exception):
    """A Customer Profiles resource CloudFormation could not create, update or delete,
    with the reason the stack's events report (the service's error, as a rule)."""

    def __init__(self, logical_id: str, resource_type: str, reason: str) -> None:
        super().__init__(reason)
        self.logical_id = logical_id
        self.resource_type = resource_type


def status_reason(error: ServiceException) -> str:
    """A failed resource's status reason, in the form CloudFormation gives a handler's
    error: the service's message, then which service answered which error."""
    return f'Resource handler returned message: "{error.message}" (Service: CustomerProfiles, Error Code: {error.code})'  # noqa: E501


# -- property conversion: the one place a template's forms become a request's --------
def api_request(shape: Shape, value: Any) -> Any:
    """``value``, written as a template writes it, in the form ``shape`` takes in a
    request: a map from a list of pairs, and numbers and booleans from the strings a
    template parameter gives. Anything else is left for the request's own checks."""
    kind = shape.type_name
    if kind == "structure" and isinstance(value, Mapping):
        members = shape.members
        return {
            name: api_request(members[name], item) if name in members else item
            for name, item in value.items()
        }
    if kind == "list" and isinstance(value, list):
        return [api_request(shape.member, item) for item in value]
    if kind == "map":
        if isinstance(value, list):
            value = _pairs(value)
        if isinstance(value, Mapping):
            entry = shape.value
            return {key: api_request(entry, item) for key, item in value.items()}
        return value
    if isinstance(value, str):
        return _scalar(kind, value)
    return value


def _pairs(items: list[Any]) -> Any:
    """``[{Key, Value}]`` or ``[{Name, <one more>}]`` as a map; other lists unchanged."""
    converted: dict[Any, Any] = {}
    for item in items:
        if not isinstance(item, Mapping):
            return items
        if set(item) == {"Key", "Value"}:
            converted[item["Key"]] = item["Value"]
        elif "Name" in item and len(item) == 2:
            (other,) = (name for name in item if name != "Name")
            converted[item["Name"]] = item[other]
        else:
            return items
    return converted


def _scalar(kind: str, text: str) -> Any:
    try:
        if kind in ("integer", "long"):
            return int(text)
        if kind in ("double", "float"):
            return float(text)
    except ValueError:
        return text
    if kind == "boolean" and text.lower() in ("true", "false"):
        return text.lower() == "true"
    return text


# -- calling an operation as the API does --------------------------------------------
def call(backend: CustomerProfilesBackend, operation_name: str, params: Mapping[str, Any]) -> Any:
    """Run ``operation_name`` on ``backend`` with ``params`` (template properties), read,
    checked and answered exactly as the API answers the same request."""
    model = service_model()
    if operation_name not in model.operation_names:
        # a botocore older than the resource type: the stack fails, saying why
        raise BadRequestException(
            f"{operation_name} is not in the installed botocore model: upgrade botocore to "
            "use this resource type"
        )
    operation = model.operation_model(operation_name)
    shape = operation.input_shape
    request = api_request(shape, dict(params))
    uri: dict[str, str] = {}
    query: dict[str, Any] = {}
    body: dict[str, Any] = {}
    for name, member in shape.members.items():
        if name not in request:
            continue
        location = member.serialization.get("location")
        wire = member.serialization.get("name", name)
        if location == "uri":
            if not isinstance(request[name], str):
                raise BadRequestException(f"{name} must be a string")
            uri[wire] = request[name]
        elif location == "querystring":
            query[wire] = request[name]
        else:
            body[wire] = request[name]
    missing = [name for name in shape.required_members if name not in request]
    if missing:
        raise BadRequestException(f"{missing[0]} is required")
    try:
        read = parse_request(Route(operation, uri), urlencode(query, doseq=True), json.dumps(body))
    except (WrongType, MalformedBody) as error:
        raise BadRequestException(f"Could not parse the request: {error}") from error
    return call_operation(backend, operation, read)


# -- the resource types ----------------------------------------------------------------
_TIMES = ("CreatedAt", "LastUpdatedAt")
SPECS = (
    Spec("Domain", "CreateDomain", "GetDomain", "DeleteDomain", "UpdateDomain",
         ("DomainName",),
         (*_TIMES, "Stats", "Stats.ProfileCount", "Stats.MeteringProfileCount",
          "Stats.ObjectCount", "Stats.TotalSize", "RuleBasedMatching.Status")),
    Spec("ObjectType", "PutProfileObjectType", "GetProfileObjectType",
         "DeleteProfileObjectType", "PutProfileObjectType",
         ("DomainName", "ObjectTypeName"), _TIMES),
    Spec("Integration", "PutIntegration", "GetIntegration", "DeleteIntegration",
         "PutIntegration", ("DomainName", "Uri"), _TIMES),
    Spec("DomainObjectType", "PutDomainObjectType", "GetDomainObjectType",
         "DeleteDomainObjectType", "PutDomainObjectType",
         ("DomainName", "ObjectTypeName"), _TIMES),
    Spec("CalculatedAttributeDefinition", "CreateCalculatedAttributeDefinition",
         "GetCalculatedAttributeDefinition", "DeleteCalculatedAttributeDefinition",
         "UpdateCalculatedAttributeDefinition", ("DomainName", "CalculatedAttributeName"),
         (*_TIMES, "Status", "Readiness", "Readiness.ProgressPercentage",
          "Readiness.Message"),
         "domains/{DomainName}/calculated-attributes/{CalculatedAttributeName}"),
    Spec("EventStream", "CreateEventStream", "GetEventStream", "DeleteEventStream", None,
         ("DomainName", "EventStreamName"),
         ("CreatedAt", "EventStreamArn", "State", "DestinationDetails",
          "DestinationDetails.Status", "DestinationDetails.Uri"),
         "domains/{DomainName}/event-streams/{EventStreamName}"),
    Spec("EventTrigger", "CreateEventTrigger", "GetEventTrigger", "DeleteEventTrigger",
         "UpdateEventTrigger", ("DomainName", "EventTriggerName"), _TIMES,
         "domains/{DomainName}/event-triggers/{EventTriggerName}"),
    Spec("SegmentDefinition", "CreateSegmentDefinition", "GetSegmentDefinition",
         "DeleteSegmentDefinition", None, ("DomainName", "SegmentDefinitionName"),
         ("CreatedAt", "SegmentDefinitionArn"),
         "domains/{DomainName}/segment-definitions/{SegmentDefinitionName}"),
    Spec("Recommender", "CreateRecommender", "GetRecommender", "DeleteRecommender",
         "UpdateRecommender", ("DomainName", "RecommenderName"),
         (*_TIMES, "RecommenderArn", "Status", "FailureReason"),
         "domains/{DomainName}/recommenders/{RecommenderName}"),
    # no update operation: a change of Fields replaces the schema
    Spec("RecommenderSchema", "CreateRecommenderSchema", "GetRecommenderSchema",
         "DeleteRecommenderSchema", None, ("DomainName", "RecommenderSchemaName"),
         ("CreatedAt", "Status"),
         "domains/{DomainName}/recommender-schemas/{RecommenderSchemaName}"),
)  # fmt: skip
SERVED_TYPES = frozenset(spec.cloudformation_type for spec in SPECS)
SERVICE_TYPE_PREFIX = "AWS::CustomerProfiles::"


def refuse_unknown_types(template: Mapping[str, Any]) -> None:
    """Fail a stack whose template holds an AWS::CustomerProfiles::* type this module does
    not serve, before anything is made: moto would log a warning, make nothing for it and
    report the stack complete. (CloudFormation refuses a type it does not know the same
    way: "Unrecognized resource types".)"""
    resources = template.get("Resources") or {}
    unknown = {
        logical_id: str(resource.get("Type"))
        for logical_id, resource in resources.items()
        if isinstance(resource, Mapping)
        and str(resource.get("Type", "")).startswith(SERVICE_TYPE_PREFIX)
        and resource.get("Type") not in SERVED_TYPES
    }
    if not unknown:
        return
    logical_id, resource_type = next(iter(unknown.items()))
    types = ", ".join(sorted(set(unknown.values())))
    raise ResourceFailed(
        logical_id,
        resource_type,
        f"Unrecognized resource types: [{types}]. The Customer Profiles types served are "
        f"{', '.join(sorted(SERVED_TYPES))}",
    )


class CustomerProfilesResource:
    """One resource a stack made: its type, its account and region, and the properties it
    was made from (template values resolved)."""

    spec: Spec

    def __init__(self, account_id: str, region: str, properties: Mapping[str, Any]) -> None:
        self.account_id = account_id
        self.region = region
        self.properties = dict(properties)

    @property
    def backend(self) -> CustomerProfilesBackend:
        return customerprofiles_backends[self.account_id][self.region]

    @property
    def identity(self) -> dict[str, Any]:
        return {name: self.properties.get(name) for name in self.spec.identifier}

    @property
    def physical_resource_id(self) -> str:
        """What ``Ref`` returns: the primary identifier, its parts joined by ``|`` as
        CloudFormation joins a compound identifier."""
        return "|".join(str(value) for value in self.identity.values())

    def is_created(self) -> bool:
        return True

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        value: Any = call(self.backend, self.spec.read, self.identity)
        for part in attribute_name.split("."):
            value = value.get(part) if isinstance(value, Mapping) else None
        return _attribute_value(value)

    def delete(self, account_id: str, region_name: str) -> None:
        _delete(self.backend, self.spec, self.identity)


def _delete(backend: CustomerProfilesBackend, spec: Spec, identity: Mapping[str, Any]) -> None:
    """Delete the resource; one already gone (deleting a domain deletes what is in it, in
    whichever order the stack deletes them) counts as deleted, as CloudFormation counts it."""
    try:
        call(backend, spec.delete, identity)
    except ResourceNotFoundException:
        pass


def _attribute_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="milliseconds")  # the precision the API answers with
    if isinstance(value, Mapping):
        return {key: _attribute_value(item) for key, item in value.items()}
    return value


def _properties(
    cloudformation_json: Mapping[str, Any], name_property: str, name: Any
) -> dict[str, Any]:
    """The resource's template properties, with ``name`` for its name property (when it has
    one) if the template leaves it out."""
    properties = dict(cloudformation_json.get("Properties") or {})
    if name_property and name_property not in properties:
        properties[name_property] = name
    return properties


def _failed(kwargs: Mapping[str, Any], spec: Spec, error: ServiceException) -> ResourceFailed:
    return ResourceFailed(
        kwargs.get("LogicalId", spec.type_name), spec.cloudformation_type, status_reason(error)
    )


def _resource_class(spec: Spec) -> type[CloudFormationModel]:
    """A direct subclass of ``CloudFormationModel`` for ``spec``, as moto finds them."""

    def cloudformation_type() -> str:
        return spec.cloudformation_type

    def cloudformation_name_type() -> str:
        # The property moto fills with a generated name when a template leaves it out.
        return spec.identifier[-1] if spec.identifier[-1].endswith("Name") else ""

    def has_cfn_attr(cls: type, attribute: str) -> bool:
        return attribute in spec.attributes

    def create_from_cloudformation_json(
        cls: type[CustomerProfilesResource],
        /,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> CustomerProfilesResource:
        properties = _properties(cloudformation_json, cloudformation_name_type(), resource_name)
        resource = cls(account_id, region_name, properties)
        try:
            call(resource.backend, spec.create, properties)
        except ServiceException as error:
            raise _failed(kwargs, spec, error) from error
        return resource

    def update_from_cloudformation_json(
        cls: type[CustomerProfilesResource],
        original_resource: CustomerProfilesResource,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> CustomerProfilesResource:
        name_property = cloudformation_name_type()
        kept_name = original_resource.properties.get(name_property) if name_property else None
        properties = _properties(cloudformation_json, name_property, kept_name)
        resource = cls(account_id, region_name, properties)
        logical = {"LogicalId": getattr(original_resource, "logical_resource_id", "")}
        try:
            plan = _in_place(spec, original_resource.properties, properties)
            if plan is not None:
                _update_in_place(spec, original_resource, resource, plan)
            elif resource.identity != original_resource.identity:
                # replacement under a new identity: the new one first, then the old one
                call(resource.backend, spec.create, properties)
                original_resource.delete(account_id, region_name)
            else:
                _replace_in_place(spec, original_resource, resource)
        except ServiceException as error:
            raise _failed(logical, spec, error) from error
        return resource

    def delete_from_cloudformation_json(
        cls: type[CustomerProfilesResource],
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> None:
        # moto calls the instance's delete(); this is its fallback, given the Ref value
        identity = dict(zip(spec.identifier, str(resource_name).split("|"), strict=False))
        _delete(customerprofiles_backends[account_id][region_name], spec, identity)

    namespace = {
        "spec": spec,
        "__module__": __name__,
        "__doc__": f"{spec.cloudformation_type} in a CloudFormation stack.",
        "cloudformation_type": staticmethod(cloudformation_type),
        "cloudformation_name_type": staticmethod(cloudformation_name_type),
        "has_cfn_attr": classmethod(has_cfn_attr),
        "create_from_cloudformation_json": classmethod(create_from_cloudformation_json),
        "update_from_cloudformation_json": classmethod(update_from_cloudformation_json),
        "delete_from_cloudformation_json": classmethod(delete_from_cloudformation_json),
    }
    # CustomerProfilesResource comes first so its methods win; CloudFormationModel must be
    # a direct base, since moto looks only at its direct subclasses.
    return type(spec.type_name, (CustomerProfilesResource, CloudFormationModel), namespace)


def _changed(old: Mapping[str, Any], new: Mapping[str, Any]) -> set[str]:
    return {name for name in {*old, *new} if old.get(name) != new.get(name)}


def _update_takes(spec: Spec) -> set[str]:
    if spec.update is None:
        return set()
    return set(service_model().operation_model(spec.update).input_shape.members)


class _InPlace(NamedTuple):
    """How a change is made without replacing the resource."""

    update: bool  # the update operation, for the changed properties it takes
    retag: bool  # TagResource/UntagResource, for Tags it does not take


def _in_place(spec: Spec, old: Mapping[str, Any], new: Mapping[str, Any]) -> _InPlace | None:
    """How the change can be made without replacing the resource; None when it cannot: the
    identity changed, or a property that changed is one neither the update operation nor
    TagResource changes."""
    if any(old.get(name) != new.get(name) for name in spec.identifier):
        return None
    changed, takes = _changed(old, new), _update_takes(spec)
    retag = "Tags" in changed and "Tags" not in takes and spec.tags_arn is not None
    if not changed <= takes | ({"Tags"} if retag else set()):
        return None
    return _InPlace(update=bool(changed & takes), retag=retag)


def _update_in_place(
    spec: Spec, old: CustomerProfilesResource, new: CustomerProfilesResource, plan: _InPlace
) -> None:
    """The update operation, then the tags; if the tags are refused, the update is undone,
    so a failed update leaves the resource as it was."""
    update = spec.update if plan.update else None
    if update is not None:
        call(new.backend, update, new.properties)
    if not plan.retag or spec.tags_arn is None:
        return
    try:
        _retag(new, spec.tags_arn, old.properties.get("Tags"), new.properties.get("Tags"))
    except ServiceException:
        if update is not None:
            call(old.backend, update, old.properties)
        raise


def _retag(resource: CustomerProfilesResource, arn_path: str, old: Any, new: Any) -> None:
    arn = resource.backend.arn(arn_path.format(**resource.identity))
    tags_shape = service_model().operation_model("TagResource").input_shape.members["tags"]
    before, after = api_request(tags_shape, old or {}), api_request(tags_shape, new or {})
    if after:  # first, so that tags the service refuses leave the old ones in place
        call(resource.backend, "TagResource", {"resourceArn": arn, "tags": after})
    removed = [key for key in before if key not in after]
    if removed:
        call(resource.backend, "UntagResource", {"resourceArn": arn, "tagKeys": removed})


def _replace_in_place(
    spec: Spec, old: CustomerProfilesResource, new: CustomerProfilesResource
) -> None:
    """Replace a resource whose identity stays: delete it and create it anew; if the new
    one is refused, the old one is made again, so a failed update leaves it as it was."""
    old.delete(old.account_id, old.region)
    try:
        call(new.backend, spec.create, new.properties)
    except ServiceException:
        call(old.backend, spec.create, old.properties)
        raise


RESOURCE_CLASSES: tuple[type[CloudFormationModel], ...] = tuple(
    _resource_class(spec) for spec in SPECS
)
