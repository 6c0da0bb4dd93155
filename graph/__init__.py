"""careergraph: a knowledge graph of careers in RDF, with SPARQL, paths and overlap.

Examples
--------
>>> import careergraph
>>> g = careergraph.open_graph()          # the built-in ML-career graph
>>> careergraph.resolve(g, "ML Engineer") # doctest: +ELLIPSIS
rdflib.term.URIRef('https://w3id.org/careergraph/id/role/...')
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .errors import *  # noqa: F401,F403
from .errors import __all__ as _errors_all
from .queries import list_queries, load_query, run_query, run_sparql
from .resolve import label_of, resolve, resolve_many
from .store import open_graph



def __getattr__(name: str):
    # The analysis API pulls in networkx and scipy: load it on first use so
    # that the command line starts fast.
    if name == "CareerGraph":
        from .api import CareerGraph

        return CareerGraph
    raise AttributeError(f"module 'careergraph' has no attribute {name!r}")


try:
    __version__ = version("careergraph")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "CareerGraph",
    "__version__",
    "label_of",
    "list_queries",
    "load_query",
    "open_graph",
    "resolve",
    "resolve_many",
    "run_query",
    "run_sparql",
    *_errors_all,
]
