"""moto's CloudFormation, made to fail a stack as CloudFormation does.

moto lets a resource's error escape CreateStack and UpdateStack, and warns of a resource
type it does not know and reports the stack complete. These patches (``Stack.create_resources``
and ``Stack.update``, ``ResourceMap.create`` and ``update``, and the ResourceMap and Event
internals a rollback needs) are moto's private details: tests/test_moto_adapter.py names
each one it relies on.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any, Protocol, cast

from .moto import (
    CLOUDFORMATION_MODELS,
    Undo,
    after_import,
    forget_cloudformation_resource_types,
    replace_attribute,
)

_resource_types_forgotten = False


class ResourceFailure(Protocol):
    """What a resource's failure tells the stack: which resource, of which type."""

    logical_id: str
    resource_type: str


def fail_stacks_as_cloudformation_does(
    failure: type[Exception], check_template: Callable[[dict[str, Any]], None]
) -> Undo:
    """While held: an exception of type ``failure`` (a ``ResourceFailure``) out of a
    resource fails its stack, with the resource's event and a rollback, as CloudFormation
    does; and ``check_template`` (raising ``failure``) sees every template before a
    resource of it is made or changed. moto forgets the resource types it cached first, so
    types registered since its first stack are found. Returns the undo."""
    global _resource_types_forgotten
    if not _resource_types_forgotten:
        forget_cloudformation_resource_types()
        _resource_types_forgotten = True
    return after_import(
        CLOUDFORMATION_MODELS,
        lambda models: _report_failed_resources(models, failure, check_template),
    )


def _report_failed_resources(
    models: types.ModuleType,
    failure_type: type[Exception],
    check_template: Callable[[dict[str, Any]], None],
) -> Undo:
    """moto lets an error of a resource escape CreateStack and UpdateStack; CloudFormation
    accepts the request and fails the stack instead: the resource's event gives the
    service's error, and what the stack made is rolled back. Only the errors of Customer
    Profiles resources are caught, so other stacks behave exactly as moto makes them."""
    stack = models.Stack
    create, update = stack.create_resources, stack.update

    def create_resources(self: Any) -> None:
        try:
            create(self)
        except failure_type as failure:
            _resource_event(models, self, failure, "CREATE_FAILED")
            self._add_stack_event(
                "ROLLBACK_IN_PROGRESS",
                resource_status_reason=(
                    f"The following resource(s) failed to create: [{_logical_id(failure)}]. "
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
        except failure_type as failure:
            _resource_event(models, self, failure, "UPDATE_FAILED")
            self._add_stack_event(
                "UPDATE_ROLLBACK_IN_PROGRESS",
                resource_status_reason=(
                    f"The following resource(s) failed to update: [{_logical_id(failure)}]."
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
    undo_refusal = _check_templates(models.ResourceMap, check_template)

    def undo() -> None:
        undo_refusal()
        undo_update()
        undo_create()

    return undo


def _check_templates(resource_map: Any, check_template: Callable[[dict[str, Any]], None]) -> Undo:
    """Every template a stack creates or updates from passes ``check_template`` first (a
    type the mock does not serve fails the stack, through the handlers above, before any
    resource of it is made or changed, where moto would warn and report it complete)."""
    create, update = resource_map.create, resource_map.update

    def checked_create(self: Any, template: dict[str, Any]) -> bool:
        check_template(template)
        return bool(create(self, template))

    def checked_update(self: Any, template: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        check_template(template)
        update(self, template, *args, **kwargs)

    checked_create.__wrapped__ = create  # type: ignore[attr-defined]
    checked_update.__wrapped__ = update  # type: ignore[attr-defined]
    undo_create = replace_attribute(resource_map, "create", checked_create)
    undo_update = replace_attribute(resource_map, "update", checked_update)

    def undo() -> None:
        undo_update()
        undo_create()

    return undo


def _logical_id(failure: Exception) -> str:
    return cast(ResourceFailure, failure).logical_id


def _resource_event(models: types.ModuleType, stack: Any, failure: Exception, status: str) -> None:
    failed = cast(ResourceFailure, failure)
    stack.events.append(
        models.Event(
            stack_id=stack.stack_id,
            stack_name=stack.name,
            logical_resource_id=failed.logical_id,
            physical_resource_id=None,
            resource_type=failed.resource_type,
            resource_status=status,
            resource_status_reason=str(failure),
            resource_properties=None,
        )
    )
