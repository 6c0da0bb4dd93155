"""Career paths: costs against brute force, Yen alternatives, constraints, errors, the seed ladders."""

from __future__ import annotations

import dataclasses
import itertools

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from _analysis_helpers import make_projection
from careergraph.errors import InvalidParameter, NoCareerPath, RoleNotFound, SkillNotFound
from careergraph.examples import toy_graph
from careergraph.paths import edge_cost, find_path, lateral_graph, path_cost
from careergraph.projection import project
from careergraph.vocab import CGR


@st.composite
def small_graphs(draw):
    n = draw(st.integers(2, 6))
    sets = [draw(st.sets(st.integers(0, 6), max_size=4)) for _ in range(n)]
    pairs = [(u, v) for u in range(n) for v in range(n) if u != v]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=12)) if pairs else []
    edges = [(u, v, draw(st.sampled_from(["promotion", "lateral", "entry", "same-as"])),
              draw(st.one_of(st.none(), st.sampled_from([0.5, 1.0, 2.0, 3.0])))) for u, v in chosen]
    have = draw(st.sets(st.integers(0, 6), max_size=2))
    return make_projection(n, sets, edges), have


def _brute(proj, s, t, by, have, g=None):
    g = proj.transitions if g is None else g
    return sorted(path_cost(proj, p, by, have=have, graph=g) for p in nx.all_simple_paths(g, s, t))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_graphs(), st.sampled_from(["steps", "years", "skills"]))
def test_cost_equals_brute_force(gh, by):
    proj, have = gh
    have_names = [f"s{j}" for j in have if f"s{j}" in proj.skill_index]
    have_cols = {proj.skill_index[h] for h in have_names}
    s, t = proj.roles[0], proj.roles[-1]
    costs = _brute(proj, s, t, by, have_cols)
    if not costs:
        with pytest.raises(NoCareerPath):
            find_path(proj, s, t, by=by, have=have_names)
        return
    r = find_path(proj, s, t, by=by, have=have_names)
    assert r.cost == pytest.approx(costs[0])
    assert r.roles[0] == s and r.roles[-1] == t
    assert r.cost == pytest.approx(sum(st_.cost for st_ in r.steps))
    # alternatives: distinct, cost-ordered, and exactly the K cheapest costs
    alts = find_path(proj, s, t, by=by, have=have_names, alternatives=4)
    seqs = [tuple(a.roles) for a in alts]
    assert len(set(seqs)) == len(seqs) == min(4, len(costs))
    got = [a.cost for a in alts]
    assert got == sorted(got)
    assert got == pytest.approx(costs[: len(got)])


@settings(max_examples=40, deadline=None)
@given(small_graphs())
def test_via_and_avoid(gh):
    proj, _ = gh
    if len(proj.roles) < 3:
        return
    s, v, t = proj.roles[0], proj.roles[1], proj.roles[-1]
    g = proj.transitions
    a, b = _brute(proj, s, v, "steps", set()), _brute(proj, v, t, "steps", set())
    if a and b:
        r = find_path(proj, s, t, via=v)
        assert r.cost == pytest.approx(a[0] + b[0]) and v in r.roles
    else:
        with pytest.raises(NoCareerPath):
            find_path(proj, s, t, via=v)
    view = nx.restricted_view(g, [v], [])
    costs = _brute(proj, s, t, "steps", set(), g=view)
    if costs:
        r = find_path(proj, s, t, avoid=[v])
        assert v not in r.roles and r.cost == pytest.approx(costs[0])
    else:
        with pytest.raises(NoCareerPath):
            find_path(proj, s, t, avoid=[v])


def test_skills_cost_is_local_and_new_skills_path_dependent():
    # r0 {a}, r1 {b}, r2 {a, c}: r0 -> r1 -> r2 counts "a" again at r2 (r1 does not use it)
    proj = make_projection(3, [{0}, {1}, {0, 2}], [(0, 1, "lateral", None), (1, 2, "lateral", None)])
    r = find_path(proj, "r0", "r2", by="skills")
    assert [s.cost for s in r.steps] == [1.0, 2.0]
    assert r.steps[1].new_skills == ["s2"]          # path-dependent: a was held at r0
    assert any("2 distinct skill" in n for n in r.notes)
    assert find_path(proj, "r0", "r2", by="skills", have=["s1"]).cost == 2.0


def test_years_unknown_counted_and_said():
    proj = make_projection(3, [set()] * 3, [(0, 1, "promotion", 2.0), (1, 2, "promotion", None)])
    r = find_path(proj, "r0", "r2", by="years", unknown_years=4)
    assert r.cost == 6.0 and r.steps[1].years is None and r.unknown_years == 1
    assert "unknown for 1 of 2" in r.notes[0] and "counted as 4" in r.notes[0]
    assert r.to_dict()["steps"][1]["years"] is None


def test_same_as_costs_nothing():
    proj = make_projection(3, [{0}, {1, 2}, {3}], [(0, 1, "same-as", 0.0), (1, 2, "promotion", 1.0)])
    for by in ("steps", "years", "skills"):
        r = find_path(proj, "r0", "r2", by=by)
        assert r.steps[0].cost == 0 and r.steps[0].kind == "same-as"


