"""Build a nested unit tree with headcounts for display."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from clinwell.web.orgs.models import Unit


@dataclass
class TreeNode:
    unit: Unit
    headcount: int = 0
    subtree_headcount: int = 0
    children: list[TreeNode] = field(default_factory=list)


def build_tree(units: Iterable[Unit], headcounts: dict[int, int]) -> list[TreeNode]:
    """Nodes for ``units``; a unit whose parent is not in the set becomes a root."""
    nodes = {u.pk: TreeNode(u, headcounts.get(u.pk, 0)) for u in units}
    roots: list[TreeNode] = []
    children: dict[int, list[TreeNode]] = defaultdict(list)
    for node in nodes.values():
        parent_id = node.unit.parent_id
        if parent_id in nodes:
            children[parent_id].append(node)
        else:
            roots.append(node)

    def fill(node: TreeNode) -> int:
        node.children = sorted(children[node.unit.pk], key=lambda n: n.unit.name.lower())
        node.subtree_headcount = node.headcount + sum(fill(c) for c in node.children)
        return node.subtree_headcount

    for root in roots:
        fill(root)
    return sorted(roots, key=lambda n: n.unit.name.lower())
