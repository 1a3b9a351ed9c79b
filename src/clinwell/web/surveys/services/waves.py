"""Create, configure, launch and close survey waves."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import transaction
from django.utils import timezone

from clinwell.instruments import Instrument, UnknownInstrumentError, get_instrument
from clinwell.instruments.attributes import UnknownAttributeError, check_keys
from clinwell.web.accounts.models import User
from clinwell.web.orgs.models import Organization, Unit
from clinwell.web.surveys.models import (
    AnonymousLink,
    Invitation,
    LicenceAcknowledgement,
    Wave,
    WaveModule,
)
from clinwell.web.surveys.services.lifecycle import wave_today
from clinwell.web.surveys.services.tokens import invitation_token, new_public_token, token_hash


class WaveError(ValueError):
    """A wave change was refused; the message says why and which field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ModuleChoice:
    instrument_id: str
    excluded_items: tuple[str, ...] = ()


ASKED_BY: Final[dict[str, tuple[str, ...]]] = {
    "org_wellbeing.19": ("single_item_burnout.1", "mini_z2.3"),
    "org_wellbeing.20": ("intent_to_leave.1",),
}
"""Custom items that repeat a question another instrument asks, and the items asking it.

A respondent is never asked the same question twice: when a wave asks any item on the right
(its module is in the wave and the item is not left out), the custom item on the left is left
out of the wave automatically — the organizational bank's burnout item (``org_wellbeing.19``)
when the wave has the single-item burnout measure or Mini Z 2.0 (whose item 3 is that single
item), its intent-to-leave item (``org_wellbeing.20``) when the wave has ``intent_to_leave``.
The dedicated instrument's item is the one kept. The rule is derived from the wave's modules
each time (nothing is stored), so it holds for every wave, and a launched wave's questions —
fixed with its modules — do not change. A test checks that every linkId here exists.
"""


class _Module(Protocol):
    """A wave module as stored (:class:`WaveModule`) or chosen (:class:`ModuleChoice`)."""

    @property
    def instrument_id(self) -> str: ...

    @property
    def excluded_items(self) -> Iterable[str]: ...


@dataclass(frozen=True)
class LeftOut:
    """An item a wave does not ask because another module of the wave asks it."""

    link_id: str
    asked_by: str  # the linkId that asks the same question
    instrument_id: str  # the instrument of ``asked_by``


def duplicate_items(modules: Iterable[_Module]) -> dict[str, list[LeftOut]]:
    """Per instrument id, the items :data:`ASKED_BY` leaves out of a wave with ``modules``."""
    modules = list(modules)
    in_wave = {m.instrument_id for m in modules}
    manual = {m.instrument_id: set(m.excluded_items or ()) for m in modules}
    out: dict[str, list[LeftOut]] = {}
    for link_id, askers in ASKED_BY.items():
        owner = link_id.rsplit(".", 1)[0]
        if owner not in in_wave or link_id in manual[owner]:
            continue
        for asker in askers:
            other = asker.rsplit(".", 1)[0]
            if other != owner and other in in_wave and asker not in manual[other]:
                out.setdefault(owner, []).append(LeftOut(link_id, asker, other))
                break
    return out


def wave_exclusions(modules: Iterable[_Module]) -> dict[str, frozenset[str]]:
    """Per instrument id, every item the wave does not ask: left out by the administrator
    (``excluded_items``) or because another module asks it (:func:`duplicate_items`)."""
    modules = list(modules)
    duplicates = duplicate_items(modules)
    return {
        m.instrument_id: frozenset(m.excluded_items or ())
        | {d.link_id for d in duplicates.get(m.instrument_id, [])}
        for m in modules
    }


@dataclass(frozen=True)
class ModuleSummary:
    """What the wave page says about one module: how many of its questions are asked, how
    many the administrator left out, and which ones another module asks instead."""

    module: WaveModule
    instrument: Instrument
    asked: int
    left_out_by_admin: int
    duplicates: tuple[tuple[LeftOut, str, str], ...]  # (left out, its text, asker's title)


def module_summaries(wave: Wave) -> list[ModuleSummary]:
    modules = list(wave.modules.all())
    exclusions = wave_exclusions(modules)
    duplicates = duplicate_items(modules)
    out = []
    for module in modules:
        instrument = get_instrument(module.instrument_id)
        excluded = exclusions[module.instrument_id]
        out.append(
            ModuleSummary(
                module=module,
                instrument=instrument,
                asked=sum(1 for item in instrument.items if item.link_id not in excluded),
                left_out_by_admin=len(set(module.excluded_items or ())),
                duplicates=tuple(
                    (d, instrument.item(d.link_id).text, get_instrument(d.instrument_id).title)
                    for d in duplicates.get(module.instrument_id, [])
                ),
            )
        )
    return out


