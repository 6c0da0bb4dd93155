"""How good is the move model, honestly? O*NET with its own moves hidden, ESCO through the crosswalk, ablations.

Two runs of :func:`careergraph.evaluate.prepare` on one store holding ESCO,
O*NET (with ``Related Occupations.txt``), the crosswalk and Nesta's MCC data:

* **O*NET**: the truth is ``Related Occupations.txt`` (primary tiers), which
  the store also holds as moves, so those moves are hidden for each
  evaluated occupation in both directions (leave-one-out); candidates are the
  O*NET occupations.
* **ESCO**: the same truth mapped through ``esco_onet_crosswalk_Nov2020.csv``
  onto ESCO occupations, ranked with what ESCO describes (skills, hierarchy,
  text) and job zones; the truth's moves hidden entirely.

For each it prints precision@10 on all sources, on half A and half B (even
and odd source codes) with 95% bootstrap intervals, nDCG@10 and MAP, for:
the three model kinds; every content block alone; the model without each
block and without each part; without hierarchy or text in one part only
(the content, or choosing the lenders); the previous text-heavy weights; and the
baselines (random, same minor group, skill cosine) of the same run.

``--search`` first runs a coordinate search of the content block weights
and the neighbours weight on **half A of both runs** (the mean of their
P@10), from the defaults, and reports the found weights on half B. Choosing on
two taxonomies at once is the guard against weights that fit one list's
idea of relatedness (O*NET's titles). ``--proxy`` checks the weight of a
role's own known moves, which no leave-one-out run can measure: it keeps
visible the moves *into* each source occupation (other occupations' lists
that name it) while hiding its own list, a stand-in for a second list of
comparable quality. ``--refit`` asks whether O*NET's drop without
hierarchy or text is a lack of signal or of weight: it searches the other
weights again on O*NET's half A without each (~4 min).

Usage::

    python bench/bench_evaluate.py --store DIR [--data DIR] [--search] [--proxy] [--refit]

The store must hold ESCO, O*NET, the crosswalk (and MCC for job zones);
``--data`` is the folder holding ``onet/`` and ``nesta-mcc/`` (default
``$CAREERGRAPH_DATA`` or ``../shared/data``). Progress on stderr, tables on
stdout (Markdown).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _synthetic import log, open_store  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
GRID = (0.0, 0.25, 0.5, 1.0, 2.0)

#: The weights before issue 11 (title text counted twice in the text block, too).
PREVIOUS_WEIGHTS = {"skills": 0.25, "ratings": 0.25, "technology": 0.125, "hierarchy": 0.125, "text": 1.0}


def default_data() -> Path:
    raw = os.environ.get("CAREERGRAPH_DATA")
    return Path(raw) if raw else REPO.parent / "shared" / "data"


def measure(run, label: str, *, kind=None, weights=None, content_weights=None, scores=None) -> dict:
    from careergraph.similarity import DEFAULT_WEIGHTS

    cw = DEFAULT_WEIGHTS if content_weights is None else content_weights
    per = run.per_source(scores if scores is not None else run.ranking_scores(kind, weights, cw))
    s = run.summary(per, reps=1000)
    return {"ranking": label, "p": s["precision_at_k"], "ci": s["interval"]["precision_at_k"],
            "a": s["halves"]["A"]["precision_at_k"], "b": s["halves"]["B"]["precision_at_k"],
            "ndcg": s["ndcg_at_k"], "map": s["map"]}


def table(title: str, rows: list[dict]) -> None:
    print(f"\n### {title}\n")
    print("| ranking | P@10 all (95% CI) | P@10 half A | P@10 half B | nDCG@10 | MAP |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['ranking']} | {r['p']:.3f} ({r['ci'][0]:.3f}-{r['ci'][1]:.3f}) | {r['a']:.3f} | {r['b']:.3f} | "
              f"{r['ndcg']:.3f} | {r['map']:.3f} |")


def ablations(run, name: str, blocks: dict[str, float]) -> list[dict]:
    """The model, its kinds, every block alone, every block and part dropped, the previous weights, baselines."""
    rows = [measure(run, "**hybrid (the default model)**"),
            measure(run, "content only", kind="content"),
            measure(run, "moves only", kind="moves")]
    for b in [b for b in run.blocks if b in blocks]:
        rows.append(measure(run, f"`{b}` block alone", kind="content", content_weights={b: 1.0}))
    used = [b for b, w in blocks.items() if w > 0 and b in run.blocks]
    for b in used:
        rows.append(measure(run, f"hybrid without `{b}`", content_weights={**blocks, b: 0.0}))
    for part in ("neighbours", "job_zone"):
        rows.append(measure(run, f"hybrid without `{part}`", weights={part: 0.0}))
    rows.extend(split_drops(run, blocks, [b for b in ("hierarchy", "text") if b in used]))
    if "coverage" in run.blocks:
        rows.append(measure(run, "hybrid with `coverage` at 0.25", content_weights={**blocks, "coverage": 0.25}))
    if "crosswalk" in run.blocks and run.blocks["crosswalk"][1].any():
        # its weight, chosen on half A by the worst of the model and each drop + 0.02 (docs/similarity.md)
        for w in (0.25, 1.0, 2.0):
            at = {**blocks, "crosswalk": w}
            rows.append(measure(run, f"hybrid with `crosswalk` at {w:g}", content_weights=at))
            for b in ("hierarchy", "text"):
                rows.append(measure(run, f"hybrid with `crosswalk` at {w:g}, without `{b}`",
                                    content_weights={**at, b: 0.0}))
    if "clusters" in run.blocks and run.blocks["clusters"][1].any():
        # its weight, chosen on ESCO's half A (O*NET occupations have no clusters; docs/similarity.md)
        for w in (0.25, 1.0):
            rows.append(measure(run, f"hybrid with `clusters` at {w:g}", content_weights={**blocks, "clusters": w}))
    prev = {b: PREVIOUS_WEIGHTS.get(b, 0.0) for b in run.blocks}
    rows.append(measure(run, "previous weights (text-heavy), content only", kind="content", content_weights=prev))
    for b in ("random", "same_minor_group", "skill_cosine"):
        rows.append(measure(run, f"baseline: {b.replace('_', ' ')}", scores=run.baseline_scores(b)))
    log(f"{name}: {len(rows)} rankings measured")
    return rows


def split_drops(run, blocks: dict[str, float], names: list[str]) -> list[dict]:
    """Where a block's drop comes from: the block left out of the content part only, or of choosing the lenders only."""
    full = run.parts(blocks)
    rows = []
    if not full["has_neighbours"].any():  # no lenders (ESCO): the content part is all there is
        return rows
    for b in names:
        without = run.parts({**blocks, b: 0.0})
        lenders_kept = {**full, "content": without["content"]}
        content_kept = {**full, "neighbours": without["neighbours"], "has_neighbours": without["has_neighbours"]}
        rows.append(measure(run, f"hybrid without `{b}` in the content part only (lenders still chosen with it)",
                            scores=run.model.combine(lenders_kept)))
        rows.append(measure(run, f"hybrid without `{b}` in choosing the lenders only (content still with it)",
                            scores=run.model.combine(content_kept)))
    return rows


