"""Demo step: recognition readiness progress of the demo organization (Bronze reached)."""

from __future__ import annotations

from clinwell.knowledge import recognition_program
from clinwell.web.demo import DemoContext
from clinwell.web.knowledgebase.models import RecognitionProgress


def load(context: DemoContext) -> None:
    program = recognition_program()
    checked = [c.id for c in program.eligibility]
    checked += [c.id for c in program.criteria if c.level == "bronze"]
    checked += [c.id for c in program.criteria if c.level == "silver"][:2]
    RecognitionProgress.objects.update_or_create(
        organization=context.objects["organization"],
        defaults={"checked": sorted(checked), "updated_by": context.objects["user:admin"]},
    )
    context.log(f"Recognition readiness: {len(checked)} checklist items done.")
