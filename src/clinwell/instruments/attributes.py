"""Respondent attributes a wave may ask (optional for every respondent, fixed at launch).

Placeholder with the interface the results pages use; the full definitions (every
attribute, why-text, citations) land with the wave set-up work.
"""

from __future__ import annotations

from dataclasses import dataclass

NOT_STATED = "not_stated"


@dataclass(frozen=True)
class RespondentAttribute:
    key: str
    label: str
    question: str
    options: tuple[tuple[str, str], ...]
    why: str


ATTRIBUTES: dict[str, RespondentAttribute] = {
    "gender": RespondentAttribute(
        "gender",
        "Gender",
        "What is your gender?",
        (("woman", "Woman"), ("man", "Man"), ("nonbinary", "Nonbinary")),
        "To see whether groups differ; shown only for groups large enough.",
    ),
}
