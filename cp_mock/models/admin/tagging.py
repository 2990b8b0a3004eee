"""The tagging operations (API_TagResource, API_UntagResource, API_ListTagsForResource), on
the backend's tag store (models/core/tags.py)."""

from __future__ import annotations

from ..backend_state import BackendState
from ..core.operations import operation
from ..core.tags import tags_member


class TagOperations(BackendState):
    @operation("TagResource")
    def tag_resource(self, resource_arn: str, tags: dict[str, str]) -> dict[str, object]:
        self.tags.tag(resource_arn, tags)
        return {}

    @operation("UntagResource")
    def untag_resource(self, resource_arn: str, tag_keys: list[str]) -> dict[str, object]:
        self.tags.untag(resource_arn, tag_keys)
        return {}

    @operation("ListTagsForResource")
    def list_tags_for_resource(self, resource_arn: str) -> dict[str, dict[str, str]]:
        return tags_member("tags", self.tags.get(resource_arn))
