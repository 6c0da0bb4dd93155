"""Validate graph data: SHACL shapes plus the ``*-violation.rq`` quality checks.

Two kinds of check run:

- the SHACL shapes of ``ontology/shapes.ttl``, with RDFS inference over
  ``careergraph.ttl`` and ``alignments.ttl`` (so ``cg:promotesTo`` implies
  ``cg:leadsTo``);
- every shipped query whose name ends in ``-violation``; each row it returns
  is one violation.

Two SHACL engines give the same results (the tests check it on every
invalid fixture); ``engine="auto"`` picks the one that fits:

- ``pyshacl`` (the reference: all of SHACL, SHACL-SPARQL, the full RDFS
  closure) validates an in-memory rdflib copy of the data, rebuilt with an
  N-Triples dump parsed by Oxigraph's parser (``ox-nt``). Right for Turtle
  files and the built-in graph (a second); on a store holding ESCO and O*NET
  the copy and its closure take over 10 minutes and 3.7 GB.
- ``sparql`` (:mod:`careergraph.shacl`) compiles SHACL Core shapes to SPARQL
  run on the store itself: nothing is copied, and ESCO + O*NET validate in
  about a minute. The default for stores and endpoints; shapes it cannot
  compile fall back to pyshacl (the report's ``engine`` says which ran).

Examples
--------
>>> from careergraph import open_graph
>>> from careergraph.validate import validate
>>> report = validate(open_graph())
>>> report.conforms
True
>>> print(report.text().splitlines()[0])  # doctest: +ELLIPSIS
Conforms: ... 0 violations
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

from .backends import Backend, memory_backend
from .backends.embedded import turtle_as_ntriples
from .errors import InvalidParameter, OntologyError
from .queries import list_queries, run_query
from .resources import ONTOLOGY_GRAPH, SEED_GRAPH, builtin_files, package_dir
from .shacl import Unsupported, validate_sparql
from .vocab import PREFIXES, graph_iri

__all__ = ["ENGINES", "SHAPES", "ValidationReport", "Violation", "ontology_graph", "shapes_file", "validate"]

#: SHACL engines: ``auto`` (sparql for stores and endpoints, pyshacl otherwise), ``pyshacl``, ``sparql``.
ENGINES = ("auto", "pyshacl", "sparql")

SH = Namespace("http://www.w3.org/ns/shacl#")
#: Namespace of the shape ids in ``ontology/shapes.ttl``.
SHAPES = Namespace("https://w3id.org/careergraph/shapes#")
_SHORT = {**PREFIXES, "cgsh": str(SHAPES)}
_FILES_GRAPH = str(graph_iri("validate"))


@dataclass(frozen=True)
class Violation:
    """One failed check.

    Attributes
    ----------
    check : str
        The shape id (``cgsh:Transition-kind``) or violation query name
        (``transition-self-loop-violation``).
    focus : str or None
        The offending node (a CURIE when it has a known prefix).
    path : str or None
        The property the shape constrains, when there is one.
    message : str
        What is wrong and how to fix it.
    severity : str
        ``Violation``, ``Warning`` or ``Info``.
    """

    check: str
    focus: str | None
    path: str | None
    message: str
    severity: str = "Violation"

    @property
    def shape(self) -> str:
        """Alias of :attr:`check`."""
        return self.check

    def as_dict(self) -> dict[str, str | None]:
        return {"check": self.check, "focus": self.focus, "path": self.path,
                "message": self.message, "severity": self.severity}


@dataclass
class ValidationReport:
    """The outcome of :func:`validate`.

    ``conforms`` is true when no check reports a ``Violation``-severity
    result; warnings and infos are listed but do not fail.
    """

    violations: list[Violation] = field(default_factory=list)
    shapes_checked: int = 0
    queries_checked: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    #: The SHACL engine that ran ("pyshacl", "sparql"; with why when auto fell back), "" when none.
    engine: str = ""

    @property
    def conforms(self) -> bool:
        return not any(v.severity == "Violation" for v in self.violations)

    def checks(self) -> set[str]:
        """The ids of the checks that failed."""
        return {v.check for v in self.violations}

    def summary(self) -> str:
        n = sum(v.severity == "Violation" for v in self.violations)
        others = len(self.violations) - n
        extra = f", {others} warning(s)" if others else ""
        engine = f" by {self.engine.split(' ', 1)[0]}" if self.engine else ""
        what = f"{self.shapes_checked} shapes{engine}, {len(self.queries_checked)} violation queries"
        return f"Conforms: {'yes' if self.conforms else 'no'} ({what}): {n} violations{extra}"

    def text(self) -> str:
        """A readable report: summary line, then one block per failed check."""
        lines = [self.summary()]
        if self.sources:
            lines.append("Checked: " + ", ".join(self.sources))
        by_check: dict[str, list[Violation]] = {}
        for v in self.violations:
            by_check.setdefault(v.check, []).append(v)
        for check in sorted(by_check):
            vs = by_check[check]
            lines.append("")
            lines.append(f"{check} ({len(vs)}): {vs[0].message}")
            for v in vs:
                where = v.focus or "-"
                if v.path:
                    where += f" {v.path}"
                note = f"  [{v.severity}]" if v.severity != "Violation" else ""
                detail = f": {v.message}" if v.message != vs[0].message else ""
                lines.append(f"  - {where}{detail}{note}")
        return "\n".join(lines)


def _short(term) -> str | None:
    if term is None:
        return None
    text = str(term)
    for prefix, ns in sorted(_SHORT.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(ns) and len(text) > len(ns):
            return f"{prefix}:{text[len(ns):]}"
    return f"<{text}>" if isinstance(term, URIRef) or "://" in text else text


def shapes_file() -> Path:
    """Path of the shipped ``shapes.ttl``."""
    return package_dir("ontology") / "shapes.ttl"


def ontology_graph() -> Graph:
    """The vocabulary and alignments (not the shapes) as one rdflib Graph: what RDFS inference reads."""
    return _parse_files([p for p in builtin_files()["ontology"] if p.name != "shapes.ttl"])


def _parse_files(paths: Iterable[Path | str]) -> Graph:
    """Parse Turtle files into one plain rdflib Graph (file:line on errors)."""
    g = Graph()
    for path in paths:
        g.parse(data=turtle_as_ntriples(path).decode("utf-8"), format="ox-nt")
    return g


def _graph_from_files(files: Sequence[Path | str], base: bool) -> Backend:
    builtin = builtin_files()
    given = [Path(f) for f in files]
    given_resolved = {p.resolve() for p in given if p.exists()}
    pairs = [(p, ONTOLOGY_GRAPH) for p in builtin["ontology"]]
    if base:
        pairs += [(p, SEED_GRAPH) for p in builtin["seed"] if p.resolve() not in given_resolved]
    for path in given:
        if path.is_dir():
            raise OntologyError(f"{path}: is a folder; give Turtle files (e.g. {path}/*.ttl)")
        pairs.append((path, _FILES_GRAPH))
    return memory_backend(pairs)


def _data_graph(graph: Backend) -> Graph:
    """Copy every named graph except the ontology into a plain rdflib Graph (Oxigraph's N-Triples)."""
    data = Graph()
    for name in graph.named_graphs():
        if name == ONTOLOGY_GRAPH:
            continue
        buf = io.BytesIO()
        graph.dump(buf, format=ox.RdfFormat.N_TRIPLES, graph=name)
        if buf.tell():
            data.parse(data=buf.getvalue().decode("utf-8"), format="ox-nt")
    return data


def _shacl(data: Graph, shapes: Graph, ontology: Graph) -> tuple[list[Violation], int]:
    import pyshacl

    _conforms, results, _text = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="rdfs", inplace=True, allow_warnings=True
    )
    out = []
    for r in results.subjects(RDF.type, SH.ValidationResult):
        shape = results.value(r, SH.sourceShape)
        msg = results.value(r, SH.resultMessage)
        sev = results.value(r, SH.resultSeverity)
        out.append(Violation(
            check=_short(shape) or "?",
            focus=_short(results.value(r, SH.focusNode)),
            path=_short(results.value(r, SH.resultPath)),
            message=str(msg) if msg is not None else "",
            severity=str(sev).rsplit("#", 1)[-1] if sev is not None else "Violation",
        ))
    n_shapes = len(set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape)))
    out.sort(key=lambda v: (v.check, v.focus or "", v.path or ""))
    return out, n_shapes


