"""CLI: path, overlap, similar, matrix, gap, recommend on the seed graph."""

from __future__ import annotations

import json
import os

import pytest


def _json(res):
    assert res.exit_code == 0, res.stderr
    return json.loads(res.stdout)


def test_path_json_shape(run_cli):
    d = _json(run_cli("path", "Junior ML Engineer", "Lead ML Engineer", "--format", "json"))
    assert d["path"] == ["Junior ML Engineer", "Senior ML Engineer", "Lead ML Engineer"]
    assert d["by"] == "steps" and d["cost"] == 2
    step = d["steps"][0]
    assert {"from", "to", "kind", "years", "new_skills", "education", "salary"} <= set(step)
    assert step["kind"] == "promotion" and step["years"] is None


def test_path_table(run_cli):
    res = run_cli("path", "Research Assistant", "Research Director", "--by", "years")
    assert res.exit_code == 0
    lines = res.stdout.splitlines()
    assert lines[0].startswith("Route: Research Assistant -> ML Researcher")
    assert lines[1].startswith("1. Research Assistant -> ML Researcher  [promotion; years unknown")
    assert "skills to acquire" in res.stdout and "education:" in res.stdout and "salary:" in res.stdout
    assert "counted as 1 year(s)" in res.stdout


def test_path_alternatives_and_csv(run_cli):
    d = _json(run_cli("path", "Software Engineer", "Lead ML Engineer", "--lateral", "--alternatives", "3",
                      "--format", "json"))
    alts = d["alternatives"]
    assert 1 <= len(alts) <= 3 and [a["cost"] for a in alts] == sorted(a["cost"] for a in alts)
    assert len({tuple(a["path"]) for a in alts}) == len(alts)
    res = run_cli("path", "Junior ML Engineer", "Lead ML Engineer", "--format", "csv", "--by", "skills",
                  "--have", "Python, SQL")
    assert res.exit_code == 0 and res.stdout.splitlines()[0].startswith("route,step,from,to,kind")


def test_path_unreachable_exit_1(run_cli):
    res = run_cli("path", "Research Director", "Junior ML Engineer")
    assert res.exit_code == 1
    assert "No career path" in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_path_unreachable_names_closest(run_cli):
    res = run_cli("path", "Software Engineer", "Machine Learning Scientist")
    assert res.exit_code == 1 and "Closest roles to 'Machine Learning Scientist'" in res.stderr


@pytest.mark.parametrize("args,needle", [
    (("Junior ML Engineer", "Junior ML Engineer"), "same role"),
    (("Junior ML Engineer", "Lead ML Engineer", "--alternatives", "0"), "alternatives"),
    (("Junior ML Engineer", "Lead ML Engineer", "--by", "money"), "Unknown --by"),
    (("Junior ML Enginer", "Lead ML Engineer"), "did you mean"),
    (("Junior ML Engineer", "Lead ML Engineer", "--have", "Pythn"), "Skill 'Pythn' not found"),
])
def test_path_bad_input_exit_2(run_cli, args, needle):
    res = run_cli("path", *args)
    assert res.exit_code == 2 and needle in res.stderr


def test_overlap_json(run_cli):
    d = _json(run_cli("overlap", "Data Scientist", "Machine Learning Engineer", "--format", "json"))
    assert set(d) == {"a", "b", "a_iri", "b_iri", "jaccard", "weighted", "shared", "only_a", "only_b", "evidence"}
    assert 0 < d["jaccard"] < 1 and d["shared"] == sorted(d["shared"])
    assert run_cli("overlap", "Data Scientist", "Machine Learning Engineer").exit_code == 0


def test_similar_json(run_cli):
    d = _json(run_cli("similar", "Data Scientist", "--top", "3", "--format", "json"))
    assert 1 <= len(d["results"]) <= 3 and {"role", "score"} <= set(d["results"][0])
    assert all(r["role"] != "Data Scientist" for r in d["results"])
    assert run_cli("similar", "Data Scientist", "--top", "0").exit_code == 2


def test_gap_and_recommend_json(run_cli):
    d = _json(run_cli("gap", "--have", "Python, SQL", "--target", "Machine Learning Engineer", "--format", "json"))
    assert set(d) >= {"target", "coverage", "have", "missing"} and 0 < d["coverage"] < 1
    assert d["have"] == ["Python"] and d["missing"][0]["essential"]
    d = _json(run_cli("recommend", "--have", "Python, PyTorch", "--top", "2", "--format", "json"))
    assert len(d["results"]) == 2 and {"role", "score", "missing"} <= set(d["results"][0])


def test_matrix_output(run_cli, tmp_path):
    out = tmp_path / "m.csv"
    res = run_cli("matrix", "Data Scientist", "Machine Learning Engineer", "--output", str(out))
    assert res.exit_code == 0 and out.exists() and "wrote" in res.stderr
    lines = out.read_text().splitlines()
    assert lines[0] == "role,Data Scientist,Machine Learning Engineer" and lines[1].split(",")[1] == "1.0000"
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def test_matrix_bad_output(run_cli, tmp_path):
    res = run_cli("matrix", "Data Scientist", "--output", str(tmp_path / "m.png"))
    assert res.exit_code == 2 and ".csv" in res.stderr and len(res.stderr.strip().splitlines()) == 1
    res = run_cli("matrix", "Data Scientist", "--output", str(tmp_path / "missing" / "m.csv"))
    assert res.exit_code == 2 and "Cannot write" in res.stderr


@pytest.mark.parametrize("cmd", ["path", "overlap", "similar", "matrix", "gap", "recommend"])
def test_help_ends_with_example(run_cli, cmd):
    res = run_cli(cmd, "--help")
    assert res.exit_code == 0 and "Example:\n  careergraph " + cmd in res.stdout
    assert "--format" in res.stdout and "--store" in res.stdout


def test_overlap_table_cuts_long_lists_csv_keeps_all(run_cli):
    from careergraph.cli.analysis import TABLE_LIST_LIMIT

    full = run_cli("overlap", "Software Engineer", "Machine Learning Scientist", "--format", "json")
    only_b = json.loads(full.stdout)["only_b"]
    assert len(only_b) > TABLE_LIST_LIMIT  # the ML Scientist asks for many more skills
    table = run_cli("overlap", "Software Engineer", "Machine Learning Scientist").stdout
    assert f"and {len(only_b) - TABLE_LIST_LIMIT} more" in table
    csv_out = run_cli("overlap", "Software Engineer", "Machine Learning Scientist", "--format", "csv").stdout
    assert all(s in csv_out for s in only_b)
