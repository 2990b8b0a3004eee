"""How a recommender computes recommendations, deterministically (pure functions).

AWS trains a model (Amazon Personalize) on the domain's data; nothing a test could predict.
The mock ranks items by rules stated in docs/recommenders.md instead, over the two
datasets a recommender schema names (CreateRecommenderSchema: "The _webAnalytics and
_catalogItem keys are supported"):

- ``_webAnalytics``: interaction events. An object type feeds it through fields whose
  ``Target`` is ``_webAnalytics.<column>`` (``_webAnalytics.Item.Id``,
  ``_webAnalytics.EventType``, ...), as ``_profile.<field>`` feeds the standard profile;
  each object of such a type is one event of the profile it belongs to.
- ``_catalogItem``: the items, by fields targeting ``_catalogItem.<column>``
  (``_catalogItem.Id``, ``_catalogItem.Name``, ``_catalogItem.Attributes.color``, ...).

Filters (models/engines/filter_expressions.py) then narrow what is ranked here.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from ..objects.mapping import read_source

WEB_ANALYTICS = "_webAnalytics"
CATALOG_ITEM = "_catalogItem"
DATASETS = (WEB_ANALYTICS, CATALOG_ITEM)
# RecommenderConfig.IncludedColumns: "always included in training ...: Item.Id,
# EventTimestamp, and EventType for _webAnalytics; Id for _catalogItem"
MANDATORY_COLUMNS = {
    WEB_ANALYTICS: ("Item.Id", "EventTimestamp", "EventType"),
    CATALOG_ITEM: ("Id",),
}
ITEM_ID = "Item.Id"
EVENT_TYPE = "EventType"
EVENT_TIMESTAMP = "EventTimestamp"
EVENT_VALUE = "EventValue"
# CatalogItem's members that a catalog column of the same name fills
CATALOG_TEXT = ("Name", "Code", "Type", "Category", "Description", "Price")
CATALOG_LONG_TEXT = ("AdditionalInformation", "ImageLink", "Link")
CATALOG_TIMES = ("CreatedAt", "UpdatedAt")
TRENDING_WINDOW = timedelta(days=7)


def column_key(column: str) -> str:
    """Columns compare ignoring case and underscores: Personalize's ``EVENT_TYPE`` is the
    schema's ``EventType``."""
    return column.replace("_", "").lower()


# -- the datasets ----------------------------------------------------------------------
@dataclass
class Event:
    profile_id: str
    columns: dict[str, str]  # column (the Target after "_webAnalytics.") -> value
    put_at: datetime

    @property
    def item_id(self) -> str | None:
        return self.columns.get(ITEM_ID)

    def column(self, name: str) -> str | None:
        return catalog_value(self.columns, name)

    @property
    def moment(self) -> datetime:
        return instant(self.columns.get(EVENT_TIMESTAMP) or "") or self.put_at


@dataclass
class Datasets:
    events: list[Event] = field(default_factory=list)
    catalog: dict[str, dict[str, str]] = field(default_factory=dict)  # item id -> columns


def _targets(fields: Mapping[str, Any], dataset: str) -> dict[str, tuple[str, str]]:
    prefix = dataset + "."
    return {
        name: (str(definition.get("Source", "")), str(definition["Target"])[len(prefix) :])
        for name, definition in fields.items()
        if str(definition.get("Target") or "").startswith(prefix)
    }


def read_datasets(object_types: Iterable[Any], objects: Any, wanted: Sequence[str]) -> Datasets:
    """The events and catalog items the domain's objects hold, for the ``wanted`` datasets.
    ``objects`` is the domain's ObjectStore; an object type is read when a field of it
    targets a wanted dataset."""
    found = Datasets()
    for object_type in object_types:
        for dataset in wanted:
            targets = _targets(object_type.fields, dataset)
            if not targets:
                continue
            for stored in objects.of_type(object_type.name):
                document = json.loads(stored.body)
                columns = {}
                for source, column in targets.values():
                    value = read_source(document, source)
                    if value:
                        columns[column] = value
                if dataset == WEB_ANALYTICS and columns.get(ITEM_ID):
                    found.events.append(Event(stored.profile_id, columns, stored.put_at))
                elif dataset == CATALOG_ITEM and columns.get("Id"):
                    found.catalog.setdefault(columns["Id"], {}).update(columns)
    return found


def instant(text: str) -> datetime | None:
    """An ISO 8601 time, or epoch seconds/milliseconds, else None."""
    seconds = number(text)
    if seconds is not None:
        try:
            return datetime.fromtimestamp(
                seconds / 1000 if abs(seconds) > 10**11 else seconds, timezone.utc
            )
        except (OverflowError, OSError, ValueError):
            return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def number(text: str | None) -> float | None:
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None


def catalog_value(columns: Mapping[str, str], column: str) -> str | None:
    """The value of ``column`` among ``columns`` (an item's or an event's), by column_key."""
    wanted = column_key(column)
    return next((v for k, v in columns.items() if column_key(k) == wanted), None)


# -- ranking ---------------------------------------------------------------------------
def event_weight(event: Event, config: Mapping[str, Any]) -> float:
    """An event's weight under RecommenderConfig.EventsConfig: every event weighs 1 when
    it is not given; otherwise only the listed event types count, each by its EventWeight
    (1 when not given), and only when EventValue reaches its EventValueThreshold."""
    parameters = (config.get("EventsConfig") or {}).get("EventParametersList")
    if not parameters:
        return 1.0
    for parameter in parameters:
        if parameter["EventType"] != (event.columns.get(EVENT_TYPE) or ""):
            continue
        threshold = parameter.get("EventValueThreshold")
        if threshold is not None:
            value = number(event.columns.get(EVENT_VALUE))
            if value is None or value < threshold:
                return 0.0
        return float(parameter.get("EventWeight", 1.0))
    return 0.0


