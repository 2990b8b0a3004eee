"""Object types and templates (API_PutProfileObjectType, API_GetProfileObjectType,
API_ListProfileObjectTypes, API_DeleteProfileObjectType, API_ListProfileObjectTypeTemplates,
API_GetProfileObjectTypeTemplate; admin guide "Standard identifiers")."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

ORDER_FIELDS = {
    "orderId": {"Source": "_source.id", "Target": "_order.Name", "ContentType": "STRING"},
    "email": {"Source": "_source.email", "Target": "_profile.EmailAddress",
              "ContentType": "EMAIL_ADDRESS"},
}  # fmt: skip
ORDER_KEYS = {
    "orderId": [{"StandardIdentifiers": ["UNIQUE", "ORDER"], "FieldNames": ["orderId"]}],
    "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}],
}


def put_order_type(client: Any, domain: str, **extra: Any) -> dict[str, Any]:
    return dict(
        client.put_profile_object_type(
            DomainName=domain,
            ObjectTypeName="Order",
            Description="web shop orders",
            Fields=ORDER_FIELDS,
            Keys=ORDER_KEYS,
            **extra,
        )  # fmt: skip
    )


def code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


def test_put_get_list_delete_object_type(client: Any, domain: str) -> None:
    put = put_order_type(client, domain, ExpirationDays=30, AllowProfileCreation=True,
                         MaxProfileObjectCount=5, Tags={"team": "shop"})  # fmt: skip
    assert put["ObjectTypeName"] == "Order"
    assert put["Fields"] == ORDER_FIELDS and put["Keys"] == ORDER_KEYS
    assert put["MaxAvailableProfileObjectCount"] == 5
    got = client.get_profile_object_type(DomainName=domain, ObjectTypeName="Order")
    assert got["Description"] == "web shop orders"
    assert got["ExpirationDays"] == 30 and got["AllowProfileCreation"] is True
    assert got["Tags"] == {"team": "shop"}
    items = client.list_profile_object_types(DomainName=domain)["Items"]
    assert [i["ObjectTypeName"] for i in items] == ["Order"]
    assert client.delete_profile_object_type(DomainName=domain, ObjectTypeName="Order")["Message"]
    with pytest.raises(ClientError) as excinfo:
        client.get_profile_object_type(DomainName=domain, ObjectTypeName="Order")
    assert code(excinfo) == "ResourceNotFoundException"


def test_putting_a_type_again_updates_it(client: Any, domain: str) -> None:
    first = put_order_type(client, domain)
    second = put_order_type(client, domain, ExpirationDays=7)
    assert second["ExpirationDays"] == 7
    assert second["CreatedAt"] == first["CreatedAt"]
    assert len(client.list_profile_object_types(DomainName=domain)["Items"]) == 1


def test_object_type_arn_can_be_tagged(client: Any, domain: str) -> None:
    put_order_type(client, domain)
    arn = f"arn:aws:profile:us-east-1:123456789012:domains/{domain}/object-types/Order"
    client.tag_resource(resourceArn=arn, tags={"cost": "crm"})
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == {"cost": "crm"}
    client.delete_profile_object_type(DomainName=domain, ObjectTypeName="Order")
    with pytest.raises(ClientError) as excinfo:
        client.list_tags_for_resource(resourceArn=arn)
    assert code(excinfo) == "ResourceNotFoundException"


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ({}, "at least one key"),
        ({"_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}]},
         "exactly one key must have the UNIQUE"),
        ({"orderId": [{"StandardIdentifiers": ["UNIQUE", "LOOKUP_ONLY"],
                        "FieldNames": ["orderId"]}]}, "both UNIQUE and LOOKUP_ONLY"),
        ({"orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["nope"]}]},
         "'nope' is not defined in Fields"),
    ],
)  # fmt: skip
def test_invalid_key_definitions(client: Any, domain: str, keys: Any, message: str) -> None:
    # Admin guide, "Standard identifiers": UNIQUE "must be specified by exactly one index",
    # "You cannot specify a key as both a UNIQUE identifier and a LOOKUP_ONLY identifier".
    with pytest.raises(ClientError) as excinfo:
        client.put_profile_object_type(
            DomainName=domain, ObjectTypeName="Bad", Description="d", Fields=ORDER_FIELDS,
            Keys=keys,
        )  # fmt: skip
    assert code(excinfo) == "BadRequestException"
    assert message in excinfo.value.response["Error"]["Message"]
    assert client.list_profile_object_types(DomainName=domain)["Items"] == []


def test_templates_catalog(client: Any) -> None:
    items = client.list_profile_object_type_templates()["Items"]
    ids = [i["TemplateId"] for i in items]
    for expected in ("Salesforce-Account", "Salesforce-Contact", "Zendesk-users",
                     "ServiceNow-sys_user", "Marketo-leads", "Segment-Identify",
                     "Shopify-Customer", "CTR"):  # fmt: skip
        assert expected in ids
    contact = client.get_profile_object_type_template(TemplateId="Salesforce-Contact")
    assert contact["SourceName"] == "Salesforce" and contact["SourceObject"] == "Contact"
    # admin guide, "Mapping Salesforce objects": Email -> EmailAddress, Id -> _salesforceContactId
    assert contact["Fields"]["Email"]["Target"] == "_profile.EmailAddress"
    assert contact["Keys"]["_salesforceContactId"][0]["FieldNames"] == ["Id"]


def test_unknown_template_is_404(client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.get_profile_object_type_template(TemplateId="Nope-Nothing")
    assert code(excinfo) == "ResourceNotFoundException"


def test_type_from_template_uses_its_mappings(client: Any, domain: str) -> None:
    put = client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="SfAccount", Description="accounts",
        TemplateId="Salesforce-Account",
    )  # fmt: skip
    template = client.get_profile_object_type_template(TemplateId="Salesforce-Account")
    assert put["TemplateId"] == "Salesforce-Account"
    assert put["Fields"] == template["Fields"] and put["Keys"] == template["Keys"]


def test_template_and_own_mappings_conflict(client: Any, domain: str) -> None:
    # API_PutProfileObjectType, TemplateId: Fields, Keys, AllowProfileCreation and
    # SourceLastUpdatedTimestampFormat come from the template; giving them is a bad request.
    with pytest.raises(ClientError) as excinfo:
        client.put_profile_object_type(
            DomainName=domain, ObjectTypeName="Mixed", Description="d",
            TemplateId="Salesforce-Account", AllowProfileCreation=False,
        )  # fmt: skip
    assert code(excinfo) == "BadRequestException"
    assert "AllowProfileCreation" in excinfo.value.response["Error"]["Message"]


def test_object_type_in_missing_domain_is_404(client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        put_order_type(client, "nowhere")
    assert code(excinfo) == "ResourceNotFoundException"


NEWER_TEMPLATE_MEMBERS = pytest.mark.model_members(
    "GetProfileObjectTypeTemplate",
    "StoreOnly",
    "DefaultMaxProfileObjectCount",
    "DefaultMaxProfileObjectCountEffectiveAfter",
)


@NEWER_TEMPLATE_MEMBERS
def test_template_newer_members_as_documented(client: Any, domain: str) -> None:
    # API_GetProfileObjectTypeTemplate: StoreOnly, and DefaultMaxProfileObjectCount ("If this
    # value isn't present, no default limit applies"). No catalogued template is store-only
    # or limited: the admin guide pages they come from state no limit.
    for item in client.list_profile_object_type_templates()["Items"]:
        template = client.get_profile_object_type_template(TemplateId=item["TemplateId"])
        assert template["StoreOnly"] is False
        assert "DefaultMaxProfileObjectCount" not in template
        assert "DefaultMaxProfileObjectCountEffectiveAfter" not in template
    put = client.put_profile_object_type(DomainName=domain, ObjectTypeName="Calls",
                                         Description="d", TemplateId="CTR")  # fmt: skip
    assert "MaxProfileObjectCount" not in put


@pytest.fixture
def limited_template(monkeypatch: pytest.MonkeyPatch) -> str:
    """A CTR-like template that states a default object limit effective after 2030."""
    from cp_mock.models.objects import templates

    limited = {
        **templates.catalog()["CTR"],
        "TemplateId": "Limited-CTR",
        "DefaultMaxProfileObjectCount": 2,
        "DefaultMaxProfileObjectCountEffectiveAfter": "2030-01-01T00:00:00+00:00",
    }
    catalog = {**templates.catalog(), "Limited-CTR": limited}
    monkeypatch.setattr(templates, "catalog", lambda: catalog)
    return "Limited-CTR"


@NEWER_TEMPLATE_MEMBERS
def test_a_template_default_object_limit_applies_to_domains_created_after_it(
    client: Any, limited_template: str
) -> None:
    # "This default applies when you don't set MaxProfileObjectCount on an object type created
    # from this template ... The default limit applies only to domains created after this time."
    template = client.get_profile_object_type_template(TemplateId=limited_template)
    assert template["DefaultMaxProfileObjectCount"] == 2
    assert template["DefaultMaxProfileObjectCountEffectiveAfter"] == datetime(
        2030, 1, 1, tzinfo=timezone.utc
    )
    client.create_domain(DomainName="older", DefaultExpirationDays=30)
    with freeze_time("2031-01-01T00:00:00Z"):
        client.create_domain(DomainName="newer", DefaultExpirationDays=30)
    limits = {}
    for name in ("older", "newer"):
        put = client.put_profile_object_type(
            DomainName=name, ObjectTypeName="Calls", Description="d", TemplateId=limited_template
        )
        limits[name] = put.get("MaxProfileObjectCount")
    own = client.put_profile_object_type(
        DomainName="newer", ObjectTypeName="Own", Description="d", TemplateId=limited_template,
        MaxProfileObjectCount=5,
    )  # fmt: skip
    assert limits == {"older": None, "newer": 2} and own["MaxProfileObjectCount"] == 5
    # the limit is kept as any MaxProfileObjectCount is: the newest two objects per profile
    for number in range(3):
        record = {"ContactId": f"c-{number}", "CustomerEndpoint": {"Address": "+15550100"},
                  "Channel": "VOICE"}  # fmt: skip
        client.put_profile_object(DomainName="newer", ObjectTypeName="Calls",
                                  Object=json.dumps(record))  # fmt: skip
    [profile] = client.search_profiles(DomainName="newer", KeyName="_phone",
                                       Values=["+15550100"])["Items"]  # fmt: skip
    held = client.list_profile_objects(DomainName="newer", ObjectTypeName="Calls",
                                       ProfileId=profile["ProfileId"])["Items"]  # fmt: skip
    assert sorted(json.loads(o["Object"])["ContactId"] for o in held) == ["c-1", "c-2"]
