"""The move model (content + known moves + direction) and ``next``: tiny inline graphs, the CLI, the seed."""

from __future__ import annotations

import json

import numpy as np
import pytest
from careergraph import CareerGraph
from careergraph.errors import InvalidParameter, RoleNotFound
from careergraph.examples import graph_from_turtle, toy_graph
from careergraph.moves import direction, next_moves
from careergraph.projection import project
from careergraph.similarity import MOVE_WEIGHTS, MoveModel, default_model
from careergraph.vocab import CGR

OCC = "https://w3id.org/careergraph/id/onet/occupation/"

# Four coded occupations with job zones; "a" and "b" alike, "c" like them in skills but three zones up;
# a stated lateral move b -> d (from a file) so a's neighbour b lends d.
TTL = """
@prefix occ: <https://w3id.org/careergraph/id/onet/occupation/> .
occ:a a cg:Role ; rdfs:label "A" ; cg:onetCode "11-1011.00" ; cg:inDataset cgid:dataset\\/x ; cg:jobZone 2 ;
    cg:essentialSkill cgs:s1 , cgs:s2 ; cg:optionalSkill cgs:s3 .
occ:b a cg:Role ; rdfs:label "B" ; cg:onetCode "11-1021.00" ; cg:inDataset cgid:dataset\\/x ; cg:jobZone 2 ;
    cg:essentialSkill cgs:s1 , cgs:s2 ; cg:optionalSkill cgs:s3 .
occ:c a cg:Role ; rdfs:label "C" ; cg:onetCode "11-1031.00" ; cg:inDataset cgid:dataset\\/x ; cg:jobZone 5 ;
    cg:essentialSkill cgs:s1 , cgs:s2 ; cg:optionalSkill cgs:s4 .
occ:d a cg:Role ; rdfs:label "D" ; cg:onetCode "47-2031.00" ; cg:inDataset cgid:dataset\\/x ; cg:jobZone 2 ;
    cg:essentialSkill cgs:s5 .
cgid:dataset\\/x cg:datasetKey "x" .
cgid:transition\\/b-d a cg:Transition ; cg:fromRole occ:b ; cg:toRole occ:d ; cg:transitionKind cg:LateralMove ;
    cg:relatednessTier "Primary-Short" ; cg:relatednessRank 1 ; prov:wasDerivedFrom cgid:file\\/x\\/related ;
    cg:inDataset cgid:dataset\\/x .
cgid:file\\/x\\/related rdfs:label "related.txt" ; cg:sha256 "abc" .
cgs:s1 a cg:Skill ; rdfs:label "S1" . cgs:s2 a cg:Skill ; rdfs:label "S2" . cgs:s3 a cg:Skill ; rdfs:label "S3" .
cgs:s4 a cg:Skill ; rdfs:label "S4" . cgs:s5 a cg:Skill ; rdfs:label "S5" .
"""


@pytest.fixture(scope="module")
def inline():
    return project(graph_from_turtle(TTL))


def test_projection_reads_levels_and_move_sources(inline):
    assert inline.levels[OCC + "c"]["job_zone"] == 5.0 and inline.levels[OCC + "a"]["via"] == []
    src = "https://w3id.org/careergraph/id/file/x/related"
    assert inline.move_sources[src] == {"label": "related.txt", "dataset": "x", "sha256": "abc", "moves": 1}


def test_parts_by_hand(inline):
    m = MoveModel().fit(inline)
    row = {k: dict(zip(inline.roles, v.tolist())) if k != "has_neighbours" else v for k, v in m.parts(OCC + "a").items()}
    # a lateral move counts both ways: b knows d, and d knows b
    assert m.known[inline.row(OCC + "b"), inline.row(OCC + "d")] == 1.0
    assert m.known[inline.row(OCC + "d"), inline.row(OCC + "b")] == 1.0
    assert m.forward[inline.row(OCC + "d"), inline.row(OCC + "b")] == 0.0
    # a's only neighbour with moves is b (d is not alike; c has no moves), so b's move to d is lent in full
    assert row["neighbours"][OCC + "d"] == pytest.approx(1.0) and row["neighbours"][OCC + "c"] == 0.0
    assert row["known"][OCC + "d"] == 0.0
    # c is three job zones up: max(0, 3 - 1) = 2
    assert row["job_zone"][OCC + "c"] == 2.0 and row["job_zone"][OCC + "b"] == 0.0
    s = m.scores(OCC + "a")
    c, n = row["content"], row["neighbours"]
    w = MOVE_WEIGHTS
    want = (w["content"] * c[OCC + "c"] + w["neighbours"] * n[OCC + "c"]) / (w["content"] + w["neighbours"]) \
        - w["job_zone"] * 2.0
    assert s[inline.row(OCC + "c")] == pytest.approx(want)


