"""The one model of how promising a move between two roles is: content, known moves and direction.

:func:`default_model` is what ``similar``, ``recommend``, ``next`` and the
closest-role hints of ``path`` rank by, fitted once per projection. It is a
:class:`MoveModel`, the sum of three parts, each in ``[0, 1]``:

**content** — :class:`SimilarityModel`, a weighted mean of cosine similarities
over *blocks* (roles × n sparse matrices):

* from the role-skill links (:func:`careergraph.projection.features.skill_blocks`):
  ``skills`` (link weights of the non-technology skills), ``essential`` and
  ``optional`` (0/1 links of each level: Nesta's two skill measures), and the
  asymmetric ``coverage`` (share of the destination's essential skills the
  origin holds; measured, off by default);
* the feature blocks of :attr:`Projection.features`: ``ratings``,
  ``technology``, ``hierarchy``, ``text`` and ``crosswalk`` (the ISCO
  groups of the ESCO occupations a crosswalk maps onto an O*NET
  occupation: a second classification, so the model does not hang on the
  SOC hierarchy and the text alone) and ``clusters`` (Nesta's skills-based
  sub-sector and sector of an ESCO occupation).

A block is *present* for a role when its row is not all zeros; the content
score of roles *i* and *j* is

.. math:: c_{ij} = \\frac{\\sum_b w_b \\, p_{bi} p_{bj} \\cos_b(i, j)}{\\sum_b w_b \\, p_{bi} p_{bj}}

the weighted mean over the blocks present for **both** (0 when none is), so
an ESCO occupation is compared on what ESCO describes (skills, hierarchy,
text) and an O*NET one also on ratings and technology.

**known moves** — the graph's moves from any source (curated promotions,
O*NET's related occupations, ...) as a roles × roles matrix *K*: a stated
move *i → j* counts 1, or its relatedness tier's weight
(:data:`TIER_WEIGHTS`); a lateral move counts in both directions. Two terms
use it: ``known`` = :math:`K_{ij}` (the move itself, also when stated for the
same role in another source, ``same-as``), and ``neighbours`` = the moves of
the role's :data:`NEIGHBOURS` most similar roles of the same dataset, in the
direction stated, weighted by their content similarity, averaged over the
views *v* of the content that leave out one block in use that the role has,
each once (the content itself when the role has at most one), so that no
single block chooses the lenders alone,

.. math:: n_{ij} = \\frac{1}{|V|} \\sum_{v \\in V}
          \\frac{\\sum_{u \\in N_v(i)} c^v_{iu} K_{uj}}{\\sum_{u \\in N_v(i)} c^v_{iu}}

(*V*: the views in which *i* has neighbours; collaborative filtering over
occupations: it also serves roles nobody has stated moves for).

**direction** — ``job_zone``: O*NET's Job Zone of both roles
(:attr:`Projection.levels`, e.g. from Nesta's MCC data); a move of more than
one zone either way costs ``max(0, |Δ| - 1)``, Nesta's own bound for a
desirable move. ``ladder``: a move to a lower rung of the same curated career
track (``cg:inTrack``, ``cg:trackLevel``) costs 1: it is a step down.

The score is

.. math:: s_{ij} = \\frac{w_c c_{ij} + w_n n_{ij}}{w_c + w_n [N(i) \\neq \\emptyset]}
          + w_k \\, k_{ij} - w_z \\, z_{ij} - w_l \\, l_{ij}

with :data:`MOVE_WEIGHTS`. ``MoveModel("content")`` keeps the content part
only and ``MoveModel("moves")`` the known-move terms only. How every weight
was chosen, and what each part is worth on O*NET and ESCO: ``docs/similarity.md``.

Examples
--------
>>> from careergraph.examples import toy_graph
>>> from careergraph.projection import project
>>> proj = project(toy_graph())
>>> model = SimilarityModel().fit(proj)
>>> junior = "https://w3id.org/careergraph/id/role/junior"
>>> [(proj.role_labels[r], round(s, 2)) for r, s in model.similar(junior, top=2)]
[('Senior Engineer', 0.87), ('senior software engineer', 0.64)]
>>> m = default_model(proj)
>>> [proj.role_labels[r] for r, _ in m.similar(junior, top=2)]   # a known promotion, then the neighbours' next step
['Senior Engineer', 'Lead Engineer']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import scipy.sparse as sp

from .errors import InvalidParameter
from .overlap import jaccard_matrix
from .projection.features import skill_blocks

__all__ = ["DEFAULT_WEIGHTS", "MODELS", "MOVE_WEIGHTS", "NEIGHBOURS", "TIER_WEIGHTS", "MoveModel", "SimilarityModel",
           "default_model", "normalize_rows", "similar", "top_roles"]

#: Weight of each content block by name; 0 switches a block off, and a feature block not listed weighs 1.0.
#: Balanced, set on half A of O*NET's related occupations and of their ESCO
#: mapping: searches on half A put the most weight on text, which is what that
#: list is built from, and double the loss without it, so they were measured
#: and not taken (``python bench/bench_evaluate.py --search``; ``docs/similarity.md``).
DEFAULT_WEIGHTS: dict[str, float] = {
    "skills": 1.0,        # non-technology skill links (O*NET: importance of the 35 rated skills)
    "essential": 0.5,     # 0/1 essential links
    "optional": 0.5,      # 0/1 optional links
    "coverage": 0.0,      # share of the destination's essential skills held (asymmetric; measured, off)
    "ratings": 1.0,       # centred skill importance and level profile
    "technology": 0.5,    # IDF-weighted technology products
    "hierarchy": 1.0,     # classification groups above the role (SOC, ISCO)
    "text": 1.0,          # TF-IDF of title (once) and description
    "crosswalk": 0.5,     # ISCO groups of the ESCO occupations mapped onto an O*NET one (smallest worst drop, half A)
    "clusters": 0.5,      # Nesta's skills-based sub-sector and sector of an ESCO occupation (ESCO half A, docs)
}

#: Weight of each part of :class:`MoveModel` (see the module notes).
MOVE_WEIGHTS: dict[str, float] = {"content": 1.0, "neighbours": 1.0, "known": 0.3, "job_zone": 0.1, "ladder": 0.3}

#: The model variants :class:`MoveModel` (and ``careergraph evaluate --model``) know.
MODELS = ("content", "moves", "hybrid")

#: How many most similar roles (of the same dataset, with known moves) lend their moves (best on half A of 3-20).
NEIGHBOURS = 5

#: Weight of a known move by relatedness tier (lower-cased); other moves count 1.
TIER_WEIGHTS: dict[str, float] = {"primary-short": 1.0, "primary-long": 2 / 3, "supplemental": 1 / 3}

#: Move kinds that count in both directions (a promotion read backwards is a step down).
_BOTH_WAYS = frozenset({"lateral"})

_SKILL_BLOCKS = ("skills", "essential", "optional", "coverage")


def normalize_rows(m: sp.spmatrix) -> sp.csr_matrix:
    """Return a CSR copy of ``m`` with every non-zero row scaled to unit L2 norm.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> normalize_rows(sp.csr_matrix([[3.0, 4.0], [0.0, 0.0]])).toarray().round(6).tolist()
    [[0.6, 0.8], [0.0, 0.0]]
    """
    m = sp.csr_matrix(m, dtype=np.float64, copy=True)
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    return sp.csr_matrix(sp.diags(scale) @ m)


def _check_top(top) -> None:
    if not isinstance(top, (int, np.integer)) or isinstance(top, bool) or top < 1:
        raise InvalidParameter(f"--top must be a whole number >= 1, got {top!r}")


def _check_weights(weights: Mapping[str, float], what: str) -> dict[str, float]:
    out = dict(weights)
    for name, w in out.items():
        if not isinstance(w, (int, float, np.floating)) or not np.isfinite(w) or w < 0:
            raise InvalidParameter(f"Weight of {what} {name!r} must be a number >= 0, got {w!r}")
    return out


class SimilarityModel:
    """Weighted per-block cosine similarity between roles: the content part of :class:`MoveModel`.

    Parameters
    ----------
    weights : dict, optional
        Block name -> weight. Defaults to a copy of :data:`DEFAULT_WEIGHTS`,
        under which a block it does not name (a new feature block) weighs
        1.0; given weights name every block used (the others weigh 0).

    Attributes
    ----------
    projection : Projection
        Set by :meth:`fit`.
    blocks : dict
        Block name -> ``(left, right)`` CSR matrices (roles × n), weight > 0
        only: the block's score of roles *i*, *j* is ``left[i] · right[j]``
        (both the row-normalised block for a cosine; held skills and the
        scaled essential links for ``coverage``).
    present : dict
        Block name -> ``(left, right)`` bool arrays (roles,): the role has a
        non-zero row on that side.

    Examples
    --------
    >>> from careergraph.examples import toy_graph
    >>> from careergraph.projection import project
    >>> m = SimilarityModel({"skills": 1.0}).fit(project(toy_graph()))
    >>> m.all_pairs().shape
    (7, 7)
    """

    def __init__(self, weights: Mapping[str, float] | None = None):
        self.weights: dict[str, float] = _check_weights(DEFAULT_WEIGHTS if weights is None else weights, "block")
        self.unnamed = 1.0 if weights is None else 0.0
        self.projection = None
        self._right_t: dict[str, sp.csr_matrix] = {}
        self.blocks: dict[str, tuple[sp.csr_matrix, sp.csr_matrix]] = {}
        self.present: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def __repr__(self) -> str:
        return f"SimilarityModel(weights={self.weights!r})"

    def weight(self, block: str) -> float:
        """Weight of one block (for a block ``weights`` do not name: 1.0 under the defaults, else 0)."""
        return float(self.weights.get(block, self.unnamed))

    def fit(self, projection) -> SimilarityModel:
        """Build and normalise every block of a projection; returns ``self``.

        Parameters
        ----------
        projection : Projection

        Returns
        -------
        SimilarityModel

        Raises
        ------
        InvalidParameter
            A feature block does not have one row per role.
        """
        self.projection = projection
        n = len(projection.roles)
        tech = np.array([projection.is_technology(j) for j in range(len(projection.skills))], dtype=bool)
        derived = skill_blocks(projection.role_skill, projection.essential, tech)
        blocks = {**{k: derived[k] for k in _SKILL_BLOCKS if k != "coverage"}, **dict(projection.features)}
        self.blocks, self.present, self._right_t = {}, {}, {}
        for name, m in blocks.items():
            if self.weight(name) <= 0:
                continue
            if m.shape[0] != n:
                raise InvalidParameter(f"Feature block {name!r} has {m.shape[0]} rows; the projection has {n} roles")
            x = normalize_rows(m)
            p = np.diff(x.indptr) > 0
            self.blocks[name] = (x, x)
            self.present[name] = (p, p)
            self._right_t[name] = sp.csr_matrix(x.T)
        if self.weight("coverage") > 0:
            held = sp.csr_matrix(derived["skills"], copy=True)
            held.data[:] = 1.0
            cover = derived["coverage"]
            self.blocks["coverage"] = (held, cover)
            self.present["coverage"] = (np.diff(held.indptr) > 0, np.diff(cover.indptr) > 0)
            self._right_t["coverage"] = sp.csr_matrix(cover.T)
        return self

    def _need_fit(self):
        if self.projection is None:
            raise InvalidParameter("SimilarityModel is not fitted; call .fit(projection) first")
        return self.projection

    def _index(self, role) -> int:
        return self._need_fit().row(role)

    def block_rows(self, idx, cols=None) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Each block's ``(score, present)`` of roles ``idx`` (rows) against roles ``cols`` (all by default), dense.

        The evaluation combines them under many weightings without
        recomputing them; :meth:`combine` is the one combination.
        """
        self._need_fit()
        rows = np.asarray(idx, dtype=np.int64)
        out = {}
        for name, (left, right) in self.blocks.items():
            pl, pr = self.present[name]
            if cols is None:
                score = (left[rows] @ self._right_t[name]).toarray()
            else:
                score = (left[rows] @ right[np.asarray(cols, dtype=np.int64)].T).toarray()
            out[name] = (score, np.outer(pl[rows], pr if cols is None else pr[cols]))
        return out

    def combine(self, parts: Mapping[str, tuple[np.ndarray, np.ndarray]], rows=None,
                weights: Mapping[str, float] | None = None) -> np.ndarray:
        """The weighted mean over present blocks of :meth:`block_rows` output.

        ``rows`` (the row indices) sets each role's score with itself to 1;
        ``weights`` overrides the model's (blocks it does not name drop out).
        """
        w_of = (lambda b: float(weights.get(b, 0.0))) if weights is not None else self.weight
        num = den = None
        for name, (score, present) in parts.items():
            w = w_of(name)
            if w <= 0:
                continue
            num = w * score if num is None else num + w * score
            den = w * present if den is None else den + w * present
        if num is None:
            shape = next(iter(parts.values()))[0].shape if parts else (0, 0)
            return np.zeros(shape)
        out = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
        if rows is not None:
            k = np.arange(len(rows))
            out[k, rows] = np.where(den[k, rows] > 0, 1.0, 0.0)  # exact 1 with itself (no rounding noise)
        return out

    def _rows(self, idx: np.ndarray | None) -> np.ndarray:
        """Combined similarity of roles ``idx`` (rows) against all roles (dense)."""
        proj = self._need_fit()
        rows = np.arange(len(proj.roles)) if idx is None else np.asarray(idx, dtype=np.int64)
        return self.combine(self.block_rows(rows), rows)

    def all_pairs(self, roles: Iterable[str] | None = None) -> np.ndarray:
        """Combined similarity of every pair, as a dense array.

        Parameters
        ----------
        roles : iterable of str, optional
            Role IRIs (rows and columns in this order); all roles by default.

        Returns
        -------
        numpy.ndarray
            Values in ``[0, 1]`` for non-negative features, symmetric unless
            the asymmetric ``coverage`` block is on; the diagonal is 1 for
            roles with at least one present block.

        Raises
        ------
        RoleNotFound
            A role IRI is not in the projection.

        Examples
        --------
        >>> from careergraph.examples import toy_graph
        >>> from careergraph.projection import project
        >>> p = project(toy_graph())
        >>> s = SimilarityModel().fit(p).all_pairs(p.roles[:2])
        >>> bool(abs(s[0, 1] - s[1, 0]) < 1e-12), float(s[0, 0])
        (True, 1.0)
        """
        if roles is None:
            return self._rows(None)
        idx = np.array([self._index(r) for r in roles], dtype=np.int64)
        return self._rows(idx)[:, idx] if len(idx) else np.zeros((0, 0))

    def scores(self, role: str) -> np.ndarray:
        """Similarity of one role to every role (array over ``projection.roles``)."""
        return self._rows(np.array([self._index(role)]))[0]

    def similar(self, role_iri: str, top: int = 10, candidates: Iterable[str] | None = None) -> list[tuple[str, float]]:
        """The roles most similar to one role.

        Parameters
        ----------
        role_iri : str
            A role IRI of the projection.
        top : int, default 10
            How many to return (must be >= 1).
        candidates : iterable of str, optional
            Only rank these role IRIs (the role itself is always left out).

        Returns
        -------
        list of (str, float)
            ``(role IRI, score)``, best first, scores > 0 only; ties by label.

        Raises
        ------
        InvalidParameter
            ``top`` < 1.
        RoleNotFound
            The role is not in the projection.

        Examples
        --------
        >>> from careergraph.examples import toy_graph
        >>> from careergraph.projection import project
        >>> p = project(toy_graph())
        >>> m = SimilarityModel().fit(p)
        >>> lead = "https://w3id.org/careergraph/id/role/lead"
        >>> [p.role_labels[r] for r, _ in m.similar(lead, top=1)]
        ['Solutions Architect']
        """
        _check_top(top)
        proj = self._need_fit()
        return top_roles(proj, self._index(role_iri), self.scores(role_iri), top, candidates)

    def score_vector(self, skill_weights) -> np.ndarray:
        """Similarity of a skill profile to every role, over the blocks a skill set has.

        The profile is compared like a role: on ``skills`` (its non-technology
        skills), ``essential`` and ``optional`` (cosine of the 0/1 set with
        each level's links) and ``coverage``, with the model's weights, over
        the blocks present for the role. A profile has no ratings, technology
        profile, hierarchy or text.

        Parameters
        ----------
        skill_weights : array-like or sparse, shape (n_skills,)
            Weight of each skill of ``projection.skills`` (1 for held skills).

        Returns
        -------
        numpy.ndarray
            One score in ``[0, 1]`` per role of ``projection.roles``.

        Examples
        --------
        >>> import numpy as np
        >>> from careergraph.examples import toy_graph
        >>> from careergraph.projection import project
        >>> p = project(toy_graph())
        >>> v = np.zeros(len(p.skills)); v[p.skill_index["https://w3id.org/careergraph/id/skill/sql"]] = 1
        >>> p.role_labels[p.roles[int(np.argmax(SimilarityModel().fit(p).score_vector(v)))]]
        'Data Analyst'
        """
        proj = self._need_fit()
        v = np.asarray(skill_weights.toarray() if sp.issparse(skill_weights) else skill_weights,
                       dtype=np.float64).ravel()
        if v.shape[0] != len(proj.skills):
            raise InvalidParameter(f"skill_weights has {v.shape[0]} entries; the projection has {len(proj.skills)} skills")
        tech = np.array([proj.is_technology(j) for j in range(len(proj.skills))], dtype=bool)
        held = (v > 0).astype(np.float64)
        profiles = {"skills": np.where(tech, 0.0, v), "essential": held, "optional": held,
                    "coverage": np.where(tech, 0.0, held)}
        num = np.zeros(len(proj.roles))
        den = np.zeros(len(proj.roles))
        for name, vec in profiles.items():
            if name not in self.blocks:
                continue
            norm = np.linalg.norm(vec)
            if norm == 0:
                continue
            right = self.blocks[name][1]
            w = self.weight(name)
            num += w * np.asarray(right @ (vec if name == "coverage" else vec / norm)).ravel()
            den += w * self.present[name][1]
        return np.divide(num, den, out=np.zeros_like(num), where=den > 0)


