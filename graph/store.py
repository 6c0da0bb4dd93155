"""Opening graphs: the built-in seed graph in memory, or an on-disk Oxigraph store.

Both are ``rdflib.Dataset`` objects backed by Oxigraph (through oxrdflib), so
the same SPARQL strings run fast on either. Each source lives in its own
named graph (``graph/ontology``, ``graph/seed``, ``graph/esco-v1.1.1`` ...);
queries see the union of them.

Examples
--------
>>> from careergraph.store import open_graph
>>> g = open_graph()
>>> bool(g.query("ASK { ?r a <https://w3id.org/careergraph/ontology#Role> }").askAnswer)
True
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset
from oxrdflib import OxigraphStore

from .errors import OntologyError, StoreError
from .vocab import PREFIXES, graph_iri

__all__ = [
    "ONTOLOGY_GRAPH",
    "SEED_GRAPH",
    "builtin_files",
    "package_dir",
    "load_turtle",
    "open_graph",
    "oxigraph_store",
    "store_from_env",
]

ONTOLOGY_GRAPH = graph_iri("ontology")
SEED_GRAPH = graph_iri("seed")

_LINE = re.compile(r"line (\d+)", re.I)


def builtin_files() -> dict[str, list[Path]]:
    """Return the shipped Turtle files: ``{"ontology": [...], "seed": [...]}``.

    The ontology holds the vocabulary, shapes and alignments; the seed holds
    the curated instance data of ``ontology/data/``.
    """
    return {
        "ontology": sorted(package_dir("ontology").glob("*.ttl")),
        "seed": sorted(package_dir("ontology/data").glob("*.ttl")),
    }


def package_dir(name: str) -> Path:
    """Folder of shipped data: ``ontology``, ``ontology/data`` or ``queries``.

    An installed wheel carries them inside the package (``careergraph/ontology``,
    ``careergraph/sparql``); a source checkout or editable install reads them
    from the repository's top-level ``ontology/`` and ``queries/``.
    """
    here = Path(__file__).resolve().parent
    inside = {"queries": "sparql"}.get(name.split("/")[0], name.split("/")[0])
    rest = name.split("/")[1:]
    for root in (here / inside, here.parent / name.split("/")[0]):
        path = root.joinpath(*rest)
        if path.is_dir():
            return path
    raise StoreError(f"Shipped data folder {name!r} is missing; reinstall careergraph")


def _bind(ds: Dataset) -> Dataset:
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns)
    return ds


def oxigraph_store(ds: Dataset) -> ox.Store:
    """Return the pyoxigraph store under an rdflib Dataset opened here."""
    return ds.store._inner  # type: ignore[attr-defined]


def load_turtle(store: ox.Store, path: Path, graph) -> None:
    """Load one Turtle file into a named graph, naming file and line on error.

    Raises
    ------
    OntologyError
        The file is not valid Turtle; the message gives ``file:line``.
    """
    try:
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(graph)))
    except SyntaxError as exc:
        m = _LINE.search(str(exc))
        where = f"{path}:{m.group(1)}" if m else str(path)  # Oxigraph counts lines from 1
        raise OntologyError(f"{where}: invalid Turtle: {exc}") from None
    except OSError as exc:
        raise OntologyError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _load_builtin(store: ox.Store) -> None:
    files = builtin_files()
    for key, graph in (("ontology", ONTOLOGY_GRAPH), ("seed", SEED_GRAPH)):
        for path in files[key]:
            load_turtle(store, path, graph)


def store_from_env() -> str | None:
    """Return the store folder named by ``CAREERGRAPH_STORE``, if set."""
    return os.environ.get("CAREERGRAPH_STORE") or None


def open_graph(store: str | os.PathLike | None = None, *, create: bool = False) -> Dataset:
    """Open the graph to query.

    Parameters
    ----------
    store : path, optional
        Folder of an on-disk Oxigraph store. ``None`` gives the built-in seed
        graph (ontology and curated ML-career data) in memory.
    create : bool, default False
        Create the store folder (with the built-in graphs in it) when missing.

    Returns
    -------
    rdflib.Dataset
        A dataset whose default graph is the union of its named graphs.

    Raises
    ------
    StoreError
        The folder does not exist (and ``create`` is false) or cannot be opened.
    OntologyError
        A built-in Turtle file is malformed.
    """
    if store is None:
        inner = ox.Store()
        _load_builtin(inner)
    else:
        path = Path(store)
        if not path.exists() and not create:
            raise StoreError(
                f"Store folder '{path}' does not exist; create it with "
                f"'careergraph --store {path} import ...' or drop --store to use the built-in graph"
            )
        fresh = not path.exists() or not any(path.iterdir())
        try:
            path.mkdir(parents=True, exist_ok=True)
            inner = ox.Store(str(path))
        except OSError as exc:
            raise StoreError(f"Cannot open store '{path}': {exc}. Is another process using it?") from None
        if fresh:
            _load_builtin(inner)
    ds = Dataset(store=OxigraphStore(store=inner), default_union=True)
    return _bind(ds)
