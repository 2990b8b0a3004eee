"""Keep botocore's loaded JSON across the sessions a mock makes.

Every ``mock_customerprofiles``/``mock_aws`` start gives boto3 a fresh default session
(so that no state leaks between tests), and a fresh session's loader reads and parses the
service model, endpoint rules and partition data again: about 50 ms per test, most of a
test's mocking cost. The files do not change while a process runs, so their parsed form
is shared by every loader with the same search paths. Set ``CP_MOCK_SHARED_BOTOCORE_DATA=0``
to turn this off.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any

from botocore import loaders

_CACHED = ("load_data_with_path", "list_available_services", "determine_latest_version")
_shared: dict[tuple[Any, ...], Any] = {}
_lock = threading.Lock()


def _sharing(name: str, load: Callable[..., Any]) -> Callable[..., Any]:
    def shared(self: loaders.Loader, *args: Any, **kwargs: Any) -> Any:
        # botocore's own callers pass keywords too (Session.get_available_services passes
        # type_name), so the wrapper takes what the method takes
        key = (name, tuple(self.search_paths), args, tuple(sorted(kwargs.items())))
        try:
            return _shared[key]
        except KeyError:
            value = load(self, *args, **kwargs)
            with _lock:
                return _shared.setdefault(key, value)

    shared.__wrapped__ = load  # type: ignore[attr-defined]
    shared.__name__ = name
    return shared


def share_loaded_botocore_data() -> None:
    """Install the sharing (idempotent)."""
    if os.environ.get("CP_MOCK_SHARED_BOTOCORE_DATA", "1") == "0":
        return
    for name in _CACHED:
        current = getattr(loaders.Loader, name)
        if not hasattr(current, "__wrapped__"):
            setattr(loaders.Loader, name, _sharing(name, current))
