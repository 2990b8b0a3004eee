"""Tags on domains (API_TagResource, API_UntagResource, API_ListTagsForResource)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

ARN = "arn:aws:profile:us-east-1:123456789012:domains/{}"


def test_tag_list_untag(client: Any, domain: str) -> None:
    arn = ARN.format(domain)
    client.tag_resource(resourceArn=arn, tags={"env": "test", "team": "crm"})
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == {"env": "test", "team": "crm"}
    # A tag key that already exists takes the new value (API_TagResource).
    client.tag_resource(resourceArn=arn, tags={"env": "prod"})
    client.untag_resource(resourceArn=arn, tagKeys=["team"])
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == {"env": "prod"}
    assert client.get_domain(DomainName=domain)["Tags"] == {"env": "prod"}


def test_at_most_fifty_tags(client: Any, domain: str) -> None:
    arn = ARN.format(domain)
    client.tag_resource(resourceArn=arn, tags={f"k{i}": "v" for i in range(50)})
    with pytest.raises(ClientError) as excinfo:
        client.tag_resource(resourceArn=arn, tags={"one-more": "v"})
    assert excinfo.value.response["Error"]["Code"] == "BadRequestException"
    assert len(client.list_tags_for_resource(resourceArn=arn)["tags"]) == 50


def test_tagging_an_unknown_resource_is_404(client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.tag_resource(resourceArn=ARN.format("ghost"), tags={"a": "b"})
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_reserved_tag_prefix_is_rejected(client: Any, domain: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.tag_resource(resourceArn=ARN.format(domain), tags={"aws:owner": "x"})
    assert excinfo.value.response["Error"]["Code"] == "BadRequestException"
    assert "tags key" in excinfo.value.response["Error"]["Message"]


def test_deleted_domain_leaves_no_tags(client: Any, domain: str) -> None:
    client.tag_resource(resourceArn=ARN.format(domain), tags={"a": "b"})
    client.delete_domain(DomainName=domain)
    client.create_domain(DomainName=domain, DefaultExpirationDays=1)
    # The model's TagMap holds at least one tag, so an untagged resource has no "tags".
    assert "tags" not in client.list_tags_for_resource(resourceArn=ARN.format(domain))
