"""The embedded backend: an Oxigraph store in memory, or in an on-disk folder.

In memory it holds the built-in graph (the ontology and the seed), loaded
from the shipped Turtle files in about 50 ms. On disk it is a careergraph
store folder, created by ``careergraph import`` and marked as such
(:data:`MARKER`); careergraph never writes into a folder that is not one.

Examples
--------
>>> b = EmbeddedBackend.in_memory()
>>> sorted(g.rsplit("/", 1)[-1] for g in b.named_graphs())
['ontology', 'seed']
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from ..errors import OntologyError, StoreError
from ..resources import ONTOLOGY_GRAPH, SEED_GRAPH, builtin_graphs
from .base import META_GRAPH, Backend, Progress, Term

__all__ = ["MARKER", "STAGING_PREFIX", "EmbeddedBackend", "load_turtle", "turtle_as_ntriples"]

#: File that marks a folder as a careergraph store (written when the store is created).
MARKER = "careergraph-store.json"
#: Named graphs under this prefix are imports being built; leftovers are removed on open.
STAGING_PREFIX = "https://w3id.org/careergraph/graph/staging/"
_GRAPHS = "https://w3id.org/careergraph/graph/"
_CG = "https://w3id.org/careergraph/ontology#"
_LINE = re.compile(r"line (\d+)", re.IGNORECASE)


def _turtle_error(path: Path, exc: Exception) -> OntologyError:
    if isinstance(exc, SyntaxError):
        m = _LINE.search(str(exc))
        where = f"{path}:{m.group(1)}" if m else str(path)  # Oxigraph counts lines from 1
        return OntologyError(f"{where}: invalid Turtle: {exc}")
    return OntologyError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}")


def load_turtle(store: ox.Store, path: Path, graph: str) -> None:
    """Load one Turtle file into a named graph, naming file and line on error.

    Raises
    ------
    OntologyError
        The file is not valid Turtle; the message gives ``file:line``.
    """
    try:
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))
    except (SyntaxError, OSError) as exc:
        raise _turtle_error(path, exc) from None


def turtle_as_ntriples(path: str | Path) -> bytes:
    """One Turtle file as N-Triples (Oxigraph's parser), naming file and line on error.

    Raises
    ------
    OntologyError
        The file is not valid Turtle; the message gives ``file:line``.
    """
    try:
        return ox.serialize(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE), format=ox.RdfFormat.N_TRIPLES)
    except (SyntaxError, OSError) as exc:
        raise _turtle_error(Path(path), exc) from None


class EmbeddedBackend(Backend):
    """A pyoxigraph :class:`~pyoxigraph.Store`, in memory or on disk.

    Use :meth:`in_memory` or :meth:`open_folder`; ``store`` is the pyoxigraph
    store itself (for the runner and the writers in this package only).
    """

    def __init__(self, store: ox.Store, *, kind: str, location: str, folder: Path | None = None,
                 read_only: bool = False):
        self.store = store
        self.kind = kind
        self.location = location
        self.folder = folder
        self.read_only = read_only
        self.cache_dir = folder / "careergraph-cache" if folder is not None else None

    # -- opening -------------------------------------------------------------
    @classmethod
    def in_memory(cls, files: Iterable[tuple[str | Path, str]] | None = None) -> EmbeddedBackend:
        """The built-in graph (or the given ``(Turtle file, graph IRI)`` pairs) in memory."""
        store = ox.Store()
        for path, graph in (builtin_graphs() if files is None else files):
            load_turtle(store, Path(path), str(graph))
        return cls(store, kind="memory", location="the built-in graph" if files is None else "files")

    @classmethod
    def open_folder(cls, folder: str | os.PathLike, *, create: bool = False) -> EmbeddedBackend:
        """Open (or, with ``create``, make) an on-disk careergraph store.

        Raises
        ------
        StoreError
            The folder is missing (without ``create``), is a file, is a
            non-empty folder that is not a careergraph store, or cannot be
            opened (corrupt, locked by another process).
        """
        path = Path(folder)
        shown = os.fspath(folder)
        if path.exists() and not path.is_dir():
            raise StoreError(f"--store '{shown}' is a file, not a store folder; give a folder")
        if not path.exists():
            if not create:
                raise StoreError(
                    f"Store folder '{shown}' does not exist; create it with "
                    f"'careergraph --store {shown} import ...' or drop --store to use the built-in graph")
            fresh = True
        else:
            marked = (path / MARKER).is_file()
            if not marked:
                if any(path.iterdir()):
                    raise StoreError(
                        f"'{shown}' is not a careergraph store (no {MARKER}) and is not empty; "
                        "careergraph leaves it untouched: give a new or empty folder")
                if not create:
                    raise StoreError(f"'{shown}' is an empty folder, not a store yet; "
                                     f"create it with 'careergraph --store {shown} import ...'")
            fresh = not marked
        try:
            path.mkdir(parents=True, exist_ok=True)
            store = ox.Store(str(path / "oxigraph"))
        except (OSError, RuntimeError) as exc:  # RocksDB reports a damaged store as RuntimeError
            raise StoreError(f"Cannot open store '{shown}': {exc}. Is another process using it, "
                             "or is the folder damaged?") from None
        backend = cls(store, kind="store", location=shown, folder=path)
        if fresh:
            for p, graph in builtin_graphs():
                load_turtle(store, p, graph)
            store.flush()
            (path / MARKER).write_text(json.dumps({"format": 1, "kind": "careergraph store"}) + "\n",
                                       encoding="utf-8")
        else:
            backend._recover()
        return backend

    # -- reading -------------------------------------------------------------
    def query(self, text: str, *, substitutions: Mapping[str, Term] | None = None,
              default_graphs: Sequence[str] | None = None, named_graphs: Sequence[str] | None = None,
              timeout: float | None = None) -> Any:
        kw: dict[str, Any] = {}
        if substitutions:
            kw["substitutions"] = {ox.Variable(k): v for k, v in substitutions.items()}
        if default_graphs is not None:
            kw["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        else:
            kw["use_default_graph_as_union"] = True
        if named_graphs is not None:
            kw["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        return self.store.query(text, **kw)

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    def dump(self, out: IO[bytes], *, format: ox.RdfFormat, graph: str | None = None,
             prefixes: Mapping[str, str] | None = None) -> None:
        kw: dict[str, Any] = {"prefixes": dict(prefixes)} if prefixes else {}
        self.store.dump(out, format, from_graph=ox.NamedNode(graph) if graph else ox.DefaultGraph(), **kw)

    # -- writing -------------------------------------------------------------
    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"Store '{self.location}' is open for reading only")

    def update(self, text: str) -> None:
        self._writable()
        self.store.update(text)

    def load(self, path: str | Path, *, graph: str, format: ox.RdfFormat) -> None:
        self._writable()
        self.store.bulk_load(path=str(path), format=format, to_graph=ox.NamedNode(graph), lenient=True)

    def replace_graph(self, target: str, path: str | Path, *, update: str = "",
                      progress: Progress | None = None) -> None:
        """Replace one named graph with an N-Triples file.

        * ``target`` absent (first import): the file is bulk-loaded straight
          into ``target`` (the fast, non-transactional loader), then
          ``update`` writes the record. A crash in between leaves a graph no
          record points at, which :meth:`open_folder` drops.
        * ``target`` present (re-import): the file is bulk-loaded into a
          staging graph, then one SPARQL update drops ``target``, moves the
          staging graph there and applies ``update``. Oxigraph applies an
          update "in a transactional manner: either the full operation
          succeeds, or nothing is written"; leftover staging graphs are
          dropped on open.
        """
        self._writable()
        say = progress or (lambda _m: None)
        fmt = ox.RdfFormat.N_TRIPLES
        tgt = ox.NamedNode(target)
        if not self.store.contains_named_graph(tgt):
            say(f"loading into <{target}>")
            try:
                self.store.bulk_load(path=str(path), format=fmt, to_graph=tgt, lenient=True)
                if update:
                    self.store.update(update)
            except BaseException:
                self.store.update(f"DROP SILENT GRAPH <{target}>")
                raise
            return
        staging = f"{STAGING_PREFIX}{uuid.uuid4().hex[:16]}"
        say("loading into a staging graph")
        try:
            self.store.bulk_load(path=str(path), format=fmt, to_graph=ox.NamedNode(staging), lenient=True)
            say(f"swapping <{target}> for the new import (one transaction)")
            self.store.update(f"DROP SILENT GRAPH <{target}> ; ADD <{staging}> TO <{target}> ; "
                              f"DROP GRAPH <{staging}>" + (f" ; {update}" if update else ""))
        except BaseException:
            self.store.update(f"DROP SILENT GRAPH <{staging}>")
            raise

    def _recover(self) -> None:
        """Drop what an interrupted import left: staging graphs and graphs no record points at."""
        if self.read_only:
            return
        keep = {ONTOLOGY_GRAPH, SEED_GRAPH, META_GRAPH}
        recorded = {s["g"].value for s in self.store.query(
            f'SELECT ?g WHERE {{ GRAPH <{META_GRAPH}> {{ ?d <{_CG}namedGraph> ?g ; '
            f'<{_CG}importState> "complete" }} }}')}
        for g in self.named_graphs():
            if g.startswith(_GRAPHS) and g not in keep and g not in recorded:
                self.store.update(f"DROP SILENT GRAPH <{g}>")

    def close(self) -> None:
        if self.kind == "store":
            try:
                self.store.flush()
            except OSError:
                pass
        self.store = None  # type: ignore[assignment]  # Oxigraph releases the folder lock when collected
