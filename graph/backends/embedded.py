"""The embedded backend: an Oxigraph store in memory, or in an on-disk folder.

In memory it holds the built-in graph (the ontology and the seed), loaded
from the shipped Turtle files in about 50 ms. On disk it is a careergraph
store folder, created by ``careergraph import`` and marked as such
(:data:`MARKER`); careergraph never writes into a folder that is not one.

An on-disk store is a sequence of *generations* (:mod:`.generations`,
``docs/store.md``): a backend reads the current one read-only, and every
write builds the next one aside with Oxigraph's bulk loader, then switches
the pointer by a rename. Readers never wait for a writer and never see half
a write; :meth:`EmbeddedBackend.refresh` moves a long-lived reader to the
newest generation.

Examples
--------
>>> b = EmbeddedBackend.in_memory()
>>> sorted(g.rsplit("/", 1)[-1] for g in b.named_graphs())
['ontology', 'seed']
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import re
import shutil
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from ..errors import OntologyError, StoreError
from ..sparql import bind_values
from ..resources import builtin_graphs
from .base import META_GRAPH, Backend, Feed, PendingReplace, Progress, Term
from .generations import MARKER, Generation, Layout, ReaderLock

__all__ = ["CHUNK_BYTES", "CHUNK_LINES", "DELETE_COST", "FIRST_PIECE_SHARE", "MARKER", "RETIRE_SECONDS",
           "STAGING_PREFIX", "EmbeddedBackend", "load_turtle", "source_file_name", "turtle_as_ntriples"]

#: Named graphs under this prefix are in-memory re-imports being built.
STAGING_PREFIX = "https://w3id.org/careergraph/graph/staging/"
#: Cost of deleting one quad from a RocksDB store against bulk-loading one (measured: ~150 µs vs ~25 µs).
DELETE_COST = 6
#: Seconds a reader keeps a generation it refreshed away from (queries still running on it).
RETIRE_SECONDS = 30.0
_CG = "https://w3id.org/careergraph/ontology#"
_NT = ox.RdfFormat.N_TRIPLES
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


def source_file_name(graph: str) -> str:
    """File name of a named graph's N-Triples copy in a generation's ``sources/``.

    Examples
    --------
    >>> source_file_name("https://w3id.org/careergraph/graph/onet")
    'onet-cfd835e565.nt'
    """
    slug = re.sub(r"[^A-Za-z0-9.]+", "-", graph.rstrip("/").rsplit("/", 1)[-1]).strip("-") or "graph"
    return f"{slug}-{hashlib.sha1(graph.encode()).hexdigest()[:10]}.nt"


def _interruptibly(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run one long pyoxigraph call in a worker thread, so Ctrl-C reaches the main thread at once.

    pyoxigraph releases the GIL in its long calls (bulk load, backup, remove,
    dump), but Python only handles a signal between bytecodes of the main
    thread: a bulk load run there would hold off Ctrl-C for its whole length.
    On an interrupt the worker is left to finish into the abandoned
    generation folder (a daemon thread), which the next cleanup removes.
    """
    if threading.current_thread() is not threading.main_thread():
        return fn(*args, **kwargs)
    box: dict[str, Any] = {}
    done = threading.Event()

    def work() -> None:
        try:
            box["value"] = fn(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            box["error"] = exc
        finally:
            done.set()

    worker = threading.Thread(target=work, name="careergraph-store", daemon=True)
    worker.start()
    # sleep, never join: a Ctrl-C inside Thread.join(timeout) can end in "RuntimeError: release
    # unlocked lock" on Python 3.11 (the interrupted acquire races its own cleanup)
    while not done.is_set():
        time.sleep(0.02)
    if "error" in box:
        err = box.pop("error")
        raise err
    return box.get("value")


#: Files are bulk-loaded in pieces of about this size: Oxigraph's loader holds a piece in memory.
CHUNK_BYTES = 64 << 20
#: A file whose writer tells its lines (an import's :class:`Feed`) goes in pieces of about this many
#: lines instead, up to 1.25 x :data:`CHUNK_BYTES`: the loader's memory goes with the triples in a
#: piece (~0.9 KB each), not its bytes, and each piece after the first leaves RocksDB compaction work,
#: so pieces as big as that memory allows (ESCO's 222-byte lines: 80 MB, 4 pieces rather than 5;
#: O*NET's 184-byte lines: 70 MB).
CHUNK_LINES = 380_000
#: While the file is still being written, its first piece is this share of :data:`CHUNK_BYTES` (16 MB):
#: the loader starts as soon as that much is written instead of idling until a whole piece is (ESCO:
#: 13.3-16.0 s against 15.7-18.2 s for the import, three runs each, peak memory 487-512 MB against
#: 490 MB; O*NET 9.8-10.7 against 10.5-11.0 s). A file complete before loading starts is cut as before.
FIRST_PIECE_SHARE = 0.25


def _cap(feed: Feed) -> int:
    """The largest piece of ``feed`` now: :data:`CHUNK_LINES` lines at its mean line length, or :data:`CHUNK_BYTES`."""
    size, lines = feed.size, feed.lines
    return min(CHUNK_BYTES * 5 // 4, CHUNK_LINES * size // lines) if lines else CHUNK_BYTES


def _piece_end(fd: int, start: int, size: int, done: bool, cap: int) -> int:
    """Where the piece from ``start`` ends: ``cap`` bytes on, or for a complete file, equal shares.

    Once the file is complete, the rest is cut into as few pieces as
    ``cap`` (:func:`_cap`) allows, of equal size: as many loads, and a smaller
    largest piece, which is what bounds the loader's memory (a rest of 213 MB
    goes as 3 x 71 MB rather than 2 x 80 + 53 MB).
    """
    rest = size - start
    if rest <= cap:
        return size
    pieces = -(-rest // cap) if done else 1
    return _line_end(fd, start + min(-(-rest // pieces), cap) - 1)


def _line_end(fd: int, pos: int) -> int:
    """The offset just past the end of the line holding byte ``pos`` (the caller knows one ends there)."""
    while True:
        window = os.pread(fd, 1 << 16, pos)
        cut = window.find(b"\n")
        if cut >= 0 or not window:
            return pos + cut + 1 if cut >= 0 else pos
        pos += len(window)


def _bulk_load(store: ox.Store, feed: Feed, graph: str, fmt: ox.RdfFormat = _NT, *, scratch: Path,
               cancelled: threading.Event | None = None) -> None:
    """Bulk-load a file into a named graph, N-Triples in pieces of at most :func:`_cap` (bounded memory).

    ``feed`` may still be growing: each piece is loaded as soon as it is
    written (whole lines), so loading overlaps the writing; the first piece
    of a growing file is a small one (:data:`FIRST_PIECE_SHARE`), so the
    loader starts early. A piece is copied
    by the kernel into the file ``scratch`` and loaded from there by
    Oxigraph, which then reads it without the GIL: a writer busy in Python
    never slows the loader down. ``cancelled`` stops it between pieces.
    """
    node = ox.NamedNode(graph)
    first = int(CHUNK_BYTES * FIRST_PIECE_SHARE)
    size, done = feed.wait(first)
    if fmt != _NT or (done and size <= _cap(feed)):
        while not done:
            size, done = feed.wait(size)
        _interruptibly(store.bulk_load, path=str(feed.path), format=fmt, to_graph=node, lenient=True)
        return
    fd = os.open(feed.path, os.O_RDONLY)
    try:
        start = 0
        while True:
            if cancelled is not None and cancelled.is_set():
                raise InterruptedError(f"loading {feed.path.name} was cancelled")
            end = _piece_end(fd, start, size, done, first if start == 0 and not done else _cap(feed))
            if end > start:
                with open(scratch, "wb") as out:
                    at = start
                    while at < end:
                        copied = os.copy_file_range(fd, out.fileno(), end - at, at)
                        if not copied:
                            raise OSError(f"{feed.path} ends at byte {at:,}, before the {end:,} it was said to have")
                        at += copied
                _interruptibly(store.bulk_load, path=str(scratch), format=fmt, to_graph=node, lenient=True)
            start = end
            if done and start >= size:
                return
            size, done = feed.wait(start + _cap(feed))
    finally:
        os.close(fd)
        with contextlib.suppress(OSError):
            scratch.unlink()


@dataclass
class _Plan:
    """Where a new generation starts and what goes into it."""

    base: Generation | None  # a generation to checkpoint, or None for an empty store
    layers: list[list[str]]  # the new generation's layers: [graph, content id] in load order
    copies: set[str]  # graphs with an N-Triples copy in the current generation
    remove: list[str] = field(default_factory=list)  # graphs to remove from the base
    carry: list[str] = field(default_factory=list)  # graphs to load again from the current generation
    meta: bool = False  # load graph/meta from the current generation (the base's is stale)
    checkpoint: bool = False  # keep "everything but the target" before loading it


def _layers_of(gen: Generation, graphs: Iterable[str]) -> list[list[str]]:
    """A generation's layers; for one made without them, its imported graphs in name order."""
    layers = gen.info().get("layers")
    if isinstance(layers, list):
        return [list(x) for x in layers]
    builtin = {g for _p, g in builtin_graphs()} | {META_GRAPH}
    return [["base", "legacy"]] + [[g, f"legacy:{g}"] for g in sorted(graphs) if g not in builtin]


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


class EmbeddedBackend(Backend):
    """A pyoxigraph :class:`~pyoxigraph.Store`, in memory or on disk.

    Use :meth:`in_memory` or :meth:`open_folder`; ``store`` is the pyoxigraph
    store itself (for the runner and the writers in this package only). On
    disk it is the current generation, opened read-only.

    Attributes
    ----------
    generation : str or None
        Name of the generation read (``"g000004-3fa2c1"``; ``""`` for a store made
        before generations), None in memory.
    cleaned : list of str
        What opening the store cleaned up (also told to ``progress``).
    """

    def __init__(self, store: ox.Store | None, *, kind: str, location: str, folder: Path | None = None,
                 read_only: bool = False, layout: Layout | None = None):
        self.store = store
        self.kind = kind
        self.location = location
        self.folder = folder
        self.read_only = read_only
        self.cache_dir = folder / "careergraph-cache" if folder is not None else None
        self.work_dir = layout.generations if layout is not None else None
        self.cleaned: list[str] = []
        self._layout = layout
        self._reader: ReaderLock | None = None
        self._retired: list[tuple[float, ReaderLock, ox.Store]] = []
        self._state: str | None = None
        self._writing = 0
        self._mutex = threading.RLock()

    @property
    def generation(self) -> str | None:
        return self._reader.generation.name if self._reader is not None else None

    # -- opening -------------------------------------------------------------
    @classmethod
    def in_memory(cls, files: Iterable[tuple[str | Path, str]] | None = None) -> EmbeddedBackend:
        """The built-in graph (or the given ``(Turtle file, graph IRI)`` pairs) in memory."""
        store = ox.Store()
        for path, graph in (builtin_graphs() if files is None else files):
            load_turtle(store, Path(path), str(graph))
        return cls(store, kind="memory", location="the built-in graph" if files is None else "files")

    @classmethod
    def open_folder(cls, folder: str | os.PathLike, *, create: bool = False,
                    progress: Progress | None = None) -> EmbeddedBackend:
        """Open (or, with ``create``, make) an on-disk careergraph store, reading its current generation.

        Opening also cleans up what an interrupted import left (an unfinished
        generation, temporary files) and generations nobody reads any more;
        each removal is told to ``progress`` and kept in :attr:`cleaned`.

        Raises
        ------
        StoreError
            The folder is missing (without ``create``), is a file, is a
            non-empty folder that is not a careergraph store (it is left
            untouched), or cannot be opened (damaged).
        """
        path = Path(folder)
        shown = os.fspath(folder)
        if path.exists() and not path.is_dir():
            raise StoreError(f"--store '{shown}' is a file, not a store folder; give a folder")
        marked = (path / MARKER).is_file()
        if not path.exists():
            if not create:
                raise StoreError(
                    f"Store folder '{shown}' does not exist; create it with "
                    f"'careergraph --store {shown} import ...' or drop --store to use the built-in graph")
        elif not marked:
            if any(path.iterdir()):
                raise StoreError(
                    f"'{shown}' is not a careergraph store (no {MARKER}) and is not empty; "
                    "careergraph leaves it untouched: give a new or empty folder")
            if not create:
                raise StoreError(f"'{shown}' is an empty folder, not a store yet; "
                                 f"create it with 'careergraph --store {shown} import ...'")
        layout = Layout(path, shown)
        if create and (not marked or layout.current() is None):
            try:
                path.mkdir(parents=True, exist_ok=True)
                if not marked:
                    layout.write_marker()  # first: from now on the folder is ours
            except OSError as exc:
                raise StoreError(f"Cannot create store '{shown}': {exc.strerror or exc}") from None
            with layout.writer("create the store", wait=60, progress=progress):
                if layout.current() is None:
                    layout.cleanup(locked=True)
                    cls._create_first(layout)
        backend = cls(None, kind="store", location=shown, folder=path, layout=layout)
        backend._open_current()
        backend._tidy(progress)
        return backend

    @staticmethod
    def _create_first(layout: Layout) -> None:
        gen, lock = layout.new_generation()
        try:
            store = ox.Store(str(gen.store_path))
            for p, graph in builtin_graphs():
                load_turtle(store, p, graph)
            store.flush()
            del store
            gc.collect()
            gen.sources_dir.mkdir()
            layout.finish(gen, {"parent": None, "operation": "create the store",
                                "layers": [["base", uuid.uuid4().hex[:12]]]})
            layout.switch(gen)
        except BaseException:
            lock.release()
            if layout.pointer() != gen.name:
                shutil.rmtree(gen.root, ignore_errors=True)
            raise
        lock.release()

    def _open_current(self) -> None:
        """Open the current generation read-only, holding its readers.lock (drops the previous one)."""
        assert self._layout is not None
        lock = self._layout.lock_for_reading()
        try:
            store = ox.Store.read_only(str(lock.generation.store_path))
        except (OSError, RuntimeError, ValueError) as exc:  # RocksDB reports a damaged store as OSError
            lock.release()
            raise StoreError(f"Cannot open store '{self.location}': {exc}. Is the folder damaged? "
                             "Re-import into a new folder") from None
        self.store, self._reader, self._state = store, lock, None

    def _tidy(self, progress: Progress | None = None) -> list[str]:
        """Clean up the store folder; tell what was removed."""
        if self._layout is None:
            return []
        notes = self._layout.cleanup(locked=self._writing > 0)
        for n in notes:
            if progress is not None:
                progress(f"cleaned up {self.location}: {n}")
        self.cleaned += notes
        return notes

    # -- reading -------------------------------------------------------------
    def query(self, text: str, *, substitutions: Mapping[str, Term] | None = None,
              default_graphs: Sequence[str] | None = None, named_graphs: Sequence[str] | None = None,
              timeout: float | None = None) -> Any:
        kw: dict[str, Any] = {}
        if substitutions:
            if all(isinstance(v, (ox.NamedNode, ox.Literal)) for v in substitutions.values()):
                # a VALUES block, as sent to a server: Oxigraph plans a substituted variable as if it
                # were free (skills-of-role on ESCO + O*NET: 115 ms; bound by VALUES: 9.5 ms)
                text = bind_values(text, substitutions)
            else:  # a blank node cannot be written in a VALUES block
                kw["substitutions"] = {ox.Variable(k): v for k, v in substitutions.items()}
        if default_graphs is not None:
            kw["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        else:
            kw["use_default_graph_as_union"] = True
        if named_graphs is not None:
            kw["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        return self._store().query(text, **kw)

    def _store(self) -> ox.Store:
        if self.store is None:
            raise StoreError(f"Store '{self.location}' is closed")
        return self.store

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store().named_graphs() if isinstance(g, ox.NamedNode))

    def dump(self, out: IO[bytes], *, format: ox.RdfFormat, graph: str | None = None,
             prefixes: Mapping[str, str] | None = None) -> None:
        kw: dict[str, Any] = {"prefixes": dict(prefixes)} if prefixes else {}
        self._store().dump(out, format, from_graph=ox.NamedNode(graph) if graph else ox.DefaultGraph(), **kw)

    def state(self) -> str:
        """The data's version: for a store, its id (from the marker) and ``graph/meta``.

        It does not depend on how the folder was spelled, so every process
        opening the store finds the projection cache the import built. A
        generation never changes once current, so a store computes this once
        per generation: per-request callers pay nothing.
        """
        if self._layout is None:
            return super().state()
        with self._mutex:
            if self._state is None:
                h = hashlib.sha256(f"store\0{self._layout.store_id()}\0".encode())
                h.update(self._meta_digest().encode())
                self._state = h.hexdigest()
            return self._state

    def _meta_digest(self) -> str:
        h = hashlib.sha256()
        sols = self.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{META_GRAPH}> {{ ?s ?p ?o }} }}")
        for line in sorted(f"{s['s']} {s['p']} {s['o']}" for s in sols):
            h.update(line.encode("utf-8", "surrogatepass") + b"\n")
        return h.hexdigest()

    def refresh(self) -> bool:
        """Move to the newest complete generation if another process switched the store.

        The generation left is kept open for :data:`RETIRE_SECONDS` (queries
        may still be running on it), then released; once nobody reads it, the
        next cleanup removes it. Costs one small file read when nothing changed.

        Returns
        -------
        bool
            True when a newer generation is now read (:meth:`state` changed).
        """
        if self._layout is None or self._reader is None:
            return False
        with self._mutex:
            self._release_retired()
            try:
                current = self._layout.current()
            except StoreError:
                return False
            if current is None or current == self._reader.generation:
                return False
            old = (time.monotonic(), self._reader, self.store)
            self._open_current()
            self._retired.append(old)  # type: ignore[arg-type]
            return True

    def _release_retired(self, *, force: bool = False) -> None:
        now = time.monotonic()
        keep = []
        released = False
        for when, lock, store in self._retired:
            if force or now - when >= RETIRE_SECONDS:
                lock.release()
                released = True
            else:
                keep.append((when, lock, store))
        self._retired = keep
        if released and not force:
            self._tidy()

    # -- writing -------------------------------------------------------------
    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"Store '{self.location}' is open for reading only")

    @contextlib.contextmanager
    def lock(self, what: str, *, progress: Progress | None = None) -> Iterator[None]:
        """Hold the store's writer lock for a multi-step write (an import); re-entrant.

        Taking it moves this backend to the current generation, so what the
        write reads (the shrink guard, the crosswalk's look-ups) is what it
        replaces.

        Raises
        ------
        StoreError
            Another process is writing the store.
        """
        if self._layout is None or self._writing:
            self._writing += 1
            try:
                yield
            finally:
                self._writing -= 1
            return
        self._writable()
        with self._layout.writer(what, progress=progress):
            self._writing = 1
            try:
                self._move_to_current()
                yield
            finally:
                self._writing = 0

    def _move_to_current(self) -> None:
        """Read the current generation now, releasing the old one at once (a writer's own switch)."""
        with self._mutex:
            current = self._layout.current() if self._layout is not None else None
            if self._reader is not None and current == self._reader.generation:
                return
            old = self._reader
            self._open_current()
            if old is not None:
                old.release()

    def update(self, text: str) -> None:
        """Apply one SPARQL update; on disk, in a new generation (all or nothing)."""
        self._writable()
        if self._layout is None:
            self._store().update(text)
            return
        self._write("update", mode="update", update=text)

    def load(self, path: str | Path, *, graph: str, format: ox.RdfFormat) -> None:
        """Bulk-load a file into a named graph; on disk, in a new generation."""
        self._writable()
        if self._layout is None:
            self._store().bulk_load(path=str(path), format=format, to_graph=ox.NamedNode(graph), lenient=True)
            return
        self._write(f"load into <{graph}>", mode="add", target=graph, path=Path(path), fmt=format)

    def replace_graph(self, target: str, path: str | Path, *, update: str = "",
                      progress: Progress | None = None) -> None:
        """Replace one named graph with an N-Triples file, all or nothing.

        On disk the next generation is built aside, then switched to by a
        rename; readers see the old generation until then, and a failure or
        an interrupt leaves the store as it was (the unfinished generation is
        removed at once, or by the next command after a crash).

        A generation records its imported graphs as *layers*, in the order
        they were loaded, and the store keeps the generations that hold a
        prefix of the current layers (they share their files through hard
        links). The new generation starts from whichever costs least:

        * a RocksDB checkpoint of the current generation (hard links,
          milliseconds), minus the old ``target``: RocksDB deletes cost
          about :data:`DELETE_COST` times a bulk-loaded quad, so this is the
          route for small sources and first imports;
        * a checkpoint of the longest kept prefix without ``target``, plus
          the layers above it bulk-loaded again from their N-Triples copies:
          re-importing the source loaded last costs one bulk load;
        * an empty store, with every other graph bulk-loaded.

        Just before ``path`` is loaded, a checkpoint of "everything but
        ``target``" is kept, so the next re-import of ``target`` is a first
        import's cost. ``update`` (the source's record) is applied last.
        Files are bulk-loaded in pieces of :data:`CHUNK_BYTES`, which bounds
        the loader's memory.

        In memory, the file is bulk-loaded (into a staging graph when
        ``target`` exists, then one transactional update swaps it in).
        """
        self._writable()
        say = progress or (lambda _m: None)
        if self._layout is None:
            self._replace_in_memory(target, path, update, say)
            return
        self._write(f"replace <{target}>", mode="replace", target=target, path=Path(path), update=update,
                    progress=say)

    def drop_graph(self, target: str, *, update: str = "", progress: Progress | None = None) -> None:
        """Remove one named graph; on disk, in a new generation built without it (see :meth:`replace_graph`)."""
        self._writable()
        if self._layout is None:
            super().drop_graph(target, update=update, progress=progress)
            return
        self._write(f"drop <{target}>", mode="drop", target=target, update=update, progress=progress)

    def _replace_in_memory(self, target: str, path: str | Path, update: str, say: Callable[[str], None]) -> None:
        store = self._store()
        tgt = ox.NamedNode(target)
        if not store.contains_named_graph(tgt):
            say(f"loading into <{target}>")
            try:
                store.bulk_load(path=str(path), format=_NT, to_graph=tgt, lenient=True)
                if update:
                    store.update(update)
            except BaseException:
                store.update(f"DROP SILENT GRAPH <{target}>")
                raise
            return
        staging = f"{STAGING_PREFIX}{uuid.uuid4().hex[:16]}"
        say("loading into a staging graph")
        try:
            store.bulk_load(path=str(path), format=_NT, to_graph=ox.NamedNode(staging), lenient=True)
            say(f"swapping <{target}> for the new import (one transaction)")
            store.update(f"DROP SILENT GRAPH <{target}> ; ADD <{staging}> TO <{target}> ; "
                         f"DROP GRAPH <{staging}>" + (f" ; {update}" if update else ""))
        except BaseException:
            store.update(f"DROP SILENT GRAPH <{staging}>")
            raise

    def _sizes(self, graphs: Sequence[str]) -> dict[str, int]:
        """Triples per named graph: the import records' counts, a COUNT for the others (small)."""
        sizes: dict[str, int] = {}
        for sol in self.query(f"SELECT ?g ?n WHERE {{ GRAPH <{META_GRAPH}> {{ ?d <{_CG}namedGraph> ?g ; "
                              f"<{_CG}tripleCount> ?n }} }}"):
            with contextlib.suppress(ValueError):
                sizes[sol["g"].value] = int(sol["n"].value)
        for g in graphs:
            if g not in sizes:
                sol = next(iter(self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}")))
                sizes[g] = int(sol["n"].value)
        return sizes

    def _plan(self, mode: str, target: str | None, say: Callable[[str], None]) -> _Plan:
        """Choose where the next generation starts (see :meth:`replace_graph`) and what it holds."""
        layout = self._layout
        assert layout is not None and self._reader is not None
        cur = self._reader.generation
        graphs = self.named_graphs()
        layers = _layers_of(cur, graphs)
        present = target is not None and target in graphs
        copies = {g for g in graphs if mode != "update" and (cur.sources_dir / source_file_name(g)).is_file()}
        if mode == "add":
            copies.discard(target)  # type: ignore[arg-type]
        fresh = [target, uuid.uuid4().hex[:12]] if target is not None else None
        if mode == "update":  # anything may change: every layer is new, no prefix or copy stays valid
            new_layers = [[g, uuid.uuid4().hex[:12]] for g, _ in layers]
        elif mode == "add" and target in dict(layers):
            new_layers = [fresh if g == target else [g, i] for g, i in layers]
        elif mode == "add" and present:  # a built-in graph grows: the base itself is new
            new_layers = [["base", uuid.uuid4().hex[:12]] if g == "base" else [g, i] for g, i in layers]
        else:
            new_layers = [[g, i] for g, i in layers if g != target] + ([fresh] if mode != "drop" else [])
        plan = _Plan(base=cur, layers=new_layers, copies=copies, remove=[target] if present and mode in (
            "replace", "drop") else [], checkpoint=mode == "replace" and present)
        if mode in ("update", "add") or not present:
            return plan  # the current generation is the base: nothing to carry
        sizes = self._sizes(graphs)

        def carry_cost(gs: Iterable[str]) -> int:
            return sum(sizes.get(g, 0) * (1 if g in copies else 2) for g in gs)

        best, best_cost = plan, sizes.get(target, 0) * DELETE_COST  # type: ignore[arg-type]
        pos = [g for g, _ in layers].index(target) if target in dict(layers) else 0
        for prefix in layout.prefixes(layers):
            k = len(prefix.info().get("layers", []))
            if k > pos:
                continue
            carry = [g for g, _ in layers[k:] if g != target]
            cost = carry_cost(carry)
            if cost < best_cost:  # a checkpoint only when the base does not already hold "all but target"
                best = _Plan(base=prefix, layers=new_layers, copies=copies, remove=[META_GRAPH], carry=carry,
                             meta=True, checkpoint=mode == "replace" and bool(carry))
                best_cost = cost
        others = [g for g in graphs if g not in (target, META_GRAPH)]
        if carry_cost(others) < best_cost:
            best = _Plan(base=None, layers=new_layers, copies=copies, carry=others, meta=True,
                         checkpoint=mode == "replace")
        return best

    def _write(self, operation: str, *, mode: str, target: str | None = None, path: Path | None = None,
               fmt: ox.RdfFormat = _NT, update: str = "", progress: Callable[[str], None] | None = None) -> None:
        """Build the next generation (per :meth:`_plan`), switch to it, clean up."""
        feed = Feed(path, complete=True) if path is not None else None
        _Build(self, operation, mode=mode, target=target, feed=feed, fmt=fmt, say=progress).commit(update)

    def begin_replace(self, target: str, feed: Feed, *, progress: Progress | None = None) -> PendingReplace:
        """Start replacing ``target`` with a file still being written: on disk, loaded as it grows.

        The next generation is built aside at once (the base, the graphs
        carried over), and each piece of ``feed`` (:func:`_bulk_load`) is
        bulk-loaded as soon as it is written, in a worker thread, while the
        caller writes the rest. Nothing is switched before
        :meth:`PendingReplace.commit`; see :meth:`replace_graph`.
        """
        self._writable()
        if self._layout is None:
            return super().begin_replace(target, feed, progress=progress)
        return _Build(self, f"replace <{target}>", mode="replace", target=target, feed=feed, say=progress)

    def _checkpoint(self, new: ox.Store, layers: list[list[str]], say: Callable[[str], None]) -> None:
        """Keep a checkpoint of the generation being built (hard links): a base for the next re-import."""
        layout = self._layout
        assert layout is not None
        _interruptibly(new.flush)
        gen, lock = layout.new_generation()
        try:
            _interruptibly(new.backup, str(gen.store_path))
            layout.finish(gen, {"role": "checkpoint", "layers": layers})
        except BaseException:
            lock.release()
            shutil.rmtree(gen.root, ignore_errors=True)
            raise
        lock.release()
        say(f"kept checkpoint {gen.name}, the base of the next re-import")

    def _carry(self, new: ox.Store, graph: str, copy_from: Generation | None, say: Callable[[str], None]) -> None:
        """Bulk-load one graph of the current generation into the new one (its copy, else a dump)."""
        assert self._layout is not None
        scratch = self._layout.temp_file("piece")
        if copy_from is not None:
            say(f"copying <{graph}>")
            _bulk_load(new, Feed(copy_from.sources_dir / source_file_name(graph), complete=True), graph,
                       scratch=scratch)
            return
        tmp = self._layout.temp_file("dump")
        try:
            say(f"copying <{graph}> (dumped: no N-Triples copy)")
            _interruptibly(self._store().dump, str(tmp), _NT, from_graph=ox.NamedNode(graph))
            _bulk_load(new, Feed(tmp, complete=True), graph, scratch=scratch)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()

    def close(self) -> None:
        """Release the store: its generation's readers.lock and those it refreshed away from."""
        with self._mutex:
            if self._reader is not None:
                self._reader.release()
                self._reader = None
            self._release_retired(force=True)
        self.store = None  # type: ignore[assignment]  # Oxigraph closes the store when collected


class _Build(PendingReplace):
    """One write of an on-disk store: the next generation, built aside in a worker thread, then switched to.

    Creating it takes the writer lock, plans the build
    (:meth:`EmbeddedBackend._plan`) and starts the worker: it takes the
    base, removes and carries graphs over, keeps the checkpoint, then
    bulk-loads the feed (if any) as it grows. :meth:`commit` waits for it
    (Ctrl-C acts at once), applies the update and switches; :meth:`abort`
    stops the worker and removes the unfinished generation. A worker caught
    inside one long Oxigraph call (an abort on Ctrl-C does not wait) removes
    it itself when that call returns; a crash leaves it to the next cleanup.
    """

    def __init__(self, backend: EmbeddedBackend, operation: str, *, mode: str, target: str | None,
                 feed: Feed | None, fmt: ox.RdfFormat = _NT, say: Callable[[str], None] | None = None) -> None:
        self.backend, self.operation, self.mode, self.target, self.feed, self.fmt = \
            backend, operation, mode, target, feed, fmt
        self.say = say or (lambda _m: None)
        self.layout = backend._layout
        assert self.layout is not None
        self._stack = contextlib.ExitStack()
        self._stack.enter_context(backend.lock(operation, progress=self.say))
        try:
            self.cur = backend._reader.generation  # type: ignore[union-attr]
            self.plan = backend._plan(mode, target, self.say)
            self.gen, self.reader_lock = self.layout.new_generation()
        except BaseException:
            self._stack.close()
            raise
        self.new: ox.Store | None = None
        self.error: BaseException | None = None
        self._cancelled = threading.Event()
        self._done = threading.Event()
        self._mutex = threading.Lock()
        self._abandoned = self._finished = False
        threading.Thread(target=self._work, name="careergraph-build", daemon=True).start()

    def _work(self) -> None:
        try:
            self._build()
        except BaseException as exc:  # noqa: BLE001 - handed to commit, in the caller's thread
            traceback.clear_frames(exc.__traceback__)  # so no finished frame keeps the half-built store open
            self.error = exc
        finally:
            with self._mutex:
                self._done.set()
                if self._abandoned:
                    self._discard()

    def _check(self) -> None:
        if self._cancelled.is_set():
            raise InterruptedError(f"building generation {self.gen.name} was cancelled")

    def _build(self) -> None:
        """The worker: everything up to the record update (pyoxigraph releases the GIL meanwhile)."""
        plan, gen, say, backend, target = self.plan, self.gen, self.say, self.backend, self.target
        base = plan.base
        say(f"building generation {gen.name} of {backend.location} from "
            + (f"{'the current generation' if base == self.cur else 'checkpoint ' + base.name}"
               if base is not None else "an empty store")
            + (f", carrying {len(plan.carry)} graph(s) over" if plan.carry else ""))
        if base is not None:
            src = backend._store() if base == self.cur else ox.Store.read_only(str(base.store_path))
            src.backup(str(gen.store_path))
            del src
        self.new = ox.Store(str(gen.store_path))
        for g in plan.remove:
            self._check()
            if g != META_GRAPH:
                say(f"removing the previous <{g}>")
            self.new.remove_graph(ox.NamedNode(g))
        for g in plan.carry:
            self._check()
            backend._carry(self.new, g, self.cur if g in plan.copies else None, say)
        if plan.meta:
            self._check()
            backend._carry(self.new, META_GRAPH, None, lambda _m: None)
        if plan.checkpoint and target is not None:
            self._check()
            backend._checkpoint(self.new, [x for x in plan.layers if x[0] != target], say)
        if self.feed is not None and target is not None:
            self._check()
            say(f"loading into <{target}>")
            _bulk_load(self.new, self.feed, target, self.fmt, scratch=self.layout.temp_file("piece"),
                       cancelled=self._cancelled)

    def _discard(self) -> None:
        """Let go of the unfinished generation and remove it (never a generation that became current)."""
        self.new = None
        gc.collect()  # closes the RocksDB store
        self.reader_lock.release()
        if self.layout.pointer() != self.gen.name:  # type: ignore[union-attr]
            shutil.rmtree(self.gen.root, ignore_errors=True)

    def commit(self, update: str = "") -> None:
        """Wait for the worker, apply ``update``, flush, write ``generation.json`` and switch; then clean up."""
        layout, gen, plan, target, say = self.layout, self.gen, self.plan, self.target, self.say
        assert layout is not None
        try:
            while not self._done.is_set():  # sleep, never join (see _interruptibly)
                time.sleep(0.02)
            if self.error is not None:
                raise self.error
            new = self.new
            assert new is not None
            if update:
                _interruptibly(new.update, update)
            _interruptibly(new.flush)
            self.new = new = None
            gc.collect()  # closes the RocksDB store: nobody writes this generation again
            gen.sources_dir.mkdir()
            for g in plan.copies:
                if g != target and any(x[0] == g for x in plan.layers):
                    _link_or_copy(self.cur.sources_dir / source_file_name(g), gen.sources_dir / source_file_name(g))
            if self.mode == "replace" and self.feed is not None and target is not None:
                _link_or_copy(self.feed.path, gen.sources_dir / source_file_name(target))
            layout.finish(gen, {"parent": self.cur.name or None, "operation": self.operation,
                                "layers": plan.layers, "base": plan.base.name if plan.base is not None else None})
            say(f"switching {self.backend.location} to generation {gen.name}")
            layout.switch(gen)
        except BaseException as exc:
            self.abort(wait=not isinstance(exc, KeyboardInterrupt))
            raise
        self._finished = True
        try:
            say(f"switched to generation {gen.name}")
            self.backend._move_to_current()
            self.reader_lock.release()
            self.backend._tidy(say)
        finally:
            self._stack.close()

    def abort(self, *, wait: bool = True) -> None:
        """Stop the worker and remove the unfinished generation; ``wait=False`` (Ctrl-C) returns at once."""
        if self._finished:
            return
        self._finished = True
        self._cancelled.set()
        if self.feed is not None:
            self.feed.cancel()
        try:
            while wait and not self._done.is_set():
                time.sleep(0.02)
        finally:
            with self._mutex:
                if self._done.is_set():
                    self._discard()
                else:
                    self._abandoned = True  # the worker removes it when its current Oxigraph call returns
            self._stack.close()
