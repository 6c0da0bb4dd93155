"""Feature blocks of the similarity model, on tiny inline O*NET-like graphs."""

from __future__ import annotations

import numpy as np
import pytest
from careergraph.examples import graph_from_turtle, toy_graph
from careergraph.projection import build
from careergraph.projection.features import (
    BLOCKS,
    feature_blocks,
    hierarchy_block,
    idf_weights,
    skill_blocks,
    stem,
    technology_block,
    text_block,
    tokenize,
)
from careergraph.queries import load_query

OCC = "https://w3id.org/careergraph/id/onet/occupation/"

# Three O*NET-like occupations (as the O*NET importer writes them) and one curated role.
ONET_TTL = """
@prefix occ: <https://w3id.org/careergraph/id/onet/occupation/> .
@prefix soc: <https://w3id.org/careergraph/id/onet/soc/> .
@prefix tech: <https://w3id.org/careergraph/id/onet/technology/> .
occ:15-2051.00 a cg:Role ; rdfs:label "Data Scientists" ; cg:onetCode "15-2051.00" ;
    dcterms:description "Develop and implement methods to analyze data with statistical models." ;
    skos:broader soc:15-2050 ; cg:essentialSkill cgs:math ; cg:optionalSkill tech:python , tech:excel .
occ:15-2041.00 a cg:Role ; rdfs:label "Statisticians" ; cg:onetCode "15-2041.00" ;
    dcterms:description "Apply statistical methods to data; develop statistical models." ;
    skos:broader soc:15-2040 ; cg:essentialSkill cgs:math ; cg:optionalSkill tech:python , tech:excel .
occ:47-2031.00 a cg:Role ; rdfs:label "Carpenters" ; cg:onetCode "47-2031.00" ;
    dcterms:description "Construct and repair building frameworks." ;
    skos:broader soc:47-2030 ; cg:optionalSkill tech:excel .
soc:15-2050 skos:broader soc:15-2000 . soc:15-2040 skos:broader soc:15-2000 .
soc:15-2000 skos:broader soc:15-0000 . soc:47-2030 skos:broader soc:47-2000 . soc:47-2000 skos:broader soc:47-0000 .
tech:python a cg:Skill ; rdfs:label "Python" ; cg:skillKind cg:Technology ; cg:hotTechnology true .
tech:excel a cg:Skill ; rdfs:label "Microsoft Excel" ; cg:skillKind cg:Technology .
cgs:math a cg:Skill ; rdfs:label "Mathematics" .
cgr:curated a cg:Role ; rdfs:label "Curated Role" ;
    dcterms:description "First rung of a career ladder." ; cg:broaderRole cgr:other .
cgr:other a cg:Role ; rdfs:label "Other Role" ; dcterms:description "Second rung of a career ladder." .
"""


@pytest.fixture(scope="module")
def onet_like():
    g = graph_from_turtle(ONET_TTL)
    return g, build(g)


def test_queries_have_projection_headers():
    for name in BLOCKS.values():
        q = load_query(name)
        assert "projection" in q.tags and q.summary and q.description
        assert q.parameters == ()


def test_blocks_on_onet_like_graph(onet_like):
    _, p = onet_like
    assert sorted(p.features) == ["hierarchy", "technology", "text"]
    for m in p.features.values():
        assert m.shape[0] == len(p.roles)
    ds, st, ca = (p.role_index[OCC + c] for c in ("15-2051.00", "15-2041.00", "47-2031.00"))
    for name in ("hierarchy", "technology", "text"):
        x = p.features[name].toarray()
        cos = x @ x.T / np.outer(np.linalg.norm(x, axis=1), np.linalg.norm(x, axis=1)).clip(1e-12)
        assert cos[ds, st] > cos[ds, ca], name


def test_hierarchy_is_every_ancestor(onet_like):
    _, p = onet_like
    h = p.features["hierarchy"]
    ds = p.role_index[OCC + "15-2051.00"]
    assert h[ds].nnz == 3  # broad, minor and major group


def test_technology_idf_down_weights_ubiquitous_tools(onet_like):
    _, p = onet_like
    t = p.features["technology"]
    ca, ds = p.role_index[OCC + "47-2031.00"], p.role_index[OCC + "15-2051.00"]
    excel_weight = t[ca].data[0]
    assert excel_weight == pytest.approx(1.0)           # used by all 3 -> idf 1
    assert t[ds].max() == pytest.approx(np.log(4 / 3) + 1)  # python, used by 2 of 3


def test_curated_roles_get_no_text_or_hierarchy(onet_like):
    _, p = onet_like
    for name in ("hierarchy", "text"):
        assert p.features[name][p.role_index["https://w3id.org/careergraph/id/role/curated"]].nnz == 0


