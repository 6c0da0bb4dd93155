"""Measure the move model honestly against a list of related occupations.

:func:`evaluate` reads a *truth file* in the layout of O*NET's ``Related
Occupations.txt`` (see :func:`read_truth`). For every source occupation of the
file that the store holds, it ranks every *other* candidate role by the model
(:func:`careergraph.similarity.default_model`'s kind, ``hybrid``, unless told)
and scores the ranking with precision@k, recall@k, nDCG@k (tiers as grades)
and MAP (:mod:`careergraph.evaluate.metrics`).

**Which moves the model may see.** The model reads the graph's known moves.
When the truth file *is* one of the graph's sources — its SHA-256 equals the
one an importer recorded for the file (``cg:sha256``), or at least
:data:`SAME_SOURCE_SHARE` of its pairs are moves of one source, as when
O*NET's ``Related Occupations.txt`` was imported — those moves are hidden
for each evaluated occupation in both directions: ranking occupation *s*,
the model knows none of that source's moves from, to or through *s* (nor
its ``same-as`` twins), as for an occupation joining the graph; every other
move stays visible (leave-one-out over source occupations). ``hide_moves``
hides a source entirely, by hand. A truth file from another publisher is
scored with every imported move visible, as a deployed system would have
them. The result lists each source of moves and whether it was visible.

**Candidates.** Roles carrying an O*NET-SOC code (``cg:onetCode``). With
``crosswalk`` (Nesta's ``esco_onet_crosswalk_Nov2020.csv``) the truth is
mapped onto ESCO instead: an ESCO occupation is a source when its O*NET code
is, the relevant roles are the ESCO occupations mapped to its related codes,
the candidates are the ESCO occupations of the store the crosswalk maps, and
roles mapped to the source's own code are left out (the truth says nothing
about them). ESCO occupations have no moves, so they are scored on what ESCO
describes (skills, hierarchy, text) and job zones; the truth's own source is
hidden entirely.

**Halves, intervals, baselines.** Sources are split into half A (even
positions of the sorted source codes) and half B (odd): weights are chosen
on A (``bench/bench_evaluate.py``) and reported on B. Every figure comes
with a 95% bootstrap interval over sources, and three baselines are ranked
on the same sources and candidates in the same run: ``random``,
``same_minor_group`` (SOC minor group, the first five characters of the code
such as ``15-12``; ISCO-08 minor group, three digits, on ESCO) and
``skill_cosine`` (cosine of the non-technology skill weights alone: O*NET's
rated skill importances, ESCO's essential/optional skills). Ties of any
ranking are broken by one seeded random order, never by code order.

Examples
--------
>>> minor_group("15-2051.01")
'15-20'
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ImportDataError, InvalidParameter
from ..importers.mcc import file_sha256
from ..projection import project
from ..queries import rows
from ..similarity import MODELS, MOVE_WEIGHTS, MoveModel, SimilarityModel
from .metrics import (
    average_precision,
    bootstrap_interval,
    check_k,
    mean_metrics,
    ndcg_at_k,
    precision_at_k,
    rank_metrics,
    recall_at_k,
)
from .truth import GRADES, PRIMARY_TIERS, TRUTH_COLUMNS, Truth, norm_code, read_truth

__all__ = [
    "BASELINES",
    "CROSSWALK_COLUMNS",
    "GRADES",
    "PRIMARY_TIERS",
    "SAME_SOURCE_SHARE",
    "TRUTH_COLUMNS",
    "EvaluationResult",
    "EvaluationRun",
    "Truth",
    "average_precision",
    "bootstrap_interval",
    "evaluate",
    "halves",
    "minor_group",
    "ndcg_at_k",
    "onet_roles",
    "precision_at_k",
    "prepare",
    "rank_metrics",
    "read_truth",
    "recall_at_k",
]

#: Baselines ranked in every run.
BASELINES = ("random", "same_minor_group", "skill_cosine")

#: Share of a truth file's pairs that must be moves of one source for the file to count as that source.
SAME_SOURCE_SHARE = 0.9

#: Columns read from the crosswalk file (Nesta's names).
CROSSWALK_COLUMNS = ("concept_uri", "onet_code", "isco_code")

_METRICS = ("precision_at_k", "recall_at_k", "ndcg_at_k", "map")


def minor_group(code: str) -> str:
    """SOC minor group of an O*NET-SOC code: its first five characters.

    Examples
    --------
    >>> minor_group("15-2051.01")
    '15-20'
    """
    return code[:5]


def halves(codes: Iterable[str]) -> tuple[list[str], list[str]]:
    """The two halves of source codes: even and odd positions in sorted order (A, B).

    Examples
    --------
    >>> halves(["b", "a", "d", "c"])
    (['a', 'c'], ['b', 'd'])
    """
    s = sorted(set(codes))
    return s[0::2], s[1::2]


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


def _read_crosswalk(path: str | Path) -> list[dict[str, str]]:
    path = Path(path)
    want = ", ".join(CROSSWALK_COLUMNS)
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in CROSSWALK_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise ImportDataError(f"{path}: missing column(s) {', '.join(missing)}; a crosswalk needs {want} "
                                      "(Nesta's esco_onet_crosswalk_Nov2020.csv)")
            out = []
            for r in reader:
                uri, code = (r.get("concept_uri") or "").strip(), (r.get("onet_code") or "").strip()
                if not uri or not code:
                    raise ImportDataError(f"{path}:{reader.line_num}: empty concept_uri or onet_code")
                out.append({"esco": uri, "code": norm_code(code), "isco": (r.get("isco_code") or "").strip()})
    except FileNotFoundError:
        raise ImportDataError(f"Crosswalk file '{path}' does not exist; give Nesta's "
                              f"esco_onet_crosswalk_Nov2020.csv (columns {want})") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ImportDataError(f"Crosswalk file '{path}' cannot be read ({exc})") from None
    if not out:
        raise ImportDataError(f"{path}: no rows; a crosswalk needs {want}")
    return out


@dataclass
class EvaluationResult:
    """Metrics of a model and of the baselines on one truth file.

    Attributes
    ----------
    k : int
    precision_at_k, recall_at_k, ndcg_at_k, map : float
        Means over the evaluated sources.
    n_sources : int
        Source occupations evaluated (in the store, with a relevant role there).
    n_candidates : int
        Roles ranked.
    baselines : dict
        Name (:data:`BASELINES`) -> the four metrics (plus ``halves`` and ``interval``).
    model : str
        ``content``, ``moves`` or ``hybrid``.
    halves : dict
        ``{"A": {...}, "B": {...}}``: the four metrics on each half of the
        sources (with ``n_sources``).
    interval : dict
        Metric -> ``[low, high]``: 95% bootstrap interval over sources.
    moves : list of dict
        Each source of moves of the graph: ``source``, ``label``,
        ``dataset``, ``moves``, ``visible`` (``"all"``, ``"hidden per
        evaluated occupation, both directions"`` or ``"hidden"``) and
        ``why``.
    candidates : str
        ``"onet"`` or ``"esco"`` (through ``crosswalk``).
    tiers : list of str or None
        Tiers counted as relevant.
    weights : dict
        The model's part and block weights.
    unknown_sources, unknown_related : list of str
        Codes of the truth file the store does not hold (sorted).
    skipped_sources : list of str
        Sources in the store none of whose related roles are.
    truth, crosswalk : str
        The files read.
    """

    k: int
    precision_at_k: float
    recall_at_k: float
    ndcg_at_k: float
    map: float
    n_sources: int
    n_candidates: int
    baselines: dict[str, dict[str, Any]]
    model: str = "hybrid"
    halves: dict[str, dict[str, float]] = field(default_factory=dict)
    interval: dict[str, list[float]] = field(default_factory=dict)
    moves: list[dict[str, Any]] = field(default_factory=list)
    candidates: str = "onet"
    tiers: list[str] | None = None
    weights: dict[str, Any] = field(default_factory=dict)
    unknown_sources: list[str] = field(default_factory=list)
    unknown_related: list[str] = field(default_factory=list)
    skipped_sources: list[str] = field(default_factory=list)
    truth: str = ""
    crosswalk: str | None = None

    def metrics(self) -> dict[str, float]:
        """The model's four metrics as a dict."""
        return {"precision_at_k": self.precision_at_k, "recall_at_k": self.recall_at_k,
                "ndcg_at_k": self.ndcg_at_k, "map": self.map}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the ``--format json`` output of ``careergraph evaluate``)."""
        return {
            "truth": self.truth, "crosswalk": self.crosswalk, "candidates": self.candidates, "model": self.model,
            "k": self.k, "tiers": self.tiers,
            **self.metrics(), "halves": self.halves, "interval": self.interval,
            "n_sources": self.n_sources, "n_candidates": self.n_candidates,
            "baselines": self.baselines, "moves": self.moves, "weights": self.weights,
            "unknown_codes": {"sources": len(self.unknown_sources), "related": len(self.unknown_related),
                              "examples": (self.unknown_sources + self.unknown_related)[:10]},
            "skipped_sources": len(self.skipped_sources),
        }


class EvaluationRun:
    """A prepared evaluation: the truth, candidates, hidden moves and the model's parts, computed once.

    :func:`prepare` makes one; :meth:`score` ranks under any weights (the
    bench searches weights with it) and :meth:`result` gives the full
    :class:`EvaluationResult`. Attributes are read-only by convention.
    """

    def __init__(self, proj, truth: Truth, *, k: int, seed: int, src_rows: list[int], src_keys: list[str],
                 grades: np.ndarray, cols: np.ndarray, cand_mask: np.ndarray, groups: np.ndarray,
                 model: MoveModel, hidden: dict[int, frozenset], moves: list[dict[str, Any]],
                 candidates: str, n_candidates: int, unknown_sources, unknown_related, skipped,
                 crosswalk: str | None):
        self.projection, self.truth, self.k, self.seed = proj, truth, int(k), int(seed)
        self.src_rows, self.src_keys = np.asarray(src_rows, dtype=np.int64), list(src_keys)
        self.grades, self.cols, self.cand_mask, self.groups = grades, cols, cand_mask, groups
        self.model, self.hidden, self.moves, self.candidates = model, hidden, moves, candidates
        self.unknown_sources, self.unknown_related, self.skipped = unknown_sources, unknown_related, skipped
        self.crosswalk, self.n_candidates = crosswalk, int(n_candidates)
        self.blocks = model.content.block_rows(self.src_rows, cols)
        self._known = model.known_rows(self.src_rows, hidden)[:, cols]
        self._jz = model.job_zone_rows(self.src_rows, cols)
        self._ladder = model.ladder_rows(self.src_rows, cols)
        rng = np.random.default_rng(seed)
        self._ties = np.array([rng.permutation(len(cols)) for _ in range(len(self.src_rows))])
        half_a, _ = halves(src_keys)
        a = set(half_a)
        self.half = np.array(["A" if key in a else "B" for key in src_keys])

    @property
    def n_sources(self) -> int:
        return len(self.src_rows)

    def parts(self, content_weights: Mapping[str, float] | None = None) -> dict[str, np.ndarray]:
        """The model's parts for every source over the ranked columns, under content block weights."""
        content = self.model.content.combine(self.blocks, weights=content_weights)
        nb, has = self.model.neighbour_rows(self.src_rows, self.blocks, self.cols, content_weights)
        return {"content": content, "neighbours": nb, "has_neighbours": has, "known": self._known,
                "job_zone": self._jz, "ladder": self._ladder}

    def ranking_scores(self, kind: str | None = None, weights: Mapping[str, float] | None = None,
                       content_weights: Mapping[str, float] | None = None) -> np.ndarray:
        """Scores (sources × columns) of a model kind under part and block weights (the run's model by default)."""
        kind = kind or self.model.kind
        if kind not in MODELS:
            raise InvalidParameter(f"Unknown model {kind!r}; use one of: {', '.join(MODELS)}")
        m = self.model if kind == self.model.kind else MoveModel(kind, self.model.weights, self.model.content,
                                                                 self.model.n_neighbours)
        return m.combine(self.parts(content_weights), weights)

    def per_source(self, scores: np.ndarray) -> list[dict[str, float]]:
        """The four metrics of each source's ranking by ``scores`` (sources × columns)."""
        out = []
        for r in range(self.n_sources):
            mask = self.cand_mask[r]
            order = np.lexsort((self._ties[r], -scores[r]))
            order = order[mask[order]]
            g = self.grades[r]
            out.append(rank_metrics(g[order], self.k, int((g[mask] > 0).sum())))
        return out

    def summary(self, per: list[dict[str, float]], *, interval: bool = True, reps: int = 1000) -> dict[str, Any]:
        """Means of :meth:`per_source` output, on all sources and on each half, with bootstrap intervals."""
        out: dict[str, Any] = mean_metrics(per)
        out["halves"] = {}
        for h in ("A", "B"):
            sel = [p for p, x in zip(per, self.half) if x == h]
            out["halves"][h] = {**mean_metrics(sel), "n_sources": len(sel)}
        if interval:
            out["interval"] = {m: bootstrap_interval([p[m] for p in per], reps=reps, seed=self.seed) for m in _METRICS}
        return out

    def score(self, kind: str | None = None, weights: Mapping[str, float] | None = None,
              content_weights: Mapping[str, float] | None = None, half: str | None = None) -> float:
        """Precision@k of a model kind under weights, on all sources or on half ``"A"`` / ``"B"`` (fast)."""
        per = self.per_source(self.ranking_scores(kind, weights, content_weights))
        if half is not None:
            per = [p for p, x in zip(per, self.half) if x == half]
        return mean_metrics(per)["precision_at_k"]

    def baseline_scores(self, name: str) -> np.ndarray:
        """Scores (sources × columns) of one baseline of :data:`BASELINES`."""
        if name == "random":
            return np.zeros((self.n_sources, len(self.cols)))
        if name == "same_minor_group":
            mine = self.groups[self.src_rows]
            return (mine[:, None] == self.groups[self.cols][None, :]).astype(np.float64)
        if name == "skill_cosine":
            parts = {"skills": self.blocks["skills"]} if "skills" in self.blocks else \
                SimilarityModel({"skills": 1.0}).fit(self.projection).block_rows(self.src_rows, self.cols)
            return self.model.content.combine(parts, weights={"skills": 1.0})
        raise InvalidParameter(f"Unknown baseline {name!r}; the baselines are {', '.join(BASELINES)}")

    def result(self, *, baselines: bool = True, reps: int = 1000) -> EvaluationResult:
        """The full result of the run's model (and baselines) on this run."""
        model = self.summary(self.per_source(self.ranking_scores()), reps=reps)
        base = {}
        if baselines:
            for name in BASELINES:
                base[name] = self.summary(self.per_source(self.baseline_scores(name)), reps=reps)
        weights = {"parts": {p: self.model.weight(p) for p in MOVE_WEIGHTS},
                   "blocks": {b: self.model.content.weight(b) for b in self.model.content.blocks}}
        return EvaluationResult(
            k=self.k, **{m: model[m] for m in _METRICS}, n_sources=self.n_sources,
            n_candidates=self.n_candidates,
            baselines=base, model=self.model.kind, halves=model["halves"], interval=model["interval"],
            moves=self.moves, candidates=self.candidates, tiers=self.truth.tiers, weights=weights,
            unknown_sources=self.unknown_sources, unknown_related=self.unknown_related,
            skipped_sources=self.skipped, truth=str(self.truth.path), crosswalk=self.crosswalk)


