"""Data commands: ``import esco|onet|crosswalk|mcc``, ``sources``, ``drop``."""

from __future__ import annotations

import time
from pathlib import Path

import click

from ..importers import import_crosswalk, import_esco, import_onet
from ..importers.mcc import import_mcc
from ..store import ImportAborted, discard_unused_store, drop_source, list_sources, open_graph, publish
from .base import EXIT_NO_RESULT, cli, common_options, emit, progress, store_option

__all__ = ["drop_cmd", "import_group", "sources_cmd"]


def _open(obj, *, create: bool = True):
    """The graph to write: a store folder (created when missing) or a server's update endpoint."""
    if obj.store is None and obj.endpoint is None:
        raise click.UsageError("imports need an on-disk store or a server: give --store DIR, or --endpoint URL "
                               "with --update-endpoint URL")
    if obj.endpoint is not None and obj.update_endpoint is None:
        raise click.UsageError(f"writing to {obj.endpoint} needs its SPARQL update endpoint: give "
                               "--update-endpoint URL (Virtuoso takes updates at its /sparql URL too)")
    return obj.open(create=create)


def _import(obj, run):
    """Run one import on the store or server and return its summary; Ctrl-C says whether the store changed.

    A store the import would create (its folder missing or empty) is removed
    again when the import fails, so bad input leaves no empty store behind.
    """
    fresh = _fresh_folder(obj)
    done = False
    try:
        summary = run(_open(obj))
        done = True
        return summary
    except KeyboardInterrupt:
        raise ImportAborted("import aborted; " + ("no store created" if fresh else "store unchanged")) from None
    finally:
        obj.release()
        if fresh is not None and not done:
            folder, existed = fresh
            discard_unused_store(folder, keep_folder=existed)  # kept if another import is writing it


def _fresh_folder(obj) -> tuple[Path, bool] | None:
    """``(folder, existed)`` when the import writes a store that does not exist yet (folder missing or empty)."""
    if obj.store is None or obj.endpoint is not None:
        return None
    folder = Path(obj.store)
    if not folder.exists():
        return folder, False
    if folder.is_dir() and not any(folder.iterdir()):
        return folder, True
    return None


def _progress(started: float):
    def say(msg: str) -> None:
        click.echo(f"[{time.perf_counter() - started:6.1f}s] {msg}", err=True)

    return say


def _import_options(f):
    f = click.option("--no-projection", is_flag=True,
                     help="Do not build the projection cache after the import (the next analysis command "
                          "builds it).")(f)
    return click.option("--allow-shrink", is_flag=True,
                        help="Replace the previous import even if the new one has over 10% fewer "
                             "occupations, skills, requirement or crosswalk links, or salary figures.")(f)


def _report(summary, fmt: str) -> None:
    click.echo(f"imported {summary.key} into <{summary.graph}>: {summary.triples:,} triples "
               f"in {summary.seconds:.1f} s", err=True)
    for k, v in summary.counts.items():
        click.echo(f"  {k.replace('_', ' ')}: {v:,}", err=True)
    if summary.dangling:
        click.echo("  dangling references (skipped, no node invented):", err=True)
        for k, v in summary.dangling.items():
            ex = ", ".join(summary.dangling_examples.get(k, [])[:2])
            click.echo(f"    {k.replace('_', ' ')}: {v:,} (e.g. {ex})", err=True)
    for w in summary.warnings:
        click.echo(f"  warning: {w}", err=True)
    if summary.projection_seconds:
        click.echo(f"  projection cache built in {summary.projection_seconds:.1f} s (the next command reads it)",
                   err=True)
    if fmt == "json":
        emit(fmt, summary.as_dict())


@cli.group(
    "import",
    cls=type(cli),
    epilog="Example:\n  careergraph import --store ./cg esco ../shared/data/esco-v1.1.1/*.zip",
)
@store_option
def import_group() -> None:
    """Import a public taxonomy into its own named graph of an on-disk store.

    The store is created when missing (and removed again if the import
    fails, so bad input leaves no empty store). Every file is checked in full
    (columns, the field count of every row, zip integrity, version) before
    anything is replaced; a re-import that would drop over 10% of a source's
    occupations, skills, requirement or crosswalk links or salary figures is
    refused unless --allow-shrink. The new state is built aside and switched to at once:
    commands reading the store meanwhile see the previous import, a second
    import exits 2, and Ctrl-C or a crash leaves the store as it was.
    Progress and the summary go to stderr.

    Exit codes: 0 imported, 2 bad input, a refused shrink or another import
    at work, 130 interrupted.
    """


@import_group.command(
    "esco",
    epilog="Example:\n  careergraph import esco --store ./cg \\\n"
    "    \"ESCO dataset - v1.1.1 - classification - en - csv.zip\" \\\n"
    "    \"ESCO dataset - v1.1.1 - classification - relations - csv.zip\"",
)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--language", default="en", show_default=True, help="Language of the *_<lang>.csv files.")
@_import_options
@common_options
@click.pass_obj
def import_esco_cmd(obj, paths, language: str, allow_shrink: bool, no_projection: bool, fmt: str) -> None:
    """Import ESCO v1.1.1 from its CSV zip archives, their folder or the CSV files."""
    say = _progress(time.perf_counter())
    _report(_import(obj, lambda g: import_esco(g, list(paths), language=language, allow_shrink=allow_shrink,
                                               projection=not no_projection, progress=say)), fmt)


