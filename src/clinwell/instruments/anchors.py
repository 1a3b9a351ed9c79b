"""Item anchors: a short identifying wording per item, checked against loaded licensed text.

Published orders of an instrument differ (the CBI's reverse-scored work item, "enough energy
for family and friends", is item 10 in one published order and item 13 in another), and the
scoring is tied to the item *keys*. Each key whose meaning the scoring depends on carries an
anchor (FHIR item extension ``item-anchor``): fragments separated by ``…`` that must appear,
in order, in the item's text once both are normalized (case, punctuation, hyphens, curly
quotes, "burned"/"burnout" → "burnt out", "EHR" → "EMR"). A loaded text that does not read
like its key's anchor, or that reads like another key's anchor, is refused naming the item.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from clinwell.instruments.model import Instrument, InstrumentError

ITEM_ANCHOR = "https://clinwell.org/fhir/StructureDefinition/item-anchor"

_SPELLINGS = (
    (re.compile(r"\bburn(?:ed|t)?[\s-]*out\b|\bburned\b|\bburnout\b"), "burnt out"),
    (re.compile(r"\behr\b"), "emr"),
)


def normalize(text: str) -> str:
    """Lower case, straight quotes, hyphens and punctuation as spaces, common spellings unified."""
    out = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    out = re.sub(r"[^a-z0-9']+", " ", out)
    for pattern, replacement in _SPELLINGS:
        out = pattern.sub(replacement, out)
    return " " + re.sub(r"\s+", " ", out).strip() + " "


def matches(anchor: str, text: str) -> bool:
    """Does ``text`` contain every fragment of ``anchor``, in order (as whole words)?"""
    haystack = normalize(text)
    position = 0
    for fragment in anchor.split("…"):
        needle = normalize(fragment).strip()
        if not needle:
            continue
        # whole words at the start; a trailing stem ("frustrat") may continue
        found = re.search(r"(?<= )" + re.escape(needle), haystack[position:])
        if found is None:
            return False
        position += found.end()
    return True


def anchors(instrument: Instrument) -> dict[str, str]:
    """``{linkId: anchor}`` for the items of ``instrument`` that carry one."""
    out: dict[str, str] = {}
    for item in instrument.questionnaire.get("item", []):
        for ext in item.get("extension", []) or []:
            if ext.get("url") == ITEM_ANCHOR and isinstance(ext.get("valueString"), str):
                out[item["linkId"]] = ext["valueString"]
    return out


def check_alignment(instrument: Instrument, texts: Mapping[str, str], source: str) -> None:
    """Refuse item texts that do not read like their key's anchor (see the module docstring).

    Raises :class:`InstrumentError` naming the source, the item, its anchor and, when the text
    reads like another item, that item.
    """
    known = anchors(instrument)
    for link_id, text in texts.items():
        own = known.get(link_id)
        if own is not None and matches(own, text):
            continue
        others = [k for k, a in known.items() if k != link_id and matches(a, text)]
        if own is None and not others:
            continue
        shown = text if len(text) <= 90 else text[:87] + "…"
        where = f"{source}: {link_id}: the text {shown!r}"
        if own is None:
            like = others[0]
            raise InstrumentError(
                f"{where} reads like {like} (\u201c{known[like]}\u201d), not {link_id}: published "
                "item orders differ; give each text under the key whose wording it has"
            )
        hint = f"; it reads like {others[0]} (\u201c{known[others[0]]}\u201d)" if others else ""
        raise InstrumentError(
            f"{where} does not match this item's wording (\u201c{own}\u201d){hint}: published "
            "item orders differ; give each text under the key whose wording it has"
        )
