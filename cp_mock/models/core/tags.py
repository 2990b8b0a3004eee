"""Tags on any resource that has an ARN: domains, object types, integrations, ...

Families register the ARN of each taggable resource they create and forget it when the
resource goes, so tagging a resource that does not exist is a ResourceNotFoundException
and a deleted resource leaves no tags behind.
"""

from __future__ import annotations

from collections.abc import Mapping

from ...exceptions import BadRequestException, ResourceNotFoundException

MAX_TAGS = 50  # API_TagResource: "You can associate as many as 50 tags with a resource."


def tags_member(member: str, tags: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """``{member: tags}``, or nothing: the model's TagMap holds at least one tag."""
    return {member: dict(tags)} if tags else {}


class TagStore:
    def __init__(self) -> None:
        self._tags: dict[str, dict[str, str]] = {}

    def register(self, arn: str, tags: Mapping[str, str] | None = None) -> None:
        self._tags[arn] = {}
        if tags:
            self.tag(arn, tags)

    def forget(self, arn: str) -> None:
        """Drop ``arn`` and every sub-resource below it (``arn/...``)."""
        prefix = arn + "/"
        for known in [a for a in self._tags if a == arn or a.startswith(prefix)]:
            del self._tags[known]

    def get(self, arn: str) -> dict[str, str]:
        if arn not in self._tags:
            raise ResourceNotFoundException(f"Resource {arn} does not exist")
        return dict(self._tags[arn])

    def tag(self, arn: str, tags: Mapping[str, str]) -> None:
        merged = {**self.get(arn), **tags}
        if len(merged) > MAX_TAGS:
            raise BadRequestException(
                f"tags: a resource can have at most {MAX_TAGS} tags, this would make {len(merged)}"
            )
        self._tags[arn] = merged

    def untag(self, arn: str, keys: list[str]) -> None:
        current = self.get(arn)
        for key in keys:
            current.pop(key, None)
        self._tags[arn] = current
