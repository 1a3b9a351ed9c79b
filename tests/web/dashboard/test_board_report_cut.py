"""The board report inside a cut: the same cut parameters as the results pages, named in the
PDF, national figures only for exactly physicians, and a leader only inside their subtree."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.test import Client

from clinwell.web.accounts.models import User
from clinwell.web.surveys.models import Wave
from tests.web.conftest import Cast
from tests.web.dashboard.test_board_report import inflated
from tests.web.results.conftest import build_role_wave


def pdf_title(pdf: bytes) -> str:
    """The document title WeasyPrint writes from the HTML ``<title>``."""
    found = re.search(rb"/Title\s*(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f]+>)", inflated(pdf))
    assert found is not None
    raw = found.group(1)
    if raw.startswith(b"<"):
        data = bytes.fromhex(raw[1:-1].decode())
        return data.decode("utf-16") if data[:2] in (b"\xfe\xff", b"\xff\xfe") else data.decode()
    text = re.sub(rb"\\(.)", rb"\1", raw[1:-1])
    return text.decode("utf-16") if text[:2] == b"\xfe\xff" else text.decode("latin-1")


def test_the_pdf_takes_the_cut_and_names_it(cast: Cast, login: Callable[[User], Client]) -> None:
    wave: Wave = build_role_wave(cast)
    client = login(cast.executive)
    uncut = client.get(f"/o/alpha/results/report.pdf?wave={wave.pk}")
    cut = client.get(f"/o/alpha/results/report.pdf?wave={wave.pk}&role=nurse")
    assert uncut.status_code == cut.status_code == 200
    assert cut.content != uncut.content
    assert "-role-nurse-" in cut["Content-Disposition"]
    assert "Nurse" in pdf_title(cut.content)
    assert "Nurse" not in pdf_title(uncut.content)
    board = cut.context["board"]
    assert board["scope"].group == "role=nurse"
    assert board["n"] == sum(nurses for _, nurses in _sizes())
    assert cut.context["sentences"][0].startswith("This report covers Nurse in Alpha Health only")
    # nurses are never compared with the physicians' national figures, nor costed as them
    assert all(row["national"] is None for row in board["rows"])
    assert board["cost"] is None


def test_a_physician_cut_is_compared_with_national_physicians(
    cast: Cast, login: Callable[[User], Client]
) -> None:
    wave = build_role_wave(cast)
    response = login(cast.executive).get(
        f"/o/alpha/results/report.pdf?wave={wave.pk}&role=physician"
    )
    assert response.status_code == 200
    rows = response.context["board"]["rows"]
    assert any(r["national"] and r["national"]["state"] == "shown" for r in rows)
    assert "Physician" in pdf_title(response.content)


def test_a_leader_cannot_cut_outside_their_subtree(
    cast: Cast, login: Callable[[User], Client]
) -> None:
    wave = build_role_wave(cast)
    client = login(cast.leader)  # leads Site A/Medicine
    peds = cast.unit(cast.alpha, "Alpha Health/Site B/Pediatrics")
    base = f"/o/alpha/results/report.pdf?wave={wave.pk}"
    assert client.get(f"{base}&unit={peds.pk}&role=nurse").status_code == 404
    assert client.get(f"{base}&role=wizard").status_code == 404
    inside = client.get(f"{base}&role=physician")
    assert inside.status_code == 200
    assert inside.context["board"]["scope"].label == "Medicine"


def _sizes() -> list[tuple[int, int]]:
    from tests.web.results.conftest import ROLE_SIZES

    return list(ROLE_SIZES.values())
