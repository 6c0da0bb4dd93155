"""The files careergraph ships: the ontology, the seed graph and the query library.

An installed wheel carries them inside the package (``careergraph/ontology``,
``careergraph/sparql``); a source checkout or editable install reads them from
the repository's top-level ``ontology/`` and ``queries/``.

Examples
--------
>>> sorted(builtin_files())
['ontology', 'seed']
>>> package_dir("queries").name in ("queries", "sparql")
True
"""

from __future__ import annotations

from pathlib import Path

from .errors import StoreError
from .vocab import graph_iri

__all__ = ["ONTOLOGY_GRAPH", "SEED_GRAPH", "builtin_files", "builtin_graphs", "package_dir"]

#: Named graph of the vocabulary, shapes and alignments.
ONTOLOGY_GRAPH = str(graph_iri("ontology"))
#: Named graph of the curated seed data.
SEED_GRAPH = str(graph_iri("seed"))


def package_dir(name: str) -> Path:
    """Folder of shipped data: ``ontology``, ``ontology/data`` or ``queries``.

    Raises
    ------
    StoreError
        The folder is missing (a broken install).
    """
    here = Path(__file__).resolve().parent
    top, *rest = name.split("/")
    inside = {"queries": "sparql"}.get(top, top)
    for root in (here / inside, here.parent / top):
        path = root.joinpath(*rest)
        if path.is_dir():
            return path
    raise StoreError(f"Shipped data folder {name!r} is missing; reinstall careergraph")


def builtin_files() -> dict[str, list[Path]]:
    """The shipped Turtle files: ``{"ontology": [...], "seed": [...]}``.

    The ontology holds the vocabulary, shapes and alignments; the seed holds
    the curated instance data of ``ontology/data/``.
    """
    return {
        "ontology": sorted(package_dir("ontology").glob("*.ttl")),
        "seed": sorted(package_dir("ontology/data").glob("*.ttl")),
    }


def builtin_graphs() -> list[tuple[Path, str]]:
    """Every shipped Turtle file with the named graph it belongs in."""
    files = builtin_files()
    return [(p, ONTOLOGY_GRAPH) for p in files["ontology"]] + [(p, SEED_GRAPH) for p in files["seed"]]
