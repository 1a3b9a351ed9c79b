"""Benchmark: how long a ``clinwell`` command takes before it does anything (issue 14, item 5).

Runs each command line ``--repeat`` times in a fresh process (the installed ``clinwell`` console
script, as a user types it) and prints the median, minimum and maximum wall time, plus, for
comparison, a bare ``python -c pass`` and ``python -c "import typer"`` (the floor any Typer
CLI pays). Usage::

    .venv/bin/python benchmarks/bench_cli_startup.py --repeat 5
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

COMMANDS: tuple[tuple[str, ...], ...] = (
    ("--help",),
    ("ehr", "metrics", "--help"),
    ("tabulate", "--help"),
    ("--version",),
)


def clinwell_executable() -> str:
    """The console script next to this interpreter, else the one on PATH."""
    beside = Path(sys.executable).with_name("clinwell")
    return str(beside) if beside.exists() else (shutil.which("clinwell") or "clinwell")


def wall_times(argv: list[str], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    exe = clinwell_executable()
    runs: list[tuple[str, list[str]]] = [
        ("python -c pass", [sys.executable, "-c", "pass"]),
        ("python -c 'import typer'", [sys.executable, "-c", "import typer"]),
    ]
    runs += [(" ".join(("clinwell", *cmd)), [exe, *cmd]) for cmd in COMMANDS]
    wall_times([exe, "--version"], 1)  # warm the file cache once
    for label, command in runs:
        times = wall_times(command, args.repeat)
        print(
            json.dumps(
                {
                    "command": label,
                    "median_s": round(statistics.median(times), 3),
                    "min_s": round(min(times), 3),
                    "max_s": round(max(times), 3),
                    "repeat": args.repeat,
                }
            )
        )


if __name__ == "__main__":
    main()
