"""Real SPARQL servers on loopback for the remote-backend tests.

Two servers, each started once a session in a temporary folder and stopped
by its own process id on teardown (also when a test fails):

* Oxigraph server (the ``oxigraph`` binary of the PyPI package ``oxigraph``,
  in the test extra): ``oxigraph serve --location DIR --bind 127.0.0.1:PORT``.
* OpenLink Virtuoso 7 (Debian ``virtuoso-opensource-7``, installed by
  ``.ci/run``): a private ``virtuoso.ini`` derived from the packaged one, the
  database in the temporary folder, the SQL and HTTP ports on 127.0.0.1; the
  anonymous SPARQL user is granted updates through ``isql-vt``. Its default
  ``ResultSetMaxRows`` (10,000) is kept, so reads must page.

A server that cannot be installed skips its tests with the reason, except
under ``CI=true``, where it fails them. Every wait is bounded.
"""

from __future__ import annotations

import base64
import http.client
import http.server
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

__all__ = [
    "AuthProxy",
    "Server",
    "free_port",
    "oxigraph_server",
    "start_oxigraph",
    "start_virtuoso",
    "stop",
    "unavailable",
    "virtuoso_server",
]

#: The packaged configuration the private one is derived from.
VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
READY_SECONDS = 60.0


def unavailable(reason: str) -> None:
    """Skip with ``reason``; under ``CI=true`` fail instead (CI must run every server)."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the server tests must run)")
    pytest.skip(reason)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """One running server: its URLs, its process and its log."""

    name: str
    proc: subprocess.Popen
    base: str
    query_url: str
    update_url: str | None
    store_url: str | None
    log: Path
    extra: dict = field(default_factory=dict)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log_tail(self, n: int = 2000) -> str:
        try:
            return self.log.read_text(errors="replace")[-n:]
        except OSError:
            return ""


def stop(server: Server, *, grace: float = 15.0) -> None:
    """Stop the server by its own pid: SIGTERM, then SIGKILL after ``grace`` seconds."""
    stop_process(server.proc, grace=grace)


def stop_process(proc: subprocess.Popen, *, grace: float = 15.0) -> None:
    """Stop a child process by its own pid: SIGTERM, then SIGKILL after ``grace`` seconds."""
    if proc.poll() is not None:
        return
    try:
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=grace)
    except ProcessLookupError:
        pass


def _http_ok(url: str, timeout: float = 2.0) -> bool:
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request("GET", f"{parts.path}?{parts.query}", headers={
            "Accept": "application/sparql-results+json"})
        resp = conn.getresponse()
        resp.read()
        return resp.status == 200
    except OSError:
        return False
    finally:
        conn.close()


def _wait_ready(server: Server, probe: str, seconds: float = READY_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"{server.name} exited with {server.proc.returncode}:\n{server.log_tail()}")
        if _http_ok(probe):
            return
        time.sleep(0.2)
    stop(server)
    raise RuntimeError(f"{server.name} not ready after {seconds:.0f} s:\n{server.log_tail()}")


def _ask_probe(query_url: str) -> str:
    return query_url + "?" + urllib.parse.urlencode({"query": "ASK {}"})


# -- Oxigraph server ---------------------------------------------------------
def oxigraph_binary() -> str | None:
    """The ``oxigraph`` command of the PyPI package, beside this interpreter or on PATH."""
    here = Path(sys.executable).parent / "oxigraph"
    return str(here) if here.is_file() else shutil.which("oxigraph")


def start_oxigraph(folder: Path, *, read_only: bool = False, union: bool = False) -> Server:
    """``oxigraph serve`` (or ``serve-read-only``) on a free loopback port, data in ``folder``.

    ``union``: its default graph is the union of its named graphs (``--union-default-graph``).
    """
    binary = oxigraph_binary()
    if binary is None:
        raise FileNotFoundError("the oxigraph command is not installed (pip install oxigraph)")
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = folder.parent / f"{folder.name}.log"
    cmd = [binary, "serve-read-only" if read_only else "serve", "--location", str(folder),
           "--bind", f"127.0.0.1:{port}"] + (["--union-default-graph"] if union else [])
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    server = Server("oxigraph" + (" (read-only)" if read_only else ""), proc, base, f"{base}/query",
                    None if read_only else f"{base}/update", None if read_only else f"{base}/store", log)
    _wait_ready(server, _ask_probe(server.query_url))
    return server


# -- Virtuoso ------------------------------------------------------------------
def virtuoso_ini(packaged: str, folder: Path, sql_port: int, http_port: int,
                 settings: dict[tuple[str, str], str] | None = None) -> str:
    """The packaged ``virtuoso.ini`` with the database in ``folder`` and both ports on loopback.

    Everything else (``ResultSetMaxRows = 10000`` among it) is kept as
    packaged, unless ``settings`` (``{(section, key): value}``) changes it.
    """
    d = str(folder)
    repl = {**(settings or {}), 
        ("Database", "DatabaseFile"): f"{d}/virtuoso.db",
        ("Database", "ErrorLogFile"): f"{d}/virtuoso.log",
        ("Database", "LockFile"): f"{d}/virtuoso.lck",
        ("Database", "TransactionFile"): f"{d}/virtuoso.trx",
        ("Database", "xa_persistent_file"): f"{d}/virtuoso.pxa",
        ("TempDatabase", "DatabaseFile"): f"{d}/virtuoso-temp.db",
        ("TempDatabase", "TransactionFile"): f"{d}/virtuoso-temp.trx",
        ("Parameters", "ServerPort"): f"127.0.0.1:{sql_port}",
        ("Parameters", "DirsAllowed"): f"., {d}",
        ("HTTPServer", "ServerPort"): f"127.0.0.1:{http_port}",
        ("URIQA", "DefaultHost"): f"127.0.0.1:{http_port}"
    }
    out, section, seen = [], "", set()
    for line in packaged.splitlines():
        m = re.match(r"\s*\[([^\]]+)\]", line)
        if m:
            section = m.group(1).strip()
        m = re.match(r"\s*([A-Za-z_0-9]+)\s*=", line)
        if m and (section, m.group(1)) in repl:
            line = f"{m.group(1)} = {repl[(section, m.group(1))]}"
            seen.add((section, m.group(1)))
        out.append(line)
    missing = {k for k in repl if k[1] not in ("xa_persistent_file", "DirsAllowed", "DefaultHost")
               and k not in (settings or {})} - seen
    if missing:
        raise RuntimeError(f"packaged virtuoso.ini lacks {sorted(missing)}")
    return "\n".join(out) + "\n"


def _isql(sql_port: int, statements: str) -> None:
    isql = shutil.which("isql-vt")
    if isql is None:
        raise FileNotFoundError("isql-vt is not installed (Debian virtuoso-opensource-7)")
    res = subprocess.run([isql, f"127.0.0.1:{sql_port}", "dba", "dba", f"EXEC={statements}"],
                         capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL, check=False)
    if res.returncode != 0 or "*** Error" in res.stdout + res.stderr:
        raise RuntimeError(f"isql-vt failed: {res.stdout[-500:]} {res.stderr[-500:]}")


def start_virtuoso(folder: Path, *, settings: dict[tuple[str, str], str] | None = None) -> Server:
    """``virtuoso-t +foreground`` on a private ini; updates granted to the anonymous SPARQL user.

    ``settings`` changes packaged values, e.g. ``{("SPARQL", "ResultSetMaxRows"): "1000000"}``.
    """
    binary = shutil.which("virtuoso-t")
    if binary is None or not VIRTUOSO_INI.is_file():
        raise FileNotFoundError("Virtuoso 7 is not installed (apt-get install virtuoso-opensource-7)")
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(virtuoso_ini(VIRTUOSO_INI.read_text(), folder, sql_port, http_port, settings))
    log = folder / "virtuoso-t.out"
    with open(log, "wb") as out:
        proc = subprocess.Popen([binary, "+foreground", "+configfile", str(ini)], cwd=folder,
                                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{http_port}"
    server = Server("virtuoso", proc, base, f"{base}/sparql", f"{base}/sparql",
                    f"{base}/sparql-graph-crud", log, {"sql_port": sql_port})
    try:
        _wait_ready(server, _ask_probe(server.query_url))
        _isql(sql_port, "GRANT SPARQL_UPDATE TO \"SPARQL\"; "
                        "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);")
    except BaseException:
        stop(server)
        raise
    return server


# -- a basic-auth front --------------------------------------------------------
class AuthProxy:
    """A loopback reverse proxy that asks for HTTP basic auth, then forwards to ``target``.

    Streams the answer through unchanged; 401 with ``WWW-Authenticate`` when
    the ``Authorization`` header is missing or wrong.
    """

    def __init__(self, target: str, user: str, password: str):
        self.target = urllib.parse.urlsplit(target)
        expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                if self.headers.get("Authorization") != expected:
                    msg = b"authentication required"
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="careergraph test"')
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", str(len(msg)))
                    self.end_headers()
                    self.wfile.write(msg)
                    return
                conn = http.client.HTTPConnection(proxy.target.hostname, proxy.target.port, timeout=60)
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ("authorization", "host", "connection")}
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    # like nginx: hop-by-hop headers dropped, its own Server and Date instead
                    if k.lower() not in ("transfer-encoding", "connection", "content-length",
                                         "server", "date"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                conn.close()

            do_GET = do_POST = do_PUT = do_DELETE = _forward

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> AuthProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)


# -- fixtures --------------------------------------------------------------------
def _served(start, folder: Path) -> Iterator[Server]:
    try:
        server = start(folder)
    except FileNotFoundError as exc:
        unavailable(str(exc))
        return
    try:
        yield server
    finally:
        stop(server)


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory) -> Iterator[Server]:
    """An empty read-write Oxigraph server for the session."""
    yield from _served(start_oxigraph, tmp_path_factory.mktemp("oxigraph") / "db")


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory) -> Iterator[Server]:
    """An empty Virtuoso 7 for the session (anonymous updates granted, 10,000-row cap kept)."""
    yield from _served(start_virtuoso, tmp_path_factory.mktemp("virtuoso"))


# -- measuring (not a test): python tests/servers.py ------------------------------------
def _median_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return sorted(times)[len(times) // 2]


def bench(rows: int = 100_000, repeats: int = 7) -> None:
    """Print medians and ratios: a ``rows``-row SELECT and the query library, HTTP vs embedded.

    Starts its own Oxigraph server (and Virtuoso when installed) in a
    temporary folder; each figure is the median of ``repeats`` runs,
    HTTP and embedded interleaved in the same run.
    """
    import tempfile

    import pyoxigraph as ox
    from careergraph.backends import EmbeddedBackend, RemoteBackend
    from careergraph.resources import builtin_graphs, package_dir

    graph = "http://example.org/bench"
    text = f"SELECT ?s ?label WHERE {{ GRAPH <{graph}> {{ ?s ?p ?label }} }}"
    library = [p.read_text(encoding="utf-8") for p in sorted(package_dir("queries").glob("*.rq"))
               if "(role)" not in p.read_text(encoding="utf-8").split("PREFIX", 1)[0]
               and "(skill)" not in p.read_text(encoding="utf-8").split("PREFIX", 1)[0]]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = folder / "bench.nt"
        with open(data, "w", encoding="utf-8") as out:
            out.writelines(f'<http://example.org/s{i}> <http://www.w3.org/2000/01/rdf-schema#label> '
                           f'"role {i} \\u00e9"@en .\n' for i in range(rows))
        embedded = EmbeddedBackend.in_memory()
        embedded.store.load(path=str(data), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
        starts = [("oxigraph", start_oxigraph)]
        if shutil.which("virtuoso-t"):
            starts.append(("virtuoso", start_virtuoso))
        for name, start in starts:
            server = start(folder / name)
            try:
                w = RemoteBackend(server.query_url, update_url=server.update_url,
                                  graph_store_url=server.store_url, require_data=False)
                for path, g in builtin_graphs():
                    w.load(path, graph=g, format=ox.RdfFormat.TURTLE)
                w.load(data, graph=graph, format=ox.RdfFormat.N_TRIPLES)
                remote = RemoteBackend(server.query_url)

                def read(b, text=text, graph=graph):
                    return lambda: sum(1 for _ in b.query(text, named_graphs=[graph]))

                assert read(remote)() == read(embedded)() == rows
                http_s = _median_time(read(remote), repeats)
                emb_s = _median_time(read(embedded), repeats)
                print(f"{name}: {rows:,}-row SELECT over HTTP {http_s:.3f} s, embedded {emb_s:.3f} s, "
                      f"ratio {http_s / emb_s:.2f} (median of {repeats})")
                per_q = []
                for q in library:
                    h = _median_time(lambda q=q, remote=remote: list(remote.query(q)), 5)
                    e = _median_time(lambda q=q: list(embedded.query(q)), 5)
                    per_q.append((h, e))
                hs = sorted(h for h, _ in per_q)[len(per_q) // 2]
                es = sorted(e for _, e in per_q)[len(per_q) // 2]
                print(f"{name}: query library ({len(per_q)} queries on the seed), median per query "
                      f"HTTP {hs * 1000:.1f} ms, embedded {es * 1000:.1f} ms, ratio {hs / es:.2f}")
            finally:
                stop(server)


if __name__ == "__main__":
    bench(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
