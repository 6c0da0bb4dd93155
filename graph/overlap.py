"""Skill overlap between roles: Jaccard, weighted Jaccard, all-pairs matrices.

Everything works on a :class:`~careergraph.projection.Projection` and takes
role IRIs (resolve names first with :class:`careergraph.resolve.Resolver`);
all-pairs figures are sparse matrix products (``B @ B.T`` on the 0/1 roles ×
skills matrix), never Python loops over pairs. Gaps and recommendations
from a skill set are in :mod:`careergraph.recommend`.

Definitions
-----------
- **Jaccard** of roles *a* and *b*: ``|S(a) ∩ S(b)| / |S(a) ∪ S(b)|`` over
  their skill sets; 0 when both sets are empty.
- **Weighted Jaccard**: ``Σ min(w_a, w_b) / Σ max(w_a, w_b)`` over all skills,
  with the weights of :attr:`Projection.role_skill` (importance, or 1.0
  essential / 0.5 optional).

Examples
--------
>>> from careergraph.examples import toy_graph
>>> from careergraph.projection import project
>>> proj = project(toy_graph())
>>> cgr = "https://w3id.org/careergraph/id/role/"
>>> r = overlap(proj, cgr + "junior", cgr + "senior")
>>> r["shared"], r["only_b"], round(r["jaccard"], 2)
(['Git', 'Python', 'SQL'], ['PyTorch'], 0.75)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

__all__ = ["jaccard_matrix", "matrix", "overlap"]


def _labels(proj, cols: Iterable[int]) -> list[str]:
    return sorted(proj.skill_labels[proj.skills[j]] for j in cols)


def overlap(proj, a: str, b: str) -> dict[str, Any]:
    """Skill overlap of two roles.

    Parameters
    ----------
    proj : Projection
    a, b : str
        Role IRIs.

    Returns
    -------
    dict
        ``a``, ``b`` (labels), ``a_iri``, ``b_iri``, ``jaccard``, ``weighted``
        (weighted Jaccard), ``shared``, ``only_a``, ``only_b`` (sorted skill
        labels), ``evidence``: ``{"a": {skill label: "stated" or
        "interpreted"}, "b": {...}}`` for each role's requirements.

    Raises
    ------
    RoleNotFound
        An IRI is not a role of the projection.

    Examples
    --------
    >>> from careergraph.examples import toy_graph
    >>> from careergraph.projection import project
    >>> cgr = "https://w3id.org/careergraph/id/role/"
    >>> r = overlap(project(toy_graph()), cgr + "lead", cgr + "architect")
    >>> r["shared"], round(r["weighted"], 2)
    (['Leadership', 'Python'], 0.5)
    """
    ia, ib = proj.row(a), proj.row(b)
    ra, rb = proj.weights(a), proj.weights(b)
    sa, sb = set(ra), set(rb)
    union = sa | sb
    num = sum(min(ra.get(j, 0.0), rb.get(j, 0.0)) for j in union)
    den = sum(max(ra.get(j, 0.0), rb.get(j, 0.0)) for j in union)
    a, b = proj.roles[ia], proj.roles[ib]
    return {
        "a": proj.role_labels[proj.roles[ia]],
        "b": proj.role_labels[proj.roles[ib]],
        "a_iri": proj.roles[ia],
        "b_iri": proj.roles[ib],
        "jaccard": len(sa & sb) / len(union) if union else 0.0,
        "weighted": num / den if den > 0 else 0.0,
        "shared": _labels(proj, sa & sb),
        "only_a": _labels(proj, sa - sb),
        "only_b": _labels(proj, sb - sa),
        "evidence": {side: {proj.skill_labels[proj.skills[j]]: e for j, e in proj.evidence(r, cols).items()}
                     for side, r, cols in (("a", a, sa), ("b", b, sb))},
    }


def jaccard_matrix(binary: sp.spmatrix, rows: Sequence[int] | None = None, cols: Sequence[int] | None = None) -> np.ndarray:
    """All-pairs Jaccard of the rows of a 0/1 sparse matrix (dense result).

    ``|A ∩ B|`` is one entry of ``B @ B.T``; ``|A ∪ B| = |A| + |B| - |A ∩ B|``.

    Parameters
    ----------
    binary : scipy.sparse matrix
        Items × features with 1 where the item has the feature.
    rows, cols : sequence of int, optional
        Restrict to these rows (result rows) and these rows (result columns).

    Returns
    -------
    numpy.ndarray
        ``len(rows) × len(cols)``, values in ``[0, 1]``; 0 where both sets are empty.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> jaccard_matrix(sp.csr_matrix([[1, 1, 0], [0, 1, 1]])).tolist()
    [[1.0, 0.3333333333333333], [0.3333333333333333, 1.0]]
    """
    b = sp.csr_matrix(binary, dtype=np.float64)
    b.data[:] = 1.0
    br = b if rows is None else b[np.asarray(rows, dtype=np.int64)]
    bc = b if cols is None else b[np.asarray(cols, dtype=np.int64)]
    inter = (br @ bc.T).toarray()
    size_r = np.diff(br.indptr).astype(np.float64)
    size_c = np.diff(bc.indptr).astype(np.float64)
    union = size_r[:, None] + size_c[None, :] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def matrix(proj, roles: Iterable[str] | None = None) -> tuple[list[str], np.ndarray]:
    """All-pairs skill Jaccard of roles.

    Parameters
    ----------
    proj : Projection
    roles : iterable of str, optional
        Role IRIs, in the order wanted; all roles by default.

    Returns
    -------
    (list of str, numpy.ndarray)
        Role labels and the symmetric Jaccard matrix in that order.

    Raises
    ------
    RoleNotFound
        A role is not in the projection.

    Examples
    --------
    >>> from careergraph.examples import toy_graph
    >>> from careergraph.projection import project
    >>> cgr = "https://w3id.org/careergraph/id/role/"
    >>> labels, m = matrix(project(toy_graph()), [cgr + "junior", cgr + "senior"])
    >>> labels, m.round(2).tolist()
    (['Junior Engineer', 'Senior Engineer'], [[1.0, 0.75], [0.75, 1.0]])
    """
    if roles is None:
        idx = None
        iris = list(proj.roles)
    else:
        iris = [proj.role(r) for r in roles]
        idx = [proj.role_index[r] for r in iris]
    m = jaccard_matrix(proj.binary(), idx, idx)
    return [proj.role_labels[r] for r in iris], m
