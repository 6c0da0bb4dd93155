"""Single-pair career paths after projection: careergraph.find_path vs networkx.dijkstra_path.

Usage: python bench/bench_paths.py [--store DIR] [--queries 50] [--repeat 5] [--seed 42]

Times find_path (bidirectional Dijkstra + the step explanation) for random
reachable role pairs, by steps and by skills, against plain
networkx.dijkstra_path with the same weights on the same graph. Medians
per query; ratios printed; progress on stderr.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _synthetic import log, median_time, open_bench_graph  # noqa: E402

from careergraph.paths import edge_cost, find_path  # noqa: E402
from careergraph.projection import build  # noqa: E402


def _per_query(fn, pairs, repeat):
    per = []
    for _ in range(repeat):
        for s, t in pairs:
            t0 = time.perf_counter()
            fn(s, t)
            per.append(time.perf_counter() - t0)
    return float(np.median(per)) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store")
    ap.add_argument("--queries", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()

    g = open_bench_graph(args)
    t_proj, proj = median_time(lambda: build(g), 3, "projection")
    G = proj.transitions
    log(f"transition graph: {G.number_of_nodes()} roles, {G.number_of_edges()} moves")
    rng = np.random.default_rng(args.seed)
    nodes = [v for v in G if G.out_degree(v)]
    pairs = []
    while len(pairs) < args.queries and nodes:
        s, t = (nodes[k] for k in rng.choice(len(nodes), 2, replace=False))
        if nx.has_path(G, s, t):
            pairs.append((s, t))
    log(f"{len(pairs)} reachable pairs")
    find_path(proj, *pairs[0])  # warm the education/salary caches once
    print(f"roles={G.number_of_nodes()} moves={G.number_of_edges()} queries={len(pairs)} x {args.repeat}")
    print(f"projection (3 runs, median): {t_proj:.3f} s")
    for by in ("steps", "skills"):
        w = edge_cost(proj, by)
        ours = _per_query(lambda s, t: find_path(proj, s, t, by=by), pairs, args.repeat)
        bare = _per_query(lambda s, t: nx.bidirectional_dijkstra(G, s, t, weight=w), pairs, args.repeat)
        base = _per_query(lambda s, t: nx.dijkstra_path(G, s, t, weight=w), pairs, args.repeat)
        log(f"by {by}: done")
        print(f"by {by:6s}: find_path median {ours:7.2f} ms (search alone {bare:6.2f} ms) | "
              f"nx.dijkstra_path {base:7.2f} ms | ratio dijkstra_path / find_path {base / ours:5.1f}x "
              f"(target < 10 ms)")


if __name__ == "__main__":
    main()
