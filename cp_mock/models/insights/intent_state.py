"""What a domain holds for customer intents (models/insights/intents.py): the intent
definitions and what each profile's activity shows. Plain data; the behaviour lives in
the family."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..core.clock import now

# Each intent type, the IntentConfig member that configures it, and what ListIntentTypes
# says of it (the mock's wording: AWS's descriptions are not published).
INTENT_TYPES: dict[str, tuple[str, str]] = {
    "PRICE_SENSITIVITY": (
        "PriceSensitivityConfig",
        "How sensitive the customer is to price (HIGH or LOW), from their recent web activity.",
    ),
    "WEB_SESSION_SUMMARY": (
        "WebSessionSummaryConfig",
        "A natural language summary of the customer's recent web sessions.",
    ),
    "UPGRADE_UPSELL_PROPENSITY": (
        "UpgradeUpsellPropensityConfig",
        "How likely the customer is to upgrade or buy more (HIGH or LOW), from their recent "
        "web activity.",
    ),
    "LAST_SEARCH_INTENT": (
        "LastSearchIntentConfig",
        "A natural language summary of what the customer last searched for.",
    ),
}
TYPE_OF_CONFIG = {config: intent_type for intent_type, (config, _) in INTENT_TYPES.items()}


@dataclass
class IntentDefinition:
    intent_domain: str
    arn: str
    intents: list[dict[str, Any]]  # the IntentConfigList as last put
    created_at: datetime = field(default_factory=now)
    last_updated_at: datetime = field(default_factory=now)

    def enabled_types(self) -> set[str]:
        return {
            TYPE_OF_CONFIG[member]
            for config in self.intents
            for member, setting in config.items()
            if member in TYPE_OF_CONFIG and setting.get("Enabled")
        }


@dataclass
class IntentState:
    # intent domain -> its definition
    definitions: dict[str, IntentDefinition] = field(default_factory=dict)
    # profile id -> intent type -> the value (HIGH, LOW) or summary its activity shows
    profile_intents: dict[str, dict[str, str]] = field(default_factory=dict)

    def enabled_types(self, intent_domain: str) -> set[str]:
        definition = self.definitions.get(intent_domain)
        return set() if definition is None else definition.enabled_types()

    def intent(self, intent_domain: str, profile_id: str, intent_type: str) -> str | None:
        """The profile's intent of ``intent_type``, when the type is enabled and its
        activity shows one; None otherwise (it cannot be generated)."""
        if intent_type not in self.enabled_types(intent_domain):
            return None
        return self.profile_intents.get(profile_id, {}).get(intent_type)
