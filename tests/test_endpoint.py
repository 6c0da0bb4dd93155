"""Every command against real SPARQL servers gives the embedded graph's answers.

Fresh Oxigraph server and Virtuoso 7 instances (tests/servers.py: loopback,
stopped by their own pid) are filled with ``careergraph publish`` and
``careergraph import ... --endpoint``, then each command's JSON is compared
with the same command on the embedded graph holding the same data. Virtuoso
keeps its 10,000-row cap, and the O*NET slice's projection reads past it.
Virtuoso stores an integral decimal as an integer, so numbers are compared
as numbers.
"""

from __future__ import annotations

import json
import math
import os

import click
import pytest
import rdflib
from rdflib.compare import isomorphic
from click.testing import CliRunner

from careergraph.backends import RemoteBackend
from careergraph.cli import main
from careergraph.queries import run_query
from servers import start_oxigraph, start_virtuoso, stop, unavailable
from test_evaluate import _slice_onet


def cli(*args: str, env: dict | None = None):
    """``careergraph ARGS`` in-process, through main's error mapping: (exit code, stdout, stderr)."""

    @click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True,
                                     "help_option_names": []})
    @click.pass_context
    def entry(ctx):
        main(list(ctx.args))

    res = CliRunner().invoke(entry, list(args), env=env, catch_exceptions=False)
    return res.exit_code, res.stdout, res.stderr


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def server(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(request.param)
    try:
        srv = start_oxigraph(folder / "db") if request.param == "oxigraph" else start_virtuoso(folder)
    except FileNotFoundError as exc:
        unavailable(str(exc))
    try:
        yield srv
    finally:
        stop(srv)


def where(srv, *, write: bool = False) -> list[str]:
    opts = ["--endpoint", srv.query_url]
    if write:
        opts += ["--update-endpoint", srv.update_url]
    return opts


@pytest.fixture(scope="module")
def published(server, tmp_path_factory):
    os.environ.setdefault("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    code, _out, err = cli("publish", *where(server, write=True))
    assert code == 0, err
    assert "published 2 named graphs" in err
    return server


def _same(a, b, path="$"):
    """JSON equal, numbers compared as numbers (Virtuoso writes 176213 for 176213.0)."""
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), f"{path}: {a} != {b}"
    elif isinstance(a, dict) and isinstance(b, dict):
        assert sorted(a) == sorted(b), f"{path}: keys {sorted(a)} != {sorted(b)}"
        for k in a:
            _same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list) and isinstance(b, list):
        assert len(a) == len(b), f"{path}: {len(a)} items != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            _same(x, y, f"{path}[{i}]")
    elif isinstance(a, str) and isinstance(b, str) and ", " in a:
        # GROUP_CONCAT's order is unspecified in SPARQL 1.1: servers concatenate in their own order
        assert sorted(a.split(", ")) == sorted(b.split(", ")), f"{path}: {a!r} != {b!r}"
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


def _numbers_as_numbers(path) -> rdflib.Graph:
    """An N-Triples file with every numeric or boolean literal as one double (Virtuoso retypes them)."""
    g = rdflib.Graph()
    for s_, p_, o in rdflib.Graph().parse(path, format="nt"):
        if isinstance(o, rdflib.Literal) and isinstance(o.toPython(), (int, float, bool)) \
                or isinstance(o, rdflib.Literal) and o.datatype == rdflib.XSD.decimal:
            o = rdflib.Literal(float(o.toPython()))
        g.add((s_, p_, o))
    return g


SEED_COMMANDS = [
    ("path", "Junior ML Engineer", "Lead ML Engineer"),
    ("path", "Software Engineer", "Research Director", "--by", "skills", "--have", "Python, Statistics"),
    ("path", "ML Analyst", "Research Director", "--lateral", "--alternatives", "3"),
    ("overlap", "Data Scientist", "ML Engineer"),
    ("similar", "Machine Learning Scientist", "--top", "5"),
    ("matrix", "Data Scientist", "ML Engineer", "MLOps Engineer"),
    ("gap", "--have", "Python, SQL, statistics", "--target", "Machine Learning Scientist"),
    ("recommend", "--have", "Python, PyTorch, Statistics", "--top", "5", "--evidence", "stated"),
    ("query", "roles-requiring-skill-and-degree", "--param", "skill=PyTorch", "--param", "degree=PhD"),
    ("query", "salaries-of-role", "--param", "role=Machine Learning Scientist"),
    # ?source is computed by the query (BIND ... AS ?source): bound, it filters the answer
    ("query", "salaries-of-role", "--param", "role=Machine Learning Scientist", "--param", "source=ZipRecruiter"),
    ("query", "skills-to-learn", "--param", "role=Data Scientist", "--param", "target=ML Engineer"),
]


#: A value for each kind of required parameter, so every library query runs bound on the server.
PARAM_VALUES = {"role": "Junior ML Engineer", "other": "ML Engineer", "target": "Lead ML Engineer",
                "skill": "Python", "degree": "PhD", "entity": "Machine Learning Scientist", "text": "engineer"}


