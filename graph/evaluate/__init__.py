"""Measure the role-similarity model against known related occupations.

:func:`evaluate` reads a *truth file* in the layout of O*NET's
``Related Occupations.txt`` (columns ``O*NET-SOC Code``, ``Related O*NET-SOC
Code``, optional ``Relatedness Tier`` and ``Index``; other columns are
ignored; tab- or comma-separated). For every source occupation of the file
that the store holds, it ranks every *other* role of the store that carries
an O*NET-SOC code (``cg:onetCode``) by the similarity model
(:class:`careergraph.similarity.SimilarityModel`, the one ``similar``,
``recommend`` and lateral paths use) and scores the ranking:

* ``precision@k``: relevant roles among the top *k*, divided by *k*;
* ``recall@k``: relevant roles among the top *k*, divided by the relevant
  roles the store holds;
* ``nDCG@k``: discounted cumulative gain (gain = grade, discount
  ``1 / log2(rank + 1)``) over the ideal one; the grade of a related
  occupation is 3 for ``Primary-Short``, 2 for ``Primary-Long`` and 1 for
  ``Supplemental`` or any other tier (1 for all when the file has no tiers);
* ``MAP``: mean average precision over the whole ranking.

Each figure is the mean over the source occupations. Two baselines are
computed in the same run on the same sources and candidates: ``random`` (a
seeded random order) and ``same_minor_group`` (roles of the source's SOC
minor group, the first five characters of the code such as ``15-12``, first,
in random order). Ties of any ranking are broken by the same seeded random
order, never by code order.

The model never sees the truth: it is built from role features alone
(:mod:`careergraph.features`), not from transition edges.

The metrics are in :mod:`careergraph.evaluate.metrics`, the truth file reader
in :mod:`careergraph.evaluate.truth`; this module runs the evaluation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ImportDataError
from ..projection import project
from ..queries import rows
from ..similarity import SimilarityModel
from .metrics import (
    average_precision,
    check_k,
    mean_metrics,
    ndcg_at_k,
    precision_at_k,
    rank_metrics,
    recall_at_k,
)
from .truth import GRADES, PRIMARY_TIERS, TRUTH_COLUMNS, Truth, norm_code, read_truth

__all__ = [
    "GRADES",
    "PRIMARY_TIERS",
    "TRUTH_COLUMNS",
    "EvaluationResult",
    "Truth",
    "average_precision",
    "evaluate",
    "minor_group",
    "ndcg_at_k",
    "onet_roles",
    "precision_at_k",
    "rank_metrics",
    "read_truth",
    "recall_at_k",
]


def minor_group(code: str) -> str:
    """SOC minor group of an O*NET-SOC code: its first five characters.

    Examples
    --------
    >>> minor_group("15-2051.01")
    '15-20'
    """
    return code[:5]


def onet_roles(graph, projection=None) -> dict[str, str]:
    """``{O*NET-SOC code: role IRI}`` for the roles of a graph that carry one.

    When several roles share a code, the one from the O*NET dataset wins,
    then the smallest IRI. With a ``projection``, only its roles count.

    Examples
    --------
    >>> from careergraph.examples import toy_graph
    >>> onet_roles(toy_graph())
    {}
    """
    by_code: dict[str, list[str]] = {}
    for r in rows(graph, "role-onet-codes"):
        if r.get("code") and r.get("role") and (projection is None or r["role"] in projection.role_index):
            by_code.setdefault(norm_code(str(r["code"])), []).append(r["role"])
    ds = projection.role_datasets if projection is not None else {}
    return {c: sorted(iris, key=lambda i: (ds.get(i) != "onet", i))[0] for c, iris in sorted(by_code.items())}


@dataclass
class EvaluationResult:
    """Metrics of the model and of the baselines on one truth file.

    Attributes
    ----------
    k : int
    precision_at_k, recall_at_k, ndcg_at_k, map : float
        Means over the evaluated sources.
    n_sources : int
        Source occupations evaluated (in the store, with at least one
        relevant role in the store).
    n_candidates : int
        Roles with an O*NET-SOC code that are ranked.
    baselines : dict
        ``{"random": {...}, "same_minor_group": {...}}``, the same four metrics.
    tiers : list of str or None
        Tiers counted as relevant.
    weights : dict
        Weight of each block the model used.
    unknown_sources, unknown_related : list of str
        Codes of the truth file the store does not hold (sorted).
    skipped_sources : list of str
        Sources in the store none of whose related codes are.
    truth : str
        The truth file.
    """

    k: int
    precision_at_k: float
    recall_at_k: float
    ndcg_at_k: float
    map: float
    n_sources: int
    n_candidates: int
    baselines: dict[str, dict[str, float]]
    tiers: list[str] | None = None
    weights: dict[str, float] = field(default_factory=dict)
    unknown_sources: list[str] = field(default_factory=list)
    unknown_related: list[str] = field(default_factory=list)
    skipped_sources: list[str] = field(default_factory=list)
    truth: str = ""

    def metrics(self) -> dict[str, float]:
        """The model's four metrics as a dict."""
        return {"precision_at_k": self.precision_at_k, "recall_at_k": self.recall_at_k,
                "ndcg_at_k": self.ndcg_at_k, "map": self.map}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the ``--format json`` output of ``careergraph evaluate``)."""
        return {
            "truth": self.truth, "k": self.k, "tiers": self.tiers,
            **self.metrics(),
            "n_sources": self.n_sources, "n_candidates": self.n_candidates,
            "baselines": self.baselines, "weights": self.weights,
            "unknown_codes": {"sources": len(self.unknown_sources), "related": len(self.unknown_related),
                              "examples": (self.unknown_sources + self.unknown_related)[:10]},
            "skipped_sources": len(self.skipped_sources),
        }


def evaluate(
    graph,
    truth_path: str | Path,
    *,
    k: int = 10,
    tiers: Iterable[str] | str | None = None,
    model=None,
    seed: int = 0,
    sources: Iterable[str] | None = None,
    baselines: bool = True,
) -> EvaluationResult:
    """Score the similarity model's rankings against a related-occupations file.

    Parameters
    ----------
    graph : Backend
        A graph from :func:`careergraph.open_graph` (projected with
        :func:`careergraph.projection.project`, which is memoised).
    truth_path : str or Path
        The truth file (see :func:`read_truth`).
    k : int, default 10
        Cut-off of precision, recall and nDCG.
    tiers : iterable of str or "all", optional
        Tiers counted as relevant; see :func:`read_truth`.
    model : SimilarityModel or dict, optional
        The model (fitted or not) or its block weights; default
        ``SimilarityModel()`` with :data:`careergraph.similarity.DEFAULT_WEIGHTS`.
    seed : int, default 0
        Seed of the random baseline and of tie-breaking.
    sources : iterable of str, optional
        Only evaluate these source codes (e.g. one half, to check weights
        chosen on the other).
    baselines : bool, default True
        Also rank by the baselines (``False`` leaves ``baselines`` empty, for
        weight searches that call this many times).

    Returns
    -------
    EvaluationResult

    Raises
    ------
    ImportDataError
        The truth file is unreadable or malformed (see :func:`read_truth`),
        or no source occupation of it is in the store.
    InvalidParameter
        ``k`` < 1.

    Examples
    --------
    >>> import os, tempfile
    >>> from careergraph.examples import graph_from_turtle
    >>> g = graph_from_turtle('''
    ... cgr:a a cg:Role ; rdfs:label "A" ; cg:onetCode "11-1011.00" ; cg:essentialSkill cgs:x , cgs:y .
    ... cgr:b a cg:Role ; rdfs:label "B" ; cg:onetCode "11-1021.00" ; cg:essentialSkill cgs:x , cgs:y .
    ... cgr:c a cg:Role ; rdfs:label "C" ; cg:onetCode "47-2031.00" ; cg:essentialSkill cgs:z .
    ... ''')
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = os.path.join(d, "truth.txt")
    ...     with open(p, "w") as f:
    ...         _ = f.write("O*NET-SOC Code\\tRelated O*NET-SOC Code\\n11-1011.00\\t11-1021.00\\n")
    ...     res = evaluate(g, p, k=1)
    >>> res.precision_at_k, res.n_sources, res.n_candidates
    (1.0, 1, 3)
    """
    check_k(k)
    truth = read_truth(truth_path, tiers=tiers)
    proj = project(graph)

    if model is None:
        model = SimilarityModel()
    elif isinstance(model, Mapping):
        model = SimilarityModel(model)
    if model.projection is not proj:
        model.fit(proj)

    code_role = onet_roles(graph, proj)
    codes = list(code_role)
    pos = {c: j for j, c in enumerate(codes)}
    wanted = None if sources is None else {norm_code(s) for s in sources}
    src_codes = sorted(s for s in truth.relevant if wanted is None or s in wanted)
    unknown_sources = [s for s in src_codes if s not in pos]
    unknown_related = sorted({r for s in src_codes for r in truth.relevant[s] if r not in pos})
    evaluated, skipped = [], []
    for s in src_codes:
        if s not in pos:
            continue
        if any(r in pos and r != s for r in truth.relevant[s]):
            evaluated.append(s)
        else:
            skipped.append(s)
    if not evaluated:
        raise ImportDataError(
            f"{truth.path}: none of its {len(src_codes)} source occupations is in the store with a related "
            f"occupation there ({len(codes)} roles carry an O*NET-SOC code); import O*NET first, e.g. "
            "'careergraph --store DIR import onet ...'")

    n = len(codes)
    rng = np.random.default_rng(seed)
    sim = model.all_pairs([code_role[c] for c in codes]) if n else np.zeros((0, 0))
    groups = np.array([minor_group(c) for c in codes])
    per: dict[str, list[dict[str, float]]] = {"model": [], "random": [], "same_minor_group": []}
    for s in evaluated:
        i = pos[s]
        grades = np.zeros(n)
        for r, g in truth.relevant[s].items():
            j = pos.get(r)
            if j is not None and j != i:
                grades[j] = g
        n_rel = int((grades > 0).sum())
        mask = np.ones(n, dtype=bool)
        mask[i] = False
        tie = rng.permutation(n)
        same = (groups == groups[i]).astype(np.float64)
        rankings = [("model", sim[i])]
        if baselines:
            rankings += [("random", np.zeros(n)), ("same_minor_group", same)]
        for name, score in rankings:
            order = np.lexsort((tie, -score))
            order = order[mask[order]]
            per[name].append(rank_metrics(grades[order], k, n_rel))

    model_m = mean_metrics(per["model"])
    return EvaluationResult(
        k=int(k), **model_m, n_sources=len(evaluated), n_candidates=n,
        baselines={name: mean_metrics(per[name]) for name in ("random", "same_minor_group")} if baselines else {},
        tiers=truth.tiers,
        weights={name: model.weight(name) for name in model.blocks},
        unknown_sources=unknown_sources, unknown_related=unknown_related,
        skipped_sources=skipped, truth=str(truth.path),
    )
