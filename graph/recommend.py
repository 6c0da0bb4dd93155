"""From a skill set: what it covers of a role (gap), and which roles it is closest to.

Both take skill and role IRIs (resolve names first with
:class:`careergraph.resolve.Resolver`). Missing skills are ranked as every
explanation ranks them (:meth:`Projection.rank_skills`): essential first, then
by importance, then label; technology products (O*NET Technology Skills) are
listed apart from skills.

**Coverage** is the weighted share of a target role's skills that a skill set
covers. A held skill counts fully; a required skill that is not held but
whose direct ``skos:broader`` parent or child is held counts
:data:`PARTIAL_CREDIT` (0.5): knowing PyTorch is part of knowing Deep
Learning, and knowing Programming is a start on Python.

Examples
--------
>>> from careergraph.examples import toy_graph
>>> from careergraph.projection import project
>>> proj = project(toy_graph())
>>> cgs = "https://w3id.org/careergraph/id/skill/"
>>> g = gap(proj, [cgs + "python", cgs + "deep-learning"], "https://w3id.org/careergraph/id/role/senior")
>>> g["have"], [m["skill"] for m in g["missing"]], round(g["coverage"], 3)
(['Python'], ['SQL', 'PyTorch', 'Git'], 0.468)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .errors import InvalidParameter
from .projection import Projection
from .similarity import default_model

__all__ = ["PARTIAL_CREDIT", "gap", "recommend"]

#: Credit for a required skill whose direct broader/narrower skill is held.
PARTIAL_CREDIT = 0.5


def _related(proj: Projection) -> tuple:
    br = proj.skill_broader
    return br.tocsr(), br.T.tocsr()


def gap(proj: Projection, have: Iterable[str], target: str) -> dict[str, Any]:
    """What a skill set covers of a target role, and what is missing.

    Parameters
    ----------
    proj : Projection
    have : iterable of str
        Skill IRIs held.
    target : str
        Role IRI.

    Returns
    -------
    dict
        ``target`` (label), ``target_iri``, ``coverage`` in ``[0, 1]``
        (weighted by importance, with partial credit through
        ``skos:broader``), ``have`` (labels of the target's skills held),
        ``missing`` and ``missing_technology``: dicts ``{"skill", "iri",
        "essential", "weight", "credit", "related_held", "evidence"}``,
        essential first, then by weight, then label (``credit`` is 0.5 and
        ``related_held`` names the held broader/narrower skill for partly
        covered skills; ``evidence`` is ``"stated"``, ``"interpreted"`` or
        None, see :meth:`Projection.evidence`).

    Raises
    ------
    RoleNotFound, SkillNotFound
        An IRI that is not a role (skill) of the projection.
    """
    target = proj.role(target)
    held = {proj.column(h) for h in have}
    row = proj.weights(target)
    ess = proj.essential_set(target)
    up, down = proj.derived(_related)
    total = sum(row.values())
    got = 0.0
    have_l: list[str] = []
    missing: dict[int, dict[str, Any]] = {}
    evidence = proj.evidence(target)
    for j, w in row.items():
        if j in held:
            got += w
            have_l.append(proj.skill_labels[proj.skills[j]])
            continue
        rel = set(up.indices[up.indptr[j]:up.indptr[j + 1]].tolist()) | set(down.indices[down.indptr[j]:down.indptr[j + 1]].tolist())
        rel &= held
        credit = PARTIAL_CREDIT if rel else 0.0
        got += credit * w
        missing[j] = {"skill": proj.skill_labels[proj.skills[j]], "iri": proj.skills[j], "essential": j in ess,
                      "weight": w, "credit": credit,
                      "related_held": sorted(proj.skill_labels[proj.skills[k]] for k in rel),
                      "evidence": evidence.get(j)}
    ranked = proj.rank_skills(missing, target)
    return {"target": proj.role_labels[target], "target_iri": target,
            "coverage": got / total if total > 0 else 0.0,
            "have": sorted(have_l),
            "missing": [missing[j] for j in ranked if not proj.is_technology(j)],
            "missing_technology": [missing[j] for j in ranked if proj.is_technology(j)]}


def recommend(proj: Projection, have: Iterable[str], top: int = 10, model=None) -> list[dict[str, Any]]:
    """Roles closest to a skill set.

    The score is the one model's (:func:`careergraph.similarity.default_model`)
    for a skill profile: its content part over the blocks a skill set has
    (:meth:`SimilarityModel.score_vector`: the weighted non-technology skills,
    the essential and the optional links), so a role scores high when the set
    covers much of it and it asks little else. A skill set has no known moves
    and no job zone, so the other parts of the model do not apply.

    Parameters
    ----------
    proj : Projection
    have : iterable of str
        Skill IRIs held; at least one.
    top : int, default 10
        How many roles (>= 1).
    model : MoveModel or SimilarityModel, optional
        By default :func:`careergraph.similarity.default_model`.

    Returns
    -------
    list of dict
        ``{"role", "iri", "score", "coverage", "missing", "missing_technology",
        "evidence"}`` best first; ``missing`` lists skill labels ranked as in
        :func:`gap`, ``evidence`` maps each to ``"stated"`` or ``"interpreted"``.

    Raises
    ------
    InvalidParameter
        No skills given, or ``top`` < 1.
    SkillNotFound
        An IRI that is not a skill of the projection.

    Examples
    --------
    >>> from careergraph.examples import toy_graph
    >>> from careergraph.projection import project
    >>> cgs = "https://w3id.org/careergraph/id/skill/"
    >>> r = recommend(project(toy_graph()), [cgs + "sql", cgs + "statistics"], top=1)
    >>> r[0]["role"], r[0]["missing"]
    ('Data Analyst', ['Python'])
    """
    if not isinstance(top, int) or isinstance(top, bool) or top < 1:
        raise InvalidParameter(f"--top must be a whole number >= 1, got {top!r}")
    have = list(have)
    if not have:
        raise InvalidParameter("Give at least one skill you have, e.g. --have \"Python, SQL\"")
    cols = {proj.column(h) for h in have}
    v = np.zeros(len(proj.skills))
    v[list(cols)] = 1.0
    scores = (model or default_model(proj)).score_vector(v)
    order = np.flatnonzero(scores > 1e-12)
    ranked = sorted(order.tolist(), key=lambda k: (-round(float(scores[k]), 12), proj.role_labels[proj.roles[k]]))[:top]
    out = []
    for k in ranked:
        g = gap(proj, have, proj.roles[k])
        out.append({"role": g["target"], "iri": g["target_iri"], "score": float(scores[k]),
                    "coverage": g["coverage"], "missing": [m["skill"] for m in g["missing"]],
                    "missing_technology": [m["skill"] for m in g["missing_technology"]],
                    "evidence": {m["skill"]: m["evidence"] for m in g["missing"] + g["missing_technology"]
                                 if m["evidence"] is not None}})
    return out