def test_neighbours_are_chosen_in_every_view_that_leaves_one_block_out():
    # b and c both have moves (b -> d, c -> e); block x says a is like b, block y that a is like c
    ttl = TTL + """
    occ:e a cg:Role ; rdfs:label "E" ; cg:onetCode "47-2041.00" ; cg:inDataset cgid:dataset\\/x ; cg:essentialSkill cgs:s5 .
    cgid:transition\\/c-e a cg:Transition ; cg:fromRole occ:c ; cg:toRole occ:e ; cg:transitionKind cg:Promotion ;
        prov:wasDerivedFrom cgid:file\\/x\\/related ; cg:inDataset cgid:dataset\\/x .
    """
    p = project(graph_from_turtle(ttl))
    m = MoveModel(neighbours=1).fit(p)
    a, b, c, d, e = (p.row(OCC + k) for k in "abcde")
    n = len(p.roles)
    x, y = np.zeros((1, n)), np.zeros((1, n))
    x[0, b], x[0, c], y[0, b], y[0, c] = 0.9, 0.1, 0.2, 0.8
    everyone = np.ones((1, n), dtype=bool)
    blocks = {"x": (x, everyone), "y": (y, everyone)}
    both = {"x": 1.0, "y": 1.0}
    assert [v for _, v in m.neighbour_views(blocks, both)] == [{"x": 0.0, "y": 1.0}, {"x": 1.0, "y": 0.0}]
    # each view picks its one neighbour; the two lend alike
    w = m.neighbour_weights([a], blocks, weights=both)
    assert w[0, b] == pytest.approx(0.5) and w[0, c] == pytest.approx(0.5) and w.sum() == pytest.approx(1.0)
    nb, has = m.neighbour_rows([a], blocks, weights=both)
    assert nb[0, d] == pytest.approx(0.5) and nb[0, e] == pytest.approx(0.5) and has.tolist() == [True]
    # with one block in use the content itself is the one view: x alone picks b
    assert [v for _, v in m.neighbour_views(blocks, {"x": 1.0})] == [{"x": 1.0, "y": 0.0}]
    nb, _ = m.neighbour_rows([a], blocks, weights={"x": 1.0})
    assert nb[0, d] == pytest.approx(1.0) and nb[0, e] == 0.0
    # a block the role lacks makes no view of its own: without y, a's one view is the content (x), so b lends
    lacks = {"x": (x, everyone), "y": (y, np.zeros((1, n), dtype=bool))}
    (apply, view), = m.neighbour_views(lacks, both)
    assert apply.tolist() == [True] and view == both  # the content, for the one row
    w = m.neighbour_weights([a], lacks, weights=both)
    assert w[0, b] == pytest.approx(1.0) and w[0, c] == 0.0
    # two roles, one with both blocks (two views), one with x only (one view: the content)
    two = {"x": (np.vstack([x, x]), np.ones((2, n), dtype=bool)),
           "y": (np.vstack([y, y]), np.vstack([everyone, np.zeros((1, n), dtype=bool)]))}
    views = m.neighbour_views(two, both)
    assert [rows.tolist() for rows, _ in views] == [[True, False], [True, False], [False, True]]
    w = m.neighbour_weights([a, a], two, weights=both)
    assert w[0, b] == pytest.approx(0.5) and w[1, b] == pytest.approx(1.0) and w[1, c] == 0.0


def test_kinds_and_hidden_sources(inline):
    content = MoveModel("content").fit(inline)
    moves = MoveModel("moves").fit(inline)
    a, d = OCC + "a", inline.row(OCC + "d")
    assert content.scores(a)[d] == pytest.approx(content.content.scores(a)[d])
    assert moves.scores(a)[d] == pytest.approx(1.0)
    hidden = MoveModel(hide=["https://w3id.org/careergraph/id/file/x/related"]).fit(inline)
    assert hidden.known.nnz == 0 and hidden.parts(a)["neighbours"].sum() == 0.0
    # hiding per role: b's own known move disappears, nothing else changes
    m = MoveModel().fit(inline)
    b = inline.row(OCC + "b")
    assert m.known_rows([b])[0, d] == 1.0
    assert m.known_rows([b], hidden={b: frozenset({0})})[0, d] == 0.0
    with pytest.raises(InvalidParameter, match="Unknown model"):
        MoveModel("best")
    with pytest.raises(InvalidParameter, match="Unknown part"):
        MoveModel(weights={"salary": 1.0})
    with pytest.raises(InvalidParameter, match="not fitted"):
        MoveModel().scores(a)


