"""Recognition readiness progress: read and save the checklist of one organization."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from clinwell.knowledge import Readiness, assess_readiness, recognition_program
from clinwell.web.accounts.models import User
from clinwell.web.knowledgebase.models import RecognitionProgress
from clinwell.web.orgs.access import Role, require_role
from clinwell.web.orgs.models import Membership, Organization


class RecognitionInputError(ValueError):
    """A checklist submission named an id that is not a criterion (field ``checked``)."""


@dataclass(frozen=True)
class RecognitionState:
    checked: frozenset[str]
    readiness: Readiness
    stale: tuple[str, ...]  # saved ids the current checklist no longer has
    progress: RecognitionProgress | None


def recognition_state(organization: Organization) -> RecognitionState:
    """The saved checklist of ``organization`` and its computed readiness level.

    Ids saved under an older checklist that no longer exist are reported in ``stale`` and
    left out of the assessment rather than failing the page.
    """
    progress = RecognitionProgress.objects.filter(organization=organization).first()
    saved = set(progress.checked) if progress is not None else set()
    known = recognition_program().criterion_ids
    stale = tuple(sorted(saved - known))
    checked = frozenset(saved & known)
    return RecognitionState(checked, assess_readiness(checked), stale, progress)


def save_recognition_progress(
    membership: Membership, checked: Iterable[str], user: User
) -> RecognitionState:
    """Replace the organization's checklist with ``checked`` (administrators only).

    Raises :class:`RecognitionInputError` naming the first unknown id; nothing is saved then.
    """
    require_role(membership, Role.ADMIN)
    wanted = sorted(set(checked))
    unknown = [c for c in wanted if c not in recognition_program().criterion_ids]
    if unknown:
        raise RecognitionInputError(f"checked: {unknown[0]!r} is not a checklist item")
    with transaction.atomic():
        RecognitionProgress.objects.update_or_create(
            organization=membership.organization,
            defaults={"checked": wanted, "updated_by": user},
        )
    return recognition_state(membership.organization)
