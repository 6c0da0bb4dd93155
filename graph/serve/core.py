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
        A SPARQL query stops reading rows at the deadline, so its evaluation
        ends too (except one sorting or grouping step in progress, which
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
    """

    timeout: float = 30.0
    max_rows: int = 100_000
    max_body: int = 1_000_000
    workers: int = 8


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


class Server:
    """The state of one running app: the graph, its warm CareerGraph, the limits and the worker slots."""

    def __init__(self, graph, limits: Limits | None = None, *, log: Callable[[str], None] | None = None,
                 refresh_every: float = 1.0):
        self.graph = Watched(graph, refresh_every)
        self.limits = limits or Limits()
        self.career = CareerGraph(graph=self.graph)
        self._by_source: dict[str, CareerGraph] = {}
        self._slots = threading.BoundedSemaphore(self.limits.workers)
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
