"""Keyword arguments back to model member names.

Operations with many optional members take them as ``**arguments`` in boto3's snake_case
(``default_expiration_days``); state is kept under the model's names
(``DefaultExpirationDays``), so it can be returned as the output shape without renaming.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import Any, TypeVar

from botocore import xform_name

from ...compat.moto import get_service_model
from ...exceptions import BadRequestException

SERVICE_NAME = "customer-profiles"
Implementation = TypeVar("Implementation", bound=Callable[..., Any])
# What ``takes_members`` declares on an implementation
MEMBERS_TAKEN = "members_taken"


@cache
def _member_for_argument(members: tuple[str, ...]) -> dict[str, str]:
    return {xform_name(member): member for member in members}


def by_member(
    arguments: Mapping[str, Any], members: Iterable[str], strict: bool = False
) -> dict[str, Any]:
    """``arguments`` keyed by member name, leaving out None; unknown names are an error
    when ``strict`` (a direct backend call with a typo), else ignored."""
    mapping = _member_for_argument(tuple(members))
    if strict:
        unknown = sorted(api_name(argument) for argument in set(arguments) - set(mapping))
        if unknown:
            raise BadRequestException(f"Unknown members: {', '.join(unknown)}")
    return {
        mapping[argument]: value
        for argument, value in arguments.items()
        if argument in mapping and value is not None
    }


def takes_members(*members: str) -> Callable[[Implementation], Implementation]:
    """Declare the model members an implementation's ``**arguments`` take (those it hands
    to ``by_member``): what its signature cannot say. tests/test_model_versions.py holds
    every implementation to its operation's input shape with it."""

    def declare(implementation: Implementation) -> Implementation:
        setattr(implementation, MEMBERS_TAKEN, frozenset(members))
        return implementation

    return declare


@cache
def _api_names() -> dict[str, str]:
    model = get_service_model(SERVICE_NAME)
    names: dict[str, str] = {}
    for shape_name in model.shape_names:
        for member in getattr(model.shape_for(shape_name), "members", {}):
            names.setdefault(xform_name(member), member)
    return names


def api_name(argument: str) -> str:
    """A keyword argument as the API spells the member (``intent_filter_definition`` ->
    ``IntentFilterDefinition``): errors name members as a request does, never as Python
    does. A name no member of the model has is put in the same form."""
    found = _api_names().get(argument)
    if found is not None:
        return found
    return "".join(part[:1].upper() + part[1:] for part in argument.split("_"))
