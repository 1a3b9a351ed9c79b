"""Demo step: a state consortium of a dozen member systems, Riverside Health among them.

Eleven synthetic member systems (:func:`clinwell.synth.consortium.generate_consortium`, known
truth) contribute for two half-years; Riverside Health contributes through the real export of
its own released results, EHR metrics and measured plan impact, sent as a member on this
instance. The consortium publishes a public report for each period (two of its three
releases' worth of budget), and Riverside imports the pooled evidence into its catalog.
"""

from __future__ import annotations

import json

from clinwell.synth.consortium import generate_consortium
from clinwell.web.accounts.models import User
from clinwell.web.consortium.models import Consortium, ConsortiumMembership, PeriodKind
from clinwell.web.consortium.services.contributions import receive_contribution
from clinwell.web.consortium.services.evidence import evidence_file
from clinwell.web.consortium.services.export import build_contribution, period_of
from clinwell.web.consortium.services.members import (
    add_member,
    create_consortium,
    grant_consortium_role,
)
from clinwell.web.consortium.services.releases import publish_release
from clinwell.web.consortium.services.sharing import (
    SharingInput,
    import_evidence,
    save_sharing_choice,
)
from clinwell.web.demo import DEMO_PASSWORD, DemoContext
from clinwell.web.orgs.models import Membership, Organization
from clinwell.web.surveys.models import Wave

CONSORTIUM_SLUG = "mn-collaborative"
CONSORTIUM_NAME = "Minnesota Clinician Well-Being Collaborative"
STAFF_EMAIL = "consortium@demo.clinwell.org"
SYNTHETIC_MEMBERS = 11


def load(context: DemoContext) -> None:
    org: Organization = context.objects["organization"]
    admin: User = context.objects["user:admin"]
    membership = Membership.objects.get(user=admin, organization=org)
    Consortium.objects.filter(slug=CONSORTIUM_SLUG).delete()  # a --reset rebuilds it whole
    consortium = create_consortium(
        CONSORTIUM_NAME,
        CONSORTIUM_SLUG,
        period_kind=PeriodKind.HALF_YEAR,
        min_members=5,
        epsilon_total=6.0,
        epsilon_per_release=2.0,
    )
    staff = User.objects.filter(email=STAFF_EMAIL).first() or User.objects.create_user(
        STAFF_EMAIL, DEMO_PASSWORD, full_name="Sam Lindqvist"
    )
    staff_role = grant_consortium_role(staff, consortium, ConsortiumMembership.Role.STAFF)
    riverside, _ = add_member(consortium, org.name, org.slug, organization=org)
    grant_consortium_role(admin, consortium, ConsortiumMembership.Role.MEMBER, riverside)
    choice = save_sharing_choice(
        membership,
        SharingInput(CONSORTIUM_NAME, riverside.slug, PeriodKind.HALF_YEAR, True, True, True),
        admin,
    )

    waves = list(
        Wave.objects.filter(organization=org, status=Wave.Status.CLOSED).order_by("closes_at")
    )[-2:]
    periods = [period_of(w.closes_at.date(), PeriodKind.HALF_YEAR) for w in waves]
    members = {}
    for index, period in enumerate(periods):
        synthetic = generate_consortium(
            SYNTHETIC_MEMBERS, seed=context.seed % 1000 + index, period=period
        )
        for contribution in synthetic.contributions:
            if contribution.member_id not in members:
                members[contribution.member_id], _ = add_member(
                    consortium, contribution.member_name, contribution.member_id
                )
            receive_contribution(
                consortium,
                contribution.dumps(),
                via="api",
                source=f"{contribution.member_id}-{period}.json",
                sender=members[contribution.member_id],
            )
        context.objects[f"consortium_truth:{period}"] = synthetic
    for wave in waves:
        export = build_contribution(org, wave, choice)
        receive_contribution(
            consortium,
            export.contribution.dumps(),
            via="direct",
            source="riverside.json",
            sender=riverside,
            received_by=admin,
        )
    for period in periods:
        publish_release(staff_role, period, staff)
    count = import_evidence(
        membership, json.dumps(evidence_file(consortium)).encode(), "demo evidence"
    )
    context.objects["consortium"] = consortium
    context.log(
        f"Consortium '{consortium.name}': {SYNTHETIC_MEMBERS + 1} member systems, periods "
        f"{', '.join(periods)}, {len(periods)} public releases (ε {2 * len(periods):g} of 6), "
        f"{count} pooled effects imported by {org.name}."
    )
