"""A wave's life after launch: accepting answers while open, and what closing does.

This module is the one owner of the lifecycle. :func:`is_accepting` only reads (pages call
it); :func:`close_wave` and :func:`close_due_waves` change state and run from the scheduled
task :func:`clinwell.web.surveys.tasks.close_due_waves` or an administrator's POST — never as
a side effect of showing a page.

Closing a wave is also the moment its data becomes as hard to link as the product allows
(docs/privacy.md, "Confidentiality at rest"). In one transaction:

1. the invitations are reduced to counts per roster class (:class:`InvitationCount`) and
   deleted — with them go who was invited, who responded, on which day, and who was
   reminded; the anonymous links' submission receipts are deleted too;
2. every response is re-sealed under a fresh random id and fresh nonce, and the rows are
   written back in a random order, so neither ids nor the physical order of rows keep any
   trace of the order in which people answered;
3. the wave is marked closed (its day, in the wave's time zone).

Once committed, :data:`clinwell.web.surveys.signals.wave_closed` is sent; the results app
computes the wave's one release in response (a background task).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from clinwell.web.surveys.models import (
    Invitation,
    InvitationCount,
    Response,
    ScheduledReminder,
    SubmissionReceipt,
    Wave,
)
from clinwell.web.surveys.services.sealing import Opener, store_sealed
from clinwell.web.surveys.signals import wave_closed


def wave_today(wave: Wave) -> date:
    """The current day in the wave's time zone."""
    return timezone.localdate(timezone=ZoneInfo(wave.time_zone))


def is_accepting(wave: Wave, now: datetime | None = None) -> bool:
    """Open and within its window (a wave past its end accepts nothing, closed or not yet)."""
    if wave.status != Wave.Status.OPEN:
        return False
    moment = now or timezone.now()
    return wave.opens_at <= moment < wave.closes_at


def record_invitation_counts(wave: Wave) -> None:
    """Store how many people of each (unit, role, tenure band) the wave invited."""
    counts = (
        Invitation.objects.filter(wave=wave)
        .values("unit_id", "role", "tenure_band")
        .annotate(n=Count("pk"))
        .order_by()
    )
    InvitationCount.objects.filter(wave=wave).delete()
    InvitationCount.objects.bulk_create(
        InvitationCount(
            wave=wave,
            unit_id=row["unit_id"],
            role=row["role"],
            tenure_band=row["tenure_band"],
            invited=row["n"],
        )
        for row in counts
    )


def reseal_in_random_order(wave: Wave) -> int:
    """Re-seal every response of ``wave`` under a fresh id, rewritten in a random order."""
    rows = list(Response.objects.filter(wave=wave).values_list("id", "sealed"))
    payloads = Opener(wave.pk).open_all(rows)
    Response.objects.filter(wave=wave).delete()
    return store_sealed(wave, payloads)


def forget_who_responded(wave: Wave) -> None:
    """Counts per roster class stay; invitations, anonymous-link receipts and scheduled
    reminders (with how many each reached: non-responders by date) go."""
    record_invitation_counts(wave)
    Invitation.objects.filter(wave=wave).delete()
    SubmissionReceipt.objects.filter(wave=wave).delete()
    ScheduledReminder.objects.filter(wave=wave).delete()


def close_wave(wave: Wave) -> bool:
    """Close an open wave (see the module docstring); False if it was not open."""
    with transaction.atomic():
        locked = Wave.objects.select_for_update().filter(pk=wave.pk).first()
        if locked is None or locked.status != Wave.Status.OPEN:
            return False
        forget_who_responded(locked)
        reseal_in_random_order(locked)
        locked.status = Wave.Status.CLOSED
        locked.closed_on = wave_today(locked)
        locked.save(update_fields=["status", "closed_on"])
        transaction.on_commit(lambda: wave_closed.send(sender=Wave, wave=locked))
    wave.refresh_from_db()
    return True


def close_due_waves(now: datetime | None = None) -> int:
    """Close every open wave whose end time has passed; the number closed."""
    moment = now or timezone.now()
    due = Wave.objects.filter(status=Wave.Status.OPEN, closes_at__lte=moment).order_by("pk")
    return sum(1 for wave in due if close_wave(wave))
