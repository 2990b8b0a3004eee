"""The example of docs/flows.md, run as it is written there."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cp_mock.flows import run_flow

DOCS = Path(__file__).resolve().parent.parent / "docs"
FLOW = json.loads((DOCS / "examples" / "caller-lookup-flow.json").read_text())


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


def test_docs_page_shows_this_flow_and_these_tests() -> None:
    page = (DOCS / "flows.md").read_text()
    assert "examples/caller-lookup-flow.json" in page
    assert "def test_known_caller_is_greeted" in page
