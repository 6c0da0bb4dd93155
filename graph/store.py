"""Opening the graph, and the records of imported sources.

:func:`open_graph` gives the graph every other module reads through the one
runner (:mod:`careergraph.queries`): the built-in seed graph in memory, an
on-disk store folder, or a remote SPARQL 1.1 endpoint
(:mod:`careergraph.backends`). Each source lives in its own named graph
(``graph/ontology``, ``graph/seed``, ``graph/esco-v1.1.1`` ...); queries see
the union of them. ``graph/meta`` holds one record per imported source
(:class:`SourceRecord`); its content is the data's version, which keys every
cache.

Examples
--------
>>> from careergraph.queries import run_query
>>> g = open_graph()
>>> run_query(g, "ASK { ?r a <https://w3id.org/careergraph/ontology#Role> }").ask
True
>>> list_sources(g)
[]
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .backends import META_GRAPH as _META
from .backends import Backend, Progress
from .backends.base import Feed, PendingReplace
from .backends.embedded import STAGING_PREFIX, EmbeddedBackend
from .backends.generations import Layout
from .backends.remote import RemoteBackend
from .errors import CareerGraphError, StoreError, clip
from .queries import run_query
from .resources import ONTOLOGY_GRAPH, SEED_GRAPH, builtin_files, package_dir

__all__ = [
    "META_GRAPH",
    "ONTOLOGY_GRAPH",
    "SEED_GRAPH",
    "STAGING_PREFIX",
    "ImportAborted",
    "SourceRecord",
    "builtin_files",
    "discard_unused_store",
    "drop_source",
    "list_sources",
    "open_graph",
    "package_dir",
    "publish",
    "record_update",
    "replace_source",
    "start_replacing",
]

#: Named graph holding one record per imported source (key, version, date, counts, files).
META_GRAPH = _META


class ImportAborted(CareerGraphError):
    """An import (or drop) was interrupted (Ctrl-C); the message says whether the store changed.

    Raised instead of the :class:`KeyboardInterrupt` (click would turn that
    into a bare "aborted"). Exit code 130, as for any interrupted command.
    """

    exit_code = 130


def open_graph(store: str | os.PathLike | None = None, *, create: bool = False, endpoint: str | None = None,
               update_endpoint: str | None = None, graph_store: str | None = None,
               timeout: float | None = None, progress: Progress | None = None,
               dataset: str = "listed") -> Backend:
    """Open the graph to query: the built-in graph, a store folder, or a SPARQL 1.1 server.

    Parameters
    ----------
    store : path, optional
        Folder of an on-disk careergraph store. ``None`` (and no
        ``endpoint``) gives the built-in seed graph (ontology and curated
        ML-career data) in memory.
    create : bool, default False
        Create the store (with the built-in graphs in it) when the folder is
        missing or empty; with ``endpoint``, accept a server that holds no
        careergraph data yet (``publish`` and ``import`` write it).
    endpoint : str, optional
        The SPARQL 1.1 query endpoint of a server holding the graph (see
        :class:`~careergraph.backends.RemoteBackend`).
    update_endpoint, graph_store : str, optional
        Its SPARQL 1.1 update endpoint and Graph Store Protocol endpoint (for
        writes; without an update endpoint the server is read-only).
    timeout : float, optional
        Seconds to wait for the server (default 60).
    dataset : {"listed", "server"}, default "listed"
        How reads name their dataset on a server (see
        :class:`~careergraph.backends.RemoteBackend`).
    progress : callable, optional
        Told what opening a store cleaned up (an unfinished generation left
        by a killed import, generations no longer read), one line each.

    Returns
    -------
    Backend
        Query it with :func:`careergraph.queries.run_query`; its default
        graph is the union of its named graphs.

    Raises
    ------
    StoreError
        The folder does not exist (and ``create`` is false), is a file, is a
        folder that is not a careergraph store, or cannot be opened; both a
        store and an endpoint are given.
    EndpointError
        The server cannot be reached, refuses, is not a SPARQL endpoint or
        holds no careergraph data.
    OntologyError
        A built-in Turtle file is malformed.
    """
    if endpoint:
        if store is not None:
            raise StoreError("Give either --store DIR or --endpoint URL, not both "
                             "('careergraph --store DIR publish --endpoint URL' copies a store to a server)")
        return RemoteBackend(endpoint, update_url=update_endpoint or None, graph_store_url=graph_store or None,
                             timeout=60.0 if timeout is None else timeout, require_data=not create,
                             dataset=dataset)
    if update_endpoint or graph_store:
        raise StoreError("--update-endpoint and --graph-store need --endpoint URL (the query endpoint) too")
    if dataset != "listed":
        raise StoreError(f"--dataset {clip(dataset)} is for a SPARQL server: give --endpoint URL too")
    if store is None:
        return EmbeddedBackend.in_memory()
    return EmbeddedBackend.open_folder(store, create=create, progress=progress)


# ---------------------------------------------------------------------------
# Imported sources: their records in graph/meta
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


def _meta_nt(rec: SourceRecord) -> str:
    d = f"<{rec.dataset}>"
    lines = [
        f"{d} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{_CG}Dataset> .",
        f"{d} <{_CG}datasetKey> {_nt_lit(rec.key)} .",
        f"{d} <{_CG}namedGraph> <{rec.graph}> .",
        f'{d} <{_CG}importState> "complete" .',
        f"{d} <{_DCT}hasVersion> {_nt_lit(rec.version)} .",
        f"{d} <{_PROV}generatedAtTime> {_nt_lit(rec.imported)}^^<{_XSD}dateTime> .",
        f'{d} <{_CG}tripleCount> "{int(rec.triples)}"^^<{_XSD}integer> .',
    ]
    if rec.label:
        lines.append(f"{d} <{_RDFS}label> {_nt_lit(rec.label)} .")
    lines += [f"{d} <{_CG}sourceFile> {_nt_lit(f)} ." for f in rec.files]
    return "\n".join(lines)


def _drop_meta(dataset: str) -> str:
    return f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ <{dataset}> ?p ?o }} }}"


def record_update(rec: SourceRecord) -> str:
    """The SPARQL update that writes (or rewrites) one source's record in ``graph/meta``."""
    return _drop_meta(rec.dataset) + f" ; INSERT DATA {{ GRAPH <{META_GRAPH}> {{ {_meta_nt(rec)} }} }}"