@import_group.command(
    "onet",
    epilog="Example:\n  careergraph import onet --store ./cg ../shared/data/onet",
)
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@_import_options
@common_options
@click.pass_obj
def import_onet_cmd(obj, folder, allow_shrink: bool, no_projection: bool, fmt: str) -> None:
    """Import O*NET (Occupation Data, Skills, Technology Skills, Related Occupations)."""
    say = _progress(time.perf_counter())
    _report(_import(obj, lambda g: import_onet(g, folder, allow_shrink=allow_shrink, projection=not no_projection,
                                               progress=say)), fmt)


@import_group.command(
    "crosswalk",
    epilog="Example:\n  careergraph import crosswalk --store ./cg "
    "../shared/data/nesta-mcc/esco_onet_crosswalk_Nov2020.csv",
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--no-seed-links", is_flag=True, help="Skip the curated seed ↔ ESCO/O*NET links.")
@_import_options
@common_options
@click.pass_obj
def import_crosswalk_cmd(obj, file, no_seed_links: bool, allow_shrink: bool, no_projection: bool, fmt: str) -> None:
    """Link ESCO and O*NET occupations (Nesta crosswalk) and the seed roles; import both first."""
    say = _progress(time.perf_counter())
    _report(_import(obj, lambda g: import_crosswalk(g, file, seed_links=not no_seed_links, allow_shrink=allow_shrink,
                                                    projection=not no_projection, progress=say)), fmt)


@import_group.command(
    "mcc",
    epilog="Example:\n  careergraph import mcc --store ./cg "
    "../shared/data/nesta-mcc/mcc_transitions_Occupation_data.csv "
    "../shared/data/nesta-mcc/mcc_skills_based_sectors_All_ESCO.csv",
)
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@_import_options
@common_options
@click.pass_obj
def import_mcc_cmd(obj, files, allow_shrink: bool, no_projection: bool, fmt: str) -> None:
    """Job zone, education, earnings and skills-based sector of ESCO occupations (Nesta MCC); import ESCO first.

    FILES: mcc_transitions_Occupation_data.csv and/or mcc_skills_based_sectors_All_ESCO.csv.
    """
    say = _progress(time.perf_counter())
    _report(_import(obj, lambda g: import_mcc(g, files, allow_shrink=allow_shrink, projection=not no_projection,
                                              progress=say)), fmt)


@cli.command("sources", epilog="Example:\n  careergraph sources --store ./cg --format json")
@common_options
@click.pass_obj
def sources_cmd(obj, fmt: str) -> None:
    """List the imported sources: key, version, import date, triples, named graph, files."""
    try:
        recs = [r.as_dict() for r in list_sources(obj.graph)]
    finally:
        obj.release()
    if not recs:
        click.echo("no imported sources (only the built-in ontology and seed)", err=True)
        if fmt == "json":
            emit(fmt, [])
        raise click.exceptions.Exit(EXIT_NO_RESULT)
    rows = [{**r, "files": len(r["files"])} for r in recs]
    emit(fmt, recs, rows, ["key", "version", "imported", "triples", "files", "graph"])


@cli.command("drop", epilog="Example:\n  careergraph drop onet --store ./cg")
@click.argument("source")
@store_option
@click.pass_obj
def drop_cmd(obj, source: str) -> None:
    """Remove one imported source (its named graph and its record)."""
    try:
        rec = drop_source(_open(obj, create=False), source, progress=progress)
    except KeyboardInterrupt:
        raise ImportAborted("drop aborted; store unchanged") from None
    finally:
        obj.release()
    click.echo(f"dropped {rec.key} (<{rec.graph}>, {rec.triples:,} triples)", err=True)


@cli.command("publish", epilog="Example:\n  careergraph --store ./cg publish --endpoint http://127.0.0.1:7878/query "
             "--update-endpoint http://127.0.0.1:7878/update")
@store_option
@click.pass_obj
def publish_cmd(obj) -> None:
    """Copy the graph (the built-in one, or --store DIR) into a SPARQL 1.1 server's named graphs.

    Every named graph (ontology, seed, each imported source, and the import
    records in graph/meta) is replaced whole on the server, with the same
    graph IRIs as in a store, so every command then runs with --endpoint.
    """
    if obj.endpoint is None or obj.update_endpoint is None:
        raise click.UsageError("publish needs the server: give --endpoint URL and --update-endpoint URL")
    source = open_graph(obj.store)
    target = open_graph(endpoint=obj.endpoint, update_endpoint=obj.update_endpoint, graph_store=obj.graph_store,
                        timeout=obj.timeout, create=True)
    started = time.perf_counter()
    try:
        graphs = publish(source, target, progress=_progress(started))
    finally:
        source.close()
        target.close()
    click.echo(f"published {len(graphs)} named graphs to {target.location} in {time.perf_counter() - started:.1f} s",
               err=True)
