"""Copy a previous wave with its settings into a new draft."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from clinwell.web.surveys.models import ScheduledReminder, Wave, WaveEmail, WaveModule

# Fields of a wave that are its history, not its settings.
_NOT_COPIED = {
    "id",
    "name",
    "opens_at",
    "closes_at",
    "status",
    "launched_on",
    "closed_on",
    "created_at",
}


def copy_wave(wave: Wave, now: datetime | None = None) -> Wave:
    """A new draft with ``wave``'s settings: modules and items left out, thresholds, message,
    time zone, e-mail wording and reminders; every other setting field is copied too.

    It opens tomorrow at the same time of day as ``wave`` opened and lasts as long; reminder
    dates keep their distance from the opening. Nothing of the old wave's invitations or
    responses is copied.
    """
    moment = now or timezone.now()
    zone = ZoneInfo(wave.time_zone)
    old_open = wave.opens_at.astimezone(zone)
    tomorrow = moment.astimezone(zone).date() + timedelta(days=1)
    shift = timedelta(days=(tomorrow - old_open.date()).days)
    new_open = datetime.combine(tomorrow, old_open.timetz().replace(tzinfo=None), tzinfo=zone)
    with transaction.atomic():
        copy = Wave.objects.create(
            **{
                f.attname: getattr(wave, f.attname)
                for f in Wave._meta.concrete_fields
                if f.name not in _NOT_COPIED
            },
            name=f"{wave.name} (copy)"[:200],
            opens_at=new_open,
            closes_at=new_open + (wave.closes_at - wave.opens_at),
            status=Wave.Status.DRAFT,
        )
        WaveModule.objects.bulk_create(
            WaveModule(
                wave=copy,
                instrument_id=m.instrument_id,
                position=m.position,
                excluded_items=list(m.excluded_items),
            )
            for m in wave.modules.all()
        )
        email = WaveEmail.objects.filter(wave=wave).first()
        if email is not None:
            WaveEmail.objects.create(
                wave=copy,
                invite_subject=email.invite_subject,
                invite_body=email.invite_body,
                remind_subject=email.remind_subject,
                remind_body=email.remind_body,
            )
        ScheduledReminder.objects.bulk_create(
            ScheduledReminder(wave=copy, send_on=r.send_on + shift)
            for r in wave.scheduled_reminders.all()
        )
    return copy
