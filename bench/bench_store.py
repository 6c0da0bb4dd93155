"""Benchmark: cold CLI and the query library on an ESCO (+ O*NET) store.

Builds the store once (or reuses --store), then times, as medians of --runs:
a cold ``careergraph sources`` / ``careergraph query list-roles`` process
(start to answer), and every query of ``careergraph.queries.list_queries()``
with parameters taken from the data (queries whose parameters cannot be
filled are listed as skipped). Progress on stderr; table on stdout.

    python bench/bench_store.py [--data ../shared/data] [--store DIR] [--runs 5]
"""

from __future__ import annotations

import argparse
import glob
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PARAMS = {"role": "cgr:data-scientist", "skill": "Python (computer programming)", "degree": "PhD",
          "field": "Computer Science", "industry": "Healthcare", "entity": "cgr:data-scientist",
          "integer": "3", "decimal": "0.5", "string": "essential"}


def cold(args: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "careergraph", *args], capture_output=True, check=False)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    ap.add_argument("--store")
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp()
    store = a.store or f"{tmp}/store"
    if not Path(store).exists():
        print(f"[bench] importing ESCO and O*NET into {store} ...", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, "-m", "careergraph", "import", "esco", "--store", store,
                        *sorted(glob.glob(f"{a.data}/esco-v1.1.1/*.zip"))], check=True, capture_output=True)
        subprocess.run([sys.executable, "-m", "careergraph", "import", "onet", "--store", store,
                        f"{a.data}/onet"], check=True, capture_output=True)
    rows = []
    for args in (["sources", "--store", store], ["query", "list-roles", "--store", store, "--format", "csv"]):
        print(f"[bench] cold: careergraph {' '.join(args[:2])} ...", file=sys.stderr, flush=True)
        rows.append((f"cold CLI: {' '.join(args[:2])}", cold(args, a.runs)))
    from careergraph import CareerGraph
    from careergraph.errors import CareerGraphError
    from careergraph.queries import list_queries

    cg = CareerGraph(store)
    cg.projection  # names resolve through the projection's label index: load it once, outside the timings
    qtimes, skipped = {}, []
    for q in list_queries():
        params = {p.name: PARAMS.get(p.name, PARAMS.get(p.kind)) for p in q.parameters if not p.optional}
        times = []
        try:
            for _ in range(a.runs):
                t = time.perf_counter()
                cg.query(q, params)
                times.append(time.perf_counter() - t)
        except CareerGraphError as exc:
            skipped.append(f"{q.name} ({str(exc)[:60]})")
            continue
        qtimes[q.name] = statistics.median(times)
        print(f"[bench] {q.name}: {qtimes[q.name] * 1000:.0f} ms", file=sys.stderr, flush=True)
    print(f"{'measurement':<44}{'median':>12}")
    for name, sec in rows:
        print(f"{name:<44}{sec:>11.2f}s")
    for name, sec in sorted(qtimes.items(), key=lambda x: -x[1]):
        print(f"{'query ' + name:<44}{sec * 1000:>10.0f}ms")
    if qtimes:
        print(f"{'median over ' + str(len(qtimes)) + ' queries':<44}{statistics.median(qtimes.values()) * 1000:>10.0f}ms")
    for s in skipped:
        print(f"skipped: {s}")


if __name__ == "__main__":
    main()
