"""Object types: how a kind of profile object is read into profiles (API_PutProfileObjectType).

A type is defined explicitly, from a template (``TemplateId``), or implicitly: putting an
object whose ObjectTypeName is a template id defines that type from the template
(admin guide, "Implicit profile object types").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ...exceptions import BadRequestException, ResourceNotFoundException
from ..admin.domains import Domain
from ..backend_state import BackendState
from ..core.arguments import by_member, takes_members
from ..core.base import DERIVED, named
from ..core.clock import now
from ..core.operations import operation
from ..core.tags import tags_member
from .mapping import CompiledMapping, check_definition, check_reserved_keys, compile_mapping
from .standard_objects import refuse_standard_put
from .templates import default_max_profile_object_count, find_template

# API_PutProfileObjectType, TemplateId: "If these attributes are present in the request,
# the service may return a BadRequestException."
TEMPLATE_OWNED = ("AllowProfileCreation", "SourceLastUpdatedTimestampFormat", "Fields", "Keys")
TYPE_MEMBERS = (
    "Description", "TemplateId", "ExpirationDays", "EncryptionKey", "AllowProfileCreation",
    "SourceLastUpdatedTimestampFormat", "MaxProfileObjectCount", "SourcePriority", "Fields",
    "Keys",
)  # fmt: skip


@dataclass
class ObjectType:
    name: str
    arn: str
    settings: dict[str, Any]
    created_at: datetime = field(default_factory=now)
    last_updated_at: datetime = field(default_factory=now)
    # (the settings it was compiled from, their Fields and Keys compiled): redefining the
    # type replaces its settings, which makes the next put compile them again
    _compiled: tuple[dict[str, Any], CompiledMapping] | None = field(
        default=None, repr=False, compare=False, metadata=DERIVED
    )

    @property
    def fields(self) -> Mapping[str, Any]:
        return self.settings.get("Fields") or {}

    @property
    def keys(self) -> Mapping[str, Any]:
        return self.settings.get("Keys") or {}

    @property
    def mapping(self) -> CompiledMapping:
        """The Fields and Keys as ingestion reads them, compiled once per definition."""
        compiled = self._compiled
        if compiled is None or compiled[0] is not self.settings:
            compiled = self._compiled = (self.settings, compile_mapping(self.fields, self.keys))
        return compiled[1]

    @property
    def allow_profile_creation(self) -> bool:
        return bool(self.settings.get("AllowProfileCreation", False))

    def expiration_days(self, domain: Domain) -> int:
        return int(self.settings.get("ExpirationDays") or domain.settings["DefaultExpirationDays"])

    def describe(self, tags: dict[str, str]) -> dict[str, Any]:
        described = {
            "ObjectTypeName": self.name,
            **self.settings,
            "CreatedAt": self.created_at,
            "LastUpdatedAt": self.last_updated_at,
            **tags_member("Tags", tags),
        }
        if "MaxProfileObjectCount" in self.settings:
            described["MaxAvailableProfileObjectCount"] = self.settings["MaxProfileObjectCount"]
        return described


def template_settings(template_id: str) -> dict[str, Any]:
    template = find_template(template_id)
    if template is None:
        raise BadRequestException(f"TemplateId: template {template_id} does not exist")
    return {k: template[k] for k in TEMPLATE_OWNED if k in template}


def object_type_state(domain: Domain, name: str) -> ObjectType:
    object_type = domain.object_types.get(name)
    if object_type is None:
        raise ResourceNotFoundException(f"Object type {name} does not exist")
    assert isinstance(object_type, ObjectType)
    return object_type


def object_type_for_put(backend: BackendState, domain: Domain, name: str) -> ObjectType:
    """The type an object is put as; a template id defines it implicitly on first use."""
    refuse_standard_put(name)
    if name not in domain.object_types and find_template(name) is not None:
        define_object_type(
            backend, domain, name, {"Description": f"{name} (from template)", "TemplateId": name}
        )
    object_type: ObjectType = named(domain.object_types, "Object type", name)
    return object_type


def define_object_type(
    backend: BackendState,
    domain: Domain,
    name: str,
    settings: dict[str, Any],
    tags: dict[str, str] | None = None,
) -> ObjectType:
    template_id = settings.get("TemplateId")
    if template_id:
        clashing = [k for k in TEMPLATE_OWNED if settings.get(k) is not None]
        if clashing:
            raise BadRequestException(
                f"{', '.join(clashing)}: not allowed with TemplateId, the template defines them"
            )
        settings = {**settings, **template_settings(template_id)}
        if settings.get("MaxProfileObjectCount") is None:
            default = default_max_profile_object_count(template_id, domain.created_at)
            if default is not None:
                settings["MaxProfileObjectCount"] = default
    check_definition(settings.get("Fields") or {}, settings.get("Keys") or {})
    check_reserved_keys(settings.get("Keys") or {})
    existing = domain.object_types.get(name)
    if existing is not None:
        existing.settings = settings
        existing.last_updated_at = now()
        if tags:
            backend.tags.tag(existing.arn, tags)
        assert isinstance(existing, ObjectType)
        return existing
    object_type = ObjectType(
        name=name, arn=backend.arn(f"domains/{domain.name}/object-types/{name}"), settings=settings
    )
    backend.tags.register(object_type.arn, tags)
    domain.object_types[name] = object_type
    return object_type


class ObjectTypeOperations(BackendState):
    @operation("PutProfileObjectType")
    @takes_members(*TYPE_MEMBERS)
    def put_profile_object_type(
        self,
        domain_name: str,
        object_type_name: str,
        tags: dict[str, str] | None = None,
        **arguments: Any,
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        settings = by_member(arguments, TYPE_MEMBERS)
        object_type = define_object_type(self, domain, object_type_name, settings, tags)
        return object_type.describe(self.tags.get(object_type.arn))

    @operation("GetProfileObjectType")
    def get_profile_object_type(self, domain_name: str, object_type_name: str) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        object_type = object_type_state(domain, object_type_name)
        return object_type.describe(self.tags.get(object_type.arn))

    @operation("ListProfileObjectTypes")
    def list_profile_object_types(self, domain_name: str) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        listed = ("ObjectTypeName", "Description", "CreatedAt", "LastUpdatedAt",
                  "MaxProfileObjectCount", "MaxAvailableProfileObjectCount", "SourcePriority",
                  "Tags")  # fmt: skip
        items = []
        for name in sorted(domain.object_types):
            described = domain.object_types[name].describe(
                self.tags.get(domain.object_types[name].arn)
            )
            items.append({k: described[k] for k in listed if k in described})
        return {"Items": items}
