"""Skill overlap, all-pairs Jaccard, gap analysis and recommendations."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings, strategies as st

from _analysis_helpers import make_projection
from careergraph.errors import InvalidParameter, RoleNotFound, SkillNotFound
from careergraph.examples import toy_graph
from careergraph.overlap import gap, jaccard_matrix, matrix, overlap, recommend, similar
from careergraph.project import project


@pytest.fixture(scope="module")
def toy():
    return project(toy_graph())


def test_overlap_known(toy):
    r = overlap(toy, "Junior Engineer", "Senior Engineer")
    assert r["shared"] == ["Git", "Python", "SQL"] and r["only_a"] == [] and r["only_b"] == ["PyTorch"]
    assert r["jaccard"] == pytest.approx(3 / 4)
    # weights junior: py 1, sql 1, git .5 ; senior: py 1, sql 1, pytorch .9, git .2
    assert r["weighted"] == pytest.approx((1 + 1 + 0.2) / (1 + 1 + 0.5 + 0.9))


def test_overlap_unknown_role(toy):
    with pytest.raises(RoleNotFound, match="did you mean"):
        overlap(toy, "Junior Enginer", "Lead Engineer")


set_lists = st.lists(st.sets(st.integers(0, 7), max_size=6), min_size=1, max_size=8)


@settings(max_examples=60, deadline=None)
@given(set_lists)
def test_jaccard_properties(sets):
    p = make_projection(len(sets), sets, [])
    labels, m = matrix(p)
    assert labels == [r.upper() for r in p.roles]
    assert np.allclose(m, m.T) and (m >= 0).all() and (m <= 1).all()
    for i, a in enumerate(sets):
        for j, b in enumerate(sets):
            want = len(a & b) / len(a | b) if a | b else 0.0
            assert m[i, j] == pytest.approx(want)
        if a:
            assert m[i, i] == 1.0
            assert overlap(p, p.roles[i], p.roles[i])["jaccard"] == 1.0


@settings(max_examples=40, deadline=None)
@given(set_lists, st.data())
def test_pairwise_agrees_with_matrix(sets, data):
    p = make_projection(len(sets), sets, [])
    i = data.draw(st.integers(0, len(sets) - 1))
    j = data.draw(st.integers(0, len(sets) - 1))
    r = overlap(p, p.roles[i], p.roles[j])
    assert r["jaccard"] == pytest.approx(matrix(p)[1][i, j])
    assert r["jaccard"] == pytest.approx(overlap(p, p.roles[j], p.roles[i])["jaccard"])
    assert 0 <= r["weighted"] <= 1


def test_jaccard_matrix_subsets():
    b = sp.csr_matrix(np.array([[1, 0, 1], [1, 1, 0], [0, 0, 0]]))
    assert jaccard_matrix(b, [0], [1, 2]).tolist() == [[pytest.approx(1 / 3), 0.0]]


def test_similar(toy):
    res = similar(toy, "Lead Engineer", top=2)
    assert res[0]["role"] == "Solutions Architect" and res[0]["shared"] == 2
    assert all(r["role"] != "Lead Engineer" for r in res)
    assert res[0]["score"] >= res[1]["score"]


def test_gap_partial_credit_and_order(toy):
    g = gap(toy, ["Python", "Deep Learning"], "Senior Engineer")
    assert g["have"] == ["Python"]
    assert [m["skill"] for m in g["missing"]] == ["SQL", "PyTorch", "Git"]
    pt = g["missing"][1]
    assert pt["credit"] == 0.5 and pt["related_held"] == ["Deep Learning"]
    assert g["coverage"] == pytest.approx((1 + 0.5 * 0.9) / 3.1)
    # a held child counts half for its parent as well
    assert gap(toy, ["SQL"], "Junior Engineer")["coverage"] == pytest.approx(1 / 2.5)
    full = gap(toy, ["Python", "SQL", "Git"], "Junior Engineer")
    assert full["coverage"] == 1.0 and full["missing"] == []


def test_gap_unknown_skill(toy):
    with pytest.raises(SkillNotFound):
        gap(toy, ["Pyton"], "Senior Engineer")


def test_recommend(toy):
    r = recommend(toy, ["SQL", "Statistics"], top=2)
    assert r[0]["role"] == "Data Analyst" and r[0]["missing"] == ["Python"]
    assert r[0]["score"] >= r[1]["score"] and 0 <= r[0]["coverage"] <= 1
    with pytest.raises(InvalidParameter):
        recommend(toy, [], top=2)
    with pytest.raises(InvalidParameter):
        recommend(toy, ["SQL"], top=0)


def test_seed_overlap(seed_graph):
    p = project(seed_graph)
    r = overlap(p, "Data Scientist", "Machine Learning Engineer")
    assert 0 < r["jaccard"] < 1 and "Python" in r["shared"]
