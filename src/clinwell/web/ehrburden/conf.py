"""Where the EHR app reads and keeps files, from environment variables (read here, not in
settings, so the app carries its own configuration).

- ``CLINWELL_EHR_IMPORT_DIR``: the only directory from which analysts may name server-side
  extracts (default ``var/ehr-imports`` under the project's var directory).
- ``CLINWELL_EHR_UPLOAD_DIR``: where uploaded files wait for the background job; they are
  deleted when the run ends (default ``var/ehr-uploads``).
- ``CLINWELL_EHR_MEMORY_LIMIT``: DuckDB memory limit of a run (default: the engine's, 50% of
  RAM); DuckDB spills to its temporary directory beyond it.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings


def _dir(name: str, default: str) -> Path:
    raw = os.environ.get(name, "").strip()
    return Path(raw).resolve() if raw else (Path(settings.VAR_DIR) / default).resolve()


def import_dir() -> Path:
    """The directory that server-side paths must lie in."""
    return _dir("CLINWELL_EHR_IMPORT_DIR", "ehr-imports")


def upload_dir() -> Path:
    """The directory where uploads are kept until their run ends."""
    return _dir("CLINWELL_EHR_UPLOAD_DIR", "ehr-uploads")


def memory_limit() -> str | None:
    """The DuckDB memory limit for web runs, or None for the engine default."""
    return os.environ.get("CLINWELL_EHR_MEMORY_LIMIT", "").strip() or None
