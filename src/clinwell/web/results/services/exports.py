"""CSV of the published cells and the admins' comments page (the PDF board report is the
dashboard's: :mod:`clinwell.web.dashboard.presenters.board_report`).

The exports read the cache of released cells only (the privacy gate's output), scoped to
what the member may see: a leader's files hold their subtree's cells and nothing else.
"""

from __future__ import annotations

import io
from typing import Any

from django.http import HttpResponse

from clinwell.spreadsheet import SafeWriter
from clinwell.web.orgs.access import visible_units
from clinwell.web.orgs.models import Membership, Unit
from clinwell.web.results.models import PublishedCell, group_pairs
from clinwell.web.results.services.cache import WaveResults, results_for
from clinwell.web.results.services.scope import Scope, cut_dimensions
from clinwell.web.surveys.models import Wave
from clinwell.web.surveys.services.form import COMMENT_FIELD, COMMENT_QUESTION


def scoped_cells(
    membership: Membership, res: WaveResults, group: str | None = ""
) -> list[PublishedCell]:
    """Every released cell the member may see (leaders: their subtree, no organization row)
    of one group (``""`` = everyone; None = every group)."""
    if membership.is_org_wide:
        return res.cells(None, group)
    return res.cells(list(visible_units(membership).values_list("pk", flat=True)), group)


def csv_rows(
    membership: Membership, wave: Wave, scope: Scope | None = None, all_groups: bool = False
) -> list[list[str]]:
    """Header plus one row per visible released cell (suppressed cells carry no numbers).

    The scope's group (everyone without a cut) — the same cells the pages and the API show;
    with ``all_groups``, every group's cells (one column per cut dimension, blank = all).
    """
    res = results_for(wave)
    dimensions = [name for name, _, _ in cut_dimensions(membership.organization, wave)]
    header = ["wave", "unit_id", "unit", *dimensions, "suppressed", "hidden_reason", "n"]
    for m in res.measures:
        header += [f"{m.column}_estimate", f"{m.column}_lower", f"{m.column}_upper"]
    rows = [header]
    group = None if all_groups else ("" if scope is None else scope.group)
    cells = scoped_cells(membership, res, group)
    if scope is not None and scope.unit is not None:
        cells = [c for c in cells if c.unit is not None and _within(c.unit, scope.unit)]
    for cell in cells:
        name = membership.organization.name if cell.unit is None else cell.unit.full_name
        row = [wave.name, "" if cell.unit_id is None else str(cell.unit_id), name]
        chosen = dict(group_pairs(cell.group))
        row += [chosen.get(d, "") for d in dimensions]
        reason = hidden_reason(cell) or ""
        row += [str(cell.suppressed).lower(), reason, "" if cell.n is None else str(cell.n)]
        for m in res.measures:
            est = None if cell.suppressed else cell.estimates.get(m.column)
            for key in ("estimate", "lower", "upper"):
                value = None if not est else est.get(key)
                row.append("" if value is None else repr(float(value)))
        rows.append(row)
    return rows


def _within(unit: Unit, top: Unit) -> bool:
    return unit.tree_path.startswith(top.tree_path)


def csv_response(
    membership: Membership, wave: Wave, scope: Scope | None = None, all_groups: bool = False
) -> HttpResponse:
    buffer = io.StringIO()
    SafeWriter(buffer).writerows(csv_rows(membership, wave, scope, all_groups))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"clinwell-results-{membership.organization.slug}-wave{wave.pk}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def comments_data(membership: Membership, wave: Wave, scope: Scope) -> dict[str, Any]:
    """Released comments of the scope and which child units have their own (admins only)."""
    res = results_for(wave)
    cell = res.cell(scope.unit_id)
    children = []
    parent = scope.unit_id
    units = visible_units(membership)
    child_units = list(units.filter(parent_id=parent).order_by("name"))
    if scope.unit is None and len(child_units) == 1:
        parent = child_units[0].pk
        child_units = list(units.filter(parent_id=parent).order_by("name"))
    cells = {c.unit_id: c for c in res.children(parent)}
    for unit in child_units:
        c = cells.get(unit.pk)
        released = bool(
            c
            and not c.suppressed
            and c.comments
            and any(v is not None for v in c.comments.values())
        )
        children.append({"unit": unit, "released": released})
    groups = []
    if cell is not None and not cell.suppressed and cell.comments:
        for question, texts in sorted(cell.comments.items()):
            # the question's wording, never its key ("comment")
            wording = COMMENT_QUESTION if question == COMMENT_FIELD else question
            groups.append({"question": wording, "texts": texts})
    return {
        "cell": cell,
        "groups": groups,
        "children": children,
        "min_n_comments": res.meta.policy.get("min_n_comments"),
    }


def hidden_reason(cell: PublishedCell) -> str | None:
    """Why a cell is hidden, in the words the pages use (None when it is published): the
    gate marks a hidden cell of at least the threshold as protecting a smaller group
    (:func:`~clinwell.web.results.services.gate.mark_protecting`); any other is too small."""
    if not cell.suppressed:
        return None
    return "protects a smaller group" if cell.protects_other else "too few respondents"
