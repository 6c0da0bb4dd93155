"""Core commands: ``queries`` (the catalogue) and ``query`` (run one)."""

from __future__ import annotations

import click

from ..errors import InvalidParameter
from ..queries import list_queries, load_query, run_query
from ..vocab import PREFIXES
from .base import cli, common_options, emit, format_option

__all__ = ["query_cmd", "queries_cmd"]


@cli.command(
    "queries",
    epilog="Example:\n  careergraph queries --tag salary",
)
@click.option("--tag", help="Only queries with this tag.")
@click.option("--all", "show_all", is_flag=True, help="Also list projection and violation queries.")
@format_option
def queries_cmd(tag: str | None, show_all: bool, fmt: str) -> None:
    """List the named SPARQL queries with their summaries and parameters."""
    rows = []
    for q in list_queries():
        internal = q.is_violation or "projection" in q.tags
        if (internal and not show_all) or (tag and tag not in q.tags):
            continue
        rows.append({
            "name": q.name,
            "summary": q.summary,
            "parameters": [p.name + ("?" if p.optional else "") for p in q.parameters],
            "tags": list(q.tags),
        })
    emit(fmt, rows, columns=["name", "parameters", "summary"])


# Longest namespaces first, so cgr: wins over cgid: for role IRIs.
_NAMESPACES = sorted(((ns, p) for p, ns in PREFIXES.items()), key=lambda x: -len(x[0]))


def _short(value):
    """Show an IRI as a CURIE in tables (JSON and CSV keep full IRIs)."""
    if isinstance(value, str) and "://" in value:
        for ns, prefix in _NAMESPACES:
            if value.startswith(ns) and len(value) > len(ns):
                return f"{prefix}:{value[len(ns):]}"
    return value


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise InvalidParameter(f"--param {pair!r} is not NAME=VALUE; write e.g. --param role=\"Data Scientist\"")
        params[name.strip().lstrip("?")] = value
    return params


@cli.command(
    "query",
    epilog="Example:\n  careergraph query skills-of-role --param role=\"Machine Learning Scientist\" --format csv",
)
@click.argument("name")
@click.option("--param", "-p", "pairs", multiple=True, metavar="NAME=VALUE",
              help="Bind a query parameter (repeatable). Names of roles, skills... resolve by label.")
@click.option("--source", metavar="KEY", help="Resolve names only within one dataset (seed, esco, onet).")
@common_options
@click.pass_obj
def query_cmd(obj, name: str, pairs: tuple[str, ...], source: str | None, fmt: str) -> None:
    """Run a named query (see 'careergraph queries') or a .rq file.

    Parameter values are bound as RDF terms, never pasted into the query
    text. Updates (INSERT, DELETE, LOAD, CLEAR ...) are refused. Exits 1 when
    the query returns no rows.
    """
    qf = load_query(name)
    result = run_query(obj.graph, qf, _parse_params(pairs), source=source)
    rows = result.rows if fmt != "table" else [{k: _short(v) for k, v in r.items()} for r in result.rows]
    emit(fmt, {"query": qf.name, "vars": result.vars, "results": result.rows}, rows=rows, columns=result.vars)
    if not result.rows:
        click.echo(f"no rows from query '{qf.name}'", err=True)
        raise SystemExit(1)
