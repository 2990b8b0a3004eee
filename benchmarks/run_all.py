"""Run every benchmark in a fresh process each: ``python benchmarks/run_all.py``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = (
    "per_call.py",
    "search_scale.py",
    "per_test.py",
    "bulk_load.py",
    "standard_objects.py",
    "memory.py",
    "event_streams.py",
    "calculated_attributes.py",
    "segments.py",
    "startup.py",
    "server.py",
)

if __name__ == "__main__":
    failed = 0
    for script in SCRIPTS:
        failed |= subprocess.call([sys.executable, str(HERE / script), *sys.argv[1:]])
        print()
    sys.exit(failed)
