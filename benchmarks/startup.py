"""Benchmark 8: what installing and first using cp_mock cost a process.

Fresh processes, run round by round, interleaved (each round runs every candidate once, in
an order that rotates), measured by the kernel: CPU seconds (user + system) and peak
resident memory of each child, read from ``os.wait4``'s resource usage for that child.

a. a pytest run of one test that uses no fixture, with the plugin loaded (the ``pytest11``
   entry point, as an environment where cp_mock is installed loads it) and with
   ``-p no:cp_mock``: what the plugin adds (targets: 0.05 s and 5 MiB);
b. a process that starts and stops one ``mock_customerprofiles``, and one that starts and
   stops moto's own ``mock_aws``: the ratio of their CPU time and of their peak memory
   (target: 1.2).

Each candidate runs once before the rounds, unmeasured, so that Python has written the
bytecode of what it imports (as it has in a user's environment), and the children run with
``PYTHONDONTWRITEBYTECODE`` removed from their environment for that reason.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import table  # noqa: E402

ONE_TEST = """
def test_one():
    assert 1 + 1 == 2
"""
CP_MOCK_MOCK = """
from cp_mock import mock_customerprofiles

mock = mock_customerprofiles()
mock.start()
mock.stop()
"""
MOTO_MOCK = """
from moto import mock_aws

mock = mock_aws()
mock.start()
mock.stop()
"""
PYTEST = (sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_one.py")
CANDIDATES: dict[str, tuple[str, ...]] = {
    "pytest, the plugin loaded": PYTEST,
    "pytest, -p no:cp_mock": (*PYTEST, "-p", "no:cp_mock"),
    "mock_customerprofiles started and stopped": (sys.executable, "-c", CP_MOCK_MOCK),
    "moto's mock_aws started and stopped": (sys.executable, "-c", MOTO_MOCK),
}
PLUGIN_TARGET_SECONDS, PLUGIN_TARGET_MIB, MOCK_TARGET_RATIO = 0.05, 5.0, 1.2


@dataclass(frozen=True)
class Usage:
    cpu_seconds: float
    peak_mib: float


def run(command: tuple[str, ...], directory: Path) -> Usage:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PYTEST") and key != "PYTHONDONTWRITEBYTECODE"
    }
    environment.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
    child = subprocess.Popen(
        command, cwd=directory, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    assert child.stdout is not None
    with child.stdout:
        output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)  # this child's own usage
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{output.decode()}")
    # ru_maxrss is in KiB on Linux
    return Usage(usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def versions() -> str:
    names = ("moto", "boto3", "botocore", "pytest")
    found = ", ".join(f"{name} {metadata.version(name)}" for name in names)
    return f"Python {sys.version.split()[0]}, {found}"


def plugin_is_installed() -> bool:
    return any(point.name == "cp_mock" for point in metadata.entry_points(group="pytest11"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    if not plugin_is_installed():
        raise SystemExit("cp_mock's pytest11 entry point is not installed: pip install -e .")
    names = list(CANDIDATES)
    samples: dict[str, list[Usage]] = {name: [] for name in names}
    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary)
        (directory / "test_one.py").write_text(ONE_TEST)
        for name in names:  # unmeasured: writes the bytecode
            run(CANDIDATES[name], directory)
        for number in range(args.rounds):
            shift = number % len(names)
            for name in names[shift:] + names[:shift]:
                samples[name].append(run(CANDIDATES[name], directory))

    def median_cpu(name: str) -> float:
        return statistics.median(usage.cpu_seconds for usage in samples[name])

    def median_peak(name: str) -> float:
        return statistics.median(usage.peak_mib for usage in samples[name])

    def per_round(first: str, second: str, attribute: str, ratio: bool) -> list[float]:
        pairs = zip(samples[first], samples[second], strict=True)
        return [
            getattr(a, attribute) / getattr(b, attribute)
            if ratio
            else getattr(a, attribute) - getattr(b, attribute)
            for a, b in pairs
        ]

    print(
        f"Benchmark 8: start-up, medians of {args.rounds} interleaved rounds of fresh processes"
        f" ({versions()})"
    )
    print(
        table(
            [(name, f"{median_cpu(name):.3f}", f"{median_peak(name):.1f}") for name in names],
            ("process", "CPU, s", "peak RSS, MiB"),
        )
    )
    plugin, no_plugin = names[0], names[1]
    added_cpu = per_round(plugin, no_plugin, "cpu_seconds", ratio=False)
    added_peak = per_round(plugin, no_plugin, "peak_mib", ratio=False)
    cp_mock_mock, moto_mock = names[2], names[3]
    cpu_ratio = per_round(cp_mock_mock, moto_mock, "cpu_seconds", ratio=True)
    peak_ratio = per_round(cp_mock_mock, moto_mock, "peak_mib", ratio=True)

    def spread(values: list[float], digits: int) -> str:
        low, middle, high = (
            f"{value:+.{digits}f}"
            for value in (min(values), statistics.median(values), max(values))
        )
        return f"{middle} ({low} to {high})"

    def ratios(values: list[float]) -> str:
        return f"{statistics.median(values):.2f} ({min(values):.2f} to {max(values):.2f})"

    print(
        table(
            [
                ("8a. plugin: CPU added, s", spread(added_cpu, 3), f"<= {PLUGIN_TARGET_SECONDS}"),
                (
                    "8a. plugin: peak RSS added, MiB",
                    spread(added_peak, 1),
                    f"<= {PLUGIN_TARGET_MIB}",
                ),
                (
                    "8b. first mock, cp_mock / moto: CPU",
                    ratios(cpu_ratio),
                    f"<= {MOCK_TARGET_RATIO}",
                ),
                (
                    "8b. first mock, cp_mock / moto: peak RSS",
                    ratios(peak_ratio),
                    f"<= {MOCK_TARGET_RATIO}",
                ),
            ],
            ("measure", "median of rounds (range)", "target"),
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
