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
from ..errors import AmbiguousName, CareerGraphError, EmptyResult, NameNotFound, NoCareerPath, StoreError
from ..payloads import error_payload
from ..queries import QueryRefused, QueryTimeout, RowLimitExceeded

__all__ = ["LimitExceeded", "Limits", "Server", "error_response", "status_of"]


@dataclass(frozen=True)
class Limits:
    """What one request may cost; each is a ``careergraph serve`` option.

    Attributes
    ----------
    timeout : float
        Seconds until a request is answered with an error (``--timeout``).
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


class Server:
    """The state of one running app: the graph, its warm CareerGraph, the limits and the worker slots."""

    def __init__(self, graph, limits: Limits | None = None, *, log: Callable[[str], None] | None = None):
        self.graph = graph
        self.limits = limits or Limits()
        self.career = CareerGraph(graph=graph)
        self._by_source: dict[str, CareerGraph] = {}
        self._slots = threading.BoundedSemaphore(self.limits.workers)
        self._refresh_lock = threading.Lock()
        self._plot_lock = threading.Lock()
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
        """Let the graph switch to its newest complete state, when it can (``graph.refresh()``)."""
        refresh = getattr(self.graph, "refresh", None)
        if callable(refresh):
            with self._refresh_lock:
                refresh()

    def warm(self) -> None:
        """Load (or build) the projection before the first request."""
        self.refresh()
        _ = self.career.projection

    def plotting(self):
        """The lock around matplotlib (pyplot is not thread-safe)."""
        return self._plot_lock

    async def call(self, fn: Callable[[], Any], *, what: str = "request") -> Any:
        """Run ``fn`` in a worker thread within the time limit and a free worker slot.

        Raises
        ------
        LimitExceeded
            No slot within the time limit, or the work ran past it (503).
        """
        timeout = self.limits.timeout
        start = time.monotonic()
        got = await anyio.to_thread.run_sync(self._slots.acquire, True, timeout)
        if not got:
            raise LimitExceeded(f"The server is busy: no worker was free within the time limit of {timeout:g} s "
                                f"(serve --timeout; {self.limits.workers} requests run at once, serve --workers)",
                                503)

        def job():
            try:
                self.refresh()
                return fn()
            finally:
                self._slots.release()

        left = max(0.0, timeout - (time.monotonic() - start))
        with anyio.move_on_after(left):
            return await anyio.to_thread.run_sync(job, abandon_on_cancel=True)
        raise LimitExceeded(f"The {what} ran past the time limit of {timeout:g} s (serve --timeout); "
                            "narrow it, or restart the server with a higher --timeout", 503)


def error_response(exc: CareerGraphError) -> JSONResponse:
    """The JSON error body of an API request (the CLI's message, suggestions, candidates)."""
    return JSONResponse(error_payload(exc), status_code=status_of(exc))
