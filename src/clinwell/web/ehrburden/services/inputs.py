"""Input files of a run: uploads kept until the job ends, or paths in the import directory.

Accepted formats are those of ``clinwell.ehr`` (docs/ehr.md): CSV (optionally gzipped) or
Parquet; a server-side path may also name a directory of Parquet files. A server-side path must
resolve inside :func:`~clinwell.web.ehrburden.conf.import_dir` (symbolic links and ``..`` are
resolved first), so a web user can never make the server read an arbitrary file.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from clinwell.web.ehrburden.conf import import_dir, upload_dir

INPUT_KINDS: tuple[str, ...] = ("events", "schedule", "actions", "orders", "messages")
REQUIRED_KINDS: tuple[str, ...] = ("events", "schedule")
KIND_LABELS = {
    "events": "Events",
    "schedule": "Schedule",
    "actions": "Action map",
    "orders": "Orders",
    "messages": "In Basket messages",
}
SUFFIXES: tuple[str, ...] = (".csv", ".csv.gz", ".parquet", ".pq")


class InputError(ValueError):
    """An input cannot be used; the message names the input (events, schedule, ...)."""


class UploadedFile(Protocol):
    name: str

    def chunks(self) -> object: ...


@dataclass(frozen=True)
class RunInput:
    """One input file of a run: where it is, how pages name it, whether to delete it after."""

    kind: str
    path: Path
    name: str
    temporary: bool

    def to_dict(self) -> dict[str, object]:
        return {"path": str(self.path), "name": self.name, "temporary": self.temporary}


def suffix_of(name: str) -> str | None:
    """The accepted suffix ``name`` ends with (case-insensitive), or None."""
    lower = name.lower()
    return next((s for s in SUFFIXES if lower.endswith(s)), None)


def _check_kinds(kinds: set[str]) -> None:
    missing = [KIND_LABELS[k].lower() for k in REQUIRED_KINDS if k not in kinds]
    if missing:
        raise InputError(f"{' and '.join(missing)}: a file is required")


def save_uploads(files: Mapping[str, UploadedFile]) -> list[RunInput]:
    """Write uploaded files to a fresh directory under the upload directory."""
    given = {k: f for k, f in files.items() if f is not None and k in INPUT_KINDS}
    _check_kinds(set(given))
    for kind, upload in given.items():
        if suffix_of(upload.name) is None:
            raise InputError(
                f"{kind}: {upload.name!r} is not a CSV or Parquet file "
                f"(expected a name ending in {', '.join(SUFFIXES)})"
            )
    target = upload_dir() / uuid.uuid4().hex
    target.mkdir(parents=True)
    saved = []
    for kind, upload in given.items():
        path = target / f"{kind}{suffix_of(upload.name)}"
        with path.open("wb") as out:
            for chunk in upload.chunks():  # type: ignore[attr-defined]
                out.write(chunk)
        saved.append(RunInput(kind, path, Path(upload.name).name, temporary=True))
    return saved


def resolve_server_paths(paths: Mapping[str, str]) -> list[RunInput]:
    """Resolve paths (relative to the import directory, or absolute inside it)."""
    given = {k: p.strip() for k, p in paths.items() if k in INPUT_KINDS and p and p.strip()}
    _check_kinds(set(given))
    root = import_dir()
    out = []
    for kind, raw in given.items():
        candidate = Path(raw)
        resolved = (candidate if candidate.is_absolute() else root / candidate).resolve()
        if not resolved.is_relative_to(root):
            raise InputError(f"{kind}: {raw!r} is outside the import directory {root}")
        if not resolved.exists():
            raise InputError(f"{kind}: {raw!r} does not exist in the import directory {root}")
        if resolved.is_file() and suffix_of(resolved.name) is None:
            raise InputError(f"{kind}: {raw!r} is not a CSV or Parquet file")
        out.append(RunInput(kind, resolved, str(resolved.relative_to(root)), temporary=False))
    return out


def list_import_files(limit: int = 200) -> list[str]:
    """CSV/Parquet files (relative paths) in the import directory, for the form's hints."""
    root = import_dir()
    if not root.is_dir():
        return []
    found = sorted(
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and suffix_of(p.name) is not None
    )
    return found[:limit]


def discard(inputs: Mapping[str, Mapping[str, object]]) -> None:
    """Delete a run's temporary upload files (and their directory); leave server files alone."""
    folders = set()
    for item in inputs.values():
        if item.get("temporary"):
            path = Path(str(item["path"]))
            path.unlink(missing_ok=True)
            folders.add(path.parent)
    root = upload_dir()
    for folder in folders:
        if folder.is_relative_to(root) and folder != root:
            shutil.rmtree(folder, ignore_errors=True)
