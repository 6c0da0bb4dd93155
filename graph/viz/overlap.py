"""The skill-overlap heatmap: Jaccard of roles, clustered so similar roles sit together."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..errors import InvalidParameter
from ._common import new_axes, wrap

__all__ = ["plot_overlap"]


def _leaf_order(m: np.ndarray) -> np.ndarray:
    """Order of rows by average-linkage clustering of ``1 - m`` (identity for n < 3)."""
    n = m.shape[0]
    if n < 3:
        return np.arange(n)
    from scipy.cluster.hierarchy import leaves_list, linkage, optimal_leaf_ordering
    from scipy.spatial.distance import squareform

    d = 1.0 - np.nan_to_num(m, nan=0.0)
    d = (d + d.T) / 2
    np.fill_diagonal(d, 0.0)
    d = np.clip(d, 0.0, None)
    y = squareform(d, checks=False)
    z = linkage(y, method="average")
    if n <= 400:
        z = optimal_leaf_ordering(z, y)
    return leaves_list(z)


def plot_overlap(labels: Sequence[str], matrix, *, ax=None, annotate: bool | None = None):
    """Draw an all-pairs skill-overlap matrix as a clustered heatmap.

    Rows and columns are reordered by the leaves of an average-linkage
    hierarchical clustering (distance ``1 - Jaccard``), so roles that share
    skills sit together.

    Parameters
    ----------
    labels : sequence of str
        Role labels, one per row of ``matrix``.
    matrix : array-like, shape (n, n)
        Jaccard similarities in [0, 1], as returned by
        :func:`careergraph.overlap.matrix`.
    ax : matplotlib.axes.Axes, optional
    annotate : bool, optional
        Write the value in each cell; default when there are at most 15 roles.

    Returns
    -------
    matplotlib.axes.Axes
        The heatmap axes; its colourbar is labelled "Jaccard".

    Raises
    ------
    InvalidParameter
        ``matrix`` is not square or does not match ``labels``.

    Examples
    --------
    >>> import numpy as np
    >>> m = np.array([[1, .1, .8], [.1, 1, .2], [.8, .2, 1]])
    >>> ax = plot_overlap(["Data Scientist", "MLOps Engineer", "ML Analyst"], m)
    >>> [t.get_text() for t in ax.get_xticklabels()]  # the two similar roles side by side
    ['MLOps Engineer', 'ML Analyst', 'Data Scientist']
    >>> ax.figure.axes[-1].get_ylabel()
    'Jaccard'
    """
    m = np.asarray(matrix, dtype=float)
    labels = [str(x) for x in labels]
    if m.ndim != 2 or m.shape[0] != m.shape[1]:
        raise InvalidParameter(f"matrix must be square, got shape {m.shape}")
    if m.shape[0] != len(labels):
        raise InvalidParameter(f"{len(labels)} labels for a {m.shape[0]}x{m.shape[0]} matrix; give one label per row")
    n = len(labels)
    if n == 0:
        raise InvalidParameter("No roles to compare; give at least one role")
    order = _leaf_order(m)
    m = m[np.ix_(order, order)]
    names = [labels[i] for i in order]
    side = float(np.clip(0.32 * n + 2.5, 4.5, 22))
    ax = new_axes(ax, (side + 1.2, side))
    cell_pt = (min(side, 22) - 2.5) / max(n, 1) * 72  # height of one row in points
    font = float(np.clip(cell_pt * 0.36, 3.5, 9))
    im = ax.imshow(m, cmap="viridis", vmin=0.0, vmax=1.0, interpolation="nearest")
    cbar = ax.figure.colorbar(im, ax=ax, shrink=0.8, pad=0.02)
    cbar.set_label("Jaccard")
    ax.set_xticks(range(n), [wrap(s, 30, 1) for s in names], rotation=60, ha="right",
                  rotation_mode="anchor", fontsize=font)
    ax.set_yticks(range(n), [wrap(s, 30, 1) for s in names], fontsize=font)
    if annotate is None:
        annotate = n <= 15
    if annotate:
        for i in range(n):
            for j in range(n):
                v = m[i, j]
                if np.isfinite(v):
                    ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=font - 1,
                            color="black" if v > 0.6 else "white")
    ax.set_title(f"Skill overlap of {n} roles (Jaccard, clustered)")
    return ax
