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
import uuid
from collections.abc import Callable
from dataclasses import dataclass
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
    "META_GRAPH",
    "STAGING_PREFIX",
    "SourceRecord",
    "drop_source",
    "list_sources",
    "open_graph",
    "oxigraph_store",
    "replace_graph",
]

#: Attribute of a dataset naming the on-disk store folder it was opened from.
STORE_FOLDER_ATTR = "careergraph_store_folder"

ONTOLOGY_GRAPH = graph_iri("ontology")
SEED_GRAPH = graph_iri("seed")
#: Named graph holding one record per imported source (key, version, date, counts, files).
META_GRAPH = graph_iri("meta")
#: Named graphs under this prefix are imports being built; leftovers are removed on open.
STAGING_PREFIX = str(graph_iri("staging/"))

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
        else:
            _recover(inner)
    ds = Dataset(store=OxigraphStore(store=inner), default_union=True)
    if store is not None:  # lets project() keep its cache in the store folder
        setattr(ds, STORE_FOLDER_ATTR, os.fspath(store))
    return _bind(ds)


# ---------------------------------------------------------------------------
# Imported sources: atomic replacement of one named graph, and their records
# ---------------------------------------------------------------------------

_CG = "https://w3id.org/careergraph/ontology#"
_DCT = "http://purl.org/dc/terms/"
_PROV = "http://www.w3.org/ns/prov#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"


@dataclass(frozen=True)
class SourceRecord:
    """What ``graph/meta`` says about one imported source.

    ``key`` is the dataset key (``esco``, ``onet``, ``crosswalk``), ``graph``
    the named graph holding its triples, ``dataset`` the ``cg:Dataset`` node
    every imported node points at with ``cg:inDataset``.
    """

    key: str
    graph: str
    dataset: str
    label: str = ""
    version: str = ""
    imported: str = ""
    triples: int = 0
    files: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {"key": self.key, "version": self.version, "graph": self.graph, "dataset": self.dataset,
                "label": self.label, "imported": self.imported, "triples": self.triples,
                "files": list(self.files)}


def _nt_lit(text: str) -> str:
    return '"' + (str(text).replace("\\", "\\\\").replace('"', '\\"')
                  .replace("\n", "\\n").replace("\r", "\\r")) + '"'


def _meta_nt(rec: SourceRecord, state: str) -> str:
    d = f"<{rec.dataset}>"
    lines = [
        f"{d} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{_CG}Dataset> .",
        f"{d} <{_CG}datasetKey> {_nt_lit(rec.key)} .",
        f"{d} <{_CG}namedGraph> <{rec.graph}> .",
        f"{d} <{_CG}importState> {_nt_lit(state)} .",
    ]
    if rec.label:
        lines.append(f"{d} <{_RDFS}label> {_nt_lit(rec.label)} .")
    if state == "complete":
        lines += [
            f"{d} <{_DCT}hasVersion> {_nt_lit(rec.version)} .",
            f"{d} <{_PROV}generatedAtTime> {_nt_lit(rec.imported)}^^<{_XSD}dateTime> .",
            f'{d} <{_CG}tripleCount> "{int(rec.triples)}"^^<{_XSD}integer> .',
        ]
        lines += [f"{d} <{_CG}sourceFile> {_nt_lit(f)} ." for f in rec.files]
    return "\n".join(lines)


def _drop_meta(dataset: str) -> str:
    return f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ <{dataset}> ?p ?o }} }}"


def _insert_meta(rec: SourceRecord, state: str) -> str:
    return f"INSERT DATA {{ GRAPH <{META_GRAPH}> {{ {_meta_nt(rec, state)} }} }}"


def _store_of(graph) -> ox.Store:
    return graph if isinstance(graph, ox.Store) else oxigraph_store(graph)


def _recover(store: ox.Store) -> None:
    """Remove what an interrupted import left behind (staging graphs, half-loaded sources)."""
    for g in list(store.named_graphs()):
        if isinstance(g, ox.NamedNode) and g.value.startswith(STAGING_PREFIX):
            store.update(f"DROP SILENT GRAPH <{g.value}>")
    q = (f"SELECT ?d ?g WHERE {{ GRAPH <{META_GRAPH}> {{ ?d <{_CG}importState> \"loading\" ; "
         f"<{_CG}namedGraph> ?g }} }}")
    for row in list(store.query(q)):
        store.update(f"DROP SILENT GRAPH <{row['g'].value}> ; {_drop_meta(row['d'].value)}")


