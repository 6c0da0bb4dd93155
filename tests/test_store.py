"""Store: generations switched atomically, readers never locked out, crashes and Ctrl-C cleaned up."""

from __future__ import annotations

import gc
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from careergraph.backends.embedded import load_turtle
from careergraph.backends.generations import Layout
from careergraph.errors import StoreError
from careergraph.queries import run_query
from careergraph.resources import builtin_graphs
from careergraph.store import (
    META_GRAPH,
    SourceRecord,
    discard_unused_store,
    drop_source,
    list_sources,
    open_graph,
    replace_source,
)

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


def _generations(store: Path) -> list[str]:
    return sorted(p.name for p in (store / "generations").iterdir())


def _unfinished(store: Path) -> list[str]:
    return [n for n in _generations(store) if not (store / "generations" / n / "generation.json").is_file()]


def test_discard_unused_store_only_removes_a_store_nothing_was_imported_into(tmp_path):
    new = tmp_path / "new"
    open_graph(new, create=True).close()
    with Layout(new).writer("another import"):  # a writer at work keeps it
        assert discard_unused_store(new) is False and (new / "careergraph-store.json").is_file()
    assert discard_unused_store(new) is True and not new.exists()

    kept = tmp_path / "kept"
    kept.mkdir()
    open_graph(kept, create=True).close()
    assert discard_unused_store(kept, keep_folder=True) is True and list(kept.iterdir()) == []

    used = tmp_path / "used"
    g = open_graph(used, create=True)
    replace_source(g, _nt(tmp_path, 5, "x"), _rec(5))
    g.close()
    assert discard_unused_store(used) is False
    g = open_graph(used)
    assert [r.key for r in list_sources(g)] == ["test"]
    g.close()
    plain = tmp_path / "plain"  # not a store: never touched
    plain.mkdir()
    (plain / "notes.txt").write_text("mine")
    assert discard_unused_store(plain) is False and (plain / "notes.txt").read_text() == "mine"


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


def test_generations_on_disk(tmp_path):
    store = tmp_path / "store"
    g = open_graph(store, create=True)
    first = g.generation
    assert json.loads((store / "careergraph-store.json").read_text())["format"] == 2
    replace_source(g, _nt(tmp_path, 50, "old"), _rec(50))
    assert g.generation != first and _count(g, G) == 50
    # the re-import's N-Triples copy is kept (hard-linked) for the next rebuild
    assert any(p.name.startswith("test-") for p in (store / "generations" / g.generation / "sources").iterdir())
    replace_source(g, _nt(tmp_path, 30, "new"), _rec(30))
    assert _count(g, G) == 30 and [r.triples for r in list_sources(g)] == [30]
    # the first generation (everything but the source) is kept as the base of re-imports; the
    # generation replaced, read by nobody, is gone
    assert _generations(store) == sorted([first, g.generation])
    bad = tmp_path / "bad.nt"
    bad.write_text('<http://example.org/s> <http://example.org/p> "unterminated .\n')
    before = g.generation
    with pytest.raises(SyntaxError):
        replace_source(g, bad, _rec(1))
    assert g.generation == before and _generations(store) == sorted([first, before])  # the failed build went
    drop_source(g, "test")
    assert list_sources(g) == [] and G not in g.named_graphs()
    g.close()


def _src(key: str, n: int) -> SourceRecord:
    return SourceRecord(key=key, graph=f"{G}-{key}", dataset=f"{D}-{key}", version="1",
                        imported="2024-01-01T00:00:00Z", triples=n)


def test_a_re_import_starts_from_the_cheapest_base(tmp_path):
    store = tmp_path / "store"
    g = open_graph(store, create=True)
    replace_source(g, _nt(tmp_path, 300, "a1"), _src("a", 300))
    replace_source(g, _nt(tmp_path, 100, "b1"), _src("b", 100))
    # a below b: deleting a's 300 triples costs more than loading b's 100 again on the base under a
    said: list[str] = []
    replace_source(g, _nt(tmp_path, 300, "a2"), _src("a", 300), progress=said.append)
    assert any("carrying 1 graph(s) over" in m for m in said) and any("kept checkpoint" in m for m in said)
    assert not any("removing" in m for m in said)
    # a is on top now: the checkpoint under it is the base, nothing is carried
    said.clear()
    replace_source(g, _nt(tmp_path, 250, "a3"), _src("a", 250), progress=said.append)
    assert not any("carrying" in m or "removing" in m for m in said), said
    assert {r.key: r.triples for r in list_sources(g)} == {"a": 250, "b": 100}
    assert _count(g, f"{G}-a") == 250 and _count(g, f"{G}-b") == 100
    assert run_query(g, 'ASK { ?s ?p "a3 7" }').ask and not run_query(g, 'ASK { ?s ?p "a2 7" }').ask
    drop_source(g, "b")
    assert {r.key for r in list_sources(g)} == {"a"} and f"{G}-b" not in g.named_graphs()
    assert not _unfinished(store)
    g.close()


