"""Pictures of the career graph: ladders, skill overlap, skills, salaries, gaps.

Every function draws on a Matplotlib ``Axes`` (a new figure when ``ax`` is
``None``), returns that ``Axes`` and never shows or saves anything; use
:func:`save_figure` to write PNG, SVG or PDF. Inputs are plain data (lists,
arrays, networkx graphs) or a :class:`careergraph.project.Projection`, so
the drawing code is usable without a triple store.

Big graphs stay readable: :func:`plot_career_map` keeps at most
``max_roles`` roles (the highlighted path first, then the best connected
ones), :func:`plot_role_skills` keeps the ``max_skills`` most shared skills,
long labels are wrapped and figures use constrained layout.

Examples
--------
>>> import networkx as nx
>>> from careergraph.viz import plot_career_map
>>> g = nx.DiGraph()
>>> g.add_node("a", label="Junior ML Engineer", track="eng", level=1)
>>> g.add_node("b", label="Senior ML Engineer", track="eng", level=2)
>>> g.add_edge("a", "b", kind="promotion", years=3)
>>> ax = plot_career_map(g)
>>> ax.get_title()
'Career map: 2 roles, 1 move'
"""

from __future__ import annotations

import math
import os
import tempfile
import textwrap
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .errors import InvalidParameter

__all__ = [
    "EDGE_STYLES",
    "FORMATS",
    "plot_career_map",
    "plot_gap",
    "plot_overlap",
    "plot_role_skills",
    "plot_salaries",
    "save_figure",
]

#: File extensions :func:`save_figure` writes, with the Matplotlib format name.
FORMATS: dict[str, str] = {".png": "png", ".svg": "svg", ".pdf": "pdf"}

#: How each kind of move is drawn: colour, line style, width, legend text.
EDGE_STYLES: dict[str, dict[str, Any]] = {
    "promotion": {"color": "#333333", "linestyle": "-", "lw": 1.6, "label": "promotion"},
    "lateral": {"color": "#1f77b4", "linestyle": "--", "lw": 1.2, "label": "lateral move"},
    "entry": {"color": "#2ca02c", "linestyle": ":", "lw": 1.4, "label": "entry route"},
    "same-as": {"color": "#999999", "linestyle": (0, (1, 2)), "lw": 1.0, "label": "same role, other source"},
    "inferred": {"color": "#bbbbbb", "linestyle": (0, (4, 2, 1, 2)), "lw": 0.9, "label": "inferred move"},
}
_PATH_COLOR = "#d62728"
_HAVE_COLOR = "#2ca02c"
_MISSING_COLOR = "#d62728"
_NO_TRACK = "\uffff"  # sorts after every real track


# --------------------------------------------------------------------------- helpers


def _plt():
    import matplotlib.pyplot as plt

    return plt


def _new_axes(ax, size: tuple[float, float]):
    """Return ``ax`` or the Axes of a new constrained-layout figure of ``size`` inches."""
    if ax is not None:
        return ax
    fig = _plt().figure(figsize=size, layout="constrained")
    return fig.add_subplot()


def _wrap(text: str, width: int = 18, max_lines: int = 3) -> str:
    """Wrap a label onto at most ``max_lines`` lines of ``width`` characters.

    Examples
    --------
    >>> _wrap("Director of Machine Learning Products", 16)
    'Director of\\nMachine Learning\\nProducts'
    >>> _wrap("a" * 40, 10, 2)
    'aaaaaaaaaa\\naaaaaaaaa…'
    """
    lines = textwrap.wrap(str(text), width=width, break_long_words=True) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(width - 1, 1)] + "…"
    return "\n".join(lines)


def _local(iri: Any) -> str:
    """Last segment of an IRI, as readable words (``.../track/applied-ml`` -> ``Applied ml``)."""
    s = str(iri)
    for sep in ("#", "/"):
        if sep in s:
            s = s.rstrip(sep).rsplit(sep, 1)[-1]
    s = s.replace("-", " ").replace("_", " ").strip()
    return s[:1].upper() + s[1:] if s else str(iri)


def _transitions(proj):
    import networkx as nx

    g = proj if isinstance(proj, nx.Graph) else getattr(proj, "transitions", None)
    if not isinstance(g, nx.Graph):
        raise InvalidParameter(
            f"Expected a Projection or a networkx graph of roles, got {type(proj).__name__}; "
            "build one with careergraph.project.project(graph)"
        )
    return g


def _label_of_node(g, n) -> str:
    return str(g.nodes[n].get("label") or _local(n))


def _path_nodes(g, highlight_path) -> list:
    """Turn a path (IRIs, labels, or an object with ``.path``) into node ids of ``g``."""
    if highlight_path is None:
        return []
    steps = highlight_path
    for attr in ("roles", "path"):  # a careergraph.paths.PathResult, or anything with .path
        if not isinstance(highlight_path, (list, tuple)) and hasattr(highlight_path, attr):
            steps = getattr(highlight_path, attr)
            break
    if isinstance(steps, str):
        raise InvalidParameter("highlight_path must be a sequence of roles, not one string")
    by_label: dict[str, Any] = {}
    for n, d in g.nodes(data=True):
        by_label.setdefault(str(d.get("label", "")).lower(), n)
    out = []
    for step in steps:
        key = getattr(step, "role", step)
        if key in g:
            out.append(key)
        elif str(key) in g:
            out.append(str(key))
        elif str(key).lower() in by_label:
            out.append(by_label[str(key).lower()])
        else:
            from .errors import RoleNotFound, suggest

            raise RoleNotFound(str(key), suggest(str(key), [l for l in by_label if l]))
    return out


#: Above this many drawn moves, moves off the highlighted route are drawn faint.
_CROWDED_EDGES = 120


def _pick_roles(g, must: list, max_roles: int) -> list:
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
        key=lambda n: (g.nodes[n].get("track") is None, n not in near, -g.degree(n), _label_of_node(g, n)),
    )
    return keep + ranked[: max_roles - len(keep)]