def top_roles(proj, i: int, scores: np.ndarray, top: int, candidates: Iterable[str] | None = None,
              exclude: Iterable[int] = ()) -> list[tuple[str, float]]:
    """The ``top`` roles by ``scores`` (one per role of ``proj``), leaving out row ``i`` and rows ``exclude``.

    ``candidates`` (role IRIs) limits the roles ranked; only scores > 0
    count; ties go by label. The one ranking rule of every model.

    Examples
    --------
    >>> from careergraph.examples import toy_graph
    >>> from careergraph.projection import project
    >>> import numpy as np
    >>> p = project(toy_graph())
    >>> [p.role_labels[r] for r, _ in top_roles(p, 0, np.arange(len(p.roles), dtype=float), 2)]
    ['Senior Engineer', 'Researcher']
    """
    s = np.array(scores, dtype=np.float64)
    if candidates is not None:
        mask = np.zeros(len(s), dtype=bool)
        mask[[proj.row(c) for c in candidates]] = True
        s = np.where(mask, s, 0.0)
    s[i] = 0.0
    for j in exclude:
        s[j] = 0.0
    order = np.flatnonzero(s > 1e-12)
    if len(order) > top:  # keep every role tied with the top-th before sorting by label
        r = np.round(s[order], 12)
        cut = np.partition(r, len(r) - top)[len(r) - top]
        order = order[r >= cut]
    ranked = sorted(order.tolist(), key=lambda k: (-round(float(s[k]), 12), proj.role_labels[proj.roles[k]]))
    return [(proj.roles[k], float(s[k])) for k in ranked[:top]]


