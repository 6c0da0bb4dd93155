r"""The remote backend: any SPARQL 1.1 server, over the standard protocols only.

Reads go to the query URL (SPARQL 1.1 Protocol, form-encoded POST), writes
to the update URL (``application/sparql-update``) and, when one is given,
bulk loads to the Graph Store Protocol URL (``POST ?graph=IRI``). Answers
are pyoxigraph objects, exactly as :class:`~careergraph.backends.EmbeddedBackend`
gives them, parsed as they stream in.

How the embedded behaviour is kept over HTTP:

* **Bindings** are a ``VALUES`` block put at the start of the top-level
  ``WHERE`` group, its terms written by pyoxigraph (N-Triples syntax), so a
  value is data, never query text. :func:`bind_values` finds the group with
  a tokenizer that knows comments, strings, IRIs, nested groups and
  ``CONSTRUCT`` templates.
* **The default graph is the union of the careergraph named graphs**: every
  one of them is passed as ``default-graph-uri`` (and ``named-graph-uri``),
  the list being read once per data state (:meth:`RemoteBackend.state`, or
  after a write of ours).
* **Result caps**: a server that cuts answers (Virtuoso's
  ``ResultSetMaxRows``, announced in ``X-SPARQL-MaxRows``) is paged:
  ``LIMIT``/``OFFSET`` windows under an ``ORDER BY`` made total by the
  projected variables, glued into one answer; a cut ``CONSTRUCT`` is read
  as a paged ``SELECT`` and its template written out here. A cut that
  cannot be paged (``DESCRIBE``) is an error, never a silent truncation.
* **Atomic replace**: a file is loaded into a staging graph, then one update
  request drops the target, adds the staging graph to it, drops the staging
  graph and writes the record. What each server guarantees about that one
  request is in ``docs/scaling.md``.

Credentials (HTTP basic auth) come from ``CAREERGRAPH_ENDPOINT_USER`` and
``CAREERGRAPH_ENDPOINT_PASSWORD``, else from ``~/.netrc``, else from the URL;
they are never shown: :attr:`RemoteBackend.location` is the URL without them.

Examples
--------
>>> bind_values("SELECT ?s WHERE { ?s ?p ?o }", {"s": ox.NamedNode("http://ex/a")})
'SELECT ?s WHERE { VALUES (?s) { (<http://ex/a>) } ?s ?p ?o }'
>>> bind_values('SELECT * { ?s ?p ?o FILTER(?o != "}") # }\n }', {"o": ox.Literal('x" } ; DROP ALL #')})
'SELECT * { VALUES (?o) { ("x\\" } ; DROP ALL #") } ?s ?p ?o FILTER(?o != "}") # }\n }'
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import io
import netrc
import os
import re
import socket
import ssl
import threading
import time
import urllib.parse
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from ..errors import EndpointError, OntologyError, clip
from ..resources import ONTOLOGY_GRAPH
from ..sparql import Parsed, apply_edits, bind_values, parse_query, tokenize
from .base import META_GRAPH, Backend, Progress, Term
from .embedded import STAGING_PREFIX

__all__ = [
    "DATASETS",
    "GRAPH_PREFIX",
    "PASSWORD_ENV",
    "STAGING_PREFIX",
    "USER_ENV",
    "RemoteBackend",
    "bind_values",
    "default_cache_dir",
    "nt_chunks",
]

#: How a read names its dataset: "listed" sends careergraph's graphs as default-graph-uri and
#: named-graph-uri; "server" sends none, for a server whose default graph is their union
#: and nothing else (oxigraph serve --union-default-graph): faster, but every graph on it counts.
DATASETS = ("listed", "server")
#: careergraph's named graphs all live under this prefix; others on a shared server are ignored.
GRAPH_PREFIX = "https://w3id.org/careergraph/graph/"
#: Stands in for "no graph" in a protocol dataset (no default-graph-uri means "the server's default").
_NO_GRAPH = GRAPH_PREFIX + "none"
#: How long the one-request switch of :meth:`RemoteBackend.replace_graph` may take at least: Oxigraph
#: server copies a graph in one transaction (873k O*NET triples: minutes), and giving up early would
#: report a failure the server then completes.
SWITCH_SECONDS = 1800.0
#: Environment variables of HTTP basic auth.
USER_ENV, PASSWORD_ENV = "CAREERGRAPH_ENDPOINT_USER", "CAREERGRAPH_ENDPOINT_PASSWORD"

_RESULTS_TYPES = {
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/xml": ox.QueryResultsFormat.XML,
}
_RDF_TYPES = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
}
_ACCEPT_SELECT = ("text/tab-separated-values, application/sparql-results+json;q=0.9, "
                  "application/sparql-results+xml;q=0.8")
_ACCEPT_JSON = "application/sparql-results+json, application/sparql-results+xml;q=0.8"
_ACCEPT_RDF = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8"
_MEDIA = {ox.RdfFormat.N_TRIPLES: "application/n-triples", ox.RdfFormat.TURTLE: "text/turtle",
          ox.RdfFormat.RDF_XML: "application/rdf+xml", ox.RdfFormat.N_QUADS: "application/n-quads",
          ox.RdfFormat.TRIG: "application/trig", ox.RdfFormat.N3: "text/n3"}


def _total_order(p: Parsed, keys: Sequence[str]) -> list[tuple[int, int, str]]:
    """Edits that make the query's ORDER BY total: the projected variables as tie-breakers."""
    names = " ".join(f"?{v}" for v in keys)
    if not names:
        return []
    if p.order_by is not None:
        return [(p.order_by[1], p.order_by[1], f" {names}")]
    at = min([c[0] for c in (p.limit, p.offset) if c is not None] + [p.modifiers_end])
    return [(at, at, f"\nORDER BY {names}\n")]


def _slice(p: Parsed, offset: int, limit: int) -> list[tuple[int, int, str]]:
    """Edits that replace the query's own OFFSET/LIMIT by these."""
    edits = [(c[0], c[1], "") for c in (p.limit, p.offset) if c is not None]
    return edits + [(p.modifiers_end, p.modifiers_end, f"\nOFFSET {offset} LIMIT {limit}\n")]


