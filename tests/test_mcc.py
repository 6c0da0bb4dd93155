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
    assert run_cli("import", "mcc", "--help").stdout.rstrip().endswith("mcc_skills_based_sectors_All_ESCO.csv")


SECTORS_HEADER = "id,occupation,isco_code,skills_based_sector_code,sub_sector_code,skills_based_sector,sub_sector," \
                 "concept_uri\n"
LEVELS_WITH_SECTORS = "id,occupation,isco_code,skills_based_sector_code,skills_based_sector,sub_sector_code," \
                      "sub_sector,job_zone,education_level,related_work_experience,on_the_job_training," \
                      "annual_earnings,concept_uri\n"


def clusters(g):
    q = """SELECT ?occ ?sub ?subLabel ?sec ?secLabel WHERE {
      ?occ <https://w3id.org/careergraph/ontology#skillsCluster> ?s .
      ?s <http://www.w3.org/2004/02/skos/core#notation> ?sub ; <http://www.w3.org/2000/01/rdf-schema#label> ?subLabel ;
         <http://www.w3.org/2004/02/skos/core#broader> ?p ;
         <http://www.w3.org/2004/02/skos/core#inScheme> ?scheme .
      ?p <http://www.w3.org/2004/02/skos/core#notation> ?sec ; <http://www.w3.org/2000/01/rdf-schema#label> ?secLabel ;
         <http://www.w3.org/2004/02/skos/core#inScheme> ?scheme .
    } ORDER BY ?occ"""
    return [(r["occ"].rsplit("/", 1)[-1], r["sub"], r["subLabel"], r["sec"], r["secLabel"])
            for r in run_query(g, q).rows]


def test_sectors_file_alone_gives_clusters_and_the_clusters_block(tmp_path):
    g = graph_from_turtle(TTL + "esco:c a cg:Role ; rdfs:label 'C' ; cg:essentialSkill cgs:y .\n")
    p = tmp_path / "mcc_skills_based_sectors_All_ESCO.csv"
    p.write_text(SECTORS_HEADER + f"0,a,2511,12,12.1,ict workers,software developers,{E}a\n"
                 f"1,b,2512,12,12.2,ict workers,ict technicians,{E}b\n2,c,1,4,4.1,manufacturing workers,"
                 f"metal workers,{E}c\n3,gone,1,4,4.1,manufacturing workers,metal workers,{E}gone\n", encoding="utf-8")
    s = import_mcc(g, [p])
    assert s.counts["sector_occupations"] == 3 and s.counts["sectors"] == 2 and s.counts["sub_sectors"] == 3
    assert s.counts["occupations"] == 0 and s.counts["earnings"] == 0
    assert s.dangling == {"esco_occupation": 1}
    # no earnings, so no earnings source; the import's record says what it read
    assert run_query(g, "SELECT ?s WHERE { ?s a <https://w3id.org/careergraph/ontology#Source> }").rows == []
    labels = run_query(g, "SELECT ?l WHERE { ?d <http://www.w3.org/2000/01/rdf-schema#label> ?l . "
                          "FILTER(CONTAINS(?l, 'Causeways')) }").column("l")
    assert "Nesta Mapping Career Causeways skills-based sectors" in labels
    assert not any("earnings" in str(x) or "occupation data" in str(x) for x in labels)
    assert clusters(g) == [("a", "12.1", "software developers", "12", "ict workers"),
                           ("b", "12.2", "ict technicians", "12", "ict workers"),
                           ("c", "4.1", "metal workers", "4", "manufacturing workers")]
    proj = project(g)
    x = proj.features["clusters"].toarray()
    ia, ib, ic = (proj.role_index[E + k] for k in "abc")
    assert (x[ia] @ x[ib]) == 1 and (x[ia] @ x[ia]) == 2 and (x[ia] @ x[ic]) == 0  # one shared sector of two groups
    rows = [(r["code"], r["label"], r["sector"], r["roles"]) for r in run_query(g, "skills-clusters").rows]
    assert rows == [("12", "ict workers", None, 2),  # biggest first, then by code (as text)
                    ("12.1", "software developers", "ict workers", 1), ("12.2", "ict technicians", "ict workers", 1),
                    ("4", "manufacturing workers", None, 1), ("4.1", "metal workers", "manufacturing workers", 1)]


def both_files(tmp_path):
    """An occupation data file naming a (with its sector) and a sectors file naming a and b."""
    levels = tmp_path / "mcc_transitions_Occupation_data.csv"
    levels.write_text(LEVELS_WITH_SECTORS + f"1,a,2511,12,ict workers,12.1,software developers,4.0,6.5,5.1,3.2,"
                      f"38000,{E}a\n", encoding="utf-8")
    sectors = tmp_path / "mcc_skills_based_sectors_All_ESCO.csv"
    sectors.write_text(SECTORS_HEADER + f"0,a,2511,12,12.1,ict workers,software developers,{E}a\n"
                       f"1,b,2512,12,12.2,ict workers,ict technicians,{E}b\n", encoding="utf-8")
    return levels, sectors


