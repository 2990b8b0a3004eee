"""What every resource family shares: the backend's state as the families see it."""

from __future__ import annotations

from threading import RLock
from typing import TYPE_CHECKING

from ..exceptions import ResourceNotFoundException

if TYPE_CHECKING:
    from .domains import Domain
    from .tags import TagStore


class BackendState:
    """Attributes the family mixins read and write; ``CustomerProfilesBackend`` sets them."""

    account_id: str
    region_name: str
    partition: str
    domains: dict[str, Domain]
    tags: TagStore
    lock: RLock

    def arn(self, resource: str) -> str:
        return f"arn:{self.partition}:profile:{self.region_name}:{self.account_id}:{resource}"

    def get_domain_state(self, domain_name: str) -> Domain:
        domain = self.domains.get(domain_name)
        if domain is None:
            raise ResourceNotFoundException(f"Domain {domain_name} does not exist")
        return domain
