"""MaxResults/NextToken pagination for every operation whose model has it.

Which operations page, and over which output list, is read from the botocore model:
an operation pages when its input has ``MaxResults`` and ``NextToken`` and its output has
``NextToken`` and a list member. The backend returns the whole (ordered) list; this module
cuts the page. Tokens are moto's: an opaque, checksummed pointer to the next item, so a
token only works with the request parameters it was issued for.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from botocore.model import OperationModel
from moto.core.exceptions import InvalidToken
from moto.utilities.paginator import Paginator

from .exceptions import BadRequestException

# Page sizes the API reference documents where it differs from the model's maximum.
DOCUMENTED_DEFAULT_PAGE_SIZE = {
    "SearchProfiles": 20,  # API_SearchProfiles: "The default is 20"
}

# Members that identify an item, most specific first; a token points at one of these.
_IDENTITY_MEMBERS = (
    "ProfileId",
    "ProfileObjectUniqueKey",
    "ObjectTypeName",
    "TemplateId",
    "WorkflowId",
    "JobId",
    "MatchId",
    "Uri",
    "DomainName",
    "Name",
    "Id",
)


@dataclass(frozen=True)
class PageSpec:
    result_key: str
    default_size: int


@cache
def page_spec(operation_model: OperationModel) -> PageSpec | None:
    inputs = operation_model.input_shape.members if operation_model.input_shape else {}
    output = operation_model.output_shape
    if output is None or "NextToken" not in inputs or "MaxResults" not in inputs:
        return None
    if "NextToken" not in output.members:
        return None
    lists = [name for name, shape in output.members.items() if shape.type_name == "list"]
    if len(lists) != 1:
        return None
    maximum = inputs["MaxResults"].metadata.get("max", 100)
    default = DOCUMENTED_DEFAULT_PAGE_SIZE.get(operation_model.name, maximum)
    return PageSpec(result_key=lists[0], default_size=default)


def _identity(item: Any) -> str:
    if isinstance(item, Mapping):
        for member in _IDENTITY_MEMBERS:
            if item.get(member) is not None:
                return str(item[member])
        return json.dumps(item, sort_keys=True, default=str)
    for member in _IDENTITY_MEMBERS:
        value = getattr(item, _snake(member), None)
        if value is not None:
            return str(value)
    return str(item)


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def paginate(
    operation_model: OperationModel, params: Mapping[str, Any], result: dict[str, Any]
) -> dict[str, Any]:
    """Cut ``result``'s list member to the page that ``params`` asks for."""
    spec = page_spec(operation_model)
    if spec is None:
        return result
    items = list(result.get(spec.result_key) or [])
    if params.get("NextToken") is None and len(items) <= (
        params.get("MaxResults") or spec.default_size
    ):
        # One page holds it all: what the paginator would answer, without building it.
        return {**result, spec.result_key: items, "NextToken": None}
    keyed = [{"key": _identity(item), "item": item} for item in items]
    other_params = {k: v for k, v in params.items() if k not in ("NextToken", "MaxResults")}
    try:
        paginator = Paginator(
            max_results=params.get("MaxResults"),
            max_results_default=spec.default_size,
            starting_token=params.get("NextToken"),
            unique_attribute="key",
            param_values_to_check=other_params,
        )
        page, next_token = paginator.paginate(keyed)
    except InvalidToken as error:
        raise BadRequestException(f"Invalid NextToken: {error.message}") from error
    paged = dict(result)
    paged[spec.result_key] = [entry["item"] for entry in page]
    paged["NextToken"] = next_token
    return paged
