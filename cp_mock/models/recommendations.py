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

Filters use a subset of Amazon Personalize's filter expressions (a recommender filter's
RecommenderFilterExpression), parsed here.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from ..exceptions import BadRequestException
from .mapping import read_source

WEB_ANALYTICS = "_webAnalytics"
CATALOG_ITEM = "_catalogItem"
DATASETS = (WEB_ANALYTICS, CATALOG_ITEM)
# RecommenderConfig.IncludedColumns: "always included in training ...: Item.Id,
# EventTimestamp, and EventType for _webAnalytics; Id for _catalogItem"
MANDATORY_COLUMNS = {
    WEB_ANALYTICS: ("Item.Id", "EventTimestamp", "EventType"),
    CATALOG_ITEM: ("Id",),
}
ITEM_ID, EVENT_TYPE, EVENT_TIMESTAMP, EVENT_VALUE = (
    "Item.Id",
    "EventType",
    "EventTimestamp",
    "EventValue",
)
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
        wanted = column_key(name)
        return next((v for k, v in self.columns.items() if column_key(k) == wanted), None)

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
    try:
        number = float(text)
    except ValueError:
        number = None
    if number is not None and math.isfinite(number):
        seconds = number / 1000 if abs(number) > 10**11 else number
        try:
            return datetime.fromtimestamp(seconds, timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _number(text: str | None) -> float | None:
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None


# -- filter expressions ----------------------------------------------------------------
_TOKEN = re.compile(
    r'\s*(?:(?P<string>"(?:[^"\\]|\\.)*")|(?P<op><=|>=|!=|=|<|>)|(?P<punct>[(),|])'
    r"|(?P<word>\$?[A-Za-z0-9_.\-]+))"
)


@dataclass(frozen=True)
class Condition:
    dataset: str  # "Items" or "Interactions"
    column: str
    operator: str  # IN, NOT IN, =, !=, <, >, <=, >=
    values: tuple[str, ...]  # literals, or $placeholders


@dataclass(frozen=True)
class FilterExpression:
    action: str  # INCLUDE or EXCLUDE
    # OR of ANDs of conditions
    alternatives: tuple[tuple[Condition, ...], ...]

    @property
    def conditions(self) -> list[Condition]:
        return [c for group in self.alternatives for c in group]

    @property
    def placeholders(self) -> set[str]:
        return {v[1:] for c in self.conditions for v in c.values if v.startswith("$")}


def _tokens(text: str) -> list[str]:
    tokens, position = [], 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise _bad_expression(f"unexpected text at {text[position : position + 20]!r}")
        tokens.append(match.group(match.lastgroup or 0))
        position = match.end()
    return tokens


def _bad_expression(reason: str) -> BadRequestException:
    return BadRequestException(
        f"RecommenderFilterExpression: {reason}. Expected INCLUDE|EXCLUDE ItemID WHERE "
        '(Items|Interactions).<column> IN ("value", $placeholder) [AND|OR ...]'
    )


def parse_filter_expression(text: str) -> FilterExpression:
    tokens = _tokens(text)
    upper = [t.upper() for t in tokens]
    if (
        len(tokens) < 4
        or upper[0] not in ("INCLUDE", "EXCLUDE")
        or upper[1:3] != ["ITEMID", "WHERE"]
    ):
        raise _bad_expression("it does not begin with INCLUDE ItemID WHERE or EXCLUDE ItemID WHERE")
    position = 3
    alternatives: list[tuple[Condition, ...]] = []
    group: list[Condition] = []
    while True:
        condition, position = _condition(tokens, position)
        group.append(condition)
        if position == len(tokens):
            break
        joiner = tokens[position].upper()
        if joiner not in ("AND", "OR"):
            raise _bad_expression(f"expected AND or OR, found {tokens[position]!r}")
        if joiner == "OR":
            alternatives.append(tuple(group))
            group = []
        position += 1
    alternatives.append(tuple(group))
    return FilterExpression(upper[0], tuple(alternatives))


def _condition(tokens: list[str], position: int) -> tuple[Condition, int]:
    if position >= len(tokens):
        raise _bad_expression("a condition is missing")
    dataset, dot, column = tokens[position].partition(".")
    if dataset.upper() not in ("ITEMS", "INTERACTIONS") or not dot or not column:
        raise _bad_expression(
            f"{tokens[position]!r} is not Items.<column> or Interactions.<column>"
        )
    dataset = "Items" if dataset.upper() == "ITEMS" else "Interactions"
    position += 1
    rest = [t.upper() for t in tokens[position : position + 2]]
    if rest[:1] == ["IN"] or rest == ["NOT", "IN"]:
        operator = "IN" if rest[0] == "IN" else "NOT IN"
        position += 1 if operator == "IN" else 2
        values, position = _value_list(tokens, position)
    elif position < len(tokens) and tokens[position] in ("=", "!=", "<", ">", "<=", ">="):
        operator = tokens[position]
        if position + 1 >= len(tokens):
            raise _bad_expression(f"{operator} needs a value")
        values, position = (_value(tokens[position + 1]),), position + 2
    else:
        raise _bad_expression(f"expected IN, NOT IN or a comparison after {dataset}.{column}")
    return Condition(dataset, column, operator, values), position


def _value_list(tokens: list[str], position: int) -> tuple[tuple[str, ...], int]:
    if position >= len(tokens) or tokens[position] != "(":
        raise _bad_expression("IN takes a list of values in parentheses")
    values: list[str] = []
    position += 1
    while position < len(tokens) and tokens[position] != ")":
        values.append(_value(tokens[position]))
        position += 1
        if position < len(tokens) and tokens[position] == ",":
            position += 1
    if position >= len(tokens) or not values:
        raise _bad_expression("a list of values is empty or not closed")
    return tuple(values), position + 1


def _value(token: str) -> str:
    if token.startswith('"'):
        return re.sub(r"\\(.)", r"\1", token[1:-1])
    if token.startswith("$") and len(token) > 1:
        return token
    if _number(token) is not None:
        return token
    raise _bad_expression(f"{token!r} is not a quoted string, a number or a $placeholder")


def bind(expression: FilterExpression, values: Mapping[str, str], where: str) -> FilterExpression:
    """The expression with each $placeholder replaced by its request values
    (RecommenderFilter.Values: "Separate multiple values for one parameter with a comma")."""

    def bound(value: str) -> tuple[str, ...]:
        if not value.startswith("$"):
            return (value,)
        name = value[1:]
        if name not in values:
            raise BadRequestException(f"{where}.Values: no value for the placeholder ${name}")
        return tuple(part.strip() for part in values[name].split(","))

    return FilterExpression(
        expression.action,
        tuple(
            tuple(
                Condition(
                    c.dataset,
                    c.column,
                    c.operator,
                    tuple(v for raw in c.values for v in bound(raw)),
                )
                for c in group
            )
            for group in expression.alternatives
        ),
    )


def _same(value: str, literal: str) -> bool:
    left, right = _number(value), _number(literal)
    return value == literal or (left is not None and right is not None and left == right)


def _holds(operator: str, value: str | None, literals: tuple[str, ...]) -> bool:
    if value is None:
        return operator in ("NOT IN", "!=")
    if operator == "IN":
        return any(_same(value, v) for v in literals)
    if operator == "NOT IN":
        return not any(_same(value, v) for v in literals)
    if operator == "=":
        return _same(value, literals[0])
    if operator == "!=":
        return not _same(value, literals[0])
    left, right = _number(value), _number(literals[0])
    if left is None or right is None:
        left_text, right_text = value, literals[0]
        return {"<": left_text < right_text, ">": left_text > right_text,
                "<=": left_text <= right_text, ">=": left_text >= right_text}[operator]  # fmt: skip
    return {"<": left < right, ">": left > right, "<=": left <= right, ">=": left >= right}[
        operator
    ]


def _catalog_value(columns: Mapping[str, str], column: str) -> str | None:
    wanted = column_key(column)
    return next((v for k, v in columns.items() if column_key(k) == wanted), None)


def expression_selects(
    expression: FilterExpression,
    item_id: str,
    catalog: Mapping[str, Mapping[str, str]],
    own_events: Mapping[str, list[Event]],
) -> bool:
    """Whether the item meets the expression's condition (before INCLUDE/EXCLUDE)."""

    def holds(condition: Condition) -> bool:
        if condition.dataset == "Items":
            if column_key(condition.column) in ("itemid", "id"):
                return _holds(condition.operator, item_id, condition.values)
            value = _catalog_value(catalog.get(item_id, {}), condition.column)
            return _holds(condition.operator, value, condition.values)
        # an interaction of the profile's own with the item meets it
        return any(
            _holds(condition.operator, event.column(condition.column), condition.values)
            for event in own_events.get(item_id, [])
        )

    return any(all(holds(c) for c in group) for group in expression.alternatives)


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
            value = _number(event.columns.get(EVENT_VALUE))
            if value is None or value < threshold:
                return 0.0
        return float(parameter.get("EventWeight", 1.0))
    return 0.0


@dataclass
class Ranking:
    scores: dict[str, float]  # item id -> raw score
    keep_zero: bool = False  # items scoring 0 are still recommended


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
        return Ranking({c: affinity.get(c, 0.0) for c in dict.fromkeys(candidate_ids or ())}, True)
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
        categories = {catalog.get(str(i), {}).get("Category") for i in owned} - {None}
        overall = popularity()
        scores = {
            i: overall.get(i, 0.0)
            for i, columns in catalog.items()
            if columns.get("Category") in categories
        }
        ranking = Ranking({i: s for i, s in scores.items() if i not in owned}, keep_zero=True)
        return _restricted(ranking, candidate_ids)
    ranking = Ranking({i: s for i, s in scores.items() if i not in owned and s > 0})
    return _restricted(ranking, candidate_ids)


def _restricted(ranking: Ranking, candidate_ids: Sequence[str] | None) -> Ranking:
    if candidate_ids:
        wanted = set(candidate_ids)
        ranking.scores = {i: s for i, s in ranking.scores.items() if i in wanted}
    return ranking


def ordered(ranking: Ranking, candidate_ids: Sequence[str] | None) -> list[tuple[str, float]]:
    """Items by score (raw / the best raw score), highest first; ties by item id, or by
    CandidateIds order when given."""
    position = {c: n for n, c in enumerate(candidate_ids or ())}
    best = max(ranking.scores.values(), default=0.0)
    scored = [(item, raw / best if best > 0 else 0.0) for item, raw in ranking.scores.items()]
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
        values = [(column, _catalog_value(catalog.get(item, {}), column)) for column, _ in caps]
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
    item: dict[str, Any] = {"Id": item_id}
    for column in metadata_columns:
        value = _catalog_value(columns, column)
        if value is None or value == "":
            continue
        if column_key(column).startswith("attributes."):
            item.setdefault("Attributes", {})[column.split(".", 1)[1][:255]] = value[:255]
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
