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

Examples
--------
>>> ranked = ["a", "x", "b", "y"]
>>> precision_at_k(ranked, {"a", "b"}, 2), recall_at_k(ranked, {"a", "b"}, 2)
(0.5, 0.5)
>>> round(average_precision(ranked, {"a", "b"}), 4)
0.8333
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ImportDataError, InvalidParameter

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

#: Required and optional columns of a truth file (O*NET's names).
TRUTH_COLUMNS = {
    "source": "O*NET-SOC Code",
    "related": "Related O*NET-SOC Code",
    "tier": "Relatedness Tier",
    "index": "Index",
}

#: The tiers counted as relevant by default when a file has them.
PRIMARY_TIERS = ("Primary-Short", "Primary-Long")

#: Grade (gain in nDCG) of each relatedness tier, by lower-cased name; other tiers grade 1.
GRADES = {"primary-short": 3, "primary-long": 2, "supplemental": 1}

_CODE = re.compile(r"^\d{2}-\d{4}$")


# -- metrics ------------------------------------------------------------------

def _check_k(k: int) -> None:
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k < 1:
        raise InvalidParameter(f"k must be a whole number >= 1, got {k!r}")


def precision_at_k(ranked: Sequence[str], relevant: Iterable[str], k: int) -> float:
    """Share of the top ``k`` that is relevant (divided by ``k`` even if fewer are ranked).

    Examples
    --------
    >>> precision_at_k(["a", "b", "c"], {"a", "c"}, 2)
    0.5
    """
    _check_k(k)
    rel = set(relevant)
    return sum(1 for r in ranked[:k] if r in rel) / k


def recall_at_k(ranked: Sequence[str], relevant: Iterable[str], k: int) -> float:
    """Share of the relevant items found in the top ``k`` (0.0 when none are relevant).

    Examples
    --------
    >>> recall_at_k(["a", "b", "c"], {"a", "c", "d"}, 2)
    0.3333333333333333
    """
    _check_k(k)
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
    _check_k(k)
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


# -- the truth file -----------------------------------------------------------

@dataclass
class Truth:
    """Related occupations read from a truth file.

    Attributes
    ----------
    path : Path
    relevant : dict
        Source code -> {related code: grade}, only rows of the counted tiers.
    tiers : list of str or None
        The tiers counted (``None`` when the file has no tier column).
    tiers_found : list of str
        Every tier the file names.
    n_rows : int
        Data rows read (before the tier filter).
    """

    path: Path
    relevant: dict[str, dict[str, int]]
    tiers: list[str] | None
    tiers_found: list[str] = field(default_factory=list)
    n_rows: int = 0


def _norm_code(code: str) -> str:
    code = code.strip()
    return code + ".00" if _CODE.match(code) else code


def _header_key(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace("\ufeff", "")).strip().lower()