def _window(p: Parsed, keys: Sequence[str], offset: int, limit: int) -> str:
    """The query as one page: ORDER BY made total by ``keys``, then OFFSET/LIMIT (standard SPARQL).

    Examples
    --------
    >>> p = parse_query("SELECT ?a ?b WHERE { ?a ?p ?b } ORDER BY DESC(?b) LIMIT 25")
    >>> " ".join(_window(p, ["a", "b"], 10, 10).split())
    'SELECT ?a ?b WHERE { ?a ?p ?b } ORDER BY DESC(?b) ?a ?b OFFSET 10 LIMIT 10'
    """
    return apply_edits(p.text, _total_order(p, keys) + _slice(p, offset, limit))


def _scroll_window(p: Parsed, keys: Sequence[str], offset: int, limit: int) -> str:
    """The query ordered inside a sub-SELECT, paged outside: Virtuoso's scrollable form.

    Virtuoso refuses an ``ORDER BY`` whose ``OFFSET + LIMIT`` passes its row
    cap ("Sorted TOP clause specifies more then 10000 rows"), but pages an
    ordered sub-query, keeping its order; that is its documented way to read
    past the cap. The query's own dataset clauses and slice move to the outer
    query (the caller adds its own OFFSET/LIMIT into ``offset`` and ``limit``).

    Examples
    --------
    >>> p = parse_query("PREFIX x: <x:> SELECT ?a FROM <g> WHERE { ?a ?p ?b }")
    >>> " ".join(_scroll_window(p, ["a"], 20000, 10000).split())
    'PREFIX x: <x:> SELECT ?a FROM <g> WHERE { { SELECT ?a WHERE { ?a ?p ?b } ORDER BY ?a } } OFFSET 20000 LIMIT 10000'
    """
    froms = " ".join(p.text[a:b] for a, b in p.datasets)
    inner = apply_edits(p.text, _total_order(p, keys) + [(a, b, "") for a, b in p.datasets]
                  + [(c[0], c[1], "") for c in (p.limit, p.offset) if c is not None]
                  + [(0, p.form_start, "")])
    heads = " ".join(f"?{v}" for v in keys) or "*"
    return (f"{p.text[:p.form_start]}SELECT {heads} {froms} WHERE {{ {{ {inner}\n}} }}\n"
            f"OFFSET {offset} LIMIT {limit}\n")


def _no_rows(p: Parsed) -> str:
    """The query with ``LIMIT 0``: its answer is the projected variables alone."""
    return apply_edits(p.text, _slice(p, 0, 0))


_VAR_IRI = "urn:careergraph:variable:"


def construct_template(p: Parsed) -> tuple[list[ox.Triple], list[str]]:
    """A CONSTRUCT's template as triples (variables as ``urn:careergraph:variable:NAME`` IRIs).

    The template is read as Turtle (it is Turtle's triples syntax, with the
    query's own PREFIX and BASE lines), so ``;``, ``,``, ``[]`` and
    collections mean what they mean in the query.

    Examples
    --------
    >>> t, names = construct_template(parse_query("PREFIX : <http://ex/> CONSTRUCT { ?s :p ?o ; :q [ :r ?o ] } WHERE { ?s :p ?o }"))
    >>> names, len(t)
    (['s', 'o'], 3)
    """
    text = p.text
    start, end = p.template
    pieces, pos, names = [], start, []
    for t in tokenize(text[start:end]):
        a, b = start + t.start, start + t.end
        pieces.append(text[pos:a])
        if t.kind == "var":
            name = t.text[1:]
            if name not in names:
                names.append(name)
            pieces.append(f"<{_VAR_IRI}{name}>")
        else:
            pieces.append(t.text)
        pos = b
    pieces.append(text[pos:end])
    body = "".join(pieces).strip()
    doc = text[:p.form_start] + "\n" + body + ("" if body.endswith(".") or not body else " .") + "\n"
    try:
        triples = [q.triple if isinstance(q, ox.Quad) else q
                   for q in ox.parse(doc.encode("utf-8"), format=ox.RdfFormat.TURTLE)]
    except SyntaxError as exc:
        raise SyntaxError(f"cannot read the CONSTRUCT template: {exc}") from None
    return triples, names


def construct_as_select(p: Parsed, names: Sequence[str]) -> str:
    """``SELECT`` of the template's variables over the CONSTRUCT's own WHERE, dataset and modifiers."""
    text = p.text
    heads = " ".join(f"?{n}" for n in names) or "*"
    froms = " ".join(text[a:b] for a, b in p.datasets)
    where = f"{{{text[p.where_open:p.where_close]}}}"
    return f"{text[:p.form_start]}SELECT {heads} {froms} WHERE {where}{text[p.where_close + 1:]}"


def instantiate(template: Sequence[ox.Triple], solutions: Iterable[ox.QuerySolution],
                names: Sequence[str]) -> Iterator[ox.Triple]:
    """The template's triples for each solution, as SPARQL's CONSTRUCT makes them.

    A triple with an unbound variable, or with a term where RDF forbids it
    (a literal subject, a non-IRI predicate), is left out; the template's
    blank nodes are new for each solution.
    """
    def term(x, sol: ox.QuerySolution, fresh: dict[str, ox.BlankNode], n: int):
        if isinstance(x, ox.NamedNode) and x.value.startswith(_VAR_IRI):
            return sol[x.value[len(_VAR_IRI):]]
        if isinstance(x, ox.BlankNode):
            if x.value not in fresh:
                fresh[x.value] = ox.BlankNode(f"c{n}x{x.value}")
            return fresh[x.value]
        return x

    for n, sol in enumerate(solutions):
        fresh: dict[str, ox.BlankNode] = {}
        for t in template:
            s, p, o = (term(x, sol, fresh, n) for x in (t.subject, t.predicate, t.object))
            if s is None or p is None or o is None:
                continue
            if isinstance(s, ox.Literal) or not isinstance(p, ox.NamedNode):
                continue
            yield ox.Triple(s, p, o)


