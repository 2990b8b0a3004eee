"""Customer intents, Predictive Intent (API_PutIntentDefinition, API_GetIntentDefinition,
API_DeleteIntentDefinition, API_ListIntentTypes, API_BatchGetIntentForProfile), and the
intent filter of event triggers (CreateEventTrigger's IntentFilterDefinition).

An intent definition says which intent types are enabled for an intent domain of a
domain ("The only supported value is DEFAULT"). AWS generates a profile's intents from
"the recent web clickstream activity of the profile", a model nothing here can run: a
test says what a profile's activity shows with ``set_profile_intents``, and
BatchGetIntentForProfile answers from that, as docs/intents.md describes:
- an enabled type the profile has an intent for: an IntentResult (``Value`` HIGH or LOW
  for the classified types, ``Summary`` text for the others);
- an enabled type it has none for: an error INSUFFICIENT_DATA ("the profile doesn't have
  enough recent activity");
- a type not enabled (or no definition at all): an error INTENT_NOT_ENABLED.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ...exceptions import BadRequestException, ResourceNotFoundException
from ..backend_state import BackendState, Change
from ..core.base import copy_plain, the_one_profile
from ..core.changes import REMOVALS, hears
from ..core.clock import now
from ..core.operations import operation
from ..core.tags import tags_member
from .intent_state import INTENT_TYPES, TYPE_OF_CONFIG, IntentDefinition

if TYPE_CHECKING:
    from ..admin.domains import Domain

# IntentDomain: "The only supported value is DEFAULT."
INTENT_DOMAINS = ("DEFAULT",)
# IntentResult: Value ("such as HIGH or LOW") "is returned for the PRICE_SENSITIVITY and
# UPGRADE_UPSELL_PROPENSITY intent types", Summary for the other two.
CLASSIFIED = ("PRICE_SENSITIVITY", "UPGRADE_UPSELL_PROPENSITY")
CLASSES = ("LOW", "HIGH")  # in order, for GREATER_THAN and the like
LONGEST_SUMMARY = 4000  # the model's sensitiveString1To4000
# IntentFilterCondition.ComparisonOperator: CONTAINS for LAST_SEARCH_INTENT; the others
# for the classified types. Intent.Type: "WEB_SESSION_SUMMARY can't be used in an intent
# filter."
SEARCH_OPERATORS = ("CONTAINS",)
CLASS_OPERATORS = ("INCLUSIVE", "EXCLUSIVE", "EQUAL", "GREATER_THAN", "GREATER_THAN_OR_EQUAL",
                   "LESS_THAN", "LESS_THAN_OR_EQUAL")  # fmt: skip
NOT_FILTERABLE = ("WEB_SESSION_SUMMARY",)


def _intent_result(intent_type: str, shown: str) -> dict[str, str]:
    member = "Value" if intent_type in CLASSIFIED else "Summary"
    return {"IntentType": intent_type, member: shown}


def _check_intents(intents: list[dict[str, Any]]) -> None:
    """PutIntentDefinition's Intents: "each intent type can appear at most once. At least
    one intent type must be enabled." (Each entry sets exactly one member: the model's
    union, checked by validation.)"""
    seen: dict[str, int] = {}
    for index, config in enumerate(intents):
        for member in config:
            if member in seen:
                raise BadRequestException(
                    f"Intents[{index}].{member}: the intent type "
                    f"{TYPE_OF_CONFIG.get(member, member)} is configured by Intents"
                    f"[{seen[member]}] already (each intent type can appear at most once)"
                )
            seen[member] = index
    if not any(setting.get("Enabled") for config in intents for setting in config.values()):
        raise BadRequestException("Intents: at least one intent type must be enabled")


# -- the intent filter of event triggers -----------------------------------------------
def check_intent_filter(domain: Domain, definition: Mapping[str, Any] | None) -> None:
    """CreateEventTrigger's IntentFilterDefinition, as its member pages describe it: the
    operators and values each intent type takes, each intent type at most once in a group,
    and "The intent types used in the filter must be enabled in the intent definition of
    the domain"."""
    if definition is None:
        return
    for g, group in enumerate(definition["Groups"]):
        seen: set[tuple[str, str]] = set()
        for c, condition in enumerate(group["Conditions"]):
            where = f"IntentFilterDefinition.Groups[{g}].Conditions[{c}]"
            intent, operator = condition["Intent"], condition["ComparisonOperator"]
            intent_domain, intent_type = intent["IntentDomain"], intent["Type"]
            if intent_type in NOT_FILTERABLE:
                raise BadRequestException(
                    f"{where}.Intent.Type: {intent_type} can't be used in an intent filter"
                )
            if (intent_domain, intent_type) in seen:
                raise BadRequestException(
                    f"{where}.Intent: {intent_type} appears more than once in the group"
                )
            seen.add((intent_domain, intent_type))
            if intent_type not in domain.intents.enabled_types(intent_domain):
                raise BadRequestException(
                    f"{where}.Intent: {intent_type} is not enabled in the {intent_domain} "
                    f"intent definition of domain {domain.name}"
                )
            _check_condition(where, intent_type, operator, condition["Values"])


