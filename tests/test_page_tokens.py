"""What a NextToken is (docs/usage.md, "Page tokens"): bound to its operation and request,
a pointer to the next item by its unique key, reproducible, opaque and of one length.
tests/test_pagination.py pages every paged operation and refuses tokens not issued.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from botocore.exceptions import ClientError

import cp_mock
from cp_mock import get_backend
from tests.test_pagination import (
    CONNECT,
    DOMAIN,
    make_domain,
    make_profile,
    pages,
    seed,
)


def refusal(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    error = excinfo.value.response["Error"]
    assert error["Code"] == "BadRequestException", error
    assert error["Message"].startswith("The NextToken is invalid: "), error
    return str(error["Message"])


def test_a_token_for_other_parameters_is_a_bad_request(client: Any) -> None:
    make_domain(client)
    for _ in range(2):
        make_profile(client, EmailAddress="a@example.com", BusinessEmailAddress="b@example.com",
                     AccountNumber="a@example.com")  # fmt: skip
    asked = {"DomainName": DOMAIN, "KeyName": "_email", "Values": ["a@example.com"]}
    issued = client.search_profiles(**asked, MaxResults=1)["NextToken"]
    for changed in (
        {"Values": ["b@example.com"]},  # other values, which find the same profiles
        {"KeyName": "_account"},  # another key, which finds the same profiles
        {"LogicalOperator": "OR"},  # a parameter the first request left out
    ):
        with pytest.raises(ClientError) as excinfo:
            client.search_profiles(**{**asked, **changed}, MaxResults=1, NextToken=issued)
        assert "other parameters" in refusal(excinfo), changed
    # the page size is not bound: a caller may change it from page to page
    rest = client.search_profiles(**asked, MaxResults=5, NextToken=issued)
    assert len(rest["Items"]) == 1 and "NextToken" not in rest


def test_a_token_for_another_domain_is_a_bad_request(client: Any) -> None:
    for domain in (DOMAIN, "other"):
        client.create_domain(DomainName=domain, DefaultExpirationDays=30)
        for name in ("TypeA", "TypeB"):  # the same names in both domains
            client.put_profile_object_type(DomainName=domain, ObjectTypeName=name,
                                           Description="d", TemplateId="CTR")  # fmt: skip
    issued = client.list_profile_object_types(DomainName=DOMAIN, MaxResults=1)["NextToken"]
    with pytest.raises(ClientError) as excinfo:
        client.list_profile_object_types(DomainName="other", MaxResults=1, NextToken=issued)
    assert "other parameters" in refusal(excinfo)


def test_a_token_for_another_operation_is_a_bad_request(client: Any) -> None:
    make_domain(client)
    for number in range(2):
        client.put_profile_object_type(DomainName=DOMAIN, ObjectTypeName=f"Type{number}",
                                       Description="d", TemplateId="CTR")  # fmt: skip
        client.put_integration(DomainName=DOMAIN, Uri=CONNECT.format(number),
                               ObjectTypeName=f"Type{number}")  # fmt: skip
    issued = client.list_profile_object_types(DomainName=DOMAIN, MaxResults=1)["NextToken"]
    with pytest.raises(ClientError) as excinfo:
        client.list_integrations(DomainName=DOMAIN, MaxResults=1, NextToken=issued)
    assert "another operation" in refusal(excinfo)


def domain_names(page: dict[str, Any]) -> list[str]:
    return [item["DomainName"] for item in page["Items"]]


def three_domains(client: Any) -> str:
    """paged-a, paged-b, paged-c; the token of the first page of one, which points at b."""
    seed("ListDomains", client)
    first = client.list_domains(MaxResults=1)
    assert domain_names(first) == ["paged-a"]
    return str(first["NextToken"])


def test_a_token_whose_item_was_deleted_is_a_bad_request(client: Any) -> None:
    # Where the deleted item stood is not known any more: the token is refused, not a page
    # guessed (docs/usage.md, "Page tokens").
    issued = three_domains(client)
    client.delete_domain(DomainName="paged-b")
    with pytest.raises(ClientError) as excinfo:
        client.list_domains(MaxResults=1, NextToken=issued)
    assert "no longer listed" in refusal(excinfo)


def test_a_token_finds_its_item_after_others_came_and_went(client: Any) -> None:
    issued = three_domains(client)
    client.delete_domain(DomainName="paged-a")  # the item the token points at moves up
    assert domain_names(client.list_domains(MaxResults=1, NextToken=issued)) == ["paged-b"]
    for name in ("paged-0", "paged-z"):  # listed (by name) before b, and after c
        client.create_domain(DomainName=name, DefaultExpirationDays=1)
    page = client.list_domains(MaxResults=5, NextToken=issued)
    assert domain_names(page) == ["paged-b", "paged-c", "paged-z"]


def test_the_same_request_on_the_same_state_gets_the_same_token(client: Any) -> None:
    issued = three_domains(client)
    assert client.list_domains(MaxResults=1)["NextToken"] == issued
    state = cp_mock.dump_state()
    get_backend().reset()
    cp_mock.load_state(state)  # a token outlives a dump and load (a server restarted, say)
    assert domain_names(client.list_domains(MaxResults=2, NextToken=issued)) == [
        "paged-b", "paged-c"]  # fmt: skip


def test_a_token_is_opaque_and_as_long_whatever_its_key(client: Any) -> None:
    # four objects whose unique keys hold "|" and run to 73 characters
    seeded = seed("ListProfileObjects", client)
    tokens = [page["NextToken"] for page in pages(client, "ListProfileObjects", seeded.params, 9)
              if page.get("NextToken")]  # fmt: skip
    assert len(tokens) == 3 and len({len(token) for token in tokens}) == 1
    for token in tokens:  # nothing of the request or the item shows through
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        assert b"paged" not in raw and b"p2|" not in raw and b"Purchase" not in raw
