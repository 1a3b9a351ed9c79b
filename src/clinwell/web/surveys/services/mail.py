"""Invitation and reminder e-mails, sent in throttled batches by a background task.

Reminders go to invitations that have not responded. Who has responded is known (that is
what makes reminders possible); *what* anyone answered is not, because responses carry no
link to invitations.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core import mail
from django.db.models import F
from django.template.loader import render_to_string
from django_tasks import task

from clinwell.privacy.masking import mask_identifiers
from clinwell.web.surveys.models import Invitation, MailJob, Wave
from clinwell.web.surveys.services.lifecycle import wave_today
from clinwell.web.surveys.services.tokens import invitation_token


class MailError(ValueError):
    pass


def _recipients(wave: Wave, kind: str) -> Any:
    invitations = wave.invitations.select_related("person").exclude(person__isnull=True)
    if kind == MailJob.Kind.INVITE:
        return invitations.filter(status__in=[Invitation.Status.PENDING, Invitation.Status.FAILED])
    return invitations.filter(status=Invitation.Status.SENT)


def start_mail_job(wave: Wave, kind: str) -> MailJob:
    """Queue invitations (not yet sent) or reminders (sent, not responded) for a wave."""
    if wave.status != Wave.Status.OPEN:
        raise MailError("e-mails can only be sent while the wave is open")
    if wave.mail_jobs.filter(status__in=[MailJob.Status.QUEUED, MailJob.Status.RUNNING]).exists():
        raise MailError("a batch of e-mails is already being sent for this wave")
    total = _recipients(wave, kind).count()
    if total == 0:
        raise MailError(
            "everyone has already been invited"
            if kind == MailJob.Kind.INVITE
            else "there is nobody to remind: everyone invited has responded or was not reached"
        )
    job = MailJob.objects.create(wave=wave, kind=kind, total=total)
    send_wave_mail.enqueue(job.pk)
    job.refresh_from_db()
    return job


def _message(invitation: Invitation, kind: str) -> mail.EmailMessage:
    wave = invitation.wave
    link = f"{settings.SITE_URL}/s/{invitation_token(invitation.id)}/"
    context = {"wave": wave, "organization": wave.organization, "link": link, "kind": kind}
    subject = (
        f"Reminder: {wave.name} closes soon"
        if kind == MailJob.Kind.REMIND
        else f"{wave.organization.name}: {wave.name} — your confidential well-being survey"
    )
    body = render_to_string("surveys/email/invitation.txt", context)
    if invitation.person is None:  # excluded by _recipients; a roster deletion raced us
        raise MailError("the invited person is no longer on the roster")
    return mail.EmailMessage(subject, body, to=[invitation.person.email])


@task()
def send_wave_mail(job_id: int) -> None:
    """Send a mail job's e-mails in batches, updating its progress after each batch."""
    job = MailJob.objects.select_related("wave", "wave__organization").get(pk=job_id)
    MailJob.objects.filter(pk=job.pk).update(status=MailJob.Status.RUNNING)
    wave = job.wave
    today = wave_today(wave)
    batch_size = max(1, settings.MAIL_BATCH_SIZE)
    try:
        recipients = list(_recipients(wave, job.kind)[: job.total])
        for start in range(0, len(recipients), batch_size):
            batch = recipients[start : start + batch_size]
            sent_ids, failed_ids = [], []
            with mail.get_connection() as connection:
                for invitation in batch:
                    try:
                        connection.send_messages([_message(invitation, job.kind)])
                    except (OSError, MailError):
                        failed_ids.append(invitation.pk)
                    else:
                        sent_ids.append(invitation.pk)
            if job.kind == MailJob.Kind.INVITE:
                Invitation.objects.filter(pk__in=sent_ids).update(
                    status=Invitation.Status.SENT, sent_on=today
                )
                Invitation.objects.filter(pk__in=failed_ids).update(status=Invitation.Status.FAILED)
            else:
                Invitation.objects.filter(pk__in=sent_ids).update(
                    reminded_on=today, reminder_count=F("reminder_count") + 1
                )
            MailJob.objects.filter(pk=job.pk).update(
                sent=F("sent") + len(sent_ids), failed=F("failed") + len(failed_ids)
            )
            if start + batch_size < len(recipients) and settings.MAIL_BATCH_PAUSE_SECONDS:
                time.sleep(settings.MAIL_BATCH_PAUSE_SECONDS)
    except Exception as exc:
        # No address in the stored error: a failed reminder's recipient had not responded.
        error = mask_identifiers(str(exc))[:500]
        MailJob.objects.filter(pk=job.pk).update(status=MailJob.Status.FAILED, error=error)
        raise
    MailJob.objects.filter(pk=job.pk).update(status=MailJob.Status.DONE)


def nonresponder_rows(wave: Wave) -> list[tuple[str, str, str]]:
    """(e-mail, name, unit) of invited people who have not responded — only if allowed."""
    if not wave.organization.allow_nonresponder_export:
        raise MailError("this organization does not allow exporting non-responders")
    rows = (
        wave.invitations.exclude(status=Invitation.Status.RESPONDED)
        .exclude(person__isnull=True)
        .select_related("person", "unit")
        .order_by("unit__full_name", "person__email")
    )
    return [(i.person.email, i.person.name, i.unit.full_name) for i in rows if i.person]
