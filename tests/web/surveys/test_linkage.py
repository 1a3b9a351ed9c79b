"""The linkage attack of a database holder (tests/web/surveys/linkage.py), on every table.

After a wave closes, no row may name its author or narrow it below the wave's threshold k.
The attacker is checked first on a table laid out as responses used to be stored (unit,
role, tenure band and day in the clear): there it names authors, as the issue reported.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinwell.web.accounts.models import User
from clinwell.web.demo import DEMO_SLUG, load_demo
from clinwell.web.orgs.models import Organization
from clinwell.web.orgs.services.organizations import create_organization, delete_organization
from clinwell.web.orgs.services.roster import import_roster
from clinwell.web.orgs.services.units import import_units
from clinwell.web.surveys.models import Invitation, Wave
from clinwell.web.surveys.services.form import ParsedAnswers
from clinwell.web.surveys.services.lifecycle import close_wave
from clinwell.web.surveys.services.submissions import (
    Outcome,
    submit_with_anonymous_link,
    submit_with_invitation,
)
from clinwell.web.surveys.services.waves import (
    ModuleChoice,
    create_wave,
    ensure_anonymous_link,
    launch_wave,
)
from tests.web.conftest import Cast
from tests.web.sealed import opened
from tests.web.surveys import linkage
from tests.web.surveys.conftest import make_wave

ANSWERS = ParsedAnswers(
    by_instrument={"single_item_burnout": {"single_item_burnout.1": 3}},
    comment="Short-staffed again.",
)
PLAIN = "linkage_plain_response"


def _plain_table(wave: Wave) -> None:
    """A copy of the wave's responses laid out as before sealing: attributes in the clear."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {PLAIN} (id varchar(40) PRIMARY KEY, wave_id integer, "
            "unit_id integer, role varchar(40), tenure_band varchar(40), "
            "submitted_on date, answers text)"
        )
        for number, payload in enumerate(opened(wave)):
            cursor.execute(
                f"INSERT INTO {PLAIN} VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [
                    str(number),
                    wave.pk,
                    payload.unit_id,
                    payload.role,
                    payload.tenure_band,
                    timezone.localdate(),
                    "{}",
                ],
            )


def _submit_all(wave: Wave) -> None:
    for invitation in Invitation.objects.filter(wave=wave).select_related("wave"):
        assert submit_with_invitation(invitation, ANSWERS).outcome is Outcome.RECORDED


@pytest.mark.django_db
def test_the_attacker_names_authors_in_a_table_of_plain_attributes(cast: Cast) -> None:
    wave = make_wave(cast)
    _submit_all(wave)
    _plain_table(wave)  # created inside the test's transaction: rolled back with it
    # Alpha's five people each have a (unit, role, tenure band) of their own: every row of
    # the plain table names its author, from the invitations and from the roster.
    found = linkage.links([PLAIN])
    assert len(found) == 5
    assert {link.candidates for link in found} == {1}
    Invitation.objects.filter(wave=wave).delete()  # the roster alone is enough
    assert len(linkage.links([PLAIN])) == 5
    # the sealed responses give it nothing to join on
    assert linkage.links(["surveys_response"]) == []


@pytest.mark.django_db
def test_the_attacker_reads_every_table_that_holds_submissions() -> None:
    tables = linkage.attacked_tables(linkage._tables())
    assert "surveys_response" in tables
    assert "surveys_submissionreceipt" in tables


# Random organizations: units under one site, people with random roles and tenure bands.
people_strategy = st.lists(
    st.tuples(
        st.integers(0, 3),  # unit
        st.sampled_from(["physician", "nurse", "app", "resident"]),
        st.sampled_from(["lt1", "1to5", "6to10", ""]),
        st.booleans(),  # responds
    ),
    min_size=5,
    max_size=24,
)

_org_numbers = itertools.count()


def _organization(people: list[tuple[int, str, str, bool]]) -> Organization:
    org = create_organization("Linkage Health", slug=f"linkage-{next(_org_numbers)}", state="MN")
    units = "path\n" + "".join(f"Linkage Health/Site/Unit {u}\n" for u in range(4))
    import_units(org, "units.csv", io.BytesIO(units.encode()))
    roster = "email,unit,role,tenure_band\n" + "".join(
        f"p{i}@{org.slug}.example,Linkage Health/Site/Unit {u},{role},{band}\n"
        for i, (u, role, band, _) in enumerate(people)
    )
    import_roster(org, "roster.csv", io.BytesIO(roster.encode()))
    return org


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    people=people_strategy,
    k=st.sampled_from([3, 5]),
    link_responses=st.integers(0, 3),
)
@pytest.mark.django_db
def test_no_response_is_linked_after_close(
    people: list[tuple[int, str, str, bool]], k: int, link_responses: int
) -> None:
    org = _organization(people)
    now = timezone.now()
    wave = create_wave(
        org,
        name="Wave",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=9),
        time_zone="UTC",
        modules=[ModuleChoice("single_item_burnout")],
        min_n_scores=k,
        min_n_comments=max(k, 10),
    )
    launch_wave(wave)
    for invitation in Invitation.objects.filter(wave=wave).select_related("wave", "person"):
        assert invitation.person is not None
        number = int(invitation.person.email.split("@")[0].removeprefix("p"))
        if people[number][3]:
            submit_with_invitation(invitation, ANSWERS)
    link = ensure_anonymous_link(wave, org.units.get(full_name="Linkage Health/Site/Unit 0"))
    link.wave = wave
    for number in range(link_responses):
        submit_with_anonymous_link(link, f"form-{number}", ANSWERS, role="nurse", tenure_band="")

    assert close_wave(wave)
    assert [found for found in linkage.links() if found.wave_id == wave.pk] == []


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        load_demo(lambda _message: None)
        yield
        delete_organization(Organization.objects.get(slug=DEMO_SLUG))
        User.objects.filter(email__endswith="@demo.clinwell.org").delete()


@pytest.mark.django_db
def test_the_demo_has_no_linked_response_before_or_after_its_open_wave_closes(
    demo: None,
) -> None:
    org = Organization.objects.get(slug=DEMO_SLUG)
    waves = list(Wave.objects.filter(organization=org))
    assert linkage.links() == []
    for wave in waves:
        if wave.status == Wave.Status.OPEN:
            assert close_wave(wave)
    assert linkage.links() == []
    assert Invitation.objects.filter(wave__organization=org).count() == 0
