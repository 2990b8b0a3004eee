"""The example of docs/ingestion.md, run as it is written there."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

DOC = Path(__file__).resolve().parent.parent / "docs" / "ingestion.md"


def test_the_dead_letter_example_runs_as_written() -> None:
    [example] = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
    namespace: dict[str, Any] = {}
    exec(compile(example, str(DOC), "exec"), namespace)
    namespace["test_unknown_customer_orders_are_dead_lettered"]()
