"""Recommenders, their schemas and filters, and the recipes (API_CreateRecommender ...
API_ListRecommenderSchemas: predictive insights).

AWS trains and deploys a recommender over hours (statuses PENDING, IN_PROGRESS, ACTIVE;
stopping and starting pass through STOPPING and STARTING; a deletion through DELETING).
Here each step completes at once, as identity resolution jobs do: a recommender is ACTIVE
when CreateRecommender returns, INACTIVE when StopRecommender returns, and gone when
DeleteRecommender returns. Recommendations are computed when asked, from the domain's
objects as they are then (models/insights/profile_recommendations.py; the rules in
docs/recommenders.md).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ...exceptions import BadRequestException, ResourceNotFoundException
from ..admin.domains import Domain
from ..backend_state import BackendState
from ..core.base import check_unused, copy_plain, named
from ..core.clock import now
from ..core.operations import operation
from ..core.tags import tags_member
from ..engines.filter_expressions import parse_filter_expression
from ..engines.recommendations import (
    CATALOG_ITEM,
    DATASETS,
    MANDATORY_COLUMNS,
    WEB_ANALYTICS,
    Datasets,
    column_key,
    read_datasets,
)
from .recommender_state import Recommender, RecommenderFilter, RecommenderSchema

# ListRecommenderRecipes: the six recipes the model's RecommenderRecipeName allows, with
# what each does here (docs/recommenders.md).
RECIPES = {
    "recommended-for-you": "Items that profiles with interests like this profile's interacted "
    "with, that this profile has not",
    "similar-items": "Items of the same catalog category as the items this profile interacted with",
    "frequently-paired-items": "Items most often interacted with by the profiles that share an "
    "item with this profile",
    "popular-items": "The items with the most interactions overall",
    "trending-now": "The items with the most interactions in the last seven days",
    "personalized-ranking": "The candidate items, ranked for this profile",
}

# DiversityColumn.Target, whole: "Either an integer literal (for example, "25") or a
# placeholder expression of the form $name" (API_connect-customer-profiles_DiversityColumn).
# The model's pattern, (\d+|\$[A-Za-z0-9_]+), is not anchored, so it admits "x5" or "1$x".
_DIVERSITY_TARGET = re.compile(r"(?:(?P<count>[0-9]+)|\$(?P<placeholder>[A-Za-z0-9_]+))\Z")


def diversity_target(target: Any, where: str) -> int | str:
    """A diversity column's Target read whole: its count, or its placeholder's name;
    anything else is a BadRequestException naming ``where`` (the Target member)."""
    read = _DIVERSITY_TARGET.match(target) if isinstance(target, str) else None
    if read is None:
        raise BadRequestException(
            f'{where}: {str(target)[:64]!r} is neither an integer literal ("25") nor a '
            "placeholder of the form $name"
        )
    count = read.group("count")
    return int(count) if count is not None else read.group("placeholder")


def _version_name(name: str, moment: datetime) -> str:
    # RecommenderVersionName's pattern: name/YYYY-MM-DDTHH-MM-SSZ
    return f"{name}/{moment.strftime('%Y-%m-%dT%H-%M-%SZ')}"


def _metrics(datasets: Datasets) -> dict[str, float]:
    """coverage: the share of known items (catalog and interactions) that have an
    interaction."""
    interacted = {e.item_id for e in datasets.events}
    known = interacted | set(datasets.catalog)
    return {"coverage": len(interacted) / len(known) if known else 0.0}


def find_recommender_schema(domain: Domain, name: str) -> RecommenderSchema:
    return named(domain.recommendations.schemas, "Recommender schema", name)


def find_recommender_filter(domain: Domain, name: str) -> RecommenderFilter:
    return named(domain.recommendations.filters, "Recommender filter", name)


def find_recommender(domain: Domain, name: str) -> Recommender:
    return named(domain.recommendations.recommenders, "Recommender", name)


def recommender_datasets(domain: Domain, schema_name: str | None) -> Datasets:
    """What the recommender's schema names (the default schema: both datasets)."""
    schema = domain.recommendations.schemas.get(schema_name) if schema_name else None
    wanted = [d for d in DATASETS if schema is None or d in schema.fields]
    return read_datasets(domain.object_types.values(), domain.objects, wanted)


