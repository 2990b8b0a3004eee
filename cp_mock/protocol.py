"""The service's wire format (rest-json), read from the botocore model: which operation a
method and path name, the request's members, and the response's status and body.

- Routing: each operation's ``requestUri`` becomes a pattern. A request is tried against
  the patterns of its own number of segments, most specific first; then, for labels that
  hold slashes, against all of them with moto's rule that a URI's last label is greedy
  (so an ARN sent unencoded still reaches ``/tags/{resourceArn}``).
- Requests and results are converted by functions compiled once per shape from the model
  (``converters``).
  moto's parser and serializer walk the model for every value (its serializer asks a value
  picker for every member a shape has, present or not: 80 to 150 us a response); the
  compiled ones visit only the members a message holds. Scalars go through moto's own
  conversions (its parser's methods, its timestamp serializer), resolved once per shape.
  An operation whose shapes use a binding they do not cover (headers, a payload) goes
  through moto's parser or serializer whole, so the choice never changes a message.
- A request body is read strictly: each value must have the JSON type its shape says
  (``converters.WrongType`` names the member otherwise).
- Errors: moto's serializer, from the model's error shapes.
"""

from __future__ import annotations

import base64
import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache, lru_cache
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, unquote

from botocore.model import OperationModel, Shape, StructureShape
from botocore.utils import is_json_value_header
from moto.core.common_types import TYPE_RESPONSE
from moto.core.exceptions import ServiceException
from werkzeug.datastructures import MultiDict

from .compat.moto import (
    ActionContext,
    ActionResult,
    RestJSONParser,
    RestJSONSerializer,
    TimestampSerializer,
    get_service_model,
    settings,
)
from .converters import (
    FLOAT_WORDS,
    JSON_TYPES,
    Convert,
    ShapeCompiler,
    Structure,
    Unsupported,
    WrongType,
    a_string,
)
from .exceptions import BadRequestException

SERVICE_NAME = "customer-profiles"
CONTENT_TYPE = "application/json"


@cache
def service_model() -> Any:
    return get_service_model(SERVICE_NAME)


# -- routing ---------------------------------------------------------------------------
class Route(NamedTuple):
    operation: OperationModel
    uri_params: dict[str, str]


Patterns = tuple[tuple[re.Pattern[str], OperationModel], ...]


class _Routes(NamedTuple):
    by_segments: dict[int, Patterns]  # number of segments -> patterns, labels not greedy
    greedy: Patterns


def _uri_pattern(request_uri: str, greedy_last_label: bool = True) -> str:
    """``/domains/{DomainName}/tags/{arn+}`` as a regex with a group per label."""
    path = request_uri.split("?", 1)[0]
    parts = []
    for segment in path.split("/"):
        if segment.startswith("{") and segment.endswith("}"):
            label = segment[1:-1].rstrip("+")
            greedy = segment.endswith("+}") or (greedy_last_label and path.endswith(segment))
            parts.append(f"(?P<{label}>{'.+' if greedy else '[^/]+'})")
        else:
            parts.append(re.escape(segment))
    return "^" + "/".join(parts) + "$"


def _most_specific_first(patterns: list[tuple[str, OperationModel]]) -> Patterns:
    # Most literal segments first (/domains/{D}/profiles/search before
    # /domains/{D}/calculated-attributes/{Name}), then longest first, as moto orders them.
    def specificity(route: tuple[str, OperationModel]) -> tuple[int, int]:
        pattern = route[0]
        return (pattern.count("/") - pattern.count("(?P<"), len(pattern))

    ordered = sorted(patterns, key=specificity, reverse=True)
    return tuple((re.compile(pattern), op) for pattern, op in ordered)


@cache
def _routes(method: str) -> _Routes:
    model = service_model()
    operations = [model.operation_model(name) for name in model.operation_names]
    paths = [
        (op.http["requestUri"].split("?", 1)[0], op)
        for op in operations
        if op.http["method"] == method
    ]
    by_segments: dict[int, list[tuple[str, OperationModel]]] = {}
    for path, op in paths:
        exact = _uri_pattern(path, greedy_last_label=False)
        by_segments.setdefault(path.count("/"), []).append((exact, op))
    return _Routes(
        {count: _most_specific_first(patterns) for count, patterns in by_segments.items()},
        _most_specific_first([(_uri_pattern(path), op) for path, op in paths]),
    )


