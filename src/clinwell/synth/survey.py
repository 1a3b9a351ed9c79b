"""Synthetic survey waves with planted ground truth (pure: numpy, pandas, clinwell.instruments).

One row per respondent: ``unit`` (slash path), ``role``, ``tenure_band``, a column per
respondent attribute the spec asks (``gender``, ``career_stage``: option codes of
:mod:`clinwell.instruments.attributes`), one column per item linkId holding the *answer code*
(nullable ``Int64`` for choice and whole-number items, ``float64`` for decimal items;
missing = NA), and ``comment`` (text or NA). Every frame scores
through :func:`clinwell.instruments.score_frame`.

Model, for respondent *i* in unit *u* at wave *w* (every factor "higher is better"):

- Respondents: ``n_u ~ Binomial(headcount_u, response_rate_u)``, drawn without replacement
  from the unit's role × tenure-band cells (multivariate hypergeometric), so no cell ever has
  more respondents than people.
- Latent factors ``F_i = μ_u + Δ_uw + ε_i`` with ``ε_i ~ N(0, R)`` over :data:`FACTORS`
  (``R`` = :data:`FACTOR_CORR`). ``μ_u = shift_u + unit_sd·z_u``, where ``z_u`` is drawn from
  ``(seed, unit path)`` alone, so a unit keeps its effect in every wave. ``Δ_uw`` is the
  :class:`Improvement` shift once ``w ≥ from_wave``.
- Likert items are ordinal cuts of ``t = λ·signal + √(1−λ²)·e + offset`` (``e ~ N(0,1)``) at
  thresholds ``5/L`` apart (L options, in order of increasing score). The signal is a factor or
  the burnout latent, so multi-item scales reach Cronbach's α ≈ 0.7–0.9.
- Burnout: ``η_i = a + Σ_f β_f F_if + b_u + role_i + trend·w``, ``b_u = burnout_logit_u +
  unit_burnout_sd·z'_u``; ``y*_i = η_i + Logistic(0,1)``. The single item is the ordered-logit
  cut of ``y*`` at :data:`BURNOUT_CUTS`, whose 2|3 cut is 0, so ``P(item ≥ 3) = logistic(η_i)``
  exactly. ``β`` is ``planted_coef`` for the planted factor and ``other_coef`` otherwise, so the
  planted driver items dominate any key-driver analysis. Mini Z 2.0 item 3 is
  ``6 − single item`` (2.0 scores higher = better).
- Intent to leave: ordered logit of ``−1.25 + 1.2·burned − 0.6·F_culture`` (the culture factor
  carries "feeling valued"), cut 2|3 at 0. WHO-5 from self-care and the burnout latent; CBI and
  PFI burnout items from the burnout latent; weekly hours ``≈ 55 − 2.5·F_documentation + role
  hours + N(0, 7²)``; admin-burden counts log-normal (after-hours EHR hours and inbox volume
  rise as the documentation factor falls: they are *proxies* of that factor).
- Missing answers: each item independently with probability ``missing_rate`` (MCAR).
- Respondent attributes (only those in ``spec.attributes``; drawn from their own stream
  ``(seed, 5, wave)``): gender from :data:`GENDER_MIX` by role (illustrative shares, not
  sourced); career stage from role and tenure band (residents are in training; tenure under
  6 years early, 6–20 mid, over 20 late career — tenure at the organization stands in for
  career length), with :data:`ATTRIBUTE_NOT_STATED` of respondents choosing "prefer not to
  say" for each. **Planted equity gap:** a respondent's burnout log-odds rise by
  ``gender_logit`` of their gender (default +0.9 for women; +1.2 in :func:`demo_spec`) on
  top of ``role_logit`` (residents +0.35; in :func:`demo_spec` +1.0). In the web demo's
  organization (its roster) this makes women's expected burnout prevalence 18.6 percentage
  points above men's and residents' 16.5 points above everyone else's
  (``SurveyTruth.expected_by_group``); large enough that each of the demo's closed waves
  shows the gender gap at organization level (two-proportion z from 2.9 to 4.2;
  tests/web/surveys/test_linkage.py checks the latest) and that the equity view marks the
  latest wave's gaps clear after its Benjamini–Hochberg control.

Ground truth (:class:`SurveyTruth`): the planted factor and its output columns, ``β``, and
each unit's population burnout, ``Σ_roles w_r · Σ_g π_rg · E[logistic(m_ur + γ_g + s·Z)]``
with ``Z ~ N(0,1)``, ``s² = βᵀRβ``, ``π_rg`` the gender mix of role r and ``γ_g`` its log-odds
shift (one term, γ = 0, without gender), by 40-point Gauss–Hermite quadrature; and the
organization's expected burnout by role and by gender (``expected_by_group``). Respondents come from
``(seed, wave)`` and each instrument from its own stream, so adding an instrument never changes
the other instruments' answers. The Mini Z item roles (Mini Z 1.0 order: satisfaction, stress,
burnout, control, documentation time, chaos, values, teamwork, EHR at home, EHR frustration)
are our assumption, as the licensed text is not shipped. This is synthetic data for tests and
demos, not a model fitted to a published data set.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from statistics import NormalDist

import numpy as np
import numpy.typing as npt
import pandas as pd

from clinwell.instruments import Instrument, InstrumentError, get_instrument
from clinwell.instruments.attributes import NOT_STATED

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Answers = pd.arrays.IntegerArray | FloatArray
Cells = dict[tuple[str, str], int]

FACTORS: tuple[str, ...] = ("culture", "efficiency", "documentation", "self_care")
FACTOR_CORR = np.array(
    [[1.0, 0.4, 0.25, 0.25], [0.4, 1.0, 0.3, 0.25], [0.25, 0.3, 1.0, 0.25], [0.25, 0.25, 0.25, 1.0]]
)
"""Within-unit correlation of the latent factors, in the order of :data:`FACTORS`."""
DRIVER_ITEMS: dict[str, tuple[str, ...]] = {
    "culture": ("org_wellbeing.1", "org_wellbeing.2", "org_wellbeing.3", "org_wellbeing.4"),
    "efficiency": ("org_wellbeing.5", "org_wellbeing.6", "org_wellbeing.7", "org_wellbeing.10"),
    "documentation": ("org_wellbeing.8", "org_wellbeing.9"),
}
"""The org_wellbeing driver items that measure each factor (self-care items are no drivers)."""
PROXIES: dict[str, tuple[str, ...]] = {
    "documentation": ("admin_burden.after_hours_ehr", "admin_burden.inbox_per_day"),
    "efficiency": ("admin_burden.prior_auth_per_week", "admin_burden.prior_auth_hours"),
}
"""Admin-burden outputs that follow a factor without being its driver items."""
DEFAULT_INSTRUMENTS = (
    "single_item_burnout",
    "org_wellbeing",
    "intent_to_leave",
    "who5",
    "admin_burden",
)
DEFAULT_ROLES = {"physician": 0.55, "app": 0.2, "nurse": 0.12, "resident": 0.1, "other": 0.03}
DEFAULT_TENURE = {"lt1": 0.1, "1to5": 0.3, "6to10": 0.25, "11to20": 0.22, "gt20": 0.13}
DEFAULT_ROLE_LOGIT = {"app": -0.1, "nurse": 0.15, "resident": 0.35}
ROLE_HOURS = {"app": -5.0, "nurse": -10.0, "resident": 10.0}
SYNTH_ATTRIBUTES = ("gender", "career_stage")
"""Respondent attributes the generator can draw (keys of ``instruments.attributes``)."""
ATTRIBUTE_NOT_STATED = 0.03
"""Share of respondents who choose "prefer not to say" for an attribute."""
GENDER_MIX: dict[str, dict[str, float]] = {
    "physician": {"woman": 0.45, "man": 0.53, "nonbinary": 0.01, "self_described": 0.01},
    "app": {"woman": 0.72, "man": 0.26, "nonbinary": 0.01, "self_described": 0.01},
    "nurse": {"woman": 0.86, "man": 0.12, "nonbinary": 0.01, "self_described": 0.01},
    "resident": {"woman": 0.50, "man": 0.48, "nonbinary": 0.01, "self_described": 0.01},
}
"""Gender shares by role among those who state it (illustrative, not from a data set)."""
DEFAULT_GENDER_MIX = {"woman": 0.6, "man": 0.38, "nonbinary": 0.01, "self_described": 0.01}
DEFAULT_GENDER_LOGIT = {"woman": 0.9}
"""The planted equity gap: burnout log-odds shift by gender (see the module docstring)."""
CAREER_STAGE_BY_TENURE = {
    "lt1": "early",
    "1to5": "early",
    "6to10": "mid",
    "11to20": "mid",
    "": "mid",
}
"""Career stage from the tenure band (residents: in training; no band: mid; others: late)."""
BURNOUT_CUTS = (-2.0, 0.0, 1.9, 3.4)  # single item: cuts 1|2, 2|3, 3|4, 4|5 on y*
LEAVE_CUTS = (-1.6, 0.0, 1.3, 2.6)
COMMENTS: dict[str, tuple[str, ...]] = {
    "documentation": (
        "Documentation takes far more time than the visit itself.",
        "I finish most of my notes at home in the evening.",
        "The inbox never stops and there is no protected time to handle it.",
        "Scribes or better templates would give us hours back each week.",
    ),
    "culture": (
        "Leadership listens, but decisions rarely change afterwards.",
        "I would like to feel that our work is noticed and valued.",
        "Our team works well together when we are fully staffed.",
    ),
    "efficiency": (
        "Staffing gaps mean we keep rebuilding the team from week to week.",
        "Too many clicks and steps for simple orders.",
    ),
    "positive": (
        "My colleagues are the best part of this job.",
        "The new schedule has made a real difference.",
        "I appreciate the flexibility we have been given this year.",
    ),
}


class SynthSpecError(ValueError):
    """The specification cannot be generated; the message names the field (and row)."""


@dataclass(frozen=True)
class UnitSpec:
    """One unit: slash path, head count, role / tenure-band mix (weights; or exact counts per
    ``(role, tenure_band)`` in ``composition``), an optional response rate, fixed factor mean
    shifts (SD units, + = better) and a fixed burnout log-odds shift."""

    path: str
    headcount: int
    roles: Mapping[str, float] | None = None
    tenure: Mapping[str, float] | None = None
    composition: Mapping[tuple[str, str], int] | None = None
    response_rate: float | None = None
    shift: Mapping[str, float] = field(default_factory=dict)
    burnout_logit: float = 0.0

    def __post_init__(self) -> None:
        where = f"unit {self.path!r}"
        if not self.path.strip() or any(not p.strip() for p in self.path.split("/")):
            raise SynthSpecError(f"{where}, path: must be non-empty with no empty segments")
        if self.headcount < 0:
            raise SynthSpecError(f"{where}, headcount: must be ≥ 0, got {self.headcount}")
        if self.response_rate is not None and not 0.0 <= self.response_rate <= 1.0:
            raise SynthSpecError(f"{where}, response_rate: must be in [0, 1]")
        for name in self.shift:
            if name not in FACTORS:
                raise SynthSpecError(f"{where}, shift: unknown factor {name!r} (one of {FACTORS})")
        for label, mix in (("roles", self.roles), ("tenure", self.tenure)):
            if mix is not None and (any(v < 0 for v in mix.values()) or sum(mix.values()) <= 0):
                raise SynthSpecError(f"{where}, {label}: weights must be ≥ 0 with a positive sum")
        if self.composition is not None:
            total = sum(self.composition.values())
            if total != self.headcount or any(v < 0 for v in self.composition.values()):
                raise SynthSpecError(
                    f"{where}, composition: counts must be ≥ 0 and sum to the headcount "
                    f"{self.headcount}, got {total}"
                )

    def cells(self) -> dict[tuple[str, str], int]:
        """Head count per ``(role, tenure_band)``: ``composition``, or the product of the
        role and tenure weights apportioned to ``headcount`` by largest remainder."""
        if self.composition is not None:
            return {k: int(v) for k, v in self.composition.items() if v > 0}
        roles, tenure = self.roles or DEFAULT_ROLES, self.tenure or DEFAULT_TENURE
        rs, ts = sum(roles.values()), sum(tenure.values())
        quota = {
            (r, t): roles[r] * tenure[t] / (rs * ts) * self.headcount for r in roles for t in tenure
        }
        counts = {k: math.floor(q) for k, q in quota.items()}
        spare = self.headcount - sum(counts.values())
        for k in sorted(quota, key=lambda k: counts[k] - quota[k])[:spare]:
            counts[k] += 1
        return {k: c for k, c in counts.items() if c > 0}


@dataclass(frozen=True)
class Improvement:
    """A unit (and its subtree) that ran an action plan: from wave ``from_wave`` on, the mean
    of ``factor`` rises by ``shift`` SD, which lowers burnout through ``β``."""

    unit: str
    from_wave: int
    shift: float = 0.6
    factor: str = "documentation"

    def __post_init__(self) -> None:
        if self.factor not in FACTORS:
            raise SynthSpecError(f"improvement {self.unit!r}, factor: unknown {self.factor!r}")
        if self.from_wave < 0:
            raise SynthSpecError(f"improvement {self.unit!r}, from_wave: must be ≥ 0")

    def applies(self, path: str, wave: int) -> bool:
        """True for ``path`` in this unit's subtree once ``wave ≥ from_wave``."""
        inside = path == self.unit or path.startswith(self.unit.rstrip("/") + "/")
        return inside and wave >= self.from_wave


