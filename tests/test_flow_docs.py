"""The example of docs/flows.md, run as it is written there."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cp_mock.flows import run_flow

DOCS = Path(__file__).resolve().parent.parent / "docs"
FLOW = json.loads((DOCS / "examples" / "caller-lookup-flow.json").read_text())
FREQUENT = json.loads((DOCS / "examples" / "frequent-caller-flow.json").read_text())


def test_known_caller_is_greeted(customerprofiles_client: Any) -> None:
    client = customerprofiles_client
    client.create_domain(DomainName="contact-centre", DefaultExpirationDays=365)
    client.create_profile(
        DomainName="contact-centre", FirstName="Jane", LastName="Doe",
        PhoneNumber="+15550100", Attributes={"tier": "gold"},
    )  # fmt: skip
    run = run_flow(
        FLOW, domain_name="contact-centre", client=client,
        contact={"ContactId": "c-42", "CustomerEndpoint": {"Address": "+15550100"}},
    )  # fmt: skip
    assert run.path == ["find-caller", "link-contact"]
    assert run.stopped_at == "greet"  # MessageParticipant is not simulated
    assert run.customer["FirstName"] == "Jane"
    assert run.customer["Attributes"] == {"tier": "gold"}


def test_new_caller_gets_a_profile(customerprofiles_client: Any) -> None:
    client = customerprofiles_client
    client.create_domain(DomainName="contact-centre", DefaultExpirationDays=365)
    run = run_flow(
        FLOW, domain_name="contact-centre", client=client,
        contact={"ContactId": "c-43", "CustomerEndpoint": {"Address": "+15550199"}},
    )  # fmt: skip
    assert run.path == ["find-caller", "new-caller", "link-contact"]
    assert run.outcomes[0].error_type == "NoneFoundError"
    found = client.search_profiles(
        DomainName="contact-centre", KeyName="_ctrContactId", Values=["c-43"]
    )["Items"]
    assert found[0]["PhoneNumber"] == "+15550199"
    assert found[0]["Attributes"] == {"source": "ivr"}


def test_frequent_caller_is_recognised(customerprofiles_client: Any) -> None:
    client = customerprofiles_client
    client.create_domain(DomainName="contact-centre", DefaultExpirationDays=365)
    client.put_profile_object_type(
        DomainName="contact-centre", ObjectTypeName="CTR", Description="contacts",
        TemplateId="CTR",
    )  # fmt: skip
    calls = {"Attributes": [{"Name": "ContactId"}], "Expression": "{CTR.ContactId}"}
    last_30_days = {"Range": {"Value": 30, "Unit": "DAYS"}}
    client.create_calculated_attribute_definition(
        DomainName="contact-centre", CalculatedAttributeName="calls_this_month",
        AttributeDetails=calls, Statistic="COUNT", Conditions=last_30_days,
    )  # fmt: skip
    client.create_calculated_attribute_definition(
        DomainName="contact-centre", CalculatedAttributeName="frequent_caller",
        AttributeDetails=calls, Statistic="COUNT",
        Conditions={**last_30_days, "Threshold": {"Value": "2", "Operator": "GREATER_THAN"}},
    )  # fmt: skip
    for contact_id in ("c-1", "c-2", "c-3"):
        client.put_profile_object(
            DomainName="contact-centre", ObjectTypeName="CTR",
            Object=json.dumps({"ContactId": contact_id,
                               "CustomerEndpoint": {"Address": "+15550100"}}),
        )  # fmt: skip
    run = run_flow(
        FREQUENT, domain_name="contact-centre", client=client,
        contact={"CustomerEndpoint": {"Address": "+15550100"}},
    )  # fmt: skip
    assert run.path == ["find-caller", "caller-history"]
    assert run.stopped_at == "route-by-history"  # Compare is not simulated
    assert run.customer["CalculatedAttributes"] == {
        "calls_this_month": "3", "frequent_caller": "true",
    }  # fmt: skip


def test_docs_page_shows_these_flows_and_these_tests() -> None:
    page = (DOCS / "flows.md").read_text()
    assert "examples/caller-lookup-flow.json" in page
    assert "def test_known_caller_is_greeted" in page
    assert "examples/frequent-caller-flow.json" in page
    assert "def test_frequent_caller_is_recognised" in page
