"""Store: atomic replacement of a source graph, records in graph/meta, recovery after a crash."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap

import pyoxigraph as ox
import pytest

from careergraph.errors import StoreError
from careergraph.store import (META_GRAPH, SourceRecord, drop_source, list_sources, open_graph,
                               oxigraph_store, replace_graph)

G = "https://w3id.org/careergraph/graph/test"
D = "https://w3id.org/careergraph/id/dataset/test"


def _nt(tmp_path, n: int, tag: str):
    p = tmp_path / f"{tag}.nt"
    p.write_text("".join(f'<http://example.org/s{i}> <http://example.org/p> "{tag} {i}" .\n' for i in range(n)))
    return p


def _rec(n: int) -> SourceRecord:
    return SourceRecord(key="test", graph=G, dataset=D, label="Test", version="1", imported="2024-01-01T00:00:00Z",
                        triples=n, files=("a.nt",))


def _count(store: ox.Store, graph: str) -> int:
    q = f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    return int(next(iter(store.query(q)))["n"].value)


def test_replace_records_and_drops(tmp_path):
    g = open_graph()
    replace_graph(g, G, _nt(tmp_path, 50, "old"), _rec(50))
    replace_graph(g, G, _nt(tmp_path, 30, "new"), _rec(30))
    store = oxigraph_store(g)
    assert _count(store, G) == 30
    (rec,) = list_sources(g)
    assert (rec.key, rec.triples, rec.files, rec.version) == ("test", 30, ("a.nt",), "1")
    assert drop_source(g, "test").key == "test"
    assert list_sources(g) == [] and _count(store, G) == 0
    with pytest.raises(StoreError, match="imported: none"):
        drop_source(g, "test")


def test_failed_first_import_leaves_nothing(tmp_path):
    g = open_graph()
    bad = tmp_path / "bad.nt"
    bad.write_text('<http://example.org/s> <http://example.org/p> "unterminated .\n')
    with pytest.raises(SyntaxError):
        replace_graph(g, G, bad, _rec(1))
    assert list_sources(g) == []
    assert not oxigraph_store(g).contains_named_graph(ox.NamedNode(G))


_KILL = textwrap.dedent("""
    import os, signal, sys
    from careergraph.store import open_graph, replace_graph, SourceRecord
    store, nt, n, when = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    g = open_graph(store, create=True)
    rec = SourceRecord(key="test", graph="%s", dataset="%s", version="1", imported="2024-01-01T00:00:00Z",
                       triples=n, files=("a.nt",))
    def progress(msg):
        if when != "never" and msg.startswith(when):
            os.kill(os.getpid(), signal.SIGKILL)  # no cleanup, no finally: a crash
    replace_graph(g, "%s", nt, rec, progress=progress)
""" % (G, D, G))


def _run(store, nt, n, when):
    return subprocess.run([sys.executable, "-c", _KILL, str(store), str(nt), str(n), when], timeout=120)


def test_killed_imports_leave_the_store_as_it_was(tmp_path):
    store = tmp_path / "store"
    # killed during a first import (after the 'loading' marker): nothing remains after reopening
    assert _run(store, _nt(tmp_path, 200, "old"), 200, "loading").returncode == -9
    g = open_graph(store)
    assert list_sources(g) == [] and not oxigraph_store(g).contains_named_graph(ox.NamedNode(G))
    del g
    gc.collect()  # Oxigraph keeps the folder locked until the store object is freed
    # a complete import, then a re-import killed just before the swap: the old content survives
    assert _run(store, _nt(tmp_path, 200, "old"), 200, "never").returncode == 0
    assert _run(store, _nt(tmp_path, 300, "new"), 300, "swapping").returncode == -9
    g = open_graph(store)
    s = oxigraph_store(g)
    assert [r.triples for r in list_sources(g)] == [200] and _count(s, G) == 200
    assert not [x for x in s.named_graphs() if "/staging/" in x.value]
    assert s.contains_named_graph(ox.NamedNode(str(META_GRAPH)))
