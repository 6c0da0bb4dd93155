"""Skill overlap of two roles and all-pairs Jaccard, on role IRIs."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings, strategies as st

from _analysis_helpers import make_projection
from careergraph.errors import RoleNotFound
from careergraph.examples import toy_graph
from careergraph.overlap import jaccard_matrix, matrix, overlap
from careergraph.projection import project
from careergraph.vocab import CGR


@pytest.fixture(scope="module")
def toy():
    return project(toy_graph())


def test_overlap_known(toy):
    r = overlap(toy, CGR.junior, CGR.senior)
    assert r["shared"] == ["Git", "Python", "SQL"] and r["only_a"] == [] and r["only_b"] == ["PyTorch"]
    assert r["jaccard"] == pytest.approx(3 / 4)
    # weights junior: py 1, sql 1, git .5 ; senior: py 1, sql 1, pytorch .9, git .2
    assert r["weighted"] == pytest.approx((1 + 1 + 0.2) / (1 + 1 + 0.5 + 0.9))


def test_overlap_takes_iris(toy):
    with pytest.raises(RoleNotFound, match="no role has that IRI"):
        overlap(toy, "Junior Engineer", CGR.lead)


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


def test_seed_overlap(seed_graph):
    p = project(seed_graph)
    r = overlap(p, CGR["data-scientist"], CGR["machine-learning-engineer"])
    assert 0 < r["jaccard"] < 1 and "Python" in r["shared"]