def test_next_explains_each_move(inline):
    res = next_moves(inline, OCC + "a", top=3)
    assert res["model"] == "hybrid" and res["role"] == "A"
    by = {m["role"]: m for m in res["moves"]}
    assert next(iter(by)) == "B"  # the same skills, the same zone
    d = by["D"]
    kinds = [e["kind"] for e in d["evidence"]]
    assert kinds[0] == "similar roles make this move" and d["evidence"][0]["roles"] == ["B"]
    assert [x["skill"] for x in d["to_learn"]] == ["S5"] and d["shared_count"] == 0
    c = by["C"]
    assert c["direction"]["job_zone"] == {"from": 2.0, "to": 5.0, "change": "higher"}
    assert c["to_learn"][0]["skill"] == "S4" and not c["to_learn"][0]["essential"]
    assert c["shared_skills"] == ["S1", "S2"]
    json.dumps(res)
    with pytest.raises(InvalidParameter):
        next_moves(inline, OCC + "a", top=0)
    with pytest.raises(InvalidParameter, match="No role of dataset"):
        next_moves(inline, OCC + "a", source="nowhere")
    with pytest.raises(RoleNotFound):
        next_moves(inline, "A")


def test_known_move_evidence_names_its_source(inline):
    res = next_moves(inline, OCC + "b", top=3)
    d = next(m for m in res["moves"] if m["role"] == "D")
    known = d["evidence"][0]
    assert known["kind"] == "known move" and known["source"] == "related.txt" and known["tier"] == "Primary-Short"
    assert d["parts"]["known"] == 1.0
    back = next(m for m in next_moves(inline, OCC + "d", top=3)["moves"] if m["role"] == "B")
    assert back["evidence"][0]["direction"] == "reverse"


def test_toy_ladder_step_down_is_not_a_next_move():
    p = project(toy_graph())
    top = [m["role"] for m in next_moves(p, CGR.senior, top=3)["moves"]]
    assert top[0] == "Lead Engineer" and "Junior Engineer" not in top[:2]
    assert "senior software engineer" not in top  # the same role in another source is no move
    assert default_model(p) is default_model(p)


def test_direction_by_hand(inline):
    d = direction(inline, OCC + "c", OCC + "a")
    assert d["job_zone"]["change"] == "lower" and d["earnings"] == [] and d["degree"]["change"] == "unknown"


def test_api_and_cli_next(run_cli):
    res = CareerGraph().next("Junior ML Engineer", top=2)
    assert res["moves"][0]["role"] == "Senior ML Engineer"
    out = run_cli("next", "Junior ML Engineer", "--top", "2", "--format", "json")
    assert out.exit_code == 0
    payload = json.loads(out.stdout)
    assert payload["moves"][0]["role"] == "Senior ML Engineer" and payload == res
    table = run_cli("next", "Junior ML Engineer", "--top", "2")
    assert table.exit_code == 0 and "promotion in" in table.stdout
    assert run_cli("next", "Junior ML Engineer", "--top", "0").exit_code == 2
    assert run_cli("next", "no such role xyz").exit_code == 2
    assert run_cli("next", "--help").stdout.rstrip().endswith('--source esco --format json')


def test_one_model_everywhere():
    cg = CareerGraph()
    p = cg.projection
    m = default_model(p)
    sim = cg.similar("Junior ML Engineer", top=3)
    iri = cg.role("Junior ML Engineer")
    assert [r["iri"] for r in sim] == [r for r, _ in m.similar(iri, top=3)]
    rec = cg.recommend("Python, Statistics", top=2)
    v = np.zeros(len(p.skills))
    v[[p.column(s) for s in cg.skills("Python, Statistics")]] = 1.0
    best = int(np.argmax(m.score_vector(v)))
    assert rec[0]["iri"] == p.roles[best]