@lru_cache(maxsize=1024)
def route(method: str, path: str) -> Route | None:
    """The operation ``method`` and the raw (percent-encoded) ``path`` name, if any (the
    same answer to the same path: its ``uri_params`` are read, never changed)."""
    routes = _routes(method)
    for candidates in (routes.by_segments.get(path.count("/"), ()), routes.greedy):
        for pattern, operation in candidates:
            match = pattern.match(path)
            if match:
                return Route(operation, match.groupdict())
    return None


# -- requests --------------------------------------------------------------------------
@cache
def _parser(operation: OperationModel) -> RestJSONParser:
    return RestJSONParser(operation)


def _reading(parser: RestJSONParser) -> Callable[[Shape], Convert | None]:
    """moto's parser's conversion of a scalar shape, looked up once."""

    def scalar(shape: Shape) -> Convert | None:
        kind = shape.type_name
        if kind == "string" and not is_json_value_header(shape):
            return None
        handler = getattr(parser, f"_parse_{kind}", None)
        if handler is None:
            return None  # moto's parser passes such values on as they are
        return lambda value: handler(shape, value)

    return scalar


def _reading_body(parser: RestJSONParser) -> Callable[[Shape], Convert | None]:
    """moto's parser's conversion of a scalar shape, for a value that has the JSON type
    the shape says (and only for such a value)."""
    convert = _reading(parser)

    def scalar(shape: Shape) -> Convert | None:
        kind = shape.type_name
        if kind == "string":
            handler = convert(shape)
            return a_string if handler is None else _checked(handler, (str,), "a string")
        if kind not in JSON_TYPES:
            return convert(shape)
        types, expected = JSON_TYPES[kind]
        words = FLOAT_WORDS if kind in ("double", "float") else frozenset()
        return _checked(convert(shape), types, expected, words)

    return scalar


def _checked(
    handler: Convert | None, types: tuple[type, ...], expected: str,
    words: frozenset[str] = frozenset(),
) -> Convert:  # fmt: skip
    def read(value: Any) -> Any:
        if type(value) not in types and not (type(value) is str and value in words):
            raise WrongType(expected, value)
        if handler is None:
            return value
        try:
            converted = handler(value)
        except (ValueError, TypeError, OverflowError, OSError) as error:  # a date or base64 unread
            unread = "a finite number" if words else expected  # (words: a double's)
            raise WrongType(unread, value, unreadable=True) from error
        if type(converted) is float and not math.isfinite(converted) and words:
            # a double past any double (1e400): "NaN" and "Infinity" are left to validation
            if type(value) is not str:
                raise WrongType("a finite number", value, unreadable=True)
        return converted

    return read


class _Located(NamedTuple):
    member: str
    wire: str
    kind: str
    convert: Convert | None


@dataclass(frozen=True)
class RequestReader:
    uri: tuple[_Located, ...]
    query: tuple[_Located, ...]
    body: Structure | None

    def __call__(
        self, uri_params: Mapping[str, str], query: str, body: bytes | str
    ) -> dict[str, Any]:
        # The same result as moto's RestJSONParser.parse (tests/test_protocol.py holds it
        # to that), except that body members cannot override URI or query members.
        parsed: dict[str, Any] = {}
        for member, wire, _, convert in self.uri:
            value = unquote(uri_params[wire])
            parsed[member] = value if convert is None else convert(value)
        if self.query:
            values: MultiDict[str, str] = MultiDict(parse_qsl(query, keep_blank_values=True))
            for member, wire, kind, convert in self.query:
                raw: Any
                if kind == "list":
                    raw = values.getlist(wire)
                elif kind == "map":
                    raw = {
                        k: v if len(v) > 1 else v[0] for k, v in values.to_dict(flat=False).items()
                    }
                else:
                    raw = values.get(wire)
                    if raw is None:
                        continue
                parsed[member] = raw if convert is None else convert(raw)
        document = json_body(body)  # refused even by an operation without body members
        if self.body is not None:
            parsed.update(self.body(document))
        return parsed