def _check_condition(where: str, intent_type: str, operator: str, values: list[str]) -> None:
    allowed = CLASS_OPERATORS if intent_type in CLASSIFIED else SEARCH_OPERATORS
    if operator not in allowed:
        raise BadRequestException(
            f"{where}.ComparisonOperator: {intent_type} takes {', '.join(allowed)}, not {operator}"
        )
    if intent_type in CLASSIFIED and (len(values) != 1 or values[0] not in CLASSES):
        raise BadRequestException(
            f"{where}.Values: {intent_type} takes exactly one value, HIGH or LOW"
        )


def _class_holds(operator: str, shown: str, wanted: str) -> bool:
    if shown not in CLASSES:
        return False
    difference = CLASSES.index(shown) - CLASSES.index(wanted)
    comparisons: dict[str, Callable[[int], bool]] = {
        "INCLUSIVE": lambda d: d == 0, "EQUAL": lambda d: d == 0,
        "EXCLUSIVE": lambda d: d != 0,
        "GREATER_THAN": lambda d: d > 0, "GREATER_THAN_OR_EQUAL": lambda d: d >= 0,
        "LESS_THAN": lambda d: d < 0, "LESS_THAN_OR_EQUAL": lambda d: d <= 0,
    }  # fmt: skip
    holds = comparisons.get(operator)
    return holds is not None and holds(difference)


def _condition_holds(condition: Mapping[str, Any], shown: str | None) -> bool:
    """A condition on an intent the profile has none of (not enabled, or not enough
    activity) is not met, whatever its operator."""
    if shown is None:
        return False
    values = condition["Values"]
    if condition["Intent"]["Type"] in CLASSIFIED:
        return _class_holds(condition["ComparisonOperator"], shown, values[0])
    # LAST_SEARCH_INTENT: "met if the last search intent of the profile contains any of
    # the phrases" (compared case-insensitively)
    text = shown.casefold()
    return condition["ComparisonOperator"] == "CONTAINS" and any(
        phrase.casefold() in text for phrase in values
    )


def _combined(operator: str, results: Iterable[bool]) -> bool:
    met = list(results)
    if operator == "ALL":
        return all(met)
    if operator == "ANY":
        return any(met)
    return not any(met)  # NONE


def intent_filter_holds(domain: Domain, profile_id: str, definition: Mapping[str, Any]) -> bool:
    """Whether the profile's intents meet an event trigger's IntentFilterDefinition: each
    group's conditions combined by its LogicalOperator, the groups by the definition's."""
    intents = domain.intents

    def group_holds(group: Mapping[str, Any]) -> bool:
        return _combined(
            group["LogicalOperator"],
            (
                _condition_holds(
                    c, intents.intent(c["Intent"]["IntentDomain"], profile_id, c["Intent"]["Type"])
                )
                for c in group["Conditions"]
            ),
        )

    return _combined(definition["LogicalOperator"], (group_holds(g) for g in definition["Groups"]))


