"""Salary ranges and marks per role and source."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from ..errors import InvalidParameter
from ._common import local_name, new_axes, pyplot, wrap

__all__ = ["plot_salaries"]


_STAT_MARKERS = {
    "mean": ("D", "mean"),
    "median": ("o", "median"),
    "percentile": ("|", "percentile"),
    "min": ("<", "minimum"),
    "max": (">", "maximum"),
    "topearners": ("*", "top earners"),
}
_COMPARATOR = {"upto": "≤", "morethan": ">", "around": "≈"}


def _stat(value) -> str:
    """``cg:RangeLow`` / ``…#Median`` / ``"median"`` -> ``rangelow`` / ``median``."""
    s = str(value or "")
    s = s.rsplit("#", 1)[-1].rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    return s.replace("-", "").replace("_", "").lower()


def _usd(x, _pos=None) -> str:
    """Thousands formatting for money axes.

    Examples
    --------
    >>> _usd(142418.0)
    '$142,418'
    """
    return f"${x:,.0f}"


def _year(v) -> str:
    s = str(v)
    return s[:4] if len(s) >= 4 and s[:4].isdigit() else s


def plot_salaries(rows: Iterable[Mapping[str, Any]], *, ax=None, currency: str | None = None):
    """Draw salary observations: per role and source, the range and the marks.

    Each role gets one band, with one line per source (and region): a bar
    from the range's low to its high end, and marks for mean, median,
    percentiles (labelled ``p25``...), minimum, maximum and top earners.
    Bounds a source only gives as "up to", "more than" or "around" carry
    ``≤``, ``>`` or ``≈`` in their label. Statistics that are differences
    (``AboveNationalAverage``) are left out.

    Parameters
    ----------
    rows : iterable of dict
        Rows of ``queries/plot-salaries.rq``: ``role``, ``label``,
        ``source``, ``sourceLabel``, ``statistic`` (``cg:`` IRI or name),
        ``percentile``, ``amount``, ``currency``, ``year``, ``region``,
        ``comparator``.
    ax : matplotlib.axes.Axes, optional
    currency : str, optional
        Keep rows of this currency only; needed when the rows mix currencies.

    Returns
    -------
    matplotlib.axes.Axes
        Its title names the year(s) and region(s).

    Raises
    ------
    InvalidParameter
        No rows with an amount, or several currencies and none chosen.

    Examples
    --------
    >>> rows = [
    ...   {"label": "ML Scientist", "sourceLabel": "ZipRecruiter", "statistic": "RangeLow",
    ...    "amount": 78500, "currency": "USD", "year": "2024", "region": "United States"},
    ...   {"label": "ML Scientist", "sourceLabel": "ZipRecruiter", "statistic": "RangeHigh",
    ...    "amount": 199500, "currency": "USD", "year": "2024", "region": "United States"},
    ...   {"label": "ML Scientist", "sourceLabel": "ZipRecruiter", "statistic": "Percentile",
    ...    "percentile": 25, "amount": 123500, "currency": "USD", "year": "2024", "region": "United States"}]
    >>> ax = plot_salaries(rows)
    >>> ax.get_title()
    'Annual salary by role and source: United States, 2024'
    >>> ax.get_xlabel()
    'Annual salary (USD)'
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    data = [dict(r) for r in rows if r.get("amount") is not None]
    data = [r for r in data if _stat(r.get("statistic")) not in ("abovenationalaverage", "difference")]
    currencies = sorted({str(r.get("currency") or "USD") for r in data})
    if currency is not None:
        data = [r for r in data if str(r.get("currency") or "USD") == currency]
    elif len(currencies) > 1:
        raise InvalidParameter(
            f"Salary rows mix currencies {', '.join(currencies)}; pass currency= one of them"
        )
    if not data:
        raise InvalidParameter("No salary observations to draw; the roles have no salary data")
    cur = currency or currencies[0]

    def role_of(r):
        return str(r.get("label") or local_name(r.get("role", "?")))

    def source_of(r):
        return str(r.get("sourceLabel") or local_name(r.get("source") or "unattributed"))

    bands: dict[str, dict[tuple[str, str], list[dict]]] = defaultdict(lambda: defaultdict(list))
    for r in data:
        bands[role_of(r)][(source_of(r), str(r.get("region") or ""))].append(r)
    role_order = sorted(bands, key=lambda k: -max(float(x["amount"]) for v in bands[k].values() for x in v))
    sources = sorted({s for b in bands.values() for s, _reg in b})
    cmap = pyplot().get_cmap("tab10" if len(sources) <= 10 else "tab20")
    colour = {s: cmap(i % cmap.N) for i, s in enumerate(sources)}
    regions = Counter(str(r.get("region") or "") for r in data)
    main_region = regions.most_common(1)[0][0]

    n_lines = sum(len(b) for b in bands.values())
    height = float(np.clip(n_lines * 0.62 + len(bands) * 0.35 + 1.8, 3.2, 26))
    ax = new_axes(ax, (10.5, height))

    y = 0.0
    yticks, yticklabels, role_mid = [], [], []
    stats_used = set()
    amounts = []
    for role in role_order:
        top = y
        for (src, region), obs in sorted(bands[role].items()):
            c = colour[src]
            lows = [float(o["amount"]) for o in obs if _stat(o.get("statistic")) in ("rangelow", "min")]
            highs = [float(o["amount"]) for o in obs if _stat(o.get("statistic")) in ("rangehigh", "max")]
            if lows and highs:
                ax.plot([min(lows), max(highs)], [y, y], color=c, lw=7, alpha=0.35, solid_capstyle="butt")
            marks = []
            for o in obs:
                st = _stat(o.get("statistic"))
                amt = float(o["amount"])
                amounts.append(amt)
                comp = _COMPARATOR.get(str(o.get("comparator") or "").lower().replace("-", ""), "")
                if st in ("rangelow", "rangehigh"):
                    ax.plot([amt, amt], [y - 0.17, y + 0.17], color=c, lw=1.5)
                    if comp:
                        marks.append((amt, comp))
                    continue
                if st == "percentile":
                    p = o.get("percentile")
                    text = f"{comp}p{int(float(p))}" if p is not None else f"{comp}pct"
                    ax.plot([amt], [y], marker="|", markersize=14, mew=2.2, color=c, linestyle="none")
                    stats_used.add("percentile")
                else:
                    key = st if st in _STAT_MARKERS else "max" if st.endswith("high") else st
                    marker, name = _STAT_MARKERS.get(key, ("x", st or "value"))
                    ax.plot([amt], [y], marker=marker, markersize=8 if marker != "*" else 11,
                            color=c, mec="black", mew=0.6, linestyle="none", zorder=3)
                    stats_used.add(key if key in _STAT_MARKERS else st)
                    text = comp + {"mean": "mean", "median": "median", "min": "min", "max": "max",
                                   "topearners": "top"}.get(key, name)
                marks.append((amt, text))
            # alternate labels above and below the line so close marks do not collide
            for k, (amt, text) in enumerate(sorted(marks)):
                above = k % 2 == 0
                ax.annotate(text, (amt, y), xytext=(0, 9 if above else -9), textcoords="offset points",
                            ha="center", va="bottom" if above else "top", fontsize=6.5, color="#222222")
            src_text = src if region == main_region or not region else f"{src} ({region})"
            yticks.append(y)
            yticklabels.append(wrap(src_text, 30, 2))
            y -= 1.0
        role_mid.append((role, (top + y + 1.0) / 2, top + 0.55))
        y -= 0.6
    ax.set_yticks(yticks, yticklabels, fontsize=8)
    for ylab in ax.get_yticklabels():
        ylab.set_color(colour.get(ylab.get_text().split(" (")[0].replace("\n", " "), "black"))
    for role, _mid, top in role_mid:
        ax.text(0.01, top, role, transform=ax.get_yaxis_transform(), ha="left", va="bottom",
                fontsize=9.5, fontweight="bold")
    ax.set_ylim(y + 0.6 + 0.45, 0.95)
    lo, hi = min(amounts), max(amounts)
    pad = max(hi - lo, 0.2 * hi, 1.0)
    ax.set_xlim(max(0.0, lo - pad * 0.08), hi + pad * 0.06)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=8))
    ax.xaxis.set_major_formatter(FuncFormatter(_usd) if cur == "USD" else
                                 FuncFormatter(lambda x, _p: f"{x:,.0f}"))
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(axis="x", color="#dddddd", lw=0.6)
    ax.set_axisbelow(True)
    ax.set_xlabel(f"Annual salary ({cur})")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)

    handles = [Patch(color=colour[s], label=s) for s in sources]
    handles.append(Line2D([], [], color="grey", lw=7, alpha=0.35, label="overall range"))
    for key in ("mean", "median", "percentile", "min", "max", "topearners"):
        if key in stats_used:
            marker, name = _STAT_MARKERS[key]
            handles.append(Line2D([], [], marker=marker, color="grey", mec="black", mew=0.6 if marker != "|" else 2,
                                  linestyle="none", markersize=8, label=name))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False,
              title="Source / statistic", title_fontsize=8.5)
    years = sorted({_year(r["year"]) for r in data if r.get("year") is not None})
    where = ", ".join(reg for reg, _n in regions.most_common() if reg) or "region not given"
    if "" in regions and where != "region not given":
        where += " (some figures without region)"
    when = ", ".join(years) if years else "year not given"
    if years and any(r.get("year") is None for r in data):
        when += " (some figures undated)"
    ax.set_title(f"Annual salary by role and source: {where}, {when}")
    return ax
