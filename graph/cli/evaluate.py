"""The ``evaluate`` command: measure the similarity model against known related occupations.

A thin layer over :func:`careergraph.evaluate.evaluate`.
"""

from __future__ import annotations

import click

from ..evaluate import evaluate
from .base import cli, common_options, emit

__all__ = ["evaluate_cmd"]

_METRICS = ("precision_at_k", "recall_at_k", "ndcg_at_k", "map")


@cli.command(
    "evaluate",
    epilog="Example:\n  careergraph --store ./store evaluate --truth 'Related Occupations.txt' --k 10",
)
@click.option("--truth", "truth", required=True, metavar="FILE",
              type=click.Path(dir_okay=False),
              help="Related occupations in O*NET's layout: columns 'O*NET-SOC Code', "
                   "'Related O*NET-SOC Code', optional 'Relatedness Tier' and 'Index' (tab or comma).")
@click.option("--k", "k", type=click.IntRange(min=1), default=10, show_default=True,
              help="Cut-off of precision@k, recall@k and nDCG@k.")
@click.option("--tier", "tiers", multiple=True, metavar="TIER",
              help="Relatedness tier counted as relevant (repeatable; 'all' for every row). "
                   "Default: Primary-Short and Primary-Long when the file has them, else every row.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the random baseline and of tie-breaking.")
@common_options
@click.pass_context
def evaluate_cmd(ctx, truth, k, tiers, seed, fmt):
    """Score the role-similarity model against known related occupations.

    For every source occupation of FILE, ranks every other role of the
    store that carries an O*NET-SOC code by the similarity model used by
    'similar', 'recommend' and 'path --lateral' (built from skills,
    technology, SOC hierarchy and descriptions, never from transition
    edges) and reports precision@k, recall@k, nDCG@k (tiers as grades) and
    MAP, with a random and a same-SOC-minor-group baseline from the same run.
    """
    click.echo("evaluate: projecting the graph and ranking every source occupation ...", err=True)
    res = evaluate(ctx.obj.graph, truth, k=k, tiers=list(tiers) or None, seed=seed)
    payload = res.to_dict()
    unknown = payload["unknown_codes"]
    click.echo(
        f"evaluate: {res.n_sources} source occupations against {res.n_candidates} candidate roles; "
        f"tiers {', '.join(res.tiers) if res.tiers else 'all rows'}; "
        f"codes not in the store: {unknown['sources']} sources, {unknown['related']} related; "
        f"{payload['skipped_sources']} sources skipped (no related role in the store)",
        err=True,
    )
    rows = [{"ranking": "model", **{m: round(getattr(res, m), 4) for m in _METRICS}}]
    for name, vals in res.baselines.items():
        rows.append({"ranking": name.replace("_", "-"), **{m: round(vals[m], 4) for m in _METRICS}})
    columns = ["ranking", *_METRICS]
    emit(fmt, payload, rows, columns, title=f"k = {res.k}, {res.n_sources} sources")
