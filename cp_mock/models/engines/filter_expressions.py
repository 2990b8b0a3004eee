"""Recommender filter expressions (RecommenderFilterExpression): a subset of Amazon
Personalize's filter expressions, parsed once when the filter is created and bound to a
request's placeholder values when it is applied. docs/recommenders.md gives the grammar.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ...exceptions import BadRequestException
from .recommendations import Event, catalog_value, column_key, number

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
    if number(token) is not None:
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
    left, right = number(value), number(literal)
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
    left, right = number(value), number(literals[0])
    if left is None or right is None:
        left_text, right_text = value, literals[0]
        return {"<": left_text < right_text, ">": left_text > right_text,
                "<=": left_text <= right_text, ">=": left_text >= right_text}[operator]  # fmt: skip
    return {"<": left < right, ">": left > right, "<=": left <= right, ">=": left >= right}[
        operator
    ]


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
            value = catalog_value(catalog.get(item_id, {}), condition.column)
            return _holds(condition.operator, value, condition.values)
        # an interaction of the profile's own with the item meets it
        return any(
            _holds(condition.operator, event.column(condition.column), condition.values)
            for event in own_events.get(item_id, [])
        )

    return any(all(holds(c) for c in group) for group in expression.alternatives)