def test_every_library_query_with_its_parameters_answers_as_embedded(published):
    # test_remote runs the queries that need no parameter; these bind one (Virtuoso plans a
    # transitive path only from a start it can see, for one: ladder-above, reachable-roles)
    from careergraph.queries import list_queries

    ran, failed = 0, []
    for q in list_queries():
        needed = [p.name for p in q.parameters if not p.optional]
        if q.is_violation or not needed:
            continue
        args = ["query", q.name, "--format", "json"]
        for name in needed:
            args += ["--param", f"{name}={PARAM_VALUES[name]}"]
        code_e, out_e, err_e = cli(*args)
        code_r, out_r, err_r = cli(*args, *where(published))
        ran += 1
        try:
            assert (code_e, code_r) == (0, 0) or code_e == code_r == 1, (err_e, err_r)
            if code_e == 0:
                e, r = json.loads(out_e), json.loads(out_r)
                key = lambda row: json.dumps(row, sort_keys=True, default=str)  # noqa: E731
                e["results"], r["results"] = sorted(e["results"], key=key), sorted(r["results"], key=key)
                _same(r, e, q.name)
        except AssertionError as exc:
            failed.append(f"{q.name}: {str(exc)[:300]}")
    assert ran >= 18 and not failed, "\n".join(failed)


