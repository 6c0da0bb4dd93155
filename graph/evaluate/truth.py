"""Truth files: related occupations in the layout of O*NET's ``Related Occupations.txt``."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ImportDataError

__all__ = ["GRADES", "PRIMARY_TIERS", "TRUTH_COLUMNS", "Truth", "norm_code", "read_truth"]

#: Required and optional columns of a truth file (O*NET's names).
TRUTH_COLUMNS = {
    "source": "O*NET-SOC Code",
    "related": "Related O*NET-SOC Code",
    "tier": "Relatedness Tier",
    "index": "Index",
}

#: The tiers counted as relevant by default when a file has them.
PRIMARY_TIERS = ("Primary-Short", "Primary-Long")

#: Grade (gain in nDCG) of each relatedness tier, by lower-cased name; other tiers grade 1.
GRADES = {"primary-short": 3, "primary-long": 2, "supplemental": 1}

_CODE = re.compile(r"^\d{2}-\d{4}$")


@dataclass
class Truth:
    """Related occupations read from a truth file.

    Attributes
    ----------
    path : Path
    relevant : dict
        Source code -> {related code: grade}, only rows of the counted tiers.
    tiers : list of str or None
        The tiers counted (``None`` when the file has no tier column).
    tiers_found : list of str
        Every tier the file names.
    n_rows : int
        Data rows read (before the tier filter).
    """

    path: Path
    relevant: dict[str, dict[str, int]]
    tiers: list[str] | None
    tiers_found: list[str] = field(default_factory=list)
    n_rows: int = 0


def norm_code(code: str) -> str:
    code = code.strip()
    return code + ".00" if _CODE.match(code) else code


def _header_key(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace("\ufeff", "")).strip().lower()


def read_truth(path: str | Path, *, tiers: Iterable[str] | str | None = None) -> Truth:
    """Read a related-occupations truth file.

    Parameters
    ----------
    path : str or Path
        Tab- or comma-separated text with a header row holding
        ``O*NET-SOC Code`` and ``Related O*NET-SOC Code`` (optional
        ``Relatedness Tier``, ``Index``; other columns are ignored; names
        match case-insensitively). Codes without the ``.NN`` suffix get
        ``.00``.
    tiers : iterable of str or "all", optional
        Tiers that count as relevant (case-insensitive). By default, O*NET's
        primary tiers (:data:`PRIMARY_TIERS`) when the file has them, else
        every row; ``"all"`` counts every row.

    Returns
    -------
    Truth

    Raises
    ------
    ImportDataError
        The file cannot be read, lacks a required column (the message names
        the file and the columns expected), has an empty code (file and
        line), ``tiers`` is given but the file has no tier column or none of
        those tiers, or no row is left to evaluate.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = os.path.join(d, "truth.txt")
    ...     with open(p, "w") as f:
    ...         _ = f.write("O*NET-SOC Code\\tRelated O*NET-SOC Code\\tRelatedness Tier\\tIndex\\n"
    ...                     "15-2051.00\\t15-2041.00\\tPrimary-Short\\t1\\n"
    ...                     "15-2051.00\\t15-1221.00\\tSupplemental\\t2\\n")
    ...     t = read_truth(p)
    >>> t.relevant, t.tiers
    ({'15-2051.00': {'15-2041.00': 3}}, ['Primary-Short', 'Primary-Long'])
    """
    path = Path(path)
    expected = (f"a truth file needs the columns '{TRUTH_COLUMNS['source']}' and "
                f"'{TRUTH_COLUMNS['related']}' (optional '{TRUTH_COLUMNS['tier']}', "
                f"'{TRUTH_COLUMNS['index']}'), tab- or comma-separated with a header row, "
                "as O*NET's 'Related Occupations.txt'")
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            text = fh.read()
    except FileNotFoundError:
        raise ImportDataError(f"Truth file '{path}' does not exist; {expected}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportDataError(f"Truth file '{path}' cannot be read ({exc}); {expected}") from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ImportDataError(f"Truth file '{path}' is empty; {expected}")
    delim = "\t" if "\t" in lines[0] else ","
    reader = csv.reader(lines, delimiter=delim, quoting=csv.QUOTE_NONE if delim == "\t" else csv.QUOTE_MINIMAL)
    header = next(reader)
    col = {_header_key(h): j for j, h in reversed(list(enumerate(header)))}
    want = {k: col.get(_header_key(v)) for k, v in TRUTH_COLUMNS.items()}
    missing = [TRUTH_COLUMNS[k] for k in ("source", "related") if want[k] is None]
    if missing:
        found = ", ".join(repr(h) for h in header) or "none"
        raise ImportDataError(f"{path}: missing column(s) {', '.join(repr(m) for m in missing)}; "
                              f"{expected}. Columns found: {found}")

    rows: list[tuple[str, str, str | None]] = []
    for lineno, rec in enumerate(reader, start=2):
        if not rec or not any(x.strip() for x in rec):
            continue
        def cell(key: str) -> str:
            j = want[key]
            return rec[j].strip() if j is not None and j < len(rec) else ""
        src, rel = cell("source"), cell("related")
        if not src or not rel:
            name = TRUTH_COLUMNS["source" if not src else "related"]
            raise ImportDataError(f"{path}:{lineno}: empty '{name}'; every row needs both codes")
        rows.append((norm_code(src), norm_code(rel), cell("tier") if want["tier"] is not None else None))

    has_tiers = want["tier"] is not None
    found_tiers = sorted({t for _, _, t in rows if t}) if has_tiers else []
    by_lower = {t.lower(): t for t in found_tiers}
    if isinstance(tiers, str):
        tiers = [tiers]
    chosen: list[str] | None
    if tiers is None:
        prim = [t for t in PRIMARY_TIERS if t.lower() in by_lower]
        chosen = list(PRIMARY_TIERS) if prim else (found_tiers or None)
    else:
        tiers = [t.strip() for t in tiers if t.strip()]
        if any(t.lower() == "all" for t in tiers):
            chosen = found_tiers or None
        elif not has_tiers:
            raise ImportDataError(f"{path}: has no '{TRUTH_COLUMNS['tier']}' column, so tiers "
                                  f"{', '.join(map(repr, tiers))} cannot be selected; drop --tier")
        else:
            unknown = [t for t in tiers if t.lower() not in by_lower]
            if unknown:
                raise ImportDataError(f"{path}: no row has tier {', '.join(map(repr, unknown))}; "
                                      f"its tiers are: {', '.join(found_tiers) or 'none'} (or 'all')")
            chosen = [by_lower[t.lower()] for t in tiers]
    keep = {t.lower() for t in chosen} if (chosen is not None and has_tiers) else None

    relevant: dict[str, dict[str, int]] = {}
    for src, rel, tier in rows:
        if keep is not None and (tier or "").lower() not in keep:
            continue
        grade = GRADES.get((tier or "").lower(), 1) if has_tiers else 1
        d = relevant.setdefault(src, {})
        d[rel] = max(d.get(rel, 0), grade)
    if not relevant:
        raise ImportDataError(f"{path}: no row left to evaluate"
                              + (f" with tiers {', '.join(chosen)}" if chosen else "")
                              + f"; {expected}")
    return Truth(path=path, relevant=relevant, tiers=chosen if has_tiers else None,
                 tiers_found=found_tiers, n_rows=len(rows))
