"""The example of docs/cloudformation.md, run as it is written there."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.cloudformation_support import every_resource_type_operation_installed

pytestmark = every_resource_type_operation_installed

DOC = Path(__file__).resolve().parent.parent / "docs" / "cloudformation.md"


def test_the_cdk_template_example_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = DOC.read_text()
    [template] = re.findall(r"```json\n(.*?)```", text, flags=re.DOTALL)
    [example] = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    (tmp_path / "cdk.out").mkdir()
    (tmp_path / "cdk.out" / "CrmStack.template.json").write_text(template)
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {}
    exec(compile(example, str(DOC), "exec"), namespace)
    namespace["test_the_crm_stack_counts_what_customers_spend"]()
