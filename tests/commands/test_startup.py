"""The CLI starts without the heavy libraries: they load inside the commands that use them."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("pandas", "scipy", "statsmodels", "ibis", "duckdb", "pyarrow", "django", "pydantic")


def test_importing_the_cli_loads_no_heavy_library() -> None:
    code = f"import sys, clinwell.cli; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.strip()
    assert loaded == ""


def test_help_of_every_command_loads_no_heavy_library() -> None:
    code = (
        "import sys\n"
        "from typer.main import get_command\n"
        "from clinwell.cli import app\n"
        "get_command(app)\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.strip()
    assert loaded == ""