def _check_window(opens_at: datetime, closes_at: datetime, time_zone: str) -> None:
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise WaveError(f"unknown time zone '{time_zone}'", "time_zone") from exc
    if closes_at <= opens_at:
        raise WaveError("the wave must close after it opens", "closes_at")


def _check_thresholds(min_n_scores: int, min_n_comments: int) -> None:
    if min_n_scores < 3:
        raise WaveError("the minimum group size for scores must be at least 3", "min_n_scores")
    if min_n_comments < min_n_scores:
        raise WaveError(
            "the minimum group size for comments cannot be below the one for scores",
            "min_n_comments",
        )


def _check_modules(modules: Sequence[ModuleChoice]) -> None:
    if not modules:
        raise WaveError("choose at least one instrument", "modules")
    for module in modules:
        try:
            instrument = get_instrument(module.instrument_id)
        except UnknownInstrumentError as exc:
            raise WaveError(f"unknown instrument '{module.instrument_id}'", "modules") from exc
        for link_id in module.excluded_items:
            try:
                item = instrument.item(link_id)
            except KeyError as exc:
                raise WaveError(f"{instrument.id} has no item '{link_id}'", "modules") from exc
            if item.required:
                raise WaveError(f"{link_id} is required by {instrument.title}", "modules")


def _check_attributes(attributes: Iterable[str]) -> list[str]:
    """The respondent attributes to ask, in form order (an unknown key is refused)."""
    try:
        return check_keys(attributes)
    except UnknownAttributeError as exc:
        raise WaveError(str(exc), "attributes") from exc


def create_wave(
    organization: Organization,
    *,
    name: str,
    opens_at: datetime,
    closes_at: datetime,
    time_zone: str,
    modules: Sequence[ModuleChoice],
    min_n_scores: int = 5,
    min_n_comments: int = 10,
    intro: str = "",
    attributes: Sequence[str] = (),
) -> Wave:
    """A draft wave. ``attributes``: keys of ``clinwell.instruments.attributes.ATTRIBUTES``,
    the optional questions about the respondent its form asks."""
    _check_window(opens_at, closes_at, time_zone)
    _check_thresholds(min_n_scores, min_n_comments)
    _check_modules(modules)
    asked = _check_attributes(attributes)
    with transaction.atomic():
        wave = Wave.objects.create(
            organization=organization,
            name=name,
            opens_at=opens_at,
            closes_at=closes_at,
            time_zone=time_zone,
            min_n_scores=min_n_scores,
            min_n_comments=min_n_comments,
            intro=intro,
            attributes=asked,
        )
        _replace_modules(wave, modules)
    return wave


def _replace_modules(wave: Wave, modules: Sequence[ModuleChoice]) -> None:
    wave.modules.all().delete()
    WaveModule.objects.bulk_create(
        WaveModule(
            wave=wave,
            instrument_id=m.instrument_id,
            position=i,
            excluded_items=list(m.excluded_items),
        )
        for i, m in enumerate(modules)
    )


def update_wave(
    wave: Wave,
    *,
    name: str,
    opens_at: datetime,
    closes_at: datetime,
    time_zone: str,
    modules: Sequence[ModuleChoice],
    min_n_scores: int,
    min_n_comments: int,
    intro: str = "",
    attributes: Sequence[str] | None = None,
) -> Wave:
    """Change a wave. After launch only the name, intro and closing time may change.

    ``attributes`` (the questions about the respondent) is left as it is when ``None``.
    """
    _check_window(opens_at, closes_at, time_zone)
    asked = list(wave.attributes or []) if attributes is None else _check_attributes(attributes)
    if wave.thresholds_locked:
        if asked != list(wave.attributes or []):
            raise WaveError(
                "the questions about the respondent cannot change once a wave opens: "
                "respondents may already have answered them",
                "attributes",
            )
        if (min_n_scores, min_n_comments) != (wave.min_n_scores, wave.min_n_comments):
            raise WaveError(
                "privacy thresholds are locked once a wave opens: respondents were told them",
                "min_n_scores",
            )
        current = [
            ModuleChoice(m.instrument_id, tuple(m.excluded_items)) for m in wave.modules.all()
        ]
        if list(modules) != current:
            raise WaveError("the questions cannot change once a wave opens", "modules")
        if opens_at != wave.opens_at or time_zone != wave.time_zone:
            raise WaveError("the opening time cannot change once a wave opens", "opens_at")
    _check_thresholds(min_n_scores, min_n_comments)
    _check_modules(modules)
    with transaction.atomic():
        wave.name, wave.intro = name, intro
        wave.opens_at, wave.closes_at, wave.time_zone = opens_at, closes_at, time_zone
        wave.min_n_scores, wave.min_n_comments = min_n_scores, min_n_comments
        wave.attributes = asked
        wave.save()
        if not wave.thresholds_locked:
            _replace_modules(wave, modules)
    return wave


