"""The projection: the graph as a transition digraph, sparse matrices and a label index.

A :class:`Projection` is plain data (no reference to the graph it came from),
so it can be cached on disk and shared by threads. Everything derived from it
(0/1 matrices, skill sets, the inferred-move graph, the similarity model ...)
is computed once per projection by :meth:`Projection.derived`, the one
derived-data mechanism: callers name the function that computes it, never a
string key.

Node and index keys are IRI strings everywhere (never ``URIRef``).

Examples
--------
>>> from careergraph.examples import toy_graph
>>> from careergraph.projection import project
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

import threading
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import networkx as nx
import numpy as np
import scipy.sparse as sp

from ..errors import RoleNotFound, SkillNotFound
from .names import NameIndex

__all__ = ["EVIDENCE_CODES", "KINDS", "TECHNOLOGY_KIND", "Projection", "iri_of"]

#: Edge kinds of :attr:`Projection.transitions`.
KINDS = ("promotion", "lateral", "entry", "same-as", "inferred")

#: Evidence of a role-skill link in :attr:`Projection.link_evidence` (0: not stated either way).
EVIDENCE_CODES = {"stated": 1, "interpreted": 2}
_EVIDENCE_NAMES = {1: "stated", 2: "interpreted"}

#: ``cg:skillKind`` of technology products (O*NET Technology Skills), kept apart from skills in explanations.
TECHNOLOGY_KIND = "https://w3id.org/careergraph/ontology#Technology"

T = TypeVar("T")


def iri_of(node: Any) -> str:
    """A node as the IRI string the projection keys on (a ``str``, rdflib ``URIRef`` or pyoxigraph ``NamedNode``)."""
    value = getattr(node, "value", None)
    return value if isinstance(value, str) else str(node)


@dataclass(eq=False)
class Projection:
    """The graph as arrays: roles × skills matrices, a transition digraph, names.

    Attributes
    ----------
    roles : list of str
        Role IRIs; row order of every roles × n matrix.
    role_index : dict
        IRI -> row.
    role_labels : dict
        IRI -> display label (the IRI when the role has no label).
    role_datasets : dict
        IRI -> dataset key (``seed``, ``esco``, ``onet``) when known.
    skills, skill_index, skill_labels, skill_kinds
        The same for skills; ``skill_kinds`` maps IRI -> ``cg:SkillKind`` IRI.
    transitions : networkx.DiGraph
        Nodes are role IRIs (attributes ``label``, ``track``, ``level``,
        ``dataset``); edges carry ``kind`` (one of :data:`KINDS`), ``years``
        (float, or None when unknown), ``source``, ``tier``, ``rank`` and
        ``evidence`` (``"stated"``: a source says it; ``"interpreted"``:
        careergraph's reading; None when the move says neither).
    role_skill : scipy.sparse.csr_matrix
        Roles × skills, float weights: the ``cg:importance`` of the n-ary
        requirement when stated (in ``[0, 1]``), else 1.0 essential and 0.5
        optional. A link given only by ``cg:requiresSkill`` counts as
        essential; a skill both essential and optional is essential.
    essential : scipy.sparse.csr_matrix
        Roles × skills, bool: the essential links.
    skill_broader : scipy.sparse.csr_matrix
        Skills × skills, bool: ``[child, parent]`` is true for ``skos:broader``.
    link_evidence : scipy.sparse.csr_matrix
        Roles × skills, int8: :data:`EVIDENCE_CODES` of each requirement (1
        stated, 2 interpreted; no entry when the graph says neither).
    features : dict
        Extra roles × n blocks by name (:mod:`careergraph.projection.features`);
        empty for graphs without classification codes, such as the seed.
    education : dict
        Role IRI -> education requirements ``{"degree", "label", "rank",
        "level", "fields"}``, lowest rank first.
    salaries : dict
        Role IRI -> median/mean observations ``{"source", "source_label",
        "statistic", "amount", "currency", "year", "region"}``.
    track_labels : dict
        Career track IRI -> label.
    levels : dict
        Role IRI -> ``{"job_zone", "education", "experience", "training",
        "via"}``: O*NET's Job Zone (1-5), education (1-12), related work
        experience (1-11) and on-the-job training (1-9) scales, each None when
        unknown; ``via`` is empty when the role states them, else the roles
        (close or exact matches) whose mean they are.
    move_sources : dict
        Source node of moves (the ``source`` edge attribute of
        :attr:`transitions`) -> ``{"label", "dataset", "sha256", "moves"}``:
        the file or section, its dataset key, the file's SHA-256 when the
        importer recorded it, and how many moves it gives.
    names : NameIndex
        Every name of every role, skill, degree, field and industry: the
        label index :class:`careergraph.resolve.Resolver` reads.
    version : str
        The data's version the projection was built from (see
        :func:`careergraph.projection.project`).
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
    link_evidence: sp.csr_matrix | None = None
    features: dict[str, sp.csr_matrix] = field(default_factory=dict)
    role_datasets: dict[str, str] = field(default_factory=dict)
    education: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    salaries: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    track_labels: dict[str, str] = field(default_factory=dict)
    levels: dict[str, dict[str, Any]] = field(default_factory=dict)
    move_sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    names: NameIndex = field(default_factory=NameIndex, repr=False)
    version: str = ""
    _derived: dict = field(default_factory=dict, repr=False, compare=False)
    _lock: Any = field(default_factory=threading.RLock, repr=False, compare=False)

    def __repr__(self) -> str:
        return (f"Projection({len(self.roles)} roles, {len(self.skills)} skills, "
                f"{self.role_skill.nnz} role-skill links, {self.transitions.number_of_edges()} moves)")

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_derived"] = {}
        state.pop("_lock", None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._derived = {}
        self._lock = threading.RLock()

    # -- derived data: the one mechanism --------------------------------------
    def derived(self, compute: Callable[..., T], *args: Hashable) -> T:
        """``compute(self, *args)``, computed once per projection and argument tuple.

        The one place derived data is kept (0/1 matrices, skill sets, the
        inferred-move graph, similarity models ...); it is dropped with the
        projection and never written to the disk cache. Thread-safe.

        Examples
        --------
        >>> from careergraph.examples import toy_graph
        >>> from careergraph.projection import project
        >>> p = project(toy_graph())
        >>> p.derived(Projection.binary_matrix) is p.binary()
        True
        """
        key = (compute, args)
        hit = self._derived.get(key)
        if hit is None:
            with self._lock:
                hit = self._derived.get(key)
                if hit is None:
                    hit = self._derived[key] = compute(self, *args)
        return hit

    @staticmethod
    def binary_matrix(proj: Projection) -> sp.csr_matrix:
        b = proj.role_skill.copy().astype(np.float64)
        b.data[:] = 1.0
        return b

    @staticmethod
    def _skill_sets(proj: Projection) -> list[frozenset]:
        m = proj.role_skill
        return [frozenset(m.indices[m.indptr[i]:m.indptr[i + 1]].tolist()) for i in range(m.shape[0])]

    @staticmethod
    def _essential_sets(proj: Projection) -> list[frozenset]:
        m = proj.essential
        return [frozenset(m.indices[m.indptr[i]:m.indptr[i + 1]].tolist()) for i in range(m.shape[0])]

    # -- nodes ---------------------------------------------------------------
    def row(self, role: str) -> int:
        """Row of a role IRI.

        Raises
        ------
        RoleNotFound
            The IRI is not a role of the projection (algorithms take IRIs;
            resolve names first with :class:`careergraph.resolve.Resolver`).

        Examples
        --------
        >>> from careergraph.examples import toy_graph
        >>> from careergraph.projection import project
        >>> project(toy_graph()).row("Lead Engineer")  # doctest: +IGNORE_EXCEPTION_DETAIL
        Traceback (most recent call last):
        ...
        careergraph.errors.RoleNotFound: Role 'Lead Engineer' not found (no role has that IRI; ...)
        """
        i = self.role_index.get(iri_of(role))
        if i is None:
            raise RoleNotFound(str(role), [], hint="no role has that IRI; resolve names with "
                                                   "careergraph.resolve.Resolver first")
        return i

    def column(self, skill: str) -> int:
        """Column of a skill IRI.

        Raises
        ------
        SkillNotFound
            The IRI is not a skill of the projection.
        """
        j = self.skill_index.get(iri_of(skill))
        if j is None:
            raise SkillNotFound(str(skill), [], hint="no skill has that IRI; resolve names with "
                                                     "careergraph.resolve.Resolver first")
        return j

    def role(self, node: Any) -> str:
        """The role's IRI string as the projection keys it (raises :class:`RoleNotFound` when it is none)."""
        return self.roles[self.row(node)]

    def skill_set(self, role: str) -> frozenset[int]:
        """Column indices of the skills a role needs.

        Examples
        --------
        >>> from careergraph.examples import toy_graph
        >>> from careergraph.projection import project
        >>> p = project(toy_graph())
        >>> len(p.skill_set("https://w3id.org/careergraph/id/role/junior"))
        3
        """
        return self.derived(Projection._skill_sets)[self.row(role)]

    def essential_set(self, role: str) -> frozenset[int]:
        """Column indices of the skills a role needs as essential."""
        return self.derived(Projection._essential_sets)[self.row(role)]

    def weights(self, role: str) -> dict[int, float]:
        """``{skill column: weight}`` of one role."""
        m = self.role_skill
        i = self.row(role)
        lo, hi = m.indptr[i], m.indptr[i + 1]
        return dict(zip(m.indices[lo:hi].tolist(), m.data[lo:hi].tolist()))

    def skills_of(self, role: str) -> dict[str, float]:
        """``{skill label: weight}`` of one role, by label.

        Examples
        --------
        >>> from careergraph.examples import toy_graph
        >>> from careergraph.projection import project
        >>> p = project(toy_graph())
        >>> p.skills_of("https://w3id.org/careergraph/id/role/junior")
        {'Git': 0.5, 'Python': 1.0, 'SQL': 1.0}
        """
        pairs = {self.skill_labels[self.skills[j]]: float(w) for j, w in self.weights(role).items()}
        return dict(sorted(pairs.items()))

    def is_technology(self, column: int) -> bool:
        """True for a technology product (O*NET Technology Skills), not a skill."""
        return self.skill_kinds.get(self.skills[column]) == TECHNOLOGY_KIND

    def rank_skills(self, columns, role: str | None = None) -> list[int]:
        """Skill columns ranked as explanations list them: essential first, then weight, then label.

        Essential and weight are the ``role``'s (the role that asks for the skills).

        Examples
        --------
        >>> from careergraph.examples import toy_graph
        >>> from careergraph.projection import project
        >>> p = project(toy_graph())
        >>> senior = "https://w3id.org/careergraph/id/role/senior"
        >>> [p.skill_labels[p.skills[j]] for j in p.rank_skills(p.skill_set(senior), senior)]
        ['Python', 'SQL', 'PyTorch', 'Git']
        """
        w = self.weights(role) if role is not None else {}
        ess = self.essential_set(role) if role is not None else frozenset()
        labels, skills = self.skill_labels, self.skills
        return sorted(columns, key=lambda j: (j not in ess, -w.get(j, 0.0), labels[skills[j]]))

    def evidence(self, role: str, columns: Iterable[int] | None = None) -> dict[int, str]:
        """Skill column -> ``"stated"`` or ``"interpreted"``: what the graph says of a role's requirements.

        Only the role's marked requirements among ``columns`` (all when None)
        are keys. One read of the role's row, whatever the number of columns.

        Examples
        --------
        >>> from careergraph import CareerGraph
        >>> p = CareerGraph().projection
        >>> sorted(set(p.evidence("https://w3id.org/careergraph/id/role/junior-ml-engineer").values()))
        ['interpreted']
        """
        ev = self.link_evidence
        if ev is None:
            return {}
        r = self.row(role)
        lo, hi = ev.indptr[r], ev.indptr[r + 1]
        marked = {int(j): _EVIDENCE_NAMES[int(x)] for j, x in zip(ev.indices[lo:hi], ev.data[lo:hi])
                  if int(x) in _EVIDENCE_NAMES}
        if columns is None:
            return marked
        return {j: marked[j] for j in columns if j in marked}

    def stated(self) -> "Projection":
        """This projection with only what a source states: stated requirements and stated moves.

        Interpreted, unmarked and same-as links are left out (``--evidence
        stated``). Computed once; the label index and features are shared.

        Examples
        --------
        >>> from careergraph import open_graph
        >>> from careergraph.projection import project
        >>> p = project(open_graph())
        >>> s = p.stated()
        >>> 0 < s.role_skill.nnz < p.role_skill.nnz and s.transitions.number_of_edges() < p.transitions.number_of_edges()
        True
        """
        return self.derived(Projection._stated_view)

    @staticmethod
    def _stated_view(proj: "Projection") -> "Projection":
        ev = proj.link_evidence
        keep = (ev == 1) if ev is not None else sp.csr_matrix(proj.role_skill.shape, dtype=bool)
        role_skill = sp.csr_matrix(proj.role_skill.multiply(keep))
        role_skill.eliminate_zeros()
        essential = sp.csr_matrix(proj.essential.multiply(keep), dtype=bool)
        essential.eliminate_zeros()
        g = nx.DiGraph()
        g.add_nodes_from(proj.transitions.nodes(data=True))
        g.add_edges_from((u, v, d) for u, v, d in proj.transitions.edges(data=True) if d.get("evidence") == "stated")
        state = {k: v for k, v in proj.__dict__.items() if not k.startswith("_")}
        state.update(role_skill=role_skill, essential=essential, transitions=g, link_evidence=ev)
        return Projection(**state)

    def binary(self) -> sp.csr_matrix:
        """Roles × skills 0/1 matrix (float64).

        Examples
        --------
        >>> from careergraph.examples import toy_graph
        >>> from careergraph.projection import project
        >>> float(project(toy_graph()).binary().max())
        1.0
        """
        return self.derived(Projection.binary_matrix)
