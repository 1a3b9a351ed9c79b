"""The respondent form: sections and questions built from a wave's modules, and parsing.

Field names are ``q:<linkId>`` (answer codes), ``pna:<linkId>`` is never used — "prefer not
to answer" is the option value ``pna`` of the same field, so the form works without
JavaScript and a keyboard reaches every option.

The wave's respondent attributes (``Wave.attributes``: gender, race and ethnicity, ...) follow
the questions as optional single choices named ``a:<key>``; "Prefer not to say" is the
option value ``not_stated``, which is also what an unanswered attribute is stored as.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from clinwell.instruments import Instrument, Item, Library, get_instrument, load_library
from clinwell.instruments.attributes import (
    AttributeValueError,
    RespondentAttribute,
    get_attribute,
)
from clinwell.web.surveys.models import Wave
from clinwell.web.surveys.services.waves import wave_exclusions

PREFER_NOT = "pna"
COMMENT_FIELD = "comment"
COMMENT_MAX = 2000


@dataclass(frozen=True)
class Question:
    item: Item
    field_name: str
    number: int

    @property
    def is_choice(self) -> bool:
        return bool(self.item.options)


@dataclass(frozen=True)
class Section:
    instrument: Instrument
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class AttributeQuestion:
    """An optional question about the respondent, with what the form says about it."""

    attribute: RespondentAttribute
    field_name: str
    explanation: str  # why it is asked; shown only for groups of the wave's size


@dataclass(frozen=True)
class SurveyForm:
    sections: tuple[Section, ...]
    attributes: tuple[AttributeQuestion, ...] = ()

    @property
    def question_count(self) -> int:
        """The instruments' questions (the questions about the respondent come on top)."""
        return sum(len(s.questions) for s in self.sections)

    @property
    def minutes(self) -> int:
        """A reading estimate: about 12 seconds a question, rounded up, at least 2 minutes."""
        return max(2, -(-(self.question_count + len(self.attributes)) * 12 // 60))

    def questions(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions]


@dataclass
class ParsedAnswers:
    by_instrument: dict[str, dict[str, int | float | None]] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)
    comment: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    # Respondent attribute key -> stored code (``not_stated`` when left empty).
    attributes: dict[str, str] = field(default_factory=dict)


# Launched waves' forms, per process: {(wave pk, created at): (library, form)}.
_FORMS: dict[tuple[int, object], tuple[Library, SurveyForm]] = {}
_FORMS_MAX = 256


def build_form(wave: Wave) -> SurveyForm:
    """The wave's questions, in order, numbered, without its excluded items (those the
    administrator left out and those another module asks: ``waves.ASKED_BY``).

    Once a wave has launched its questions are fixed (``update_wave`` refuses to change
    them), so the form of a launched wave is built once per process and reused — saving a
    query and the rebuild on every respondent request — until the instrument library is
    reloaded. A draft wave's form is built afresh each time (its modules may change).
    """
    if wave.status == Wave.Status.DRAFT:
        return _build_form(wave)
    library = load_library()
    key = (wave.pk, wave.created_at)
    cached = _FORMS.get(key)
    if cached is not None and cached[0] is library:
        return cached[1]
    form = _build_form(wave)
    if len(_FORMS) >= _FORMS_MAX:
        _FORMS.clear()
    _FORMS[key] = (library, form)
    return form


def _build_form(wave: Wave) -> SurveyForm:
    sections = []
    number = 0
    modules = list(wave.modules.all())
    exclusions = wave_exclusions(modules)  # left out by the admin or asked by another module
    for module in modules:
        instrument = get_instrument(module.instrument_id)
        excluded = exclusions[module.instrument_id]
        questions = []
        for item in instrument.items:
            if item.link_id in excluded:
                continue
            number += 1
            questions.append(Question(item, f"q:{item.link_id}", number))
        sections.append(Section(instrument, tuple(questions)))
    attributes = tuple(
        AttributeQuestion(attribute, f"a:{attribute.key}", attribute.explanation(wave.min_n_scores))
        for attribute in (get_attribute(key) for key in wave.attributes or [])
    )
    return SurveyForm(tuple(sections), attributes)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _printable(text: str) -> str:
    """Text without control characters other than tab and line breaks (a NUL or an escape
    in a comment is never meant, and no database stores a NUL): dropped, not refused, so
    the respondent's answers are kept."""
    return _CONTROL.sub("", text)


def parse_answers(form: SurveyForm, data: Mapping[str, Any]) -> ParsedAnswers:
    """Answers by instrument (``None`` = unanswered or prefer not to answer), or errors.

    Every question is optional to the respondent (a wellbeing survey never forces an answer;
    an unanswered item counts as missing and the instrument's minimum-answered rule
    decides whether a scale can be scored), but a form with nothing answered at all is not
    accepted. An invalid value (a code that is not an option, a number out of range) is an
    error naming the question. Answers about the respondent (``form.attributes``) go to
    ``attributes`` as codes, ``not_stated`` when left empty; they do not count as answering
    the survey.
    """
    parsed = ParsedAnswers()
    for section in form.sections:
        answers: dict[str, int | float | None] = {}
        for question in section.questions:
            item = question.item
            raw = str(data.get(question.field_name, "") or "").strip()
            parsed.raw[question.field_name] = raw
            if raw == "" or (raw == PREFER_NOT and item.prefer_not_to_answer):
                answers[item.link_id] = None
                continue
            value = _parse_value(item, raw)
            if value is None:
                parsed.errors[question.field_name] = _invalid_message(item)
                answers[item.link_id] = None
                continue
            answers[item.link_id] = value
        parsed.by_instrument[section.instrument.id] = answers
    answered = any(parsed.raw.values())  # of the instruments' questions
    for about in form.attributes:
        raw = _printable(str(data.get(about.field_name, "") or ""))
        parsed.raw[about.field_name] = raw.strip()
        try:
            parsed.attributes[about.attribute.key] = about.attribute.parse(raw)
        except AttributeValueError:
            parsed.errors[about.field_name] = (
                f"Please choose one of the options for “{about.attribute.label}”, or "
                "“Prefer not to say”."
            )
    comment = _printable(str(data.get(COMMENT_FIELD, "") or "")).strip()
    if len(comment) > COMMENT_MAX:
        parsed.errors[COMMENT_FIELD] = f"Please keep your comment under {COMMENT_MAX} characters."
    parsed.comment = comment[:COMMENT_MAX]
    first = next((q for section in form.sections for q in section.questions), None)
    if first is not None and not comment and not answered:
        # An empty form (an accidental tap on Submit) would use up a single-use link and
        # record a blank response; a deliberate skip is "Prefer not to answer".
        parsed.errors[first.field_name] = (
            "Nothing was answered yet. Answer at least one question (or choose “Prefer not "
            "to answer”) before submitting."
        )
    return parsed


def _parse_value(item: Item, raw: str) -> int | float | None:
    if item.options:
        try:
            code = int(raw)
        except ValueError:
            return None
        return code if any(o.code == code for o in item.options) else None
    try:
        number = float(raw)
    except ValueError:
        return None
    if number != number:  # NaN
        return None
    if item.min_value is not None and number < item.min_value:
        return None
    if item.max_value is not None and number > item.max_value:
        return None
    return int(number) if item.type == "integer" and number.is_integer() else number


def _invalid_message(item: Item) -> str:
    if item.options:
        return "Please choose one of the options."
    low = "" if item.min_value is None else f"{item.min_value:g}"
    high = "" if item.max_value is None else f"{item.max_value:g}"
    return (
        f"Please enter a number between {low} and {high}."
        if low and high
        else "Please enter a number."
    )
