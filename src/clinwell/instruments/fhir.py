"""FHIR R4 export of an instrument's Questionnaire.

The data file already holds a FHIR R4 (and R4B-compatible) Questionnaire: items with
``linkId``, ``text`` and ``answerOption.valueCoding``, each option's score in the standard
``itemWeight`` extension (http://hl7.org/fhir/StructureDefinition/itemWeight), numeric bounds in
``minValue``/``maxValue``, the licence in ``copyright``, and the instrument's citations as
Questionnaire-level ``cqf-citation`` extensions
(http://hl7.org/fhir/StructureDefinition/cqf-citation; ``valueString`` = citation text, a space,
then the URL when there is one), in the order of ``scoring.citations``. The loader rejects a
Questionnaire whose cqf-citations differ from ``scoring.citations``; the export adds them when a
Questionnaire (e.g. one imported by an organization) has none, so every export carries its
citations. clinwell adds one extension of its own,
``https://clinwell.org/fhir/StructureDefinition/prefer-not-to-answer`` (valueBoolean).

fhir.resources 8.x has no R4 module, so the tests validate exports with its R4B
``Questionnaire`` model (R4B's Questionnaire is structurally identical to R4's).
"""

from __future__ import annotations

import copy
from typing import Any

from clinwell.instruments.loader import CQF_CITATION, citation_string
from clinwell.instruments.model import Instrument


def to_fhir_questionnaire(instrument: Instrument) -> dict[str, Any]:
    """The instrument's FHIR Questionnaire as a JSON-ready dict (a deep copy), with its
    citations as ``cqf-citation`` extensions (added when the Questionnaire has none)."""
    questionnaire = copy.deepcopy(dict(instrument.questionnaire))
    extensions = list(questionnaire.get("extension") or [])
    if not any(isinstance(e, dict) and e.get("url") == CQF_CITATION for e in extensions):
        extensions += [
            {"url": CQF_CITATION, "valueString": citation_string(c)} for c in instrument.citations
        ]
        questionnaire["extension"] = extensions
    return questionnaire