def _layers(g, nodes: list) -> dict:
    """Level of each untracked role: its generation in the move DAG (1 = no predecessors)."""
    import networkx as nx

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


def _track_labels(proj) -> dict[str, str]:
    """``{track IRI: label}`` from ``proj.track_labels`` or the projection's graph."""
    given = getattr(proj, "track_labels", None)
    if isinstance(given, Mapping):
        return {str(k): str(v) for k, v in given.items()}
    graph = getattr(proj, "graph", None)
    if graph is None:
        return {}
    try:
        rows = graph.query(
            "SELECT ?t ?l WHERE { ?t a <https://w3id.org/careergraph/ontology#CareerTrack> ; "
            "<http://www.w3.org/2000/01/rdf-schema#label> ?l }"
        )
        return {str(t): str(lab) for t, lab in rows}
    except Exception:  # noqa: BLE001 - labels are a nicety; fall back to the IRI's last segment
        return {}


def _track_name(track, labels: Mapping[str, str]) -> str:
    """Display name of a track: its label without a trailing 'track'.

    Examples
    --------
    >>> _track_name("https://w3id.org/careergraph/id/track/ml", {"https://w3id.org/careergraph/id/track/ml": "ML Researcher track"})
    'ML Researcher'
    >>> _track_name("https://w3id.org/careergraph/id/track/applied-ml", {})
    'Applied ml'
    """
    name = labels.get(str(track)) or _local(track)
    if name.lower().endswith(" track"):
        name = name[:-6]
    return name


