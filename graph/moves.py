"""Next moves: the most promising moves from one role, each explained.

:func:`next_moves` ranks every other role by the one model
(:func:`careergraph.similarity.default_model`: content, known moves and
direction) and explains each move it returns:

* ``shared_skills`` — what the two roles share, ranked as the destination
  asks for them (:meth:`Projection.rank_skills`: essential first, then by
  importance);
* ``to_learn`` / ``to_learn_technology`` — what the destination asks for that
  the origin does not give, ranked the same way (as :func:`careergraph.recommend.gap`
  reports it, with half credit for a held broader or narrower skill), and
  ``coverage``, the weighted share already covered;
* ``evidence`` — the known moves behind it (the source that states the move,
  its kind, tier and rank; also a move stated the other way round, or for
  the same role in another source), the similar roles that make this move,
  and how alike the two roles are, block by block;
* ``direction`` — job zone, education and earnings of both roles where the
  graph has them (Nesta's MCC data gives them for ESCO occupations and,
  through the crosswalk, for O*NET ones).

Examples
--------
>>> from careergraph.examples import toy_graph
>>> from careergraph.projection import project
>>> proj = project(toy_graph())
>>> res = next_moves(proj, "https://w3id.org/careergraph/id/role/senior", top=2)
>>> [m["role"] for m in res["moves"]]
['Lead Engineer', 'Solutions Architect']
>>> first = res["moves"][0]
>>> first["to_learn"][0]["skill"], first["evidence"][0]["kind"], first["evidence"][0]["move"]
('Leadership', 'known move', 'promotion')
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .errors import InvalidParameter
from .paths import education_change, salary_change
from .projection import Projection
from .recommend import gap
from .similarity import MoveModel, default_model, top_roles

__all__ = ["SHARED_SHOWN", "direction", "next_moves"]

#: How many shared skills each move lists (``shared_count`` gives them all).
SHARED_SHOWN = 10

_SAME_AS = "same role in another source"


def _change(a: float | None, b: float | None, tol: float) -> str:
    if a is None or b is None:
        return "unknown"
    return "higher" if b > a + tol else "lower" if b < a - tol else "same"


def direction(proj: Projection, u: str, v: str) -> dict[str, Any]:
    """Where a move from role ``u`` to role ``v`` leads: job zone, education and earnings.

    Returns
    -------
    dict
        ``job_zone`` and ``education_level`` (O*NET's 1-5 and 1-12 scales,
        :attr:`Projection.levels`): ``{"from", "to", "change"}`` with change
        ``higher``, ``lower``, ``same`` or ``unknown``; ``degree`` and
        ``earnings`` as a step of ``path`` explains them (the main stated
        degree of each, ``{"from", "to", "change", "fields"}``; per salary
        source ``{"source", "statistic", "currency", "from", "to", "change"}``),
        each earnings entry with ``ratio`` (to / from, None unless both).

    Examples
    --------
    >>> from careergraph.examples import toy_graph
    >>> from careergraph.projection import project
    >>> p = project(toy_graph())
    >>> cgr = "https://w3id.org/careergraph/id/role/"
    >>> direction(p, cgr + "junior", cgr + "senior")["job_zone"]
    {'from': None, 'to': None, 'change': 'unknown'}
    """
    la, lb = proj.levels.get(u, {}), proj.levels.get(v, {})
    out: dict[str, Any] = {}
    for key, name, tol in (("job_zone", "job_zone", 0.5), ("education", "education_level", 0.25)):
        a, b = la.get(key), lb.get(key)
        out[name] = {"from": a, "to": b, "change": _change(a, b, tol)}
    out["degree"] = education_change(proj, u, v)
    out["earnings"] = [{**e, "ratio": e["to"] / e["from"] if e["from"] and e["to"] is not None else None}
                       for e in salary_change(proj, u, v)]
    return out


def _known_evidence(proj: Projection, model: MoveModel, i: int, j: int) -> list[dict[str, Any]]:
    """Every visible stated move behind ``i -> j``: of the role itself, reversed laterals, and of its twins."""
    roles, g = proj.roles, proj.transitions
    out = []
    for u in (i, *model.twins[i].tolist()):
        for a, b, way in ((u, j, "stated"), (j, u, "reverse")):
            d = g.get_edge_data(roles[a], roles[b])
            if d is None or d.get("kind") == "same-as":
                continue
            if way == "reverse" and d.get("kind") != "lateral":
                continue
            src = None if d.get("source") is None else str(d["source"])
            if (src or "") in model.hide:
                continue
            meta = proj.move_sources.get(src or "", {})
            note = {"stated": "stated from this role", "reverse": "stated the other way round (a lateral move)"}[way]
            if u != i:
                note += f"; for {proj.role_labels[roles[u]]}, {_SAME_AS}"
            out.append({"kind": "known move", "source": meta.get("label") or src, "dataset": meta.get("dataset"),
                        "move": d.get("kind"), "tier": d.get("tier"), "rank": d.get("rank"), "direction": way,
                        "note": note})
    return out


def next_moves(proj: Projection, role: str, top: int = 10, *, source: str | None = None,
               model: MoveModel | None = None) -> dict[str, Any]:
    """The most promising next moves from one role, best first, each explained.

    Parameters
    ----------
    proj : Projection
    role : str
        Role IRI (resolve names first with :class:`careergraph.resolve.Resolver`).
    top : int, default 10
        How many moves (>= 1).
    source : str, optional
        Only moves into roles of this dataset (``seed``, ``esco``, ``onet`` ...).
    model : MoveModel, optional
        By default :func:`careergraph.similarity.default_model`.

    Returns
    -------
    dict
        ``{"role", "iri", "dataset", "model", "source", "moves"}``; each move is
        ``{"rank", "role", "iri", "dataset", "score", "parts", "shared_skills",
        "shared_count", "to_learn", "to_learn_technology", "coverage",
        "evidence", "direction"}`` (see the module notes). ``parts`` gives the
        model's terms: ``content``, ``neighbours``, ``known``, ``job_zone``,
        ``ladder``.

    Raises
    ------
    InvalidParameter
        ``top`` < 1, or no role of ``source`` in the graph.
    RoleNotFound
        The IRI is not a role of the projection.
    """
    if not isinstance(top, (int, np.integer)) or isinstance(top, bool) or top < 1:
        raise InvalidParameter(f"--top must be a whole number >= 1, got {top!r}")
    role = proj.role(role)
    m = default_model(proj) if model is None else model
    if m.projection is not proj:
        m.fit(proj)
    i = proj.row(role)
    candidates: Iterable[str] | None = None
    if source is not None:
        candidates = [r for r in proj.roles if proj.role_datasets.get(r) == source]
        if not candidates:
            have = sorted({d for d in proj.role_datasets.values() if d})
            raise InvalidParameter(f"No role of dataset {source!r}; the datasets are {', '.join(have) or 'none'}")
    row = np.array([i])
    blocks = m.content.block_rows(row)
    parts = m.part_rows(row, blocks=blocks)
    ranked = top_roles(proj, i, m.combine(parts)[0], top, candidates, exclude=m.twins[i].tolist())
    weights = m.neighbour_weights(row, blocks)[0]
    lenders = np.flatnonzero(weights > 0)
    lent = m.forward[lenders].toarray() if len(lenders) else np.zeros((0, len(proj.roles)))
    held = [proj.skills[c] for c in proj.skill_set(role)]
    out = []
    for n, (dest, score) in enumerate(ranked, 1):
        j = proj.row(dest)
        g = gap(proj, held, dest)
        shared = proj.rank_skills(proj.skill_set(role) & proj.skill_set(dest), dest)
        evidence = _known_evidence(proj, m, i, j)
        made = [int(u) for u, x in zip(lenders, lent[:, j]) if x > 0]
        if made:
            made.sort(key=lambda u: -weights[u])
            evidence.append({"kind": "similar roles make this move",
                             "roles": [proj.role_labels[proj.roles[u]] for u in made],
                             "share": float(parts["neighbours"][0, j])})
        evidence.append({"kind": "similar skills", "similarity": float(parts["content"][0, j]),
                         "blocks": {b: round(float(s[0, j]), 4) for b, (s, p) in blocks.items() if p[0, j]}})
        out.append({
            "rank": n, "role": proj.role_labels[dest], "iri": dest, "dataset": proj.role_datasets.get(dest),
            "score": float(score),
            "parts": {"content": float(parts["content"][0, j]), "neighbours": float(parts["neighbours"][0, j]),
                      "known": float(parts["known"][0, j]), "job_zone": float(parts["job_zone"][0, j]),
                      "ladder": float(parts["ladder"][0, j])},
            "shared_skills": [proj.skill_labels[proj.skills[c]] for c in shared[:SHARED_SHOWN]],
            "shared_count": len(shared),
            "to_learn": [{"skill": x["skill"], "iri": x["iri"], "essential": x["essential"],
                          "partly_held": x["related_held"]} for x in g["missing"]],
            "to_learn_technology": [x["skill"] for x in g["missing_technology"]],
            "coverage": g["coverage"],
            "evidence": evidence,
            "direction": direction(proj, role, dest),
        })
    return {"role": proj.role_labels[role], "iri": role, "dataset": proj.role_datasets.get(role),
            "model": m.kind, "source": source, "moves": out}
