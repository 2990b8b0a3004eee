"""The one place that changes moto's registries.

moto finds a service by matching the request URL against ``moto.backend_index`` and then
importing ``moto.<service>`` for its ``<service>_backends``. Registering Customer Profiles
is therefore: a module alias ``moto.customerprofiles``, one URL pattern, and telling the
backend class where its ``urls`` module lives (moto derives it from the module name,
which does not fit our layout). boto3 calls to the service's own endpoint are also
offered to ``responses.serve_botocore_request`` before moto's stubber matches them
against every service's URL patterns; whatever that door declines goes moto's way.
"""

from __future__ import annotations

import re
import sys
import types
from typing import Any

from moto.core.common_types import TYPE_RESPONSE

from . import urls
from .models import CustomerProfilesBackend, customerprofiles_backends
from .moto_internals import backend_index, botocore_stubber, moto
from .responses import serve_botocore_request

SERVICE = "customerprofiles"
URL_PATTERN = re.compile(r"https?://profile\.(.+)\.amazonaws\.com")


def register() -> None:
    """Make moto serve Customer Profiles; safe to call more than once."""
    module = types.ModuleType(f"moto.{SERVICE}")
    module.customerprofiles_backends = customerprofiles_backends  # type: ignore[attr-defined]
    module.urls = urls  # type: ignore[attr-defined]
    sys.modules[f"moto.{SERVICE}"] = module
    sys.modules[f"moto.{SERVICE}.urls"] = urls
    setattr(moto, SERVICE, module)
    CustomerProfilesBackend._url_module = urls  # type: ignore[assignment]
    if all(service != SERVICE for service, _ in backend_index.backend_url_patterns):
        # First in the list: moto tries the patterns in order and ours is the most specific.
        backend_index.backend_url_patterns.insert(0, (SERVICE, URL_PATTERN))
    _offer_botocore_requests_to_the_service_first()


def _offer_botocore_requests_to_the_service_first() -> None:
    # The stubber is moto's one object behind every mocked client (botocore's built-in
    # handlers, moto's patch_client, its `responses` callback), so wrapping its method
    # covers them all, and a request is still answered once.
    general = botocore_stubber.process_request
    if getattr(general, "__wrapped__", None) is not None:
        return

    def process_request(request: Any) -> TYPE_RESPONSE | None:
        served = serve_botocore_request(request)
        return general(request) if served is None else served

    process_request.__wrapped__ = general  # type: ignore[attr-defined]
    botocore_stubber.process_request = process_request  # type: ignore[method-assign]
