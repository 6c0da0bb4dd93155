"""The label index the Resolver reads: names of roles, skills, degrees, fields and industries.

Built once with the projection (from ``project-names`` and
``project-same-as``) and cached with it. Every name is normalised by
:func:`normalize`: Unicode NFKC (so a non-breaking space is a space), runs of
whitespace collapsed, ends trimmed, case folded. Imported taxonomies carry
stray spaces (78 ESCO skill labels end or begin with one, e.g.
``"breed rabbits "``): the display label (:func:`clean`) is trimmed too, so a
suggestion never looks identical to what was typed.

The layout is compact (sorted name keys, numpy offsets into entity ids,
dataset bit masks) so that a cached projection of ESCO + O*NET (140k names)
loads in milliseconds; nothing here reads the graph, and
:mod:`careergraph.resolve` decides what a name means.

Examples
--------
>>> normalize("  Breed\\u00a0Rabbits ")
'breed rabbits'
>>> idx = NameIndex.from_rows([
...     {"entity": "x:stats", "class": CLASS_IRIS["skill"], "name": "Statistics", "main": True, "dataset": "seed"},
...     {"entity": "x:stats-f", "class": CLASS_IRIS["field"], "name": "Statistics", "main": True, "dataset": "seed"},
... ])
>>> idx.kind("skill").lookup("STATISTICS")
[('x:stats', True)]
>>> idx.kind("field").lookup("statistics")
[('x:stats-f', True)]
"""

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["CLASS_IRIS", "KINDS", "KindIndex", "NameIndex", "clean", "normalize"]

_CG = "https://w3id.org/careergraph/ontology#"
#: Name kind -> class IRI of the nodes it names.
CLASS_IRIS: dict[str, str] = {
    "role": _CG + "Role",
    "skill": _CG + "Skill",
    "degree": _CG + "DegreeLevel",
    "field": _CG + "FieldOfStudy",
    "industry": _CG + "Industry",
}
#: The kinds the index holds.
KINDS = tuple(CLASS_IRIS)
_KIND_OF = {iri: kind for kind, iri in CLASS_IRIS.items()}


def clean(text: str) -> str:
    """A label for display: NFKC, whitespace collapsed and trimmed (case kept).

    Examples
    --------
    >>> clean(" breed\\u00a0 rabbits ")
    'breed rabbits'
    """
    return " ".join(unicodedata.normalize("NFKC", str(text)).split())


def normalize(text: str) -> str:
    """The lookup key of a name: :func:`clean`, then case-folded.

    Examples
    --------
    >>> normalize("Straße  Planning")
    'strasse planning'
    """
    return clean(text).casefold()


@dataclass(eq=False)
class KindIndex:
    """Names of one kind of node, in a compact layout.

    Attributes
    ----------
    iris : list of str
        The nodes (an entity's number is its position here).
    labels : list of str
        Display label of each node (its cleaned main label, else its IRI).
    dataset_bits : numpy.ndarray
        Bit mask per node of the datasets (:attr:`dataset_names`) it is in.
    dataset_names : list of str
        Dataset keys, one per bit.
    keys : list of str
        Every normalised name, sorted (lookup and prefix search by bisection).
    display : list of str
        How to show each key (a cleaned spelling from the data, a main label's first).
    ptr, ent, main : numpy.ndarray
        The nodes a key names: ``ent[ptr[i]:ptr[i + 1]]``, with ``main`` true
        where the name is a main label of that node.
    """

    iris: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    dataset_bits: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    dataset_names: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    display: list[str] = field(default_factory=list)
    ptr: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    ent: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    main: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    _pos: dict | None = field(default=None, repr=False)

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "_pos"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._pos = None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, KindIndex):
            return NotImplemented
        arrays = ("dataset_bits", "ptr", "ent", "main")
        return (all(getattr(self, a) == getattr(other, a) for a in ("iris", "labels", "dataset_names", "keys",
                                                                    "display"))
                and all(np.array_equal(getattr(self, a), getattr(other, a)) for a in arrays))

    def position(self, iri: str) -> int | None:
        """The number of a node, or None when it is not of this kind."""
        if self._pos is None:
            self._pos = {iri: i for i, iri in enumerate(self.iris)}
        return self._pos.get(iri)

    def __contains__(self, iri: object) -> bool:
        return isinstance(iri, str) and self.position(iri) is not None

    def label(self, iri: str) -> str:
        """Display label of a node of this kind (its IRI when unknown)."""
        i = self.position(iri)
        return self.labels[i] if i is not None else iri

    def datasets(self, iri: str) -> list[str]:
        """Dataset keys of a node, sorted."""
        i = self.position(iri)
        if i is None:
            return []
        bits = int(self.dataset_bits[i])
        return sorted(name for b, name in enumerate(self.dataset_names) if bits >> b & 1)

    def in_source(self, iri: str, source: str | None) -> bool:
        """True when ``iri`` belongs to dataset ``source`` (always, for no source)."""
        return source is None or source in self.datasets(iri)

    def _key_pos(self, key: str) -> int | None:
        i = bisect.bisect_left(self.keys, key)
        return i if i < len(self.keys) and self.keys[i] == key else None

    def entries(self, key: str) -> list[tuple[str, bool]]:
        """``[(IRI, is_main), ...]`` named by a normalised key (empty when none)."""
        i = self._key_pos(key)
        if i is None:
            return []
        lo, hi = int(self.ptr[i]), int(self.ptr[i + 1])
        return [(self.iris[e], bool(m)) for e, m in zip(self.ent[lo:hi].tolist(), self.main[lo:hi].tolist())]

    def lookup(self, name: str) -> list[tuple[str, bool]]:
        """Entries whose name normalises like ``name`` (main labels first)."""
        return sorted(self.entries(normalize(name)), key=lambda e: (not e[1], e[0]))

    def shown(self, key: str) -> str:
        """How to show a normalised key."""
        i = self._key_pos(key)
        return self.display[i] if i is not None else key

    def keys_in(self, source: str | None) -> list[str]:
        """The normalised names that name at least one node of dataset ``source``."""
        if source is None:
            return list(self.keys)
        if source not in self.dataset_names or not len(self.ent):
            return []
        bit = 1 << self.dataset_names.index(source)
        has = (self.dataset_bits[self.ent] & bit) != 0
        per_key = np.add.reduceat(has.astype(np.int64), self.ptr[:-1]) > 0
        return [k for k, ok in zip(self.keys, per_key.tolist()) if ok]

    def prefixed(self, prefix: str, limit: int = 20) -> list[str]:
        """Normalised names starting with ``prefix`` (normalised), in order.

        Examples
        --------
        >>> k = KindIndex(keys=["data analyst", "data scientist", "lawyer"])
        >>> k.prefixed("Data ")
        ['data analyst', 'data scientist']
        """
        p = normalize(prefix)
        out = []
        i = bisect.bisect_left(self.keys, p)
        while i < len(self.keys) and len(out) < limit and self.keys[i].startswith(p):
            out.append(self.keys[i])
            i += 1
        return out


