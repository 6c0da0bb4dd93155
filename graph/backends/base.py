"""The backend interface every store or server implements (see :mod:`careergraph.backends`)."""

from __future__ import annotations

import contextlib
import hashlib
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Union

import pyoxigraph as ox

__all__ = ["META_GRAPH", "Backend", "Feed", "PendingReplace", "Progress", "Term"]

#: An RDF term as pyoxigraph represents it.
Term = Union[ox.NamedNode, ox.BlankNode, ox.Literal]

#: Progress callback of long work: one short message per step.
Progress = Callable[[str], None]

#: The named graph of import records (``graph/meta``); its content is the data's version.
META_GRAPH = "https://w3id.org/careergraph/graph/meta"


class Feed:
    """An N-Triples file that its writer is still appending to, and how much of it is complete.

    The writer calls :meth:`grow` with the file's size whenever it has
    flushed whole lines, then :meth:`end`; a reader (a store loading it
    piece by piece while it is written, :meth:`Backend.begin_replace`)
    waits with :meth:`wait`. Every size told ends a line.

    Parameters
    ----------
    path : path
        The file.
    complete : bool, default False
        The file is already written in full (nothing will be appended).

    Examples
    --------
    >>> import tempfile
    >>> f = Feed(tempfile.mkstemp()[1])
    >>> f.grow(10); f.end(25)
    >>> f.wait(100)  # complete: returns at once with the final size
    (25, True)
    """

    def __init__(self, path: str | Path, *, complete: bool = False) -> None:
        self.path = Path(path)
        self.size = self.path.stat().st_size if complete else 0
        self.lines: int | None = None  # lines in the first ``size`` bytes, when the writer tells them
        self.done = complete
        self.cancelled = False
        self._cond = threading.Condition()

    def grow(self, size: int, lines: int | None = None) -> None:
        """The first ``size`` bytes (``lines`` lines, if told) are written and end a line."""
        with self._cond:
            self.size, self.lines = size, lines
            self._cond.notify_all()

    def end(self, size: int, lines: int | None = None) -> None:
        """The file is complete, ``size`` bytes (``lines`` lines, if told) long."""
        with self._cond:
            self.size, self.lines, self.done = size, lines, True
            self._cond.notify_all()

    def cancel(self) -> None:
        """Nothing more will be read: wake a reader waiting in :meth:`wait` (it raises)."""
        with self._cond:
            self.cancelled = True
            self._cond.notify_all()

    def wait(self, beyond: int) -> tuple[int, bool]:
        """Block until more than ``beyond`` bytes are complete, or the file is: ``(size, done)``.

        Raises
        ------
        InterruptedError
            :meth:`cancel` was called.
        """
        with self._cond:
            self._cond.wait_for(lambda: self.cancelled or self.done or self.size > beyond)
            if self.cancelled:
                raise InterruptedError(f"reading {self.path.name} was cancelled")
            return self.size, self.done


class PendingReplace:
    """A replacement of one named graph under way (:meth:`Backend.begin_replace`).

    :meth:`commit` switches the new graph in (with the record update) once its
    file is complete; :meth:`abort` gives it up, leaving the graph as it was.
    This default one does all the work in :meth:`commit`, through
    :meth:`Backend.replace_graph`.
    """

    def __init__(self, backend: Backend, target: str, feed: Feed, progress: Progress | None = None) -> None:
        self._args = (backend, target, feed, progress)

    def commit(self, update: str = "") -> None:
        """Replace the graph with the (complete) file and apply ``update``, all or nothing."""
        backend, target, feed, progress = self._args
        backend.replace_graph(target, feed.path, update=update, progress=progress)

    def abort(self, *, wait: bool = True) -> None:
        """Give the replacement up; ``wait`` for work in progress to stop (False: on Ctrl-C)."""


