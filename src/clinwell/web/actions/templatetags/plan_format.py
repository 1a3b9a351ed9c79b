"""Formatting of released estimates: shares as percentages, scores with two decimals."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def measure_value(value: float | None, is_flag: bool) -> str:
    """``0.4213`` → ``42.1%`` for a share; ``3.456`` → ``3.46`` for a score; ``None`` → ``—``."""
    if value is None:
        return "—"
    if is_flag:
        return f"{100 * value:.1f}%"
    return f"{value:.2f}"


@register.filter
def measure_change(value: float | None, is_flag: bool) -> str:
    """A signed change: percentage points for shares, score points otherwise."""
    if value is None:
        return "—"
    if is_flag:
        return f"{100 * value:+.1f} points"
    return f"{value:+.2f}"


@register.filter
def p_value(value: float | None) -> str:
    """``p = 0.032``, or ``p < 0.001`` for smaller values."""
    if value is None:
        return "—"
    return "p < 0.001" if value < 0.001 else f"p = {value:.3f}"
