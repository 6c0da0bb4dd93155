"""SimilarityModel: per-block cosine, combined over blocks present for both roles."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings, strategies as st

from _analysis_helpers import make_projection
from careergraph.errors import InvalidParameter, RoleNotFound
from careergraph.similarity import DEFAULT_WEIGHTS, SimilarityModel, normalize_rows


def _cos(a, b):
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    return float(a @ b / (na * nb)) if na and nb else 0.0


def test_default_weights_is_plain_dict():
    assert isinstance(DEFAULT_WEIGHTS, dict) and DEFAULT_WEIGHTS["skills"] > 0
    # given weights name every block used; the defaults let a new feature block count
    assert SimilarityModel({"skills": 1.0}).weight("text") == 0.0
    assert SimilarityModel().weight("some-new-block") == 1.0


def test_block_renormalisation():
    p = make_projection(3, [{0, 1}, {1, 2}, {0}], [])
    p.features["extra"] = sp.csr_matrix(np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]))
    m = SimilarityModel({"skills": 1.0, "extra": 3.0}).fit(p)
    s = m.all_pairs()
    sk = p.role_skill.toarray()
    ex = p.features["extra"].toarray()
    expect01 = (1.0 * _cos(sk[0], sk[1]) + 3.0 * _cos(ex[0], ex[1])) / 4.0
    assert s[0, 1] == pytest.approx(expect01)
    assert s[0, 2] == pytest.approx(_cos(sk[0], sk[2]))  # role 2 has no "extra" block: skills alone
    m0 = SimilarityModel({"skills": 1.0, "extra": 0.0}).fit(p)
    assert m0.all_pairs()[0, 1] == pytest.approx(_cos(sk[0], sk[1]))
    assert set(m0.blocks) == {"skills"}


def test_similar_and_candidates():
    p = make_projection(4, [{0, 1}, {0, 1}, {0}, {5}], [])
    m = SimilarityModel().fit(p)
    top = m.similar("r0", top=10)
    assert [r for r, _ in top] == ["r1", "r2"] and top[0][1] == pytest.approx(1.0)
    assert [r for r, _ in m.similar("r0", candidates=["r2", "r3"])] == ["r2"]
    with pytest.raises(InvalidParameter):
        m.similar("r0", top=0)
    with pytest.raises(RoleNotFound):
        m.similar("nope")


def test_unfitted_and_bad_weight():
    with pytest.raises(InvalidParameter, match="fit"):
        SimilarityModel().all_pairs()
    with pytest.raises(InvalidParameter):
        SimilarityModel({"skills": -1})


def test_score_vector():
    p = make_projection(3, [{0, 1}, {2}, {0, 1, 2}], [])
    m = SimilarityModel({"skills": 1.0}).fit(p)
    v = np.array([1.0, 1.0, 0.0])
    assert m.score_vector(v).tolist() == pytest.approx([1.0, 0.0, _cos(v, np.ones(3))])
    assert m.score_vector(np.zeros(3)).tolist() == [0.0, 0.0, 0.0]
    with pytest.raises(InvalidParameter):
        m.score_vector(np.zeros(2))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.floats(0, 1), min_size=5, max_size=5), min_size=2, max_size=8))
def test_all_pairs_matches_brute_force(rows):
    x = np.array(rows)
    x[x < 0.5] = 0.0
    p = make_projection(len(rows), [set(range(5)) for _ in rows], [])
    p.role_skill = sp.csr_matrix(x)
    p.essential = sp.csr_matrix(x > 0)
    s = SimilarityModel({"skills": 1.0}).fit(p).all_pairs()
    for i in range(len(rows)):
        for j in range(len(rows)):
            want = 1.0 if i == j and x[i].any() else _cos(x[i], x[j])
            assert s[i, j] == pytest.approx(want, abs=1e-9)
    assert np.allclose(s, s.T)


def test_normalize_rows_unit_norm():
    m = normalize_rows(sp.random(20, 30, density=0.2, random_state=1))
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    assert np.allclose(norms[norms > 0], 1.0)


def test_similar_on_iris():
    from careergraph.examples import toy_graph
    from careergraph.projection import project
    from careergraph.similarity import default_model, similar
    from careergraph.vocab import CGR

    toy = project(toy_graph())
    res = similar(toy, CGR.lead, top=2)
    assert res[0]["role"] == "Solutions Architect" and res[0]["shared"] == 2
    assert all(r["role"] != "Lead Engineer" for r in res)
    assert res[0]["score"] >= res[1]["score"]
    assert default_model(toy) is default_model(toy)
    with pytest.raises(RoleNotFound):
        similar(toy, "Lead Engineer")
