"""Projection of RDF into networkx and scipy, through the named project-*.rq queries."""

from __future__ import annotations

import numpy as np
import pytest

import careergraph.projection
from careergraph.errors import OutputError, RoleNotFound, SkillNotFound
from careergraph.examples import graph_from_turtle, toy_graph
from careergraph.projection import KINDS, build, forget, project
from careergraph.queries import load_query
from careergraph.resolve import Resolver
from careergraph.similarity import similar
from careergraph.store import SEED_GRAPH, SourceRecord, drop_source, open_graph, replace_source

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
    assert [e["label"] for e in toy.education[CGR + "junior"]] == ["Bachelor's degree"]
    assert toy.education[CGR + "junior"][0]["fields"] == ["Computer Science"]
    s = toy.salaries[CGR + "junior"][0]
    assert (s["source_label"], s["statistic"], s["amount"]) == ("Acme Salaries", "median", 100000.0)


def test_memo_per_graph_object_and_data_version(tmp_path):
    g = toy_graph()
    p = project(g)
    assert project(g) is p and build(g) is not p
    assert project(toy_graph()) is not p
    nt = tmp_path / "src.nt"
    nt.write_text(f"<{CGR}imported> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
                  "<https://w3id.org/careergraph/ontology#Role> .\n")
    replace_source(g, nt, _record())
    q = project(g)
    assert q is not p and CGR + "imported" in q.role_index and CGR + "imported" not in p.role_index


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


def test_algorithms_take_iris(toy):
    with pytest.raises(RoleNotFound, match="no role has that IRI"):
        toy.row("Lead Engineer")
    with pytest.raises(SkillNotFound, match="no skill has that IRI"):
        toy.column("Python")
    assert toy.row(CGR + "lead") == toy.role_index[CGR + "lead"]


def test_rank_skills_essential_first_then_weight(toy):
    cols = toy.skill_set(CGR + "senior")
    ranked = [toy.skill_labels[toy.skills[j]] for j in toy.rank_skills(cols, CGR + "senior")]
    assert ranked == ["Python", "SQL", "PyTorch", "Git"]


def test_derived_data_is_computed_once(toy):
    calls = []

    def count(p, k):
        calls.append(k)
        return k * 2

    assert toy.derived(count, 2) == 4 == toy.derived(count, 2)
    assert toy.derived(count, 3) == 6 and calls == [2, 3]


def test_label_index_in_the_projection(toy):
    roles = toy.names.kind("role")
    assert roles.lookup("LEAD engineer") == [(CGR + "lead", True)]
    assert roles.label(CGR + "lead") == "Lead Engineer"
    assert "seed" in roles.datasets(CGR + "lead")


def test_seed_projection(seed_graph):
    p = project(seed_graph)
    labels = set(p.role_labels.values())
    assert {"Junior ML Engineer", "Senior ML Engineer", "Lead ML Engineer", "Research Director"} <= labels
    assert p.role_skill.nnz > 0 and p.transitions.number_of_edges() > 0
    assert np.all(p.role_skill.data > 0)


# -- requiresSkill-only links, importance, features, names -------------------------------------------

def test_requires_skill_only_links_and_importance():
    g = graph_from_turtle("""
    cgr:a a cg:Role ; rdfs:label "A" ; cg:requiresSkill cgs:x , cgs:y ; cg:optionalSkill cgs:y .
    cgr:req a cg:SkillRequirement ; cg:requirementOf cgr:a ; cg:requiredSkill cgs:x ; cg:importance 0.7 .
    cgr:stray a cg:SkillRequirement ; cg:requirementOf cgr:a ; cg:requiredSkill cgs:z ; cg:importance 0.9 .
    """)
    p = build(g)
    # x: only requiresSkill (essential) with its importance; y: optional, not doubled; z: no link, no column weight
    assert p.skills_of(CGR + "a") == {CGS + "x": 0.7, CGS + "y": 0.5}
    assert p.essential.nnz == 1 and p.essential[0, p.skill_index[CGS + "x"]]


ONET_LIKE = """
cgr:a a cg:Role ; rdfs:label "Data Scientist" ; cg:onetCode "15-2051.00" ; cg:essentialSkill cgs:x ;
    dcterms:description "Develop statistical models for data." ; skos:broader onet:soc-15-2000 .
cgr:b a cg:Role ; rdfs:label "Statistician" ; cg:onetCode "15-2041.00" ; cg:essentialSkill cgs:y ;
    dcterms:description "Apply statistical models to data." ; skos:broader onet:soc-15-2000 .
cgr:c a cg:Role ; rdfs:label "Roofer" ; cg:onetCode "47-2181.00" ; cg:essentialSkill cgs:z ;
    dcterms:description "Cover roofs of structures with shingles." ; skos:broader onet:soc-47-2000 .
"""


