"""The one place that changes moto's registries.

moto finds a service by matching the request URL against ``moto.backend_index`` and then
importing ``moto.<service>`` for its ``<service>_backends``. Registering Customer Profiles
is therefore: a module alias ``moto.customerprofiles``, one URL pattern, and telling the
backend class where its ``urls`` module lives (moto derives it from the module name,
which does not fit our layout). boto3 calls to the service's own endpoint are also
offered to ``responses.serve_botocore_request`` before moto's stubber matches them
against every service's URL patterns; whatever that door declines goes moto's way.
Stacks in moto's CloudFormation hold the service's resource types (``cloudformation.py``)
and, when one fails, roll back and report its error in the stack's events.

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
from .compat.moto import (
    CLOUDFORMATION_MODELS,
    Undo,
    add_entry,
    after_import,
    backend_index,
    botocore_stubber,
    forget_cloudformation_resource_types,
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


_resource_types_forgotten = False


def _make_stacks_hold_customer_profiles_resources() -> Undo:
    # The resource classes exist since cloudformation.py was imported; moto caches the
    # types it knows when it makes its first stack, which may have happened before that.
    global _resource_types_forgotten
    assert cloudformation.RESOURCE_CLASSES
    if not _resource_types_forgotten:
        forget_cloudformation_resource_types()
        _resource_types_forgotten = True
    return after_import(CLOUDFORMATION_MODELS, _report_failed_resources)


def _report_failed_resources(models: types.ModuleType) -> Undo:
    """moto lets an error of a resource escape CreateStack and UpdateStack; CloudFormation
    accepts the request and fails the stack instead: the resource's event gives the
    service's error, and what the stack made is rolled back. Only the errors of Customer
    Profiles resources are caught, so other stacks behave exactly as moto makes them."""
    stack = models.Stack
    create, update = stack.create_resources, stack.update

    def create_resources(self: Any) -> None:
        try:
            create(self)
        except cloudformation.ResourceFailed as failure:
            _resource_event(models, self, failure, "CREATE_FAILED")
            self._add_stack_event(
                "ROLLBACK_IN_PROGRESS",
                resource_status_reason=(
                    f"The following resource(s) failed to create: [{failure.logical_id}]. "
                    "Rollback requested by user."
                ),
            )
            self.resource_map.delete()
            self.status = "ROLLBACK_COMPLETE"
            self._add_stack_event("ROLLBACK_COMPLETE")

    def update_stack(self: Any, *args: Any, **kwargs: Any) -> None:
        template, template_dict = self.template, self.template_dict
        resources = self.resource_map
        before = (resources._template, resources._resource_json_map)
        try:
            update(self, *args, **kwargs)
        except cloudformation.ResourceFailed as failure:
            _resource_event(models, self, failure, "UPDATE_FAILED")
            self._add_stack_event(
                "UPDATE_ROLLBACK_IN_PROGRESS",
                resource_status_reason=(
                    f"The following resource(s) failed to update: [{failure.logical_id}]."
                ),
            )
            # what the update added goes; what it changed before the failure stays changed
            for logical_id in set(resources._resource_json_map) - set(before[1]):
                added = resources._parsed_resources.pop(logical_id, None)
                if added is not None and not isinstance(added, str):
                    resources._delete_resource(added, resources._resource_json_map[logical_id])
            resources._template, resources._resource_json_map = before
            self.template, self.template_dict = template, template_dict
            self.status = "UPDATE_ROLLBACK_COMPLETE"
            self._add_stack_event("UPDATE_ROLLBACK_COMPLETE")

    create_resources.__wrapped__ = create  # type: ignore[attr-defined]
    update_stack.__wrapped__ = update  # type: ignore[attr-defined]
    undo_create = replace_attribute(stack, "create_resources", create_resources)
    undo_update = replace_attribute(stack, "update", update_stack)
    undo_refusal = _refuse_unknown_resource_types(models.ResourceMap)

    def undo() -> None:
        undo_refusal()
        undo_update()
        undo_create()

    return undo


def _refuse_unknown_resource_types(resource_map: Any) -> Undo:
    """A template with an AWS::CustomerProfiles::* type cloudformation.py does not serve
    fails the stack (through the handlers above) before any resource of it is made or
    changed, where moto would warn and report the stack complete."""
    create, update = resource_map.create, resource_map.update

    def checked_create(self: Any, template: dict[str, Any]) -> bool:
        cloudformation.refuse_unknown_types(template)
        return bool(create(self, template))

    def checked_update(self: Any, template: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        cloudformation.refuse_unknown_types(template)
        update(self, template, *args, **kwargs)

    checked_create.__wrapped__ = create  # type: ignore[attr-defined]
    checked_update.__wrapped__ = update  # type: ignore[attr-defined]
    undo_create = replace_attribute(resource_map, "create", checked_create)
    undo_update = replace_attribute(resource_map, "update", checked_update)

    def undo() -> None:
        undo_update()
        undo_create()

    return undo


def _resource_event(
    models: types.ModuleType, stack: Any, failure: cloudformation.ResourceFailed, status: str
) -> None:
    stack.events.append(
        models.Event(
            stack_id=stack.stack_id,
            stack_name=stack.name,
            logical_resource_id=failure.logical_id,
            physical_resource_id=None,
            resource_type=failure.resource_type,
            resource_status=status,
            resource_status_reason=str(failure),
            resource_properties=None,
        )
    )
