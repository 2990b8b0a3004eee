"""Domain object types (API_PutDomainObjectType and its Get/List/Delete).

API_PutDomainObjectType: "To create a new DomainObjectType, Data Store needs to be enabled
on the Domain" (``DataStore.Enabled`` of CreateDomain or UpdateDomain); one that exists
can still be changed, and read or deleted, after the data store is turned off.
"""

from __future__ import annotations

from typing import Any

from ...exceptions import BadRequestException, ResourceNotFoundException
from ..backend_state import BackendState
from ..core.arguments import by_member, takes_members
from ..core.clock import now
from ..core.operations import operation
from ..core.tags import tags_member
from .admin_state import DomainObjectType

TYPE_SETTINGS = ("Description", "EncryptionKey", "Fields")


class DomainObjectTypeOperations(BackendState):
    def _domain_object_types(self, domain_name: str) -> dict[str, DomainObjectType]:
        domain = self.get_domain_state(domain_name)
        return domain.admin.domain_object_types

    def _describe_domain_object_type(self, found: DomainObjectType) -> dict[str, Any]:
        return {
            "ObjectTypeName": found.name,
            **found.settings,
            "CreatedAt": found.created_at,
            "LastUpdatedAt": found.last_updated_at,
            **tags_member("Tags", self.tags.get(found.arn)),
        }

    def _domain_object_type(self, domain_name: str, name: str) -> DomainObjectType:
        found = self._domain_object_types(domain_name).get(name)
        if found is None:
            raise ResourceNotFoundException(f"Domain object type {name} does not exist")
        return found

    @operation("PutDomainObjectType")
    @takes_members(*TYPE_SETTINGS)
    def put_domain_object_type(
        self,
        domain_name: str,
        object_type_name: str,
        tags: dict[str, str] | None = None,
        **arguments: Any,
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        types = domain.admin.domain_object_types
        settings = by_member(arguments, TYPE_SETTINGS)
        found = types.get(object_type_name)
        if found is None:
            if not (domain.settings.get("DataStore") or {}).get("Enabled"):
                raise BadRequestException(
                    "To create a new DomainObjectType, Data Store needs to be enabled on the "
                    f"Domain: domain {domain_name} has no DataStore with Enabled true"
                )
            found = DomainObjectType(
                name=object_type_name,
                arn=self.arn(f"domains/{domain_name}/domain-object-types/{object_type_name}"),
                settings=settings,
            )
            self.tags.register(found.arn)
            types[object_type_name] = found
        else:
            found.settings = settings
            found.last_updated_at = now()
        if tags:
            self.tags.tag(found.arn, tags)
        return self._describe_domain_object_type(found)

    @operation("GetDomainObjectType")
    def get_domain_object_type(self, domain_name: str, object_type_name: str) -> dict[str, Any]:
        return self._describe_domain_object_type(
            self._domain_object_type(domain_name, object_type_name)
        )

    @operation("ListDomainObjectTypes")
    def list_domain_object_types(self, domain_name: str) -> dict[str, Any]:
        listed = ("ObjectTypeName", "Description", "CreatedAt", "LastUpdatedAt", "Tags")
        items = []
        types = self._domain_object_types(domain_name)
        for found in (types[name] for name in sorted(types)):
            described = self._describe_domain_object_type(found)
            items.append({k: described[k] for k in listed if k in described})
        return {"Items": items}

    @operation("DeleteDomainObjectType")
    def delete_domain_object_type(self, domain_name: str, object_type_name: str) -> dict[str, Any]:
        found = self._domain_object_type(domain_name, object_type_name)
        self.tags.forget(found.arn)
        del self._domain_object_types(domain_name)[object_type_name]
        return {}
