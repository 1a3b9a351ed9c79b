"""The linkage attack of a database holder (tests/web/surveys/linkage.py), on every table.

After a wave closes, no row may name its author or narrow it below the wave's threshold k.
The attacker is checked first on a table laid out as responses used to be stored (unit,
role, tenure band and day in the clear): there it names authors, as the issue reported.

Waves here ask every respondent attribute (gender, race and ethnicity, age band, career
stage), and the attacker also knows every person's attributes (what colleagues know): no
attribute value is readable in any column, and the best guess over the roster, the
invitations and all attributes together leaves every response at least k possible authors.
"""

from __future__ import annotations

import io
import itertools
import math
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinwell.instruments.attributes import ATTRIBUTES, NOT_STATED
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
EVERY_ATTRIBUTE = list(ATTRIBUTES)
Attributes = dict[str, str]


def _answers(attributes: Attributes) -> ParsedAnswers:
    return ParsedAnswers(
        by_instrument=ANSWERS.by_instrument, comment=ANSWERS.comment, attributes=attributes
    )


def _know(people: dict[int, Attributes]) -> None:
    """Give the attacker every person's attributes (created in the test's transaction)."""
    columns = ", ".join(f"{key} varchar(60)" for key in EVERY_ATTRIBUTE)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {linkage.KNOWN} (person_id integer, {columns})")
        cursor.execute(f"DELETE FROM {linkage.KNOWN}")
        for person_id, attributes in people.items():
            cursor.execute(
                f"INSERT INTO {linkage.KNOWN} VALUES (%s{', %s' * len(EVERY_ATTRIBUTE)})",
                [person_id, *(attributes[key] for key in EVERY_ATTRIBUTE)],
            )


# The wave's release names its groups ("gender=woman") by design: its cells are counts and
# statistics the gate published (or hid) for groups, never a property of one response.
RELEASE = "results_publishedcell"


def _readable_attribute_values(
    skip: frozenset[str] = frozenset({linkage.KNOWN, PLAIN, RELEASE}),
) -> list[tuple[str, str, object]]:
    """Every readable value (any table, any column, text or bytes) that is an attribute
    code, or contains one of the codes no other data would hold (``self_described``, ...),
    outside the release (:data:`RELEASE`)."""
    codes = {code for a in ATTRIBUTES.values() for code in a.codes}
    distinctive = [code for code in codes if len(code) >= 9] + ["nonbinary"]
    found = []
    for table, column, value in linkage.readable_values(skip):
        if isinstance(value, memoryview | bytes):
            text = bytes(value).decode("latin-1")
        elif isinstance(value, str):
            text = value
        else:
            continue
        if text in codes or any(code in text for code in distinctive):
            found.append((table, column, value))
    return found


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


# Alpha's five people, each with attributes of their own (codes no other data would hold).
ALPHA_ATTRIBUTES = {
    "card1@alpha.example": ("self_described", "american_indian_alaska_native", "under_30"),
    "card2@alpha.example": ("nonbinary", "middle_eastern_north_african", "60_plus"),
    "med1@alpha.example": ("woman", "native_hawaiian_pacific_islander", "50_59"),
    "surg1@alpha.example": ("man", "more_than_one", "40_49"),
    "peds1@alpha.example": ("woman", "hispanic_latino", "30_39"),
}


def _alpha_wave_with_every_attribute(cast: Cast) -> tuple[Wave, dict[int, Attributes]]:
    """Alpha's wave asking every attribute, everyone answered, the attacker knowing them."""
    wave = make_wave(cast, attributes=EVERY_ATTRIBUTE)
    known: dict[int, Attributes] = {}
    for invitation in Invitation.objects.filter(wave=wave).select_related("wave", "person"):
        assert invitation.person is not None
        gender, race, age = ALPHA_ATTRIBUTES[invitation.person.email]
        attributes = {
            "gender": gender,
            "race_ethnicity": race,
            "age_band": age,
            "career_stage": "in_training",
        }
        known[invitation.person.pk] = attributes
        assert submit_with_invitation(invitation, _answers(attributes)).outcome is Outcome.RECORDED
    _know(known)
    return wave, known


def test_alpha_has_the_people_the_attribute_tests_expect(cast: Cast) -> None:
    active = set(cast.alpha.people.filter(active=True).values_list("email", flat=True))
    assert active == set(ALPHA_ATTRIBUTES)


@pytest.mark.django_db
def test_attributes_in_the_clear_would_name_authors_to_someone_who_knows_colleagues(
    cast: Cast,
) -> None:
    wave, _ = _alpha_wave_with_every_attribute(cast)
    with connection.cursor() as cursor:
        columns = ", ".join(f"{key} varchar(60)" for key in EVERY_ATTRIBUTE)
        cursor.execute(
            f"CREATE TABLE {PLAIN} (id varchar(40) PRIMARY KEY, wave_id integer, {columns}, "
            "answers text)"
        )
        for number, payload in enumerate(opened(wave)):
            values = [payload.attributes[key] for key in EVERY_ATTRIBUTE]
            cursor.execute(
                f"INSERT INTO {PLAIN} VALUES (%s, %s{', %s' * len(values)}, %s)",
                [str(number), wave.pk, *values, "{}"],
            )
    # No unit, role or tenure band in this table: the attributes alone name every author.
    found = linkage.links([PLAIN])
    assert len(found) == 5
    assert {link.candidates for link in found} == {1}
    # and the scan for readable attribute values finds them there (and only there)
    readable = _readable_attribute_values(skip=frozenset({linkage.KNOWN, RELEASE}))
    assert {table for table, _, _ in readable} == {PLAIN}
    assert len(readable) == 5 * len(EVERY_ATTRIBUTE)