class Backend(ABC):
    """The store or server a graph lives in.

    Attributes
    ----------
    kind : str
        ``"memory"``, ``"store"`` (an on-disk folder) or ``"endpoint"``.
    location : str
        What to name in messages: ``"the built-in graph"``, the store folder
        or the endpoint URL (never with credentials).
    read_only : bool
        True when updates are refused (a read-only endpoint, a store opened
        for reading).
    cache_dir : pathlib.Path or None
        Folder where derived data (the projection cache) may be kept; None
        for none.
    work_dir : pathlib.Path or None
        Folder for a write's temporary files (an import's N-Triples), on the
        store's own file system so they can be hard-linked into it; None for
        the system's temporary folder.
    """

    kind: str = ""
    location: str = ""
    read_only: bool = False
    cache_dir: Path | None = None
    work_dir: Path | None = None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.location}>"

    # -- reading -----------------------------------------------------------
    @abstractmethod
    def query(
        self,
        text: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        timeout: float | None = None,
    ) -> Any:
        """Evaluate one read-only SPARQL query.

        The caller (:mod:`careergraph.queries`) has already refused updates
        and ``SERVICE``. ``substitutions`` bind variables to terms (Oxigraph
        substitution embedded; a ``VALUES`` block over HTTP), never by
        pasting text. Without ``default_graphs`` the default graph is the
        union of the named graphs.

        Returns
        -------
        pyoxigraph.QuerySolutions, bool or iterable of pyoxigraph.Triple
            For SELECT, ASK, and CONSTRUCT / DESCRIBE.
        """

    @abstractmethod
    def named_graphs(self) -> list[str]:
        """IRIs of the named graphs that hold triples."""

    @abstractmethod
    def dump(self, out: IO[bytes], *, format: ox.RdfFormat, graph: str | None = None,
             prefixes: Mapping[str, str] | None = None) -> None:
        """Write the triples of one named graph (``None``: the default graph) to ``out``."""

    def state(self) -> str:
        """A fingerprint of the data's version: the backend's identity and ``graph/meta``.

        Any import, re-import or drop changes it, so caches keyed by it are
        never stale. The built-in graph's data changes only with the package
        (whose version callers add).
        """
        h = hashlib.sha256(f"{self.kind}\0{self.location}\0".encode())
        sols = self.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{META_GRAPH}> {{ ?s ?p ?o }} }}")
        for line in sorted(f"{s['s']} {s['p']} {s['o']}" for s in sols):
            h.update(line.encode("utf-8", "surrogatepass") + b"\n")
        return h.hexdigest()

    def refresh(self) -> bool:
        """Catch up with writes made by other processes; True when :meth:`state` changed.

        A long-lived reader (``careergraph serve``) calls it before each
        request. A store opened read-only on one generation moves to the
        newest complete one (see ``docs/store.md``); a backend that always
        reads the live data (memory, an endpoint) has nothing to do.
        """
        return False

    # -- writing -----------------------------------------------------------
    @abstractmethod
    def update(self, text: str) -> None:
        """Apply one SPARQL update (all or nothing where the backend allows it)."""

    @abstractmethod
    def load(self, path: str | Path, *, graph: str, format: ox.RdfFormat) -> None:
        """Add the triples of a file to a named graph (the fast bulk path)."""

    @abstractmethod
    def replace_graph(self, target: str, path: str | Path, *, update: str = "",
                      progress: Progress | None = None) -> None:
        """Replace the content of named graph ``target`` with an N-Triples file, all or nothing.

        ``update`` (a SPARQL update, usually the source's record in
        ``graph/meta``) is applied in the same switch: readers see either the
        old graph and old record, or the new ones, never a mix and never half
        a graph. Each backend documents what its server guarantees.
        """

    def begin_replace(self, target: str, feed: Feed, *, progress: Progress | None = None) -> PendingReplace:
        """Start replacing named graph ``target`` with an N-Triples file that is still being written.

        The caller appends to ``feed`` and then commits (with the record
        update) or aborts the returned :class:`PendingReplace`; readers see
        nothing of it before the commit, and an abort leaves the graph as it
        was. A store loads the file piece by piece while it is written; by
        default nothing happens before :meth:`PendingReplace.commit`, which
        calls :meth:`replace_graph`.
        """
        return PendingReplace(self, target, feed, progress)

    def drop_graph(self, target: str, *, update: str = "", progress: Progress | None = None) -> None:
        """Remove named graph ``target``, applying ``update`` (the record's removal) in the same switch.

        By default one SPARQL update; a store builds a generation without the
        graph instead (deleting a big graph in place is slow).
        """
        self.update(f"DROP SILENT GRAPH <{target}>" + (f" ; {update}" if update else ""))

    @contextlib.contextmanager
    def lock(self, what: str, *, progress: Progress | None = None) -> Iterator[None]:
        """Hold the right to write for the length of a multi-step write (an import).

        Everything the write reads before replacing (the shrink guard's
        counts, the crosswalk's look-ups) is then what it replaces. A second
        writer is refused (a store raises :class:`~careergraph.errors.StoreError`
        naming the one at work). Re-entrant; a no-op where the backend has no
        such lock.
        """
        yield

    def close(self) -> None:
        """Release the store or connection (a no-op where there is nothing to release)."""
