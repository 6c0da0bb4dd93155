"""The projection of the graph into networkx and scipy sparse structures, memoised and cached.

:func:`project` is the one way to get it: one memo per graph object (checked
against the data's version, so an import is seen at once) and one disk cache
in the backend's cache folder (the store folder, or a local folder for an
endpoint), keyed by the data's version and the package version. A second
command on the same store costs the freshness check and one unpickle.

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

from __future__ import annotations

import sys
import threading
import weakref
from collections.abc import Callable

from .._lazy import lazy_names
from .._version import __version__
from ..backends import Backend

__all__ = ["BLOCKS", "KINDS", "QUERIES", "TECHNOLOGY_KIND", "KindIndex", "NameIndex", "Projection", "build",
           "clean", "forget", "normalize", "project"]

# Imported on first use: these modules pull in numpy, scipy and networkx (~0.5 s), which an import run
# with ``--no-projection`` never needs.
lazy_names(__name__, {"BLOCKS": "features", "KINDS": "model", "QUERIES": "build", "TECHNOLOGY_KIND": "model",
                      "KindIndex": "names", "NameIndex": "names", "Projection": "model", "build": "build",
                      "cache": None, "clean": "names", "normalize": "names"})

#: This package as a module object: :func:`project` reaches ``cache`` and ``build`` through it, so
#: they load on the first call (and a test's monkeypatch of ``projection.build`` is what it calls).
_pkg = sys.modules[__name__]
_MEMO: weakref.WeakKeyDictionary[Backend, Projection] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def project(graph: Backend, *, progress: Callable[[str], None] | None = None) -> Projection:
    """The projection of a graph: from memory, from the disk cache, or built.

    Parameters
    ----------
    graph : Backend
        A graph from :func:`careergraph.open_graph`.
    progress : callable, optional
        Told what is being read when the projection must be built (seconds
        on a big store) and when it is saved.

    Returns
    -------
    Projection

    Raises
    ------
    QueryError
        A projection query is missing or fails.
    """
    state = graph.state()
    key = _pkg.cache.key_of(state, __version__)
    with _LOCK:
        hit = _MEMO.get(graph)
    if hit is not None and hit.version == key:
        return hit
    proj = _pkg.cache.load(graph.cache_dir, key)
    if proj is None:
        # the built-in graph projects in a fraction of a second: only stores and endpoints report progress
        say = progress if progress is not None and graph.kind != "memory" else (lambda _m: None)
        say(f"building the projection of {graph.location} (cached for the next command)")
        proj = _pkg.build(graph, progress=say, version=key)
        if _pkg.cache.save(graph.cache_dir, key, proj):
            say(f"saved the projection cache in {graph.cache_dir}")
    with _LOCK:
        _MEMO[graph] = proj
    return proj


def forget(graph: Backend | None = None) -> None:
    """Drop the memoised projection of one graph (of every graph when None); disk caches stay."""
    with _LOCK:
        if graph is None:
            _MEMO.clear()
        else:
            _MEMO.pop(graph, None)
