"""The SPARQL 1.1 Protocol, read-only: parse a query request, pick a result format, write the answer.

Requests (`SPARQL 1.1 Protocol`_ §2.1): ``GET ?query=``, a ``POST`` form
(``application/x-www-form-urlencoded``) and ``POST application/sparql-query``;
``default-graph-uri`` and ``named-graph-uri`` (repeatable) set the dataset and
win over ``FROM``/``FROM NAMED`` in the query. Updates (an ``update=`` form
field, ``application/sparql-update``) are refused before anything is read.

Answers by content negotiation on ``Accept``: SPARQL JSON, XML, CSV and TSV
for SELECT and ASK; Turtle, N-Triples and RDF/XML for CONSTRUCT and DESCRIBE.

.. _SPARQL 1.1 Protocol: https://www.w3.org/TR/sparql11-protocol/

Examples
--------
>>> negotiate("text/csv;q=0.5, application/sparql-results+json", "select")
'application/sparql-results+json'
>>> negotiate("*/*", "graph")
'text/turtle'
>>> negotiate("image/png", "select")  # doctest: +IGNORE_EXCEPTION_DETAIL
Traceback (most recent call last):
...
careergraph.serve.sparql.NotAcceptable: None of the accepted types ...
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qs
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from ..errors import CareerGraphError, InvalidParameter, clip
from ..queries import Answer, QueryRefused

__all__ = ["FORMATS", "NotAcceptable", "ProtocolError", "QueryRequest", "negotiate", "parse_request", "serialize"]

_JSON = "application/sparql-results+json"
_XML = "application/sparql-results+xml"
_CSV = "text/csv"
_TSV = "text/tab-separated-values"
_TURTLE = "text/turtle"
_NT = "application/n-triples"
_RDFXML = "application/rdf+xml"

#: Media types offered for each query form, in order of preference (the first is the default).
FORMATS = {
    "select": (_JSON, _XML, _CSV, _TSV),
    "ask": (_JSON, _XML, _CSV, _TSV),
    "graph": (_TURTLE, _NT, _RDFXML),
}
#: Other names clients send for the same formats.
_ALIASES = {"application/json": _JSON, "application/xml": _XML, "text/xml": _XML,
            "application/x-turtle": _TURTLE, "text/plain": _NT, "text/n-triples": _NT,
            "application/turtle": _TURTLE}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class ProtocolError(CareerGraphError):
    """A request the SPARQL protocol does not allow (``status``: its HTTP status)."""

    status = 400


class NotAcceptable(ProtocolError):
    """No result format the client accepts fits the query form."""

    status = 406


class UnsupportedMediaType(ProtocolError):
    """A POST body of a type the protocol does not define."""

    status = 415


@dataclass
class QueryRequest:
    """One query request: the query text and the protocol's dataset."""

    query: str
    default_graphs: list[str] | None = None
    named_graphs: list[str] | None = None
    extra: dict[str, list[str]] = field(default_factory=dict)


def _one(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name) or []
    if len(values) > 1:
        raise ProtocolError(f"Give '{name}' once; the request has it {len(values)} times")
    return values[0] if values else None


def _graphs(params: dict[str, list[str]], name: str) -> list[str] | None:
    values = params.get(name)
    if not values:
        return None
    for v in values:
        try:
            ox.NamedNode(v)
        except ValueError:
            raise ProtocolError(f"'{name}' must be an absolute IRI, got {clip(v)}") from None
    return list(values)


_READ_ONLY = ("this endpoint is read-only: it answers SPARQL queries (SELECT, ASK, CONSTRUCT, DESCRIBE) "
              "and refuses every update")


