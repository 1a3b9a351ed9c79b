"""True instants inside, the organization's time zone for calendar rules.

Every event, session and order is held as an *instant*: whole microseconds since 1970-01-01
00:00 UTC. An input time that carries an offset (``2024-11-03T01:30:00-05:00``, ``...Z``, a
Parquet timestamp with a time zone) is that instant. A time without one is a *wall-clock time*
in the organization's time zone (``MetricParams.time_zone``, an IANA name such as
``America/Chicago``) and is converted to the instant it denotes.

Calendar rules use local time: the day and period an event falls in, the clock-based working
window, the day a session counts in. ``local = instant + offset(instant)``.

Wall-clock times are ambiguous once a year: when clocks fall back, 01:00–01:59 happens twice.
Like Python's :mod:`zoneinfo` with ``fold=0``, the earlier (daylight-saving) instant is taken;
in the spring gap (02:00–02:59 does not exist), the offset in force before the change is
used. Both are counted and reported (``ambiguous_local_time``, ``nonexistent_local_time``):
extracts with UTC instants or offsets avoid them.

Offsets come from the IANA database that Python's :mod:`zoneinfo` reads (the ``tzdata``
package where the system has none). Transitions are found by probing the zone daily over the
years the data span (plus one on each side) and bisecting each change to the second.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from clinwell.ehr.problems import ParameterError

US = 1_000_000
_DAY_S = 86_400


@dataclass(frozen=True)
class ZoneRules:
    """The offsets of one time zone: ``offsets[i]`` (µs, local − UTC) from ``starts[i]`` on.

    ``starts[0]`` is the smallest int64, so every instant has an offset.
    """

    name: str
    starts: np.ndarray
    offsets: np.ndarray

    @property
    def fixed(self) -> bool:
        """True when the zone has one offset only (UTC, or a zone without daylight saving)."""
        return len(self.offsets) == 1

    def local(self, instants: np.ndarray) -> np.ndarray:
        """Local wall-clock µs of instants (µs since the epoch, UTC)."""
        t = np.asarray(instants, dtype=np.int64)
        if self.fixed:
            out: np.ndarray = t + self.offsets[0]
            return out
        shifted: np.ndarray = t + self.offsets[np.searchsorted(self.starts, t, side="right") - 1]
        return shifted

    def instants(self, local: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Instants of local wall-clock µs, with masks of ambiguous and nonexistent times.

        Ambiguous times (clocks fell back) take the earlier instant; nonexistent ones (clocks
        sprang forward) the offset in force before the change, as :mod:`zoneinfo` does.
        """
        wall = np.asarray(local, dtype=np.int64)
        if self.fixed:
            none = np.zeros(wall.shape, dtype=bool)
            return wall - self.offsets[0], none, none
        lowest, highest = np.iinfo(np.int64).min, np.iinfo(np.int64).max
        begins = np.concatenate([[lowest], self.starts[1:] + self.offsets[1:]])  # local start
        ends = np.append(self.starts[1:] + self.offsets[:-1], highest)  # local end of each
        regime = np.searchsorted(begins, wall, side="right") - 1
        earlier = np.maximum(regime - 1, 0)
        ambiguous = (regime > 0) & (wall < ends[earlier])
        regime = np.where(ambiguous, earlier, regime)
        nonexistent = wall >= ends[regime]
        return wall - self.offsets[regime], ambiguous, nonexistent

    def between(self, lo: int, hi: int) -> tuple[list[int], list[int]]:
        """Transition instants inside ``[lo, hi]`` and the offsets: ``len(offsets) = n + 1``."""
        first = int(np.searchsorted(self.starts, lo, side="right")) - 1
        last = int(np.searchsorted(self.starts, hi, side="right")) - 1
        return (
            [int(x) for x in self.starts[first + 1 : last + 1]],
            [int(x) for x in self.offsets[first : last + 1]],
        )


def _offset_s(tz: ZoneInfo, second: int) -> int:
    off = datetime.fromtimestamp(second, tz).utcoffset()
    return int(off.total_seconds()) if off is not None else 0


