"""Every part of moto cp_mock uses beyond the API moto's own services are written against.

moto's services build on ``BaseBackend``, ``BackendDict``, ``BaseResponse``,
``ServiceException`` and ``mock_aws``; cp_mock also reaches into moto's registries, its
request stubber, its parser and serializer, its random source and its server. Those are
moto's internals, free to change in any release, so they are imported here and nowhere
else: after a moto upgrade, this is the one file to read (with one exception: moto's
server, which needs flask from the server extra, is imported by ``cp_mock.server``).
Other services' backends (Kinesis, SQS, S3) are reached from ``models/other_services.py``,
as moto's own services reach each other.

This module imports nothing of cp_mock's, so every layer may use it.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import sys
from collections.abc import Callable, Sequence
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
from moto.iam.models import get_account_id_from, mark_account_as_visited
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


def after_import(module_name: str, callback: Callable[[ModuleType], None]) -> None:
    """Call ``callback`` with module ``module_name`` once it is imported: now if it is
    already, else right after the import that loads it (the import itself is unchanged)."""
    module = sys.modules.get(module_name)
    if module is not None:
        callback(module)
        return
    sys.meta_path.insert(0, _AfterImport(module_name, callback))


class _AfterImport(importlib.abc.MetaPathFinder):
    def __init__(self, module_name: str, callback: Callable[[ModuleType], None]) -> None:
        self.module_name = module_name
        self.callback = callback

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
        load, callback = loader.exec_module, self.callback

        def exec_module(module: ModuleType) -> None:
            load(module)
            callback(module)

        loader.exec_module = exec_module
        return spec
