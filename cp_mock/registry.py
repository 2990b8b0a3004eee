"""The one place that changes moto's registries.

moto finds a service by matching the request URL against ``moto.backend_index`` and then
importing ``moto.<service>`` for its ``<service>_backends``. Registering Customer Profiles
is therefore: a module alias ``moto.customerprofiles``, one URL pattern, and telling the
backend class where its ``urls`` module lives (moto derives it from the module name,
which does not fit our layout). boto3 calls to the service's own endpoint are also
offered to ``responses.serve_botocore_request`` before moto's stubber matches them
against every service's URL patterns; whatever that door declines goes moto's way.
Stacks in moto's CloudFormation hold the service's resource types (``cloudformation.py``)
and, when one fails, roll back and report its error in the stack's events
(``compat/cloudformation.py``, which owns the moto internals that takes).

Only the backend class's own attribute is set at import. Everything that changes moto is
``register_with_moto``, a patch applied while a mock runs (``compat.moto``) and
undone when the last one stops: outside a mock, moto has no service of that name.
"""

from __future__ import annotations

import functools
import re
import sys
import types
from collections.abc import Callable
from typing import Any

from moto.core.common_types import TYPE_RESPONSE

from . import cloudformation, urls
from .compat.cloudformation import fail_stacks_as_cloudformation_does
from .compat.moto import (
    Undo,
    add_entry,
    backend_index,
    botocore_stubber,
    moto,
    replace_attribute,
    set_entry,
)
from .models import CustomerProfilesBackend, customerprofiles_backends
from .responses import serve_botocore_request

SERVICE = "customerprofiles"
# One DNS label, the region's (one that does not exist is still the service's, to answer as
# it does), which is not S3's: profile.s3.amazonaws.com, profile.s3-external-1.amazonaws.com
# and profile.s3.us-east-1.amazonaws.com are an S3 bucket named "profile".
URL_PATTERN = re.compile(r"https?://profile\.((?!s3\b)[a-z0-9-]+)\.amazonaws\.com")

CustomerProfilesBackend._url_module = urls  # type: ignore[assignment]

_service_module = types.ModuleType(f"moto.{SERVICE}")
_service_module.customerprofiles_backends = customerprofiles_backends  # type: ignore[attr-defined]
_service_module.urls = urls  # type: ignore[attr-defined]


def register_with_moto() -> Undo:
    """Make moto serve Customer Profiles: the patch ``cp_mock`` declares to hold while a
    mock runs. Returns its undo."""
    undos = [
        set_entry(sys.modules, f"moto.{SERVICE}", _service_module),
        set_entry(sys.modules, f"moto.{SERVICE}.urls", urls),
        replace_attribute(moto, SERVICE, _service_module),
        # First in the list: moto tries the patterns in order and ours is the most specific.
        add_entry(backend_index.backend_url_patterns, (SERVICE, URL_PATTERN), index=0),
        _offer_botocore_requests_to_the_service_first(),
        _make_stacks_hold_customer_profiles_resources(),
    ]

    def undo() -> None:
        for undo_one in reversed(undos):
            undo_one()

    return undo


def _offer_botocore_requests_to_the_service_first() -> Undo:
    # The stubber is moto's one object behind every mocked client (botocore's built-in
    # handlers, moto's patch_client, its `responses` callback), so wrapping its method
    # covers them all, and a request is still answered once.
    return replace_attribute(
        botocore_stubber, "process_request", _served_first(botocore_stubber.process_request)
    )


@functools.cache
def _served_first(
    general: Callable[[Any], TYPE_RESPONSE | None],
) -> Callable[[Any], TYPE_RESPONSE | None]:
    # One wrapper per method it wraps, so that every start installs the same function
    # (cp_mock.lifecycle recognises the stubber it registered its callbacks with).
    def process_request(request: Any) -> TYPE_RESPONSE | None:
        ours = URL_PATTERN.match(getattr(request, "url", "") or "") is not None
        served = serve_botocore_request(request) if ours else None
        return general(request) if served is None else served

    process_request.__wrapped__ = general  # type: ignore[attr-defined]
    return process_request


def _make_stacks_hold_customer_profiles_resources() -> Undo:
    # The resource classes exist since cloudformation.py was imported; moto caches the
    # types it knows when it makes its first stack, which may have happened before that.
    assert cloudformation.RESOURCE_CLASSES
    return fail_stacks_as_cloudformation_does(
        cloudformation.ResourceFailed, cloudformation.refuse_unknown_types
    )
