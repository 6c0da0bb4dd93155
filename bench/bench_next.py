"""Latency of ``next`` once the projection is loaded: the full explained answer vs its parts, per role.

Usage: python bench/bench_next.py --store DIR [--roles 60] [--repeat 3] [--top 10]

Loads the store's projection (from its cache when there is one), fits the
one model (:func:`careergraph.similarity.default_model`, once per
projection, timed apart), then times for a deterministic sample of roles
(every dataset in turn):

* ``next_moves(proj, role, top)`` — the ranking plus every explanation;
* ``default_model(proj).similar(role, top)`` — the ranking alone;
* ``SimilarityModel().similar(role, top)`` — the content part alone (the
  baseline: what ``similar`` cost before the move model).

Each role is timed ``--repeat`` times and its median kept; the table gives
the median and 90th percentile over roles, in milliseconds (target: ``next``
under 50 ms per role on ESCO + O*NET). Progress on stderr, the table on stdout.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _synthetic import log, open_store  # noqa: E402


def timed(fn, repeat: int) -> float:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return statistics.median(out) * 1000.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", required=True)
    ap.add_argument("--roles", type=int, default=60, help="roles sampled (spread over the datasets)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--top", type=int, default=10)
    args = ap.parse_args(argv)

    from careergraph.moves import next_moves
    from careergraph.projection import project
    from careergraph.similarity import SimilarityModel, default_model

    graph = open_store(args.store)
    t = time.perf_counter()
    proj = project(graph)
    log(f"projection loaded in {time.perf_counter() - t:.2f} s: {proj}")
    t = time.perf_counter()
    model = default_model(proj)
    fit_s = time.perf_counter() - t
    t = time.perf_counter()
    content = SimilarityModel().fit(proj)
    content_fit_s = time.perf_counter() - t
    log(f"model fitted in {fit_s:.2f} s (content part alone {content_fit_s:.2f} s)")

    by_ds: dict[str, list[str]] = {}
    for r in proj.roles:
        if proj.role_skill.indptr[proj.role_index[r] + 1] > proj.role_skill.indptr[proj.role_index[r]]:
            by_ds.setdefault(proj.role_datasets.get(r) or "?", []).append(r)
    sample: list[str] = []
    lists = [sorted(v)[:: max(1, len(v) // args.roles)] for _, v in sorted(by_ds.items())]
    while len(sample) < args.roles and any(lists):
        for lst in lists:
            if lst and len(sample) < args.roles:
                sample.append(lst.pop(0))
    log(f"{len(sample)} roles from {', '.join(f'{k} ({len(v)})' for k, v in sorted(by_ds.items()))}")

    rows = {"next (ranking + explanations)": [], "model ranking alone": [], "content part alone (baseline)": []}
    for role in sample:
        next_moves(proj, role, top=args.top)  # warm
        rows["next (ranking + explanations)"].append(
            timed(lambda r=role: next_moves(proj, r, top=args.top), args.repeat))
        rows["model ranking alone"].append(timed(lambda r=role: model.similar(r, top=args.top), args.repeat))
        rows["content part alone (baseline)"].append(timed(lambda r=role: content.similar(r, top=args.top), args.repeat))

    print(f"\n{len(sample)} roles, top {args.top}, medians of {args.repeat} runs per role; "
          f"model fit {fit_s:.2f} s once per projection\n")
    print("| measure | median ms | p90 ms | vs content part |")
    print("|---|---|---|---|")
    base = statistics.median(rows["content part alone (baseline)"])
    for name, vals in rows.items():
        vals = sorted(vals)
        p90 = vals[min(len(vals) - 1, int(0.9 * len(vals)))]
        med = statistics.median(vals)
        print(f"| {name} | {med:.1f} | {p90:.1f} | {med / base:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