class MoveModel:
    """How promising a move from one role to another is: content, known moves and direction.

    Parameters
    ----------
    kind : {"hybrid", "content", "moves"}, default "hybrid"
        Which parts count (see the module notes).
    weights : dict, optional
        Part name (``content``, ``neighbours``, ``known``, ``job_zone``, ``ladder``) ->
        weight; defaults to :data:`MOVE_WEIGHTS`, parts not named keep theirs.
    content : SimilarityModel or dict, optional
        The content model or its block weights (default :data:`DEFAULT_WEIGHTS`).
    neighbours : int, default :data:`NEIGHBOURS`
        Similar roles whose moves count.
    hide : iterable of str, optional
        Sources of moves to leave out entirely (values of the ``source``
        edge attribute): the model then knows nothing they state.

    Attributes
    ----------
    projection : Projection
    content : SimilarityModel
    known : scipy.sparse.csr_matrix
        Roles × roles, the weight of each visible known move (lateral moves
        both ways); ``known_source`` holds each entry's source id (an index
        of ``sources``; the strongest move of a pair wins).
    sources : list of str
        Source of each id of ``known_source``.
    forward : scipy.sparse.csr_matrix
        The visible moves in their stated direction only (what neighbours lend).
    twins : list of numpy.ndarray
        Per role, the rows of the same role in other sources (``same-as``).
    job_zone : numpy.ndarray
        Per role, its Job Zone or NaN.

    Examples
    --------
    >>> from careergraph.examples import toy_graph
    >>> from careergraph.projection import project
    >>> p = project(toy_graph())
    >>> m = MoveModel().fit(p)
    >>> senior = "https://w3id.org/careergraph/id/role/senior"
    >>> top = m.similar(senior, top=1)[0]
    >>> p.role_labels[top[0]], sorted(m.parts(senior))
    ('Lead Engineer', ['content', 'has_neighbours', 'job_zone', 'known', 'ladder', 'neighbours'])
    """

    def __init__(self, kind: str = "hybrid", weights: Mapping[str, float] | None = None,
                 content: SimilarityModel | Mapping[str, float] | None = None, neighbours: int = NEIGHBOURS,
                 hide: Iterable[str] = ()):
        if kind not in MODELS:
            raise InvalidParameter(f"Unknown model {kind!r}; use one of: {', '.join(MODELS)}")
        if not isinstance(neighbours, (int, np.integer)) or isinstance(neighbours, bool) or neighbours < 1:
            raise InvalidParameter(f"neighbours must be a whole number >= 1, got {neighbours!r}")
        self.kind = kind
        self.weights = {**MOVE_WEIGHTS, **_check_weights(weights or {}, "part")}
        unknown = sorted(set(self.weights) - set(MOVE_WEIGHTS))
        if unknown:
            raise InvalidParameter(f"Unknown part(s) {', '.join(map(repr, unknown))}; the parts are "
                                   f"{', '.join(MOVE_WEIGHTS)}")
        self.content = content if isinstance(content, SimilarityModel) else SimilarityModel(content)
        self.n_neighbours = int(neighbours)
        self.hide = frozenset(str(h) for h in hide)
        self.projection = None

    def __repr__(self) -> str:
        return f"MoveModel({self.kind!r}, weights={self.weights!r}, content={self.content!r})"

    def weight(self, part: str) -> float:
        """Weight of one part; 0 for parts the model's ``kind`` leaves out."""
        keep = {"content": ("content",), "moves": ("neighbours", "known"),
                "hybrid": tuple(MOVE_WEIGHTS)}[self.kind]
        return float(self.weights[part]) if part in keep else 0.0

    # -- fitting --------------------------------------------------------------
    def fit(self, projection) -> MoveModel:
        """Fit the content model and read the visible moves, twins and job zones; returns ``self``."""
        self.projection = projection
        if self.content.projection is not projection:
            self.content.fit(projection)
        n = len(projection.roles)
        idx = projection.role_index
        twins: list[list[int]] = [[] for _ in range(n)]
        best: dict[tuple[int, int], tuple[float, str]] = {}
        forward: dict[tuple[int, int], float] = {}
        for u, v, d in projection.transitions.edges(data=True):
            i, j = idx.get(u), idx.get(v)
            if i is None or j is None or i == j:
                continue
            if d.get("kind") == "same-as":
                twins[i].append(j)
                continue
            src = "" if d.get("source") is None else str(d["source"])
            if src in self.hide:
                continue
            w = TIER_WEIGHTS.get(str(d.get("tier") or "").lower(), 1.0)
            forward[(i, j)] = max(w, forward.get((i, j), 0.0))
            for a, b in ((i, j), (j, i)) if d.get("kind") in _BOTH_WAYS else ((i, j),):
                old = best.get((a, b))
                if old is None or w > old[0]:
                    best[(a, b)] = (w, src)
        self.sources = sorted({s for _, s in best.values()})
        sid = {s: k for k, s in enumerate(self.sources)}
        if best:
            ab = np.array(list(best), dtype=np.int64)
            w = np.array([x[0] for x in best.values()])
            s = np.array([sid[x[1]] for x in best.values()], dtype=np.int64)
        else:
            ab, w, s = np.zeros((0, 2), dtype=np.int64), np.zeros(0), np.zeros(0, dtype=np.int64)
        self.known = sp.csr_matrix((w, (ab[:, 0], ab[:, 1])), shape=(n, n))
        self.known_source = sp.csr_matrix((s + 1, (ab[:, 0], ab[:, 1])), shape=(n, n))  # +1: 0 is "no move"
        self.known.sort_indices()
        self.known_source.sort_indices()
        fw = np.array(list(forward), dtype=np.int64).reshape(-1, 2)
        self.forward = sp.csr_matrix((np.array(list(forward.values())), (fw[:, 0], fw[:, 1])), shape=(n, n))
        self.twins = [np.array(sorted(set(t)), dtype=np.int64) for t in twins]
        self.movers = np.diff(self.forward.indptr) > 0
        ds = [projection.role_datasets.get(r) for r in projection.roles]
        self.dataset_codes = np.array([hash(x) for x in ds], dtype=np.int64)
        jz = np.full(n, np.nan)
        for role, lv in projection.levels.items():
            if role in idx and lv.get("job_zone") is not None:
                jz[idx[role]] = float(lv["job_zone"])
        self.job_zone = jz
        attrs = projection.transitions.nodes
        tracks = [attrs[r].get("track") if r in attrs else None for r in projection.roles]
        self.track_codes = np.array([hash(t) if t is not None else 0 for t in tracks], dtype=np.int64)
        lv = np.full(n, np.nan)
        for k, r in enumerate(projection.roles):
            x = attrs[r].get("level") if r in attrs else None
            try:
                lv[k] = float(x) if x is not None and tracks[k] is not None else np.nan
            except (TypeError, ValueError):
                pass
        self.track_level = lv
        return self

    def _need_fit(self):
        if self.projection is None:
            raise InvalidParameter("MoveModel is not fitted; call .fit(projection) first")
        return self.projection

    # -- the parts ------------------------------------------------------------
    def known_rows(self, rows, hidden: Mapping[int, frozenset] | None = None) -> np.ndarray:
        """``known`` part of roles ``rows`` (dense): their own known moves and their twins'.

        ``hidden`` maps a row index to source ids (of :attr:`sources`) whose
        moves from, to or through that role (and its twins) do not count —
        the evaluation hides the truth file's own moves so.
        """
        rows = np.asarray(rows, dtype=np.int64)
        n = len(self._need_fit().roles)
        out = np.zeros((len(rows), n))
        kt = self.known
        ks = self.known_source
        for r, i in enumerate(rows.tolist()):
            hid = hidden.get(i, frozenset()) if hidden else frozenset()
            for u in (i, *self.twins[i].tolist()):
                lo, hi = kt.indptr[u], kt.indptr[u + 1]
                cols, vals = kt.indices[lo:hi], kt.data[lo:hi]
                if hid:
                    keep = ~np.isin(ks.data[lo:hi] - 1, list(hid))
                    cols, vals = cols[keep], vals[keep]
                np.maximum.at(out[r], cols, vals)
        return out

    def neighbour_rows(self, rows, blocks, cols=None,
                       weights: Mapping[str, float] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``neighbours`` part of roles ``rows`` given their block rows (over ``cols``); also whether each had neighbours.

        ``blocks`` is :meth:`SimilarityModel.block_rows` output and
        ``weights`` overrides the content model's block weights, as in
        :meth:`SimilarityModel.combine`. The moves of the neighbours
        (:meth:`neighbour_weights`), in the direction stated
        (:attr:`forward`), count by their lending weight. With ``cols``, only
        those roles lend moves and only moves to them are scored.
        """
        n = len(self._need_fit().roles)
        cols = np.arange(n) if cols is None else np.asarray(cols, dtype=np.int64)
        w = self.neighbour_weights(rows, blocks, cols, weights)
        fw = self.forward if len(cols) == n and (cols == np.arange(n)).all() else self.forward[cols][:, cols]
        return (sp.csr_matrix(w) @ fw).toarray(), w.sum(axis=1) > 0

    def neighbour_views(self, blocks, weights: Mapping[str, float] | None = None
                        ) -> list[tuple[np.ndarray | None, dict[str, float]]]:
        """The views the neighbours are chosen in: ``(rows that use it, block weights)``, every block in use left out once.

        A role's views leave out only the blocks it has (leaving out one it
        lacks gives the content itself, which would then count twice); a role
        with at most one of the blocks in use, and every role when at most one
        block is in use, has the content itself as its one view (rows
        ``None``: every row).
        """
        w = {b: float(weights.get(b, 0.0)) if weights is not None else self.content.weight(b) for b in blocks}
        used = [b for b, x in w.items() if x > 0]
        if len(used) <= 1:
            return [(None, w)]
        has = {b: np.asarray(blocks[b][1].any(axis=1)).ravel() for b in used}
        several = sum(has[b].astype(np.int64) for b in used) > 1
        views = [(has[b] & several, {**w, b: 0.0}) for b in used] + [(~several, w)]
        return [(rows, view) for rows, view in views if rows.any()]

    def neighbour_weights(self, rows, blocks, cols=None, weights: Mapping[str, float] | None = None) -> np.ndarray:
        """The lending weight of each neighbour (columns ``cols``) of roles ``rows``; a row sums to 1, or 0 without neighbours.

        The neighbours are chosen in several views of the content
        (:meth:`neighbour_views`): in each, the :attr:`n_neighbours` most
        similar roles (content > 0) of the same dataset that have visible
        moves, never the role itself or its twins, lend in proportion to
        their similarity there; the views with neighbours count alike. So no
        single block decides alone who lends.
        """
        rows = np.asarray(rows, dtype=np.int64)
        n = len(self._need_fit().roles)
        cols = np.arange(n) if cols is None else np.asarray(cols, dtype=np.int64)
        total = np.zeros((len(rows), len(cols)))
        views = np.zeros(len(rows))
        for apply, view in self.neighbour_views(blocks, weights):
            c = self._lenders(rows, self.content.combine(blocks, weights=view), cols)
            if apply is not None:
                c[~apply] = 0.0
            s = c.sum(axis=1)
            total += np.divide(c, s[:, None], out=np.zeros_like(c), where=s[:, None] > 0)
            views += s > 0
        return np.divide(total, views[:, None], out=total, where=views[:, None] > 0)

    def _lenders(self, rows: np.ndarray, content: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Content scores of the :attr:`n_neighbours` best lenders of each row (columns ``cols``), 0 elsewhere."""
        n = len(self.projection.roles)
        c = np.array(content, dtype=np.float64)
        same = self.dataset_codes[rows][:, None] == self.dataset_codes[cols][None, :]
        c = np.where(same & self.movers[cols][None, :] & (c > 0), c, 0.0)
        where = np.full(n, -1, dtype=np.int64)
        where[cols] = np.arange(len(cols))
        for r, i in enumerate(rows.tolist()):
            own = where[np.concatenate(([i], self.twins[i]))]
            c[r, own[own >= 0]] = 0.0
        m = self.n_neighbours
        if c.shape[1] > m:
            cut = np.argpartition(-c, m - 1, axis=1)[:, m:]
            np.put_along_axis(c, cut, 0.0, axis=1)
        return c

    def job_zone_rows(self, rows, cols=None) -> np.ndarray:
        """``job_zone`` part: ``max(0, |Δ job zone| - 1)`` where both roles have one, else 0."""
        rows = np.asarray(rows, dtype=np.int64)
        to = self.job_zone if cols is None else self.job_zone[np.asarray(cols, dtype=np.int64)]
        d = np.abs(self.job_zone[rows][:, None] - to[None, :])
        return np.where(np.isfinite(d), np.maximum(d - 1.0, 0.0), 0.0)

    def ladder_rows(self, rows, cols=None) -> np.ndarray:
        """``ladder`` part: 1 for a move to a lower rung of the same career track, else 0."""
        rows = np.asarray(rows, dtype=np.int64)
        cols = np.arange(len(self.track_level)) if cols is None else np.asarray(cols, dtype=np.int64)
        same = (self.track_codes[rows][:, None] == self.track_codes[cols][None, :]) & (self.track_codes[rows][:, None] != 0)
        lower = self.track_level[cols][None, :] < self.track_level[rows][:, None]
        return (same & lower).astype(np.float64)

    def part_rows(self, rows, hidden: Mapping[int, frozenset] | None = None, cols=None,
                  blocks=None, weights: Mapping[str, float] | None = None) -> dict[str, np.ndarray]:
        """Every part of roles ``rows`` against roles ``cols`` (all by default).

        Returns ``content``, ``neighbours``, ``has_neighbours``, ``known``,
        ``job_zone`` and ``ladder``; ``blocks`` (:meth:`SimilarityModel.block_rows`
        of ``rows`` over ``cols``) may be given when they are computed
        already, and ``weights`` override the block weights (a search
        re-weights them); ``hidden`` as :meth:`known_rows`.
        """
        rows = np.asarray(rows, dtype=np.int64)
        if blocks is None:
            blocks = self.content.block_rows(rows, cols)
        content = self.content.combine(blocks, rows if cols is None else None, weights=weights)
        nb, has = self.neighbour_rows(rows, blocks, cols, weights)
        kn = self.known_rows(rows, hidden)
        return {"content": content, "neighbours": nb, "has_neighbours": has,
                "known": kn if cols is None else kn[:, np.asarray(cols, dtype=np.int64)],
                "job_zone": self.job_zone_rows(rows, cols), "ladder": self.ladder_rows(rows, cols)}

    def combine(self, parts: Mapping[str, np.ndarray], weights: Mapping[str, float] | None = None) -> np.ndarray:
        """The score from :meth:`part_rows` output (``weights`` override the model's, for searches)."""
        w = {p: (float(weights[p]) if weights is not None and p in weights else self.weight(p)) for p in MOVE_WEIGHTS}
        wc, wn = w["content"], w["neighbours"]
        has = np.asarray(parts["has_neighbours"], dtype=np.float64)[:, None]
        den = wc + wn * has
        base = np.divide(wc * parts["content"] + wn * parts["neighbours"], den,
                         out=np.zeros_like(parts["content"]), where=den > 0)
        return (base + w["known"] * parts["known"] - w["job_zone"] * parts["job_zone"]
                - w["ladder"] * parts["ladder"])

    def _rows(self, idx) -> np.ndarray:
        return self.combine(self.part_rows(idx))

    def score_rows(self, rows) -> np.ndarray:
        """Scores of moves from roles ``rows`` (row indices) to every role: an array ``len(rows) × n``."""
        self._need_fit()
        return self._rows(np.asarray(rows, dtype=np.int64))

    # -- the same interface as SimilarityModel -------------------------------
    def parts(self, role: str) -> dict[str, np.ndarray]:
        """Every part of one role against every role (arrays over ``projection.roles``)."""
        p = self.part_rows(np.array([self._need_fit().row(role)]))
        return {k: v[0] for k, v in p.items()}

    def scores(self, role: str) -> np.ndarray:
        """Score of a move from one role to every role (array over ``projection.roles``)."""
        return self._rows(np.array([self._need_fit().row(role)]))[0]

    def all_pairs(self, roles: Iterable[str] | None = None) -> np.ndarray:
        """Scores of every ordered pair (rows: from, columns: to), as a dense array."""
        proj = self._need_fit()
        if roles is None:
            return self._rows(np.arange(len(proj.roles)))
        idx = np.array([proj.row(r) for r in roles], dtype=np.int64)
        return self._rows(idx)[:, idx] if len(idx) else np.zeros((0, 0))

    def similar(self, role_iri: str, top: int = 10, candidates: Iterable[str] | None = None) -> list[tuple[str, float]]:
        """The most promising moves from one role: ``(role IRI, score)``, best first, scores > 0.

        The role itself and its twins (the same role in other sources) are
        left out; ``candidates`` limits the roles ranked. Raises as
        :meth:`SimilarityModel.similar`.
        """
        _check_top(top)
        proj = self._need_fit()
        i = proj.row(role_iri)
        return top_roles(proj, i, self.scores(role_iri), top, candidates, exclude=self.twins[i].tolist())

    def score_vector(self, skill_weights) -> np.ndarray:
        """Score of a skill profile against every role: the content part (a profile has no moves)."""
        self._need_fit()
        return self.content.score_vector(skill_weights)


