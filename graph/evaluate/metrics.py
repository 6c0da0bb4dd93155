"""Ranking metrics: precision@k, recall@k, nDCG@k, average precision (pure).

Examples
--------
>>> ranked = ["a", "x", "b", "y"]
>>> precision_at_k(ranked, {"a", "b"}, 2), recall_at_k(ranked, {"a", "b"}, 2)
(0.5, 0.5)
>>> round(average_precision(ranked, {"a", "b"}), 4)
0.8333
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from ..errors import InvalidParameter

__all__ = ["average_precision", "bootstrap_interval", "check_k", "mean_metrics", "ndcg_at_k", "precision_at_k", "rank_metrics",
           "recall_at_k"]


def check_k(k: int) -> None:
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k < 1:
        raise InvalidParameter(f"k must be a whole number >= 1, got {k!r}")


def precision_at_k(ranked: Sequence[str], relevant: Iterable[str], k: int) -> float:
    """Share of the top ``k`` that is relevant (divided by ``k`` even if fewer are ranked).

    Examples
    --------
    >>> precision_at_k(["a", "b", "c"], {"a", "c"}, 2)
    0.5
    """
    check_k(k)
    rel = set(relevant)
    return sum(1 for r in ranked[:k] if r in rel) / k


def recall_at_k(ranked: Sequence[str], relevant: Iterable[str], k: int) -> float:
    """Share of the relevant items found in the top ``k`` (0.0 when none are relevant).

    Examples
    --------
    >>> recall_at_k(["a", "b", "c"], {"a", "c", "d"}, 2)
    0.3333333333333333
    """
    check_k(k)
    rel = set(relevant)
    if not rel:
        return 0.0
    return sum(1 for r in ranked[:k] if r in rel) / len(rel)


def ndcg_at_k(ranked: Sequence[str], grades: Mapping[str, float] | Iterable[str], k: int) -> float:
    """Normalised discounted cumulative gain at ``k``.

    ``DCG = sum(grade_i / log2(i + 1))`` over ranks ``i = 1..k``, divided by
    the DCG of the ideal order of all graded items.

    Parameters
    ----------
    ranked : sequence of str
        Items, best first.
    grades : dict or iterable
        Item -> grade (> 0); a plain set grades every item 1.
    k : int

    Returns
    -------
    float
        In ``[0, 1]``; 0.0 when nothing is graded.

    Examples
    --------
    >>> ndcg_at_k(["a", "b"], {"a": 1, "b": 1}, 2)
    1.0
    >>> round(ndcg_at_k(["b", "a"], {"a": 3, "b": 2}, 2), 4)   # (2 + 3/log2 3) / (3 + 2/log2 3)
    0.9134
    """
    check_k(k)
    g = dict(grades) if isinstance(grades, Mapping) else {x: 1.0 for x in grades}
    ideal = sorted((float(v) for v in g.values() if v > 0), reverse=True)[:k]
    idcg = sum(v / math.log2(i + 2) for i, v in enumerate(ideal))
    if idcg == 0:
        return 0.0
    dcg = sum(float(g.get(r, 0.0)) / math.log2(i + 2) for i, r in enumerate(ranked[:k]))
    return dcg / idcg


def average_precision(ranked: Sequence[str], relevant: Iterable[str]) -> float:
    """Mean of the precision at the rank of each relevant item (missing items count 0).

    Examples
    --------
    >>> average_precision(["a", "x", "b"], {"a", "b"})   # (1/1 + 2/3) / 2
    0.8333333333333333
    >>> average_precision(["x"], {"a"})
    0.0
    """
    rel = set(relevant)
    if not rel:
        return 0.0
    hits, total = 0, 0.0
    for i, r in enumerate(ranked):
        if r in rel:
            hits += 1
            total += hits / (i + 1)
    return total / len(rel)


def rank_metrics(gains: np.ndarray, k: int, n_relevant: int | None = None) -> dict[str, float]:
    """All four metrics of one ranking, given the grade at each rank (0 = not relevant).

    The fast path :func:`evaluate` uses; ``gains`` must cover the whole
    ranking (every candidate) so the ideal order and MAP are exact.

    Examples
    --------
    >>> import numpy as np
    >>> m = rank_metrics(np.array([1, 0, 1, 0]), k=2)
    >>> m["precision_at_k"], m["recall_at_k"], round(m["map"], 4)
    (0.5, 0.5, 0.8333)
    """
    gains = np.asarray(gains, dtype=np.float64)
    rel = gains > 0
    n_rel = int(rel.sum()) if n_relevant is None else int(n_relevant)
    if n_rel == 0:
        return {"precision_at_k": 0.0, "recall_at_k": 0.0, "ndcg_at_k": 0.0, "map": 0.0}
    top = gains[:k]
    hits = int((top > 0).sum())
    disc = 1.0 / np.log2(np.arange(2, k + 2))
    dcg = float((top * disc[: len(top)]).sum())
    ideal = np.sort(gains[rel])[::-1][:k]
    idcg = float((ideal * disc[: len(ideal)]).sum())
    pos = np.flatnonzero(rel) + 1
    ap = float((np.arange(1, len(pos) + 1) / pos).sum() / n_rel)
    return {"precision_at_k": hits / k, "recall_at_k": hits / n_rel,
            "ndcg_at_k": dcg / idcg if idcg else 0.0, "map": ap}


def bootstrap_interval(values, *, reps: int = 1000, level: float = 0.95, seed: int = 0) -> list[float]:
    """Percentile bootstrap interval of the mean of ``values`` (resampling them with replacement).

    Examples
    --------
    >>> bootstrap_interval([1.0, 1.0, 1.0])
    [1.0, 1.0]
    >>> lo, hi = bootstrap_interval([0.0, 1.0] * 50, reps=500)
    >>> 0.38 < lo < 0.5 < hi < 0.62
    True
    """
    x = np.asarray(list(values), dtype=np.float64)
    if len(x) == 0:
        return [0.0, 0.0]
    rng = np.random.default_rng(seed)
    means = x[rng.integers(0, len(x), size=(int(reps), len(x)))].mean(axis=1)
    a = (1.0 - level) / 2.0
    return [float(np.quantile(means, a)), float(np.quantile(means, 1.0 - a))]


def mean_metrics(per: list[dict[str, float]]) -> dict[str, float]:
    """The mean of each metric over rankings (zeros for none)."""
    keys = ("precision_at_k", "recall_at_k", "ndcg_at_k", "map")
    return {k: float(np.mean([p[k] for p in per])) if per else 0.0 for k in keys}