def search(runs: list, blocks: dict[str, float], parts: dict[str, float], cap: float | None = None) -> tuple[dict, dict]:
    """Coordinate search on half A of every run (mean P@10), over block weights and the neighbours weight.

    With ``cap``, no block may weigh more than that share of all block weights.
    """
    def objective(bw, pw):
        return float(np.mean([r.score(weights=pw, content_weights=bw, half="A") for r in runs]))

    cur_b, cur_p = dict(blocks), dict(parts)
    best = objective(cur_b, cur_p)
    log(f"search: start {best:.4f}")
    for rnd in range(3):
        before = best
        for key in [*cur_b, "neighbours"]:
            for w in GRID:
                tb, tp = dict(cur_b), dict(cur_p)
                if key == "neighbours":
                    tp[key] = w
                else:
                    tb[key] = w
                if not any(v > 0 for v in tb.values()):
                    continue
                if cap is not None and max(tb.values()) > cap * sum(tb.values()) + 1e-12:
                    continue
                o = objective(tb, tp)
                if o > best + 1e-9:
                    best, cur_b, cur_p = o, tb, tp
        log(f"search: round {rnd + 1}: {best:.4f} with blocks {cur_b}, neighbours {cur_p['neighbours']}")
        if best <= before:
            break
    return cur_b, cur_p


