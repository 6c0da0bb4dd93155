"""The Python API: one :class:`CareerGraph` object behind the CLI and the HTTP API.

Every method takes role and skill names the way the CLI does (label,
alternative label, IRI or CURIE), resolves them once with the one
:class:`~careergraph.resolve.Resolver`, then calls the algorithms, which take
IRIs. It returns plain Python data or the library's result objects; nothing
prints. The command line and ``careergraph serve`` make one call here per
request, so all three answer alike.

Examples
--------
>>> from careergraph import CareerGraph
>>> cg = CareerGraph()                                   # built-in ML-career graph
>>> route = cg.path("Junior ML Engineer", "Lead ML Engineer")
>>> route.labels
['Junior ML Engineer', 'Senior ML Engineer', 'Lead ML Engineer']
>>> [s.kind for s in route.steps]
['promotion', 'promotion']
>>> ov = cg.overlap("ML Engineer", "Machine Learning Scientist")
>>> 0 < ov["jaccard"] < 1
True
>>> cg.query("ladder-above", role="Junior ML Engineer").column("label")
['Senior ML Engineer', 'Lead ML Engineer']
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from . import evaluate as _evaluate
from . import export as _export
from . import moves as _moves
from . import overlap as _overlap
from . import recommend as _recommend
from . import similarity as _similarity
from . import validate as _validate
from . import viz
from .backends import Backend
from .errors import EmptyResult, InvalidParameter, NoCareerPath, clip
from .paths import PathResult, find_path
from .projection import Projection, project
from .queries import QueryFile, QueryResult, load_query, run_query
from .resolve import Resolver
from .store import list_sources, open_graph

__all__ = ["EVIDENCE", "CareerGraph"]

#: ``evidence=`` choices: every fact, or only what a source states (``--evidence stated``).
EVIDENCE = ("any", "stated")

_Names = str | Iterable[str]

#: The parts of :meth:`CareerGraph.profile` and the library query behind each.
_PROFILE = {"about": "role-profile", "skills": "profile-skills", "education": "profile-education",
            "salaries": "salaries-of-role", "industries": "industries-of-role",
            "moves_out": "profile-moves-out", "moves_in": "profile-moves-in"}


class CareerGraph:
    """A career graph: the built-in seed graph, an on-disk store, a SPARQL 1.1 server, or a given graph.

    Parameters
    ----------
    store : path, optional
        Folder of an on-disk store made by ``careergraph import``; ``None``
        (default, and no ``endpoint``) opens the built-in Machine Learning
        career graph.
    endpoint : str, optional
        The SPARQL 1.1 query endpoint of a server holding the graph (see
        :func:`careergraph.open_graph`, which also takes the update and
        Graph Store endpoints and a timeout: open it there and pass ``graph``).
    source : str, optional
        Resolve names only within one dataset (``seed``, ``esco``, ``onet``).
    graph : Backend, optional
        An already opened graph (instead of ``store``).
    progress : callable, optional
        Told what is happening when the projection must be built.

    Attributes
    ----------
    graph : Backend
        Where the graph lives; query it with :meth:`query` or :meth:`sparql`.
    """

    def __init__(self, store: str | os.PathLike | None = None, *, endpoint: str | None = None,
                 source: str | None = None, graph: Backend | None = None,
                 progress: Callable[[str], None] | None = None):
        self.graph = graph if graph is not None else open_graph(store, endpoint=endpoint)
        self.source = source
        self.progress = progress

    def __repr__(self) -> str:
        p = self.projection
        return f"CareerGraph({self.graph.location}: {len(p.roles)} roles, {len(p.skills)} skills)"

    # -- the core ------------------------------------------------------------
    @property
    def projection(self) -> Projection:
        """The networkx/sparse projection (memoised; rebuilt when the data changes)."""
        return project(self.graph, progress=self.progress)

    @property
    def resolver(self) -> Resolver:
        """The Resolver over the current projection, narrowed to :attr:`source`."""
        return Resolver(self.graph, self.projection, source=self.source)

    def role(self, name: str) -> str:
        """The IRI of a role name (label, alternative label, IRI or CURIE)."""
        return self.resolver.resolve(name, "role")

    def skills(self, names: _Names) -> list[str]:
        """The IRIs of skill names (a list, or one comma-separated string)."""
        return self.resolver.resolve_many(names, "skill")

    @staticmethod
    def _facts(proj: Projection, evidence: str) -> Projection:
        """The projection to answer from: everything, or only what a source states."""
        if evidence not in EVIDENCE:
            raise InvalidParameter(f"Unknown --evidence {clip(evidence)}; use one of: {', '.join(EVIDENCE)}")
        return proj.stated() if evidence == "stated" else proj

    # -- questions -----------------------------------------------------------
    def path(self, source: str, target: str, *, via: str | None = None, avoid: Iterable[str] = (),
             have: _Names | None = None, evidence: str = "any", **options: Any) -> PathResult | list[PathResult]:
        """Cheapest route(s) between two roles; options as :func:`careergraph.paths.find_path`.

        ``evidence="stated"`` uses only moves and requirements a source states.
        """
        r = self.resolver
        try:
            return find_path(self._facts(r.projection, evidence), r.resolve(source), r.resolve(target),
                             via=r.resolve(via) if via else None,
                             avoid=[r.resolve(a) for a in avoid],
                             have=r.resolve_many(have, "skill") if have is not None else (), **options)
        except NoCareerPath as exc:
            if evidence != "stated":
                raise
            raise NoCareerPath(f"{exc} (Only stated moves were used: drop --evidence stated to use "
                               "interpreted ones too.)", closest=exc.closest) from None

    def overlap(self, a: str, b: str, *, evidence: str = "any") -> dict[str, Any]:
        """Shared and distinct skills of two roles, Jaccard and weighted Jaccard."""
        r = self.resolver
        return _overlap.overlap(self._facts(r.projection, evidence), r.resolve(a), r.resolve(b))

    def similar(self, role: str, top: int = 10) -> list[dict[str, Any]]:
        """Roles most similar to ``role`` by the similarity model."""
        r = self.resolver
        return _similarity.similar(r.projection, r.resolve(role), top=top)

    def next(self, role: str, top: int = 10, *, source: str | None = None) -> dict[str, Any]:
        """The most promising next moves from ``role``, each explained (:func:`careergraph.moves.next_moves`).

        ``source`` narrows both the name and the destinations to one dataset
        (``seed``, ``esco``, ``onet`` ...).

        Examples
        --------
        >>> from careergraph import CareerGraph
        >>> res = CareerGraph().next("Junior ML Engineer", top=1)
        >>> res["moves"][0]["role"], res["moves"][0]["evidence"][0]["move"]
        ('Senior ML Engineer', 'promotion')
        """
        r = self.resolver
        return _moves.next_moves(r.projection, r.resolve(role), top=top, source=source or self.source)

    def evaluate(self, truth: str | os.PathLike, **options: Any) -> _evaluate.EvaluationResult:
        """Score the move model against a related-occupations file; options as :func:`careergraph.evaluate.evaluate`."""
        return _evaluate.evaluate(self.graph, truth, **options)

    def matrix(self, roles: Iterable[str] | None = None) -> tuple[list[str], np.ndarray]:
        """All-pairs skill Jaccard of roles (all roles by default): ``(labels, ndarray)``."""
        r = self.resolver
        iris = [r.resolve(x) for x in roles] if roles else None
        return _overlap.matrix(r.projection, iris)

    def most_skilled(self, top: int) -> list[str]:
        """The IRIs of the ``top`` roles with the most skills (ties by label)."""
        p = self.projection
        counts = np.diff(p.role_skill.indptr)
        order = sorted((i for i in range(len(p.roles)) if counts[i] > 0),
                       key=lambda i: (-counts[i], p.role_labels[p.roles[i]]))
        return [p.roles[i] for i in order[:top]]

    def gap(self, have: _Names, target: str, *, evidence: str = "any") -> dict[str, Any]:
        """What a skill set (names or a comma-separated string) covers of a role."""
        r = self.resolver
        return _recommend.gap(self._facts(r.projection, evidence), r.resolve_many(have, "skill"), r.resolve(target))

    def recommend(self, have: _Names, top: int = 10, *, evidence: str = "any") -> list[dict[str, Any]]:
        """Roles closest to a skill set, each with what is missing."""
        r = self.resolver
        return _recommend.recommend(self._facts(r.projection, evidence), r.resolve_many(have, "skill"), top=top)

    # -- pictures (matplotlib Axes; save them with careergraph.viz.save_figure) --
    def plot_career_map(self, *, path: tuple[str, str] | None = None, by: str = "steps", lateral: bool = False,
                        max_roles: int = 60):
        """The career map, with the cheapest route between two roles highlighted when ``path`` is given."""
        route = self.path(path[0], path[1], by=by, lateral=lateral) if path else None
        return viz.plot_career_map(self.projection, highlight_path=route, max_roles=max_roles)

    def plot_overlap(self, roles: Iterable[str] = (), *, top: int = 40):
        """The clustered Jaccard heatmap of ``roles`` (default: the ``top`` roles with the most skills)."""
        iris = [self.role(r) for r in roles] if roles else self.most_skilled(top)
        if len(iris) < 2:
            raise InvalidParameter("Give at least two roles with skills to compare")
        labels, m = _overlap.matrix(self.projection, iris)
        return viz.plot_overlap(labels, m)

    def plot_skills(self, roles: Iterable[str], *, max_skills: int = 40):
        """The skills some roles need (essential solid, optional dashed)."""
        return viz.plot_role_skills(self.projection, [self.role(r) for r in roles], max_skills=max_skills)

    def salary_rows(self, roles: Iterable[str] = ()) -> list[dict[str, Any]]:
        """Every salary observation (of ``roles`` when given), as ``plot-salaries`` rows."""
        rows = run_query(self.graph, "plot-salaries").rows
        if roles:
            want = {self.role(r) for r in roles}
            rows = [r for r in rows if r["role"] in want]
        return rows

    def plot_salaries(self, roles: Iterable[str] = ()):
        """Salary ranges and marks per role and source.

        Raises
        ------
        EmptyResult
            The roles have no salary observations.
        """
        rows = self.salary_rows(roles)
        if not rows:
            raise EmptyResult("No salary observations for " + (", ".join(map(clip, roles)) or "any role"))
        return viz.plot_salaries(rows)

    def plot_gap(self, have: _Names, target: str, *, max_skills: int = 40):
        """Which skills of a target role a skill set has and misses, by importance."""
        return viz.plot_gap(self.gap(have, target), proj=self.projection, max_skills=max_skills)

    # -- queries -------------------------------------------------------------
    def query(self, name: str | Path | QueryFile, params: dict[str, Any] | None = None,
              **kwargs: Any) -> QueryResult:
        """Run a named query (or ``.rq`` path) with parameters; names of roles, skills ... resolve."""
        qf = name if isinstance(name, QueryFile) else load_query(name)
        bound = self.resolver.bind(qf, {**(params or {}), **kwargs}) if (params or kwargs) else {}
        return run_query(self.graph, qf, bound)

    def sparql(self, text: str, **options: Any) -> QueryResult:
        """Run SPARQL text (read-only: updates and SERVICE are refused)."""
        return run_query(self.graph, text, **options)

    def profile(self, role: str) -> dict[str, Any]:
        """One role's profile, from the library queries anchored on it.

        Returns
        -------
        dict
            ``role`` (its label), ``iri``, ``about`` (the ``role-profile``
            row: description, codes, track ...), ``skills``
            (``profile-skills``), ``education`` (``profile-education``),
            ``salaries`` (``salaries-of-role``: by source and statistic),
            ``industries`` (``industries-of-role``), ``moves_out`` and
            ``moves_in`` (``profile-moves-out`` / ``profile-moves-in``).

        Examples
        --------
        >>> p = CareerGraph().profile("Senior ML Engineer")
        >>> p["role"], [m["otherName"] for m in p["moves_in"]], [m["otherName"] for m in p["moves_out"]]
        ('Senior ML Engineer', ['Junior ML Engineer'], ['Lead ML Engineer'])
        """
        iri = self.role(role)
        rows = {name: run_query(self.graph, name, {"role": iri}).rows for name in _PROFILE.values()}
        about = rows["role-profile"][0] if rows["role-profile"] else {}
        return {"role": about.get("label") or self.resolver.label(iri, "role"), "iri": iri, "about": about,
                **{key: rows[name] for key, name in _PROFILE.items() if key != "about"}}

    def sources(self) -> list[dict[str, Any]]:
        """The imported sources recorded in the graph."""
        return [r.as_dict() for r in list_sources(self.graph)]

    # -- files ---------------------------------------------------------------
    def validate(self, **options: Any):
        """SHACL shapes and violation queries over this graph."""
        return _validate.validate(self.graph, **options)

    def export(self, fmt: str, path: str | os.PathLike):
        """Write the graph as graphml, gexf, json, turtle or nt (``-`` for stdout)."""
        return _export.export(self.graph, fmt, path)
