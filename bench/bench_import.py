"""Benchmark: imports and validation on the real ESCO and O*NET data, with ratios.

For each source (ESCO: both zips, 1.27 M triples; O*NET: 0.87 M triples),
each measurement in a fresh subprocess (its peak memory is its ru_maxrss),
medians of --runs:

* the floor: Oxigraph's own ``Store.bulk_load`` of the very N-Triples the
  import wrote (kept in the store's generation), into an empty on-disk store;
* the first import into a new store (``careergraph import ... --no-projection``),
  against the floor (target: at most 1.3x);
* a re-import of the same source into that store, against the first import
  (target: at most 1.5x the time and 1.5x the peak memory);
* the first analysis command after an import (a new process, start to
  answer: ``similar``), when the import built the projection cache and when
  it did not (target: under 2 s);
* full SHACL on the store: the sparql engine, and pyshacl up to
  --pyshacl-timeout seconds (target: under 2 minutes and 2 GB).

``--full`` adds a store holding ESCO, O*NET and the crosswalk: the first
import of O*NET beside ESCO, re-imports of each (O*NET lies under the
crosswalk, ESCO under both), and SHACL on the whole. ``--rdflib`` adds the
old comparison: the ESCO import in memory against rdflib parsing the same
N-Triples. Progress on stderr; tables of medians and ratios on stdout.

    python bench/bench_import.py [--data ../shared/data] [--runs 3] [--full] [--rdflib]
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
out, what, args = sys.argv[1], sys.argv[2], sys.argv[3:]
t = time.perf_counter()
code = 0
n = 0
try:
    if what == "cli":
        from careergraph.cli import main
        try:
            main(args)
        except SystemExit as exc:
            code = exc.code or 0
    elif what == "floor":
        import pyoxigraph as ox
        st = ox.Store(args[0])
        st.bulk_load(path=args[1], format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(args[2]), lenient=True)
        st.flush()
        n = len(st)
    elif what == "memory":
        import glob
        from careergraph.store import open_graph
        from careergraph.importers import import_esco
        import pyoxigraph as ox
        g = open_graph()
        s = import_esco(g, sorted(glob.glob(args[0] + "/esco-v1.1.1/*.zip")))
        n = s.triples
        with open(args[1], "wb") as fh:
            g.dump(fh, format=ox.RdfFormat.N_TRIPLES, graph=s.graph)
    elif what == "rdflib":
        import rdflib
        g = rdflib.Graph()
        g.parse(args[0], format="nt")
        n = len(g)
finally:
    with open(out, "w") as fh:
        json.dump({"seconds": time.perf_counter() - t, "exit": code, "triples": n,
                   "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}, fh)
"""

ESCO_ZIPS = ("ESCO dataset - v1.1.1 - classification - en - csv.zip",
             "ESCO dataset - v1.1.1 - classification - relations - csv.zip")
GRAPHS = {"esco": "https://w3id.org/careergraph/graph/esco-v1.1.1", "onet": "https://w3id.org/careergraph/graph/onet",
          "crosswalk": "https://w3id.org/careergraph/graph/crosswalk"}
#: The first analysis command after an import: a name of that source.
COMMAND = {"esco": ["similar", "data scientist", "--source", "esco"],
           "onet": ["similar", "Data Scientists", "--source", "onet"]}


