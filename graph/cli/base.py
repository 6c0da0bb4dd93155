"""The CLI's shared pieces: the ``careergraph`` group, common options, output.

Commands live in sibling modules and register themselves on :data:`cli`.
The CLI is a thin layer: it parses options, calls the library, formats the
result. Results go to stdout; messages and progress go to stderr.

Exit codes: 0 ok; 1 no result or validation failed; 2 usage or input error;
3 internal error (a bug: please report it).
"""

from __future__ import annotations

import csv
import importlib
import io
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import click

import careergraph  # CareerGraph (numpy, scipy, networkx) loads on first use: an import command never needs it

from ..errors import CareerGraphError
from ..backends.remote import DATASETS
from ..store import open_graph

__all__ = ["Context", "cli", "common_options", "emit", "format_option", "main", "progress", "render_table",
           "source_option", "store_option"]

EXIT_OK, EXIT_NO_RESULT, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


_STARTED = time.perf_counter()


def progress(message: str) -> None:
    """Print one progress line of long work on stderr, with the seconds since the command started."""
    click.echo(f"[{time.perf_counter() - _STARTED:6.1f}s] {message}", err=True)


class Context:
    """Per-invocation state: where the graph lives, opened on first use."""

    def __init__(self) -> None:
        self.store: str | None = None
        self.endpoint: str | None = None
        self.update_endpoint: str | None = None
        self.graph_store: str | None = None
        self.timeout: float | None = None
        self.dataset = "listed"
        self._graph = None

    def open(self, *, create: bool = False):
        """Open the graph (a :class:`~careergraph.backends.Backend`) the options name.

        ``create`` makes a missing store, or accepts a server without
        careergraph data yet (imports and ``publish`` write it).
        """
        if self._graph is None:
            self._graph = open_graph(self.store, create=create, endpoint=self.endpoint,
                                     update_endpoint=self.update_endpoint, graph_store=self.graph_store,
                                     timeout=self.timeout, progress=progress, dataset=self.dataset)
        return self._graph

    @property
    def graph(self):
        """The graph to read, opened on first use."""
        return self.open()

    def career(self, source: str | None = None) -> careergraph.CareerGraph:
        """The one CareerGraph a command calls, narrowed to ``source``."""
        return careergraph.CareerGraph(graph=self.graph, source=source, progress=progress)

    def release(self) -> None:
        """Close the graph (an on-disk store holds a lock on its folder until closed)."""
        if self._graph is not None:
            self._graph.close()
        self._graph = None


def _setter(name: str, convert: Callable[[str], Any] = str):
    def set_(ctx: click.Context, _param, value):
        if value is not None and value != "":
            setattr(ctx.ensure_object(Context), name, convert(value))
        return value
    return set_


def _seconds(value: str) -> float:
    try:
        t = float(value)
    except ValueError:
        t = -1.0
    if not t > 0:
        raise click.BadParameter(f"{value!r} is not a positive number of seconds", param_hint="--timeout")
    return t


def _dataset(value: str) -> str:
    if value not in DATASETS:
        raise click.BadParameter(f"{value!r} is not {' or '.join(DATASETS)}", param_hint="--dataset")
    return value


#: Where the graph lives: (option, env, Context field, metavar, help, converter).
_WHERE = (
    ("--store", "CAREERGRAPH_STORE", "store", "DIR",
     "On-disk store folder (default: the built-in seed graph; env CAREERGRAPH_STORE).", str),
    ("--endpoint", "CAREERGRAPH_ENDPOINT", "endpoint", "URL",
     "SPARQL 1.1 query endpoint of a server holding the graph (env CAREERGRAPH_ENDPOINT).", str),
    ("--update-endpoint", "CAREERGRAPH_UPDATE_ENDPOINT", "update_endpoint", "URL",
     "SPARQL 1.1 update endpoint, for publish and import (env CAREERGRAPH_UPDATE_ENDPOINT).", str),
    ("--graph-store", "CAREERGRAPH_GRAPH_STORE", "graph_store", "URL",
     "SPARQL 1.1 Graph Store Protocol endpoint, for faster bulk writes (env CAREERGRAPH_GRAPH_STORE).", str),
    ("--timeout", "CAREERGRAPH_TIMEOUT", "timeout", "SECONDS",
     "Seconds to wait for the server (default 60; env CAREERGRAPH_TIMEOUT).", _seconds),
    ("--dataset", "CAREERGRAPH_DATASET", "dataset", "listed|server",
     "How reads on a server name their graphs: listed (default) or server, when the server's default "
     "graph is the union of careergraph's graphs (faster; env CAREERGRAPH_DATASET).", _dataset),
)


def store_option(f: Callable) -> Callable:
    """Where the graph lives: ``--store DIR`` or ``--endpoint URL`` (with ``--update-endpoint``,
    ``--graph-store``, ``--timeout``), before or after the command, or from the environment.

    HTTP basic auth for an endpoint comes from ``CAREERGRAPH_ENDPOINT_USER`` /
    ``CAREERGRAPH_ENDPOINT_PASSWORD`` or ``~/.netrc``, never from an option.
    """
    for opt, env, name, metavar, help_, convert in reversed(_WHERE):
        f = click.option(opt, metavar=metavar, envvar=env, expose_value=False, callback=_setter(name, convert),
                         is_eager=True, help=help_)(f)
    return f


