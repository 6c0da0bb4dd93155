"""The one query runner: load ``queries/*.rq`` files, check, bind and run SPARQL.

Every read of the graph goes through :func:`execute` (raw pyoxigraph results)
and its two conveniences, :func:`run_query` (rows of plain Python values,
with parameters) and :func:`rows` (bulk reads for the projection). It is the
only code that calls a :class:`~careergraph.backends.Backend` to read, so the
embedded store and a remote SPARQL 1.1 endpoint answer the same way, and it
holds the one term converter (:func:`to_python`).

Each ``.rq`` file opens with a comment header::

    #+ summary: Skills a role needs, essential first
    #+ description: One line or more about what it returns.
    #+ tags: skills, roles
    # Parameters:
    #   role (role): the role, by label, alternative label, IRI or CURIE
    #   level (string, optional): essential or optional

followed by a full PREFIX block. Parameter kinds: ``role``, ``skill``,
``degree``, ``field``, ``industry``, ``entity`` (names are resolved to IRIs
by :class:`careergraph.resolve.Resolver` before they reach the runner),
``iri``, ``string``, ``integer``, ``decimal``. Values are bound as RDF terms
(Oxigraph substitutions, or a ``VALUES`` block over HTTP), never formatted
into the query text; a bound variable must appear in the SELECT list.

Every query is read-only: updates (INSERT, DELETE, LOAD, CLEAR ...) and
``SERVICE`` (which would make the store send requests elsewhere) are refused
before anything is sent.

Examples
--------
>>> from careergraph import open_graph
>>> res = run_query(open_graph(), "skills-of-role", {"role": "cgr:machine-learning-engineer"})
>>> "skill" in res.vars and len(res) > 5
True
>>> run_query(open_graph(), "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")  # doctest: +IGNORE_EXCEPTION_DETAIL
Traceback (most recent call last):
...
careergraph.queries.QueryRefused: query: uses SERVICE ...
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .backends import Backend
from .errors import InvalidParameter, QueryError, QueryNotFound, clip, suggest
from .resources import package_dir
from .sparql import parse_query, prologue_end, tokenize, with_limit
from .vocab import PREFIXES

__all__ = [
    "ENTITY_KINDS",
    "Answer",
    "Parameter",
    "QueryFile",
    "QueryRefused",
    "QueryResult",
    "QueryTimeout",
    "RowLimitExceeded",
    "check_read_only",
    "execute",
    "fetch",
    "fetch_results",
    "expand_curie",
    "list_queries",
    "load_query",
    "query_dir",
    "rows",
    "run_query",
    "to_python",
    "to_term",
]

_HEADER = re.compile(r"^#\+\s*(\w+)\s*:\s*(.*)$")
_PARAM = re.compile(r"^#\s+\??([A-Za-z_]\w*)\s*\(([^)]*)\)\s*:?\s*(.*)$")
_POS = re.compile(r"at (\d+):(\d+)")
#: Parameter kinds whose values are names of graph nodes (resolved by the Resolver).
ENTITY_KINDS = ("role", "skill", "degree", "field", "industry", "entity")
_KINDS = set(ENTITY_KINDS) | {"iri", "string", "integer", "decimal"}

_UPDATES = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")


class QueryTimeout(QueryError):
    """A query ran past its time limit (``limit``: the limit in seconds, when known)."""

    limit: float | None = None


class RowLimitExceeded(QueryError):
    """A query's answer has more rows (or triples) than allowed (``limit``)."""

    limit: int | None = None


class QueryRefused(QueryError):
    """A SPARQL update or a ``SERVICE`` clause: careergraph only reads its own graph."""


@dataclass(frozen=True)
class Parameter:
    """A variable a caller may bind."""

    name: str
    kind: str = "string"
    optional: bool = False
    description: str = ""


