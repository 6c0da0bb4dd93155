"""Shared pieces of the importers: N-Triples writing, reading CSV members, summaries."""

from __future__ import annotations

import csv
import io
import os
import re
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ..errors import ImportDataError
from ..store import SourceRecord, replace_source

__all__ = ["FileSet", "ImportSummary", "NTWriter", "Progress", "lit", "ref"]

#: Progress callback: receives one short message per step (the CLI prints it on stderr).
Progress = Callable[[str], None]

CG = "https://w3id.org/careergraph/ontology#"
CGID = "https://w3id.org/careergraph/id/"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
XSD = "http://www.w3.org/2001/XMLSchema#"
ESCO_MODEL = "http://data.europa.eu/esco/model#"

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # ESCO cells (concept-scheme member lists) exceed 128 KiB

_ESC = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def ref(iri: str) -> str:
    """``<iri>`` for N-Triples."""
    return f"<{iri}>"


def lit(text, datatype: str | None = None, lang: str | None = None) -> str:
    """An N-Triples literal (escaped); ``datatype`` is a full IRI, ``lang`` a tag."""
    body = '"' + str(text).translate(_ESC) + '"'
    if lang:
        return f"{body}@{lang}"
    if datatype:
        return f"{body}^^<{datatype}>"
    return body


def cg(local: str) -> str:
    return f"<{CG}{local}>"


class NTWriter:
    """Write triples as N-Triples lines to a temporary file, counting them.

    Triples are written as pre-formatted terms (see :func:`ref`, :func:`lit`);
    callers keep them unique, so the line count is the triple count.
    """

    def __init__(self) -> None:
        fd, name = tempfile.mkstemp(prefix="careergraph-import-", suffix=".nt")
        self.path = Path(name)
        self._fh = os.fdopen(fd, "w", encoding="utf-8", newline="\n", buffering=1 << 20)
        self.count = 0

    def add(self, s: str, p: str, o: str) -> None:
        self._fh.write(f"{s} {p} {o} .\n")
        self.count += 1

    def lines(self, lines: list[str]) -> None:
        """Add already formatted ``s p o .`` lines."""
        self._fh.write("\n".join(lines))
        if lines:
            self._fh.write("\n")
        self.count += len(lines)

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.close()

    def discard(self) -> None:
        self.close()
        try:
            self.path.unlink()
        except OSError:
            pass


@dataclass
class ImportSummary:
    """What one import did: counts per kind, dangling references, warnings, time."""

    key: str
    graph: str
    version: str = ""
    triples: int = 0
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    dangling: dict[str, int] = field(default_factory=dict)
    dangling_examples: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def dangle(self, kind: str, value: str) -> None:
        self.dangling[kind] = self.dangling.get(kind, 0) + 1
        ex = self.dangling_examples.setdefault(kind, [])
        if value not in ex and len(ex) < 5:
            ex.append(value)

    def as_dict(self) -> dict:
        return {"key": self.key, "graph": self.graph, "version": self.version, "triples": self.triples,
                "seconds": round(self.seconds, 2), "counts": self.counts, "dangling": self.dangling,
                "dangling_examples": self.dangling_examples, "warnings": self.warnings, "files": self.files}


