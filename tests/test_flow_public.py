"""An exported flow from a public repository (tests/data/flows/README.md) that uses
Customer Profiles blocks runs to its end, through boto3 under the mock."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cp_mock.flows import run_flow

GTS = json.loads(
    (
        Path(__file__).parent / "data" / "flows" / "gts-get-customer-profile-information.json"
    ).read_text()
)
BY_NAME = {a["Identifier"]: a["Type"] for a in GTS["Actions"]}


def types(path: list[str]) -> list[str]:
    return [BY_NAME[identifier] for identifier in path]


def test_a_known_caller_hears_their_profile_and_the_menu_until_the_loop_ends(
    client: Any, domain: str
) -> None:
    profile_id = client.create_profile(
        DomainName=domain, FirstName="Jane", LastName="Doe", PhoneNumber="+15550100",
        Address={"Address1": "1 Main St", "City": "Seattle", "State": "WA",
                 "PostalCode": "98101"},
    )["ProfileId"]  # fmt: skip
    run = run_flow(
        GTS,
        domain,
        client=client,
        inputs=["1"],
        contact={"ContactId": "c-1", "CustomerEndpoint": {"Address": "+15550100"}},
    )
    assert run.stop_reason == "the contact was disconnected"
    assert types(run.path[:7]) == [
        "UpdateFlowLoggingBehavior", "MessageParticipant",
        "UpdateContactData",  # Voice ID settings: the error branch, to the lookup
        "GetCustomerProfile", "UpdateContactAttributes", "UpdateContactData",
        "GetParticipantInput",  # the read-out; "1" skips it
    ]  # fmt: skip
    assert run.outcomes[2].error_type == "NoMatchingError"
    # the menu times out three times: the Loop of LoopCount 2 lets it be asked again twice
    assert types(run.path[7:]) == ["GetParticipantInput", "MessageParticipant", "Loop"] * 3 + [
        "DisconnectParticipant"]  # fmt: skip
    assert run.attributes == {
        "FirstName": "Jane",
        "LastName": "Doe",
        "AddressLine1": "1 Main St",
        "City": "Seattle",
        "PostalCode": "98101",
        "State": "WA",
    }
    assert run.contact["CustomerId"] == profile_id
    assert "The first name we have on file for your profile is Jane," in run.messages[1]


def test_an_unknown_caller_is_told_nothing_was_found(client: Any, domain: str) -> None:
    run = run_flow(
        GTS,
        domain,
        client=client,
        contact={"ContactId": "c-2", "CustomerEndpoint": {"Address": "+15550199"}},
    )
    lookup = run.path.index("f7a627b1-1e6a-4810-8a9b-a462ed693c95")
    assert run.outcomes[lookup].error_type == "NoneFoundError"
    assert "We found no information on your profile" in run.messages[1]
    assert run.ended_by == "DisconnectParticipant"
