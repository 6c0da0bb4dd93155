"""Skill overlap between roles, skill gaps and role recommendations.

Everything works on a :class:`~careergraph.project.Projection`; all-pairs
figures are sparse matrix products (``B @ B.T`` on the 0/1 roles × skills
matrix), never Python loops over pairs.

Definitions
-----------
- **Jaccard** of roles *a* and *b*: ``|S(a) ∩ S(b)| / |S(a) ∪ S(b)|`` over
  their skill sets; 0 when both sets are empty.
- **Weighted Jaccard**: ``Σ min(w_a, w_b) / Σ max(w_a, w_b)`` over all skills,
  with the weights of :attr:`Projection.role_skill` (importance, or 1.0
  essential / 0.5 optional).
- **Coverage** (gap analysis): the weighted share of a target role's skills
  that a skill set covers. A held skill counts fully; a required skill that
  is not held but whose direct ``skos:broader`` parent or child is held
  counts :data:`PARTIAL_CREDIT` (0.5): knowing PyTorch is part of knowing
  Deep Learning, and knowing Programming is a start on Python.

Examples
--------
>>> from careergraph.examples import toy_graph
>>> from careergraph.project import project
>>> proj = project(toy_graph())
>>> r = overlap(proj, "Junior Engineer", "Senior Engineer")
>>> r["shared"], r["only_b"], round(r["jaccard"], 2)
(['Git', 'Python', 'SQL'], ['PyTorch'], 0.75)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from .errors import InvalidParameter

__all__ = ["PARTIAL_CREDIT", "gap", "jaccard_matrix", "matrix", "overlap", "recommend", "similar"]

#: Credit for a required skill whose direct broader/narrower skill is held.
PARTIAL_CREDIT = 0.5


def _labels(proj, cols: Iterable[int]) -> list[str]:
    return sorted(proj.skill_labels[proj.skills[j]] for j in cols)


def _row(proj, i: int) -> dict[int, float]:
    m = proj.role_skill
    lo, hi = m.indptr[i], m.indptr[i + 1]
    return dict(zip(m.indices[lo:hi].tolist(), m.data[lo:hi].tolist()))


def overlap(proj, a: str, b: str) -> dict[str, Any]:
    """Skill overlap of two roles.

    Parameters
    ----------
    proj : Projection
    a, b : str
        Role IRIs or labels.

    Returns
    -------
    dict
        ``a``, ``b`` (labels), ``a_iri``, ``b_iri``, ``jaccard``, ``weighted``
        (weighted Jaccard), ``shared``, ``only_a``, ``only_b`` (sorted skill
        labels).

    Raises
    ------
    RoleNotFound
        A role is not in the projection.

    Examples
    --------
    >>> from careergraph.examples import toy_graph
    >>> from careergraph.project import project
    >>> r = overlap(project(toy_graph()), "Lead Engineer", "Solutions Architect")
    >>> r["shared"], round(r["weighted"], 2)
    (['Leadership', 'Python'], 0.5)
    """
    ia, ib = proj.role_index[proj.find_role(a)], proj.role_index[proj.find_role(b)]
    ra, rb = _row(proj, ia), _row(proj, ib)
    sa, sb = set(ra), set(rb)
    union = sa | sb
    num = sum(min(ra.get(j, 0.0), rb.get(j, 0.0)) for j in union)
    den = sum(max(ra.get(j, 0.0), rb.get(j, 0.0)) for j in union)
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
        Role IRIs or labels, in the order wanted; all roles by default.

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
    >>> from careergraph.project import project
    >>> labels, m = matrix(project(toy_graph()), ["Junior Engineer", "Senior Engineer"])
    >>> labels, m.round(2).tolist()
    (['Junior Engineer', 'Senior Engineer'], [[1.0, 0.75], [0.75, 1.0]])
    """
    if roles is None:
        idx = None
        iris = list(proj.roles)
    else:
        iris = [proj.find_role(r) for r in roles]
        idx = [proj.role_index[r] for r in iris]
    m = jaccard_matrix(proj.binary(), idx, idx)
    return [proj.role_labels[r] for r in iris], m


def _model(proj, model=None):
    if model is not None:
        if model.projection is not proj:
            model.fit(proj)
        return model
    cached = proj._extra.get("similarity_model")
    if cached is None:
        from .similarity import SimilarityModel

        cached = proj._extra["similarity_model"] = SimilarityModel().fit(proj)
    return cached


def similar(proj, role: str, top: int = 10, model=None) -> list[dict[str, Any]]:
    """Roles most similar to one role.

    Parameters
    ----------
    proj : Projection
    role : str
        Role IRI or label.
    top : int, default 10
        How many (>= 1).
    model : SimilarityModel, optional
        Scoring model; by default a :class:`~careergraph.similarity.SimilarityModel`
        with :data:`~careergraph.similarity.DEFAULT_WEIGHTS`.

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
        The role is not in the projection.

    Examples
    --------
    >>> from careergraph.examples import toy_graph
    >>> from careergraph.project import project
    >>> [r["role"] for r in similar(project(toy_graph()), "Data Analyst", top=2)]
    ['Junior Engineer', 'Senior Engineer']
    """
    iri = proj.find_role(role)
    ranked = _model(proj, model).similar(iri, top=top)
    i = proj.role_index[iri]
    others = [proj.role_index[r] for r, _ in ranked]
    jac = jaccard_matrix(proj.binary(), [i], others)[0] if others else []
    sa = proj.skill_set(iri)
    return [{"role": proj.role_labels[r], "iri": r, "score": s, "jaccard": float(j),
             "shared": len(sa & proj.skill_set(r))} for (r, s), j in zip(ranked, jac)]