def test_crosswalk_places_an_onet_occupation_in_the_groups_of_the_esco_occupations_mapped_onto_it():
    esco = "http://data.europa.eu/esco/"
    g = graph_from_turtle(ONET_TTL + f"""
    <{esco}occupation/ds> a cg:Role ; rdfs:label "data scientist" ; cg:escoCode "2511.4" ;
        skos:broader <{esco}isco/C2511> ; skos:closeMatch occ:15-2051.00 .
    <{esco}occupation/st> a cg:Role ; rdfs:label "statistician" ; cg:escoCode "2120.1" ;
        skos:broader <{esco}isco/C2120> ; skos:closeMatch occ:15-2041.00 .
    <{esco}occupation/unmapped> a cg:Role ; rdfs:label "carpenter" ; cg:escoCode "7115.1" ;
        skos:broader <{esco}isco/C7115> .
    <{esco}isco/C2511> skos:broader <{esco}isco/C25> . <{esco}isco/C2120> skos:broader <{esco}isco/C21> .
    <{esco}isco/C25> skos:broader <{esco}isco/C2> . <{esco}isco/C21> skos:broader <{esco}isco/C2> .
    """)
    p = build(g)
    x = p.features["crosswalk"]
    ds, st, ca = (p.role_index[OCC + c] for c in ("15-2051.00", "15-2041.00", "47-2031.00"))
    cols = {c: j for j, c in enumerate(sorted(f"{esco}isco/{k}" for k in ("C2", "C21", "C2120", "C25", "C2511")))}
    assert x.shape[1] == len(cols) and x[ds].nnz == 3 and x[ds, cols[f"{esco}isco/C2"]] == 1.0
    assert x[ds].multiply(x[st]).sum() == 1.0  # the two share ISCO major group 2 only
    assert x[ca].nnz == 0  # nothing is mapped onto the carpenters
    for role in ("ds", "st", "unmapped"):  # ESCO occupations stay described by ESCO alone
        assert x[p.role_index[f"{esco}occupation/{role}"]].nnz == 0


def test_no_blocks_on_graphs_without_features(seed_graph):
    # only technology: Cloud Computing (cg:Technology) is named for two seed roles since issue 12
    p = build(seed_graph)
    assert set(p.features) == {"technology"} and p.features["technology"].shape[1] == 1
    assert build(toy_graph()).features == {}


def test_a_block_needs_two_roles():
    idx = {"a": 0, "b": 1}
    assert feature_blocks({"hierarchy": [{"role": "a", "group": "g"}]}, idx) == {}
    both = [{"role": "a", "group": "g"}, {"role": "b", "group": "g"}]
    assert sorted(feature_blocks({"hierarchy": both}, idx)) == ["hierarchy"]


def test_block_builders_directly():
    idx = {"a": 0, "b": 1, "c": 2}
    h = hierarchy_block([{"role": "a", "group": "g"}, {"role": "zz", "group": "g"}], idx)
    assert h.shape == (3, 1) and h.nnz == 1
    t = technology_block([{"role": "a", "technology": "x", "hot": True}], idx, hot_weight=2.0)
    assert t.toarray()[0, 0] == pytest.approx(2.0)
    x = text_block([{"role": "a", "label": "Nurses", "description": None}], idx, title_weight=2)
    assert x.shape == (3, 1) and x.toarray()[0, 0] == pytest.approx(1 + np.log(2))
    assert idf_weights(np.zeros((2, 0))).shape == (0,)


def test_tokenizer_and_stemmer():
    assert tokenize("The Engineers and engineering of an engineer") == ["engine"] * 3
    assert stem("data") == "data" and stem("sets") == "sets"


def test_skill_blocks_split_levels_and_keep_technology_apart():
    import scipy.sparse as sp

    w = sp.csr_matrix(np.array([[1.0, 0.5, 1.0, 0.0], [0.8, 0.0, 0.0, 0.5]]))
    e = sp.csr_matrix(np.array([[True, False, True, False], [True, False, False, False]]))
    b = skill_blocks(w, e, np.array([False, False, True, False]))
    assert b["skills"].toarray().tolist() == [[1.0, 0.5, 0.0, 0.0], [0.8, 0.0, 0.0, 0.5]]
    assert b["essential"].toarray().tolist() == [[1.0, 0.0, 1.0, 0.0], [1.0, 0.0, 0.0, 0.0]]
    assert b["optional"].toarray().tolist() == [[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0]]
    # coverage: held (0/1, no technology) @ coverage.T = share of the destination's essential skills held
    held = (b["skills"] > 0).astype(float)
    assert (held @ b["coverage"].T).toarray().tolist() == [[1.0, 1.0], [1.0, 1.0]]
    assert b["coverage"].toarray().tolist() == [[1.0, 0.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0]]


def test_text_counts_the_title_once():
    rows = [{"role": "a", "label": "Statistician", "description": "Apply statistics."}]
    once = text_block(rows, {"a": 0})
    twice = text_block(rows, {"a": 0}, title_weight=2)
    assert once.nnz == twice.nnz and not np.allclose(once.toarray(), twice.toarray())
