"""Extra role-feature blocks for the similarity model, built from query rows (pure).

:func:`feature_blocks` turns the rows of the queries in :data:`BLOCKS` into
the roles × n sparse blocks of :attr:`Projection.features`, which
:class:`careergraph.similarity.SimilarityModel` compares by cosine, next to
the ``"skills"`` block (``role_skill``). Nothing here reads the graph:
:mod:`careergraph.projection.build` runs the queries.

================  =========================  ==========================================
block             query                      columns and weights
================  =========================  ==========================================
``ratings``       ``project-role-skill-ratings``  one column per rated skill for the
                                             importance and one for the level, each
                                             centred on its mean over the rated roles
                                             (so the cosine is a correlation of skill
                                             profiles, not "every job needs reading")
``technology``    ``project-role-technology``  one column per technology skill
                                             (``cg:skillKind cg:Technology``), weight
                                             ``idf = log((1 + N) / (1 + df)) + 1`` over
                                             the N roles that use any technology, so
                                             spreadsheets and e-mail count for little
``hierarchy``     ``project-role-hierarchy``   one column per classification group above
                                             the role (``skos:broader+``), weight 1
``text``          ``project-role-text``        TF-IDF of label (counted once) and
                                             description: lower-cased words, English
                                             stop words dropped, light suffix stemming,
                                             ``1 + log(tf)`` times the idf above
``crosswalk``     ``project-role-crosswalk``   one column per classification group above
                                             the occupations a crosswalk maps onto the
                                             role (``?other skos:closeMatch ?role``: the
                                             ISCO groups of the ESCO occupations Nesta's
                                             crosswalk maps onto an O*NET code), weight 1
``clusters``      ``project-role-clusters``    one column per skills cluster of the role
                                             and each group above it (Nesta's
                                             skills-based sub-sector and sector of an
                                             ESCO occupation), weight 1
================  =========================  ==========================================

Only roles that carry a classification code (``cg:onetCode``,
``cg:escoCode``, ``cg:iscoCode`` or ``skos:notation``) get hierarchy and text
rows (and only coded roles that a coded occupation is mapped onto get
crosswalk rows: ESCO occupations are compared on what ESCO describes); a
block is added only when at least two roles have a non-zero row, so
graphs without such data (the built-in seed graph) get no extra blocks and
the model falls back to skills alone. Transition edges (``cg:Transition``,
``cg:lateralTo`` ...) are never read: the model must serve occupations nobody
has curated moves for, and is evaluated against such moves
(:mod:`careergraph.evaluate`). What each block adds, measured on O*NET, is in
``docs/similarity.md``.

Examples
--------
>>> tokenize("Designs and develops statistical models; analyses data.")
['design', 'develop', 'statistic', 'model', 'analy', 'data']
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping

import numpy as np
import scipy.sparse as sp

__all__ = [
    "BLOCKS",
    "BUILDERS",
    "feature_blocks",
    "hierarchy_block",
    "idf_weights",
    "ratings_block",
    "skill_blocks",
    "stem",
    "technology_block",
    "text_block",
    "tokenize",
]

#: Block name -> the named query it is read from.
BLOCKS: dict[str, str] = {
    "ratings": "project-role-skill-ratings",
    "technology": "project-role-technology",
    "hierarchy": "project-role-hierarchy",
    "text": "project-role-text",
    "crosswalk": "project-role-crosswalk",
    "clusters": "project-role-clusters",
}

#: How many times the label's words count against the description's. Titles
#: are what O*NET's own related-occupations method compares (alternate-title
#: similarity), so counting them twice fitted that one list (``docs/similarity.md``).
TITLE_WEIGHT = 1

_WORD = re.compile(r"[a-z][a-z0-9]+")
_STOP = frozenset(
    ["a", "about", "above", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been", "being", "both", "but", "by", "can", "could", "do", "does", "during", "each", "either", "etc", "for", "from", "had", "has", "have", "how", "if", "in", "including", "into", "is", "it", "its", "may", "more", "most", "must", "no", "nor", "not", "of", "on", "or", "other", "others", "over", "per", "such", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "through", "to", "under", "up", "upon", "use", "used", "using", "various", "via", "was", "were", "what", "when", "where", "whether", "which", "while", "who", "whom", "will", "with", "within", "without", "would"]
)
_SUFFIXES = ("ations", "ation", "ings", "ing", "ers", "er", "ies", "es", "s", "ed", "al", "ly")


def stem(word: str) -> str:
    """Strip up to two common English suffixes, keeping a stem of at least four letters.

    A deliberately light stemmer (no dependency) that merges *engineer* /
    *engineers* / *engineering* and *statistics* / *statistical*, which is
    what the text block needs; it is not a linguistic stemmer.

    Examples
    --------
    >>> [stem(w) for w in ["engineering", "engineers", "statistical", "data", "nurses"]]
    ['engine', 'engine', 'statistic', 'data', 'nurs']
    """
    for _ in range(2):
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                word = word[: -len(suffix)]
                break
        else:
            break
    return word


def tokenize(text: str | None) -> list[str]:
    """Lower-cased, stemmed content words of a text, in order.

    Examples
    --------
    >>> tokenize("Operate and maintain the machines")
    ['operate', 'maintain', 'machin']
    >>> tokenize(None)
    []
    """
    if not text:
        return []
    return [stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP]


def idf_weights(m: sp.spmatrix) -> np.ndarray:
    """Smoothed inverse document frequency of each column of a roles × n matrix.

    ``log((1 + N) / (1 + df)) + 1``, where ``df`` counts the rows with a
    non-zero entry in the column and ``N`` the rows with any non-zero entry.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> idf_weights(sp.csr_matrix([[1, 1], [1, 0], [0, 0]])).round(3).tolist()
    [1.0, 1.405]
    """
    m = sp.csr_matrix(m)
    n_docs = int(np.count_nonzero(np.diff(m.indptr)))
    df = np.bincount(m.indices[m.data != 0], minlength=m.shape[1])
    return np.log((1.0 + n_docs) / (1.0 + df)) + 1.0


def _pairs_matrix(pairs: Iterable[tuple[int, str, float]], n_roles: int) -> sp.csr_matrix:
    """roles × columns matrix from (row, column key, value); columns in sorted key order."""
    pairs = list(pairs)
    keys = sorted({k for _, k, _ in pairs})
    col = {k: j for j, k in enumerate(keys)}
    cell: dict[tuple[int, int], float] = {}
    for i, k, v in pairs:
        cell[(i, col[k])] = max(cell.get((i, col[k]), 0.0), v)
    if not cell:
        return sp.csr_matrix((n_roles, 0))
    rows = np.fromiter((c[0] for c in cell), dtype=np.int64, count=len(cell))
    cols = np.fromiter((c[1] for c in cell), dtype=np.int64, count=len(cell))
    vals = np.fromiter(cell.values(), dtype=np.float64, count=len(cell))
    m = sp.csr_matrix((vals, (rows, cols)), shape=(n_roles, len(keys)))
    m.sort_indices()
    return m


def ratings_block(rows: Iterable[Mapping], role_index: Mapping[str, int], *,
                  center: bool = True, level: bool = True) -> sp.csr_matrix:
    """Roles × rated skills: importance (and level) columns, centred per column.

    Parameters
    ----------
    rows : iterable of dict
        ``{"role", "skill", "importance", "level"}`` rows of
        ``project-role-skill-ratings``.
    role_index : dict
        Role IRI -> row.
    center : bool, default True
        Subtract each column's mean over the roles that have a value in it
        (entries stay where the graph states a rating, so unrated roles keep
        an empty row). Raw importances make every pair of O*NET occupations
        look alike (mean cosine 0.68); centred ones compare what is special
        about each profile.
    level : bool, default True
        Add the proficiency-level columns (``skill#level``).

    Returns
    -------
    scipy.sparse.csr_matrix
        One column per skill IRI (importance) and per ``<skill>#level``, in
        sorted order.

    Examples
    --------
    >>> rows = [{"role": "a", "skill": "s", "importance": 0.8, "level": None},
    ...         {"role": "b", "skill": "s", "importance": 0.4, "level": None}]
    >>> ratings_block(rows, {"a": 0, "b": 1}).toarray().round(3).tolist()
    [[0.2], [-0.2]]
    """
    pairs = []
    for r in rows:
        i = role_index.get(r.get("role"))
        imp = _float(r.get("importance"))
        if i is None or imp is None or not r.get("skill"):
            continue
        pairs.append((i, str(r["skill"]), imp))
        lev = _float(r.get("level")) if level else None
        if lev is not None:
            pairs.append((i, f"{r['skill']}#level", lev))
    keys = sorted({k for _, k, _ in pairs})
    col = {k: j for j, k in enumerate(keys)}
    cell = {(i, col[k]): v for i, k, v in pairs}  # one rating per role and column (the last)
    rows = np.fromiter((c[0] for c in cell), dtype=np.int64, count=len(cell))
    cols = np.fromiter((c[1] for c in cell), dtype=np.int64, count=len(cell))
    vals = np.fromiter(cell.values(), dtype=np.float64, count=len(cell))
    if center and len(vals):
        counts = np.bincount(cols, minlength=len(keys))
        means = np.bincount(cols, weights=vals, minlength=len(keys)) / np.maximum(counts, 1)
        vals = vals - means[cols]
    m = sp.csr_matrix((vals, (rows, cols)), shape=(len(role_index), len(keys)))
    m.eliminate_zeros()
    m.sort_indices()
    return m


def _float(v) -> float | None:
    if v is None or v == "":
        return None
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def technology_block(rows: Iterable[Mapping], role_index: Mapping[str, int], *,
                     hot_weight: float = 1.0) -> sp.csr_matrix:
    """Roles × technologies, IDF-weighted.

    Parameters
    ----------
    rows : iterable of dict
        ``{"role", "technology", "hot"}`` rows of ``project-role-technology``.
    role_index : dict
        Role IRI -> row.
    hot_weight : float, default 1.0
        Factor for hot technologies before IDF. 1.0 (no boost) measured best
        on O*NET (see ``docs/similarity.md``).

    Returns
    -------
    scipy.sparse.csr_matrix

    Examples
    --------
    >>> rows = [{"role": "a", "technology": "excel"}, {"role": "b", "technology": "excel"},
    ...         {"role": "b", "technology": "pytorch", "hot": True}]
    >>> technology_block(rows, {"a": 0, "b": 1}).toarray().round(3).tolist()
    [[1.0, 0.0], [1.0, 1.405]]
    """
    pairs = [(role_index[r["role"]], r["technology"], hot_weight if r.get("hot") in (True, 1) else 1.0)
             for r in rows if r.get("role") in role_index and r.get("technology")]
    m = _pairs_matrix(pairs, len(role_index))
    return sp.csr_matrix(m @ sp.diags(idf_weights(m))) if m.shape[1] else m


def hierarchy_block(rows: Iterable[Mapping], role_index: Mapping[str, int]) -> sp.csr_matrix:
    """Roles × classification groups, one-hot over every ancestor.

    Two roles in the same broad group share all of their groups (cosine 1);
    in the same major group only, one of three (O*NET's SOC levels). Also
    builds the ``crosswalk`` block from ``project-role-crosswalk`` rows and
    the ``clusters`` block from ``project-role-clusters`` rows.

    Examples
    --------
    >>> rows = [{"role": "a", "group": "15-1200"}, {"role": "a", "group": "15-0000"},
    ...         {"role": "b", "group": "15-0000"}]
    >>> hierarchy_block(rows, {"a": 0, "b": 1}).toarray().tolist()
    [[1.0, 1.0], [1.0, 0.0]]
    """
    pairs = [(role_index[r["role"]], r["group"], 1.0)
             for r in rows if r.get("role") in role_index and r.get("group")]
    return _pairs_matrix(pairs, len(role_index))


def text_block(rows: Iterable[Mapping], role_index: Mapping[str, int], *,
               title_weight: int = TITLE_WEIGHT) -> sp.csr_matrix:
    """Roles × stemmed words, TF-IDF of label and description.

    Parameters
    ----------
    rows : iterable of dict
        ``{"role", "label", "description"}`` rows of ``project-role-text``.
    role_index : dict
        Role IRI -> row.
    title_weight : int, default 1
        How many times the label's words are counted.

    Returns
    -------
    scipy.sparse.csr_matrix
        ``(1 + log tf) * idf``; columns are the sorted vocabulary.

    Examples
    --------
    >>> rows = [{"role": "a", "label": "Statistician", "description": "Apply statistics."},
    ...         {"role": "b", "label": "Data Scientist", "description": "Apply statistics to data."}]
    >>> m = text_block(rows, {"a": 0, "b": 1})
    >>> m.shape, int(m.nnz)
    ((2, 5), 7)
    """
    pairs = []
    for r in rows:
        i = role_index.get(r.get("role"))
        if i is None:
            continue
        words = tokenize(r.get("label")) * title_weight + tokenize(r.get("description"))
        for word, tf in Counter(words).items():
            pairs.append((i, word, 1.0 + math.log(tf)))
    m = _pairs_matrix(pairs, len(role_index))
    return sp.csr_matrix(m @ sp.diags(idf_weights(m))) if m.shape[1] else m


def skill_blocks(role_skill: sp.spmatrix, essential: sp.spmatrix, technology: np.ndarray) -> dict[str, sp.csr_matrix]:
    """The blocks derived from the role-skill links: ``skills``, ``essential``, ``optional`` and ``coverage``.

    Parameters
    ----------
    role_skill : sparse, roles × skills
        Link weights (:attr:`Projection.role_skill`).
    essential : sparse bool, roles × skills
        Essential links (:attr:`Projection.essential`).
    technology : bool array, (skills,)
        True for technology products, which have a block of their own.

    Returns
    -------
    dict
        ``skills``: the weights of the non-technology links (O*NET's rated
        skills, every ESCO skill); ``essential`` and ``optional``: 0/1 links
        of each level, technology included (Nesta's two skill measures);
        ``coverage``: the 0/1 non-technology essential links divided by
        their number per role, so that ``held @ coverage.T`` is the share of
        a destination's essential skills an origin holds (asymmetric).

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> w = sp.csr_matrix([[1.0, 0.5, 1.0], [1.0, 0.0, 0.0]])
    >>> e = sp.csr_matrix([[True, False, True], [True, False, False]])
    >>> b = skill_blocks(w, e, np.array([False, False, True]))
    >>> b["skills"].toarray().tolist(), b["optional"].toarray().tolist()
    ([[1.0, 0.5, 0.0], [1.0, 0.0, 0.0]], [[0.0, 1.0, 0.0], [0.0, 0.0, 0.0]])
    >>> b["coverage"].toarray().tolist()
    [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]]
    """
    w = sp.csr_matrix(role_skill, dtype=np.float64)
    keep = sp.diags((~np.asarray(technology, dtype=bool)).astype(np.float64))
    binary = w.copy()
    binary.data[:] = 1.0
    ess = sp.csr_matrix(essential, dtype=np.float64)
    ess.data[:] = 1.0
    opt = binary - ess.multiply(binary)
    opt.eliminate_zeros()
    ess_nt = sp.csr_matrix(ess @ keep)
    ess_nt.eliminate_zeros()
    counts = np.diff(ess_nt.indptr).astype(np.float64)
    cover = sp.csr_matrix(sp.diags(np.divide(1.0, counts, out=np.zeros_like(counts), where=counts > 0)) @ ess_nt)
    out = {"skills": sp.csr_matrix(w @ keep), "essential": ess, "optional": sp.csr_matrix(opt), "coverage": cover}
    for m in out.values():
        m.eliminate_zeros()
        m.sort_indices()
    return out


#: Block name -> the function that builds it from the rows of its query.
BUILDERS = {"ratings": ratings_block, "technology": technology_block, "hierarchy": hierarchy_block, "text": text_block,
            "crosswalk": hierarchy_block, "clusters": hierarchy_block}


def feature_blocks(rows_of: Mapping[str, Iterable[Mapping]], role_index: Mapping[str, int]) -> dict[str, sp.csr_matrix]:
    """Every block the rows have data for: ``{name: roles × n matrix}``.

    A block is kept only when at least two roles have a non-zero row.

    Parameters
    ----------
    rows_of : dict
        Block name (of :data:`BLOCKS`) -> the rows of its query.
    role_index : dict
        Role IRI -> row.

    Examples
    --------
    >>> rows = {"hierarchy": [{"role": "a", "group": "15"}, {"role": "b", "group": "15"}]}
    >>> sorted(feature_blocks(rows, {"a": 0, "b": 1}))
    ['hierarchy']
    >>> feature_blocks({"hierarchy": [{"role": "a", "group": "15"}]}, {"a": 0, "b": 1})
    {}
    """
    out = {}
    for name, block_rows in rows_of.items():
        m = BUILDERS[name](block_rows, role_index)
        if np.count_nonzero(np.diff(m.indptr)) >= 2:
            out[name] = m
    return out
