"""The skill gap: which skills of a target role a person has and which they miss, by importance."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..errors import InvalidParameter
from ._common import HAVE_COLOR, MISSING_COLOR, local_name, new_axes, wrap

__all__ = ["plot_gap"]


def _gap_items(items, weights: Mapping[str, tuple[float, bool]] | None = None) -> list[tuple[str, float, bool, float]]:
    """Normalise gap entries to ``(label, importance, essential, credit)``.

    Entries may be labels, ``(label, importance[, essential])`` tuples, or
    dicts as :func:`careergraph.overlap.gap` returns (``skill``/``label``,
    ``weight``/``importance``, ``essential``, ``credit``). ``weights`` maps a
    label to ``(importance, essential)`` for bare labels.

    Examples
    --------
    >>> _gap_items(["Python", {"skill": "Docker", "weight": 0.5, "essential": False, "credit": 0.5}])
    [('Python', 1.0, False, 0.0), ('Docker', 0.5, False, 0.5)]
    """
    weights = weights or {}
    out = []
    if isinstance(items, Mapping):
        items = [{"label": k, **(v if isinstance(v, Mapping) else {"importance": v})} for k, v in items.items()]
    for it in items or []:
        if isinstance(it, Mapping):
            label = str(it.get("label") or it.get("skill") or it.get("name") or local_name(it.get("iri", "?")))
            level = str(it.get("level") or it.get("requirementLevel") or "").lower()
            known = weights.get(label)
            essential = bool(it.get("essential", level.endswith("essential") or (known or (0, False))[1]))
            imp = it.get("importance", it.get("weight"))
            if imp is None:
                imp = known[0] if known else (1.0 if essential else 0.5)
            out.append((label, float(imp), essential, float(it.get("credit") or 0.0)))
        elif isinstance(it, (tuple, list)):
            label = str(it[0])
            imp = it[1] if len(it) > 1 and it[1] is not None else (weights.get(label) or (1.0, False))[0]
            ess = bool(it[2]) if len(it) > 2 else (weights.get(label) or (1.0, False))[1]
            out.append((label, float(imp), ess, 0.0))
        else:
            label = local_name(it) if "://" in str(it) else str(it)
            imp, ess = weights.get(label, (1.0, False))
            out.append((label, float(imp), bool(ess), 0.0))
    return out


def _target_weights(proj, gap_result) -> dict[str, tuple[float, bool]]:
    """``{skill label: (weight, essential)}`` of the gap's target role in ``proj``."""
    if proj is None:
        return {}
    iri = gap_result.get("target_iri") or gap_result.get("target")
    i = proj.role_index.get(iri)
    if i is None:
        return {}
    row = proj.role_skill.getrow(i)
    ess = proj.essential.getrow(i)
    ess_cols = set(ess.indices[ess.data.astype(bool)].tolist()) if ess.nnz else set()
    labels = proj.skill_labels
    return {str(labels[proj.skills[j]] if isinstance(labels, Mapping) else labels[j]): (float(w), j in ess_cols)
            for j, w in zip(row.indices, row.data)}


