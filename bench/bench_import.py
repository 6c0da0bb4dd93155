"""Benchmark: ESCO full import (both zips) vs plain rdflib parsing the same triples.

Each measurement runs in a fresh subprocess (peak memory = its ru_maxrss);
medians of --runs runs; progress on stderr; a table of medians and ratios on stdout.

    python bench/bench_import.py [--data ../shared/data] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import json, resource, sys, time, glob
kind, data, out = sys.argv[1], sys.argv[2], sys.argv[3]
t = time.perf_counter()
if kind in ("import-disk", "import-memory"):
    from careergraph.store import open_graph
    from careergraph.importers import import_esco
    g = open_graph(out if kind == "import-disk" else None, create=True)
    s = import_esco(g, sorted(glob.glob(data + "/esco-v1.1.1/*.zip")))
    n = s.triples
    if kind == "import-memory":
        import pyoxigraph as ox
        with open(out + ".nt", "wb") as fh:
            g.dump(fh, format=ox.RdfFormat.N_TRIPLES, graph=s.graph)
elif kind == "rdflib":
    import rdflib
    g = rdflib.Graph()
    g.parse(out + ".nt", format="nt")
    n = len(g)
sec = time.perf_counter() - t
print(json.dumps({"seconds": sec, "triples": n,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(kind: str, data: Path, out: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", CHILD, kind, str(data), out], capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(f"{kind} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    data = Path(a.data)
    res: dict[str, list[dict]] = {"import-memory": [], "import-disk": [], "rdflib": []}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(a.runs):
            for kind in res:
                out = f"{tmp}/{kind}-{i}" if kind == "import-disk" else f"{tmp}/esco"
                print(f"[bench] run {i + 1}/{a.runs}: {kind} ...", file=sys.stderr, flush=True)
                r = run(kind, data, out)
                print(f"[bench]   {r['seconds']:.2f} s, {r['peak_mb']:.0f} MB, {r['triples']:,} triples",
                      file=sys.stderr, flush=True)
                res[kind].append(r)
    med = {k: statistics.median(x["seconds"] for x in v) for k, v in res.items()}
    mem = {k: statistics.median(x["peak_mb"] for x in v) for k, v in res.items()}
    print(f"ESCO v1.1.1 full import, {res['import-memory'][0]['triples']:,} triples, median of {a.runs} runs")
    print(f"{'measurement':<34}{'median s':>10}{'peak MB':>10}{'rdflib / this':>15}")
    for k, label in (("import-memory", "careergraph import (in memory)"), ("import-disk", "careergraph import (on disk)"),
                     ("rdflib", "rdflib Graph().parse(nt)")):
        print(f"{label:<34}{med[k]:>10.2f}{mem[k]:>10.0f}{med['rdflib'] / med[k]:>15.1f}")


if __name__ == "__main__":
    main()
