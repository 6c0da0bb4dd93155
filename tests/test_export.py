"""Export: GraphML/GEXF/JSON of the projection and Turtle/N-Triples of the store parse back whole."""

from __future__ import annotations

import json

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib

from careergraph.errors import InvalidParameter, OutputError
from careergraph.export import FORMATS, export, to_networkx
from careergraph.projection import project
from careergraph.queries import run_query

ALLOWED = (str, int, float, bool)


@pytest.fixture(scope="module")
def proj(seed_graph):
    return project(seed_graph)


@pytest.fixture(scope="module")
def n_triples(seed_graph) -> int:
    q = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
    return run_query(seed_graph, q).rows[0]["n"]


def expected_counts(proj):
    n_nodes = len(set(proj.roles) | set(proj.skills))
    n_edges = proj.transitions.number_of_edges() + proj.role_skill.nnz
    return n_nodes, n_edges


def test_to_networkx_has_roles_skills_and_clean_attributes(proj):
    g = to_networkx(proj)
    assert (g.number_of_nodes(), g.number_of_edges()) == expected_counts(proj)
    kinds = {d["kind"] for _u, _v, d in g.edges(data=True)}
    assert {"promotion", "entry", "requires"} <= kinds
    for _n, d in g.nodes(data=True):
        assert d["type"] in ("role", "skill")
        assert all(isinstance(v, ALLOWED) for v in d.values())
    for _u, _v, d in g.edges(data=True):
        assert all(isinstance(v, ALLOWED) for v in d.values())
    levels = {d["level"] for _u, _v, d in g.edges(data=True) if d["kind"] == "requires"}
    assert levels == {"essential", "optional"}


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json"])
def test_network_formats_parse_back(seed_graph, proj, tmp_path, fmt):
    out = export(seed_graph, fmt, tmp_path / f"g{FORMATS[fmt]}")
    if fmt == "graphml":
        g = nx.read_graphml(out)
    elif fmt == "gexf":
        g = nx.read_gexf(out)
    else:
        g = nx.node_link_graph(json.loads(out.read_text(encoding="utf-8")), edges="links")
    assert (g.number_of_nodes(), g.number_of_edges()) == expected_counts(proj)
    role = "https://w3id.org/careergraph/id/role/junior-ml-engineer"
    assert g.nodes[role]["type"] == "role"
    assert g.nodes[role]["label"] == "Junior ML Engineer"
    assert list(tmp_path.iterdir()) == [out]


@pytest.mark.parametrize(("fmt", "ox_format", "rdflib_format"), [
    ("turtle", ox.RdfFormat.TURTLE, "turtle"),
    ("nt", ox.RdfFormat.N_TRIPLES, "nt"),
])
def test_rdf_formats_parse_back_with_every_triple(seed_graph, n_triples, tmp_path, fmt, ox_format, rdflib_format):
    out = export(seed_graph, fmt, tmp_path / f"g{FORMATS[fmt]}")
    store = ox.Store()
    store.load(path=str(out), format=ox_format)
    assert len(store) == n_triples
    assert len(rdflib.Graph().parse(out, format=rdflib_format)) == n_triples


def test_unknown_format_and_bad_folder(seed_graph, tmp_path):
    with pytest.raises(InvalidParameter, match="graphml, gexf, json, turtle, nt"):
        export(seed_graph, "csv", tmp_path / "x.csv")
    with pytest.raises(InvalidParameter, match="does not exist"):
        export(seed_graph, "nt", tmp_path / "no" / "x.nt")
    with pytest.raises(OutputError, match=r"ends in \.png, which is not a graphml file"):
        export(seed_graph, "graphml", tmp_path / "g.png")
    with pytest.raises(OutputError, match=r"ends in \.ttl \(turtle\) but --format is nt"):
        export(seed_graph, "nt", tmp_path / "g.ttl")
    assert list(tmp_path.iterdir()) == []


def test_export_to_stdout_and_through_a_symlink(seed_graph, tmp_path, n_triples, capfdbinary):
    assert export(seed_graph, "nt", "-") is None
    out = capfdbinary.readouterr().out
    assert len(rdflib.Graph().parse(data=out.decode("utf-8"), format="nt")) == n_triples
    target = tmp_path / "real.nt"
    target.write_text("old")
    link = tmp_path / "link.nt"
    link.symlink_to(target)
    export(seed_graph, "nt", link)
    assert link.is_symlink() and len(rdflib.Graph().parse(target, format="nt")) == n_triples


def test_cli_export(run_cli, tmp_path, n_triples):
    out = tmp_path / "g.nt"
    res = run_cli("export", "--format", "nt", "--output", str(out))
    assert res.exit_code == 0, res.stderr
    assert f"wrote {out}" in res.stderr
    assert len(rdflib.Graph().parse(out, format="nt")) == n_triples


def test_cli_export_errors_exit_2(run_cli, tmp_path):
    res = run_cli("export", "--format", "xml", "--output", str(tmp_path / "g.xml"))
    assert res.exit_code == 2
    res = run_cli("export", "--format", "graphml", "--output", str(tmp_path / "g.png"))
    assert res.exit_code == 2 and "not a graphml file" in res.stderr
    res = run_cli("export", "--format", "nt", "--output", str(tmp_path / "missing" / "g.nt"))
    assert res.exit_code == 2
    assert "does not exist" in res.stderr
    assert list(tmp_path.iterdir()) == []
    help_text = run_cli("export", "--help").stdout.strip().splitlines()
    assert help_text[-2].strip() == "Example:"