class FileSet:
    """CSV/TSV members found in zip archives, folders or plain files, by base name."""

    def __init__(self, paths) -> None:
        self.members: dict[str, tuple[Path, str | None]] = {}
        self.origins: list[Path] = []
        for raw in paths:
            path = Path(raw)
            if not path.exists():
                raise ImportDataError(f"'{path}' does not exist; give the downloaded zip archives, "
                                      "their extracted folder or the CSV files")
            self.origins.append(path)
            if path.is_dir():
                for p in sorted(path.rglob("*")):
                    if p.is_file() and p.suffix.lower() in (".csv", ".txt"):
                        self.members.setdefault(p.name, (p, None))
            elif zipfile.is_zipfile(path):
                with zipfile.ZipFile(path) as zf:
                    for name in zf.namelist():
                        if not name.endswith("/"):
                            self.members.setdefault(Path(name).name, (path, name))
            else:
                self.members.setdefault(path.name, (path, None))

    def find(self, name: str) -> bool:
        return name in self.members

    def where(self, name: str) -> str:
        path, member = self.members[name]
        return f"{path}!{member}" if member else str(path)

    def open_text(self, name: str) -> io.TextIOBase:
        path, member = self.members[name]
        if member is None:
            return open(path, encoding="utf-8-sig", newline="")
        zf = zipfile.ZipFile(path)
        return io.TextIOWrapper(zf.open(member), encoding="utf-8-sig", newline="")

    def rows(self, name: str, expected: list[str], *, delimiter: str = ",") -> Iterator[dict[str, str]]:
        """Yield rows as dicts after checking the header holds ``expected`` columns.

        Raises
        ------
        ImportDataError
            The header lacks a column; the message names the file and the columns expected.
        """
        fh = self.open_text(name)
        try:
            reader = csv.reader(fh, delimiter=delimiter)
            try:
                header = next(reader)
            except (StopIteration, UnicodeDecodeError, csv.Error):
                header = []
            missing = [c for c in expected if c not in header]
            if missing:
                raise ImportDataError(
                    f"{self.where(name)}: unexpected columns; expected {', '.join(expected)} "
                    f"(missing: {', '.join(missing)}; found: {', '.join(header[:20]) or 'nothing'})")
            idx = [header.index(c) for c in expected]
            line = 1
            try:
                for row in reader:
                    line += 1
                    if not row:
                        continue
                    if len(row) < len(header):
                        row = row + [""] * (len(header) - len(row))
                    yield {c: row[i] for c, i in zip(expected, idx)}
            except (csv.Error, UnicodeDecodeError) as exc:
                raise ImportDataError(f"{self.where(name)}:{line}: cannot read: {exc}") from None
        finally:
            fh.close()


_VERSION = re.compile(r"v(\d+(?:\.\d+)+)")


def file_node(nt: NTWriter, summary: ImportSummary, iri: str, name: str, dataset_ref: str) -> str:
    """Write the ``prov:Entity`` node of one source file and record the file in ``summary``.

    Imported nodes point ``prov:wasDerivedFrom`` at it; it is labelled with the
    file name and is ``dcterms:isPartOf`` the dataset. Returns the node as an
    N-Triples term.
    """
    node = ref(iri)
    nt.add(node, RDF_TYPE, f"<{PROV}Entity>")
    nt.add(node, RDFS_LABEL, lit(name))
    nt.add(node, f"<{DCT}isPartOf>", dataset_ref)
    summary.files.append(name)
    return node


def version_in(text: str) -> str | None:
    """The ``vX.Y.Z`` version in a file or folder name, if any."""
    m = _VERSION.search(text)
    return m.group(1) if m else None


def split_labels(raw: str, sep: str | None = None) -> list[str]:
    """Split a multi-valued cell (newline or ``|`` separated), stripped, de-duplicated."""
    parts = raw.split(sep) if sep else re.split(r"\n|\|", raw)
    out: list[str] = []
    for p in parts:
        p = p.strip()
        if p and p not in out:
            out.append(p)
    return out


def finish(graph, nt: NTWriter, summary: ImportSummary, *, dataset: str, label: str,
           progress: Progress, started: float) -> ImportSummary:
    """Close the N-Triples file, swap it into the store, record the source."""
    nt.close()
    try:
        rec = SourceRecord(key=summary.key, graph=summary.graph, dataset=dataset, label=label,
                           version=summary.version,
                           imported=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
                           triples=nt.count, files=tuple(summary.files))
        replace_source(graph, nt.path, rec, progress=progress)
    finally:
        nt.discard()
    summary.triples = nt.count
    summary.seconds = time.perf_counter() - started
    return summary
