"""Role similarity: weighted cosine similarity over blocks of role features.

A *block* is a roles × n sparse matrix: ``"skills"`` is
:attr:`Projection.role_skill`, and every entry of :attr:`Projection.features`
(added by ``careergraph.features.add_features``) is another block. Each row is
L2-normalised, so the cosine of two roles in one block is one entry of
``X @ X.T`` (a sparse product; all pairs are never looped over in Python).

Combining blocks: a block is *present* for a role when the role's row is not
all zeros. The score of roles *i* and *j* is

.. math:: s_{ij} = \\frac{\\sum_b w_b \\, p_{bi} p_{bj} \\cos_b(i, j)}{\\sum_b w_b \\, p_{bi} p_{bj}}

the weighted mean over the blocks present for **both** roles (0 when no
block is). So an ESCO role without O*NET features is compared on skills alone,
not penalised for the missing block. Weights come from :data:`DEFAULT_WEIGHTS`
(or the ``weights`` argument); a block not named there weighs 1.0, and a
weight of 0 switches a block off.

Examples
--------
>>> from careergraph.examples import toy_graph
>>> from careergraph.projection import project
>>> proj = project(toy_graph())
>>> model = SimilarityModel().fit(proj)
>>> junior = "https://w3id.org/careergraph/id/role/junior"
>>> [(proj.role_labels[r], round(s, 2)) for r, s in model.similar(junior, top=2)]
[('Senior Engineer', 0.83), ('senior software engineer', 0.71)]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import scipy.sparse as sp

from .errors import InvalidParameter
from .overlap import jaccard_matrix

__all__ = ["DEFAULT_WEIGHTS", "SimilarityModel", "default_model", "normalize_rows", "similar"]

#: Weight of each feature block by name; blocks not listed weigh 1.0.
#: Chosen by a coordinate search on precision@10 against half of O*NET's
#: related occupations (primary tiers) and checked on the other half:
#: P@10 0.429 on the search half, 0.414 held out, vs 0.208 for skill
#: importance alone (``python bench/bench_evaluate.py``; blocks and what
#: each adds: ``docs/similarity.md``). Only ratios matter (a weighted mean),
#: and only between roles sharing several blocks: a pair of roles with the
#: skills block alone (ESCO, the seed) scores its skill cosine whatever its weight.
DEFAULT_WEIGHTS: dict[str, float] = {
    "skills": 0.25,       # role_skill: rated skills plus technology product links
    "ratings": 0.25,      # centred skill importance and level profile
    "technology": 0.125,  # IDF-weighted technology skills
    "hierarchy": 0.125,   # SOC broad / minor / major group one-hots
    "text": 1.0,          # TF-IDF of title and description
}


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


class SimilarityModel:
    """Weighted per-block cosine similarity between roles.

    Parameters
    ----------
    weights : dict, optional
        Block name -> weight. Defaults to a copy of :data:`DEFAULT_WEIGHTS`;
        blocks not named weigh 1.0.

    Attributes
    ----------
    projection : Projection
        Set by :meth:`fit`.
    blocks : dict
        Block name -> row-normalised CSR matrix (roles × n), weight > 0 only.
    present : dict
        Block name -> bool array (roles,): the role has a non-zero row.

    Examples
    --------
    >>> from careergraph.examples import toy_graph
    >>> from careergraph.projection import project
    >>> m = SimilarityModel({"skills": 1.0}).fit(project(toy_graph()))
    >>> m.all_pairs().shape
    (7, 7)
    """

    def __init__(self, weights: Mapping[str, float] | None = None):
        self.weights: dict[str, float] = dict(DEFAULT_WEIGHTS if weights is None else weights)
        for name, w in self.weights.items():
            if not np.isfinite(w) or w < 0:
                raise InvalidParameter(f"Weight of block {name!r} must be a number >= 0, got {w!r}")
        self.projection = None
        self.blocks: dict[str, sp.csr_matrix] = {}
        self.present: dict[str, np.ndarray] = {}

    def __repr__(self) -> str:
        return f"SimilarityModel(weights={self.weights!r})"

    def weight(self, block: str) -> float:
        """Weight of one block (1.0 when not named in ``weights``)."""
        return float(self.weights.get(block, 1.0))

    def fit(self, projection) -> SimilarityModel:
        """Normalise every block of a projection; returns ``self``.

        Parameters
        ----------
        projection : Projection

        Returns
        -------
        SimilarityModel
        """
        self.projection = projection
        blocks = {"skills": projection.role_skill, **dict(projection.features)}
        self.blocks, self.present = {}, {}
        n = len(projection.roles)
        for name, m in blocks.items():
            if self.weight(name) <= 0:
                continue
            if m.shape[0] != n:
                raise InvalidParameter(f"Feature block {name!r} has {m.shape[0]} rows; the projection has {n} roles")
            x = normalize_rows(m)
            self.blocks[name] = x
            self.present[name] = np.diff(x.indptr) > 0
        return self

    def _need_fit(self):
        if self.projection is None:
            raise InvalidParameter("SimilarityModel is not fitted; call .fit(projection) first")
        return self.projection

    def _index(self, role) -> int:
        return self._need_fit().row(role)

    def _rows(self, idx: np.ndarray | None) -> np.ndarray:
        """Combined similarity of roles ``idx`` (rows) against all roles (dense)."""
        proj = self._need_fit()
        n = len(proj.roles)
        rows = np.arange(n) if idx is None else np.asarray(idx)
        num = np.zeros((len(rows), n))
        den = np.zeros((len(rows), n))
        for name, x in self.blocks.items():
            w = self.weight(name)
            xr = x[rows]
            num += w * (xr @ x.T).toarray()
            p = self.present[name].astype(np.float64)
            den += w * np.outer(p[rows], p)
        out = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
        k = np.arange(len(rows))
        out[k, rows] = np.where(den[k, rows] > 0, 1.0, 0.0)  # exact 1 with itself (no rounding noise)
        return out

    def all_pairs(self, roles: Iterable[str] | None = None) -> np.ndarray:
        """Combined similarity of every pair, as a dense array.

        Parameters
        ----------
        roles : iterable of str, optional
            Role IRIs (rows and columns in this order); all roles by default.

        Returns
        -------
        numpy.ndarray
            Square, symmetric, values in ``[0, 1]`` for non-negative features;
            the diagonal is 1 for roles with at least one present block.

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
        if not isinstance(top, (int, np.integer)) or isinstance(top, bool) or top < 1:
            raise InvalidParameter(f"--top must be a whole number >= 1, got {top!r}")
        proj = self._need_fit()
        i = self._index(role_iri)
        s = self.scores(role_iri)
        if candidates is not None:
            mask = np.zeros(len(s), dtype=bool)
            mask[[self._index(c) for c in candidates]] = True
            s = np.where(mask, s, 0.0)
        s[i] = 0.0
        return _top(proj, s, top)

    def score_vector(self, skill_weights) -> np.ndarray:
        """Cosine similarity of a skill profile to every role (skills block only).

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
        norm = np.linalg.norm(v)
        x = self.blocks.get("skills")
        if norm == 0 or x is None:
            return np.zeros(len(proj.roles))
        return np.asarray(x @ (v / norm)).ravel()


def _top(proj, scores: np.ndarray, top: int) -> list[tuple[str, float]]:
    order = np.flatnonzero(scores > 1e-12)
    ranked = sorted(order.tolist(), key=lambda k: (-round(float(scores[k]), 12), proj.role_labels[proj.roles[k]]))
    return [(proj.roles[k], float(scores[k])) for k in ranked[:top]]


def _fit_default(proj) -> SimilarityModel:
    return SimilarityModel().fit(proj)


def default_model(proj) -> SimilarityModel:
    """The model ``similar``, ``recommend`` and ``path --lateral`` use, fitted once per projection.

    Examples
    --------
    >>> from careergraph.examples import toy_graph
    >>> from careergraph.projection import project
    >>> p = project(toy_graph())
    >>> default_model(p) is default_model(p)
    True
    """
    return proj.derived(_fit_default)


def similar(proj, role: str, top: int = 10, model: SimilarityModel | None = None) -> list[dict]:
    """Roles most similar to one role.

    Parameters
    ----------
    proj : Projection
    role : str
        Role IRI.
    top : int, default 10
        How many (>= 1).
    model : SimilarityModel, optional
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