def say(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def child(what: str, *args: str, timeout: float | None = None) -> dict:
    """Run one measurement in a fresh process: its own seconds and peak MB, and the wall time around it."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        out = fh.name
    t = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, "-c", CHILD, out, what, *args], capture_output=True, text=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"seconds": float("inf"), "wall": float("inf"), "peak_mb": float("nan"), "exit": "timeout"}
    wall = time.perf_counter() - t
    try:
        res = json.loads(Path(out).read_text())
    except ValueError:
        raise SystemExit(f"{what} {' '.join(args)} failed:\n{proc.stderr[-3000:]}") from None
    finally:
        Path(out).unlink(missing_ok=True)
    if res["exit"] not in (0, 1):
        raise SystemExit(f"{what} {' '.join(args)} exited {res['exit']}:\n{proc.stderr[-3000:]}")
    res["wall"] = wall
    res["stderr"] = proc.stderr
    return res


def source_args(key: str, data: Path) -> list[str]:
    if key == "esco":
        return [str(data / "esco-v1.1.1" / z) for z in ESCO_ZIPS]
    if key == "onet":
        return [str(data / "onet")]
    return [str(data / "nesta-mcc" / "esco_onet_crosswalk_Nov2020.csv")]


def imp(key: str, data: Path, store: Path, *, projection: bool = False) -> dict:
    args = ["import", key, "--store", str(store), *source_args(key, data)]
    return child("cli", *args, *([] if projection else ["--no-projection"]))


def nt_copy(store: Path, key: str) -> Path:
    """The N-Triples the import wrote, as kept in the current generation."""
    gen = store / "generations" / (store / "current-generation").read_text().strip()
    slug = GRAPHS[key].rsplit("/", 1)[-1]
    (found,) = [p for p in (gen / "sources").iterdir() if p.name.startswith(slug + "-")]
    return found


def med(rows: list[dict], field: str = "seconds") -> float:
    return statistics.median(r[field] for r in rows)


def table(title: str, rows: list[tuple[str, float, float, str]]) -> None:
    print(f"\n{title}")
    print("| measurement | median s | peak MB | ratio |\n|---|---|---|---|")
    for label, sec, mb, ratio in rows:
        s = "> timeout" if sec == float("inf") else f"{sec:.2f}"
        m = "-" if math.isnan(mb) else f"{mb:,.0f}"
        print(f"| {label} | {s} | {m} | {ratio} |")


def bench_source(key: str, data: Path, tmp: Path, runs: int, pyshacl_timeout: float) -> None:
    first, again, floor, cmd, cmd_cold, shacl = [], [], [], [], [], []
    for i in range(runs):
        store = tmp / f"{key}-{i}"
        say(f"{key} run {i + 1}/{runs}: first import")
        first.append(imp(key, data, store))
        say(f"  {first[-1]['seconds']:.1f} s, {first[-1]['peak_mb']:.0f} MB; floor: bulk_load of the same N-Triples")
        nt = tmp / f"{key}.nt"
        shutil.copyfile(nt_copy(store, key), nt)
        floor.append(child("floor", str(tmp / f"floor-{key}-{i}"), str(nt), GRAPHS[key]))
        shutil.rmtree(tmp / f"floor-{key}-{i}", ignore_errors=True)
        say(f"  {floor[-1]['seconds']:.1f} s; re-import")
        again.append(imp(key, data, store))
        say(f"  {again[-1]['seconds']:.1f} s, {again[-1]['peak_mb']:.0f} MB; first command without the cache")
        cmd_cold.append(child("cli", *COMMAND[key], "--store", str(store)))
        shutil.rmtree(store)
        say(f"  {cmd_cold[-1]['wall']:.1f} s; import with the projection, then the first command")
        imp(key, data, store, projection=True)
        cmd.append(child("cli", *COMMAND[key], "--store", str(store)))
        say(f"  {cmd[-1]['wall']:.2f} s; SHACL (sparql engine)")
        shacl.append(child("cli", "validate", "--store", str(store), "--engine", "sparql", "--no-queries"))
        say(f"  {shacl[-1]['seconds']:.1f} s, {shacl[-1]['peak_mb']:.0f} MB")
        if i == 0:
            say(f"  pyshacl (up to {pyshacl_timeout:.0f} s)")
            py = child("cli", "validate", "--store", str(store), "--engine", "pyshacl", "--no-queries",
                       timeout=pyshacl_timeout)
        shutil.rmtree(store)
    f, fl, a = med(first), med(floor), med(again)
    mem = med(again, "peak_mb") / med(first, "peak_mb")
    table(f"{key}: median of {runs} run(s)", [
        ("Oxigraph bulk_load of the same N-Triples (floor)", fl, med(floor, "peak_mb"), "1.00"),
        ("first import", f, med(first, "peak_mb"), f"{f / fl:.2f}x the floor (target ≤ 1.3x)"),
        ("re-import of the same source", a, med(again, "peak_mb"),
         f"{a / f:.2f}x the time, {mem:.2f}x the memory of the first (targets ≤ 1.5x)"),
        ("first command after an import that built the projection (wall)", med(cmd, "wall"), med(cmd, "peak_mb"),
         "target < 2 s"),
        ("first command after an import without it (wall)", med(cmd_cold, "wall"), med(cmd_cold, "peak_mb"),
         f"{med(cmd_cold, 'wall') / med(cmd, 'wall'):.1f}x slower"),
        ("SHACL, sparql engine", med(shacl), med(shacl, "peak_mb"), "target < 120 s, < 2 GB"),
        ("SHACL, pyshacl (one run)", py["seconds"], py["peak_mb"],
         "did not finish" if py["seconds"] == float("inf") else f"{py['seconds'] / med(shacl):.1f}x the sparql engine"),
    ])


def bench_full(data: Path, tmp: Path, runs: int, pyshacl_timeout: float) -> None:
    rows: dict[str, list[dict]] = {k: [] for k in ("esco", "onet", "crosswalk", "re-onet", "re-esco", "shacl")}
    py = None
    for i in range(runs):
        store = tmp / f"full-{i}"
        for key in ("esco", "onet", "crosswalk"):
            say(f"full store run {i + 1}/{runs}: import {key}")
            rows[key].append(imp(key, data, store))
        say("  re-import onet (under the crosswalk)")
        rows["re-onet"].append(imp("onet", data, store))
        say("  re-import esco (under O*NET and the crosswalk)")
        rows["re-esco"].append(imp("esco", data, store))
        say("  SHACL")
        rows["shacl"].append(child("cli", "validate", "--store", str(store), "--engine", "sparql", "--no-queries"))
        if i == 0:
            say(f"  pyshacl (up to {pyshacl_timeout:.0f} s)")
            py = child("cli", "validate", "--store", str(store), "--engine", "pyshacl", "--no-queries",
                       timeout=pyshacl_timeout)
        shutil.rmtree(store)
    m = {k: med(v) for k, v in rows.items()}
    p = {k: med(v, "peak_mb") for k, v in rows.items()}
    table(f"ESCO + O*NET + crosswalk in one store, median of {runs} run(s)", [
        ("first import of ESCO (new store)", m["esco"], p["esco"], ""),
        ("first import of O*NET (beside ESCO)", m["onet"], p["onet"], ""),
        ("first import of the crosswalk", m["crosswalk"], p["crosswalk"], ""),
        ("re-import of O*NET (checkpoint under it, the crosswalk carried over)", m["re-onet"], p["re-onet"],
         f"{m['re-onet'] / m['onet']:.2f}x the time, {p['re-onet'] / p['onet']:.2f}x the memory of its first import"),
        ("re-import of ESCO (O*NET and the crosswalk carried over)", m["re-esco"], p["re-esco"],
         f"{m['re-esco'] / m['esco']:.2f}x the time, {p['re-esco'] / p['esco']:.2f}x the memory of its first import"),
        ("SHACL, sparql engine", m["shacl"], p["shacl"], "target < 120 s, < 2 GB"),
        ("SHACL, pyshacl (one run)", py["seconds"], py["peak_mb"],
         "did not finish" if py["seconds"] == float("inf") else f"{py['seconds'] / m['shacl']:.1f}x"),
    ])


def bench_rdflib(data: Path, tmp: Path, runs: int) -> None:
    mem, rdf = [], []
    for i in range(runs):
        say(f"rdflib run {i + 1}/{runs}: ESCO in memory, then rdflib parsing the same N-Triples")
        mem.append(child("memory", str(data), str(tmp / "esco-memory.nt")))
        rdf.append(child("rdflib", str(tmp / "esco-memory.nt")))
    table(f"ESCO in memory against rdflib, median of {runs} run(s)", [
        ("careergraph import (in memory; includes an N-Triples dump)", med(mem), med(mem, "peak_mb"),
         f"{med(rdf) / med(mem):.1f}x faster than rdflib"),
        ("rdflib Graph().parse(nt) of the same triples", med(rdf), med(rdf, "peak_mb"), "1.0"),
    ])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--sources", default="esco,onet", help="Comma-separated: esco, onet (empty: none).")
    ap.add_argument("--full", action="store_true", help="Also the ESCO + O*NET + crosswalk store.")
    ap.add_argument("--rdflib", action="store_true", help="Also the in-memory import against rdflib.")
    ap.add_argument("--pyshacl-timeout", type=float, default=600)
    ap.add_argument("--tmp", help="Folder for the stores (default: a temporary one).")
    a = ap.parse_args()
    data = Path(a.data)
    with tempfile.TemporaryDirectory(dir=a.tmp) as tmp_name:
        tmp = Path(tmp_name)
        for key in [k for k in a.sources.split(",") if k]:
            bench_source(key, data, tmp, a.runs, a.pyshacl_timeout)
        if a.full:
            bench_full(data, tmp, a.runs, a.pyshacl_timeout)
        if a.rdflib:
            bench_rdflib(data, tmp, a.runs)


if __name__ == "__main__":
    main()
