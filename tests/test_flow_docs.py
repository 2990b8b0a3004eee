"""The example of docs/flows.md, run as it is written there."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cp_mock.flows import HANDLERS, assert_test_case_passed, run_flow, run_test_case

DOCS = Path(__file__).resolve().parent.parent / "docs"
FLOW = json.loads((DOCS / "examples" / "caller-lookup-flow.json").read_text())
FREQUENT = json.loads((DOCS / "examples" / "frequent-caller-flow.json").read_text())


VIP = "arn:aws:connect:us-east-1:123456789012:instance/demo/queue/vip"
STANDARD = "arn:aws:connect:us-east-1:123456789012:instance/demo/queue/standard"
QUEUES = {VIP: {"Name": "VIP"}, STANDARD: {"Name": "Standard"}}
TEST_CASE = (DOCS / "examples" / "gold-caller-test-case.json").read_text()


def test_a_gold_caller_is_greeted_by_name_and_lands_in_the_vip_queue(
    customerprofiles_client: Any,
) -> None:
    client = customerprofiles_client
    client.create_domain(DomainName="contact-centre", DefaultExpirationDays=365)
    client.create_profile(
        DomainName="contact-centre", FirstName="Jane", LastName="Doe",
        PhoneNumber="+15550100", Attributes={"tier": "gold"},
    )  # fmt: skip
    run = run_flow(
        FLOW, domain_name="contact-centre", client=client, queues=QUEUES,
        contact={"ContactId": "c-42", "CustomerEndpoint": {"Address": "+15550100"}},
    )  # fmt: skip
    assert run.path == ["find-caller", "link-contact", "greet", "check-tier", "vip-queue",
                        "to-agent"]  # fmt: skip
    assert run.messages == ["Welcome, Jane"]
    assert run.queue["Name"] == "VIP"
    assert run.ended_by == "TransferContactToQueue"


def test_a_new_caller_gets_a_profile_and_the_standard_queue(customerprofiles_client: Any) -> None:
    client = customerprofiles_client
    client.create_domain(DomainName="contact-centre", DefaultExpirationDays=365)
    run = run_flow(
        FLOW, domain_name="contact-centre", client=client, queues=QUEUES,
        contact={"ContactId": "c-43", "CustomerEndpoint": {"Address": "+15550199"}},
    )  # fmt: skip
    assert run.path[:3] == ["find-caller", "new-caller", "link-contact"]
    assert run.outcomes[0].error_type == "NoneFoundError"
    assert run.queue["Name"] == "Standard"
    found = client.search_profiles(
        DomainName="contact-centre", KeyName="_ctrContactId", Values=["c-43"]
    )["Items"]
    assert found[0]["PhoneNumber"] == "+15550199"
    assert found[0]["Attributes"] == {"source": "ivr"}


def test_the_gold_caller_test_case_passes(customerprofiles_client: Any) -> None:
    client = customerprofiles_client
    client.create_domain(DomainName="contact-centre", DefaultExpirationDays=365)
    client.create_profile(DomainName="contact-centre", FirstName="Jane",
                          PhoneNumber="+15550100", Attributes={"tier": "gold"})  # fmt: skip
    result = run_test_case(
        FLOW, TEST_CASE, domain_name="contact-centre", client=client, queues={VIP: {"Name": "VIP"}},
        contact={"CustomerEndpoint": {"Address": "+15550100"}},
    )  # fmt: skip
    assert_test_case_passed(result)
    assert [o.identifier for o in result.observations if o.matched] == [
        "Call starts", "Greeted by name", "Sent to the queue"]  # fmt: skip


def test_the_test_case_fails_for_a_silver_caller(customerprofiles_client: Any) -> None:
    client = customerprofiles_client
    client.create_domain(DomainName="contact-centre", DefaultExpirationDays=365)
    client.create_profile(DomainName="contact-centre", FirstName="Jane",
                          PhoneNumber="+15550100", Attributes={"tier": "silver"})  # fmt: skip
    result = run_test_case(
        FLOW,
        TEST_CASE,
        domain_name="contact-centre",
        client=client,
        queues=QUEUES,
        contact={"CustomerEndpoint": {"Address": "+15550100"}},
    )
    assert result.problems == [
        "'Greeted by name' assertion 'is-gold': $.Customer.Attributes.tier Equals 'gold', "
        "actual 'silver'",
        "'Sent to the queue' assertion 'in-vip-queue': $.Queue.Name Equals 'VIP', "
        "actual 'Standard'",
    ]


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
    assert run.path[:3] == ["find-caller", "caller-history", "route-by-history"]
    assert run.queue["Id"] == "priority"
    assert run.customer["CalculatedAttributes"] == {
        "calls_this_month": "3", "frequent_caller": "true",
    }  # fmt: skip


def test_docs_page_shows_these_flows_and_these_tests() -> None:
    page = (DOCS / "flows.md").read_text()
    assert "examples/caller-lookup-flow.json" in page
    assert "def test_a_gold_caller_is_greeted_by_name_and_lands_in_the_vip_queue" in page
    assert "def test_the_gold_caller_test_case_passes" in page
    assert "examples/frequent-caller-flow.json" in page
    assert "def test_frequent_caller_is_recognised" in page
    # the test case on the page is the file beside it
    shown = page.split("```json\n", 1)[1].split("```", 1)[0]
    assert json.loads(shown) == json.loads(TEST_CASE)


def test_the_page_lists_every_simulated_action() -> None:
    page = (DOCS / "flows.md").read_text()
    for action_type in HANDLERS:
        assert f"| `{action_type}`" in page, action_type