@cache
def _request_reader(operation: OperationModel) -> RequestReader | None:
    parser = _parser(operation)
    shape = operation.input_shape
    if shape is None:
        return RequestReader((), (), None)
    assert isinstance(shape, StructureShape)
    if "payload" in shape.serialization:
        return None
    compiler = ShapeCompiler(_reading(parser), reading_wire=True)
    located: dict[str, list[_Located]] = {"uri": [], "querystring": []}
    try:
        for name, member in shape.members.items():
            location = member.serialization.get("location")
            if location is None:
                continue
            if location not in located:
                return None
            wire = member.serialization.get("name", name)
            convert = compiler.convert(member)
            located[location].append(_Located(name, wire, member.type_name, convert))
        strict = ShapeCompiler(_reading_body(parser), reading_wire=True, strict=True)
        body = strict.body_members(shape)
    except Unsupported:
        return None
    return RequestReader(
        tuple(located["uri"]), tuple(located["querystring"]), body if body.members else None
    )


class MalformedBody(ValueError):
    """A request body that is neither empty nor a JSON object."""


_TOP_LEVEL_KINDS = {list: "an array", str: "a string", int: "a number", float: "a number",
                    bool: "a boolean", type(None): "null"}  # fmt: skip


def json_body(body: bytes | str) -> dict[str, Any]:
    """The request's JSON object. An empty body is an empty request (botocore sends none
    for an operation without body members); anything else must be a JSON object in UTF-8.
    moto's parser reads a body that is not JSON as an empty request, which would let it
    act (create an empty profile, say) on what the client never asked for."""
    if not body:
        return {}
    try:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
    except UnicodeDecodeError as error:
        raise MalformedBody(f"the body is not UTF-8 (byte {error.start})") from None
    try:
        document = json.loads(text)
    except RecursionError:
        raise MalformedBody("the body nests JSON too deeply") from None
    except ValueError as error:
        raise MalformedBody(f"the body is not JSON: {error}") from None
    if not isinstance(document, dict):
        raise MalformedBody(
            f"the body must be a JSON object, not {_TOP_LEVEL_KINDS[type(document)]}"
        )
    return document


def parse_request(found: Route, query: str, body: bytes | str) -> dict[str, Any]:
    """The request's members, named and typed as the operation's input shape says."""
    reader = _request_reader(found.operation)
    if reader is None:
        json_body(body)  # moto's parser would read a malformed body as an empty request
        return parse_with_moto(found, query, body)
    return reader(found.uri_params, query, body)


@cache
def _moto_parser_unquotes_uri_labels() -> bool:
    # moto 5.2.0 to 5.2.4 hand its parser URI labels as sent and the parser unquotes them;
    # newer releases unquote them while routing and the parser takes them as they come.
    probe = service_model().operation_model("GetDomain")
    request = {"method": "GET", "url_path": "", "url_params": {"DomainName": "a%2Bb"},
               "values": MultiDict(), "headers": {}, "body": b""}  # fmt: skip
    return bool(RestJSONParser(probe).parse(request)["DomainName"] == "a+b")  # type: ignore[arg-type]


