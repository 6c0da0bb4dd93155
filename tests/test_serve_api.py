"""The JSON API through the ASGI test client: the CLI's shapes and messages, limits, safety."""

from __future__ import annotations

import json
import warnings

import pytest
from _serve_helpers import EVIL_IRI, HOSTILE, hostile_graph
from careergraph import open_graph
from careergraph.serve import Limits, create_app

warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)
TestClient = pytest.importorskip("starlette.testclient").TestClient


@pytest.fixture(scope="module")
def client():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return TestClient(create_app(open_graph()))


def _cli_json(run_cli, *args):
    res = run_cli(*args, "--format", "json")
    assert res.exit_code == 0, res.stderr
    return json.loads(res.stdout)


def _cli_error(run_cli, *args):
    res = run_cli(*args, "--format", "json")
    assert res.exit_code != 0
    return res.stderr[len("error: "):].rstrip("\n")


# (route, query parameters, the same question on the command line)
SAME_AS_CLI = [
    ("/api/path", {"from": "Junior ML Engineer", "to": "Lead ML Engineer"},
     ["path", "Junior ML Engineer", "Lead ML Engineer"]),
    ("/api/path", {"from": "ML Analyst", "to": "Research Director", "lateral": "true", "alternatives": "2",
                   "by": "skills", "have": "Python, SQL"},
     ["path", "ML Analyst", "Research Director", "--lateral", "--alternatives", "2", "--by", "skills",
      "--have", "Python, SQL"]),
    ("/api/overlap", {"a": "Data Scientist", "b": "Machine Learning Engineer"},
     ["overlap", "Data Scientist", "Machine Learning Engineer"]),
    ("/api/path", {"from": "Junior ML Engineer", "to": "Lead ML Engineer", "evidence": "stated"},
     ["path", "Junior ML Engineer", "Lead ML Engineer", "--evidence", "stated"]),
    ("/api/gap", {"have": "Python", "target": "Machine Learning Scientist", "evidence": "stated"},
     ["gap", "--have", "Python", "--target", "Machine Learning Scientist", "--evidence", "stated"]),
    ("/api/similar", {"role": "Data Scientist", "top": "3"}, ["similar", "Data Scientist", "--top", "3"]),
    ("/api/next", {"role": "Data Scientist", "top": "3"}, ["next", "Data Scientist", "--top", "3"]),
    ("/api/next", {"role": "Junior ML Engineer", "source": "seed"},
     ["next", "Junior ML Engineer", "--source", "seed"]),
    ("/api/gap", {"have": "Python, SQL", "target": "Machine Learning Engineer"},
     ["gap", "--have", "Python, SQL", "--target", "Machine Learning Engineer"]),
    ("/api/recommend", {"have": "Python, PyTorch", "top": "2"},
     ["recommend", "--have", "Python, PyTorch", "--top", "2"]),
    ("/api/queries", {}, ["queries"]),
    ("/api/queries", {"tag": "salary", "all": "true"}, ["queries", "--tag", "salary", "--all"]),
    ("/api/query/ladder-above", {"role": "Junior ML Engineer"},
     ["query", "ladder-above", "--param", "role=Junior ML Engineer"]),
]


@pytest.mark.parametrize(("route", "params", "cli_args"), SAME_AS_CLI,
                         ids=[c[0] + str(i) for i, c in enumerate(SAME_AS_CLI)])
def test_api_answers_exactly_as_the_cli_json(client, run_cli, route, params, cli_args):
    r = client.get(route, params=params)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert r.json() == _cli_json(run_cli, *cli_args)


ERRORS = [
    ("/api/path", {"from": "Junior ML Enginer", "to": "Lead ML Engineer"},
     ["path", "Junior ML Enginer", "Lead ML Engineer"], 404),
    ("/api/overlap", {"a": "Statistics", "b": "Data Scientist"}, ["overlap", "Statistics", "Data Scientist"], 404),
    ("/api/gap", {"have": "Pyhton", "target": "Machine Learning Engineer"},
     ["gap", "--have", "Pyhton", "--target", "Machine Learning Engineer"], 404),
    ("/api/gap", {"have": "", "target": "Machine Learning Engineer"},
     ["gap", "--have", "", "--target", "Machine Learning Engineer"], 400),
    ("/api/path", {"from": "Junior ML Engineer", "to": "Lead ML Engineer", "by": "money"},
     ["path", "Junior ML Engineer", "Lead ML Engineer", "--by", "money"], 400),
    ("/api/path", {"from": "Junior ML Engineer", "to": "Junior ML Engineer"},
     ["path", "Junior ML Engineer", "Junior ML Engineer"], 400),
    ("/api/overlap", {"a": "ML Engineer", "b": "Data Scientist", "source": "bogus"},
     ["overlap", "ML Engineer", "Data Scientist", "--source", "bogus"], 400),
    ("/api/query/ladder-abov", {}, ["query", "ladder-abov"], 404),
    ("/api/query/ladder-above", {"rol": "x"}, ["query", "ladder-above", "--param", "rol=x"], 400),
    ("/api/path", {"from": "Lead ML Engineer", "to": "Junior ML Engineer"},
     ["path", "Lead ML Engineer", "Junior ML Engineer"], 404),
]


