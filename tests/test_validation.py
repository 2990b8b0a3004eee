"""Server-side validation: bounded time on any input, whole-value patterns, exact JSON types.

The shapes and members under test come from the model, not from this file.
"""

from __future__ import annotations

import json
import re
import string
import time
from collections.abc import Iterator
from functools import cache
from typing import Any

import boto3
import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError

from cp_mock import get_backend, mock_customerprofiles, validation
from cp_mock.protocol import service_model
from cp_mock.server import ThreadedServer
from tests.test_server import SIGNED, error_type, http

try:
    from re import _parser as sre_parse  # Python 3.11+
except ImportError:  # Python 3.10
    import sre_parse  # type: ignore[no-redef]

MODEL = service_model()
HUNDRED_KB = 100_000
# Validating one value takes at most a few milliseconds; a backtracking pattern took about
# a second on 100 KB (and 22 s on a 6,720-character RoleArn). The cap, on validation alone,
# guards against the latter with a hundredfold room for a loaded machine.
CAP_SECONDS = 0.5


@pytest.fixture(scope="module")
def unvalidated_client() -> Iterator[Any]:
    """A client that sends what it is given: a JavaScript or raw HTTP caller's freedom.
    One mock for the module: these requests are refused before they reach any state."""
    with mock_customerprofiles():
        yield boto3.client(
            "customer-profiles", region_name="us-east-1", aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(parameter_validation=False, retries={"max_attempts": 1}),
        )  # fmt: skip


# -- adversarial strings, from a pattern -----------------------------------------------
# A character each kind of atom accepts, and characters that end most runs.
_CATEGORY_SAMPLES = {
    sre_parse.CATEGORY_DIGIT: "0",
    sre_parse.CATEGORY_NOT_DIGIT: "a",
    sre_parse.CATEGORY_SPACE: " ",
    sre_parse.CATEGORY_NOT_SPACE: "a",
    sre_parse.CATEGORY_WORD: "a",
    sre_parse.CATEGORY_NOT_WORD: "-",
}
_BREAKERS = "\n :!~"


def _pattern_parts(pattern: str) -> tuple[list[str], list[str], list[int]]:
    """The literal runs of ``pattern``, a sample character of each repeated atom, and the
    least count of each repeat."""
    literals: list[str] = []
    repeated: list[str] = []
    counts: list[int] = []

    def samples(items: Any) -> list[str]:
        found: list[str] = []
        for op, argument in items:
            if op is sre_parse.LITERAL:
                found.append(chr(argument))
            elif op is sre_parse.ANY:
                found += ["a", ":"]
            elif op is sre_parse.IN:
                found += samples(argument)
            elif op is sre_parse.RANGE:
                found += [chr(argument[0]), chr(argument[1])]
            elif op is sre_parse.CATEGORY:
                found.append(_CATEGORY_SAMPLES.get(argument, "a"))
            elif op is sre_parse.SUBPATTERN:
                found += samples(argument[-1])
            elif op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT):
                found += samples(argument[2])
            elif op is sre_parse.BRANCH:
                for branch in argument[1]:
                    found += samples(branch)
        return found

    def walk(items: Any) -> None:
        run = ""
        for op, argument in items:
            if op is sre_parse.LITERAL:
                run += chr(argument)
                continue
            if run:
                literals.append(run)
                run = ""
            if op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT):
                repeated.extend(samples(argument[2]))
                counts.append(argument[0])
                walk(argument[2])
            elif op is sre_parse.SUBPATTERN:
                walk(argument[-1])
            elif op is sre_parse.BRANCH:
                for branch in argument[1]:
                    walk(branch)
        if run:
            literals.append(run)

    walk(sre_parse.parse(pattern))
    return literals, repeated, counts


