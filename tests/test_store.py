"""Store: atomic replacement of a source graph, records in graph/meta, recovery after a crash."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap

import pytest

from careergraph.errors import StoreError
from careergraph.queries import run_query
from careergraph.store import META_GRAPH, SourceRecord, drop_source, list_sources, open_graph, replace_source

G = "https://w3id.org/careergraph/graph/test"
D = "https://w3id.org/careergraph/id/dataset/test"


def _nt(tmp_path, n: int, tag: str):
    p = tmp_path / f"{tag}.nt"
    p.write_text("".join(f'<http://example.org/s{i}> <http://example.org/p> "{tag} {i}" .\n' for i in range(n)))
    return p


def _rec(n: int) -> SourceRecord:
    return SourceRecord(key="test", graph=G, dataset=D, label="Test", version="1", imported="2024-01-01T00:00:00Z",
                        triples=n, files=("a.nt",))


def _count(g, graph: str) -> int:
    return run_query(g, f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}").rows[0]["n"]


def test_replace_records_and_drops(tmp_path):
    g = open_graph()
    replace_source(g, _nt(tmp_path, 50, "old"), _rec(50))
    replace_source(g, _nt(tmp_path, 30, "new"), _rec(30))
    assert _count(g, G) == 30
    (rec,) = list_sources(g)
    assert (rec.key, rec.triples, rec.files, rec.version) == ("test", 30, ("a.nt",), "1")
    assert drop_source(g, "test").key == "test"
    assert list_sources(g) == [] and _count(g, G) == 0
    with pytest.raises(StoreError, match="imported: none"):
        drop_source(g, "test")


def test_failed_first_import_leaves_nothing(tmp_path):
    g = open_graph()
    bad = tmp_path / "bad.nt"
    bad.write_text('<http://example.org/s> <http://example.org/p> "unterminated .\n')
    with pytest.raises(SyntaxError):
        replace_source(g, bad, _rec(1))
    assert list_sources(g) == []
    assert G not in g.named_graphs()


_KILL = textwrap.dedent("""
    import os, signal, sys
    from careergraph.store import open_graph, replace_source, SourceRecord
    store, nt, n, when = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    g = open_graph(store, create=True)
    rec = SourceRecord(key="test", graph="%s", dataset="%s", version="1", imported="2024-01-01T00:00:00Z",
                       triples=n, files=("a.nt",))
    def progress(msg):
        if when != "never" and msg.startswith(when):
            os.kill(os.getpid(), signal.SIGKILL)  # no cleanup, no finally: a crash
    replace_source(g, nt, rec, progress=progress)
""" % (G, D))


def _run(store, nt, n, when):
    return subprocess.run([sys.executable, "-c", _KILL, str(store), str(nt), str(n), when], timeout=120)


def test_killed_imports_leave_the_store_as_it_was(tmp_path):
    store = tmp_path / "store"
    # killed during a first import (after the 'loading' marker): nothing remains after reopening
    assert _run(store, _nt(tmp_path, 200, "old"), 200, "loading").returncode == -9
    g = open_graph(store)
    assert list_sources(g) == [] and G not in g.named_graphs()
    g.close()
    # a complete import, then a re-import killed just before the swap: the old content survives
    assert _run(store, _nt(tmp_path, 200, "old"), 200, "never").returncode == 0
    assert _run(store, _nt(tmp_path, 300, "new"), 300, "swapping").returncode == -9
    g = open_graph(store)
    assert [r.triples for r in list_sources(g)] == [200] and _count(g, G) == 200
    assert not [x for x in g.named_graphs() if "/staging/" in x]
    assert META_GRAPH in g.named_graphs()


def test_store_folder_checks(tmp_path):
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(StoreError, match="not a careergraph store"):
        open_graph(foreign, create=True)
    assert sorted(p.name for p in foreign.iterdir()) == ["notes.txt"]  # left untouched
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(StoreError, match="is a file"):
        open_graph(a_file)
    with pytest.raises(StoreError, match="does not exist"):
        open_graph(tmp_path / "missing")


def test_corrupt_store_is_a_clear_error(tmp_path):
    store = tmp_path / "store"
    open_graph(store, create=True).close()
    gc.collect()
    for f in (store / "oxigraph").iterdir():
        if f.is_file():
            f.write_bytes(b"garbage" * 10)
    with pytest.raises(StoreError, match="Cannot open store"):
        open_graph(store)
