"""Name resolution: labels, alternative labels, IRIs and CURIEs to graph nodes.

Names match ``rdfs:label``, ``skos:prefLabel`` or ``skos:altLabel``
case-insensitively. A name matching several entities is ambiguous unless they
are linked as the same concept (``skos:exactMatch``); a main-label match beats
an alternative-label match. Unknown names raise with suggestions.

Examples
--------
>>> from careergraph import open_graph
>>> from careergraph.resolve import resolve, label_of
>>> g = open_graph()
>>> label_of(g, resolve(g, "ml engineer", kind="role"))
'Machine Learning Engineer'
"""

from __future__ import annotations

from rdflib import Literal, URIRef

from .errors import AmbiguousName, InvalidParameter, NameNotFound, RoleNotFound, SkillNotFound, suggest
from .vocab import CG, PREFIXES

__all__ = ["CLASSES", "expand_curie", "label_of", "labels_of", "resolve", "resolve_many"]

#: Parameter kind -> class IRI (None: any node with a label).
CLASSES: dict[str, URIRef | None] = {
    "role": CG.Role,
    "skill": CG.Skill,
    "degree": CG.DegreeLevel,
    "field": CG.FieldOfStudy,
    "industry": CG.Industry,
    "entity": None,
}
_ERRORS = {"role": RoleNotFound, "skill": SkillNotFound}

