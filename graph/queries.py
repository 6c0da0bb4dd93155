"""The SPARQL query library: load ``queries/*.rq`` files, bind parameters, run.

Each ``.rq`` file opens with a comment header::

    #+ summary: Skills a role needs, essential first
    #+ description: One line or more about what it returns.
    #+ tags: skills, roles
    # Parameters:
    #   role (role): the role, by label, alternative label, IRI or CURIE
    #   level (string, optional): essential or optional

followed by a full PREFIX block. Parameter kinds: ``role``, ``skill``,
``degree``, ``field``, ``industry``, ``entity`` (resolved by name, see
:mod:`careergraph.resolve`), ``iri``, ``string``, ``integer``, ``decimal``.
Values are bound as RDF terms (Oxigraph substitutions), never formatted into
the query text; a bound variable must appear in the SELECT list.

Examples
--------
>>> from careergraph import open_graph
>>> from careergraph.queries import run_query
>>> res = run_query(open_graph(), "skills-of-role", {"role": "ML Engineer"})
>>> "skill" in res.vars
True
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from .errors import InvalidParameter, QueryError, QueryNotFound, suggest

__all__ = [
    "Parameter",
    "QueryFile",
    "QueryResult",
    "list_queries",
    "load_query",
    "query_dir",
    "run_query",
    "run_sparql",
]

_HEADER = re.compile(r"^#\+\s*(\w+)\s*:\s*(.*)$")
_PARAM = re.compile(r"^#\s+\??([A-Za-z_]\w*)\s*\(([^)]*)\)\s*:?\s*(.*)$")
_UPDATE = re.compile(r"^\s*(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.I)
_PROLOGUE = re.compile(r"^\s*(PREFIX\s+[\w-]*:\s*<[^>]*>|BASE\s*<[^>]*>)", re.I)
_POS = re.compile(r"at (\d+):(\d+)")
_ENTITY_KINDS = {"role", "skill", "degree", "field", "industry", "entity"}
_KINDS = _ENTITY_KINDS | {"iri", "string", "integer", "decimal"}


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

    def parameter(self, name: str) -> Parameter:
        for p in self.parameters:
            if p.name == name:
                return p
        raise InvalidParameter(
            f"Query '{self.name}' has no parameter {name!r}; its parameters are: "
            + (", ".join(p.name for p in self.parameters) or "none")
        )


@dataclass
class QueryResult:
    """Rows of a SELECT (or the answer of an ASK) with plain Python values."""

    vars: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)
    ask: bool | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> list[Any]:
        return [r.get(name) for r in self.rows]

    def to_csv(self) -> str:
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=self.vars, lineterminator="\n")
        w.writeheader()
        for r in self.rows:
            w.writerow({k: "" if r.get(k) is None else r[k] for k in self.vars})
        return buf.getvalue()


def query_dir() -> Path:
    """Folder of the shipped ``.rq`` files."""
    from .store import package_dir

    return package_dir("queries")


def _parse_file(path: Path) -> QueryFile:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise QueryError(f"{path}: cannot read query file: {exc.strerror or exc}") from None
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
    return QueryFile(
        name=path.stem,
        path=path,
        text=text,
        summary=meta.get("summary", ""),
        description=meta.get("description", ""),
        tags=tags,
        parameters=tuple(params),
    )


def list_queries() -> list[QueryFile]:
    """Return every shipped query, sorted by name.

    Examples
    --------
    >>> len(list_queries()) >= 15
    True
    """
    return [_parse_file(p) for p in sorted(query_dir().glob("*.rq"))]


def load_query(name_or_path: str | Path) -> QueryFile:
    """Load a shipped query by name (``skills-of-role``) or any ``.rq`` file by path.

    Raises
    ------
    QueryNotFound
        No such query; the message suggests close names.
    """
    p = Path(name_or_path)
    if p.suffix == ".rq" or p.exists():
        if not p.is_file():
            raise QueryError(f"Query file '{p}' does not exist; give an existing .rq file or a query name")
        return _parse_file(p)
    name = str(name_or_path)
    path = query_dir() / f"{name}.rq"
    if not path.is_file():
        names = [q.stem for q in query_dir().glob("*.rq")]
        raise QueryNotFound(name, suggest(name, names), hint="'careergraph queries' lists them")
    return _parse_file(path)


def _strip_prologue(text: str) -> str:
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith("#")]
    body = "\n".join(lines)
    while True:
        m = _PROLOGUE.match(body)
        if not m:
            return body
        body = body[m.end():]


def _to_python(term: Node | None) -> Any:
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, Literal):  # no Python type (gYear, lang strings ...): its lexical form
            return str(term)
        if isinstance(value, Decimal):
            return float(value)
        if isinstance(value, (int, float, bool, str)):
            return value
        return str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _coerce(param: Parameter, value: Any, graph, source: str | None) -> Node:
    if isinstance(value, Node):
        return value
    text = str(value)
    try:
        if param.kind in _ENTITY_KINDS:
            from .resolve import resolve

            return resolve(graph, text, kind=param.kind, source=source)
        if param.kind == "iri":
            from .resolve import expand_curie

            return URIRef(expand_curie(text))
        if param.kind == "integer":
            return Literal(int(text))
        if param.kind == "decimal":
            return Literal(Decimal(text))
    except (ValueError, ArithmeticError):
        raise InvalidParameter(
            f"Parameter {param.name!r} wants a {param.kind}, got {text!r}"
        ) from None
    return Literal(text)


def run_sparql(graph, text: str, bindings: dict[str, Node] | None = None, *, origin: str = "query") -> QueryResult:
    """Run a SPARQL SELECT/ASK string with bound variables.

    Parameters
    ----------
    graph : rdflib.Dataset
        A graph opened with :func:`careergraph.open_graph`.
    text : str
        The query. Updates are refused.
    bindings : dict, optional
        Variable name to RDF term; bound by substitution, never pasted in.
    origin : str
        Name used in error messages (the file path).

    Raises
    ------
    QueryError
        Syntax error (with ``file:line:column``), an update, or an unbound
        projection problem.
    """
    if _UPDATE.match(_strip_prologue(text)):
        raise QueryError(
            f"{origin}: is a SPARQL update (INSERT/DELETE/LOAD/CLEAR ...); "
            "'query' only runs read-only SELECT, ASK or CONSTRUCT queries"
        )
    try:
        res = graph.query(text, initBindings=bindings or {})
    except SyntaxError as exc:
        m = _POS.search(str(exc))
        where = f"{origin}:{m.group(1)}:{m.group(2)}" if m else origin
        raise QueryError(f"{where}: SPARQL syntax error: {exc}. Fix the query text") from None
    except (RuntimeError, ValueError, OSError) as exc:
        raise QueryError(f"{origin}: query failed: {exc}") from None
    if res.type == "ASK":
        return QueryResult(vars=["ask"], rows=[{"ask": bool(res.askAnswer)}], ask=bool(res.askAnswer))
    if res.type == "CONSTRUCT":
        rows = [{"s": _to_python(s), "p": _to_python(p), "o": _to_python(o)} for s, p, o in res.graph]
        return QueryResult(vars=["s", "p", "o"], rows=rows)
    names = [str(v) for v in res.vars]
    rows = []
    for b in res.bindings:
        rows.append({n: _to_python(b.get(v)) for n, v in zip(names, res.vars)})
    return QueryResult(vars=names, rows=rows)


def run_query(
    graph,
    query: str | Path | QueryFile,
    params: dict[str, Any] | None = None,
    *,
    source: str | None = None,
) -> QueryResult:
    """Run a library query (by name, path or :class:`QueryFile`) with parameters.

    Parameters
    ----------
    graph : rdflib.Dataset
    query : str, Path or QueryFile
        ``"skills-of-role"``, ``"my/query.rq"`` or a loaded query.
    params : dict, optional
        Parameter name to value; names and labels are resolved by the
        parameter's kind, other values become literals.
    source : str, optional
        Restrict name resolution to one dataset (``seed``, ``esco``, ``onet``).

    Raises
    ------
    InvalidParameter
        An unknown parameter, or a required one missing; the message lists
        the query's parameters.
    RoleNotFound, SkillNotFound, AmbiguousName
        A name parameter matches nothing or several things.
    """
    qf = query if isinstance(query, QueryFile) else load_query(query)
    params = dict(params or {})
    for name in params:
        qf.parameter(name)  # raises with the list of parameters
    missing = [p.name for p in qf.parameters if not p.optional and p.name not in params]
    if missing:
        raise InvalidParameter(
            f"Query '{qf.name}' needs parameter(s) {', '.join(missing)}; give them as "
            + " ".join(f"--param {m}=VALUE" for m in missing)
        )
    bindings = {name: _coerce(qf.parameter(name), value, graph, source) for name, value in params.items()}
    return run_sparql(graph, qf.text, bindings, origin=str(qf.path))
