"""The private feedback a respondent sees right after submitting.

Built from the scores just computed and rendered into the response page only: nothing
here is stored, and the page carries no identity.

The page reads, in order (docs/surveys.md, "The respondent's own results"):

1. what the answers suggest, in plain sentences (:func:`findings`) — or, when they point to
   distress (:func:`distress`), support first, worded as the instrument's own guidance for a
   positive screen;
2. support resources for the organization's state (:func:`support_sections`);
3. the details, collapsed: every score with its range and national figure
   (:func:`feedback_rows`).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from clinwell.instruments import get_instrument
from clinwell.knowledge import Resource, find_resources, national_benchmarks
from clinwell.knowledge.resources import resource_directory

NATIONAL_SERIES = "ama_org_biopsy"

# Plain sentences for each cut-off a respondent can meet: (when met, when not met). A
# sentence of None leaves the finding out (it is said by another one, or is technical).
PLAIN: dict[str, tuple[str | None, str | None]] = {
    "who5.depression_screen": ("Your mood over the last two weeks has been low.", None),
    "who5.poor_wellbeing": (
        "Your sense of well-being over the last two weeks has been lower than it should be.",
        "Your sense of well-being over the last two weeks looks good.",
    ),
    "single_item_burnout.burnout": (
        "You describe at least one symptom of burnout.",
        "You describe no symptoms of burnout.",
    ),
    "org_wellbeing.burned_out": (
        "You describe at least one symptom of burnout.",
        "You describe no symptoms of burnout.",
    ),
    "mini_z2.burnout": (
        "You describe at least one symptom of burnout.",
        "You describe no symptoms of burnout.",
    ),
    "pfi.burnout": ("Your answers suggest burnout.", "Your answers do not suggest burnout."),
    "pfi.high_fulfillment": (
        "You find a lot of fulfilment in your work.",
        "Your work gives you less fulfilment than it could.",
    ),
    "cbi.personal_high": (
        "You often feel worn out, in life generally and not only at work.",
        "You do not often feel worn out in life generally.",
    ),
    "cbi.work_high": (
        "Your work often wears you out.",
        "Your work does not often wear you out.",
    ),
    "cbi.patient_high": (
        "Working with patients often wears you out.",
        "Working with patients does not often wear you out.",
    ),
    "mini_z2.joyful_workplace": (
        "You describe a workplace that supports you well.",
        "You describe a workplace that could support you better.",
    ),
    "intent_to_leave.leave": (
        "You are thinking about leaving your organization within two years.",
        "You are not seriously thinking about leaving your organization.",
    ),
    "org_wellbeing.satisfied": (
        "You are satisfied with your job.",
        "You are not satisfied with your job, or not sure.",
    ),
    "org_wellbeing.high_stress": (
        "You find your job stressful.",
        "You do not find your job very stressful.",
    ),
    "org_wellbeing.feels_valued": (
        "You feel valued by your organization.",
        "You do not feel valued by your organization, or not sure.",
    ),
    # technical cut-offs: shown in the details only
    "pfi.work_exhaustion_mbi_ee": (None, None),
    "pfi.interpersonal_disengagement_mbi_dp": (None, None),
    "mini_z2.supportive_work_environment_favourable": (None, None),
    "mini_z2.work_pace_emr_stress_favourable": (None, None),
}

# What the national share of each AMA comparison measure counts.
NATIONAL_WORDING = {
    "burnout": "reported at least one symptom of burnout",
    "intent_to_leave": "said they might leave their organization within two years",
    "job_satisfaction": "were satisfied with their job",
    "job_stress": "reported high job stress",
    "feeling_valued": "felt valued by their organization",
}

# Answers that call for support first: the WHO-5 depression screen (its guidance: a
# percentage score of 28 or less means likely depression and a reason for assessment), and
# the single burnout item's top answer, which says in its own words "I may need to seek help".
DEPRESSION_SCREEN = "who5.depression_screen"
TOP_BURNOUT_ANSWERS = {"single_item_burnout.score": 5.0, "org_wellbeing.burnout": 5.0}

WHO5_GUIDANCE = (
    "The WHO-5 is a short screening questionnaire, not a diagnosis. Its guidance is that "
    "answers like yours are a reason to talk with a doctor or a mental-health professional, "
    "who can check properly for depression. Many clinicians go through this, and it can be "
    "treated."
)
BURNOUT_GUIDANCE = (
    "You chose “I feel completely burned out and often wonder if I can go on. I am at the "
    "point where I may need some changes or may need to seek some sort of help.” You do not "
    "have to manage this alone: the services below are free and confidential."
)


@dataclass(frozen=True)
class Finding:
    """One plain sentence about the respondent's answers."""

    key: str  # the output column, e.g. "single_item_burnout.burnout"
    text: str
    concern: bool
    national: str = ""