def _fit_default(proj) -> MoveModel:
    return MoveModel().fit(proj)


def default_model(proj) -> MoveModel:
    """The one model ``similar``, ``recommend``, ``next`` and ``path`` use, fitted once per projection.

    Examples
    --------
    >>> from careergraph.examples import toy_graph
    >>> from careergraph.projection import project
    >>> p = project(toy_graph())
    >>> default_model(p) is default_model(p), default_model(p).kind
    (True, 'hybrid')
    """
    return proj.derived(_fit_default)


def similar(proj, role: str, top: int = 10, model: MoveModel | SimilarityModel | None = None) -> list[dict[str, Any]]:
    """Roles most similar to one role, by the one model.

    Parameters
    ----------
    proj : Projection
    role : str
        Role IRI.
    top : int, default 10
        How many (>= 1).
    model : MoveModel or SimilarityModel, optional
        Scoring model; by default :func:`default_model`.

    Returns
    -------
    list of dict
        ``{"role", "iri", "score", "jaccard", "shared"}`` best first; ``score``
        is the model's, ``jaccard`` the plain skill Jaccard, ``shared`` the
        number of shared skills.

    Raises
    ------
    InvalidParameter
        ``top`` < 1.
    RoleNotFound
        The IRI is not a role of the projection.

    Examples
    --------
    >>> from careergraph.examples import toy_graph
    >>> from careergraph.projection import project
    >>> p = project(toy_graph())
    >>> [r["role"] for r in similar(p, "https://w3id.org/careergraph/id/role/analyst", top=2)]
    ['Junior Engineer', 'Senior Engineer']
    """
    role = proj.role(role)
    if model is None:
        model = default_model(proj)
    elif model.projection is not proj:
        model.fit(proj)
    ranked = model.similar(role, top=top)
    i = proj.row(role)
    others = [proj.role_index[r] for r, _ in ranked]
    jac = jaccard_matrix(proj.binary(), [i], others)[0] if others else []
    sa = proj.skill_set(role)
    return [{"role": proj.role_labels[r], "iri": r, "score": s, "jaccard": float(j),
             "shared": len(sa & proj.skill_set(r))} for (r, s), j in zip(ranked, jac)]
