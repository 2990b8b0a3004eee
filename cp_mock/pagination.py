"""MaxResults/NextToken pagination for every operation whose model has it.

Which operations page, and over which output list, is read from the botocore model:
an operation pages when its input has ``MaxResults`` and ``NextToken`` and its output has
``NextToken`` and a list member. The backend returns the whole (ordered) list; this module
cuts the page. Tokens are moto's: an opaque, checksummed pointer to the next item, so a
token only works with the request parameters it was issued for. What the pointer names is
the item's unique key, which each paged operation declares here (``UNIQUE_KEYS``), as a
moto ``PAGINATION_MODEL`` declares its ``unique_attribute``.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from botocore.model import OperationModel

from .exceptions import BadRequestException
from .moto_internals import InvalidToken, Paginator

# Page sizes the API reference documents where it differs from the model's maximum.
DOCUMENTED_DEFAULT_PAGE_SIZE = {
    "SearchProfiles": 20,  # API_SearchProfiles: "The default is 20"
}

UniqueKey = tuple[str, ...]

# The item is its own key: for lists of plain strings (profile ids, match ids).
ITSELF: UniqueKey = ()

# What tells one item of each paged operation's list from the others in one listing: the
# members of the item that together are unique (a dotted name reaches into a nested
# structure), or ITSELF. An operation the backend implements that pages without an entry
# here is refused, not paged by a guess.
UNIQUE_KEYS: dict[str, UniqueKey] = {
    "GetMatches": ("MatchId",),
    "ListCalculatedAttributeDefinitions": ("CalculatedAttributeName",),
    "ListCalculatedAttributesForProfile": ("CalculatedAttributeName",),
    "GetSimilarProfiles": ITSELF,
    "GetWorkflowSteps": ("AppflowIntegration.FlowName", "AppflowIntegration.CreatedAt"),
    "ListAccountIntegrations": ("DomainName", "Uri"),
    "ListDomainLayouts": ("LayoutDefinitionName",),
    "ListDomainObjectTypes": ("ObjectTypeName",),
    "ListDomains": ("DomainName",),
    "ListEventStreams": ("EventStreamName",),
    "ListEventTriggers": ("EventTriggerName",),
    "ListIdentityResolutionJobs": ("JobId",),
    "ListIntegrations": ("Uri",),
    "ListIntentTypes": ("IntentDomain",),
    "ListObjectTypeAttributeValues": ("Value",),
    "ListObjectTypeAttributes": ("AttributeName",),
    "ListProfileHistoryRecords": ("Id",),
    "ListProfileObjectTypeTemplates": ("TemplateId",),
    "ListProfileObjectTypes": ("ObjectTypeName",),
    "ListProfileObjects": ("ObjectTypeName", "ProfileObjectUniqueKey"),
    "ListRecommenderFilters": ("RecommenderFilterName",),
    "ListRecommenderRecipes": ("name",),
    "ListRecommenderSchemas": ("RecommenderSchemaName",),
    "ListRecommenders": ("RecommenderName",),
    "ListRuleBasedMatches": ITSELF,
    "ListSegmentDefinitions": ("SegmentDefinitionName",),
    # a subscription's events are strictly ordered in time (models/segment_subscriptions.py)
    "ListSegmentSubscriptionEvents": ("UpdatedAt",),
    "ListUploadJobs": ("JobId",),
    "ListWorkflows": ("WorkflowId",),
    "SearchProfiles": ("ProfileId",),
}


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


# -- keys ------------------------------------------------------------------------------
_LONGEST_PLAIN_PART = 64


def _token_part(value: Any) -> str:
    """One part of an item's key as it goes into a token. moto joins the parts with "|" and
    NextToken has at most 1,024 characters: a part that holds "|" or is long goes in as a
    digest ("#" marks one, so no plain part can pass for a digest)."""
    text = str(value)
    if len(text) <= _LONGEST_PLAIN_PART and "|" not in text and not text.startswith("#"):
        return text
    return "#" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


Keyed = Callable[[Any], dict[str, Any]]


def _member(item: Any, dotted: str) -> Any:
    for name in dotted.split("."):
        item = item[name]
    return item


@cache
def _keyed(operation_name: str) -> tuple[list[str], Keyed]:
    """The attribute names moto's Paginator compares, and a function that wraps an item
    with them."""
    key = UNIQUE_KEYS.get(operation_name)
    if key is None:
        raise NotImplementedError(
            f"{operation_name} pages its results but declares no unique key: "
            "add it to UNIQUE_KEYS in cp_mock/pagination.py"
        )
    if key == ITSELF:
        return ["key0"], lambda item: {"key0": _token_part(item), "item": item}
    parts = [(f"key{index}", dotted) for index, dotted in enumerate(key)]

    def keyed(item: Any) -> dict[str, Any]:
        wrapped = {name: _token_part(_member(item, dotted)) for name, dotted in parts}
        wrapped["item"] = item
        return wrapped

    return [name for name, _ in parts], keyed


# -- tokens ----------------------------------------------------------------------------
def _invalid_token(reason: str) -> BadRequestException:
    return BadRequestException(f"The NextToken is invalid: {reason}")


def _check_token(token: Any, key_parts: int) -> None:
    """moto's Paginator trusts any token that decodes: one that decodes to a number, to
    null, or to an object without the key it writes fails inside it (AttributeError,
    KeyError, IndexError). Only the shape it issues gets through: base64 of a JSON object
    holding the item's key as a string of ``key_parts`` parts."""
    try:
        decoded = json.loads(base64.b64decode(token, validate=True).decode("utf-8"))
    except (ValueError, TypeError):  # binascii.Error, UnicodeDecodeError and JSON errors
        raise _invalid_token("it is not one this service issued") from None
    key = decoded.get("uniqueAttributes") if isinstance(decoded, dict) else None
    if (
        not isinstance(key, str)
        or key.count("|") != key_parts - 1
        or "boto_encoded_keys" in decoded
    ):
        raise _invalid_token("it is not one this service issued")


def paginate(
    operation_model: OperationModel, params: Mapping[str, Any], result: dict[str, Any]
) -> dict[str, Any]:
    """Cut ``result``'s list member to the page that ``params`` asks for."""
    spec = page_spec(operation_model)
    if spec is None:
        return result
    attributes, keyed = _keyed(operation_model.name)
    items = list(result.get(spec.result_key) or [])
    token = params.get("NextToken")
    if token is None and len(items) <= (params.get("MaxResults") or spec.default_size):
        # One page holds it all: what the paginator would answer, without building it.
        return {**result, spec.result_key: items, "NextToken": None}
    if token is not None:
        _check_token(token, len(attributes))
    other_params = {k: v for k, v in params.items() if k not in ("NextToken", "MaxResults")}
    try:
        paginator = Paginator(
            max_results=params.get("MaxResults"),
            max_results_default=spec.default_size,
            starting_token=token,
            unique_attribute=attributes,
            param_values_to_check=other_params,
        )
        page, next_token = paginator.paginate([keyed(item) for item in items])
    except InvalidToken as error:
        raise _invalid_token(error.message) from error
    paged = dict(result)
    paged[spec.result_key] = [entry["item"] for entry in page]
    paged["NextToken"] = next_token
    return paged
