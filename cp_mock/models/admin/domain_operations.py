"""Domains: the container of every other resource (API_CreateDomain ... API_ListDomains).
The ``Domain`` record itself is plain data (models/admin/domains.py)."""

from __future__ import annotations

from typing import Any

from ...exceptions import BadRequestException
from ..backend_state import BackendState, Change
from ..core.arguments import by_member, takes_members
from ..core.changes import DOMAIN_DELETED
from ..core.clock import now
from ..core.operations import operation
from ..core.tags import tags_member
from .domains import Domain

# UpdateDomain: "If specified as an empty string, it will clear any existing value."
CLEARABLE_SETTINGS = ("DefaultEncryptionKey", "DeadLetterQueueUrl")
SETTINGS = (
    "DefaultExpirationDays",
    "DefaultEncryptionKey",
    "DeadLetterQueueUrl",
    "Matching",
    "RuleBasedMatching",
    "DataStore",
)


class DomainOperations(BackendState):
    @operation("CreateDomain")
    @takes_members(*SETTINGS)
    def create_domain(
        self,
        domain_name: str,
        default_expiration_days: int,
        tags: dict[str, str] | None = None,
        **settings: Any,
    ) -> dict[str, Any]:
        if domain_name in self.domains:
            raise BadRequestException(f"Domain {domain_name} already exists")
        domain = Domain(
            name=domain_name,
            arn=self.arn(f"domains/{domain_name}"),
            settings=by_member(
                {**settings, "default_expiration_days": default_expiration_days}, SETTINGS
            ),
        )
        self.tags.register(domain.arn, tags)
        self.domains[domain_name] = domain
        return domain.describe(self.tags.get(domain.arn))

    @operation("GetDomain")
    def get_domain(self, domain_name: str) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        return {**domain.describe(self.tags.get(domain.arn)), "Stats": domain.stats()}

    @operation("UpdateDomain")
    @takes_members(*SETTINGS)
    def update_domain(
        self, domain_name: str, tags: dict[str, str] | None = None, **settings: Any
    ) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        if tags:
            self.tags.tag(domain.arn, tags)
        for setting, value in by_member(settings, SETTINGS).items():
            if value == "" and setting in CLEARABLE_SETTINGS:
                domain.settings.pop(setting, None)
            else:
                domain.settings[setting] = value
        domain.last_updated_at = now()
        return domain.describe(self.tags.get(domain.arn))

    @operation("DeleteDomain")
    def delete_domain(self, domain_name: str) -> dict[str, Any]:
        domain = self.get_domain_state(domain_name)
        del self.domains[domain_name]
        self.tags.forget(domain.arn)
        self.publish(Change(DOMAIN_DELETED, domain))
        return {"Message": f"Domain {domain_name} deleted"}

    @operation("ListDomains")
    def list_domains(self) -> dict[str, Any]:
        return {
            "Items": [
                {
                    "DomainName": d.name,
                    "CreatedAt": d.created_at,
                    "LastUpdatedAt": d.last_updated_at,
                    **tags_member("Tags", self.tags.get(d.arn)),
                }
                for d in sorted(self.domains.values(), key=lambda d: d.name)
            ]
        }
