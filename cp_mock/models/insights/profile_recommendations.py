"""The recommendations a recommender gives (API_GetProfileRecommendations,
API_SearchRecommendations): ranked by models/engines/recommendations.py, then narrowed by filters,
diversity caps and promotions, in the order docs/recommenders.md states."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ...exceptions import BadRequestException, ResourceNotFoundException
from ..admin.domains import Domain
from ..backend_state import BackendState
from ..core.base import the_one_profile
from ..core.clock import now
from ..core.operations import operation
from ..engines.filter_expressions import FilterExpression, bind, expression_selects
from ..engines.recommendations import (
    CATALOG_ITEM,
    catalog_item,
    column_key,
    diversify,
    ordered,
    raw_scores,
)
from .recommender_state import Recommender
from .recommenders import (
    diversity_target,
    find_recommender,
    find_recommender_filter,
    recommender_datasets,
)

DEFAULT_MAX_RESULTS = 10  # GetProfileRecommendations: "The default value is 10."
DEFAULT_MAX_RECOMMENDATIONS = 5  # SearchRecommendations: "The default value is 5."


class RecommendationOperations(BackendState):
    @operation("GetProfileRecommendations")
    def get_profile_recommendations(
        self,
        domain_name: str,
        profile_id: str,
        recommender_name: str,
        context: dict[str, str] | None = None,
        recommender_filters: list[dict[str, Any]] | None = None,
        recommender_promotional_filters: list[dict[str, Any]] | None = None,
        candidate_ids: list[str] | None = None,
        max_results: int | None = None,
        metadata_config: dict[str, Any] | None = None,
        diversity_config: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        # Context tailors a trained model's answer; the rules here do not read it
        domain = self.get_domain_state(domain_name)
        if profile_id not in domain.profiles:
            raise ResourceNotFoundException(f"Profile {profile_id} does not exist")
        recommendations = self._recommend(
            domain,
            profile_id,
            recommender_name,
            filters=(recommender_filters or [], "RecommenderFilters"),
            promotions=(recommender_promotional_filters or [], "RecommenderPromotionalFilters"),
            candidate_ids=candidate_ids,
            limit=max_results or DEFAULT_MAX_RESULTS,
            metadata_columns=(
                (metadata_config or {}).get("MetadataColumns") or [],
                "MetadataConfig",
            ),
            diversity=(diversity_config, "DiversityConfig"),
        )
        return {"Recommendations": recommendations}

    @operation("SearchRecommendations")
    def search_recommendations(
        self,
        domain_name: str,
        key_name: str,
        key_values: list[str],
        recommender: dict[str, Any],
        candidate_ids: list[str] | None = None,
        context: dict[str, str] | None = None,
        diversity: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
        max_recommendations: int | None = None,
    ) -> dict[str, Any]:
        # API_SearchRecommendations: "The search key must match exactly one profile."
        domain = self.get_domain_state(domain_name)
        profile_id = the_one_profile(domain, key_name, key_values)
        recommendations = self._recommend(
            domain,
            profile_id,
            recommender["Name"],
            filters=(recommender.get("Filters") or [], "Recommender.Filters"),
            promotions=(
                recommender.get("PromotionalFilters") or [],
                "Recommender.PromotionalFilters",
            ),
            candidate_ids=candidate_ids,
            limit=max_recommendations or DEFAULT_MAX_RECOMMENDATIONS,
            metadata_columns=((metadata or {}).get("Columns") or [], "Metadata"),
            diversity=(diversity, "Diversity"),
        )
        return {"ProfileId": profile_id, "Recommendations": recommendations}

    def _bound_filter(
        self, domain: Domain, given: Mapping[str, Any], where: str
    ) -> FilterExpression:
        name = given.get("Name")
        if not name:
            raise BadRequestException(f"{where}.Name: name the recommender filter to apply")
        return bind(
            find_recommender_filter(domain, name).expression, given.get("Values") or {}, where
        )

    def _recommend(
        self,
        domain: Domain,
        profile_id: str,
        recommender_name: str,
        filters: tuple[list[dict[str, Any]], str],
        promotions: tuple[list[dict[str, Any]], str],
        candidate_ids: list[str] | None,
        limit: int,
        metadata_columns: tuple[list[str], str],
        diversity: tuple[dict[str, Any] | None, str],
    ) -> list[dict[str, Any]]:
        recommender = find_recommender(domain, recommender_name)
        if recommender.status != "ACTIVE":
            raise BadRequestException(
                f"Recommender {recommender.name} is {recommender.status}: recommendations need "
                "an ACTIVE recommender (StartRecommender)"
            )
        if recommender.recipe == "personalized-ranking" and not candidate_ids:
            # GetProfileRecommendations, CandidateIds: "Required for personalized-ranking"
            raise BadRequestException(
                "CandidateIds: a personalized-ranking recommender ranks the candidate ids given"
            )
        schema = domain.recommendations.schemas.get(recommender.schema_name or "")
        columns, where = metadata_columns
        for column in columns:
            if schema is not None and column_key(column) not in schema.columns(CATALOG_ITEM):
                raise BadRequestException(
                    f"{where}: {column} is not a {CATALOG_ITEM} column of recommender schema "
                    f"{schema.name}"
                )
        given_filters, filters_where = filters
        bound = [
            self._bound_filter(domain, f, f"{filters_where}[{n}]")
            for n, f in enumerate(given_filters)
        ]
        given_promotions, promotions_where = promotions
        promoted = [
            (
                self._bound_filter(domain, p, f"{promotions_where}[{n}]"),
                p.get("PercentPromotedItems"),
            )
            for n, p in enumerate(given_promotions)
        ]
        caps = self._diversity_caps(recommender, diversity, limit)

        datasets = recommender_datasets(domain, recommender.schema_name)
        own_events: dict[str, list[Any]] = {}
        for event in datasets.events:
            if event.profile_id == profile_id:
                own_events.setdefault(str(event.item_id), []).append(event)
        ranking = raw_scores(
            recommender.recipe, profile_id, datasets.events, datasets.catalog,
            recommender.config or {}, now(), candidate_ids,
        )  # fmt: skip
        items = ordered(ranking, candidate_ids)

        def selects(expression: FilterExpression, item: str) -> bool:
            return expression_selects(expression, item, datasets.catalog, own_events)

        for expression in bound:
            include = expression.action == "INCLUDE"
            items = [(i, s) for i, s in items if selects(expression, i) == include]
        if caps:
            items = diversify(items, datasets.catalog, caps)
        for expression, percent in promoted:
            # the promoted share of the answer goes first, the rest after, by score
            slots = math.ceil(limit * (percent if percent is not None else 100) / 100)
            include = expression.action == "INCLUDE"
            first = [pair for pair in items if selects(expression, pair[0]) == include][:slots]
            items = first + [pair for pair in items if pair not in first]
        return [
            {
                "CatalogItem": catalog_item(item, datasets.catalog.get(item, {}), columns),
                "Score": score,
            }
            for item, score in items[:limit]
        ]

    @staticmethod
    def _diversity_caps(
        recommender: Recommender, diversity: tuple[dict[str, Any] | None, str], limit: int
    ) -> list[tuple[str, int]]:
        """(column, most items sharing one value) for each DiversityColumn of the
        recommender, when the request enables diversity."""
        asked, where = diversity
        if not asked or not asked.get("Enabled"):
            return []
        values = asked.get("Values") or {}
        caps = []
        columns = ((recommender.config or {}).get("DiversityConfig") or {}).get(
            "DiversityColumns"
        ) or []
        for number, column in enumerate(columns):
            # checked when the recommender was made; read again, since a state may hold it
            target = diversity_target(
                column["Target"],
                f"RecommenderConfig.DiversityConfig.DiversityColumns[{number}].Target of "
                f"recommender {recommender.name}",
            )
            if isinstance(target, str):
                if target not in values:
                    raise BadRequestException(
                        f"{where}.Values: no value for the placeholder ${target} of diversity "
                        f"column {column['Name']}"
                    )
                amount = int(values[target])
            else:
                amount = target
            if column["CapType"] == "PERCENTAGE":
                amount = math.floor(limit * amount / 100)
            caps.append((column["Name"], max(amount, 1)))
        return caps
