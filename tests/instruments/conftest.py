from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from clinwell.instruments import load_library


@pytest.fixture(autouse=True)
def isolated_user_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Never read or write the real user instrument directory."""
    user = tmp_path / "user-instruments"
    monkeypatch.setenv("CLINWELL_INSTRUMENTS_DIR", str(user))
    load_library.cache_clear()
    yield user
    load_library.cache_clear()
