"""The MCC importer: job zones, education, experience, training and earnings of ESCO occupations."""

from __future__ import annotations

import hashlib

import pytest
from careergraph.errors import ImportDataError
from careergraph.examples import graph_from_turtle
from careergraph.importers.mcc import MCC_COLS, file_sha256, import_mcc
from careergraph.projection import project
from careergraph.queries import run_query
from careergraph.store import list_sources

E = "http://data.europa.eu/esco/occupation/"
HEADER = "id,occupation,isco_code,job_zone,education_level,related_work_experience,on_the_job_training," \
         "annual_earnings,remote_labor_index,concept_uri\n"
TTL = """
@prefix esco: <http://data.europa.eu/esco/occupation/> .
esco:a a cg:Role ; rdfs:label "A" ; cg:essentialSkill cgs:x .
esco:b a cg:Role ; rdfs:label "B" ; cg:essentialSkill cgs:x .
"""


def write(tmp_path, body, name="mcc_transitions_Occupation_data.csv"):
    p = tmp_path / name
    p.write_text(HEADER + body, encoding="utf-8")
    return p


def test_import_levels_earnings_and_hash(tmp_path):
    g = graph_from_turtle(TTL)
    p = write(tmp_path, f"1,a,2511,4.0,6.5,5.1,3.2,38000.7,,{E}a\n2,b,2512,2.0,3.0,2.0,2.0,,,{E}b\n"
                        f"3,gone,2513,3.0,4.0,4.0,4.0,20000,,{E}gone\n")
    s = import_mcc(g, p)
    assert s.counts["occupations"] == 2 and s.counts["job_zones"] == 2 and s.counts["earnings"] == 1
    assert s.dangling == {"esco_occupation": 1}
    assert [r.key for r in list_sources(g)] == ["mcc"]
    sha = run_query(g, "SELECT ?h WHERE { ?f <https://w3id.org/careergraph/ontology#sha256> ?h }").column("h")
    assert sha == [hashlib.sha256(p.read_bytes()).hexdigest()] == [file_sha256(p)]
    proj = project(g)
    assert proj.levels[E + "a"] == {"job_zone": 4.0, "education": 6.5, "experience": 5.1, "training": 3.2, "via": []}
    (obs,) = proj.salaries[E + "a"]
    assert obs["amount"] == 38001.0 and obs["currency"] == "GBP" and obs["statistic"] == "median"
    assert E + "b" not in proj.salaries


def test_levels_are_inherited_through_matches(tmp_path):
    g = graph_from_turtle(TTL + "cgr:onet a cg:Role ; rdfs:label 'O' ; skos:closeMatch <" + E + "a> , <" + E + "b> .\n")
    import_mcc(g, write(tmp_path, f"1,a,1,4.0,6.0,,,,,{E}a\n2,b,1,2.0,4.0,,,,,{E}b\n"))
    lv = project(g).levels["https://w3id.org/careergraph/id/role/onet"]
    assert lv["job_zone"] == 3.0 and lv["education"] == 5.0 and lv["via"] == [E + "a", E + "b"]


@pytest.mark.parametrize("body, match", [
    (f"1,a,1,6.0,1,1,1,1,,{E}a\n", "job_zone '6.0' is outside its scale"),
    (f"1,a,1,x,1,1,1,1,,{E}a\n", "job_zone 'x' is not a number"),
    (f"1,a,1,2,1,1,1,-5,,{E}a\n", "annual_earnings"),
    (f"1,a,1,2,1,1,1,1,{E}a\n", r"mcc_transitions_Occupation_data.csv:2: 9 fields, the header has 10"),
    ("1,a,1,2,1,1,1,1,,http://example.org/a\n", "is not an ESCO occupation IRI"),
    (f"1,nobody,1,2,1,1,1,1,,{E}zzz\n", "import ESCO first"),
])
def test_bad_rows_name_file_and_line(tmp_path, body, match):
    with pytest.raises(ImportDataError, match=match):
        import_mcc(graph_from_turtle(TTL), write(tmp_path, body))


def test_bad_files(tmp_path):
    g = graph_from_turtle(TTL)
    with pytest.raises(ImportDataError, match="does not exist"):
        import_mcc(g, tmp_path / "none.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("concept_uri,job_zone\nx,1\n", encoding="utf-8")
    with pytest.raises(ImportDataError, match="missing: occupation"):
        import_mcc(g, bad)
    assert MCC_COLS[0] == "concept_uri"


def test_cli_import_mcc(run_cli, tmp_path, shared_data):
    store = tmp_path / "store"
    res = run_cli("import", "--store", str(store), "mcc",
                  str(shared_data / "nesta-mcc" / "mcc_transitions_Occupation_data.csv"))
    assert res.exit_code == 2 and "import ESCO first" in res.stderr
    assert run_cli("import", "mcc", "--help").stdout.rstrip().endswith("mcc_transitions_Occupation_data.csv")