def test_both_files_in_one_import_and_their_agreement(tmp_path):
    g = graph_from_turtle(TTL)
    levels, sectors = both_files(tmp_path)
    s = import_mcc(g, [levels, sectors])
    assert s.counts["occupations"] == 1 and s.counts["earnings"] == 1 and s.counts["sector_occupations"] == 2
    assert [c[:2] for c in clusters(g)] == [("a", "12.1"), ("b", "12.2")]
    sha = run_query(g, "SELECT ?h WHERE { ?f <https://w3id.org/careergraph/ontology#sha256> ?h } ORDER BY ?h")
    assert sorted(sha.column("h")) == sorted(file_sha256(f) for f in (levels, sectors))
    # the occupation data file's own sector columns count too, and must agree with the sectors file
    other = tmp_path / "other" / "mcc_skills_based_sectors_All_ESCO.csv"
    other.parent.mkdir()
    other.write_text(SECTORS_HEADER + f"0,a,2511,12,12.2,ict workers,ict technicians,{E}a\n", encoding="utf-8")
    before = clusters(g)
    with pytest.raises(ImportDataError, match=r"mcc_transitions_Occupation_data.csv:2: sub-sector 12.1 of .*a, "
                                              r"but .*mcc_skills_based_sectors_All_ESCO.csv:2 says 12.2"):
        import_mcc(g, [levels, other])
    with pytest.raises(ImportDataError, match="a second sectors file"):
        import_mcc(g, [sectors, other])
    assert clusters(g) == before  # the store is unchanged


@pytest.mark.parametrize("row, match", [
    (f"0,a,1,x,x.1,s,t,{E}a\n", "skills_based_sector_code 'x' is not a sector code"),
    (f"0,a,1,12,4.1,s,t,{E}a\n", "sub_sector_code '4.1' is not a sub-sector of sector '12'"),
    (f"0,a,1,12,12,s,t,{E}a\n", "sub_sector_code '12' is not a sub-sector"),
    (f"0,a,1,12,12.1,,t,{E}a\n", "a sector code without its name"),
    (f"0,a,1,12,12.1,s,t\n", r"sectors.csv:2: 7 fields, the header has 8"),
])
def test_bad_sector_rows_name_file_and_line(tmp_path, row, match):
    g = graph_from_turtle(TTL)
    p = tmp_path / "sectors.csv"
    p.write_text(SECTORS_HEADER + row, encoding="utf-8")
    with pytest.raises(ImportDataError, match=match):
        import_mcc(g, p)


def test_cli_imports_both_real_files(run_cli, tmp_path, shared_data):
    """The real files, against a store holding just the occupations they name (no ESCO import needed)."""
    import csv

    d = shared_data / "nesta-mcc"
    with open(d / "mcc_skills_based_sectors_All_ESCO.csv", encoding="utf-8") as fh:
        uris = [r["concept_uri"] for r in csv.DictReader(fh)]
    import pyoxigraph as ox
    from careergraph import open_graph

    nt = tmp_path / "occupations.nt"
    nt.write_text("".join(f"<{u}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
                          f"<https://w3id.org/careergraph/ontology#Role> .\n" for u in uris[:300]), encoding="utf-8")
    store = tmp_path / "store"
    g = open_graph(store, create=True)
    g.load(nt, graph="https://w3id.org/careergraph/graph/test", format=ox.RdfFormat.N_TRIPLES)
    g.close()
    res = run_cli("import", "--store", str(store), "mcc", "--no-projection", "--format", "json",
                  str(d / "mcc_transitions_Occupation_data.csv"), str(d / "mcc_skills_based_sectors_All_ESCO.csv"))
    assert res.exit_code == 0, res.stderr
    assert '"sector_occupations": 300' in res.stdout and '"sectors": 14' in res.stdout


def test_dropping_the_sectors_file_from_a_re_import_is_refused_by_the_shrink_guard(tmp_path):
    g = graph_from_turtle(TTL)
    levels, sectors = both_files(tmp_path)
    import_mcc(g, [levels, sectors])
    with pytest.raises(ImportDataError, match="skills-cluster memberships 1 where the store holds 2"):
        import_mcc(g, levels)
    assert [c[0] for c in clusters(g)] == ["a", "b"]
    s = import_mcc(g, levels, allow_shrink=True)
    assert [c[0] for c in clusters(g)] == ["a"] and any("skills-cluster" in w for w in s.warnings)
