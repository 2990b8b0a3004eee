"""The catalog of object type templates (API_ListProfileObjectTypeTemplates).

Each template is a JSON file in ``cp_mock/data/templates``, transcribed from the admin
guide page its ``Documentation`` member names (the "Mapping ... objects to the standard
profile" pages: the source -> standard profile field table and the standard index table).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from ..exceptions import ResourceNotFoundException


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


class TemplateOperations:
    def list_profile_object_type_templates(self) -> dict[str, Any]:
        return {
            "Items": [
                {k: t[k] for k in ("TemplateId", "SourceName", "SourceObject")}
                for t in catalog().values()
            ]
        }

    def get_profile_object_type_template(self, template_id: str) -> dict[str, Any]:
        template = find_template(template_id)
        if template is None:
            raise ResourceNotFoundException(f"Template {template_id} does not exist")
        return dict(template)
