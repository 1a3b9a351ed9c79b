"""No page, PDF or export of the demo shows an internal note.

The knowledge base and the instrument definitions carry notes for the people who maintain
them ("NOT CONFIRMED", "not retrieved", the file names of the documents they were written
from). A reader sees uncertainty in their own words ("we could not verify this figure"),
never those notes. This walks every page of the demo — every URL pattern of the project
(the route discovery of ``test_hostile_input``), filled with every demo wave, unit, plan and
intervention — as each demo role, plus the respondent's pages, the PDF reports (as text)
and the CSV and JSON exports.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from clinwell.knowledge.interventions import interventions as intervention_catalog
from clinwell.web.accounts.models import User
from clinwell.web.actions.models import ActionPlan
from clinwell.web.demo import DEMO_SLUG, load_demo
from clinwell.web.ehrburden.models import EhrRun
from clinwell.web.orgs.models import Organization, Unit
from clinwell.web.surveys.models import AnonymousLink, Wave
from tests.web.test_hostile_input import ROUTES, Route

SHARED = Path(__file__).resolve().parents[3] / "shared"
# The documents the knowledge base was written from, should the shared folder be absent.
KNOWN_FILES = (
    "000_252bd735dba06775.txt",
    "001_ec9d2ee71b8fe2a0.txt",
    "002_fe716f89c79ca3c2.txt",
    "003_d31dfb58f819ec50.txt",
    "004_0b2481136b78588b.txt",
    "aesthetics.md",
    "ehr_metrics.md",
    "instruments.md",
    "platform_anchors.md",
    "programs.md",
)
PHRASES = ("our notes", "not retrieved")  # in any case; "NOT CONFIRMED" in capitals
SKIPPED = ("accounts/logout/", "healthz", "api/")  # logging out; a probe; the developer API


def _file_names() -> tuple[str, ...]:
    names = set(KNOWN_FILES)
    for folder in ("seeds", "reference"):
        if (SHARED / folder).is_dir():
            names.update(p.name for p in (SHARED / folder).iterdir() if p.is_file())
    return tuple(sorted(names))


FILE_NAMES = _file_names()
FORBIDDEN = re.compile(
    r"NOT CONFIRMED|UNCONFIRMED|seed:\S|(?i:"
    + "|".join(re.escape(p) for p in (*PHRASES, *FILE_NAMES))
    + ")"
)


# On an HTML page's visible text: an item key ("org_wellbeing.19"), the comment field's key,
# a unit title that repeats its level ("Internal Medicine Clinic Clinic").
INSTRUMENT_IDS = (
    "who5|org_wellbeing|cbi|pfi|mini_z2|single_item_burnout|intent_to_leave|admin_burden"
)
RAW = re.compile(rf"\b(?:{INSTRUMENT_IDS})\.\d+\b|“comment”|\b(System|Site|Department|Clinic) \1\b")


def _visible(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _pdf_text(content: bytes) -> str:
    tool = shutil.which("pdftotext")
    assert tool is not None, "pdftotext (poppler-utils) reads the PDFs' text"
    done = subprocess.run(
        [tool, "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return done.stdout.decode("utf-8", "replace")


def _text(response: Any) -> str:
    kind = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "pdf" in kind:
        return _pdf_text(body)
    return body.decode("utf-8", "replace")


def _offences(text: str, *, page: bool = False) -> list[str]:
    """Each forbidden phrase found, once, with a little of the text around it; on a page,
    raw keys and repeated levels in its visible text too."""
    seen: dict[str, str] = {}
    found = [(m, text) for m in FORBIDDEN.finditer(text)]
    if page:
        visible = _visible(text)
        found += [(m, visible) for m in RAW.finditer(visible)]
    for m, source in found:
        around = source[max(0, m.start() - 80) : m.end() + 40]
        seen.setdefault(m.group(0), " ".join(around.split()))
    return [f"{k}: …{v}…" for k, v in sorted(seen.items())]


def _fill(route: Route, values: dict[str, str]) -> str | None:
    try:
        return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: values[m.group(2)], route.pattern)
    except KeyError:
        return None


def _paths(org: Organization) -> list[str]:
    waves = [str(w.pk) for w in Wave.objects.filter(organization=org)]
    units = [str(u.pk) for u in Unit.objects.filter(organization=org)]
    plans = [str(p.pk) for p in ActionPlan.objects.filter(organization=org)]
    runs = [str(r.pk) for r in EhrRun.objects.filter(organization=org)] or ["0"]
    interventions = [i.id for i in intervention_catalog()]
    many = {
        "wave_id": waves,
        "unit_id": units,
        "plan_id": plans,
        "run_id": runs,
        "intervention_id": interventions,
    }
    base = {"org_slug": org.slug, "kind": "roster", "consortium_slug": "", "period": ""}
    paths: list[str] = []
    for route in ROUTES:
        if route.pattern.startswith(SKIPPED) or route.pattern.startswith(("s/", "a/", "c/")):
            continue
        names = re.findall(r"<(?:\w+:)?(\w+)>", route.pattern)
        varying = [n for n in names if n in many]
        if not varying:
            path = _fill(route, base)
            if path is not None:
                paths.append(path)
            continue
        name = varying[0]
        for value in many[name]:
            path = _fill(route, {**base, **{n: many[n][0] for n in varying}, name: value})
            if path is not None:
                paths.append(path)
    for wave in waves:  # every results page for every wave
        for page in ("", "heatmap/", "drivers/", "comments/", "trends/", "export.csv"):
            paths.append(f"/o/{org.slug}/results/{page}?wave={wave}")
        paths.append(f"/o/{org.slug}/results/report.pdf?wave={wave}")
        paths.append(f"/o/{org.slug}/actions/burden/?wave={wave}")
    for unit in units:
        paths.append(f"/o/{org.slug}/results/?unit={unit}")
    return paths


@pytest.mark.django_db(transaction=True)
def test_no_page_pdf_or_export_of_the_demo_shows_an_internal_note() -> None:
    load_demo(lambda _message: None)
    org = Organization.objects.get(slug=DEMO_SLUG)
    found: dict[str, list[str]] = {}
    checked = 0
    for email in ("admin@demo.clinwell.org", "leader@demo.clinwell.org"):
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(email=email))
        for path in _paths(org):
            response = client.get(path)
            if response.status_code >= 300:
                continue
            checked += 1
            offences = _offences(_text(response), page="html" in response["Content-Type"])
            if offences:
                found[f"{email.split('@')[0]} {path}"] = offences
    # the consortium pages, as its staff
    consortium = Client(raise_request_exception=False)
    consortium.force_login(User.objects.get(email="consortium@demo.clinwell.org"))
    landing = consortium.get("/", follow=True)
    for link in sorted(set(re.findall(r'href="(/c/[^"#?]+)"', landing.content.decode()))):
        response = consortium.get(link)
        if response.status_code < 300:
            checked += 1
            if offences := _offences(_text(response), page=True):
                found[f"consortium {link}"] = offences
    # the respondent's pages: the form, and the private feedback after answering
    link = AnonymousLink.objects.filter(wave__organization=org).first()
    assert link is not None
    respondent = Client()
    form = respondent.get(f"/a/{link.token}/")
    assert form.status_code == 200
    nonce = re.search(r'name="nonce" value="([^"]+)"', form.content.decode())
    answers = {f"q:who5.{i}": "0" for i in range(1, 6)}
    answers.update({"q:single_item_burnout.1": "5", "nonce": nonce.group(1) if nonce else ""})
    feedback = respondent.post(f"/a/{link.token}/", answers)
    assert "your answers are recorded" in feedback.content.decode()
    for what, response in (("survey form", form), ("feedback", feedback)):
        checked += 1
        if offences := _offences(_text(response), page=True):
            found[what] = offences
    assert checked > 100
    assert found == {}