@dataclass
class NameIndex:
    """The names of every kind in :data:`KINDS`, plus ``skos:exactMatch`` clusters.

    Attributes
    ----------
    kinds : dict
        Kind -> :class:`KindIndex`.
    same : dict
        IRI -> frozenset of IRIs linked to it by ``skos:exactMatch`` (either way).
    """

    kinds: dict[str, KindIndex] = field(default_factory=dict)
    same: dict[str, frozenset] = field(default_factory=dict)

    def kind(self, kind: str) -> KindIndex:
        """The index of one kind (an empty one for a kind with no nodes)."""
        return self.kinds.get(kind) or KindIndex()

    @classmethod
    def from_rows(cls, name_rows: Iterable[Mapping[str, Any]],
                  same_rows: Iterable[Mapping[str, Any]] = (),
                  extra: Mapping[str, Iterable[str]] | None = None) -> "NameIndex":
        """Build the index from ``project-names`` rows (and ``project-same-as`` rows).

        Parameters
        ----------
        name_rows : iterable of dict
            ``{"entity", "class", "name", "main", "dataset"}``.
        same_rows : iterable of dict
            ``{"a", "b"}``: linked by ``skos:exactMatch``.
        extra : dict, optional
            Kind -> IRIs of nodes without any name (they resolve by IRI only).
        """
        state = {k: _Builder() for k in KINDS}
        for r in name_rows:
            kind = _KIND_OF.get(r.get("class"))
            iri = r.get("entity")
            if kind is None or not iri or iri.startswith("_:"):
                continue
            state[kind].add(iri, r.get("name"), bool(r.get("main")), r.get("dataset"))
        for kind, iris in (extra or {}).items():
            for iri in iris:
                state[kind].add(iri, None, False, None)
        same: dict[str, set] = {}
        for r in same_rows:
            a, b = r.get("a"), r.get("b")
            if a and b and a != b:
                same.setdefault(a, set()).add(b)
                same.setdefault(b, set()).add(a)
        return cls(kinds={k: s.finish() for k, s in state.items()},
                   same={k: frozenset(v) for k, v in same.items()})


class _Builder:
    """Collects the names of one kind, then packs them into a :class:`KindIndex`."""

    def __init__(self) -> None:
        self.pos: dict[str, int] = {}
        self.iris: list[str] = []
        self.main_label: dict[int, str] = {}
        self.bits: list[int] = []
        self.datasets: dict[str, int] = {}
        self.names: dict[str, dict[int, bool]] = {}
        self.display: dict[str, tuple[bool, str]] = {}

    def add(self, iri: str, name: str | None, main: bool, dataset: str | None) -> None:
        e = self.pos.get(iri)
        if e is None:
            e = self.pos[iri] = len(self.iris)
            self.iris.append(iri)
            self.bits.append(0)
        if dataset:
            b = self.datasets.setdefault(str(dataset), len(self.datasets))
            self.bits[e] |= 1 << b
        if name is None:
            return
        key = normalize(name)
        if not key:
            return
        if main and e not in self.main_label:
            self.main_label[e] = clean(name)
        entries = self.names.setdefault(key, {})
        entries[e] = entries.get(e, False) or main
        old = self.display.get(key)
        if old is None or (main and not old[0]):
            self.display[key] = (main, clean(name))

    def finish(self) -> KindIndex:
        keys = sorted(self.names)
        ptr, ent, main = [0], [], []
        for key in keys:
            for e, m in sorted(self.names[key].items()):
                ent.append(e)
                main.append(m)
            ptr.append(len(ent))
        return KindIndex(
            iris=self.iris, labels=[self.main_label.get(e, iri) for e, iri in enumerate(self.iris)],
            dataset_bits=np.array(self.bits, dtype=np.int64), dataset_names=list(self.datasets),
            keys=keys, display=[self.display[k][1] for k in keys],
            ptr=np.array(ptr, dtype=np.int64), ent=np.array(ent, dtype=np.int32), main=np.array(main, dtype=bool))