# =============================================================================
# HTTP: kept-alive connections, bounded waits, errors in one line
# =============================================================================
@dataclass(frozen=True)
class _Url:
    scheme: str
    host: str
    port: int
    path: str          # with its query string
    shown: str         # the URL without credentials
    user: str | None
    password: str | None

    @classmethod
    def parse(cls, url: str, what: str) -> _Url:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise EndpointError(f"{what} {clip(url)} is not an http:// or https:// URL; "
                                "give the server's SPARQL URL, e.g. http://localhost:7878/query")
        netloc = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise EndpointError(f"{what} has a bad port: {clip(url.split('@')[-1])}") from None
        if parts.port:
            netloc += f":{parts.port}"
        shown = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        user = urllib.parse.unquote(parts.username) if parts.username else None
        password = urllib.parse.unquote(parts.password) if parts.password else None
        return cls(parts.scheme, parts.hostname, port, path, shown, user, password)

    def with_params(self, params: Sequence[tuple[str, str]]) -> str:
        if not params:
            return self.path
        sep = "&" if "?" in self.path else "?"
        return self.path + sep + urllib.parse.urlencode(params)


def _credentials(url: _Url) -> tuple[str | None, str]:
    """The ``Authorization`` header value and where it came from (never the secret itself)."""
    user, password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
    if user:
        source = f"{USER_ENV}/{PASSWORD_ENV}"
    else:
        user = password = None
        try:
            found = netrc.netrc().authenticators(url.host)
        except (OSError, netrc.NetrcParseError):
            found = None
        if found and found[0]:
            user, password, source = found[0], found[2] or "", "~/.netrc"
        elif url.user:
            user, password, source = url.user, url.password or "", "the URL"
    if not user:
        return None, ""
    token = base64.b64encode(f"{user}:{password or ''}".encode()).decode("ascii")
    return f"Basic {token}", source


def _media(headers: http.client.HTTPMessage) -> str:
    return (headers.get("Content-Type") or "").split(";")[0].strip().lower()


def _message(body: bytes, limit: int = 200) -> str:
    """A server's error text on one line, without the echoed query, cut to ``limit``."""
    text = body.decode("utf-8", "replace")
    text = re.split(r"\n\s*SPARQL query:", text, maxsplit=1)[0]  # Virtuoso echoes the query
    if "<html" in text[:500].lower() or "<!doctype" in text[:200].lower():
        title = re.search(r"<title>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
        text = title.group(1) if title else re.sub(r"<[^>]+>", " ", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Http:
    """A few kept-alive connections to one server, with basic auth and bounded waits."""

    def __init__(self, url: _Url, timeout: float):
        self.url = url
        self.timeout = timeout
        self.auth, self.auth_source = _credentials(url)
        self._idle: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()

    def _connection(self, timeout: float) -> http.client.HTTPConnection:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        if self.url.scheme == "https":
            return http.client.HTTPSConnection(self.url.host, self.url.port, timeout=timeout,
                                               context=ssl.create_default_context())
        return http.client.HTTPConnection(self.url.host, self.url.port, timeout=timeout)

    def release(self, conn: http.client.HTTPConnection) -> None:
        with self._lock:
            if len(self._idle) < 4:
                self._idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    def send(self, method: str, path: str, *, body: bytes | None = None,
             headers: Mapping[str, str] | None = None, timeout: float | None = None,
             shown: str | None = None) -> _Response:
        """Send one request; return the response once its headers are in.

        Raises
        ------
        EndpointError
            Cannot connect, or no answer within the timeout.
        """
        wait = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + wait
        hdrs = {"User-Agent": "careergraph", **(headers or {})}
        if self.auth:
            hdrs["Authorization"] = self.auth
        shown = shown or self.url.shown
        for attempt in (0, 1):
            conn = self._connection(wait)
            reused = conn.sock is not None
            try:
                if conn.sock is not None:
                    conn.sock.settimeout(max(0.001, deadline - time.monotonic()))
                else:
                    conn.timeout = max(0.001, deadline - time.monotonic())
                conn.request(method, path, body=body, headers=hdrs)
                if conn.sock is not None:
                    conn.sock.settimeout(max(0.001, deadline - time.monotonic()))
                resp = conn.getresponse()
                return _Response(self, conn, resp, deadline, wait, shown)
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                conn.close()
                if reused and attempt == 0:  # a kept-alive connection the server had closed
                    continue
                raise EndpointError(f"cannot reach SPARQL endpoint {shown}: {_reason(exc)}") from None
            except TimeoutError:
                conn.close()
                raise EndpointError(f"cannot reach SPARQL endpoint {shown}: no answer within "
                                    f"{wait:g} s (raise --timeout)") from None
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                raise EndpointError(f"cannot reach SPARQL endpoint {shown}: {_reason(exc)}") from None
        raise AssertionError("unreachable")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused (is the server running, and is this its port?)"
    if isinstance(exc, socket.gaierror):
        return f"unknown host ({exc.strerror or exc})"
    if isinstance(exc, ssl.SSLError):
        return f"TLS error ({exc.reason or exc})"
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return text


class _Response(io.RawIOBase):
    """A response body; its connection is reused once the body is complete.

    Each read waits at most the request's timeout for the server: a stalled
    server is an error within the timeout, while a caller that takes its
    time over a long answer (building a projection as rows come) is not cut.
    """

    def __init__(self, http_: _Http, conn: http.client.HTTPConnection, resp: http.client.HTTPResponse,
                 deadline: float, wait: float, shown: str):
        super().__init__()
        self._http, self._conn, self.resp = http_, conn, resp
        self.status, self.reason, self.headers = resp.status, resp.reason, resp.msg
        self._deadline, self._wait, self.shown = deadline, wait, shown
        self._done = False

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        if self._done:
            return b""
        try:
            if self._conn.sock is not None:
                self._conn.sock.settimeout(self._wait)
            data = self.resp.read(n if n is not None and n >= 0 else None)
        except TimeoutError:
            self.abort()
            raise EndpointError(f"SPARQL endpoint {self.shown} stopped answering for {self._wait:g} s "
                                "in the middle of an answer (raise --timeout)") from None
        except (OSError, http.client.HTTPException) as exc:
            self.abort()
            raise EndpointError(f"SPARQL endpoint {self.shown} broke off its answer: {_reason(exc)}") from None
        if (not data and (n is None or n != 0)) or self.resp.isclosed():
            self._finish()  # the body is complete: the connection can serve the next request
        return data

    def readinto(self, b) -> int:  # io.RawIOBase protocol
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)

    def read_all(self, limit: int = 1 << 16) -> bytes:
        """Up to ``limit`` bytes of the body (error texts); the rest is dropped with the connection."""
        chunks, size = [], 0
        while size < limit:
            data = self.read(min(65536, limit - size))
            if not data:
                break
            chunks.append(data)
            size += len(data)
        if not self._done:
            self.abort()
        return b"".join(chunks)

    def drain(self) -> None:
        while self.read(65536):
            pass

    def _finish(self) -> None:
        if self._done:
            return
        self._done = True
        if self.resp.will_close:
            self._conn.close()
        else:
            self._http.release(self._conn)

    def abort(self) -> None:
        if not self._done:
            self._done = True
            self._conn.close()

    def close(self) -> None:
        if not self._done:
            self.abort()
        super().close()


class _Fixups(io.RawIOBase):
    """Rewrites two known deviations of Virtuoso's JSON results as they stream past.

    Virtuoso writes blank nodes as ``nodeID://b123`` (not a blank node label)
    and booleans as ``"1"``/``"0"``; both are put back in standard form so
    the answers equal the embedded store's.
    """

    _PATTERN = re.compile(
        rb'("type"\s{0,8}:\s{0,8}"bnode"\s{0,8},\s{0,8}"value"\s{0,8}:\s{0,8}")nodeID://'
        rb'|("datatype"\s{0,8}:\s{0,8}"http://www\.w3\.org/2001/XMLSchema#boolean"\s{0,8},'
        rb'\s{0,8}"value"\s{0,8}:\s{0,8}")([01])"')
    _KEEP = 256  # longer than any match: a match never straddles what is held back

    def __init__(self, raw):
        super().__init__()
        self.raw, self._buf, self._out, self._eof = raw, b"", b"", False

    def readable(self) -> bool:
        return True

    @staticmethod
    def _sub(m: re.Match) -> bytes:
        if m.group(1) is not None:
            return m.group(1)
        return m.group(2) + (b'true"' if m.group(3) == b"1" else b'false"')

    def read(self, n: int = -1) -> bytes:
        while not self._eof and (n is None or n < 0 or len(self._out) < n):
            data = self.raw.read(65536)
            if not data:
                self._eof = True
                self._out += self._PATTERN.sub(self._sub, self._buf)
                self._buf = b""
                break
            buf = self._buf + data
            cut = max(0, len(buf) - self._KEEP)
            for m in self._PATTERN.finditer(buf):
                if m.start() < cut < m.end():
                    cut = m.start()
                    break
            self._out += self._PATTERN.sub(self._sub, buf[:cut])
            self._buf = buf[cut:]
        if n is None or n < 0:
            out, self._out = self._out, b""
        else:
            out, self._out = self._out[:n], self._out[n:]
        return out

    def readinto(self, b) -> int:
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)