def _have_cols(proj, have: Iterable[str]) -> set[int]:
    return {proj.skill_index[proj.find_skill(h)] for h in have}


def gap(proj, have_skill_iris: Iterable[str], target: str) -> dict[str, Any]:
    """What a skill set covers of a target role, and what is missing.

    Parameters
    ----------
    proj : Projection
    have_skill_iris : iterable of str
        Skills held (IRIs or labels).
    target : str
        Role IRI or label.

    Returns
    -------
    dict
        ``target`` (label), ``target_iri``, ``coverage`` in ``[0, 1]``
        (weighted by importance, with partial credit through ``skos:broader``,
        see the module notes), ``have`` (labels of the target's skills held),
        ``missing``: dicts ``{"skill", "iri", "essential", "weight",
        "credit", "related_held"}`` ordered essential first, then by weight,
        then label (``credit`` is 0.5 and ``related_held`` names the held
        broader/narrower skill for partly covered skills).

    Raises
    ------
    RoleNotFound, SkillNotFound
        An unknown role or skill.

    Examples
    --------
    >>> from careergraph.examples import toy_graph
    >>> from careergraph.project import project
    >>> p = project(toy_graph())
    >>> g = gap(p, ["Python", "Deep Learning"], "Senior Engineer")
    >>> g["have"], [m["skill"] for m in g["missing"]], round(g["coverage"], 3)
    (['Python'], ['SQL', 'PyTorch', 'Git'], 0.468)
    """
    iri = proj.find_role(target)
    i = proj.role_index[iri]
    held = _have_cols(proj, have_skill_iris)
    row = _row(proj, i)
    ess_m = proj.essential
    ess = set(ess_m.indices[ess_m.indptr[i]:ess_m.indptr[i + 1]].tolist())
    br = proj.skill_broader
    up = br.tocsr()
    down = br.T.tocsr()
    total = sum(row.values())
    got = 0.0
    have_l, missing = [], []
    for j, w in row.items():
        if j in held:
            got += w
            have_l.append(proj.skill_labels[proj.skills[j]])
            continue
        rel = set(up.indices[up.indptr[j]:up.indptr[j + 1]].tolist()) | set(down.indices[down.indptr[j]:down.indptr[j + 1]].tolist())
        rel &= held
        credit = PARTIAL_CREDIT if rel else 0.0
        got += credit * w
        missing.append({"skill": proj.skill_labels[proj.skills[j]], "iri": proj.skills[j], "essential": j in ess,
                        "weight": w, "credit": credit, "related_held": _labels(proj, rel)})
    missing.sort(key=lambda m: (not m["essential"], -m["weight"], m["skill"]))
    return {"target": proj.role_labels[iri], "target_iri": iri,
            "coverage": got / total if total > 0 else 0.0,
            "have": sorted(have_l), "missing": missing}


def recommend(proj, have: Iterable[str], top: int = 10, model=None) -> list[dict[str, Any]]:
    """Roles closest to a skill set.

    The score is the cosine similarity of the skill set (0/1) to each role's
    weighted skill vector (:meth:`SimilarityModel.score_vector`), so a role
    scores high when the set covers much of it and it asks little else.

    Parameters
    ----------
    proj : Projection
    have : iterable of str
        Skills held (IRIs or labels); at least one.
    top : int, default 10
        How many roles (>= 1).
    model : SimilarityModel, optional

    Returns
    -------
    list of dict
        ``{"role", "iri", "score", "coverage", "missing"}`` best first;
        ``missing`` lists skill labels, essential first (see :func:`gap`).

    Raises
    ------
    InvalidParameter
        No skills given, or ``top`` < 1.
    SkillNotFound
        An unknown skill.

    Examples
    --------
    >>> from careergraph.examples import toy_graph
    >>> from careergraph.project import project
    >>> r = recommend(project(toy_graph()), ["SQL", "Statistics"], top=1)
    >>> r[0]["role"], r[0]["missing"]
    ('Data Analyst', ['Python'])
    """
    if top < 1:
        raise InvalidParameter(f"top must be at least 1, got {top}")
    have = list(have)
    if not have:
        raise InvalidParameter("Give at least one skill you have, e.g. --have \"Python, SQL\"")
    cols = _have_cols(proj, have)
    v = np.zeros(len(proj.skills))
    v[list(cols)] = 1.0
    scores = _model(proj, model).score_vector(v)
    order = np.flatnonzero(scores > 1e-12)
    ranked = sorted(order.tolist(), key=lambda k: (-round(float(scores[k]), 12), proj.role_labels[proj.roles[k]]))[:top]
    out = []
    held = [proj.skills[j] for j in cols]
    for k in ranked:
        g = gap(proj, held, proj.roles[k])
        out.append({"role": g["target"], "iri": g["target_iri"], "score": float(scores[k]),
                    "coverage": g["coverage"], "missing": [m["skill"] for m in g["missing"]]})
    return out
