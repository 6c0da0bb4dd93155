"""Building a projection: run the ``project-*`` queries, turn their rows into arrays.

The graph is read **only** through the named queries tagged ``projection``
(``queries/project-*.rq``), through the one runner (:func:`careergraph.queries.rows`),
so the mapping from RDF to arrays is written down in SPARQL and runs as is on
any backend:

==================================  ===============================================
query                               fills
==================================  ===============================================
``project-roles``                   ``roles``, ``role_index``, ``role_labels``, node
                                    attributes of ``transitions``
``project-skills``                  ``skills``, ``skill_index``, ``skill_labels``,
                                    ``skill_kinds``
``project-role-skills``             ``role_skill``, ``essential``
``project-role-skill-importance``   weights of ``role_skill``
``project-role-skill-evidence``     ``link_evidence``
``project-transitions``             edges of ``transitions``
``project-skill-broader``           ``skill_broader``
``project-role-*`` (features)       ``features`` (:mod:`careergraph.projection.features`)
``project-education``               ``education``
``project-salaries``                ``salaries``
``project-names`` (with ``-datasets``  ``names`` (the Resolver's label index)
and ``project-same-as``)
``project-tracks``                  ``track_labels``
``project-role-levels``             ``levels`` (job zone, education, experience,
                                    training; inherited through close/exact matches)
``project-move-sources``            ``move_sources`` (label, dataset, file hash of
                                    each source of moves)
==================================  ===============================================

Examples
--------
>>> from careergraph.examples import toy_graph
>>> p = build(toy_graph())
>>> p.transitions.number_of_edges()   # 4 moves + the same-as link both ways
6
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp

from ..queries import rows
from .features import BLOCKS, feature_blocks
from .model import EVIDENCE_CODES, KINDS, Projection
from .names import NameIndex, clean

__all__ = ["QUERIES", "build"]

#: Every query the build runs, in order.
QUERIES = ("project-roles", "project-skills", "project-role-skills", "project-role-skill-importance",
           "project-role-skill-evidence", "project-skill-broader", "project-transitions", "project-education",
           "project-salaries", "project-names", "project-datasets", "project-same-as", "project-tracks",
           "project-role-levels", "project-move-sources", *BLOCKS.values())

#: Weight of a role-skill link when the graph gives no importance.
_ESSENTIAL_WEIGHT, _OPTIONAL_WEIGHT = 1.0, 0.5


def build(graph, *, progress: Callable[[str], None] | None = None, version: str = "") -> Projection:
    """Read a graph into a :class:`Projection` (no caching: see :func:`careergraph.projection.project`).

    Parameters
    ----------
    graph : Backend
    progress : callable, optional
        Called with one message per query read (long on a big store).
    version : str
        The data's version, kept on the projection.
    """
    say = progress or (lambda _m: None)

    def read(name: str) -> list[dict[str, Any]]:
        say(f"reading {name}")
        return rows(graph, name)

    # rows come in the store's order, which differs between backends: sort what fixes an order
    # (roles, skills, moves) so every backend gives the same projection, down to tie-breaks
    role_rows = sorted(read("project-roles"), key=lambda r: _key(r["role"]))
    roles: list[str] = []
    role_index: dict[str, int] = {}
    labels: dict[str, str] = {}
    attrs: dict[str, dict[str, Any]] = {}
    for r in role_rows:
        iri = r["role"]
        if iri is None or iri.startswith("_:"):
            continue
        if iri not in role_index:
            role_index[iri] = len(roles)
            roles.append(iri)
            attrs[iri] = {"label": None, "track": None, "level": None, "dataset": None}
        a = attrs[iri]
        for key, col in (("label", "label"), ("track", "track"), ("level", "level"), ("dataset", "dataset")):
            if a[key] is None and r[col] is not None:
                a[key] = r[col]
    for iri in roles:
        labels[iri] = clean(attrs[iri]["label"]) if attrs[iri]["label"] else iri
        attrs[iri]["label"] = labels[iri]

    skills: list[str] = []
    skill_index: dict[str, int] = {}
    skill_labels: dict[str, str] = {}
    skill_kinds: dict[str, str] = {}

    def add_skill(iri: str, label: str | None = None) -> int:
        j = skill_index.get(iri)
        if j is None:
            j = skill_index[iri] = len(skills)
            skills.append(iri)
        if label and (iri not in skill_labels or skill_labels[iri] == iri):
            skill_labels[iri] = clean(label)
        skill_labels.setdefault(iri, iri)
        return j

    for r in sorted(read("project-skills"), key=lambda r: _key(r["skill"])):
        add_skill(r["skill"], r["label"])
        if r["kind"] and r["skill"] not in skill_kinds:
            skill_kinds[r["skill"]] = r["kind"]

    # role-skill links: essential wins over optional (a requiresSkill-only link, None, counts as essential)
    links: dict[tuple[int, int], list] = {}
    link_rows = read("project-role-skills")
    for iri in sorted({r["skill"] for r in link_rows if r["role"] in role_index} - set(skill_index)):
        add_skill(iri)  # required but not typed cg:Skill: a column all the same, in IRI order
    for r in link_rows:
        i = role_index.get(r["role"])
        if i is None:
            continue
        j = add_skill(r["skill"])
        # a boolean, or None for a requiresSkill-only link (Virtuoso computes booleans as 1 / 0)
        ess = None if r["essential"] is None else bool(r["essential"])
        cur = links.get((i, j))
        if cur is None:
            links[(i, j)] = [ess, None]
        elif ess is True or (cur[0] is None and ess is not None):
            cur[0] = ess if cur[0] is not True else True
    # explicit importance wins over the default weight; only for links stated above
    for r in read("project-role-skill-importance"):
        i, j = role_index.get(r["role"]), skill_index.get(r["skill"])
        if i is None or j is None:
            continue
        cur = links.get((i, j))
        imp = _num(r["importance"])
        if cur is not None and cur[1] is None and imp is not None:
            cur[1] = imp
    n_r, n_s = len(roles), len(skills)
    if links:
        keys = np.fromiter((k[0] for k in links), dtype=np.int64, count=len(links))
        cols = np.fromiter((k[1] for k in links), dtype=np.int64, count=len(links))
        ess = np.fromiter((v[0] is not False for v in links.values()), dtype=bool, count=len(links))
        imp = np.fromiter((np.nan if v[1] is None else v[1] for v in links.values()), dtype=np.float64,
                          count=len(links))
        w = np.where(np.isnan(imp), np.where(ess, _ESSENTIAL_WEIGHT, _OPTIONAL_WEIGHT), imp)
    else:
        keys = cols = np.zeros(0, dtype=np.int64)
        ess = np.zeros(0, dtype=bool)
        w = np.zeros(0)
    role_skill = sp.csr_matrix((w, (keys, cols)), shape=(n_r, n_s))
    role_skill.sort_indices()
    essential = sp.csr_matrix((ess[ess], (keys[ess], cols[ess])), shape=(n_r, n_s), dtype=bool)
    link_evidence = _link_evidence(read("project-role-skill-evidence"), links, role_index, skill_index, (n_r, n_s))

    pairs = [(skill_index[r["skill"]], skill_index[r["broader"]]) for r in read("project-skill-broader")
             if r["skill"] in skill_index and r["broader"] in skill_index and r["skill"] != r["broader"]]
    if pairs:
        a = np.array(pairs, dtype=np.int64)
        broader = sp.csr_matrix((np.ones(len(a), dtype=bool), (a[:, 0], a[:, 1])), shape=(n_s, n_s), dtype=bool)
    else:
        broader = sp.csr_matrix((n_s, n_s), dtype=bool)

    g = nx.DiGraph()
    g.add_nodes_from((iri, attrs[iri]) for iri in roles)
    for r in sorted(read("project-transitions"), key=lambda r: (_key(r["from"]), _key(r["to"]), _key(r["kind"]))):
        u, v = r["from"], r["to"]
        if u not in role_index or v not in role_index or u == v:
            continue
        kind = r["kind"] if r["kind"] in KINDS else "lateral"
        years = _num(r["years"])
        data = {"kind": kind, "years": years, "source": r["source"], "tier": r["tier"], "rank": r["rank"],
                "evidence": r["evidence"]}
        old = g.get_edge_data(u, v)
        if old is None or _prefer(data, old):
            g.add_edge(u, v, **data)

    say("building the label index and feature blocks")
    names = NameIndex.from_rows(read("project-names") + read("project-datasets"), read("project-same-as"),
                                extra={"role": roles, "skill": skills})
    features = feature_blocks({name: read(q) for name, q in BLOCKS.items()}, role_index)
    return Projection(
        roles=roles, role_index=role_index, role_labels=labels,
        skills=skills, skill_index=skill_index, skill_labels=skill_labels, skill_kinds=skill_kinds,
        transitions=g, role_skill=role_skill, essential=essential, skill_broader=broader,
        link_evidence=link_evidence,
        features=features, role_datasets={iri: attrs[iri]["dataset"] for iri in roles if attrs[iri]["dataset"]},
        education=_education(read("project-education")), salaries=_salaries(read("project-salaries")),
        names=names, track_labels={r["track"]: clean(r["label"]) for r in read("project-tracks")},
        levels=_levels(read("project-role-levels"), role_index),
        move_sources=_move_sources(read("project-move-sources")),
        version=version,
    )


def _key(value: Any) -> str:
    return "" if value is None else str(value)


def _link_evidence(rows_, links, role_index, skill_index, shape) -> sp.csr_matrix:
    """Roles × skills int8: 1 where the requirement is stated, 2 interpreted, 0 unknown (only stated links).

    A link stated by one requirement node and interpreted by another counts as stated.
    """
    code: dict[tuple[int, int], int] = {}
    for r in rows_:
        i, j = role_index.get(r["role"]), skill_index.get(r["skill"])
        if i is None or j is None or (i, j) not in links:
            continue
        c = EVIDENCE_CODES.get(r["evidence"], 0)
        if c and (code.get((i, j)) in (None, 2)):
            code[(i, j)] = c
    if not code:
        return sp.csr_matrix(shape, dtype=np.int8)
    ij = np.array(list(code), dtype=np.int64)
    return sp.csr_matrix((np.fromiter(code.values(), dtype=np.int8, count=len(code)), (ij[:, 0], ij[:, 1])),
                         shape=shape, dtype=np.int8)


def _education(rows_: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for r in rows_:
        entry = out.setdefault(r["role"], {}).setdefault(
            r["degree"], {"degree": r["degree"], "label": clean(r["degreeLabel"] or r["degree"]),
                          "rank": _num(r["rank"]), "level": r["level"], "fields": []})
        if r["fieldLabel"] and clean(r["fieldLabel"]) not in entry["fields"]:
            entry["fields"].append(clean(r["fieldLabel"]))
    return {k: sorted(v.values(), key=lambda e: (e["rank"] or 0, e["label"])) for k, v in out.items()}


def _salaries(rows_: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for r in rows_:
        out.setdefault(r["role"], []).append({
            "source": r["source"], "source_label": clean(r["sourceLabel"] or r["source"] or "unattributed"),
            "statistic": r["statistic"], "amount": _num(r["amount"]),
            "currency": r["currency"] or "USD", "year": r["year"], "region": r["region"]})
    return out


#: Columns of ``project-role-levels`` -> keys of :attr:`Projection.levels`.
_LEVEL_KEYS = {"jobZone": "job_zone", "education": "education", "experience": "experience", "training": "training"}


def _levels(rows_: list[dict[str, Any]], role_index: dict[str, int]) -> dict[str, dict[str, Any]]:
    """Stated levels win; a role without any gets the mean over the roles it matches (``via`` names them)."""
    stated: dict[str, dict[str, Any]] = {}
    matched: dict[str, dict[str, list[float]]] = {}
    via: dict[str, set[str]] = {}
    for r in rows_:
        role = r["role"]
        if role not in role_index:
            continue
        vals = {k: _num(r[col]) for col, k in _LEVEL_KEYS.items()}
        if r["match"] is None:
            stated[role] = {**vals, "via": []}
            continue
        acc = matched.setdefault(role, {k: [] for k in _LEVEL_KEYS.values()})
        for k, v in vals.items():
            if v is not None:
                acc[k].append(v)
        via.setdefault(role, set()).add(r["match"])
    out = dict(stated)
    for role, acc in matched.items():
        if role not in out:
            out[role] = {k: (sum(v) / len(v) if v else None) for k, v in acc.items()}
            out[role]["via"] = sorted(via[role])
    return out


def _move_sources(rows_: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for r in rows_:
        src = r["source"]
        if src is None:
            continue
        e = out.setdefault(src, {"label": None, "dataset": None, "sha256": None, "moves": 0})
        for k in ("label", "dataset", "sha256"):
            if e[k] is None and r[k] is not None:
                e[k] = clean(r[k]) if k == "label" else str(r[k])
        e["moves"] += int(_num(r["moves"]) or 0)
    return out


_KIND_ORDER = {"promotion": 0, "entry": 1, "lateral": 2, "same-as": 3, "inferred": 4}


def _prefer(new: dict, old: dict) -> bool:
    """Which of two parallel moves to keep: stated kinds over same-as, known years over unknown."""
    if _KIND_ORDER[new["kind"]] != _KIND_ORDER[old["kind"]]:
        return _KIND_ORDER[new["kind"]] < _KIND_ORDER[old["kind"]]
    return old["years"] is None and new["years"] is not None


def _num(v: Any) -> float | None:
    if v is None or v == "":
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return None
