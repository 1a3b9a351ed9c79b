"""The PDF board report: US Letter by default (A4 on request), a first page of sentences that
match the released numbers, then charts, units, drivers, plans and cost, with no near-empty
page and one font."""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterator
from typing import Any

from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from clinwell.web.dashboard.presenters.board_report import SECTIONS, report_context
from clinwell.web.orgs.models import Membership
from clinwell.web.results.services.cache import results_for
from clinwell.web.results.services.catalog import kpi_measures
from clinwell.web.results.services.present import fmt_interval, fmt_value
from clinwell.web.results.services.scope import pick_wave, scope_for
from tests.web.conftest import Cast
from tests.web.results.conftest import Waves

LETTER = (612, 792)  # points
A4 = (595.276, 841.89)
MIN_WORDS_PER_PAGE = 60  # a page with fewer words (and no chart) is near-empty


def inflated(pdf: bytes) -> bytes:
    """The PDF with its compressed streams (object streams included) inflated."""
    parts = [pdf]
    for raw in re.findall(rb"stream\r?\n(.*?)endstream", pdf, flags=re.S):
        try:
            parts.append(zlib.decompress(raw))
        except zlib.error:
            continue
    return b"\n".join(parts)


def media_boxes(pdf: bytes) -> list[tuple[float, float]]:
    pattern = rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]"
    found = re.findall(pattern, inflated(pdf))
    return [(float(w), float(h)) for w, h in found]


def _texts(box: Any) -> Iterator[str]:
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TextBox):
        yield box.text
    for child in getattr(box, "children", []):
        yield from _texts(child)


def _images(box: Any) -> int:
    from weasyprint.formatting_structure import boxes

    own = 1 if isinstance(box, boxes.InlineReplacedBox | boxes.BlockReplacedBox) else 0
    return own + sum(_images(c) for c in getattr(box, "children", []))


def report_html(membership: Membership, params: dict[str, str] | None = None) -> str:
    waves, wave = pick_wave(membership, None)
    assert wave is not None
    context = report_context(membership, waves, wave, scope_for(membership, None), params or {})
    return render_to_string("dashboard/report.html", context, RequestFactory().get("/"))


def pages_of(html: str) -> list[dict[str, Any]]:
    """Each page's words and number of images, as WeasyPrint lays the report out."""
    from weasyprint import HTML

    document = HTML(string=html, base_url="/").render()
    return [
        {
            "text": " ".join(_texts(page._page_box)),
            "images": _images(page._page_box),
            "size": (page.width, page.height),
        }
        for page in document.pages
    ]


def test_the_report_is_us_letter_by_default_and_a4_on_request(
    cast: Cast, waves: Waves, login: Callable[[User], Client]
) -> None:
    client = login(cast.executive)
    letter = client.get("/o/alpha/results/report.pdf")
    assert letter.status_code == 200
    assert letter["Content-Type"] == "application/pdf"
    assert "letter" in letter["Content-Disposition"]
    boxes = media_boxes(letter.content)
    assert boxes
    assert all(box == LETTER for box in boxes)
    a4 = client.get("/o/alpha/results/report.pdf?paper=a4")
    boxes = media_boxes(a4.content)
    assert boxes
    assert all(abs(w - A4[0]) < 0.01 and abs(h - A4[1]) < 0.01 for w, h in boxes)
    odd = client.get("/o/alpha/results/report.pdf?paper=tabloid")
    assert all(box == LETTER for box in media_boxes(odd.content))


def test_the_first_page_is_the_summary_in_sentences_from_the_numbers(
    cast: Cast, waves: Waves
) -> None:
    membership = Membership.objects.get(user=cast.owner, organization=cast.alpha)
    pages = pages_of(report_html(membership))
    first = pages[0]["text"]
    res = results_for(waves.second)
    cell = res.cell(None)
    assert f"{cell.n} people in Alpha Health answered Spring 2026" in first
    assert "changes are since Autumn 2025" in first
    for key, m in kpi_measures(res.measures).items():
        est = cell.estimates[m.column]
        label = {"burnout": "Burnout", "job_satisfaction": "Job satisfaction"}.get(key)
        if label is None:
            continue
        value, interval = fmt_value(m, est["estimate"]), fmt_interval(m, est)
        assert f"{label} was {value} (95% CI {interval})" in first
    # only the physicians' own cell is compared with the physicians' national figure
    assert "physicians compared with physicians nationally" in first
    assert "Headline measures" in first
    assert "Headline measures by wave" not in first  # the charts start on page 2


def test_no_page_is_near_empty_and_every_section_is_there(cast: Cast, waves: Waves) -> None:
    membership = Membership.objects.get(user=cast.owner, organization=cast.alpha)
    pages = pages_of(report_html(membership))
    assert 2 <= len(pages) <= 6
    for number, page in enumerate(pages, start=1):
        words = len(page["text"].split())
        assert words >= MIN_WORDS_PER_PAGE or page["images"] >= 2, (number, words)
        assert page["size"] == (816.0, 1056.0)  # US Letter in CSS px
    text = " ".join(p["text"] for p in pages)
    for heading in ("Headline measures by wave", "Units", "Action plans"):
        assert heading in text
    assert SECTIONS[0] == "summary"


def test_the_report_uses_one_font(
    cast: Cast, waves: Waves, login: Callable[[User], Client]
) -> None:
    membership = Membership.objects.get(user=cast.owner, organization=cast.alpha)
    families = set(re.findall(r'font-family:\s*"([^"]+)"', report_html(membership)))
    assert families == {"DejaVu Sans"}
    pdf = login(cast.owner).get("/o/alpha/results/report.pdf").content
    fonts = {name.split(b"+")[-1] for name in re.findall(rb"/BaseFont\s*/([\w+-]+)", inflated(pdf))}
    assert fonts
    assert all(f.startswith(b"DejaVu-Sans") for f in fonts), fonts


def test_a_hidden_group_gets_a_short_report_without_empty_pages(cast: Cast, waves: Waves) -> None:
    surgery = cast.unit(cast.alpha, "Alpha Health/Site A/Surgery")  # 3 respondents: hidden
    membership = Membership.objects.get(user=cast.owner, organization=cast.alpha)
    all_waves, wave = pick_wave(membership, None)
    assert wave is not None
    scope = scope_for(membership, str(surgery.pk))
    context = report_context(membership, all_waves, wave, scope, {})
    assert context["board"]["state"] == "suppressed"
    html = render_to_string("dashboard/report.html", context, RequestFactory().get("/"))
    pages = pages_of(html)
    assert len(pages) == 1
    assert "Results for this group are not shown" in pages[0]["text"]
