"""Domains through boto3 (API_CreateDomain, API_GetDomain, API_UpdateDomain, API_DeleteDomain,
API_ListDomains)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def error_code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


def test_create_domain_echoes_settings_and_tags(client: Any) -> None:
    created = client.create_domain(
        DomainName="shop",
        DefaultExpirationDays=365,
        DeadLetterQueueUrl="https://sqs.us-east-1.amazonaws.com/123456789012/dlq",
        DefaultEncryptionKey="arn:aws:kms:us-east-1:123456789012:key/abc",
        Tags={"team": "crm"},
    )
    assert created["DomainName"] == "shop"
    assert created["DefaultExpirationDays"] == 365
    assert created["DeadLetterQueueUrl"].endswith("/dlq")
    assert created["Tags"] == {"team": "crm"}
    assert created["CreatedAt"] == created["LastUpdatedAt"]


def test_create_existing_domain_is_a_bad_request(client: Any, domain: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.create_domain(DomainName=domain, DefaultExpirationDays=1)
    assert error_code(excinfo) == "BadRequestException"


def test_get_domain_stats_count_profiles(client: Any, domain: str) -> None:
    for name in ("Ana", "Bo", "Cy"):
        client.create_profile(DomainName=domain, FirstName=name)
    stats = client.get_domain(DomainName=domain)["Stats"]
    assert stats["ProfileCount"] == 3
    assert stats["MeteringProfileCount"] == 3
    assert stats["ObjectCount"] == 0


def test_get_missing_domain_is_404(client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.get_domain(DomainName="nowhere")
    assert error_code(excinfo) == "ResourceNotFoundException"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_update_domain_changes_only_what_is_given(client: Any) -> None:
    client.create_domain(
        DomainName="upd", DefaultExpirationDays=10, DeadLetterQueueUrl="https://q/1"
    )
    updated = client.update_domain(DomainName="upd", DefaultExpirationDays=20)
    assert updated["DefaultExpirationDays"] == 20
    assert updated["DeadLetterQueueUrl"] == "https://q/1"
    assert updated["LastUpdatedAt"] >= updated["CreatedAt"]


def test_update_domain_empty_string_clears_queue_and_key(client: Any) -> None:
    # API_UpdateDomain: "If specified as an empty string, it will clear any existing value."
    client.create_domain(
        DomainName="clr",
        DefaultExpirationDays=10,
        DeadLetterQueueUrl="https://q/1",
        DefaultEncryptionKey="arn:aws:kms:us-east-1:123456789012:key/k",
    )
    client.update_domain(DomainName="clr", DeadLetterQueueUrl="", DefaultEncryptionKey="")
    got = client.get_domain(DomainName="clr")
    assert "DeadLetterQueueUrl" not in got
    assert "DefaultEncryptionKey" not in got


def test_update_domain_sets_matching(client: Any, domain: str) -> None:
    updated = client.update_domain(DomainName=domain, Matching={"Enabled": True})
    assert updated["Matching"]["Enabled"] is True
    assert client.get_domain(DomainName=domain)["Matching"]["Enabled"] is True


def test_update_missing_domain_is_404(client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.update_domain(DomainName="nowhere", DefaultExpirationDays=3)
    assert error_code(excinfo) == "ResourceNotFoundException"


def test_delete_domain_removes_everything_in_it(client: Any, domain: str) -> None:
    profile_id = client.create_profile(DomainName=domain, PhoneNumber="+15550100")["ProfileId"]
    assert client.delete_domain(DomainName=domain)["Message"]
    with pytest.raises(ClientError):
        client.get_domain(DomainName=domain)
    # A domain of the same name starts empty: nothing of the old one survives.
    client.create_domain(DomainName=domain, DefaultExpirationDays=1)
    assert client.get_domain(DomainName=domain)["Stats"]["ProfileCount"] == 0
    found = client.search_profiles(DomainName=domain, KeyName="_profileId", Values=[profile_id])
    assert found["Items"] == []
    assert "Tags" not in client.list_domains()["Items"][0]


def test_delete_missing_domain_is_404(client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.delete_domain(DomainName="nowhere")
    assert error_code(excinfo) == "ResourceNotFoundException"


def test_list_domains_pages_with_max_results(client: Any) -> None:
    names = [f"domain-{i:02d}" for i in range(7)]
    for name in names:
        client.create_domain(DomainName=name, DefaultExpirationDays=1, Tags={"n": name})
    seen, token = [], None
    while True:
        page = client.list_domains(MaxResults=3, **({"NextToken": token} if token else {}))
        assert len(page["Items"]) <= 3
        seen += [item["DomainName"] for item in page["Items"]]
        token = page.get("NextToken")
        if not token:
            break
    assert seen == names
    assert client.list_domains()["Items"][0]["Tags"] == {"n": "domain-00"}


def test_list_domains_rejects_a_forged_token(client: Any, domain: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.list_domains(NextToken="not-a-token")
    assert error_code(excinfo) == "BadRequestException"
