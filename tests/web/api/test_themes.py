"""Comment theme counts through the API: the release's counts, null where the gate withheld a
group's comments, for every role (leaders: their subtree), and never a comment's text."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from clinwell.comments import THEME_KEYS
from clinwell.web.accounts.models import User
from clinwell.web.results.services.cache import results_for
from clinwell.web.results.services.comment_page import released_summary
from clinwell.web.surveys.models import Wave
from tests.web.api.conftest import ROLES, ApiClient
from tests.web.conftest import Cast
from tests.web.results.conftest import CARDIO, PEDS, SURGERY

Api = Callable[[User], ApiClient]


@pytest.mark.parametrize("role", ROLES)
def test_theme_counts_are_the_releases_and_withheld_below_the_threshold(
    cast: Cast,
    comment_waves: tuple[Wave, Wave],
    api: Api,
    role: str,
) -> None:
    wave = comment_waves[1]
    response = api(getattr(cast, role)).get(f"orgs/alpha/waves/{wave.pk}/themes")
    assert response.status_code == 200, response.content
    body = response.json()
    assert [t["key"] for t in body["themes"]] == list(THEME_KEYS)
    assert body["min_n_comments"] == wave.min_n_comments
    res = results_for(wave)
    cells = {c["unit"]: c for c in body["cells"]}
    for c in body["cells"]:
        summary = released_summary(res.cell(c["unit_id"]))
        if summary is None:
            assert c["comments"] is None
            assert c["themes"] is None
        else:
            assert c["comments"] == summary["count"]
            assert c["themes"] == summary["themes"]
            assert c["sentiment"] == summary["sentiment"]
    assert cells[CARDIO]["themes"]["ehr_documentation"] > 0
    if role == "leader":
        assert PEDS not in cells
        assert SURGERY not in cells
        assert all(c["unit"].startswith("Alpha Health/Site A/Medicine") for c in body["cells"])
    else:
        assert cells[SURGERY]["comments"] is None  # 7 respondents < comment threshold 10
        assert max(cells[PEDS]["themes"], key=cells[PEDS]["themes"].get) == "safety_violence"
    texts = res.cell(cast.unit(cast.alpha, CARDIO).pk).comments["comment"]
    dumped = json.dumps(body)
    assert not [t for t in texts if json.dumps(t)[1:-1] in dumped]


def test_open_waves_and_other_tenants_are_404(
    cast: Cast,
    comment_waves: tuple[Wave, Wave],
    api: Api,
    open_wave: Wave,
) -> None:
    assert api(cast.owner).get(f"orgs/alpha/waves/{open_wave.pk}/themes").status_code == 404
    wave = comment_waves[1]
    assert api(cast.outsider).get(f"orgs/alpha/waves/{wave.pk}/themes").status_code == 404