def test_features_built_with_the_projection_and_used_by_similar():
    p = project(graph_from_turtle(ONET_LIKE))
    assert {"hierarchy", "text"} <= set(p.features)
    res = similar(p, CGR + "a", top=2)
    # no shared skill: only the feature blocks can rank the statistician first
    assert res[0]["iri"] == CGR + "b" and res[0]["score"] > 0


# -- the on-disk projection cache --------------------------------------------------------------------

TINY = """
<https://w3id.org/careergraph/id/role/tiny-a> a <https://w3id.org/careergraph/ontology#Role> ;
    <http://www.w3.org/2000/01/rdf-schema#label> "Tiny A" ;
    <https://w3id.org/careergraph/ontology#requiresSkill> <https://w3id.org/careergraph/id/skill/tiny-x> .
<https://w3id.org/careergraph/id/skill/tiny-x> a <https://w3id.org/careergraph/ontology#Skill> ;
    <http://www.w3.org/2000/01/rdf-schema#label> "Tiny X" .
"""


def _record() -> SourceRecord:
    return SourceRecord(key="test", graph="https://w3id.org/careergraph/graph/test",
                        dataset="https://w3id.org/careergraph/id/dataset/test", version="1",
                        imported="2024-01-01T00:00:00Z", triples=1)


@pytest.fixture
def disk_graph(tmp_path):
    folder = tmp_path / "store"
    g = open_graph(folder, create=True)
    g.update(f"INSERT DATA {{ GRAPH <{SEED_GRAPH}> {{ {TINY} }} }}")
    yield g, folder
    forget()
    g.close()


def _no_build(monkeypatch):
    def fail(graph, **kw):
        raise AssertionError("rebuilt instead of loading the cache")
    monkeypatch.setattr(careergraph.projection, "build", fail)


def _cache_files(folder):
    return sorted((folder / "careergraph-cache").glob("projection-*.pickle"))


def _same(p, q):
    assert p.roles == q.roles and p.skills == q.skills and p.role_labels == q.role_labels
    assert (p.role_skill != q.role_skill).nnz == 0 and (p.essential != q.essential).nnz == 0
    assert sorted(p.transitions.edges(data=True)) == sorted(q.transitions.edges(data=True))
    assert sorted(p.features) == sorted(q.features) and p.names == q.names
    assert p.education == q.education and p.salaries == q.salaries


def test_disk_cache_round_trip(disk_graph, monkeypatch):
    g, folder = disk_graph
    p = project(g)
    assert CGR + "tiny-a" in p.role_index and p.skills_of(CGR + "tiny-a") == {"Tiny X": 1.0}
    assert len(_cache_files(folder)) == 1
    forget()
    _no_build(monkeypatch)
    q = project(g)
    assert q is not p
    _same(p, q)
    assert Resolver(g, q).resolve("tiny a") == CGR + "tiny-a"


def test_disk_cache_invalidated_by_an_import_record(disk_graph, tmp_path):
    g, folder = disk_graph
    p0 = project(g)
    old = _cache_files(folder)
    nt = tmp_path / "src.nt"
    nt.write_text(f"<{CGR}imported> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
                  "<https://w3id.org/careergraph/ontology#Role> .\n")
    replace_source(g, nt, _record())
    forget()
    p = project(g)
    assert p.version != p0.version and CGR + "imported" in p.role_index
    assert _cache_files(folder) != old and len(_cache_files(folder)) == 1   # the stale file is gone
    drop_source(g, "test")
    forget()
    again = project(g)
    assert again.version == p0.version and CGR + "imported" not in again.role_index


def test_corrupt_cache_is_rebuilt(disk_graph):
    g, folder = disk_graph
    p = project(g)
    (path,) = _cache_files(folder)
    path.write_bytes(b"not a pickle")
    forget()
    q = project(g)
    _same(p, q)
    assert path.read_bytes() != b"not a pickle"   # rewritten
    path.write_bytes(path.read_bytes()[:100])      # truncated
    forget()
    _same(p, project(g))


def test_unwritable_cache_folder_does_not_crash(disk_graph, monkeypatch):
    g, folder = disk_graph

    def refuse(*a, **k):
        raise OutputError("Cannot write: Permission denied")
    monkeypatch.setattr(careergraph.projection.cache, "atomic_write", refuse)
    p = project(g)
    assert CGR + "tiny-a" in p.role_index and _cache_files(folder) == []


def test_no_disk_cache_for_an_in_memory_graph(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    g = toy_graph()
    assert g.cache_dir is None
    project(g)
    assert not any(tmp_path.iterdir())


def test_progress_is_reported_for_stores_only(disk_graph):
    g, _folder = disk_graph
    said = []
    forget()
    for f in _cache_files(_folder):
        f.unlink()
    project(g, progress=said.append)
    assert said[0].startswith("building the projection of") and any("project-roles" in m for m in said)
    quiet = []
    project(toy_graph(), progress=quiet.append)
    assert quiet == []