def format_option(f: Callable) -> Callable:
    """``--format table|json|csv``."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "json", "csv"]),
        default="table",
        show_default=True,
        help="Output format.",
    )(f)


def source_option(f: Callable) -> Callable:
    """``--source KEY``: resolve names only within one dataset."""
    return click.option("--source", "source_key", metavar="KEY",
                        help="Resolve names only in this dataset: seed, esco, onet ...")(f)


def common_options(f: Callable) -> Callable:
    """Both ``--store`` and ``--format``."""
    return store_option(format_option(f))


def render_table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """Render rows as an aligned plain-text table.

    Examples
    --------
    >>> print(render_table([{"a": 1, "b": "x"}], ["a", "b"]))
    a  b
    -  -
    1  x
    """

    def cell(v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, float):
            return f"{v:.4g}" if abs(v) < 1e4 else f"{v:,.0f}"
        if isinstance(v, (list, tuple)):
            return ", ".join(cell(x) for x in v)
        return str(v).replace("\n", " ")

    body = [[cell(r.get(c)) for c in columns] for r in rows]
    widths = [max([len(c)] + [len(b[i]) for b in body]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(b, widths)).rstrip() for b in body]
    return "\n".join(lines)


def _csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow(["; ".join(map(str, v)) if isinstance(v, (list, tuple)) else ("" if v is None else v)
                    for v in (r.get(c) for c in columns)])
    return buf.getvalue().rstrip("\n")


def emit(
    fmt: str,
    payload: Any,
    rows: Sequence[dict[str, Any]] | None = None,
    columns: Sequence[str] | None = None,
    *,
    title: str | None = None,
) -> None:
    """Print a result: ``payload`` as JSON, or ``rows`` as a table / CSV.

    Parameters
    ----------
    fmt : {"table", "json", "csv"}
    payload : object
        JSON-serialisable result (printed for ``json``).
    rows, columns : optional
        Tabular view for ``table`` and ``csv``; defaults to ``payload`` when
        it is a list of dicts.
    title : str, optional
        A heading printed above the table (not for CSV/JSON).
    """
    if fmt == "json":
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False, default=str))
        return
    if rows is None:
        rows = payload if isinstance(payload, list) else [payload]
    if columns is None:
        columns = list(rows[0].keys()) if rows else []
    if fmt == "csv":
        click.echo(_csv(rows, columns))
        return
    if title:
        click.echo(title)
    click.echo(render_table(rows, columns))


class _Group(click.Group):
    def format_epilog(self, ctx, formatter):  # keep the example block verbatim
        if self.epilog:
            formatter.write("\n" + self.epilog + "\n")


class _LazyGroup(_Group):
    """The top group: each command's module is imported when the command is asked for.

    So ``careergraph import ...`` imports the data commands only, not the
    analysis, plotting and serving modules (numpy, scipy, networkx,
    starlette: ~0.6 s). :meth:`lazy` says which module registers which
    commands (``careergraph.cli`` holds that list).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._modules: dict[str, str] = {}

    def lazy(self, module: str, names: Sequence[str]) -> None:
        """Commands ``names`` are registered by importing ``module``."""
        self._modules.update(dict.fromkeys(names, module))

    def get_command(self, ctx, cmd_name):
        if cmd_name not in self.commands and cmd_name in self._modules:
            importlib.import_module(self._modules[cmd_name])  # it registers its commands on this group
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx):
        return sorted(set(self.commands) | set(self._modules))


class _Command(click.Command):
    def format_epilog(self, ctx, formatter):
        if self.epilog:
            formatter.write("\n" + self.epilog + "\n")


_Group.command_class = _Command


@click.group(
    cls=_LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="Example:\n  careergraph path \"Junior ML Engineer\" \"Lead ML Engineer\"\n\n"
    "Exit codes: 0 ok, 1 no result or validation failed, 2 usage or input error, 3 internal error.",
)
@store_option
@click.version_option(package_name="careergraph")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """careergraph: a knowledge graph of careers (roles, skills, degrees, moves).

    Runs on the built-in Machine Learning career graph, on an on-disk store
    (--store DIR) holding imported ESCO and O*NET data, or on any SPARQL 1.1
    server holding the same named graphs (--endpoint URL).
    """
    ctx.ensure_object(Context)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the CLI and map errors onto exit codes."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    try:
        rv = cli.main(args=argv, prog_name="careergraph", standalone_mode=False)
    except CareerGraphError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("error: aborted", err=True)
        sys.exit(EXIT_USAGE)
    except click.UsageError as exc:  # one line, not click's three-line usage block
        where = exc.ctx.command_path if exc.ctx else "careergraph"
        click.echo(f"error: {exc.format_message()} (see '{where} --help')", err=True)
        sys.exit(EXIT_USAGE)
    except click.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        sys.exit(EXIT_USAGE if exc.exit_code == 2 else exc.exit_code)
    except KeyboardInterrupt:
        click.echo("error: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:
        click.echo(f"internal error: {type(exc).__name__}: {exc} (please report this; "
                   "set CAREERGRAPH_DEBUG=1 for a traceback)", err=True)
        if os.environ.get("CAREERGRAPH_DEBUG"):
            raise
        sys.exit(EXIT_INTERNAL)
    sys.exit(rv if isinstance(rv, int) else 0)

