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

from ._lazy import lazy_names
from ._version import __version__
from .errors import *  # noqa: F403 (every error class is public)
from .errors import __all__ as _errors_all

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

# Imported on first use: a command that needs none of them (``careergraph import ...``) does not pay for
# numpy, scipy and networkx.
lazy_names(__name__, {"CareerGraph": "api", "Resolver": "resolve", "list_queries": "queries",
                      "load_query": "queries", "open_graph": "store", "resolve": "resolve",
                      "resolve_many": "resolve", "run_query": "queries"})
