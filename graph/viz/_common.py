"""Shared pieces of the pictures: styles, the pyplot handle, new axes, label wrapping."""

from __future__ import annotations

import textwrap
from typing import Any

__all__ = ["EDGE_STYLES", "FORMATS", "HAVE_COLOR", "MISSING_COLOR", "PATH_COLOR", "label_of_node", "local_name",
           "new_axes", "pyplot", "tint", "wrap"]

FORMATS: dict[str, str] = {".png": "png", ".svg": "svg", ".pdf": "pdf"}

#: How each kind of move is drawn: colour, line style, width, legend text.
EDGE_STYLES: dict[str, dict[str, Any]] = {
    "promotion": {"color": "#333333", "linestyle": "-", "lw": 1.6, "label": "promotion"},
    "lateral": {"color": "#1f77b4", "linestyle": "--", "lw": 1.2, "label": "lateral move"},
    "entry": {"color": "#2ca02c", "linestyle": ":", "lw": 1.4, "label": "entry route"},
    "same-as": {"color": "#999999", "linestyle": (0, (1, 2)), "lw": 1.0, "label": "same role, other source"},
    "inferred": {"color": "#bbbbbb", "linestyle": (0, (4, 2, 1, 2)), "lw": 0.9, "label": "inferred move"},
}
PATH_COLOR = "#d62728"
HAVE_COLOR = "#2ca02c"
MISSING_COLOR = "#d62728"



def pyplot():
    """``matplotlib.pyplot``, imported on first use (the command line starts without it)."""
    import matplotlib.pyplot as plt

    return plt


def new_axes(ax, size: tuple[float, float]):
    """Return ``ax`` or the Axes of a new constrained-layout figure of ``size`` inches."""
    if ax is not None:
        return ax
    fig = pyplot().figure(figsize=size, layout="constrained")
    return fig.add_subplot()


def wrap(text: str, width: int = 18, max_lines: int = 3) -> str:
    """Wrap a label onto at most ``max_lines`` lines of ``width`` characters.

    Examples
    --------
    >>> wrap("Director of Machine Learning Products", 16)
    'Director of\\nMachine Learning\\nProducts'
    >>> wrap("a" * 40, 10, 2)
    'aaaaaaaaaa\\naaaaaaaaa…'
    """
    lines = textwrap.wrap(str(text), width=width, break_long_words=True) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(width - 1, 1)] + "…"
    return "\n".join(lines)


def local_name(iri: Any) -> str:
    """Last segment of an IRI, as readable words (``.../track/applied-ml`` -> ``Applied ml``)."""
    s = str(iri)
    for sep in ("#", "/"):
        if sep in s:
            s = s.rstrip(sep).rsplit(sep, 1)[-1]
    s = s.replace("-", " ").replace("_", " ").strip()
    return s[:1].upper() + s[1:] if s else str(iri)

def label_of_node(g, n) -> str:
    return str(g.nodes[n].get("label") or local_name(n))



def tint(colour, amount: float = 0.3) -> tuple:
    """An opaque light version of ``colour`` (edges drawn under a box stay hidden)."""
    r, g, b = colour[:3]
    return (1 - amount + amount * r, 1 - amount + amount * g, 1 - amount + amount * b, 1.0)