@pytest.mark.django_db
def test_sealed_attributes_are_unreadable_and_leave_k_possible_authors(cast: Cast) -> None:
    wave, _ = _alpha_wave_with_every_attribute(cast)
    payloads = opened(wave)
    ages = {age for _, _, age in ALPHA_ATTRIBUTES.values()}
    assert {p.attributes["age_band"] for p in payloads} == ages
    # While open: the values are nowhere readable, and no response is narrowed below k.
    assert _readable_attribute_values() == []
    guesses = [g for g in linkage.guesses() if g.wave_id == wave.pk]
    assert len(guesses) == 5
    assert min(g.candidates for g in guesses) >= wave.min_n_scores
    # After close: the same, with invitations gone.
    assert close_wave(wave)
    assert _readable_attribute_values() == []
    guesses = [g for g in linkage.guesses() if g.wave_id == wave.pk]
    assert len(guesses) == 5
    assert min(g.candidates for g in guesses) >= wave.min_n_scores
    assert {p.attributes["gender"] for p in opened(wave)} == {
        "self_described",
        "nonbinary",
        "woman",
        "man",
    }


@pytest.mark.django_db
def test_the_attacker_reads_every_table_that_holds_submissions() -> None:
    tables = linkage.attacked_tables(linkage._tables())
    assert "surveys_response" in tables
    assert "surveys_submissionreceipt" in tables


# Random organizations: units under one site, people with random roles and tenure bands,
# and the attributes they would state (which colleagues know).
attributes_strategy = st.fixed_dictionaries(
    {key: st.sampled_from(a.codes) for key, a in ATTRIBUTES.items()}
)
people_strategy = st.lists(
    st.tuples(
        st.integers(0, 3),  # unit
        st.sampled_from(["physician", "nurse", "app", "resident"]),
        st.sampled_from(["lt1", "1to5", "6to10", ""]),
        st.booleans(),  # responds
        attributes_strategy,
    ),
    min_size=5,
    max_size=24,
)
Person = tuple[int, str, str, bool, Attributes]

_org_numbers = itertools.count()


def _organization(people: list[Person]) -> Organization:
    org = create_organization("Linkage Health", slug=f"linkage-{next(_org_numbers)}", state="MN")
    units = "path\n" + "".join(f"Linkage Health/Site/Unit {u}\n" for u in range(4))
    import_units(org, "units.csv", io.BytesIO(units.encode()))
    roster = "email,unit,role,tenure_band\n" + "".join(
        f"p{i}@{org.slug}.example,Linkage Health/Site/Unit {u},{role},{band}\n"
        for i, (u, role, band, *_) in enumerate(people)
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
    link_responses=st.lists(attributes_strategy, max_size=3),
)
@pytest.mark.django_db
def test_no_response_is_linked_after_close(
    people: list[Person], k: int, link_responses: list[Attributes]
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
        attributes=EVERY_ATTRIBUTE,
    )
    launch_wave(wave)
    known = {}
    for invitation in Invitation.objects.filter(wave=wave).select_related("wave", "person"):
        assert invitation.person is not None
        number = int(invitation.person.email.split("@")[0].removeprefix("p"))
        _, _, _, responds, attributes = people[number]
        known[invitation.person.pk] = attributes
        if responds:
            submit_with_invitation(invitation, _answers(attributes))
    _know(known)
    link = ensure_anonymous_link(wave, org.units.get(full_name="Linkage Health/Site/Unit 0"))
    link.wave = wave
    for number, attributes in enumerate(link_responses):
        submit_with_anonymous_link(
            link, f"form-{number}", _answers(attributes), role="nurse", tenure_band=""
        )
    stored = opened(wave)
    responded = [p[4] for p in people if p[3]] + link_responses
    assert sorted(sorted(p.attributes.items()) for p in stored) == sorted(
        sorted(a.items()) for a in responded
    )

    assert close_wave(wave)
    guesses = [g for g in linkage.guesses() if g.wave_id == wave.pk]
    assert len(guesses) == len(stored)
    assert all(g.candidates >= k for g in guesses)  # the best guess over everything
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
    assert all(wave.attributes == ["gender", "career_stage"] for wave in waves)
    assert linkage.links() == []
    for wave in waves:
        if wave.status == Wave.Status.OPEN:
            assert close_wave(wave)
    assert linkage.links() == []
    assert Invitation.objects.filter(wave__organization=org).count() == 0
    # Every response holds its gender and career stage, sealed; no column shows one.
    genders = {p.attributes["gender"] for wave in waves for p in opened(wave)}
    assert genders == {"woman", "man", "nonbinary", "self_described", NOT_STATED}
    assert _readable_attribute_values() == []


@pytest.mark.django_db
def test_the_demo_plants_a_gender_gap_its_latest_closed_wave_shows(demo: None) -> None:
    """The planted equity gap (clinwell.synth.survey): in the demo's latest closed wave,
    women's burnout is clearly above men's at organization level."""
    org = Organization.objects.get(slug=DEMO_SLUG)
    latest = Wave.objects.filter(organization=org, status=Wave.Status.CLOSED).latest("opens_at")
    rates = {}
    for gender in ("woman", "man"):
        flags = [
            p.scores["single_item_burnout.burnout"]
            for p in opened(latest)
            if p.attributes["gender"] == gender
            and p.scores.get("single_item_burnout.burnout") is not None
        ]
        rates[gender] = (sum(flags) / len(flags), len(flags))
    (women, n_women), (men, n_men) = rates["woman"], rates["man"]
    se = math.sqrt(women * (1 - women) / n_women + men * (1 - men) / n_men)
    assert women - men > 0.10
    assert (women - men) / se > 2.0
