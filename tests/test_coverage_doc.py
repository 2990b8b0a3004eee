"""docs/coverage.md must list exactly what is implemented now."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

import botocore
import pytest

ROOT = Path(__file__).resolve().parent.parent
TESTED_BOTOCORE = re.search(
    r"^botocore==(\S+)$", (ROOT / "constraints.txt").read_text(), re.MULTILINE
)


@pytest.mark.skipif(
    TESTED_BOTOCORE is None or TESTED_BOTOCORE[1] != botocore.__version__,
    reason="docs/coverage.md is generated from the model of the tested botocore "
    f"(constraints.txt), not of the installed {botocore.__version__}",
)
def test_coverage_page_is_current() -> None:
    render = runpy.run_path(str(ROOT / "scripts" / "coverage.py"))["render"]
    page = (ROOT / "docs" / "coverage.md").read_text()
    assert page == render(), "docs/coverage.md is stale: run python scripts/coverage.py"


def test_readme_second_command_is_what_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    commands = [line.strip() for line in readme.splitlines() if line.startswith("    pip install")]
    assert commands[0] == "pip install -e . && python -m cp_mock demo"
    assert commands[1].startswith("pip install -e '.[test]'") and "pytest" in commands[1]
    assert "README.md" in ci  # .ci/run reads the command from the README, so they cannot drift


def test_every_operation_of_the_seed_api_is_implemented() -> None:
    # The 30 operations of the 2020-08-15 JS SDK reference the project started from.
    seed = """AddProfileKey CreateDomain CreateProfile DeleteDomain DeleteIntegration
    DeleteProfile DeleteProfileKey DeleteProfileObject DeleteProfileObjectType GetDomain
    GetIntegration GetMatches GetProfileObjectType GetProfileObjectTypeTemplate
    ListAccountIntegrations ListDomains ListIntegrations ListProfileObjects
    ListProfileObjectTypes ListProfileObjectTypeTemplates ListTagsForResource MergeProfiles
    PutIntegration PutProfileObject PutProfileObjectType SearchProfiles TagResource
    UntagResource UpdateDomain UpdateProfile""".split()
    from cp_mock.responses import implemented_operations

    assert len(seed) == 30
    assert set(seed) <= set(implemented_operations())


def test_every_operation_of_the_installed_model_is_implemented() -> None:
    """A botocore release that adds an operation shows up here, named, rather than as a
    NotImplementedError in a user's suite."""
    from cp_mock.protocol import service_model
    from cp_mock.responses import implemented_operations

    missing = sorted(set(service_model().operation_names) - set(implemented_operations()))
    assert not missing, f"operations of the installed model with no backend method: {missing}"
