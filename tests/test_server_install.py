"""What a user installs: the wheel built from this tree (scripts/check builds the sdist,
then the wheel from the sdist, checks both with twine, and installs the wheel with the
server extra and pytest into a fresh virtual environment; tests/environments.py says how a
test finds it). There, away from this tree, the demo runs, a test using the fixtures
passes (the pytest11 entry point and the package's data files are in the wheel), and
`cp-mock server` (the console script) answers. Without the server extra, the command says
what to install in one line."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest

from cp_mock.__main__ import SERVER_EXTRA_MISSING
from tests.environments import ROOT, prepared_environment, user_environment

SIGNED = ("AWS4-HMAC-SHA256 Credential=testing/20261122/us-east-1/profile/aws4_request, "
          "SignedHeaders=host, Signature=0000")  # fmt: skip
# Flask and flask-cors are what the server extra brings: import them and they are missing.
WITHOUT_THE_SERVER_EXTRA = """
import importlib.abc, runpy, sys

class Missing(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("flask", "flask_cors"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, Missing())
sys.argv = ["cp-mock", "server", "--port", "0"]
runpy.run_module("cp_mock", run_name="__main__", alter_sys=True)
"""


def test_without_the_server_extra_the_command_says_what_to_install() -> None:
    completed = subprocess.run(
        [sys.executable, "-c", WITHOUT_THE_SERVER_EXTRA],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert (completed.returncode, completed.stdout) == (2, ""), completed.stderr
    assert completed.stderr == SERVER_EXTRA_MISSING + "\n"
    assert SERVER_EXTRA_MISSING == (
        "cp-mock server needs the server extra: pip install flask flask-cors"
        " (from a clone: pip install -e '.[server]')"
    )


A_USERS_TEST = """
def test_templates_and_a_profile(customerprofiles_client):
    client = customerprofiles_client
    templates = client.list_profile_object_type_templates()["Items"]
    assert "CTR" in [template["TemplateId"] for template in templates]
    client.create_domain(DomainName="shop", DefaultExpirationDays=1)
    client.create_profile(DomainName="shop", FirstName="Ana")
    assert client.get_domain(DomainName="shop")["Stats"]["ProfileCount"] == 1
"""


def run_in(environment: Path, directory: Path, *command: str) -> subprocess.CompletedProcess[str]:
    """``command`` (a program of the environment) run in ``directory``, away from this
    tree, so that only what the wheel installed can be imported."""
    program, *arguments = command
    return subprocess.run(
        [environment / "bin" / program, *arguments],
        cwd=directory, env=user_environment(), capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.mark.slow
def test_the_wheel_is_what_the_environment_imports(tmp_path: Path) -> None:
    environment = prepared_environment("wheel", "CP_MOCK_WHEEL_ENV")
    where = run_in(environment, tmp_path, "python", "-c", "import cp_mock; print(cp_mock.__file__)")
    assert where.returncode == 0, where.stderr
    installed = Path(where.stdout.strip())
    assert installed.is_relative_to(environment) and not installed.is_relative_to(ROOT / "cp_mock")


@pytest.mark.slow
def test_the_demo_runs_from_the_wheel(tmp_path: Path) -> None:
    environment = prepared_environment("wheel", "CP_MOCK_WHEEL_ENV")
    demo = run_in(environment, tmp_path, "python", "-m", "cp_mock", "demo")
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "search _phone='+15550100': ['Jane Doe', 'John Doe']" in demo.stdout
    assert "domain stats: 2 profiles" in demo.stdout


@pytest.mark.slow
def test_a_test_using_the_fixtures_passes_with_the_wheel(tmp_path: Path) -> None:
    environment = prepared_environment("wheel", "CP_MOCK_WHEEL_ENV")
    (tmp_path / "test_with_the_fixture.py").write_text(A_USERS_TEST)
    ran = run_in(environment, tmp_path, "python", "-m", "pytest", "-q", "-p", "no:cacheprovider")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "1 passed" in ran.stdout, ran.stdout


@pytest.mark.slow
def test_cp_mock_server_from_the_wheel_serves(tmp_path: Path) -> None:
    environment = prepared_environment("wheel", "CP_MOCK_WHEEL_ENV")
    server = subprocess.Popen(
        [environment / "bin" / "cp-mock", "server", "--port", "0"],
        cwd=tmp_path, env=user_environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    watchdog = threading.Timer(120, server.kill)  # a server that never answers fails the test
    watchdog.start()
    try:
        banner = server.stdout.readline() if server.stdout else ""
        port = re.search(r"http://127\.0\.0\.1:(\d+)", banner)
        assert port and port.group(1) != "0", banner
        request = urllib.request.Request(
            f"http://127.0.0.1:{port.group(1)}/domains", headers={"Authorization": SIGNED}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
            assert json.loads(response.read()) == {"Items": []}
    finally:
        server.send_signal(signal.SIGTERM)
        out, err = server.communicate(timeout=60)
        watchdog.cancel()
    assert server.returncode == 0, err
    assert "stopped" in out
