"""Respondent attributes: optional self-described questions a wave may ask (pure Python).

Besides the roster's unit, role and tenure band, a wave may ask respondents about
themselves — gender, race and ethnicity, age band, career stage — so that results can be
compared between groups. Each attribute is chosen before launch and fixed with the wave's
questions; each is optional to the respondent, who may leave it empty or choose "Prefer
not to say" (both stored as :data:`NOT_STATED`). Answers are stored sealed with the rest of
the response and shown only through the privacy gate, for groups of at least the wave's
minimum group size (docs/privacy.md).

Categories (docs/instruments.md, "Respondent attributes"):

- gender: woman, man, non-binary, "I describe myself another way";
- race and ethnicity: the seven minimum categories of the US Office of Management and
  Budget's Statistical Policy Directive No. 15 as revised in 2024 (89 FR 22182, 29 March
  2024), plus "More than one of these". SPD 15 asks for a combined question on which a
  respondent may select every category that applies; here it is a single choice with
  "More than one of these", so that every response falls in exactly one group (results by
  group count each respondent once);
- age band: under 30, 30–39, 40–49, 50–59, 60 or older;
- career stage: in training, early, mid, late career.

Codes are stable identifiers stored inside sealed responses; labels may change wording.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

NOT_STATED: Final = "not_stated"
"""Stored when a respondent leaves an attribute empty or chooses "Prefer not to say"."""
PREFER_NOT_LABEL: Final = "Prefer not to say"
NOT_STATED_LABEL: Final = "Not stated"


class UnknownAttributeError(ValueError):
    """An attribute key that is not one of :data:`ATTRIBUTES`."""


class AttributeValueError(ValueError):
    """An answer code that is not one of an attribute's options."""


@dataclass(frozen=True)
class RespondentAttribute:
    """One optional question about the respondent.

    ``options`` are the substantive categories as ``(code, label)`` in the order shown;
    "Prefer not to say" (:data:`NOT_STATED`) is always offered besides them. ``why`` says
    why the question is asked; :meth:`explanation` adds that answers are shown only for
    groups of at least the wave's minimum group size.
    """

    key: str
    label: str
    question: str
    options: tuple[tuple[str, str], ...]
    why: str

    def __post_init__(self) -> None:
        codes = [code for code, _ in self.options]
        if len(set(codes)) != len(codes) or NOT_STATED in codes or "" in codes:
            raise ValueError(f"attribute {self.key!r}: option codes must be distinct and set")

    @property
    def codes(self) -> tuple[str, ...]:
        """Every code that can be stored, :data:`NOT_STATED` last."""
        return (*(code for code, _ in self.options), NOT_STATED)

    @property
    def choices(self) -> tuple[tuple[str, str], ...]:
        """The options as shown on the form, "Prefer not to say" last."""
        return (*self.options, (NOT_STATED, PREFER_NOT_LABEL))

    def label_of(self, code: str) -> str:
        """The label of a stored code (``"Not stated"`` for :data:`NOT_STATED`)."""
        if code == NOT_STATED:
            return NOT_STATED_LABEL
        for option, label in self.options:
            if option == code:
                return label
        raise AttributeValueError(f"{self.label}: '{code}' is not one of its options")

    def parse(self, raw: str) -> str:
        """The code to store for a submitted value: empty or "prefer not to say" is
        :data:`NOT_STATED`; anything else must be an option code."""
        value = raw.strip()
        if value in ("", NOT_STATED):
            return NOT_STATED
        if value in self.codes:
            return value
        raise AttributeValueError(
            f"{self.label}: '{value[:40]}' is not one of the options ({', '.join(self.codes)})"
        )

    def explanation(self, min_group: int) -> str:
        """What the form says under the question: why it is asked and how it is shown."""
        return (
            f"{self.why} Answers are only ever shown for groups of at least {min_group} "
            "people, never for anyone individually. You may leave it blank."
        )


_WHY_EQUITY = (
    "Asked to see whether burnout and well-being differ between groups, so that "
    "differences can be found and addressed — the National Academy of Medicine's National "
    "Plan for Health Workforce Well-Being makes a diverse and inclusive workforce one of its "
    "priority areas."
)

ATTRIBUTES: Final[dict[str, RespondentAttribute]] = {
    a.key: a
    for a in (
        RespondentAttribute(
            key="gender",
            label="Gender",
            question="What is your gender?",
            options=(
                ("woman", "Woman"),
                ("man", "Man"),
                ("nonbinary", "Non-binary"),
                ("self_described", "I describe myself another way"),
            ),
            why=_WHY_EQUITY,
        ),
        RespondentAttribute(
            key="race_ethnicity",
            label="Race and ethnicity",
            question="Which of these best describes your race or ethnicity?",
            options=(
                ("american_indian_alaska_native", "American Indian or Alaska Native"),
                ("asian", "Asian"),
                ("black", "Black or African American"),
                ("hispanic_latino", "Hispanic or Latino"),
                ("middle_eastern_north_african", "Middle Eastern or North African"),
                ("native_hawaiian_pacific_islander", "Native Hawaiian or Pacific Islander"),
                ("white", "White"),
                ("more_than_one", "More than one of these"),
            ),
            why=_WHY_EQUITY,
        ),
        RespondentAttribute(
            key="age_band",
            label="Age",
            question="How old are you?",
            options=(
                ("under_30", "Under 30"),
                ("30_39", "30–39"),
                ("40_49", "40–49"),
                ("50_59", "50–59"),
                ("60_plus", "60 or older"),
            ),
            why=(
                "Asked to see whether burnout and well-being differ between age groups, so "
                "that support can reach the people who need it."
            ),
        ),
        RespondentAttribute(
            key="career_stage",
            label="Career stage",
            question="Which best describes your career stage?",
            options=(
                ("in_training", "In training (student, resident or fellow)"),
                ("early", "Early career"),
                ("mid", "Mid career"),
                ("late", "Late career"),
            ),
            why=(
                "Asked to see whether burnout and well-being differ between trainees and "
                "people early, in the middle or late in their careers, so that support fits "
                "each stage."
            ),
        ),
    )
}
"""Every attribute a wave may ask, in the order the form shows them."""


def get_attribute(key: str) -> RespondentAttribute:
    try:
        return ATTRIBUTES[key]
    except KeyError:
        raise UnknownAttributeError(
            f"unknown respondent attribute '{key[:40]}' (one of {', '.join(ATTRIBUTES)})"
        ) from None


def check_keys(keys: Iterable[str]) -> list[str]:
    """``keys`` in the order of :data:`ATTRIBUTES`, each once; an unknown key is refused."""
    chosen = set()
    for key in keys:
        get_attribute(key)
        chosen.add(key)
    return [key for key in ATTRIBUTES if key in chosen]