def _queries(graph) -> tuple[list[Violation], list[str]]:
    out: list[Violation] = []
    names = []
    for q in list_queries():
        if not q.is_violation or q.parameters and any(not p.optional for p in q.parameters):
            continue
        names.append(q.name)
        res = run_query(graph, q)
        for row in res.rows:
            focus = row.get("focus")
            if focus is None and res.vars:
                focus = row.get(res.vars[0])
            details = ", ".join(f"{k}={_short(v) if isinstance(v, str) and '://' in v else v}"
                                for k, v in row.items() if k not in ("focus", "message") and v is not None)
            message = row.get("message") or q.summary or q.name
            if details:
                message = f"{message} ({details})"
            out.append(Violation(check=q.name, focus=_short(focus) if focus else None, path=None,
                                 message=str(message), severity="Violation"))
    return out, names


def validate(
    graph=None,
    *,
    files: Sequence[str | os.PathLike] | None = None,
    shapes: str | os.PathLike | Graph | None = None,
    base: bool = True,
    queries: bool = True,
    shacl: bool = True,
    engine: str = "auto",
    progress: Callable[[str], None] | None = None,
) -> ValidationReport:
    """Check a graph (or Turtle files) against the SHACL shapes and violation queries.

    Parameters
    ----------
    graph : Backend, optional
        A graph from :func:`careergraph.open_graph`. Ignored when ``files``
        is given; ``None`` with no files validates the built-in seed graph.
    files : list of paths, optional
        Turtle files to validate. They are loaded, with the built-in
        ontology, into a fresh store; with ``base=True`` (default) the
        built-in seed data is loaded too, minus any built-in file the list
        replaces, so a file can refer to seed roles and skills.
    shapes : path or rdflib.Graph, optional
        SHACL shapes to use instead of ``ontology/shapes.ttl``.
    base : bool, default True
        Load the built-in seed data under ``files``.
    queries : bool, default True
        Also run every ``*-violation.rq`` query.
    shacl : bool, default True
        Run the SHACL shapes; ``shacl=False`` runs only the violation queries.
    engine : {"auto", "pyshacl", "sparql"}, default "auto"
        The SHACL engine (see the module docstring): ``auto`` is ``sparql``
        for stores and endpoints, ``pyshacl`` for files and the built-in graph.
    progress : callable, optional
        Told which shape the sparql engine checks.

    Returns
    -------
    ValidationReport
        ``conforms``, the list of :class:`Violation`, and ``text()``.

    Raises
    ------
    OntologyError
        A file is missing or is not valid Turtle; the message names
        ``file:line``.
    InvalidParameter
        An unknown engine, or ``engine="sparql"`` with shapes it cannot compile.

    Examples
    --------
    >>> from careergraph.validate import validate
    >>> from careergraph.resources import builtin_files
    >>> roles = [p for p in builtin_files()["seed"] if p.name == "roles.ttl"]
    >>> validate(files=roles).conforms
    True
    """
    if engine not in ENGINES:
        raise InvalidParameter(f"Unknown SHACL engine {engine!r}; use one of {', '.join(ENGINES)}")
    sources: list[str] = []
    if files:
        graph = _graph_from_files(files, base)
        sources = [str(f) for f in files] + (["built-in seed"] if base else [])
    elif graph is None:
        graph = memory_backend()
        sources = ["built-in seed"]
    violations: list[Violation] = []
    n_shapes = 0
    used = ""
    if shacl:
        if isinstance(shapes, Graph):
            shapes_graph = shapes
        else:
            shapes_graph = _parse_files([shapes or shapes_file()])
        ontology = ontology_graph()
        use = engine if engine != "auto" else ("pyshacl" if getattr(graph, "kind", "") == "memory" else "sparql")
        if use == "sparql":
            try:
                found, n_shapes = validate_sparql(graph, shapes_graph, ontology, progress=progress)
                violations = sorted((_violation(r) for r in found), key=lambda v: (v.check, v.focus or "", v.path or ""))
                used = "sparql"
            except Unsupported as exc:
                if engine == "sparql":
                    raise InvalidParameter(f"The sparql SHACL engine cannot run these shapes: {exc}; "
                                           "use --engine pyshacl") from None
                use, used = "pyshacl", f"pyshacl (sparql cannot compile: {exc})"
        if use == "pyshacl":
            violations, n_shapes = _shacl(_data_graph(graph), shapes_graph, ontology)
            used = used or "pyshacl"
    names: list[str] = []
    if queries:
        found_q, names = _queries(graph)
        violations += found_q
    return ValidationReport(violations=violations, shapes_checked=n_shapes, queries_checked=names, sources=sources,
                            engine=used)


def _violation(r) -> Violation:
    return Violation(check=_short(r.shape) or "?", focus=_short(r.focus), path=_short(r.path),
                     message=r.message, severity=r.severity)
