"""FHIR R4 export of an instrument's Questionnaire.

The data file already holds a FHIR R4 (and R4B-compatible) Questionnaire: items with
``linkId``, ``text`` and ``answerOption.valueCoding``, each option's score in the standard
``itemWeight`` extension (http://hl7.org/fhir/StructureDefinition/itemWeight), numeric bounds in
``minValue``/``maxValue``, and the licence in ``copyright``. clinwell adds one extension,
``https://clinwell.org/fhir/StructureDefinition/prefer-not-to-answer`` (valueBoolean).
"""

from __future__ import annotations

import copy
from typing import Any

from clinwell.instruments.model import Instrument


def to_fhir_questionnaire(instrument: Instrument) -> dict[str, Any]:
    """The instrument's FHIR Questionnaire as a JSON-ready dict (a deep copy)."""
    return copy.deepcopy(dict(instrument.questionnaire))
