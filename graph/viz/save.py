"""Writing a figure to PNG, SVG or PDF through the one atomic writer."""

from __future__ import annotations

import os
from pathlib import Path

from .._io import atomic_write, check_output
from .._version import __version__
from ._common import FORMATS

__all__ = ["save_figure"]


def save_figure(fig, path: str | os.PathLike, *, dpi: int = 150, fmt: str | None = None) -> Path | None:
    """Write a figure to PNG, SVG or PDF, chosen by the file extension.

    Written with :func:`careergraph._io.atomic_write`: a failure never leaves
    a half-written file, a symlink's target is replaced, and ``-`` writes to
    standard output (give ``fmt`` then).

    Parameters
    ----------
    fig : matplotlib.figure.Figure or matplotlib.axes.Axes
        The figure (an Axes stands for its figure).
    path : path or "-"
        Target file; ``.png``, ``.svg`` or ``.pdf``.
    dpi : int, default 150
        Resolution of PNG output.
    fmt : {"png", "svg", "pdf"}, optional
        The format, for standard output or a device (default: from the extension).

    Returns
    -------
    pathlib.Path or None
        The file written (None for standard output).

    Raises
    ------
    OutputError
        Unknown extension (the message lists the allowed ones), a missing or
        unwritable folder.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> save_figure(fig, "map.bmp")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    careergraph.errors.OutputError: Unknown image extension '.bmp' in 'map.bmp'; use one of .png, .svg, .pdf
    """
    named = check_output(path, formats=FORMATS, fmt=fmt, what="image")
    kind = fmt or named or "png"
    fig = fig if hasattr(fig, "savefig") else fig.figure
    return atomic_write(path, lambda fh: fig.savefig(fh, format=kind, dpi=dpi, metadata=_metadata(kind)),
                        binary=True)


def _metadata(kind: str) -> dict:
    creator = f"careergraph {__version__}"
    if kind == "png":
        return {"Software": creator}
    if kind == "svg":
        return {"Creator": creator, "Date": None}
    return {"Creator": creator, "CreationDate": None}
