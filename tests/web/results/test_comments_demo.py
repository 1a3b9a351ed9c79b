"""The demo's comments carry planted themes (clinwell.synth.comments.DEMO_COMMENT_THEMES) and
the comments page finds them: documentation everywhere, violence in Emergency Medicine."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from clinwell.web.accounts.models import User
from clinwell.web.consortium.demo import CONSORTIUM_SLUG
from clinwell.web.consortium.models import Consortium
from clinwell.web.demo import DEMO_SLUG, load_demo
from clinwell.web.orgs.models import Organization, Unit
from clinwell.web.orgs.services.organizations import delete_organization
from clinwell.web.results.services.cache import closed_waves, results_for
from clinwell.web.results.services.comment_page import released_summary

pytestmark = pytest.mark.django_db

ED = "Riverside Health/Main Campus/Emergency Medicine"


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        load_demo(lambda _message: None)
        yield
        delete_organization(Organization.objects.get(slug=DEMO_SLUG))
        Consortium.objects.filter(slug=CONSORTIUM_SLUG).delete()
        User.objects.filter(email__endswith="@demo.clinwell.org").delete()


def _top_themes(body: str) -> list[str]:
    """Theme labels of the page's theme table, most frequent first."""
    table = body[body.index('class="table theme-table"') :]
    table = table[: table.index("</table>")]
    return re.findall(r'#theme-[a-z_]+">([^<]+)</a></th>', table)


def test_the_demo_page_finds_the_planted_themes(demo: None, client: Client) -> None:
    client.force_login(User.objects.get(email="admin@demo.clinwell.org"))
    org = Organization.objects.get(slug=DEMO_SLUG)
    ed = Unit.objects.get(organization=org, full_name=ED)
    for wave in closed_waves(org):
        body = client.get(f"/o/{DEMO_SLUG}/results/comments/", {"wave": wave.pk}).content.decode()
        assert _top_themes(body)[0] == "EHR and documentation", wave.name
    # Emergency Medicine's planted violence: over the three waves, its comments carry the
    # theme far more often than the organization's do.
    ed_hits = ed_total = org_hits = org_total = 0
    for wave in closed_waves(org):
        res = results_for(wave)
        here, everyone = released_summary(res.cell(ed.pk)), released_summary(res.cell(None))
        assert here is not None  # Emergency Medicine is above the comment threshold
        assert everyone is not None
        ed_hits += here["themes"]["safety_violence"]
        ed_total += here["count"]
        org_hits += everyone["themes"]["safety_violence"]
        org_total += everyone["count"]
    assert ed_hits / ed_total > 2 * org_hits / org_total
    body = client.get(f"/o/{DEMO_SLUG}/results/comments/", {"unit": ed.pk}).content.decode()
    assert "Safety and violence" in _top_themes(body)[:2]
