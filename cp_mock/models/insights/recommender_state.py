"""What a domain holds for its recommenders (models/insights/recommenders.py and
profile_recommendations.py): the recommenders, their filters and their schemas. Plain
data; the behaviour lives in the two families."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..core.base import copy_plain
from ..core.clock import now
from ..core.tags import tags_member
from ..engines.filter_expressions import FilterExpression
from ..engines.recommendations import MANDATORY_COLUMNS, column_key


@dataclass
class RecommenderSchema:
    name: str
    arn: str
    fields: dict[str, Any]
    created_at: datetime = field(default_factory=now)

    def describe(self) -> dict[str, Any]:
        return {
            "RecommenderSchemaName": self.name,
            "Fields": copy_plain(self.fields),
            "CreatedAt": self.created_at,
            "Status": "ACTIVE",
        }

    def columns(self, dataset: str) -> set[str]:
        named = {f["TargetFieldName"] for f in self.fields.get(dataset, [])}
        return {column_key(c) for c in (*named, *MANDATORY_COLUMNS[dataset])}


@dataclass
class RecommenderFilter:
    name: str
    arn: str
    expression_text: str
    expression: FilterExpression
    schema_name: str | None
    description: str | None
    created_at: datetime = field(default_factory=now)

    def describe(self, tags: dict[str, str]) -> dict[str, Any]:
        described = {
            "RecommenderFilterName": self.name,
            "RecommenderFilterExpression": self.expression_text,
            "RecommenderSchemaName": self.schema_name,
            "CreatedAt": self.created_at,
            "Status": "ACTIVE",
            "Description": self.description,
            **tags_member("Tags", tags),
        }
        return {k: v for k, v in described.items() if v is not None}


@dataclass
class Recommender:
    name: str
    arn: str
    recipe: str
    schema_name: str | None
    config: dict[str, Any] | None
    description: str | None
    status: str = "ACTIVE"
    created_at: datetime = field(default_factory=now)
    last_updated_at: datetime = field(default_factory=now)
    # version name -> (trained at, metrics), oldest first
    versions: dict[str, tuple[datetime, dict[str, float]]] = field(default_factory=dict)
    active_version: str | None = None
    latest_update: dict[str, Any] | None = None

    def describe(self, tags: dict[str, str]) -> dict[str, Any]:
        described = {
            "RecommenderName": self.name,
            "RecommenderRecipeName": self.recipe,
            "RecommenderSchemaName": self.schema_name,
            "RecommenderConfig": copy_plain(self.config),
            "Description": self.description,
            "Status": self.status,
            "LastUpdatedAt": self.last_updated_at,
            "CreatedAt": self.created_at,
            "LatestRecommenderUpdate": copy_plain(self.latest_update),
            "ActiveRecommenderVersionName": self.active_version,
            **tags_member("Tags", tags),
        }
        return {k: v for k, v in described.items() if v is not None}

    def summary(self, tags: dict[str, str]) -> dict[str, Any]:
        described = self.describe(tags)
        described["RecipeName"] = described.pop("RecommenderRecipeName")
        described.pop("ActiveRecommenderVersionName", None)
        return described


@dataclass
class RecommenderState:
    # name -> recommender, recommender filter, recommender schema
    recommenders: dict[str, Recommender] = field(default_factory=dict)
    filters: dict[str, RecommenderFilter] = field(default_factory=dict)
    schemas: dict[str, RecommenderSchema] = field(default_factory=dict)
