"""Waves, and the published results and comments of closed waves.

The same rules as the web pages: administrators see every wave (the survey pages) and,
while a wave is open, its monitoring counts — invitations and responses, never scores;
every other role sees closed waves only (the results pages). Results of a closed wave are
the released cells of :func:`~clinwell.web.results.services.cache.results_for`, the same
the results pages and exports show; leaders get their subtree's cells only. Comments are
for administrators, as on the web.
"""

# No ``from __future__ import annotations`` here: the paginated views are wrapped by
# ``ninja.pagination.paginate``, and Ninja resolves string annotations in the wrapper's
# module globals (ninja.pagination), where ``OrgSlug`` and the filter schemas do not exist.

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router
from ninja.pagination import paginate

from clinwell.web.api import schemas
from clinwell.web.api.auth import member
from clinwell.web.api.endpoints.params import CutValue, OrgSlug, WaveId
from clinwell.web.api.pagination import Pagination
from clinwell.web.api.present import comments_body, results_body, wave_body
from clinwell.web.orgs.access import Role
from clinwell.web.orgs.models import Membership
from clinwell.web.results.services.scope import cut_for, pick_wave
from clinwell.web.surveys.access import access_wave, visible_waves
from clinwell.web.surveys.models import Wave
from clinwell.web.surveys.services.participation import live_counts

router = Router(tags=["waves and results"])


def _wave(membership: Membership, wave: Wave) -> dict[str, Any]:
    counts = None
    if membership.is_admin and wave.status == Wave.Status.OPEN:
        live = live_counts(wave)
        counts = {"invited": live.total_invited, "responses": live.total_responded}
    return wave_body(wave, counts)


def _closed_wave(membership: Membership, wave_id: int) -> Wave:
    """A closed wave of the organization (what the results pages offer), or 404."""
    _, wave = pick_wave(membership, str(wave_id))
    if wave is None:
        raise Http404("No such wave")
    return wave


@router.get(
    "/orgs/{org_slug}/waves",
    response={200: list[schemas.Wave], **schemas.ERRORS},
    summary="Waves of an organization",
)
@paginate(Pagination)
def list_waves(request: HttpRequest, org_slug: OrgSlug) -> list[dict[str, Any]]:
    """Newest first. ``counts`` (invitations and responses so far) is given to
    administrators while a wave is open, and is null otherwise: once a wave closes its
    numbers are published through the privacy gate (see the results endpoint). Paginated."""
    membership = member(request, org_slug)
    return [_wave(membership, w) for w in visible_waves(membership).order_by("-opens_at", "-pk")]


@router.get(
    "/orgs/{org_slug}/waves/{wave_id}",
    response={200: schemas.Wave, **schemas.ERRORS},
    summary="One wave",
)
def get_wave(request: HttpRequest, org_slug: OrgSlug, wave_id: WaveId) -> dict[str, Any]:
    """A wave the caller may see (404 otherwise, including other tenants' waves)."""
    membership = member(request, org_slug)
    wave = access_wave(membership, wave_id)
    return _wave(membership, wave)


@router.get(
    "/orgs/{org_slug}/waves/{wave_id}/results",
    response={200: schemas.WaveResults, **schemas.ERRORS},
    summary="Published results of a closed wave",
)
def wave_results(
    request: HttpRequest,
    org_slug: OrgSlug,
    wave_id: WaveId,
    role: CutValue = "",
    tenure: CutValue = "",
    gender: CutValue = "",
    race_ethnicity: CutValue = "",
    age_band: CutValue = "",
    career_stage: CutValue = "",
) -> dict[str, Any]:
    """Every published cell of the unit tree the caller may see, with the wave's measures,
    for everyone or for one cut: a ``role`` and at most one attribute (``tenure`` band, or
    one the wave asked: ``gender``, ``race_ethnicity``, ``age_band``, ``career_stage``).

    The cells are the privacy gate's release (minimum group size and complementary
    suppression), the same ones the web pages and the CSV export show. A suppressed cell
    has ``n`` null and no estimates, and ``hidden_reason`` says why: it "protects a smaller
    group" nearby, or has "too few respondents". Unit leaders get their subtree's cells only
    (no organization row). Open and draft waves are a 404: results exist once a wave
    closes. An unknown value, or two attributes at once, is a 404. Not paginated (see
    docs/api.md).
    """
    membership = member(request, org_slug)
    wave = _closed_wave(membership, wave_id)
    asked = {
        "role": role,
        "tenure": tenure,
        "gender": gender,
        "race_ethnicity": race_ethnicity,
        "age_band": age_band,
        "career_stage": career_stage,
    }
    group, _, _ = cut_for(membership.organization, wave, {k: v for k, v in asked.items() if v})
    return results_body(membership, wave, group)


@router.get(
    "/orgs/{org_slug}/waves/{wave_id}/comments",
    response={200: list[schemas.CommentCell], 403: schemas.Error, **schemas.ERRORS},
    summary="Released comments of a closed wave (administrators)",
)
@paginate(Pagination)
def wave_comments(request: HttpRequest, org_slug: OrgSlug, wave_id: WaveId) -> list[dict[str, Any]]:
    """Free-text comments per unit, released only for groups at or above the wave's
    comment threshold (``texts`` null = withheld). Administrators only (403 otherwise).
    Paginated by cell, in the order of the results' cells."""
    membership = member(request, org_slug, Role.ADMIN)
    return comments_body(membership, _closed_wave(membership, wave_id))