Ranking = dict[str, float]  # item id -> raw score


def raw_scores(
    recipe: str,
    profile_id: str,
    events: list[Event],
    catalog: Mapping[str, Mapping[str, str]],
    config: Mapping[str, Any],
    moment: datetime,
    candidate_ids: Sequence[str] | None,
) -> Ranking:
    """Each recommendable item's raw score for ``profile_id`` under ``recipe`` (the table
    in docs/recommenders.md)."""
    weights = [(event, event_weight(event, config)) for event in events]
    owned = {e.item_id for e in events if e.profile_id == profile_id}
    by_profile: dict[str, set[str]] = defaultdict(set)
    for event in events:
        by_profile[event.profile_id].add(str(event.item_id))

    def popularity(since: datetime | None = None) -> dict[str, float]:
        totals: dict[str, float] = defaultdict(float)
        for event, weight in weights:
            if weight > 0 and (since is None or event.moment >= since):
                totals[str(event.item_id)] += weight
        return totals

    neighbours = {p for p, items in by_profile.items() if p != profile_id and items & owned}

    def neighbourhood(include_self: bool) -> dict[str, float]:
        totals: dict[str, float] = defaultdict(float)
        for event, weight in weights:
            if weight > 0 and (
                event.profile_id in neighbours or (include_self and event.profile_id == profile_id)
            ):
                totals[str(event.item_id)] += weight
        return totals

    scores: dict[str, float]
    if recipe == "personalized-ranking":
        affinity = neighbourhood(include_self=True) or popularity()
        return {c: affinity.get(c, 0.0) for c in dict.fromkeys(candidate_ids or ())}
    if recipe == "popular-items":
        scores = popularity()
    elif recipe == "trending-now":
        scores = popularity(since=moment - TRENDING_WINDOW)
    elif recipe == "recommended-for-you":
        scores = {i: s for i, s in neighbourhood(include_self=False).items() if i not in owned}
        if not scores:  # cold start: what everyone likes
            scores = popularity()
    elif recipe == "frequently-paired-items":
        scores = defaultdict(float)
        for neighbour in sorted(neighbours):
            for item in by_profile[neighbour]:
                scores[item] += 1.0
    else:  # similar-items: the categories of the profile's items
        categories = {catalog_value(catalog.get(str(i), {}), "Category") for i in owned} - {None}
        overall = popularity()
        scores = {
            i: overall.get(i, 0.0)
            for i, columns in catalog.items()
            if catalog_value(columns, "Category") in categories
        }
        return _restricted({i: s for i, s in scores.items() if i not in owned}, candidate_ids)
    ranking = {i: s for i, s in scores.items() if i not in owned and s > 0}
    return _restricted(ranking, candidate_ids)


def _restricted(ranking: Ranking, candidate_ids: Sequence[str] | None) -> Ranking:
    if candidate_ids:
        wanted = set(candidate_ids)
        return {i: s for i, s in ranking.items() if i in wanted}
    return ranking


def ordered(ranking: Ranking, candidate_ids: Sequence[str] | None) -> list[tuple[str, float]]:
    """Items by score (raw / the best raw score), highest first; ties by item id, or by
    CandidateIds order when given."""
    position = {c: n for n, c in enumerate(candidate_ids or ())}
    best = max(ranking.values(), default=0.0)
    scored = [(item, raw / best if best > 0 else 0.0) for item, raw in ranking.items()]
    if candidate_ids:
        scored.sort(key=lambda pair: (-pair[1], position.get(pair[0], len(position)), pair[0]))
    else:
        scored.sort(key=lambda pair: (-pair[1], pair[0]))
    return scored


def diversify(
    items: list[tuple[str, float]],
    catalog: Mapping[str, Mapping[str, str]],
    caps: list[tuple[str, int]],
) -> list[tuple[str, float]]:
    """Drop each item whose value of a capped column is already held by ``cap`` items
    higher in the list (RecommenderConfig.DiversityConfig)."""
    kept: list[tuple[str, float]] = []
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for item, score in items:
        values = [(column, catalog_value(catalog.get(item, {}), column)) for column, _ in caps]
        if any(
            value is not None and counts[(column, value)] >= cap
            for (column, value), (_, cap) in zip(values, caps, strict=True)
        ):
            continue
        for column, value in values:
            if value is not None:
                counts[(column, value)] += 1
        kept.append((item, score))
    return kept


def catalog_item(
    item_id: str, columns: Mapping[str, str], metadata_columns: Sequence[str]
) -> dict[str, Any]:
    """The CatalogItem of a recommendation: its Id, and the catalog columns asked for by
    MetadataColumns (``Name``, ``Price``, ``Attributes.color``, ...)."""
    item: dict[str, Any] = {"Id": item_id[:255]}
    for column in metadata_columns:
        value = catalog_value(columns, column)
        if value is None or value == "":
            continue
        if column_key(column).startswith("attributes."):
            name = column.split(".", 1)[1][:255]
            if name:
                item.setdefault("Attributes", {})[name] = value[:255]
            continue
        member = next(
            (m for m in (*CATALOG_TEXT, *CATALOG_LONG_TEXT, *CATALOG_TIMES)
             if column_key(m) == column_key(column)),
            None,
        )  # fmt: skip
        if member in CATALOG_TIMES:
            moment = instant(value)
            if moment is not None:
                item[member] = moment
        elif member is not None:
            item[member] = value[: 1000 if member in CATALOG_LONG_TEXT else 255]
        else:
            item.setdefault("Attributes", {})[column[:255]] = value[:255]
    return item
