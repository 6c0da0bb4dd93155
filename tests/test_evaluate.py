"""Evaluation of the similarity model: metrics by hand, the truth-file reader, inline graphs, real O*NET."""

from __future__ import annotations

import json
import math
import time

import numpy as np
import pytest
from careergraph.errors import ImportDataError, InvalidParameter
from careergraph.evaluate import (
    PRIMARY_TIERS,
    average_precision,
    evaluate,
    minor_group,
    ndcg_at_k,
    onet_roles,
    precision_at_k,
    rank_metrics,
    read_truth,
    recall_at_k,
)
from careergraph.examples import graph_from_turtle

HEADER = "O*NET-SOC Code\tRelated O*NET-SOC Code\tRelatedness Tier\tIndex\n"


def write(tmp_path, text, name="truth.txt"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


# -- metrics, hand-computed ---------------------------------------------------

RANKED = ["a", "x", "b", "y", "c"]
GRADES = {"a": 3, "b": 2, "c": 1}


def test_precision_recall_by_hand():
    assert precision_at_k(RANKED, GRADES, 3) == pytest.approx(2 / 3)
    assert recall_at_k(RANKED, GRADES, 3) == pytest.approx(2 / 3)
    assert precision_at_k(RANKED, GRADES, 10) == pytest.approx(3 / 10)  # divided by k, not by len
    assert recall_at_k(RANKED, GRADES, 10) == 1.0
    assert recall_at_k(RANKED, set(), 3) == 0.0


def test_ndcg_by_hand():
    dcg = 3 / 1 + 0 + 2 / math.log2(4)
    idcg = 3 / 1 + 2 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at_k(RANKED, GRADES, 3) == pytest.approx(dcg / idcg)
    assert ndcg_at_k(["a", "b", "c"], GRADES, 3) == pytest.approx(1.0)
    assert ndcg_at_k(["x", "y"], GRADES, 2) == 0.0
    assert ndcg_at_k(["a"], set(), 1) == 0.0
    assert ndcg_at_k(["x", "a"], {"a"}, 2) == pytest.approx(1 / math.log2(3))


def test_average_precision_by_hand():
    assert average_precision(RANKED, GRADES) == pytest.approx((1 / 1 + 2 / 3 + 3 / 5) / 3)
    assert average_precision(["a", "b"], {"a", "b"}) == 1.0
    assert average_precision(["a"], {"a", "z"}) == 0.5  # a relevant item never ranked counts 0


def test_rank_metrics_matches_the_list_functions():
    gains = np.array([GRADES.get(r, 0) for r in RANKED], dtype=float)
    m = rank_metrics(gains, 3)
    assert m["precision_at_k"] == pytest.approx(precision_at_k(RANKED, GRADES, 3))
    assert m["recall_at_k"] == pytest.approx(recall_at_k(RANKED, GRADES, 3))
    assert m["ndcg_at_k"] == pytest.approx(ndcg_at_k(RANKED, GRADES, 3))
    assert m["map"] == pytest.approx(average_precision(RANKED, GRADES))
    assert rank_metrics(np.zeros(4), 2) == {"precision_at_k": 0.0, "recall_at_k": 0.0, "ndcg_at_k": 0.0,
                                           "map": 0.0}


@pytest.mark.parametrize("k", [0, -1, 2.5, True])
def test_bad_k(k):
    with pytest.raises(InvalidParameter, match="k must be"):
        precision_at_k(RANKED, GRADES, k)


def test_minor_group():
    assert minor_group("15-1252.00") == "15-12"
    assert minor_group("11-1011.03") == "11-10"


# -- the truth file -----------------------------------------------------------

def test_default_tiers_are_primary_with_grades(tmp_path):
    p = write(tmp_path, HEADER + "11-1011.00\t11-1021.00\tPrimary-Short\t1\n"
              "11-1011.00\t11-2032.00\tPrimary-Long\t2\n11-1011.00\t13-1111.00\tSupplemental\t3\n")
    t = read_truth(p)
    assert t.tiers == list(PRIMARY_TIERS)
    assert t.relevant == {"11-1011.00": {"11-1021.00": 3, "11-2032.00": 2}}
    assert t.tiers_found == ["Primary-Long", "Primary-Short", "Supplemental"] and t.n_rows == 3
    assert read_truth(p, tiers="all").relevant["11-1011.00"]["13-1111.00"] == 1
    assert read_truth(p, tiers=["supplemental"]).relevant == {"11-1011.00": {"13-1111.00": 1}}


def test_csv_without_tiers_other_columns_ignored(tmp_path):
    p = write(tmp_path, "Title,o*net-soc code,Related O*NET-SOC Code\nX,15-2051,15-2041.00\n", "t.csv")
    t = read_truth(p)
    assert t.tiers is None and t.relevant == {"15-2051.00": {"15-2041.00": 1}}


def test_missing_columns_name_file_and_columns(tmp_path):
    p = write(tmp_path, "O*NET-SOC Code\tRelated Code\n11-1011.00\t11-1021.00\n")
    with pytest.raises(ImportDataError) as exc:
        read_truth(p)
    msg = str(exc.value)
    assert str(p) in msg and "'Related O*NET-SOC Code'" in msg and "Relatedness Tier" in msg
    assert "Related Code" in msg  # the columns found


@pytest.mark.parametrize("text,match", [
    ("", "is empty"),
    (HEADER + "11-1011.00\t\tPrimary-Short\t1\n", r"truth.txt:2: empty 'Related O\*NET-SOC Code'"),
])
def test_bad_files(tmp_path, text, match):
    with pytest.raises(ImportDataError, match=match):
        read_truth(write(tmp_path, text))


def test_missing_file(tmp_path):
    with pytest.raises(ImportDataError, match="does not exist.*O\\*NET-SOC Code"):
        read_truth(tmp_path / "nope.txt")


def test_tier_errors(tmp_path):
    p = write(tmp_path, HEADER + "11-1011.00\t11-1021.00\tPrimary-Short\t1\n")
    with pytest.raises(ImportDataError, match="no row has tier 'Gold'; its tiers are: Primary-Short"):
        read_truth(p, tiers=["Gold"])
    q = write(tmp_path, "O*NET-SOC Code\tRelated O*NET-SOC Code\n11-1011.00\t11-1021.00\n", "q.txt")
    with pytest.raises(ImportDataError, match="no 'Relatedness Tier' column"):
        read_truth(q, tiers=["Primary-Short"])


# -- evaluate on an inline graph -----------------------------------------------

TTL = """
@prefix occ: <https://w3id.org/careergraph/id/onet/occupation/> .
occ:15-2051.00 a cg:Role ; rdfs:label "Data Scientists" ; cg:onetCode "15-2051.00" ;
    cg:essentialSkill cgs:stats , cgs:python .
occ:15-2041.00 a cg:Role ; rdfs:label "Statisticians" ; cg:onetCode "15-2041.00" ;
    cg:essentialSkill cgs:stats , cgs:python .
occ:15-1252.00 a cg:Role ; rdfs:label "Software Developers" ; cg:onetCode "15-1252.00" ;
    cg:essentialSkill cgs:python .
occ:47-2031.00 a cg:Role ; rdfs:label "Carpenters" ; cg:onetCode "47-2031.00" ;
    cg:essentialSkill cgs:wood .
cgr:curated a cg:Role ; rdfs:label "Curated" ; cg:essentialSkill cgs:stats , cgs:python .
"""


@pytest.fixture(scope="module")
def inline_graph():
    return graph_from_turtle(TTL)


def test_evaluate_inline(inline_graph, tmp_path):
    p = write(tmp_path, HEADER
              + "15-2051.00\t15-2041.00\tPrimary-Short\t1\n15-2051.00\t47-2031.00\tPrimary-Long\t2\n"
              + "15-2051.00\t99-9999.00\tPrimary-Long\t3\n"   # not in the store
              + "88-8888.00\t15-2041.00\tPrimary-Long\t1\n"   # source not in the store
              + "47-2031.00\t47-2031.00\tPrimary-Long\t1\n")  # only itself: skipped
    res = evaluate(inline_graph, p, k=2)
    assert res.n_candidates == 4 and res.n_sources == 1
    # Data Scientists: Statisticians (cos 1), Software Developers (0.71), Carpenters (0)
    assert res.precision_at_k == pytest.approx(0.5)
    assert res.recall_at_k == pytest.approx(0.5)
    assert res.ndcg_at_k == pytest.approx(3 / (3 + 2 / math.log2(3)))
    assert res.map == pytest.approx((1 + 2 / 3) / 2)
    assert res.unknown_sources == ["88-8888.00"] and res.unknown_related == ["99-9999.00"]
    assert res.skipped_sources == ["47-2031.00"]
    assert set(res.baselines) == {"random", "same_minor_group", "skill_cosine"}
    d = res.to_dict()
    for key in ("precision_at_k", "recall_at_k", "ndcg_at_k", "map", "n_sources", "baselines"):
        assert key in d
    json.dumps(d)


def test_evaluate_is_deterministic_and_never_counts_the_source(inline_graph, tmp_path):
    p = write(tmp_path, HEADER + "15-2051.00\t15-2041.00\tPrimary-Short\t1\n")
    a = evaluate(inline_graph, p, k=1, seed=3)
    b = evaluate(inline_graph, p, k=1, seed=3)
    assert a.to_dict() == b.to_dict() and a.precision_at_k == 1.0
    # same minor group baseline: 15-20 holds only Statisticians besides the source
    assert a.baselines["same_minor_group"]["precision_at_k"] == 1.0


def test_evaluate_with_weights_and_sources(inline_graph, tmp_path):
    p = write(tmp_path, HEADER + "15-2051.00\t15-2041.00\tPrimary-Short\t1\n"
              "15-1252.00\t15-2051.00\tPrimary-Short\t1\n")
    res = evaluate(inline_graph, p, k=1, model={"skills": 1.0}, sources=["15-1252.00"])
    assert res.n_sources == 1 and res.weights["blocks"] == {"skills": 1.0}


def test_evaluate_without_onet_roles(seed_graph, tmp_path):
    p = write(tmp_path, HEADER + "15-2051.00\t15-2041.00\tPrimary-Short\t1\n")
    with pytest.raises(ImportDataError, match="import O\\*NET first"):
        evaluate(seed_graph, p)


def test_onet_roles(inline_graph):
    assert len(onet_roles(inline_graph)) == 4


def test_cli_json(run_cli, tmp_path, monkeypatch):
    # the CLI on the seed graph reports a clean input error; its JSON shape is tested on real data below
    p = write(tmp_path, HEADER + "15-2051.00\t15-2041.00\tPrimary-Short\t1\n")
    res = run_cli("evaluate", "--truth", str(p), "--format", "json")
    assert res.exit_code == 2 and "import O*NET first" in res.stderr
    res = run_cli("evaluate", "--truth", str(tmp_path / "missing.txt"))
    assert res.exit_code == 2 and "does not exist" in res.stderr
    res = run_cli("evaluate", "--help")
    assert res.exit_code == 0 and "evaluate --truth 'Related Occupations.txt' --k 10" in res.stdout


# -- real O*NET, a deterministic slice ----------------------------------------

SLICE_MAJORS = ("15-", "17-", "29-")  # computer & maths, engineering, health practitioners


def _slice_onet(src, dst):
    """Copy the four O*NET files keeping only occupations of SLICE_MAJORS (both ends of a relation)."""
    dst.mkdir()
    for name in ("Occupation Data.txt", "Skills.txt", "Technology Skills.txt", "Related Occupations.txt"):
        lines = (src / name).read_text(encoding="utf-8").splitlines(keepends=True)
        keep = [lines[0]]
        for line in lines[1:]:
            cells = line.split("\t")
            codes = cells[:2] if name == "Related Occupations.txt" else cells[:1]
            if all(c.startswith(SLICE_MAJORS) for c in codes):
                keep.append(line)
        (dst / name).write_text("".join(keep), encoding="utf-8")
    return dst


@pytest.fixture(scope="module")
def onet_slice(shared_data, tmp_path_factory):
    onet = pytest.importorskip("careergraph.importers.onet", exc_type=ImportError,
                               reason="the O*NET importer is not installed")
    folder = _slice_onet(shared_data / "onet", tmp_path_factory.mktemp("onet") / "onet")
    store = tmp_path_factory.mktemp("store") / "store"
    from careergraph import open_graph

    graph = open_graph(store, create=True)
    onet.import_onet(graph, folder)
    return graph, folder, store


def test_real_onet_slice_beats_baselines(onet_slice):
    from careergraph.projection import project

    graph, folder, _ = onet_slice
    truth = folder / "Related Occupations.txt"
    start = time.perf_counter()
    res = evaluate(graph, truth, k=10)
    assert time.perf_counter() - start < 15
    assert res.n_sources > 100 and res.tiers == list(PRIMARY_TIERS)
    assert not res.unknown_sources and not res.unknown_related
    assert res.precision_at_k > res.baselines["same_minor_group"]["precision_at_k"] + 0.05
    assert res.precision_at_k > 5 * res.baselines["random"]["precision_at_k"]
    proj = project(graph)
    assert {"ratings", "technology", "hierarchy", "text"} <= set(proj.features)
    blocks = ["skills", *proj.features]
    alone = evaluate(graph, truth, k=10, model={b: float(b == "ratings") for b in blocks}, baselines=False)
    assert res.precision_at_k > alone.precision_at_k + 0.05  # the other blocks add to skill ratings
    assert all(m.shape[0] == len(proj.roles) for m in proj.features.values())
    # the truth is the graph's own Related Occupations: hidden per occupation; the model still beats content alone
    ro = next(m for m in res.moves if m["label"] == "Related Occupations.txt")
    assert ro["visible"] == "hidden per evaluated occupation, both directions" and "100%" in ro["why"]
    content = evaluate(graph, truth, k=10, model="content", baselines=False)
    assert res.model == "hybrid" and res.precision_at_k > content.precision_at_k
    assert res.precision_at_k > res.baselines["skill_cosine"]["precision_at_k"]
    lo, hi = res.interval["precision_at_k"]
    assert lo < res.precision_at_k < hi and res.halves["A"]["n_sources"] + res.halves["B"]["n_sources"] == res.n_sources


# -- which moves the model may see ---------------------------------------------

MOVES_TTL = r"""
@prefix occ: <https://w3id.org/careergraph/id/onet/occupation/> .
occ:11-1011.00 a cg:Role ; rdfs:label "A" ; cg:onetCode "11-1011.00" ; cg:essentialSkill cgs:x .
occ:11-1021.00 a cg:Role ; rdfs:label "B" ; cg:onetCode "11-1021.00" ; cg:essentialSkill cgs:x , cgs:y .
occ:11-1031.00 a cg:Role ; rdfs:label "C" ; cg:onetCode "11-1031.00" ; cg:essentialSkill cgs:x .
occ:47-2031.00 a cg:Role ; rdfs:label "D" ; cg:onetCode "47-2031.00" ; cg:essentialSkill cgs:z .
cgid:transition\/a-b a cg:Transition ; cg:fromRole occ:11-1011.00 ; cg:toRole occ:11-1021.00 ;
    cg:transitionKind cg:LateralMove ; prov:wasDerivedFrom cgid:file\/related ; cg:inDataset cgid:dataset\/onet .
cgid:file\/related rdfs:label "related.txt" ; cg:sha256 "SHA" .
cgid:dataset\/onet cg:datasetKey "onet" .
"""


def _moves_graph(sha: str = "none"):
    return graph_from_turtle(MOVES_TTL.replace('"SHA"', f'"{sha}"'))


def test_a_truth_file_that_is_the_graphs_source_is_hidden(tmp_path):
    p = write(tmp_path, HEADER + "11-1011.00\t11-1021.00\tPrimary-Short\t1\n")
    res = evaluate(_moves_graph(), p, k=1, reps=50)
    (mv,) = res.moves
    assert mv["visible"] == "hidden per evaluated occupation, both directions" and "100%" in mv["why"]
    # without the move, A looks more like C (the same skill) than like B
    assert res.precision_at_k == 0.0


def test_a_list_from_another_publisher_sees_every_move(tmp_path):
    # half of its pairs are not moves of the graph: not the graph's source, so A -> B stays visible and
    # lifts B (content 0.71 + the known move) over C (content 1.0)
    p = write(tmp_path, HEADER + "11-1011.00\t11-1021.00\tPrimary-Short\t1\n47-2031.00\t11-1031.00\tPrimary-Short\t1\n")
    res = evaluate(_moves_graph(), p, k=1, reps=50, sources=["11-1011.00"])
    assert res.moves[0]["visible"] == "all" and res.precision_at_k == 1.0
    assert evaluate(_moves_graph(), p, k=1, reps=50, sources=["11-1011.00"], model="content").precision_at_k == 0.0
    hidden = evaluate(_moves_graph(), p, k=1, reps=50, sources=["11-1011.00"], hide_moves=["onet"])
    assert hidden.moves[0]["visible"] == "hidden" and hidden.precision_at_k == 0.0
    with pytest.raises(InvalidParameter, match="No source of moves 'nowhere'"):
        evaluate(_moves_graph(), p, hide_moves=["nowhere"])


def test_a_recorded_sha256_identifies_the_source(tmp_path):
    import hashlib

    p = write(tmp_path, HEADER + "11-1011.00\t11-1021.00\tPrimary-Short\t1\n47-2031.00\t11-1031.00\tPrimary-Short\t1\n")
    digest = hashlib.sha256(p.read_bytes()).hexdigest()
    res = evaluate(_moves_graph(digest), p, k=1, reps=50, sources=["11-1011.00"])
    assert res.moves[0]["visible"].startswith("hidden per") and "SHA-256" in res.moves[0]["why"]
    assert res.precision_at_k == 0.0


ESCO_TTL = """
@prefix esco: <http://data.europa.eu/esco/occupation/> .
esco:e1 a cg:Role ; rdfs:label "E1" ; cg:essentialSkill cgs:x , cgs:y .
esco:e2 a cg:Role ; rdfs:label "E2" ; cg:essentialSkill cgs:x , cgs:y .
esco:e3 a cg:Role ; rdfs:label "E3" ; cg:essentialSkill cgs:x .
esco:e4 a cg:Role ; rdfs:label "E4" ; cg:essentialSkill cgs:z .
"""


def test_crosswalk_maps_the_truth_onto_esco(tmp_path):
    g = graph_from_turtle(ESCO_TTL)
    e = "http://data.europa.eu/esco/occupation/"
    cw = write(tmp_path, "concept_uri,onet_code,isco_code\n"
               f"{e}e1,11-1011.00,1111\n{e}e2,11-1011.00,1111\n{e}e3,11-1021.00,1112\n{e}e4,47-2031.00,7115\n"
               f"{e}missing,11-1011.00,1111\n", "cw.csv")
    truth = write(tmp_path, HEADER + "11-1011.00\t11-1021.00\tPrimary-Short\t1\n")
    res = evaluate(g, truth, k=1, crosswalk=cw, reps=50)
    # e1 and e2 (both 11-1011) are sources; e2 is left out of e1's ranking (same code), so e3 ranks first
    assert res.candidates == "esco" and res.n_sources == 2 and res.n_candidates == 4
    assert res.precision_at_k == 1.0
    assert res.baselines["same_minor_group"]["precision_at_k"] == 1.0  # ISCO 111x
    bad = write(tmp_path, "uri,code\nx,y\n", "bad.csv")
    with pytest.raises(ImportDataError, match="missing column"):
        evaluate(g, truth, crosswalk=bad)
    with pytest.raises(ImportDataError, match="does not exist"):
        evaluate(g, truth, crosswalk=tmp_path / "none.csv")
