"""Impact of a plan after the next wave: before, after, and against units without a plan.

For a plan on unit ``U`` with target column ``m``:

- *before* is the wave the plan was started from, or else the latest closed wave (with the
  instrument of ``m``) that closed on or before the plan's start;
- *after* is the first closed wave with that instrument that opened after the plan started;
- *treated* is ``U``'s released cell; *comparison* pools the released cells of the leaf
  units covered by no other plan (abandoned plans, plans started after the *after* wave and
  plans on an ancestor of ``U``, which cover both groups alike, do not count). Leaf units
  the gate hid are left out of the comparison. "Comparable" means the same organization and
  waves; units are not matched on anything else.

Every number comes from the wave's one release through the privacy gate (the results
cache, the cells every results page shows); the comparison arm is pooled from released
cells only (their n, mean and SD), so it adds no cell the gate did not see. A suppressed treated
cell means no impact figure at all. The difference in
differences is :func:`clinwell.stats.impact.difference_in_differences` on the released
summaries — an observational comparison, not a controlled trial.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from clinwell.privacy import ReleasedEstimate
from clinwell.stats import t_interval_from_summary, wilson_interval
from clinwell.stats.impact import DiffInDiff, GroupSummary, difference_in_differences
from clinwell.web.actions.drivers import measure_info
from clinwell.web.actions.models import ActionPlan
from clinwell.web.results.services.cache import results_for
from clinwell.web.results.services.catalog import MeasureInfo
from clinwell.web.surveys.models import Wave


@dataclass(frozen=True)
class ArmEstimate:
    """A released estimate of one arm in one wave (``suppressed``: withheld by the gate)."""

    estimate: float | None
    lower: float | None
    upper: float | None
    n: int | None
    sd: float | None
    suppressed: bool

    @classmethod
    def withheld(cls) -> ArmEstimate:
        return cls(None, None, None, None, None, True)

    def summary(self, is_flag: bool) -> GroupSummary | None:
        if self.suppressed or self.estimate is None or self.n is None or self.n < 2:
            return None
        if is_flag:
            return GroupSummary.from_proportion(self.estimate, self.n)
        if self.sd is None:
            return None
        return GroupSummary(self.estimate, self.sd, self.n)


@dataclass(frozen=True)
class WaveSide:
    wave: Wave
    treated: ArmEstimate
    comparison: ArmEstimate


@dataclass(frozen=True)
class PlanImpact:
    """``status`` is one of: measured, waiting, no_baseline, suppressed, no_comparison."""

    measure: MeasureInfo
    status: str
    message: str
    before: WaveSide | None = None
    after: WaveSide | None = None
    did: DiffInDiff | None = None

    @property
    def improved(self) -> bool | None:
        """Whether the difference in differences points the good way (None if unmeasured)."""
        if self.did is None or self.did.estimate == 0:
            return None
        return (self.did.estimate < 0) == self.measure.worse_when_high


def _closed_waves(plan: ActionPlan, measure: MeasureInfo) -> list[Wave]:
    return list(
        Wave.objects.filter(
            organization_id=plan.organization_id,
            status=Wave.Status.CLOSED,
            modules__instrument_id=measure.instrument,
        )
        .distinct()
        .order_by("closes_at", "pk")
    )


def choose_waves(plan: ActionPlan, measure: MeasureInfo) -> tuple[Wave | None, Wave | None]:
    """The before and after waves of a plan (see the module docstring)."""
    waves = _closed_waves(plan, measure)
    before = next((w for w in waves if w.pk == plan.source_wave_id), None)
    if before is None:
        earlier = [w for w in waves if w.closes_at.date() <= plan.started_on]
        before = earlier[-1] if earlier else None
    after = next(
        (
            w
            for w in waves
            if w.opens_at.date() > plan.started_on
            and (before is None or w.opens_at > before.closes_at)
        ),
        None,
    )
    return before, after


def _released(est: ReleasedEstimate | None) -> ArmEstimate:
    if est is None:
        return ArmEstimate.withheld()
    return ArmEstimate(est.estimate, est.lower, est.upper, est.n, est.sd, False)


def pooled(estimates: list[ReleasedEstimate], is_flag: bool) -> ArmEstimate:
    """One estimate for the union of disjoint released groups, from their n, mean and SD.

    Proportions: successes = Σ nᵢpᵢ, Wilson interval. Means: M = Σ nᵢmᵢ / N and
    s² = (Σ (nᵢ − 1)sᵢ² + Σ nᵢ(mᵢ − M)²) / (N − 1), t interval — the exact pooled moments,
    so no number is computed from anything the gate did not release.
    """
    usable = [e for e in estimates if e.estimate is not None and e.n > 0]
    total = sum(e.n for e in usable)
    if total < 2:
        return ArmEstimate.withheld()
    if is_flag:
        successes = round(sum(e.n * float(e.estimate or 0.0) for e in usable))
        interval = wilson_interval(successes, total)
        p_hat = successes / total
        return ArmEstimate(p_hat, interval.lower, interval.upper, total, None, False)
    mean = sum(e.n * float(e.estimate or 0.0) for e in usable) / total
    within = sum((e.n - 1) * float(e.sd or 0.0) ** 2 for e in usable)
    between = sum(e.n * (float(e.estimate or 0.0) - mean) ** 2 for e in usable)
    sd = ((within + between) / (total - 1)) ** 0.5
    interval = t_interval_from_summary(mean, sd, total)
    return ArmEstimate(mean, interval.lower, interval.upper, total, sd, False)


def _estimate(raw: dict[str, Any] | None) -> ReleasedEstimate | None:
    if raw is None:
        return None
    return ReleasedEstimate(raw["estimate"], raw["lower"], raw["upper"], int(raw["n"]), raw["sd"])


def released_arms(
    wave: Wave, measure: MeasureInfo, treated: str, other_paths: list[str]
) -> WaveSide:
    """Treated and comparison estimates of ``measure`` in ``wave``, from the wave's release.

    The cells are the wave's one release (:func:`~clinwell.web.results.services.cache.
    results_for`), the same cells the results pages publish: the treated arm is the plan
    unit's released cell; the comparison arm pools the released cells of the leaf units
    outside the plan's subtree and outside other plans' subtrees. Leaves the gate hid are
    left out of the comparison (it says how many responses it covers).
    """
    cells = [c for c in results_for(wave).cells(None) if c.unit is not None]
    if not cells:
        return WaveSide(wave, ArmEstimate.withheld(), ArmEstimate.withheld())
    by_tree = {c.unit.tree_path: c for c in cells if c.unit is not None}
    leaves = [
        tree for tree in by_tree if not any(o != tree and o.startswith(tree) for o in by_tree)
    ]
    treated_arm = ArmEstimate.withheld()
    cell = by_tree.get(treated)
    if cell is not None and not cell.suppressed:
        treated_arm = _released(_estimate(cell.estimates.get(measure.column)))
    comparison = []
    for tree in sorted(leaves):
        if tree.startswith(treated) or any(tree.startswith(p) for p in other_paths):
            continue
        cell = by_tree[tree]
        estimate = None if cell.suppressed else _estimate(cell.estimates.get(measure.column))
        if estimate is not None:
            comparison.append(estimate)
    return WaveSide(wave, treated_arm, pooled(comparison, measure.is_proportion))


def _other_plan_paths(plan: ActionPlan, after: Wave | None) -> list[str]:
    """Subtrees of the other plans that make a unit "a unit with a plan".

    Abandoned plans, plans started after the *after* wave closed, and plans on an ancestor
    of the plan's unit (they cover the treated and the comparison units alike) do not count.
    """
    others = (
        ActionPlan.objects.filter(organization_id=plan.organization_id)
        .exclude(pk=plan.pk)
        .exclude(status=ActionPlan.Status.ABANDONED)
    )
    if after is not None:
        others = others.filter(started_on__lte=after.closes_at.date())
    treated = plan.unit.tree_path
    return [
        p
        for p in others.values_list("unit__tree_path", flat=True)
        if not p.startswith(treated) and not treated.startswith(p)
    ]


def plan_impact(plan: ActionPlan) -> PlanImpact:
    """Before, after and difference in differences of a plan's target measure."""
    measure = measure_info(plan.target_measure)
    before, after = choose_waves(plan, measure)
    if before is None:
        return PlanImpact(
            measure,
            "no_baseline",
            "No closed wave measured this before the plan started, so there is no baseline.",
        )
    others = _other_plan_paths(plan, after)
    before_side = released_arms(before, measure, plan.unit.tree_path, others)
    if after is None:
        return PlanImpact(
            measure,
            "waiting",
            "Impact appears once the next wave that measures this has closed.",
            before=before_side,
        )
    after_side = released_arms(after, measure, plan.unit.tree_path, others)
    treated = [s.treated.summary(measure.is_proportion) for s in (before_side, after_side)]
    comparison = [s.comparison.summary(measure.is_proportion) for s in (before_side, after_side)]
    if any(t is None for t in treated):
        return PlanImpact(
            measure,
            "suppressed",
            "Too few responses in this unit to show a result without risking anyone's privacy.",
            before_side,
            after_side,
        )
    if any(c is None for c in comparison):
        return PlanImpact(
            measure,
            "no_comparison",
            "There are not enough responses from units without a plan to compare against.",
            before_side,
            after_side,
        )
    tb, ta = treated
    cb, ca = comparison
    if tb is None or ta is None or cb is None or ca is None:  # unreachable; narrows the types
        raise AssertionError("every arm was checked above")
    did = difference_in_differences(tb, ta, cb, ca)
    return PlanImpact(
        measure,
        "measured",
        "Observational comparison: the plan was not randomized.",
        before_side,
        after_side,
        did,
    )
