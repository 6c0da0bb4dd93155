"""The Resolver: the only way from names to IRIs.

Names match ``rdfs:label``, ``skos:prefLabel`` or ``skos:altLabel`` of a node
of the kind asked for (role, skill, degree, field, industry), through the
label index held in the projection (:class:`careergraph.projection.NameIndex`):
Unicode-normalised (NFKC: a non-breaking space is a space), trimmed,
whitespace collapsed and case-folded, so ``"breed rabbits"`` finds ESCO's
``"breed rabbits "``. A lookup is a dictionary access; only the ``entity``
kind (any labelled node) falls back to SPARQL.

The Resolver owns:

* **the kind**: "Statistics" is a skill and a field of study; a skill
  parameter picks the skill, a field parameter the field;
* **ambiguity**: a main-label match beats an alternative-label match; nodes
  linked by ``skos:exactMatch`` count as one (the seed's first); anything
  else that matches several nodes raises :class:`AmbiguousName` with the
  candidates and how to pick one (an IRI/CURIE, or ``--source``);
* **suggestions**: an unknown name raises with the closest names of that
  kind (within ``source``), never one that looks the same as the input;
* **sources**: ``source`` narrows to one dataset (``seed``, ``esco``,
  ``onet``); an unknown source is an error listing the known ones.

Algorithms never see names: the API and the CLI resolve once, then pass IRIs.

Examples
--------
>>> from careergraph import open_graph
>>> r = Resolver(open_graph())
>>> r.resolve("ml engineer")
'https://w3id.org/careergraph/id/role/machine-learning-engineer'
>>> r.label(r.resolve("Statistics", "skill")), r.resolve("Statistics", "field").rsplit("/", 2)[-2]
('Statistics', 'field')
>>> r.resolve("data scientst")  # doctest: +IGNORE_EXCEPTION_DETAIL
Traceback (most recent call last):
...
careergraph.errors.RoleNotFound: Role 'data scientst' not found; did you mean 'Data Scientist'?
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterable, Mapping
from typing import Any

import pyoxigraph as ox
from rapidfuzz import fuzz, process

from .errors import AmbiguousName, InvalidParameter, NameNotFound, RoleNotFound, SkillNotFound, clip, suggest
from .projection import KindIndex, Projection, clean, normalize, project
from .queries import ENTITY_KINDS, QueryFile, expand_curie, run_query, to_term

__all__ = ["KINDS", "Resolver", "resolve", "resolve_many"]

#: Name kinds a parameter may have.
KINDS = ENTITY_KINDS
_ERRORS = {"role": RoleNotFound, "skill": SkillNotFound}
_UNSET: Any = object()

_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_ANY_LABEL = """SELECT DISTINCT ?e ?main ?l WHERE {
  { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?l BIND(true AS ?main) }
  UNION { ?e <http://www.w3.org/2004/02/skos/core#prefLabel> ?l BIND(true AS ?main) }
  UNION { ?e <http://www.w3.org/2004/02/skos/core#altLabel> ?l BIND(false AS ?main) }
}"""
_HAS_ANY = "ASK { ?e ?p ?o }"
_LABEL_OF = "SELECT ?e ?l WHERE { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?l } LIMIT 1"


def _is_iri(text: str) -> bool:
    try:
        expand_curie(text)
        return True
    except ValueError:
        return False


def _choices(proj: Projection, kind: str, source: str | None) -> list[str]:
    """Normalised names of ``kind`` that name a node of ``source`` (derived once per projection)."""
    return proj.names.kind(kind).keys_in(source)


def _by_initial(proj: Projection, kind: str, source: str | None) -> dict[str, list[str]]:
    """The normalised names of ``kind`` (and ``source``) by their first character."""
    out: dict[str, list[str]] = {}
    for key in _choices(proj, kind, source):
        out.setdefault(key[:1], []).append(key)
    return out


#: Characters of each later-word suffix the word index keeps: a longer text is looked up by a scan.
_WORD_KEY = 32
#: Names with a later word of the text that the word index reads at most, before the first ones are kept.
_WORD_HITS = 1_000


def _by_word(proj: Projection, kind: str, source: str | None) -> tuple[list[str], array]:
    """Each later word of the names (from that word on, cut to :data:`_WORD_KEY` characters), sorted,
    with the position of its name in :func:`_choices`: the names with a word starting so, by bisection."""
    pairs = []
    for n, key in enumerate(_choices(proj, kind, source)):
        pos = key.find(" ")
        while pos != -1:
            pairs.append((key[pos + 1:pos + 1 + _WORD_KEY], n))
            pos = key.find(" ", pos + 1)
    pairs.sort()
    return [s for s, _ in pairs], array("i", [n for _, n in pairs])


def _sources(proj: Projection) -> list[str]:
    return sorted({name for k in proj.names.kinds.values() for name in k.dataset_names})


class Resolver:
    """Names to IRIs for one graph, through its projection's label index.

    Parameters
    ----------
    graph : Backend
        A graph from :func:`careergraph.open_graph`.
    projection : Projection, optional
        Its projection (projected on first use otherwise).
    source : str, optional
        Default dataset to narrow names to (``seed``, ``esco``, ``onet``).
    """

    def __init__(self, graph, projection: Projection | None = None, *, source: str | None = None):
        self.graph = graph
        self._projection = projection
        self.source = source

    @property
    def projection(self) -> Projection:
        """The projection whose label index is read (built or loaded on first use)."""
        if self._projection is None:
            self._projection = project(self.graph)
        return self._projection

    # -- sources ---------------------------------------------------------------
    def sources(self) -> list[str]:
        """Dataset keys names can be narrowed to."""
        return self.projection.derived(_sources)

    def _source(self, source: Any) -> str | None:
        src = self.source if source is _UNSET else source
        if src is None or src == "":
            return None
        known = self.sources()
        if src not in known:
            raise InvalidParameter(f"Unknown --source {clip(src)}; known sources: {', '.join(known) or 'none'}")
        return src

    # -- one name --------------------------------------------------------------
    def resolve(self, name: str, kind: str = "role", *, source: Any = _UNSET) -> str:
        """The IRI a name, IRI or CURIE stands for.

        Parameters
        ----------
        name : str
            A label or alternative label (any case, spacing or Unicode form),
            an IRI or a CURIE (``cgr:data-scientist``).
        kind : {"role", "skill", "degree", "field", "industry", "entity"}
            What the name must be.
        source : str, optional
            Only consider nodes of this dataset (default: the Resolver's).

        Raises
        ------
        RoleNotFound, SkillNotFound, NameNotFound
            Nothing matches; the message suggests close names.
        AmbiguousName
            Several distinct nodes match; the message lists them.
        InvalidParameter
            An empty name, an unknown kind or source.
        """
        if kind not in KINDS:
            raise InvalidParameter(f"Unknown name kind {clip(kind)}; use one of {', '.join(KINDS)}")
        text = clean(name) if isinstance(name, str) else ""
        if not text:
            raise InvalidParameter(f"Empty {kind} name; give a label, IRI or CURIE")
        src = self._source(source)
        if kind == "entity":
            return self._entity(text)
        k = self.projection.names.kind(kind)
        err = _ERRORS.get(kind, NameNotFound)
        if _is_iri(text):
            iri = expand_curie(text)
            if iri in k:
                return iri
            raise self._not_found(err, kind, text, [], hint=f"no {kind} has that IRI")
        hits = k.lookup(text)
        if not hits:
            raise self._not_found(err, kind, text, self.suggest(text, kind, source=src))
        inside = [h for h in hits if k.in_source(h[0], src)]
        if not inside:
            where = sorted({ds for iri, _ in hits for ds in k.datasets(iri)}) or ["no dataset"]
            raise self._not_found(err, kind, text, [], message=(
                f"{kind.capitalize()} {clip(text)} is not in source {src!r} (it is in: {', '.join(where)}); "
                "drop --source or pick another source"))
        main = [iri for iri, is_main in inside if is_main]
        cands = list(dict.fromkeys(main or [iri for iri, _ in inside]))
        if len(cands) > 1:
            cands = self._collapse(cands, k)
        if len(cands) > 1:
            raise AmbiguousName(text, [(self._shown(iri, k), iri) for iri in sorted(cands, key=k.label)],
                                kind=kind.capitalize())
        return cands[0]

    def _not_found(self, err, kind: str, text: str, suggestions: list[str], *, hint: str = "",
                   message: str = "") -> NameNotFound:
        if not hint and not suggestions:
            hint = f"'careergraph query list-{kind}s' lists them" if kind in ("role", "skill") else ""
        exc = err(text, suggestions, hint=hint)
        if err is NameNotFound:
            exc.kind = kind.capitalize()
            exc.args = (str(exc).replace("Name ", f"{kind.capitalize()} ", 1),)
        if message:
            exc.args = (message,)
        return exc

    def _shown(self, iri: str, k: KindIndex) -> str:
        ds = ", ".join(k.datasets(iri))
        return f"{k.label(iri)} ({ds})" if ds else k.label(iri)

    def _collapse(self, cands: list[str], k: KindIndex) -> list[str]:
        """One node per ``skos:exactMatch`` cluster, the seed's first."""
        same = self.projection.names.same
        keep: list[str] = []
        for c in sorted(cands, key=lambda c: ("seed" not in k.datasets(c), c)):
            if not same.get(c, frozenset()) & set(keep):
                keep.append(c)
        return keep

    def _entity(self, text: str) -> str:
        """Any node: by IRI, or by an exact label (as typed, lower, Title or Capitalised case)."""
        if _is_iri(text):
            iri = expand_curie(text)
            if run_query(self.graph, _HAS_ANY, {"e": ox.NamedNode(iri)}).ask:
                return iri
            raise NameNotFound(text, [], hint="no node has that IRI")
        found: dict[str, bool] = {}
        for variant in dict.fromkeys((text, text.lower(), text.title(), text[:1].upper() + text[1:].lower())):
            for row in run_query(self.graph, _ANY_LABEL, {"l": ox.Literal(variant)}).rows:
                found[row["e"]] = found.get(row["e"], False) or bool(row["main"])
        main = [e for e, m in found.items() if m] or list(found)
        if not main:
            raise NameNotFound(text, self.suggest(text, "role") + self.suggest(text, "skill"),
                               hint="no node has that label")
        if len(main) > 1:
            raise AmbiguousName(text, [(self.label(e), e) for e in sorted(main)], kind="Name")
        return main[0]

    # -- many names ------------------------------------------------------------
    def resolve_many(self, names: str | Iterable[str], kind: str = "skill", *, source: Any = _UNSET) -> list[str]:
        """Resolve a list of names, or one comma-separated string, keeping order and dropping repeats.

        Raises
        ------
        InvalidParameter
            No name at all (an empty string or list).

        Examples
        --------
        >>> from careergraph import open_graph
        >>> len(Resolver(open_graph()).resolve_many("Python, SQL, python"))
        2
        """
        if isinstance(names, str):
            items = [n for n in (s.strip() for s in names.split(",")) if n]
        else:
            items = [n for n in (str(s).strip() for s in names) if n]
        if not items:
            raise InvalidParameter(f"Give at least one {kind}, e.g. \"Python, SQL\"")
        return list(dict.fromkeys(self.resolve(n, kind, source=source) for n in items))

    # -- labels, suggestions, completion -----------------------------------------
    def label(self, iri: str, kind: str | None = None) -> str:
        """The display label of a node (its IRI when it has none)."""
        names = self.projection.names
        for k in ([names.kind(kind)] if kind in names.kinds else names.kinds.values()):
            if iri in k:
                return k.label(iri)
        rows = run_query(self.graph, _LABEL_OF, {"e": ox.NamedNode(iri)}).rows
        return clean(rows[0]["l"]) if rows else iri

    def suggest(self, name: str, kind: str = "role", *, source: Any = _UNSET, n: int = 3) -> list[str]:
        """Up to ``n`` names of ``kind`` close to ``name``, never one that looks like it.

        Names of that kind (and source) as :func:`careergraph.errors.suggest`
        ranks them, shown with the data's spelling.

        Examples
        --------
        >>> from careergraph import open_graph
        >>> Resolver(open_graph()).suggest("data scientst")
        ['Data Scientist']
        """
        src = self._source(source)
        k = self.projection.names.kind(kind)
        q = normalize(name)
        keys = suggest(q, self.projection.derived(_choices, kind, src), n + 1, folded=True)
        out: list[str] = []
        for key in keys:
            if key == q:
                continue
            shown = self._display(key, k, src)
            if shown and shown not in out:
                out.append(shown)
        return out[:n]

    def _display(self, key: str, k: KindIndex, src: str | None) -> str:
        iris = [iri for iri, _ in k.entries(key) if k.in_source(iri, src)]
        for iri in iris:  # the node's own label when the key is its main name
            if normalize(k.label(iri)) == key:
                return k.label(iri)
        return k.shown(key)

    def complete(self, text: str, kind: str = "role", *, source: Any = _UNSET, limit: int = 10) -> list[dict]:
        """Names for autocomplete: prefix matches, then names with a later word of that prefix; fuzzy ones for a typo.

        Fuzzy matching (rapidfuzz's ``fuzz.ratio`` of the text and the start
        of each name of the same first letter, as long as the text and one
        character more) runs only when no name starts with the text or has a
        word that does, so typing stays fast on a big store.

        Returns
        -------
        list of dict
            ``{"label", "iri", "dataset", "match"}``; ``label`` is the node's
            main label, ``match`` the name that matched (an alternative label
            may match).

        Examples
        --------
        >>> from careergraph import open_graph
        >>> [c["label"] for c in Resolver(open_graph()).complete("senior ml", limit=2)]
        ['Senior ML Engineer', 'Senior ML Scientist']
        """
        src = self._source(source)
        k = self.projection.names.kind(kind)
        q = normalize(text)
        if not q:
            return []
        keys = k.prefixed(q, limit=limit * 4)
        if len(keys) < limit:  # names with a later word starting so ("softw" -> "analyst of software")
            keys += [c for c in self._word_matches(q, kind, src) if c not in keys][: limit * 2]
        if not keys:  # nothing starts so: a typo. The start of each name of the same first letter, as long
            # as the text and one more, by edit distance (WRatio over whole names: 20-80 ms on 107k skills)
            near = self.projection.derived(_by_initial, kind, src).get(q[:1], [])
            n = len(q) + 1
            hits = process.extract(q, [c[:n] for c in near], scorer=fuzz.ratio, score_cutoff=70, limit=limit * 2)
            keys += [near[i] for _c, _s, i in hits]
        out, seen = [], set()
        for key in keys:
            for iri, _main in k.entries(key):
                if iri in seen or not k.in_source(iri, src):
                    continue
                seen.add(iri)
                out.append({"label": k.label(iri), "iri": iri, "dataset": ", ".join(k.datasets(iri)) or None,
                            "match": k.shown(key)})
            if len(out) >= limit:
                break
        return out[:limit]

    def _word_matches(self, q: str, kind: str, src: str | None) -> list[str]:
        """Names with a later word starting with ``q`` (normalised), in name order."""
        choices = self.projection.derived(_choices, kind, src)
        if len(q) > _WORD_KEY:
            word = " " + q
            return [c for c in choices if word in c]
        suffixes, owners = self.projection.derived(_by_word, kind, src)
        hits: set[int] = set()
        i = bisect.bisect_left(suffixes, q)
        while i < len(suffixes) and len(hits) < _WORD_HITS and suffixes[i].startswith(q):
            hits.add(owners[i])
            i += 1
        return [choices[n] for n in sorted(hits)]

    # -- query parameters ------------------------------------------------------
    def bind(self, query: QueryFile, params: Mapping[str, Any], *, source: Any = _UNSET) -> dict[str, Any]:
        """Resolve the name parameters of a library query; other values pass through.

        Raises
        ------
        InvalidParameter
            An unknown parameter (the message lists the query's parameters).
        """
        out: dict[str, Any] = {}
        for name, value in params.items():
            p = query.parameter(name)
            if p.kind in KINDS and not isinstance(value, (ox.NamedNode, ox.Literal, ox.BlankNode)):
                out[name] = ox.NamedNode(self.resolve(str(value), p.kind, source=source))
            else:
                out[name] = to_term(p, value)
        return out


def resolve(graph, name: str, kind: str = "role", source: str | None = None) -> str:
    """Resolve one name with a :class:`Resolver` over ``graph`` (see :meth:`Resolver.resolve`).

    Examples
    --------
    >>> from careergraph import open_graph
    >>> resolve(open_graph(), "cgr:data-scientist")
    'https://w3id.org/careergraph/id/role/data-scientist'
    """
    return Resolver(graph, source=source).resolve(name, kind)


def resolve_many(graph, names, kind: str = "skill", source: str | None = None) -> list[str]:
    """Resolve several names with a :class:`Resolver` over ``graph``."""
    return Resolver(graph, source=source).resolve_many(names, kind)
