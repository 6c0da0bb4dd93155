"""/sparql: the SPARQL 1.1 Protocol (read-only) through the ASGI client, and real clients against a live serve."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import time
import warnings
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, quote, quote_plus

import pytest
from _serve_helpers import process_server
from careergraph import open_graph
from careergraph.serve import Limits, create_app
from careergraph.serve.sparql import parse_form, results_document
from hypothesis import given, settings
from hypothesis import strategies as st

TestClient = pytest.importorskip("starlette.testclient").TestClient

CG = "https://w3id.org/careergraph/ontology#"
SEED = "https://w3id.org/careergraph/graph/seed"
ONTOLOGY = "https://w3id.org/careergraph/graph/ontology"
ROLES = (f"SELECT ?r ?l WHERE {{ ?r a <{CG}Role> ; <http://www.w3.org/2000/01/rdf-schema#label> ?l }} "
         "ORDER BY ?r LIMIT 3")


def _client(**limits):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return TestClient(create_app(open_graph(), Limits(**limits) if limits else None, warm=False))


@pytest.fixture(scope="module")
def client():
    return _client()


def test_get_post_form_and_post_query_answer_alike(client):
    a = client.get("/sparql", params={"query": ROLES})
    b = client.post("/sparql", data={"query": ROLES})
    c = client.post("/sparql", content=ROLES.encode(), headers={"Content-Type": "application/sparql-query"})
    assert a.status_code == b.status_code == c.status_code == 200
    assert a.json() == b.json() == c.json()
    body = a.json()
    assert body["head"]["vars"] == ["r", "l"] and len(body["results"]["bindings"]) == 3
    assert body["results"]["bindings"][0]["r"]["type"] == "uri"


@pytest.mark.parametrize(("accept", "ctype"), [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("text/csv;q=0.4, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    ("*/*", "application/sparql-results+json"),
    ("", "application/sparql-results+json"),
])
def test_select_content_negotiation(client, accept, ctype):
    r = client.get("/sparql", params={"query": ROLES}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == ctype
    if ctype == "text/csv":
        rows = list(csv.reader(io.StringIO(r.text)))
        assert rows[0] == ["r", "l"] and len(rows) == 4 and r.text.endswith("\r\n")
    elif ctype == "text/tab-separated-values":
        lines = r.text.splitlines()
        assert lines[0] == "?r\t?l" and lines[1].startswith("<https://") and '"' in lines[1]
    elif ctype.endswith("xml"):
        root = ET.fromstring(r.content)
        ns = {"s": "http://www.w3.org/2005/sparql-results#"}
        assert [v.get("name") for v in root.findall("s:head/s:variable", ns)] == ["r", "l"]
        assert len(root.findall("s:results/s:result", ns)) == 3


def test_ask_and_literals(client):
    r = client.get("/sparql", params={"query": f"ASK {{ ?r a <{CG}Role> }}"})
    assert r.json() == {"head": {}, "boolean": True}
    x = client.get("/sparql", params={"query": "ASK { FILTER(false) }"},
                   headers={"Accept": "application/sparql-results+xml"})
    assert b"<boolean>false</boolean>" in x.content
    lit = client.get("/sparql", params={
        "query": 'SELECT ?a ?b ?c WHERE { BIND(3 AS ?a) BIND("chat"@fr AS ?b) BIND(BNODE() AS ?c) }'})
    b = lit.json()["results"]["bindings"][0]
    assert b["a"] == {"type": "literal", "value": "3", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}
    assert b["b"] == {"type": "literal", "value": "chat", "xml:lang": "fr"}
    assert b["c"]["type"] == "bnode"


@pytest.mark.parametrize(("accept", "ctype"), [
    ("text/turtle", "text/turtle"), ("application/n-triples", "application/n-triples"),
    ("application/rdf+xml", "application/rdf+xml"), ("*/*", "text/turtle")])
def test_construct_and_describe(client, accept, ctype):
    q = f"CONSTRUCT {{ ?r a <{CG}Role> }} WHERE {{ ?r a <{CG}Role> }} LIMIT 2"
    r = client.get("/sparql", params={"query": q}, headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == ctype
    import pyoxigraph as ox

    fmt = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
           "application/rdf+xml": ox.RdfFormat.RDF_XML}[ctype]
    assert len(list(ox.parse(r.content, format=fmt))) == 2
    d = client.get("/sparql", params={"query": "DESCRIBE <https://w3id.org/careergraph/id/role/data-scientist>"},
                   headers={"Accept": "application/n-triples"})
    assert d.status_code == 200 and "data-scientist" in d.text


def test_not_acceptable_and_unsupported_body(client):
    r = client.get("/sparql", params={"query": ROLES}, headers={"Accept": "image/png"})
    assert r.status_code == 406 and "offers" in r.text
    r = client.post("/sparql", content=b"query=x", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415


def test_dataset_parameters(client):
    q = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?r a <{CG}Role> }}"
    def n(**p):
        return int(client.get("/sparql", params={"query": q, **p}).json()["results"]["bindings"][0]["n"]["value"])
    assert n() > 10
    assert n(**{"default-graph-uri": ONTOLOGY}) == 0
    assert n(**{"default-graph-uri": SEED}) == n()
    g = client.get("/sparql", params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                                      "named-graph-uri": SEED}).json()
    assert [b["g"]["value"] for b in g["results"]["bindings"]] == [SEED]
    bad = client.get("/sparql", params={"query": q, "default-graph-uri": "not an iri"})
    assert bad.status_code == 400


@pytest.mark.parametrize("request_kind", ["form-update", "sparql-update", "update-in-query", "service", "get-update"])
def test_read_only_refusals_are_403(client, request_kind):
    if request_kind == "form-update":
        r = client.post("/sparql", data={"update": "DROP ALL"})
    elif request_kind == "sparql-update":
        r = client.post("/sparql", content=b"DROP ALL", headers={"Content-Type": "application/sparql-update"})
    elif request_kind == "update-in-query":
        r = client.post("/sparql", data={"query": "PREFIX x: <http://x/> INSERT DATA { x:a x:b x:c }"})
    elif request_kind == "service":
        r = client.get("/sparql",
                       params={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"})
    else:
        r = client.get("/sparql", params={"update": "DROP ALL"})
    assert r.status_code == 403, r.text
    assert ("read-only" in r.text) or ("SERVICE" in r.text)
    still = client.get("/sparql", params={"query": f"ASK {{ ?r a <{CG}Role> }}"}).json()
    assert still["boolean"] is True


def test_protocol_errors_are_400(client):
    assert client.get("/sparql", params={"query": "SELEC * WHERE {}"}).status_code == 400
    assert "syntax error" in client.get("/sparql", params={"query": "SELEC * WHERE {}"}).text
    assert client.get("/sparql").status_code == 400
    assert client.get("/sparql", params=[("query", "ASK {}"), ("query", "ASK {}")]).status_code == 400
    assert client.get("/sparql", headers={"Accept": "text/html"}, follow_redirects=False).status_code == 303


def test_limits_say_which_was_hit():
    c = _client(max_rows=5, max_body=2000, timeout=0.5, workers=2)
    r = c.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert r.status_code == 400 and "--max-rows" in r.text and "5 rows" in r.text
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 3000
    r = c.post("/sparql", data={"query": big})
    assert r.status_code == 413 and "--max-body" in r.text
    r = c.post("/sparql", content=big.encode(), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413
    r = c.get("/sparql", params={"query": big})
    assert r.status_code == 413


def test_timeout_stops_the_work():
    c = _client(max_rows=10**9, timeout=0.4, workers=1)
    server = c.app.state.server
    started = time.monotonic()
    r = c.get("/sparql", params={"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"})
    assert r.status_code == 503 and "--request-timeout" in r.text
    assert time.monotonic() - started < 5
    deadline = time.monotonic() + 5  # the worker stops reading rows at the deadline: its slot comes back
    while not server._slots.acquire(blocking=False):
        assert time.monotonic() < deadline, "the query kept running after its time limit"
        time.sleep(0.05)
    server._slots.release()
    assert c.get("/sparql", params={"query": "ASK {}"}).status_code == 200


# -- real clients against a live server ---------------------------------------------------------------

@pytest.fixture(scope="module")
def live():
    with process_server() as (url, proc, lines):
        yield url, proc, lines


def test_rdflib_sparqlstore(live):
    from rdflib import Graph, URIRef
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    url, _, _ = live
    g = Graph(store=SPARQLStore(url + "/sparql"))
    rows = list(g.query(ROLES))
    assert len(rows) == 3 and isinstance(rows[0][0], URIRef)
    assert g.query(f"ASK {{ ?r a <{CG}Role> }}").askAnswer is True
    triples = g.query(f"CONSTRUCT {{ ?r a <{CG}Role> }} WHERE {{ ?r a <{CG}Role> }} LIMIT 4")
    assert len(list(triples)) == 4
    post = Graph(store=SPARQLStore(url + "/sparql", method="POST"))
    assert len(list(post.query(ROLES))) == 3


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_sparqlwrapper(live, fmt):
    from SPARQLWrapper import CSV, JSON, POST, TSV, XML, SPARQLWrapper

    url, _, _ = live
    sw = SPARQLWrapper(url + "/sparql")
    sw.setQuery(ROLES)
    sw.setReturnFormat({"json": JSON, "xml": XML, "csv": CSV, "tsv": TSV}[fmt])
    res = sw.query().convert()
    if fmt == "json":
        assert len(res["results"]["bindings"]) == 3
    elif fmt == "xml":
        assert len(res.getElementsByTagName("result")) == 3
    else:
        assert len(res.decode().strip().splitlines()) == 4
    sw.setMethod(POST)
    sw.setReturnFormat(JSON)
    assert len(sw.query().convert()["results"]["bindings"]) == 3


def test_sparqlwrapper_construct_and_refused_update(live):
    from SPARQLWrapper import POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    url, _, _ = live
    sw = SPARQLWrapper(url + "/sparql")
    sw.setQuery(f"CONSTRUCT {{ ?r a <{CG}Role> }} WHERE {{ ?r a <{CG}Role> }} LIMIT 2")
    assert len(sw.query().convert()) == 2  # an rdflib Graph, parsed from RDF/XML
    up = SPARQLWrapper(url + "/sparql")
    up.setMethod(POST)
    up.setQuery("PREFIX x: <http://x/> INSERT DATA { x:a x:b x:c }")
    with pytest.raises((SPARQLWrapperException, Exception)) as info:
        up.query()
    assert "403" in str(info.value) or "read-only" in str(info.value) or "Forbidden" in str(info.value)


def test_live_server_logs_and_stops_cleanly():
    with process_server("--host", "127.0.0.1") as (url, proc, lines):
        import urllib.request

        with urllib.request.urlopen(url + "/api/status") as resp:
            assert json.loads(resp.read())["kind"] == "memory"
        os.kill(proc.pid, signal.SIGTERM)
        assert proc.wait(15) == 0
        time.sleep(0.2)
    log = "".join(lines)
    assert "GET /api/status 200 " in log and " ms" in log
    assert "stopped (SIGTERM)" in log


def test_non_loopback_host_warns(run_cli):
    res = run_cli("serve", "--host", "0.0.0.0", "--port", "99999")
    assert res.exit_code == 2  # the port is refused before anything listens
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "careergraph", "serve", "--host", "0.0.0.0", "--port", "0"],
                            stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stderr.readline()
        assert first.startswith("warning: --host 0.0.0.0 makes the server reachable from other machines")
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait(15)


# -- reading and writing, unit by unit -------------------------------------------------------------------

_FORM_TEXT = st.text(alphabet="ab =&+%é\n\"<>{}#?;:/_-.~😀", max_size=30)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_FORM_TEXT, _FORM_TEXT, st.sampled_from([quote_plus, quote, str]), st.booleans()),
                max_size=4), st.booleans())
def test_parse_form_reads_what_parse_qs_reads(fields, lower):
    # encoded well (quote, quote_plus), or not at all (raw '%', spaces, newlines): the same names and values
    text = "&".join(enc(k).replace("&", "%26") + ("=" + enc(v).replace("&", "%26") if has_value else "")
                    for k, v, enc, has_value in fields)
    text = text.lower() if lower else text
    assert parse_form(text) == parse_qs(text, keep_blank_values=True)


def test_xml_answers_drop_characters_xml_cannot_hold():
    # an imported label may hold a control character: XML 1.0 cannot carry it, even as a reference
    doc = results_document('<literal>bell\x07 tab\t \ufffe ok é</literal>'.encode(), "application/sparql-results+xml")
    assert doc.decode() == "<literal>bell\ufffd tab\t \ufffd ok é</literal>"
    ET.fromstring(b"<r>" + doc + b"</r>")
    assert results_document(b'{"a":"\\u0007"}', "application/sparql-results+json") == b'{"a":"\\u0007"}'


def test_answers_are_kept_for_the_data_they_were_computed_on():
    g = open_graph()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        c = TestClient(create_app(g, refresh_every=0.3, warm=False))
    server = c.app.state.server
    q = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?r a <{CG}Role> }}"

    def count(accept="application/sparql-results+json"):
        r = c.get("/sparql", params={"query": q}, headers={"Accept": accept})
        assert r.status_code == 200
        return r

    first, again = count(), count()
    assert again.content == first.content and server.results.stats()["hits"] == 1
    assert count("text/csv").text.startswith("n\r\n")  # another format is another answer
    assert c.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}).status_code == 200
    c.get("/sparql", params={"query": "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"})
    assert server.results.stats()["answers"] == 3  # refusals and errors are never kept
    n = int(first.json()["results"]["bindings"][0]["n"]["value"])
    g.update(f"""INSERT DATA {{ GRAPH <https://w3id.org/careergraph/graph/meta> {{
        <https://w3id.org/careergraph/id/dataset/test> <{CG}datasetKey> "test" }} }}
      ; INSERT DATA {{ GRAPH <https://w3id.org/careergraph/graph/seed> {{
        <https://w3id.org/careergraph/id/role/brand-new> a <{CG}Role> }} }}""")
    time.sleep(0.35)  # the server's next look at the data (--refresh-every)
    after = count().json()
    assert int(after["results"]["bindings"][0]["n"]["value"]) == n + 1  # new data, new answer
    assert server.results.stats()["answers"] == 1  # the old data's answers are gone