@dataclass(frozen=True)
class QueryFile:
    """One parsed ``.rq`` file."""

    name: str
    path: Path
    text: str
    summary: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    parameters: tuple[Parameter, ...] = ()

    @property
    def is_violation(self) -> bool:
        """True for data-quality checks that must return no rows."""
        return self.name.endswith("-violation")

    @property
    def internal(self) -> bool:
        """True for projection inputs and violation checks (not listed by default)."""
        return self.is_violation or "projection" in self.tags

    def parameter(self, name: str) -> Parameter:
        """The parameter called ``name``.

        Raises
        ------
        InvalidParameter
            No such parameter; the message lists the query's parameters.
        """
        for p in self.parameters:
            if p.name == name:
                return p
        raise InvalidParameter(
            f"Query '{self.name}' has no parameter {clip(name)}; its parameters are: "
            + (", ".join(p.name for p in self.parameters) or "none")
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready description (the ``queries --format json`` shape)."""
        return {"name": self.name, "summary": self.summary, "description": self.description,
                "tags": list(self.tags),
                "parameters": [{"name": p.name, "kind": p.kind, "optional": p.optional,
                                "description": p.description} for p in self.parameters]}


@dataclass
class QueryResult:
    """Rows of a SELECT (or the answer of an ASK) with plain Python values."""

    vars: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)
    ask: bool | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> list[Any]:
        """The values of one variable, in row order."""
        return [r.get(name) for r in self.rows]

    def to_csv(self) -> str:
        """The rows as CSV text with a header line."""
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=self.vars, lineterminator="\n")
        w.writeheader()
        for r in self.rows:
            w.writerow({k: "" if r.get(k) is None else r[k] for k in self.vars})
        return buf.getvalue()


# -- the library ----------------------------------------------------------------

def query_dir() -> Path:
    """Folder of the shipped ``.rq`` files."""
    return package_dir("queries")


def _parse_file(path: Path) -> QueryFile:
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        raise QueryError(f"'{path}' is a folder, not a query file; give a .rq file or a query name") from None
    except OSError as exc:
        raise QueryError(f"{path}: cannot read query file: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise QueryError(f"{path}: is not a UTF-8 text file (a binary file?); give a SPARQL .rq file") from None
    if "\x00" in text:
        raise QueryError(f"{path}: is not a text file (it holds NUL bytes); give a SPARQL .rq file")
    meta: dict[str, str] = {}
    params: list[Parameter] = []
    in_params = False
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = _HEADER.match(line)
        if m:
            meta[m.group(1).lower()] = m.group(2).strip()
            in_params = False
            continue
        if line.strip().lower().startswith("# parameters"):
            in_params = True
            continue
        if in_params:
            pm = _PARAM.match(line)
            if pm:
                spec = [s.strip().lower() for s in pm.group(2).split(",")]
                kind = spec[0] if spec and spec[0] in _KINDS else "string"
                params.append(Parameter(pm.group(1), kind, "optional" in spec, pm.group(3).strip()))
    tags = tuple(t.strip() for t in meta.get("tags", "").split(",") if t.strip())
    return QueryFile(name=path.stem, path=path, text=text, summary=meta.get("summary", ""),
                     description=meta.get("description", ""), tags=tags, parameters=tuple(params))


_CACHE: dict[Path, tuple[float, QueryFile]] = {}


def _cached(path: Path) -> QueryFile:
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return _parse_file(path)
    hit = _CACHE.get(path)
    if hit is None or hit[0] != mtime:
        hit = _CACHE[path] = (mtime, _parse_file(path))
    return hit[1]


def list_queries() -> list[QueryFile]:
    """Return every shipped query, sorted by name.

    Examples
    --------
    >>> len(list_queries()) >= 15
    True
    """
    return [_cached(p) for p in sorted(query_dir().glob("*.rq"))]


def load_query(name_or_path: str | Path) -> QueryFile:
    """Load a shipped query by name (``skills-of-role``) or any ``.rq`` file by path.

    Raises
    ------
    QueryNotFound
        No such query; the message suggests close names.
    QueryError
        A path that is missing, a folder, or not a text file.
    """
    p = Path(name_or_path)
    text = str(name_or_path)
    if p.suffix == ".rq" or "/" in text or p.exists():
        if p.is_dir():
            raise QueryError(f"'{p}' is a folder, not a query file; give a .rq file or a query name")
        if not p.is_file():
            raise QueryError(f"Query file '{p}' does not exist; give an existing .rq file or a query name")
        return _parse_file(p)
    path = query_dir() / f"{text}.rq"
    if not path.is_file():
        names = [q.stem for q in query_dir().glob("*.rq")]
        raise QueryNotFound(text, suggest(text, names), hint="'careergraph queries' lists them")
    return _cached(path)


# -- safety ---------------------------------------------------------------------

def check_read_only(text: str, origin: str = "query") -> None:
    """Refuse SPARQL updates and ``SERVICE`` before anything is sent.

    The text is read with the one SPARQL lexer (:func:`careergraph.sparql.tokenize`),
    so keywords inside comments, strings and IRIs do not count.

    Raises
    ------
    QueryRefused
        The text is an update, or uses ``SERVICE`` (a :class:`QueryError`).
    QueryError
        The text cannot be read (an unclosed string, say).

    Examples
    --------
    >>> check_read_only('SELECT * { ?s ?p "DROP ALL" } # SERVICE')
    >>> check_read_only("PREFIX x: <http://x/> DELETE WHERE { ?s ?p ?o }")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    careergraph.queries.QueryRefused: query: is a SPARQL update ...
    """
    try:
        parsed = parse_query(text)  # remembered: a server reads the same queries again and again
    except SyntaxError:
        parsed = None
    if parsed is not None and not parsed.service:
        return
    verdict = _read_only_verdict(text)
    if verdict is None:
        return  # a text the lexer reads but cannot place: the store says what is wrong with it
    kind, detail = verdict
    if kind == "syntax":
        raise QueryError(f"{origin}: SPARQL syntax error: {detail}. Fix the query text")
    if kind == "update":
        raise QueryRefused(f"{origin}: is a SPARQL update (INSERT/DELETE/LOAD/CLEAR ...); "
                           "careergraph only runs read-only SELECT, ASK, CONSTRUCT and DESCRIBE queries")
    raise QueryRefused(f"{origin}: uses SERVICE (a federated query would send requests to another "
                       "server); careergraph refuses it: remove the SERVICE clause")


def _read_only_verdict(text: str) -> tuple[str, str] | None:
    """None for a read-only query, else ``(kind, detail)``: a syntax error, an update, or SERVICE."""
    try:
        toks = tokenize(text)
    except SyntaxError as exc:
        return "syntax", str(exc)
    first = prologue_end(toks)
    if first < len(toks) and toks[first].kw(*_UPDATES):
        return "update", ""
    if any(t.kw("SERVICE") for t in toks):
        return "service", ""
    return None


# -- terms ----------------------------------------------------------------------

_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTS = {_XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                            "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong",
                            "unsignedShort", "unsignedByte")}
_FLOATS = {_XSD + t for t in ("decimal", "double", "float")}
_BOOL = _XSD + "boolean"


def to_python(term: Any) -> Any:
    """The one term converter: an RDF term as a plain Python value.

    IRIs become their string, blank nodes ``_:id``, numeric literals
    ``int``/``float``, booleans ``bool``, every other literal its lexical form;
    an unbound variable ``None``.

    Examples
    --------
    >>> import pyoxigraph as ox
    >>> to_python(ox.NamedNode("https://example.org/a")), to_python(ox.Literal("3", datatype=ox.NamedNode(_XSD + "integer")))
    ('https://example.org/a', 3)
    >>> to_python(ox.Literal("chat", language="fr")), to_python(None)
    ('chat', None)
    """
    t = type(term)
    if t is ox.NamedNode:
        return term.value
    if term is None:
        return None
    if t is ox.Literal:
        dt = term.datatype.value
        text = term.value
        try:
            if dt in _INTS:
                return int(text)
            if dt in _FLOATS:
                return float(text)
            if dt == _BOOL:
                return text in ("true", "1")
        except ValueError:
            return text
        return text
    if t is ox.BlankNode:
        return f"_:{term.value}"
    return str(term)


def expand_curie(text: str) -> str:
    """Expand ``cgr:data-scientist`` or ``<http://…>`` to a full IRI string.

    Raises
    ------
    ValueError
        The text is neither an IRI nor a CURIE of a known prefix.

    Examples
    --------
    >>> expand_curie("cgr:data-scientist")
    'https://w3id.org/careergraph/id/role/data-scientist'
    """
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    if "://" in text or text.startswith("urn:"):
        if any(c in text for c in ' <>"{}|^`\\'):
            raise ValueError(text)
        return text
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and local and not any(c in local for c in " <>\"{}|^`\\"):
        return PREFIXES[prefix] + local
    raise ValueError(text)


def to_term(param: Parameter, value: Any) -> Any:
    """Bind one parameter value as an RDF term (names must already be IRIs).

    Raises
    ------
    InvalidParameter
        The value does not fit the parameter's kind.

    Examples
    --------
    >>> to_term(Parameter("n", "integer"), "3")
    <Literal value=3 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#integer>>
    """
    if isinstance(value, (ox.NamedNode, ox.Literal, ox.BlankNode)):
        return value
    text = str(value)
    try:
        if param.kind in ENTITY_KINDS or param.kind == "iri":
            return ox.NamedNode(expand_curie(text))
        if param.kind == "integer":
            return ox.Literal(str(int(text.strip())), datatype=ox.NamedNode(_XSD + "integer"))
        if param.kind == "decimal":
            return ox.Literal(str(Decimal(text.strip())), datatype=ox.NamedNode(_XSD + "decimal"))
    except (ValueError, ArithmeticError, InvalidOperation):
        want = f"a {param.kind} IRI or CURIE (names are resolved by CareerGraph.query)" \
            if param.kind in ENTITY_KINDS else f"a {param.kind}"
        raise InvalidParameter(f"Parameter {param.name!r} wants {want}, got {clip(text)}") from None
    return ox.Literal(text)


# -- running --------------------------------------------------------------------

def _backend(graph) -> Backend:
    if isinstance(graph, Backend):
        return graph
    inner = getattr(graph, "backend", None)
    if isinstance(inner, Backend):
        return inner
    raise InvalidParameter(f"Expected a graph from careergraph.open_graph(), got {type(graph).__name__}")


def execute(
    graph,
    text: str,
    bindings: Mapping[str, Any] | None = None,
    *,
    origin: str = "query",
    default_graphs: Sequence[str] | None = None,
    named_graphs: Sequence[str] | None = None,
    timeout: float | None = None,
) -> Any:
    """Check and run one query; the raw pyoxigraph result.

    Parameters
    ----------
    graph : Backend
        A graph from :func:`careergraph.open_graph`.
    text : str
        A SELECT, ASK, CONSTRUCT or DESCRIBE query.
    bindings : dict, optional
        Variable name -> pyoxigraph term.
    origin : str
        Name used in error messages (the file path).
    default_graphs, named_graphs : sequence of str, optional
        The SPARQL protocol's ``default-graph-uri`` / ``named-graph-uri``.
    timeout : float, optional
        Seconds the backend may spend (an endpoint's request timeout).

    Returns
    -------
    pyoxigraph.QuerySolutions, bool or iterable of pyoxigraph.Triple

    Raises
    ------
    QueryError
        An update, ``SERVICE``, a syntax error (``file:line:column``), or a
        failure of the store.
    """
    check_read_only(text, origin)
    return _send(graph, text, bindings, origin=origin, default_graphs=default_graphs, named_graphs=named_graphs,
                 timeout=timeout)


def _send(graph, text: str, bindings: Mapping[str, Any] | None, *, origin: str,
          default_graphs: Sequence[str] | None, named_graphs: Sequence[str] | None, timeout: float | None) -> Any:
    """Hand a checked query to the backend (:func:`execute` without the read-only check)."""
    backend = _backend(graph)
    try:
        return backend.query(text, substitutions=dict(bindings or {}), default_graphs=default_graphs,
                             named_graphs=named_graphs, timeout=timeout)
    except SyntaxError as exc:
        m = _POS.search(str(exc))
        where = f"{origin}:{m.group(1)}:{m.group(2)}" if m else origin
        raise QueryError(f"{where}: SPARQL syntax error: {exc}. Fix the query text") from None
    except (RuntimeError, ValueError, OSError) as exc:
        raise QueryError(f"{origin}: query failed: {exc}") from None


def _timed_out(origin: str, timeout: float | None) -> QueryTimeout:
    shown = f" of {timeout:g} s" if timeout else ""
    exc = QueryTimeout(f"{origin}: query ran past its time limit{shown}; narrow it or raise --timeout")
    exc.limit = timeout
    return exc


def _too_many(origin: str, max_rows: int) -> RowLimitExceeded:
    exc = RowLimitExceeded(f"{origin}: the answer has more than {max_rows} rows; add a LIMIT or raise the row limit")
    exc.limit = max_rows
    return exc


def _collect(res: Any, *, origin: str, deadline: float | None, limit: int | None) -> QueryResult:
    if isinstance(res, (bool, ox.QueryBoolean)):
        ask = bool(res)
        return QueryResult(vars=["ask"], rows=[{"ask": ask}], ask=ask)
    if isinstance(res, ox.QuerySolutions):
        names = [v.value for v in res.variables]
        idx = range(len(names))
        out = []
        conv = to_python
        for n, sol in enumerate(res):
            if limit is not None and n >= limit:
                break
            if deadline is not None and not n % 1024 and time.monotonic() > deadline:
                raise _timed_out(origin, None)
            out.append(dict(zip(names, [conv(sol[k]) for k in idx])))
        return QueryResult(vars=names, rows=out)
    out = []
    for n, t in enumerate(res):  # CONSTRUCT / DESCRIBE triples
        if limit is not None and n >= limit:
            break
        out.append({"s": to_python(t.subject), "p": to_python(t.predicate), "o": to_python(t.object)})
    return QueryResult(vars=["s", "p", "o"], rows=out)


def run_query(
    graph,
    query: str | Path | QueryFile,
    params: Mapping[str, Any] | None = None,
    *,
    timeout: float | None = None,
    limit: int | None = None,
) -> QueryResult:
    """Run a library query (by name, path or :class:`QueryFile`) or SPARQL text, with parameters.

    Parameters
    ----------
    graph : Backend
    query : str, Path or QueryFile
        ``"skills-of-role"``, ``"my/query.rq"``, a loaded query, or the text
        of a query (anything holding a ``{``).
    params : dict, optional
        Parameter name -> value: a pyoxigraph term, an IRI/CURIE for the
        ``iri`` and entity kinds (resolve names first with
        :class:`careergraph.resolve.Resolver`, as :meth:`CareerGraph.query`
        does), or text for literals. Parameters are checked against the
        file's ``# Parameters:`` header; for SPARQL text every value binds
        the variable of that name as a plain literal or term.
    timeout : float, optional
        Seconds before :class:`QueryTimeout`.
    limit : int, optional
        Keep at most this many rows.

    Raises
    ------
    InvalidParameter
        An unknown parameter, or a required one missing; the message lists
        the query's parameters.
    QueryError
        See :func:`execute`.
    """
    params = dict(params or {})
    if isinstance(query, QueryFile) or "{" not in str(query):
        qf = query if isinstance(query, QueryFile) else load_query(query)
        for name in params:
            qf.parameter(name)  # raises with the list of parameters
        missing = [p.name for p in qf.parameters if not p.optional and p.name not in params]
        if missing:
            raise InvalidParameter(
                f"Query '{qf.name}' needs parameter(s) {', '.join(missing)}; give them as "
                + " ".join(f"--param {m}=VALUE" for m in missing))
        bindings = {name: to_term(qf.parameter(name), value) for name, value in params.items()}
        text, origin = qf.text, str(qf.path)
    else:
        text, origin = str(query), "query"
        bindings = {k: to_term(Parameter(k, "string"), v) for k, v in params.items()}
    deadline = time.monotonic() + timeout if timeout else None
    res = execute(graph, text, bindings, origin=origin, timeout=timeout)
    return _collect(res, origin=origin, deadline=deadline, limit=limit)


@dataclass
class Answer:
    """The raw answer of one query, read within a time limit and a row cap.

    ``form`` is ``"select"`` (``rows`` are tuples of pyoxigraph terms, ``None``
    where unbound, in the order of ``variables``), ``"ask"`` (``boolean``) or
    ``"graph"`` for CONSTRUCT and DESCRIBE (``rows`` are pyoxigraph triples).
    """

    form: str
    variables: list[str] = field(default_factory=list)
    rows: list[Any] = field(default_factory=list)
    boolean: bool | None = None


def fetch(
    graph,
    text: str,
    bindings: Mapping[str, Any] | None = None,
    *,
    origin: str = "query",
    default_graphs: Sequence[str] | None = None,
    named_graphs: Sequence[str] | None = None,
    timeout: float | None = None,
    max_rows: int | None = None,
) -> Answer:
    """Run one query through :func:`execute` and read its whole answer, bounded.

    This is the runner for callers that serialise raw terms themselves (the
    SPARQL endpoint of ``careergraph serve``, for CONSTRUCT and DESCRIBE;
    :func:`fetch_results` writes SELECT and ASK answers). What the bounds
    guarantee:

    * ``max_rows``: reading stops at row ``max_rows + 1`` with
      :class:`RowLimitExceeded`, so at most that many rows are ever held.
    * ``timeout``: the clock is checked before each row is read, and
      :class:`QueryTimeout` stops the work at the first check past the
      deadline; the store is asked for no more rows, so the evaluation ends.
      One step of the store that yields no row (sorting or grouping every
      solution before the first one comes out) cannot be cut short: it runs
      to its end, then the check fires. Callers that must answer on time run
      this in a worker thread (pyoxigraph releases the GIL while it
      evaluates) and stop waiting at the deadline.

    Raises
    ------
    QueryError, QueryRefused
        See :func:`execute`.
    QueryTimeout, RowLimitExceeded
        A bound was hit; ``exc.limit`` is that bound.

    Examples
    --------
    >>> from careergraph import open_graph
    >>> a = fetch(open_graph(), "SELECT ?r WHERE { ?r a <https://w3id.org/careergraph/ontology#Role> }")
    >>> a.form, a.variables, len(a.rows) > 10
    ('select', ['r'], True)
    >>> fetch(open_graph(), "SELECT * WHERE { ?s ?p ?o }", max_rows=5)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    careergraph.queries.RowLimitExceeded: query: the answer has more than 5 rows ...
    """
    deadline = time.monotonic() + timeout if timeout else None
    res = execute(graph, text, bindings, origin=origin, default_graphs=default_graphs,
                  named_graphs=named_graphs, timeout=timeout)
    if isinstance(res, (bool, ox.QueryBoolean)):
        return Answer("ask", boolean=bool(res))
    select = isinstance(res, ox.QuerySolutions)
    names = [v.value for v in res.variables] if select else []
    out: list[Any] = []
    cap = max_rows if max_rows is not None else -1
    now = time.monotonic
    it = iter(res)
    try:
        while True:
            if deadline is not None and now() > deadline:
                raise _timed_out(origin, timeout)
            try:
                item = next(it)
            except StopIteration:
                break
            except (RuntimeError, ValueError, OSError) as exc:
                raise QueryError(f"{origin}: query failed: {exc}") from None
            if len(out) == cap:
                raise _too_many(origin, cap)
            out.append(tuple(item) if select else item)
            del item
    finally:
        # pyoxigraph's iterators must be dropped on the thread that made them: not by whoever
        # catches the exception, which may run in another thread (a server's event loop)
        del it, res
    if deadline is not None and now() > deadline:
        raise _timed_out(origin, timeout)
    return Answer("select" if select else "graph", names, out)


class _Sink:
    """Where the store writes a results document: its chunks, with the clock checked at each one."""

    __slots__ = ("chunks", "deadline", "origin", "timeout")

    def __init__(self, deadline: float | None, origin: str, timeout: float | None):
        self.chunks: list[bytes] = []
        self.deadline, self.origin, self.timeout = deadline, origin, timeout

    def write(self, chunk: bytes) -> int:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise _timed_out(self.origin, self.timeout)  # the store stops writing, and evaluating
        self.chunks.append(chunk)
        return len(chunk)

    def flush(self) -> None:
        pass


#: The fewest bytes one solution takes in each results format: fewer bytes than
#: ``(cap + 1) * this`` cannot hold more than ``cap`` solutions, so they need no count.
_SOLUTION_BYTES = {ox.QueryResultsFormat.JSON: 3, ox.QueryResultsFormat.XML: 17,
                   ox.QueryResultsFormat.CSV: 2, ox.QueryResultsFormat.TSV: 1}


def _solutions_in(doc: bytes, fmt: ox.QueryResultsFormat) -> int:
    """How many solutions a results document holds (documents the store wrote)."""
    if fmt == ox.QueryResultsFormat.TSV:
        return doc.count(b"\n") - 1  # the head line; a literal's own newlines are written as \n
    if fmt == ox.QueryResultsFormat.XML:
        return doc.count(b"<result>")  # a "<" in a value is written &lt;
    if fmt == ox.QueryResultsFormat.CSV:
        return sum(1 for _ in csv.reader(io.StringIO(doc.decode("utf-8"), newline=""))) - 1
    return len(json.loads(doc)["results"]["bindings"])


def fetch_results(
    graph,
    text: str,
    fmt: ox.QueryResultsFormat,
    *,
    origin: str = "query",
    default_graphs: Sequence[str] | None = None,
    named_graphs: Sequence[str] | None = None,
    timeout: float | None = None,
    max_rows: int | None = None,
) -> bytes:
    """Run one SELECT or ASK query through :func:`execute`; its answer as a SPARQL results document.

    The store writes the document itself (for Oxigraph, in Rust, off the
    GIL), which is what the SPARQL endpoint of ``careergraph serve`` sends.
    The bounds are those of :func:`fetch`:

    * ``max_rows``: the query is sent with a ``LIMIT`` of ``max_rows + 1``
      (or its own, when lower), so the store never evaluates or holds more;
      one solution more than ``max_rows`` raises :class:`RowLimitExceeded`.
    * ``timeout``: the clock is checked at each chunk the store writes and
      :class:`QueryTimeout` stops the writing, and with it the evaluation.

    Use :func:`fetch` for CONSTRUCT and DESCRIBE (an ``InvalidParameter`` here).

    Examples
    --------
    >>> from careergraph import open_graph
    >>> doc = fetch_results(open_graph(), "SELECT ?x WHERE { BIND(1 AS ?x) }", ox.QueryResultsFormat.TSV)
    >>> doc.decode().split()
    ['?x', '1']
    >>> fetch_results(open_graph(), "SELECT * WHERE { ?s ?p ?o }", ox.QueryResultsFormat.JSON,
    ...               max_rows=5)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    careergraph.queries.RowLimitExceeded: query: the answer has more than 5 rows ...
    """
    deadline = time.monotonic() + timeout if timeout else None
    check_read_only(text, origin)
    sent, counted = text, max_rows is not None
    if max_rows is not None:
        try:
            parsed = parse_query(text)
        except SyntaxError:
            parsed = None  # the store says what is wrong with it, or reads what this lexer cannot
        if parsed is not None and parsed.form == "SELECT":
            sent = with_limit(text, max_rows + 1)  # a LIMIT at the top level: as read-only as the text
            counted = parsed.limit is None or parsed.limit[2] > max_rows
        elif parsed is not None:
            counted = False  # ASK: one boolean
    res = _send(graph, sent, None, origin=origin, default_graphs=default_graphs, named_graphs=named_graphs,
                timeout=timeout)
    sink = _Sink(deadline, origin, timeout)
    try:
        if not isinstance(res, (ox.QuerySolutions, ox.QueryBoolean)):
            raise InvalidParameter(f"{origin}: a CONSTRUCT or DESCRIBE answer is a graph, not a results document")
        try:
            res.serialize(sink, format=fmt)
        except QueryError:
            raise
        except (RuntimeError, ValueError, OSError) as exc:
            raise QueryError(f"{origin}: query failed: {exc}") from None
    finally:
        del res  # dropped on the thread that made it, as pyoxigraph requires
    doc = b"".join(sink.chunks)
    if counted and len(doc) >= (max_rows + 1) * _SOLUTION_BYTES[fmt] and _solutions_in(doc, fmt) > max_rows:
        raise _too_many(origin, max_rows)
    if deadline is not None and time.monotonic() > deadline:
        raise _timed_out(origin, timeout)
    return doc


def rows(graph, name: str) -> list[dict[str, Any]]:
    """Every row of a parameterless library query, for bulk reads (the projection).

    Examples
    --------
    >>> from careergraph.examples import toy_graph
    >>> sorted(rows(toy_graph(), "project-roles")[0])
    ['dataset', 'label', 'level', 'role', 'track']
    """
    return run_query(graph, load_query(name)).rows


def iter_rows(graph, name: str) -> Iterable[tuple[Any, ...]]:
    """Rows of a library query as tuples of converted values, streamed (no dicts).

    The first item is the tuple of variable names.
    """
    qf = load_query(name)
    res = execute(graph, qf.text, origin=str(qf.path))
    names = tuple(v.value for v in res.variables)
    yield names
    idx = range(len(names))
    for sol in res:
        yield tuple(to_python(sol[k]) for k in idx)
