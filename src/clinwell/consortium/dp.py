"""Laplace noise from OpenDP, and the privacy loss it costs.

Every number of the consortium's public report is a pooled sum plus noise drawn by OpenDP's
``make_laplace`` (Ghosh, Roughgarden & Sundararajan 2012; Canonne, Kamath & Steinke 2020):

- a **count** (respondents, or respondents with a flag) gets discrete Laplace noise of scale
  ``b`` on the integers (``atom_domain(T=int)``);
- a **sum** of bounded values gets Laplace noise of scale ``b`` on the floats
  (``atom_domain(T=float)``); OpenDP samples it exactly on a fine discrete lattice, so the
  float attacks on naive Laplace samplers (Mironov 2012) do not apply.

For a query whose value changes by at most ``Δ`` (its *sensitivity*) when one clinician is
added or removed, ``b = Δ / ε`` gives ε-differential privacy; the ε charged is OpenDP's own
privacy map of the measurement at ``Δ`` (``measurement.map(Δ)``), never our arithmetic.

OpenDP gates constructors whose proofs are not yet fully vetted behind the ``contrib``
feature; ``make_laplace`` is one of them in OpenDP 0.16, so :func:`_opendp` enables
``contrib`` (and nothing else: neither ``floating-point`` nor ``honest-but-curious`` is
needed). Noise comes from OpenDP's cryptographically secure sampler: it cannot be seeded, and
a release cannot be replayed.

References
----------
Dwork C, McSherry F, Nissim K, Smith A. Calibrating noise to sensitivity in private data
analysis. TCC 2006.
Ghosh A, Roughgarden T, Sundararajan M. Universally utility-maximizing privacy mechanisms.
SIAM J Comput 2012;41(6):1673-1693.
Canonne CL, Kamath G, Steinke T. The discrete Gaussian for differential privacy. NeurIPS 2020.
Mironov I. On significance of the least significant bits for differential privacy. CCS 2012.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import Any


@cache
def _opendp() -> ModuleType:
    import opendp.prelude as dp

    dp.enable_features("contrib")
    return dp


@dataclass(frozen=True, slots=True)
class NoisyValue:
    """A value with Laplace noise: the noisy value, the noise scale ``b`` and the ε spent.

    The noise has mean 0 and standard deviation ``√2 · b`` (for a count the discrete
    Laplace's is slightly smaller; :func:`noise_sd` gives the continuous bound).
    """

    value: float
    scale: float
    epsilon: float
    sensitivity: float

    @property
    def noise_sd(self) -> float:
        return noise_sd(self.scale)


def noise_sd(scale: float) -> float:
    """Standard deviation of Laplace(``scale``) noise: ``√2 · scale``."""
    return math.sqrt(2.0) * scale


def _check(epsilon: float, sensitivity: float) -> None:
    if not (math.isfinite(epsilon) and epsilon > 0):
        raise ValueError(f"epsilon must be a positive number, got {epsilon}")
    if not (math.isfinite(sensitivity) and sensitivity > 0):
        raise ValueError(f"sensitivity must be a positive number, got {sensitivity}")


def count_measurement(epsilon: float) -> Any:
    """OpenDP's discrete Laplace measurement for a count of sensitivity 1 at ``epsilon``."""
    _check(epsilon, 1.0)
    dp = _opendp()
    return dp.m.make_laplace(
        dp.atom_domain(T=int), dp.absolute_distance(T=int), scale=1.0 / epsilon
    )


def sum_measurement(sensitivity: float, epsilon: float) -> Any:
    """OpenDP's Laplace measurement for a float sum of ``sensitivity`` at ``epsilon``."""
    _check(epsilon, sensitivity)
    dp = _opendp()
    return dp.m.make_laplace(
        dp.atom_domain(T=float, nan=False),
        dp.absolute_distance(T=float),
        scale=sensitivity / epsilon,
    )


def noisy_count(true_count: int, epsilon: float) -> NoisyValue:
    """``true_count`` + discrete Laplace(1/ε); the ε spent is OpenDP's map at 1."""
    measurement = count_measurement(epsilon)
    value = int(measurement(int(true_count)))
    return NoisyValue(float(value), 1.0 / epsilon, float(measurement.map(1)), 1.0)


def noisy_sum(true_sum: float, sensitivity: float, epsilon: float) -> NoisyValue:
    """``true_sum`` + Laplace(Δ/ε); the ε spent is OpenDP's map at Δ = ``sensitivity``."""
    measurement = sum_measurement(sensitivity, epsilon)
    value = float(measurement(float(true_sum)))
    return NoisyValue(
        value, sensitivity / epsilon, float(measurement.map(sensitivity)), sensitivity
    )
