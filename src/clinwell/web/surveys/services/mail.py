"""Invitation and reminder e-mails, sent in throttled batches by a background task.

Reminders go to invitations that have not responded. Who has responded is known (that is
what makes reminders possible); *what* anyone answered is not, because responses carry no
link to invitations.
"""

from __future__ import annotations

import re
import time
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import mail
from django.db.models import F
from django.template.loader import render_to_string
from django_tasks import task

from clinwell.privacy.masking import mask_identifiers
from clinwell.web.surveys.models import Invitation, MailJob, Wave, WaveEmail
from clinwell.web.surveys.services.lifecycle import wave_today
from clinwell.web.surveys.services.tokens import invitation_token


class MailError(ValueError):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# The wording an administrator may edit. Placeholders: {organization}, {wave}, {closes} and,
# in the body, {link} (required). The protections, closing time and support lines are always
# appended after the body (surveys/email/invitation.txt).
PLACEHOLDERS = ("organization", "wave", "closes", "link")
DEFAULT_WORDING = {
    "invite_subject": "{organization}: {wave} — your confidential well-being survey",
    "invite_body": (
        "Hello,\n\n{organization} invites you to take part in {wave}, a confidential survey of"
        " clinician well-being. It takes about 5 minutes.\n\nYour personal link (it works"
        " once):\n{link}"
    ),
    "remind_subject": "Reminder: {wave} closes soon",
    "remind_body": (
        "Hello,\n\nThis is a reminder: {wave} closes on {closes}. If you have already answered,"
        " thank you — you can ignore this message.\n\nYour personal link (it works"
        " once):\n{link}"
    ),
}
TEST_LINK_PATH = "/s/this-is-a-test-link-it-does-not-work/"
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def wording(wave: Wave) -> dict[str, str]:
    """The wave's wording: its own where set, else the default."""
    own = WaveEmail.objects.filter(wave=wave).first()
    return {
        key: (getattr(own, key, "") or default) if own else default
        for key, default in DEFAULT_WORDING.items()
    }


def check_wording(values: dict[str, str]) -> dict[str, str]:
    """Validate edited wording; :class:`MailError` names the field. Returns it stripped."""
    out = {}
    for key in DEFAULT_WORDING:
        text = (values.get(key) or "").strip()
        if not text:
            raise MailError("this cannot be empty (clear it to restore the default wording)", key)
        if key.endswith("_subject") and ("\n" in text or len(text) > 200):
            raise MailError("a subject is one line of at most 200 characters", key)
        for name in _PLACEHOLDER.findall(text):
            if name not in PLACEHOLDERS or (name == "link" and key.endswith("_subject")):
                allowed = ", ".join(
                    "{" + p + "}" for p in PLACEHOLDERS if p != "link" or key.endswith("_body")
                )
                raise MailError(f"unknown placeholder {{{name}}}; use {allowed}", key)
        if key.endswith("_body") and "{link}" not in text:
            raise MailError("the body must contain {link}, the respondent's personal link", key)
        out[key] = text
    return out


def save_wording(wave: Wave, values: dict[str, str]) -> WaveEmail:
    """Store the wave's wording (checked first; nothing is stored on error)."""
    if wave.status == Wave.Status.CLOSED:
        raise MailError("a closed wave sends no more e-mail")
    checked = check_wording(values)
    stored = {k: ("" if v == DEFAULT_WORDING[k] else v) for k, v in checked.items()}
    email, _ = WaveEmail.objects.update_or_create(wave=wave, defaults=stored)
    return email


def _fill(template: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def render_message(
    wave: Wave, kind: str, link: str, words: dict[str, str] | None = None
) -> tuple[str, str]:
    """Subject and body of an invitation or reminder with ``link``."""
    words = wording(wave) if words is None else words
    prefix = "remind" if kind == MailJob.Kind.REMIND else "invite"
    closes = wave.closes_at.astimezone(ZoneInfo(wave.time_zone))
    values = {
        "organization": wave.organization.name,
        "wave": wave.name,
        "closes": f"{closes:%A} {closes.day} {closes:%B %Y}",
        "link": link,
    }
    subject = _fill(words[f"{prefix}_subject"], values)
    opening = _fill(words[f"{prefix}_body"], values)
    body = render_to_string(
        "surveys/email/invitation.txt", {"wave": wave, "opening": opening, "kind": kind}
    )
    return subject, body


def send_test(wave: Wave, kind: str, address: str) -> None:
    """Send one invitation or reminder, with a link that does not work, to ``address``."""
    if not address:
        raise MailError("your account has no e-mail address to send the test to")
    subject, body = render_message(wave, kind, f"{settings.SITE_URL}{TEST_LINK_PATH}")
    mail.EmailMessage(f"[Test] {subject}", body, to=[address]).send()


def recipient_count(wave: Wave, kind: str) -> int:
    """How many e-mails sending ``kind`` now would send."""
    return int(_recipients(wave, kind).count())


def _recipients(wave: Wave, kind: str) -> Any:
    invitations = wave.invitations.select_related("person").exclude(person__isnull=True)
    if kind == MailJob.Kind.INVITE:
        return invitations.filter(status__in=[Invitation.Status.PENDING, Invitation.Status.FAILED])
    return invitations.filter(status=Invitation.Status.SENT)


def start_mail_job(wave: Wave, kind: str, confirmed: int | None = None) -> MailJob:
    """Queue invitations (not yet sent) or reminders (sent, not responded) for a wave.

    ``confirmed``: the count the administrator confirmed; when it no longer matches (someone
    responded or was added meanwhile), :class:`MailError` with field ``"count"``.
    """
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
    if confirmed is not None and confirmed != total:
        raise MailError(
            f"the number of e-mails changed from {confirmed} to {total}; confirm again", "count"
        )
    job = MailJob.objects.create(wave=wave, kind=kind, total=total)
    send_wave_mail.enqueue(job.pk)
    job.refresh_from_db()
    return job


def _message(invitation: Invitation, kind: str, words: dict[str, str]) -> mail.EmailMessage:
    wave = invitation.wave
    link = f"{settings.SITE_URL}/s/{invitation_token(invitation.id)}/"
    subject, body = render_message(wave, kind, link, words)
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
    words = wording(wave)  # once per job, not per e-mail
    try:
        recipients = list(_recipients(wave, job.kind)[: job.total])
        for start in range(0, len(recipients), batch_size):
            batch = recipients[start : start + batch_size]
            sent_ids, failed_ids = [], []
            with mail.get_connection() as connection:
                for invitation in batch:
                    try:
                        connection.send_messages([_message(invitation, job.kind, words)])
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
