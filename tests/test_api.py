"""The CareerGraph object mirrors the CLI on the seed graph."""

from __future__ import annotations

import re

import pytest

import careergraph
from careergraph import CareerGraph
from careergraph.errors import RoleNotFound, SkillNotFound


@pytest.fixture(scope="module")
def cg():
    return CareerGraph()


def test_export_and_repr(cg):
    assert careergraph.CareerGraph is CareerGraph
    assert re.match(r"CareerGraph\(the built-in graph: \d+ roles, \d+ skills\)", repr(cg))
    with pytest.raises(AttributeError):
        careergraph.NoSuchThing  # noqa: B018


def test_alternative_labels_work_in_every_method(cg):
    # the CLI accepted "ML Engineer" while the API raised RoleNotFound: one resolver now serves both
    ov = cg.overlap("ML Engineer", "Machine Learning Scientist")
    assert ov["a_iri"].endswith("/machine-learning-engineer") and 0 < ov["jaccard"] < 1
    assert cg.similar("ML Engineer", top=1)[0]["iri"] != ov["a_iri"]
    assert cg.gap("python", "ML Engineer")["target"] == "Machine Learning Engineer"
    assert cg.path("ML Analyst", "ML Engineer", lateral=True).roles[-1] == ov["a_iri"]


def test_path_matches_ladder(cg):
    route = cg.path("Junior ML Engineer", "Lead ML Engineer")
    assert route.labels == ["Junior ML Engineer", "Senior ML Engineer", "Lead ML Engineer"]
    assert route.cost == 2


def test_gap_accepts_a_comma_separated_string(cg):
    res = cg.gap("Python, SQL, statistics", "Machine Learning Scientist")
    assert 0 < res["coverage"] < 1
    assert {"Python", "SQL"} <= set(res["have"])
    with pytest.raises(SkillNotFound, match="did you mean"):
        cg.gap("Pythn", "Machine Learning Scientist")


def test_recommend_and_similar(cg):
    recs = cg.recommend(["PyTorch", "TensorFlow", "Python"], top=3)
    assert len(recs) == 3 and recs[0]["score"] >= recs[-1]["score"]
    sims = cg.similar("Machine Learning Scientist", top=3)
    assert all(s["role"] != "Machine Learning Scientist" for s in sims)


def test_unknown_role(cg):
    with pytest.raises(RoleNotFound, match="did you mean"):
        cg.overlap("Data Scientst", "Machine Learning Engineer")


def test_query_by_keyword(cg):
    rows = cg.query("salaries-of-role", role="Machine Learning Scientist").rows
    assert any(r["amount"] == 142418 for r in rows)
