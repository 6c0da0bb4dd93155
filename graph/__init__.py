"""careergraph: a knowledge graph of careers in RDF, with SPARQL, paths and overlap.

Start with :class:`CareerGraph`, the Python API behind the command line and
the HTTP API. The layers under it are public too: :func:`open_graph` (where
the graph lives), :func:`run_query` (the one query runner),
:class:`Resolver` (names to IRIs), :func:`careergraph.projection.project`
(the networkx / scipy projection) and the algorithms, which take IRIs.

Examples
--------
>>> import careergraph
>>> cg = careergraph.CareerGraph()              # the built-in ML-career graph
>>> cg.role("ML Engineer")
'https://w3id.org/careergraph/id/role/machine-learning-engineer'
>>> cg.path("Junior ML Engineer", "Lead ML Engineer").labels[-1]
'Lead ML Engineer'
"""

from __future__ import annotations

from ._version import __version__
from .api import CareerGraph
from .errors import *  # noqa: F403 (every error class is public)
from .errors import __all__ as _errors_all
from .queries import list_queries, load_query, run_query
from .resolve import Resolver, resolve, resolve_many
from .store import open_graph

__all__ = [
    "CareerGraph",
    "Resolver",
    "__version__",
    "list_queries",
    "load_query",
    "open_graph",
    "resolve",
    "resolve_many",
    "run_query",
    *_errors_all,
]