def _own_sources(proj, truth: Truth, path: Path, role_code: Mapping[str, str]) -> dict[str, str]:
    """Sources of moves the truth file *is*: ``{source: why}`` (by recorded SHA-256, else by shared pairs)."""
    out: dict[str, str] = {}
    digest = file_sha256(path)
    for src, meta in proj.move_sources.items():
        if meta.get("sha256") and meta["sha256"] == digest:
            out[src] = "the truth file's SHA-256 is the one recorded for this source at import"
    pairs = {(s, r) for s, rel in truth.relevant.items() for r in rel}
    by_source: dict[str, set] = {}
    for u, v, d in proj.transitions.edges(data=True):
        if d.get("kind") == "same-as" or d.get("source") is None:
            continue
        cu, cv = role_code.get(u), role_code.get(v)
        if cu is not None and cv is not None:
            by_source.setdefault(str(d["source"]), set()).add((cu, cv))
    known_codes = set(role_code.values())
    held = {(s, r) for s, r in pairs if s in known_codes and r in known_codes}
    for src, sp_ in by_source.items():
        if src in out or not held:
            continue
        share = len(held & sp_) / len(held)
        if share >= SAME_SOURCE_SHARE:
            out[src] = f"{share:.0%} of the truth file's pairs in the store are moves of this source"
    return out