class IntentOperations(BackendState):
    def _intent_definition(self, domain: Domain, intent_domain: str) -> IntentDefinition:
        found = domain.intents.definitions.get(intent_domain)
        if found is None:
            raise ResourceNotFoundException(
                f"Intent definition {intent_domain} does not exist in domain {domain.name}"
            )
        return found

    @operation("PutIntentDefinition")
    def put_intent_definition(
        self,
        domain_name: str,
        intent_domain: str,
        intents: list[dict[str, Any]],
        tags: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        _check_intents(intents)
        found = domain.intents.definitions.get(intent_domain)
        if found is None:
            found = IntentDefinition(
                intent_domain=intent_domain,
                arn=self.arn(f"domains/{domain_name}/intents/{intent_domain}"),
                intents=copy_plain(intents),
            )
            self.tags.register(found.arn, tags)  # refuses too many tags before anything
            domain.intents.definitions[intent_domain] = found
        else:
            if tags:
                # API_PutIntentDefinition, Tags: "If you specify tags when you update an
                # existing intent definition, the operation returns a BadRequestException."
                raise BadRequestException(
                    "Tags: tags can be given only when the intent definition is created; "
                    "use TagResource and UntagResource to change them"
                )
            found.intents = copy_plain(intents)
            found.last_updated_at = now()
        return {
            **self._described(domain, found),
            "IntentDefinitionArn": found.arn,
            **tags_member("Tags", self.tags.get(found.arn)),
        }

    @staticmethod
    def _described(domain: Domain, definition: IntentDefinition) -> dict[str, Any]:
        return {
            "DomainName": domain.name,
            "IntentDomain": definition.intent_domain,
            "Intents": copy_plain(definition.intents),
            "CreatedAt": definition.created_at,
            "LastUpdatedAt": definition.last_updated_at,
        }

    @operation("GetIntentDefinition")
    def get_intent_definition(self, domain_name: str, intent_domain: str) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        return self._described(domain, self._intent_definition(domain, intent_domain))

    @operation("DeleteIntentDefinition")
    def delete_intent_definition(self, domain_name: str, intent_domain: str) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        found = self._intent_definition(domain, intent_domain)
        del domain.intents.definitions[intent_domain]
        self.tags.forget(found.arn)
        return {}

    @operation("ListIntentTypes")
    def list_intent_types(self, intent_domain: str | None = None) -> dict[str, Any]:
        return {
            "Items": [
                {
                    "IntentDomain": listed,
                    "Types": [
                        {"IntentType": intent_type, "Description": description}
                        for intent_type, (_, description) in INTENT_TYPES.items()
                    ],
                }
                for listed in INTENT_DOMAINS
                if intent_domain in (None, listed)
            ]
        }

    @operation("BatchGetIntentForProfile")
    def batch_get_intent_for_profile(
        self,
        domain_name: str,
        intent_domain: str,
        intents: list[str],
        key_name: str,
        key_values: list[str],
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        # "The search key must match exactly one profile. If no profile matches the search
        # key, the operation returns a ResourceNotFoundException. If more than one profile
        # matches the search key, the operation returns a BadRequestException."
        profile_id = the_one_profile(domain, key_name, key_values)
        enabled = domain.intents.enabled_types(intent_domain)
        shown = domain.intents.profile_intents.get(profile_id, {})
        results, errors = [], []
        for intent_type in dict.fromkeys(intents):  # each type once, in the order asked
            if intent_type not in enabled:
                errors.append({
                    "IntentType": intent_type, "Code": "INTENT_NOT_ENABLED",
                    "Message": f"{intent_type} is not enabled in the {intent_domain} intent "
                               f"definition of domain {domain.name}",
                })  # fmt: skip
            elif intent_type not in shown:
                errors.append({
                    "IntentType": intent_type, "Code": "INSUFFICIENT_DATA",
                    "Message": f"Profile {profile_id} does not have enough recent activity "
                               f"to generate {intent_type}",
                })  # fmt: skip
            else:
                results.append(_intent_result(intent_type, shown[intent_type]))
        return {"Intents": results, "Errors": errors}

    # -- not operations ----------------------------------------------------------------
    def set_profile_intents(
        self, domain_name: str, profile_id: str, intents: Mapping[str, str]
    ) -> None:
        """Say what the profile's recent activity shows: intent type -> HIGH or LOW for
        PRICE_SENSITIVITY and UPGRADE_UPSELL_PROPENSITY, a summary (at most 4,000
        characters) for WEB_SESSION_SUMMARY and LAST_SEARCH_INTENT. Replaces what was
        set before; ``{}`` leaves the profile with no intents."""
        domain = self.get_domain_state(domain_name)
        if profile_id not in domain.profiles:
            raise ResourceNotFoundException(f"Profile {profile_id} does not exist")
        checked = {}
        for intent_type, shown in intents.items():
            if intent_type not in INTENT_TYPES:
                raise BadRequestException(
                    f"{intent_type!r} is not an intent type: one of {', '.join(INTENT_TYPES)}"
                )
            if intent_type in CLASSIFIED and shown not in CLASSES:
                raise BadRequestException(f"{intent_type}: HIGH or LOW, not {shown!r}")
            if not isinstance(shown, str) or not 1 <= len(shown) <= LONGEST_SUMMARY:
                raise BadRequestException(
                    f"{intent_type}: a summary of 1 to {LONGEST_SUMMARY} characters"
                )
            checked[intent_type] = shown
        if checked:
            domain.intents.profile_intents[profile_id] = checked
        else:
            domain.intents.profile_intents.pop(profile_id, None)

    @hears(*REMOVALS)
    def forget_removed_profile_intents(self, change: Change) -> None:
        """Subscriber: a removed profile's intents go with it; a merged-away profile's
        activity is the main profile's now, so the intents the main one lacks come from it."""
        if not change.removes_profile:
            return
        held = change.domain.intents.profile_intents
        leaving = held.pop(change.profile_id, None)
        if leaving and change.merged_into is not None:
            held[change.merged_into] = {**leaving, **held.get(change.merged_into, {})}
