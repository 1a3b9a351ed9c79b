"""Where the EHR app reads and keeps files, from environment variables (read here, not in
settings, so the app carries its own configuration).

- ``CLINWELL_EHR_IMPORT_DIR``: the root of the import folders (default ``var/ehr-imports``
  under the project's var directory). Each organization reads only its own folder,
  ``<root>/<organization slug>/`` (:func:`org_import_dir`); pages never show the path.
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
    """The root of the organizations' import folders."""
    return _dir("CLINWELL_EHR_IMPORT_DIR", "ehr-imports")


def org_import_dir(org_slug: str) -> Path:
    """The one folder an organization's server-side paths must lie in: ``<root>/<slug>/``.

    Resolved (a symbolic link for the folder itself is followed here, once, by the operator's
    choice); every path named on a page is then resolved and must stay inside it.
    """
    if not org_slug or "/" in org_slug or org_slug in (".", ".."):
        raise ValueError(f"not an organization slug: {org_slug!r}")
    return (import_dir() / org_slug).resolve()


def upload_dir() -> Path:
    """The directory where uploads are kept until their run ends."""
    return _dir("CLINWELL_EHR_UPLOAD_DIR", "ehr-uploads")


def memory_limit() -> str | None:
    """The DuckDB memory limit for web runs, or None for the engine default."""
    return os.environ.get("CLINWELL_EHR_MEMORY_LIMIT", "").strip() or None
