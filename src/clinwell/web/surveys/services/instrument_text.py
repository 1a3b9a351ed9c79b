"""Licensed item text loaded in the web app (the service behind `clinwell instruments import`).

An administrator uploads the licensed FHIR Questionnaire, or types the text item by item; the
text is checked (same keys and answer codes, every item, each text matching its key's anchor
wording) and previewed, and only then written to the instrument library. Nothing is stored
when a check fails. The library is the installation's (``CLINWELL_INSTRUMENTS_DIR``): loaded
text serves every organization of the installation.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from clinwell.instruments import (
    Instrument,
    InstrumentError,
    get_instrument,
    install_instrument,
    load_directory,
    with_licensed_text,
)
from clinwell.instruments.anchors import anchors
from clinwell.instruments.library import SHIPPED_DIR, with_item_texts
from clinwell.web.surveys.models import Wave

MAX_UPLOAD_BYTES = 1_000_000


class TextError(ValueError):
    """Loaded text refused; the message names the file or item."""


def _shipped() -> dict[str, Instrument]:
    return load_directory(SHIPPED_DIR)


def licensed_instruments() -> list[Instrument]:
    """Shipped instruments whose item text the organization must load (placeholders)."""
    return [i for _, i in sorted(_shipped().items()) if i.text_status == "placeholder"]


def shipped_instrument(instrument_id: str) -> Instrument:
    """The shipped (placeholder) instrument; :class:`TextError` if it needs no loaded text."""
    instrument = _shipped().get(instrument_id)
    if instrument is None or instrument.text_status != "placeholder":
        raise TextError(f"{instrument_id!r} is not an instrument whose licensed text is loaded")
    return instrument


def is_loaded(instrument_id: str) -> bool:
    return get_instrument(instrument_id).text_status != "placeholder"


def item_rows(instrument_id: str) -> list[dict[str, Any]]:
    """Per item: key, anchor wording, the text in use (None while a placeholder)."""
    shipped = shipped_instrument(instrument_id)
    current = get_instrument(instrument_id)
    loaded = current.text_status != "placeholder"
    anchor_of = anchors(shipped)
    return [
        {
            "link_id": item.link_id,
            "anchor": anchor_of.get(item.link_id, ""),
            "text": current.item(item.link_id).text if loaded else None,
            "options": ", ".join(o.label for o in current.item(item.link_id).options),
        }
        for item in shipped.items
    ]


def from_questionnaire_json(instrument_id: str, raw: bytes | str, source: str) -> Instrument:
    """Check an uploaded licensed Questionnaire (JSON) against the shipped instrument."""
    shipped = shipped_instrument(instrument_id)
    if len(raw) > MAX_UPLOAD_BYTES:
        raise TextError(f"{source}: larger than {MAX_UPLOAD_BYTES // 1000} kB")
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TextError(f"{source}: not a JSON file ({exc})") from None
    if isinstance(data, dict) and "questionnaire" in data and "resourceType" not in data:
        data = data["questionnaire"]  # a clinwell {questionnaire, scoring} document
    try:
        return with_licensed_text(shipped, data, source)
    except InstrumentError as exc:
        raise TextError(str(exc)) from None


def from_item_texts(instrument_id: str, texts: Mapping[str, str]) -> Instrument:
    """Check item texts typed one per key."""
    shipped = shipped_instrument(instrument_id)
    cleaned = {k: " ".join(v.split()) for k, v in texts.items()}
    missing = [i for i in shipped.link_ids if not cleaned.get(i)]
    if missing:
        raise TextError(f"text missing for {', '.join(missing)}: every item needs its text")
    try:
        return with_item_texts(shipped, cleaned, "item text")
    except InstrumentError as exc:
        raise TextError(str(exc)) from None


def questionnaire_json(instrument: Instrument) -> str:
    """The checked Questionnaire as JSON (carried from the preview to the confirmation)."""
    return json.dumps(
        {
            "resourceType": "Questionnaire",
            "id": instrument.questionnaire["id"],
            "item": [
                {
                    "linkId": item.link_id,
                    "text": item.text,
                    **(
                        {
                            "answerOption": [
                                {"valueCoding": {"code": str(o.code), "display": o.label}}
                                for o in item.options
                            ]
                        }
                        if item.options
                        else {}
                    ),
                }
                for item in instrument.items
            ],
        },
        ensure_ascii=False,
    )


def load_text(instrument_id: str, questionnaire: str) -> Instrument:
    """Check the previewed Questionnaire again and write it to the library.

    Text already in use is not replaced while a wave using it is open (in any organization
    of the installation): respondents of one wave must all read the same questions.
    """
    instrument = from_questionnaire_json(instrument_id, questionnaire, "previewed text")
    in_use = Wave.objects.filter(status=Wave.Status.OPEN, modules__instrument_id=instrument_id)
    if is_loaded(instrument_id) and in_use.exists():
        raise TextError(
            "a wave using this instrument is open: its text cannot change until that wave"
            " closes, so that every respondent reads the same questions"
        )
    install_instrument(instrument)
    return instrument