def _match_sources(proj, names: Iterable[str]) -> set[str]:
    """Sources of moves named by IRI, label or dataset key (``--hide-moves``)."""
    out: set[str] = set()
    for name in names:
        key = str(name).strip()
        hits = {src for src, m in proj.move_sources.items()
                if key in (src, m.get("label"), m.get("dataset")) or key.lower() == str(m.get("label") or "").lower()}
        if not hits:
            have = sorted({m.get("dataset") or "?" for m in proj.move_sources.values()}
                          | {m.get("label") or s for s, m in proj.move_sources.items()})
            raise InvalidParameter(f"No source of moves {key!r}; --hide-moves takes a dataset key or a source "
                                   f"label: {', '.join(have) or 'the graph has no moves'}")
        out |= hits
    return out


def prepare(
    graph,
    truth_path: str | Path,
    *,
    k: int = 10,
    tiers: Iterable[str] | str | None = None,
    model: str | MoveModel | Mapping[str, float] | None = None,
    seed: int = 0,
    sources: Iterable[str] | None = None,
    hide_moves: Iterable[str] = (),
    crosswalk: str | Path | None = None,
) -> EvaluationRun:
    """Read the truth, decide which moves are hidden, compute the model's parts once.

    Parameters are those of :func:`evaluate`.

    Returns
    -------
    EvaluationRun
    """
    check_k(k)
    truth = read_truth(truth_path, tiers=tiers)
    proj = project(graph)
    code_role = onet_roles(graph, proj)
    role_code = {r: c for c, r in code_role.items()}

    own = _own_sources(proj, truth, Path(truth_path), role_code)
    by_hand = _match_sources(proj, hide_moves)
    whole = set(by_hand) | (set(own) if crosswalk is not None else set())

    if model is None or isinstance(model, str):
        m = MoveModel(model or "hybrid", hide=whole)
    elif isinstance(model, MoveModel):
        m = MoveModel(model.kind, model.weights, model.content, model.n_neighbours, hide=set(model.hide) | whole)
    elif isinstance(model, Mapping):
        m = MoveModel("hybrid", content=model, hide=whole)
    else:
        raise InvalidParameter(f"model must be one of {', '.join(MODELS)}, a MoveModel or block weights; "
                               f"got {type(model).__name__}")
    m.fit(proj)
    sid = {s: i for i, s in enumerate(m.sources)}
    per_source_hidden = frozenset(sid[s] for s in own if s in sid and s not in whole)

    wanted = None if sources is None else {norm_code(s) for s in sources}
    src_codes = sorted(s for s in truth.relevant if wanted is None or s in wanted)
    n_roles = len(proj.roles)
    if crosswalk is None:
        cand = {c: proj.role_index[r] for c, r in code_role.items()}
        unknown_sources = [s for s in src_codes if s not in cand]
        unknown_related = sorted({r for s in src_codes for r in truth.relevant[s] if r not in cand})
        cols = np.array(sorted(set(cand.values())), dtype=np.int64)
        pos = {int(c): j for j, c in enumerate(cols)}
        srcs: list[tuple[str, int, dict[int, float], set[int]]] = []
        skipped = []
        for s in src_codes:
            if s not in cand:
                continue
            g = {pos[cand[r]]: float(w) for r, w in truth.relevant[s].items() if r in cand and r != s}
            if g:
                srcs.append((s, cand[s], g, {pos[cand[s]]}))
            else:
                skipped.append(s)
        groups = np.array([minor_group(role_code.get(r, "")) for r in proj.roles])
        what = "onet"
        if not srcs:
            raise ImportDataError(
                f"{truth.path}: none of its {len(src_codes)} source occupations is in the store with a related "
                f"occupation there ({len(cand)} roles carry an O*NET-SOC code); import O*NET first, e.g. "
                "'careergraph --store DIR import onet ...'")
    else:
        links = [x for x in _read_crosswalk(crosswalk) if x["esco"] in proj.role_index]
        if not links:
            raise ImportDataError(f"{crosswalk}: none of its ESCO occupations is in the store; import ESCO first "
                                  "('careergraph import esco ...')")
        code_of: dict[int, str] = {}
        isco: dict[int, str] = {}
        for x in links:
            i = proj.role_index[x["esco"]]
            code_of.setdefault(i, x["code"])
            isco.setdefault(i, x["isco"])
        by_code: dict[str, list[int]] = {}
        for i, c in code_of.items():
            by_code.setdefault(c, []).append(i)
        cols = np.array(sorted(code_of), dtype=np.int64)
        pos = {int(c): j for j, c in enumerate(cols)}
        unknown_sources = [s for s in src_codes if s not in by_code]
        unknown_related = sorted({r for s in src_codes for r in truth.relevant[s] if r not in by_code})
        srcs, skipped = [], []
        for i in sorted(code_of):
            s = code_of[i]
            if s not in truth.relevant or (wanted is not None and s not in wanted):
                continue
            g: dict[int, float] = {}
            for r, w in truth.relevant[s].items():
                if r != s:
                    for j in by_code.get(r, []):
                        g[pos[j]] = max(g.get(pos[j], 0.0), float(w))
            same = {pos[j] for j in by_code[s]}
            if g:
                srcs.append((s, i, g, same))
            else:
                skipped.append(proj.roles[i])
        groups = np.array([isco.get(i, "")[:3] or f"~{i}" for i in range(n_roles)])
        what = "esco"
        if not srcs:
            raise ImportDataError(f"{truth.path}: no ESCO occupation of {crosswalk} is mapped to a source "
                                  "occupation of the truth file with a related occupation mapped too")
    # the columns: candidates, plus the roles with moves that may lend them (same dataset as a source)
    movers = np.flatnonzero(m.movers)
    all_cols = np.array(sorted(set(cols.tolist()) | set(movers.tolist())), dtype=np.int64)
    where = {int(c): j for j, c in enumerate(all_cols)}
    grades = np.zeros((len(srcs), len(all_cols)))
    cand_mask = np.zeros((len(srcs), len(all_cols)), dtype=bool)
    cand_mask[:, [where[int(c)] for c in cols]] = True
    for r, (_s, _i, g, excl) in enumerate(srcs):
        for j, w in g.items():
            grades[r, where[int(cols[j])]] = w
        for j in excl:
            cand_mask[r, where[int(cols[j])]] = False
    src_rows = [i for _s, i, _g, _e in srcs]
    hidden = {i: per_source_hidden for i in src_rows} if per_source_hidden else {}

    moves = []
    for src, meta in sorted(proj.move_sources.items(), key=lambda kv: (str(kv[1].get("dataset")), kv[0])):
        if src in whole:
            vis = "hidden"
            why = own.get(src, "hidden by hand (--hide-moves)") + (
                "; with --crosswalk a source that is the truth is hidden entirely" if src in own else "")
        elif src in own:
            vis, why = "hidden per evaluated occupation, both directions", own[src]
        else:
            vis, why = "all", "another source than the truth file"
        moves.append({"source": src, "label": meta.get("label"), "dataset": meta.get("dataset"),
                      "moves": meta.get("moves", 0), "visible": vis, "why": why})
    return EvaluationRun(proj, truth, k=k, seed=seed, src_rows=src_rows, src_keys=[s for s, *_ in srcs],
                         grades=grades, cols=all_cols, cand_mask=cand_mask, groups=groups, model=m,
                         hidden=hidden, moves=moves, candidates=what, n_candidates=len(cols),
                         unknown_sources=unknown_sources,
                         unknown_related=unknown_related, skipped=skipped,
                         crosswalk=None if crosswalk is None else str(crosswalk))