def refit(run, blocks: dict[str, float]) -> list[dict]:
    """Is a drop a lack of signal or of weight? Without hierarchy, and without text, search the rest again on half A."""
    from careergraph.similarity import MOVE_WEIGHTS

    rows = [measure(run, "the model")]
    for b in ("hierarchy", "text"):
        rest = {k: w for k, w in blocks.items() if k != b and k in run.blocks}
        bw, pw = search([run], rest, dict(MOVE_WEIGHTS))
        shown = ", ".join(f"{k} {w:g}" for k, w in bw.items() if w > 0)
        rows.append(measure(run, f"without `{b}`, the model's weights", content_weights={**blocks, b: 0.0}))
        rows.append(measure(run, f"without `{b}`, searched again: {shown}; neighbours {pw['neighbours']:g}",
                            weights=pw, content_weights=bw))
    return rows


def proxy(run) -> list[dict]:
    """Weight of a role's own known moves: fuse the model with the list of moves *into* each source."""
    from careergraph.similarity import TIER_WEIGHTS

    proj, m = run.projection, run.model
    where = {int(c): j for j, c in enumerate(run.cols)}
    into = np.zeros((run.n_sources, len(run.cols)))
    hidden_sources = {x["source"] for x in run.moves if x["visible"] != "all"}
    pos = {int(i): r for r, i in enumerate(run.src_rows)}
    for u, v, d in proj.transitions.edges(data=True):
        if str(d.get("source")) not in hidden_sources:
            continue
        i, j = proj.role_index[v], proj.role_index[u]  # the move u -> v names v: a move v -> u in the proxy
        if i in pos and j in where:
            into[pos[i], where[j]] = max(into[pos[i], where[j]], TIER_WEIGHTS.get(str(d.get("tier") or "").lower(), 1.0))
    from careergraph.similarity import DEFAULT_WEIGHTS

    parts = run.parts(DEFAULT_WEIGHTS)
    rows = [measure(run, "model (own moves hidden)", scores=m.combine(parts)),
            measure(run, "moves into the source alone (model breaks ties)",
                    scores=into + 1e-6 * m.combine(parts))]
    for wk in (0.1, 0.2, 0.3, 0.5, 1.0):
        rows.append(measure(run, f"model + {wk:g} x moves into the source", scores=m.combine({**parts, "known": into},
                                                                                            {"known": wk})))
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", required=True, help="store with ESCO, O*NET, the crosswalk and MCC imported")
    ap.add_argument("--data", type=Path, default=default_data(), help="folder holding onet/ and nesta-mcc/")
    ap.add_argument("--search", action="store_true", help="search the weights on half A of both runs first")
    ap.add_argument("--cap", type=float, help="with --search: no block above this share of all block weights")
    ap.add_argument("--proxy", action="store_true", help="measure the weight of own known moves by proxy")
    ap.add_argument("--search-only", action="store_true", help="stop after the search")
    ap.add_argument("--refit", action="store_true",
                    help="O*NET without hierarchy, and without text, each with weights searched again on half A")
    args = ap.parse_args(argv)

    from careergraph.evaluate import prepare
    from careergraph.projection import project
    from careergraph.similarity import DEFAULT_WEIGHTS, MOVE_WEIGHTS, MoveModel

    truth = args.data / "onet" / "Related Occupations.txt"
    crosswalk = args.data / "nesta-mcc" / "esco_onet_crosswalk_Nov2020.csv"
    for f in (truth, crosswalk):
        if not f.is_file():
            log(f"error: {f} not found; pass --data")
            return 2
    graph = open_store(args.store)
    t0 = time.perf_counter()
    proj = project(graph)
    log(f"projection {time.perf_counter() - t0:.1f} s: {proj}")
    t0 = time.perf_counter()
    # every block is computed (coverage too, at a weight too small to matter); each ranking names its weights
    model = MoveModel(content={**DEFAULT_WEIGHTS, "coverage": 1e-9})
    onet = prepare(graph, truth, model=model)
    esco = prepare(graph, truth, model=model, crosswalk=crosswalk)
    log(f"prepared both runs in {time.perf_counter() - t0:.1f} s: O*NET {onet.n_sources} sources x "
        f"{onet.n_candidates} candidates, ESCO {esco.n_sources} x {esco.n_candidates}")
    for name, run in (("O*NET", onet), ("ESCO", esco)):
        rel = ((run.grades > 0) & run.cand_mask).sum(axis=1)
        print(f"- {name}: {run.n_sources} sources, {run.n_candidates} candidates, {rel.mean():.1f} relevant per source")
        for mv in run.moves:
            print(f"- {name}: moves of {mv['label']} ({mv['dataset']}, {mv['moves']}): {mv['visible']} ({mv['why']})")
        jz = run.model.job_zone
        d = np.abs(jz[run.src_rows][:, None] - jz[run.cols][None, :])
        known = np.isfinite(d) & run.cand_mask
        relevant = known & (run.grades > 0)
        if relevant.any():
            print(f"- {name}: pairs with both job zones: {relevant.sum()} relevant, {known.sum()} in all; within one "
                  f"zone: {np.mean(d[relevant] <= 1):.0%} of relevant pairs, {np.mean(d[known] <= 1):.0%} of all pairs")

    blocks = dict(DEFAULT_WEIGHTS)
    if args.search:
        t0 = time.perf_counter()
        found_b, found_p = search([onet, esco], blocks, dict(MOVE_WEIGHTS), cap=args.cap)
        log(f"search took {time.perf_counter() - t0:.0f} s")
        print(f"\nsearched on half A of both runs (cap {args.cap}): blocks {found_b}, neighbours {found_p['neighbours']}")
        rows = []
        for name, run in (("O*NET", onet), ("ESCO", esco)):
            rows.append(measure(run, f"{name}: DEFAULT_WEIGHTS"))
            rows.append(measure(run, f"{name}: searched weights", weights=found_p, content_weights=found_b))
            for b, w in found_b.items():
                if w > 0 and b in run.blocks:
                    rows.append(measure(run, f"{name}: searched weights without `{b}`", weights=found_p,
                                        content_weights={**found_b, b: 0.0}))
        table("Weights searched on half A, reported on half B", rows)
        if args.search_only:
            return 0

    rows = ablations(onet, "O*NET", blocks)
    for k in (3, 10, 20):
        other = prepare(graph, truth, model=MoveModel(content={**DEFAULT_WEIGHTS, "coverage": 1e-9}, neighbours=k))
        rows.append(measure(other, f"hybrid with {k} neighbours (not 5)"))
    table(f"O*NET related occupations, own moves hidden ({onet.n_sources} sources, {onet.n_candidates} candidates)",
          rows)
    table(f"ESCO through the crosswalk ({esco.n_sources} sources, {esco.n_candidates} candidates)",
          ablations(esco, "ESCO", blocks))
    if args.refit:
        table("O*NET without a block, weights searched again on its half A", refit(onet, blocks))
    if args.proxy:
        table("Own known moves, by proxy (O*NET: the moves into each source stay visible)", proxy(onet))
    return 0


if __name__ == "__main__":
    sys.exit(main())