@dataclass(frozen=True)
class FeedbackRow:
    """One measure in the details: its value in words, what it means, the national figure."""

    label: str
    value: str
    meaning: str
    national: str = ""
    source: str = ""
    source_url: str = ""
    key: str = ""
    unverified: bool = False


def _format(value: Any, low: float | None, high: float | None, unit: str | None = None) -> str:
    if unit:  # a count or an amount the respondent typed in, not a rating scale
        return f"{value:g} {unit}"
    if low is not None and high is not None:
        return f"{value:.1f} on a scale of {low:g}–{high:g}"
    return f"{value:.1f}"


def _entered_unit(instrument: Any, scale_id: str) -> str | None:
    """The unit of a scale that is one number typed in (hours per week, messages per day)."""
    items = [instrument.item(link_id) for link_id in instrument.scale(scale_id).items]
    if len(items) == 1 and items[0].type != "choice" and items[0].unit:
        return str(items[0].unit)
    return None


def _for_respondent(instrument_id: str, output: Any) -> bool:
    """The many organizational items are for the organization, not the respondent."""
    return not (output.tags.domain and not output.tags.kpi and instrument_id == "org_wellbeing")


def plain_label(label: str) -> str:
    """A cut-off's label without its formula: "Burnout (level 3 or higher)" → "Burnout"."""
    return re.sub(r"\s*\([^()]*\)\s*$", "", label) or label


def _national(kpi: str | None) -> tuple[str, str, str]:
    """(sentence, source title, source url) of the national share for a comparison measure."""
    if not kpi or kpi not in NATIONAL_WORDING:
        return "", "", ""
    series = national_benchmarks()[NATIONAL_SERIES]
    if kpi not in series.measures:
        return "", "", ""
    point = series.latest(kpi)
    if point is None:
        return "", "", ""
    sentence = (
        f"Nationally, {point.value:.0%} of U.S. physicians {NATIONAL_WORDING[kpi]} ({point.year})."
    )
    url = (point.sources or series.sources)[0].url or ""
    return sentence, f"{series.title}, {point.year}", url


def _flag_sentence(output: Any, value: bool) -> str | None:
    met, unmet = PLAIN.get(output.name, (None, None))
    if output.name not in PLAIN:
        label = plain_label(output.label)
        met = f"Your answers reach the usual threshold for: {label.lower()}."
        unmet = f"Your answers stay below the usual threshold for: {label.lower()}."
    return met if value else unmet


def findings(scores: dict[str, dict[str, Any]]) -> list[Finding]:
    """What the answers suggest, one plain sentence per headline measure.

    Concerns come first, then the rest, each in the order of the survey; a sentence said by
    two instruments (burnout asked twice) is said once.
    """
    out: list[Finding] = []
    seen: set[str] = set()
    for instrument_id, values in scores.items():
        instrument = get_instrument(instrument_id)
        for output in instrument.outputs():
            value = values.get(output.name)
            if value is None:
                continue
            if output.name == "who5.poor_wellbeing" and values.get(DEPRESSION_SCREEN):
                continue  # said by the depression screen's sentence
            if output.kind == "score":
                if output.tags.kpi == "weekly_hours":
                    text = f"You work about {value:g} hours a week."
                    series = national_benchmarks()[NATIONAL_SERIES]
                    point = series.latest("weekly_hours")
                    national = (
                        f"U.S. physicians worked {point.value:g} hours a week on average "
                        f"({point.year})."
                        if point is not None
                        else ""
                    )
                    out.append(Finding(output.name, text, value > 60, national))
                continue
            sentence = _flag_sentence(output, bool(value))
            if sentence is None or sentence in seen:
                continue
            seen.add(sentence)
            concern = bool(value) == bool(output.higher_is_worse)
            out.append(Finding(output.name, sentence, concern, _national(output.tags.kpi)[0]))
    return sorted(out, key=lambda f: not f.concern)


