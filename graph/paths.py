"""Career paths: the cheapest routes between roles, explained step by step.

Routes run over :attr:`Projection.transitions` (stated promotions, lateral and
entry moves, plus cost-free ``same-as`` links between the same role in two
sources). Three costs:

``by="steps"``
    every move costs 1 (``same-as`` costs 0).
``by="years"``
    a move costs its typical years; a move with unknown years costs
    ``unknown_years`` (default 1.0) and the result says how many were unknown
    (the seed states no years at all).
``by="skills"``
    entering role *v* from *u* costs ``|skills(v) - (have ∪ skills(u))|``: the
    skills of the next role that neither the current role nor the skills you
    already have give. This is a *local* (edge-weight) approximation of the
    path-dependent cost "skills not yet held anywhere along the path": it
    counts a skill again when the path leaves it behind for a role that does
    not use it and a later role needs it again, so it never under-counts.
    The exact path-dependent version is a minimum-label-path problem
    (NP-hard in general); the local one is exact for Dijkstra and Yen. Each
    step still *reports* the path-dependent ``new_skills``.

Single routes use :func:`networkx.bidirectional_dijkstra`; ``alternatives=K``
uses Yen's algorithm (:func:`networkx.shortest_simple_paths`): K distinct
routes in non-decreasing cost. ``lateral=True`` adds inferred moves (kind
``"inferred"``) from each role to its :data:`LATERAL_TOP` best moves by the one
move model (:func:`careergraph.similarity.default_model`, the model of
``next``, ``similar`` and ``recommend``) that score at least ``min_score``
and are not stated; they are clearly marked in each step. ``via`` routes through a
role (the best route to it, then the best from it; with ``alternatives`` the K
best such concatenations).

Examples
--------
>>> from careergraph.examples import toy_graph
>>> from careergraph.projection import project
>>> proj = project(toy_graph())
>>> cgr = "https://w3id.org/careergraph/id/role/"
>>> r = find_path(proj, cgr + "analyst", cgr + "lead")
>>> r.labels, r.cost
(['Data Analyst', 'Junior Engineer', 'Senior Engineer', 'Lead Engineer'], 3.0)
>>> [s.kind for s in r.steps]
['entry', 'promotion', 'promotion']
>>> r.steps[2].new_skills
['Leadership']
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

from .errors import InvalidParameter, NoCareerPath
from .projection import Projection
from .similarity import default_model

__all__ = ["BY", "LATERAL_TOP", "PathResult", "Step", "edge_cost", "education_change", "find_path", "lateral_graph",
           "path_cost", "salary_change"]

#: ``lateral=True``: the inferred moves out of a role are at most its this many best by the move model.
LATERAL_TOP = 10
#: Rows of move-model scores computed at once when inferring moves (bounds memory on a big store).
_LATERAL_CHUNK = 256

#: The cost models of :func:`find_path`.
BY = ("steps", "years", "skills")


@dataclass
class Step:
    """One move of a route, explained.

    ``new_skills`` are the skills the new role asks for that the route has
    not given yet, essential first, then by importance; technology products
    (O*NET Technology Skills) are listed apart in ``new_technology``.
    ``evidence`` says whether a source states the move (``"stated"``), the
    graph reads it from one (``"interpreted"``), or neither is recorded
    (None; ``"inferred"`` for moves inferred from skill overlap);
    ``skill_evidence`` says the same of each new skill's requirement.
    """

    from_iri: str
    to_iri: str
    from_label: str
    to_label: str
    kind: str
    years: float | None
    cost: float
    new_skills: list[str] = field(default_factory=list)
    new_technology: list[str] = field(default_factory=list)
    source: str | None = None
    evidence: str | None = None
    skill_evidence: dict[str, str] = field(default_factory=dict)
    education: dict[str, Any] | None = None
    salary: list[dict[str, Any]] = field(default_factory=list)

    @property
    def inferred(self) -> bool:
        """True for moves not stated by any source (``lateral=True``)."""
        return self.kind == "inferred"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: ``from``/``to`` are labels, ``years`` None when unknown."""
        edu = self.education
        return {"from": self.from_label, "to": self.to_label, "kind": self.kind, "years": self.years,
                "new_skills": list(self.new_skills), "new_technology": list(self.new_technology),
                "inferred": self.inferred, "from_iri": self.from_iri, "to_iri": self.to_iri, "cost": self.cost,
                "source": self.source, "evidence": self.evidence, "skill_evidence": dict(self.skill_evidence),
                "education": None if edu is None else {**edu, "fields": list(edu.get("fields", []))},
                "salary": [dict(s) for s in self.salary]}


