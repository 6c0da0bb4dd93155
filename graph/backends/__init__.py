"""Where the graph lives: an embedded Oxigraph store, or a remote SPARQL 1.1 server.

A :class:`Backend` answers read-only SPARQL queries with pyoxigraph result
objects (so one term converter serves every backend), applies updates, bulk
loads files into named graphs and replaces one named graph all or nothing.

Only two modules call a backend: :mod:`careergraph.queries` (the one query
runner: every read) and :mod:`careergraph.store` (imported sources and their
records: every write). Everything else goes through them.

Named graphs are the same on every backend: ``graph/ontology``,
``graph/seed``, one per imported source and ``graph/meta`` (one record per
import). A query's default graph is the union of the named graphs.

Examples
--------
>>> from careergraph.backends import memory_backend
>>> b = memory_backend()
>>> b.kind, b.read_only
('memory', False)
>>> bool(b.query("ASK { ?r a <https://w3id.org/careergraph/ontology#Role> }"))
True
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .base import META_GRAPH, Backend, Progress, Term
from .embedded import EmbeddedBackend
from .remote import RemoteBackend

__all__ = ["META_GRAPH", "Backend", "EmbeddedBackend", "Progress", "RemoteBackend", "Term", "memory_backend"]


def memory_backend(files: Iterable[tuple[str | Path, str]] | None = None) -> Backend:
    """An in-memory Oxigraph store, holding the built-in graph unless ``files`` are given.

    Parameters
    ----------
    files : iterable of (path, graph IRI), optional
        Turtle files to load into named graphs instead of the built-in ones.
    """
    return EmbeddedBackend.in_memory(files)
