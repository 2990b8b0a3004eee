"""Domain layouts (API_CreateDomainLayout, API_GetDomainLayout, API_UpdateDomainLayout,
API_DeleteDomainLayout, API_ListDomainLayouts): how the Amazon Connect admin website shows a
domain's profiles.

AWS documents each of these operations as one that "can only be invoked from the Amazon
Connect admin website"; the mock serves them to any caller, as plain stored resources, so
code that manages layouts (as the admin website does) can be tested (docs/layouts.md).
The model's constraints are checked by the shared validation; what the mock adds:
- a domain has at most one default layout ("this layout will be used by default to view
  data"): making one the default makes the one before it not;
- ``Version`` counts the layout's versions: "1" when created, one more on each update;
- a layout is a taggable resource (``.../domains/{DomainName}/layouts/{Name}``).
"""

from __future__ import annotations

from typing import Any

from ...exceptions import BadRequestException
from ..backend_state import BackendState
from ..core.arguments import by_member, takes_members
from ..core.base import named
from ..core.clock import now
from ..core.operations import operation
from .admin_state import DomainLayout
from .domains import Domain

# What UpdateDomainLayout may change, as the request names it.
UPDATABLE = ("Description", "DisplayName", "IsDefault", "LayoutType", "Layout")


class LayoutOperations(BackendState):
    def _layout(self, domain: Domain, name: str) -> DomainLayout:
        return named(domain.admin.layouts, "Layout", name)

    @staticmethod
    def _make_only_default(domain: Domain, layout: DomainLayout) -> None:
        for other in domain.admin.layouts.values():
            if other is not layout and other.is_default:
                other.settings["IsDefault"] = False
                other.last_updated_at = now()

    @operation("CreateDomainLayout")
    def create_domain_layout(
        self,
        domain_name: str,
        layout_definition_name: str,
        description: str,
        display_name: str,
        layout_type: str,
        layout: str,
        is_default: bool = False,
        tags: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        if layout_definition_name in domain.admin.layouts:
            raise BadRequestException(
                f"Layout with name {layout_definition_name} already exists in domain {domain_name}"
            )
        created = DomainLayout(
            name=layout_definition_name,
            arn=self.arn(f"domains/{domain_name}/layouts/{layout_definition_name}"),
            settings={
                "Description": description,
                "DisplayName": display_name,
                "IsDefault": is_default,
                "LayoutType": layout_type,
                "Layout": layout,
            },
        )
        self.tags.register(created.arn, tags)
        domain.admin.layouts[layout_definition_name] = created
        if created.is_default:
            self._make_only_default(domain, created)
        return created.describe(self.tags.get(created.arn))

    @operation("GetDomainLayout")
    def get_domain_layout(self, domain_name: str, layout_definition_name: str) -> dict[str, Any]:
        layout = self._layout(self.get_domain_state(domain_name), layout_definition_name)
        return layout.describe(self.tags.get(layout.arn))

    @operation("UpdateDomainLayout")
    @takes_members(*UPDATABLE)
    def update_domain_layout(
        self, domain_name: str, layout_definition_name: str, **changes: Any
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        layout = self._layout(domain, layout_definition_name)
        layout.settings.update(by_member(changes, UPDATABLE, strict=True))
        layout.version += 1
        layout.last_updated_at = now()
        if layout.is_default:
            self._make_only_default(domain, layout)
        return layout.describe(self.tags.get(layout.arn))

    @operation("DeleteDomainLayout")
    def delete_domain_layout(self, domain_name: str, layout_definition_name: str) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        layout = self._layout(domain, layout_definition_name)
        del domain.admin.layouts[layout_definition_name]
        self.tags.forget(layout.arn)
        return {"Message": f"Layout {layout_definition_name} deleted"}

    @operation("ListDomainLayouts")
    def list_domain_layouts(self, domain_name: str) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        return {
            "Items": [
                domain.admin.layouts[name].summary(self.tags.get(domain.admin.layouts[name].arn))
                for name in sorted(domain.admin.layouts)
            ]
        }