def _filled(unit: str, size: int) -> str:
    return (unit * (size // max(len(unit), 1) + 1))[:size]


@cache
def adversarial(pattern: str, size: int = HUNDRED_KB) -> tuple[str, ...]:
    """Strings of ``size`` characters that make backtracking patterns work hardest: long
    runs of what the pattern's repeated atoms accept (long, or one short of a repeat's
    least count), its literals pumped (many places a match may start), each ended by a
    character that fails."""
    literals, repeated, counts = _pattern_parts(pattern)
    prefix = literals[0] if literals else ""
    units = sorted(set(repeated) | set("".join(literals)) | set(_BREAKERS))
    found: dict[str, None] = {}
    for char in units:
        for breaker in _BREAKERS:
            found[_filled(char, size - 1) + breaker] = None
            found[prefix + _filled(char, size - 1 - len(prefix)) + breaker] = None
        for literal in literals:
            found[_filled(literal + char, size)] = None
        for count in counts:
            if count > 1:
                for breaker in _BREAKERS:
                    found[_filled(char * (count - 1) + breaker, size)] = None
    for literal in literals:
        found[_filled(literal, size)] = None
        found[prefix + _filled(literal, size - len(prefix))] = None
    return tuple(found)


def patterned_string_shapes() -> list[str]:
    return sorted(
        name
        for name in MODEL.shape_names
        if MODEL.shape_for(name).type_name == "string"
        and MODEL.shape_for(name).metadata.get("pattern")
    )


def timed_problems(shape: Any, value: str) -> tuple[float, list[str]]:
    started = time.perf_counter()
    found = validation.problems(shape, value)
    return time.perf_counter() - started, found


@pytest.mark.parametrize("shape_name", patterned_string_shapes())
def test_every_patterned_shape_judges_adversarial_input_in_bounded_time(shape_name: str) -> None:
    shape = MODEL.shape_for(shape_name)
    meta = shape.metadata
    longest = meta.get("max")
    slow, wrong = [], []
    for value in adversarial(meta["pattern"]):
        # the value at 100 KB, and cut to the longest the shape allows (the pattern runs)
        for candidate in {value, value[:longest] if longest else value}:
            elapsed, found = timed_problems(shape, candidate)
            if elapsed > CAP_SECONDS:
                slow.append(f"{elapsed:.2f} s on {candidate[:40]!r}... ({len(candidate)} chars)")
            too_long = [f"{shape_name} must have at most {longest} characters"]
            if longest and len(candidate) > longest and found != too_long:
                wrong.append(f"{found} for {candidate[:40]!r}... ({len(candidate)} chars)")
    assert not slow, f"{shape_name} /{meta['pattern']}/:\n" + "\n".join(slow)
    assert not wrong, f"{shape_name}: a value too long is judged by its length alone:\n" + (
        "\n".join(wrong)
    )


# -- every patterned member of every request -------------------------------------------
Step = tuple[str, ...]  # ("member", name), ("item",), ("key",) or ("value",)


def patterned_members(shape: Any, steps: tuple[Step, ...] = (), seen: frozenset[str] = frozenset()
                      ) -> Iterator[tuple[tuple[Step, ...], Any]]:  # fmt: skip
    """(path, string shape) for every patterned string reachable in ``shape``."""
    kind = shape.type_name
    if kind == "string" and shape.metadata.get("pattern"):
        yield steps, shape
    elif kind == "structure" and not shape.is_document_type and shape.name not in seen:
        for name, member in shape.members.items():
            yield from patterned_members(member, (*steps, ("member", name)), seen | {shape.name})
    elif kind == "list":
        yield from patterned_members(shape.member, (*steps, ("item",)), seen)
    elif kind == "map":
        yield from patterned_members(shape.key, (*steps, ("key",)), seen)
        yield from patterned_members(shape.value, (*steps, ("value",)), seen)


PLACEHOLDERS = {"structure": {}, "list": [], "map": {}, "string": "x", "integer": 1, "long": 1,
                "double": 1.0, "boolean": True, "timestamp": 0, "blob": b"x"}  # fmt: skip


def request_with(operation: Any, steps: tuple[Step, ...], leaf: str) -> tuple[dict[str, Any], str]:
    """The request that carries ``leaf`` at ``steps`` (members in the URI given a
    placeholder, or botocore cannot build the URL), and the name validation gives it."""
    shapes = [operation.input_shape]
    for step in steps:
        shape = shapes[-1]
        if step[0] == "member":
            shapes.append(shape.members[step[1]])
        elif step[0] == "item":
            shapes.append(shape.member)
        else:
            shapes.append(shape.key if step[0] == "key" else shape.value)
    value: Any = leaf
    for step, shape in zip(reversed(steps), reversed(shapes[:-1]), strict=True):
        if step[0] == "member":
            value = {step[1]: value}
        elif step[0] == "item":
            value = [value]
        elif step[0] == "key":
            value = {value: PLACEHOLDERS[shape.value.type_name]}
        else:
            value = {"k": value}
    params = dict(value)
    for name, member in operation.input_shape.members.items():
        if member.serialization.get("location") == "uri" and name not in params:
            params[name] = "x"
    named = ""
    for step in steps:
        if step[0] == "member":
            named = f"{named}.{step[1]}" if named else step[1]
        elif step[0] == "item":
            named += "[0]"
        elif step[0] == "key":
            named += " key"
        else:
            named += ".k"
    return params, named


URL_SAFE = frozenset(string.ascii_letters + string.digits + "_.-~")


def refused_value(shape: Any, in_url: bool) -> str:
    """A 100 KB adversarial value that ``shape`` refuses; for the URL, one that needs no
    percent-encoding (quoting 100 KB costs the client and the server far more than
    validating it)."""
    for value in adversarial(shape.metadata["pattern"]):
        if in_url and not URL_SAFE.issuperset(value):
            continue
        if validation.problems(shape, value):
            return value
    raise AssertionError(f"{shape.name}: every adversarial value is valid")


@pytest.mark.parametrize("operation_name", MODEL.operation_names)
def test_a_100_kb_value_of_any_patterned_request_member_is_refused_naming_it(
    unvalidated_client: Any, operation_name: str
) -> None:
    operation = MODEL.operation_model(operation_name)
    if operation.input_shape is None:
        return
    wrong = []
    for steps, shape in patterned_members(operation.input_shape):
        location = operation.input_shape.members[steps[0][1]].serialization.get("location")
        params, named = request_with(operation, steps, refused_value(shape, bool(location)))
        # (how long validation takes is held by the test above, on validation alone: here a
        # loaded machine's client, signing and transport would time as much as the mock)
        try:
            getattr(unvalidated_client, xform_name(operation_name))(**params)
            wrong.append(f"{named}: accepted")
            continue
        except ClientError as error:
            answer = error.response["Error"]
        if answer["Code"] != "BadRequestException" or named not in answer["Message"]:
            wrong.append(f"{named}: {answer['Code']} {answer['Message'][:300]}")
    assert not wrong, "\n".join(wrong)


# -- whole-value patterns --------------------------------------------------------------
def witness(items: Any, repeat: int = 1) -> str:
    """A string the parsed pattern ``items`` matches: first choices, each repeat taken
    ``repeat`` times within its bounds."""
    found = ""
    for op, argument in items:
        if op is sre_parse.LITERAL:
            found += chr(argument)
        elif op is sre_parse.ANY:
            found += "a"
        elif op is sre_parse.IN:
            first_op, first = argument[0]
            assert first_op is not sre_parse.NEGATE, "a negated class: no first choice"
            found += witness([(first_op, first)])
        elif op is sre_parse.RANGE:
            found += chr(argument[0])
        elif op is sre_parse.CATEGORY:
            found += _CATEGORY_SAMPLES[argument]
        elif op is sre_parse.SUBPATTERN:
            found += witness(argument[-1], repeat)
        elif op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT):
            least, most, item = argument
            found += witness(item, repeat) * max(least, min(repeat, most))
        elif op is sre_parse.BRANCH:
            found += witness(argument[1][0], repeat)
    return found


def valid_value(shape: Any) -> str:
    """A value of ``shape`` its pattern matches, as long as its bounds ask."""
    parsed = sre_parse.parse(shape.metadata["pattern"])
    least = shape.metadata.get("min", 1)
    return next(v for v in (witness(parsed, n) for n in range(1, 100)) if len(v) >= least)


def anchored_shapes() -> list[str]:
    """Shapes whose pattern is anchored at both ends (``\\$`` elsewhere is a literal)."""
    return [name for name in patterned_string_shapes()
            if MODEL.shape_for(name).metadata["pattern"].startswith("^")
            and MODEL.shape_for(name).metadata["pattern"].endswith("$")]  # fmt: skip


@pytest.mark.parametrize("shape_name", anchored_shapes())
def test_a_pattern_ending_in_dollar_matches_the_whole_value(shape_name: str) -> None:
    # Smithy's pattern trait: an ECMA 262 regular expression, where "$" (no multiline
    # flag) is the end of the input; Python's "$" also matches before a final newline.
    shape = MODEL.shape_for(shape_name)
    pattern = shape.metadata["pattern"]
    assert pattern.startswith("^") and pattern.endswith("$"), "an oracle for ^...$ only"
    whole = re.compile(pattern[1:-1])  # what ^...$ means in ECMAScript: the whole value
    valid = valid_value(shape)
    assert validation.problems(shape, valid) == [], valid
    for value in (valid + "\n", valid + "\n\n", "\n" + valid, valid + "\r\n"):
        refused = validation.problems(shape, value) != []
        assert refused == (whole.fullmatch(value) is None), repr(value)


def test_an_unanchored_pattern_is_searched_for() -> None:
    # Smithy's pattern trait: "patterns are not implicitly anchored"
    uuid = MODEL.shape_for("uuid")  # [a-f0-9]{32}
    assert validation.problems(uuid, "x" + "a" * 32 + "\n") == []
    assert validation.problems(uuid, "a" * 31) == ["uuid must match the pattern [a-f0-9]{32}"]


def test_a_domain_name_with_a_trailing_newline_is_refused(client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.create_domain(DomainName="abc\n", DefaultExpirationDays=1)
    error = excinfo.value.response["Error"]
    assert error["Code"] == "BadRequestException"
    assert "DomainName must match the pattern" in error["Message"]
    assert client.list_domains()["Items"] == []


# -- exact JSON types ------------------------------------------------------------------
# boto3 checks types before it sends; JavaScript, the CLI and raw HTTP callers are not held
# to them, so a value of the wrong JSON type must be refused, not converted.
TYPED = "typed"
AUTO_MERGING = {
    "Consolidation": {"MatchingAttributesList": [["EmailAddress"]]},
    "ConflictResolution": {"ConflictResolvingModel": "RECENCY"},
}


def snapshot(backend: Any) -> str:
    """What a refused request must leave as it was: domains, profiles, index, history."""

    def plain(value: Any) -> Any:
        return sorted(value) if isinstance(value, (set, frozenset)) else str(value)

    state = {
        "domains": {
            name: {
                "settings": domain.settings, "updated": domain.last_updated_at,
                "profiles": domain.profiles, "postings": domain.index.postings(),
                "history": (domain.history.heads, len(domain.history)),  # (newest, how many)
            }
            for name, domain in backend.domains.items()
        },
        "integrations": sorted(backend.integrations),
    }  # fmt: skip
    return json.dumps(state, default=plain, sort_keys=True)


# (operation, body with PROFILE standing for the profile's id, the refusal's message)
WRONG_TYPES = [
    ("CreateDomain", {"DefaultExpirationDays": "5"},
     "DefaultExpirationDays must be an integer, not a string"),
    ("CreateDomain", {"DefaultExpirationDays": 5.5},
     "DefaultExpirationDays must be an integer, not a decimal number"),
    ("CreateDomain", {"DefaultExpirationDays": True},
     "DefaultExpirationDays must be an integer, not a boolean"),
    ("CreateDomain", {"DefaultExpirationDays": 5, "Matching": {"Enabled": "true"}},
     "Matching.Enabled must be true or false, not a string"),
    ("CreateDomain", {"DefaultExpirationDays": 5, "Matching": "yes"},
     "Matching must be an object, not a string"),
    ("CreateDomain", {"DefaultExpirationDays": 5, "Tags": [["team", "crm"]]},
     "Tags must be an object, not an array"),
    ("CreateDomain", {"DefaultExpirationDays": 5, "Tags": {"team": None}},
     "Tags.team must be a string, not null"),
    ("CreateDomain", {"DefaultExpirationDays": 5, "Matching": {"Enabled": True, "AutoMerging": {
        "Enabled": True, "Consolidation": {"MatchingAttributesList": [["EmailAddress"], None]},
        "ConflictResolution": {"ConflictResolvingModel": "RECENCY"}}}},
     "Matching.AutoMerging.Consolidation.MatchingAttributesList[1] must be an array, not null"),
    ("AddProfileKey", {"ProfileId": "PROFILE", "KeyName": "loyalty", "Values": "L9"},
     "Values must be an array, not a string"),
    ("AddProfileKey", {"ProfileId": "PROFILE", "KeyName": "loyalty", "Values": ["L9", None]},
     "Values[1] must be a string, not null"),
    ("AddProfileKey", {"ProfileId": "PROFILE", "KeyName": "loyalty", "Values": [9]},
     "Values[0] must be a string, not an integer"),
    ("UpdateProfile", {"ProfileId": "PROFILE", "Attributes": [["tier", "gold"]]},
     "Attributes must be an object, not an array"),
    ("UpdateProfile", {"ProfileId": "PROFILE", "Address": "1 Main St"},
     "Address must be an object, not a string"),
    ("UpdateProfile", {"ProfileId": 5, "FirstName": "Bo"},
     "ProfileId must be a string, not an integer"),
    ("CreateProfile", {"FirstName": ["Ann"]}, "FirstName must be a string, not an array"),
    ("ListWorkflows", {"QueryStartDate": True},
     "QueryStartDate must be a timestamp, not a boolean"),
    ("GetAutoMergingPreview", {**AUTO_MERGING, "MinAllowedConfidenceScoreForMerging": "0.5"},
     "MinAllowedConfidenceScoreForMerging must be a number, not a string"),
    ("GetAutoMergingPreview", {**AUTO_MERGING, "ConflictResolution": {
        "ConflictResolvingModel": ["RECENCY"]}},
     "ConflictResolution.ConflictResolvingModel must be a string, not an array"),
    # numbers hold to their model types: an integer is 32 bits, a double finite
    ("CreateDomain", {"DefaultExpirationDays": 10**400},
     "DefaultExpirationDays must be an integer from -2147483648 to 2147483647 (32 bits)"),
    ("CreateDomain", {"DefaultExpirationDays": 2**31},
     "DefaultExpirationDays must be an integer from -2147483648 to 2147483647 (32 bits)"),
    ("GetAutoMergingPreview", {**AUTO_MERGING, "MinAllowedConfidenceScoreForMerging": float("nan")},
     "MinAllowedConfidenceScoreForMerging must be a finite number"),
    ("GetAutoMergingPreview", {**AUTO_MERGING, "MinAllowedConfidenceScoreForMerging": 10**400},
     "MinAllowedConfidenceScoreForMerging must be a finite number"),
    ("GetAutoMergingPreview", {**AUTO_MERGING, "MinAllowedConfidenceScoreForMerging": "NaN"},
     "MinAllowedConfidenceScoreForMerging must be a finite number"),
    # a string is Unicode text
    ("CreateProfile", {"FirstName": "\ud800"},
     "FirstName must be Unicode text (it holds a lone surrogate)"),
    ("CreateProfile", {"Attributes": {"tier": "gold\udfff"}},
     "Attributes.tier must be Unicode text"),
]  # fmt: skip


@pytest.fixture(scope="module")
def typed_server() -> Iterator[ThreadedServer]:
    with ThreadedServer() as running:
        yield running


def http_call(server: ThreadedServer, operation: str, body: Any) -> tuple[int, str, str]:
    """``operation`` on the domain TYPED, its body sent as JSON, as a raw HTTP caller would."""
    model = MODEL.operation_model(operation)
    path = model.http["requestUri"].replace("{DomainName}", TYPED if operation != "CreateDomain"
                                            else "fresh")  # fmt: skip
    status, headers, text = http(
        server, model.http["method"], path, json.dumps(body).encode(),
        {"Authorization": SIGNED, "Content-Type": "application/json"},
    )  # fmt: skip
    return status, error_type(headers), text


@pytest.mark.parametrize(("operation", "body", "message"), WRONG_TYPES)
def test_a_value_of_the_wrong_json_type_is_refused_and_changes_nothing(
    typed_server: ThreadedServer, operation: str, body: dict[str, Any], message: str
) -> None:
    backend = get_backend()
    backend.reset()
    backend.create_domain(TYPED, default_expiration_days=5, matching={"Enabled": True})
    profile_id = backend.create_profile(TYPED, first_name="Ann")["ProfileId"]
    body = json.loads(json.dumps(body).replace('"PROFILE"', json.dumps(profile_id)))
    before = snapshot(backend)
    status, code, text = http_call(typed_server, operation, body)
    assert (status, code) == (400, "BadRequestException"), text
    assert message in json.loads(text)["Message"]
    assert snapshot(backend) == before
    backend.reset()


@pytest.mark.parametrize(
    ("operation", "params", "message"),
    [
        ("create_domain", {"DomainName": "fresh", "DefaultExpirationDays": "5"},
         "DefaultExpirationDays must be an integer, not a string"),
        ("create_domain", {"DomainName": "fresh", "DefaultExpirationDays": 5,
                           "Matching": {"Enabled": "false"}},
         "Matching.Enabled must be true or false, not a string"),
        ("create_profile", {"DomainName": TYPED, "Attributes": {"tier": None}},
         "Attributes.tier must be a string, not null"),
        ("search_profiles", {"DomainName": TYPED, "KeyName": "_fullName", "Values": [None]},
         "Values[0] must be a string, not null"),
    ],
)  # fmt: skip
def test_boto3_sending_wrong_types_is_refused(
    unvalidated_client: Any, operation: str, params: dict[str, Any], message: str
) -> None:
    backend = get_backend()
    backend.reset()
    unvalidated_client.create_domain(DomainName=TYPED, DefaultExpirationDays=5)
    before = snapshot(backend)
    with pytest.raises(ClientError) as excinfo:
        getattr(unvalidated_client, operation)(**params)
    error = excinfo.value.response["Error"]
    assert error["Code"] == "BadRequestException" and message in error["Message"], error
    assert snapshot(backend) == before
    backend.reset()


def test_values_of_the_right_json_type_are_read(typed_server: ThreadedServer) -> None:
    backend = get_backend()
    backend.reset()
    backend.create_domain(TYPED, default_expiration_days=5)
    for start in (0, 1.5, "2030-01-01T00:00:00Z"):  # epoch seconds, or a date string
        status, _, text = http_call(typed_server, "ListWorkflows", {"QueryStartDate": start})
        assert status == 200, text
    status, _, text = http_call(typed_server, "CreateProfile", {
        "FirstName": "Ann", "Attributes": {"tier": "gold"}, "Address": {"City": "Oslo"},
        "PartyType": None,  # null is an absent member
    })  # fmt: skip
    assert status == 200, text
    profile = backend.domains[TYPED].profiles[json.loads(text)["ProfileId"]]
    assert (profile["Attributes"], profile["Address"]["City"]) == ({"tier": "gold"}, "Oslo")
    backend.reset()
