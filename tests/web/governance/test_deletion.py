"""A superuser deletes an organization: nothing of it remains in any table."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from clinwell.web.accounts.models import User
from clinwell.web.actions.models import Milestone
from clinwell.web.audit.models import AuditEntry
from clinwell.web.audit.queries import verify_chain
from clinwell.web.audit.services import record
from clinwell.web.orgs.models import Organization
from clinwell.web.orgs.services.people import invite
from clinwell.web.results.services.cache import results_for
from clinwell.web.surveys.services.waves import ensure_anonymous_link
from tests.web.actions.conftest import make_plan
from tests.web.conftest import Cast, build_cast
from tests.web.results.conftest import CLEAN_SIZES, add_responses, closed_wave
from tests.web.surveys.conftest import make_wave


def _rows() -> dict[str, set[object]]:
    """Every table's primary keys (auto-created many-to-many tables included)."""
    return {
        model._meta.db_table: set(model._base_manager.values_list("pk", flat=True))
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
    }


def _fill(cast: Cast) -> None:
    """A bit of everything in Alpha: waves, responses, results, plans, invitations, audit."""
    make_wave(cast)
    closed = closed_wave(cast.alpha, "Closed", 5)
    for i, (path, n) in enumerate(CLEAN_SIZES.items()):
        add_responses(closed, cast.unit(cast.alpha, path), n, 500 + i)
    results_for(closed)
    ensure_anonymous_link(closed, cast.unit(cast.alpha, "Alpha Health/Site A/Medicine"))
    plan = make_plan(cast, "Alpha Health/Site A/Medicine", started_on=date(2026, 1, 5))
    Milestone.objects.create(plan=plan, title="First")
    invite(cast.alpha, by=cast.owner, email="someone@alpha.example", role="analyst")
    record("view", organization_id=cast.alpha.pk, actor=cast.owner, route="results:index")


@pytest.mark.django_db
def test_deleting_an_organization_leaves_every_table_as_before() -> None:
    root = User.objects.create_superuser("root@example.org", "x")
    before = _rows()
    cast = build_cast()
    _fill(cast)
    during = _rows()
    assert any(during[t] - before[t] for t in before)
    beta = cast.beta
    call_command(
        "delete_organization", "alpha", "--superuser", root.email, "--yes", stdout=io.StringIO()
    )
    call_command(
        "delete_organization", "beta", "--superuser", root.email, "--yes", stdout=io.StringIO()
    )
    # the cast's accounts are site-wide: remove them the way an administrator would
    User.objects.exclude(pk=root.pk).delete()
    after = _rows()
    new = {table: sorted(after[table] - before[table]) for table in after}
    new = {table: pks for table, pks in new.items() if pks}
    assert set(new) == {AuditEntry._meta.db_table, "audit_audithead"}
    site = list(AuditEntry.objects.filter(pk__in=new[AuditEntry._meta.db_table]))
    assert sorted(e.summary for e in site) == [
        "Deleted the organization Alpha Health (alpha) and all its data",
        "Deleted the organization Beta Clinic (beta) and all its data",
    ]
    assert all(e.chain == "site" for e in site)
    assert verify_chain("site").ok
    assert not Organization.objects.filter(pk=beta.pk).exists()


@pytest.mark.django_db
def test_only_a_superuser_deletes(cast: Cast) -> None:
    with pytest.raises(CommandError, match="not a superuser"):
        call_command("delete_organization", "alpha", "--superuser", cast.owner.email, "--yes")
    root = User.objects.create_superuser("root@example.org", "x")
    with pytest.raises(CommandError, match="add --yes"):
        call_command("delete_organization", "alpha", "--superuser", root.email)
    assert Organization.objects.filter(slug="alpha").exists()
