"""Helpers for the analysis tests: build a Projection straight from Python data."""

from __future__ import annotations

import networkx as nx
import numpy as np
import scipy.sparse as sp

from careergraph.projection import Projection


def make_projection(n_roles, skill_sets, edges, weights=None):
    """Roles r0..r{n-1}; skill_sets[i] = set of skill ids; edges = [(u, v, kind, years)]."""
    roles = [f"r{i}" for i in range(n_roles)]
    n_sk = max([max(s) for s in skill_sets if s] + [-1]) + 1
    skills = [f"s{j}" for j in range(n_sk)]
    rows, cols, vals = [], [], []
    for i, s in enumerate(skill_sets):
        for j in sorted(s):
            rows.append(i)
            cols.append(j)
            vals.append(1.0 if weights is None else weights[i].get(j, 1.0))
    m = sp.csr_matrix((vals, (rows, cols)), shape=(n_roles, n_sk))
    g = nx.DiGraph()
    g.add_nodes_from(roles)
    for u, v, kind, years in edges:
        g.add_edge(f"r{u}", f"r{v}", kind=kind, years=years, source=None, tier=None, rank=None)
    return Projection(
        roles=roles, role_index={r: i for i, r in enumerate(roles)}, role_labels={r: r.upper() for r in roles},
        skills=skills, skill_index={s: j for j, s in enumerate(skills)}, skill_labels={s: s for s in skills},
        skill_kinds={}, transitions=g, role_skill=m, essential=sp.csr_matrix(m > 0),
        skill_broader=sp.csr_matrix((n_sk, n_sk), dtype=bool))
