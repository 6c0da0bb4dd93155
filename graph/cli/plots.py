"""Picture and export commands: ``plot career-map|overlap|skills|salaries|gap`` and ``export``.

Each checks its ``--output`` first (extension, folder; ``-`` is standard
output), makes one :class:`~careergraph.api.CareerGraph` call and writes the
file with the one atomic writer, printing ``wrote FILE`` on stderr. Bad input
(an unknown role, extension or folder) is one line on stderr, exit status 2.
"""

from __future__ import annotations

import click

from .._io import STDOUT, check_output
from ..export import EXTENSIONS
from ..viz import FORMATS, save_figure
from .base import cli, source_option, store_option

__all__ = ["career_map_cmd", "export_cmd", "gap_cmd", "overlap_cmd", "plot", "salaries_cmd", "skills_cmd"]

_DEFAULT_OVERLAP_ROLES = 40


def _output_option(f):
    return click.option("--output", "-o", required=True, metavar="FILE",
                        help="File to write: .png, .svg or .pdf ('-' writes PNG to standard output).")(f)


def _check(output: str) -> None:
    check_output(output, formats=FORMATS, what="image")


def _save(ax, output: str) -> None:
    import matplotlib.pyplot as plt

    try:
        save_figure(ax, output, fmt="png" if output == STDOUT else None)
    finally:
        plt.close(ax.figure)
    if output != STDOUT:
        click.echo(f"wrote {output}", err=True)


def _agg() -> None:
    import matplotlib

    if matplotlib.get_backend().lower() not in ("agg", "pdf", "svg", "cairo"):
        matplotlib.use("Agg")


@cli.group(
    "plot",
    cls=type(cli),
    epilog="Example:\n  careergraph plot career-map --path 'Junior ML Engineer' 'Lead ML Engineer' --output map.png",
)
def plot() -> None:
    """Draw pictures of the graph to PNG, SVG or PDF files."""
    _agg()


@plot.command(
    "career-map",
    epilog="Example:\n  careergraph plot career-map --path 'Junior ML Engineer' 'Lead ML Engineer' --output map.png",
)
@click.option("--path", "path_", nargs=2, metavar="FROM TO", help="Highlight the cheapest route between two roles.")
@click.option("--by", default="steps", show_default=True, help="Cost of the highlighted route: steps, years or skills.")
@click.option("--lateral", is_flag=True, help="Let the route use inferred moves between similar roles.")
@click.option("--max-roles", type=click.IntRange(min=1), default=60, show_default=True,
              help="Draw at most this many roles (the route first, then the best connected).")
@_output_option
@source_option
@store_option
@click.pass_obj
def career_map_cmd(obj, path_, by: str, lateral: bool, max_roles: int, output: str, source_key) -> None:
    """Draw the career ladders by track and level, with the moves between roles."""
    _check(output)
    _save(obj.career(source_key).plot_career_map(path=path_ or None, by=by, lateral=lateral,
                                                 max_roles=max_roles), output)


@plot.command(
    "overlap",
    epilog="Example:\n  careergraph plot overlap 'Data Scientist' 'Machine Learning Engineer' "
    "'Machine Learning Scientist' --output overlap.png",
)
@click.argument("roles", nargs=-1)
@click.option("--top", type=click.IntRange(min=2), default=_DEFAULT_OVERLAP_ROLES, show_default=True,
              help="Without ROLES: the roles with the most skills, at most this many.")
@_output_option
@source_option
@store_option
@click.pass_obj
def overlap_cmd(obj, roles: tuple[str, ...], top: int, output: str, source_key) -> None:
    """Draw the skill overlap (Jaccard) of roles as a clustered heatmap.

    Without ROLES, the roles with the most skills are compared.
    """
    _check(output)
    _save(obj.career(source_key).plot_overlap(roles, top=top), output)


@plot.command(
    "skills",
    epilog="Example:\n  careergraph plot skills 'Data Scientist' 'Machine Learning Engineer' --output skills.svg",
)
@click.argument("roles", nargs=-1, required=True)
@click.option("--max-skills", type=click.IntRange(min=1), default=40, show_default=True,
              help="Draw at most this many skills (the most shared first).")
@_output_option
@source_option
@store_option
@click.pass_obj
def skills_cmd(obj, roles: tuple[str, ...], max_skills: int, output: str, source_key) -> None:
    """Draw the skills roles need: essential solid, optional dashed."""
    _check(output)
    _save(obj.career(source_key).plot_skills(roles, max_skills=max_skills), output)


@plot.command(
    "salaries",
    epilog="Example:\n  careergraph plot salaries 'Machine Learning Scientist' --output salaries.png",
)
@click.argument("roles", nargs=-1)
@_output_option
@source_option
@store_option
@click.pass_obj
def salaries_cmd(obj, roles: tuple[str, ...], output: str, source_key) -> None:
    """Draw salary ranges and marks per role and source (all roles with figures by default).

    Exits 1 when the roles have no salary observations.
    """
    _check(output)
    _save(obj.career(source_key).plot_salaries(roles), output)


@plot.command(
    "gap",
    epilog="Example:\n  careergraph plot gap --have Python --have SQL --have Statistics "
    "--target 'Machine Learning Engineer' --output gap.png",
)
@click.option("--have", "have", multiple=True, metavar="SKILLS", required=True,
              help="Skills you have (repeatable, or comma-separated).")
@click.option("--target", required=True, metavar="ROLE", help="The role you aim for.")
@click.option("--max-skills", type=click.IntRange(min=1), default=40, show_default=True,
              help="Draw at most this many skills (the most important first).")
@_output_option
@source_option
@store_option
@click.pass_obj
def gap_cmd(obj, have: tuple[str, ...], target: str, max_skills: int, output: str, source_key) -> None:
    """Draw which skills of a target role you have and which you miss, by importance."""
    _check(output)
    names = [n.strip() for h in have for n in h.split(",") if n.strip()]
    _save(obj.career(source_key).plot_gap(names, target, max_skills=max_skills), output)


@cli.command(
    "export",
    epilog="Example:\n  careergraph export --format graphml --output careers.graphml",
)
@click.option("--format", "fmt", required=True, type=click.Choice(["graphml", "gexf", "json", "turtle", "nt"]),
              help="graphml/gexf/json: roles, skills, moves and requirements (Gephi, Cytoscape); "
              "turtle/nt: every RDF triple.")
@click.option("--output", "-o", required=True, metavar="FILE",
              help="File to write (its folder must exist; '-' for standard output).")
@store_option
@click.pass_obj
def export_cmd(obj, fmt: str, output: str) -> None:
    """Write the graph to a file for other tools."""
    check_output(output, formats=EXTENSIONS, fmt=fmt, what="export")
    obj.career().export(fmt, output)
    if output != STDOUT:
        click.echo(f"wrote {output}", err=True)
