"""Projection of RDF into networkx and scipy, through the named project-*.rq queries."""

from __future__ import annotations

import numpy as np
import pytest

from careergraph.examples import graph_from_turtle, toy_graph
from careergraph.project import KINDS, project
from careergraph.queries import load_query

CGR = "https://w3id.org/careergraph/id/role/"
CGS = "https://w3id.org/careergraph/id/skill/"
ESCO_SENIOR = "http://data.europa.eu/esco/occupation/senior"


@pytest.fixture(scope="module")
def toy():
    return project(toy_graph())


@pytest.mark.parametrize("name", ["project-roles", "project-transitions", "project-role-skills", "project-skills",
                                  "project-skill-broader", "project-education", "project-salaries"])
def test_projection_queries_have_headers(name):
    q = load_query(name)
    assert q.summary and q.description and "projection" in q.tags and q.parameters == ()
    assert "PREFIX cg:" in q.text


def test_shapes_and_indexes(toy):
    assert toy.role_skill.shape == (len(toy.roles), len(toy.skills)) == toy.essential.shape
    assert toy.skill_broader.shape == (len(toy.skills),) * 2
    assert all(toy.role_index[r] == i for i, r in enumerate(toy.roles))
    assert all(isinstance(r, str) for r in toy.roles) and toy.features == {}
    assert set(toy.transitions.nodes) == set(toy.roles)


def test_weights_importance_else_essential_optional(toy):
    assert toy.skills_of(CGR + "senior") == {"Git": 0.2, "PyTorch": 0.9, "Python": 1.0, "SQL": 1.0}
    assert toy.skills_of(CGR + "junior") == {"Git": 0.5, "Python": 1.0, "SQL": 1.0}
    i, j = toy.role_index[CGR + "junior"], toy.skill_index[CGS + "git"]
    assert not toy.essential[i, j] and toy.essential[i, toy.skill_index[CGS + "python"]]


def test_broader_and_kinds(toy):
    b = toy.skill_broader
    assert b[toy.skill_index[CGS + "pytorch"], toy.skill_index[CGS + "deep-learning"]]
    assert b.nnz == 3
    assert toy.skill_kinds[CGS + "python"].endswith("#ProgrammingLanguage")


def test_transitions(toy):
    t = toy.transitions
    e = t.edges[CGR + "junior", CGR + "senior"]
    assert (e["kind"], e["years"]) == ("promotion", 2.5) and e["source"].endswith("career-paths")
    assert t.edges[CGR + "senior", CGR + "lead"]["years"] is None
    assert t.edges[CGR + "analyst", CGR + "junior"]["kind"] == "entry"
    assert t.edges[ESCO_SENIOR, CGR + "senior"]["kind"] == "same-as" == t.edges[CGR + "senior", ESCO_SENIOR]["kind"]
    assert {d["kind"] for *_, d in t.edges(data=True)} <= set(KINDS)
    assert t.nodes[CGR + "lead"] == {"label": "Lead Engineer", "track": "https://w3id.org/careergraph/id/track/eng",
                                     "level": 3, "dataset": "seed"}


def test_education_and_salaries(toy):
    assert [e["label"] for e in toy.education()[CGR + "junior"]] == ["Bachelor's degree"]
    assert toy.education()[CGR + "junior"][0]["fields"] == ["Computer Science"]
    s = toy.salaries()[CGR + "junior"][0]
    assert (s["source_label"], s["statistic"], s["amount"]) == ("Acme Salaries", "median", 100000.0)


def test_cache_per_graph_object():
    g = toy_graph()
    assert project(g) is project(g)
    assert project(g, cache=False) is not project(g)
    assert project(toy_graph()) is not project(g)


def test_skill_without_type_and_duplicate_links():
    g = graph_from_turtle("""
    cgr:a a cg:Role ; rdfs:label "A" ; cg:essentialSkill cgs:x ; cg:optionalSkill cgs:x ; cg:requiresSkill cgs:y .
    """)
    p = project(g)
    assert p.skills_of(p.roles[0]) == {"https://w3id.org/careergraph/id/skill/x": 1.0,
                                        "https://w3id.org/careergraph/id/skill/y": 1.0}
    assert p.essential.nnz == 2


def test_empty_graph():
    p = project(graph_from_turtle(""))
    assert p.roles == [] and p.role_skill.shape == (0, 0)


def test_find_role_suggests(toy):
    from careergraph.errors import RoleNotFound

    with pytest.raises(RoleNotFound, match="Lead Engineer"):
        toy.find_role("lead enginer")


def test_seed_projection(seed_graph):
    p = project(seed_graph)
    labels = set(p.role_labels.values())
    assert {"Junior ML Engineer", "Senior ML Engineer", "Lead ML Engineer", "Research Director"} <= labels
    assert p.role_skill.nnz > 0 and p.transitions.number_of_edges() > 0
    assert np.all(p.role_skill.data > 0)