@pytest.mark.parametrize(("route", "params", "cli_args", "status"), ERRORS,
                         ids=[f"{e[0]}-{e[3]}-{i}" for i, e in enumerate(ERRORS)])
def test_errors_carry_the_cli_message_and_a_status(client, run_cli, route, params, cli_args, status):
    r = client.get(route, params=params)
    assert r.status_code == status, r.text
    body = r.json()
    assert body["error"] == _cli_error(run_cli, *cli_args)
    if status == 404 and body["type"].endswith("NotFound"):
        assert isinstance(body["suggestions"], list)


def test_unknown_role_suggests(client):
    r = client.get("/api/similar", params={"role": "data scientst"})
    assert r.status_code == 404
    assert r.json()["suggestions"] == ["Data Scientist"]
    assert r.json()["type"] == "RoleNotFound"


def test_bad_parameters_are_400_and_say_which(client):
    r = client.get("/api/similar", params={"role": "Data Scientist", "top": "ten"})
    assert r.status_code == 400 and "'top' wants an integer" in r.json()["error"]
    r = client.get("/api/similar", params={"rol": "Data Scientist"})
    assert r.status_code == 400 and "Unknown parameter 'rol'" in r.json()["error"]
    r = client.get("/api/path", params={"from": "Data Scientist"})
    assert r.status_code == 400 and "Missing parameter 'to'" in r.json()["error"]
    r = client.get("/api/path", params=[("from", "A"), ("from", "B"), ("to", "C")])
    assert r.status_code == 400 and "once" in r.json()["error"]


def test_autocomplete_roles_and_skills(client):
    r = client.get("/api/roles", params={"q": "senior ml"}).json()
    assert [x["label"] for x in r["results"][:2]] == ["Senior ML Engineer", "Senior ML Scientist"]
    assert {"label", "iri", "dataset", "match"} <= set(r["results"][0])
    s = client.get("/api/skills", params={"q": "pyth"}).json()
    assert s["results"][0]["label"] == "Python"


def test_profile_has_every_part(client):
    p = client.get("/api/profile", params={"role": "Machine Learning Scientist"}).json()
    assert p["role"] == "Machine Learning Scientist"
    assert {"about", "skills", "education", "salaries", "industries", "moves_in", "moves_out"} <= set(p)
    assert {s["requirement"] for s in p["skills"]} == {"essential", "optional"}
    assert {r["source"] for r in p["salaries"]} >= {"ZipRecruiter", "aijobs.net"}
    assert [m["otherName"] for m in p["moves_in"]] == ["Machine Learning Engineer"]
    assert any(e["degreeName"] == "Ph.D." for e in p["education"])


def test_query_text_is_served_for_the_sparql_page(client):
    q = client.get("/api/queries/skills-of-role").json()
    assert q["name"] == "skills-of-role" and "PREFIX cg:" in q["text"]
    assert client.get("/api/queries/..%2F..%2Fpyproject").status_code == 404


def test_pictures_are_svg(client):
    r = client.get("/api/plot/career-map", params={"from": "Junior ML Engineer", "to": "Lead ML Engineer"})
    assert r.status_code == 200 and r.headers["content-type"] == "image/svg+xml"
    assert r.content.lstrip().startswith(b"<?xml") and b"<svg" in r.content
    assert "sandbox" in r.headers["content-security-policy"]
    r = client.get("/api/plot/gap", params={"have": "Python", "target": "Nope Role"})
    assert r.status_code == 404 and r.json()["type"] == "RoleNotFound"


def test_openapi_lists_every_route(client):
    doc = client.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    for path in ("/api/path", "/api/overlap", "/api/similar", "/api/gap", "/api/recommend", "/api/roles",
                 "/api/skills", "/api/queries", "/api/query/{name}", "/sparql"):
        assert path in doc["paths"]
    names = [p["name"] for p in doc["paths"]["/api/path"]["get"]["parameters"]]
    assert names[:8] == ["from", "to", "by", "alternatives", "via", "avoid", "have", "lateral"]


def test_explorer_and_static_files(client):
    r = client.get("/")
    assert r.status_code == 200 and "<script src=\"/static/app.js\"" in r.text
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("style-src")[0]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert client.get("/static/app.js").status_code == 200
    for bad in ("/static/../core.py", "/static/%2e%2e/core.py", "/static/..%2fcore.py", "/static/%2e%2e%2f__init__.py",
                "/static//etc/passwd", "/static/%2fetc%2fpasswd"):
        r = client.get(bad)
        assert r.status_code == 404, bad
        assert b"Limits" not in r.content and b"root:" not in r.content


