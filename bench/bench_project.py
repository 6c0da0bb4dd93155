"""Projection of an imported store: cold build vs the on-disk cache, and cold CLI commands.

Usage: python bench/bench_project.py [--store DIR] [--data DIR] [--repeat 5] [--cold-cli 3]

Without --store, imports ESCO from $CAREERGRAPH_DATA or ../shared/data into
a temporary store first. Times, as medians of --repeat runs:

* ``build(graph)``: the full build (projection queries,
  networkx/scipy, feature blocks);
* ``project(graph)`` loading ``DIR/careergraph-cache/projection-*.pickle``
  (the in-memory cache cleared between runs);
* a fresh ``python -m careergraph`` process, start to answer, for ``path``,
  ``similar`` and ``query skills-of-role`` with the cache in place, and
  ``path`` with the cache file removed first (--cold-cli runs, slow).

Progress on stderr; the table on stdout. The store is only written through
careergraph's own cache (the cache file is removed and rewritten).
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _data_dir(arg: str | None) -> Path:
    for cand in (arg, os.environ.get("CAREERGRAPH_DATA"), REPO.parent / "shared" / "data"):
        if cand and Path(cand).is_dir():
            return Path(cand)
    sys.exit("no data folder: pass --data DIR or set CAREERGRAPH_DATA")


def _import_esco(data: Path, folder: Path) -> None:
    zips = sorted((data / "esco-v1.1.1").glob("*.zip"))
    if not zips:
        sys.exit(f"no ESCO archives in {data / 'esco-v1.1.1'}")
    log(f"importing ESCO into {folder} ...")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "careergraph", "import", "--store", str(folder), "esco", *map(str, zips)],
                   check=True, stdout=subprocess.DEVNULL)
    log(f"  imported in {time.perf_counter() - t0:.1f} s")


def _cli(store: Path, args: list[str]) -> float:
    t0 = time.perf_counter()
    res = subprocess.run([sys.executable, "-m", "careergraph", *args, "--store", str(store)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    dt = time.perf_counter() - t0
    if res.returncode != 0:
        sys.exit(f"careergraph {' '.join(args)} failed ({res.returncode}): {res.stderr.strip()}")
    return dt


def _cache_files(store: Path) -> list[Path]:
    return sorted((store / "careergraph-cache").glob("projection-*.pickle"))


def _median(fn, n: int, label: str) -> float:
    times = []
    for k in range(n):
        times.append(fn())
        log(f"  {label} run {k + 1}/{n}: {times[-1]:.3f} s")
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", help="an imported store folder (default: import ESCO into a temporary one)")
    ap.add_argument("--data", help="data folder with esco-v1.1.1/ (default: $CAREERGRAPH_DATA or ../shared/data)")
    ap.add_argument("--repeat", type=int, default=5, help="runs per measure (median)")
    ap.add_argument("--cold-cli", type=int, default=3, help="runs of 'path' without a cache file (each a full build)")
    ap.add_argument("--from", dest="src", default="Data Scientist")
    ap.add_argument("--to", dest="dst", default="Research Director")
    ap.add_argument("--source", default="seed", help="resolve the names in this dataset ('' for any)")
    args = ap.parse_args()

    tmp = None
    if args.store:
        store = Path(args.store)
    else:
        tmp = Path(tempfile.mkdtemp(prefix="cg-bench-project-"))
        store = tmp / "store"
        _import_esco(_data_dir(args.data), store)
    try:
        src = ["--source", args.source] if args.source else []
        commands = {
            "path": ["path", args.src, args.dst, *src],
            "similar": ["similar", args.src, *src],
            "query skills-of-role": ["query", "skills-of-role", "-p", f"role={args.src}", *src],
        }
        # CLI first: the bench process must not hold the store open (one process at a time)
        rows = []
        log("cold CLI without a cache file (path) ...")

        def no_cache():
            for f in _cache_files(store):
                f.unlink()
            return _cli(store, commands["path"])
        t_nocache = _median(no_cache, args.cold_cli, "path, no cache") if args.cold_cli > 0 else None
        _cli(store, commands["path"])  # make sure the cache file exists
        cli = {}
        for name, argv in commands.items():
            log(f"cold CLI with the cache: {name} ...")
            cli[name] = _median(lambda argv=argv: _cli(store, argv), args.repeat, name)

        from careergraph.projection import build, forget, project
        from careergraph.store import open_graph

        g = open_graph(store)
        log("projection: cold build ...")
        t_build = _median(lambda: _timed(lambda: build(g)), args.repeat, "build")
        project(g)

        def load():
            forget()
            return _timed(lambda: project(g))
        log("projection: cached load ...")
        t_load = _median(load, args.repeat, "cached load")
        proj = project(g)
        size = sum(f.stat().st_size for f in _cache_files(store)) / 1e6
        del g, proj
        gc.collect()

        print(f"store: {store} ({'temporary ESCO import' if tmp else 'given'}); medians of {args.repeat} runs "
              f"({args.cold_cli} for the uncached CLI); cache file {size:.1f} MB")
        rows.append(("projection, cold build", t_build, "—", ""))
        rows.append(("projection, cached load", t_load, "cold build", f"{t_build / t_load:.0f}x faster"))
        if t_nocache is not None:
            rows.append(("CLI path, no cache file", t_nocache, "—", ""))
        for name, t in cli.items():
            base = t_nocache if name == "path" and t_nocache else None
            rows.append((f"CLI {name}, cached", t, "CLI path, no cache" if base else "—",
                         f"{base / t:.1f}x faster" if base else ""))
        w = max(len(r[0]) for r in rows)
        print(f"{'measure':<{w}}  {'median s':>8}  {'vs':<18}  ratio")
        print(f"{'-' * w}  {'-' * 8}  {'-' * 18}  -----")
        for name, t, vs, ratio in rows:
            print(f"{name:<{w}}  {t:>8.3f}  {vs:<18}  {ratio}")
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
