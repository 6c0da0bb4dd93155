"""All-pairs role Jaccard: careergraph's sparse products vs networkx.jaccard_coefficient.

Usage: python bench/bench_overlap.py [--store DIR] [--repeat 5] [--baseline-repeat 1] [--seed 42]

Both sides compute the skill Jaccard of every unordered pair of roles. The
baseline is networkx.jaccard_coefficient on the undirected role-skill
bipartite graph (a role's neighbours are exactly its skills), over the same
pairs. Medians of several runs; ratio printed. Progress on stderr.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import networkx as nx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _synthetic import log, median_time, open_bench_graph  # noqa: E402

from careergraph.overlap import matrix  # noqa: E402
from careergraph.projection import build  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", help="an imported on-disk store instead of the synthetic graph")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--baseline-repeat", type=int, default=1, help="networkx takes ~30 s a run")
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()

    g = open_bench_graph(args)
    t_proj, proj = median_time(lambda: build(g), 3, "projection")
    n = len(proj.roles)
    log(f"{n} roles x {len(proj.skills)} skills, {proj.role_skill.nnz} links")

    t_ours, (_, m) = median_time(lambda: matrix(proj), args.repeat, "sparse all-pairs Jaccard")

    bip = nx.Graph()
    b = proj.binary().tocoo()
    bip.add_edges_from((f"R{i}", f"S{j}") for i, j in zip(b.row.tolist(), b.col.tolist()))
    bip.add_nodes_from(f"R{i}" for i in range(n))
    pairs = [(f"R{i}", f"R{j}") for i, j in itertools.combinations(range(n), 2)]
    log(f"baseline: networkx.jaccard_coefficient over {len(pairs):,} pairs")

    def baseline():
        out = np.zeros((n, n))
        for u, v, p in nx.jaccard_coefficient(bip, pairs):
            out[int(u[1:]), int(v[1:])] = p
        return out

    t_nx, ref = median_time(baseline, args.baseline_repeat, "networkx jaccard_coefficient")
    iu = np.triu_indices(n, 1)
    agree = bool(np.allclose(ref[iu], m[iu]))
    print(f"roles={n} skills={len(proj.skills)} links={proj.role_skill.nnz} pairs={len(pairs):,}")
    print(f"projection (3 runs, median):              {t_proj:8.3f} s")
    print(f"sparse all-pairs Jaccard ({args.repeat} runs, median): {t_ours:8.3f} s")
    print(f"networkx jaccard_coefficient ({args.baseline_repeat} run(s), median): {t_nx:8.3f} s")
    print(f"ratio networkx / sparse:                  {t_nx / t_ours:8.1f}x   (target >= 50x, sparse < 1.5 s)")
    print(f"results agree: {agree}")


if __name__ == "__main__":
    main()
