"""Every part of moto cp_mock uses beyond the API moto's own services are written against.

moto's services build on ``BaseBackend``, ``BackendDict``, ``BaseResponse``,
``ServiceException`` and ``mock_aws``; cp_mock also reaches into moto's registries, its
request stubber, its parser and serializer, its random source and its server. Those are
moto's internals, free to change in any release, so they are imported here and nowhere
else: after a moto upgrade, this is the one file to read (with one exception: moto's
server, which needs flask from the server extra, is imported by ``cp_mock.server``).
Other services' backends (Kinesis, SQS, S3) are reached from ``compat/other_services.py``,
as moto's own services reach each other.

This module imports nothing of cp_mock's, so every layer may use it.
"""

from __future__ import annotations

import functools
import importlib.abc
import importlib.machinery
import os
import sys
import threading
from collections.abc import Callable, MutableMapping, Sequence
from types import ModuleType
from typing import Any

import moto
import moto.backend_index as backend_index
from moto import settings
from moto.core.base_backend import BackendDict
from moto.core.botocore_stubber import BotocoreStubber, MockRawResponse
from moto.core.common_models import CloudFormationModel
from moto.core.config import DefaultConfig, default_user_config
from moto.core.custom_responses_mock import reset_responses_mock
from moto.core.models import DEFAULT_ACCOUNT_ID, MockAWS, botocore_stubber, responses_mock
from moto.core.parse import RestJSONParser
from moto.core.responses import ActionContext, ActionResult
from moto.core.serialize import RestJSONSerializer, TimestampSerializer
from moto.core.utils import convert_to_flask_response, get_service_model
from moto.moto_api import recorder
from moto.moto_api._internal import mock_random

__all__ = [
    "ActionContext",
    "ActionResult",
    "RestJSONParser",
    "RestJSONSerializer",
    "TimestampSerializer",
    "convert_to_flask_response",
    "get_account_id_from",
    "get_service_model",
    "mark_account_as_visited",
    "DEFAULT_ACCOUNT_ID",
    "DefaultConfig",
    "BackendDict",
    "BotocoreStubber",
    "MockRawResponse",
    "CLOUDFORMATION_MODELS",
    "CLOUDFORMATION_PARSING",
    "CloudFormationModel",
    "after_import",
    "MockAWS",
    "backend_index",
    "backend_of",
    "botocore_stubber",
    "default_account_id",
    "default_user_config",
    "mock_is_running",
    "mock_random",
    "moto",
    "recorder",
    "reset_responses_mock",
    "responses_mock",
    "settings",
]


def backend_of(backends: Any, account_id: str, region: str) -> Any:
    """``backends[account_id][region]``. moto's BackendDict makes a backend on first use
    (and registers it for reset) on every lookup; a backend it already holds is read as
    from the plain dicts BackendDicts are."""
    regions = dict.get(backends, account_id)
    backend = None if regions is None else dict.get(regions, region)
    return backends[account_id][region] if backend is None else backend


def mock_is_running() -> bool:
    """Whether a mock (``mock_aws``, ``mock_customerprofiles``, a fixture) is active."""
    return bool(botocore_stubber.enabled)


def get_account_id_from(access_key: str) -> str:
    """The account moto's IAM knows ``access_key`` by. moto's IAM (which imports
    cryptography and most of its policy machinery) is imported when first needed: a request
    signed with the mock's own credentials never needs it."""
    from moto.iam.models import get_account_id_from as account_of

    account_id: str = account_of(access_key)
    return account_id


def mark_account_as_visited(account_id: str, access_key: str, service: str, region: str) -> None:
    """Record, as moto's IAM does for its own services, the access key's last use."""
    from moto.iam.models import mark_account_as_visited as mark

    mark(account_id, access_key, service, region)


def default_account_id() -> str:
    """The account moto serves when a request names none: ``MOTO_ACCOUNT_ID`` if set
    (read now, as moto reads it per request), else moto's default."""
    return os.environ.get("MOTO_ACCOUNT_ID", DEFAULT_ACCOUNT_ID)


# moto's CloudFormation, which imports most of moto (over a second): reached only once the
# process loads it for a stack, never by importing cp_mock.
CLOUDFORMATION_MODELS = "moto.cloudformation.models"
CLOUDFORMATION_PARSING = "moto.cloudformation.parsing"


def forget_cloudformation_resource_types() -> None:
    """moto caches the resource types it found (``get_model_map`` and friends) the first
    time a stack is made; forget them, so types defined since are found too."""
    parsing = sys.modules.get(CLOUDFORMATION_PARSING)
    if parsing is not None:
        for cached in ("get_model_list", "get_model_map", "get_name_type_map"):
            getattr(parsing, cached).cache_clear()


def after_import(module_name: str, apply: Callable[[ModuleType], Undo]) -> Undo:
    """Apply a patch to module ``module_name`` once it is imported: now if it is already,
    else right after the import that loads it (the import itself is unchanged). The
    returned function undoes the patch, or forgets it if the module was not imported."""
    module = sys.modules.get(module_name)
    if module is not None:
        return apply(module)
    finder = _AfterImport(module_name, apply)
    sys.meta_path.insert(0, finder)
    return finder.undo


