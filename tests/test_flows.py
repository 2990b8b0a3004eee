"""Flow blocks that use Customer Profiles (cp_mock.flows), against the mocked service.

Pages: Amazon Connect flow language, interactions-getcustomerprofile (the seed),
-createcustomerprofile, -updatecustomerprofile, -associatecontacttocustomerprofile,
-getcustomerprofileobject.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from cp_mock.flows import FlowActionError, run_action, run_flow

ERRORS = [
    {"NextAction": "multiple", "ErrorType": "MultipleFoundError"},
    {"NextAction": "none", "ErrorType": "NoneFoundError"},
    {"NextAction": "failed", "ErrorType": "NoMatchingError"},
]
CALLER = {"CustomerEndpoint": {"Address": "+15550100"}, "ContactId": "contact-1",
          "Attributes": {"account": "A-1"}}  # fmt: skip


def get_profile(request: dict[str, Any], fields: Any = None) -> dict[str, Any]:
    return {
        "Identifier": "get", "Type": "GetCustomerProfile",
        "Parameters": {"ProfileRequestData": request,
                       "ProfileResponseData": fields if fields is not None else ["FirstName"]},
        "Transitions": {"NextAction": "found", "Errors": ERRORS},
    }  # fmt: skip


@pytest.fixture
def jane(client: Any, domain: str) -> str:
    return str(
        client.create_profile(
            DomainName=domain, FirstName="Jane", LastName="Doe", PhoneNumber="+15550100",
            AccountNumber="A-1", EmailAddress="jane@example.com",
            Address={"City": "Seattle", "PostalCode": "98101"},
            ShippingAddress={"City": "Tacoma"}, BillingAddress={"PostalCode": "98402"},
            Attributes={"tier": "gold"},
        )["ProfileId"]
    )  # fmt: skip


def test_get_profile_by_caller_phone_fills_customer(client: Any, domain: str, jane: str) -> None:
    action = get_profile(
        {"IdentifierName": "_phone", "IdentifierValue": "$.CustomerEndpoint.Address"},
        ["FirstName", "LastName", "City", "ShippingCity", "BillingPostalCode", "Attributes.tier"],
    )
    outcome = run_action(action, domain_name=domain, contact=CALLER, client=client)
    assert outcome.error_type is None and outcome.next_action == "found"
    assert outcome.customer == {
        "ProfileId": jane, "FirstName": "Jane", "LastName": "Doe", "City": "Seattle",
        "ShippingCity": "Tacoma", "BillingPostalCode": "98402", "Attributes": {"tier": "gold"},
    }  # fmt: skip
    assert outcome.contact["Customer"] == outcome.customer
    assert outcome.contact["CustomerEndpoint"] == CALLER["CustomerEndpoint"]


def test_object_form_of_response_data_and_page_spelling(
    client: Any, domain: str, jane: str
) -> None:
    # The seed prints ProfileResponseData as an object and spells "IdentiferValue".
    action = get_profile({"IdentifierName": "_account", "IdentiferValue": "A-1"},
                         {"FirstName": "", "EmailAddress": ""})  # fmt: skip
    outcome = run_action(action, domain_name=domain, contact={}, client=client)
    assert outcome.customer == {"ProfileId": jane, "FirstName": "Jane",
                                "EmailAddress": "jane@example.com"}  # fmt: skip


def test_search_criteria_and_or(client: Any, domain: str, jane: str) -> None:
    client.create_profile(DomainName=domain, FirstName="Jim", PhoneNumber="+15550100")
    criteria = [
        {"IdentifierName": "_phone", "IdentifierValue": "$.CustomerEndpoint.Address"},
        {"IdentifierName": "_account", "IdentifierValue": "$.Attributes.account"},
    ]
    both = get_profile({"SearchCriteria": criteria, "LogicalOperator": "AND"})
    outcome = run_action(both, domain_name=domain, contact=CALLER, client=client)
    assert (outcome.next_action, outcome.customer["ProfileId"]) == ("found", jane)
    either = get_profile({"SearchCriteria": criteria, "LogicalOperator": "OR"})
    outcome = run_action(either, domain_name=domain, contact=CALLER, client=client)
    assert (outcome.error_type, outcome.next_action) == ("MultipleFoundError", "multiple")


def test_none_found_routes_to_its_branch(client: Any, domain: str) -> None:
    action = get_profile({"IdentifierName": "_phone", "IdentifierValue": "+19999999"})
    outcome = run_action(action, domain_name=domain, contact={}, client=client)
    assert (outcome.error_type, outcome.next_action, outcome.customer) == (
        "NoneFoundError", "none", {},
    )  # fmt: skip


def test_other_failures_are_no_matching(client: Any) -> None:
    action = get_profile({"IdentifierName": "_phone", "IdentifierValue": "+1"})
    outcome = run_action(action, domain_name="no-such-domain", contact={}, client=client)
    assert (outcome.error_type, outcome.next_action) == ("NoMatchingError", "failed")
    unresolved = get_profile({"IdentifierName": "_phone", "IdentifierValue": "$.Nothing.Here"})
    outcome = run_action(unresolved, domain_name="no-such-domain", contact={}, client=client)
    assert outcome.error_type == "NoMatchingError"


def test_error_without_its_own_branch_takes_no_matching(client: Any, domain: str) -> None:
    action = get_profile({"IdentifierName": "_phone", "IdentifierValue": "+1"})
    action["Transitions"]["Errors"] = [{"NextAction": "fallback", "ErrorType": "NoMatchingError"}]
    outcome = run_action(action, domain_name=domain, contact={}, client=client)
    assert (outcome.error_type, outcome.next_action) == ("NoneFoundError", "fallback")


@pytest.mark.parametrize(
    ("request_data", "problem"),
    [
        ({}, "at least one search identifier"),
        ({"IdentifierName": "_phone", "IdentifierValue": "1",
          "SearchCriteria": [{"IdentifierName": "_email", "IdentifierValue": "e"}],
          "LogicalOperator": "OR"}, "not both"),
        ({"SearchCriteria": [{"IdentifierName": "_phone", "IdentifierValue": str(n)}
                             for n in range(6)], "LogicalOperator": "OR"}, "at most 5"),
        ({"SearchCriteria": [{"IdentifierName": "_phone", "IdentifierValue": "1"}]},
         "LogicalOperator"),
    ],
)  # fmt: skip
def test_malformed_get_profile_raises(
    client: Any, domain: str, request_data: dict[str, Any], problem: str
) -> None:
    with pytest.raises(FlowActionError, match=problem):
        run_action(get_profile(request_data), domain_name=domain, contact={}, client=client)


def test_unknown_action_type_raises(client: Any, domain: str) -> None:
    with pytest.raises(FlowActionError, match="not a Customer Profiles action"):
        run_action({"Identifier": "x", "Type": "GetCustomerProfiles"}, domain, client=client)


def test_create_profile_sets_profile_id(client: Any, domain: str) -> None:
    action = {
        "Identifier": "create", "Type": "CreateCustomerProfile",
        "Parameters": {
            "ProfileRequestData": {"FirstName": "Sam", "PhoneNumber": "$.CustomerEndpoint.Address",
                                   "City": "Leeds", "MailingPostalCode": "LS1",
                                   "Attributes.source": "ivr"},
            "ProfileResponseData": ["FirstName", "City"],
        },
        "Transitions": {"NextAction": "next", "Errors": ERRORS},
    }  # fmt: skip
    outcome = run_action(action, domain_name=domain, contact=CALLER, client=client)
    profile_id = outcome.customer["ProfileId"]
    assert outcome.customer == {"ProfileId": profile_id, "FirstName": "Sam", "City": "Leeds"}
    [stored] = client.search_profiles(DomainName=domain, KeyName="_phone",
                                      Values=["+15550100"])["Items"]  # fmt: skip
    assert stored["ProfileId"] == profile_id
    assert stored["MailingAddress"] == {"PostalCode": "LS1"}
    assert stored["Attributes"] == {"source": "ivr"}


def test_create_profile_failure_is_no_matching(client: Any) -> None:
    action = {"Identifier": "c", "Type": "CreateCustomerProfile",
              "Parameters": {"ProfileRequestData": {"FirstName": "x"}},
              "Transitions": {"NextAction": "n", "Errors": ERRORS}}  # fmt: skip
    outcome = run_action(action, domain_name="missing-domain", client=client)
    assert (outcome.error_type, outcome.next_action) == ("NoMatchingError", "failed")


def test_update_profile_found_earlier_in_the_flow(client: Any, domain: str, jane: str) -> None:
    action = {"Identifier": "upd", "Type": "UpdateCustomerProfile",
              "Parameters": {"ProfileRequestData": {"EmailAddress": "$.Attributes.newEmail",
                                                    "City": "Olympia"},
                             "ProfileResponseData": ["EmailAddress", "City"]},
              "Transitions": {"NextAction": "done", "Errors": ERRORS}}  # fmt: skip
    contact = {"Customer": {"ProfileId": jane, "FirstName": "Jane"},
               "Attributes": {"newEmail": "jd@example.com"}}  # fmt: skip
    outcome = run_action(action, domain_name=domain, contact=contact, client=client)
    assert outcome.customer == {"ProfileId": jane, "FirstName": "Jane",
                                "EmailAddress": "jd@example.com", "City": "Olympia"}  # fmt: skip
    without_profile = run_action(action, domain_name=domain, contact={}, client=client)
    assert without_profile.error_type == "NoMatchingError"


def test_associate_contact_adds_ctr_contact_id(client: Any, domain: str, jane: str) -> None:
    action = {"Identifier": "assoc", "Type": "AssociateContactToCustomerProfile",
              "Parameters": {"ProfileRequestData": {"ProfileId": "$.Customer.ProfileId",
                                                    "ContactId": "$.ContactId"}},
              "Transitions": {"NextAction": "after", "Errors": ERRORS}}  # fmt: skip
    outcome = run_action(action, domain, contact={**CALLER, "Customer": {"ProfileId": jane}},
                         client=client)  # fmt: skip
    assert outcome.next_action == "after"
    found = client.search_profiles(DomainName=domain, KeyName="_ctrContactId",
                                   Values=["contact-1"])["Items"]  # fmt: skip
    assert [p["ProfileId"] for p in found] == [jane]
    missing = run_action(action, domain, contact={**CALLER, "Customer": {"ProfileId": "0" * 32}},
                         client=client)  # fmt: skip
    assert missing.error_type == "NoMatchingError"
    with pytest.raises(FlowActionError, match="ContactId must be present"):
        bad = {**action, "Parameters": {"ProfileRequestData": {"ProfileId": jane}}}
        run_action(bad, domain, client=client)


def test_get_profile_object(client: Any, domain: str, jane: str) -> None:
    """The Asset, Order and Case response fields are read from the profile's standard
    objects (flow block reference, "Get customer profile object"), which the orders' field
    Targets fill (admin guide, "Reference for standard objects")."""
    client.put_profile_object_type(
        DomainName=domain, ObjectTypeName="Order", Description="orders",
        Fields={"id": {"Source": "_source.OrderNumber", "Target": "_order.Name"},
                "status": {"Source": "_source.Status", "Target": "_order.Status"},
                "email": {"Source": "_source.Email"}},
        Keys={"orderNumber": [{"StandardIdentifiers": ["UNIQUE", "ORDER"], "FieldNames": ["id"]}],
              "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}]},
    )  # fmt: skip
    for order_id, status in (("o-1", "SHIPPED"), ("o-2", "PENDING")):
        client.put_profile_object(
            DomainName=domain, ObjectTypeName="Order",
            Object=json.dumps({"OrderNumber": order_id, "Status": status,
                               "Email": "jane@example.com"}),
        )  # fmt: skip
    orders = client.list_profile_objects(DomainName=domain, ProfileId=jane, ObjectTypeName="_order")
    first, second = (json.loads(item["Object"])["OrderId"] for item in orders["Items"])

    def object_action(request: dict[str, Any], object_type: str = "_order") -> dict[str, Any]:
        return {"Identifier": "obj", "Type": "GetCustomerProfileObject",
                "Parameters": {"ProfileRequestData": {"ProfileId": "$.Customer.ProfileId",
                                                      "ObjectType": object_type, **request},
                               "ProfileResponseData": ["OrderOrderId", "OrderStatus"]},
                "Transitions": {"NextAction": "ok", "Errors": ERRORS}}  # fmt: skip

    contact = {"Customer": {"ProfileId": jane}}
    latest = run_action(object_action({"UseLatest": True}), domain, contact, client)
    assert latest.customer["Order"] == {"OrderId": second, "Status": "PENDING"}
    by_key = run_action(
        object_action({"IdentifierName": "_orderId", "IdentifierValue": first}), domain,
        contact, client,
    )  # fmt: skip
    assert by_key.customer["Order"] == {"OrderId": first, "Status": "SHIPPED"}
    # a custom type found: the Order fields still come from the standard order
    raw = run_action(object_action({"UseLatest": True}, "Order"), domain, contact, client)
    assert raw.customer["Order"] == {"OrderId": second, "Status": "PENDING"}
    none = run_action(
        object_action({"IdentifierName": "_orderId", "IdentifierValue": "o-9"}), domain,
        contact, client,
    )  # fmt: skip
    assert (none.error_type, none.next_action) == ("NoneFoundError", "none")
    with pytest.raises(FlowActionError, match="either UseLatest"):
        run_action(object_action({}), domain, contact, client)


def calculated_action(profile_id: str, *names: str) -> dict[str, Any]:
    return {
        "Identifier": "calc", "Type": "GetCalculatedAttributesForCustomerProfile",
        "Parameters": {"ProfileRequestData": {"ProfileId": profile_id},
                       "ProfileResponseData": [f"CalculatedAttributes.{n}" for n in names]},
        "Transitions": {"NextAction": "route", "Errors": ERRORS},
    }  # fmt: skip


def test_calculated_attributes_land_under_customer_calculated_attributes(
    client: Any, domain: str, jane: str
) -> None:
    # interactions-getcalculatedattributesforcustomerprofile: "the response's attributes
    # are available dynamically under the $.Customer path"
    client.put_profile_object_type(DomainName=domain, ObjectTypeName="CTR", Description="calls",
                                   TemplateId="CTR")  # fmt: skip
    for name, statistic, field in (
        ("_calls", "COUNT", "ContactId"),
        ("_last_channel", "LAST_OCCURRENCE", "Channel"),
    ):
        client.create_calculated_attribute_definition(
            DomainName=domain, CalculatedAttributeName=name, Statistic=statistic,
            AttributeDetails={"Attributes": [{"Name": field}], "Expression": f"{{CTR.{field}}}"},
        )  # fmt: skip
    for contact_id, channel in (("c-1", "VOICE"), ("c-2", "CHAT")):
        client.put_profile_object(DomainName=domain, ObjectTypeName="CTR", Object=json.dumps(
            {"ContactId": contact_id, "Channel": channel,
             "CustomerEndpoint": {"Address": "+15550100"}}))  # fmt: skip
    contact = {"Customer": {"ProfileId": jane, "FirstName": "Jane"}}
    outcome = run_action(
        calculated_action("$.Customer.ProfileId", "_calls", "_last_channel", "_unknown"),
        domain, contact, client,
    )  # fmt: skip
    assert (outcome.error_type, outcome.next_action) == (None, "route")
    assert outcome.customer == {
        "ProfileId": jane,
        "FirstName": "Jane",
        "CalculatedAttributes": {"_calls": "2", "_last_channel": "CHAT"},
    }
    only_calls = run_action(calculated_action(jane, "_calls"), domain, client=client)
    assert only_calls.customer == {"CalculatedAttributes": {"_calls": "2"}}


def test_calculated_attributes_of_an_unknown_profile_take_none_found(
    client: Any, domain: str
) -> None:
    outcome = run_action(calculated_action("a" * 32, "_calls"), domain, client=client)
    assert (outcome.error_type, outcome.next_action) == ("NoneFoundError", "none")
    unresolved = run_action(calculated_action("$.Customer.ProfileId", "_calls"), domain,
                            client=client)  # fmt: skip
    assert (unresolved.error_type, unresolved.next_action) == ("NoMatchingError", "failed")
    with pytest.raises(FlowActionError, match="ProfileId must be present"):
        run_action({"Identifier": "calc", "Type": "GetCalculatedAttributesForCustomerProfile",
                    "Parameters": {"ProfileRequestData": {}}}, domain, client=client)  # fmt: skip
    with pytest.raises(FlowActionError, match="CalculatedAttributes.<name>"):
        action = calculated_action("a" * 32)
        action["Parameters"]["ProfileResponseData"] = ["FirstName"]
        run_action(action, domain, client=client)


def test_run_flow_follows_transitions_and_stops_at_unsimulated(
    client: Any, domain: str, jane: str
) -> None:
    flow = {
        "Version": "2019-10-30", "StartAction": "get",
        "Actions": [
            get_profile({"IdentifierName": "_phone",
                         "IdentifierValue": "$.CustomerEndpoint.Address"}, ["FirstName"]),
            {"Identifier": "found", "Type": "AssociateContactToCustomerProfile",
             "Parameters": {"ProfileRequestData": {"ProfileId": "$.Customer.ProfileId",
                                                   "ContactId": "$.ContactId"}},
             "Transitions": {"NextAction": "greet", "Errors": ERRORS}},
            {"Identifier": "greet", "Type": "ConnectParticipantWithLexBot",
             "Parameters": {"Text": "Hello $.Customer.FirstName"}, "Transitions": {}},
        ],
    }  # fmt: skip
    run = run_flow(flow, domain_name=domain, contact=CALLER, client=client)
    assert run.path == ["get", "found"]
    assert run.stopped_at == "greet"
    assert "ConnectParticipantWithLexBot is not simulated" in run.stop_reason
    assert run.customer == {"ProfileId": jane, "FirstName": "Jane"}
    again = {"Errors": [{"NextAction": "get", "ErrorType": "NoneFoundError"}]}
    lookup = get_profile({"IdentifierName": "_phone", "IdentifierValue": "+1"})
    looping = {"StartAction": "get", "Actions": [{**lookup, "Transitions": again}]}
    bounded = run_flow(looping, domain, client=client, max_steps=3)
    assert bounded.path == ["get", "get", "get"] and "3 steps" in bounded.stop_reason
