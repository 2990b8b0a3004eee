"""Keyword arguments back to model member names.

Operations with many optional members take them as ``**arguments`` in boto3's snake_case
(``default_expiration_days``); state is kept under the model's names
(``DefaultExpirationDays``), so it can be returned as the output shape without renaming.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from botocore import xform_name

from ..exceptions import BadRequestException


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
        unknown = sorted(set(arguments) - set(mapping))
        if unknown:
            raise BadRequestException(f"Unknown members: {', '.join(unknown)}")
    return {
        mapping[argument]: value
        for argument, value in arguments.items()
        if argument in mapping and value is not None
    }