class _AfterImport(importlib.abc.MetaPathFinder):
    def __init__(self, module_name: str, apply: Callable[[ModuleType], Undo]) -> None:
        self.module_name = module_name
        self.apply = apply
        self.undo_applied: Undo | None = None

    def undo(self) -> None:
        if self in sys.meta_path:
            sys.meta_path.remove(self)
        if self.undo_applied is not None:
            self.undo_applied()
            self.undo_applied = None

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != self.module_name:
            return None
        sys.meta_path.remove(self)  # once: whoever finds the module finds it as before
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        loader: Any = spec.loader
        load = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            load(module)
            self.undo_applied = self.apply(module)

        loader.exec_module = exec_module
        return spec


# -- patches that hold while a mock runs ---------------------------------------------------
# Serving Customer Profiles in-process takes a few changes to moto and botocore (a URL
# pattern, moto's stubber, botocore's built-in handlers, ...). None of them is made by
# importing cp_mock: each is applied when the first mock starts (or a server starts
# serving) and undone when the last one stops, so code that runs outside a mock finds moto
# and botocore exactly as they are without cp_mock. What importing changes is the one thing
# that makes that possible, since moto has no start or stop callback of its own: MockAWS's
# ``_enable_patching`` and ``_disable_patching`` (which moto calls when its outermost mock
# starts and stops) first hold, then release, the patches; with no cp_mock patch declared,
# they do exactly what moto's do.
Undo = Callable[[], None]
"""What a patch returns: the function that undoes it."""

_declared: list[Callable[[], Undo]] = []
_applied: list[Undo] = []
_holders = 0
_patches_lock = threading.RLock()


def while_mocks_run(*patches: Callable[[], Undo]) -> None:
    """Declare ``patches`` (each applies itself and returns its undo), to be applied while
    a mock runs; and make moto's mocks hold them (once). Declared twice, a patch is
    applied once. If a mock is running now, they are applied now."""
    with _patches_lock:
        new = [patch for patch in patches if patch not in _declared]
        _declared.extend(new)
        if _holders:
            _apply(new)
        _follow_moto_mocks()


def hold_patches() -> None:
    """Apply the declared patches, if no one holds them yet (a mock starting, a server)."""
    global _holders
    with _patches_lock:
        _holders += 1
        if _holders == 1:
            _apply(_declared)


def release_patches() -> None:
    """Undo the patches, most recent first, when the last holder lets them go."""
    global _holders
    with _patches_lock:
        if _holders == 0:
            return
        _holders -= 1
        if _holders == 0:
            while _applied:
                _applied.pop()()


def patches_held() -> bool:
    return _holders > 0


def _apply(patches: Sequence[Callable[[], Undo]]) -> None:
    done = len(_applied)
    try:
        for patch in patches:
            _applied.append(patch())
    except BaseException:
        while len(_applied) > done:  # a patch that failed leaves nothing half applied
            _applied.pop()()
        raise


def _follow_moto_mocks() -> None:
    enable, disable = MockAWS._enable_patching, MockAWS._disable_patching
    if getattr(enable, "__cp_mock_holds_patches__", False):
        return

    @functools.wraps(enable)
    def enable_patching(self: MockAWS, reset: bool = True) -> None:
        hold_patches()
        enable(self, reset=reset)

    @functools.wraps(disable)
    def disable_patching(self: MockAWS, remove_data: bool) -> None:
        try:
            disable(self, remove_data)
        finally:
            release_patches()

    enable_patching.__cp_mock_holds_patches__ = True  # type: ignore[attr-defined]
    MockAWS._enable_patching = enable_patching  # type: ignore[method-assign]
    MockAWS._disable_patching = disable_patching  # type: ignore[method-assign]
    if mock_is_running():
        # cp_mock imported inside a running mock: its stop releases them
        hold_patches()


def replace_attribute(owner: Any, name: str, replacement: Any) -> Undo:
    """Set ``owner.name`` to ``replacement``; the undo restores what ``owner`` itself held
    (or removes the attribute, when ``owner`` only inherited it), unless something has
    replaced the attribute since, which it leaves as it is."""
    own = vars(owner)
    had_own, original = name in own, own.get(name)
    setattr(owner, name, replacement)

    def undo() -> None:
        if vars(owner).get(name) is not replacement:
            return
        if had_own:
            setattr(owner, name, original)
        else:
            delattr(owner, name)

    return undo


def add_entry(entries: list[Any], entry: Any, index: int | None = None) -> Undo:
    """Add ``entry`` to ``entries`` (at ``index``, else last) unless it is there; the undo
    removes what was added."""
    if entry in entries:
        return _nothing_to_undo
    if index is None:
        entries.append(entry)
    else:
        entries.insert(index, entry)

    def undo() -> None:
        # where it was put, unless the list has changed around it since
        if index is None and entries and entries[-1] is entry:
            del entries[-1]
            return
        for position, existing in enumerate(entries):
            if existing is entry:
                del entries[position]
                return

    return undo


def set_entry(mapping: MutableMapping[str, Any], key: str, value: Any) -> Undo:
    """``mapping[key] = value`` where ``key`` is absent; the undo removes it again."""
    if key in mapping:
        return _nothing_to_undo
    mapping[key] = value

    def undo() -> None:
        if mapping.get(key) is value:
            del mapping[key]

    return undo


def _nothing_to_undo() -> None:
    pass