class _Chain(io.RawIOBase):
    """A byte stream made of the chunks a generator yields (pages glued into one answer)."""

    def __init__(self, chunks: Iterator[bytes]):
        super().__init__()
        self._chunks, self._buf = chunks, b""

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        while n is None or n < 0 or len(self._buf) < n:
            try:
                self._buf += next(self._chunks)
            except StopIteration:
                break
        if n is None or n < 0:
            out, self._buf = self._buf, b""
        else:
            out, self._buf = self._buf[:n], self._buf[n:]
        return out

    def readinto(self, b) -> int:
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)


# =============================================================================
# Loading: N-Triples chunks of bounded size, blank nodes kept together
# =============================================================================
def _has_bnode(t: ox.Triple) -> bool:
    return isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)


def _serialize(triples: list[ox.Triple], max_bytes: int) -> Iterator[bytes]:
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    if len(data) <= max_bytes or len(triples) <= 1:
        yield data
        return
    half = len(triples) // 2
    yield from _serialize(triples[:half], max_bytes)
    yield from _serialize(triples[half:], max_bytes)


def nt_chunks(path: str | Path, format: ox.RdfFormat, *, max_triples: int,
              max_bytes: int) -> Iterator[tuple[bytes, int, bool]]:
    """Cut an RDF file into N-Triples chunks: ``(bytes, triple count, holds blank nodes)``.

    Triples without blank nodes are cut every ``max_triples`` (and
    ``max_bytes``); those with blank nodes are kept with every triple sharing
    one of their blank nodes, since each request scopes its own blank nodes.

    Raises
    ------
    OntologyError
        The file cannot be read or parsed; the message names file and line.
    """
    batch: list[ox.Triple] = []
    parent: dict[str, str] = {}
    linked: list[ox.Triple] = []

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    try:
        for t in ox.parse(path=str(path), format=format, lenient=True):
            if isinstance(t, ox.Quad):
                t = t.triple
            if _has_bnode(t):
                ids = [n.value for n in (t.subject, t.object) if isinstance(n, ox.BlankNode)]
                roots = [find(i) for i in ids]
                for r in roots[1:]:
                    parent[r] = roots[0]
                linked.append(t)
                continue
            batch.append(t)
            if len(batch) >= max_triples:
                for data in _serialize(batch, max_bytes):
                    yield data, data.count(b"\n"), False
                batch = []
    except SyntaxError as exc:
        m = re.search(r"line (\d+)", str(exc), re.IGNORECASE)
        where = f"{path}:{m.group(1)}" if m else str(path)
        raise OntologyError(f"{where}: invalid RDF: {exc}") from None
    except OSError as exc:
        raise OntologyError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if batch:
        for data in _serialize(batch, max_bytes):
            yield data, data.count(b"\n"), False
    if linked:
        groups: dict[str, list[ox.Triple]] = {}
        for t in linked:
            node = t.subject if isinstance(t.subject, ox.BlankNode) else t.object
            groups.setdefault(find(node.value), []).append(t)
        pack: list[ox.Triple] = []
        for group in groups.values():
            if pack and len(pack) + len(group) > max_triples:
                data = ox.serialize(pack, format=ox.RdfFormat.N_TRIPLES)
                yield data, len(pack), True
                pack = []
            pack.extend(group)
        if pack:
            yield ox.serialize(pack, format=ox.RdfFormat.N_TRIPLES), len(pack), True


