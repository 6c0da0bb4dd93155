"""Importers on a deterministic slice of the real ESCO / O*NET / crosswalk files.

The slice is cut at test time from ``shared_data`` into ``tmp_path`` (never
committed): ESCO occupations of ISCO unit groups 2511 and 2512 plus the
occupation missing from occupations_en.csv; O*NET codes 15-2*. Expected
counts are derived independently with the csv module.
"""

from __future__ import annotations

import csv
import io
import signal
import subprocess
import sys
import textwrap
import threading
import time
import zipfile
from pathlib import Path

import pyoxigraph as ox
import pytest

from careergraph import projection
from careergraph.backends import embedded
from careergraph.errors import ImportDataError
from careergraph.importers import import_crosswalk, import_esco, import_onet
from careergraph.queries import run_query
from careergraph.store import list_sources, open_graph
from careergraph.validate import validate

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


def test_failed_import_leaves_no_new_store(run_cli, tmp_path):
    bad = tmp_path / "crosswalk.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    missing = tmp_path / "new-store"
    res = run_cli("import", "crosswalk", "--store", str(missing), str(bad))
    assert res.exit_code == 2 and "unexpected columns" in res.stderr
    assert not missing.exists()  # the store it would have created is gone again
    empty = tmp_path / "empty"
    empty.mkdir()
    res = run_cli("import", "crosswalk", "--store", str(empty), str(bad))
    assert res.exit_code == 2 and list(empty.iterdir()) == []  # the folder stays, as empty as it was


# -- verified sources, the shrink guard, interrupts ---------------------------------------------------

def _copy(folder: Path, to: Path) -> Path:
    to.mkdir()
    for p in folder.iterdir():
        (to / p.name).write_bytes(p.read_bytes())
    return to


