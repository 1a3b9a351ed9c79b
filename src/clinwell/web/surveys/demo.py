"""Demo step: three past waves (for trends) and one open wave with an anonymous link.

Responses come from the synthetic generator (:mod:`clinwell.synth.survey`) with a planted
driver (documentation time pressure) and two units that acted on it from the third wave.
Every wave asks gender and career stage (``DEMO_ATTRIBUTES``), with a planted equity gap:
women and residents have higher burnout (about 11–12 percentage points; the synth module
documents it).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from django.utils import timezone

from clinwell.instruments import get_instrument
from clinwell.synth.comments import demo_comments
from clinwell.synth.survey import DEMO_ATTRIBUTES, demo_spec, generate_wave, units_from_roster
from clinwell.web.demo import DemoContext
from clinwell.web.orgs.models import Organization, Unit
from clinwell.web.surveys.models import Invitation, Wave
from clinwell.web.surveys.services.form import ParsedAnswers
from clinwell.web.surveys.services.history import import_responses
from clinwell.web.surveys.services.lifecycle import forget_who_responded
from clinwell.web.surveys.services.submissions import Outcome, submit_with_invitation
from clinwell.web.surveys.services.waves import (
    ModuleChoice,
    create_invitations,
    create_wave,
    ensure_anonymous_link,
    launch_wave,
)

ZONE = "America/Chicago"
MODULES = [
    ModuleChoice("single_item_burnout"),
    ModuleChoice("org_wellbeing"),
    ModuleChoice("intent_to_leave"),
    ModuleChoice("who5"),
    ModuleChoice("admin_burden"),
]
PAST_WAVES = [
    ("Spring 2025 well-being survey", date(2025, 3, 3), date(2025, 3, 28)),
    ("Autumn 2025 well-being survey", date(2025, 9, 8), date(2025, 10, 3)),
    ("Spring 2026 well-being survey", date(2026, 3, 2), date(2026, 3, 27)),
]
OPEN_WAVE = "Autumn 2026 well-being survey"
OPEN_LINK_UNIT = "Riverside Health/Main Campus/Emergency Medicine"


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(ZONE))


def _roster_frame(org: Organization) -> pd.DataFrame:
    rows = org.people.filter(active=True).values_list("unit__full_name", "role", "tenure_band")
    return pd.DataFrame(list(rows), columns=["unit", "role", "tenure_band"])


def _plant_comments(frame: pd.DataFrame, wave: int, seed: int) -> None:
    """Comments with the demo's planted themes (``DEMO_COMMENT_THEMES`` in
    :mod:`clinwell.synth.comments`), which the results' comments page finds."""
    frame["comment"] = demo_comments(frame["unit"].astype(str).tolist(), wave=wave, seed=seed)


def _past_wave(
    org: Organization, index: int, name: str, opens: date, closes: date, frame: pd.DataFrame
) -> Wave:
    """A wave run before clinwell: its roster snapshot reduced to counts, as closing does,
    then its responses imported (sealed, in a random order)."""
    wave = create_wave(
        org,
        name=name,
        opens_at=_at(opens, 8),
        closes_at=_at(closes, 17),
        time_zone=ZONE,
        modules=MODULES,
        attributes=DEMO_ATTRIBUTES,
    )
    create_invitations(wave)
    forget_who_responded(wave)
    Wave.objects.filter(pk=wave.pk).update(
        status=Wave.Status.CLOSED, launched_on=opens, closed_on=closes
    )
    wave.refresh_from_db()
    import_responses(wave, frame, filename=f"demo wave {index + 1}")
    return wave


def _answer_open_wave(wave: Wave, frame: pd.DataFrame) -> int:
    """Submit early responses through the real respondent path (one per invitation)."""
    pending: dict[tuple[str, str], list[Invitation]] = {}
    for invitation in wave.invitations.select_related("unit", "wave"):
        pending.setdefault((invitation.unit.full_name, invitation.role), []).append(invitation)
    instruments = [m.instrument_id for m in wave.modules.all()]
    answered = 0
    for row in frame.to_dict("records"):
        queue = pending.get((row["unit"], row["role"]))
        if not queue:
            continue
        parsed = ParsedAnswers(
            by_instrument={
                iid: {
                    link: None if pd.isna(row.get(link)) else row[link]
                    for link in get_instrument(iid).link_ids
                }
                for iid in instruments
            },
            comment=row["comment"] if isinstance(row.get("comment"), str) else "",
            attributes={key: str(row[key]) for key in DEMO_ATTRIBUTES},
        )
        if submit_with_invitation(queue.pop(), parsed).outcome is Outcome.RECORDED:
            answered += 1
    return answered


def load(context: DemoContext) -> None:
    org: Organization = context.objects["organization"]
    spec = demo_spec(units_from_roster(_roster_frame(org)), acted_from_wave=2)
    waves = []
    for index, (name, opens, closes) in enumerate(PAST_WAVES):
        synthetic = generate_wave(spec, wave=index, seed=context.seed % 2**31)
        _plant_comments(synthetic.responses, index, context.seed)
        waves.append(_past_wave(org, index, name, opens, closes, synthetic.responses))
        context.log(f"Past wave '{name}': {len(synthetic.responses)} responses.")
    context.objects["past_waves"] = waves
    context.objects["survey_truth"] = synthetic.truth

    today = timezone.localdate()
    open_wave = create_wave(
        org,
        name=OPEN_WAVE,
        opens_at=_at(today - timedelta(days=7), 8),
        closes_at=_at(today + timedelta(days=21), 17),
        time_zone=ZONE,
        modules=MODULES,
        intro="Thank you for taking part. Your answers shape what we change next.",
        attributes=DEMO_ATTRIBUTES,
    )
    launch_wave(open_wave)
    started = generate_wave(
        spec, wave=len(PAST_WAVES), seed=context.seed % 2**31, response_rate=0.3
    )
    _plant_comments(started.responses, len(PAST_WAVES), context.seed)
    answered = _answer_open_wave(open_wave, started.responses)
    context.log(f"Open wave '{OPEN_WAVE}': {answered} responses so far.")
    link = ensure_anonymous_link(
        open_wave, Unit.objects.get(organization=org, full_name=OPEN_LINK_UNIT)
    )
    context.objects["open_wave"] = open_wave
    context.objects["anonymous_link"] = link
    closing = f"{open_wave.closes_at:%d %b %Y}"
    context.log(f"Open wave '{OPEN_WAVE}' closes {closing}; anonymous link: /a/{link.token}/")