@pytest.mark.parametrize("args", SEED_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_seed_answers_are_the_embedded_ones(published, args):
    code_e, out_e, err_e = cli(*args, "--format", "json")
    code_r, out_r, err_r = cli(*args, "--format", "json", *where(published))
    assert (code_e, code_r) == (0, 0), err_e + err_r
    _same(json.loads(out_e), json.loads(out_r))


def test_other_read_commands_work_against_the_server(published, tmp_path):
    w = where(published)
    code, _out, err = cli("validate", "--no-shacl", *w)
    assert code == 0 and "0 violations" in err
    out = tmp_path / "g.nt"
    code, _o, err = cli("export", "--format", "nt", "--output", str(out), *w)
    assert code == 0, err
    embedded = tmp_path / "e.nt"
    assert cli("export", "--format", "nt", "--output", str(embedded))[0] == 0
    # the same triples, blank nodes aside (each store names its own) and numbers as numbers
    assert isomorphic(_numbers_as_numbers(out), _numbers_as_numbers(embedded))
    code, _o, err = cli("plot", "career-map", "--path", "Junior ML Engineer", "Lead ML Engineer",
                        "--output", str(tmp_path / "m.png"), *w)
    assert code == 0 and (tmp_path / "m.png").stat().st_size > 10_000, err
    code, _o, err = cli("sources", *w)
    assert code == 1 and "no imported sources" in err


def test_an_imported_slice_answers_as_in_a_store(published, shared_data, tmp_path_factory):
    # O*NET computer occupations and data scientists/statisticians: paging past Virtuoso's row cap is
    # test_remote's; this is an import into a server and every kind of read agreeing
    folder = _slice_onet(shared_data / "onet", tmp_path_factory.mktemp("onet-slice") / "onet",
                         majors=("15-12", "15-20"))
    tech = folder / "Technology Skills.txt"  # most of the triples: a server's update takes seconds for them
    lines, kept, per = tech.read_text(encoding="utf-8").splitlines(keepends=True), [], {}
    for line in lines[1:]:
        code = line.split("\t", 1)[0]
        per[code] = per.get(code, 0) + 1
        if per[code] <= 5:
            kept.append(line)
    tech.write_text(lines[0] + "".join(kept), encoding="utf-8")
    store = str(tmp_path_factory.mktemp("store") / "store")
    assert cli("import", "onet", "--store", store, str(folder))[0] == 0
    code, _o, err = cli("import", "onet", str(folder), *where(published, write=True))
    assert code == 0, err
    # a re-import replaces and never duplicates
    code, _o, err = cli("import", "onet", str(folder), *where(published, write=True))
    assert code == 0, err
    remote = RemoteBackend(published.query_url)
    n = run_query(remote, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/careergraph/graph/onet> "
                          "{ ?s ?p ?o } }").rows[0]["n"]
    remote.close()
    # past a row cap (here 300 rows a page, on either server): the projection's inputs come back whole
    from careergraph import open_graph
    from careergraph.queries import rows as read_projection_rows

    capped, embedded = RemoteBackend(published.query_url, max_rows=300), open_graph(store)
    # Virtuoso answers booleans as 1/0 and decimals as integers where it can: compare as numbers
    def norm(rows_):
        return sorted(repr({k: float(v) if isinstance(v, (bool, int, float)) else v for k, v in r.items()})
                      for r in rows_)

    for name in ("project-role-skills", "project-transitions"):
        got, want = read_projection_rows(capped, name), read_projection_rows(embedded, name)
        assert len(want) > 300 and norm(got) == norm(want), name
    capped.close()
    embedded.close()
    code_s, out_s, err_s = cli("sources", "--store", store, "--format", "json")
    code_r, out_r, err_r = cli("sources", "--format", "json", *where(published))
    assert code_s == code_r == 0, err_s + err_r
    assert [s["triples"] for s in json.loads(out_s)] == [s["triples"] for s in json.loads(out_r)] == [n]
    for args in (("similar", "Data Scientists", "--top", "10"),
                 ("path", "Data Scientists", "Software Developers", "--alternatives", "2"),
                 ("recommend", "--have", "Mathematics, Programming, Critical Thinking", "--top", "5", "--source", "onet"),
                 ("query", "skills-of-role", "--param", "role=onet:occupation/15-2041.00")):
        code_e, out_e, err_e = cli(*args, "--format", "json", "--store", store)
        code_r, out_r, err_r = cli(*args, "--format", "json", *where(published))
        assert (code_e, code_r) == (0, 0), err_e + err_r
        _same(json.loads(out_e), json.loads(out_r))
    code_e, out_e, _ = cli("evaluate", "--truth", str(folder / "Related Occupations.txt"), "--format", "json",
                           "--store", store)
    code_r, out_r, _ = cli("evaluate", "--truth", str(folder / "Related Occupations.txt"), "--format", "json",
                           *where(published))
    assert code_e == code_r == 0
    _same(json.loads(out_e), json.loads(out_r))


def test_bad_cases_are_one_line_exit_2(published, tmp_path):
    code, _o, err = cli("path", "A", "B", "--endpoint", "http://127.0.0.1:9/query", "--timeout", "3")
    assert code == 2 and err.startswith("error: cannot reach SPARQL endpoint http://127.0.0.1:9/query")
    assert err.count("\n") == 1
    code, _o, err = cli("sources", "--store", str(tmp_path / "s"), *where(published))
    assert code == 2 and "not both" in err
    code, _o, err = cli("import", "onet", str(tmp_path), *where(published))
    assert code == 2 and "--update-endpoint" in err
    code, _o, err = cli("path", "A", "B", "--endpoint", published.query_url, "--timeout", "zero")
    assert code == 2 and "--timeout" in err


def test_serve_on_the_server_answers_as_embedded(published):
    # careergraph serve --endpoint URL: the API and /sparql over a server's graph
    import warnings

    from careergraph import open_graph
    from careergraph.serve import create_app

    TestClient = pytest.importorskip("starlette.testclient").TestClient
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        remote = TestClient(create_app(open_graph(endpoint=published.query_url)))
        local = TestClient(create_app(open_graph()))
    for route, params in (("/api/path", {"from": "Junior ML Engineer", "to": "Lead ML Engineer"}),
                          ("/api/next", {"role": "Data Scientist", "top": "3"}),
                          ("/api/query/ladder-above", {"role": "Junior ML Engineer"})):
        a, b = remote.get(route, params=params), local.get(route, params=params)
        assert a.status_code == b.status_code == 200, (route, a.text)
        _same(a.json(), b.json())
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/careergraph/graph/seed> { ?s ?p ?o } }"
    a = remote.get("/sparql", params={"query": count}, headers={"Accept": "application/sparql-results+json"})
    b = local.get("/sparql", params={"query": count}, headers={"Accept": "application/sparql-results+json"})
    assert a.status_code == 200 and int(a.json()["results"]["bindings"][0]["n"]["value"]) == \
        int(b.json()["results"]["bindings"][0]["n"]["value"]) > 1000
    assert remote.get("/sparql", params={"update": "DROP ALL"}).status_code in (400, 403)


def test_dataset_server_on_a_union_default_graph(tmp_path):
    # --dataset server: no dataset in the request, the server's union default graph answers
    try:
        srv = start_oxigraph(tmp_path / "db", union=True)
    except FileNotFoundError as exc:
        unavailable(str(exc))
    try:
        w = ["--endpoint", srv.query_url]
        env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
        code, _o, err = cli("publish", *w, "--update-endpoint", srv.update_url, env=env)
        assert code == 0, err
        for args in (("path", "Junior ML Engineer", "Lead ML Engineer"), ("similar", "Data Scientist", "--top", "3"),
                     ("query", "skills-of-role", "--param", "role=ML Engineer"), ("sources",)):
            code_e, out_e, _ = cli(*args, "--format", "json")
            code_r, out_r, err_r = cli(*args, "--format", "json", *w, "--dataset", "server", env=env)
            assert code_e == code_r and code_r in (0, 1), err_r
            _same(json.loads(out_e), json.loads(out_r))
        code, _o, err = cli("path", "A", "B", "--dataset", "server")
        assert code == 2 and "--dataset 'server' is for a SPARQL server" in err
        code, _o, err = cli("path", "A", "B", *w, "--dataset", "all")
        assert code == 2 and "'all' is not listed or server" in err
    finally:
        stop(srv)