def parse_with_moto(
    found: Route, query: str, body: bytes | str, headers: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """What moto's RestJSONParser reads of a request, handed it as moto's own router would
    (the general path for shapes the compiled readers do not cover, and their reference)."""
    labels = found.uri_params
    if not _moto_parser_unquotes_uri_labels():
        labels = {name: unquote(value) for name, value in labels.items()}
    return _parser(found.operation).parse(
        {
            "method": found.operation.http["method"],
            "url_path": "",
            "url_params": labels,
            "values": MultiDict(parse_qsl(query, keep_blank_values=True)),
            "headers": headers or {},  # type: ignore[typeddict-item]
            "body": body,
        }
    )


# -- results ---------------------------------------------------------------------------
_TIMESTAMPS = TimestampSerializer(TimestampSerializer.TIMESTAMP_FORMAT_UNIX)
_UNIX = TimestampSerializer.TIMESTAMP_FORMAT_UNIX


def _in_utc(value: Any) -> Any:
    """A datetime with an offset other than UTC's (a state file may give one) as the same
    moment in UTC: moto's conversions read a datetime's fields as UTC's."""
    if isinstance(value, datetime) and value.tzinfo is not timezone.utc and value.utcoffset():
        return value.astimezone(timezone.utc)
    return value


def _timestamp(shape: Shape) -> Convert:
    fmt = shape.serialization.get("timestampFormat", _UNIX)
    if fmt.lower() != _UNIX:
        return lambda value: _TIMESTAMPS._convert_timestamp_to_str(_in_utc(value), fmt)

    def unix(value: Any) -> Any:
        # A datetime (what the backend keeps) goes straight to moto's conversion; the
        # general path first re-reads it as one, at twice the cost.
        if isinstance(value, datetime):
            return TimestampSerializer._timestamp_unixtimestamp(_in_utc(value))
        return _TIMESTAMPS._convert_timestamp_to_str(value, fmt)

    return unix


def _blob(value: Any) -> str:
    return base64.b64encode(value.encode() if isinstance(value, str) else value).decode()


def _writing(shape: Shape) -> Convert | None:
    """moto's serializer's conversion of a scalar value of ``shape``."""
    kind = shape.type_name
    if kind == "timestamp":
        return _timestamp(shape)
    if kind in ("integer", "long", "byte", "short"):
        return int
    if kind in ("float", "double"):
        return float
    if kind == "blob":
        return _blob
    if kind in ("string", "boolean"):
        return None
    raise Unsupported(f"{shape.name} is of type {kind}")


@dataclass(frozen=True)
class ResultWriter:
    body: Structure
    status_member: str | None
    status: int

    def __call__(self, result: Mapping[str, Any]) -> TYPE_RESPONSE:
        status = self.status
        if self.status_member is not None and result.get(self.status_member) is not None:
            status = int(result[self.status_member])
        indent = 4 if settings.PRETTIFY_RESPONSES else None
        return status, {"Content-Type": CONTENT_TYPE}, json.dumps(self.body(result), indent=indent)


@cache
def _result_writer(operation: OperationModel) -> ResultWriter | None:
    status = int(operation.http.get("responseCode", 200))
    shape = operation.output_shape
    if shape is None:
        return ResultWriter(Structure({}), None, status)
    assert isinstance(shape, StructureShape)
    if "payload" in shape.serialization:
        return None
    located = {
        name: member.serialization["location"]
        for name, member in shape.members.items()
        if "location" in member.serialization
    }
    if any(location != "statusCode" for location in located.values()):
        return None
    try:
        body = ShapeCompiler(_writing, reading_wire=False).body_members(shape)
    except Unsupported:
        return None
    return ResultWriter(body, next(iter(located), None), status)


def render_result(operation: OperationModel, result: Mapping[str, Any]) -> TYPE_RESPONSE:
    """A successful response: status, headers and JSON body, as the output shape says.

    ``result`` is plain data keyed by the model's member names; members the shape does not
    have, and members whose value is None, are left out."""
    writer = _result_writer(operation)
    if writer is None:
        return render_with_moto(operation, result)
    return writer(result)


# -- errors, and the general path ------------------------------------------------------
def render_with_moto(operation: OperationModel, result: object) -> TYPE_RESPONSE:
    """A result or a ``ServiceException`` through moto's serializer, as moto renders it."""
    context = ActionContext(service_model(), operation, RestJSONSerializer, None)  # type: ignore[arg-type]
    return ActionResult(result).execute_result(context)


def render_error(operation: OperationModel, error: Exception) -> TYPE_RESPONSE:
    """A modeled error: the error shape's HTTP status code, X-Amzn-Errortype and message."""
    return render_with_moto(operation, error)


def render_service_error(error: ServiceException) -> TYPE_RESPONSE:
    """A modeled error with no operation to render it by (a request no operation takes):
    what moto renders for an operation's, from the error shape alone."""
    status = int(service_model().shape_for(error.code).metadata["error"]["httpStatusCode"])
    headers = {"X-Amzn-Errortype": error.code, "Content-Type": CONTENT_TYPE}
    return status, headers, json.dumps({"__type": error.code, "Message": error.message})


def unknown_operation(method: str, path: str) -> TYPE_RESPONSE:
    """What the service answers for a method and path no operation has: the model has no
    error for it, and BadRequestException is the one every operation declares."""
    return render_service_error(BadRequestException(f"No operation matches {method} {path}"))
