"""Positions of the career map, computed apart from drawing (as networkx ``drawing/layout.py``).

Pure functions of a networkx graph of roles: which roles to keep, which
level each sits on, and where each goes. Nothing here imports matplotlib.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import networkx as nx

from ._common import label_of_node, local_name

__all__ = ["curvature", "generations", "layered_layout", "pick_roles", "track_name"]


def pick_roles(g, must: list, max_roles: int) -> list:
    """Keep ``must`` plus, up to ``max_roles``: ladder roles, the route's neighbours, the best connected.

    On a big store the route's own neighbourhood tells more than the hubs
    of the whole graph, which would draw as a hairball of unrelated moves.
    """
    if g.number_of_nodes() <= max_roles:
        return list(g.nodes)
    keep = list(dict.fromkeys(must))
    if len(keep) >= max_roles:
        return keep
    chosen = set(keep)
    near = {m for n in keep for m in (*g.predecessors(n), *g.successors(n))} if g.is_directed() else \
        {m for n in keep for m in g.neighbors(n)}
    ranked = sorted(
        (n for n in g.nodes if n not in chosen),
        key=lambda n: (g.nodes[n].get("track") is None, n not in near, -g.degree(n), label_of_node(g, n)),
    )
    return keep + ranked[: max_roles - len(keep)]


def generations(g, nodes: list) -> dict:
    """Level of each untracked role: its generation in the move DAG (1 = no predecessors)."""
    sub = nx.DiGraph()
    sub.add_nodes_from(nodes)
    sub.add_edges_from((u, v) for u, v, d in g.subgraph(nodes).edges(data=True) if d.get("kind") != "same-as")
    cond = nx.condensation(sub)
    level = {}
    for i, gen in enumerate(nx.topological_generations(cond), start=1):
        for c in gen:
            for n in cond.nodes[c]["members"]:
                level[n] = i
    return level


def track_name(track, labels: Mapping[str, str]) -> str:
    """Display name of a track: its label without a trailing 'track'.

    Examples
    --------
    >>> track_name("https://w3id.org/careergraph/id/track/ml", {"https://w3id.org/careergraph/id/track/ml": "ML Researcher track"})
    'ML Researcher'
    >>> track_name("https://w3id.org/careergraph/id/track/applied-ml", {})
    'Applied ml'
    """
    name = labels.get(str(track)) or local_name(track)
    if name.lower().endswith(" track"):
        name = name[:-6]
    return name


def layered_layout(g, nodes: list, names: Mapping[str, str], cap: int = 6):
    """Layered layout: one column group per track with y = level.

    Roles without a track that enter a ladder (``entry`` moves) sit on row 0
    under the ladders; other roles without a track fill a grid on the right,
    ordered by their generation in the move graph.

    Returns ``(pos, groups, n_rows, has_entry_row)`` where ``groups`` is a
    list of ``(name, x_left, width, is_track)``.
    """
    node_set = set(nodes)
    tracked = {n for n in nodes if g.nodes[n].get("track") is not None and g.nodes[n].get("level") is not None}
    entry = [n for n in nodes if n not in tracked and any(
        v in tracked and d.get("kind") == "entry" for _u, v, d in g.out_edges(n, data=True) if v in node_set)]
    entry_set = set(entry)
    by_track: dict[str, list] = defaultdict(list)
    for n in tracked:
        by_track[track_name(g.nodes[n]["track"], names)].append(n)
    others = [n for n in nodes if n not in tracked and n not in entry_set]

    pos: dict[Any, tuple[float, float]] = {}
    groups = []
    x = 0.0
    n_rows = 1
    for name in sorted(by_track, key=str.lower):
        cells: dict[int, list] = defaultdict(list)
        for n in by_track[name]:
            cells[int(g.nodes[n]["level"])].append(n)
        width = max(len(c) for c in cells.values())
        for lvl, cell in cells.items():
            cell.sort(key=lambda n: label_of_node(g, n))
            off = (width - len(cell)) / 2
            for i, n in enumerate(cell):
                pos[n] = (x + off + i + 0.5, float(lvl))
        n_rows = max(n_rows, max(cells))
        groups.append((name, x, width, True))
        x += width + 0.35
    if entry:
        ladders_w = max(x - 0.35, 1.0)
        # order entry roles by where their targets are, so fans do not cross more than needed
        def centre(n):
            xs = [pos[v][0] for v in g.successors(n) if v in pos]
            return (sum(xs) / len(xs) if xs else 0.0, label_of_node(g, n))

        entry.sort(key=centre)
        width = max(ladders_w, float(len(entry)))
        step = width / len(entry)
        for i, n in enumerate(entry):
            pos[n] = (step * (i + 0.5), 0.0)
        if width > ladders_w:
            x = width + 0.35
    if others:
        level = generations(g, others)
        others.sort(key=lambda n: (level[n], label_of_node(g, n)))
        width = min(cap, max(1, math.ceil(math.sqrt(len(others)))))
        for i, n in enumerate(others):
            pos[n] = (x + (i % width) + 0.5, float(i // width + 1))
        n_rows = max(n_rows, math.ceil(len(others) / width))
        groups.append(("Other roles" if tracked else "Roles", x, width, False))
    return pos, groups, n_rows, bool(entry)



def curvature(x0: float, y0: float, x1: float, y1: float, n_rows: int) -> float:
    """Arc bend of an edge: straight between neighbouring rows, bowed otherwise.

    Boxes sit only on rows, so an edge between neighbouring rows never
    crosses one; edges along a row or across several rows bow (upwards, or
    downwards on the top row) to leave the boxes in between.
    """
    dy = abs(y1 - y0)
    if 0 < dy <= 1 + 1e-9:
        return 0.0
    if abs(x0 - x1) < 1e-9:
        return 0.3
    up = -1.0 if x1 > x0 else 1.0
    if dy < 1e-9:  # along a row: bow enough to clear the boxes in between
        if y0 >= n_rows:
            up = -up
        return round(up * min(0.45, 0.6 / abs(x1 - x0)), 3)
    return round(up * 0.15, 3)
