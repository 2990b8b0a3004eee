"""The example of docs/event-streams.md, run as it is written there."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

DOC = Path(__file__).resolve().parent.parent / "docs" / "event-streams.md"


def test_the_warehouse_sync_example_runs_as_written() -> None:
    [example] = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
    namespace: dict[str, Any] = {}
    exec(compile(example, str(DOC), "exec"), namespace)
    namespace["test_a_warehouse_sync_sees_every_change"]()
