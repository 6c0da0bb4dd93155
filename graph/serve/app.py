"""The ASGI application: one warm CareerGraph behind ``/sparql``, ``/api/...`` and the explorer at ``/``.

:func:`create_app` takes any opened graph (a :func:`careergraph.open_graph`
result: the built-in graph, an on-disk store, or an endpoint once that
backend exists) and the :class:`Limits`. Every request is handled the same
way: parse (in :mod:`.routes` or :mod:`.sparql`), one call of the graph in a
worker thread (:meth:`careergraph.serve.core.Server.call`), format. Each answer carries strict
security headers; the explorer's pages run no inline script and load nothing
from elsewhere (``Content-Security-Policy``).

How new data is picked up: before each call (at most once per
``refresh_every`` seconds, :class:`~careergraph.serve.core.Watched`) the
server asks the graph to ``refresh()`` when the graph has that method (a
store that switches to the newest complete generation after an import) and
reads the data's version (:meth:`~careergraph.backends.Backend.state`);
every CareerGraph call rebuilds the projection when that version changed.
A half-finished import is never served: the store shows the previous
generation until the new one is complete.

Examples
--------
>>> from starlette.testclient import TestClient
>>> from careergraph import open_graph
>>> client = TestClient(create_app(open_graph()))
>>> client.get("/api/overlap", params={"a": "Data Scientist", "b": "ML Engineer"}).json()["b"]
'Machine Learning Engineer'
>>> r = client.get("/api/overlap", params={"a": "Data Scientst", "b": "ML Engineer"})
>>> r.status_code, r.json()["suggestions"]
(404, ['Data Scientist'])
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from ..errors import CareerGraphError
from .core import Limits, Server, error_response, status_of
from .routes import routes

__all__ = ["create_app", "stderr_log"]


async def _careergraph_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, CareerGraphError)
    if request.url.path.startswith("/sparql"):
        return PlainTextResponse(str(exc) + "\n", status_code=status_of(exc))
    return error_response(exc)


async def _internal_error(request: Request, exc: Exception) -> Response:
    msg = f"internal error: {type(exc).__name__}: {exc} (please report this)"
    if request.url.path.startswith("/sparql"):
        return PlainTextResponse(msg + "\n", status_code=500)
    return JSONResponse({"error": msg, "type": "InternalError"}, status_code=500)


_CSP_PAGE = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
             "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
_CSP_OTHER = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox"


class _Headers:
    """Security headers on every answer, and one stderr line per request (method, path, status, ms)."""

    def __init__(self, app, log: Callable[[str], None] | None):
        self.app = app
        self.log = log

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = [500]

        async def send_wrapped(message):
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                headers = list(message.get("headers", []))
                ctype = next((v for k, v in headers if k == b"content-type"), b"")
                csp = _CSP_PAGE if ctype.startswith((b"text/html", b"text/javascript", b"text/css")) else _CSP_OTHER
                headers += [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                            (b"x-frame-options", b"DENY"), (b"content-security-policy", csp.encode())]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_wrapped)
        finally:
            if self.log is not None:
                path = scope.get("path", "")
                ms = (time.perf_counter() - start) * 1000
                self.log(f"{scope.get('method', '-')} {path} {status[0]} {ms:.1f} ms")


def create_app(graph, limits: Limits | None = None, *, cors: str | None = None,
               allowed_hosts: list[str] | None = None, log: Callable[[str], None] | None = None,
               warm: bool = True, refresh_every: float = 1.0) -> Starlette:
    """The ASGI app serving one graph.

    Parameters
    ----------
    graph : Backend
        From :func:`careergraph.open_graph` (kept open while the app runs).
    limits : Limits, optional
    cors : str, optional
        An origin allowed to call the API and ``/sparql`` from a browser
        (``--cors``); none by default.
    allowed_hosts : list of str, optional
        ``Host`` headers accepted (loopback names when bound to loopback:
        a page elsewhere cannot reach the server by DNS rebinding).
    log : callable, optional
        Told one line per request.
    warm : bool, default True
        Load the projection now rather than on the first request.
    refresh_every : float, default 1.0
        Seconds between two looks for new data (``graph.refresh()`` and the
        data's version); 0 looks before every request.
    """
    server = Server(graph, limits, log=log, refresh_every=refresh_every)
    if warm:
        server.warm()
    middleware = [Middleware(_Headers, log=log)]
    if allowed_hosts:
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts))
    if cors:
        middleware.append(Middleware(CORSMiddleware, allow_origins=[cors], allow_methods=["GET", "POST"],
                                     allow_headers=["Accept", "Content-Type"], max_age=600))
    app = Starlette(routes=routes(server), middleware=middleware,
                    exception_handlers={CareerGraphError: _careergraph_error, Exception: _internal_error})
    app.state.server = server
    return app


def stderr_log(line: str) -> None:
    """The request log of ``careergraph serve``: one line per request on stderr."""
    print(line, file=sys.stderr, flush=True)