def parse_request(method: str, url_params: dict[str, list[str]], content_type: str, body: bytes) -> QueryRequest:
    """The query request in an HTTP request, as the protocol defines it.

    Parameters
    ----------
    method : {"GET", "POST"}
    url_params : dict
        The URL's query string, parsed (name -> values).
    content_type : str
        The request's ``Content-Type`` (POST).
    body : bytes
        The request body (POST), already bounded by the size limit.

    Raises
    ------
    QueryRefused
        An update request (403).
    ProtocolError
        No query, a query given twice, a bad graph IRI, a body that is not UTF-8 (400).
    UnsupportedMediaType
        A POST body of another type (415).

    Examples
    --------
    >>> r = parse_request("GET", {"query": ["ASK {}"], "default-graph-uri": ["http://x/g"]}, "", b"")
    >>> r.query, r.default_graphs, r.named_graphs
    ('ASK {}', ['http://x/g'], None)
    """
    params = {k: list(v) for k, v in url_params.items()}
    if method == "POST":
        mime = content_type.split(";")[0].strip().lower()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise ProtocolError("The request body is not UTF-8 text") from None
        if mime == "application/x-www-form-urlencoded":
            for k, v in parse_qs(text, keep_blank_values=True).items():
                params.setdefault(k, []).extend(v)
        elif mime == "application/sparql-query":
            if "query" in params:
                raise ProtocolError("With a application/sparql-query body, give no 'query' URL parameter")
            params["query"] = [text]
        elif mime == "application/sparql-update":
            raise QueryRefused(_READ_ONLY)
        else:
            raise UnsupportedMediaType(
                f"POST a query as application/x-www-form-urlencoded (query=...) or application/sparql-query, "
                f"not {clip(mime or 'no Content-Type')}")
    if "update" in params:
        raise QueryRefused(_READ_ONLY)
    query = _one(params, "query")
    if query is None or not query.strip():
        raise ProtocolError("Give a SPARQL query: GET /sparql?query=..., or POST it as a form field "
                            "'query' or as an application/sparql-query body")
    extra = {k: v for k, v in params.items() if k not in ("query", "default-graph-uri", "named-graph-uri")}
    return QueryRequest(query, _graphs(params, "default-graph-uri"), _graphs(params, "named-graph-uri"), extra)


def _accepted(header: str) -> list[tuple[str, float, int]]:
    out = []
    for n, part in enumerate(header.split(",")):
        bits = [b.strip() for b in part.split(";")]
        mime = bits[0].lower()
        if not mime:
            continue
        q = 1.0
        for b in bits[1:]:
            k, _, v = b.partition("=")
            if k.strip().lower() == "q":
                try:
                    q = float(v)
                except ValueError:
                    q = 0.0
        out.append((_ALIASES.get(mime, mime), q, n))
    return out


def negotiate(accept: str | None, form: str) -> str:
    """The media type to answer in: the client's best choice among :data:`FORMATS` for the form.

    Raises
    ------
    NotAcceptable
        Nothing the client accepts is offered (406); the message lists what is.
    """
    offered = FORMATS[form]
    if not accept or not accept.strip():
        return offered[0]
    best: tuple[float, int, int] | None = None
    choice = None
    for mime, q, n in _accepted(accept):
        if q <= 0:
            continue
        for rank, off in enumerate(offered):
            if mime == off or mime == "*/*" or (mime.endswith("/*") and off.startswith(mime[:-1])):
                specific = 0 if mime == off else 1
                key = (-q, specific, rank if specific else n)
                if best is None or key < best:
                    best, choice = key, off
                if specific == 0:
                    break
    if choice is None:
        what = "a CONSTRUCT/DESCRIBE" if form == "graph" else f"an {form.upper()}" if form == "ask" else "a SELECT"
        raise NotAcceptable(f"None of the accepted types ({clip(accept)}) fits {what} answer; "
                            "this endpoint offers: " + ", ".join(offered))
    return choice


# -- writing ------------------------------------------------------------------------------------

def _json_term(t) -> dict:
    kind = type(t)
    if kind is ox.NamedNode:
        return {"type": "uri", "value": t.value}
    if kind is ox.Literal:
        d = {"type": "literal", "value": t.value}
        if t.language:
            d["xml:lang"] = t.language
        elif t.datatype.value != _XSD_STRING:
            d["datatype"] = t.datatype.value
        return d
    if kind is ox.BlankNode:
        return {"type": "bnode", "value": t.value}
    return {"type": "triple", "value": {"subject": _json_term(t.subject), "predicate": _json_term(t.predicate),
                                        "object": _json_term(t.object)}}


