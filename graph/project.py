"""Projection: read the RDF graph into networkx and scipy sparse matrices.

The graph is read **only** through the named queries tagged ``projection``
(``queries/project-*.rq``), so the mapping from RDF to arrays is written down
in SPARQL and runs as is in any SPARQL tool:

==================================  ===============================================
query                               fills
==================================  ===============================================
``project-roles``                   ``roles``, ``role_index``, ``role_labels``, node
                                    attributes of ``transitions``
``project-role-names``              ``role_names``
``project-skills``                  ``skills``, ``skill_index``, ``skill_labels``,
                                    ``skill_kinds``
``project-role-skills``             ``role_skill``, ``essential``
``project-role-skill-importance``   weights of ``role_skill``
``project-transitions``             edges of ``transitions``
``project-skill-broader``           ``skill_broader``
``project-role-*`` (features)       ``features``, by
                                    :func:`careergraph.features.add_features`
``project-education``               :meth:`Projection.education` (lazily)
``project-salaries``                :meth:`Projection.salaries` (lazily)
==================================  ===============================================

Node and index keys are IRI strings everywhere (never ``URIRef``).

Weights of ``role_skill``: the ``cg:importance`` of the n-ary
``cg:SkillRequirement`` when the graph states one (a value in ``[0, 1]``),
otherwise 1.0 for an essential skill and 0.5 for an optional one. A link given
only by the super-property ``cg:requiresSkill`` counts as essential. A skill
listed both as essential and optional is essential.

Examples
--------
>>> from careergraph.examples import toy_graph
>>> from careergraph.project import project
>>> proj = project(toy_graph())
>>> proj.role_skill.shape == (len(proj.roles), len(proj.skills))
True
>>> senior = "https://w3id.org/careergraph/id/role/senior"
>>> sorted(proj.skills_of(senior).items())[:2]
[('Git', 0.2), ('PyTorch', 0.9)]
>>> proj.transitions.edges[senior, "https://w3id.org/careergraph/id/role/lead"]["kind"]
'promotion'
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import threading
import weakref
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp

from .store import STORE_FOLDER_ATTR

__all__ = ["CACHE_FOLDER", "KINDS", "Projection", "cache_key", "clear_cache", "project", "projection_rows",
           "set_store_folder", "store_folder"]

#: Edge kinds of :attr:`Projection.transitions`.
KINDS = ("promotion", "lateral", "entry", "same-as", "inferred")

#: Weight of a role-skill link when the graph gives no importance.
_ESSENTIAL_WEIGHT, _OPTIONAL_WEIGHT = 1.0, 0.5

_ATTR = "_careergraph_projection"
_LIVE: list[weakref.ref] = []  # graphs holding a projection (not a WeakSet: Dataset hashing is deprecated)
_LOCK = threading.Lock()


@dataclass(eq=False)
class Projection:
    """The graph as arrays: roles × skills matrices and a transition digraph.

    Attributes
    ----------
    roles : list of str
        Role IRIs; row order of every roles × n matrix.
    role_index : dict
        IRI -> row.
    role_labels : dict
        IRI -> label (the IRI when the role has no label).
    role_datasets : dict
        IRI -> dataset key (``seed``, ``esco``, ``onet``) when known.
    role_names : dict
        Lower-cased main name (``rdfs:label`` or ``skos:prefLabel``) ->
        ``((role IRI, frozenset of dataset keys), ...)``; see
        :meth:`unique_role`.
    same_roles : dict
        Role IRI -> the roles linked to it by ``skos:exactMatch`` (either
        direction), as read for the ``same-as`` moves.
    skills, skill_index, skill_labels, skill_kinds
        The same for skills; ``skill_kinds`` maps IRI -> ``cg:SkillKind`` IRI.
    transitions : networkx.DiGraph
        Nodes are role IRIs (attributes ``label``, ``track``, ``level``,
        ``dataset``); edges carry ``kind`` (one of :data:`KINDS`), ``years``
        (float, or None when unknown), ``source``, ``tier``, ``rank``.
    role_skill : scipy.sparse.csr_matrix
        Roles × skills, float weights (see the module notes).
    essential : scipy.sparse.csr_matrix
        Roles × skills, bool: the essential links.
    skill_broader : scipy.sparse.csr_matrix
        Skills × skills, bool: ``[child, parent]`` is true for ``skos:broader``.
    features : dict
        Extra roles × n blocks by name, filled by
        ``careergraph.features.add_features`` when the projection is built
        (empty for graphs without classification codes, such as the seed).
    graph : rdflib.Dataset or None
        The graph it came from (for education and salaries, read lazily).
    """

    roles: list[str]
    role_index: dict[str, int]
    role_labels: dict[str, str]
    skills: list[str]
    skill_index: dict[str, int]
    skill_labels: dict[str, str]
    skill_kinds: dict[str, str]
    transitions: nx.DiGraph
    role_skill: sp.csr_matrix
    essential: sp.csr_matrix
    skill_broader: sp.csr_matrix
    features: dict[str, sp.csr_matrix] = field(default_factory=dict)
    role_datasets: dict[str, str] = field(default_factory=dict)
    role_names: dict[str, tuple[tuple[str, frozenset], ...]] = field(default_factory=dict, repr=False)
    same_roles: dict[str, frozenset] = field(default_factory=dict, repr=False)
    graph: Any = field(default=None, repr=False)
    _extra: dict[str, Any] = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:
        return (f"Projection({len(self.roles)} roles, {len(self.skills)} skills, "
                f"{self.role_skill.nnz} role-skill links, {self.transitions.number_of_edges()} moves)")

    # -- lookups ---------------------------------------------------------
    def find_role(self, name) -> str:
        """Return the IRI of a role given by IRI or (case-insensitive) label.

        Raises
        ------
        RoleNotFound
            Nothing matches; the message suggests close labels.

        Examples
        --------
        >>> from careergraph.examples import toy_graph
        >>> project(toy_graph()).find_role("lead engineer")
        'https://w3id.org/careergraph/id/role/lead'
        """
        return self._find(name, self.role_index, self.role_labels, "role")

    def find_skill(self, name) -> str:
        """Return the IRI of a skill given by IRI or (case-insensitive) label.

        Raises
        ------
        SkillNotFound
            Nothing matches; the message suggests close labels.

        Examples
        --------
        >>> from careergraph.examples import toy_graph
        >>> project(toy_graph()).find_skill("PYTHON")
        'https://w3id.org/careergraph/id/skill/python'
        """
        return self._find(name, self.skill_index, self.skill_labels, "skill")

    def unique_role(self, name, source: str | None = None) -> str | None:
        """The one role whose main name is ``name`` (any case), or None.

        A fast path for :func:`careergraph.resolve.resolve`: when exactly one
        role of the dataset ``source`` (any, when None) has ``name`` as its
        ``rdfs:label`` or ``skos:prefLabel``, resolve would return that role
        too. None means "ask resolve" (no match, several matches, or a name
        that looks like an IRI or CURIE), never "not found".

        Examples
        --------
        >>> from careergraph.examples import toy_graph
        >>> p = project(toy_graph())
        >>> p.unique_role("  LEAD engineer ")
        'https://w3id.org/careergraph/id/role/lead'
        >>> p.unique_role("Lead Engineer", source="esco") is None
        True
        """
        text = str(name).strip()
        if not text or ":" in text or text.startswith("<"):
            return None
        hits = [(iri, keys) for iri, keys in self.role_names.get(text.lower(), ())
                if source is None or source in keys]
        if len(hits) == 1:
            return hits[0][0]
        if not hits or any(len(keys) > 1 for _, keys in hits):
            return None
        # as resolve: one role per skos:exactMatch cluster, the seed's first
        keep: list[str] = []
        for iri, _keys in sorted(hits, key=lambda h: (h[1] != frozenset({"seed"}), h[0])):
            if not self.same_roles.get(iri, frozenset()) & set(keep):
                keep.append(iri)
        return keep[0] if len(keep) == 1 else None

    def _find(self, name, index, labels, kind) -> str:
        from .errors import RoleNotFound, SkillNotFound, suggest

        text = str(name)
        if text in index:
            return text
        by_label = self._extra.get(f"{kind}_by_label")
        if by_label is None:
            by_label = {}
            for iri, lab in labels.items():
                by_label.setdefault(lab.lower(), iri)
            self._extra[f"{kind}_by_label"] = by_label
        hit = by_label.get(text.strip().lower())
        if hit is not None:
            return hit
        err = RoleNotFound if kind == "role" else SkillNotFound
        raise err(text, suggest(text, labels.values()), hint=f"no {kind} of that name in the projection")

    def skill_set(self, role: str) -> frozenset[int]:
        """Column indices of the skills a role needs.

        Examples
        --------
        >>> from careergraph.examples import toy_graph
        >>> p = project(toy_graph())
        >>> len(p.skill_set("https://w3id.org/careergraph/id/role/junior"))
        3
        """
        sets = self._extra.get("skill_sets")
        if sets is None:
            m = self.role_skill
            sets = [frozenset(m.indices[m.indptr[i]:m.indptr[i + 1]].tolist()) for i in range(m.shape[0])]
            self._extra["skill_sets"] = sets
        return sets[self.role_index[str(role)]]

    def skills_of(self, role: str) -> dict[str, float]:
        """``{skill label: weight}`` of one role.

        Examples
        --------
        >>> from careergraph.examples import toy_graph
        >>> p = project(toy_graph())
        >>> p.skills_of("https://w3id.org/careergraph/id/role/junior")
        {'Git': 0.5, 'Python': 1.0, 'SQL': 1.0}
        """
        i = self.role_index[str(role)]
        row = self.role_skill.getrow(i)
        pairs = {self.skill_labels[self.skills[j]]: float(w) for j, w in zip(row.indices, row.data)}
        return dict(sorted(pairs.items()))

    def binary(self) -> sp.csr_matrix:
        """Roles × skills 0/1 matrix (float64), cached.

        Examples
        --------
        >>> from careergraph.examples import toy_graph
        >>> float(project(toy_graph()).binary().max())
        1.0
        """
        b = self._extra.get("binary")
        if b is None:
            b = self.role_skill.copy().astype(np.float64)
            b.data[:] = 1.0
            self._extra["binary"] = b
        return b

    def education(self) -> dict[str, list[dict[str, Any]]]:
        """Education requirements per role IRI (from ``project-education``), cached.

        Each entry: ``{"degree", "label", "rank", "level", "fields"}``.

        Examples
        --------
        >>> from careergraph.examples import toy_graph
        >>> p = project(toy_graph())
        >>> p.education()["https://w3id.org/careergraph/id/role/lead"][0]["label"]
        "Master's degree"
        """
        if "education" not in self._extra:
            out: dict[str, dict[str, dict[str, Any]]] = {}
            if self.graph is not None:
                for r in projection_rows(self.graph, "project-education"):
                    entry = out.setdefault(r["role"], {}).setdefault(
                        r["degree"],
                        {"degree": r["degree"], "label": r["degreeLabel"] or r["degree"],
                         "rank": _num(r["rank"]), "level": r["level"], "fields": []})
                    if r["fieldLabel"] and r["fieldLabel"] not in entry["fields"]:
                        entry["fields"].append(r["fieldLabel"])
            self._extra["education"] = {k: sorted(v.values(), key=lambda e: (e["rank"] or 0, e["label"]))
                                        for k, v in out.items()}
        return self._extra["education"]

    def salaries(self) -> dict[str, list[dict[str, Any]]]:
        """Median/mean salary observations per role IRI (from ``project-salaries``), cached.

        Each entry: ``{"source", "source_label", "statistic", "amount",
        "currency", "year", "region"}``.

        Examples
        --------
        >>> from careergraph.examples import toy_graph
        >>> p = project(toy_graph())
        >>> p.salaries()["https://w3id.org/careergraph/id/role/senior"][0]["amount"]
        140000.0
        """
        if "salaries" not in self._extra:
            out: dict[str, list[dict[str, Any]]] = {}
            if self.graph is not None:
                for r in projection_rows(self.graph, "project-salaries"):
                    out.setdefault(r["role"], []).append({
                        "source": r["source"], "source_label": r["sourceLabel"] or r["source"] or "unattributed",
                        "statistic": r["statistic"], "amount": _num(r["amount"]),
                        "currency": r["currency"] or "USD", "year": r["year"], "region": r["region"]})
            self._extra["salaries"] = out
        return self._extra["salaries"]


def _num(v: Any) -> float | None:
    if v is None or v == "":
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


# -- reading the named queries ------------------------------------------------

_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTS = {_XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                            "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong")}
_FLOATS = {_XSD + t for t in ("decimal", "double", "float")}
_BOOL = _XSD + "boolean"


def _literal_value(term: Any) -> Any:
    text = term.value
    dt = term.datatype.value
    try:
        if dt in _INTS:
            return int(text)
        if dt in _FLOATS:
            return float(text)
        if dt == _BOOL:
            return text in ("true", "1")
    except ValueError:
        return text
    return text


def _ox_converter():
    import pyoxigraph as ox

    named, blank, literal = ox.NamedNode, ox.BlankNode, ox.Literal

    def convert(term: Any) -> Any:
        t = type(term)
        if t is named:
            return term.value
        if term is None:
            return None
        if t is literal:
            return _literal_value(term)
        if t is blank:
            return f"_:{term.value}"
        return str(term)
    return convert


def projection_rows(graph, name: str) -> list[dict[str, Any]]:
    """Run one named projection query and return plain-Python rows.

    On an Oxigraph-backed dataset the query text runs directly on the
    pyoxigraph store (the same SPARQL, without rdflib's per-row conversion,
    which dominates at ESCO scale); otherwise through
    :func:`careergraph.queries.run_query`.

    Parameters
    ----------
    graph : rdflib.Dataset
    name : str
        Query name, e.g. ``"project-roles"``.

    Returns
    -------
    list of dict
        Variable name -> IRI string, number, bool, str or None.

    Examples
    --------
    >>> from careergraph.examples import toy_graph
    >>> rows = projection_rows(toy_graph(), "project-roles")
    >>> sorted(rows[0])
    ['dataset', 'label', 'level', 'role', 'track']
    """
    from .queries import load_query, run_query

    qf = load_query(name)
    inner = getattr(getattr(graph, "store", None), "_inner", None)
    if inner is not None and hasattr(inner, "query"):
        try:
            sols = inner.query(qf.text, use_default_graph_as_union=True)
        except (SyntaxError, RuntimeError, ValueError, OSError):
            sols = None
        if sols is not None:
            names = [v.value for v in sols.variables]
            conv = _ox_converter()
            idx = range(len(names))
            return [dict(zip(names, [conv(s[k]) for k in idx])) for s in sols]
    return run_query(graph, qf).rows


# -- building -----------------------------------------------------------------

def _build(graph) -> Projection:
    role_rows = projection_rows(graph, "project-roles")
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
        labels[iri] = attrs[iri]["label"] or iri
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
            skill_labels[iri] = label
        skill_labels.setdefault(iri, iri)
        return j

    for r in projection_rows(graph, "project-skills"):
        add_skill(r["skill"], r["label"])
        if r["kind"] and r["skill"] not in skill_kinds:
            skill_kinds[r["skill"]] = r["kind"]

    # role-skill links: essential wins over optional (a requiresSkill-only link, None, counts as essential)
    links: dict[tuple[int, int], list] = {}
    for r in projection_rows(graph, "project-role-skills"):
        i = role_index.get(r["role"])
        if i is None:
            continue
        j = add_skill(r["skill"])
        ess = r["essential"]
        cur = links.get((i, j))
        if cur is None:
            links[(i, j)] = [ess, None]
        elif ess is True or (cur[0] is None and ess is not None):
            cur[0] = ess if cur[0] is not True else True
    # explicit importance wins over the default weight; only for links stated above
    for r in projection_rows(graph, "project-role-skill-importance"):
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

    pairs = [(skill_index[r["skill"]], skill_index[r["broader"]]) for r in projection_rows(graph, "project-skill-broader")
             if r["skill"] in skill_index and r["broader"] in skill_index and r["skill"] != r["broader"]]
    if pairs:
        a = np.array(pairs, dtype=np.int64)
        broader = sp.csr_matrix((np.ones(len(a), dtype=bool), (a[:, 0], a[:, 1])), shape=(n_s, n_s), dtype=bool)
    else:
        broader = sp.csr_matrix((n_s, n_s), dtype=bool)

    g = nx.DiGraph()
    g.add_nodes_from((iri, attrs[iri]) for iri in roles)
    same: dict[str, set] = {}
    for r in projection_rows(graph, "project-transitions"):
        u, v = r["from"], r["to"]
        if u not in role_index or v not in role_index or u == v:
            continue
        kind = r["kind"] if r["kind"] in KINDS else "lateral"
        if kind == "same-as":
            same.setdefault(u, set()).add(v)
            same.setdefault(v, set()).add(u)
        years = _num(r["years"])
        data = {"kind": kind, "years": years, "source": r["source"], "tier": r["tier"], "rank": r["rank"]}
        old = g.get_edge_data(u, v)
        if old is None or _prefer(data, old):
            g.add_edge(u, v, **data)

    proj = Projection(
        roles=roles, role_index=role_index, role_labels=labels,
        skills=skills, skill_index=skill_index, skill_labels=skill_labels, skill_kinds=skill_kinds,
        transitions=g, role_skill=role_skill, essential=essential, skill_broader=broader,
        features={}, role_datasets={iri: attrs[iri]["dataset"] for iri in roles if attrs[iri]["dataset"]},
        graph=graph, same_roles={k: frozenset(v) for k, v in same.items()},
    )
    names: dict[str, dict[str, set]] = {}
    for r in projection_rows(graph, "project-role-names"):
        if r["role"] is not None and r["name"] is not None:  # blank-node roles too: they make a name ambiguous
            keys = names.setdefault(str(r["name"]).lower(), {}).setdefault(r["role"], set())
            if r["dataset"] is not None:
                keys.add(str(r["dataset"]))
    proj.role_names = {n: tuple((iri, frozenset(k)) for iri, k in sorted(d.items())) for n, d in names.items()}
    # the similarity model's extra blocks, so similar/recommend/--lateral score as `evaluate` does
    from .features import add_features

    add_features(graph, proj)
    return proj


_KIND_ORDER = {"promotion": 0, "entry": 1, "lateral": 2, "same-as": 3, "inferred": 4}


def _prefer(new: dict, old: dict) -> bool:
    """Which of two parallel moves to keep: stated kinds over same-as, known years over unknown."""
    if _KIND_ORDER[new["kind"]] != _KIND_ORDER[old["kind"]]:
        return _KIND_ORDER[new["kind"]] < _KIND_ORDER[old["kind"]]
    return old["years"] is None and new["years"] is not None


def project(graph, *, cache: bool = True) -> Projection:
    """Project a graph into networkx and scipy sparse structures.

    Parameters
    ----------
    graph : rdflib.Dataset
        A graph from :func:`careergraph.open_graph` (or any rdflib graph).
    cache : bool, default True
        Reuse the projection of the same graph object (kept on the graph
        object itself, freed with it). For an on-disk store whose folder is
        known (see :func:`set_store_folder`), also reuse the projection saved
        in ``DIR/careergraph-cache/`` by an earlier process, as long as the
        store's import records (``graph/meta``), the package version and the
        projection queries and code are unchanged; a missing, stale or
        unreadable cache file is rebuilt (and saved when the folder is
        writable). Pass ``False`` after changing the graph other than by
        ``careergraph import`` / ``drop``.

    Returns
    -------
    Projection

    Raises
    ------
    QueryError
        A projection query is missing or fails.

    Examples
    --------
    >>> from careergraph.examples import toy_graph
    >>> g = toy_graph()
    >>> p = project(g)
    >>> p is project(g)
    True
    >>> p.transitions.number_of_edges()   # 4 moves + the same-as link both ways
    6
    """
    if not cache:
        return _build(graph)
    with _LOCK:
        hit = getattr(graph, _ATTR, None)
        if hit is not None and getattr(hit, "graph", None) is graph:
            return hit
    proj = _from_disk(graph)
    with _LOCK:
        try:
            setattr(graph, _ATTR, proj)  # graph <-> projection cycle: freed together
            _LIVE[:] = [r for r in _LIVE if r() is not None]
            _LIVE.append(weakref.ref(graph))
        except (AttributeError, TypeError):
            pass
    return proj


# -- the on-disk projection cache ---------------------------------------------

#: Sub-folder of a store folder holding cached projections.
CACHE_FOLDER = "careergraph-cache"
_CACHE_FORMAT = 1
#: Queries whose text is part of the cache key (the feature blocks' queries are added from features.BLOCKS).
_KEY_QUERIES = ("project-roles", "project-role-names", "project-skills", "project-role-skills",
                "project-role-skill-importance", "project-skill-broader", "project-transitions")


def set_store_folder(graph, folder) -> None:
    """Tell :func:`project` which on-disk store folder ``graph`` was opened from.

    With it, ``project(graph)`` keeps a copy of the projection in
    ``folder/careergraph-cache/`` and later processes load it instead of
    rebuilding (seconds on an ESCO + O*NET store). ``None`` turns that off.
    Never call it for an in-memory graph.

    Parameters
    ----------
    graph : rdflib.Dataset
        A graph from ``careergraph.open_graph(folder)``.
    folder : path or None

    Examples
    --------
    >>> from careergraph.examples import toy_graph
    >>> g = toy_graph()
    >>> set_store_folder(g, None)
    >>> store_folder(g) is None
    True
    """
    try:
        setattr(graph, STORE_FOLDER_ATTR, None if folder is None else os.fspath(folder))
    except (AttributeError, TypeError):
        pass


def store_folder(graph):
    """The on-disk store folder of ``graph`` given to :func:`set_store_folder`, or None."""
    folder = getattr(graph, STORE_FOLDER_ATTR, None)
    return Path(folder) if folder else None


def cache_key(graph) -> str | None:
    """Key of the on-disk projection cache of ``graph``; None when it cannot have one.

    A SHA-256 over every triple of the store's ``graph/meta`` named graph
    (one record per imported source: version, import date, triple count,
    files, so any import, re-import or drop changes it), the package and
    library versions, and the text of the projection queries and of the code
    that turns their rows into arrays.

    Examples
    --------
    >>> from careergraph.store import open_graph
    >>> len(cache_key(open_graph()))
    64
    """
    inner = getattr(getattr(graph, "store", None), "_inner", None)
    if inner is None or not hasattr(inner, "quads_for_pattern"):
        return None
    import pyoxigraph as ox
    import scipy

    from . import __version__
    from .features import BLOCKS
    from .queries import load_query
    from .store import META_GRAPH

    h = hashlib.sha256()
    meta = sorted(f"{q.subject} {q.predicate} {q.object}"
                  for q in inner.quads_for_pattern(None, None, None, ox.NamedNode(str(META_GRAPH))))
    parts = [f"format {_CACHE_FORMAT}", __version__, np.__version__, scipy.__version__, nx.__version__,
             *meta]
    for name in (*_KEY_QUERIES, *BLOCKS.values()):
        parts.append(load_query(name).text)
    from . import features as _features

    for mod in (__file__, _features.__file__):
        try:
            parts.append(Path(mod).read_text(encoding="utf-8"))
        except OSError:
            parts.append(str(mod))
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


def _cache_file(folder: Path, key: str) -> Path:
    return folder / CACHE_FOLDER / f"projection-{key[:32]}.pickle"


def _from_disk(graph) -> Projection:
    """Load the projection cached in the store folder, or build it (and try to save it)."""
    folder = store_folder(graph)
    if folder is None:
        return _build(graph)
    try:
        key = cache_key(graph)
    except Exception:  # noqa: BLE001 - a cache must never break the projection
        key = None
    if key is None:
        return _build(graph)
    path = _cache_file(folder, key)
    proj = _load_cached(path, key)
    if proj is not None:
        proj.graph = graph
        return proj
    proj = _build(graph)
    _save_cached(path, key, proj)
    return proj


def _load_cached(path: Path, key: str) -> Projection | None:
    try:
        with open(path, "rb") as fh:
            payload = pickle.load(fh)
    except Exception:  # noqa: BLE001 - missing, truncated, corrupt or unreadable: rebuild
        return None
    if (not isinstance(payload, dict) or payload.get("key") != key
            or not isinstance(payload.get("projection"), Projection)):
        return None
    return payload["projection"]


def _save_cached(path: Path, key: str, proj: Projection) -> bool:
    """Write the projection (without its graph) next to the store; False when the folder is not writable."""
    payload = {"format": _CACHE_FORMAT, "key": key, "projection": replace(proj, graph=None, _extra={})}
    tmp = None
    try:
        path.parent.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".projection-", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the store folder's readers may share it
        os.replace(tmp, path)
        tmp = None
        for old in path.parent.glob("projection-*.pickle"):  # stale keys: one cache per store
            if old != path:
                old.unlink(missing_ok=True)
        return True
    except Exception:  # noqa: BLE001 - read-only folder, full disk ...: the projection is still good
        return False
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def clear_cache() -> None:
    """Forget every cached projection.

    Examples
    --------
    >>> clear_cache()
    """
    with _LOCK:
        for ref in _LIVE:
            g = ref()
            try:
                delattr(g, _ATTR)
            except AttributeError:
                pass
        _LIVE.clear()
