"""Shared pieces of the importers: verified reading, N-Triples writing, the one way an import ends.

Every importer follows the house rule "verify, then switch" (DESIGN.md)
through the same three pieces:

* :class:`FileSet` finds the source files (zip archives, folders, files) and
  verifies them while reading: every expected file present, zip archives
  whole (a truncated or corrupt archive is named as such, and every member's
  CRC is checked), the header's columns, the field count of every row, and a
  last row that ends its line (a file cut mid-row is an error naming the file
  and line);
* :class:`ImportRun` holds the store's writer lock for the whole import,
  writes the N-Triples to a temporary file beside the store (which a store
  loads into a new generation, built aside, while it is written:
  :func:`careergraph.store.start_replacing`), and turns Ctrl-C into
  :class:`~careergraph.store.ImportAborted` saying whether the store changed;
* :meth:`ImportRun.finish` refuses a re-import that would shrink the source
  (:func:`check_shrink`), then switches the source's named graph in (the
  replacement's commit) and builds the projection cache, so the next
  command answers at once.

Nothing in the store changes before the whole source has been read and checked:
the new generation is switched in only then, and an error or Ctrl-C before it
removes it.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import sys
import tempfile
import time
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox

from ..backends.base import Feed, PendingReplace
from ..errors import ImportDataError
from ..projection import project
from ..queries import run_query
from ..store import ImportAborted, SourceRecord, record_update, start_replacing

__all__ = ["GUARDED", "GUARDED_LINKS", "SHRINK_LIMIT", "FileSet", "ImportRun", "ImportSummary", "NTWriter", "Progress",
           "check_shrink", "lit", "ref"]

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
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

#: Classes whose nodes the shrink guard counts in a source, with the words messages use for them.
GUARDED = {f"{CG}Role": "occupations", f"{CG}Skill": "skills", f"{CG}SkillRequirement": "requirement links",
           f"{_RDF}Statement": "crosswalk links", f"{CG}SalaryObservation": "salary observations"}
#: Properties whose triples the shrink guard counts in a source too (links that are not nodes of their own).
GUARDED_LINKS = {f"{CG}skillsCluster": "skills-cluster memberships"}
#: A re-import may drop at most this share of a source's guarded nodes without ``allow_shrink``.
SHRINK_LIMIT = 0.10

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # ESCO cells (concept-scheme member lists) exceed 128 KiB

_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError)


def ref(iri: str) -> str:
    """``<iri>`` for N-Triples."""
    return f"<{iri}>"


def lit(text, datatype: str | None = None, lang: str | None = None) -> str:
    """An N-Triples literal (escaped); ``datatype`` is a full IRI, ``lang`` a tag."""
    # chained replace: each pass is a C scan that returns the string itself when nothing is found,
    # several times faster than str.translate on ESCO's long descriptions
    body = '"' + (str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
                  .replace("\r", "\\r")) + '"'
    if lang:
        return f"{body}@{lang}"
    if datatype:
        return f"{body}^^<{datatype}>"
    return body


def cg(local: str) -> str:
    return f"<{CG}{local}>"


_WATCH = {**{f" {RDF_TYPE} <{c}> .": c for c in GUARDED}, **{f" <{p}> ": p for p in GUARDED_LINKS}}
_LINK_TERMS = {f"<{p}>" for p in GUARDED_LINKS}
#: Lines :class:`NTWriter` gathers before it writes them (and tells its feed how far the file is complete).
_GROW_EVERY = 4096


class NTWriter:
    """Write triples as N-Triples lines to a temporary file, counting them and the guarded nodes.

    Triples are written as pre-formatted terms (see :func:`ref`, :func:`lit`);
    callers keep them unique, so the line count is the triple count and the
    ``rdf:type`` lines of a class are its nodes (:attr:`types`, by class IRI;
    also the triples of each property of :data:`GUARDED_LINKS`, by its IRI).
    :attr:`feed` tells, as the file grows, how much of it is written in whole
    lines, so a store can load it while it is written.

    Parameters
    ----------
    folder : path, optional
        Where the file goes (a store's work folder, so it can be hard-linked
        into the store); the system's temporary folder by default.
    """

    def __init__(self, folder: str | os.PathLike | None = None) -> None:
        if folder is not None:
            Path(folder).mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix="careergraph-import-", suffix=".nt.tmp", dir=folder)
        self.path = Path(name)
        self._fh = os.fdopen(fd, "wb")
        self._pending: list[str] = []  # lines not written yet: written (and told to the feed) in blocks
        self._size = 0
        self.count = 0
        self.types: Counter[str] = Counter()
        self.feed = Feed(self.path)

    def add(self, s: str, p: str, o: str) -> None:
        self._pending.append(f"{s} {p} {o} .\n")
        self.count += 1
        if p == RDF_TYPE:
            self.types[o[1:-1]] += 1
        elif p in _LINK_TERMS:
            self.types[p[1:-1]] += 1
        if len(self._pending) >= _GROW_EVERY:
            self._write()

    def lines(self, lines: list[str]) -> None:
        """Add already formatted ``s p o .`` lines (written in blocks: no copy of them all at once)."""
        for at in range(0, len(lines), _GROW_EVERY):
            block = lines[at:at + _GROW_EVERY]
            text = "\n".join(block)
            self._pending += (text, "\n")
            self.count += len(block)
            for pattern, cls in _WATCH.items():
                self.types[cls] += text.count(pattern)
            self._write()

    def _write(self) -> None:
        data = "".join(self._pending).encode("utf-8")
        self._pending.clear()
        self._fh.write(data)
        self._fh.flush()
        self._size += len(data)
        self.feed.grow(self._size, self.count)

    def close(self) -> None:
        """Finish the file (:attr:`feed` then says it is complete)."""
        if not self._fh.closed:
            self._write()
            self._fh.close()
            self.feed.end(self._size, self.count)

    def discard(self) -> None:
        self.close()
        with contextlib.suppress(OSError):
            self.path.unlink()


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
    #: Seconds spent building the projection cache after the switch (within ``seconds``).
    projection_seconds: float = 0.0

    def dangle(self, kind: str, value: str) -> None:
        self.dangling[kind] = self.dangling.get(kind, 0) + 1
        ex = self.dangling_examples.setdefault(kind, [])
        if value not in ex and len(ex) < 5:
            ex.append(value)

    def as_dict(self) -> dict:
        return {"key": self.key, "graph": self.graph, "version": self.version, "triples": self.triples,
                "seconds": round(self.seconds, 2), "projection_seconds": round(self.projection_seconds, 2),
                "counts": self.counts, "dangling": self.dangling, "dangling_examples": self.dangling_examples,
                "warnings": self.warnings, "files": self.files}


class _LastByte(io.RawIOBase):
    """A binary stream that remembers the last byte read, so a reader can tell whether the file ended a line.

    It sits under the text wrapper, so it costs one call per block read, not per line.
    """

    def __init__(self, raw) -> None:
        self._raw = raw
        self.last = b"\n"

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:  # type: ignore[override]
        got = self._raw.readinto(buf)
        if got:
            self.last = bytes(buf[got - 1:got])
        return got

    def close(self) -> None:
        self._raw.close()
        super().close()


class FileSet:
    """CSV/TSV members found in zip archives, folders or plain files, by base name, verified as read.

    Raises
    ------
    ImportDataError
        A path does not exist, or an archive is truncated or corrupt.
    """

    def __init__(self, paths) -> None:
        self.members: dict[str, tuple[Path, str | None]] = {}
        self.origins: list[Path] = []
        self._read: set[str] = set()
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
            elif path.suffix.lower() == ".zip" or _starts_like_zip(path):
                try:
                    with zipfile.ZipFile(path) as zf:
                        names = zf.namelist()
                except (*_ZIP_ERRORS, OSError) as exc:
                    raise ImportDataError(f"'{path}' is a damaged zip archive (truncated or corrupt: {exc}); "
                                          "download it again") from None
                for name in names:
                    if not name.endswith("/"):
                        self.members.setdefault(Path(name).name, (path, name))
            else:
                self.members.setdefault(path.name, (path, None))

    def find(self, name: str) -> bool:
        return name in self.members

    def where(self, name: str) -> str:
        path, member = self.members[name]
        return f"{path}!{member}" if member else str(path)

    def require(self, names: Iterable[str], *, what: str, hint: str) -> None:
        """Check that every expected file is there.

        Raises
        ------
        ImportDataError
            Names the files missing, those found, and ``hint`` (what to give).
        """
        missing = [n for n in names if n not in self.members]
        if missing:
            have = sorted(n for n in self.members if n.lower().endswith((".csv", ".txt")))
            raise ImportDataError(
                f"{what} files missing from {', '.join(map(str, self.origins))}: {', '.join(missing)} "
                f"(found: {', '.join(have[:12]) or 'none'}{' ...' if len(have) > 12 else ''}). {hint}")

    def declared_versions(self) -> dict[str, str]:
        """``vX.Y.Z`` versions that file, folder and archive member names declare: {name: version}."""
        found = {}
        for p in self.origins:
            if v := version_in(p.name):
                found[str(p)] = v
        for path, member in self.members.values():
            if member and (v := version_in(member)):
                found[f"{path}!{member}"] = v
        return found

    def open_text(self, name: str) -> io.TextIOWrapper:
        """The file as text; its ``buffer.raw.last`` is the last byte read (:class:`_LastByte`)."""
        path, member = self.members[name]
        raw = open(path, "rb", buffering=0) if member is None else zipfile.ZipFile(path).open(member)  # noqa: SIM115
        return io.TextIOWrapper(io.BufferedReader(_LastByte(raw), 1 << 16), encoding="utf-8-sig", newline="")

    def rows(self, name: str, expected: list[str], *, delimiter: str = ",") -> Iterator[dict[str, str]]:
        """Yield rows as dicts, verifying the header, every row's field count and the file's end.

        Raises
        ------
        ImportDataError
            The header lacks a column (the message names the file and the
            columns expected), a row has another number of fields than the
            header, the last row does not end its line (the file was cut),
            the text is not UTF-8, or an archive member is damaged; the
            message gives ``file:line``.
        """
        where = self.where(name)
        line = 0
        try:
            fh = self.open_text(name)
        except (*_ZIP_ERRORS, OSError) as exc:
            raise ImportDataError(f"{where}: cannot open ({exc}); the archive is damaged: download it again") \
                from None
        try:
            reader = csv.reader(fh, delimiter=delimiter)
            try:
                header = next(reader)
            except (StopIteration, UnicodeDecodeError, csv.Error):
                header = []
            missing = [c for c in expected if c not in header]
            if missing:
                raise ImportDataError(
                    f"{where}: unexpected columns; expected {', '.join(expected)} "
                    f"(missing: {', '.join(missing)}; found: {', '.join(header[:20]) or 'nothing'})")
            idx = [header.index(c) for c in expected]
            width = len(header)
            for row in reader:
                line = reader.line_num
                if not row:
                    continue
                if len(row) != width:
                    raise ImportDataError(
                        f"{where}:{line}: {len(row)} fields where the header has {width}; the file is cut "
                        "short or damaged: use the complete file as downloaded")
                yield {c: row[i] for c, i in zip(expected, idx)}
            if fh.buffer.raw.last not in (b"\n", b"\r"):
                raise ImportDataError(
                    f"{where}:{reader.line_num}: the last row does not end its line, so the file was cut "
                    "mid-row; use the complete file as downloaded (or end the file with a newline)")
            self._read.add(name)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ImportDataError(f"{where}:{line + 1}: cannot read: {exc}") from None
        except _ZIP_ERRORS as exc:
            raise ImportDataError(f"{where}: damaged archive member ({exc}); download the archive again") \
                from None
        finally:
            fh.close()

    def verify_archives(self) -> None:
        """Check the CRC of every archive member not read (those read were checked as read).

        Raises
        ------
        ImportDataError
            A member is damaged; the message names archive and member.
        """
        for name, (path, member) in self.members.items():
            if member is None or name in self._read:
                continue
            try:
                with zipfile.ZipFile(path) as zf, zf.open(member) as fh:
                    while fh.read(1 << 20):
                        pass
            except (*_ZIP_ERRORS, OSError) as exc:
                raise ImportDataError(f"{path}!{member}: damaged archive member ({exc}); "
                                      "download the archive again") from None


def _starts_like_zip(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(2) == b"PK"
    except OSError:
        return False


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
    """The ``vX.Y.Z`` version in a file or folder name, if any.

    Examples
    --------
    >>> version_in("ESCO dataset - v1.1.1 - classification - en - csv.zip")
    '1.1.1'
    """
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


_HELD = f"""SELECT ?g ?c (COUNT(?x) AS ?n) WHERE {{
  {{ VALUES ?c {{ {' '.join(f'<{c}>' for c in GUARDED)} }} GRAPH ?g {{ ?x a ?c }} }}
  UNION
  {{ VALUES ?c {{ {' '.join(f'<{c}>' for c in GUARDED_LINKS)} }} GRAPH ?g {{ ?x ?c ?o }} }}
}} GROUP BY ?g ?c"""


def check_shrink(graph, target: str, new: dict[str, int], *, key: str, allow: bool = False) -> list[str]:
    """Refuse a re-import that drops more than :data:`SHRINK_LIMIT` of a source's guarded nodes.

    Parameters
    ----------
    graph : Backend
        The store, as it is before the replacement.
    target : str
        The source's named graph.
    new : dict
        Nodes per guarded class (IRI), and triples per guarded link property, in
        the new import (:attr:`NTWriter.types`).
    key : str
        The source's key, for messages.
    allow : bool, default False
        Replace anyway (``--allow-shrink``); the shrinkage is then returned as warnings.

    Returns
    -------
    list of str
        One warning per class that shrank by more than the limit (when allowed).

    Raises
    ------
    ImportDataError
        A class shrank by more than the limit and ``allow`` is false; the
        message gives both counts. Nothing has been replaced.

    Examples
    --------
    >>> from careergraph import open_graph
    >>> check_shrink(open_graph(), "https://w3id.org/careergraph/graph/none", {}, key="none")
    []
    """
    from_store = {str(r["c"]): int(r["n"]) for r in run_query(graph, _HELD, {"g": ox.NamedNode(target)}).rows}
    shrunk = []
    for cls, word in {**GUARDED, **GUARDED_LINKS}.items():
        old, now = from_store.get(cls, 0), new.get(cls, 0)
        if old and now < old * (1 - SHRINK_LIMIT):
            shrunk.append(f"{word} {now:,} where the store holds {old:,} ({(now - old) / old:+.0%})")
    if shrunk and not allow:
        raise ImportDataError(
            f"Refusing to replace {key}: the new import has {'; '.join(shrunk)}, more than "
            f"{SHRINK_LIMIT:.0%} fewer. Check that the source files are complete; give --allow-shrink "
            "(allow_shrink=True) to replace anyway. The store is unchanged")
    return [f"the import shrank {key}: {s} (allowed)" for s in shrunk]


class ImportRun:
    """One import from its start to its switch: the single way every importer ends.

    Use it as a context manager around the importer's work: entering takes
    the store's writer lock (a second import is refused at once, naming the
    first), opens :attr:`nt`, the N-Triples file beside the store, and starts
    replacing ``target`` with it (:func:`~careergraph.store.start_replacing`:
    a store builds the new generation aside and loads the file while the
    importer writes it); leaving gives that replacement up unless
    :meth:`finish` committed it, removes the file and releases the lock.
    Ctrl-C anywhere in between raises
    :class:`~careergraph.store.ImportAborted`: "import aborted; store
    unchanged" before the switch.

    Parameters
    ----------
    graph : Backend
    key : str
        The source's dataset key (``esco``, ``onet``, ``crosswalk``).
    target : str
        The source's named graph.
    progress : callable, optional
    allow_shrink : bool, default False
        See :func:`check_shrink`.
    projection : bool, default True
        Build the projection cache after the switch (stores only), so the
        first analysis command after the import answers at once.
    """

    def __init__(self, graph, key: str, *, target: str, progress: Progress | None = None,
                 allow_shrink: bool = False, projection: bool = True) -> None:
        self.graph = graph
        self.key = key
        self.target = target
        self.say: Progress = progress or (lambda _m: None)
        self.allow_shrink = allow_shrink
        self.projection = projection
        self.started = time.perf_counter()
        self.nt: NTWriter = None  # type: ignore[assignment]
        self._pending: PendingReplace = None  # type: ignore[assignment]
        self._stack = contextlib.ExitStack()
        self._before = ""

    def __enter__(self) -> ImportRun:
        try:
            self._stack.enter_context(self.graph.lock(f"import {self.key}", progress=self.say))
            self._before = self.graph.state()
            self.nt = NTWriter(folder=getattr(self.graph, "work_dir", None))
            self._stack.callback(self.nt.discard)
            pending = start_replacing(self.graph, self.target, self.nt.feed, progress=self.say)
            self._pending = pending
            # left without finish(): give the new graph up, at once on Ctrl-C (a load may be mid-piece)
            self._stack.push(lambda et, _ev, _tb: pending.abort(
                wait=et is None or not issubclass(et, KeyboardInterrupt)))
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, et, ev, tb) -> bool:
        self._stack.__exit__(et, ev, tb)
        if et is not None and issubclass(et, KeyboardInterrupt):
            raise ImportAborted(self._aborted()) from None
        return False

    def _aborted(self) -> str:
        try:
            self.graph.refresh()
            changed = self.graph.state() != self._before
        except Exception:  # noqa: BLE001 - the message must still be given
            changed = False
        if not changed:
            return "import aborted; store unchanged"
        return (f"interrupted after the {self.key} import was complete: the store holds it; the projection "
                "cache was not built (the next analysis command builds it)")

    def files(self, paths) -> FileSet:
        """The source files (:class:`FileSet`)."""
        return FileSet(paths)

    def finish(self, summary: ImportSummary, fs: FileSet | None, *, dataset: str, label: str) -> ImportSummary:
        """Verify the rest, guard against shrinking, switch the store, build the projection cache."""
        nt = self.nt
        nt.close()
        if fs is not None:
            self.say("checking the archives' other members")
            fs.verify_archives()
        summary.warnings += check_shrink(self.graph, summary.graph, dict(nt.types), key=summary.key,
                                         allow=self.allow_shrink)
        rec = SourceRecord(key=summary.key, graph=summary.graph, dataset=dataset, label=label,
                           version=summary.version,
                           imported=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
                           triples=nt.count, files=tuple(summary.files))
        self._pending.commit(record_update(rec))
        summary.triples = nt.count
        if self.projection and self.graph.cache_dir is not None:
            t = time.perf_counter()
            project(self.graph, progress=self.say)
            summary.projection_seconds = time.perf_counter() - t
        summary.seconds = time.perf_counter() - self.started
        return summary