def evaluate(
    graph,
    truth_path: str | Path,
    *,
    k: int = 10,
    tiers: Iterable[str] | str | None = None,
    model: str | MoveModel | Mapping[str, float] | None = None,
    seed: int = 0,
    sources: Iterable[str] | None = None,
    baselines: bool = True,
    hide_moves: Iterable[str] = (),
    crosswalk: str | Path | None = None,
    reps: int = 1000,
) -> EvaluationResult:
    """Score the move model's rankings against a related-occupations file.

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
    model : {"hybrid", "content", "moves"}, MoveModel or dict, optional
        The model kind (default ``hybrid``, the one ``next`` uses), a
        :class:`~careergraph.similarity.MoveModel`, or content block weights
        for a hybrid model.
    seed : int, default 0
        Seed of the random baseline, tie-breaking and the bootstrap.
    sources : iterable of str, optional
        Only evaluate these source codes.
    baselines : bool, default True
        Also rank by :data:`BASELINES`.
    hide_moves : iterable of str
        Sources of moves to hide entirely: dataset keys (``onet``, ``seed``)
        or source labels (``Related Occupations.txt``).
    crosswalk : path, optional
        Nesta's ESCO–O*NET crosswalk: evaluate ESCO occupations instead.
    reps : int, default 1000
        Bootstrap resamples of the intervals.

    Returns
    -------
    EvaluationResult

    Raises
    ------
    ImportDataError
        The truth or crosswalk file is unreadable or malformed, or no source
        occupation of it is in the store.
    InvalidParameter
        ``k`` < 1, an unknown model, or ``hide_moves`` names no source.

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
    ...     res = evaluate(g, p, k=1, reps=50)
    >>> res.precision_at_k, res.n_sources, res.n_candidates, res.model
    (1.0, 1, 3, 'hybrid')
    """
    run = prepare(graph, truth_path, k=k, tiers=tiers, model=model, seed=seed, sources=sources,
                  hide_moves=hide_moves, crosswalk=crosswalk)
    return run.result(baselines=baselines, reps=reps)