def replace_graph(
    graph,
    target: str,
    nt_path: str | os.PathLike,
    record: SourceRecord,
    *,
    progress: Callable[[str], None] | None = None,
) -> SourceRecord:
    """Replace the content of one named graph with an N-Triples file, all or nothing.

    The store is never left with half an import visible after a crash or an
    exception: either the previous content of ``target`` (and its record in
    ``graph/meta``) or the new one.

    * ``target`` absent (first import): a ``loading`` marker goes into
      ``graph/meta``, the file is bulk-loaded straight into ``target`` (the
      fast, non-transactional loader), then one SPARQL update swaps the
      marker for the final record. :func:`open_graph` drops any graph whose
      marker still says ``loading``.
    * ``target`` present (re-import): the file is bulk-loaded into a staging
      graph (``graph/staging/...``), then one SPARQL update does
      ``DROP SILENT GRAPH <target>; ADD <staging> TO <target>; DROP GRAPH
      <staging>`` and rewrites the record. Oxigraph applies an update "in a
      transactional manner: either the full operation succeeds, or nothing is
      written" (pyoxigraph ``Store.update`` docs); leftover staging graphs are
      dropped on open. On an on-disk store this transaction is slow at ESCO
      scale (see ``bench/README.md``); :func:`drop_source` then import is the
      fast, non-atomic alternative.

    Parameters
    ----------
    graph : rdflib.Dataset or pyoxigraph.Store
    target : str
        IRI of the named graph to replace.
    nt_path : path
        N-Triples file with the new content.
    record : SourceRecord
        The record to write in ``graph/meta`` (its ``triples`` is the line count).
    progress : callable, optional
        Called with short status messages.

    Returns
    -------
    SourceRecord
        ``record`` as written.
    """
    store = _store_of(graph)
    say = progress or (lambda _m: None)
    tgt = ox.NamedNode(target)
    fmt = ox.RdfFormat.N_TRIPLES
    if not store.contains_named_graph(tgt):
        store.update(_drop_meta(record.dataset) + " ; " + _insert_meta(record, "loading"))
        say(f"loading {record.triples:,} triples into <{target}>")
        try:
            store.bulk_load(path=str(nt_path), format=fmt, to_graph=tgt, lenient=True)
            store.update(_drop_meta(record.dataset) + " ; " + _insert_meta(record, "complete"))
        except BaseException:
            store.update(f"DROP SILENT GRAPH <{target}> ; {_drop_meta(record.dataset)}")
            raise
        return record
    staging = f"{STAGING_PREFIX}{_slug_of(target)}-{uuid.uuid4().hex[:12]}"
    say(f"loading {record.triples:,} triples into a staging graph")
    try:
        store.bulk_load(path=str(nt_path), format=fmt, to_graph=ox.NamedNode(staging), lenient=True)
        say(f"swapping <{target}> for the new import (one transaction)")
        store.update(
            f"DROP SILENT GRAPH <{target}> ; ADD <{staging}> TO <{target}> ; DROP GRAPH <{staging}> ; "
            + _drop_meta(record.dataset) + " ; " + _insert_meta(record, "complete")
        )
    except BaseException:
        store.update(f"DROP SILENT GRAPH <{staging}>")
        raise
    return record


def _slug_of(iri: str) -> str:
    """Last path segments of a graph IRI as a slug (``esco-v1.1.1`` -> ``esco-v1-1-1``)."""
    return re.sub(r"[^A-Za-z0-9]+", "-", iri.rsplit("/", 1)[-1]).strip("-") or "graph"


_LIST = f"""SELECT ?d ?key ?g ?label ?version ?date ?n ?file WHERE {{ GRAPH <{META_GRAPH}> {{
  ?d <{_CG}datasetKey> ?key ; <{_CG}namedGraph> ?g ; <{_CG}importState> "complete" .
  OPTIONAL {{ ?d <{_RDFS}label> ?label }}
  OPTIONAL {{ ?d <{_DCT}hasVersion> ?version }}
  OPTIONAL {{ ?d <{_PROV}generatedAtTime> ?date }}
  OPTIONAL {{ ?d <{_CG}tripleCount> ?n }}
  OPTIONAL {{ ?d <{_CG}sourceFile> ?file }}
}} }}"""


def list_sources(graph) -> list[SourceRecord]:
    """Return the imported sources recorded in ``graph/meta``, sorted by key.

    The built-in ontology and seed graphs are not imports and are not listed.

    Examples
    --------
    >>> list_sources(open_graph())
    []
    """
    store = _store_of(graph)
    found: dict[str, dict] = {}
    for row in store.query(_LIST):
        key = row["key"].value
        r = found.setdefault(key, {"key": key, "graph": row["g"].value, "dataset": row["d"].value,
                                   "label": "", "version": "", "imported": "", "triples": 0, "files": set()})
        for name, field_ in (("label", "label"), ("version", "version"), ("date", "imported")):
            if row[name] is not None:
                r[field_] = row[name].value
        if row["n"] is not None:
            r["triples"] = int(row["n"].value)
        if row["file"] is not None:
            r["files"].add(row["file"].value)
    return [SourceRecord(**{**r, "files": tuple(sorted(r["files"]))}) for _, r in sorted(found.items())]


def drop_source(graph, key: str) -> SourceRecord:
    """Remove one imported source: its named graph and its record, in one transaction.

    Raises
    ------
    StoreError
        No source with that key was imported; the message lists those that were.
    """
    sources = list_sources(graph)
    for rec in sources:
        if key in (rec.key, rec.graph, _slug_of(rec.graph), rec.graph.rsplit("/", 1)[-1]):
            _store_of(graph).update(f"DROP SILENT GRAPH <{rec.graph}> ; {_drop_meta(rec.dataset)}")
            return rec
    have = ", ".join(r.key for r in sources) or "none"
    raise StoreError(f"No imported source {key!r} in this store (imported: {have}); "
                     "'careergraph sources' lists them")
