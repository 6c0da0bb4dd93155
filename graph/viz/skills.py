"""The role–skill picture: which skills some roles need, essential solid and optional dashed."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..errors import InvalidParameter, RoleNotFound
from ._common import local_name, new_axes, pyplot, wrap

__all__ = ["plot_role_skills"]


def _labels_list(labels, keys) -> list[str]:
    if isinstance(labels, Mapping):
        return [str(labels.get(k, local_name(k))) for k in keys]
    if labels is None:
        return [local_name(k) for k in keys]
    return [str(x) for x in labels]


def _role_rows(proj, roles) -> list[int]:
    """Rows of role IRIs (a projection, or anything with ``roles``), in order, without repeats."""
    index = getattr(proj, "role_index", None) or {r: i for i, r in enumerate(proj.roles)}
    rows = []
    for r in roles:
        if r not in index:
            raise RoleNotFound(str(r), [], hint="no role has that IRI; resolve names first")
        rows.append(index[r])
    return list(dict.fromkeys(rows))


def plot_role_skills(proj, roles, *, ax=None, max_skills: int = 40):
    """Draw which skills some roles need: roles left, skills right, one line per need.

    Essential skills are solid lines, optional ones dashed; each role has its
    own colour. Skills shared by more of the roles come first; at most
    ``max_skills`` skills are drawn (the title says how many were left out).

    Parameters
    ----------
    proj : Projection
        Needs ``roles``, ``role_index``, ``role_labels``, ``skills``,
        ``skill_labels``, ``role_skill`` (roles x skills) and ``essential``
        (same shape, true where the skill is essential).
    roles : sequence
        Role IRIs or labels.
    ax : matplotlib.axes.Axes, optional
    max_skills : int, default 40

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    RoleNotFound
        A role is not in the projection.
    InvalidParameter
        No roles given, or ``max_skills`` below 1.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> import numpy as np
    >>> from scipy import sparse
    >>> proj = SimpleNamespace(
    ...     roles=["r1", "r2"], role_index={"r1": 0, "r2": 1}, role_labels=["Data Scientist", "ML Engineer"],
    ...     skills=["s1", "s2", "s3"], skill_labels=["Python", "Statistics", "Docker"],
    ...     role_skill=sparse.csr_matrix(np.array([[1, 1, 0], [1, 0, 1]])),
    ...     essential=sparse.csr_matrix(np.array([[1, 0, 0], [1, 0, 0]], dtype=bool)))
    >>> ax = plot_role_skills(proj, ["r1", "r2"])
    >>> len(ax.lines)
    4
    """
    from matplotlib.lines import Line2D

    if not isinstance(max_skills, int) or max_skills < 1:
        raise InvalidParameter(f"max_skills must be a positive integer, got {max_skills!r}")
    roles = list(roles)
    if not roles:
        raise InvalidParameter("Give at least one role to draw")
    rows = _role_rows(proj, roles)
    role_labels = _labels_list(getattr(proj, "role_labels", None), proj.roles)
    skill_labels = _labels_list(getattr(proj, "skill_labels", None), proj.skills)
    a = proj.role_skill
    sub = a[rows]
    sub = sub.toarray() if hasattr(sub, "toarray") else np.asarray(sub)
    ess = getattr(proj, "essential", None)
    if ess is not None:
        e = ess[rows]
        e = e.toarray() if hasattr(e, "toarray") else np.asarray(e)
        if e.shape != sub.shape:  # a per-skill-requirement vector is not usable here
            e = np.zeros_like(sub, dtype=bool)
    else:
        e = np.zeros_like(sub, dtype=bool)
    used = np.flatnonzero((sub != 0).any(axis=0))
    shared = (sub[:, used] != 0).sum(axis=0)
    n_ess = (e[:, used] != 0).sum(axis=0)
    keep = sorted(range(len(used)), key=lambda k: (-shared[k], -n_ess[k], skill_labels[used[k]].lower()))
    cols = [used[k] for k in keep[:max_skills]]
    n_s, n_r = len(cols), len(rows)
    # roles spread evenly; each skill placed at the mean height of the roles needing it
    # (barycentre ordering), which keeps line crossings few
    bary = {c: float(np.mean(np.flatnonzero(sub[:, c] != 0))) for c in cols}
    cols.sort(key=lambda c: (bary[c], -int((sub[:, c] != 0).sum()), skill_labels[c].lower()))
    height = float(np.clip(max(n_s, n_r) * 0.26 + 1.4, 3.0, 24))
    ax = new_axes(ax, (8.5, height))
    cmap = pyplot().get_cmap("tab10" if n_r <= 10 else "tab20")
    span = max(n_s, n_r, 2) - 1
    y_role = [span * (1 - (k + 0.5) / n_r) for k in range(n_r)]
    y_skill = [span / 2 if n_s == 1 else span - k * span / (n_s - 1) for k in range(n_s)]
    for ri in range(n_r):
        colour = cmap(ri % cmap.N)
        for si, c in enumerate(cols):
            if sub[ri, c] == 0:
                continue
            essential = bool(e[ri, c])
            ax.plot([0, 1], [y_role[ri], y_skill[si]], color=colour, lw=1.5 if essential else 1.0,
                    linestyle="-" if essential else "--", alpha=0.85)
    ax.scatter([0] * n_r, y_role, s=60, c=[cmap(i % cmap.N) for i in range(n_r)], zorder=3)
    ax.scatter([1] * n_s, y_skill, s=22, c="#555555", zorder=3)
    font = float(np.clip(220 / max(n_s, n_r, 1) / 2.2, 6, 9))
    for ri, r in enumerate(rows):
        ax.text(-0.03, y_role[ri], wrap(role_labels[r], 24, 2), ha="right", va="center", fontsize=font + 1,
                color=cmap(ri % cmap.N), fontweight="bold")
    for si, c in enumerate(cols):
        ax.text(1.03, y_skill[si], wrap(skill_labels[c], 34, 1), ha="left", va="center", fontsize=font)
    ax.set_xlim(-0.75, 1.75)
    ax.set_ylim(-0.8, span + 0.8)
    ax.axis("off")
    handles = [Line2D([], [], color="#444444", lw=1.5, label="essential"),
               Line2D([], [], color="#444444", lw=1.0, linestyle="--", label="optional")]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=2, frameon=False,
              fontsize=8)
    title = "Skills of " + ", ".join(role_labels[r] for r in rows[:4]) + (" …" if n_r > 4 else "")
    if len(used) > n_s:
        title += f"\n(showing the {n_s} most shared of {len(used)} skills)"
    elif n_r > 1:
        title += f"\n({int((shared > 1).sum())} of {len(used)} skills shared)"
    ax.set_title(wrap(title, 90, 3), fontsize=10)
    return ax
