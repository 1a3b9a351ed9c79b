"""Input files of a run: uploads kept until the job ends, or paths in the organization's
import folder.

Accepted formats are those of ``clinwell.ehr`` (docs/ehr.md): CSV (optionally gzipped) or
Parquet; a server-side path may also name a directory of Parquet files. A server-side path is
relative to the organization's own folder (:func:`~clinwell.web.ehrburden.conf.org_import_dir`):
absolute paths and ``..`` are refused outright, and the resolved path (symbolic links followed)
must stay inside that folder, so a web user can never make the server read an arbitrary file
or another organization's. Messages name the folder only as "the organization's import folder":
no page shows a server path.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from clinwell.web.ehrburden.conf import org_import_dir, upload_dir

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


FOLDER = "the organization's import folder"


def _escapes(path: Path, root: Path) -> bool:
    """Whether ``path`` (or, for a directory, anything in it) resolves outside ``root``."""
    if not path.resolve().is_relative_to(root):
        return True
    if path.is_dir():
        return any(not p.resolve().is_relative_to(root) for p in path.rglob("*"))
    return False


def _server_input(kind: str, raw: str, root: Path) -> RunInput:
    candidate = Path(raw)
    if candidate.is_absolute():
        raise InputError(
            f"{kind}: absolute paths are not accepted; give the file's path inside {FOLDER} "
            "(for example march/events.parquet)"
        )
    if ".." in candidate.parts:
        raise InputError(f"{kind}: {raw!r} leads outside {FOLDER} ('..' is not allowed)")
    path = root / candidate
    if not path.exists():  # a dangling symbolic link counts as missing
        raise InputError(f"{kind}: {raw!r} is not in {FOLDER}")
    if _escapes(path, root):
        raise InputError(
            f"{kind}: {raw!r} leads outside {FOLDER} (a symbolic link to elsewhere is refused)"
        )
    resolved = path.resolve()
    if resolved.is_file() and suffix_of(resolved.name) is None:
        raise InputError(f"{kind}: {raw!r} is not a CSV or Parquet file")
    return RunInput(kind, resolved, candidate.as_posix(), temporary=False)


def resolve_server_paths(org_slug: str, paths: Mapping[str, str]) -> list[RunInput]:
    """Resolve paths relative to the organization's import folder; refuse anything that is
    absolute, uses ``..`` or resolves (symbolic links followed) outside that folder."""
    given = {k: p.strip() for k, p in paths.items() if k in INPUT_KINDS and p and p.strip()}
    _check_kinds(set(given))
    root = org_import_dir(org_slug)
    if not root.is_dir():
        raise InputError(
            f"{FOLDER} has not been set up yet: ask your clinwell server's operator to put "
            "the extracts there, or upload the files instead"
        )
    return [_server_input(kind, raw, root) for kind, raw in given.items()]


def recheck_server_inputs(org_slug: str, inputs: Mapping[str, Mapping[str, object]]) -> None:
    """Before a run reads its server files: each still lies inside the organization's folder
    (a symbolic link swapped in after the form was sent is refused too)."""
    root = org_import_dir(org_slug)
    for kind, item in inputs.items():
        if item.get("temporary"):
            continue
        path = Path(str(item["path"]))
        if not path.is_relative_to(root) or _escapes(path, root):
            raise InputError(f"{kind}: {item.get('name')!r} leads outside {FOLDER}")


def list_import_files(org_slug: str, limit: int = 200) -> list[str]:
    """CSV/Parquet files (relative paths) in the organization's import folder, for the form's
    hints; entries that resolve outside the folder are left out."""
    root = org_import_dir(org_slug)
    if not root.is_dir():
        return []
    found = sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and suffix_of(p.name) is not None and not _escapes(p, root)
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
