"""The server's state and rules: the limits, the worker slots, and the HTTP status of each error.

Examples
--------
>>> from careergraph.errors import RoleNotFound
>>> status_of(RoleNotFound("x"))
404
>>> Limits().timeout
30.0
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anyio
from starlette.responses import JSONResponse

from ..api import CareerGraph
from ..backends import Backend
from ..errors import AmbiguousName, CareerGraphError, EmptyResult, NameNotFound, NoCareerPath, StoreError
from ..payloads import error_payload
from ..queries import QueryRefused, QueryTimeout, RowLimitExceeded

__all__ = ["LimitExceeded", "Limits", "Server", "Watched", "error_response", "status_of"]


@dataclass(frozen=True)
class Limits:
    """What one request may cost; each is a ``careergraph serve`` option.

    Attributes
    ----------
    timeout : float
        Seconds until a request is answered with an error (``--request-timeout``).
        A SPARQL answer stops being written (or read) at the deadline, so its
        evaluation ends too (except one sorting or grouping step in progress, which
        finishes in the background); an API call's Python work finishes in
        the background. Either way its worker slot stays taken until the work
        has really ended, so at most ``workers`` requests ever run at once.
    max_rows : int
        Rows (or triples) a SPARQL answer may have (``--max-rows``); more is
        an error, never a silently cut answer.
    max_body : int
        Bytes a request body (a POSTed query) may have (``--max-body``).
    workers : int
        Requests evaluated at once (``--workers``); the others wait for a
        slot, within their timeout.
    result_cache : int
        Bytes of SPARQL answers kept for the data being served
        (``--result-cache``, in MB; 0 turns it off): see :class:`ResultCache`.
    """

    timeout: float = 30.0
    max_rows: int = 100_000
    max_body: int = 1_000_000
    workers: int = 8
    result_cache: int = 64 << 20


class LimitExceeded(CareerGraphError):
    """A request hit one of the server's :class:`Limits`; the message names it."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


def status_of(exc: CareerGraphError) -> int:
    """The HTTP status of a library error.

    Unknown names and questions without an answer are 404; updates and
    SERVICE 403; limits 413 (request body) or 503 (time); a store that
    cannot be read 503; every other user error 400.

    Examples
    --------
    >>> from careergraph.errors import RoleNotFound, InvalidParameter
    >>> status_of(RoleNotFound("x")), status_of(InvalidParameter("y"))
    (404, 400)
    """
    explicit = getattr(exc, "status", None)
    if isinstance(explicit, int):
        return explicit
    if isinstance(exc, (NameNotFound, NoCareerPath, EmptyResult)):
        return 404
    if isinstance(exc, QueryRefused):
        return 403
    if isinstance(exc, QueryTimeout):
        return 503
    if isinstance(exc, (AmbiguousName, RowLimitExceeded)):
        return 400
    if isinstance(exc, StoreError):
        return 503
    return 400 if exc.exit_code == 2 else 422


class Watched(Backend):
    """The served graph, looked at for new data at most once every ``every`` seconds.

    Every CareerGraph call checks the data's version
    (:meth:`~careergraph.backends.Backend.state`, a read of ``graph/meta``:
    0.8-2 ms on ESCO + O*NET, as much as the rest of an ``/api/path``
    request). A server answering hundreds of requests a second asks once
    per interval instead: it calls the graph's ``refresh()`` when it has one
    (a store switching to its newest complete generation), then reads the
    version again. New data is served at most ``every`` seconds after it is
    complete; ``every=0`` looks before each request. Everything else is the
    wrapped graph's.

    Examples
    --------
    >>> from careergraph import open_graph
    >>> g = Watched(open_graph(), every=60)
    >>> g.state() == g.state() and g.kind == "memory"
    True
    """

    def __init__(self, inner: Backend, every: float = 1.0):
        self.inner = inner
        self.every = every
        self._lock = threading.Lock()
        self._state: str | None = None
        self._at = 0.0

    def __getattr__(self, name: str) -> Any:  # store, folder ... of the wrapped graph
        return getattr(self.inner, name)

    kind = property(lambda self: self.inner.kind)  # type: ignore[assignment]
    location = property(lambda self: self.inner.location)  # type: ignore[assignment]
    read_only = property(lambda self: self.inner.read_only)  # type: ignore[assignment]
    cache_dir = property(lambda self: self.inner.cache_dir)  # type: ignore[assignment]

    def state(self) -> str:
        with self._lock:
            now = time.monotonic()
            if self._state is None or now - self._at >= self.every:
                refresh = getattr(self.inner, "refresh", None)
                if callable(refresh):
                    refresh()
                self._state, self._at = self.inner.state(), now
            return self._state

    def fresh_state(self) -> str | None:
        """The data's version as last read, if read within the interval; else None. Never reads the store."""
        with self._lock:
            if self._state is None or time.monotonic() - self._at >= self.every:
                return None
            return self._state

    def query(self, text, **kw):
        return self.inner.query(text, **kw)

    def named_graphs(self):
        return self.inner.named_graphs()

    def dump(self, out, **kw):
        return self.inner.dump(out, **kw)

    def update(self, text):
        self._state = None
        return self.inner.update(text)

    def load(self, path, **kw):
        self._state = None
        return self.inner.load(path, **kw)

    def replace_graph(self, target, path, **kw):
        self._state = None
        return self.inner.replace_graph(target, path, **kw)

    def close(self) -> None:
        self.inner.close()


