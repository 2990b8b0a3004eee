"""MaxResults/NextToken pagination for every operation whose model has it.

Which operations page, and over which output list, is read from the botocore model:
an operation pages when its input has ``MaxResults`` and ``NextToken`` and its output has
``NextToken`` and a list member. The backend returns the whole (ordered) list; this module
cuts the page. What a NextToken points at is the first item of the next page, named by
its unique key, which each paged operation declares here (``UNIQUE_KEYS``), as a moto
``PAGINATION_MODEL`` declares its ``unique_attribute``.

The token format is this module's own (docs/usage.md, "Page tokens"), 45 bytes in URL-safe
base64 (60 characters, whatever the key):

    version (1) | position (4) | request digest (8) | key digest (16) | seal (16)

``position`` is where the item stood in the list when the token was issued (a hint: the
item is found there in one step unless the list has changed), the request digest binds
the token to the operation and its other parameters, the key digest names the item, and
the seal (keyed BLAKE2b over everything before it) refuses a token that was forged,
garbled or cut short. The seal's key is fixed, so a request against the same state gets
the same token in any process: tokens are opaque, not secret.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, NamedTuple

from botocore.model import OperationModel

from .exceptions import BadRequestException

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
    # a subscription's events are strictly ordered in time
    # (models/insights/segment_subscriptions.py)
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
def _canonical_default(value: Any) -> Any:
    """JSON for what a parsed request or a listed item holds beyond JSON's own types."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode()
    return f"{type(value).__name__}:{value!s}"


def _canonical(value: Any) -> bytes:
    """One spelling of ``value``: equal values, in any key order, give equal bytes."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), default=_canonical_default
    ).encode()


def _digest(data: bytes, size: int) -> bytes:
    return hashlib.blake2b(data, digest_size=size).digest()


KeyDigest = Callable[[Any], bytes]


def _member(item: Any, dotted: str) -> Any:
    for name in dotted.split("."):
        item = item[name]
    return item


@cache
def _key_digest(operation_name: str) -> KeyDigest:
    """A function from an item of the operation's list to the digest of its unique key."""
    key = UNIQUE_KEYS.get(operation_name)
    if key is None:
        raise NotImplementedError(
            f"{operation_name} pages its results but declares no unique key: "
            "add it to UNIQUE_KEYS in cp_mock/pagination.py"
        )
    if key == ITSELF:
        return lambda item: _digest(_canonical([item]), _KEY_DIGEST_SIZE)
    return lambda item: _digest(
        _canonical([_member(item, dotted) for dotted in key]), _KEY_DIGEST_SIZE
    )


# -- tokens ----------------------------------------------------------------------------
_VERSION = 1
_REQUEST_DIGEST_SIZE = 8
_KEY_DIGEST_SIZE = 16
_SEAL_SIZE = 16
_BODY = struct.Struct(f">BI{_REQUEST_DIGEST_SIZE}s{_KEY_DIGEST_SIZE}s")
_TOKEN_SIZE = _BODY.size + _SEAL_SIZE
_SEAL_KEY = b"cp_mock NextToken 1"
_URL_SAFE_BASE64 = re.compile(r"[A-Za-z0-9_-]+")
# The parameters a token is not bound to: the token itself, and the page size, which a
# caller may change from page to page (boto3's paginators keep it, the AWS CLI need not).
_UNBOUND = frozenset({"NextToken", "MaxResults"})


class _Token(NamedTuple):
    position: int  # where the item stood in the list when the token was issued
    request: bytes
    key: bytes


def _request_digest(operation_name: str, params: Mapping[str, Any]) -> bytes:
    """What binds a token to its request: the operation and every parameter it was given
    but the page's size and the token (a member sent as null is one not sent)."""
    bound = {k: v for k, v in params.items() if k not in _UNBOUND and v is not None}
    return _digest(_canonical([operation_name, bound]), _REQUEST_DIGEST_SIZE)


def _seal(body: bytes) -> bytes:
    return hashlib.blake2b(body, key=_SEAL_KEY, digest_size=_SEAL_SIZE).digest()


def _text(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _issue(token: _Token) -> str:
    body = _BODY.pack(_VERSION, token.position, token.request, token.key)
    return _text(body + _seal(body))


def _invalid_token(reason: str) -> BadRequestException:
    return BadRequestException(f"The NextToken is invalid: {reason}")


def _read(text: Any) -> _Token:
    """The token ``text`` spells, if this module issued it; else a BadRequestException."""
    not_issued = _invalid_token("it is not one this service issued")
    if not isinstance(text, str) or not _URL_SAFE_BASE64.fullmatch(text):
        raise not_issued
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise not_issued from None
    # one spelling per token: no padding, no stray bits in the last character
    if len(raw) != _TOKEN_SIZE or _text(raw) != text:
        raise not_issued
    body, seal = raw[: _BODY.size], raw[_BODY.size :]
    if not hmac.compare_digest(seal, _seal(body)):
        raise not_issued
    version, position, request, key = _BODY.unpack(body)
    if version != _VERSION:
        raise not_issued
    return _Token(position, request, key)


def _start(token: _Token, items: list[Any], key_digest: KeyDigest) -> int:
    """Where the item ``token`` points at stands in ``items`` now: where it stood when the
    token was issued, unless items before it have come or gone since."""
    if token.position < len(items) and key_digest(items[token.position]) == token.key:
        return token.position
    for index, item in enumerate(items):
        if key_digest(item) == token.key:
            return index
    # The next page would have begun at an item that is gone (deleted since): where it
    # stood is not known any more, so the token is refused rather than a page guessed.
    raise _invalid_token("the item it points to is no longer listed")


def paginate(
    operation_model: OperationModel, params: Mapping[str, Any], result: dict[str, Any]
) -> dict[str, Any]:
    """Cut ``result``'s list member to the page that ``params`` asks for."""
    spec = page_spec(operation_model)
    if spec is None:
        return result
    key_digest = _key_digest(operation_model.name)
    items = list(result.get(spec.result_key) or [])
    size = params.get("MaxResults") or spec.default_size
    text = params.get("NextToken")
    if text is None and len(items) <= size:
        return {**result, spec.result_key: items, "NextToken": None}  # one page holds it all
    request = _request_digest(operation_model.name, params)
    start = 0
    if text is not None:
        token = _read(text)
        if not hmac.compare_digest(token.request, request):
            raise _invalid_token("it was issued for another operation or other parameters")
        start = _start(token, items, key_digest)
    end = min(start + size, len(items))
    next_token = None
    if end < len(items):
        next_token = _issue(_Token(end, request, key_digest(items[end])))
    return {**result, spec.result_key: items[start:end], "NextToken": next_token}
