"""Autocomplete latency (``/api/roles`` and ``/api/skills``: ``Resolver.complete``) on a real store.

Inputs are drawn with a fixed seed from the store's own labels: prefixes of
whole labels (3-7 characters), prefixes of one word of a label, and typos
(a character of an 8-character prefix dropped). Target: < 20 ms.

Usage::

    python bench/bench_complete.py --store /tmp/serve-store [--n 300] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from careergraph import CareerGraph, open_graph


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", required=True)
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    cg = CareerGraph(graph=open_graph(args.store))
    p = cg.projection
    rnd = random.Random(3)
    r = cg.resolver
    for kind in ("role", "skill"):
        names = sorted(p.names.kind(kind).keys_in(None))
        sample = rnd.sample(names, min(args.n, len(names)))
        cases = {
            "label prefix": [s[: rnd.randint(3, 7)] for s in sample],
            "word prefix": [rnd.choice(s.split())[: rnd.randint(3, 6)] for s in sample],
            "typo": [(t := s[:8])[: (i := rnd.randrange(1, max(2, len(t))))] + t[i + 1:] for s in sample],
        }
        for case, queries in cases.items():
            meds, p99s = [], []
            for _ in range(args.repeat):
                ts = []
                for q in queries:
                    t = time.perf_counter()
                    r.complete(q, kind, limit=12)
                    ts.append(time.perf_counter() - t)
                ts.sort()
                meds.append(ts[len(ts) // 2])
                p99s.append(ts[int(len(ts) * 0.99)])
            print(f"{kind:5} {case:12} n={len(queries)}  median {1000 * statistics.median(meds):6.2f} ms  "
                  f"p99 {1000 * statistics.median(p99s):6.1f} ms  ({len(names):,} names)")


if __name__ == "__main__":
    main()