def _layout(g, nodes: list, names: Mapping[str, str], cap: int = 6):
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
        by_track[_track_name(g.nodes[n]["track"], names)].append(n)
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
            cell.sort(key=lambda n: _label_of_node(g, n))
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
            return (sum(xs) / len(xs) if xs else 0.0, _label_of_node(g, n))

        entry.sort(key=centre)
        width = max(ladders_w, float(len(entry)))
        step = width / len(entry)
        for i, n in enumerate(entry):
            pos[n] = (step * (i + 0.5), 0.0)
        if width > ladders_w:
            x = width + 0.35
    if others:
        level = _layers(g, others)
        others.sort(key=lambda n: (level[n], _label_of_node(g, n)))
        width = min(cap, max(1, math.ceil(math.sqrt(len(others)))))
        for i, n in enumerate(others):
            pos[n] = (x + (i % width) + 0.5, float(i // width + 1))
        n_rows = max(n_rows, math.ceil(len(others) / width))
        groups.append(("Other roles" if tracked else "Roles", x, width, False))
    return pos, groups, n_rows, bool(entry)


# --------------------------------------------------------------------------- career map


def _tint(colour, amount: float = 0.3) -> tuple:
    """An opaque light version of ``colour`` (edges drawn under a box stay hidden)."""
    r, g, b = colour[:3]
    return (1 - amount + amount * r, 1 - amount + amount * g, 1 - amount + amount * b, 1.0)


def _curvature(x0: float, y0: float, x1: float, y1: float, n_rows: int) -> float:
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



def plot_career_map(proj, *, highlight_path=None, ax=None, max_roles: int = 60):
    """Draw the career ladders: one column per track, levels bottom to top.

    Roles are boxes coloured by track; promotions, lateral moves, entry
    routes and same-role links are drawn in different styles (see
    :data:`EDGE_STYLES`) with a legend. Roles without a track (imported
    taxonomies) are laid out in a grid after the ladders, ordered by their
    position in the move graph.

    Parameters
    ----------
    proj : Projection or networkx.DiGraph
        A projection (its ``transitions`` graph is used) or a directed graph
        whose nodes have ``label``, ``track`` and ``level`` attributes and
        whose edges have ``kind``.
    highlight_path : sequence or path result, optional
        Role IRIs or labels, or a :class:`careergraph.paths.PathResult`
        (its ``roles``; any object with a ``.path`` also works), to draw in
        red, with numbered steps.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure sized to the map when omitted.
    max_roles : int, default 60
        Draw at most this many roles: the path, then the best connected roles
        (ladder roles first). The title says how many were left out.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    InvalidParameter
        ``max_roles`` below 1, no roles, or a graph of the wrong type.
    RoleNotFound
        A role of ``highlight_path`` is not in the graph.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.DiGraph()
    >>> g.add_node("a", label="Research Assistant", track="research", level=1)
    >>> g.add_node("b", label="ML Researcher", track="research", level=2)
    >>> g.add_node("c", label="ML Analyst", track="applied", level=1)
    >>> g.add_edge("a", "b", kind="promotion")
    >>> g.add_edge("c", "b", kind="lateral")
    >>> ax = plot_career_map(g, highlight_path=["c", "b"])
    >>> sorted(t.get_text() for t in ax.get_legend().get_texts())[:2]
    ['Applied', 'Research']
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch

    if not isinstance(max_roles, int) or isinstance(max_roles, bool) or max_roles < 1:
        raise InvalidParameter(f"max_roles must be a positive integer, got {max_roles!r}")
    g = _transitions(proj)
    if g.number_of_nodes() == 0:
        raise InvalidParameter("The graph has no roles to draw; load data or pick another store")
    path = _path_nodes(g, highlight_path)
    nodes = _pick_roles(g, path, max_roles)
    sub = g.subgraph(nodes)
    names = _track_labels(proj)
    pos, groups, n_rows, entry_row = _layout(g, nodes, names)
    bottom = 0 if entry_row else 1

    total_w = max(max(x for x, _y in pos.values()) + 0.5, groups[-1][1] + groups[-1][2] if groups else 1.0)
    col_in = 1.45
    fig_w = min(max(total_w * col_in + 2.8, 6.0), 40.0)
    fig_h = min(max((n_rows - bottom + 1) * 1.0 + 1.7, 3.5), 30.0)
    ax = _new_axes(ax, (fig_w, fig_h))
    fig = ax.figure
    # font size from the real width of one column on this Axes
    unit_in = fig.get_figwidth() * ax.get_position().width / max(total_w, 1)
    font = float(np.clip(unit_in * 5.0, 4.5, 8.0))
    wrap_w = 15

    tracks = [name for name, _x, _w, is_track in groups if is_track]
    cmap = _plt().get_cmap("tab10" if len(tracks) <= 10 else "tab20")
    colour_of = {name: cmap(i % cmap.N) for i, name in enumerate(tracks)}
    other_colour = (0.55, 0.55, 0.55, 1.0)

    def colour(n):
        d = g.nodes[n]
        if d.get("track") is None or d.get("level") is None:
            return other_colour
        return colour_of.get(_track_name(d["track"], names), other_colour)

    bw, bh = 0.86, 0.52
    boxes = {}
    on_path = set(path)
    for n in nodes:
        x, y = pos[n]
        c = colour(n)
        box = FancyBboxPatch(
            (x - bw / 2, y - bh / 2), bw, bh, boxstyle="round,pad=0,rounding_size=0.08",
            facecolor=_tint(c), edgecolor=_PATH_COLOR if n in on_path else c,
            lw=2.4 if n in on_path else 1.0, zorder=3,
        )
        ax.add_patch(box)
        boxes[n] = box
        ax.text(x, y, _wrap(_label_of_node(g, n), wrap_w), ha="center", va="center", fontsize=font,
                zorder=4, fontweight="bold" if n in on_path else "normal", linespacing=1.05)

    path_edges = set(zip(path, path[1:]))
    kinds_used = []

    # Many moves (a big store): those that do not touch the route fade, so the route reads.
    crowded = bool(path) and sub.number_of_edges() > _CROWDED_EDGES
    route = set(path)

    def arrow(u, v, *, style, hot, kind):
        (x0, y0), (x1, y1) = pos[u], pos[v]
        faint = crowded and not hot and u not in route and v not in route
        ax.add_patch(FancyArrowPatch(
            (x0, y0), (x1, y1), patchA=boxes[u], patchB=boxes[v],
            arrowstyle="-" if kind == "same-as" else "-|>", mutation_scale=9,
            connectionstyle=f"arc3,rad={_curvature(x0, y0, x1, y1, n_rows)}",
            color=_PATH_COLOR if hot else style["color"], linestyle="-" if hot else style["linestyle"],
            lw=2.6 if hot else style["lw"], zorder=3.5 if hot else 2, shrinkA=1, shrinkB=1,
            alpha=0.15 if faint else 1.0,
        ))

    for u, v, d in sub.edges(data=True):
        kind = d.get("kind") or "lateral"
        if kind not in kinds_used:
            kinds_used.append(kind)
        if kind == "same-as" and (v, u) in sub.edges and str(u) > str(v) and (u, v) not in path_edges:
            continue  # draw a symmetric same-as link once
        arrow(u, v, style=EDGE_STYLES.get(kind, EDGE_STYLES["inferred"]), hot=(u, v) in path_edges, kind=kind)
    for u, v in path_edges - set(sub.edges):  # a step the graph itself does not hold (an inferred move)
        arrow(u, v, style=EDGE_STYLES["inferred"], hot=True, kind="inferred")
    for i, n in enumerate(path, start=1):
        x, y = pos[n]
        ax.text(x - bw / 2 + 0.02, y + bh / 2 - 0.02, str(i), ha="center", va="center", fontsize=font,
                color="white", fontweight="bold", zorder=5,
                bbox={"boxstyle": "circle,pad=0.2", "fc": _PATH_COLOR, "ec": "none"})

    for name, x, width, is_track in groups:
        ax.text(x + width / 2, n_rows + 0.5, _wrap(name, int(max(width * 17, 17)), 2),
                ha="center", va="bottom", fontsize=font + 1, fontweight="bold",
                color=colour_of.get(name, (0.3, 0.3, 0.3, 1)))
    ax.set_xlim(-0.2, total_w + 0.2)
    ax.set_ylim(bottom - 0.6, n_rows + 1.1)
    if tracks:
        ticks = list(range(bottom, n_rows + 1))
        ax.set_yticks(ticks, ["entry\nroles" if t == 0 else f"level {t}" for t in ticks], fontsize=font)
        ax.tick_params(axis="y", length=0)
    else:
        ax.set_yticks([])
    ax.set_xticks([])
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)

    handles = [Patch(facecolor=_tint(colour_of[t]), edgecolor=colour_of[t], label=_wrap(t, 26, 2)) for t in tracks]
    if len(on_path) < len(nodes) and any(colour(n) == other_colour for n in nodes):
        handles.append(Patch(facecolor=_tint(other_colour), edgecolor=other_colour, label="no ladder"))
    order = [k for k in EDGE_STYLES if k in kinds_used] + [k for k in kinds_used if k not in EDGE_STYLES]
    for k in order:
        st = EDGE_STYLES.get(k, {**EDGE_STYLES["inferred"], "label": k})
        handles.append(Line2D([], [], color=st["color"], linestyle=st["linestyle"], lw=st["lw"] + 0.4,
                              label=st["label"]))
    if path:
        handles.append(Line2D([], [], color=_PATH_COLOR, lw=2.6, label="highlighted path"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=max(font, 7),
              frameon=False, title="Tracks and moves", title_fontsize=max(font, 7) + 0.5)

    n_edges = sub.number_of_edges()
    title = f"Career map: {len(nodes)} roles, {n_edges} move{'s' if n_edges != 1 else ''}"
    if len(nodes) < g.number_of_nodes():
        title += f" (showing {len(nodes)} of {g.number_of_nodes():,} roles)"
    if path:
        steps = len(path) - 1
        title += (f"\nhighlighted: {_label_of_node(g, path[0])} → {_label_of_node(g, path[-1])}, "
                  f"{steps} step{'s' if steps != 1 else ''}")
    ax.set_title(title, fontsize=max(font, 7) + 2)
    return ax


# --------------------------------------------------------------------------- overlap


def _leaf_order(m: np.ndarray) -> np.ndarray:
    """Order of rows by average-linkage clustering of ``1 - m`` (identity for n < 3)."""
    n = m.shape[0]
    if n < 3:
        return np.arange(n)
    from scipy.cluster.hierarchy import leaves_list, linkage, optimal_leaf_ordering
    from scipy.spatial.distance import squareform

    d = 1.0 - np.nan_to_num(m, nan=0.0)
    d = (d + d.T) / 2
    np.fill_diagonal(d, 0.0)
    d = np.clip(d, 0.0, None)
    y = squareform(d, checks=False)
    z = linkage(y, method="average")
    if n <= 400:
        z = optimal_leaf_ordering(z, y)
    return leaves_list(z)


def plot_overlap(labels: Sequence[str], matrix, *, ax=None, annotate: bool | None = None):
    """Draw an all-pairs skill-overlap matrix as a clustered heatmap.

    Rows and columns are reordered by the leaves of an average-linkage
    hierarchical clustering (distance ``1 - Jaccard``), so roles that share
    skills sit together.

    Parameters
    ----------
    labels : sequence of str
        Role labels, one per row of ``matrix``.
    matrix : array-like, shape (n, n)
        Jaccard similarities in [0, 1], as returned by
        :func:`careergraph.overlap.matrix`.
    ax : matplotlib.axes.Axes, optional
    annotate : bool, optional
        Write the value in each cell; default when there are at most 15 roles.

    Returns
    -------
    matplotlib.axes.Axes
        The heatmap axes; its colourbar is labelled "Jaccard".

    Raises
    ------
    InvalidParameter
        ``matrix`` is not square or does not match ``labels``.

    Examples
    --------
    >>> import numpy as np
    >>> m = np.array([[1, .1, .8], [.1, 1, .2], [.8, .2, 1]])
    >>> ax = plot_overlap(["Data Scientist", "MLOps Engineer", "ML Analyst"], m)
    >>> [t.get_text() for t in ax.get_xticklabels()]  # the two similar roles side by side
    ['MLOps Engineer', 'ML Analyst', 'Data Scientist']
    >>> ax.figure.axes[-1].get_ylabel()
    'Jaccard'
    """
    m = np.asarray(matrix, dtype=float)
    labels = [str(x) for x in labels]
    if m.ndim != 2 or m.shape[0] != m.shape[1]:
        raise InvalidParameter(f"matrix must be square, got shape {m.shape}")
    if m.shape[0] != len(labels):
        raise InvalidParameter(f"{len(labels)} labels for a {m.shape[0]}x{m.shape[0]} matrix; give one label per row")
    n = len(labels)
    if n == 0:
        raise InvalidParameter("No roles to compare; give at least one role")
    order = _leaf_order(m)
    m = m[np.ix_(order, order)]
    names = [labels[i] for i in order]
    side = float(np.clip(0.32 * n + 2.5, 4.5, 22))
    ax = _new_axes(ax, (side + 1.2, side))
    cell_pt = (min(side, 22) - 2.5) / max(n, 1) * 72  # height of one row in points
    font = float(np.clip(cell_pt * 0.36, 3.5, 9))
    im = ax.imshow(m, cmap="viridis", vmin=0.0, vmax=1.0, interpolation="nearest")
    cbar = ax.figure.colorbar(im, ax=ax, shrink=0.8, pad=0.02)
    cbar.set_label("Jaccard")
    ax.set_xticks(range(n), [_wrap(s, 30, 1) for s in names], rotation=60, ha="right",
                  rotation_mode="anchor", fontsize=font)
    ax.set_yticks(range(n), [_wrap(s, 30, 1) for s in names], fontsize=font)
    if annotate is None:
        annotate = n <= 15
    if annotate:
        for i in range(n):
            for j in range(n):
                v = m[i, j]
                if np.isfinite(v):
                    ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=font - 1,
                            color="black" if v > 0.6 else "white")
    ax.set_title(f"Skill overlap of {n} roles (Jaccard, clustered)")
    return ax


# --------------------------------------------------------------------------- role skills


def _labels_list(labels, keys) -> list[str]:
    if isinstance(labels, Mapping):
        return [str(labels.get(k, _local(k))) for k in keys]
    if labels is None:
        return [_local(k) for k in keys]
    return [str(x) for x in labels]


def _role_rows(proj, roles) -> list[int]:
    index = getattr(proj, "role_index", None) or {r: i for i, r in enumerate(proj.roles)}
    labels = _labels_list(getattr(proj, "role_labels", None), proj.roles)
    by_label: dict[str, int] = {}
    for i, lab in enumerate(labels):
        by_label.setdefault(lab.lower(), i)
    rows = []
    for r in roles:
        if r in index:
            rows.append(index[r])
        elif str(r) in index:
            rows.append(index[str(r)])
        elif str(r).lower() in by_label:
            rows.append(by_label[str(r).lower()])
        else:
            from .errors import RoleNotFound, suggest

            raise RoleNotFound(str(r), suggest(str(r), labels))
    return list(dict.fromkeys(rows))


def plot_role_skills(proj, roles, *, ax=None, max_skills: int = 40):
    """Draw which skills some roles need: roles left, skills right, one line per need.

    Essential skills are solid lines, optional ones dashed; each role has its
    own colour. Skills shared by more of the roles come first; at most
    ``max_skills`` skills are drawn (the title says how many were left out).

    Parameters
    ----------
    proj : Projection
        Needs ``roles``, ``role_index``, ``role_labels``, ``skills``,
        ``skill_labels``, ``role_skill`` (roles x skills) and ``essential``
        (same shape, true where the skill is essential).
    roles : sequence
        Role IRIs or labels.
    ax : matplotlib.axes.Axes, optional
    max_skills : int, default 40

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    RoleNotFound
        A role is not in the projection.
    InvalidParameter
        No roles given, or ``max_skills`` below 1.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> import numpy as np
    >>> from scipy import sparse
    >>> proj = SimpleNamespace(
    ...     roles=["r1", "r2"], role_index={"r1": 0, "r2": 1}, role_labels=["Data Scientist", "ML Engineer"],
    ...     skills=["s1", "s2", "s3"], skill_labels=["Python", "Statistics", "Docker"],
    ...     role_skill=sparse.csr_matrix(np.array([[1, 1, 0], [1, 0, 1]])),
    ...     essential=sparse.csr_matrix(np.array([[1, 0, 0], [1, 0, 0]], dtype=bool)))
    >>> ax = plot_role_skills(proj, ["Data Scientist", "r2"])
    >>> len(ax.lines)
    4
    """
    from matplotlib.lines import Line2D

    if not isinstance(max_skills, int) or max_skills < 1:
        raise InvalidParameter(f"max_skills must be a positive integer, got {max_skills!r}")
    roles = list(roles)
    if not roles:
        raise InvalidParameter("Give at least one role to draw")
    rows = _role_rows(proj, roles)
    role_labels = _labels_list(getattr(proj, "role_labels", None), proj.roles)
    skill_labels = _labels_list(getattr(proj, "skill_labels", None), proj.skills)
    a = proj.role_skill
    sub = a[rows]
    sub = sub.toarray() if hasattr(sub, "toarray") else np.asarray(sub)
    ess = getattr(proj, "essential", None)
    if ess is not None:
        e = ess[rows]
        e = e.toarray() if hasattr(e, "toarray") else np.asarray(e)
        if e.shape != sub.shape:  # a per-skill-requirement vector is not usable here
            e = np.zeros_like(sub, dtype=bool)
    else:
        e = np.zeros_like(sub, dtype=bool)
    used = np.flatnonzero((sub != 0).any(axis=0))
    shared = (sub[:, used] != 0).sum(axis=0)
    n_ess = (e[:, used] != 0).sum(axis=0)
    keep = sorted(range(len(used)), key=lambda k: (-shared[k], -n_ess[k], skill_labels[used[k]].lower()))
    cols = [used[k] for k in keep[:max_skills]]
    n_s, n_r = len(cols), len(rows)
    # roles spread evenly; each skill placed at the mean height of the roles needing it
    # (barycentre ordering), which keeps line crossings few
    bary = {c: float(np.mean(np.flatnonzero(sub[:, c] != 0))) for c in cols}
    cols.sort(key=lambda c: (bary[c], -int((sub[:, c] != 0).sum()), skill_labels[c].lower()))
    height = float(np.clip(max(n_s, n_r) * 0.26 + 1.4, 3.0, 24))
    ax = _new_axes(ax, (8.5, height))
    cmap = _plt().get_cmap("tab10" if n_r <= 10 else "tab20")
    span = max(n_s, n_r, 2) - 1
    y_role = [span * (1 - (k + 0.5) / n_r) for k in range(n_r)]
    y_skill = [span / 2 if n_s == 1 else span - k * span / (n_s - 1) for k in range(n_s)]
    for ri in range(n_r):
        colour = cmap(ri % cmap.N)
        for si, c in enumerate(cols):
            if sub[ri, c] == 0:
                continue
            essential = bool(e[ri, c])
            ax.plot([0, 1], [y_role[ri], y_skill[si]], color=colour, lw=1.5 if essential else 1.0,
                    linestyle="-" if essential else "--", alpha=0.85)
    ax.scatter([0] * n_r, y_role, s=60, c=[cmap(i % cmap.N) for i in range(n_r)], zorder=3)
    ax.scatter([1] * n_s, y_skill, s=22, c="#555555", zorder=3)
    font = float(np.clip(220 / max(n_s, n_r, 1) / 2.2, 6, 9))
    for ri, r in enumerate(rows):
        ax.text(-0.03, y_role[ri], _wrap(role_labels[r], 24, 2), ha="right", va="center", fontsize=font + 1,
                color=cmap(ri % cmap.N), fontweight="bold")
    for si, c in enumerate(cols):
        ax.text(1.03, y_skill[si], _wrap(skill_labels[c], 34, 1), ha="left", va="center", fontsize=font)
    ax.set_xlim(-0.75, 1.75)
    ax.set_ylim(-0.8, span + 0.8)
    ax.axis("off")
    handles = [Line2D([], [], color="#444444", lw=1.5, label="essential"),
               Line2D([], [], color="#444444", lw=1.0, linestyle="--", label="optional")]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=2, frameon=False,
              fontsize=8)
    title = "Skills of " + ", ".join(role_labels[r] for r in rows[:4]) + (" …" if n_r > 4 else "")
    if len(used) > n_s:
        title += f"\n(showing the {n_s} most shared of {len(used)} skills)"
    elif n_r > 1:
        title += f"\n({int((shared > 1).sum())} of {len(used)} skills shared)"
    ax.set_title(_wrap(title, 90, 3), fontsize=10)
    return ax


# --------------------------------------------------------------------------- salaries

_STAT_MARKERS = {
    "mean": ("D", "mean"),
    "median": ("o", "median"),
    "percentile": ("|", "percentile"),
    "min": ("<", "minimum"),
    "max": (">", "maximum"),
    "topearners": ("*", "top earners"),
}
_COMPARATOR = {"upto": "≤", "morethan": ">", "around": "≈"}


def _stat(value) -> str:
    """``cg:RangeLow`` / ``…#Median`` / ``"median"`` -> ``rangelow`` / ``median``."""
    s = str(value or "")
    s = s.rsplit("#", 1)[-1].rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    return s.replace("-", "").replace("_", "").lower()


def _usd(x, _pos=None) -> str:
    """Thousands formatting for money axes.

    Examples
    --------
    >>> _usd(142418.0)
    '$142,418'
    """
    return f"${x:,.0f}"


def _year(v) -> str:
    s = str(v)
    return s[:4] if len(s) >= 4 and s[:4].isdigit() else s


def plot_salaries(rows: Iterable[Mapping[str, Any]], *, ax=None, currency: str | None = None):
    """Draw salary observations: per role and source, the range and the marks.

    Each role gets one band, with one line per source (and region): a bar
    from the range's low to its high end, and marks for mean, median,
    percentiles (labelled ``p25``...), minimum, maximum and top earners.
    Bounds a source only gives as "up to", "more than" or "around" carry
    ``≤``, ``>`` or ``≈`` in their label. Statistics that are differences
    (``AboveNationalAverage``) are left out.

    Parameters
    ----------
    rows : iterable of dict
        Rows of ``queries/plot-salaries.rq``: ``role``, ``label``,
        ``source``, ``sourceLabel``, ``statistic`` (``cg:`` IRI or name),
        ``percentile``, ``amount``, ``currency``, ``year``, ``region``,
        ``comparator``.
    ax : matplotlib.axes.Axes, optional
    currency : str, optional
        Keep rows of this currency only; needed when the rows mix currencies.

    Returns
    -------
    matplotlib.axes.Axes
        Its title names the year(s) and region(s).

    Raises
    ------
    InvalidParameter
        No rows with an amount, or several currencies and none chosen.

    Examples
    --------
    >>> rows = [
    ...   {"label": "ML Scientist", "sourceLabel": "ZipRecruiter", "statistic": "RangeLow",
    ...    "amount": 78500, "currency": "USD", "year": "2024", "region": "United States"},
    ...   {"label": "ML Scientist", "sourceLabel": "ZipRecruiter", "statistic": "RangeHigh",
    ...    "amount": 199500, "currency": "USD", "year": "2024", "region": "United States"},
    ...   {"label": "ML Scientist", "sourceLabel": "ZipRecruiter", "statistic": "Percentile",
    ...    "percentile": 25, "amount": 123500, "currency": "USD", "year": "2024", "region": "United States"}]
    >>> ax = plot_salaries(rows)
    >>> ax.get_title()
    'Annual salary by role and source: United States, 2024'
    >>> ax.get_xlabel()
    'Annual salary (USD)'
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    data = [dict(r) for r in rows if r.get("amount") is not None]
    data = [r for r in data if _stat(r.get("statistic")) not in ("abovenationalaverage", "difference")]
    currencies = sorted({str(r.get("currency") or "USD") for r in data})
    if currency is not None:
        data = [r for r in data if str(r.get("currency") or "USD") == currency]
    elif len(currencies) > 1:
        raise InvalidParameter(
            f"Salary rows mix currencies {', '.join(currencies)}; pass currency= one of them"
        )
    if not data:
        raise InvalidParameter("No salary observations to draw; the roles have no salary data")
    cur = currency or currencies[0]

    def role_of(r):
        return str(r.get("label") or _local(r.get("role", "?")))

    def source_of(r):
        return str(r.get("sourceLabel") or _local(r.get("source") or "unattributed"))

    bands: dict[str, dict[tuple[str, str], list[dict]]] = defaultdict(lambda: defaultdict(list))
    for r in data:
        bands[role_of(r)][(source_of(r), str(r.get("region") or ""))].append(r)
    role_order = sorted(bands, key=lambda k: -max(float(x["amount"]) for v in bands[k].values() for x in v))
    sources = sorted({s for b in bands.values() for s, _reg in b})
    cmap = _plt().get_cmap("tab10" if len(sources) <= 10 else "tab20")
    colour = {s: cmap(i % cmap.N) for i, s in enumerate(sources)}
    regions = Counter(str(r.get("region") or "") for r in data)
    main_region = regions.most_common(1)[0][0]

    n_lines = sum(len(b) for b in bands.values())
    height = float(np.clip(n_lines * 0.62 + len(bands) * 0.35 + 1.8, 3.2, 26))
    ax = _new_axes(ax, (10.5, height))

    y = 0.0
    yticks, yticklabels, role_mid = [], [], []
    stats_used = set()
    amounts = []
    for role in role_order:
        top = y
        for (src, region), obs in sorted(bands[role].items()):
            c = colour[src]
            vals = {_stat(o.get("statistic")): o for o in obs}
            lows = [float(o["amount"]) for o in obs if _stat(o.get("statistic")) in ("rangelow", "min")]
            highs = [float(o["amount"]) for o in obs if _stat(o.get("statistic")) in ("rangehigh", "max")]
            if lows and highs:
                ax.plot([min(lows), max(highs)], [y, y], color=c, lw=7, alpha=0.35, solid_capstyle="butt")
            marks = []
            for o in obs:
                st = _stat(o.get("statistic"))
                amt = float(o["amount"])
                amounts.append(amt)
                comp = _COMPARATOR.get(str(o.get("comparator") or "").lower().replace("-", ""), "")
                if st in ("rangelow", "rangehigh"):
                    ax.plot([amt, amt], [y - 0.17, y + 0.17], color=c, lw=1.5)
                    if comp:
                        marks.append((amt, comp))
                    continue
                if st == "percentile":
                    p = o.get("percentile")
                    text = f"{comp}p{int(float(p))}" if p is not None else f"{comp}pct"
                    ax.plot([amt], [y], marker="|", markersize=14, mew=2.2, color=c, linestyle="none")
                    stats_used.add("percentile")
                else:
                    key = st if st in _STAT_MARKERS else "max" if st.endswith("high") else st
                    marker, name = _STAT_MARKERS.get(key, ("x", st or "value"))
                    ax.plot([amt], [y], marker=marker, markersize=8 if marker != "*" else 11,
                            color=c, mec="black", mew=0.6, linestyle="none", zorder=3)
                    stats_used.add(key if key in _STAT_MARKERS else st)
                    text = comp + {"mean": "mean", "median": "median", "min": "min", "max": "max",
                                   "topearners": "top"}.get(key, name)
                marks.append((amt, text))
            # alternate labels above and below the line so close marks do not collide
            for k, (amt, text) in enumerate(sorted(marks)):
                above = k % 2 == 0
                ax.annotate(text, (amt, y), xytext=(0, 9 if above else -9), textcoords="offset points",
                            ha="center", va="bottom" if above else "top", fontsize=6.5, color="#222222")
            src_text = src if region == main_region or not region else f"{src} ({region})"
            yticks.append(y)
            yticklabels.append(_wrap(src_text, 30, 2))
            y -= 1.0
        role_mid.append((role, (top + y + 1.0) / 2, top + 0.55))
        y -= 0.6
    ax.set_yticks(yticks, yticklabels, fontsize=8)
    for ylab in ax.get_yticklabels():
        ylab.set_color(colour.get(ylab.get_text().split(" (")[0].replace("\n", " "), "black"))
    for role, _mid, top in role_mid:
        ax.text(0.01, top, role, transform=ax.get_yaxis_transform(), ha="left", va="bottom",
                fontsize=9.5, fontweight="bold")
    ax.set_ylim(y + 0.6 + 0.45, 0.95)
    lo, hi = min(amounts), max(amounts)
    pad = max(hi - lo, 0.2 * hi, 1.0)
    ax.set_xlim(max(0.0, lo - pad * 0.08), hi + pad * 0.06)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=8))
    ax.xaxis.set_major_formatter(FuncFormatter(_usd) if cur == "USD" else
                                 FuncFormatter(lambda x, _p: f"{x:,.0f}"))
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(axis="x", color="#dddddd", lw=0.6)
    ax.set_axisbelow(True)
    ax.set_xlabel(f"Annual salary ({cur})")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)

    handles = [Patch(color=colour[s], label=s) for s in sources]
    handles.append(Line2D([], [], color="grey", lw=7, alpha=0.35, label="overall range"))
    for key in ("mean", "median", "percentile", "min", "max", "topearners"):
        if key in stats_used:
            marker, name = _STAT_MARKERS[key]
            handles.append(Line2D([], [], marker=marker, color="grey", mec="black", mew=0.6 if marker != "|" else 2,
                                  linestyle="none", markersize=8, label=name))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False,
              title="Source / statistic", title_fontsize=8.5)
    years = sorted({_year(r["year"]) for r in data if r.get("year") is not None})
    where = ", ".join(reg for reg, _n in regions.most_common() if reg) or "region not given"
    if "" in regions and where != "region not given":
        where += " (some figures without region)"
    when = ", ".join(years) if years else "year not given"
    if years and any(r.get("year") is None for r in data):
        when += " (some figures undated)"
    ax.set_title(f"Annual salary by role and source: {where}, {when}")
    return ax


# --------------------------------------------------------------------------- gap


def _gap_items(items, weights: Mapping[str, tuple[float, bool]] | None = None) -> list[tuple[str, float, bool, float]]:
    """Normalise gap entries to ``(label, importance, essential, credit)``.

    Entries may be labels, ``(label, importance[, essential])`` tuples, or
    dicts as :func:`careergraph.overlap.gap` returns (``skill``/``label``,
    ``weight``/``importance``, ``essential``, ``credit``). ``weights`` maps a
    label to ``(importance, essential)`` for bare labels.

    Examples
    --------
    >>> _gap_items(["Python", {"skill": "Docker", "weight": 0.5, "essential": False, "credit": 0.5}])
    [('Python', 1.0, False, 0.0), ('Docker', 0.5, False, 0.5)]
    """
    weights = weights or {}
    out = []
    if isinstance(items, Mapping):
        items = [{"label": k, **(v if isinstance(v, Mapping) else {"importance": v})} for k, v in items.items()]
    for it in items or []:
        if isinstance(it, Mapping):
            label = str(it.get("label") or it.get("skill") or it.get("name") or _local(it.get("iri", "?")))
            level = str(it.get("level") or it.get("requirementLevel") or "").lower()
            known = weights.get(label)
            essential = bool(it.get("essential", level.endswith("essential") or (known or (0, False))[1]))
            imp = it.get("importance", it.get("weight"))
            if imp is None:
                imp = known[0] if known else (1.0 if essential else 0.5)
            out.append((label, float(imp), essential, float(it.get("credit") or 0.0)))
        elif isinstance(it, (tuple, list)):
            label = str(it[0])
            imp = it[1] if len(it) > 1 and it[1] is not None else (weights.get(label) or (1.0, False))[0]
            ess = bool(it[2]) if len(it) > 2 else (weights.get(label) or (1.0, False))[1]
            out.append((label, float(imp), ess, 0.0))
        else:
            label = _local(it) if "://" in str(it) else str(it)
            imp, ess = weights.get(label, (1.0, False))
            out.append((label, float(imp), bool(ess), 0.0))
    return out


def _target_weights(proj, gap_result) -> dict[str, tuple[float, bool]]:
    """``{skill label: (weight, essential)}`` of the gap's target role in ``proj``."""
    if proj is None:
        return {}
    iri = gap_result.get("target_iri") or gap_result.get("target")
    try:
        i = proj.role_index[proj.find_role(iri)] if hasattr(proj, "find_role") else proj.role_index[iri]
    except (KeyError, LookupError):
        return {}
    row = proj.role_skill.getrow(i)
    ess = proj.essential.getrow(i)
    ess_cols = set(ess.indices[ess.data.astype(bool)].tolist()) if ess.nnz else set()
    labels = proj.skill_labels
    return {str(labels[proj.skills[j]] if isinstance(labels, Mapping) else labels[j]): (float(w), j in ess_cols)
            for j, w in zip(row.indices, row.data)}


def plot_gap(gap_result: Mapping[str, Any], *, proj=None, ax=None, max_skills: int = 40):
    """Draw what a person has and still misses for a target role, by importance.

    One horizontal bar per skill of the target role, longest (most
    important) first: missing skills in red above the line, held skills in
    green below it. Essential skills are solid and starred, optional ones
    hatched; a missing skill partly covered by a held broader or narrower
    skill is orange.

    Parameters
    ----------
    gap_result : dict
        As returned by :func:`careergraph.overlap.gap`: ``target`` (label),
        ``coverage`` (0..1), ``have`` and ``missing``. Entries may be labels,
        ``(label, importance)`` pairs or dicts with ``skill``/``label``,
        ``weight``/``importance``, ``essential`` and ``credit``.
    proj : Projection, optional
        Gives the importance of the held skills when ``have`` holds bare
        labels (as :func:`~careergraph.overlap.gap` returns); without it they
        count as 1.
    ax : matplotlib.axes.Axes, optional
    max_skills : int, default 40
        Most important skills drawn; the title says how many were left out.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    InvalidParameter
        ``gap_result`` lacks ``have`` and ``missing``.

    Examples
    --------
    >>> gap = {"target": "Machine Learning Engineer", "coverage": 0.5,
    ...        "have": [("Python", 0.9, True)],
    ...        "missing": [{"skill": "Docker", "weight": 0.6, "essential": False}]}
    >>> ax = plot_gap(gap)
    >>> ax.get_title()
    'Skill gap for Machine Learning Engineer: 50% covered'
    >>> [t.get_text() for t in ax.get_yticklabels()]  # missing on top
    ['Docker', 'Python *']
    """
    from matplotlib.patches import Patch

    if not isinstance(gap_result, Mapping) or ("have" not in gap_result and "missing" not in gap_result):
        raise InvalidParameter("gap_result must be a dict with 'have' and 'missing', as careergraph.overlap.gap returns")
    if not isinstance(max_skills, int) or max_skills < 1:
        raise InvalidParameter(f"max_skills must be a positive integer, got {max_skills!r}")
    weights = _target_weights(proj, gap_result)
    have = [(*t, True) for t in _gap_items(gap_result.get("have"), weights)]
    missing = [(*t, False) for t in _gap_items(gap_result.get("missing"), weights)]

    def key(t):
        return (-t[1], not t[2], t[0].lower())

    have.sort(key=key)
    missing.sort(key=key)
    total = len(have) + len(missing)
    if total > max_skills:  # keep the most important of each side, in proportion
        k_m = min(len(missing), max(1, round(max_skills * len(missing) / total))) if missing else 0
        missing, have = missing[:k_m], have[: max_skills - k_m]
    items = missing + have
    n = len(items)
    ax = _new_axes(ax, (8.0, float(np.clip(n * 0.3 + 1.8, 2.8, 20))))
    if n == 0:
        ax.text(0.5, 0.5, "The target role lists no skills", ha="center", va="center", transform=ax.transAxes)
    ys = np.arange(n)[::-1]
    partial_colour = "#ff7f0e"
    for y, (_lab, imp, ess, credit, got) in zip(ys, items):
        c = _HAVE_COLOR if got else (partial_colour if credit > 0 else _MISSING_COLOR)
        ax.barh(y, imp, color=c if ess else "white", edgecolor=c, hatch=None if ess else "////",
                height=0.7, lw=1.0)
    ax.set_yticks(ys, [_wrap(t[0], 36, 1) + (" *" if t[2] else "") for t in items], fontsize=8)
    ax.set_ylim(-0.7, max(n, 1) - 0.3)
    ax.set_xlim(0, max([1.0] + [t[1] for t in items]) * 1.02)
    ax.set_xlabel("Importance for the target role (0–1)")
    if missing and have:
        ax.axhline(ys[len(missing) - 1] - 0.5, color="#666666", lw=0.8, linestyle=":")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    handles = [Patch(color=_MISSING_COLOR, label=f"missing ({len([t for t in missing if t[3] == 0])})")]
    if any(t[3] > 0 for t in missing):
        handles.append(Patch(color=partial_colour, label=f"partly covered ({len([t for t in missing if t[3] > 0])})"))
    handles += [Patch(color=_HAVE_COLOR, label=f"have ({len(have)})"),
                Patch(facecolor="grey", edgecolor="grey", label="essential (*)"),
                Patch(facecolor="white", edgecolor="grey", hatch="////", label="optional")]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    target = str(gap_result.get("target") or gap_result.get("target_iri") or "target role")
    if "://" in target:
        target = _local(target)
    cov = gap_result.get("coverage")
    title = f"Skill gap for {target}" + (f": {float(cov):.0%} covered" if cov is not None else "")
    if n < total:
        title += f"\n(showing {n} of {total} skills)"
    ax.set_title(title)
    return ax


# --------------------------------------------------------------------------- saving


def save_figure(fig, path: str | os.PathLike, *, dpi: int = 150) -> Path:
    """Write a figure to PNG, SVG or PDF, chosen by the file extension.

    The figure is written to a temporary file in the same folder, then
    renamed over ``path``, so a failure never leaves a half-written file.

    Parameters
    ----------
    fig : matplotlib.figure.Figure or matplotlib.axes.Axes
        The figure (an Axes stands for its figure).
    path : path
        Target file; ``.png``, ``.svg`` or ``.pdf``.
    dpi : int, default 150
        Resolution of PNG output.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    InvalidParameter
        Unknown extension (the message lists the allowed ones), or the folder
        does not exist or cannot be written.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> save_figure(fig, "map.bmp")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    careergraph.errors.InvalidParameter: Unknown image extension '.bmp' in 'map.bmp'; use one of .png, .svg, .pdf
    """
    path = Path(path)
    ext = path.suffix.lower()
    if ext not in FORMATS:
        shown = repr(ext) if ext else "(none)"
        raise InvalidParameter(
            f"Unknown image extension {shown} in '{path}'; use one of {', '.join(FORMATS)}"
        )
    fig = getattr(fig, "figure", fig) if not hasattr(fig, "savefig") else fig
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InvalidParameter(f"Cannot write '{path}': folder '{folder}' does not exist; create it first")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=ext, dir=folder)
    except OSError as exc:
        raise InvalidParameter(f"Cannot write '{path}': {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fig.savefig(fh, format=FORMATS[ext], dpi=dpi, metadata=_metadata(ext))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the usual mode
        os.replace(tmp, path)
    except OSError as exc:
        _unlink(tmp)
        raise InvalidParameter(f"Cannot write '{path}': {exc.strerror or exc}") from None
    except BaseException:
        _unlink(tmp)
        raise
    return path


def _metadata(ext: str) -> dict:
    from importlib.metadata import PackageNotFoundError, version

    try:
        creator = f"careergraph {version('careergraph')}"
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        creator = "careergraph"
    if ext == ".png":
        return {"Software": creator}
    if ext == ".svg":
        return {"Creator": creator, "Date": None}
    return {"Creator": creator, "CreationDate": None}


def _unlink(p: str) -> None:
    try:
        os.unlink(p)
    except OSError:
        pass