class RecommenderOperations(BackendState):
    # -- schemas -----------------------------------------------------------------------
    @operation("CreateRecommenderSchema")
    def create_recommender_schema(
        self,
        domain_name: str,
        recommender_schema_name: str,
        fields: dict[str, Any],
        tags: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        check_unused(domain.recommendations.schemas, "Recommender schema", recommender_schema_name)
        for dataset, columns in fields.items():
            if dataset not in DATASETS:
                raise BadRequestException(
                    f"Fields: {dataset!r} is not a dataset type; the supported keys are "
                    f"{', '.join(DATASETS)}"
                )
            names = [c["TargetFieldName"] for c in columns]
            repeated = sorted({n for n in names if names.count(n) > 1})
            if repeated:
                raise BadRequestException(
                    f"Fields.{dataset}: TargetFieldName {repeated[0]} is given more than once"
                )
        schema = RecommenderSchema(
            name=recommender_schema_name,
            arn=self.arn(f"domains/{domain_name}/recommender-schemas/{recommender_schema_name}"),
            fields=copy_plain(fields),
        )
        self.tags.register(schema.arn, tags)
        domain.recommendations.schemas[schema.name] = schema
        return {
            "RecommenderSchemaArn": schema.arn,
            **schema.describe(),
            **tags_member("Tags", self.tags.get(schema.arn)),
        }

    @operation("GetRecommenderSchema")
    def get_recommender_schema(
        self, domain_name: str, recommender_schema_name: str
    ) -> dict[str, Any]:
        return find_recommender_schema(
            self.get_domain_state(domain_name), recommender_schema_name
        ).describe()

    @operation("ListRecommenderSchemas")
    def list_recommender_schemas(self, domain_name: str) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        schemas = domain.recommendations.schemas.values()
        return {"RecommenderSchemas": [s.describe() for s in schemas]}

    @operation("DeleteRecommenderSchema")
    def delete_recommender_schema(
        self, domain_name: str, recommender_schema_name: str
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        schema = find_recommender_schema(domain, recommender_schema_name)
        recommenders = domain.recommendations.recommenders.values()
        users = [r.name for r in recommenders if r.schema_name == schema.name]
        users += [
            f.name for f in domain.recommendations.filters.values() if f.schema_name == schema.name
        ]
        if users:
            raise BadRequestException(
                f"Recommender schema {schema.name} is used by {users[0]}: delete that first"
            )
        del domain.recommendations.schemas[schema.name]
        self.tags.forget(schema.arn)
        return {}

    # -- filters -----------------------------------------------------------------------
    @operation("CreateRecommenderFilter")
    def create_recommender_filter(
        self,
        domain_name: str,
        recommender_filter_name: str,
        recommender_filter_expression: str,
        recommender_schema_name: str | None = None,
        description: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        check_unused(domain.recommendations.filters, "Recommender filter", recommender_filter_name)
        expression = parse_filter_expression(recommender_filter_expression)
        if recommender_schema_name is not None:
            schema = find_recommender_schema(domain, recommender_schema_name)
            for condition in expression.conditions:
                dataset = CATALOG_ITEM if condition.dataset == "Items" else WEB_ANALYTICS
                known = schema.columns(dataset) | {"itemid"}
                if column_key(condition.column) not in known:
                    raise BadRequestException(
                        f"RecommenderFilterExpression: {condition.dataset}.{condition.column} "
                        f"is not a {dataset} column of recommender schema {schema.name}"
                    )
        found = RecommenderFilter(
            name=recommender_filter_name,
            arn=self.arn(f"domains/{domain_name}/recommender-filters/{recommender_filter_name}"),
            expression_text=recommender_filter_expression,
            expression=expression,
            schema_name=recommender_schema_name,
            description=description,
        )
        self.tags.register(found.arn, tags)
        domain.recommendations.filters[found.name] = found
        return {"RecommenderFilterArn": found.arn, **tags_member("Tags", self.tags.get(found.arn))}

    @operation("GetRecommenderFilter")
    def get_recommender_filter(
        self, domain_name: str, recommender_filter_name: str
    ) -> dict[str, Any]:
        found = find_recommender_filter(self.get_domain_state(domain_name), recommender_filter_name)
        # GetRecommenderFilter's Tags is required: an untagged filter has an empty map
        return {"Tags": {}, **found.describe(self.tags.get(found.arn))}

    @operation("ListRecommenderFilters")
    def list_recommender_filters(self, domain_name: str) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        return {
            "RecommenderFilters": [
                f.describe(self.tags.get(f.arn)) for f in domain.recommendations.filters.values()
            ]
        }

    @operation("DeleteRecommenderFilter")
    def delete_recommender_filter(
        self, domain_name: str, recommender_filter_name: str
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        found = find_recommender_filter(domain, recommender_filter_name)
        del domain.recommendations.filters[found.name]
        self.tags.forget(found.arn)
        return {"Message": f"Recommender filter {found.name} deleted"}

    # -- recipes -----------------------------------------------------------------------
    @operation("ListRecommenderRecipes")
    def list_recommender_recipes(self) -> dict[str, Any]:
        return {"RecommenderRecipes": [{"name": n, "description": d} for n, d in RECIPES.items()]}

    # -- recommenders ------------------------------------------------------------------
    def _check_config(
        self, domain: Domain, schema_name: str | None, config: Mapping[str, Any]
    ) -> None:
        included, excluded = config.get("IncludedColumns"), config.get("ExcludedColumns")
        if included and excluded:
            raise BadRequestException(
                "RecommenderConfig: IncludedColumns and ExcludedColumns are mutually exclusive"
            )
        schema = find_recommender_schema(domain, schema_name) if schema_name is not None else None
        for member, columns_by_dataset in (
            ("IncludedColumns", included),
            ("ExcludedColumns", excluded),
        ):
            for dataset, columns in (columns_by_dataset or {}).items():
                if dataset not in DATASETS:
                    raise BadRequestException(
                        f"RecommenderConfig.{member}: {dataset!r} is not a dataset type; the "
                        f"supported keys are {', '.join(DATASETS)}"
                    )
                mandatory = {column_key(c) for c in MANDATORY_COLUMNS[dataset]}
                for column in columns:
                    if member == "ExcludedColumns" and column_key(column) in mandatory:
                        raise BadRequestException(
                            f"RecommenderConfig.ExcludedColumns.{dataset}: {column} is "
                            "mandatory and cannot be excluded"
                        )
                    if schema is not None and column_key(column) not in schema.columns(dataset):
                        raise BadRequestException(
                            f"RecommenderConfig.{member}.{dataset}: {column} is not a column "
                            f"of recommender schema {schema.name}"
                        )
        columns = (config.get("DiversityConfig") or {}).get("DiversityColumns") or []
        for number, column in enumerate(columns):
            where = f"RecommenderConfig.DiversityConfig.DiversityColumns[{number}].Target"
            diversity_target(column["Target"], where)
            if schema is not None and column_key(column["Name"]) not in schema.columns(
                CATALOG_ITEM
            ):
                raise BadRequestException(
                    f"RecommenderConfig.DiversityConfig: {column['Name']} is not a "
                    f"{CATALOG_ITEM} column of recommender schema {schema.name}"
                )

    def _train(self, domain: Domain, recommender: Recommender) -> str:
        moment = now()
        version = _version_name(recommender.name, moment)
        metrics = _metrics(recommender_datasets(domain, recommender.schema_name))
        recommender.versions.pop(version, None)
        recommender.versions[version] = (moment, metrics)
        recommender.active_version = version
        return version

    @operation("CreateRecommender")
    def create_recommender(
        self,
        domain_name: str,
        recommender_name: str,
        recommender_recipe_name: str,
        recommender_config: dict[str, Any] | None = None,
        description: str | None = None,
        recommender_schema_name: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        check_unused(domain.recommendations.recommenders, "Recommender", recommender_name)
        if recommender_schema_name is not None:
            find_recommender_schema(domain, recommender_schema_name)
        self._check_config(domain, recommender_schema_name, recommender_config or {})
        recommender = Recommender(
            name=recommender_name,
            arn=self.arn(f"domains/{domain_name}/recommenders/{recommender_name}"),
            recipe=recommender_recipe_name,
            schema_name=recommender_schema_name,
            config=copy_plain(recommender_config),
            description=description,
        )
        self._train(domain, recommender)
        self.tags.register(recommender.arn, tags)
        domain.recommendations.recommenders[recommender.name] = recommender
        return {
            "RecommenderArn": recommender.arn,
            **tags_member("Tags", self.tags.get(recommender.arn)),
        }

    @operation("GetRecommender")
    def get_recommender(
        self, domain_name: str, recommender_name: str, training_metrics_count: int | None = None
    ) -> dict[str, Any]:
        recommender = find_recommender(self.get_domain_state(domain_name), recommender_name)
        described = recommender.describe(self.tags.get(recommender.arn))
        if training_metrics_count:
            newest = list(recommender.versions.items())[::-1][:training_metrics_count]
            described["TrainingMetrics"] = [
                {"Time": at, "Metrics": dict(metrics), "RecommenderVersionName": version}
                for version, (at, metrics) in newest
            ]
        return described

    @operation("UpdateRecommender")
    def update_recommender(
        self,
        domain_name: str,
        recommender_name: str,
        description: str | None = None,
        recommender_config: dict[str, Any] | None = None,
        recommender_version_name: str | None = None,
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        recommender = find_recommender(domain, recommender_name)
        if recommender_config is not None:
            self._check_config(domain, recommender.schema_name, recommender_config)
        if (
            recommender_version_name is not None
            and recommender_version_name not in recommender.versions
        ):
            raise ResourceNotFoundException(
                f"RecommenderVersionName: recommender {recommender.name} has no version "
                f"{recommender_version_name}"
            )
        moment = now()
        if description is not None:
            recommender.description = description
        if recommender_config is not None:
            # a new configuration is a new training (AWS: hours; here at once)
            recommender.config = copy_plain(recommender_config)
            version = self._train(domain, recommender)
        else:
            version = recommender.active_version or _version_name(recommender.name, moment)
        if recommender_version_name is not None:
            recommender.active_version = version = recommender_version_name
        if recommender_config is not None or recommender_version_name is not None:
            update = {
                "RecommenderConfig": copy_plain(recommender.config),
                "Status": "ACTIVE",
                "CreatedAt": moment,
                "LastUpdatedAt": moment,
                "RecommenderVersionName": version,
            }
            recommender.latest_update = {k: v for k, v in update.items() if v is not None}
        recommender.last_updated_at = moment
        return {"RecommenderName": recommender.name}

    @operation("ListRecommenders")
    def list_recommenders(self, domain_name: str) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        return {
            "Recommenders": [
                r.summary(self.tags.get(r.arn))
                for r in domain.recommendations.recommenders.values()
            ]
        }

    @operation("DeleteRecommender")
    def delete_recommender(self, domain_name: str, recommender_name: str) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        recommender = find_recommender(domain, recommender_name)
        del domain.recommendations.recommenders[recommender.name]
        self.tags.forget(recommender.arn)
        return {}

    @operation("StartRecommender")
    def start_recommender(self, domain_name: str, recommender_name: str) -> dict[str, Any]:
        recommender = find_recommender(self.get_domain_state(domain_name), recommender_name)
        # AWS: STARTING, then ACTIVE
        _move(
            recommender,
            "INACTIVE",
            "ACTIVE",
            "only an INACTIVE (stopped) recommender can be started",
        )
        return {}

    @operation("StopRecommender")
    def stop_recommender(self, domain_name: str, recommender_name: str) -> dict[str, Any]:
        recommender = find_recommender(self.get_domain_state(domain_name), recommender_name)
        # AWS: STOPPING, then INACTIVE
        _move(recommender, "ACTIVE", "INACTIVE", "only an ACTIVE recommender can be stopped")
        return {}


def _move(recommender: Recommender, status: str, to: str, refusal: str) -> None:
    """Move a recommender of ``status`` to ``to``; one in any other status is refused."""
    if recommender.status != status:
        raise BadRequestException(
            f"Recommender {recommender.name} is {recommender.status}: {refusal}"
        )
    recommender.status = to
    recommender.last_updated_at = now()
