"""Namespaces and IRI helpers shared by every module.

The vocabulary lives in a hash namespace (``cg:``), instances in slash
namespaces under ``https://w3id.org/careergraph/id/``. See
``docs/vocabulary.md`` for the full contract.

Examples
--------
>>> from careergraph.vocab import CG, iri
>>> str(CG.Role)
'https://w3id.org/careergraph/ontology#Role'
>>> str(iri("role", "Machine Learning Engineer"))
'https://w3id.org/careergraph/id/role/machine-learning-engineer'
"""

from __future__ import annotations

import re
import unicodedata

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

__all__ = [
    "BASE",
    "CG",
    "CGID",
    "CGR",
    "CGS",
    "DCTERMS",
    "ESCO",
    "GRAPH",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SKOS",
    "XSD",
    "graph_iri",
    "iri",
    "slugify",
]

BASE = "https://w3id.org/careergraph/"
CG = Namespace(BASE + "ontology#")
CGID = Namespace(BASE + "id/")
CGR = Namespace(BASE + "id/role/")
CGS = Namespace(BASE + "id/skill/")
GRAPH = Namespace(BASE + "graph/")
SCHEMA = Namespace("https://schema.org/")
ESCO = Namespace("http://data.europa.eu/esco/model#")

#: Prefixes known to every query and to CURIE resolution.
PREFIXES: dict[str, str] = {
    "cg": str(CG),
    "cgr": str(CGR),
    "cgs": str(CGS),
    "cgid": str(CGID),
    "skos": str(SKOS),
    "schema": str(SCHEMA),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "esco": str(ESCO),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "escoid": "http://data.europa.eu/esco/",
    "onet": BASE + "id/onet/",
}

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """Return the kebab-case slug used in instance IRIs.

    Examples
    --------
    >>> slugify("Master's degree / Ph.D.")
    'master-s-degree-ph-d'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NON_SLUG.sub("-", ascii_text.lower()).strip("-")


def iri(kind: str, name: str) -> URIRef:
    """Return the instance IRI ``…/id/<kind>/<slug(name)>``."""
    return URIRef(f"{CGID}{kind}/{slugify(name)}")


def graph_iri(key: str) -> URIRef:
    """Return the IRI of the named graph that holds one source, e.g. ``seed``."""
    return URIRef(f"{GRAPH}{key}")
