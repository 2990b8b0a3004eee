"""Server mode after the install the README gives it: the server extra in a fresh virtual
environment is all `cp-mock server` needs; without it, the command says so in one line."""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

from cp_mock.__main__ import SERVER_EXTRA_MISSING

ROOT = Path(__file__).resolve().parent.parent
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
        "cp-mock server needs the server extra: pip install 'cp-mock[server]'"
    )


def test_the_server_extra_in_a_fresh_environment_serves(tmp_path: Path) -> None:
    # A copy, so that building the package leaves nothing in the working tree.
    source = tmp_path / "cp-mock"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", "node_modules", ".venv*", "*.egg-info", "build", "dist", "__pycache__",
        ".*_cache", ".hypothesis",
    ))  # fmt: skip
    environment = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(environment)], check=True, timeout=300)
    # The tested versions (constraints.txt), as CI installs them, from the registry.
    installed = subprocess.run(
        [environment / "bin" / "python", "-m", "pip", "install", "-q",
         f"{source}[server]", "-c", str(source / "constraints.txt")],
        capture_output=True, text=True, timeout=1200,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stdout + installed.stderr

    server = subprocess.Popen(
        [environment / "bin" / "cp-mock", "server", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
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
