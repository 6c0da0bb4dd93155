"""Importers on a deterministic slice of the real ESCO / O*NET / crosswalk files.

The slice is cut at test time from ``shared_data`` into ``tmp_path`` (never
committed): ESCO occupations of ISCO unit groups 2511 and 2512 plus the
occupation missing from occupations_en.csv; O*NET codes 15-2*. Expected
counts are derived independently with the csv module.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest

from careergraph.errors import ImportDataError
from careergraph.importers import import_crosswalk, import_esco, import_onet
from careergraph.queries import run_query
from careergraph.store import list_sources, open_graph

ESCO_ZIPS = ("ESCO dataset - v1.1.1 - classification - en - csv.zip",
             "ESCO dataset - v1.1.1 - classification - relations - csv.zip")
DANGLING = "http://data.europa.eu/esco/occupation/a9e54177-a185-404d-b6e6-15663d31137e"
ISCO = ("2511", "2512")
ONET_PREFIX = "15-2"


def _read_zip(path: Path) -> dict[str, list[list[str]]]:
    out = {}
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            text = zf.read(name).decode("utf-8-sig")
            out[name] = list(csv.reader(io.StringIO(text)))
    return out


def _write(path: Path, rows: list[list[str]], delimiter: str = ",") -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=delimiter, lineterminator="\n" if delimiter == "\t" else "\r\n").writerows(rows)


@pytest.fixture(scope="module")
def esco_slice(shared_data, tmp_path_factory):
    """Folder with the ESCO slice, plus the expected counts."""
    src = shared_data / "esco-v1.1.1"
    files = {}
    for z in ESCO_ZIPS:
        files.update(_read_zip(src / z))
    out = tmp_path_factory.mktemp("esco") / "esco-v1.1.1-slice"
    out.mkdir()
    occ = files["occupations_en.csv"]
    h = occ[0]
    occ_rows = [r for r in occ[1:] if r[h.index("iscoGroup")] in ISCO]
    occ_uris = {r[h.index("conceptUri")] for r in occ_rows}
    rel = files["occupationSkillRelations.csv"]
    rel_rows = [r for r in rel[1:] if r[0] in occ_uris or r[0] == DANGLING]
    skill_uris = {r[3] for r in rel_rows if r[0] in occ_uris}
    sk = files["skills_en.csv"]
    sk_rows = [r for r in sk[1:] if r[sk[0].index("conceptUri")] in skill_uris]
    _write(out / "occupations_en.csv", [h] + occ_rows)
    _write(out / "skills_en.csv", [sk[0]] + sk_rows)
    _write(out / "occupationSkillRelations.csv", [rel[0]] + rel_rows)
    for name in ("ISCOGroups_en.csv", "skillGroups_en.csv"):
        _write(out / name, files[name])
    occ_b = files["broaderRelationsOccPillar.csv"]
    _write(out / "broaderRelationsOccPillar.csv", [occ_b[0]] + [r for r in occ_b[1:] if r[1] in occ_uris])
    sk_b = files["broaderRelationsSkillPillar.csv"]
    _write(out / "broaderRelationsSkillPillar.csv", [sk_b[0]] + [r for r in sk_b[1:] if r[1] in skill_uris])
    ss = files["skillSkillRelations.csv"]
    _write(out / "skillSkillRelations.csv",
           [ss[0]] + [r for r in ss[1:] if r[0] in skill_uris and r[4] in skill_uris])
    ok = [r for r in rel_rows if r[0] in occ_uris]
    expected = {
        "occupations": len(occ_rows),
        "skills": len(sk_rows),
        "requirements": len({(r[0], r[3]) for r in ok}),
        "essential": sum(1 for r in ok if r[1] == "essential"),
        "dangling": sum(1 for r in rel_rows if r[0] == DANGLING),
    }
    assert expected["occupations"] > 10 and expected["dangling"] == 67
    return out, expected


@pytest.fixture
def mem_graph():
    return open_graph()


def _count(graph, query: str) -> int:
    res = run_query(graph, query)
    return int(res.rows[0][res.vars[0]])


PRE = "PREFIX cg: <https://w3id.org/careergraph/ontology#>\n"


def test_esco_slice_counts(mem_graph, esco_slice):
    folder, exp = esco_slice
    s = import_esco(mem_graph, [folder])
    assert s.counts["occupations"] == exp["occupations"]
    assert s.counts["skills"] == exp["skills"]
    assert s.counts["requirements"] == exp["requirements"]
    assert s.counts["essential"] == exp["essential"]
    assert s.dangling["requirement_occupation"] == exp["dangling"]
    assert s.dangling_examples["requirement_occupation"] == [DANGLING]
    g = mem_graph
    esco_roles = PRE + ("SELECT (COUNT(DISTINCT ?r) AS ?n) { ?r a cg:Role ; cg:inDataset ?d . "
                        "?d cg:datasetKey \"esco\" }")
    assert _count(g, esco_roles) == exp["occupations"]
    assert _count(g, PRE + "SELECT (COUNT(*) AS ?n) { ?q a cg:SkillRequirement ; cg:requirementLevel cg:Essential ; cg:inDataset <https://w3id.org/careergraph/id/dataset/esco-v1.1.1> }"
                  ) == exp["essential"]
    assert _count(g, PRE + "SELECT (COUNT(*) AS ?n) { ?r cg:essentialSkill ?s . FILTER(STRSTARTS(STR(?r), 'http://data.europa.eu')) }"
                  ) == exp["essential"]
    assert _count(g, f"ASK {{ <{DANGLING}> ?p ?o }}".replace("ASK", "SELECT (COUNT(*) AS ?n) WHERE")) == 0
    # the record's count is the real triple count of the graph
    (rec,) = list_sources(g)
    assert rec.key == "esco" and rec.version == "1.1.1"
    assert rec.triples == s.triples == _count(g, f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{rec.graph}> {{ ?s ?p ?o }} }}")
    assert "occupations_en.csv" in rec.files


def test_esco_reimport_replaces(mem_graph, esco_slice):
    folder, _ = esco_slice
    first = import_esco(mem_graph, [folder])
    second = import_esco(mem_graph, [folder])
    (rec,) = list_sources(mem_graph)
    n = _count(mem_graph, f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{rec.graph}> {{ ?s ?p ?o }} }}")
    assert n == first.triples == second.triples == rec.triples
    assert not [g for g in mem_graph.named_graphs() if "/staging/" in g]


def test_esco_zip_and_interrupted_reimport(mem_graph, esco_slice, tmp_path):
    folder, exp = esco_slice
    z = tmp_path / ESCO_ZIPS[0]
    with zipfile.ZipFile(z, "w") as zf:
        for p in folder.iterdir():
            zf.write(p, p.name)
    before = import_esco(mem_graph, [z]).triples

    class Boom(Exception):
        pass

    def explode(msg):
        if msg.startswith("swapping"):
            raise Boom(msg)

    with pytest.raises(Boom):
        import_esco(mem_graph, [z], progress=explode)
    (rec,) = list_sources(mem_graph)
    assert rec.triples == before
    assert _count(mem_graph, f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{rec.graph}> {{ ?s ?p ?o }} }}") == before
    assert not [g for g in mem_graph.named_graphs() if "/staging/" in g]


def test_esco_wrong_columns_and_version(mem_graph, esco_slice, tmp_path):
    folder, _ = esco_slice
    bad = tmp_path / "bad"
    bad.mkdir()
    for p in folder.iterdir():
        (bad / p.name).write_bytes(p.read_bytes())
    text = (bad / "occupations_en.csv").read_text(encoding="utf-8")
    (bad / "occupations_en.csv").write_text(text.replace("preferredLabel", "prefLabel", 1), encoding="utf-8")
    with pytest.raises(ImportDataError) as err:
        import_esco(mem_graph, [bad])
    msg = str(err.value)
    assert "occupations_en.csv" in msg and "preferredLabel" in msg and "conceptUri" in msg
    assert list_sources(mem_graph) == []
    newer = tmp_path / "ESCO dataset - v1.2.0 - classification - en - csv.zip"
    newer.write_bytes(b"PK\x05\x06" + b"\0" * 18)  # an empty zip
    (tmp_path / "x").mkdir()
    with pytest.raises(ImportDataError, match="v1.2.0"):
        import_esco(mem_graph, [newer])
    with pytest.raises(ImportDataError, match="occupationSkillRelations.csv"):
        import_esco(mem_graph, [tmp_path / "x"])


@pytest.fixture(scope="module")
def onet_slice(shared_data, tmp_path_factory):
    out = tmp_path_factory.mktemp("onet")
    exp = {}
    for name in ("Occupation Data.txt", "Skills.txt", "Technology Skills.txt", "Related Occupations.txt"):
        with open(shared_data / "onet" / name, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh, delimiter="\t"))
        keep = [rows[0]] + [r for r in rows[1:] if r[0].startswith(ONET_PREFIX)
                            and (name != "Related Occupations.txt" or r[1].startswith(ONET_PREFIX))]
        _write(out / name, keep, delimiter="\t")
        exp[name] = keep[1:]
    return out, exp


def test_onet_slice(mem_graph, onet_slice):
    folder, exp = onet_slice
    s = import_onet(mem_graph, folder)
    occ = exp["Occupation Data.txt"]
    assert s.counts["occupations"] == len(occ)
    im = [r for r in exp["Skills.txt"] if r[4] == "IM"]
    assert s.counts["skill_requirements"] == len(im)
    assert s.counts["skill_requirements_essential"] == sum(1 for r in im if float(r[6]) >= 3.0)
    assert s.counts["transitions"] == len(exp["Related Occupations.txt"])
    assert s.counts["technology_requirements_hot"] == len({(r[0], r[2].lower()) for r in exp["Technology Skills.txt"]
                                                           if r[5] == "Y"})
    g = mem_graph
    rows = run_query(g, PRE + """SELECT ?imp ?lv WHERE {
      <https://w3id.org/careergraph/id/requirement/onet/15-2041.00--2.A.1.a> cg:importance ?imp ;
      cg:proficiencyLevel ?lv }""").rows
    raw = {r[4]: float(r[6]) for r in exp["Skills.txt"] if r[0] == "15-2041.00" and r[2] == "2.A.1.a"}
    assert float(rows[0]["imp"]) == pytest.approx((raw["IM"] - 1) / 4, abs=1e-4)
    assert float(rows[0]["lv"]) == pytest.approx(raw["LV"] / 7, abs=1e-4)
    # SOC chain: 15-2051.00 -> 15-2050 -> 15-2000 -> 15-0000
    chain = run_query(g, """SELECT ?g WHERE {
      <https://w3id.org/careergraph/id/onet/occupation/15-2051.00> <http://www.w3.org/2004/02/skos/core#broader>+ ?g }""").rows
    assert {r["g"].rsplit("/", 1)[-1] for r in chain} == {"15-2050", "15-2000", "15-0000"}
    assert _count(g, PRE + "SELECT (COUNT(*) AS ?n) { ?a cg:lateralTo ?b . FILTER(CONTAINS(STR(?a), '/id/onet/')) }") == len(exp["Related Occupations.txt"])


def test_crosswalk_links_existing_only(mem_graph, esco_slice, onet_slice, shared_data):
    import_esco(mem_graph, [esco_slice[0]])
    import_onet(mem_graph, onet_slice[0])
    s = import_crosswalk(mem_graph, shared_data / "nesta-mcc" / "esco_onet_crosswalk_Nov2020.csv")
    esco_uris = {r["conceptUri"] for r in csv.DictReader(open(esco_slice[0] / "occupations_en.csv", encoding="utf-8"))}
    onet_codes = {r[0] for r in onet_slice[1]["Occupation Data.txt"]}
    with open(shared_data / "nesta-mcc" / "esco_onet_crosswalk_Nov2020.csv", encoding="utf-8") as fh:
        cw = list(csv.DictReader(fh))
    both = {(r["concept_uri"], r["onet_code"]) for r in cw if r["concept_uri"] in esco_uris and r["onet_code"] in onet_codes}
    assert s.counts["close_matches"] == len(both)
    assert s.dangling["esco_occupation"] + s.dangling.get("onet_code", 0) == len(cw) - len(both)
    # data scientist: seed <-> ESCO <-> O*NET (whichever ends exist)
    assert _count(mem_graph, """SELECT (COUNT(*) AS ?n) WHERE {
      <http://data.europa.eu/esco/occupation/258e46f9-0075-4a2e-adae-1ff0477e0f30>
        <http://www.w3.org/2004/02/skos/core#exactMatch>
        <https://w3id.org/careergraph/id/onet/occupation/15-2051.00> }""") == 1
    assert {r.key for r in list_sources(mem_graph)} == {"esco", "onet", "crosswalk"}


def test_cli_import_sources_drop(run_cli, esco_slice, tmp_path):
    store = str(tmp_path / "store")
    res = run_cli("import", "esco", "--store", store, str(esco_slice[0]))
    assert res.exit_code == 0, res.stderr
    assert "dangling" in res.stderr and "67" in res.stderr and "a9e54177" in res.stderr
    res = run_cli("sources", "--store", store, "--format", "json")
    assert res.exit_code == 0 and '"esco"' in res.stdout
    res = run_cli("drop", "esco", "--store", store)
    assert res.exit_code == 0 and "dropped esco" in res.stderr
    res = run_cli("sources", "--store", store)
    assert res.exit_code == 1
    # errors last: a traceback kept by the in-process runner holds the store's lock
    res = run_cli("import", "esco", "--store", store, str(tmp_path / "store"))
    assert res.exit_code == 2 and "occupations_en.csv" in res.stderr
