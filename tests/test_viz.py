"""Plots: each function on tiny inline data, save_figure, and every 'plot' command on the seed graph."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from scipy import sparse  # noqa: E402

from careergraph.errors import CareerGraphError, InvalidParameter, RoleNotFound  # noqa: E402
from careergraph.viz import (  # noqa: E402
    plot_career_map,
    plot_gap,
    plot_overlap,
    plot_role_skills,
    plot_salaries,
    save_figure,
)

PNG = b"\x89PNG\r\n\x1a\n"
PDF = b"%PDF"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def ladder() -> nx.DiGraph:
    g = nx.DiGraph()
    for i, name in enumerate(["Junior ML Engineer", "Senior ML Engineer", "Lead ML Engineer"], 1):
        g.add_node(f"e{i}", label=name, track="https://w3id.org/careergraph/id/track/eng", level=i)
    for i, name in enumerate(["Research Assistant", "ML Researcher"], 1):
        g.add_node(f"r{i}", label=name, track="https://w3id.org/careergraph/id/track/research", level=i)
    g.add_node("sw", label="Software Engineer")
    g.add_node("x", label="Data Scientist")
    g.add_edges_from([("e1", "e2"), ("e2", "e3"), ("r1", "r2")], kind="promotion", years=2.0)
    g.add_edge("sw", "e1", kind="entry")
    g.add_edge("sw", "r1", kind="entry")
    g.add_edge("e2", "r2", kind="lateral")
    g.add_edge("x", "e2", kind="same-as")
    g.add_edge("e2", "x", kind="same-as")
    return g


def check_image(path, kind: str) -> None:
    data = path.read_bytes()
    assert data, f"{path} is empty"
    if kind == "png":
        assert data.startswith(PNG)
    elif kind == "pdf":
        assert data.startswith(PDF)
    else:
        root = ET.fromstring(data)
        assert root.tag.endswith("svg")


# ----------------------------------------------------------------- functions on inline data


def test_career_map_returns_axes_with_legend_and_path():
    ax = plot_career_map(ladder(), highlight_path=["sw", "e1", "e2", "r2"])
    assert isinstance(ax, Axes)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    for want in ("Eng", "Research", "promotion", "lateral move", "entry route", "highlighted path"):
        assert want in legend
    assert "3 steps" in ax.get_title()


def test_career_map_draws_on_given_axes_and_caps_roles():
    fig, ax = plt.subplots()
    g = nx.DiGraph()
    for i in range(300):
        g.add_node(i, label=f"Role {i}")
        if i:
            g.add_edge(i - 1, i, kind="lateral")
    out = plot_career_map(g, ax=ax, max_roles=25)
    assert out is ax
    assert "showing 25 of 300 roles" in ax.get_title()
    assert sum(1 for t in ax.texts if t.get_text().startswith("Role ")) == 25


def test_career_map_prefers_the_route_neighbourhood_over_hubs():
    g = nx.complete_graph(40, create_using=nx.DiGraph)  # a hub cluster the route never touches
    nx.set_node_attributes(g, {i: f"Hub {i}" for i in g}, "label")
    g.add_edge(100, 101, kind="lateral")
    for i in range(30):  # the route's end has 30 low-degree neighbours
        g.add_edge(101, 200 + i, kind="lateral")
    nx.set_node_attributes(g, {n: f"Near {n}" for n in g if n >= 100}, "label")
    ax = plot_career_map(g, highlight_path=[100, 101], max_roles=25)
    shown = [t.get_text() for t in ax.texts]
    assert sum(t.startswith("Near ") for t in shown) == 25 and not any(t.startswith("Hub ") for t in shown)


def test_career_map_crowded_fades_moves_off_the_route():
    from matplotlib.patches import FancyArrowPatch

    g = nx.complete_graph(30, create_using=nx.DiGraph)  # 870 moves
    nx.set_node_attributes(g, {i: f"Role {i}" for i in g}, "label")
    nx.set_edge_attributes(g, "lateral", "kind")
    ax = plot_career_map(g, highlight_path=[0, 1])
    alphas = [p.get_alpha() for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert 0.15 in alphas and 1.0 in alphas  # off-route moves faint; the route and moves touching it solid


def test_career_map_accepts_path_result_like_objects():
    ax = plot_career_map(ladder(), highlight_path=SimpleNamespace(roles=["e1", "e2"]))
    assert "1 step" in ax.get_title()


def test_career_map_takes_role_iris():
    # names are resolved before drawing (CareerGraph.plot_career_map); the picture takes nodes
    with pytest.raises(RoleNotFound, match="no role of the map has that IRI"):
        plot_career_map(ladder(), highlight_path=["Junior ML Engineer", "e2"])


@pytest.mark.parametrize("bad", [0, -1, 2.5])
def test_career_map_bad_max_roles(bad):
    with pytest.raises(InvalidParameter):
        plot_career_map(ladder(), max_roles=bad)


def test_career_map_rejects_empty_and_wrong_types():
    with pytest.raises(InvalidParameter):
        plot_career_map(nx.DiGraph())
    with pytest.raises(InvalidParameter):
        plot_career_map([1, 2, 3])


def test_overlap_heatmap_is_clustered_and_labelled():
    labels = ["A", "B", "C", "D"]
    m = np.array([[1, .9, 0, 0], [.9, 1, 0, .1], [0, 0, 1, .8], [0, .1, .8, 1]])
    ax = plot_overlap(labels, m)
    order = [t.get_text() for t in ax.get_yticklabels()]
    assert abs(order.index("A") - order.index("B")) == 1
    assert abs(order.index("C") - order.index("D")) == 1
    assert ax.figure.axes[-1].get_ylabel() == "Jaccard"


def test_overlap_rejects_bad_shapes():
    with pytest.raises(InvalidParameter):
        plot_overlap(["a", "b"], np.ones((2, 3)))
    with pytest.raises(InvalidParameter):
        plot_overlap(["a"], np.ones((2, 2)))


def tiny_projection():
    return SimpleNamespace(
        roles=["r1", "r2"], role_index={"r1": 0, "r2": 1},
        role_labels={"r1": "Data Scientist", "r2": "ML Engineer"},
        skills=["s1", "s2", "s3"], skill_labels={"s1": "Python", "s2": "Statistics", "s3": "Docker"},
        role_skill=sparse.csr_matrix(np.array([[1.0, 1.0, 0.0], [1.0, 0.0, 0.5]])),
        essential=sparse.csr_matrix(np.array([[1, 1, 0], [1, 0, 0]], dtype=bool)),
    )


def test_role_skills_essential_solid_optional_dashed():
    ax = plot_role_skills(tiny_projection(), ["r1", "r2"])
    styles = sorted(line.get_linestyle() for line in ax.lines)
    assert styles == ["-", "-", "-", "--"]
    texts = {t.get_text() for t in ax.texts}
    assert {"Python", "Statistics", "Docker"} <= texts


def test_role_skills_caps_skills_and_checks_roles():
    ax = plot_role_skills(tiny_projection(), ["r1", "r2"], max_skills=1)
    assert "showing the 1 most shared of 3 skills" in ax.get_title()
    with pytest.raises(RoleNotFound):
        plot_role_skills(tiny_projection(), ["Astronaut"])
    with pytest.raises(InvalidParameter):
        plot_role_skills(tiny_projection(), [])


SALARY_ROWS = [
    {"label": "ML Scientist", "sourceLabel": "ZipRecruiter", "statistic": "RangeLow", "amount": 78500.0,
     "currency": "USD", "year": "2024", "region": "United States"},
    {"label": "ML Scientist", "sourceLabel": "ZipRecruiter", "statistic": "RangeHigh", "amount": 199500.0,
     "currency": "USD", "year": "2024", "region": "United States"},
    {"label": "ML Scientist", "sourceLabel": "ZipRecruiter", "statistic": "Percentile", "percentile": 25,
     "amount": 123500.0, "currency": "USD", "year": "2024", "region": "United States"},
    {"label": "ML Scientist", "sourceLabel": "aijobs.net", "statistic": "https://w3id.org/careergraph/ontology#Median",
     "amount": 158750.0, "currency": "USD", "year": "2024", "region": "Global", "comparator": "around"},
    {"label": "ML Scientist", "sourceLabel": "Unattributed", "statistic": "AboveNationalAverage",
     "amount": 26142.0, "currency": "USD", "year": "2024", "region": "New York City"},
]


def test_salaries_title_axis_and_sources():
    ax = plot_salaries(SALARY_ROWS)
    assert ax.get_title() == "Annual salary by role and source: United States, Global, 2024"
    assert ax.get_xlabel() == "Annual salary (USD)"
    assert ax.xaxis.get_major_formatter()(150000, 0) == "$150,000"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "ZipRecruiter" in legend and "aijobs.net" in legend
    assert "Unattributed" not in legend  # a difference from the average is not an amount
    marks = {t.get_text() for t in ax.texts}
    assert {"p25", "≈median"} <= marks


def test_salaries_needs_rows_and_one_currency():
    with pytest.raises(InvalidParameter):
        plot_salaries([])
    rows = SALARY_ROWS[:2] + [dict(SALARY_ROWS[2], currency="EUR")]
    with pytest.raises(InvalidParameter, match="currencies"):
        plot_salaries(rows)
    assert plot_salaries(rows, currency="EUR").get_xlabel() == "Annual salary (EUR)"


def test_gap_have_and_missing_by_importance():
    gap = {"target": "ML Engineer", "target_iri": "r2", "coverage": 0.25,
           "have": ["Python"],
           "missing": [{"skill": "Docker", "weight": 0.5, "essential": False, "credit": 0.0},
                       {"skill": "PyTorch", "weight": 1.0, "essential": True, "credit": 0.5}]}
    ax = plot_gap(gap, proj=tiny_projection_for_gap())
    assert ax.get_title() == "Skill gap for ML Engineer: 25% covered"
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["PyTorch *", "Docker", "Python *"][::-1] or labels == ["PyTorch *", "Docker", "Python *"]
    widths = sorted(round(p.get_width(), 2) for p in ax.patches)
    assert widths == [0.5, 1.0, 1.0]
    with pytest.raises(InvalidParameter):
        plot_gap({"coverage": 1})


def tiny_projection_for_gap():
    return tiny_projection()


# ----------------------------------------------------------------- save_figure


@pytest.mark.parametrize("ext", ["png", "svg", "pdf"])
def test_save_figure_formats(tmp_path, ext):
    ax = plot_overlap(["a", "b"], np.eye(2))
    out = save_figure(ax.figure, tmp_path / f"o.{ext.upper()}")
    check_image(out, ext)
    assert [p.name for p in tmp_path.iterdir()] == [f"o.{ext.upper()}"]  # no temp file left


def test_save_figure_errors_leave_nothing(tmp_path):
    fig, _ax = plt.subplots()
    with pytest.raises(InvalidParameter, match=r"'\.bmp'.*\.png, \.svg, \.pdf"):
        save_figure(fig, tmp_path / "x.bmp")
    with pytest.raises(InvalidParameter, match="does not exist"):
        save_figure(fig, tmp_path / "missing" / "x.png")
    assert list(tmp_path.iterdir()) == []


def test_save_figure_unwritable_folder(tmp_path, monkeypatch):
    import os

    import careergraph._io as io_

    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    if os.access(ro, os.W_OK):  # root writes anywhere: make the final rename fail instead
        def refuse(src, dst):
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(io_.os, "replace", refuse)
    try:
        fig, _ax = plt.subplots()
        with pytest.raises(InvalidParameter, match="Cannot write"):
            save_figure(fig, ro / "x.png")
    finally:
        ro.chmod(0o700)
    assert list(ro.iterdir()) == []  # no half-written or temporary file left


# ----------------------------------------------------------------- CLI on the seed graph

COMMANDS = {
    "career-map": ["career-map", "--path", "Junior ML Engineer", "Lead ML Engineer"],
    "overlap": ["overlap", "Data Scientist", "Machine Learning Engineer", "Machine Learning Scientist"],
    "skills": ["skills", "Data Scientist", "Machine Learning Engineer"],
    "salaries": ["salaries"],
    "gap": ["gap", "--have", "Python,SQL", "--have", "Statistics", "--target", "Machine Learning Engineer"],
}


@pytest.mark.parametrize(("name", "ext"), [(n, e) for n, e in zip(COMMANDS, ["png", "svg", "pdf", "png", "svg"])])
def test_plot_commands_write_images(run_cli, tmp_path, name, ext):
    out = tmp_path / f"{name}.{ext}"
    res = run_cli("plot", *COMMANDS[name], "--output", str(out))
    assert res.exit_code == 0, res.stderr
    assert f"wrote {out}" in res.stderr
    assert res.stdout == ""
    check_image(out, ext)


def test_plot_salaries_of_one_role(run_cli, tmp_path):
    out = tmp_path / "s.png"
    res = run_cli("plot", "salaries", "Machine Learning Scientist", "--output", str(out))
    assert res.exit_code == 0, res.stderr
    check_image(out, "png")


def test_plot_unknown_role_suggests(run_cli, tmp_path):
    out = tmp_path / "o.png"
    res = run_cli("plot", "skills", "Data Scientst", "--output", str(out))
    assert res.exit_code == 2
    assert "did you mean" in res.stderr and "Data Scientist" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert not out.exists()


@pytest.mark.parametrize("name", list(COMMANDS))
def test_plot_unknown_extension_exit_2_no_file(run_cli, tmp_path, name):
    res = run_cli("plot", *COMMANDS[name], "--output", str(tmp_path / "x.jpg"))
    assert res.exit_code == 2
    assert "'.jpg'" in res.stderr and ".png" in res.stderr
    assert list(tmp_path.iterdir()) == []


def test_plot_unwritable_output_exit_2(run_cli, tmp_path):
    res = run_cli("plot", "salaries", "--output", str(tmp_path / "nope" / "x.png"))
    assert res.exit_code == 2
    assert "does not exist" in res.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", [None, *COMMANDS])
def test_plot_help_ends_with_example(run_cli, name):
    args = ["plot"] + ([name] if name else []) + ["--help"]
    res = run_cli(*args)
    assert res.exit_code == 0
    tail = res.stdout.strip().splitlines()
    assert tail[-2].strip() == "Example:"
    assert tail[-1].strip().startswith("careergraph plot ")


def test_errors_are_careergraph_errors():
    assert issubclass(InvalidParameter, CareerGraphError)


def test_plot_to_standard_output(tmp_path):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "careergraph", "plot", "salaries", "--output", "-"],
                          capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(PNG) and not (tmp_path / "-").exists()
