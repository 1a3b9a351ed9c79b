"""The instrument library: shipped data files, organization imports, licensed text.

Shipped instruments live in ``clinwell/instruments/data/<id>.json``. Instruments imported with
``clinwell instruments import`` are written to :func:`user_instrument_dir` (the
``CLINWELL_INSTRUMENTS_DIR`` environment variable, else ``$XDG_DATA_HOME/clinwell/instruments``,
else ``~/.local/share/clinwell/instruments``) and override shipped ones of the same id only when
their scoring is identical (i.e. they add licensed item text).
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from clinwell.instruments.anchors import check_alignment
from clinwell.instruments.loader import (
    ITEM_WEIGHT,
    _extensions,
    _Node,
    fhir_id,
    instrument_data,
    load_instrument_file,
    parse_instrument,
    read_json,
)
from clinwell.instruments.model import Instrument, InstrumentError

SHIPPED_DIR = Path(__file__).with_name("data")
PLACEHOLDER_PREFIX = "[Licensed text not loaded"


class UnknownInstrumentError(InstrumentError, KeyError):
    """No instrument with this id is in the library."""

    def __str__(self) -> str:
        return str(self.args[0])


class Library(Mapping[str, Instrument]):
    """Read-only mapping ``id -> Instrument``, in id order."""

    def __init__(self, instruments: Mapping[str, Instrument]) -> None:
        self._by_id = dict(sorted(instruments.items()))

    def __getitem__(self, instrument_id: str) -> Instrument:
        return self.get_instrument(instrument_id)

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_id)

    def __len__(self) -> int:
        return len(self._by_id)

    def get_instrument(self, instrument_id: str) -> Instrument:
        """The instrument with this id; :class:`UnknownInstrumentError` names the known ids."""
        try:
            return self._by_id[instrument_id]
        except KeyError:
            known = ", ".join(self._by_id)
            raise UnknownInstrumentError(
                f"unknown instrument {instrument_id!r} (known: {known})"
            ) from None


def user_instrument_dir() -> Path:
    """Directory for organization-imported instruments (see the module docstring)."""
    env = os.environ.get("CLINWELL_INSTRUMENTS_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "clinwell" / "instruments"


def load_directory(directory: str | Path) -> dict[str, Instrument]:
    """Load and validate every ``*.json`` instrument in ``directory`` (file stem must equal id)."""
    found: dict[str, Instrument] = {}
    for path in sorted(Path(directory).glob("*.json")):
        inst = load_instrument_file(path)
        if inst.id != path.stem:
            raise InstrumentError(f"{path}: questionnaire.id: {inst.id!r} must match the file name")
        found[inst.id] = inst
    return found


def same_scoring(a: Instrument, b: Instrument) -> bool:
    """True when two instruments score identically (same items, codes, weights and scales)."""

    def shape(inst: Instrument) -> list[tuple[object, ...]]:
        return [
            (
                i.link_id,
                i.type,
                tuple((o.code, o.score) for o in i.options),
                i.min_value,
                i.max_value,
            )
            for i in inst.items
        ]

    return a.id == b.id and shape(a) == shape(b) and a.scales == b.scales


def _user_dir_state(user: Path) -> tuple[tuple[str, int, int], ...]:
    if not user.is_dir():
        return ()
    return tuple(
        sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in user.glob("*.json"))
    )


class _CachedLoader:
    """``load_library``: cached, and reloaded when the user directory changes.

    A web app has several processes: text loaded by one (``install_instrument``) must be seen
    by the others, so the cache key includes the directory and its files' mtimes and sizes.
    """

    def __call__(self) -> Library:
        user = user_instrument_dir()
        return _load_library(str(user), _user_dir_state(user))

    @staticmethod
    def cache_clear() -> None:
        _load_library.cache_clear()


load_library = _CachedLoader()


@lru_cache(maxsize=4)
def _load_library(user_dir: str, state: tuple[tuple[str, int, int], ...]) -> Library:
    """Shipped instruments plus organization imports (cached; ``cache_clear()`` resets)."""
    del state  # part of the cache key only
    instruments = load_directory(SHIPPED_DIR)
    user = Path(user_dir)
    if user.is_dir():
        for iid, inst in load_directory(user).items():
            if iid in instruments and not same_scoring(instruments[iid], inst):
                raise InstrumentError(
                    f"{inst.source}: scoring: differs from the shipped instrument {iid!r}"
                )
            instruments[iid] = inst
    return Library(instruments)


def get_instrument(instrument_id: str) -> Instrument:
    """The library instrument with this id (:class:`UnknownInstrumentError` if none)."""
    return load_library().get_instrument(instrument_id)


def with_licensed_text(
    instrument: Instrument, questionnaire: object, source: str = "<questionnaire>"
) -> Instrument:
    """Return ``instrument`` with item text and option labels taken from a licensed Questionnaire.

    The Questionnaire must have the same id, the same item linkIds and, for choice items, the
    same answer codes (and, where it carries itemWeight, the same scores); scoring is unchanged.
    """
    root = _Node(questionnaire, "", source)
    root.as_obj()
    if root.child("resourceType").value != "Questionnaire":
        raise root.child("resourceType").fail("must be 'Questionnaire'")
    if root.child("id").as_str() != fhir_id(instrument.id):
        raise root.child("id").fail(f"must be {fhir_id(instrument.id)!r}")
    texts: dict[str, tuple[str, dict[str, str]]] = {}
    for node in root.child("item").children(nonempty=True):
        link_id = node.child("linkId").as_str()
        if link_id not in instrument.link_ids or link_id in texts:
            raise node.child("linkId").fail(f"unknown or duplicate linkId {link_id!r}")
        labels: dict[str, str] = {}
        expected = {str(o.code): o.score for o in instrument.item(link_id).options}
        opts = node.child("answerOption", optional=True)
        for opt in opts.children() if opts.value is not None else []:
            code = opt.child("valueCoding").child("code").as_str()
            if code not in expected:
                raise opt.fail(f"answer code {code!r} is not a code of {link_id}")
            weight = _extensions(opt).get(ITEM_WEIGHT)
            if weight is not None and weight.child("valueDecimal").as_num() != expected[code]:
                raise opt.fail(f"itemWeight differs from the scoring of {link_id}")
            labels[code] = opt.child("valueCoding").child("display").as_str()
        if labels and set(labels) != set(expected):
            raise opts.fail(f"must list every answer code of {link_id}")
        text = node.child("text").as_str().strip()
        if not text or text.startswith(PLACEHOLDER_PREFIX):
            raise node.child("text").fail(f"{link_id} needs the item's licensed text")
        texts[link_id] = (text, labels)
    missing = [i for i in instrument.link_ids if i not in texts]
    if missing:
        raise root.child("item").fail(f"missing items: {', '.join(missing)}")
    check_alignment(instrument, {k: t for k, (t, _) in texts.items()}, source)
    doc = instrument_data(instrument)
    for item in doc["questionnaire"]["item"]:
        text, labels = texts[item["linkId"]]
        item["text"] = text
        for opt in item.get("answerOption", []):
            coding = opt["valueCoding"]
            coding["display"] = labels.get(coding["code"], coding["display"])
    doc["scoring"]["text_status"] = "verbatim"
    doc["scoring"]["text_note"] = f"Licensed text loaded by the organization from {source}."
    return parse_instrument(doc, source)


def with_item_texts(
    instrument: Instrument, texts: Mapping[str, str], source: str = "<item texts>"
) -> Instrument:
    """``instrument`` with the given item texts (one per linkId); option labels stay as shipped.

    Checked like :func:`with_licensed_text` (every item, anchors).
    """
    questionnaire = {
        "resourceType": "Questionnaire",
        "id": fhir_id(instrument.id),
        "item": [{"linkId": i, "text": texts.get(i, "")} for i in instrument.link_ids],
    }
    return with_licensed_text(instrument, questionnaire, source)


def install_instrument(instrument: Instrument, directory: str | Path | None = None) -> Path:
    """Write ``instrument`` atomically to ``directory`` (default :func:`user_instrument_dir`)."""
    target_dir = Path(directory) if directory is not None else user_instrument_dir()
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / f"{instrument.id}.json"
    text = json.dumps(instrument_data(instrument), indent=2, ensure_ascii=False) + "\n"
    fd, tmp = tempfile.mkstemp(dir=target_dir, prefix=f".{instrument.id}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    load_library.cache_clear()
    return target


def prepare_import(path: str | Path) -> Instrument:
    """Validate an import file: an instrument document, or a bare licensed Questionnaire.

    A bare Questionnaire must match a shipped instrument (see :func:`with_licensed_text`). A
    document whose id is shipped must score identically to it.
    """
    data: Any = read_json(path)
    shipped = load_directory(SHIPPED_DIR)
    if isinstance(data, dict) and data.get("resourceType") == "Questionnaire":
        iid = data.get("id")
        iid = iid.replace("-", "_") if isinstance(iid, str) else None
        if iid is None or iid not in shipped:
            raise InstrumentError(
                f"{path}: id: a bare Questionnaire must have the id of a shipped instrument "
                f"({', '.join(shipped)}); otherwise import a {{questionnaire, scoring}} document"
            )
        return with_licensed_text(shipped[iid], copy.deepcopy(data), str(path))
    inst = parse_instrument(data, str(path))
    if inst.id in shipped and not same_scoring(shipped[inst.id], inst):
        raise InstrumentError(
            f"{path}: scoring: differs from the shipped instrument {inst.id!r}; use a new id"
        )
    return inst