def distress(scores: dict[str, dict[str, Any]]) -> str:
    """Which guidance leads the page: ``"depression"``, ``"burnout"`` or ``""`` (none).

    The WHO-5 depression screen (percentage score ≤ 28) leads with its own guidance; the
    single burnout item's top answer (“I may need to seek help”) with the item's own words.
    """
    flat = {name: v for values in scores.values() for name, v in values.items()}
    if flat.get(DEPRESSION_SCREEN):
        return "depression"
    if any(flat.get(name) == top for name, top in TOP_BURNOUT_ANSWERS.items()):
        return "burnout"
    return ""


def feedback_rows(scores: dict[str, dict[str, Any]]) -> list[FeedbackRow]:
    """One row per score or cut-off worth showing, in words, with its national figure.

    A scale that could not be scored (too few answers) is left out, with its cut-off flags;
    :func:`unscored_measures` names them. A cut-off is never a bare "Yes": its value is a
    sentence saying whether the answers reach it.
    """
    rows: list[FeedbackRow] = []
    for instrument_id, values in scores.items():
        instrument = get_instrument(instrument_id)
        title = instrument.respondent_title
        for output in instrument.outputs():
            value = values.get(output.name)
            if output.kind == "score":
                if value is None or not _for_respondent(instrument_id, output):
                    continue
                low, high = output.range if output.range else (None, None)
                direction = (
                    "Higher means more strain."
                    if output.higher_is_worse
                    else "Higher is better."
                    if output.higher_is_worse is not None
                    else ""
                )
                unit = _entered_unit(instrument, output.scale)
                rows.append(
                    FeedbackRow(
                        f"{title}: {output.label}",
                        _format(value, low, high, unit),
                        direction,
                        key=output.name,
                    )
                )
                continue
            cutoff = output.cutoff
            if cutoff is None or value is None:
                continue
            label = plain_label(cutoff.label)
            threshold = cutoff.label[len(label) :].strip(" ()") or label
            shown = (
                f"Yes: your answers reach the threshold ({threshold})."
                if value
                else f"No: your answers stay below the threshold ({threshold})."
            )
            national, source, url = _national(output.tags.kpi)
            rows.append(
                FeedbackRow(
                    f"{title}: {label}",
                    shown,
                    _flag_sentence(output, bool(value)) or "",
                    national,
                    source,
                    url,
                    key=output.name,
                    unverified=not cutoff.provenance.confirmed,
                )
            )
    return rows


def unscored_measures(
    scores: dict[str, dict[str, Any]], asked: Collection[str] | None = None
) -> list[str]:
    """Labels of the scales :func:`feedback_rows` leaves out because they could not be scored.

    With ``asked`` (the linkIds the wave asked), a scale none of whose items the wave asked —
    left out by the administrator, or asked by another module (``waves.ASKED_BY``) — is not
    named: the respondent was never asked it.
    """
    missing = []
    for instrument_id, values in scores.items():
        instrument = get_instrument(instrument_id)
        for output in instrument.outputs():
            if (
                output.kind == "score"
                and values.get(output.name) is None
                and _for_respondent(instrument_id, output)
                and (asked is None or any(i in asked for i in instrument.scale(output.scale).items))
            ):
                missing.append(f"{instrument.respondent_title}: {output.label}")
    return missing


# Kinds of national resource listed for a clinician, in this order.
NATIONAL_KINDS = ("crisis_line", "support_line", "directory")
# Kinds of a state's own resources listed for a clinician (besides its physician health program).
STATE_KINDS = ("peer_support", "counseling")

PHP_EXPLAINED = (
    "What this is: a state physician health program offers confidential assessment, referral "
    "to treatment and, when needed, monitoring, as an alternative to discipline by the "
    "licensing board. It is not a crisis line or a counselling service."
)


