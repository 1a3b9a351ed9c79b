"""Which survey records hold a roster role or tenure band (so that it cannot be removed)."""

from __future__ import annotations

from typing import Any

from django.db.models import Sum

from clinwell.web.surveys.models import Invitation, InvitationCount, Response, Wave
from clinwell.web.surveys.services.sealing import Opener

PAYLOAD_FIELD = {"role": "role", "tenure_band": "tenure_band"}


def records_holding(organization: Any, field: str, key: str) -> dict[str, int]:
    """Invitations (open waves' rows plus closed waves' counts) and waves whose responses
    hold ``key`` in ``field``. Responses are opened in memory; only whether a wave's
    responses hold the key leaves this function, never how many do."""
    invitations = Invitation.objects.filter(wave__organization=organization, **{field: key})
    counted = InvitationCount.objects.filter(wave__organization=organization, **{field: key})
    invited = invitations.count() + int(counted.aggregate(n=Sum("invited"))["n"] or 0)
    waves = 0
    for wave in Wave.objects.filter(organization=organization, responses__isnull=False).distinct():
        rows = Response.objects.filter(wave=wave).values_list("id", "sealed")
        opener = Opener(wave.pk)
        if any(
            getattr(opener.open(rid, blob), PAYLOAD_FIELD[field]) == key
            for rid, blob in rows.iterator(chunk_size=2000)
        ):
            waves += 1
    return {"invitations": invited, "response waves": waves}
