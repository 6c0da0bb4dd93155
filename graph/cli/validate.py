"""``careergraph validate``: check data against the SHACL shapes and violation queries."""

from __future__ import annotations

import click

from ..errors import ValidationFailed
from ..validate import ENGINES, validate
from .base import Context, cli, common_options, emit, progress

__all__ = ["validate_cmd"]


@cli.command(
    "validate",
    epilog="Example:\n  careergraph validate ontology/data/roles.ttl\n  careergraph validate --store ./cg\n\n"
    "Exit codes: 0 conforms, 1 violations found (report on stdout), 2 unreadable or malformed input.",
)
@click.argument("files", nargs=-1, metavar="[FILE ...]")
@click.option("--no-base", is_flag=True, help="Validate FILEs on their own, without the built-in seed data under them.")
@click.option("--shapes", metavar="FILE", help="SHACL shapes to use instead of the shipped ontology/shapes.ttl.")
@click.option("--no-queries", is_flag=True, help="Run only the SHACL shapes, not the *-violation.rq queries.")
@click.option("--no-shacl", is_flag=True, help="Run only the violation queries, not the SHACL shapes.")
@click.option("--engine", type=click.Choice(ENGINES), default="auto", show_default=True,
              help="SHACL engine: sparql runs the shapes as SPARQL on the store (ESCO + O*NET in about a minute); "
                   "pyshacl validates an in-memory copy (all of SHACL; right for files); auto picks sparql "
                   "for a --store.")
@common_options
@click.pass_obj
def validate_cmd(obj: Context, files: tuple[str, ...], no_base: bool, shapes: str | None,
                 no_queries: bool, no_shacl: bool, engine: str, fmt: str) -> None:
    """Validate Turtle FILEs, or the opened graph when no FILE is given.

    FILEs are loaded with the built-in ontology and, unless --no-base, over
    the built-in seed data (a FILE replaces the built-in file of the same
    path), so they may refer to seed roles and skills. Without FILEs the
    built-in graph, or the --store, is checked.
    """
    if files:
        report = validate(files=list(files), shapes=shapes, base=not no_base, queries=not no_queries,
                          shacl=not no_shacl, engine=engine)
    else:
        report = validate(obj.graph, shapes=shapes, queries=not no_queries, shacl=not no_shacl, engine=engine,
                          progress=progress if obj.store is not None else None)
    rows = [v.as_dict() for v in report.violations]
    if fmt == "table":
        if not report.conforms or report.violations:
            click.echo(report.text())
    else:
        emit(fmt, {"conforms": report.conforms, "violations": rows}, rows,
             ["check", "severity", "focus", "path", "message"])
    if not report.conforms:
        raise ValidationFailed(report.summary())
    click.echo(report.summary(), err=True)
