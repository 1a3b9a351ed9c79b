"""Comment themes of a closed wave: theme and sentiment counts per released cell.

The counts were computed with the wave's release (``PublishedCell.comment_themes``) from the
comment lists the privacy gate released, so they exist only for groups at or above the wave's
comment threshold. Every role that sees the results sees the counts (leaders: their subtree);
the comments themselves stay on the administrators' comments endpoint.
"""

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router

from clinwell.web.api import schemas
from clinwell.web.api.auth import member
from clinwell.web.api.endpoints.params import OrgSlug, WaveId
from clinwell.web.api.present import themes_body
from clinwell.web.results.services.scope import pick_wave

router = Router(tags=["waves and results"])


@router.get(
    "/orgs/{org_slug}/waves/{wave_id}/themes",
    response={200: schemas.WaveThemes, **schemas.ERRORS},
    summary="Comment theme counts of a closed wave",
)
def wave_themes(request: HttpRequest, org_slug: OrgSlug, wave_id: WaveId) -> dict[str, Any]:
    """The ten comment themes (with the driver items, NAM priority areas and interventions
    each concerns) and, per published cell the caller may see, the number of released
    comments, comments per theme, negative comments per theme and comments per sentiment.
    Counts are null where the gate withheld the cell's comments (group below the comment
    threshold or isolable by subtraction) or nobody commented. Not paginated."""
    membership = member(request, org_slug)
    _, wave = pick_wave(membership, str(wave_id))  # closed waves only, as the results pages
    if wave is None:
        raise Http404("No such wave")
    return themes_body(membership, wave)