def test_a_reader_keeps_its_generation_until_refresh(tmp_path):
    store = tmp_path / "store"
    w = open_graph(store, create=True)
    replace_source(w, _nt(tmp_path, 50, "old"), _rec(50))
    r = open_graph(store)
    state = r.state()
    replace_source(w, _nt(tmp_path, 30, "new"), _rec(30))
    assert _count(r, G) == 50 and r.state() == state       # the last complete state it opened
    held = r.generation
    assert held in _generations(store)                       # kept while a reader holds it
    assert r.refresh() is True and _count(r, G) == 30 and r.state() != state
    assert r.refresh() is False
    r.close()
    w.close()
    again = open_graph(store)
    assert any("no longer read" in n for n in again.cleaned)
    assert held not in _generations(store) and again.generation in _generations(store)
    again.close()


_DRIVER = textwrap.dedent("""
    import os, signal, sys, time
    from careergraph.store import open_graph, replace_source, SourceRecord
    store, nt, n, when, action = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
    g = open_graph(store, create=True)
    rec = SourceRecord(key="test", graph="%s", dataset="%s", version="1", imported="2024-01-01T00:00:00Z",
                       triples=n, files=("a.nt",))
    def progress(msg):
        print(msg, file=sys.stderr, flush=True)
        if msg.startswith(when):
            if action == "kill":
                os.kill(os.getpid(), signal.SIGKILL)  # no cleanup, no finally: a crash
            if action == "pause":
                open(store + ".paused", "w").close()
                while not os.path.exists(store + ".go"):
                    time.sleep(0.02)
    try:
        replace_source(g, nt, rec, progress=progress)
    except KeyboardInterrupt:
        print("aborted", file=sys.stderr, flush=True)
        sys.exit(130)
""" % (G, D))


def _run(store, nt, n, when="never", action="kill"):
    return subprocess.run([sys.executable, "-c", _DRIVER, str(store), str(nt), str(n), when, action], timeout=120,
                          capture_output=True, text=True)


def _start(store, nt, n, when, action):
    return subprocess.Popen([sys.executable, "-c", _DRIVER, str(store), str(nt), str(n), when, action],
                            stderr=subprocess.PIPE, text=True)


