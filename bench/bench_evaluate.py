"""How good is the role-similarity model on O*NET? Each feature block alone, combined, and baselines.

Ranks every O*NET occupation of the store against each source occupation of
``Related Occupations.txt`` (primary tiers: Primary-Short + Primary-Long,
10 related occupations per source) with :func:`careergraph.evaluate.evaluate`
and prints precision@k, recall@k, nDCG@k and MAP for

* each feature block alone (``skills`` = ``role_skill``, ``ratings``,
  ``technology``, ``hierarchy``, ``text``);
* :data:`careergraph.similarity.DEFAULT_WEIGHTS`, all blocks at weight 1, and
  the default weights without each block in turn (what each block adds);
* weights searched on half A of the sources (every other source code in
  sorted order) by coordinate ascent on precision@k, reported on the
  held-out half B;
* the random and same-SOC-minor-group baselines of the same run.

The model never sees the truth file: its blocks come from skills, technology,
the SOC hierarchy and descriptions only.

Usage::

    python bench/bench_evaluate.py [--store DIR] [--data DIR] [--k 10] [--no-search]

Without ``--store`` the O*NET files of ``--data`` (default ``../shared/data/onet``
beside the repository, or ``$CAREERGRAPH_DATA/onet``) are imported into an
in-memory store first. Progress goes to stderr, the table to stdout.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
METRICS = ("precision_at_k", "recall_at_k", "ndcg_at_k", "map")
SEARCH_GRID = (0.0, 0.03, 0.06, 0.12, 0.25, 0.5, 1.0, 2.0, 4.0)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def default_data() -> Path:
    raw = os.environ.get("CAREERGRAPH_DATA")
    return (Path(raw) if raw else REPO.parent / "shared" / "data") / "onet"


def open_onet(store: str | None, data: Path):
    """The graph to measure: an existing store, or O*NET imported into memory."""
    from careergraph import open_graph

    if store:
        return open_graph(store)
    from careergraph.importers import onet

    graph = open_graph()
    t0 = time.perf_counter()
    onet.import_onet(graph, data)
    log(f"imported O*NET from {data} in {time.perf_counter() - t0:.1f} s")
    return graph


def split_halves(truth: Path) -> tuple[list[str], list[str]]:
    """Deterministic halves of the source codes: even and odd positions in sorted order."""
    from careergraph.evaluate import read_truth

    codes = sorted(read_truth(truth).relevant)
    return codes[0::2], codes[1::2]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", help="on-disk store with O*NET imported (default: import into memory)")
    ap.add_argument("--data", type=Path, default=default_data(), help="folder of the O*NET text files")
    ap.add_argument("--truth", type=Path, help="truth file (default: DATA/Related Occupations.txt)")
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--no-search", action="store_true", help="skip the weight search on half A")
    args = ap.parse_args(argv)

    from careergraph.evaluate import evaluate
    from careergraph.projection import build
    from careergraph.similarity import DEFAULT_WEIGHTS

    truth = args.truth or args.data / "Related Occupations.txt"
    if not truth.is_file():
        log(f"error: truth file {truth} not found; pass --data or --truth")
        return 2
    graph = open_onet(args.store, args.data)
    t0 = time.perf_counter()
    proj = build(graph)
    t1 = t2 = time.perf_counter()
    log(f"projection {t1 - t0:.1f} s ({len(proj.roles)} roles, {len(proj.skills)} skills); "
        f"features {t2 - t1:.1f} s: " + ", ".join(f"{k} {v.shape[1]} cols" for k, v in proj.features.items()))
    blocks = ["skills", *proj.features]
    half_a, half_b = split_halves(truth)

    def measure(weights: dict[str, float], sources=None, baselines: bool = False):
        w = {b: float(weights.get(b, 0.0)) for b in blocks}
        return evaluate(graph, truth, k=args.k, model=w, sources=sources, baselines=baselines)

    def p_at(weights, sources=None) -> float:
        return measure(weights, sources).precision_at_k

    rows: list[dict] = []

    def report(name: str, weights: dict[str, float]) -> None:
        t = time.perf_counter()
        full = measure(weights)
        a, b = p_at(weights, half_a), p_at(weights, half_b)
        rows.append({"ranking": name, "p_all": full.precision_at_k, "p_a": a, "p_b": b,
                     **{m: getattr(full, m) for m in METRICS[1:]}})
        log(f"  {name:<34} P@{args.k} {full.precision_at_k:.4f} (A {a:.4f}, B {b:.4f}) "
            f"[{time.perf_counter() - t:.1f} s]")

    log("each block alone:")
    for b in blocks:
        report(f"{b} alone", {b: 1.0})
    default = {b: DEFAULT_WEIGHTS.get(b, 1.0) for b in blocks}
    log("combined:")
    report("all blocks, weight 1", {b: 1.0 for b in blocks})
    report("DEFAULT_WEIGHTS", default)
    for b in blocks:
        if default[b] > 0:
            report(f"DEFAULT_WEIGHTS without {b}", {**default, b: 0.0})

    if not args.no_search:
        log("coordinate search on half A, from all weights 1 and from DEFAULT_WEIGHTS:")
        best, best_p = {}, -1.0
        for start in ({b: 1.0 for b in blocks}, default):
            cur, cur_p = dict(start), p_at(start, half_a)
            for rnd in range(3):
                before = cur_p
                for b in blocks:
                    for w in SEARCH_GRID:
                        trial = {**cur, b: w}
                        if not any(trial.values()):
                            continue
                        p = p_at(trial, half_a)
                        if p > cur_p + 1e-12:
                            cur, cur_p = trial, p
                log(f"  round {rnd + 1}: A {cur_p:.4f} with {cur}")
                if cur_p <= before:
                    break
            if cur_p > best_p:
                best, best_p = cur, cur_p
        report("searched on A: " + ", ".join(f"{k}={v:g}" for k, v in best.items()), best)

    base = measure(default, baselines=True).baselines
    base_a = measure(default, half_a, baselines=True).baselines
    base_b = measure(default, half_b, baselines=True).baselines
    for name in ("same_minor_group", "random"):
        rows.append({"ranking": f"baseline: {name.replace('_', ' ')}", "p_all": base[name]["precision_at_k"],
                     "p_a": base_a[name]["precision_at_k"], "p_b": base_b[name]["precision_at_k"],
                     **{m: base[name][m] for m in METRICS[1:]}})

    res = measure(default, baselines=True)
    print(f"O*NET related occupations, tiers {', '.join(res.tiers or ['all'])}: {res.n_sources} sources "
          f"(A {len(half_a)}, B {len(half_b)} codes), {res.n_candidates} candidates, k = {args.k}; "
          f"codes not in the store: {len(res.unknown_sources)} sources, {len(res.unknown_related)} related")
    head = f"| ranking | P@{args.k} all | P@{args.k} A | P@{args.k} B | R@{args.k} | nDCG@{args.k} | MAP |"
    print(head)
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['ranking']} | {r['p_all']:.3f} | {r['p_a']:.3f} | {r['p_b']:.3f} | "
              f"{r['recall_at_k']:.3f} | {r['ndcg_at_k']:.3f} | {r['map']:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
