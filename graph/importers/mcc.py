"""Import Nesta's "Mapping Career Causeways" occupation data into ``graph/mcc``.

``mcc_transitions_Occupation_data.csv`` (Nesta, MIT licence) gives, for 1,627
ESCO occupations, O*NET's preparation measures carried over through Nesta's
ESCO ↔ O*NET crosswalk and an earnings estimate. Mapping, for each row whose
ESCO occupation (``concept_uri``) is a ``cg:Role`` of the store (import ESCO
first):

* ``job_zone`` → ``cg:jobZone`` (O*NET Job Zone, 1 = little or no
  preparation … 5 = extensive preparation), ``education_level`` →
  ``cg:educationLevel`` (O*NET's RL category scale, 1 = less than high school
  … 12 = post-doctoral training), ``related_work_experience`` →
  ``cg:relatedWorkExperience`` (1 = none … 11 = over 10 years),
  ``on_the_job_training`` → ``cg:onTheJobTraining`` (1 = none … 9 = over 10
  years); each an ``xsd:decimal`` on the role, as in the file (Nesta averages
  O*NET's ratings, so the scales are continuous);
* ``annual_earnings`` → one ``cg:SalaryObservation``
  ``cgid:salary/mcc/<occupation-uuid>``: ``cg:amount`` in GBP, region "United
  Kingdom", ``cg:salarySource`` ``cgid:source/nesta-mcc``, ``cg:statistic``
  ``cg:Median`` with ``cg:comparator "around"``. Nesta calls the figures
  "indicative estimates of annual earnings" derived from ONS ASHE table 14,
  whose headline statistic is the median; the file states no year, so none
  is written.

Every node written points ``prov:wasDerivedFrom`` at the file's
``prov:Entity`` node, which records the file's SHA-256 (``cg:sha256``), so a
later evaluation can tell whether a truth file is one of the graph's own
sources. Rows naming an occupation the store does not hold are counted as
dangling and skipped (no node is invented); a value outside its scale, a
row with the wrong number of fields or a missing column is an
:class:`~careergraph.errors.ImportDataError` naming the file and line, raised
before anything is written.

Examples
--------
>>> from careergraph import open_graph
>>> from careergraph.errors import ImportDataError
>>> try:
...     import_mcc(open_graph(), "/nowhere/mcc_transitions_Occupation_data.csv")
... except ImportDataError as exc:
...     print(str(exc).split(";")[0])
'/nowhere/mcc_transitions_Occupation_data.csv' does not exist
"""

from __future__ import annotations

import csv
import hashlib
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from ..errors import ImportDataError
from ..queries import run_query
from ._common import (
    CGID,
    PROV,
    RDF_TYPE,
    RDFS_LABEL,
    XSD,
    ImportSummary,
    Progress,
    ImportRun,
    cg,
    file_node,
    lit,
    ref,
)

__all__ = ["MCC_COLS", "MCC_SCALES", "file_sha256", "import_mcc"]

#: Columns the importer reads (the file has more; they are ignored).
MCC_COLS = ["concept_uri", "occupation", "job_zone", "education_level", "related_work_experience",
            "on_the_job_training", "annual_earnings"]

#: Column -> (property local name, lowest, highest value on its O*NET scale, count name in the summary).
MCC_SCALES: dict[str, tuple[str, Decimal, Decimal, str]] = {
    "job_zone": ("jobZone", Decimal(1), Decimal(5), "job_zones"),
    "education_level": ("educationLevel", Decimal(1), Decimal(12), "education_levels"),
    "related_work_experience": ("relatedWorkExperience", Decimal(1), Decimal(11), "work_experience"),
    "on_the_job_training": ("onTheJobTraining", Decimal(1), Decimal(9), "on_the_job_training"),
}

_ESCO_OCC = "http://data.europa.eu/esco/occupation/"
_ROLE = "https://w3id.org/careergraph/ontology#Role"
_SOURCE = f"{CGID}source/nesta-mcc"


