"""The ``evaluate`` command: measure the move model against known related occupations.

A thin layer over :meth:`careergraph.CareerGraph.evaluate` (:func:`careergraph.evaluate.evaluate`).
"""

from __future__ import annotations

import click

from ..similarity import MODELS
from .base import cli, common_options, emit

__all__ = ["evaluate_cmd"]

_METRICS = ("precision_at_k", "recall_at_k", "ndcg_at_k", "map")


def _row(name: str, vals: dict) -> dict:
    lo, hi = vals.get("interval", {}).get("precision_at_k", [None, None])
    h = vals.get("halves", {})
    return {"ranking": name, "precision_at_k": round(vals["precision_at_k"], 4),
            "p_at_k_ci95": "" if lo is None else f"{lo:.3f}-{hi:.3f}",
            "p_at_k_half_a": round(h["A"]["precision_at_k"], 4) if "A" in h else None,
            "p_at_k_half_b": round(h["B"]["precision_at_k"], 4) if "B" in h else None,
            **{m: round(vals[m], 4) for m in _METRICS[1:]}}


@cli.command(
    "evaluate",
    epilog="Example:\n  careergraph --store ./store evaluate --truth 'Related Occupations.txt' --k 10\n"
           "  careergraph --store ./store evaluate --truth 'Related Occupations.txt' "
           "--crosswalk esco_onet_crosswalk_Nov2020.csv",
)
@click.option("--truth", "truth", required=True, metavar="FILE",
              type=click.Path(dir_okay=False),
              help="Related occupations in O*NET's layout: columns 'O*NET-SOC Code', "
                   "'Related O*NET-SOC Code', optional 'Relatedness Tier' and 'Index' (tab or comma).")
@click.option("--model", "model", type=click.Choice(MODELS), default="hybrid", show_default=True,
              help="content: skills, ratings, technology, hierarchy, text; moves: the graph's known moves and "
                   "those of similar roles; hybrid: both plus job-zone direction (what 'next' uses).")
@click.option("--hide-moves", "hide_moves", multiple=True, metavar="SOURCE",
              help="Hide every move of a source (dataset key such as 'onet', or a source label such as "
                   "'Related Occupations.txt'; repeatable). The truth file's own moves are hidden anyway.")
@click.option("--crosswalk", "crosswalk", metavar="FILE", type=click.Path(dir_okay=False),
              help="Nesta's ESCO-O*NET crosswalk CSV: map the truth onto ESCO occupations and rank those.")
@click.option("--k", "k", type=click.IntRange(min=1), default=10, show_default=True,
              help="Cut-off of precision@k, recall@k and nDCG@k.")
@click.option("--tier", "tiers", multiple=True, metavar="TIER",
              help="Relatedness tier counted as relevant (repeatable; 'all' for every row). "
                   "Default: Primary-Short and Primary-Long when the file has them, else every row.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the random baseline, of tie-breaking and of the bootstrap intervals.")
@common_options
@click.pass_context
def evaluate_cmd(ctx, truth, model, hide_moves, crosswalk, k, tiers, seed, fmt):
    """Score the move model against known related occupations, honestly.

    For every source occupation of FILE, ranks every other candidate role
    (roles with an O*NET-SOC code; ESCO occupations with --crosswalk) and
    reports precision@k (with a 95% bootstrap interval over sources and on
    each half of the sources), recall@k, nDCG@k (tiers as grades) and MAP,
    with random, same-minor-group and skill-cosine baselines from the same
    run. When FILE is one of the graph's own sources (same SHA-256 as
    recorded at import, or the same pairs), its moves are hidden for each
    evaluated occupation in both directions; a list from another publisher
    is scored with every move visible. Which moves were visible is printed.
    """
    click.echo("evaluate: projecting the graph and ranking every source occupation ...", err=True)
    res = ctx.obj.career().evaluate(truth, k=k, tiers=list(tiers) or None, model=model, seed=seed,
                                    hide_moves=list(hide_moves), crosswalk=crosswalk)
    payload = res.to_dict()
    unknown = payload["unknown_codes"]
    click.echo(
        f"evaluate: {res.n_sources} source occupations ({res.halves['A']['n_sources']} in half A, "
        f"{res.halves['B']['n_sources']} in half B) against {res.n_candidates} candidate "
        f"{'ESCO occupations' if res.candidates == 'esco' else 'roles'}; "
        f"tiers {', '.join(res.tiers) if res.tiers else 'all rows'}; "
        f"codes not in the store: {unknown['sources']} sources, {unknown['related']} related; "
        f"{payload['skipped_sources']} sources skipped (no related role in the store)",
        err=True,
    )
    for m in res.moves:
        click.echo(f"moves: {m['label'] or m['source']} ({m['dataset'] or '?'}, {m['moves']:,}): "
                   f"{'visible' if m['visible'] == 'all' else m['visible']} - {m['why']}", err=True)
    if not res.moves:
        click.echo("moves: the graph states none", err=True)
    rows = [_row(f"model ({res.model})", payload)]
    for name, vals in res.baselines.items():
        rows.append(_row(name.replace("_", "-"), vals))
    columns = ["ranking", "precision_at_k", "p_at_k_ci95", "p_at_k_half_a", "p_at_k_half_b", *_METRICS[1:]]
    emit(fmt, payload, rows, columns, title=f"k = {res.k}, {res.n_sources} sources")
