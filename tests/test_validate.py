"""careergraph.validate and ``careergraph validate``: the seed conforms; broken data fails on the right check."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from careergraph.errors import InvalidParameter, OntologyError
from careergraph.queries import list_queries, run_query
from careergraph.validate import ValidationReport, Violation, _graph_from_files, validate

FIXTURES = Path(__file__).parent / "fixtures"
INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))
VIOLATION_QUERIES = [q for q in list_queries() if q.is_violation]
_EXPECTED = re.compile(r"expected failure:\s*(\S+)")


def _expected(path: Path) -> str:
    m = _EXPECTED.search(path.read_text(encoding="utf-8"))
    assert m, f"{path.name}: header must say 'expected failure: <shape id>'"
    return m.group(1)


@pytest.fixture(scope="module")
def seed_report(seed_graph) -> ValidationReport:
    return validate(seed_graph)


def test_seed_conforms(seed_report):
    assert seed_report.conforms, seed_report.text()
    assert seed_report.violations == []
    assert seed_report.shapes_checked > 30


@pytest.mark.parametrize("query", VIOLATION_QUERIES, ids=lambda q: q.name)
def test_violation_query_is_empty_on_seed(seed_graph, query):
    assert run_query(seed_graph, query).rows == []


@pytest.mark.parametrize("query", VIOLATION_QUERIES, ids=lambda q: q.name)
def test_violation_query_fires_on_its_fixture(query):
    fixture = FIXTURES / "violations" / f"{query.name}.ttl"
    if not fixture.exists():
        pytest.fail(f"add {fixture.relative_to(FIXTURES.parent.parent)}: a small Turtle file that makes "
                    f"'{query.name}' return a row, so the check is known to work")
    rows = run_query(_graph_from_files([fixture], base=True), query).rows
    assert rows, f"{query.name} returned nothing on {fixture.name}"


def _results(report: ValidationReport) -> list[tuple]:
    return sorted((v.check, v.focus, v.path, v.message, v.severity) for v in report.violations)


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_fails_on_expected_shape(path):
    report = validate(files=[path], queries=False)
    assert not report.conforms and report.engine == "pyshacl"
    assert _expected(path) in report.checks(), report.text()
    # the SPARQL engine (the one stores use) gives the very same results
    sparql = validate(files=[path], queries=False, engine="sparql")
    assert sparql.engine == "sparql" and _results(sparql) == _results(report)


@pytest.mark.parametrize("path", sorted((FIXTURES / "violations").glob("*.ttl")), ids=lambda p: p.stem)
def test_both_shacl_engines_agree_on_the_violation_fixtures(path):
    g = _graph_from_files([path], base=True)
    assert _results(validate(g, queries=False, engine="sparql")) == \
        _results(validate(g, queries=False, engine="pyshacl"))


def test_the_sparql_engine_refuses_what_it_cannot_compile(tmp_path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix cg: <https://w3id.org/careergraph/ontology#> .\n"
                      "<urn:s> a sh:NodeShape ; sh:targetClass cg:Role ; sh:closed true .\n")
    with pytest.raises(InvalidParameter, match="closed"):
        validate(shapes=shapes, queries=False, engine="sparql")
    report = validate(shapes=shapes, queries=False)  # auto on the built-in graph: pyshacl anyway
    assert report.engine == "pyshacl"
    with pytest.raises(InvalidParameter, match="Unknown SHACL engine"):
        validate(queries=False, engine="fast")


def test_report_text_names_check_focus_and_message():
    report = validate(files=[FIXTURES / "invalid" / "transition-missing-kind.ttl"], queries=False)
    text = report.text()
    assert text.startswith("Conforms: no")
    assert "cgsh:Transition-kind" in text
    assert "cgid:transition/data-scientist--ml-researcher" in text
    assert "cg:Promotion, cg:LateralMove or cg:EntryMove" in text
    v = report.violations[0]
    assert isinstance(v, Violation) and v.shape == v.check and v.severity == "Violation"


def test_violation_queries_reported_by_validate():
    report = validate(files=[FIXTURES / "violations" / "transition-self-loop-violation.ttl"])
    assert "transition-self-loop-violation" in report.checks()


def test_files_without_base_stand_alone():
    # a lone transition file refers to a role it does not define (RDFS range inference
    # types it cg:Role, so the role shape reports the missing label)
    report = validate(files=[FIXTURES / "violations" / "transition-self-loop-violation.ttl"], base=False,
                      queries=False)
    assert "cgsh:Role-label" in report.checks()
    sparql = validate(files=[FIXTURES / "violations" / "transition-self-loop-violation.ttl"], base=False,
                      queries=False, engine="sparql")
    assert _results(sparql) == _results(report)  # the same RDFS inference


def test_malformed_turtle_names_file_and_line():
    with pytest.raises(OntologyError, match=r"broken\.ttl:5\b"):
        validate(files=[FIXTURES / "malformed" / "broken.ttl"])


def test_missing_file_is_an_ontology_error(tmp_path):
    with pytest.raises(OntologyError, match="nope.ttl"):
        validate(files=[tmp_path / "nope.ttl"])


def test_cli_conforms_exit_0(run_cli):
    res = run_cli("validate")
    assert res.exit_code == 0, res.stderr
    assert "Conforms: yes" in res.stderr


def test_cli_file_conforms_exit_0(run_cli):
    res = run_cli("validate", str(Path(__file__).parents[1] / "ontology" / "data" / "roles.ttl"))
    assert res.exit_code == 0, res.stderr


def test_cli_violations_exit_1(run_cli):
    res = run_cli("validate", str(FIXTURES / "invalid" / "salary-bad-currency.ttl"))
    assert res.exit_code == 1
    assert "cgsh:Salary-currency" in res.stdout
    assert res.stderr.startswith("error: Conforms: no")
    assert len(res.stderr.strip().splitlines()) == 1


def test_cli_json(run_cli):
    import json

    res = run_cli("validate", "--format", "json", str(FIXTURES / "invalid" / "salary-zero-amount.ttl"))
    assert res.exit_code == 1
    payload = json.loads(res.stdout)
    assert payload["conforms"] is False
    assert any(v["check"] == "cgsh:Salary-amount" for v in payload["violations"])


def test_cli_malformed_exit_2(run_cli):
    res = run_cli("validate", str(FIXTURES / "malformed" / "broken.ttl"))
    assert res.exit_code == 2
    assert "broken.ttl:5" in res.stderr


def test_cli_help_ends_with_example(run_cli):
    res = run_cli("validate", "--help")
    assert res.exit_code == 0
    assert "careergraph validate ontology/data/roles.ttl" in res.stdout


def test_no_shacl_runs_only_the_violation_queries(seed_graph, run_cli):
    from careergraph.validate import validate

    report = validate(seed_graph, shacl=False)
    assert report.conforms and report.shapes_checked == 0 and report.queries_checked
    res = run_cli("validate", "--no-shacl")
    assert res.exit_code == 0 and "0 shapes" in res.stderr
