"""Instrument library and scoring engine (pure Python: no Django, no Ibis).

Instruments are data files (FHIR R4 Questionnaire + scoring spec) in ``data/``; see
``docs/instruments.md`` for the format, every shipped instrument, its sources and cut-offs.

Public API::

    load_library() -> Library                  # all instruments (cached)
    get_instrument(id) -> Instrument
    load_instrument_file(path) -> Instrument   # validates; InstrumentError names file + field
    score_frame(instrument, df) -> DataFrame   # vectorized; ScoringError names row + column
    score_answers(instrument, answers) -> dict # one respondent, same engine
    to_fhir_questionnaire(instrument) -> dict
"""

from __future__ import annotations

from clinwell.instruments.fhir import to_fhir_questionnaire
from clinwell.instruments.library import (
    Library,
    UnknownInstrumentError,
    get_instrument,
    install_instrument,
    load_directory,
    load_library,
    prepare_import,
    same_scoring,
    user_instrument_dir,
    with_licensed_text,
)
from clinwell.instruments.loader import instrument_data, load_instrument_file, parse_instrument
from clinwell.instruments.model import (
    DOMAINS,
    KPIS,
    AnswerOption,
    Citation,
    Cutoff,
    Instrument,
    InstrumentError,
    Item,
    Licence,
    OutputColumn,
    Provenance,
    Scale,
    ScoringError,
    Tags,
)
from clinwell.instruments.scoring import score_answers, score_frame, score_item_arrays

__all__ = [
    "DOMAINS",
    "KPIS",
    "AnswerOption",
    "Citation",
    "Cutoff",
    "Instrument",
    "InstrumentError",
    "Item",
    "Library",
    "Licence",
    "OutputColumn",
    "Provenance",
    "Scale",
    "ScoringError",
    "Tags",
    "UnknownInstrumentError",
    "get_instrument",
    "install_instrument",
    "instrument_data",
    "load_directory",
    "load_instrument_file",
    "load_library",
    "parse_instrument",
    "prepare_import",
    "same_scoring",
    "score_answers",
    "score_frame",
    "score_item_arrays",
    "to_fhir_questionnaire",
    "user_instrument_dir",
    "with_licensed_text",
]