_PRE = """PREFIX cg: <https://w3id.org/careergraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
_MATCH = _PRE + """SELECT DISTINCT ?e ?needle ?cls ?key ?main ?label WHERE {
  ?e rdfs:label|skos:prefLabel|skos:altLabel ?l .
  FILTER(LCASE(STR(?l)) = ?needle)
  ?e a ?cls .
  #SOURCE#
  BIND(EXISTS { ?e rdfs:label|skos:prefLabel ?l2 . FILTER(LCASE(STR(?l2)) = ?needle) } AS ?main)
  OPTIONAL { ?e rdfs:label ?label }
}"""
_MATCH_ANY = _MATCH.replace("  ?e a ?cls .\n", "")
# One exact label: an index lookup instead of a scan of every label (the scan
# costs ~1.5 s on an ESCO + O*NET store). Then the same columns as _MATCH for
# each node found, one bound node at a time: Oxigraph plans the combined query
# as a join over every node of the class (~90 ms), the split one in ~1 ms.
_EXACT = _PRE + """SELECT DISTINCT ?e ?l WHERE { ?e rdfs:label|skos:prefLabel|skos:altLabel ?l }"""
_INFO = _PRE + """SELECT DISTINCT ?e ?l ?cls ?key ?main ?label WHERE {
  ?e a ?cls .
  #SOURCE#
  BIND(EXISTS { ?e rdfs:label|skos:prefLabel ?l } AS ?main)
  OPTIONAL { ?e rdfs:label ?label }
}"""
_INFO_ANY = _INFO.replace("  ?e a ?cls .\n", "")
# Oxigraph substitutes bound variables as constants, so the dataset filter is
# a separate pattern rather than a BOUND() test on a maybe-bound variable.
_BY_SOURCE = "?e cg:inDataset/cg:datasetKey ?key ."
_SAME = _PRE + """SELECT ?a ?b WHERE { ?a skos:exactMatch|^skos:exactMatch ?b }"""
_EXISTS = _PRE + """SELECT ?e ?cls WHERE { ?e a ?cls }"""
_EXISTS_ANY = _PRE + """SELECT ?e WHERE { ?e ?p ?o } LIMIT 1"""
_LABELS = _PRE + """SELECT ?cls ?l WHERE { ?e a ?cls ; rdfs:label ?l }"""
_LABELS_ANY = _PRE + """SELECT ?l WHERE { ?e rdfs:label ?l }"""
_LABEL_OF = _PRE + """SELECT ?e ?l WHERE { ?e rdfs:label ?l } LIMIT 1"""
_DATASET_OF = _PRE + """SELECT ?e ?key WHERE { ?e cg:inDataset/cg:datasetKey ?key } LIMIT 1"""


def expand_curie(text: str) -> str:
    """Expand ``cgr:data-scientist`` or ``<http://…>`` to a full IRI string.

    Examples
    --------
    >>> expand_curie("cgr:data-scientist")
    'https://w3id.org/careergraph/id/role/data-scientist'
    """
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    if "://" in text or text.startswith("urn:"):
        return text
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and " " not in local:
        return PREFIXES[prefix] + local
    raise ValueError(text)


def _looks_like_iri(text: str) -> bool:
    try:
        expand_curie(text)
        return True
    except ValueError:
        return False


def _sparql(graph, text: str, **bind):
    return list(graph.query(text, initBindings=bind))


def label_of(graph, node) -> str:
    """Return the ``rdfs:label`` of a node, or its IRI when it has none."""
    rows = _sparql(graph, _LABEL_OF, e=URIRef(str(node)))
    return str(rows[0][1]) if rows else str(node)


def labels_of(graph, nodes) -> dict[str, str]:
    """Return ``{iri: label}`` for many nodes (an IRI stands for itself when it has no label)."""
    return {str(n): label_of(graph, n) for n in nodes}


def _not_found(graph, name: str, kind: str, source: str | None) -> NameNotFound:
    cls = CLASSES[kind]
    err = _ERRORS.get(kind, NameNotFound)
    title = kind.capitalize()
    if source:
        bind = {"needle": Literal(name.lower())}
        if cls is not None:
            bind["cls"] = cls
        elsewhere = _sparql(graph, (_MATCH if cls is not None else _MATCH_ANY).replace("#SOURCE#", ""), **bind)
        if elsewhere:
            found = sorted({_dataset(graph, str(r[0])) or "no dataset" for r in elsewhere})
            exc = err(name)
            exc.args = (f"{title} {name!r} is not in source {source!r} (it is in: {', '.join(found)}); "
                        "drop --source or pick another source",)
            return exc
    if cls is None:
        labels = [str(r[0]) for r in _sparql(graph, _LABELS_ANY)]
    else:
        labels = [str(r[1]) for r in _sparql(graph, _LABELS, cls=cls)]
    hint = f"'careergraph query list-{kind}s' lists them" if kind in ("role", "skill") else ""
    exc = err(name, suggest(name, labels), hint=hint)
    if err is NameNotFound:
        exc.args = (str(exc).replace("Name ", f"{title} ", 1),)
    return exc


def resolve(graph, name: str, kind: str = "role", source: str | None = None) -> URIRef:
    """Return the node a name, IRI or CURIE stands for.

    Parameters
    ----------
    graph : rdflib.Dataset
    name : str
        A label or alternative label (any case), an IRI or a CURIE.
    kind : {"role", "skill", "degree", "field", "industry", "entity"}
        What the name must be.
    source : str, optional
        Only consider nodes of this dataset key (``seed``, ``esco``, ``onet``).

    Raises
    ------
    RoleNotFound, SkillNotFound, NameNotFound
        Nothing matches; the message suggests close labels.
    AmbiguousName
        Several distinct nodes match; the message lists them.
    """
    if kind not in CLASSES:
        raise InvalidParameter(f"Unknown name kind {kind!r}; use one of {', '.join(CLASSES)}")
    name = name.strip()
    if not name:
        raise InvalidParameter(f"Empty {kind} name; give a label, IRI or CURIE")
    cls = CLASSES[kind]
    if _looks_like_iri(name):
        node = URIRef(expand_curie(name))
        ok = _sparql(graph, _EXISTS, e=node, cls=cls) if cls is not None else _sparql(graph, _EXISTS_ANY, e=node)
        if ok:
            return node
        raise _ERRORS.get(kind, NameNotFound)(name, [], hint=f"no {kind} has that IRI")
    bind = {}
    if source:
        bind["key"] = Literal(source)
    if cls is not None:
        bind["cls"] = cls
    src = _BY_SOURCE if source else ""
    rows = []
    info = (_INFO if cls is not None else _INFO_ANY).replace("#SOURCE#", src)
    for variant in _case_variants(name):  # fast: the casings people and taxonomies use
        for node, label in _sparql(graph, _EXACT, l=Literal(variant)):
            rows += _sparql(graph, info, e=node, l=label, **bind)
    if not rows:  # any other casing: scan the labels case-insensitively
        rows = _sparql(graph, (_MATCH if cls is not None else _MATCH_ANY).replace("#SOURCE#", src),
                       needle=Literal(name.lower()), **bind)
    if not rows:
        raise _not_found(graph, name, kind, source)
    main = {str(r[0]) for r in rows if r[4] is not None and r[4].toPython()}
    cands = main or {str(r[0]) for r in rows}
    labels = {str(r[0]): str(r[5]) if r[5] is not None else str(r[0]) for r in rows}
    if len(cands) > 1:
        cands = _collapse_same(graph, cands)
    if len(cands) > 1:
        raise AmbiguousName(name, sorted((labels[c], c) for c in cands), kind=kind.capitalize())
    return URIRef(next(iter(cands)))


def _case_variants(name: str) -> list[str]:
    """The name as typed, lower case, Title Case and Capitalized, without repeats.

    Examples
    --------
    >>> _case_variants("data scientist")
    ['data scientist', 'Data Scientist', 'Data scientist']
    """
    out: list[str] = []
    for v in (name, name.lower(), name.title(), name[:1].upper() + name[1:].lower()):
        if v not in out:
            out.append(v)
    return out


def _collapse_same(graph, cands: set[str]) -> set[str]:
    """Keep one node per ``skos:exactMatch`` cluster (the seed's one first)."""
    keep: list[str] = []
    for c in sorted(cands, key=lambda c: (_dataset(graph, c) != "seed", c)):
        same = {str(r[1]) for r in _sparql(graph, _SAME, a=URIRef(c))}
        if not any(k in same for k in keep):
            keep.append(c)
    return set(keep)


def _dataset(graph, node: str) -> str | None:
    rows = _sparql(graph, _DATASET_OF, e=URIRef(node))
    return str(rows[0][1]) if rows else None


def resolve_many(graph, names, kind: str = "skill", source: str | None = None) -> list[URIRef]:
    """Resolve a list of names, or one comma-separated string, keeping order.

    Examples
    --------
    >>> from careergraph import open_graph
    >>> g = open_graph()
    >>> len(resolve_many(g, "Python, SQL"))
    2
    """
    if isinstance(names, str):
        names = [n for n in (s.strip() for s in names.split(",")) if n]
    out: list[URIRef] = []
    for n in names:
        node = resolve(graph, n, kind=kind, source=source)
        if node not in out:
            out.append(node)
    return out
