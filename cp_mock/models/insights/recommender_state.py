"""What a domain holds for its recommenders (models/insights/recommenders.py and
profile_recommendations.py): the recommenders, their filters and their schemas. Plain
data; the behaviour lives in the two families."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .recommenders import Recommender, RecommenderFilter, RecommenderSchema


@dataclass
class RecommenderState:
    # name -> recommender, recommender filter, recommender schema
    recommenders: dict[str, Recommender] = field(default_factory=dict)
    filters: dict[str, RecommenderFilter] = field(default_factory=dict)
    schemas: dict[str, RecommenderSchema] = field(default_factory=dict)
