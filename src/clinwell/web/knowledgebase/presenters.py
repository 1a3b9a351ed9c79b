"""Template-ready views of knowledge entries (Django templates cannot index by variable)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from clinwell.knowledge import Intervention, burnout_levels, nam_plan, vocabulary
from clinwell.web.knowledgebase.measured import effect_summary
from clinwell.web.knowledgebase.models import MeasuredEffect

DESIGN_LABELS = {
    "meta_analysis": "Meta-analysis",
    "rct": "Randomized trial",
    "cluster_rct": "Cluster-randomized trial",
    "cohort": "Cohort study",
    "pre_post": "Before-after study",
    "cross_sectional": "Cross-sectional study",
    "case_report": "Case report",
    "program_description": "Programme description",
    "policy": "Policy",
}


def term_label(key: str) -> str:
    """The vocabulary label of a driver, EHR metric, measure or domain key (the key if unknown)."""
    try:
        return vocabulary().term(key).label
    except KeyError:
        return key


def intervention_view(
    item: Intervention, measured: Sequence[MeasuredEffect] = ()
) -> dict[str, Any]:
    """An intervention with its level name, NAM actions, labelled keys and evidence.

    ``measured``: the pooled effects the organization imported from its consortium for this
    intervention ("measured in N systems"), shown beside the published evidence.
    """
    plan = nam_plan()
    return {
        "item": item,
        "level_name": burnout_levels().get(item.level).name,
        "actions": [plan.action(key) for key in item.nam_actions],
        "areas": [plan.priority_area(n) for n in item.nam_priority_areas],
        "primary": [term_label(k) for k in item.primary_drivers],
        "secondary": [term_label(k) for k in item.secondary_drivers],
        "measures": [term_label(k) for k in item.measures],
        "domains": [term_label(k) for k in item.domains],
        "evidence": [
            {"e": e, "design": DESIGN_LABELS.get(e.design, e.design)} for e in item.evidence
        ],
        "measured": [{"effect": m, "summary": effect_summary(m)} for m in measured],
    }
