"""The board summary in sentences, from the numbers (fixed templates, no language model).

Each sentence is built from the same values the tables show, so a reader can check one
against the other: the overview page and the PDF print these sentences verbatim.
"""

from __future__ import annotations

from typing import Any


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _interval(text: str) -> str:
    return f" (95% CI {text})" if text else ""


def _points(size: str, proportion: bool) -> str:
    if not proportion:
        return size
    return f"{size} point" if size == "1" else f"{size} points"


def headline_sentence(row: dict[str, Any]) -> str:
    """``Burnout was 43% (95% CI 39%–47%), down 5 points (95% CI −9 to −1), a clear
    improvement.`` The change is since the previous wave, named once by the first sentence."""
    label = row["label"]
    if row["withheld"]:
        return f"{label} is not shown: too few answers to this question in this group."
    text = f"{label} was {row['value']}{_interval(row['interval'])}"
    delta = row["change"]
    if delta is None:
        return text + "."
    if row["direction"] == "unchanged":
        moved = f"unchanged (95% CI {delta['interval']})"
    else:
        size = delta["display"].lstrip("+-")
        if size.endswith(" points"):
            size = size[: -len(" points")]
        moved = f"{row['direction']} {_points(size, row['measure'].is_proportion)}"
        moved += f" (95% CI {delta['interval']})"
    verdict = {
        "better": "a clear improvement",
        "worse": "a clear worsening",
        "changed": "a clear change",
        "unclear": "within the margin of error",
    }[row["tone"]]
    return f"{text}, {moved}, {verdict}."


def national_sentence(rows: list[dict[str, Any]]) -> str | None:
    shown = [r for r in rows if r["national"] and r["national"]["state"] == "shown"]
    if shown:
        parts = []
        for r in shown:
            fig = r["national"]["figure"]
            where = (
                "about the same as"
                if not fig["clear"]
                else ("above" if fig["difference"] > 0 else "below")
            )
            parts.append(f"{r['label'].lower()} {where} the national physician figure")
        return "This group's physicians compared with physicians nationally: " + _join(parts) + "."
    if any(r["national"] and r["national"]["state"] == "not_like_for_like" for r in rows):
        return (
            "No national comparison: the national figures describe physicians, and this "
            "group's physicians are too few to publish on their own."
        )
    return None


def attention_sentence(attention: list[dict[str, Any]], group: str = "") -> str | None:
    """``group``: the cut's label; units are tested against the rest of the organization for
    everyone only, so inside a cut the sentence names the highest burnout and claims no test."""
    if not attention:
        return None
    if group:
        names = [a["unit"].name for a in attention if a["burnout"]]
        if not names:
            return None
        return f"Within “{group}”, the highest burnout is in {_join(names)}."
    clear = [a for a in attention if a["clear"]]
    if clear:
        parts = [f"{a['unit'].name} ({_join([w.lower() for w in a['worse']])})" for a in clear]
        return (
            "Units that most need attention, clearly worse than the rest of the organization: "
            + _join(parts)
            + "."
        )
    names = [a["unit"].name for a in attention if a["burnout"]]
    if not names:
        return None
    return (
        "No unit differs clearly from the rest of the organization; the highest burnout is in "
        + _join(names)
        + "."
    )


def drivers_sentence(drivers: list[dict[str, Any]], borrowed_from: str = "") -> str | None:
    """``borrowed_from``: whose analysis the importance comes from when the group is too
    small for its own (e.g. "everyone in Site A")."""
    if not drivers:
        return None
    share = sum(float(d["share"]) for d in drivers)
    names = [d["label"] for d in drivers]
    if borrowed_from:
        return (
            f"This group has no driver analysis of its own; among {borrowed_from}, "
            f"the strongest drivers of burnout are {_join(names)} "
            f"({100 * share:.0f}% of the explained variance together)."
        )
    return (
        f"The strongest drivers of burnout here are {_join(names)} "
        f"({100 * share:.0f}% of the explained variance together)."
    )


def cost_sentence(cost: dict[str, Any] | None) -> str | None:
    if cost is None:
        return None
    return (
        f"Turnover attributable to burnout is estimated to cost between {cost['low_display']} "
        f"and {cost['high_display']} a year across {cost['physicians']:,} physicians."
    )


def plans_sentence(plans: dict[str, Any] | None) -> str | None:
    if not plans:
        return None
    if not plans["total"]:
        return "No action plans have been started yet."
    done = next((s["count"] for s in plans["by_status"] if s["status"] == "done"), 0)
    n_open, overdue = plans["open"], plans["overdue"]
    if n_open == 0:
        opened = "No action plan is open"
    else:
        opened = f"{n_open} action plan{'s are' if n_open != 1 else ' is'} open"
        if overdue:
            opened += f", {overdue} overdue"
    return f"{opened}; {done} {'are' if done != 1 else 'is'} done."


def _borrowed(summary: dict[str, Any]) -> str:
    found = summary.get("drivers_all") or {}
    if found.get("importance_from", "own") == "own":
        return ""
    return str(found.get("importance_label", ""))


def summary_sentences(summary: dict[str, Any], plans: dict[str, Any] | None) -> list[str]:
    """The summary paragraph of the overview page and the board report, one sentence each."""
    if summary["state"] != "published":
        return []
    scope = summary["scope"]
    first = f"{summary['n']:,} people in {scope.label} answered {summary['wave'].name}"
    if scope.group:
        first = (
            f"This report covers {scope.group_label} in {scope.label} only: {summary['n']:,} "
            f"of them answered {summary['wave'].name}"
        )
    if summary["previous"] is not None and any(r["change"] for r in summary["rows"]):
        first += f"; changes are since {summary['previous'].name}"
    out = [first + "."]
    out += [headline_sentence(r) for r in summary["rows"]]
    for extra in (
        national_sentence(summary["rows"]),
        attention_sentence(summary["attention"], scope.group_label if scope.group else ""),
        drivers_sentence(summary["drivers"], _borrowed(summary)),
        cost_sentence(summary["cost"]),
        plans_sentence(plans),
    ):
        if extra:
            out.append(extra)
    return out
