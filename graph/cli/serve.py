"""``careergraph serve``: the SPARQL endpoint, the JSON API and the web explorer over one warm graph."""

from __future__ import annotations

import contextlib
import ipaddress
import signal
import socket

import click

from ..serve import Limits, create_app, stderr_log
from .base import cli, store_option

__all__ = ["serve_cmd"]

_LOOPBACK_NAMES = ["127.0.0.1", "localhost", "::1", "[::1]"]


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}; "
                                   "pick another --port (0 picks a free one)") from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


@cli.command(
    "serve",
    epilog="Example:\n  careergraph serve --store ./cg --port 8000\n"
    "  curl 'http://127.0.0.1:8000/api/path?from=Junior%20ML%20Engineer&to=Lead%20ML%20Engineer'",
)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback makes the server reachable from other machines.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: a free one, printed at start).")
@click.option("--cors", metavar="ORIGIN", help="Let pages of this origin call the API and /sparql (default: none).")
@click.option("--request-timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              metavar="SECONDS", help="Time limit of one request; SPARQL work stops at the deadline.")
@click.option("--max-rows", type=click.IntRange(min=1), default=100_000, show_default=True, metavar="N",
              help="Rows (or triples) a SPARQL answer may have; more is an error, never a cut answer.")
@click.option("--max-body", type=click.IntRange(min=1024), default=1_000_000, show_default=True, metavar="BYTES",
              help="Size limit of a request body or query string.")
@click.option("--workers", type=click.IntRange(min=1), default=8, show_default=True, metavar="N",
              help="Requests evaluated at once; the others wait within their time limit.")
@click.option("--result-cache", type=click.IntRange(min=0), default=64, show_default=True, metavar="MB",
              help="SPARQL answers kept for the data being served (a new import empties it); 0: none.")
@click.option("--refresh-every", type=click.FloatRange(min=0), default=1.0, show_default=True, metavar="SECONDS",
              help="Look for new data (a finished import) at most this often; 0: before every request.")
@click.option("--quiet", is_flag=True, help="No request log on stderr.")
@store_option
@click.pass_obj
def serve_cmd(obj, host: str, port: int, cors: str | None, request_timeout: float, max_rows: int, max_body: int,
              workers: int, result_cache: int, refresh_every: float, quiet: bool) -> None:
    """Serve the graph over HTTP: a read-only SPARQL 1.1 endpoint at /sparql, a JSON API at /api/...
    (the shapes of --format json), its OpenAPI document at /openapi.json, and a web explorer at /.

    One graph stays open and warm: the projection is loaded once, and new data (an import
    that has finished) is served within --refresh-every seconds, never half an import. Each
    request is logged on stderr (method, path, status, time). Stop with Ctrl-C (SIGINT) or SIGTERM.
    """
    import uvicorn  # the server, on first use: other commands start without it

    if not _is_loopback(host):
        click.echo(f"warning: --host {host} makes the server reachable from other machines; it has no "
                   "authentication and serves every triple of the store", err=True)
    limits = Limits(timeout=request_timeout, max_rows=max_rows, max_body=max_body, workers=workers,
                    result_cache=result_cache << 20)
    sock = _listen(host, port)
    click.echo(f"loading {obj.graph.location} ...", err=True)
    app = create_app(obj.graph, limits, cors=cors, log=None if quiet else stderr_log,
                     allowed_hosts=_LOOPBACK_NAMES if _is_loopback(host) else None, refresh_every=refresh_every)
    bound = sock.getsockname()
    shown = f"[{bound[0]}]" if ":" in bound[0] else bound[0]
    click.echo(f"serving {obj.graph.location} on http://{shown}:{bound[1]}/ "
               f"(SPARQL: /sparql, API: /api/..., OpenAPI: /openapi.json); Ctrl-C stops", err=True)
    config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="off", timeout_graceful_shutdown=5,
                            limit_concurrency=max(64, workers * 16), server_header=False)
    class _Server(uvicorn.Server):
        """uvicorn's server, whose SIGINT/SIGTERM end the command normally after the graceful shutdown
        (uvicorn re-raises the signal, which would kill the process or surface as an abort)."""

        stopped_by: list[int] = []

        @contextlib.contextmanager
        def capture_signals(self):
            with super().capture_signals():
                yield
                self.stopped_by = list(self._captured_signals)
                self._captured_signals.clear()

    server = _Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        obj.release()
    why = ", ".join(signal.Signals(s).name for s in server.stopped_by)
    click.echo(f"stopped{f' ({why})' if why else ''}", err=True)
