"""Picture and export commands: ``plot career-map|overlap|skills|salaries|gap`` and ``export``.

Each writes one file (``--output``; PNG, SVG or PDF by extension for plots)
and prints ``wrote FILE`` to stderr. Bad input (an unknown role, extension or
folder) raises a careergraph error: one line on stderr, exit status 2.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..errors import InvalidParameter
from .base import cli, store_option

__all__ = ["career_map_cmd", "export_cmd", "gap_cmd", "overlap_cmd", "plot", "salaries_cmd", "skills_cmd"]

_DEFAULT_OVERLAP_ROLES = 40


def _check_output(path: str, allowed: dict[str, str], what: str = "image") -> Path:
    """Fail early (before any work) on a bad extension or an unwritable folder."""
    p = Path(path)
    ext = p.suffix.lower()
    if ext not in allowed:
        shown = repr(ext) if ext else "(none)"
        raise InvalidParameter(f"Unknown {what} extension {shown} in '{p}'; use one of {', '.join(allowed)}")
    _check_folder(p)
    return p


def _check_folder(p: Path) -> None:
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.is_dir():
        raise InvalidParameter(f"Cannot write '{p}': folder '{folder}' does not exist; create it first")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InvalidParameter(f"Cannot write '{p}': folder '{folder}' is not writable; choose another --output")
    if p.is_dir():
        raise InvalidParameter(f"Cannot write '{p}': it is a folder; give a file name")


def _output_option(f):
    return click.option("--output", "-o", required=True, metavar="FILE",
                        help="File to write: .png, .svg or .pdf.")(f)


def _save(ax, path: Path) -> None:
    import matplotlib.pyplot as plt

    from ..viz import save_figure

    fig = ax.figure
    try:
        save_figure(fig, path)
    finally:
        plt.close(fig)
    click.echo(f"wrote {path}", err=True)


def _projection(obj):
    from ..project import project

    return project(obj.graph)


def _roles(obj, names) -> list[str]:
    from ..resolve import resolve

    return [str(resolve(obj.graph, n, kind="role")) for n in names]


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
@click.option("--by", type=click.Choice(["steps", "years", "skills"]), default="steps", show_default=True,
              help="Cost of the highlighted route.")
@click.option("--lateral", is_flag=True, help="Let the route use inferred moves between similar roles.")
@click.option("--max-roles", type=click.IntRange(min=1), default=60, show_default=True,
              help="Draw at most this many roles (the route first, then the best connected).")
@_output_option
@store_option
@click.pass_obj
def career_map_cmd(obj, path_, by: str, lateral: bool, max_roles: int, output: str) -> None:
    """Draw the career ladders by track and level, with the moves between roles."""
    out = _check_output(output, _image_formats())
    from ..viz import plot_career_map

    proj = _projection(obj)
    route = None
    if path_:
        from ..paths import find_path

        route = find_path(proj, path_[0], path_[1], by=by, lateral=lateral)
    _save(plot_career_map(proj, highlight_path=route, max_roles=max_roles), out)


@plot.command(
    "overlap",
    epilog="Example:\n  careergraph plot overlap 'Data Scientist' 'Machine Learning Engineer' "
    "'Machine Learning Scientist' --output overlap.png",
)
@click.argument("roles", nargs=-1)
@click.option("--top", type=click.IntRange(min=2), default=_DEFAULT_OVERLAP_ROLES, show_default=True,
              help="Without ROLES: the roles with the most skills, at most this many.")
@_output_option
@store_option
@click.pass_obj
def overlap_cmd(obj, roles: tuple[str, ...], top: int, output: str) -> None:
    """Draw the skill overlap (Jaccard) of roles as a clustered heatmap.

    Without ROLES, the roles with the most skills are compared.
    """
    out = _check_output(output, _image_formats())
    import numpy as np

    from ..overlap import matrix
    from ..viz import plot_overlap

    proj = _projection(obj)
    if roles:
        iris = _roles(obj, roles)
    else:
        counts = np.diff(proj.role_skill.indptr)
        ranked = [i for i in np.argsort(-counts, kind="stable") if counts[i] > 0][:top]
        iris = [proj.roles[i] for i in ranked]
    if len(iris) < 2:
        raise InvalidParameter("Give at least two roles with skills to compare")
    labels, m = matrix(proj, iris)
    _save(plot_overlap(labels, m), out)


@plot.command(
    "skills",
    epilog="Example:\n  careergraph plot skills 'Data Scientist' 'Machine Learning Engineer' --output skills.svg",
)
@click.argument("roles", nargs=-1, required=True)
@click.option("--max-skills", type=click.IntRange(min=1), default=40, show_default=True,
              help="Draw at most this many skills (the most shared first).")
@_output_option
@store_option
@click.pass_obj
def skills_cmd(obj, roles: tuple[str, ...], max_skills: int, output: str) -> None:
    """Draw the skills roles need: essential solid, optional dashed."""
    out = _check_output(output, _image_formats())
    from ..viz import plot_role_skills

    proj = _projection(obj)
    _save(plot_role_skills(proj, _roles(obj, roles), max_skills=max_skills), out)


@plot.command(
    "salaries",
    epilog="Example:\n  careergraph plot salaries 'Machine Learning Scientist' --output salaries.png",
)
@click.argument("roles", nargs=-1)
@_output_option
@store_option
@click.pass_obj
def salaries_cmd(obj, roles: tuple[str, ...], output: str) -> None:
    """Draw salary ranges and marks per role and source (all roles with figures by default).

    Exits 1 when the roles have no salary observations.
    """
    out = _check_output(output, _image_formats())
    from ..queries import run_query
    from ..viz import plot_salaries

    rows = run_query(obj.graph, "plot-salaries").rows
    if roles:
        want = set(_roles(obj, roles))
        rows = [r for r in rows if r["role"] in want]
    if not rows:
        click.echo("no salary observations for " + (", ".join(repr(r) for r in roles) or "any role"), err=True)
        raise SystemExit(1)
    _save(plot_salaries(rows), out)


@plot.command(
    "gap",
    epilog="Example:\n  careergraph plot gap --have Python --have SQL --have Statistics "
    "--target 'Machine Learning Engineer' --output gap.png",
)
@click.option("--have", "have", multiple=True, metavar="SKILLS",
              help="Skills you have (repeatable, or comma-separated).")
@click.option("--target", required=True, metavar="ROLE", help="The role you aim for.")
@click.option("--max-skills", type=click.IntRange(min=1), default=40, show_default=True,
              help="Draw at most this many skills (the most important first).")
@_output_option
@store_option
@click.pass_obj
def gap_cmd(obj, have: tuple[str, ...], target: str, max_skills: int, output: str) -> None:
    """Draw which skills of a target role you have and which you miss, by importance."""
    out = _check_output(output, _image_formats())
    from ..overlap import gap
    from ..resolve import resolve_many
    from ..viz import plot_gap

    names = [n.strip() for h in have for n in h.split(",") if n.strip()]
    skills = [str(s) for s in resolve_many(obj.graph, names, kind="skill")] if names else []
    proj = _projection(obj)
    target_iri = _roles(obj, [target])[0]
    _save(plot_gap(gap(proj, skills, target_iri), proj=proj, max_skills=max_skills), out)


@cli.command(
    "export",
    epilog="Example:\n  careergraph export --format graphml --output careers.graphml",
)
@click.option("--format", "fmt", required=True, type=click.Choice(["graphml", "gexf", "json", "turtle", "nt"]),
              help="graphml/gexf/json: roles, skills, moves and requirements (Gephi, Cytoscape); "
              "turtle/nt: every RDF triple.")
@click.option("--output", "-o", required=True, metavar="FILE", help="File to write (its folder must exist).")
@store_option
@click.pass_obj
def export_cmd(obj, fmt: str, output: str) -> None:
    """Write the graph to a file for other tools."""
    from ..export import export

    p = Path(output)
    _check_folder(p)
    export(obj.graph, fmt, p)
    click.echo(f"wrote {p}", err=True)


def _image_formats() -> dict[str, str]:
    from ..viz import FORMATS

    return FORMATS