def acknowledge_licence(organization: Organization, instrument_id: str, user: User) -> None:
    get_instrument(instrument_id)
    LicenceAcknowledgement.objects.get_or_create(
        organization=organization,
        instrument_id=instrument_id,
        defaults={"acknowledged_by": user},
    )


def licences_to_acknowledge(wave: Wave) -> list[str]:
    """Instruments of the wave whose licence an admin must still acknowledge."""
    done = set(
        LicenceAcknowledgement.objects.filter(organization=wave.organization).values_list(
            "instrument_id", flat=True
        )
    )
    return [
        m.instrument_id
        for m in wave.modules.all()
        if get_instrument(m.instrument_id).licence.acknowledgement_required
        and m.instrument_id not in done
    ]


def texts_to_load(wave: Wave) -> list[str]:
    """Instruments of the wave whose licensed item text has not been loaded (placeholders)."""
    return [
        m.instrument_id
        for m in wave.modules.all()
        if get_instrument(m.instrument_id).text_status == "placeholder"
    ]


def launch_wave(wave: Wave) -> int:
    """Open a draft wave: lock thresholds, snapshot the roster into invitations.

    Returns the number of invitations created (one per active person on the roster).
    """
    if wave.status != Wave.Status.DRAFT:
        raise WaveError("only a draft wave can be launched", "status")
    pending = licences_to_acknowledge(wave)
    if pending:
        raise WaveError(
            "acknowledge the licence terms of " + ", ".join(pending) + " before launching",
            "modules",
        )
    placeholders = texts_to_load(wave)
    if placeholders:
        # Respondents would read "[Licensed text not included …]" instead of the questions.
        raise WaveError(
            "load the licensed item text of "
            + ", ".join(placeholders)
            + " before launching (Surveys → the wave → Load the licensed text), or remove the"
            " module",
            "modules",
        )
    if timezone.now() >= wave.closes_at:
        raise WaveError("the closing time has already passed", "closes_at")
    with transaction.atomic():
        locked = Wave.objects.select_for_update().get(pk=wave.pk)
        if locked.status != Wave.Status.DRAFT:
            raise WaveError("only a draft wave can be launched", "status")
        created = create_invitations(locked)
        if 0 < created < locked.min_n_scores:
            # Whoever holds the database knows who was invited: with fewer invitees than
            # the group size, every response would narrow to fewer people than that.
            raise WaveError(
                f"a wave must invite at least {locked.min_n_scores} people (its minimum group"
                f" size for scores), so that no response can be narrowed down to fewer; the"
                f" roster has {created} active {'person' if created == 1 else 'people'}",
                "min_n_scores",
            )
        locked.status = Wave.Status.OPEN
        locked.launched_on = wave_today(locked)
        locked.save(update_fields=["status", "launched_on"])
    wave.refresh_from_db()
    return created


def create_invitations(wave: Wave) -> int:
    """One invitation per active roster person not yet invited (roster snapshot)."""
    invited = set(wave.invitations.values_list("person_id", flat=True))
    people = wave.organization.people.filter(active=True).exclude(pk__in=invited)
    invitations = []
    for person in people.only("pk", "unit_id", "role", "tenure_band"):
        invitation = Invitation(
            wave=wave,
            person=person,
            unit_id=person.unit_id,
            role=person.role,
            tenure_band=person.tenure_band,
        )
        invitation.token_hash = token_hash(invitation_token(invitation.id))
        invitations.append(invitation)
    Invitation.objects.bulk_create(invitations, batch_size=1000)
    return len(invitations)


def ensure_anonymous_link(wave: Wave, unit: Unit) -> AnonymousLink:
    if unit.organization_id != wave.organization_id:
        raise WaveError("the unit belongs to another organization", "unit")
    link, _ = AnonymousLink.objects.get_or_create(
        wave=wave, unit=unit, defaults={"token": new_public_token()}
    )
    return link