@dataclass(frozen=True)
class SupportItem:
    """One resource as a clinician reads it: what it is, how to reach it, where it comes from."""

    name: str
    what: str
    kind: str = ""
    phone: str = ""
    text: str = ""
    url: str = ""
    hours: str = ""
    explained: str = ""  # what a program is, when its name does not say (a monitoring program)
    caveat: str = ""  # in a user's words, e.g. "We could not verify this phone number."
    sources: tuple[tuple[str, str], ...] = ()  # (title, url or "")
    checked: str = ""  # "3 December 2026"


@dataclass(frozen=True)
class SupportSections:
    state_name: str
    now: tuple[SupportItem, ...]  # national lines: call or text today
    state: tuple[SupportItem, ...]  # the state's program and services
    state_program_known: bool  # False: we could not confirm the state's program

    @property
    def lines(self) -> tuple[SupportItem, ...]:
        """The national phone lines, for the top of a page that leads with support."""
        return tuple(r for r in self.now if r.kind in ("crisis_line", "support_line"))


def _checked(value: str) -> str:
    if not value:
        return ""
    day = date.fromisoformat(value)
    return f"{day.day} {day:%B %Y}"


def _item(
    r: Resource, what: str | None = None, caveat: str = "", explained: str = ""
) -> SupportItem:
    sources = tuple((s.title.replace(" (seed)", ""), s.url or "") for s in r.sources)
    if not caveat and not r.confirmed:
        caveat = (
            "We could not verify every detail of this entry; check its website before "
            "relying on it."
        )
    return SupportItem(
        name=r.name,
        what=what or r.description,
        kind=r.kind,
        phone=r.phone or "",
        text=r.text or "",
        url=r.url or "",
        hours=r.hours or "",
        explained=explained,
        caveat=caveat,
        sources=sources,
        checked=_checked(r.checked),
    )


@lru_cache(maxsize=64)
def support_sections(state: str) -> SupportSections:
    """The support a clinician in ``state`` can reach: national lines, then the state's own.

    Every state and DC has a physician-health-program record; where its program could not be
    confirmed the section says so and points to the national directory. A program that
    monitors on behalf of the licensing board is always described as what it is.
    """
    directory = resource_directory()
    names = {s.code: s.name for s in directory.states}
    code = (state or "").strip().upper()
    national = [r for r in find_resources(state=None) if r.is_national]
    now = tuple(_item(r) for kind in NATIONAL_KINDS for r in national if r.kind == kind)
    if code not in names:
        return SupportSections("", now, (), False)
    program = directory.state_program(code)
    generated = (
        program.id == f"php_{code.lower()}" and not program.phone and not program.organization
    )
    items: list[SupportItem] = []
    if generated:
        items.append(
            SupportItem(
                name=f"{names[code]} physician health program",
                what=(
                    f"We could not confirm the name and contact details of {names[code]}’s "
                    "physician health program. The Federation of State Physician Health "
                    "Programs lists each state’s program at the address below; the national "
                    "lines above are open to you wherever you work."
                ),
                explained=PHP_EXPLAINED,
                url=program.url or "",
                sources=tuple((s.title, s.url or "") for s in program.sources),
                checked=_checked(program.checked),
            )
        )
    else:
        items.append(
            _item(
                program,
                explained=PHP_EXPLAINED,
                caveat=(
                    ""
                    if program.confirmed
                    else "We could not confirm that this is the state’s member program of the "
                    "Federation of State Physician Health Programs."
                ),
            )
        )
    for r in find_resources(state=code):
        if r.scope == code and r.kind in STATE_KINDS:
            items.append(_item(r))
    return SupportSections(names[code], now, tuple(items), not generated)


@lru_cache(maxsize=64)
def support_resources(state: str) -> tuple[Resource, ...]:
    """National lines first, then the state's physician health program(s).

    The directory is shipped data, so the answer per state is computed once per process.
    """
    try:
        found = find_resources(state=state or None)
    except KeyError:
        found = find_resources(state=None)
        found = [r for r in found if r.is_national]
    return tuple(r for r in found if r.is_national or r.kind == "physician_health_program")