@dataclass(frozen=True)
class SurveySpec:
    """What to generate; see the module docstring for the model and each parameter's role."""

    units: tuple[UnitSpec, ...]
    instruments: tuple[str, ...] = DEFAULT_INSTRUMENTS
    response_rate: float = 0.65
    planted: str = "documentation"
    planted_coef: float = -1.3
    other_coef: float = -0.25
    self_care_coef: float = -0.15
    intercept: float = -0.1
    trend_per_wave: float = -0.05
    unit_sd: float = 0.3
    unit_burnout_sd: float = 0.25
    role_logit: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_ROLE_LOGIT))
    improvements: tuple[Improvement, ...] = ()
    missing_rate: float = 0.02
    comment_rate: float = 0.15
    attributes: tuple[str, ...] = ()
    gender_logit: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_GENDER_LOGIT))

    def __post_init__(self) -> None:
        for name in ("units", "instruments", "improvements", "attributes"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if not self.units:
            raise SynthSpecError("units: at least one unit is needed")
        seen: set[str] = set()
        for k, unit in enumerate(self.units):
            if unit.path in seen:
                raise SynthSpecError(f"units[{k}], path: duplicate {unit.path!r}")
            seen.add(unit.path)
        if self.planted not in DRIVER_ITEMS:
            raise SynthSpecError(f"planted: {self.planted!r} is not one of {tuple(DRIVER_ITEMS)}")
        for name in ("response_rate", "missing_rate", "comment_rate"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise SynthSpecError(f"{name}: must be in [0, 1]")
        if self.unit_sd < 0 or self.unit_burnout_sd < 0:
            raise SynthSpecError("unit_sd, unit_burnout_sd: must be ≥ 0")
        if not self.instruments:
            raise SynthSpecError("instruments: at least one instrument is needed")
        for key in self.attributes:
            if key not in SYNTH_ATTRIBUTES:
                raise SynthSpecError(
                    f"attributes: cannot generate {key!r} (one of {SYNTH_ATTRIBUTES})"
                )
        for code in self.gender_logit:
            if code not in DEFAULT_GENDER_MIX:
                raise SynthSpecError(f"gender_logit: unknown gender code {code!r}")
        for iid in self.instruments:
            try:
                get_instrument(iid)
            except InstrumentError as exc:
                raise SynthSpecError(f"instruments: {exc}") from None

    def coefficients(self) -> dict[str, float]:
        """True burnout log-odds per SD of each factor (negative = protective)."""
        coef = dict.fromkeys(FACTORS, self.other_coef)
        coef["self_care"] = self.self_care_coef
        coef[self.planted] = self.planted_coef
        return coef


@dataclass(frozen=True)
class SurveyTruth:
    """Planted facts for one wave.

    ``planted_scales`` / ``driver_scales`` name score_frame output columns (e.g.
    ``org_wellbeing.documentation_time``); ``proxy_scales`` are admin-burden columns that follow
    the planted factor; ``unit_effects`` has ``unit``, one column per factor (``μ_u`` this wave,
    improvements included) and ``burnout_logit`` (``b_u``); ``expected_burnout`` has ``unit,
    wave, headcount, acted, expected_burnout``; ``expected_by_group`` has the organization's
    population burnout by ``role`` and (when generated) by ``gender``: ``attribute, value,
    headcount, expected_burnout`` (head counts by gender are expected values).
    """

    wave: int
    seed: int
    planted: str
    planted_scales: tuple[str, ...]
    driver_scales: dict[str, tuple[str, ...]]
    proxy_scales: tuple[str, ...]
    coefficients: dict[str, float]
    intercept: float
    unit_effects: pd.DataFrame
    expected_burnout: pd.DataFrame
    expected_org_burnout: float
    expected_by_group: pd.DataFrame = field(default_factory=pd.DataFrame)

    def expected_gap(self, attribute: str, value: str, reference: str | None = None) -> float:
        """Expected burnout of ``value`` minus that of ``reference`` (default: everyone else
        in the organization), as a proportion."""
        rows = self.expected_by_group[self.expected_by_group["attribute"] == attribute]
        share = dict(zip(rows["value"], rows["expected_burnout"], strict=True))
        heads = dict(zip(rows["value"], rows["headcount"], strict=True))
        if reference is not None:
            return float(share[value] - share[reference])
        others = [v for v in share if v != value]
        rest = sum(share[v] * heads[v] for v in others) / sum(heads[v] for v in others)
        return float(share[value] - rest)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready summary (the two frames as lists of records), e.g. for ``truth.json``."""
        return {
            "wave": self.wave,
            "seed": self.seed,
            "planted": self.planted,
            "planted_scales": list(self.planted_scales),
            "driver_scales": {k: list(v) for k, v in self.driver_scales.items()},
            "proxy_scales": list(self.proxy_scales),
            "coefficients": dict(self.coefficients),
            "intercept": self.intercept,
            "expected_org_burnout": self.expected_org_burnout,
            "expected_burnout": self.expected_burnout.to_dict(orient="records"),
            "expected_by_group": self.expected_by_group.to_dict(orient="records"),
            "unit_effects": self.unit_effects.to_dict(orient="records"),
        }


@dataclass(frozen=True)
class SyntheticWave:
    """The generated responses and the truth they were drawn from."""

    responses: pd.DataFrame
    truth: SurveyTruth


def _rng(*key: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(list(key)))


def _key(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


def _unit_draws(spec: SurveySpec, seed: int) -> FloatArray:
    """``z_u`` (one per factor) and ``z'_u`` per unit: N(0,1) from a hash of (seed, path)."""
    inv = NormalDist().inv_cdf
    out = np.empty((len(spec.units), len(FACTORS) + 1))
    for k, unit in enumerate(spec.units):
        digest = hashlib.blake2b(f"{seed}\x00{unit.path}".encode(), digest_size=40).digest()
        words = np.frombuffer(digest, dtype="<u8").astype(np.float64)
        out[k] = [inv((w + 0.5) / 2.0**64) for w in words]
    return out


def _effects(spec: SurveySpec, seed: int, wave: int) -> tuple[FloatArray, FloatArray]:
    """Factor means ``μ_u + Δ_uw`` (units × factors) and ``b_u`` (units)."""
    z = _unit_draws(spec, seed)
    shifts = np.array([[u.shift.get(f, 0.0) for f in FACTORS] for u in spec.units])
    mu = shifts + spec.unit_sd * z[:, :-1]
    for k, unit in enumerate(spec.units):
        for imp in spec.improvements:
            if imp.applies(unit.path, wave):
                mu[k, FACTORS.index(imp.factor)] += imp.shift
    b = np.array([u.burnout_logit for u in spec.units]) + spec.unit_burnout_sd * z[:, -1]
    return mu, b


def _gender_mix(role: str) -> dict[str, float]:
    return GENDER_MIX.get(role, DEFAULT_GENDER_MIX)


def _cells_expected(
    spec: SurveySpec, wave: int, mu: FloatArray, b: FloatArray, cells: list[Cells]
) -> pd.DataFrame:
    """Population P(burnout) of every (unit, role, gender) cell: ``unit`` (index), ``role``,
    ``gender`` ("" without gender), ``weight`` (head count, or the role weights of a unit
    nobody can be asked in, times the gender share) and ``p``."""
    beta = np.array([spec.coefficients()[f] for f in FACTORS])
    s = math.sqrt(float(beta @ FACTOR_CORR @ beta))
    x, w = np.polynomial.hermite.hermgauss(40)
    base = (spec.intercept + mu @ beta + b + spec.trend_per_wave * wave).tolist()
    with_gender = "gender" in spec.attributes
    rows: dict[str, list[object]] = {"unit": [], "role": [], "gender": [], "weight": [], "m": []}
    for k, unit in enumerate(spec.units):
        mix: dict[str, float] = {}
        for (role, _), count in cells[k].items():
            mix[role] = mix.get(role, 0.0) + count
        heads = bool(mix)
        if not heads:  # nobody to ask: the role weights alone
            mix = dict(unit.roles or DEFAULT_ROLES)
        total = sum(mix.values())
        for role, weight in mix.items():
            share = weight if heads else weight / total
            genders = _gender_mix(role).items() if with_gender else [("", 1.0)]
            for gender, part in genders:
                rows["unit"].append(k)
                rows["role"].append(role)
                rows["gender"].append(gender)
                rows["weight"].append(share * part)
                rows["m"].append(
                    base[k] + spec.role_logit.get(role, 0.0) + spec.gender_logit.get(gender, 0.0)
                    if with_gender
                    else base[k] + spec.role_logit.get(role, 0.0)
                )
    eta = np.array(rows.pop("m"), dtype=np.float64)[:, None] + math.sqrt(2.0) * s * x[None, :]
    frame = pd.DataFrame(rows)
    frame["p"] = (1.0 / (1.0 + np.exp(-eta))) @ w / math.sqrt(math.pi)
    return frame


def _expected(
    spec: SurveySpec, wave: int, mu: FloatArray, b: FloatArray, cells: list[Cells]
) -> pd.DataFrame:
    frame = _cells_expected(spec, wave, mu, b, cells)
    unit_of = frame["unit"].to_numpy(dtype=np.int64)
    weight = frame["weight"].to_numpy(dtype=np.float64)
    total = np.bincount(unit_of, weights=weight, minlength=len(spec.units))
    p = np.bincount(unit_of, weights=weight * frame["p"].to_numpy(), minlength=len(spec.units))
    return pd.DataFrame(
        {
            "unit": [u.path for u in spec.units],
            "wave": wave,
            "headcount": [u.headcount for u in spec.units],
            "acted": [any(i.applies(u.path, wave) for i in spec.improvements) for u in spec.units],
            "expected_burnout": np.divide(p, total, out=np.zeros_like(p), where=total > 0),
        }
    )


def _expected_by_group(
    spec: SurveySpec, wave: int, mu: FloatArray, b: FloatArray, cells: list[Cells]
) -> pd.DataFrame:
    """The organization's population burnout by role and, with gender, by gender (units
    nobody can be asked in are left out)."""
    frame = _cells_expected(spec, wave, mu, b, cells)
    counted = [k for k, c in enumerate(cells) if c]
    frame = frame[frame["unit"].isin(counted)]
    frame = frame.assign(burned=frame["weight"] * frame["p"])
    parts = []
    for attribute in ("role", "gender") if "gender" in spec.attributes else ("role",):
        sums = frame.groupby(attribute, sort=False)[["weight", "burned"]].sum()
        parts.append(
            pd.DataFrame(
                {
                    "attribute": attribute,
                    "value": sums.index.astype(str),
                    "headcount": sums["weight"].to_numpy(),
                    "expected_burnout": (sums["burned"] / sums["weight"]).to_numpy(),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def expected_burnout(spec: SurveySpec, wave: int, seed: int) -> pd.DataFrame:
    """Population P(burnout) per unit and wave: ``Σ_roles w_r · E[logistic(m_ur + s·Z)]``,
    ``m_ur = a + β·(μ_u + Δ_uw) + b_u + role_r + trend·w``, ``s² = βᵀRβ``, Z ~ N(0,1)
    (40-point Gauss–Hermite). Columns: ``unit, wave, headcount, acted, expected_burnout``."""
    mu, b = _effects(spec, seed, wave)
    return _expected(spec, wave, mu, b, [u.cells() for u in spec.units])


@dataclass(frozen=True)
class _Latent:
    """Per-respondent latent state shared by every instrument."""

    sources: dict[str, FloatArray]  # each factor, and "burnout" = y*/sd(y*)
    single_item: FloatArray  # single-item burnout code 1–5
    leave: FloatArray  # intent-to-leave code 1–5
    hours_shift: FloatArray  # weekly hours by role


Recipe = tuple[Mapping[str, float], float, float]  # signal weights, loading λ, offset
_OW: dict[int, Recipe] = {
    1: ({"culture": 1}, 0.8, 0.3), 2: ({"culture": 1}, 0.75, 0.4),
    3: ({"culture": 1}, 0.75, 0.0), 4: ({"culture": 1}, 0.8, 0.2),
    5: ({"efficiency": 1}, 0.75, 0.3), 6: ({"efficiency": 1}, 0.7, 0.2),
    7: ({"efficiency": 1}, 0.75, -0.1), 8: ({"documentation": 1}, 0.8, -0.4),
    9: ({"documentation": 1}, 0.8, -0.5), 10: ({"efficiency": 1}, 0.75, -0.1),
    11: ({"self_care": 1, "documentation": 0.3}, 0.75, -0.2), 12: ({"self_care": 1}, 0.7, -0.2),
    13: ({"self_care": -1}, 0.6, -0.5), 14: ({"self_care": 1}, 0.45, 0.3),
    15: ({"burnout": 1}, 0.6, -0.3), 16: ({"burnout": -0.7, "culture": 0.4}, 0.85, 0.4),
    17: ({"burnout": 0.8, "efficiency": -0.3}, 0.85, 0.0),
}  # fmt: skip
_MINIZ: dict[int, Recipe] = {
    1: ({"burnout": -0.7, "culture": 0.4}, 0.8, 0.2), 2: ({"burnout": -1}, 0.7, 0.0),
    4: ({"efficiency": 1}, 0.75, 0.2), 5: ({"documentation": 1}, 0.8, 0.0),
    6: ({"efficiency": 1}, 0.7, 0.2), 7: ({"culture": 1}, 0.8, 0.3),
    8: ({"culture": 1}, 0.75, 0.4), 9: ({"documentation": 1}, 0.8, 0.0),
    10: ({"documentation": 0.7, "efficiency": 0.3}, 0.7, 0.0),
}  # fmt: skip


def _recipe(ins: Instrument, link_id: str) -> Recipe:
    """How an item's true score is built; a higher signal gives a higher item *score*."""
    tail = link_id.rsplit(".", 1)[-1]
    num = int(tail) if tail.isdigit() else 0
    if ins.id == "org_wellbeing" and num in _OW:
        return _OW[num]
    if ins.id == "mini_z2" and num in _MINIZ:
        return _MINIZ[num]
    if ins.id == "cbi":  # personal 1–6, work 7–13 (item 10 reverse-scored), patient 14–19
        if num <= 6:
            return ({"burnout": 1, "self_care": -0.3}, 0.75, 0.0)
        if num <= 13:
            return ({"burnout": -1 if num == 10 else 1}, 0.8, 0.0)
        return ({"burnout": 1}, 0.55, -0.8)
    if ins.id == "pfi":  # fulfillment 1–6, exhaustion 7–10, disengagement 11–16
        if num <= 6:
            return ({"burnout": -0.7, "culture": 0.3}, 0.8, 0.3)
        return ({"burnout": 1}, 0.8, -0.2) if num <= 10 else ({"burnout": 1}, 0.65, -0.6)
    if ins.id == "who5":
        return ({"self_care": 0.6, "burnout": -0.6}, 0.8, 0.2)
    worse = any(link_id in sc.items and sc.higher_is_worse for sc in ins.scales)
    return ({"burnout": 1.0 if worse else -1.0}, 0.6, 0.0)


def _likert(ins: Instrument, link_id: str, lat: _Latent, rng: np.random.Generator) -> FloatArray:
    """Codes from the ordinal cut of ``t`` at thresholds ``(j − L/2)·5/L``, j = 1..L−1."""
    weights, lam, offset = _recipe(ins, link_id)
    n = lat.single_item.size
    signal = np.zeros(n)
    for name, wt in weights.items():
        signal += wt * lat.sources[name]
    norm = math.sqrt(sum(wt * wt for wt in weights.values()))
    t = (lam / norm) * signal + math.sqrt(1 - lam * lam) * rng.standard_normal(n) + offset
    options = sorted(ins.item(link_id).options, key=lambda o: o.score)
    levels = len(options)
    idx = np.clip(np.floor(t * (levels / 5.0) + levels / 2), 0, levels - 1).astype(np.intp)
    return np.array([o.code for o in options], dtype=np.float64)[idx]


def _numeric(
    link_id: str, lat: _Latent, rng: np.random.Generator, lo: float, hi: float
) -> FloatArray:
    """Numeric answers: weekly hours, admin-burden counts (log-normal), else uniform."""
    n = lat.single_item.size
    z = rng.standard_normal(n)
    doc, eff = lat.sources["documentation"], lat.sources["efficiency"]
    pa = np.exp(math.log(18) - 0.15 * eff + 0.7 * z)
    if link_id == "org_wellbeing.18":
        out = np.round(55.0 - 2.5 * doc + lat.hours_shift + 7.0 * z).clip(20, 100)
    elif link_id == "admin_burden.1":
        out = np.round(pa)
    elif link_id == "admin_burden.2":
        out = np.round(2 * pa * np.exp(math.log(0.3) + 0.4 * rng.standard_normal(n))) / 2
    elif link_id == "admin_burden.3":
        out = np.round(np.exp(math.log(40) - 0.15 * doc + 0.5 * z))
    elif link_id == "admin_burden.4":
        out = np.round(2 * np.exp(math.log(4.5) - 0.45 * doc + 0.6 * z)) / 2
    elif link_id == "admin_burden.5":
        out = rng.poisson(6.0, n).astype(np.float64)
    else:
        out = np.floor(rng.uniform(lo, lo + min(10.0, hi - lo), n))
    return np.asarray(np.clip(out, lo, hi), dtype=np.float64)


def _answers(
    ins: Instrument, lat: _Latent, rng: np.random.Generator, missing: float
) -> dict[str, Answers]:
    n = lat.single_item.size
    cols: dict[str, Answers] = {}
    mask = rng.random((len(ins.items), n)) < missing
    special = {
        "single_item_burnout.1": lat.single_item,
        "intent_to_leave.1": lat.leave,
        "mini_z2.3": 6.0 - lat.single_item,
    }
    for k, item in enumerate(ins.items):
        if item.link_id in special:
            values = special[item.link_id]
        elif item.options:
            values = _likert(ins, item.link_id, lat, rng)
        else:
            lo, hi = item.score_range
            values = _numeric(item.link_id, lat, rng, lo, min(hi, 1e9))
        if item.type == "decimal":
            cols[item.link_id] = np.where(mask[k], np.nan, values)
        else:
            cols[item.link_id] = pd.arrays.IntegerArray(values.astype(np.int64), mask[k])
    return cols


def _comments(lat: _Latent, rng: np.random.Generator, rate: float) -> pd.Series:
    """Generic comments for about ``rate`` of respondents; the theme leans on their latents."""
    n = lat.single_item.size
    src = lat.sources
    pull = np.column_stack(
        [
            src["burnout"] - src["documentation"],
            -src["culture"],
            -src["efficiency"],
            -1.5 * src["burnout"] - 0.5,
        ]
    )
    theme = np.argmax(pull + rng.gumbel(size=pull.shape), axis=1)
    pick = rng.random(n)
    has = rng.random(n) < rate
    sizes = np.array([len(v) for v in COMMENTS.values()])
    first = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    idx = np.where(has, first[theme] + (pick * sizes[theme]).astype(np.intp), -1)
    flat = pd.array([c for v in COMMENTS.values() for c in v], dtype="str")
    return pd.Series(flat.take(idx, allow_fill=True))


@dataclass(frozen=True)
class _Sample:
    unit: IntArray
    role: IntArray
    tenure: IntArray
    roles: list[str]
    tenures: list[str]


def _sample(
    spec: SurveySpec, rng: np.random.Generator, rate_override: float | None, all_cells: list[Cells]
) -> _Sample:
    """Respondents per unit and cell (hypergeometric), in shuffled order."""
    roles: dict[str, int] = {}
    tenures: dict[str, int] = {}
    parts: list[tuple[int, IntArray, IntArray, IntArray]] = []
    for k, unit in enumerate(spec.units):
        cells = all_cells[k]
        if not cells:
            continue
        rate = rate_override if rate_override is not None else unit.response_rate
        n = int(rng.binomial(unit.headcount, spec.response_rate if rate is None else rate))
        taken = rng.multivariate_hypergeometric(np.fromiter(cells.values(), np.int64), n)
        r = np.array([roles.setdefault(r, len(roles)) for r, _ in cells], dtype=np.int64)
        t = np.array([tenures.setdefault(t, len(tenures)) for _, t in cells], dtype=np.int64)
        parts.append((k, taken, r, t))
    none = [np.zeros(0, np.int64)]
    who = np.concatenate([np.full(int(p[1].sum()), p[0], np.int64) for p in parts] or none)
    role = np.concatenate([np.repeat(p[2], p[1]) for p in parts] or none)
    tenure = np.concatenate([np.repeat(p[3], p[1]) for p in parts] or none)
    perm = rng.permutation(who.size)
    return _Sample(who[perm], role[perm], tenure[perm], list(roles), list(tenures))


def _attributes(
    spec: SurveySpec, sample: _Sample, rng: np.random.Generator
) -> dict[str, pd.Series]:
    """The respondent attribute columns of ``spec.attributes`` (stored codes), and with
    gender, ``_gender_logit``: each respondent's burnout log-odds shift by true gender."""
    n = sample.unit.size
    out: dict[str, pd.Series] = {}
    roles = np.array(sample.roles, dtype=object)[sample.role] if n else np.array([], object)
    tenures = np.array(sample.tenures, dtype=object)[sample.tenure] if n else np.array([], object)
    if "gender" in spec.attributes:
        codes = list(DEFAULT_GENDER_MIX)
        cum = {r: np.cumsum([_gender_mix(r)[c] for c in codes]) for r in set(sample.roles)}
        u = rng.random(n)
        truth = np.array(
            [codes[min(int(np.searchsorted(cum[r], x * cum[r][-1])), len(codes) - 1)]
             for r, x in zip(roles, u, strict=True)],
            dtype=object,
        )  # fmt: skip
        stated = rng.random(n) >= ATTRIBUTE_NOT_STATED
        shift = np.array([spec.gender_logit.get(g, 0.0) for g in truth], dtype=np.float64)
        out["gender"] = pd.Series(np.where(stated, truth, NOT_STATED), dtype="str")
        out["_gender_logit"] = pd.Series(shift)
    if "career_stage" in spec.attributes:
        stage = np.array(
            [
                "in_training" if r == "resident" else CAREER_STAGE_BY_TENURE.get(t, "late")
                for r, t in zip(roles, tenures, strict=True)
            ],
            dtype=object,
        )
        stated = rng.random(n) >= ATTRIBUTE_NOT_STATED
        out["career_stage"] = pd.Series(np.where(stated, stage, NOT_STATED), dtype="str")
    return out


def _labels(codes: IntArray, names: list[str]) -> pd.Series:
    return pd.Series(pd.array(names, dtype="str").take(codes))


def _scale_columns(factor: str) -> tuple[str, ...]:
    ins = get_instrument("org_wellbeing")
    items = DRIVER_ITEMS[factor]
    return tuple(
        f"{ins.id}.{s.id}" for s in ins.scales if len(s.items) == 1 and s.items[0] in items
    )


def generate_wave(
    spec: SurveySpec, wave: int = 0, seed: int = 0, *, response_rate: float | None = None
) -> SyntheticWave:
    """Draw one wave of responses and its ground truth (model in the module docstring).

    ``response_rate`` overrides every unit's rate (e.g. a low rate for a wave still open). The
    same ``(spec, wave, seed)`` always gives the same frame; unit effects depend on ``seed``
    only, so waves of one organization share them.
    """
    if wave < 0 or seed < 0:
        raise SynthSpecError(f"wave, seed: must be ≥ 0, got wave={wave}, seed={seed}")
    if response_rate is not None and not 0.0 <= response_rate <= 1.0:
        raise SynthSpecError("response_rate: must be in [0, 1]")
    mu, b = _effects(spec, seed, wave)
    cells = [u.cells() for u in spec.units]
    rng = _rng(seed, 2, wave)
    sample = _sample(spec, rng, response_rate, cells)
    n = sample.unit.size
    coef = spec.coefficients()
    beta = np.array([coef[f] for f in FACTORS])
    noise = rng.standard_normal((n, len(FACTORS))) @ np.linalg.cholesky(FACTOR_CORR).T
    factors = np.asfortranarray(mu[sample.unit] + noise)
    role_logit = np.array([spec.role_logit.get(r, 0.0) for r in sample.roles] or [0.0])
    eta = spec.intercept + factors @ beta + b[sample.unit] + role_logit[sample.role]
    attributes = _attributes(spec, sample, _rng(seed, 5, wave))
    if "gender" in attributes:
        eta = eta + attributes.pop("_gender_logit").to_numpy(dtype=np.float64)
    ystar = eta + spec.trend_per_wave * wave + rng.logistic(size=n)
    culture = factors[:, FACTORS.index("culture")]
    yleave = -1.25 + 1.2 * (ystar > 0) - 0.6 * culture + rng.logistic(size=n)
    sources = {f: factors[:, k] for k, f in enumerate(FACTORS)}
    sources["burnout"] = ystar / math.sqrt(float(beta @ FACTOR_CORR @ beta) + math.pi**2 / 3)
    hours = np.array([ROLE_HOURS.get(r, 0.0) for r in sample.roles] or [0.0])
    lat = _Latent(
        sources=sources,
        single_item=1.0 + np.searchsorted(BURNOUT_CUTS, ystar),
        leave=1.0 + np.searchsorted(LEAVE_CUTS, yleave),
        hours_shift=hours[sample.role],
    )
    data: dict[str, pd.Series | Answers] = {
        "unit": _labels(sample.unit, [u.path for u in spec.units]),
        "role": _labels(sample.role, sample.roles),
        "tenure_band": _labels(sample.tenure, sample.tenures),
        **attributes,
    }
    for iid in spec.instruments:
        ins = get_instrument(iid)
        data.update(_answers(ins, lat, _rng(seed, 3, wave, _key(iid)), spec.missing_rate))
    data["comment"] = _comments(lat, _rng(seed, 4, wave), spec.comment_rate)
    expected = _expected(spec, wave, mu, b, cells)
    heads = expected["headcount"].to_numpy(dtype=np.float64)
    org = (
        float(heads @ expected["expected_burnout"].to_numpy() / heads.sum()) if heads.sum() else 0.0
    )
    effects = pd.DataFrame(mu, columns=list(FACTORS))
    effects.insert(0, "unit", [u.path for u in spec.units])
    effects["burnout_logit"] = b
    has_admin = "admin_burden" in spec.instruments
    truth = SurveyTruth(
        wave=wave,
        seed=seed,
        planted=spec.planted,
        planted_scales=_scale_columns(spec.planted),
        driver_scales={f: _scale_columns(f) for f in DRIVER_ITEMS},
        proxy_scales=PROXIES.get(spec.planted, ()) if has_admin else (),
        coefficients=coef,
        intercept=spec.intercept,
        unit_effects=effects,
        expected_burnout=expected,
        expected_org_burnout=org,
        expected_by_group=_expected_by_group(spec, wave, mu, b, cells),
    )
    return SyntheticWave(pd.DataFrame(data, index=pd.RangeIndex(n)), truth)


def units_from_roster(
    roster: pd.DataFrame, *, unit: str = "unit", role: str = "role", tenure: str = "tenure_band"
) -> tuple[UnitSpec, ...]:
    """One :class:`UnitSpec` per unit holding the roster's exact role × tenure-band counts.

    The tenure column is optional (a blank band is ``""``). Raises :class:`SynthSpecError`
    naming a missing column, or the 1-based row and column of an empty unit or role.
    """
    for name in (unit, role):
        if name not in roster.columns:
            raise SynthSpecError(f"roster: missing column {name!r}")
    cols: dict[str, pd.Series] = {}
    for key, name in (("unit", unit), ("role", role), ("tenure", tenure)):
        if name not in roster.columns:
            cols[key] = pd.Series("", index=roster.index, dtype="string")
            continue
        cols[key] = roster[name].astype("string").str.strip()
        empty = (cols[key].isna() | (cols[key] == "")).to_numpy(dtype=bool)
        if key != "tenure" and empty.any():
            raise SynthSpecError(f"roster row {int(np.argmax(empty)) + 1}, column {name!r}: empty")
        cols[key] = cols[key].fillna("")
    frame = pd.DataFrame(cols)
    counts: dict[str, dict[tuple[str, str], int]] = {}
    tally = frame.value_counts(["unit", "role", "tenure"], sort=False)
    for (path, r, t), c in zip(tally.index.tolist(), tally.tolist(), strict=True):
        counts.setdefault(str(path), {})[(str(r), str(t))] = int(c)
    order = dict.fromkeys(frame["unit"].tolist())
    return tuple(UnitSpec(p, sum(counts[p].values()), composition=counts[p]) for p in order)


DEMO_UNITS: tuple[tuple[str, int], ...] = (
    ("Riverside Health/Main Campus/Medicine/Cardiology", 38),
    ("Riverside Health/Main Campus/Medicine/Hospital Medicine", 52),
    ("Riverside Health/Main Campus/Medicine/Internal Medicine Clinic", 44),
    ("Riverside Health/Main Campus/Medicine/Infectious Diseases", 4),
    ("Riverside Health/Main Campus/Surgery/General Surgery", 36),
    ("Riverside Health/Main Campus/Surgery/Orthopedics", 29),
    ("Riverside Health/Main Campus/Surgery/Vascular Surgery", 7),
    ("Riverside Health/Main Campus/Emergency Medicine", 48),
    ("Riverside Health/Main Campus/Pediatrics", 41),
    ("Riverside Health/North Clinic/Family Medicine", 55),
    ("Riverside Health/North Clinic/Women's Health", 33),
    ("Riverside Health/North Clinic/Dermatology", 3),
    ("Riverside Health/Lakeside Hospital/Anesthesiology", 31),
    ("Riverside Health/Lakeside Hospital/Radiology", 24),
    ("Riverside Health/Lakeside Hospital/Hospital Medicine", 39),
)
"""The demo organization's units and head counts, the one list both the synthetic waves and
the web demo's roster (``clinwell.web.orgs.demo``) are built from. Small units exist on
purpose: their results are suppressed."""
DEMO_SHIFTS: dict[str, tuple[dict[str, float], float]] = {
    "Riverside Health/Main Campus/Emergency Medicine": ({"documentation": -0.3}, 0.4),
    "Riverside Health/Main Campus/Medicine/Hospital Medicine": ({"documentation": -0.5}, 0.0),
    "Riverside Health/North Clinic/Family Medicine": ({"documentation": -0.4}, 0.1),
    "Riverside Health/Lakeside Hospital/Radiology": ({"culture": 0.3}, -0.3),
}
"""Fixed (factor shifts, burnout log-odds) of some demo units."""
DEMO_IMPROVERS = (
    "Riverside Health/Main Campus/Medicine/Hospital Medicine",
    "Riverside Health/North Clinic/Family Medicine",
)
"""Demo units that ran an action plan on documentation time."""
DEMO_ATTRIBUTES = ("gender", "career_stage")
"""The respondent attributes the demo's waves ask."""
DEMO_ROLE_LOGIT = {**DEFAULT_ROLE_LOGIT, "resident": 1.0}
"""Residents run hotter in the demo: part of its planted equity gap."""
DEMO_GENDER_LOGIT = {"woman": 1.2}
"""Women run hotter in the demo: the other part of its planted equity gap (large enough
that the equity view marks it clear after its multiple-comparison control)."""


def demo_spec(
    units: Iterable[UnitSpec] | None = None,
    *,
    acted_from_wave: int = 2,
    attributes: tuple[str, ...] = DEMO_ATTRIBUTES,
) -> SurveySpec:
    """The demo organization: past waves 0–2 and an open wave 3 (documentation time planted).

    Emergency Medicine runs hot; :data:`DEMO_IMPROVERS` improve their documentation factor by
    0.7 SD from ``acted_from_wave``. Respondents state ``attributes`` (gender and career stage),
    with the planted equity gap: women and residents have higher burnout (module docstring).
    Pass ``units`` (e.g. from :func:`units_from_roster`) to follow a real roster;
    :data:`DEMO_SHIFTS` still apply to units with those paths.
    """
    base = tuple(units) if units is not None else tuple(UnitSpec(p, h) for p, h in DEMO_UNITS)
    shaped = []
    for u in base:
        shift, logit = DEMO_SHIFTS.get(u.path, ({}, 0.0))
        shaped.append(replace(u, shift={**shift, **u.shift}, burnout_logit=u.burnout_logit + logit))
    improvements = tuple(Improvement(p, acted_from_wave, shift=0.7) for p in DEMO_IMPROVERS)
    return SurveySpec(
        units=tuple(shaped),
        improvements=improvements,
        attributes=attributes,
        role_logit=dict(DEMO_ROLE_LOGIT),
        gender_logit=dict(DEMO_GENDER_LOGIT),
    )
