"""Keep botocore's loaded JSON across the sessions a running mock makes.

Every ``mock_customerprofiles``/``mock_aws`` start gives boto3 a fresh default session
(so that no state leaks between tests), and a fresh session's loader reads and parses the
service model, endpoint rules and partition data again: about 50 ms per test, most of a
test's mocking cost. The files do not change while a process runs, so while a mock is
running their parsed form is shared by every loader with the same search paths.

The sharing is a patch applied when a mock starts and undone when the last one stops; it
must change nothing but the cost: each wrapped method takes exactly the arguments
botocore's does (positional or keyword, keyed as botocore's own per-loader cache keys
them) and, with no mock running (a server holding the patches), simply calls it. Set
``CP_MOCK_SHARED_BOTOCORE_DATA=0`` to turn the sharing off altogether.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable
from typing import Any

from botocore import loaders

from .compat.moto import Undo, mock_is_running, replace_attribute

_CACHED = ("load_data_with_path", "list_available_services", "determine_latest_version")
_shared: dict[tuple[Any, ...], Any] = {}
_lock = threading.Lock()


@functools.cache
def _sharing(name: str, load: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(load)
    def shared(self: loaders.Loader, *args: Any, **kwargs: Any) -> Any:
        if not mock_is_running():
            return load(self, *args, **kwargs)
        # botocore's instance_cache key, plus where the loader looks
        key = (name, tuple(self.search_paths), *args, *sorted(kwargs.items()))
        try:
            return _shared[key]
        except KeyError:
            value = load(self, *args, **kwargs)
            with _lock:
                return _shared.setdefault(key, value)

    return shared


def share_loaded_botocore_data() -> Undo:
    """Install the sharing: a patch held while a mock runs."""
    if os.environ.get("CP_MOCK_SHARED_BOTOCORE_DATA", "1") == "0":
        return lambda: None
    undos = [
        replace_attribute(loaders.Loader, name, _sharing(name, getattr(loaders.Loader, name)))
        for name in _CACHED
    ]

    def undo() -> None:
        for undo_one in reversed(undos):
            undo_one()

    return undo