def file_sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes, read in 1 MiB blocks.

    Examples
    --------
    >>> import os, tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = os.path.join(d, "x.txt")
    ...     _ = open(p, "wb").write(b"abc")
    ...     file_sha256(p)[:16]
    'ba7816bf8f01cfea'
    """
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _read(path: Path) -> list[tuple[int, dict[str, str]]]:
    """Every data row as ``(line, {column: value})`` after checking the header and field counts."""
    expected = ", ".join(MCC_COLS)
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader, [])
            missing = [c for c in MCC_COLS if c not in header]
            if missing:
                raise ImportDataError(f"{path}: unexpected columns; expected {expected} (missing: "
                                      f"{', '.join(missing)}; found: {', '.join(header[:12]) or 'nothing'})")
            idx = {c: header.index(c) for c in MCC_COLS}
            out = []
            for rec in reader:
                line = reader.line_num
                if not rec or not any(x.strip() for x in rec):
                    continue
                if len(rec) != len(header):
                    raise ImportDataError(f"{path}:{line}: {len(rec)} fields, the header has {len(header)}")
                out.append((line, {c: rec[i].strip() for c, i in idx.items()}))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ImportDataError(f"{path}: cannot read as UTF-8 CSV: {exc}") from None
    if not out:
        raise ImportDataError(f"{path}: no data rows; expected the columns {expected}")
    return out


def _value(raw: str, col: str, where: str, low: Decimal | None = None, high: Decimal | None = None) -> Decimal | None:
    if raw == "":
        return None
    try:
        v = Decimal(raw)
    except InvalidOperation:
        raise ImportDataError(f"{where}: {col} {raw!r} is not a number") from None
    if not v.is_finite() or (low is not None and v < low) or (high is not None and v > high):
        scale = f"between {low} and {high}" if low is not None else "a positive number"
        raise ImportDataError(f"{where}: {col} {raw!r} is outside its scale ({scale})")
    return v


def _dec(v: Decimal) -> str:
    return lit(format(v.quantize(Decimal("0.0001")).normalize(), "f"), XSD + "decimal")


def import_mcc(graph, path, *, allow_shrink: bool = False, projection: bool = True,
               progress: Progress | None = None) -> ImportSummary:
    """Import ``mcc_transitions_Occupation_data.csv`` into ``graph/mcc``, replacing a previous import.

    Parameters
    ----------
    graph : Backend
        A store holding the ESCO import.
    path : path
        The CSV file.
    allow_shrink : bool, default False
        Replace a previous import even when the new one has over 10% fewer
        earnings observations.
    projection : bool, default True
        Build the projection cache of a store after the switch.
    progress : callable, optional

    Returns
    -------
    ImportSummary
        ``counts``: occupations, job zones, education levels, earnings;
        ``dangling``: occupations not in the store.

    Raises
    ------
    ImportDataError
        The file is missing or unreadable, lacks a column, has a row with the
        wrong field count or a value outside its scale (file and line), no
        occupation of it is in the store, or the import would shrink the
        previous one by more than 10%. The store is then unchanged.
    """
    gname = "https://w3id.org/careergraph/graph/mcc"
    run = ImportRun(graph, "mcc", target=gname, progress=progress, allow_shrink=allow_shrink, projection=projection)
    say = run.say
    path = Path(path)
    if not path.is_file():
        raise ImportDataError(f"'{path}' does not exist; give Nesta's mcc_transitions_Occupation_data.csv "
                              f"(columns {', '.join(MCC_COLS)})")
    say(f"reading {path.name}")
    rows = _read(path)
    parsed: list[tuple[str, str, dict[str, Decimal], Decimal | None]] = []
    for line, r in rows:
        where = f"{path}:{line}"
        uri = r["concept_uri"]
        if not uri.startswith(_ESCO_OCC):
            raise ImportDataError(f"{where}: concept_uri {uri!r} is not an ESCO occupation IRI ({_ESCO_OCC}...)")
        levels = {}
        for col, (_prop, low, high, _n) in MCC_SCALES.items():
            v = _value(r[col], col, where, low, high)
            if v is not None:
                levels[col] = v
        earn = _value(r["annual_earnings"], "annual_earnings", where)
        if earn is not None and earn <= 0:
            raise ImportDataError(f"{where}: annual_earnings {r['annual_earnings']!r} must be > 0")
        parsed.append((uri, r["occupation"], levels, earn))

    with run:
        typed = run_query(graph, "SELECT DISTINCT ?e ?cls WHERE { ?e a ?cls }",
                          {"cls": ox.NamedNode(_ROLE)}).column("e")
        roles = {u for u, *_ in parsed} & set(typed)
        if not roles:
            raise ImportDataError(f"{path}: none of its {len(parsed)} ESCO occupations is in this store; "
                                  "import ESCO first ('careergraph import esco ...')")
        summary = ImportSummary(key="mcc", graph=gname, version="Nov2020")
        dataset = f"{CGID}dataset/mcc"
        ds_ref, in_ds, derived = ref(dataset), cg("inDataset"), f"<{PROV}wasDerivedFrom>"
        nt = run.nt
        src = file_node(nt, summary, f"{CGID}file/mcc/{path.name}", path.name, ds_ref)
        nt.add(src, cg("sha256"), lit(file_sha256(path)))
        source = ref(_SOURCE)
        nt.add(source, RDF_TYPE, cg("Source"))
        nt.add(source, RDFS_LABEL, lit("Nesta, Mapping Career Causeways (indicative earnings from ONS ASHE)"))
        nt.add(source, in_ds, ds_ref)
        nt.add(source, derived, src)
        counts = {"occupations": 0, **{spec[3]: 0 for spec in MCC_SCALES.values()}, "earnings": 0}
        seen: set[str] = set()
        for uri, _label, levels, earn in parsed:
            if uri not in roles:
                summary.dangle("esco_occupation", uri)
                continue
            if uri in seen:
                continue
            seen.add(uri)
            occ = ref(uri)
            counts["occupations"] += 1
            for col, v in levels.items():
                nt.add(occ, cg(MCC_SCALES[col][0]), _dec(v))
                counts[MCC_SCALES[col][3]] += 1
            if earn is not None:
                obs = ref(f"{CGID}salary/mcc/{uri.rsplit('/', 1)[-1]}")
                nt.add(obs, RDF_TYPE, cg("SalaryObservation"))
                nt.add(obs, cg("salaryOf"), occ)
                nt.add(obs, cg("salarySource"), source)
                nt.add(obs, cg("statistic"), cg("Median"))
                nt.add(obs, cg("comparator"), lit("around"))
                nt.add(obs, cg("amount"), lit(format(earn.quantize(Decimal(1)), "f"), XSD + "decimal"))
                nt.add(obs, cg("currency"), lit("GBP"))
                nt.add(obs, cg("region"), lit("United Kingdom"))
                nt.add(obs, in_ds, ds_ref)
                nt.add(obs, derived, src)
                counts["earnings"] += 1
        summary.counts = counts
        return run.finish(summary, None, dataset=dataset, label="Nesta Mapping Career Causeways occupation data")
