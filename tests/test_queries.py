"""Tests of the SPARQL query library: every .rq file's form, golden results on the
seed graph (values read from the seed text and ontology/data/*.ttl), and the
runner's behaviour on bad input."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from careergraph import CareerGraph
from careergraph.backends import memory_backend
from careergraph.errors import InvalidParameter, QueryError, QueryNotFound, RoleNotFound
from careergraph.queries import RowLimitExceeded, check_read_only, fetch_results, list_queries, load_query, run_query

REPO = Path(__file__).resolve().parents[1]
QUERY_FILES = sorted((REPO / "queries").glob("*.rq"))
CG = "https://w3id.org/careergraph/ontology#"
CGR = "https://w3id.org/careergraph/id/role/"
CGS = "https://w3id.org/careergraph/id/skill/"
CGID = "https://w3id.org/careergraph/id/"

MLS = "Machine Learning Scientist"


def _mine(path: Path) -> bool:
    return not path.stem.startswith("project-") and not path.stem.endswith("-violation")


def _select_clause(text: str) -> str:
    body = "\n".join(ln for ln in text.splitlines() if not ln.lstrip().startswith("#"))
    m = re.search(r"\bSELECT\b(.*?)\bWHERE\b", body, re.S | re.I)
    assert m, "no top-level SELECT ... WHERE"
    return m.group(1)


def run(graph, name, **params):
    """A library query with names bound by the Resolver, as the CLI and the HTTP API bind them."""
    return CareerGraph(graph=graph).query(name, params)


def rows_by(res, key):
    return {r[key]: r for r in res.rows}


# --------------------------------------------------------------------------
# Form of every .rq file
# --------------------------------------------------------------------------

def test_query_folder_is_populated():
    assert len([p for p in QUERY_FILES if _mine(p)]) >= 18


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_query_parses_as_is_on_an_empty_store(path):
    # A bare pyoxigraph store knows no prefixes: the file's own PREFIX block must do.
    ox.Store().query(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_query_parses_through_the_runner(path):
    empty = memory_backend([])
    res = run_query(empty, load_query(path).text)
    assert res.vars or res.ask is not None


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_query_header(path):
    text = path.read_text(encoding="utf-8")
    assert re.match(r"^[a-z0-9]+(-[a-z0-9]+)*\.rq$", path.name), "query names are kebab-case"
    lines = text.splitlines()
    assert lines[0].startswith("#+ summary:"), "first line must be '#+ summary: ...'"
    qf = load_query(path)
    assert qf.summary and qf.description and qf.tags
    assert any(ln.strip().lower().startswith("# parameters") for ln in lines), "missing '# Parameters:'"
    first_code = next(ln for ln in lines if ln.strip() and not ln.startswith("#"))
    assert first_code.startswith("PREFIX "), "the PREFIX block must follow the header"
    declared = set(re.findall(r"^PREFIX\s+([\w-]*):", text, re.M))
    body = "\n".join(ln for ln in lines if not ln.startswith("#") and not ln.startswith("PREFIX"))
    used = set(re.findall(r"(?<![\w<\"?])([a-z][\w-]*):[A-Za-z_]", body))
    assert used <= declared, f"prefixes used but not declared: {used - declared}"


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_declared_parameters_are_in_query_and_select_list(path):
    qf = load_query(path)
    select = _select_clause(qf.text)
    body = "\n".join(ln for ln in qf.text.splitlines() if not ln.startswith("#"))
    for p in qf.parameters:
        assert p.kind in {"role", "skill", "degree", "field", "industry", "entity", "iri", "string",
                          "integer", "decimal"}
        assert p.description, f"parameter {p.name} has no description"
        assert re.search(rf"\?{p.name}\b", body), f"?{p.name} is not used in the query"
        assert re.search(rf"\?{p.name}\b", select), (
            f"?{p.name} must be in the SELECT list (Oxigraph binds only projected variables)")
        # BOUND(?param) is constant-folded to false by Oxigraph when the value is substituted.
        assert not re.search(rf"BOUND\s*\(\s*\?{p.name}\b", body, re.I)


@pytest.mark.parametrize("path", [p for p in QUERY_FILES if _mine(p)], ids=lambda p: p.stem)
def test_my_queries_are_read_only_selects(path):
    assert re.search(r"^\s*SELECT\b", path.read_text(encoding="utf-8"), re.M)


def test_list_queries_finds_the_library():
    names = [q.name for q in list_queries()]
    user = [n for n in names if not n.startswith("project-") and not n.endswith("-violation")]
    assert len(user) >= 15
    for required in ("list-roles", "list-skills", "skills-of-role", "roles-requiring-skill"):
        assert required in names


def test_query_catalogue_is_up_to_date():
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "gen_query_docs.py"), "--check"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr + " (regenerate docs/queries.md)"


def test_query_catalogue_lists_every_query_with_an_example():
    doc = (REPO / "docs" / "queries.md").read_text(encoding="utf-8")
    for path in QUERY_FILES:
        assert f"### `{path.stem}`" in doc
    assert 'careergraph query skills-of-role --param role="Machine Learning Scientist"' in doc


# --------------------------------------------------------------------------
# Golden results on the seed graph
# --------------------------------------------------------------------------

def test_list_roles(seed_graph):
    res = run(seed_graph, "list-roles")
    by = rows_by(res, "label")
    assert len(res) >= 20
    assert by["Junior ML Engineer"]["track"] == "Machine Learning Engineer track"
    assert by["Junior ML Engineer"]["level"] == 1
    assert by["Research Director"]["level"] == 4
    assert by[MLS]["track"] is None and by[MLS]["dataset"] == "seed"
    assert set(res.column("dataset")) == {"seed"}


def test_list_roles_dataset_filter(seed_graph):
    assert len(run(seed_graph, "list-roles", dataset="seed")) == len(run(seed_graph, "list-roles"))
    assert len(run(seed_graph, "list-roles", dataset="esco")) == 0


def test_list_skills(seed_graph):
    res = run(seed_graph, "list-skills")
    by = rows_by(res, "label")
    assert by["PyTorch"]["kind"] == "framework or tool"
    assert by["Python"]["kind"] == "programming language"
    assert by["Communication"]["kind"] == "soft skill"
    assert by["PyTorch"]["roles"] >= 4  # ML Scientist, ML Engineer, Data Scientist, AI Research Scientist
    counts = res.column("roles")
    assert counts == sorted(counts, reverse=True)


def test_skills_of_role(seed_graph):
    res = run(seed_graph, "skills-of-role", role=MLS)
    by = rows_by(res, "label")
    for skill in ("Python", "PyTorch", "TensorFlow", "Statistics", "Linear Algebra", "Communication"):
        assert by[skill]["requirement"] == "essential", skill
    assert by["Python"]["kind"] == "programming language"
    levels = res.column("requirement")
    assert levels == sorted(levels, key=["essential", "optional", "unspecified"].index), "essential first"
    assert {r["role"] for r in res.rows} == {CGR + "machine-learning-scientist"}


def test_skills_of_role_by_alt_label_and_curie(seed_graph):
    a = run(seed_graph, "skills-of-role", role="ML Scientist")
    b = run(seed_graph, "skills-of-role", role="cgr:machine-learning-scientist")
    assert a.rows == b.rows and len(a) > 20


def test_roles_requiring_skill(seed_graph):
    res = run(seed_graph, "roles-requiring-skill", skill="PyTorch")
    labels = set(res.column("label"))
    assert {MLS, "Machine Learning Engineer", "Data Scientist", "AI Research Scientist"} <= labels
    assert all(r["dataset"] == "seed" for r in res.rows)


def test_roles_requiring_skill_with_degree(seed_graph):
    # "Which roles need PyTorch and a PhD": only the ML Scientist names a Ph.D. (preferred, typical).
    res = run(seed_graph, "roles-requiring-skill", skill="PyTorch", degree="PhD")
    assert res.column("label") == [MLS]
    assert set(res.rows[0]["education"].split(", ")) == {"preferred", "typical"}
    assert res.rows[0]["degree"] == CGID + "degree/phd"


def test_roles_requiring_skill_and_degree(seed_graph):
    res = run(seed_graph, "roles-requiring-skill-and-degree", skill="PyTorch", degree="PhD")
    assert set(res.column("label")) == {MLS}
    assert set(res.column("education")) == {"preferred", "typical"}
    typical = next(r for r in res.rows if r["education"] == "typical")
    assert {"Machine Learning", "Computer Science", "Robotics", "Physics", "Mathematics"} <= set(
        typical["fields"].split(", "))
    bachelor = run(seed_graph, "roles-requiring-skill-and-degree", skill="Python", degree="bachelor")
    assert MLS in bachelor.column("label")


def test_shared_skills(seed_graph):
    res = run(seed_graph, "shared-skills", role=MLS, other="Data Scientist")
    labels = set(res.column("label"))
    assert {"PyTorch", "TensorFlow", "Statistics", "Mathematics"} <= labels
    assert all(r["roleRequirement"] and r["otherRequirement"] for r in res.rows)
    assert len(run(seed_graph, "shared-skills", role=MLS, other=MLS)) == 0


def test_ladder_above(seed_graph):
    res = run(seed_graph, "ladder-above", role="Junior ML Engineer")
    assert [(r["label"], r["distance"]) for r in res.rows] == [("Senior ML Engineer", 1), ("Lead ML Engineer", 2)]
    assert len(run(seed_graph, "ladder-above", role="Lead ML Engineer")) == 0


def test_ladder_below(seed_graph):
    res = run(seed_graph, "ladder-below", role="Research Director")
    assert [(r["label"], r["distance"]) for r in res.rows] == [
        ("Senior Research Scientist", 1), ("ML Researcher", 2), ("Research Assistant", 3)]
    res = run(seed_graph, "ladder-below", role="Director of ML Products")
    assert res.column("label") == ["Senior Product Manager", "ML Product Manager"]


def test_reachable_roles(seed_graph):
    res = run(seed_graph, "reachable-roles", role="Software Engineer")
    by = rows_by(res, "label")
    # entry into the first rung of all four ladders, then every rung above
    for top in ("Lead ML Engineer", "Research Director", "ML Solutions Architect", "Director of ML Products"):
        assert by[top]["direct"] is False
    for first in ("Junior ML Engineer", "Research Assistant", "ML Analyst", "ML Product Manager"):
        assert by[first]["direct"] is True and by[first]["moves"] == "entry move"
    assert len(res) == 14
    lateral = run(seed_graph, "reachable-roles", role="Machine Learning Engineer")
    assert rows_by(lateral, "label")[MLS]["moves"] == "lateral move"


def test_entry_routes(seed_graph):
    res = run(seed_graph, "entry-routes")
    assert len(res) == 12  # software engineering, data science, computer engineering -> 4 first rungs
    assert set(res.column("fromName")) == {"Software Engineer", "Data Scientist", "Computer Engineer"}
    one = run(seed_graph, "entry-routes", role="Research Assistant")
    assert sorted(one.column("fromName")) == ["Computer Engineer", "Data Scientist", "Software Engineer"]
    assert set(one.column("section")) == {"Career Development"}


def test_education_for_role(seed_graph):
    res = run(seed_graph, "education-for-role", role=MLS)
    got = [(r["requirement"], r["degree"].rsplit("/", 1)[-1]) for r in res.rows]
    assert got[0] == ("minimum", "bachelor")
    assert {("preferred", "master"), ("preferred", "phd"), ("typical", "phd")} <= set(got)
    minimum = res.rows[0]
    assert minimum["rank"] == 1
    assert {"Computer Science", "Mathematics", "Statistics", "Physics"} <= set(minimum["fields"].split(", "))


def test_salaries_of_role(seed_graph):
    res = run(seed_graph, "salaries-of-role", role=MLS)
    rows = [(r["source"], r["statistic"], r["amount"]) for r in res.rows]
    assert ("ZipRecruiter", "mean", 142418.0) in rows
    median = next(r for r in res.rows if r["source"] == "aijobs.net" and r["statistic"] == "median")
    assert median["amount"] == 158750.0 and median["sampleSize"] == 210
    assert next(r for r in res.rows if r["source"] == "6figr.com" and r["statistic"] == "mean")["sampleSize"] == 95
    p25 = next(r for r in res.rows if r["source"] == "ZipRecruiter" and r["percentile"] == 25)
    assert p25["amount"] == 123500.0
    # "Top 10%: Up to $256,500" is the top decile's upper end, a top-earners figure, not percentile 90 (issue 12)
    top = next(r for r in res.rows if r["source"] == "aijobs.net" and r["statistic"] == "top earners")
    assert (top["amount"], top["comparator"], top["region"], top["percentile"]) == (256500.0, "upTo", "Global", None)
    nyc = next(r for r in res.rows if r["region"] == "New York City")
    assert nyc["amount"] == 26142.0
    assert {r["currency"] for r in res.rows} == {"USD"} and {r["year"] for r in res.rows} == {"2024"}
    assert set(res.column("section")) == {"Salary Ranges (US Market, 2024)"}


def test_salaries_of_role_source_filter(seed_graph):
    res = run(seed_graph, "salaries-of-role", role=MLS, source="ZipRecruiter")
    assert set(res.column("source")) == {"ZipRecruiter"}
    assert sorted(res.column("amount")) == [78500.0, 123500.0, 142418.0, 158500.0, 186000.0, 199500.0]


def test_salaries_of_other_roles(seed_graph):
    eng = run(seed_graph, "salaries-of-role", role="Machine Learning Engineer")
    amounts = set(eng.column("amount"))
    assert {112000.0, 157000.0, 189477.0} <= amounts
    built_in = next(r for r in eng.rows if r["amount"] == 189477.0)
    assert built_in["source"] == "Built In" and built_in["minExperienceYears"] == 7
    ds = run(seed_graph, "salaries-of-role", role="Data Scientist")
    assert 176213.0 in ds.column("amount")


def test_salary_spread(seed_graph):
    res = run(seed_graph, "salary-spread")
    by = rows_by(res, "label")
    mls = by[MLS]
    assert (mls["minCentral"], mls["maxCentral"], mls["sources"]) == (142418.0, 229000.0, 3)
    assert mls["spread"] == pytest.approx(229000 - 142418)
    assert by["Data Scientist"]["spread"] == 0
    one = run(seed_graph, "salary-spread", role=MLS)
    assert one.column("label") == [MLS]


def test_industries_of_role(seed_graph):
    res = run(seed_graph, "industries-of-role", role=MLS)
    kinds = {(r["kind"], r["name"]) for r in res.rows}
    assert {("industry", "Finance"), ("industry", "Healthcare"), ("industry", "Retail")} <= kinds
    assert {("sector", "Academia"), ("sector", "Tech companies"), ("sector", "Research institutions")} <= kinds
    apps = {r["name"]: r["industry"] for r in res.rows if r["kind"] == "application"}
    assert apps["Predictive diagnosis"] == "Healthcare"
    assert apps["Predictive maintenance"] == "Manufacturing"


def test_soft_skills_of_role(seed_graph):
    res = run(seed_graph, "soft-skills-of-role", role=MLS)
    labels = set(res.column("label"))
    assert {"Communication", "Creativity", "Time Management", "Emotional Intelligence", "Strategic Thinking"} <= labels
    assert "Python" not in labels


def test_market_indicators(seed_graph):
    res = run(seed_graph, "market-indicators")
    got = {(r["metric"], r["value"]) for r in res.rows}
    assert {("compound annual growth rate", 36.2), ("market size", 26.03), ("market size", 225.91),
            ("annual job growth", 74.0)} <= got
    bls = next(r for r in res.rows if r["subjectName"] == "Machine Learning Engineer")
    assert (bls["value"], bls["unit"], bls["periodStart"], bls["periodEnd"]) == (23.0, "percent", "2022", "2032")
    assert bls["source"] == "U.S. Bureau of Labor Statistics"
    ds = run(seed_graph, "market-indicators", subject="Data Scientist")
    assert [(r["value"], r["periodStart"], r["periodEnd"]) for r in ds.rows] == [(36.0, "2023", "2033")]


def test_roles_without_salary(seed_graph):
    res = run(seed_graph, "roles-without-salary")
    labels = set(res.column("label"))
    assert "Junior ML Engineer" in labels and "Research Director" in labels
    assert not labels & {MLS, "Machine Learning Engineer", "Data Scientist", "AI Research Scientist"}


def test_responsibilities_of_role(seed_graph):
    res = run(seed_graph, "responsibilities-of-role", role=MLS)
    areas = set(res.column("area"))
    assert {"Research and Development", "Algorithm Design and Implementation", "Model Evaluation and Improvement"} <= areas
    assert len(res) >= 20


def test_trends(seed_graph):
    res = run(seed_graph, "trends")
    emerging = {r["label"].split(":")[0] for r in res.rows if r["kind"] == "emerging technology"}
    assert emerging == {"Quantum computing", "Multimodal systems", "Generative AI"}
    assert len(res) > len(emerging)


def test_challenges(seed_graph):
    res = run(seed_graph, "challenges")
    cats = set(res.column("category"))
    assert {"Data Quality and Quantity", "Model Performance Issues", "Ethical Considerations"} <= cats
    assert any("Overfitting" in r["label"] for r in res.rows)
    assert all(MLS in (r["roles"] or "") for r in res.rows)


def test_best_practices(seed_graph):
    res = run(seed_graph, "best-practices")
    cats = set(res.column("category"))
    assert {"Ensure Reproducibility", "Code Quality", "Continuous Monitoring and Testing"} <= cats
    assert set(res.column("section")) == {"Best Practices"}


def test_provenance_of(seed_graph):
    res = run(seed_graph, "provenance-of", entity=MLS)
    assert "Salary Ranges (US Market, 2024)" in res.column("sourceName")
    assert set(res.column("dataset")) == {"seed"}
    assert all(r["document"] for r in res.rows)
    req = run(seed_graph, "provenance-of", entity=CGID + "requirement/machine-learning-scientist--pytorch")
    assert "Requirements" in req.column("sourceName")


def test_role_transitions(seed_graph):
    res = run(seed_graph, "role-transitions")
    kinds = {(r["fromName"], r["toName"]): r["kind"] for r in res.rows}
    assert kinds[("Junior ML Engineer", "Senior ML Engineer")] == "promotion"
    assert kinds[("Software Engineer", "ML Analyst")] == "entry move"
    assert kinds[("Machine Learning Engineer", MLS)] == "lateral move"
    only = run(seed_graph, "role-transitions", **{"from": "Senior ML Engineer"})
    assert only.column("toName") == ["Lead ML Engineer"]
    into = run(seed_graph, "role-transitions", to="Junior ML Engineer")
    assert sorted(into.column("fromName")) == ["Computer Engineer", "Data Scientist", "Software Engineer"]


def test_skills_to_learn(seed_graph):
    res = run(seed_graph, "skills-to-learn", role="Data Scientist", target="Machine Learning Engineer")
    labels = set(res.column("label"))
    have = set(run(seed_graph, "skills-of-role", role="Data Scientist").column("label"))
    need = set(run(seed_graph, "skills-of-role", role="Machine Learning Engineer").column("label"))
    assert labels == need - have and labels


def test_role_profile(seed_graph):
    res = run(seed_graph, "role-profile", role="Senior ML Scientist")
    assert len(res) == 1
    row = res.rows[0]
    # no cg:broaderRole: the seed lists Senior ML Scientist on the Applied ML Scientist path only (issue 12)
    assert row["broader"] is None and row["track"] == "Applied ML Scientist track" and row["level"] == 3
    assert "Sr. ML Scientist" in row["altLabels"]
    mls = run(seed_graph, "role-profile", role=MLS).rows[0]
    assert mls["contrastedWith"] == "Machine Learning Engineer"


def test_career_tracks(seed_graph):
    res = run(seed_graph, "career-tracks")
    research = [(r["level"], r["label"], r["next"]) for r in res.rows if r["track"] == "ML Researcher track"]
    assert research == [(1, "Research Assistant", "ML Researcher"), (2, "ML Researcher", "Senior Research Scientist"),
                        (3, "Senior Research Scientist", "Research Director"), (4, "Research Director", None)]
    assert len({r["track"] for r in res.rows}) == 4


def test_learning_resources(seed_graph):
    res = run(seed_graph, "learning-resources")
    providers = set(res.column("provider"))
    assert {"Google Cloud", "DeepLearning.AI", "Stanford", "Imperial College London"} <= providers


def test_search_labels(seed_graph):
    res = run(seed_graph, "search-labels", text="pytorch")
    assert CGS + "pytorch" in res.column("node")
    assert "Skill" in rows_by(res, "node")[CGS + "pytorch"]["types"]


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------

def _triples(graph) -> int:
    return run_query(graph, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows[0]["n"]


def test_missing_parameter_lists_parameters(seed_graph):
    with pytest.raises(InvalidParameter, match=r"needs parameter\(s\) skill") as exc:
        run(seed_graph, "roles-requiring-skill")
    assert "--param skill=" in str(exc.value)


def test_unknown_parameter_lists_parameters(seed_graph):
    with pytest.raises(InvalidParameter, match=r"no parameter 'colour'.*role, source"):
        run(seed_graph, "salaries-of-role", role=MLS, colour="red")


def test_unknown_query_suggests_close_names():
    with pytest.raises(QueryNotFound, match="skills-of-role"):
        load_query("skills-of-rol")


def test_unknown_role_suggests(seed_graph):
    with pytest.raises(RoleNotFound, match="Machine Learning Scientist"):
        run(seed_graph, "skills-of-role", role="Machine Learning Scientst")


def test_the_runner_takes_iris_not_names(seed_graph):
    ok = run_query(seed_graph, "skills-of-role", {"role": "cgr:machine-learning-scientist"})
    assert len(ok) > 10
    with pytest.raises(InvalidParameter, match="role IRI or CURIE"):
        run_query(seed_graph, "skills-of-role", {"role": MLS})


@pytest.mark.parametrize("name, params", [
    ("search-labels", {"text": 'x" } ; DROP ALL #'}),
    ("salaries-of-role", {"role": MLS, "source": 'x" } ; DROP ALL #'}),
    ("list-roles", {"dataset": "seed\" } DELETE WHERE { ?s ?p ?o } #"}),
])
def test_injection_is_bound_as_a_plain_string(seed_graph, name, params):
    before = _triples(seed_graph)
    res = run(seed_graph, name, **params)
    assert len(res) == 0
    assert _triples(seed_graph) == before


def test_update_is_refused(seed_graph, tmp_path):
    path = tmp_path / "sneaky.rq"
    path.write_text("#+ summary: not a query\n# Parameters:\n#   none\n"
                    "PREFIX cg: <https://w3id.org/careergraph/ontology#>\n"
                    "INSERT DATA { cg:a cg:b cg:c }\n")
    before = _triples(seed_graph)
    with pytest.raises(QueryError, match="update"):
        run_query(seed_graph, path)
    assert _triples(seed_graph) == before


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "select * { service silent ?endpoint { ?s ?p ?o } }",
    "PREFIX x: <http://x/>\nSELECT * {\n  # a comment\n  SeRvIcE <http://127.0.0.1:9/> { ?s ?p ?o }\n}",
    "ASK { FILTER EXISTS { { SELECT ?s { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } } } }",
])
def test_service_is_refused_before_anything_is_sent(seed_graph, text):
    with pytest.raises(QueryError, match="SERVICE"):
        run_query(seed_graph, text)


@pytest.mark.parametrize("text", [
    'SELECT ?service WHERE { ?service ?p "SERVICE <x> {" } # SERVICE <http://x/> { }',
    "PREFIX service: <http://example.org/> SELECT * { ?s service:p ?o }",
    "SELECT * { ?s <http://example.org/SERVICE> ?o }",
])
def test_the_word_service_elsewhere_is_fine(text):
    check_read_only(text)


@pytest.mark.parametrize("text", [
    "DELETE WHERE { ?s ?p ?o }",
    "PREFIX cg: <https://w3id.org/careergraph/ontology#>\n# comment\nINSERT DATA { cg:a cg:b cg:c }",
    "drop all",
    "LOAD <http://example.org/data.ttl>",
])
def test_updates_are_refused(text):
    with pytest.raises(QueryError, match="update"):
        check_read_only(text)


def test_binary_query_file_and_folder(seed_graph, tmp_path):
    binary = tmp_path / "x.rq"
    binary.write_bytes(b"\xff\xfe\x00\x01binary")
    with pytest.raises(QueryError, match="not a UTF-8 text file"):
        run_query(seed_graph, binary)
    with pytest.raises(QueryError, match="is a folder"):
        load_query(tmp_path)
    with pytest.raises(QueryError, match="does not exist"):
        load_query(tmp_path / "missing.rq")


def test_syntax_error_names_file_line_column(seed_graph, tmp_path):
    path = tmp_path / "broken.rq"
    path.write_text("#+ summary: broken\n# Parameters:\n#   none\n"
                    "PREFIX cg: <https://w3id.org/careergraph/ontology#>\n"
                    "SELECT ?r WHERE {\n  ?r a cg:Role\n  FILTER(\n}\n")
    with pytest.raises(QueryError) as exc:
        run_query(seed_graph, path)
    assert re.search(re.escape(str(path)) + r":\d+:\d+: SPARQL syntax error", str(exc.value))
    line = int(re.search(re.escape(str(path)) + r":(\d+):", str(exc.value)).group(1))
    assert line >= 7  # counted in the file, header comments included


def test_bad_integer_parameter(seed_graph, tmp_path):
    path = tmp_path / "limit.rq"
    path.write_text("#+ summary: n\n# Parameters:\n#   n (integer): a number\n"
                    "SELECT ?n WHERE { }\n")
    with pytest.raises(InvalidParameter, match="wants a integer|wants an integer"):
        run_query(seed_graph, path, {"n": "many"})
    assert run_query(seed_graph, path, {"n": "3"}).rows == [{"n": 3}]


def test_cli_query_command(run_cli):
    res = run_cli("query", "skills-of-role", "--param", f"role={MLS}", "--format", "csv")
    assert res.exit_code == 0, res.stderr
    assert "PyTorch" in res.stdout
    bad = run_cli("query", "skills-of-rol")
    assert bad.exit_code == 2 and "skills-of-role" in bad.stderr
    twice = run_cli("query", "skills-of-role", "--param", "role=A", "--param", "role=B")
    assert twice.exit_code == 2 and "given twice" in twice.stderr


# -- results documents the store writes (the SPARQL endpoint's answers) ---------------------------------

_NASTY = ['a "quoted" },{ value', "two\nlines, with a comma", "tab\there", "<result>", "plain"]


def _nasty_graph(tmp_path: Path):
    quads = [ox.Quad(ox.NamedNode(f"http://example.org/s{i}"), ox.NamedNode("http://example.org/p"), ox.Literal(text))
             for i, text in enumerate(_NASTY * 3)]
    path = tmp_path / "nasty.nt"
    path.write_bytes(ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES))
    return memory_backend([(path, "https://w3id.org/careergraph/graph/test")])


@pytest.mark.parametrize("fmt", [ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML,
                                 ox.QueryResultsFormat.CSV, ox.QueryResultsFormat.TSV])
def test_fetch_results_row_cap_is_exact_in_every_format(fmt, tmp_path):
    g = _nasty_graph(tmp_path)
    q = "SELECT ?s ?o WHERE { ?s ?p ?o }"
    n = len(_NASTY) * 3
    def values(doc: bytes) -> list[str]:
        if fmt == ox.QueryResultsFormat.CSV:  # lossy, so pyoxigraph does not read it back
            return [row[1] for row in csv.reader(io.StringIO(doc.decode(), newline=""))][1:]
        return [str(r["o"].value) for r in ox.parse_query_results(doc, fmt)]

    assert sorted(values(fetch_results(g, q, fmt, max_rows=n))) == sorted(_NASTY * 3)  # exactly the cap
    with pytest.raises(RowLimitExceeded, match=f"more than {n - 1} rows") as info:
        fetch_results(g, q, fmt, max_rows=n - 1)  # one past the cap: refused, never cut
    assert info.value.limit == n - 1
    # a LIMIT of the query's own at or under the cap: answered as asked
    assert len(values(fetch_results(g, q + " LIMIT 2", fmt, max_rows=2))) == 2
    assert len(values(fetch_results(g, q + " OFFSET 14", fmt, max_rows=1))) == 1
    assert fetch_results(g, "ASK { ?s ?p ?o }", fmt, max_rows=0)
