"""The Python API: one :class:`CareerGraph` object mirroring the command line.

Every method takes role and skill names the way the CLI does (label,
alternative label, IRI or CURIE) and returns plain Python data or the
library's result objects; nothing prints.

Examples
--------
>>> from careergraph import CareerGraph
>>> cg = CareerGraph()                                   # built-in ML-career graph
>>> route = cg.path("Junior ML Engineer", "Lead ML Engineer")
>>> route.labels
['Junior ML Engineer', 'Senior ML Engineer', 'Lead ML Engineer']
>>> [s.kind for s in route.steps]
['promotion', 'promotion']
>>> ov = cg.overlap("Machine Learning Engineer", "Machine Learning Scientist")
>>> 0 < ov["jaccard"] < 1
True
>>> cg.query("ladder-above", role="Junior ML Engineer").column("label")
['Senior ML Engineer', 'Lead ML Engineer']
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from . import overlap as _overlap
from .paths import PathResult, find_path
from .project import Projection, project
from .queries import QueryResult, run_query
from .resolve import resolve_many
from .store import open_graph

__all__ = ["CareerGraph"]


class CareerGraph:
    """A career graph: the built-in seed graph or an on-disk store.

    Parameters
    ----------
    store : path, optional
        Folder of an on-disk store made by ``careergraph import``; ``None``
        (default) opens the built-in Machine Learning career graph.
    source : str, optional
        Resolve names only within one dataset (``seed``, ``esco``, ``onet``).

    Attributes
    ----------
    graph : rdflib.Dataset
        The RDF graph (Oxigraph-backed); query it with SPARQL directly.
    """

    def __init__(self, store: str | os.PathLike | None = None, *, source: str | None = None):
        self.graph = open_graph(store)
        self.source = source
        self._projection: Projection | None = None

    def __repr__(self) -> str:
        return f"CareerGraph(roles={len(self.projection.roles)}, skills={len(self.projection.skills)})"

    @property
    def projection(self) -> Projection:
        """The networkx/sparse projection (built once, on first use)."""
        if self._projection is None:
            self._projection = project(self.graph)
        return self._projection

    def _skills(self, have: str | Iterable[str]) -> list[str]:
        return [str(s) for s in resolve_many(self.graph, have, kind="skill", source=self.source)]

    def query(self, name: str, **params: Any) -> QueryResult:
        """Run a named query (or ``.rq`` path) with keyword parameters."""
        return run_query(self.graph, name, params, source=self.source)

    def path(self, source: str, target: str, **options: Any) -> PathResult | list[PathResult]:
        """Cheapest route(s) between two roles; options as :func:`careergraph.paths.find_path`."""
        if "have" in options:
            options["have"] = self._skills(options["have"])
        options.setdefault("dataset", self.source)
        return find_path(self.projection, source, target, **options)

    def overlap(self, a: str, b: str) -> dict[str, Any]:
        """Shared and distinct skills of two roles, Jaccard and weighted Jaccard."""
        return _overlap.overlap(self.projection, a, b)

    def similar(self, role: str, top: int = 10) -> list[dict[str, Any]]:
        """Roles most similar to ``role`` by the similarity model."""
        return _overlap.similar(self.projection, role, top=top)

    def matrix(self, roles: Iterable[str] | None = None):
        """All-pairs skill Jaccard: ``(labels, ndarray)``."""
        return _overlap.matrix(self.projection, roles)

    def gap(self, have: str | Iterable[str], target: str) -> dict[str, Any]:
        """What a skill set (names or a comma-separated string) covers of a role."""
        return _overlap.gap(self.projection, self._skills(have), target)

    def recommend(self, have: str | Iterable[str], top: int = 10) -> list[dict[str, Any]]:
        """Roles closest to a skill set, each with what is missing."""
        return _overlap.recommend(self.projection, self._skills(have), top=top)

    def validate(self):
        """SHACL shapes and violation queries over this graph."""
        from .validate import validate

        return validate(self.graph)

    def export(self, fmt: str, path: str | os.PathLike):
        """Write the graph as graphml, gexf, json, turtle or nt."""
        from .export import export

        return export(self.graph, fmt, path)