class ResultCache:
    """The SPARQL answers sent for the data being served, by request, up to a byte budget (least recently used).

    A store's generation never changes once it is current, so an answer is
    valid for as long as the data's version (:meth:`Watched.state`) is the one
    it was computed on: a new version empties the cache. An answer is only
    looked up while that version is fresh (read within the server's
    ``--refresh-every``), so a cached answer is never older than any other.
    Only complete answers are kept (never an error, a cut or a timeout), and
    none larger than 1/16 of the budget.

    Examples
    --------
    >>> from careergraph import open_graph
    >>> g = Watched(open_graph(), every=60)
    >>> c = ResultCache(1 << 20, g)
    >>> c.get(("ASK {}",)) is None
    True
    >>> c.put(("ASK {}",), g.state(), ("application/sparql-results+json", b"{}"))
    >>> c.get(("ASK {}",))
    ('application/sparql-results+json', b'{}')
    """

    def __init__(self, max_bytes: int, graph: Watched):
        self.max_bytes, self.graph = max_bytes, graph
        self._items: OrderedDict[tuple, tuple[tuple[str, bytes], int]] = OrderedDict()
        self._size = 0
        self._state: str | None = None
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: tuple) -> tuple[str, bytes] | None:
        """``(media type, body)`` of a request answered before on the current data, else None."""
        if not self.max_bytes:
            return None
        state = self.graph.fresh_state()
        with self._lock:
            entry = self._items.get(key) if state is not None and state == self._state else None
            if entry is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return entry[0]

    def put(self, key: tuple, state: str, item: tuple[str, bytes]) -> None:
        """Keep the answer to ``key`` computed on data version ``state``."""
        size = len(item[1]) + sum(len(k) for k in key if isinstance(k, str)) + 256  # the key, the entry
        if not self.max_bytes or size > self.max_bytes // 16:
            return
        with self._lock:
            if state != self._state:  # new data: every answer kept is of the old one
                self._items.clear()
                self._size, self._state = 0, state
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= old[1]
            self._items[key] = (item, size)
            self._size += size
            while self._size > self.max_bytes:
                _, (_, dropped) = self._items.popitem(last=False)
                self._size -= dropped

    def stats(self) -> dict[str, int]:
        """Bytes and answers kept, and the lookups that found one (hits) or not."""
        with self._lock:
            return {"bytes": self._size, "answers": len(self._items), "hits": self.hits, "misses": self.misses}


class Server:
    """The state of one running app: the graph, its warm CareerGraph, the limits and the worker slots."""

    def __init__(self, graph, limits: Limits | None = None, *, log: Callable[[str], None] | None = None,
                 refresh_every: float = 1.0):
        self.graph = Watched(graph, refresh_every)
        self.limits = limits or Limits()
        self.career = CareerGraph(graph=self.graph)
        self._by_source: dict[str, CareerGraph] = {}
        self._slots = threading.BoundedSemaphore(self.limits.workers)
        self.results = ResultCache(self.limits.result_cache, self.graph)
        self._plot_lock = threading.Lock()
        self._project_lock = threading.Lock()
        self.log = log

    def careergraph(self, source: str | None = None) -> CareerGraph:
        """The CareerGraph for one request (narrowed to ``source``; same graph, same projection)."""
        if not source:
            return self.career
        cg = self._by_source.get(source)
        if cg is None:
            cg = self._by_source.setdefault(source, CareerGraph(graph=self.graph, source=source))
        return cg

    def refresh(self) -> None:
        """Look for new data (at most once per interval, see :class:`Watched`)."""
        self.graph.state()

    def warm(self) -> None:
        """Load (or build) the projection before the first request."""
        _ = self.career.projection

    def plotting(self):
        """The lock around matplotlib (pyplot is not thread-safe)."""
        return self._plot_lock

    async def call(self, fn: Callable[[], Any], *, what: str = "request", projection: bool = True) -> Any:
        """Run ``fn`` in a worker thread within the time limit and a free worker slot.

        With ``projection`` (every API call), the projection is made current
        first under one lock: after an import, one worker rebuilds it while
        the others wait for it, rather than each building its own copy.

        Raises
        ------
        LimitExceeded
            No slot within the time limit, or the work ran past it (503).
        """
        timeout = self.limits.timeout
        start = time.monotonic()
        got = self._slots.acquire(blocking=False)  # the usual case: a free slot, no thread hop to wait
        if not got:
            got = await anyio.to_thread.run_sync(self._slots.acquire, True, timeout)
        if not got:
            raise LimitExceeded(f"The server is busy: no worker was free within the time limit of {timeout:g} s "
                                f"(serve --request-timeout; {self.limits.workers} requests run at once, serve --workers)",
                                503)

        def job():
            try:
                self.refresh()
                if projection:
                    with self._project_lock:
                        _ = self.career.projection
                return fn()
            finally:
                self._slots.release()

        left = max(0.0, timeout - (time.monotonic() - start))
        with anyio.move_on_after(left):
            return await anyio.to_thread.run_sync(job, abandon_on_cancel=True)
        raise LimitExceeded(f"The {what} ran past the time limit of {timeout:g} s (serve --request-timeout); "
                            "narrow it, or restart the server with a higher --request-timeout", 503)


def error_response(exc: CareerGraphError) -> JSONResponse:
    """The JSON error body of an API request (the CLI's message, suggestions, candidates)."""
    return JSONResponse(error_payload(exc), status_code=status_of(exc))
