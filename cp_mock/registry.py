"""The one place that touches moto's registries.

moto finds a service by matching the request URL against ``moto.backend_index`` and then
importing ``moto.<service>`` for its ``<service>_backends``. Registering Customer Profiles
is therefore: a module alias ``moto.customerprofiles``, one URL pattern, and telling the
backend class where its ``urls`` module lives (moto derives it from the module name,
which does not fit our layout).
"""

from __future__ import annotations

import re
import sys
import types

import moto
import moto.backend_index as backend_index

from . import urls
from .models import CustomerProfilesBackend, customerprofiles_backends

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
