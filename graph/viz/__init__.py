"""Pictures of the career graph: ladders, skill overlap, skills, salaries, gaps.

Every plot function draws on a Matplotlib ``Axes`` (a new figure when ``ax``
is ``None``), returns that ``Axes`` and never shows or saves anything; use
:func:`save_figure` to write PNG, SVG or PDF. Inputs are plain data (lists,
arrays, networkx graphs) or a :class:`careergraph.projection.Projection`
with role IRIs, so the drawing code is usable without a triple store.
Positions are computed apart from drawing, in :mod:`careergraph.viz.layout`
(as networkx's ``drawing/layout.py``); each picture is its own module.

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

from ._common import EDGE_STYLES, FORMATS
from .career_map import plot_career_map
from .gap import plot_gap
from .overlap import plot_overlap
from .salaries import plot_salaries
from .save import save_figure
from .skills import plot_role_skills

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
