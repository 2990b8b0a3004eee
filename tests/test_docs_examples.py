"""Every Python example in README.md and docs/*.md runs as written, as a user pasting it
would run it: alone, in a fresh directory, in a subprocess of its own.

A block that defines tests (top-level ``test_*`` functions or ``Test*`` classes) is saved
as ``test_example.py`` and run with pytest, every test of it passing and none skipped; any
other block is saved as ``example.py`` and run with python. Either way it sees the
installed cp_mock only (its fixtures come from the pytest11 entry point), none of this
suite's conftest.

HTML comments on the lines just above a block's opening fence say what the block needs;
the test honours them:

- ``<!-- fragment -->``: the block is deliberately part of a larger program (it uses a
  ``client`` or a value the page describes): it must be Python, and is not run.
- ``<!-- file NAME from SOURCE -->``: the block reads NAME, relative to its own
  directory, which the page tells the reader to save there. SOURCE is a path in this
  repository, or ``the json block above`` (the nearest ```json block before it on the
  page); the test writes it there first.
- ``<!-- needs the operation NAME -->``: the block calls an operation newer botocore
  models have (the intents): it runs where the installed model has NAME, as the suite's
  own tests of it do, and is skipped, saying so, on an older one.
- ``<!-- in the aiobotocore environment -->``: the block needs aiobotocore, which pins an
  older botocore than constraints.txt: it runs in the prepared aiobotocore environment
  (tests/environments.py).

Other comments (a heading for another test to find a block by) are ignored."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import botocore
import botocore.session
import pytest

from tests.environments import ROOT, prepared_environment, user_environment

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FILE_MARKER = re.compile(r"^<!-- file (\S+) from (.+?) -->$")
OPERATION_MARKER = re.compile(r"^<!-- needs the operation (\w+) -->$")
JSON_ABOVE = "the json block above"


@dataclass
class Example:
    page: Path
    line: int  # of the opening fence
    code: str
    fragment: bool = False
    aio: bool = False
    files: dict[str, str] = field(default_factory=dict)  # name: content
    operations: list[str] = field(default_factory=list)  # of a newer model

    @property
    def name(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def _source(text: str, page: Path, last_json: str | None) -> str:
    if text == JSON_ABOVE:
        assert last_json is not None, f"{page.name}: no json block above"
        return last_json
    return (ROOT / text).read_text()


def examples_of(page: Path) -> list[Example]:
    lines = page.read_text().splitlines()
    found: list[Example] = []
    last_json: str | None = None
    number = 0
    while number < len(lines):
        fence = lines[number].strip()
        if fence in ("```python", "```json"):
            end = lines.index("```", number + 1)
            code = "\n".join(lines[number + 1 : end]) + "\n"
            if fence == "```json":
                last_json = code
            else:
                example = Example(page, number + 1, code)
                above = number - 1
                while above >= 0 and lines[above].startswith("<!--"):
                    marker = lines[above].strip()
                    if marker == "<!-- fragment -->":
                        example.fragment = True
                    elif marker == "<!-- in the aiobotocore environment -->":
                        example.aio = True
                    elif needed := OPERATION_MARKER.match(marker):
                        example.operations.append(needed[1])
                    elif matched := FILE_MARKER.match(marker):
                        example.files[matched[1]] = _source(matched[2], page, last_json)
                    above -= 1
                found.append(example)
            number = end
        number += 1
    return found


INSTALLED_MODEL_OPERATIONS = frozenset(
    botocore.session.get_session().get_service_model("customer-profiles").operation_names
)
EXAMPLES = [example for page in PAGES for example in examples_of(page)]
RUNNABLE = [example for example in EXAMPLES if not example.fragment]


def count_tests(code: str) -> int:
    """How many tests pytest collects from ``code``: top-level test functions and the
    test methods of Test* classes (unittest's too)."""
    count = 0
    for node in ast.parse(code).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
            "test"
        ):
            count += 1
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            count += sum(
                isinstance(item, ast.FunctionDef) and item.name.startswith("test")
                for item in node.body
            )
    return count


def test_the_pages_have_examples_to_run() -> None:
    assert len(RUNNABLE) >= 15, [example.name for example in RUNNABLE]
    assert any(example.files for example in RUNNABLE)
    assert any(example.aio for example in RUNNABLE)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda example: example.name)
def test_every_block_is_python(example: Example) -> None:
    compile(example.code, example.name, "exec")  # fragments too


@pytest.mark.slow
@pytest.mark.parametrize("example", RUNNABLE, ids=lambda example: example.name)
def test_the_example_runs_as_written(example: Example, tmp_path: Path) -> None:
    absent = [name for name in example.operations if name not in INSTALLED_MODEL_OPERATIONS]
    if absent:
        pytest.skip(f"the installed botocore {botocore.__version__} has no {absent}")
    python = (
        prepared_environment("aio", "CP_MOCK_AIO_ENV") / "bin" / "python"
        if example.aio
        else Path(sys.executable)
    )
    for name, content in example.files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content)
    tests = count_tests(example.code)
    if tests:
        (tmp_path / "test_example.py").write_text(example.code)
        command = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_example.py"]
    else:
        (tmp_path / "example.py").write_text(example.code)
        command = [python, "example.py"]
    ran = subprocess.run(
        command, cwd=tmp_path, env=user_environment(), capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stdout[-4000:] + ran.stderr[-4000:]
    if tests:
        summary = ran.stdout.strip().splitlines()[-1]
        assert re.fullmatch(rf"{tests} passed( in .*)?", summary), ran.stdout[-2000:]
