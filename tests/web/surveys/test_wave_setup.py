"""Running a wave from the web app: licensed item text, e-mail wording, confirmation,
scheduled reminders and copying a wave (over HTTP, as an administrator uses them)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from clinwell.instruments import get_instrument, load_library, to_fhir_questionnaire
from clinwell.instruments.anchors import anchors
from clinwell.web.schedule import Scheduler
from clinwell.web.surveys.models import (
    Invitation,
    MailJob,
    ScheduledReminder,
    Wave,
    WaveEmail,
)
from clinwell.web.surveys.services.waves import ModuleChoice
from tests.web.conftest import Cast
from tests.web.surveys.conftest import GOOD_ANSWERS, make_wave, token_for
from tests.web.surveys.test_admin import url

# The CBI items in clinwell's order (Kristensen et al. 2005 appendix order, as in
# PMC6881898 Table 1): the reverse-scored "enough energy" item is cbi.10.
CBI_TEXT = [
    "How often do you feel tired?",
    "How often are you physically exhausted?",
    "How often are you emotionally exhausted?",
    "How often do you think: \u201cI can\u2019t take it anymore\u201d?",
    "How often do you feel worn out?",
    "How often do you feel weak and susceptible to illness?",
    "Do you feel worn out at the end of the working day?",
    "Are you exhausted in the morning at the thought of another day at work?",
    "Do you feel that every working hour is tiring for you?",
    "Do you have enough energy for family and friends during leisure time?",
    "Is your work emotionally exhausting?",
    "Does your work frustrate you?",
    "Do you feel burnt out because of your work?",
    "Do you find it hard to work with patients?",
    "Does it drain your energy to work with patients?",
    "Do you find it frustrating to work with patients?",
    "Do you feel that you give more than you get back when you work with patients?",
    "Are you tired of working with patients?",
    "Do you sometimes wonder how long you will be able to continue working with patients?",
]
# The other published order (PMC9358756 Table 1): work items 7–9 first, "enough energy" 13th.
OTHER_ORDER = CBI_TEXT[:6] + CBI_TEXT[10:13] + CBI_TEXT[6:10] + CBI_TEXT[13:]


@pytest.fixture(autouse=True)
def instrument_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    directory = tmp_path / "instruments"
    monkeypatch.setenv("CLINWELL_INSTRUMENTS_DIR", str(directory))
    load_library.cache_clear()
    yield directory
    load_library.cache_clear()


def cbi_questionnaire(texts: list[str]) -> bytes:
    questionnaire = to_fhir_questionnaire(get_instrument("cbi"))
    for item, text in zip(questionnaire["item"], texts, strict=True):
        item["text"] = text
    return json.dumps(questionnaire).encode()


def text_url(instrument: str, org: str = "alpha") -> str:
    return f"/o/{org}/surveys/instruments/{instrument}/text/"


def upload(client: Client, payload: bytes, name: str = "cbi.json", **extra: str):
    data = {"action": "upload", "file": SimpleUploadedFile(name, payload), **extra}
    return client.post(text_url("cbi"), data)


# --- licensed item text ------------------------------------------------------------------


def test_every_cbi_key_has_an_anchor_its_published_text_matches() -> None:
    from clinwell.instruments.anchors import matches

    wording = anchors(get_instrument("cbi"))
    assert len(wording) == 19
    for n, text in enumerate(CBI_TEXT, start=1):
        hits = [k for k, a in wording.items() if matches(a, text)]
        assert hits == [f"cbi.{n}"], (n, hits)


def test_a_good_fhir_file_is_previewed_then_loaded_and_the_wave_launches(
    cast: Cast, login, instrument_dir: Path
) -> None:
    wave = make_wave(cast, launch=False, modules=[ModuleChoice("cbi")])
    client = login(cast.owner)
    detail = client.get(url("detail", wave)).content.decode()
    assert "Item text to load: Copenhagen Burnout Inventory" in detail
    refused = client.post(url("launch", wave), follow=True).content.decode()
    assert "load the licensed item text of cbi" in refused

    page = client.get(text_url("cbi") + f"?wave={wave.pk}").content.decode()
    assert "enough energy for family and friends" in page  # the anchor beside cbi.10
    preview = upload(client, cbi_questionnaire(CBI_TEXT), wave=str(wave.pk))
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "Preview: check every item" in body
    assert 'leisure time? <span class="tag">reverse-scored</span>' in body
    assert not instrument_dir.exists() or not list(instrument_dir.iterdir())  # not yet stored

    hidden = preview.context["questionnaire"]
    loaded = client.post(
        text_url("cbi"),
        {"action": "load", "questionnaire": hidden, "licensed": "yes", "wave": str(wave.pk)},
    )
    assert loaded.status_code == 302
    assert loaded["Location"].endswith(f"/surveys/{wave.pk}/")
    assert (instrument_dir / "cbi.json").exists()
    cbi = get_instrument("cbi")
    assert cbi.item("cbi.10").text == CBI_TEXT[9]
    assert cbi.text_status == "verbatim"
    form = client.get(url("preview", wave)).content.decode()
    assert "leisure time?" in form
    assert "Licensed text not loaded" not in form

    client.post(url("launch", wave))
    assert Wave.objects.get(pk=wave.pk).status == Wave.Status.OPEN

    # While the wave is open its questions stay as launched.
    changed = hidden.replace("How often do you feel tired?", "How often do you feel tired now?")
    refused = client.post(
        text_url("cbi"), {"action": "load", "questionnaire": changed, "licensed": "yes"}
    )
    assert refused.status_code == 400
    assert "cannot change until that wave closes" in refused.content.decode()
    assert get_instrument("cbi").item("cbi.1").text == CBI_TEXT[0]


def test_a_file_in_another_published_order_is_refused_naming_the_item(
    cast: Cast, login, instrument_dir: Path
) -> None:
    client = login(cast.owner)
    response = upload(client, cbi_questionnaire(OTHER_ORDER))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Nothing was loaded." in body
    # cbi.7 gets "Is your work emotionally exhausting?" (the other order's item 7)
    assert "cbi.7" in body
    assert "reads like cbi.11" in body
    assert not instrument_dir.exists() or not list(instrument_dir.iterdir())
    assert get_instrument("cbi").text_status == "placeholder"


def test_the_reverse_scored_item_cannot_land_on_another_key(cast: Cast, login) -> None:
    texts = list(CBI_TEXT)
    texts[9], texts[12] = texts[12], texts[9]  # "enough energy" given as cbi.13
    body = upload(login(cast.owner), cbi_questionnaire(texts)).content.decode()
    assert "cbi.10" in body
    assert "enough energy for family and friends" in body
    assert get_instrument("cbi").text_status == "placeholder"


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (b"{not json", "not a JSON file"),
        (json.dumps({"resourceType": "Questionnaire", "id": "pfi", "item": []}).encode(), "id"),
        (b"", "not a JSON file"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(
    cast: Cast, login, instrument_dir: Path, payload: bytes, expected: str
) -> None:
    response = upload(login(cast.owner), payload)
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert not instrument_dir.exists() or not list(instrument_dir.iterdir())


def test_a_tampered_preview_is_checked_again_on_load(cast: Cast, login, instrument_dir) -> None:
    client = login(cast.owner)
    texts = list(CBI_TEXT)
    texts[0], texts[1] = texts[1], texts[0]
    tampered = cbi_questionnaire(texts).decode()
    response = client.post(
        text_url("cbi"), {"action": "load", "questionnaire": tampered, "licensed": "yes"}
    )
    assert response.status_code == 400
    assert "cbi.1" in response.content.decode()
    assert not instrument_dir.exists() or not list(instrument_dir.iterdir())


def test_text_typed_item_by_item_is_checked_and_loaded(cast: Cast, login) -> None:
    client = login(cast.owner)
    typed = {f"text_cbi.{n}": t for n, t in enumerate(CBI_TEXT, start=1)}
    typed["text_cbi.4"] = ""
    missing = client.post(text_url("cbi"), {"action": "items", **typed})
    assert missing.status_code == 400
    assert "text missing for cbi.4" in missing.content.decode()
    typed["text_cbi.4"] = CBI_TEXT[3]
    preview = client.post(text_url("cbi"), {"action": "items", **typed})
    assert preview.status_code == 200
    no_consent = client.post(
        text_url("cbi"), {"action": "load", "questionnaire": preview.context["questionnaire"]}
    )
    assert no_consent.status_code == 400
    assert get_instrument("cbi").text_status == "placeholder"
    client.post(
        text_url("cbi"),
        {"action": "load", "questionnaire": preview.context["questionnaire"], "licensed": "yes"},
    )
    assert get_instrument("cbi").item("cbi.13").text == CBI_TEXT[12]


def test_only_admins_load_text(cast: Cast, login) -> None:
    for role in ("leader", "analyst", "executive"):
        client = login(getattr(cast, role))
        assert client.get(text_url("cbi")).status_code == 403
        assert upload(client, cbi_questionnaire(CBI_TEXT)).status_code == 403
    assert get_instrument("cbi").text_status == "placeholder"
    assert login(cast.owner).get(text_url("who5")).status_code == 404  # text is shipped


# --- e-mail wording, preview, test send --------------------------------------------------


def test_the_wording_is_previewed_saved_and_used(cast: Cast, login) -> None:
    wave = make_wave(cast)
    client = login(cast.owner)
    page = client.get(url("email", wave)).content.decode()
    assert "your confidential well-being survey" in page  # the default, previewed
    words = {
        "invite_subject": "{organization} asks: how are you, really?",
        "invite_body": "Dear colleague,\n\nPlease answer {wave} by {closes}:\n{link}",
        "remind_subject": "Last days of {wave}",
        "remind_body": "A gentle reminder.\n{link}",
    }
    preview = client.post(url("email", wave), {"action": "preview", **words})
    body = preview.content.decode()
    assert "Alpha Health asks: how are you, really?" in body
    assert "Please answer Spring pulse by" in body
    assert "How your answers are protected" in body  # always appended
    assert not WaveEmail.objects.filter(wave=wave).exists()  # a preview stores nothing

    client.post(url("email", wave), {"action": "save", **words})
    client.post(url("send", wave), {"kind": "invite", "count": "5"})
    assert len(mail.outbox) == 5
    message = mail.outbox[0]
    assert message.subject == "Alpha Health asks: how are you, really?"
    assert message.body.startswith("Dear colleague,")
    assert token_for(wave, message.to[0]) in message.body
    assert "at least 5 people" in message.body


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("invite_body", "Hello, please answer.", "must contain {link}"),
        ("invite_body", "Hi {name}: {link}", "unknown placeholder {name}"),
        ("remind_subject", "Go to {link}", "unknown placeholder {link}"),
    ],
)
def test_bad_wording_is_refused_naming_the_problem(
    cast: Cast, login, field: str, value: str, error: str
) -> None:
    wave = make_wave(cast)
    response = login(cast.owner).post(url("email", wave), {"action": "save", field: value})
    assert response.status_code == 400
    assert error in response.content.decode().lower()
    assert not WaveEmail.objects.filter(wave=wave).exists()


def test_a_test_send_goes_only_to_the_administrator(cast: Cast, login) -> None:
    wave = make_wave(cast)
    client = login(cast.owner)
    client.post(url("email", wave), {"action": "test", "kind": "remind"})
    assert [m.to for m in mail.outbox] == [[cast.owner.email]]
    assert mail.outbox[0].subject.startswith("[Test] Reminder")
    assert "this-is-a-test-link-it-does-not-work" in mail.outbox[0].body
    assert set(Invitation.objects.filter(wave=wave).values_list("status", flat=True)) == {"pending"}


# --- confirmation ------------------------------------------------------------------------


def test_sending_asks_for_confirmation_with_the_count(cast: Cast, login) -> None:
    wave = make_wave(cast)
    client = login(cast.owner)
    confirm = client.get(url("send", wave) + "?kind=invite").content.decode()
    assert "You are about to send 5 invitations" in confirm
    assert "Send 5 invitations" in confirm
    assert not MailJob.objects.exists()
    assert not mail.outbox

    stale = client.post(url("send", wave), {"kind": "invite", "count": "4"})
    assert stale.status_code == 200
    assert "changed from 4 to 5" in stale.content.decode()
    assert not mail.outbox
    unconfirmed = client.post(url("send", wave), {"kind": "invite"})
    assert unconfirmed.status_code == 200
    assert not mail.outbox

    client.post(url("send", wave), {"kind": "invite", "count": "5"})
    assert len(mail.outbox) == 5


# --- scheduled reminders -----------------------------------------------------------------


def test_a_scheduler_tick_reminds_only_non_responders_on_the_chosen_day(
    cast: Cast, login, settings
) -> None:
    wave = make_wave(cast)
    client = login(cast.owner)
    client.post(url("send", wave), {"kind": "invite", "count": "5"})
    Client().post(f"/s/{token_for(wave, 'card1@alpha.example')}/", GOOD_ANSWERS)
    mail.outbox.clear()

    today = timezone.localdate(timezone=ZoneInfo(wave.time_zone))
    later = today + timedelta(days=3)
    response = client.post(
        url("email", wave),
        {"action": "reminders", "reminder": [today.isoformat(), later.isoformat()]},
    )
    assert response.status_code == 302
    assert list(ScheduledReminder.objects.values_list("send_on", flat=True)) == [today, later]

    # Run the scheduled task as the worker would, at 10:00 today in the wave's zone.
    from clinwell.web.surveys.services import reminders

    at_ten = timezone.now().astimezone(ZoneInfo(wave.time_zone))
    at_ten = at_ten.replace(hour=10, minute=0)
    assert reminders.send_due_reminders(at_ten) == 1
    reminded = sorted(m.to[0] for m in mail.outbox)
    assert len(reminded) == 4
    assert "card1@alpha.example" not in reminded
    assert mail.outbox[0].subject.startswith("Reminder")
    assert reminders.send_due_reminders(at_ten) == 0  # once per date
    assert len(mail.outbox) == 4


def test_the_scheduler_runs_due_reminders(cast: Cast, login) -> None:
    wave = make_wave(cast)
    client = login(cast.owner)
    client.post(url("send", wave), {"kind": "invite", "count": "5"})
    Client().post(f"/s/{token_for(wave, 'card1@alpha.example')}/", GOOD_ANSWERS)
    mail.outbox.clear()
    ScheduledReminder.objects.create(wave=wave, send_on=timezone.localdate() - timedelta(days=1))
    scheduler = Scheduler([(300, "clinwell.web.surveys.tasks.send_due_reminders")])
    assert scheduler.tick(now=0.0) == ["clinwell.web.surveys.tasks.send_due_reminders"]
    # immediate task backend in tests: the worker ran it, and only non-responders got it
    reminded = sorted(m.to[0] for m in mail.outbox)
    assert len(reminded) == 4
    assert "card1@alpha.example" not in reminded
    assert ScheduledReminder.objects.get(wave=wave).sent == 4
    assert scheduler.tick(now=300.0) == ["clinwell.web.surveys.tasks.send_due_reminders"]
    assert len(mail.outbox) == 4  # that date is done


def test_no_reminder_after_the_wave_closes(cast: Cast, login) -> None:
    from clinwell.web.surveys.services import lifecycle, reminders

    wave = make_wave(cast)
    login(cast.owner).post(url("send", wave), {"kind": "invite", "count": "5"})
    ScheduledReminder.objects.create(wave=wave, send_on=timezone.localdate())
    ScheduledReminder.objects.create(wave=wave, send_on=timezone.localdate() + timedelta(days=1))
    lifecycle.close_wave(wave)
    mail.outbox.clear()
    assert reminders.send_due_reminders(timezone.now() + timedelta(days=2)) == 0
    assert not mail.outbox
    # how many were reminded on which day would tell how many had answered by then
    assert not ScheduledReminder.objects.filter(wave=wave).exists()


def test_reminder_dates_outside_the_wave_are_refused(cast: Cast, login) -> None:
    wave = make_wave(cast)
    late = (wave.closes_at + timedelta(days=5)).date().isoformat()
    response = login(cast.owner).post(url("email", wave), {"action": "reminders", "reminder": late})
    assert response.status_code == 400
    assert "outside the wave" in response.content.decode()
    assert not ScheduledReminder.objects.exists()


# --- copy ----------------------------------------------------------------------------------


def test_copying_a_wave_keeps_its_settings_not_its_people(cast: Cast, login) -> None:
    wave = make_wave(cast, min_n_scores=5, min_n_comments=12, intro="Thank you!")
    wave.modules.filter(instrument_id="admin_burden").update(excluded_items=["admin_burden.5"])
    client = login(cast.owner)
    client.post(
        url("email", wave),
        {
            "action": "save",
            "invite_subject": "Custom {wave}",
            "invite_body": "Hi {link}",
            "remind_subject": "R",
            "remind_body": "R {link}",
        },
    )
    reminder_day = wave.opens_at.date() + timedelta(days=5)
    ScheduledReminder.objects.create(wave=wave, send_on=reminder_day)

    response = client.post(url("copy", wave))
    copy = Wave.objects.exclude(pk=wave.pk).get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/{copy.pk}/edit/")
    assert copy.name == "Spring pulse (copy)"
    assert copy.status == Wave.Status.DRAFT
    assert (copy.min_n_scores, copy.min_n_comments, copy.intro, copy.time_zone) == (
        5,
        12,
        "Thank you!",
        wave.time_zone,
    )
    assert [(m.instrument_id, m.excluded_items) for m in copy.modules.all()] == [
        (m.instrument_id, m.excluded_items) for m in wave.modules.all()
    ]
    assert copy.email.invite_subject == "Custom {wave}"
    assert copy.opens_at > timezone.now()
    assert copy.closes_at - copy.opens_at == wave.closes_at - wave.opens_at
    shift = copy.opens_at.date() - wave.opens_at.date()
    assert [r.send_on for r in copy.scheduled_reminders.all()] == [reminder_day + shift]
    assert not copy.invitations.exists()
    assert not copy.responses.exists()