def years_of(lo_us: int, hi_us: int) -> tuple[int, int]:
    """The calendar years (UTC) of two instants, widened by one year on each side."""
    lo = datetime.fromtimestamp(max(lo_us, 0) // US, UTC).year
    hi = datetime.fromtimestamp(max(hi_us, 0) // US, UTC).year
    return lo - 1, hi + 1


def is_utc(name: str) -> bool:
    return name.upper() in ("UTC", "Z", "ETC/UTC")


def check_zone(name: str) -> None:
    """Raise :class:`ParameterError` unless ``name`` is a known IANA time zone."""
    if is_utc(name):
        return
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ParameterError(
            f"time_zone: unknown time zone {name!r} (use an IANA name such as America/Chicago)"
        ) from exc


@lru_cache(maxsize=64)
def zone_rules(name: str, first_year: int = 1970, last_year: int = 2040) -> ZoneRules:
    """The offsets of the IANA zone ``name`` from ``first_year`` through ``last_year``
    (outside them, the first and last offsets); :class:`ParameterError` for an unknown name."""
    if is_utc(name):
        return ZoneRules("UTC", np.array([np.iinfo(np.int64).min]), np.array([0], dtype=np.int64))
    check_zone(name)
    tz = ZoneInfo(name)
    first = int(datetime(first_year, 1, 1, tzinfo=UTC).timestamp())
    last = int(datetime(last_year + 1, 1, 1, tzinfo=UTC).timestamp())
    days = np.arange(first, last + _DAY_S, _DAY_S)
    offs = np.array([_offset_s(tz, int(s)) for s in days], dtype=np.int64)
    starts = [np.iinfo(np.int64).min]
    offsets = [int(offs[0])]
    for i in np.flatnonzero(offs[1:] != offs[:-1]):
        lo, hi = int(days[i]), int(days[i + 1])  # offset changes in (lo, hi]
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if _offset_s(tz, mid) == offs[i]:
                lo = mid
            else:
                hi = mid
        starts.append(hi * US)
        offsets.append(int(offs[i + 1]))
    return ZoneRules(
        name,
        np.array(starts, dtype=np.int64),
        np.array(offsets, dtype=np.int64) * US,
    )


def offset_expr(value: Any, starts: list[int], offsets: list[int]) -> Any:
    """Ibis expression: ``offsets[i]`` where ``value`` lies in regime ``i`` (``value < starts``).

    ``starts`` are the (few) thresholds inside the data's range; one CASE branch each.
    """
    import ibis

    if len(offsets) == 1:
        return ibis.literal(offsets[0], "int64")
    branches = [
        (value < s, ibis.literal(o, "int64")) for s, o in zip(starts, offsets, strict=False)
    ]
    return ibis.cases(*branches, else_=ibis.literal(offsets[-1], "int64"))


def local_expr(instant: Any, rules: ZoneRules, lo: int, hi: int) -> Any:
    """Ibis: local wall-clock µs of an instant column whose values lie in ``[lo, hi]``."""
    starts, offsets = rules.between(lo, hi)
    return instant + offset_expr(instant, starts, offsets)


def instant_expr(wall: Any, rules: ZoneRules, lo: int, hi: int) -> Any:
    """Ibis: instants of a local wall-clock µs column in ``[lo, hi]`` (same rule as
    :meth:`ZoneRules.instants`: the earlier instant when ambiguous, the earlier offset in a gap).

    In local terms the regime changes at ``T + max(before, after)``: after the repeated hour
    when clocks fall back, after the skipped hour when they spring forward.
    """
    starts, offsets = rules.between(lo - 2 * _DAY_S * US, hi + 2 * _DAY_S * US)
    thresholds = [t + max(offsets[i], offsets[i + 1]) for i, t in enumerate(starts)]
    return wall - offset_expr(wall, thresholds, offsets)


def ambiguity_exprs(wall: Any, rules: ZoneRules, lo: int, hi: int) -> tuple[Any, Any]:
    """Ibis booleans: ``wall`` is ambiguous (repeated hour) / nonexistent (skipped hour)."""
    import ibis

    starts, offsets = rules.between(lo - 2 * _DAY_S * US, hi + 2 * _DAY_S * US)
    ambiguous: Any = wall.isnull() & ibis.literal(False)  # a column, false everywhere
    nonexistent: Any = wall.isnull() & ibis.literal(False)
    for i, t in enumerate(starts):
        before, after = offsets[i], offsets[i + 1]
        lo_w, hi_w = t + min(before, after), t + max(before, after)
        inside = (wall >= lo_w) & (wall < hi_w)
        if after < before:
            ambiguous = ambiguous | inside
        else:
            nonexistent = nonexistent | inside
    return ambiguous, nonexistent
