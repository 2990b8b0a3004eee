"""Amazon Connect flow blocks that use Customer Profiles, runnable in tests.

``run_action`` simulates one action of an exported flow the way Amazon Connect runs it:
it resolves ``$.`` references against the contact, calls Customer Profiles through a
boto3 client (as the real block does: this module never touches the mock's insides), fills
``$.Customer`` and picks the transition. ``engine.run_flow`` runs whole flows.

Each action follows its page of the flow language reference (Amazon Connect admin guide,
"Flow language: actions"): interactions-getcustomerprofile, -createcustomerprofile,
-updatecustomerprofile, -associatecontacttocustomerprofile, -getcustomerprofileobject,
-getcalculatedattributesforcustomerprofile.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

MULTIPLE_FOUND = "MultipleFoundError"
NONE_FOUND = "NoneFoundError"
NO_MATCHING = "NoMatchingError"
MAX_IDENTIFIERS = 5  # GetCustomerProfile: "any search identifier, up to five total"

ADDRESS_PARTS = ("Address1", "Address2", "Address3", "Address4", "City", "County", "Country",
                 "PostalCode", "Province", "State")  # fmt: skip
ADDRESS_PREFIXES = {"": "Address", "Shipping": "ShippingAddress", "Mailing": "MailingAddress",
                    "Billing": "BillingAddress"}  # fmt: skip
PLAIN_FIELDS = ("FirstName", "MiddleName", "LastName", "PhoneNumber", "EmailAddress",
                "AccountNumber", "AdditionalInformation", "PartyType", "BusinessName",
                "BirthDate", "Gender", "MobilePhoneNumber", "HomePhoneNumber",
                "BusinessPhoneNumber", "BusinessEmailAddress", "PersonalEmailAddress")  # fmt: skip
OBJECT_CATEGORIES = ("Asset", "Order", "Case")
# a profile field an older exported flow searches by, and the standard search key it is
LEGACY_IDENTIFIERS = {"PhoneNumber": "_phone", "EmailAddress": "_email",
                      "AccountNumber": "_account", "ProfileId": "_profileId"}  # fmt: skip


class FlowActionError(ValueError):
    """The action is malformed: Amazon Connect would not accept it in a flow."""


class NotSimulatedError(NotImplementedError):
    """The action is valid Amazon Connect, but this simulator does not run it."""


@dataclass
class ActionOutcome:
    """What one action did: the transition taken and the ``$.Customer`` it left."""

    action_id: str
    next_action: str | None
    error_type: str | None
    customer: dict[str, Any]
    contact: dict[str, Any]


class _Routed(Exception):
    def __init__(self, error_type: str) -> None:
        super().__init__(error_type)
        self.error_type = error_type


# -- reading the parameters -------------------------------------------------------------
REFERENCE = re.compile(r"\$\.[A-Za-z0-9_]+(?:\.[A-Za-z0-9_-]+)*")


def _lookup(path: str, contact: Mapping[str, Any]) -> Any:
    current: Any = contact
    for part in path[2:].split("."):
        if not isinstance(current, Mapping) or part not in current:
            return None
        current = current[part]
    return current


def resolve(value: Any, contact: Mapping[str, Any]) -> Any:
    """A ``$.a.b`` reference read from the contact data; text with references in it
    (``"Hello $.Customer.FirstName"``) with each replaced by its value, or by nothing where
    the data has none; any other value as it is."""
    if not isinstance(value, str) or "$." not in value:
        return value
    if REFERENCE.fullmatch(value):
        return _lookup(value, contact)

    def text_of(match: re.Match[str]) -> str:
        found = _lookup(match[0], contact)
        return "" if found is None or isinstance(found, Mapping | list) else str(found)

    return REFERENCE.sub(text_of, value)


def _request_data(action: Mapping[str, Any], *required: str) -> dict[str, Any]:
    data = (action.get("Parameters") or {}).get("ProfileRequestData") or {}
    if not isinstance(data, Mapping):
        raise FlowActionError(f"{_name(action)}: ProfileRequestData must be an object")
    for name in required:
        if name not in data:
            raise FlowActionError(f"{_name(action)}: {name} must be present")
    return dict(data)


def _response_fields(action: Mapping[str, Any]) -> list[str]:
    """ProfileResponseData as a list of field names (the object form's keys also work)."""
    data = (action.get("Parameters") or {}).get("ProfileResponseData") or []
    if isinstance(data, Mapping):
        return [str(k) for k in data]
    if isinstance(data, list):
        return [str(k) for k in data]
    raise FlowActionError(f"{_name(action)}: ProfileResponseData must be a list or an object")


def _name(action: Mapping[str, Any]) -> str:
    return f"{action.get('Type')} action {action.get('Identifier')!r}"


def profile_request(data: Mapping[str, Any], contact: Mapping[str, Any]) -> dict[str, Any]:
    """ProfileRequestData (flat names: City, ShippingCity, Attributes.x) as API members."""
    request: dict[str, Any] = {}
    for name, raw in data.items():
        value = resolve(raw, contact)
        if value is None:
            continue
        value = str(value)
        if name.startswith("Attributes."):
            request.setdefault("Attributes", {})[name.split(".", 1)[1]] = value
            continue
        for prefix, member in ADDRESS_PREFIXES.items():
            part = name[len(prefix) :] if name.startswith(prefix) else None
            if part in ADDRESS_PARTS and (prefix or name == part):
                request.setdefault(member, {})[part] = value
                break
        else:
            if name not in PLAIN_FIELDS:
                raise FlowActionError(f"ProfileRequestData: unknown field {name!r}")
            request[name] = value
    return request


def flatten_profile(profile: Mapping[str, Any], wanted: list[str]) -> dict[str, Any]:
    """The ``$.Customer`` fields ProfileResponseData asks for; ProfileId is always set."""
    customer: dict[str, Any] = {"ProfileId": profile["ProfileId"]}
    for name in wanted:
        if name.startswith("Attributes."):
            key = name.split(".", 1)[1]
            value = (profile.get("Attributes") or {}).get(key)
            if value is not None:
                customer.setdefault("Attributes", {})[key] = value
            continue
        value = profile.get(name)
        for prefix, member in ADDRESS_PREFIXES.items():
            part = name[len(prefix) :] if name.startswith(prefix) else None
            if part in ADDRESS_PARTS and (prefix or name == part):
                value = (profile.get(member) or {}).get(part)
                break
        if value is not None:
            customer[name] = value
    return customer


# -- the actions ------------------------------------------------------------------------
def _get_customer_profile(
    action: Mapping[str, Any], domain: str, contact: dict[str, Any], client: Any
) -> dict[str, Any]:
    data = _request_data(action)
    single = "IdentifierName" in data
    criteria = data.get("SearchCriteria")
    if single and criteria is not None:
        raise FlowActionError(f"{_name(action)}: give IdentifierName or SearchCriteria, not both")
    if single:
        value = data.get("IdentifierValue", data.get("IdentiferValue"))  # the page spells both
        pairs = [(data["IdentifierName"], value)]
        operator = None
    elif criteria is not None:
        if not isinstance(criteria, list) or not criteria:
            raise FlowActionError(f"{_name(action)}: SearchCriteria needs at least one identifier")
        if len(criteria) > MAX_IDENTIFIERS:
            raise FlowActionError(
                f"{_name(action)}: at most {MAX_IDENTIFIERS} identifiers, got {len(criteria)}"
            )
        operator = data.get("LogicalOperator")
        if operator not in ("AND", "OR"):
            raise FlowActionError(
                f"{_name(action)}: LogicalOperator AND or OR is required with SearchCriteria"
            )
        pairs = [(c.get("IdentifierName"), c.get("IdentifierValue")) for c in criteria]
    elif len(data) == 1 and next(iter(data)) in LEGACY_IDENTIFIERS:
        # Flows exported before IdentifierName existed name the profile field itself
        # (``{"PhoneNumber": "$.CustomerEndpoint.Address"}``): search its standard key.
        [(field_name, value)] = data.items()
        pairs, operator = [(LEGACY_IDENTIFIERS[field_name], value)], None
    else:
        raise FlowActionError(f"{_name(action)}: at least one search identifier must be present")
    keys = []
    for name, raw in pairs:
        if not name:
            raise FlowActionError(f"{_name(action)}: an identifier has no IdentifierName")
        value = resolve(raw, contact)
        if value is None:
            raise _Routed(NO_MATCHING)
        keys.append({"KeyName": name, "Values": [str(value)]})
    request: dict[str, Any] = {"DomainName": domain, **keys[0], "MaxResults": 2}
    if len(keys) > 1:
        request["AdditionalSearchKeys"] = keys[1:]
        request["LogicalOperator"] = operator
    found = client.search_profiles(**request)["Items"]
    if len(found) > 1:
        raise _Routed(MULTIPLE_FOUND)
    if not found:
        raise _Routed(NONE_FOUND)
    return flatten_profile(found[0], _response_fields(action))


def _profile(client: Any, domain: str, profile_id: str) -> dict[str, Any]:
    found = client.search_profiles(DomainName=domain, KeyName="_profileId", Values=[profile_id])
    if not found["Items"]:
        raise _Routed(NO_MATCHING)
    return dict(found["Items"][0])


def _create_customer_profile(
    action: Mapping[str, Any], domain: str, contact: dict[str, Any], client: Any
) -> dict[str, Any]:
    request = profile_request(_request_data(action), contact)
    profile_id = client.create_profile(DomainName=domain, **request)["ProfileId"]
    return flatten_profile(_profile(client, domain, profile_id), _response_fields(action))


def _current_profile_id(data: dict[str, Any], contact: Mapping[str, Any]) -> Any:
    # "Update a customer profile that was previously created or retrieved in the flow"
    return resolve(data.pop("ProfileId", "$.Customer.ProfileId"), contact)


def _update_customer_profile(
    action: Mapping[str, Any], domain: str, contact: dict[str, Any], client: Any
) -> dict[str, Any]:
    data = _request_data(action)
    profile_id = _current_profile_id(data, contact)
    if not profile_id:
        raise _Routed(NO_MATCHING)
    request = profile_request(data, contact)
    client.update_profile(DomainName=domain, ProfileId=str(profile_id), **request)
    customer = dict(contact.get("Customer") or {})
    customer.update(flatten_profile(_profile(client, domain, str(profile_id)),
                                    _response_fields(action)))  # fmt: skip
    return customer


def _associate_contact(
    action: Mapping[str, Any], domain: str, contact: dict[str, Any], client: Any
) -> dict[str, Any]:
    data = _request_data(action, "ProfileId", "ContactId")
    profile_id, contact_id = (
        resolve(data["ProfileId"], contact),
        resolve(data["ContactId"], contact),
    )
    if not profile_id or not contact_id:
        raise _Routed(NO_MATCHING)
    client.add_profile_key(
        DomainName=domain, ProfileId=str(profile_id), KeyName="_ctrContactId",
        Values=[str(contact_id)],
    )  # fmt: skip
    return dict(contact.get("Customer") or {})


def _get_customer_profile_object(
    action: Mapping[str, Any], domain: str, contact: dict[str, Any], client: Any
) -> dict[str, Any]:
    data = _request_data(action, "ProfileId", "ObjectType")
    use_latest = str(resolve(data.get("UseLatest", False), contact)).lower() == "true"
    by_identifier = "IdentifierName" in data and "IdentifierValue" in data
    if use_latest == by_identifier:
        raise FlowActionError(
            f"{_name(action)}: give either UseLatest, or IdentifierName and IdentifierValue"
        )
    profile_id = resolve(data["ProfileId"], contact)
    if not profile_id:
        raise _Routed(NO_MATCHING)
    request: dict[str, Any] = {
        "DomainName": domain, "ProfileId": str(profile_id),
        "ObjectTypeName": str(resolve(data["ObjectType"], contact)),
    }  # fmt: skip
    if by_identifier:
        value = resolve(data["IdentifierValue"], contact)
        request["ObjectFilter"] = {"KeyName": data["IdentifierName"], "Values": [str(value)]}
    items = list(client.list_profile_objects(**request, MaxResults=100)["Items"])
    if not items:
        raise _Routed(NONE_FOUND)
    if len(items) > 1 and not use_latest:
        raise _Routed(MULTIPLE_FOUND)
    customer = dict(contact.get("Customer") or {})
    # Asset, Order and Case fields are the profile's standard object's (_asset, ...): the
    # one found, when ObjectType names it, else the profile's latest (docs/standard-objects.md)
    standard: dict[str, Any] = {}
    for name in _response_fields(action):
        category = next((c for c in OBJECT_CATEGORIES if name.startswith(c)), None)
        if category is None:
            continue
        if category not in standard:
            type_name = f"_{category.lower()}"
            found = items if request["ObjectTypeName"] == type_name else list(
                client.list_profile_objects(DomainName=domain, ProfileId=str(profile_id),
                                            ObjectTypeName=type_name, MaxResults=100)["Items"]
            )  # fmt: skip
            # (objects are listed oldest first)
            standard[category] = json.loads(found[-1]["Object"]) if found else {}
        member = name[len(category) :]
        fields = standard[category]
        value = next((v for k, v in fields.items() if k.lower() == member.lower()), None)
        if value is not None:
            customer.setdefault(category, {})[member] = value
    return customer


def _calculated_attributes(
    action: Mapping[str, Any], domain: str, contact: dict[str, Any], client: Any
) -> dict[str, Any]:
    """The profile's calculated attributes named in ProfileResponseData
    (``CalculatedAttributes.<name>``), under ``$.Customer.CalculatedAttributes``. An
    attribute without a value for the profile is left out."""
    data = _request_data(action, "ProfileId")
    profile_id = resolve(data["ProfileId"], contact)
    if not profile_id:
        raise _Routed(NO_MATCHING)
    wanted = []
    for name in _response_fields(action):
        prefix, _, attribute = name.partition(".")
        if prefix != "CalculatedAttributes" or not attribute:
            raise FlowActionError(
                f"{_name(action)}: ProfileResponseData entries are CalculatedAttributes.<name>, "
                f"not {name!r}"
            )
        wanted.append(attribute)
    values: dict[str, str] = {}
    request = {"DomainName": domain, "ProfileId": str(profile_id), "MaxResults": 100}
    try:
        while True:
            page = client.list_calculated_attributes_for_profile(**request)
            values.update({i["CalculatedAttributeName"]: i["Value"] for i in page["Items"]})
            if not page.get("NextToken"):
                break
            request["NextToken"] = page["NextToken"]
    except ClientError as error:
        # "NoneFoundError - if no profiles were found for the associated profile search key"
        if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            raise _Routed(NONE_FOUND) from error
        raise
    customer = dict(contact.get("Customer") or {})
    found = {name: values[name] for name in wanted if name in values}
    if found:
        customer["CalculatedAttributes"] = {**(customer.get("CalculatedAttributes") or {}), **found}
    return customer


ACTIONS: dict[str, Callable[[Mapping[str, Any], str, dict[str, Any], Any], dict[str, Any]]] = {
    "GetCustomerProfile": _get_customer_profile,
    "CreateCustomerProfile": _create_customer_profile,
    "UpdateCustomerProfile": _update_customer_profile,
    "AssociateContactToCustomerProfile": _associate_contact,
    "GetCustomerProfileObject": _get_customer_profile_object,
    "GetCalculatedAttributesForCustomerProfile": _calculated_attributes,
}


def _default_client() -> Any:
    import boto3

    return boto3.client("customer-profiles", region_name="us-east-1")


def _transition(action: Mapping[str, Any], error_type: str | None) -> str | None:
    transitions = action.get("Transitions") or {}
    if error_type is None:
        next_action = transitions.get("NextAction")
        return str(next_action) if next_action else None
    errors = transitions.get("Errors") or []
    for wanted in (error_type, NO_MATCHING):
        for error in errors:
            if error.get("ErrorType") == wanted:
                return str(error.get("NextAction")) if error.get("NextAction") else None
    return None


def run_action(
    action: Mapping[str, Any],
    domain_name: str,
    contact: Mapping[str, Any] | None = None,
    client: Any = None,
) -> ActionOutcome:
    """Run one Customer Profiles action of an exported flow against the service."""
    action_type = action.get("Type")
    if action_type not in ACTIONS:
        raise FlowActionError(f"{_name(action)}: not a Customer Profiles action this simulates")
    state = copy.deepcopy(dict(contact or {}))
    client = client or _default_client()
    try:
        customer = ACTIONS[str(action_type)](action, domain_name, state, client)
        error_type = None
    except _Routed as routed:
        customer, error_type = dict(state.get("Customer") or {}), routed.error_type
    except (ClientError, BotoCoreError):
        customer, error_type = dict(state.get("Customer") or {}), NO_MATCHING
    state["Customer"] = customer
    return ActionOutcome(
        action_id=str(action.get("Identifier")),
        next_action=_transition(action, error_type),
        error_type=error_type,
        customer=customer,
        contact=state,
    )