def _x(text: str) -> str:
    return escape(_XML_BAD.sub("\ufffd", text))


def _xml_term(t) -> str:
    kind = type(t)
    if kind is ox.NamedNode:
        return f"<uri>{_x(t.value)}</uri>"
    if kind is ox.Literal:
        if t.language:
            return f"<literal xml:lang={quoteattr(t.language)}>{_x(t.value)}</literal>"
        if t.datatype.value not in (_XSD_STRING, _RDF_LANG_STRING):
            return f"<literal datatype={quoteattr(t.datatype.value)}>{_x(t.value)}</literal>"
        return f"<literal>{_x(t.value)}</literal>"
    if kind is ox.BlankNode:
        return f"<bnode>{_x(t.value)}</bnode>"
    return (f"<triple><subject>{_xml_term(t.subject)}</subject><predicate>{_xml_term(t.predicate)}</predicate>"
            f"<object>{_xml_term(t.object)}</object></triple>")


def _csv_value(t) -> str:
    if t is None:
        return ""
    if type(t) is ox.BlankNode:
        return f"_:{t.value}"
    return t.value if hasattr(t, "value") else str(t)


def _select(answer: Answer, mime: str) -> bytes:
    names: Sequence[str] = answer.variables
    if mime == _JSON:
        bindings = [{n: _json_term(t) for n, t in zip(names, row) if t is not None} for row in answer.rows]
        return json.dumps({"head": {"vars": list(names)}, "results": {"bindings": bindings}},
                          ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if mime == _XML:
        parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                 "<head>", *(f"<variable name={quoteattr(n)}/>" for n in names), "</head><results>"]
        for row in answer.rows:
            parts.append("<result>")
            parts += [f"<binding name={quoteattr(n)}>{_xml_term(t)}</binding>"
                      for n, t in zip(names, row) if t is not None]
            parts.append("</result>")
        parts.append("</results></sparql>\n")
        return "".join(parts).encode("utf-8")
    if mime == _CSV:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(names)
        w.writerows([_csv_value(t) for t in row] for row in answer.rows)
        return buf.getvalue().encode("utf-8")
    lines = ["\t".join("?" + n for n in names)]  # TSV: terms in N-Triples syntax, as Turtle allows
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in answer.rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _ask(value: bool, mime: str) -> bytes:
    if mime == _JSON:
        return json.dumps({"head": {}, "boolean": value}).encode()
    if mime == _XML:
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{'true' if value else 'false'}</boolean></sparql>\n").encode()
    return (("true" if value else "false") + "\n").encode()


_RDF_FORMATS = {_TURTLE: ox.RdfFormat.TURTLE, _NT: ox.RdfFormat.N_TRIPLES, _RDFXML: ox.RdfFormat.RDF_XML}


def serialize(answer: Answer, mime: str) -> bytes:
    """The answer in the negotiated format (see :func:`negotiate`).

    Examples
    --------
    >>> a = Answer("select", ["x"], [(ox.Literal("a<b"),)])
    >>> serialize(a, "application/sparql-results+json")
    b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"a<b"}}]}}'
    >>> b"a&lt;b" in serialize(a, "application/sparql-results+xml")
    True
    """
    if mime not in FORMATS["select"] + FORMATS["graph"]:
        raise InvalidParameter(f"Unknown result format {clip(mime)}")
    if answer.form == "ask":
        return _ask(bool(answer.boolean), mime)
    if answer.form == "select":
        return _select(answer, mime)
    return ox.serialize(answer.rows, format=_RDF_FORMATS[mime]) or b""


def content_type(mime: str) -> str:
    """The ``Content-Type`` header of a result format (UTF-8 for text)."""
    return mime if mime == _RDFXML else f"{mime}; charset=utf-8"