def test_lateral_inferred_edges():
    # the one move model infers the moves: each role's best ones above the threshold, never stated ones
    from careergraph.similarity import default_model

    proj = make_projection(3, [{0, 1}, {0, 1, 2}, {5}], [])
    with pytest.raises(NoCareerPath, match="Try --lateral"):
        find_path(proj, "r0", "r1")
    score = float(default_model(proj).scores("r0")[proj.roles.index("r1")])
    assert 0.3 < score < 1 and default_model(proj).scores("r0")[proj.roles.index("r2")] < 0.3
    r = find_path(proj, "r0", "r1", lateral=True, min_score=0.3)
    assert r.steps[0].kind == "inferred" and r.steps[0].inferred
    assert r.steps[0].source == f"inferred: move model score {score:.2f} >= 0.3"
    assert any("inferred by the move model" in n for n in r.notes)
    g = lateral_graph(proj, 0.3)
    assert not g.has_edge("r0", "r2") and not g.has_edge("r2", "r0")  # nothing in common
    high = lateral_graph(proj, min(1.0, score + 0.01))
    assert not high.has_edge("r0", "r1") and high is lateral_graph(proj, min(1.0, score + 0.01))


def test_lateral_keeps_each_roles_best_moves_only():
    from careergraph.paths import LATERAL_TOP

    n = LATERAL_TOP + 5  # every role shares skill 0: all pairs score alike, only the best K stay
    proj = make_projection(n, [{0, i + 1} for i in range(n)], [])
    g = lateral_graph(proj, 0.01)
    assert all(g.out_degree(r) == LATERAL_TOP for r in proj.roles)
    assert all(d["kind"] == "inferred" for *_e, d in g.edges(data=True))


def test_no_path_names_closest_reachable():
    proj = make_projection(4, [{0}, {1, 2}, {5}, {1, 2, 3}], [(0, 1, "lateral", None), (0, 2, "lateral", None)])
    with pytest.raises(NoCareerPath) as exc:
        find_path(proj, "r0", "r3")
    assert exc.value.closest[0] == "R1" and "Closest roles to 'R3'" in str(exc.value)
    assert exc.value.exit_code == 1


@pytest.mark.parametrize("kwargs,match", [
    ({"by": "money"}, "Unknown --by"),
    ({"alternatives": 0}, "alternatives"),
    ({"alternatives": -2}, "alternatives"),
    ({"lateral": True, "min_score": 0}, "min-score"),
    ({"avoid": [CGR.junior]}, "also in --avoid"),
    ({"via": CGR.lead}, "endpoint"),
    ({"unknown_years": -1}, "unknown-years"),
])
def test_invalid_parameters(kwargs, match):
    with pytest.raises(InvalidParameter, match=match):
        find_path(project(toy_graph()), CGR.junior, CGR.lead, **kwargs)


def test_same_endpoints_invalid():
    with pytest.raises(InvalidParameter, match="same role"):
        find_path(project(toy_graph()), CGR.junior, str(CGR.junior))


def test_algorithms_take_iris_not_names():
    with pytest.raises(RoleNotFound, match="no role has that IRI"):
        find_path(project(toy_graph()), "Junior Engineer", CGR.lead)
    with pytest.raises(SkillNotFound, match="no skill has that IRI"):
        find_path(project(toy_graph()), CGR.junior, CGR.lead, have=["Python"])


def test_toy_explanations():
    r = find_path(project(toy_graph()), CGR.junior, CGR.lead)
    assert r.labels == ["Junior Engineer", "Senior Engineer", "Lead Engineer"]
    s1, s2 = r.steps
    assert s1.years == 2.5 and s1.new_skills == ["PyTorch"]
    assert s1.salary == [{"source": "Acme Salaries", "statistic": "median", "currency": "USD",
                          "from": 100000.0, "to": 140000.0, "change": 40000.0}]
    assert s2.education["to"] == "Master's degree" and s2.education["from"] is None
    d = r.to_dict()
    assert set(d) >= {"path", "steps", "cost", "by"} and d["steps"][0]["from"] == "Junior Engineer"
    assert set(d["steps"][0]) >= {"from", "to", "kind", "years", "new_skills", "education", "salary"}
    # every field of a step, under its JSON name, and copies: the JSON can be changed, the step cannot
    names = {f.name for f in dataclasses.fields(s1)} - {"from_label", "to_label"} | {"from", "to", "inferred"}
    assert set(d["steps"][0]) == names
    d["steps"][1]["education"]["fields"].append("x")
    d["steps"][0]["salary"][0]["from"] = 0
    assert "x" not in s2.education["fields"] and s1.salary[0]["from"] == 100000.0


def test_edge_cost_unknown_by():
    with pytest.raises(InvalidParameter):
        edge_cost(project(toy_graph()), "fun")


# -- the seed graph -----------------------------------------------------------

def test_seed_ml_engineer_ladder(seed_graph):
    r = find_path(project(seed_graph), CGR["junior-ml-engineer"], CGR["lead-ml-engineer"])
    assert r.labels == ["Junior ML Engineer", "Senior ML Engineer", "Lead ML Engineer"]
    assert [s.kind for s in r.steps] == ["promotion", "promotion"] and r.cost == 2


def test_seed_researcher_ladder(seed_graph):
    r = find_path(project(seed_graph), CGR["research-assistant"], CGR["research-director"], by="years")
    assert r.labels == ["Research Assistant", "ML Researcher", "Senior Research Scientist", "Research Director"]
    assert r.cost == 3.0 and any("unknown" in n for n in r.notes)


def test_seed_unreachable(seed_graph):
    with pytest.raises(NoCareerPath):
        find_path(project(seed_graph), CGR["research-director"], CGR["junior-ml-engineer"])
