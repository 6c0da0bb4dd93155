"""Core commands: ``queries`` (the catalogue) and ``query`` (run one)."""

from __future__ import annotations

import click

from ..errors import InvalidParameter, clip
from ..payloads import queries_payload, query_catalogue, query_payload
from ..queries import load_query
from ..vocab import PREFIXES
from .base import cli, common_options, emit, format_option, source_option

__all__ = ["queries_cmd", "query_cmd"]


@cli.command(
    "queries",
    epilog="Example:\n  careergraph queries --tag salary",
)
@click.option("--tag", help="Only queries with this tag.")
@click.option("--all", "show_all", is_flag=True, help="Also list projection and violation queries.")
@format_option
def queries_cmd(tag: str | None, show_all: bool, fmt: str) -> None:
    """List the named SPARQL queries with their summaries and parameters."""
    found = query_catalogue(tag, include_internal=show_all)
    rows = [{"name": q.name, "summary": q.summary,
             "parameters": [p.name + ("?" if p.optional else "") for p in q.parameters],
             "tags": list(q.tags)} for q in found]
    emit(fmt, queries_payload(found), rows, ["name", "parameters", "summary"])


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
        name = name.strip().lstrip("?")
        if not sep or not name:
            raise InvalidParameter(f"--param {clip(pair)} is not NAME=VALUE; write e.g. --param role=\"Data Scientist\"")
        if name in params:
            raise InvalidParameter(f"--param {name} is given twice ({clip(params[name])} and {clip(value)}); "
                                   "give each parameter once")
        params[name] = value
    return params


@cli.command(
    "query",
    epilog="Example:\n  careergraph query skills-of-role --param role=\"Machine Learning Scientist\" --format csv",
)
@click.argument("name")
@click.option("--param", "-p", "pairs", multiple=True, metavar="NAME=VALUE",
              help="Bind a query parameter (repeatable). Names of roles, skills... resolve by label.")
@source_option
@common_options
@click.pass_obj
def query_cmd(obj, name: str, pairs: tuple[str, ...], source_key: str | None, fmt: str) -> None:
    """Run a named query (see 'careergraph queries') or a .rq file.

    Parameter values are bound as RDF terms, never pasted into the query
    text. Updates (INSERT, DELETE, LOAD, CLEAR ...) and SERVICE are refused.
    Exits 1 when the query returns no rows.
    """
    qf = load_query(name)
    result = obj.career(source_key).query(qf, _parse_params(pairs))
    rows = result.rows if fmt != "table" else [{k: _short(v) for k, v in r.items()} for r in result.rows]
    emit(fmt, query_payload(qf, result), rows=rows, columns=result.vars)
    if not result.rows:
        click.echo(f"no rows from query '{qf.name}'", err=True)
        raise SystemExit(1)