def replace_source(graph: Backend, nt_path: str | os.PathLike, record: SourceRecord, *,
                   progress: Progress | None = None) -> SourceRecord:
    """Replace one source's named graph with an N-Triples file and record it, all or nothing.

    Readers see either the previous import (and its record) or the new one;
    see the backend's :meth:`~careergraph.backends.Backend.replace_graph` for
    what each guarantees.

    Returns
    -------
    SourceRecord
        ``record`` as written.
    """
    graph.replace_graph(record.graph, nt_path, update=record_update(record), progress=progress)
    return record


def start_replacing(graph: Backend, target: str, feed: Feed, *, progress: Progress | None = None) -> PendingReplace:
    """Start replacing a source's named graph with an N-Triples file that is still being written.

    A store loads ``feed`` piece by piece while it grows (see the backend's
    :meth:`~careergraph.backends.Backend.begin_replace`); nothing changes for
    readers until the returned replacement is committed with the source's
    record (:func:`record_update`), and aborting it leaves the store as it was.

    Returns
    -------
    PendingReplace
        ``commit(update)`` switches the new graph in; ``abort()`` gives it up.
    """
    return graph.begin_replace(target, feed, progress=progress)


#: Each record's facts as (dataset, property, value) rows: one plain pattern, which every server
#: plans at once (a chain of OPTIONALs made Virtuoso estimate hours and refuse it).
_FIELDS = {f"{_CG}datasetKey": "key", f"{_CG}namedGraph": "graph", f"{_RDFS}label": "label",
           f"{_DCT}hasVersion": "version", f"{_PROV}generatedAtTime": "imported", f"{_CG}tripleCount": "triples",
           f"{_CG}sourceFile": "files"}
_LIST = f"""SELECT ?d ?p ?o WHERE {{ GRAPH <{META_GRAPH}> {{
  ?d <{_CG}importState> "complete" ; ?p ?o .
  VALUES ?p {{ {' '.join(f'<{p}>' for p in _FIELDS)} }}
}} }}"""


