"""Rules of the code's shape that import-linter cannot express, checked on the source tree."""

from __future__ import annotations

import re
from pathlib import Path

import clinwell

SRC = Path(clinwell.__file__).parent
WEB = SRC / "web"


def _python(root: Path) -> list[Path]:
    return [p for p in root.rglob("*.py") if "migrations" not in p.parts]


def _relative(path: Path) -> str:
    return path.relative_to(SRC).as_posix()


def test_views_and_api_endpoints_do_not_query_models_directly() -> None:
    """Views reach data through access functions, presenters and services, never
    ``Model.objects`` (one choke point for tenant scoping)."""
    modules = [
        *WEB.glob("*/views.py"),
        *WEB.glob("*/*_views.py"),
        *WEB.glob("*/api.py"),  # an app's own API endpoints (the consortium's member API)
        *(WEB / "api" / "endpoints").glob("*.py"),
        WEB / "views.py",
    ]
    offenders = [
        f"{_relative(m)}:{n}"
        for m in modules
        for n, line in enumerate(m.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"\.objects\b|_default_manager\b|_base_manager\b", line)
    ]
    assert offenders == []


OPENS_RESPONSES = re.compile(r"\bOpener\b|\bopen_responses\b|\bload_wave\b|\bopen_all\b")
MAY_OPEN_RESPONSES = {
    # the sealing itself, and the results computation: the one reader of answers
    "web/surveys/services/sealing.py",
    "web/results/services/loading.py",
    "web/results/services/compute.py",
    # re-sealing at close and after a key rotation (contents are written back, not read out)
    "web/surveys/services/lifecycle.py",
    "web/surveys/management/commands/reseal_responses.py",
    # whether a roster role is still held by responses (a yes/no per wave, docs/privacy.md)
    "web/surveys/services/usage.py",
}


def test_only_the_results_computation_reads_responses() -> None:
    """No module outside the results computation (and the surveys app's own sealing
    services listed above) opens stored responses: every number leaves through the release."""
    readers = {
        _relative(m) for m in _python(SRC) if OPENS_RESPONSES.search(m.read_text(encoding="utf-8"))
    }
    assert readers <= MAY_OPEN_RESPONSES, sorted(readers - MAY_OPEN_RESPONSES)
    assert "web/results/services/loading.py" in readers  # the rule still finds its reader


def test_every_web_app_has_the_same_shape() -> None:
    """Each app keeps views in views.py, writes in services, reads in access/presenters."""
    for app in sorted(p.parent for p in WEB.glob("*/apps.py")):
        names = {p.name for p in app.iterdir()}
        # the audit trail is the bottom layer: its page lives in governance, above orgs
        assert "views.py" in names or app.name in ("accounts", "audit"), app.name
        assert "models.py" in names or app.name in ("dashboard",), app.name


def strongly_connected(edges: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's strongly connected components of a directed graph (iterative: no recursion
    limit), each a set of nodes; a node on no cycle is a component of its own."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            step = next(successors, None)
            if step is not None:
                if step not in index:
                    index[step] = low[step] = len(index)
                    stack.append(step)
                    on_stack.add(step)
                    work.append((step, iter(sorted(edges.get(step, ())))))
                elif step in on_stack:
                    low[node] = min(low[node], index[step])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                found.append(component)
    return found


def test_tarjan_finds_cycles_and_only_cycles() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": {"e"}, "e": {"d"}, "f": {"a"}}
    components = sorted(sorted(c) for c in strongly_connected(edges))
    assert components == [["a", "b", "c"], ["d", "e"], ["f"]]


# Module cycles tolerated for now, each with the reason; the test fails when one grows, when a
# new one appears, and when a listed one is gone (then delete its line).
ALLOWED_CYCLES: dict[frozenset[str], str] = {}


def test_no_import_cycle_between_modules() -> None:
    """No two modules of clinwell import each other, directly or through others: imports
    inside functions and under TYPE_CHECKING count too (grimp reports both)."""
    import grimp

    graph = grimp.build_graph("clinwell", cache_dir=None)
    edges = {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    assert len(edges) > 100  # the whole package was read
    cycles = {frozenset(c) for c in strongly_connected(edges) if len(c) > 1}
    unexpected = [sorted(c) for c in cycles if c not in ALLOWED_CYCLES]
    assert unexpected == [], "import cycles (move the shared definition to its owner)"
    assert cycles == set(ALLOWED_CYCLES), "a listed cycle is gone: remove it from the list"
