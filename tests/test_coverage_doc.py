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
    assert commands[1].startswith("pip install -e '.[test]' -c constraints.txt && ")
    assert commands[1].endswith(" && scripts/check")  # which runs lint and both suites
    check = ROOT / "scripts" / "check"
    assert check.stat().st_mode & 0o111, "scripts/check is not executable"
    assert "pytest -m ''" in check.read_text()  # the slow tests too
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


def test_every_operation_of_the_tested_model_is_implemented() -> None:
    """A botocore release that adds an operation shows up here, named, rather than as a
    NotImplementedError in a user's suite: with the tested botocore, every operation of the
    model is served. With a newer one, the operations it adds may not be served yet (the
    run prints them, and docs/coverage.md lists them); every other one must be."""
    coverage = runpy.run_path(str(ROOT / "scripts" / "coverage.py"))
    unserved = set(coverage["unserved_operations"]())
    if coverage["installed_is_newer"]():
        tested = coverage["tested_operations"]((ROOT / "docs" / "coverage.md").read_text())
        assert tested, "docs/coverage.md has no table of the tested model's operations"
        unserved &= tested
    assert not unserved, f"operations of the model with no backend method: {sorted(unserved)}"


def test_the_page_keeps_the_operations_newer_releases_add() -> None:
    """What only a newer botocore shows (its unserved operations) survives a regeneration
    with the tested one, until the tested model has the operation."""
    render = runpy.run_path(str(ROOT / "scripts" / "coverage.py"))["render"]
    page = (ROOT / "docs" / "coverage.md").read_text()
    main, heading, _ = page.partition("\n## Operations of newer botocore releases\n")
    assert heading, "docs/coverage.md has no section for newer botocore releases"
    listed = (
        main + heading + "\n| operation | boto3 method | seen in |\n| --- | --- | --- |\n"
        "| CreateProfile | `create_profile` | botocore 9.0.0 |\n"
        "| ZzzNewOperation | `zzz_new_operation` | botocore 9.0.0 |\n"
    )
    rendered = render(listed)
    assert "| ZzzNewOperation | `zzz_new_operation` | botocore 9.0.0 |" in rendered
    newer_part = rendered.partition(heading)[2]
    assert "CreateProfile" not in newer_part  # the tested model has it: it is in the table
    assert rendered.partition(heading)[0] == render(main).partition(heading)[0]
