"""SearchProfiles (API_SearchProfiles; Profile.FoundByItems)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def ids(response: dict[str, Any]) -> list[str]:
    return [p["ProfileId"] for p in response["Items"]]


@pytest.fixture
def people(client: Any, domain: str) -> dict[str, str]:
    def make(name: str, **fields: Any) -> str:
        return str(client.create_profile(DomainName=domain, **fields)["ProfileId"])

    return {
        "jane": make("jane", FirstName="Jane", LastName="Doe", AccountNumber="A1",
                     PhoneNumber="+15550100", EmailAddress="jane@example.com"),
        "john": make("john", FirstName="John", MiddleName="Q", LastName="Doe",
                     MobilePhoneNumber="+15550100", BusinessEmailAddress="john@acme.com"),
        "ann": make("ann", FirstName="Ann", HomePhoneNumber="+15550200",
                    PersonalEmailAddress="ann@example.org"),
        "bob": make("bob", BusinessName="Bob Inc", BusinessPhoneNumber="+15550300",
                    AccountNumber="A2"),
    }  # fmt: skip


@pytest.mark.parametrize(
    ("key", "value", "who"),
    [
        ("_account", "A1", ["jane"]),
        ("_phone", "+15550100", ["jane", "john"]),  # PhoneNumber and MobilePhoneNumber
        ("_phone", "+15550200", ["ann"]),  # HomePhoneNumber
        ("_phone", "+15550300", ["bob"]),  # BusinessPhoneNumber
        ("_email", "jane@example.com", ["jane"]),  # EmailAddress
        ("_email", "john@acme.com", ["john"]),  # BusinessEmailAddress
        ("_email", "ann@example.org", ["ann"]),  # PersonalEmailAddress
        ("_fullName", "Jane Doe", ["jane"]),
        ("_fullName", "John Q Doe", ["john"]),  # "FirstName MiddleName LastName"
        ("_fullName", "Doe", []),  # exact values, not substrings
    ],
)
def test_standard_index(
    client: Any, domain: str, people: dict[str, str], key: str, value: str, who: list[str]
) -> None:
    found = client.search_profiles(DomainName=domain, KeyName=key, Values=[value])
    assert ids(found) == [people[name] for name in who]
    assert all("FoundByItems" not in p for p in found["Items"])


def test_profile_id_key(client: Any, domain: str, people: dict[str, str]) -> None:
    found = client.search_profiles(DomainName=domain, KeyName="_profileId", Values=[people["ann"]])
    assert ids(found) == [people["ann"]]


def test_several_values_of_one_key_are_alternatives(
    client: Any, domain: str, people: dict[str, str]
) -> None:
    found = client.search_profiles(DomainName=domain, KeyName="_account", Values=["A1", "A2"])
    assert ids(found) == [people["jane"], people["bob"]]


def test_additional_keys_or_is_the_default(
    client: Any, domain: str, people: dict[str, str]
) -> None:
    found = client.search_profiles(
        DomainName=domain, KeyName="_account", Values=["A1"],
        AdditionalSearchKeys=[{"KeyName": "_email", "Values": ["ann@example.org", "x@y.z"]}],
    )  # fmt: skip
    assert ids(found) == [people["jane"], people["ann"]]
    # OR: each profile lists the key-value pairs it was found by.
    assert found["Items"][0]["FoundByItems"] == [{"KeyName": "_account", "Values": ["A1"]}]
    assert found["Items"][1]["FoundByItems"] == [
        {"KeyName": "_email", "Values": ["ann@example.org"]}
    ]


def test_additional_keys_and(client: Any, domain: str, people: dict[str, str]) -> None:
    search_keys = [{"KeyName": "_fullName", "Values": ["Jane Doe", "John Q Doe"]}]
    found = client.search_profiles(
        DomainName=domain, KeyName="_phone", Values=["+15550100"],
        AdditionalSearchKeys=search_keys, LogicalOperator="AND",
    )  # fmt: skip
    assert ids(found) == [people["jane"], people["john"]]
    narrowed = client.search_profiles(
        DomainName=domain, KeyName="_phone", Values=["+15550100"], LogicalOperator="AND",
        AdditionalSearchKeys=[{"KeyName": "_email", "Values": ["john@acme.com"]}],
    )  # fmt: skip
    assert ids(narrowed) == [people["john"]]
    # AND: FoundByItems holds every pair of the request.
    assert narrowed["Items"][0]["FoundByItems"] == [
        {"KeyName": "_phone", "Values": ["+15550100"]},
        {"KeyName": "_email", "Values": ["john@acme.com"]},
    ]


def test_five_keys_at_most(client: Any, domain: str) -> None:
    extra = [{"KeyName": "_email", "Values": [f"{i}@x"]} for i in range(5)]
    with pytest.raises(ClientError) as excinfo:
        client.search_profiles(
            DomainName=domain, KeyName="_phone", Values=["1"], AdditionalSearchKeys=extra
        )
    error = excinfo.value.response["Error"]
    assert error["Code"] == "BadRequestException"
    assert "AdditionalSearchKeys" in error["Message"]


def test_bad_logical_operator(client: Any, domain: str) -> None:
    client_no_check = client  # botocore does not check enums; the service does
    with pytest.raises(ClientError) as excinfo:
        client_no_check.search_profiles(
            DomainName=domain, KeyName="_phone", Values=["1"], LogicalOperator="XOR",
            AdditionalSearchKeys=[{"KeyName": "_email", "Values": ["e"]}],
        )  # fmt: skip
    assert "LogicalOperator" in excinfo.value.response["Error"]["Message"]


def test_default_page_is_twenty_then_next_token(client: Any, domain: str) -> None:
    made = [
        client.create_profile(DomainName=domain, AccountNumber="shared")["ProfileId"]
        for _ in range(45)
    ]
    first = client.search_profiles(DomainName=domain, KeyName="_account", Values=["shared"])
    assert len(first["Items"]) == 20  # API_SearchProfiles: "The default is 20"
    pages, token = [ids(first)], first["NextToken"]
    while token:
        page = client.search_profiles(
            DomainName=domain, KeyName="_account", Values=["shared"], NextToken=token,
            MaxResults=20,
        )  # fmt: skip
        pages.append(ids(page))
        token = page.get("NextToken")
    assert [len(p) for p in pages] == [20, 20, 5]
    assert sum(pages, []) == made


def test_token_belongs_to_its_search(client: Any, domain: str) -> None:
    for _ in range(3):
        client.create_profile(DomainName=domain, AccountNumber="t")
    token = client.search_profiles(
        DomainName=domain, KeyName="_account", Values=["t"], MaxResults=1
    )["NextToken"]
    with pytest.raises(ClientError) as excinfo:
        client.search_profiles(DomainName=domain, KeyName="_account", Values=["u"], NextToken=token)
    assert excinfo.value.response["Error"]["Code"] == "BadRequestException"


def test_search_in_missing_domain_is_404(client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.search_profiles(DomainName="nowhere", KeyName="_phone", Values=["1"])
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_search_uses_the_index_not_a_scan(
    client: Any, domain: str, customerprofiles_backend: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    profile_id = client.create_profile(DomainName=domain, PhoneNumber="+1")["ProfileId"]

    class NoScan(dict[str, Any]):
        def values(self) -> Any:
            raise AssertionError("search scanned every profile")

        def items(self) -> Any:
            raise AssertionError("search scanned every profile")

        def __iter__(self) -> Any:
            raise AssertionError("search scanned every profile")

    state = customerprofiles_backend.domains[domain]
    monkeypatch.setattr(state, "profiles", NoScan(state.profiles))
    assert ids(client.search_profiles(DomainName=domain, KeyName="_phone", Values=["+1"])) == [
        profile_id
    ]
