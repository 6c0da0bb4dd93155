"""Import Nesta's "Mapping Career Causeways" occupation data into ``graph/mcc``.

Two files of Nesta's (MIT licence), either or both in one import (each is
recognised by its header):

* ``mcc_transitions_Occupation_data.csv`` gives, for 1,627 ESCO occupations,
  O*NET's preparation measures carried over through Nesta's ESCO ↔ O*NET
  crosswalk, an earnings estimate and the occupation's skills-based sector;
* ``mcc_skills_based_sectors_All_ESCO.csv`` gives the skills-based sector
  and sub-sector of 2,942 ESCO occupations.

Mapping, for each row whose ESCO occupation (``concept_uri``) is a
``cg:Role`` of the store (import ESCO first):

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
  is written;
* ``sub_sector_code`` / ``sub_sector`` → ``cg:skillsCluster``
  ``cgid:group/nesta-sector/<code>`` (a ``skos:Concept`` with
  ``skos:notation`` and label, ``skos:broader`` its sector
  ``cgid:group/nesta-sector/<sector code>``, both ``skos:inScheme``
  ``cgid:scheme/nesta-skills-based-sectors``). Nesta clustered ESCO
  occupations by their skills into 14 sectors and 54 sub-sectors; they group
  occupations, they are not industries or kinds of employer (so not
  ``cg:Sector``). Both files state them; where both name an occupation they
  must agree.

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
import re
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
    SKOS,
    XSD,
    ImportSummary,
    Progress,
    ImportRun,
    cg,
    file_node,
    lit,
    ref,
)

__all__ = ["MCC_COLS", "MCC_SCALES", "SECTOR_COLS", "file_sha256", "import_mcc"]

#: Columns the importer reads from the occupation data file (it has more; they are ignored).
MCC_COLS = ["concept_uri", "occupation", "job_zone", "education_level", "related_work_experience",
            "on_the_job_training", "annual_earnings"]

#: Columns of the skills-based sectors (the whole sectors file; also read from the occupation data file).
SECTOR_COLS = ["concept_uri", "occupation", "skills_based_sector_code", "skills_based_sector", "sub_sector_code",
               "sub_sector"]

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
_SCHEME = f"{CGID}scheme/nesta-skills-based-sectors"
_GROUP = f"{CGID}group/nesta-sector/"
_CODE = re.compile(r"\d{1,3}(\.\d{1,3})?")
_IN_DATASET, _DERIVED = cg("inDataset"), f"<{PROV}wasDerivedFrom>"


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


def _read(path: Path) -> tuple[str, list[tuple[int, dict[str, str]]]]:
    """The file's kind (``"levels"`` or ``"sectors"``) and every data row as ``(line, {column: value})``.

    The kind comes from the header: the occupation data file has the
    columns of :data:`MCC_COLS` (and the sectors, read too when present), the
    sectors file those of :data:`SECTOR_COLS`. Field counts are checked.
    """
    expected = f"{', '.join(MCC_COLS)} (occupation data) or {', '.join(SECTOR_COLS)} (skills-based sectors)"
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader, [])
            has_sectors = all(c in header for c in SECTOR_COLS)
            if all(c in header for c in MCC_COLS):
                kind, cols = "levels", MCC_COLS + [c for c in SECTOR_COLS if has_sectors and c not in MCC_COLS]
            elif has_sectors:
                kind, cols = "sectors", SECTOR_COLS
            else:
                missing = [c for c in MCC_COLS if c not in header]
                raise ImportDataError(f"{path}: unexpected columns; expected {expected} (missing: "
                                      f"{', '.join(missing)}; found: {', '.join(header[:12]) or 'nothing'})")
            idx = {c: header.index(c) for c in cols}
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
    return kind, out


def _sector(r: dict[str, str], where: str) -> tuple[str, str, str, str] | None:
    """``(sector code, sector, sub-sector code, sub-sector)`` of a row, or None when it states none."""
    sec, sub = r.get("skills_based_sector_code", ""), r.get("sub_sector_code", "")
    if not sec and not sub:
        return None
    for col, code in (("skills_based_sector_code", sec), ("sub_sector_code", sub)):
        if not _CODE.fullmatch(code):
            raise ImportDataError(f"{where}: {col} {code!r} is not a sector code such as 4 or 4.1")
    if sub.split(".")[0] != sec or "." not in sub:
        raise ImportDataError(f"{where}: sub_sector_code {sub!r} is not a sub-sector of sector {sec!r} "
                              f"(expected {sec}.<n>)")
    if not r["skills_based_sector"] or not r["sub_sector"]:
        raise ImportDataError(f"{where}: a sector code without its name (skills_based_sector, sub_sector)")
    return sec, r["skills_based_sector"], sub, r["sub_sector"]


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


def import_mcc(graph, paths, *, allow_shrink: bool = False, projection: bool = True,
               progress: Progress | None = None) -> ImportSummary:
    """Import Nesta's occupation data and/or skills-based sectors into ``graph/mcc``, replacing a previous import.

    Parameters
    ----------
    graph : Backend
        A store holding the ESCO import.
    paths : path or sequence of paths
        ``mcc_transitions_Occupation_data.csv``, ``mcc_skills_based_sectors_All_ESCO.csv``
        or both (at most one of each kind, told apart by their headers).
    allow_shrink : bool, default False
        Replace a previous import even when the new one has over 10% fewer
        earnings observations.
    projection : bool, default True
        Build the projection cache of a store after the switch.
    progress : callable, optional

    Returns
    -------
    ImportSummary
        ``counts``: occupations, job zones, education levels, earnings,
        sectors, sub-sectors and occupations with a sub-sector;
        ``dangling``: occupations not in the store.

    Raises
    ------
    ImportDataError
        A file is missing or unreadable, lacks a column, has a row with the
        wrong field count, a value outside its scale or a malformed sector code
        (file and line), two files of one kind are given, the files disagree
        on an occupation's sector, no occupation of them is in the store, or
        the import would shrink the previous one by more than 10%. The store
        is then unchanged.
    """
    gname = "https://w3id.org/careergraph/graph/mcc"
    run = ImportRun(graph, "mcc", target=gname, progress=progress, allow_shrink=allow_shrink, projection=projection)
    say = run.say
    files = [Path(paths)] if isinstance(paths, (str, Path)) else [Path(p) for p in paths]
    if not files:
        raise ImportDataError("no file given; give Nesta's mcc_transitions_Occupation_data.csv and/or "
                              "mcc_skills_based_sectors_All_ESCO.csv")
    read: dict[str, tuple[Path, list[tuple[int, dict[str, str]]]]] = {}
    for path in files:
        if not path.is_file():
            raise ImportDataError(f"'{path}' does not exist; give Nesta's mcc_transitions_Occupation_data.csv "
                                  f"(columns {', '.join(MCC_COLS)}) and/or mcc_skills_based_sectors_All_ESCO.csv "
                                  f"(columns {', '.join(SECTOR_COLS)})")
        say(f"reading {path.name}")
        kind, rows = _read(path)
        if kind in read:
            raise ImportDataError(f"{path}: a second {'occupation data' if kind == 'levels' else 'sectors'} file "
                                  f"(the first is {read[kind][0]}); give at most one of each")
        read[kind] = (path, rows)
    parsed: list[tuple[str, str, dict[str, Decimal], Decimal | None]] = []
    sectors: dict[str, tuple[tuple[str, str, str, str], str]] = {}  # occupation -> (sector, where stated)
    for kind in ("sectors", "levels"):
        if kind not in read:
            continue
        path, rows = read[kind]
        for line, r in rows:
            where = f"{path}:{line}"
            uri = r["concept_uri"]
            if not uri.startswith(_ESCO_OCC):
                raise ImportDataError(f"{where}: concept_uri {uri!r} is not an ESCO occupation IRI ({_ESCO_OCC}...)")
            sec = _sector(r, where) if "sub_sector_code" in r else None
            if sec is not None:
                if uri in sectors and sectors[uri][0][::2] != sec[::2]:
                    raise ImportDataError(f"{where}: sub-sector {sec[2]} of {uri}, but {sectors[uri][1]} says "
                                          f"{sectors[uri][0][2]}; the files disagree")
                sectors.setdefault(uri, (sec, where))
            if kind == "sectors":
                continue
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
        named = {u for u, *_ in parsed} | set(sectors)
        roles = named & set(typed)
        if not roles:
            raise ImportDataError(f"{', '.join(str(p) for p, _ in read.values())}: none of its {len(named)} ESCO "
                                  "occupations is in this store; import ESCO first ('careergraph import esco ...')")
        summary = ImportSummary(key="mcc", graph=gname, version="Nov2020")
        for uri in sorted(named - roles):
            summary.dangle("esco_occupation", uri)
        dataset = f"{CGID}dataset/mcc"
        ds_ref, in_ds, derived = ref(dataset), _IN_DATASET, _DERIVED
        nt = run.nt
        src_of = {}
        for kind, (path, _rows) in read.items():
            src_of[kind] = file_node(nt, summary, f"{CGID}file/mcc/{path.name}", path.name, ds_ref)
            nt.add(src_of[kind], cg("sha256"), lit(file_sha256(path)))
        src = src_of.get("levels")
        source = ref(_SOURCE)
        if src is not None:  # the source of the earnings figures: only the occupation data states them
            nt.add(source, RDF_TYPE, cg("Source"))
            nt.add(source, RDFS_LABEL, lit("Nesta, Mapping Career Causeways (indicative earnings from ONS ASHE)"))
            nt.add(source, in_ds, ds_ref)
            nt.add(source, derived, src)
        counts = {"occupations": 0, **{spec[3]: 0 for spec in MCC_SCALES.values()}, "earnings": 0}
        seen: set[str] = set()
        for uri, _label, levels, earn in parsed:
            if uri not in roles:
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
        counts.update(_write_sectors(nt, sectors, roles, src_of["sectors" if "sectors" in src_of else "levels"],
                                     ds_ref) if sectors else {"sectors": 0, "sub_sectors": 0, "sector_occupations": 0})
        summary.counts = counts
        what = " and ".join(x for k, x in (("levels", "occupation data"), ("sectors", "skills-based sectors"))
                            if k in read)
        return run.finish(summary, None, dataset=dataset, label=f"Nesta Mapping Career Causeways {what}")


def _write_sectors(nt, sectors, roles, src, ds_ref) -> dict[str, int]:
    """The scheme, its sectors and sub-sectors, and each occupation's ``cg:skillsCluster``; their counts."""
    in_ds, derived = _IN_DATASET, _DERIVED
    concept, in_scheme, notation = f"<{SKOS}Concept>", f"<{SKOS}inScheme>", f"<{SKOS}notation>"
    scheme = ref(_SCHEME)
    nt.add(scheme, RDF_TYPE, f"<{SKOS}ConceptScheme>")
    nt.add(scheme, RDFS_LABEL, lit("Nesta skills-based sectors (Mapping Career Causeways)"))
    nt.add(scheme, in_ds, ds_ref)
    nt.add(scheme, derived, src)
    groups: dict[str, tuple[str, str | None]] = {}
    members = 0
    for uri, ((sec, sec_label, sub, sub_label), _where) in sorted(sectors.items()):
        groups.setdefault(sec, (sec_label, None))
        groups.setdefault(sub, (sub_label, sec))
        if uri not in roles:
            continue
        nt.add(ref(uri), cg("skillsCluster"), ref(_GROUP + sub))
        members += 1
    for code, (label, broader) in sorted(groups.items()):
        g = ref(_GROUP + code)
        nt.add(g, RDF_TYPE, concept)
        nt.add(g, RDFS_LABEL, lit(label))
        nt.add(g, notation, lit(code))
        nt.add(g, in_scheme, scheme)
        nt.add(g, in_ds, ds_ref)
        nt.add(g, derived, src)
        if broader is not None:
            nt.add(g, f"<{SKOS}broader>", ref(_GROUP + broader))
    n_sub = sum(1 for _l, b in groups.values() if b is not None)
    return {"sectors": len(groups) - n_sub, "sub_sectors": n_sub, "sector_occupations": members}