def test_cors_is_off_unless_asked():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = TestClient(create_app(open_graph(), warm=False))
        cors = TestClient(create_app(open_graph(), cors="https://yasgui.example", warm=False))
    hdr = {"Origin": "https://yasgui.example"}
    assert "access-control-allow-origin" not in plain.get("/api/status", headers=hdr).headers
    assert cors.get("/api/status", headers=hdr).headers["access-control-allow-origin"] == "https://yasgui.example"
    pre = cors.options("/sparql", headers={**hdr, "Access-Control-Request-Method": "POST"})
    assert pre.status_code == 200
    other = cors.get("/api/status", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


def test_host_check_when_bound_to_loopback():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        c = TestClient(create_app(open_graph(), allowed_hosts=["127.0.0.1", "localhost"], warm=False),
                       base_url="http://127.0.0.1")
    assert c.get("/api/status").status_code == 200
    assert c.get("/api/status", headers={"Host": "attacker.example"}).status_code == 400


def test_hostile_labels_come_back_as_data():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        c = TestClient(create_app(hostile_graph()))
    p = c.get("/api/profile", params={"role": EVIL_IRI}).json()
    assert p["role"] == HOSTILE
    route = c.get("/api/path", params={"from": "Senior ML Engineer", "to": EVIL_IRI}).json()
    assert route["path"][-1] == HOSTILE
    svg = c.get("/api/plot/career-map", params={"from": "Senior ML Engineer", "to": EVIL_IRI}).content
    assert b"<script" not in svg and b"onerror" not in svg.split(b"<!--")[0]


def test_request_log_and_limits_in_status():
    lines = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        c = TestClient(create_app(open_graph(), Limits(timeout=5, max_rows=10, max_body=2000, workers=2),
                                  log=lines.append))
    s = c.get("/api/status").json()
    assert s["limits"] == {"timeout": 5, "max_rows": 10, "max_body": 2000, "workers": 2, "result_cache": 64 << 20}
    assert s["result_cache"] == {"bytes": 0, "answers": 0, "hits": 0, "misses": 0}
    c.get("/api/similar", params={"role": "nobody"})
    assert lines[0].startswith("GET /api/status 200 ") and lines[0].endswith(" ms")
    assert lines[1].startswith("GET /api/similar 404 ")


def test_new_data_is_served_without_a_restart():
    g = open_graph()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        c = TestClient(create_app(g, refresh_every=0))
    before = c.get("/api/roles", params={"q": "brand new role"}).json()["results"]
    assert "Brand New Role" not in [x["label"] for x in before]
    calls = []
    g.refresh = lambda: calls.append(1)  # a store with generations switches to the newest complete one here
    g.update("""PREFIX cg: <https://w3id.org/careergraph/ontology#>
      INSERT DATA { GRAPH <https://w3id.org/careergraph/graph/meta> {
        <https://w3id.org/careergraph/id/dataset/test> cg:datasetKey "test" } }
      ; INSERT DATA { GRAPH <https://w3id.org/careergraph/graph/seed> {
        <https://w3id.org/careergraph/id/role/brand-new> a cg:Role ;
          <http://www.w3.org/2000/01/rdf-schema#label> "Brand New Role" } }""")
    got = c.get("/api/roles", params={"q": "brand new role"}).json()["results"]
    assert got[0]["label"] == "Brand New Role"
    assert calls, "the server asks the graph to refresh before each request"
    n = len(calls)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        slow = TestClient(create_app(g, refresh_every=3600))
    slow.get("/api/status")
    slow.get("/api/status")
    assert len(calls) == n + 1, "with --refresh-every the graph is looked at once per interval"


def test_a_running_server_serves_an_import_once_it_has_finished(tmp_path):
    # the store's generations: an import into a store that serve holds open is not refused, and the
    # server moves to the new data at its next look (--refresh-every 0: before every request)
    from careergraph.store import SourceRecord, replace_source

    store = tmp_path / "store"
    served = open_graph(store, create=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        c = TestClient(create_app(served, refresh_every=0))
    before = c.get("/api/status").json()
    assert before["sources"] == [] and not c.get("/api/roles", params={"q": "Quokka Wrangler"}).json()["results"]
    role = "https://w3id.org/careergraph/id/role/quokka-wrangler"
    nt = tmp_path / "new.nt"
    nt.write_text(f'<{role}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
                  '<https://w3id.org/careergraph/ontology#Role> .\n'
                  f'<{role}> <http://www.w3.org/2000/01/rdf-schema#label> "Quokka Wrangler"@en .\n')
    writer = open_graph(store)  # another handle, as another process would have
    replace_source(writer, nt, SourceRecord(key="test", graph="https://w3id.org/careergraph/graph/test",
                                            dataset="https://w3id.org/careergraph/id/dataset/test", label="Test",
                                            version="1", imported="2026-12-01T00:00:00Z", triples=2,
                                            files=("new.nt",)))
    writer.close()
    after = c.get("/api/status").json()
    assert [s["key"] for s in after["sources"]] == ["test"] and after["roles"] == before["roles"] + 1
    assert [r["label"] for r in c.get("/api/roles", params={"q": "Quokka Wrangler"}).json()["results"]] == \
        ["Quokka Wrangler"]
    served.close()