def _wait_for(path: Path, proc, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while not path.exists():
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline, "the child never reached its pause"
        time.sleep(0.02)


def _timed_open(store):
    t = time.perf_counter()
    said: list[str] = []
    g = open_graph(store, progress=said.append)
    return g, said, time.perf_counter() - t


def test_killed_imports_leave_the_store_as_it_was(tmp_path):
    store = tmp_path / "store"
    # killed while loading a first import: the next open removes the unfinished generation and says so
    assert _run(store, _nt(tmp_path, 200, "old"), 200, "loading").returncode == -9
    g, said, took = _timed_open(store)
    assert list_sources(g) == [] and G not in g.named_graphs()
    assert any("unfinished" in s for s in said) and took < 2
    g.close()
    # a complete import, then a re-import killed just before the switch: the old content survives
    assert _run(store, _nt(tmp_path, 200, "old"), 200).returncode == 0
    assert _run(store, _nt(tmp_path, 300, "new"), 300, "switching").returncode == -9
    g, said, took = _timed_open(store)
    assert [r.triples for r in list_sources(g)] == [200] and _count(g, G) == 200
    assert any("unfinished" in s for s in said) and took < 2
    assert META_GRAPH in g.named_graphs() and not _unfinished(store)
    g.close()
    # killed right after the switch, before its cleanup: the new content is there, the old generation goes
    old = (store / "current-generation").read_text().strip()
    assert _run(store, _nt(tmp_path, 300, "new"), 300, "switched").returncode == -9
    g, said, took = _timed_open(store)
    assert [r.triples for r in list_sources(g)] == [300] and _count(g, G) == 300
    assert any("no longer read" in s for s in said) and took < 2
    assert old not in _generations(store) and not _unfinished(store)
    g.close()


def test_reads_and_a_second_writer_during_an_import(tmp_path, run_process, run_cli):
    store = tmp_path / "store"
    assert _run(store, _nt(tmp_path, 200, "old"), 200).returncode == 0
    reader = open_graph(store)
    child = _start(store, _nt(tmp_path, 300, "new"), 300, "loading", "pause")
    try:
        _wait_for(Path(f"{store}.paused"), child)
        # reads work, in this process and in another, and see the last complete state
        assert _count(reader, G) == 200
        other = open_graph(store)
        assert [r.triples for r in list_sources(other)] == [200]
        other.close()
        res = run_process("sources", "--store", str(store), "--format", "json")
        assert res.exit_code == 0, res.stderr
        assert json.loads(res.stdout)[0]["triples"] == 200
        # a second writer is refused at once, naming the first
        with pytest.raises(StoreError, match=rf"being written by another careergraph process \(pid {child.pid}"):
            replace_source(reader, _nt(tmp_path, 10, "third"), _rec(10))
        res = run_cli("drop", "test", "--store", str(store))
        assert res.exit_code == 2 and "being written by another" in res.stderr
        assert res.stderr.count("\n") == 1
    finally:
        Path(f"{store}.go").touch()
        child.wait(timeout=60)
    assert child.returncode == 0, child.stderr.read()
    assert _count(reader, G) == 200 and reader.refresh() and _count(reader, G) == 300
    reader.close()


def test_ctrl_c_during_a_bulk_load_acts_at_once(tmp_path):
    store = tmp_path / "store"
    assert _run(store, _nt(tmp_path, 20, "old"), 20).returncode == 0
    big = _nt(tmp_path, 400_000, "big")  # seconds of bulk loading: Oxigraph's call is in Rust throughout
    child = _start(store, big, 400_000, "never", "none")
    try:
        deadline = time.monotonic() + 60
        for line in child.stderr:
            if line.startswith("loading into"):
                break
            assert time.monotonic() < deadline
        time.sleep(0.3)
        child.send_signal(signal.SIGINT)
        sent = time.monotonic()
        child.wait(timeout=20)
        took = time.monotonic() - sent
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    rest = child.stderr.read()
    assert child.returncode == 130 and "aborted" in rest, rest
    assert took < 2, f"Ctrl-C took {took:.1f} s"
    g, said, took = _timed_open(store)
    assert [r.triples for r in list_sources(g)] == [20] and took < 2
    assert not _unfinished(store)
    g.close()


def test_store_folder_checks(tmp_path, run_cli):
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(StoreError, match="not a careergraph store"):
        open_graph(foreign, create=True)
    with pytest.raises(StoreError, match="not a careergraph store"):
        open_graph(foreign)
    for args in (["sources"], ["import", "onet", str(tmp_path)], ["path", "a", "b"]):
        res = run_cli(*args, "--store", str(foreign))
        assert res.exit_code == 2 and "not a careergraph store" in res.stderr, (args, res.stderr)
    assert sorted(p.name for p in foreign.iterdir()) == ["notes.txt"]  # left untouched
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(StoreError, match="is a file"):
        open_graph(a_file)
    with pytest.raises(StoreError, match="does not exist"):
        open_graph(tmp_path / "missing")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(StoreError, match="empty folder"):
        open_graph(empty)
    assert list(empty.iterdir()) == []


def test_corrupt_store_is_a_clear_error(tmp_path):
    store = tmp_path / "store"
    g = open_graph(store, create=True)
    current = Layout(store).current()
    g.close()
    gc.collect()
    for f in current.store_path.iterdir():
        if f.is_file():
            f.write_bytes(b"garbage" * 10)
    with pytest.raises(StoreError, match="Cannot open store"):
        open_graph(store)


def test_a_store_made_before_generations_is_read_then_migrated(tmp_path):
    store = tmp_path / "old"
    store.mkdir()
    legacy = ox.Store(str(store / "oxigraph"))
    for p, graph in builtin_graphs():
        load_turtle(legacy, p, graph)
    legacy.flush()
    del legacy
    gc.collect()
    (store / "careergraph-store.json").write_text(json.dumps({"format": 1, "kind": "careergraph store"}))
    g = open_graph(store)
    assert g.generation == "" and list_sources(g) == []
    replace_source(g, _nt(tmp_path, 40, "old"), _rec(40))
    assert g.generation.startswith("g000001-") and _count(g, G) == 40
    assert not (store / "oxigraph").exists()  # the pre-generation copy went once nothing read it
    g.close()
