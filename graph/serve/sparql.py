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

import binascii
import re
from dataclasses import dataclass, field
from urllib.parse import unquote_plus

import pyoxigraph as ox

from ..errors import CareerGraphError, InvalidParameter, clip
from ..queries import Answer, QueryRefused
from ..sparql import parse_query

__all__ = [
    "FORMATS",
    "RESULTS_FORMATS",
    "NotAcceptable",
    "ProtocolError",
    "QueryRequest",
    "negotiate",
    "parse_form",
    "parse_request",
    "query_form",
    "results_document",
    "serialize",
]

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
            for k, v in parse_form(text).items():
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


#: A well-formed form-encoded value: RFC 3986 query characters and %XX escapes only.
_FORM_VALUE = re.compile(r"(?:[A-Za-z0-9\-._~!$'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*")


def _unquote(value: str) -> str:
    """``urllib.parse.unquote_plus``, an order of magnitude faster on a well-formed value.

    A query of 2 KB is ~700 escapes: the standard library decodes them one by
    one in Python (~90 us); quoted-printable decoding does it in C, once every
    ``%`` is written ``=`` (and every ``=`` itself ``=3D``).
    """
    if not _FORM_VALUE.fullmatch(value):
        return unquote_plus(value)  # a raw space, a stray '%': the standard library's rules
    raw = value.encode("ascii").replace(b"+", b" ").replace(b"=", b"=3D").replace(b"%", b"=")
    return binascii.a2b_qp(raw).decode("utf-8", "replace")


def parse_form(text: str) -> dict[str, list[str]]:
    """An ``application/x-www-form-urlencoded`` text (a URL's query string, a POSTed form): name -> values.

    What ``urllib.parse.parse_qs(text, keep_blank_values=True)`` gives.

    Examples
    --------
    >>> parse_form("query=SELECT+%3Fs+%7B%7D&default-graph-uri=http%3A%2F%2Fx%2Fg&query=")
    {'query': ['SELECT ?s {}', ''], 'default-graph-uri': ['http://x/g']}
    >>> parse_form("q=caf%C3%A9%20a=b&x")
    {'q': ['café a=b'], 'x': ['']}
    """
    out: dict[str, list[str]] = {}
    for part in text.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        out.setdefault(_unquote(name), []).append(_unquote(value))
    return out


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

#: The results formats of SELECT and ASK answers, which the store writes itself (``fetch_results``).
RESULTS_FORMATS = {_JSON: ox.QueryResultsFormat.JSON, _XML: ox.QueryResultsFormat.XML,
                   _CSV: ox.QueryResultsFormat.CSV, _TSV: ox.QueryResultsFormat.TSV}
_RDF_FORMATS = {_TURTLE: ox.RdfFormat.TURTLE, _NT: ox.RdfFormat.N_TRIPLES, _RDFXML: ox.RdfFormat.RDF_XML}
#: Characters XML 1.0 cannot hold at all (not even as references), in UTF-8; an imported label may have them.
_XML_BAD_BYTES = re.compile(b"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")


def query_form(text: str) -> str | None:
    """``"select"``, ``"ask"`` or ``"graph"`` (CONSTRUCT, DESCRIBE): what kind of answer a query has.

    None for a text the lexer cannot read; the store then says what is wrong.

    Examples
    --------
    >>> query_form("PREFIX x: <x:> ASK { ?s ?p ?o }"), query_form("DESCRIBE <x:a>"), query_form("SELEC *")
    ('ask', 'graph', None)
    """
    try:
        form = parse_query(text).form
    except SyntaxError:
        return None
    return {"SELECT": "select", "ASK": "ask"}.get(form, "graph")


def results_document(doc: bytes, mime: str) -> bytes:
    r"""A SELECT or ASK results document as sent: XML without the characters XML 1.0 forbids.

    Examples
    --------
    >>> results_document(b"<literal>a\x0bb</literal>", "application/sparql-results+xml").decode()
    '<literal>a\ufffdb</literal>'
    """
    if mime == _XML:
        return _XML_BAD_BYTES.sub("\ufffd".encode(), doc)
    return doc


def serialize(answer: Answer, mime: str) -> bytes:
    r"""A CONSTRUCT or DESCRIBE answer in the negotiated RDF format (see :func:`negotiate`).

    Examples
    --------
    >>> t = ox.Triple(ox.NamedNode("x:a"), ox.NamedNode("x:b"), ox.Literal("c"))
    >>> serialize(Answer("graph", rows=[t]), "application/n-triples")
    b'<x:a> <x:b> "c" .\n'
    """
    if answer.form != "graph" or mime not in _RDF_FORMATS:
        raise InvalidParameter(f"Cannot write a {answer.form} answer as {clip(mime)}")
    return ox.serialize(answer.rows, format=_RDF_FORMATS[mime]) or b""


def content_type(mime: str) -> str:
    """The ``Content-Type`` header of a result format (UTF-8 for text)."""
    return mime if mime == _RDFXML else f"{mime}; charset=utf-8"
