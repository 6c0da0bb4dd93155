"""Name lookups on a big store: unknown names with suggestions, 500-name skill sets, cold CLI.

Measures, on an imported store (ESCO + O*NET; pass --store, or one is
imported into a temporary folder from CAREERGRAPH_DATA) with the projection
cached, medians of --repeat runs:

* the Resolver's answer to an unknown role or skill name (a RoleNotFound /
  SkillNotFound with suggestions): target under 0.2 s; baselines in the same
  run: difflib.get_close_matches over the same labels (what careergraph did
  before) and a case-insensitive SPARQL scan of every label;
* ``CareerGraph.gap`` and ``CareerGraph.recommend`` with 500 skill names:
  target under 1 s;
* cold CLI commands (process start to answer, projection cached):
  target under 1.5 s.

Run: python bench/bench_resolve.py --store DIR [--repeat 5]
"""

from __future__ import annotations

import argparse
import difflib
import glob
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
UNKNOWN = [("role", "data scientst"), ("role", "machine lerning engineer"), ("skill", "breed rabits"),
           ("skill", "pyhton (computer programming)"), ("role", "softwre developers")]


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def ensure_store(store: str | None) -> str:
    if store:
        return store
    data = Path(os.environ.get("CAREERGRAPH_DATA", REPO.parent / "shared" / "data"))
    store = f"{tempfile.mkdtemp()}/store"
    log(f"importing ESCO and O*NET from {data} into {store} ...")
    cli = [sys.executable, "-m", "careergraph"]
    subprocess.run([*cli, "import", "esco", "--store", store, *sorted(glob.glob(f"{data}/esco-v1.1.1/*.zip"))],
                   check=True, capture_output=True)
    subprocess.run([*cli, "import", "onet", "--store", store, f"{data}/onet"], check=True, capture_output=True)
    subprocess.run([*cli, "import", "crosswalk", "--store", store,
                    f"{data}/nesta-mcc/esco_onet_crosswalk_Nov2020.csv"], check=True, capture_output=True)
    return store


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", help="an imported store (default: import ESCO + O*NET into a temporary one)")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    store = ensure_store(args.store)

    from careergraph import CareerGraph
    from careergraph.errors import NameNotFound
    from careergraph.queries import run_query

    cg = CareerGraph(store, progress=log)
    proj = cg.projection  # built once (or loaded from the cache) outside the timings
    r = cg.resolver
    rows = []

    for kind, name in UNKNOWN:
        def ours(kind=kind, name=name):
            try:
                r.resolve(name, kind)
            except NameNotFound as exc:
                return exc.suggestions
            raise AssertionError(f"{name!r} resolved")

        k = proj.names.kind(kind)
        labels = [k.shown(key) for key in k.keys]

        def old(name=name, labels=labels):
            by_lower = {}
            for c in labels:
                by_lower.setdefault(c.lower(), c)
            return difflib.get_close_matches(name.lower(), list(by_lower), n=3, cutoff=0.6)

        scan = ("SELECT ?e WHERE { ?e <http://www.w3.org/2000/01/rdf-schema#label>|"
                "<http://www.w3.org/2004/02/skos/core#altLabel> ?l FILTER(LCASE(STR(?l)) = ?needle) }")

        def sparql(name=name):
            return run_query(cg.graph, scan.replace("?needle", '"' + name.lower() + '"'))

        t_ours = median(ours, args.repeat)
        t_old = median(old, max(1, args.repeat // 2))
        t_scan = median(sparql, max(1, args.repeat // 2))
        log(f"unknown {kind} {name!r}: {t_ours * 1000:.0f} ms -> {ours()}")
        rows.append((f"unknown {kind} {name!r} ({len(k.keys):,} names)", t_ours,
                     f"difflib {t_old * 1000:.0f} ms, SPARQL scan {t_scan * 1000:.0f} ms", 0.2))

    skills = proj.names.kind("skill")
    # 500 skill names a person could type: main labels that name exactly one skill
    unique = [label for label in skills.labels if sum(m for _i, m in skills.lookup(label)) == 1]
    names = unique[:: max(1, len(unique) // 500)][:500]
    target = "data scientist"
    t_gap = median(lambda: cg.gap(names, target), args.repeat)
    t_rec = median(lambda: cg.recommend(names, top=10), args.repeat)
    rows.append((f"gap with {len(names)} skill names", t_gap, "", 1.0))
    rows.append((f"recommend with {len(names)} skill names", t_rec, "", 1.0))

    commands = {
        "overlap (unknown name)": ["overlap", "data scientst", "data analyst"],
        "gap": ["gap", "--have", "Python (computer programming), SQL", "--target", "data scientist"],
        "path": ["path", "Data Scientist", "Software Developers"],
        "similar": ["similar", "data scientist", "--source", "esco", "--top", "5"],
    }
    for label, argv_ in commands.items():
        cmd = [sys.executable, "-m", "careergraph", "--store", store, *argv_]
        subprocess.run(cmd, capture_output=True)  # warm the page cache
        t = median(lambda cmd=cmd: subprocess.run(cmd, capture_output=True), args.repeat)
        rows.append((f"cold CLI: {label}", t, "", 1.5))

    print(f"store {store}: {len(proj.roles):,} roles, {len(proj.skills):,} skills; medians of {args.repeat} runs")
    print(f"{'measurement':<62}{'median':>10}  {'target':>7}  baseline (same run)")
    for label, sec, base, target_s in rows:
        mark = "met" if sec < target_s else "MISSED"
        print(f"{label:<62}{sec * 1000:>8.0f}ms  <{target_s:>5.1f}s  {mark}  {base}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