def _cut_mid_row(path: Path) -> int:
    """Cut a file in the middle of its last-but-five row; return that row's line number."""
    lines = path.read_bytes().splitlines(keepends=True)
    keep = len(lines) - 5
    path.write_bytes(b"".join(lines[:keep]) + lines[keep][: len(lines[keep]) // 2])
    return keep + 1


def _generation(store: Path) -> str:
    return (store / "current-generation").read_text().strip()


def test_a_row_cut_short_names_file_and_line(esco_slice, onet_slice, tmp_path):
    store = tmp_path / "store"
    g = open_graph(store, create=True)
    import_onet(g, onet_slice[0], projection=False)
    before = (_generation(store), [r.triples for r in list_sources(g)])
    bad = _copy(onet_slice[0], tmp_path / "onet-cut")
    line = _cut_mid_row(bad / "Skills.txt")
    with pytest.raises(ImportDataError, match=rf"Skills\.txt:{line}: .*cut"):
        import_onet(g, bad)
    # a row missing a field in the middle of a file is caught too, with its line
    bad2 = _copy(onet_slice[0], tmp_path / "onet-field")
    rows = (bad2 / "Technology Skills.txt").read_text(encoding="utf-8").split("\n")
    rows[3] = rows[3].rsplit("\t", 1)[0]
    (bad2 / "Technology Skills.txt").write_text("\n".join(rows), encoding="utf-8")
    with pytest.raises(ImportDataError, match=r"Technology Skills\.txt:4: 5 fields where the header has 6"):
        import_onet(g, bad2)
    assert (_generation(store), [r.triples for r in list_sources(g)]) == before  # nothing replaced
    g.close()
    esco_cut = _copy(esco_slice[0], tmp_path / "esco-cut")
    line = _cut_mid_row(esco_cut / "occupationSkillRelations.csv")
    with pytest.raises(ImportDataError, match=rf"occupationSkillRelations\.csv:{line}:"):
        import_esco(open_graph(), [esco_cut])


def _graph_nt(g, graph: str) -> list[str]:
    buf = io.BytesIO()
    g.dump(buf, format=ox.RdfFormat.N_TRIPLES, graph=graph)
    return sorted(buf.getvalue().decode("utf-8").splitlines())


def test_a_store_loads_the_import_while_it_is_written(esco_slice, tmp_path, monkeypatch):
    monkeypatch.setattr(embedded, "CHUNK_BYTES", 64 << 10)  # the slice in many pieces
    loads: list[str] = []
    real = embedded._interruptibly

    def counting(fn, *a, **k):
        if getattr(fn, "__name__", "") == "bulk_load":
            loads.append(threading.current_thread().name)
        return real(fn, *a, **k)

    monkeypatch.setattr(embedded, "_interruptibly", counting)
    store = tmp_path / "store"
    g = open_graph(store, create=True)
    s = import_esco(g, [esco_slice[0]], projection=False)
    mem = open_graph()
    import_esco(mem, [esco_slice[0]], projection=False)
    assert len(loads) > 3 and set(loads) == {"careergraph-build"}  # loaded piece by piece, beside the writer
    assert _graph_nt(g, s.graph) == _graph_nt(mem, s.graph) and len(_graph_nt(g, s.graph)) == s.triples
    # a row cut short near the end is found after pieces were loaded: the store is unchanged, nothing is left
    gen, folders = _generation(store), sorted((store / "generations").iterdir())
    cut = _copy(esco_slice[0], tmp_path / "cut")
    line = _cut_mid_row(cut / "occupationSkillRelations.csv")
    loads.clear()

    def after_a_piece(msg: str) -> None:  # the last file is read once a piece is in the new generation
        deadline = time.monotonic() + 5
        while msg == "reading occupationSkillRelations.csv" and not loads and time.monotonic() < deadline:
            time.sleep(0.01)

    with pytest.raises(ImportDataError, match=rf"occupationSkillRelations\.csv:{line}:"):
        import_esco(g, [cut], projection=False, progress=after_a_piece)
    assert loads and _generation(store) == gen and [r.triples for r in list_sources(g)] == [s.triples]
    assert sorted((store / "generations").iterdir()) == folders
    deadline = time.monotonic() + 2
    while any(t.name == "careergraph-build" for t in threading.enumerate()):
        assert time.monotonic() < deadline, "the build's worker thread is still running"
        time.sleep(0.01)
    g.close()


def test_missing_files_are_named(esco_slice, onet_slice, tmp_path):
    only = tmp_path / "onet-only"
    only.mkdir()
    (only / "Occupation Data.txt").write_bytes((onet_slice[0] / "Occupation Data.txt").read_bytes())
    with pytest.raises(ImportDataError) as err:
        import_onet(open_graph(), only)
    assert all(n in str(err.value) for n in ("Skills.txt", "Technology Skills.txt", "Related Occupations.txt"))
    esco = _copy(esco_slice[0], tmp_path / "esco-part")
    (esco / "skillGroups_en.csv").unlink()
    with pytest.raises(ImportDataError, match="missing .*skillGroups_en.csv"):
        import_esco(open_graph(), [esco])


def test_a_damaged_zip_says_so(esco_slice, tmp_path):
    z = tmp_path / ESCO_ZIPS[0]
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in esco_slice[0].iterdir():
            zf.write(p, p.name)
    data = z.read_bytes()
    cut = tmp_path / "cut" / ESCO_ZIPS[0]
    cut.parent.mkdir()
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImportDataError, match="damaged zip archive \\(truncated or corrupt"):
        import_esco(open_graph(), [cut])
    # flip bytes inside one member's compressed data: its CRC (or the deflate stream) fails
    with zipfile.ZipFile(z) as zf:
        info = zf.getinfo("occupations_en.csv")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    broken = bytearray(data)
    for i in range(start + 200, start + 260):
        broken[i] ^= 0x55
    bad = tmp_path / "bad" / ESCO_ZIPS[0]
    bad.parent.mkdir()
    bad.write_bytes(bytes(broken))
    with pytest.raises(ImportDataError, match=r"occupations_en\.csv.*damaged archive member"):
        import_esco(open_graph(), [bad])


def _half_skills(folder: Path, to: Path) -> Path:
    out = _copy(folder, to)
    lines = (out / "Skills.txt").read_text(encoding="utf-8").splitlines(keepends=True)
    (out / "Skills.txt").write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")
    return out


def test_the_shrink_guard_and_allow_shrink(onet_slice, tmp_path, run_cli):
    store = tmp_path / "store"
    g = open_graph(store, create=True)
    first = import_onet(g, onet_slice[0], projection=False)
    gen = _generation(store)
    half = _half_skills(onet_slice[0], tmp_path / "onet-half")  # whole rows: only the guard can tell
    with pytest.raises(ImportDataError) as err:
        import_onet(g, half)
    msg = str(err.value)
    held = first.counts["skill_requirements"] + first.counts["technology_requirements"]
    assert f"where the store holds {held:,}" in msg and "--allow-shrink" in msg and "unchanged" in msg
    assert _generation(store) == gen and [r.triples for r in list_sources(g)] == [first.triples]
    g.close()
    res = run_cli("import", "onet", "--store", str(store), str(half))
    assert res.exit_code == 2 and "Refusing to replace onet" in res.stderr
    assert _generation(store) == gen
    res = run_cli("import", "onet", "--store", str(store), "--allow-shrink", "--no-projection", str(half))
    assert res.exit_code == 0, res.stderr
    assert "warning: the import shrank onet: requirement links" in res.stderr
    assert _generation(store) != gen


def test_the_import_builds_the_projection_cache(esco_slice, tmp_path, monkeypatch):
    store = tmp_path / "store"
    said: list[str] = []
    s = import_esco(open_graph(store, create=True), [esco_slice[0]], progress=said.append)
    assert s.projection_seconds > 0 and any("projection" in m for m in said)

    def no_build(*_a, **_k):
        raise AssertionError("the projection was built again")

    monkeypatch.setattr(projection, "build", no_build)
    projection.forget()
    p = projection.project(open_graph(str(store) + "/"))  # another spelling of the folder: the same cache
    assert len(p.roles) >= esco_slice[1]["occupations"]


_CTRL_C = textwrap.dedent("""
    import sys, time
    import careergraph.backends.embedded as e
    real = e._interruptibly
    def slow(fn, *a, **k):  # a bulk load of a big source: seconds inside one Rust call
        if getattr(fn, "__name__", "") == "bulk_load":
            def late(*a, **k):
                print("test: a bulk load begins", file=sys.stderr, flush=True)
                time.sleep(20)
                return fn(*a, **k)
            return real(late, *a, **k)
        return real(fn, *a, **k)
    e._interruptibly = slow
    from careergraph.cli import main
    main(sys.argv[1:])
""")


def test_ctrl_c_says_import_aborted_store_unchanged(esco_slice, tmp_path):
    store = tmp_path / "store"
    g = open_graph(store, create=True)
    import_esco(g, [esco_slice[0]], projection=False)
    gen, before = _generation(store), [r.triples for r in list_sources(g)]
    g.close()
    proc = subprocess.Popen([sys.executable, "-c", _CTRL_C, "import", "esco", "--store", str(store),
                             str(esco_slice[0])], stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        for line in proc.stderr:
            if "test: a bulk load begins" in line:
                break
            assert time.monotonic() < deadline
        proc.send_signal(signal.SIGINT)
        sent = time.monotonic()
        proc.wait(timeout=20)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    rest = proc.stderr.read()
    assert proc.returncode == 130 and "error: import aborted; store unchanged" in rest, rest
    assert took < 2, f"Ctrl-C took {took:.1f} s"
    g = open_graph(store)
    assert _generation(store) == gen and [r.triples for r in list_sources(g)] == before
    g.close()


def test_an_imported_store_validates_alike_with_both_engines(esco_slice, onet_slice, shared_data, tmp_path,
                                                              run_cli):
    g = open_graph()
    import_esco(g, [esco_slice[0]])
    import_onet(g, onet_slice[0])
    import_crosswalk(g, shared_data / "nesta-mcc" / "esco_onet_crosswalk_Nov2020.csv")
    py = validate(g, queries=False, engine="pyshacl")
    sq = validate(g, queries=False, engine="sparql")
    assert sorted((v.check, v.focus) for v in py.violations) == sorted((v.check, v.focus) for v in sq.violations)
    # imported requirements and moves say the file states them (cg:evidence cg:Stated)
    assert not {"cgsh:Evidence-kind", "cgsh:Transition-kind"} & sq.checks(), sq.text()[:2000]
    store = tmp_path / "store"
    import_onet(open_graph(store, create=True), onet_slice[0], projection=False)
    res = run_cli("validate", "--store", str(store), "--format", "json")
    assert "shapes by sparql" in res.stderr and res.exit_code in (0, 1), res.stderr
