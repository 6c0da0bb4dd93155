"""Gaps and recommendations from a skill set, on IRIs."""

from __future__ import annotations

import pytest

from careergraph.errors import InvalidParameter, SkillNotFound
from careergraph.examples import graph_from_turtle, toy_graph
from careergraph.projection import project
from careergraph.recommend import gap, recommend
from careergraph.vocab import CGR, CGS


@pytest.fixture(scope="module")
def toy():
    return project(toy_graph())


def test_gap_partial_credit_and_order(toy):
    g = gap(toy, [CGS.python, CGS["deep-learning"]], CGR.senior)
    assert g["have"] == ["Python"]
    assert [m["skill"] for m in g["missing"]] == ["SQL", "PyTorch", "Git"]
    pt = g["missing"][1]
    assert pt["credit"] == 0.5 and pt["related_held"] == ["Deep Learning"]
    assert g["coverage"] == pytest.approx((1 + 0.5 * 0.9) / 3.1)
    # a held child counts half for its parent as well
    assert gap(toy, [CGS.sql], CGR.junior)["coverage"] == pytest.approx(1 / 2.5)
    full = gap(toy, [CGS.python, CGS.sql, CGS.git], CGR.junior)
    assert full["coverage"] == 1.0 and full["missing"] == []


def test_gap_takes_iris(toy):
    with pytest.raises(SkillNotFound, match="no skill has that IRI"):
        gap(toy, ["Python"], CGR.senior)


TECH = """
cgr:a a cg:Role ; rdfs:label "A" ; cg:essentialSkill cgs:x , cgs:excel ; cg:optionalSkill cgs:y .
cgs:x a cg:Skill ; rdfs:label "Xylophone" .
cgs:y a cg:Skill ; rdfs:label "Yodel" .
cgs:excel a cg:Skill ; rdfs:label "Microsoft Excel" ; cg:skillKind cg:Technology .
cgr:q1 a cg:SkillRequirement ; cg:requirementOf cgr:a ; cg:requiredSkill cgs:x ; cg:importance 0.4 .
cgr:q2 a cg:SkillRequirement ; cg:requirementOf cgr:a ; cg:requiredSkill cgs:y ; cg:importance 0.9 .
"""


def test_missing_is_ranked_and_technology_kept_apart():
    p = project(graph_from_turtle(TECH))
    g = gap(p, [CGS.y], CGR.a)
    assert [m["skill"] for m in g["missing"]] == ["Xylophone"]
    assert [m["skill"] for m in g["missing_technology"]] == ["Microsoft Excel"]
    none = gap(p, [CGS.excel], CGR.a)
    # essential first (x), then the optional one even though its importance is higher
    assert [m["skill"] for m in none["missing"]] == ["Xylophone", "Yodel"]
    r = recommend(p, [CGS.y], top=1)
    assert r[0]["missing"] == ["Xylophone"] and r[0]["missing_technology"] == ["Microsoft Excel"]


def test_recommend(toy):
    r = recommend(toy, [CGS.sql, CGS.statistics], top=2)
    assert r[0]["role"] == "Data Analyst" and r[0]["missing"] == ["Python"]
    assert r[0]["score"] >= r[1]["score"] and 0 <= r[0]["coverage"] <= 1
    with pytest.raises(InvalidParameter):
        recommend(toy, [], top=2)
    with pytest.raises(InvalidParameter):
        recommend(toy, [CGS.sql], top=0)
