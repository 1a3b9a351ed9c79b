"""Signals of the surveys app, for apps above it (results) to act on without surveys
importing them."""

from __future__ import annotations

from django.dispatch import Signal

wave_closed = Signal()
"""Sent once a wave's close has committed; keyword argument ``wave``."""