def plot_gap(gap_result: Mapping[str, Any], *, proj=None, ax=None, max_skills: int = 40):
    """Draw what a person has and still misses for a target role, by importance.

    One horizontal bar per skill of the target role, longest (most
    important) first: missing skills in red above the line, held skills in
    green below it. Essential skills are solid and starred, optional ones
    hatched; a missing skill partly covered by a held broader or narrower
    skill is orange.

    Parameters
    ----------
    gap_result : dict
        As returned by :func:`careergraph.overlap.gap`: ``target`` (label),
        ``coverage`` (0..1), ``have`` and ``missing``. Entries may be labels,
        ``(label, importance)`` pairs or dicts with ``skill``/``label``,
        ``weight``/``importance``, ``essential`` and ``credit``.
    proj : Projection, optional
        Gives the importance of the held skills when ``have`` holds bare
        labels (as :func:`~careergraph.overlap.gap` returns); without it they
        count as 1.
    ax : matplotlib.axes.Axes, optional
    max_skills : int, default 40
        Most important skills drawn; the title says how many were left out.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    InvalidParameter
        ``gap_result`` lacks ``have`` and ``missing``.

    Examples
    --------
    >>> gap = {"target": "Machine Learning Engineer", "coverage": 0.5,
    ...        "have": [("Python", 0.9, True)],
    ...        "missing": [{"skill": "Docker", "weight": 0.6, "essential": False}]}
    >>> ax = plot_gap(gap)
    >>> ax.get_title()
    'Skill gap for Machine Learning Engineer: 50% covered'
    >>> [t.get_text() for t in ax.get_yticklabels()]  # missing on top
    ['Docker', 'Python *']
    """
    from matplotlib.patches import Patch

    if not isinstance(gap_result, Mapping) or ("have" not in gap_result and "missing" not in gap_result):
        raise InvalidParameter("gap_result must be a dict with 'have' and 'missing', as careergraph.overlap.gap returns")
    if not isinstance(max_skills, int) or max_skills < 1:
        raise InvalidParameter(f"max_skills must be a positive integer, got {max_skills!r}")
    weights = _target_weights(proj, gap_result)
    have = [(*t, True) for t in _gap_items(gap_result.get("have"), weights)]
    missing = [(*t, False) for t in _gap_items(gap_result.get("missing"), weights)]

    def key(t):
        return (-t[1], not t[2], t[0].lower())

    have.sort(key=key)
    missing.sort(key=key)
    total = len(have) + len(missing)
    if total > max_skills:  # keep the most important of each side, in proportion
        k_m = min(len(missing), max(1, round(max_skills * len(missing) / total))) if missing else 0
        missing, have = missing[:k_m], have[: max_skills - k_m]
    items = missing + have
    n = len(items)
    ax = new_axes(ax, (8.0, float(np.clip(n * 0.3 + 1.8, 2.8, 20))))
    if n == 0:
        ax.text(0.5, 0.5, "The target role lists no skills", ha="center", va="center", transform=ax.transAxes)
    ys = np.arange(n)[::-1]
    partial_colour = "#ff7f0e"
    for y, (_lab, imp, ess, credit, got) in zip(ys, items):
        c = HAVE_COLOR if got else (partial_colour if credit > 0 else MISSING_COLOR)
        ax.barh(y, imp, color=c if ess else "white", edgecolor=c, hatch=None if ess else "////",
                height=0.7, lw=1.0)
    ax.set_yticks(ys, [wrap(t[0], 36, 1) + (" *" if t[2] else "") for t in items], fontsize=8)
    ax.set_ylim(-0.7, max(n, 1) - 0.3)
    ax.set_xlim(0, max([1.0] + [t[1] for t in items]) * 1.02)
    ax.set_xlabel("Importance for the target role (0–1)")
    if missing and have:
        ax.axhline(ys[len(missing) - 1] - 0.5, color="#666666", lw=0.8, linestyle=":")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    handles = [Patch(color=MISSING_COLOR, label=f"missing ({len([t for t in missing if t[3] == 0])})")]
    if any(t[3] > 0 for t in missing):
        handles.append(Patch(color=partial_colour, label=f"partly covered ({len([t for t in missing if t[3] > 0])})"))
    handles += [Patch(color=HAVE_COLOR, label=f"have ({len(have)})"),
                Patch(facecolor="grey", edgecolor="grey", label="essential (*)"),
                Patch(facecolor="white", edgecolor="grey", hatch="////", label="optional")]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    target = str(gap_result.get("target") or gap_result.get("target_iri") or "target role")
    if "://" in target:
        target = local_name(target)
    cov = gap_result.get("coverage")
    title = f"Skill gap for {target}" + (f": {float(cov):.0%} covered" if cov is not None else "")
    if n < total:
        title += f"\n(showing {n} of {total} skills)"
    ax.set_title(title)
    return ax
