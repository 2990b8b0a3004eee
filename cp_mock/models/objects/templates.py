"""The catalog of object type templates (API_ListProfileObjectTypeTemplates).

Each template is a JSON file in ``cp_mock/data/templates``, transcribed from the admin
guide page its ``Documentation`` member names (the "Mapping ... objects to the standard
profile" pages: the source -> standard profile field table and the standard index table).

The newer members of GetProfileObjectTypeTemplate, as the model documents them:
- ``StoreOnly``: objects of a type made from a store-only template are stored but cannot
  be used by calculated attributes or event triggers. None of these templates is: the admin
  guide builds event triggers and calculated attributes on contact records and the other
  sources, so each answers ``false`` unless its file says otherwise.
- ``DefaultMaxProfileObjectCount`` (and ``...EffectiveAfter``): the MaxProfileObjectCount a
  type made from the template gets when it sets none, in domains created after that moment;
  "If this value isn't present, no default limit applies". The pages these templates come
  from state no limit, so none carries one; a template file that does is applied as
  documented (``default_max_profile_object_count``).
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from ...exceptions import ResourceNotFoundException
from ..core.operations import operation


@cache
def catalog() -> dict[str, dict[str, Any]]:
    folder = resources.files("cp_mock") / "data" / "templates"
    templates = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".json"):
            template = json.loads(entry.read_text())
            templates[template["TemplateId"]] = template
    return dict(sorted(templates.items()))


def find_template(template_id: str) -> dict[str, Any] | None:
    return catalog().get(template_id)


def default_max_profile_object_count(template_id: str, domain_created_at: datetime) -> int | None:
    """The object limit a type made from the template gets when it sets none, in a domain
    created at ``domain_created_at``; None for no limit."""
    template = find_template(template_id) or {}
    default = template.get("DefaultMaxProfileObjectCount")
    effective_after = template.get("DefaultMaxProfileObjectCountEffectiveAfter")
    if default is None:
        return None
    # ISO 8601 with an offset in the template file
    if effective_after is not None and domain_created_at <= datetime.fromisoformat(effective_after):
        return None  # "The default limit applies only to domains created after this time."
    return int(default)


class TemplateOperations:
    @operation("ListProfileObjectTypeTemplates")
    def list_profile_object_type_templates(self) -> dict[str, Any]:
        return {
            "Items": [
                {k: t[k] for k in ("TemplateId", "SourceName", "SourceObject")}
                for t in catalog().values()
            ]
        }

    @operation("GetProfileObjectTypeTemplate")
    def get_profile_object_type_template(self, template_id: str) -> dict[str, Any]:
        template = find_template(template_id)
        if template is None:
            raise ResourceNotFoundException(f"Template {template_id} does not exist")
        described = {"StoreOnly": False, **template}
        effective_after = template.get("DefaultMaxProfileObjectCountEffectiveAfter")
        if effective_after is not None:
            described["DefaultMaxProfileObjectCountEffectiveAfter"] = datetime.fromisoformat(
                effective_after
            )
        return described