def list_sources(graph) -> list[SourceRecord]:
    """Return the imported sources recorded in ``graph/meta``, sorted by key.

    The built-in ontology and seed graphs are not imports and are not listed.
    """
    found: dict[str, dict] = {}
    for row in run_query(graph, _LIST).rows:
        r = found.setdefault(str(row["d"]), {"dataset": str(row["d"]), "label": "", "version": "", "imported": "",
                                             "triples": 0, "files": set()})
        name, value = _FIELDS[str(row["p"])], row["o"]
        if name == "files":
            r["files"].add(str(value))
        elif name == "triples":
            r["triples"] = int(value)
        else:
            r[name] = str(value)
    records = [SourceRecord(**{**r, "files": tuple(sorted(r["files"]))}) for r in found.values()
               if "key" in r and "graph" in r]
    return sorted(records, key=lambda rec: rec.key)


def source_keys(graph) -> list[str]:
    """Dataset keys a name may be narrowed to: ``seed`` and every imported source."""
    return ["seed", *[r.key for r in list_sources(graph)]]


def _slug_of(iri: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", iri.rsplit("/", 1)[-1]).strip("-") or "graph"


def drop_source(graph: Backend, key: str, *, progress: Progress | None = None) -> SourceRecord:
    """Remove one imported source: its named graph and its record, all or nothing.

    On a store this builds a new generation without the graph (see
    :meth:`~careergraph.backends.Backend.drop_graph`).

    Raises
    ------
    StoreError
        No source with that key was imported; the message lists those that were.
    """
    with graph.lock(f"drop {key}", progress=progress):
        sources = list_sources(graph)
        for rec in sources:
            if key in (rec.key, rec.graph, _slug_of(rec.graph), rec.graph.rsplit("/", 1)[-1]):
                graph.drop_graph(rec.graph, update=_drop_meta(rec.dataset), progress=progress)
                return rec
    have = ", ".join(r.key for r in sources) or "none"
    raise StoreError(f"No imported source {key!r} in this store (imported: {have}); "
                     "'careergraph sources' lists them")


def publish(source: Backend, target: Backend, *, progress: Progress | None = None) -> list[str]:
    """Copy every named graph of one graph into another (the built-in graph or a store, to a server).

    Each named graph is replaced whole on the target (``graph/ontology``,
    ``graph/seed``, each imported source), with the same graph IRIs, through
    the target's :meth:`~careergraph.backends.Backend.replace_graph`;
    ``graph/meta`` (the import records, which key every cache) goes last, so
    a reader never sees a record before its data. Publishing again replaces,
    never duplicates.

    Returns
    -------
    list of str
        The graphs copied, in order.

    Raises
    ------
    EndpointError, StoreError
        The target cannot be written (read-only, unreachable ...).
    """
    say = progress or (lambda _m: None)
    graphs = [g for g in source.named_graphs() if not g.startswith(STAGING_PREFIX) and g != META_GRAPH]
    graphs.sort(key=lambda g: (g != ONTOLOGY_GRAPH, g != SEED_GRAPH, g))
    if META_GRAPH in source.named_graphs():
        graphs.append(META_GRAPH)
    with tempfile.TemporaryDirectory(prefix="careergraph-publish-") as tmp:
        for n, g in enumerate(graphs, 1):
            path = Path(tmp) / f"{n}.nt"
            with open(path, "wb") as fh:
                source.dump(fh, format=ox.RdfFormat.N_TRIPLES, graph=g)
            say(f"publishing <{g}> ({path.stat().st_size / 1e6:.1f} MB of N-Triples) to {target.location}")
            target.replace_graph(g, path, progress=say)
            path.unlink()
    return graphs


def discard_unused_store(folder: str | os.PathLike, *, keep_folder: bool = False) -> bool:
    """Remove a store folder nothing was imported into, e.g. after a first import into it failed.

    Safe against a concurrent writer (it takes the store's writer lock
    without waiting, and leaves the store when it cannot) and against data:
    a store holding any imported source is kept. ``keep_folder`` empties the
    folder instead of removing it. Returns whether the store was removed.
    """
    return Layout(folder).discard_if_unused(keep_folder=keep_folder)


def folder_of(graph) -> Path | None:
    """The on-disk store folder a graph was opened from, or None."""
    return getattr(graph, "folder", None)
