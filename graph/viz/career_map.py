"""The career map: ladders by track and level, with the moves between roles."""

from __future__ import annotations

import networkx as nx
import numpy as np

from ..errors import InvalidParameter, RoleNotFound
from ._common import (
    EDGE_STYLES,
    PATH_COLOR,
    label_of_node,
    new_axes,
    pyplot,
    tint,
    wrap,
)
from .layout import curvature, layered_layout, pick_roles, track_name

__all__ = ["plot_career_map"]

#: Above this many drawn moves, moves off the highlighted route are drawn faint.
_CROWDED_EDGES = 120


def _transitions(proj) -> nx.DiGraph:
    g = proj if isinstance(proj, nx.Graph) else getattr(proj, "transitions", None)
    if not isinstance(g, nx.Graph):
        raise InvalidParameter(
            f"Expected a Projection or a networkx graph of roles, got {type(proj).__name__}; "
            "build one with careergraph.projection.project(graph)"
        )
    return g


def _path_nodes(g, highlight_path) -> list:
    """Node ids of a route: a sequence of role IRIs, or a :class:`~careergraph.paths.PathResult`."""
    if highlight_path is None:
        return []
    steps = getattr(highlight_path, "roles", highlight_path)
    if isinstance(steps, str):
        raise InvalidParameter("highlight_path must be a sequence of role IRIs, not one string")
    for step in steps:
        if step not in g:
            raise RoleNotFound(str(step), [], hint="no role of the map has that IRI; resolve names first")
    return list(steps)


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
        Role IRIs, or a :class:`careergraph.paths.PathResult` (its
        ``roles``), to draw in red, with numbered steps.
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
        An IRI of ``highlight_path`` is not a role of the graph.

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
    nodes = pick_roles(g, path, max_roles)
    sub = g.subgraph(nodes)
    names = dict(getattr(proj, "track_labels", None) or {})
    pos, groups, n_rows, entry_row = layered_layout(g, nodes, names)
    bottom = 0 if entry_row else 1

    total_w = max(max(x for x, _y in pos.values()) + 0.5, groups[-1][1] + groups[-1][2] if groups else 1.0)
    col_in = 1.45
    fig_w = min(max(total_w * col_in + 2.8, 6.0), 40.0)
    fig_h = min(max((n_rows - bottom + 1) * 1.0 + 1.7, 3.5), 30.0)
    ax = new_axes(ax, (fig_w, fig_h))
    fig = ax.figure
    # font size from the real width of one column on this Axes
    unit_in = fig.get_figwidth() * ax.get_position().width / max(total_w, 1)
    font = float(np.clip(unit_in * 5.0, 4.5, 8.0))
    wrap_w = 15

    tracks = [name for name, _x, _w, is_track in groups if is_track]
    cmap = pyplot().get_cmap("tab10" if len(tracks) <= 10 else "tab20")
    colour_of = {name: cmap(i % cmap.N) for i, name in enumerate(tracks)}
    other_colour = (0.55, 0.55, 0.55, 1.0)

    def colour(n):
        d = g.nodes[n]
        if d.get("track") is None or d.get("level") is None:
            return other_colour
        return colour_of.get(track_name(d["track"], names), other_colour)

    bw, bh = 0.86, 0.52
    boxes = {}
    on_path = set(path)
    for n in nodes:
        x, y = pos[n]
        c = colour(n)
        box = FancyBboxPatch(
            (x - bw / 2, y - bh / 2), bw, bh, boxstyle="round,pad=0,rounding_size=0.08",
            facecolor=tint(c), edgecolor=PATH_COLOR if n in on_path else c,
            lw=2.4 if n in on_path else 1.0, zorder=3,
        )
        ax.add_patch(box)
        boxes[n] = box
        ax.text(x, y, wrap(label_of_node(g, n), wrap_w), ha="center", va="center", fontsize=font,
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
            connectionstyle=f"arc3,rad={curvature(x0, y0, x1, y1, n_rows)}",
            color=PATH_COLOR if hot else style["color"], linestyle="-" if hot else style["linestyle"],
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
                bbox={"boxstyle": "circle,pad=0.2", "fc": PATH_COLOR, "ec": "none"})

    for name, x, width, is_track in groups:
        ax.text(x + width / 2, n_rows + 0.5, wrap(name, int(max(width * 17, 17)), 2),
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

    handles = [Patch(facecolor=tint(colour_of[t]), edgecolor=colour_of[t], label=wrap(t, 26, 2)) for t in tracks]
    if len(on_path) < len(nodes) and any(colour(n) == other_colour for n in nodes):
        handles.append(Patch(facecolor=tint(other_colour), edgecolor=other_colour, label="no ladder"))
    order = [k for k in EDGE_STYLES if k in kinds_used] + [k for k in kinds_used if k not in EDGE_STYLES]
    for k in order:
        st = EDGE_STYLES.get(k, {**EDGE_STYLES["inferred"], "label": k})
        handles.append(Line2D([], [], color=st["color"], linestyle=st["linestyle"], lw=st["lw"] + 0.4,
                              label=st["label"]))
    if path:
        handles.append(Line2D([], [], color=PATH_COLOR, lw=2.6, label="highlighted path"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=max(font, 7),
              frameon=False, title="Tracks and moves", title_fontsize=max(font, 7) + 0.5)

    n_edges = sub.number_of_edges()
    title = f"Career map: {len(nodes)} roles, {n_edges} move{'s' if n_edges != 1 else ''}"
    if len(nodes) < g.number_of_nodes():
        title += f" (showing {len(nodes)} of {g.number_of_nodes():,} roles)"
    if path:
        steps = len(path) - 1
        title += (f"\nhighlighted: {label_of_node(g, path[0])} → {label_of_node(g, path[-1])}, "
                  f"{steps} step{'s' if steps != 1 else ''}")
    ax.set_title(title, fontsize=max(font, 7) + 2)
    return ax