@dataclass
class PathResult:
    """A route: roles in order, the steps between them, its cost and notes."""

    roles: list[str]
    labels: list[str]
    steps: list[Step]
    cost: float
    by: str
    notes: list[str] = field(default_factory=list)

    @property
    def years_known(self) -> float:
        """Sum of the stated years of the moves."""
        return float(sum(s.years for s in self.steps if s.years is not None))

    @property
    def unknown_years(self) -> int:
        """How many moves (not counting ``same-as``) have no stated years."""
        return sum(1 for s in self.steps if s.years is None and s.kind != "same-as")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict ``{"path", "roles", "steps", "cost", "by", ...}``."""
        return {"path": list(self.labels), "roles": list(self.roles), "steps": [s.to_dict() for s in self.steps],
                "cost": self.cost, "by": self.by, "years_known": self.years_known,
                "moves_with_unknown_years": self.unknown_years, "notes": list(self.notes)}


# -- costs --------------------------------------------------------------------

def edge_cost(proj: Projection, by: str, *, have: Iterable[int] = (), unknown_years: float = 1.0) -> Callable:
    """The networkx weight function ``f(u, v, data)`` of one cost model.

    Parameters
    ----------
    proj : Projection
    by : {"steps", "years", "skills"}
    have : iterable of int
        Skill column indices already held (``by="skills"``).
    unknown_years : float
        Cost of a move with unknown years (``by="years"``).

    Returns
    -------
    callable

    Examples
    --------
    >>> from careergraph.examples import toy_graph
    >>> from careergraph.projection import project
    >>> p = project(toy_graph())
    >>> f = edge_cost(p, "skills")
    >>> cgr = "https://w3id.org/careergraph/id/role/"
    >>> f(cgr + "senior", cgr + "lead", p.transitions.edges[cgr + "senior", cgr + "lead"])
    1
    """
    if by not in BY:
        raise InvalidParameter(f"Unknown cost {by!r}; use one of: {', '.join(BY)}")
    if by == "steps":
        return lambda u, v, d: 0 if d["kind"] == "same-as" else 1
    if by == "years":
        def years(u, v, d):
            if d["kind"] == "same-as":
                return 0.0
            y = d.get("years")
            return unknown_years if y is None else float(y)
        return years
    held = frozenset(have)

    def skills(u, v, d):
        if d["kind"] == "same-as":
            return 0
        return len(proj.skill_set(v) - held - proj.skill_set(u))
    return skills


def path_cost(proj: Projection, roles: list[str], by: str = "steps", *, have: Iterable[int] = (),
              unknown_years: float = 1.0, graph: nx.DiGraph | None = None) -> float:
    """Cost of a given route under one cost model (the sum of :func:`edge_cost`).

    Examples
    --------
    >>> from careergraph.examples import toy_graph
    >>> from careergraph.projection import project
    >>> p = project(toy_graph())
    >>> cgr = "https://w3id.org/careergraph/id/role/"
    >>> path_cost(p, [cgr + "junior", cgr + "senior", cgr + "lead"], "years")
    3.5
    """
    g = proj.transitions if graph is None else graph
    f = edge_cost(proj, by, have=have, unknown_years=unknown_years)
    return float(sum(f(u, v, g.edges[u, v]) for u, v in zip(roles, roles[1:])))


def lateral_graph(proj: Projection, min_score: float = 0.3) -> nx.DiGraph:
    """The transition graph plus the moves the move model infers.

    From each role, its :data:`LATERAL_TOP` best moves by
    :func:`careergraph.similarity.default_model` (the model ``next`` ranks
    by: content, known and neighbours' moves, direction) that score
    ``>= min_score`` and are not stated get an edge of kind ``"inferred"``
    with unknown years and a ``source`` giving the score. A role's twins in
    other sources are left out (``same-as`` joins them). Scores are computed
    in blocks of rows, so memory stays bounded on a big store. Cached per
    projection and threshold.

    Examples
    --------
    >>> from careergraph.examples import toy_graph
    >>> from careergraph.projection import project
    >>> g = lateral_graph(project(toy_graph()), 0.5)
    >>> cgr = "https://w3id.org/careergraph/id/role/"
    >>> g.edges[cgr + "architect", cgr + "lead"]["kind"], g.edges[cgr + "lead", cgr + "architect"]["kind"]
    ('inferred', 'lateral')
    """
    if not 0 < min_score <= 1:
        raise InvalidParameter(f"min_score must be in (0, 1], got {min_score}")
    return proj.derived(_lateral, float(min_score))


def _lateral(proj: Projection, min_score: float) -> nx.DiGraph:
    g = proj.transitions.copy()
    n = len(proj.roles)
    if n < 2:
        return g
    model = default_model(proj)
    k = min(LATERAL_TOP, n - 1)
    for start in range(0, n, _LATERAL_CHUNK):
        rows = np.arange(start, min(n, start + _LATERAL_CHUNK))
        scores = model.score_rows(rows)
        scores[np.arange(len(rows)), rows] = -np.inf  # never a move to itself
        for r, i in enumerate(rows.tolist()):
            scores[r, model.twins[i]] = -np.inf
        best = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        for r, i in enumerate(rows.tolist()):
            u = proj.roles[i]
            for j in sorted(best[r].tolist(), key=lambda j: (-scores[r, j], j)):
                score = float(scores[r, j])
                v = proj.roles[j]
                if score >= min_score - 1e-12 and not g.has_edge(u, v):
                    g.add_edge(u, v, kind="inferred", years=None, tier=None, rank=None,
                               source=f"inferred: move model score {score:.2f} >= {min_score:g}")
    return g


# -- explaining ---------------------------------------------------------------

def _main_degree(entries: list[dict[str, Any]] | None) -> dict[str, Any] | None:
    if not entries:
        return None
    for level in ("minimum", "typical", "preferred"):
        hits = [e for e in entries if e["level"] == level]
        if hits:
            return min(hits, key=lambda e: (e["rank"] if e["rank"] is not None else 99, e["label"]))
    return entries[0]


def education_change(proj: Projection, u: str, v: str) -> dict[str, Any]:
    """The degree a move from role ``u`` to role ``v`` asks for, against the one ``u`` asks for.

    Returns ``{"from", "to", "change", "fields"}``: each role's main degree
    (minimum, else typical, else preferred), ``change`` one of ``higher``,
    ``lower``, ``same``, ``unknown``, ``stated for the new role only``, and
    the fields of study of ``v``'s degree. ``path`` and ``next`` both explain
    a move with it.

    Examples
    --------
    >>> from careergraph import open_graph
    >>> from careergraph.projection import project
    >>> cgr = "https://w3id.org/careergraph/id/role/"
    >>> education_change(project(open_graph()), cgr + "ml-engineer", cgr + "ml-engineer")["change"]
    'unknown'
    """
    edu = proj.education
    a, b = _main_degree(edu.get(u)), _main_degree(edu.get(v))
    if a is None and b is None:
        change = "unknown"
    elif a is None or b is None or a["rank"] is None or b["rank"] is None:
        change = "unknown" if b is None else "stated for the new role only" if a is None else "unknown"
    else:
        change = "higher" if b["rank"] > a["rank"] else "lower" if b["rank"] < a["rank"] else "same"
    return {"from": a["label"] if a else None, "to": b["label"] if b else None, "change": change,
            "fields": list(b["fields"]) if b else []}


def _salary_by_source(rows: list[dict[str, Any]] | None) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for r in sorted(rows or [], key=lambda r: (r["statistic"] != "median", -(int(str(r["year"])[:4]) if r["year"] else 0))):
        out.setdefault(r["source_label"], r)
    return out


def salary_change(proj: Projection, u: str, v: str) -> list[dict[str, Any]]:
    """The salary figures of roles ``u`` and ``v``, side by side per source that publishes either.

    One entry per source: ``{"source", "statistic", "currency", "from", "to",
    "change"}`` (the median where a source gives one, its latest year);
    ``change`` is None unless the source gives both figures, so figures of
    different publishers are never subtracted.
    """
    sal = proj.salaries
    a, b = _salary_by_source(sal.get(u)), _salary_by_source(sal.get(v))
    out = []
    for src in sorted(set(a) | set(b)):
        ra, rb = a.get(src), b.get(src)
        fa = ra["amount"] if ra else None
        fb = rb["amount"] if rb else None
        out.append({"source": src, "statistic": (rb or ra)["statistic"], "currency": (rb or ra)["currency"],
                    "from": fa, "to": fb, "change": fb - fa if fa is not None and fb is not None else None})
    return out


def _explain(proj: Projection, g: nx.DiGraph, roles: list[str], by: str, cost_fn: Callable,
             have: frozenset[int], unknown_years: float, min_score: float) -> PathResult:
    held = set(have) | set(proj.skill_set(roles[0]))
    steps = []
    for u, v in zip(roles, roles[1:]):
        d = g.edges[u, v]
        new = proj.rank_skills(proj.skill_set(v) - held, v)
        held |= proj.skill_set(v)
        label = proj.skill_labels
        steps.append(Step(from_iri=u, to_iri=v, from_label=proj.role_labels[u], to_label=proj.role_labels[v],
                          kind=d["kind"], years=d.get("years") if d["kind"] != "same-as" else 0.0,
                          cost=float(cost_fn(u, v, d)),
                          new_skills=[label[proj.skills[j]] for j in new if not proj.is_technology(j)],
                          new_technology=[label[proj.skills[j]] for j in new if proj.is_technology(j)],
                          evidence="inferred" if d["kind"] == "inferred" else d.get("evidence"),
                          skill_evidence={label[proj.skills[j]]: e for j, e in proj.evidence(v, new).items()},
                          source=None if d.get("source") is None else str(d["source"]),
                          education=education_change(proj, u, v), salary=salary_change(proj, u, v)))
    res = PathResult(roles=list(roles), labels=[proj.role_labels[r] for r in roles], steps=steps,
                     cost=float(sum(s.cost for s in steps)), by=by)
    unknown = res.unknown_years
    if unknown:
        if by == "years":
            res.notes.append(f"typical years unknown for {unknown} of {len(steps)} moves; "
                             f"each counted as {unknown_years:g} year(s) in the cost")
        else:
            res.notes.append(f"typical years unknown for {unknown} of {len(steps)} moves")
    n_inf = sum(s.inferred for s in steps)
    if n_inf:
        res.notes.append(f"{n_inf} move(s) inferred by the move model (score >= {min_score:g}), "
                         "not stated by any source")
    if any(s.kind == "same-as" for s in steps):
        res.notes.append("'same-as' steps switch to the same role in another source (cost 0)")
    if by == "skills":
        total = len(set().union(*(proj.skill_set(r) for r in roles)) - set(have) - proj.skill_set(roles[0]))
        res.notes.append(f"{total} distinct skill(s) to acquire along the route; the cost counts a skill again "
                         "when a step's previous role does not use it")
    return res


# -- search -------------------------------------------------------------------

def _cost_matrix(proj: Projection, lateral: float | None, by: str, unknown_years: float) -> tuple[dict, list, Any]:
    """The move graph (with the inferred moves at score ``lateral``) as a sparse matrix of one static cost."""
    g = lateral_graph(proj, lateral) if lateral is not None else proj.transitions
    nodes = list(g.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    cost = edge_cost(proj, by, unknown_years=unknown_years)
    edges = list(g.edges(data=True))
    rows = np.array([index[u] for u, _, _ in edges], dtype=np.int64)
    cols = np.array([index[v] for _, v, _ in edges], dtype=np.int64)
    vals = np.array([cost(u, v, d) for u, v, d in edges], dtype=float)
    # explicit zeros (same-as moves, cost 0) stay edges: csgraph reads a sparse matrix's stored entries
    m = sp.csr_matrix((vals, (rows, cols)), shape=(len(nodes), len(nodes)))
    return index, nodes, m


def _cheapest(proj: Projection, s: str, t: str, lateral: float | None, by: str,
              unknown_years: float) -> list[tuple[float, list[str]]]:
    """One cheapest route under a cost that does not depend on the route (steps, years): Dijkstra in C.

    Single-source over the whole move graph (scipy's csgraph, ~0.3 ms on
    ESCO + O*NET) is cheaper than networkx's bidirectional search in Python
    (~1 ms); equal-cost routes may be chosen differently, never a dearer one.
    """
    index, nodes, m = proj.derived(_cost_matrix, lateral, by, float(unknown_years))
    i, j = index.get(s), index.get(t)
    if i is None or j is None:
        return []
    dist, pred = csgraph.dijkstra(m, directed=True, indices=i, return_predecessors=True)
    if not np.isfinite(dist[j]):
        return []
    route = [j]
    while route[-1] != i:
        route.append(int(pred[route[-1]]))
    return [(float(dist[j]), [nodes[k] for k in reversed(route)])]


def _k_paths(g, s: str, t: str, weight: Callable, k: int) -> list[tuple[float, list[str]]]:
    if k == 1:
        try:
            cost, p = nx.bidirectional_dijkstra(g, s, t, weight=weight)
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            return []
        return [(float(cost), p)]
    out = []
    try:
        for p in itertools.islice(nx.shortest_simple_paths(g, s, t, weight=weight), k):
            out.append((float(sum(weight(u, v, g.edges[u, v]) for u, v in zip(p, p[1:]))), p))
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        pass
    return out


def _k_via(g, s: str, via: str, t: str, weight: Callable, k: int) -> list[tuple[float, list[str]]]:
    a = _k_paths(g, s, via, weight, k)
    b = _k_paths(g, via, t, weight, k) if a else []
    if not a or not b:
        return []
    heap = [(ca + cb, i, j) for i, (ca, _) in enumerate(a) for j, (cb, _) in enumerate(b)]
    heapq.heapify(heap)
    out = []
    while heap and len(out) < k:
        c, i, j = heapq.heappop(heap)
        out.append((c, a[i][1] + b[j][1][1:]))
    return out


def _no_path(proj: Projection, g, s: str, t: str, via: str | None, by: str, lateral: bool, avoid: set[str]) -> NoCareerPath:
    start = s
    reach = set(nx.descendants(g, s)) if s in g else set()
    if via is not None and via in reach:
        reach_via = set(nx.descendants(g, via))
        if t not in reach_via:
            start, reach = via, reach_via
    reach.discard(t)
    a, b = proj.role_labels[s], proj.role_labels[t]
    how = f" (by {by}" + (f", via '{proj.role_labels[via]}'" if via else "") + \
          (f", avoiding {len(avoid)} role(s)" if avoid else "") + (", with inferred lateral moves" if lateral else "") + ")"
    if via is not None and start == s and via not in reach | {t}:
        msg = f"No career path from '{a}' to '{proj.role_labels[via]}' (the --via role){how}."
    else:
        msg = f"No career path from '{a}' to '{b}'{how}."
    closest: list[str] = []
    if not reach:
        msg += f" '{proj.role_labels[start]}' has no recorded moves out of it."
    else:
        ranked = default_model(proj).similar(t, top=3, candidates=reach)
        if ranked:
            closest = [proj.role_labels[r] for r, _ in ranked]
            shown = ", ".join(f"'{proj.role_labels[r]}' (similarity {sc:.2f})" for r, sc in ranked)
        else:
            closest = sorted(proj.role_labels[r] for r in reach)[:3]
            shown = ", ".join(f"'{c}'" for c in closest)
        msg += f" Closest roles to '{b}' reachable from '{proj.role_labels[start]}': {shown}."
    if not lateral:
        msg += " Try --lateral to add the moves the move model infers."
    return NoCareerPath(msg, closest=closest)


def find_path(
    proj: Projection,
    source: str,
    target: str,
    *,
    by: str = "steps",
    via: str | None = None,
    avoid: Iterable[str] = (),
    lateral: bool = False,
    min_score: float = 0.3,
    have: Iterable[str] = (),
    alternatives: int = 1,
    unknown_years: float = 1.0,
) -> PathResult | list[PathResult]:
    """The cheapest route(s) from one role to another, explained step by step.

    Parameters
    ----------
    proj : Projection
        From :func:`careergraph.projection.project`.
    source, target : str
        Role IRIs (nodes, as networkx takes nodes; resolve names first with
        :class:`careergraph.resolve.Resolver`, as :class:`CareerGraph` does).
    by : {"steps", "years", "skills"}, default "steps"
        Cost model (see the module notes).
    via : str, optional
        A role IRI the route must pass through.
    avoid : iterable of str
        Role IRIs the route must not pass through.
    lateral : bool, default False
        Add the moves the move model infers (:func:`lateral_graph`).
    min_score : float, default 0.3
        The move-model score an inferred move needs, in ``(0, 1]``.
    have : iterable of str
        Skill IRIs already held: not counted by ``by="skills"`` nor listed as
        ``new_skills``.
    alternatives : int, default 1
        K >= 1: the K best distinct routes (Yen), costs non-decreasing.
    unknown_years : float, default 1.0
        Cost of a move without stated years under ``by="years"``.

    Returns
    -------
    PathResult or list of PathResult
        One result when ``alternatives == 1``, else a list (possibly shorter
        than K when fewer routes exist).

    Raises
    ------
    InvalidParameter
        Unknown ``by``, ``alternatives`` < 1, ``source == target``, a bad
        threshold, or an endpoint that is also avoided.
    RoleNotFound, SkillNotFound
        An IRI that is not a role (skill) of the projection.
    NoCareerPath
        No route; the message names the closest reachable roles to the target.

    Examples
    --------
    >>> from careergraph.examples import toy_graph
    >>> from careergraph.projection import project
    >>> p = project(toy_graph())
    >>> cgr = "https://w3id.org/careergraph/id/role/"
    >>> r = find_path(p, cgr + "junior", cgr + "architect", by="years")
    >>> r.cost, r.notes[0]
    (4.5, 'typical years unknown for 2 of 3 moves; each counted as 1 year(s) in the cost')
    >>> [a.cost for a in find_path(p, cgr + "junior", cgr + "lead", alternatives=3, lateral=True)]
    [1.0, 2.0, 2.0]
    >>> try:
    ...     find_path(p, cgr + "researcher", cgr + "lead")
    ... except NoCareerPath as exc:
    ...     print(exc)
    No career path from 'Researcher' to 'Lead Engineer' (by steps). 'Researcher' has no recorded moves out of it. Try --lateral to add the moves the move model infers.
    """
    if by not in BY:
        raise InvalidParameter(f"Unknown --by {by!r}; use one of: {', '.join(BY)}")
    if not isinstance(alternatives, int) or isinstance(alternatives, bool) or alternatives < 1:
        raise InvalidParameter(f"--alternatives must be a whole number >= 1, got {alternatives!r}")
    if not (unknown_years >= 0):
        raise InvalidParameter(f"--unknown-years must be >= 0, got {unknown_years!r}")
    if lateral and not 0 < min_score <= 1:
        raise InvalidParameter(f"--min-score must be in (0, 1], got {min_score}")
    s, t = proj.role(source), proj.role(target)
    if s == t:
        raise InvalidParameter(f"FROM and TO are the same role ('{proj.role_labels[s]}'); give two different roles")
    v = proj.role(via) if via is not None else None
    avoid_set = {proj.role(a) for a in avoid}
    for end, what in ((s, "FROM"), (t, "TO"), (v, "--via")):
        if end is not None and end in avoid_set:
            raise InvalidParameter(f"The {what} role '{proj.role_labels[end]}' is also in --avoid; drop one of them")
    if v is not None and v in (s, t):
        raise InvalidParameter(f"--via '{proj.role_labels[v]}' is an endpoint of the route; give an intermediate role")
    held = frozenset(proj.column(h) for h in have)

    g = lateral_graph(proj, min_score) if lateral else proj.transitions
    if avoid_set:
        g = nx.restricted_view(g, avoid_set, [])
    weight = edge_cost(proj, by, have=held, unknown_years=unknown_years)
    if by != "skills" and alternatives == 1 and v is None and not avoid_set:
        found = _cheapest(proj, s, t, min_score if lateral else None, by, unknown_years)
    elif v is not None:
        found = _k_via(g, s, v, t, weight, alternatives)
    else:
        found = _k_paths(g, s, t, weight, alternatives)
    if not found:
        raise _no_path(proj, g, s, t, v, by, lateral, avoid_set)
    results = [_explain(proj, g, p, by, weight, held, unknown_years, min_score) for _, p in found]
    return results[0] if alternatives == 1 else results