def read_truth(path: str | Path, *, tiers: Iterable[str] | str | None = None) -> Truth:
    """Read a related-occupations truth file.

    Parameters
    ----------
    path : str or Path
        Tab- or comma-separated text with a header row holding
        ``O*NET-SOC Code`` and ``Related O*NET-SOC Code`` (optional
        ``Relatedness Tier``, ``Index``; other columns are ignored; names
        match case-insensitively). Codes without the ``.NN`` suffix get
        ``.00``.
    tiers : iterable of str or "all", optional
        Tiers that count as relevant (case-insensitive). By default, O*NET's
        primary tiers (:data:`PRIMARY_TIERS`) when the file has them, else
        every row; ``"all"`` counts every row.

    Returns
    -------
    Truth

    Raises
    ------
    ImportDataError
        The file cannot be read, lacks a required column (the message names
        the file and the columns expected), has an empty code (file and
        line), ``tiers`` is given but the file has no tier column or none of
        those tiers, or no row is left to evaluate.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = os.path.join(d, "truth.txt")
    ...     with open(p, "w") as f:
    ...         _ = f.write("O*NET-SOC Code\\tRelated O*NET-SOC Code\\tRelatedness Tier\\tIndex\\n"
    ...                     "15-2051.00\\t15-2041.00\\tPrimary-Short\\t1\\n"
    ...                     "15-2051.00\\t15-1221.00\\tSupplemental\\t2\\n")
    ...     t = read_truth(p)
    >>> t.relevant, t.tiers
    ({'15-2051.00': {'15-2041.00': 3}}, ['Primary-Short', 'Primary-Long'])
    """
    path = Path(path)
    expected = (f"a truth file needs the columns '{TRUTH_COLUMNS['source']}' and "
                f"'{TRUTH_COLUMNS['related']}' (optional '{TRUTH_COLUMNS['tier']}', "
                f"'{TRUTH_COLUMNS['index']}'), tab- or comma-separated with a header row, "
                "as O*NET's 'Related Occupations.txt'")
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            text = fh.read()
    except FileNotFoundError:
        raise ImportDataError(f"Truth file '{path}' does not exist; {expected}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportDataError(f"Truth file '{path}' cannot be read ({exc}); {expected}") from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ImportDataError(f"Truth file '{path}' is empty; {expected}")
    delim = "\t" if "\t" in lines[0] else ","
    reader = csv.reader(lines, delimiter=delim, quoting=csv.QUOTE_NONE if delim == "\t" else csv.QUOTE_MINIMAL)
    header = next(reader)
    col = {_header_key(h): j for j, h in reversed(list(enumerate(header)))}
    want = {k: col.get(_header_key(v)) for k, v in TRUTH_COLUMNS.items()}
    missing = [TRUTH_COLUMNS[k] for k in ("source", "related") if want[k] is None]
    if missing:
        found = ", ".join(repr(h) for h in header) or "none"
        raise ImportDataError(f"{path}: missing column(s) {', '.join(repr(m) for m in missing)}; "
                              f"{expected}. Columns found: {found}")

    rows: list[tuple[str, str, str | None]] = []
    for lineno, rec in enumerate(reader, start=2):
        if not rec or not any(x.strip() for x in rec):
            continue
        def cell(key: str) -> str:
            j = want[key]
            return rec[j].strip() if j is not None and j < len(rec) else ""
        src, rel = cell("source"), cell("related")
        if not src or not rel:
            name = TRUTH_COLUMNS["source" if not src else "related"]
            raise ImportDataError(f"{path}:{lineno}: empty '{name}'; every row needs both codes")
        rows.append((_norm_code(src), _norm_code(rel), cell("tier") if want["tier"] is not None else None))

    has_tiers = want["tier"] is not None
    found_tiers = sorted({t for _, _, t in rows if t}) if has_tiers else []
    by_lower = {t.lower(): t for t in found_tiers}
    if isinstance(tiers, str):
        tiers = [tiers]
    chosen: list[str] | None
    if tiers is None:
        prim = [t for t in PRIMARY_TIERS if t.lower() in by_lower]
        chosen = list(PRIMARY_TIERS) if prim else (found_tiers or None)
    else:
        tiers = [t.strip() for t in tiers if t.strip()]
        if any(t.lower() == "all" for t in tiers):
            chosen = found_tiers or None
        elif not has_tiers:
            raise ImportDataError(f"{path}: has no '{TRUTH_COLUMNS['tier']}' column, so tiers "
                                  f"{', '.join(map(repr, tiers))} cannot be selected; drop --tier")
        else:
            unknown = [t for t in tiers if t.lower() not in by_lower]
            if unknown:
                raise ImportDataError(f"{path}: no row has tier {', '.join(map(repr, unknown))}; "
                                      f"its tiers are: {', '.join(found_tiers) or 'none'} (or 'all')")
            chosen = [by_lower[t.lower()] for t in tiers]
    keep = {t.lower() for t in chosen} if (chosen is not None and has_tiers) else None

    relevant: dict[str, dict[str, int]] = {}
    for src, rel, tier in rows:
        if keep is not None and (tier or "").lower() not in keep:
            continue
        grade = GRADES.get((tier or "").lower(), 1) if has_tiers else 1
        d = relevant.setdefault(src, {})
        d[rel] = max(d.get(rel, 0), grade)
    if not relevant:
        raise ImportDataError(f"{path}: no row left to evaluate"
                              + (f" with tiers {', '.join(chosen)}" if chosen else "")
                              + f"; {expected}")
    return Truth(path=path, relevant=relevant, tiers=chosen if has_tiers else None,
                 tiers_found=found_tiers, n_rows=len(rows))


# -- the evaluation -----------------------------------------------------------

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
    from .project import projection_rows

    by_code: dict[str, list[str]] = {}
    for r in projection_rows(graph, "role-onet-codes"):
        if r.get("code") and r.get("role") and (projection is None or r["role"] in projection.role_index):
            by_code.setdefault(_norm_code(str(r["code"])), []).append(r["role"])
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


def _mean_metrics(per: list[dict[str, float]]) -> dict[str, float]:
    keys = ("precision_at_k", "recall_at_k", "ndcg_at_k", "map")
    return {k: float(np.mean([p[k] for p in per])) if per else 0.0 for k in keys}


def evaluate(
    graph_or_projection,
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
    graph_or_projection : rdflib.Dataset or Projection
        A graph (projected, with :func:`careergraph.features.add_features`
        applied when the projection has no feature blocks yet) or a ready
        projection (used as is; its ``graph`` supplies the O*NET codes).
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
    from .features import add_features
    from .project import Projection, project
    from .similarity import SimilarityModel

    _check_k(k)
    truth = read_truth(truth_path, tiers=tiers)
    if isinstance(graph_or_projection, Projection):
        proj = graph_or_projection
        graph = proj.graph
        if graph is None:
            raise InvalidParameter("The projection has no graph to read O*NET codes from; pass the graph instead")
    else:
        graph = graph_or_projection
        proj = project(graph)
        if not proj.features:
            add_features(graph, proj)

    if model is None:
        model = SimilarityModel()
    elif isinstance(model, Mapping):
        model = SimilarityModel(model)
    if model.projection is not proj:
        model.fit(proj)

    code_role = onet_roles(graph, proj)
    codes = list(code_role)
    pos = {c: j for j, c in enumerate(codes)}
    wanted = None if sources is None else {_norm_code(s) for s in sources}
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

    model_m = _mean_metrics(per["model"])
    return EvaluationResult(
        k=int(k), **model_m, n_sources=len(evaluated), n_candidates=n,
        baselines={name: _mean_metrics(per[name]) for name in ("random", "same_minor_group")} if baselines else {},
        tiers=truth.tiers,
        weights={name: model.weight(name) for name in model.blocks},
        unknown_sources=unknown_sources, unknown_related=unknown_related,
        skipped_sources=skipped, truth=str(truth.path),
    )
