"""Synthetic survey comments with planted themes and sentiment (seeded).

Each comment is built from one or two theme sentences (``PHRASES``: written for this generator,
none of them in the classifier's labelled sets) with an optional opening or closing remark
that carries no theme; some comments carry no theme at all, and a share are verbatim repeats of
an earlier comment, as real comment boxes have. ``theme_weights`` lets a demo plant more of one
theme in one unit. The planted themes are the ground truth: ``tests/synth/test_comments.py``
checks that the classifier finds them.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from clinwell.comments.themes import THEME_KEYS

#: (sentence, sentiment) per theme; "{place}" is filled with a unit-like phrase.
PHRASES: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "ehr_documentation": (
        ("Most evenings I am still typing notes long after {place} has closed.", "negative"),
        ("The record system makes me re-enter the same history at every visit.", "negative"),
        ("My message basket fills faster than I can empty it.", "negative"),
        ("Half my day is spent clicking through screens in the chart.", "negative"),
        ("Give us an hour a day of protected time for messages and notes.", "neutral"),
        ("The voice dictation we got this year saves me real time on notes.", "positive"),
        ("Results and refill requests flood my inbox even on vacation.", "negative"),
        ("The EMR freezes during busy clinics and I lose my documentation.", "negative"),
    ),
    "workload_staffing": (
        ("{place} has been running two nurses short for months.", "negative"),
        ("We are asked to see more patients every quarter with the same team.", "negative"),
        ("There is never anyone to cover when a colleague calls in sick.", "negative"),
        ("The daily patient load at {place} is not safe.", "negative"),
        ("Please fill the open positions before adding new services.", "neutral"),
        ("Since the new hires started the pace has become manageable.", "positive"),
        ("The volume targets leave no time to think about each patient.", "negative"),
        ("I regularly work twelve hours without a real break.", "negative"),
    ),
    "leadership_support": (
        ("Our managers rarely explain the reasons behind their decisions.", "negative"),
        ("When we raise a concern, leadership thanks us and nothing happens.", "negative"),
        ("Senior leaders have not visited {place} in over a year.", "negative"),
        ("My supervisor listens and follows up on what I bring to her.", "positive"),
        ("Leaders should report back on what changed after this survey.", "neutral"),
        ("I do not trust the executive team to put patients first.", "negative"),
        ("The director of {place} stands up for us in budget meetings.", "positive"),
    ),
    "teamwork_culture": (
        ("Some staff at {place} are openly rude to the newer nurses.", "negative"),
        ("There is a blame culture between the day and night teams.", "negative"),
        ("People on my team respect each other and share the load.", "positive"),
        ("I often feel like an outsider among my colleagues.", "negative"),
        ("A few physicians speak down to the rest of the care team.", "negative"),
        ("Joint huddles with pharmacy and nursing would help us work as one team.", "neutral"),
        ("Our colleagues stepped up for each other all winter.", "positive"),
    ),
    "administrative_burden": (
        ("Insurance approvals take up hours of my week.", "negative"),
        ("Each new payer rule adds another form for my staff to fill in.", "negative"),
        ("Quality measure reporting keeps growing and helps nobody.", "negative"),
        ("We appeal denied claims for treatments that are plainly needed.", "negative"),
        ("A dedicated prior authorization team would give clinicians time back.", "neutral"),
        ("Coding and billing queries interrupt my clinic all day.", "negative"),
        ("The annual compliance paperwork repeats the same questions.", "negative"),
    ),
    "schedule_flexibility": (
        ("The call schedule leaves almost no free weekends.", "negative"),
        ("My requests for time off keep getting turned down.", "negative"),
        ("I would stay longer if part-time hours were possible.", "neutral"),
        ("Shifts that change week to week make childcare impossible.", "negative"),
        ("Being able to pick my own shifts has helped my family a lot.", "positive"),
        ("Working nights and then days in the same week ruins my sleep.", "negative"),
        ("Please post the schedule at least six weeks ahead.", "neutral"),
    ),
    "compensation_recognition": (
        ("Our salaries are behind what nearby hospitals pay.", "negative"),
        ("Nobody ever thanks us for the extra shifts we pick up.", "negative"),
        ("The raise this year did not even match inflation.", "negative"),
        ("I do not feel valued by this organization.", "negative"),
        ("The staff recognition awards this spring meant a lot to me.", "positive"),
        ("Pay differentials for nights and weekends should be higher.", "neutral"),
        ("Our benefits keep getting cut while the work grows.", "negative"),
    ),
    "mental_health_support": (
        ("I am afraid that asking for counseling would hurt my license.", "negative"),
        ("After the death of a patient we get no time to talk it through.", "negative"),
        ("The counseling service has a waiting list of several weeks.", "negative"),
        ("Offer peer support after every difficult case, not only when asked.", "neutral"),
        ("The peer support team reached out to me after a hard night and it helped.", "positive"),
        ("Many of us are struggling with anxiety and do not know where to turn.", "negative"),
        ("There is still a stigma here about seeing a therapist.", "negative"),
    ),
    "safety_violence": (
        ("A patient's relative threatened me in the hallway last week.", "negative"),
        ("Staff at {place} get hit or kicked by agitated patients.", "negative"),
        ("There is no security guard at night in the emergency entrance.", "negative"),
        ("I do not feel safe walking to the car park after a late shift.", "negative"),
        ("Install alarm buttons in every exam room.", "neutral"),
        ("Security now comes within minutes when we call, which makes me feel safer.", "positive"),
        ("Verbal abuse from patients is treated as part of the job.", "negative"),
    ),
    "positive_meaning": (
        ("I still find real joy in caring for my patients.", "positive"),
        ("This work gives my life meaning.", "positive"),
        ("I am grateful every day to do this job.", "positive"),
        ("Seeing patients recover reminds me why I went into medicine.", "positive"),
        ("What goes well here is how much we care about our patients.", "positive"),
        ("I am proud of the care we give at {place}.", "positive"),
    ),
}

#: Remarks with no theme, used as whole comments.
NO_THEME: Final = (
    ("No further comments.", "neutral"),
    ("Thanks for running this survey.", "neutral"),
    ("Nothing to add this time.", "neutral"),
    ("The survey took me about five minutes.", "neutral"),
    ("n/a", "neutral"),
)
OPENERS: Final = ("", "", "", "Honestly, ", "To be frank, ", "Overall, ")
PLACES: Final = ("our unit", "the clinic", "4 West", "the ED", "our department", "the ICU")


class CommentSpecError(ValueError):
    """Bad generator arguments; the message names the argument."""


@dataclass(frozen=True, slots=True)
class PlantedComment:
    """A synthetic comment and the themes and sentiment planted in it."""

    text: str
    themes: tuple[str, ...]
    sentiment: str


def _fill(sentence: str, rng: np.random.Generator) -> str:
    filled = sentence.replace("{place}", str(rng.choice(PLACES)))
    return filled[0].upper() + filled[1:]


def _after_opener(text: str) -> str:
    """``text`` with its first letter lower-cased, unless the first word is "I" or an acronym."""
    first = text.split(" ", 1)[0]
    return (
        text
        if first == "I" or first[1:2].isupper() or first[:1].isdigit()
        else (text[0].lower() + text[1:])
    )


def _weights(theme_weights: Mapping[str, float] | None) -> npt.NDArray[np.float64]:
    weights = np.ones(len(THEME_KEYS))
    for key, weight in (theme_weights or {}).items():
        if key not in THEME_KEYS:
            raise CommentSpecError(f"theme_weights: unknown theme {key!r}")
        if not weight >= 0:
            raise CommentSpecError(f"theme_weights[{key!r}]: must be ≥ 0, got {weight}")
        weights[THEME_KEYS.index(key)] = weight
    if weights.sum() <= 0:
        raise CommentSpecError("theme_weights: at least one weight must be positive")
    normalized: npt.NDArray[np.float64] = weights / weights.sum()
    return normalized


def _rate(name: str, value: float) -> float:
    if not 0.0 <= value <= 1.0:
        raise CommentSpecError(f"{name}: must be between 0 and 1, got {value}")
    return value


def generate_comments(
    n: int,
    *,
    seed: int = 0,
    theme_weights: Mapping[str, float] | None = None,
    second_theme_rate: float = 0.25,
    no_theme_rate: float = 0.08,
    repeat_rate: float = 0.05,
) -> list[PlantedComment]:
    """``n`` comments; the same arguments give the same comments.

    A comment's first theme is drawn with ``theme_weights`` (default: all equal); with
    probability ``second_theme_rate`` a sentence of a second, different theme with the same
    sentiment follows. ``no_theme_rate`` of comments have no theme; ``repeat_rate`` repeat an
    earlier comment word for word.
    """
    if n < 0:
        raise CommentSpecError(f"n: must be ≥ 0, got {n}")
    p = _weights(theme_weights)
    for name, value in (
        ("second_theme_rate", second_theme_rate),
        ("no_theme_rate", no_theme_rate),
        ("repeat_rate", repeat_rate),
    ):
        _rate(name, value)
    rng = np.random.default_rng(seed)
    out: list[PlantedComment] = []
    for _ in range(n):
        if out and rng.random() < repeat_rate:
            out.append(out[int(rng.integers(len(out)))])
            continue
        if rng.random() < no_theme_rate:
            text, sentiment = NO_THEME[int(rng.integers(len(NO_THEME)))]
            out.append(PlantedComment(text, (), sentiment))
            continue
        first = THEME_KEYS[int(rng.choice(len(THEME_KEYS), p=p))]
        sentence, sentiment = PHRASES[first][int(rng.integers(len(PHRASES[first])))]
        parts, themes = [_fill(sentence, rng)], [first]
        if rng.random() < second_theme_rate:
            options = [
                (key, s)
                for key in THEME_KEYS
                if key != first
                for s, mood in PHRASES[key]
                if mood == sentiment
            ]
            if options:
                key, second = options[int(rng.integers(len(options)))]
                parts.append(_fill(second, rng))
                themes.append(key)
        opener = str(rng.choice(OPENERS))
        text = " ".join(parts)
        if opener:
            text = opener + _after_opener(text)
        ordered = tuple(k for k in THEME_KEYS if k in themes)
        out.append(PlantedComment(text, ordered, sentiment))
    return out


#: The demo organization's planted comment themes: (unit path, first wave, weights). The
#: last matching rule wins; "" matches every unit. Documentation (the demo's planted driver)
#: dominates everywhere, Emergency Medicine also writes about violence and staffing, Radiology
#: (a better culture) about meaning and teamwork, and the two units that acted on documentation
#: time from the third wave (``DEMO_IMPROVERS`` in :mod:`clinwell.synth.survey`) write less
#: about it from then on.
DEMO_COMMENT_THEMES: Final[tuple[tuple[str, int, Mapping[str, float]], ...]] = (
    ("", 0, {"ehr_documentation": 5.0}),
    (
        "Riverside Health/Main Campus/Emergency Medicine",
        0,
        {"safety_violence": 10.0, "workload_staffing": 4.0, "ehr_documentation": 3.0},
    ),
    (
        "Riverside Health/Lakeside Hospital/Radiology",
        0,
        {"positive_meaning": 4.0, "teamwork_culture": 3.0, "ehr_documentation": 1.0},
    ),
    ("Riverside Health/Main Campus/Medicine/Hospital Medicine", 2, {"positive_meaning": 1.5}),
    ("Riverside Health/North Clinic/Family Medicine", 2, {"positive_meaning": 1.5}),
)
DEMO_COMMENT_RATE: Final = 0.35


def demo_theme_weights(unit: str, wave: int) -> Mapping[str, float]:
    """The planted theme weights of one demo unit in one wave (:data:`DEMO_COMMENT_THEMES`)."""
    chosen: Mapping[str, float] = {}
    for path, first_wave, weights in DEMO_COMMENT_THEMES:
        if (path == "" or unit == path) and wave >= first_wave:
            chosen = weights
    return chosen


def demo_comments(
    units: Sequence[str], *, wave: int, seed: int, rate: float = DEMO_COMMENT_RATE
) -> list[str]:
    """A comment ("" for none) for each response of a demo wave, given each response's unit
    path: about ``rate`` of respondents comment, with their unit's planted themes."""
    _rate("rate", rate)
    out = [""] * len(units)
    rows: dict[str, list[int]] = {}
    for i, unit in enumerate(units):
        rows.setdefault(unit, []).append(i)
    for unit, positions in sorted(rows.items()):
        unit_seed = (seed * 7919 + wave * 104729 + zlib.crc32(unit.encode())) % 2**32
        rng = np.random.default_rng(unit_seed)
        chosen = [p for p in positions if rng.random() < rate]
        texts = generate_comments(
            len(chosen), seed=unit_seed + 1, theme_weights=demo_theme_weights(unit, wave)
        )
        for position, comment in zip(chosen, texts, strict=True):
            out[position] = comment.text
    return out