# =============================================================================
# The backend
# =============================================================================
def default_cache_dir(location: str) -> Path:
    """``$XDG_CACHE_HOME/careergraph/endpoints/<hash of the URL>`` (default ``~/.cache``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    digest = hashlib.sha256(location.encode("utf-8")).hexdigest()[:20]
    return Path(base) / "careergraph" / "endpoints" / digest


class RemoteBackend(Backend):
    """A SPARQL 1.1 server: the query URL, optionally an update URL and a Graph Store URL.

    Parameters
    ----------
    query_url : str
        The SPARQL 1.1 query endpoint (``http://host:7878/query`` for
        Oxigraph server, ``http://host:8890/sparql`` for Virtuoso).
    update_url : str, optional
        The SPARQL 1.1 update endpoint; None makes the backend read-only.
    graph_store_url : str, optional
        The Graph Store Protocol endpoint (``.../store``,
        ``.../sparql-graph-crud``), used for bulk loads when given.
    timeout : float
        Seconds to wait for the server: to connect and start an answer, then
        for each pause within it.
    require_data : bool
        Check once, now, that the server holds careergraph data (the
        ``graph/ontology`` graph); False for ``publish`` and ``import``,
        which write it.
    max_rows : int, optional
        Page every SELECT by this many rows, for a server that cuts answers
        without saying so (Virtuoso says so, and is paged without it).
    dataset : {"listed", "server"}, default "listed"
        ``listed``: every read names careergraph's graphs as its dataset
        (right on any server, shared or not). ``server``: reads name none,
        so the server's own default dataset answers; right only when its
        default graph is the union of careergraph's graphs and nothing else
        (``oxigraph serve --union-default-graph`` on a server holding only
        careergraph's graphs; Fuseki's ``tdb2:unionDefaultGraph``; not
        Virtuoso, whose default graph also holds its own system graphs),
        and 2-4.5x faster on Oxigraph server.

    Attributes
    ----------
    server : str
        The server's ``Server`` header, once it has answered.
    cap : int or None
        The row cap the server announced (and the backend pages past).

    Raises
    ------
    EndpointError
        The server cannot be reached, refuses, is not a SPARQL endpoint, or
        (with ``require_data``) holds no careergraph data.

    Examples
    --------
    >>> RemoteBackend("http://127.0.0.1:9/query", timeout=2)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    careergraph.errors.EndpointError: cannot reach SPARQL endpoint http://127.0.0.1:9/query: connection refused ...
    """

    kind = "endpoint"

    def __init__(self, query_url: str, *, update_url: str | None = None,
                 graph_store_url: str | None = None, timeout: float = 60.0,
                 require_data: bool = True, max_rows: int | None = None, dataset: str = "listed"):
        if dataset not in DATASETS:
            raise EndpointError(f"Unknown dataset mode {clip(dataset)}; use one of: {', '.join(DATASETS)}")
        self.dataset = dataset
        self._query = _Url.parse(query_url, "SPARQL endpoint")
        self._update = _Url.parse(update_url, "SPARQL update endpoint") if update_url else None
        self._store = _Url.parse(graph_store_url, "Graph Store endpoint") if graph_store_url else None
        if timeout is None or timeout <= 0:
            raise EndpointError(f"timeout must be a positive number of seconds, not {timeout!r}")
        self.timeout = float(timeout)
        self.location = self._query.shown
        self.update_location = self._update.shown if self._update else None
        self.read_only = self._update is None
        self.cache_dir = default_cache_dir(self.location)
        self.max_rows = max_rows
        self._http = _Http(self._query, self.timeout)
        self._writer = self._http if self._update is None or (
            (self._update.host, self._update.port) == (self._query.host, self._query.port)) \
            else _Http(self._update, self.timeout)
        self._gsp = None if self._store is None else (
            self._http if (self._store.host, self._store.port) == (self._query.host, self._query.port)
            else _Http(self._store, self.timeout))
        self.server = ""              # the Server header, once seen
        self.cap: int | None = None   # the row cap the server announced
        self._quirks = False          # Virtuoso's answers seen (even behind a proxy that hides it)
        self._scroll = False          # page with ordered sub-queries (Virtuoso's sorted-TOP limit)
        self._capped: dict[str, int] = {}
        self._graphs: list[str] | None = None
        self._graphs_at = 0.0
        self.check(require_data=require_data)

    # -- what the server is ----------------------------------------------------------
    @property
    def virtuoso(self) -> bool:
        """True when the server is (or answers like) OpenLink Virtuoso."""
        return self._quirks or self.server.lower().startswith("virtuoso")

    def check(self, *, require_data: bool = True) -> None:
        """Probe the endpoint once; with ``require_data``, insist on careergraph's ontology graph.

        Raises
        ------
        EndpointError
            Unreachable, refusing, not a SPARQL endpoint, or no careergraph data.
        """
        if not require_data:
            self._ask("ASK {}", [], [])
            return
        has = self._ask(f"ASK {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}", [], [ONTOLOGY_GRAPH])
        if not has:
            raise EndpointError(f"no careergraph data at {self.location}; run careergraph publish"
                                + ("" if not self.read_only else " (with --update-endpoint)"))

    def _ask(self, text: str, default: Sequence[str], named: Sequence[str]) -> bool:
        return bool(self.query(text, default_graphs=default, named_graphs=named))

    def careergraph_graphs(self, *, refresh: bool = False) -> list[str]:
        """The careergraph named graphs on the server (staging graphs left out), cached.

        The list is read again after a write of ours, when :meth:`state`
        changes, and at least once a minute.
        """
        if refresh or self._graphs is None or time.monotonic() - self._graphs_at > 60:
            self._graphs = sorted(g for g in self._all_graphs()
                                  if g.startswith(GRAPH_PREFIX) and not g.startswith(STAGING_PREFIX))
            self._graphs_at = time.monotonic()
        return list(self._graphs)

    def _all_graphs(self) -> list[str]:
        # The server's own dataset (no protocol dataset): every named graph it has.
        sols = list(self._select("SELECT ?g WHERE { GRAPH ?g { } }", None, None, None))
        if any(s["g"] is None for s in sols):  # Virtuoso answers an empty GRAPH ?g {} with one unbound row
            sols = list(self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", None, None, None))
        return sorted({s["g"].value for s in sols if isinstance(s["g"], ox.NamedNode)})

    def _invalidate(self) -> None:
        self._graphs = None

    # -- reading ---------------------------------------------------------------------
    def query(self, text: str, *, substitutions: Mapping[str, Term] | None = None,
              default_graphs: Sequence[str] | None = None, named_graphs: Sequence[str] | None = None,
              timeout: float | None = None) -> Any:
        parsed = parse_query(text)  # the bound text is parsed again only if it has to be paged
        if substitutions:
            text = bind_values(text, substitutions, parsed)
        if default_graphs is None and named_graphs is None and (parsed.datasets or self.dataset == "server"):
            dataset = None  # the query names its own dataset, or the server's default one is the union
        else:
            graphs = None
            if default_graphs is None or named_graphs is None:
                graphs = self.careergraph_graphs()
            dataset = (list(graphs if default_graphs is None else default_graphs),
                       list(graphs if named_graphs is None else named_graphs))
        if parsed.form == "SELECT":
            return self._select(text, dataset, timeout, parsed)
        if parsed.form == "ASK":
            resp = self._post_query(text, dataset, _ACCEPT_JSON, timeout)
            fmt = self._results_format(resp)
            body = resp.read_all(1 << 20)  # small: read to the end so the connection is kept
            if self.virtuoso and fmt == ox.QueryResultsFormat.JSON:
                body = _Fixups(io.BytesIO(body)).read()
            return ox.parse_query_results(body, fmt)
        return self._construct(text, dataset, timeout, parsed)

    def _params(self, text: str, dataset: tuple[list[str], list[str]] | None) -> list[tuple[str, str]]:
        params = [("query", text)]
        if dataset is not None:
            default, named = dataset
            params += [("default-graph-uri", g) for g in (default or [_NO_GRAPH])]
            params += [("named-graph-uri", g) for g in (named or [_NO_GRAPH])]
        return params

    def _post_query(self, text: str, dataset, accept: str, timeout: float | None) -> _Response:
        body = urllib.parse.urlencode(self._params(text, dataset)).encode("utf-8")
        resp = self._http.send("POST", self._query.path, body=body, timeout=timeout, headers={
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Accept": accept})
        if not self.server:
            self.server = resp.headers.get("Server") or "unknown"
        self._check(resp, what="query")
        return resp

    def _check(self, resp: _Response, *, what: str) -> None:
        """Raise the one-line error of a failed answer (its body read, its connection dropped)."""
        status = resp.status
        if 200 <= status < 300:
            if resp.headers.get("X-SQL-State") or status == 206:  # Virtuoso's "anytime" partial answer
                msg = resp.headers.get("X-SQL-Message") or "partial answer"
                resp.abort()
                raise EndpointError(f"SPARQL endpoint {resp.shown} gave only a partial answer "
                                    f"(its time limit): {_message(msg.encode())}; narrow the query")
            return
        body = resp.read_all()
        msg = _message(body) or resp.reason or ""
        where = resp.shown
        if status in (401, 403):
            if what == "update" and status == 403:
                raise EndpointError(f"SPARQL endpoint {where} refused the update (HTTP 403: {msg}): "
                                    f"it is read-only for {'these credentials' if self._http.auth else 'anonymous users'}; "
                                    f"give credentials with update rights in {USER_ENV} and {PASSWORD_ENV} "
                                    "(or ~/.netrc)")
            if self._http.auth:
                raise EndpointError(f"SPARQL endpoint {where} refused the credentials from "
                                    f"{self._http.auth_source} (HTTP {status}: {msg}); check them")
            raise EndpointError(f"SPARQL endpoint {where} asks for credentials (HTTP {status}: {msg}); "
                                f"set {USER_ENV} and {PASSWORD_ENV}, or add the host to ~/.netrc")
        if status in (404, 405, 406, 415) or 300 <= status < 400:
            if what == "update":
                raise EndpointError(f"{where} does not take SPARQL updates (HTTP {status} {resp.reason}: "
                                    f"{msg}); the server is read-only here: give its update URL "
                                    "with --update-endpoint")
            moved = resp.headers.get("Location")
            hint = f"; it points to {clip(moved)}" if moved else ""
            raise EndpointError(f"{where} is not a SPARQL endpoint (HTTP {status} {resp.reason}{hint}); "
                                "give the server's query URL, e.g. http://host:7878/query (Oxigraph) "
                                "or http://host:8890/sparql (Virtuoso)")
        if status == 400:
            raise SyntaxError(f"the SPARQL endpoint rejected the {what}: {msg}")
        if status >= 500 and what == "update" and re.search(r"permission|not allowed|read.only", msg, re.IGNORECASE):
            raise EndpointError(f"SPARQL endpoint {where} refused the update, it is read-only for this "
                                f"user (HTTP {status}: {msg}); grant update rights or give credentials")
        raise EndpointError(f"SPARQL endpoint {where} failed (HTTP {status} {resp.reason}): {msg}")

    def _results_format(self, resp: _Response) -> ox.QueryResultsFormat:
        media = _media(resp.headers)
        fmt = _RESULTS_TYPES.get(media)
        if fmt is None:
            resp.abort()
            what = "an HTML page" if "html" in media else f"{media or 'no content type'}"
            raise EndpointError(f"{resp.shown} is not a SPARQL endpoint: it answered with {what}, not "
                                "SPARQL results; give the server's query URL, e.g. "
                                "http://host:7878/query (Oxigraph) or http://host:8890/sparql (Virtuoso)")
        return fmt

    def _results_stream(self, resp: _Response):
        # pyoxigraph reads in small pieces: a C buffer in between saves a Python call per piece
        stream = io.BufferedReader(resp, 1 << 18)
        if self.virtuoso and _media(resp.headers) in ("application/sparql-results+json", "application/json"):
            return io.BufferedReader(_Fixups(stream), 1 << 18)
        return stream

    def _accept(self) -> str:
        return _ACCEPT_JSON if self.virtuoso else _ACCEPT_SELECT  # Virtuoso's TSV is not the standard one

    def _select(self, text: str, dataset, timeout: float | None, parsed: Parsed | None, *,
                paged: bool = True) -> ox.QuerySolutions:
        accept = self._accept()
        key = f"{text}\0{dataset!r}"
        page = (self.max_rows or self._capped.get(key)) if paged else None
        if page is None:
            try:
                resp = self._post_query(text, dataset, accept, timeout)
            except EndpointError as exc:
                # Virtuoso refuses (rather than cuts) an ORDER BY ... LIMIT past its cap:
                # "Sorted TOP clause specifies more then 25005 rows to sort. Only 10000 are allowed"
                m = re.search(r"Sorted TOP clause .*? Only (\d+) are allowed", str(exc))
                if not paged or m is None:
                    raise
                self.cap = page = int(m.group(1))
                self._scroll = True
                p = parsed if parsed is not None and parsed.text == text else parse_query(text)
                return ox.parse_query_results(_Chain(self._pages(p, dataset, timeout, page, None)),
                                              ox.QueryResultsFormat.TSV)
            fmt = self._results_format(resp)
            announced = resp.headers.get("X-SPARQL-MaxRows")
            if not announced:
                try:
                    return ox.parse_query_results(self._results_stream(resp), fmt)
                except SyntaxError:
                    if fmt != ox.QueryResultsFormat.TSV or self._quirks:
                        raise
                    # Virtuoso writes TSV without '?' before the names and IRIs as strings:
                    # ask it for JSON (and read that with its fix-ups) from now on
                    resp.abort()
                    self._quirks = True
                    return self._select(text, dataset, timeout, parsed, paged=paged)
            try:
                page = int(announced)
            except ValueError:
                resp.abort()
                raise EndpointError(f"SPARQL endpoint {resp.shown} sent a bad X-SPARQL-MaxRows "
                                    f"header {clip(announced)}") from None
            self.cap = page
            variables = [v.value for v in ox.parse_query_results(self._results_stream(resp), fmt).variables]
            resp.abort()  # the cut answer is not used: it is read again in pages
            if len(self._capped) > 256:
                self._capped.clear()
            self._capped[key] = page
        else:
            variables = None
        p = parsed if parsed is not None and parsed.text == text else parse_query(text)
        return ox.parse_query_results(_Chain(self._pages(p, dataset, timeout, page, variables)),
                                      ox.QueryResultsFormat.TSV)

    def _pages(self, p: Parsed, dataset, timeout: float | None, size: int,
               variables: list[str] | None) -> Iterator[bytes]:
        """Pages of ``size`` rows, each as TSV (the first with its header line), until a short one."""
        own_limit = p.limit[2] if p.limit is not None else None
        own_offset = p.offset[2] if p.offset is not None else 0
        done, first = 0, True
        if variables is None:  # ask for no rows to learn the projected variables
            sols = self._select(_no_rows(p), dataset, timeout, None, paged=False)
            variables = [v.value for v in sols.variables]
            for _ in sols:
                pass
        while True:
            limit = size if own_limit is None else min(size, own_limit - done)
            if limit <= 0:
                if first:
                    yield ("\t".join(f"?{v}" for v in variables) + "\n").encode()
                return
            if self._scroll or self.virtuoso:
                text = _scroll_window(p, variables, own_offset + done, limit)
                resp = self._post_query(text, dataset, self._accept(), timeout)
            else:
                try:
                    resp = self._post_query(_window(p, variables, own_offset + done, limit),
                                            dataset, self._accept(), timeout)
                except EndpointError:
                    if first:
                        raise
                    # a server that will not sort past its cap (Virtuoso's "Sorted TOP clause ...")
                    self._scroll = True
                    resp = self._post_query(_scroll_window(p, variables, own_offset + done, limit), dataset,
                                            self._accept(), timeout)
            sols = ox.parse_query_results(self._results_stream(resp), self._results_format(resp))
            got = [v.value for v in sols.variables]
            if got != variables:
                raise EndpointError(f"SPARQL endpoint {self.location} changed the variables of a "
                                    f"query between pages ({got} then {variables})")
            data = sols.serialize(format=ox.QueryResultsFormat.TSV)
            rows = data.count(b"\n") - 1
            if not first:
                data = data[data.index(b"\n") + 1:]
            yield data
            first = False
            done += rows
            if rows < limit:
                return

    def _construct(self, text: str, dataset, timeout: float | None, parsed: Parsed) -> Iterable[ox.Triple]:
        resp = self._post_query(text, dataset, _ACCEPT_RDF, timeout)
        media = _media(resp.headers)
        fmt = _RDF_TYPES.get(media)
        if fmt is None:
            resp.abort()
            what = "an HTML page" if "html" in media else (media or "no content type")
            raise EndpointError(f"{resp.shown} is not a SPARQL endpoint: it answered a CONSTRUCT "
                                f"with {what}, not RDF")
        if not self.virtuoso and not self.max_rows:
            return ox.parse(io.BufferedReader(resp, 1 << 18), format=fmt)
        # Virtuoso cuts CONSTRUCT answers at ResultSetMaxRows without a header: count them
        cap = self.cap or self.max_rows or 10000
        triples = list(ox.parse(io.BufferedReader(resp, 1 << 18), format=fmt))
        if len(triples) < cap:
            return triples
        if parsed.form != "CONSTRUCT" or parsed.template is None:
            raise EndpointError(f"SPARQL endpoint {self.location} cut the {parsed.form} answer at its "
                                f"limit of {cap:,} triples; narrow the query, or SELECT the rows "
                                "(SELECT answers are paged)")
        # read the solutions instead (a SELECT, paged) and write the template out here
        if parsed.text != text:
            parsed = parse_query(text)
        template, names = construct_template(parsed)
        select = construct_as_select(parsed, names)
        return instantiate(template, self._select(select, dataset, timeout, None), names)

    def named_graphs(self) -> list[str]:
        """The careergraph named graphs on the server (read now, not from the cache)."""
        return self.careergraph_graphs(refresh=True)

    def state(self) -> str:
        """The backend's identity, its careergraph graphs and ``graph/meta``: two small queries."""
        h = hashlib.sha256(f"{self.kind}\0{self.location}\0".encode())
        graphs = self.careergraph_graphs(refresh=True)
        for g in graphs:
            h.update(f"graph {g}\n".encode())
        sols = self.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{META_GRAPH}> {{ ?s ?p ?o }} }}",
                          default_graphs=[], named_graphs=[META_GRAPH])
        for line in sorted(f"{s['s']} {s['p']} {s['o']}" for s in sols):
            h.update(line.encode("utf-8", "surrogatepass") + b"\n")
        return h.hexdigest()

    def dump(self, out: IO[bytes], *, format: ox.RdfFormat, graph: str | None = None,
             prefixes: Mapping[str, str] | None = None) -> None:
        """Write one named graph (None: the union default graph) as ``format``.

        A ``CONSTRUCT`` streamed through, on servers that do not cut
        answers; otherwise a paged ``SELECT ?s ?p ?o`` (Virtuoso cuts both
        ``CONSTRUCT`` and Graph Store ``GET`` answers at its row cap, silently).
        """
        kw: dict[str, Any] = {"prefixes": dict(prefixes)} if prefixes else {}
        if not self.virtuoso and not self.max_rows:
            if graph is None:
                result = self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
            else:
                result = self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
                                    default_graphs=[], named_graphs=[graph])
            ox.serialize(result, out, format, **kw)
            return
        if graph is None:
            sols = self.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
        else:
            sols = self.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
                              default_graphs=[], named_graphs=[graph])
        triples = (ox.Triple(s["s"], s["p"], s["o"]) for s in sols)
        ox.serialize(triples, out, format, **kw)

    # -- writing ---------------------------------------------------------------------
    def _writable(self) -> _Url:
        if self._update is None:
            raise EndpointError(f"SPARQL endpoint {self.location} is open read-only (no update "
                                "endpoint given); give --update-endpoint URL (or "
                                "CAREERGRAPH_UPDATE_ENDPOINT) to write")
        return self._update

    def update(self, text: str, *, timeout: float | None = None) -> None:
        url = self._writable()
        self._invalidate()
        resp = self._writer.send("POST", url.path, body=text.encode("utf-8"), timeout=timeout,
                                 shown=url.shown, headers={
                                     "Content-Type": "application/sparql-update; charset=utf-8",
                                     "Accept": "*/*"})
        self._check(resp, what="update")
        resp.drain()

    def _limits(self, store: bool) -> tuple[int, int]:
        if store:
            return 50_000, 8 << 20
        # Virtuoso compiles INSERT DATA to SQL and refuses ~2,000 triples ("exceeded 10000 lines")
        return (500, 512 << 10) if self.virtuoso else (10_000, 4 << 20)

    def load(self, path: str | Path, *, graph: str, format: ox.RdfFormat,
             progress: Progress | None = None) -> int:
        """Add a file's triples to ``graph`` in requests of bounded size; return how many were sent.

        With a Graph Store URL each chunk is a ``POST ?graph=IRI`` of
        N-Triples; otherwise an ``INSERT DATA`` (``INSERT {...} WHERE {}``
        for chunks holding blank nodes, which some servers refuse in
        ``INSERT DATA``).
        """
        url = self._writable()
        self._invalidate()
        say = progress or (lambda _m: None)
        store = self._store is not None
        max_triples, max_bytes = self._limits(store)
        sent, told = 0, 0
        for data, count, bnodes in nt_chunks(path, format, max_triples=max_triples, max_bytes=max_bytes):
            if store:
                target = self._store.with_params([("graph", graph)])
                resp = self._gsp.send("POST", target, body=data, shown=self._store.shown, headers={
                    "Content-Type": "application/n-triples; charset=utf-8", "Accept": "*/*"})
                self._check(resp, what="update")
                resp.drain()
            else:
                block = data.decode("utf-8")
                if bnodes:
                    self.update(f"INSERT {{ GRAPH <{graph}> {{\n{block}}} }} WHERE {{}}")
                else:
                    self.update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{block}}} }}")
            sent += count
            if sent - told >= 100_000:
                say(f"sent {sent:,} triples to {url.shown if not store else self._store.shown}")
                told = sent
        return sent

    def replace_graph(self, target: str, path: str | Path, *, update: str = "",
                      progress: Progress | None = None) -> None:
        """Load an N-Triples file into a staging graph, then switch it in with one update request.

        The request drops ``target``, adds the staging graph to it, drops the
        staging graph and applies ``update`` (the source's record). The
        staging graph is dropped if anything fails; ``target`` is untouched
        until the switch. ``docs/scaling.md`` says what each server
        guarantees about that one request.
        """
        self._writable()
        say = progress or (lambda _m: None)
        staging = f"{STAGING_PREFIX}{uuid.uuid4().hex[:16]}"
        say(f"loading into the staging graph <{staging}>")
        try:
            count = self.load(path, graph=staging, format=ox.RdfFormat.N_TRIPLES, progress=say)
            say(f"switching <{target}> to the {count:,} new triples (one update request; a server may take "
                f"minutes to copy a large graph in one transaction)")
            self.update(f"DROP SILENT GRAPH <{target}> ; ADD SILENT <{staging}> TO <{target}> ; "
                        f"DROP SILENT GRAPH <{staging}>" + (f" ; {update}" if update.strip() else ""),
                        timeout=max(self.timeout, SWITCH_SECONDS))
        except BaseException:
            try:
                self.update(f"DROP SILENT GRAPH <{staging}>")
            except Exception:  # noqa: BLE001, S110 - the first error is the one to report
                pass
            raise
        finally:
            self._invalidate()

    def close(self) -> None:
        for h in {id(x): x for x in (self._http, self._writer, self._gsp) if x is not None}.values():
            h.close()
