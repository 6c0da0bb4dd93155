"""The API's routes as data: their parameters, parsed and checked the same way, and the OpenAPI document.

One table (:data:`careergraph.serve.routes.ENDPOINTS`) of :class:`Endpoint`
drives both the request parsing (:class:`Args`) and :func:`openapi`, so the
document cannot drift from what the server accepts.

Examples
--------
>>> ep = Endpoint("/api/similar", "Similar roles", (Param("role", required=True), Param("top", "integer", 10)))
>>> args = Args(ep, [("role", "Data Scientist"), ("top", "3")])
>>> args.text("role"), args.integer("top")
('Data Scientist', 3)
>>> Args(ep, [("rol", "x")])  # doctest: +IGNORE_EXCEPTION_DETAIL
Traceback (most recent call last):
...
careergraph.errors.InvalidParameter: Unknown parameter 'rol' for /api/similar; its parameters are: role, top
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .._version import __version__
from ..errors import InvalidParameter, clip

__all__ = ["Args", "Endpoint", "Param", "openapi"]

_TRUE = {"", "1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_SCHEMA = {"string": {"type": "string"}, "integer": {"type": "integer"}, "number": {"type": "number"},
           "boolean": {"type": "boolean"}, "array": {"type": "array", "items": {"type": "string"}}}


@dataclass(frozen=True)
class Param:
    """One query-string parameter of a route (``array``: repeatable)."""

    name: str
    kind: str = "string"
    default: Any = None
    required: bool = False
    description: str = ""


@dataclass(frozen=True)
class Endpoint:
    """One GET route: its path, summary, parameters, handler and answer type."""

    path: str
    summary: str
    params: tuple[Param, ...] = ()
    handler: Callable[..., Any] | None = None
    media_type: str = "application/json"
    open_params: bool = False  # /api/query/NAME: any name, checked by the query itself
    description: str = ""


class Args:
    """The query-string values of one request, checked against an :class:`Endpoint`.

    Raises
    ------
    InvalidParameter
        An unknown parameter, or one given twice that is not repeatable.
    """

    def __init__(self, endpoint: Endpoint, items: Iterable[tuple[str, str]]):
        self.endpoint = endpoint
        self.values: dict[str, list[str]] = {}
        for k, v in items:
            self.values.setdefault(k, []).append(v)
        known = {p.name: p for p in endpoint.params}
        if not endpoint.open_params:
            for name in self.values:
                if name not in known:
                    raise InvalidParameter(
                        f"Unknown parameter {clip(name)} for {endpoint.path}; its parameters are: "
                        + (", ".join(known) or "none"))
        for name, vals in self.values.items():
            p = known.get(name)
            if len(vals) > 1 and (p is None or p.kind != "array"):
                raise InvalidParameter(f"Give parameter '{name}' once (it is given {len(vals)} times)")
        self._params = known

    def _raw(self, name: str) -> str | None:
        vals = self.values.get(name)
        if not vals:
            p = self._params.get(name)
            if p is not None and p.required:
                raise InvalidParameter(f"Missing parameter '{name}' for {self.endpoint.path}"
                                       + (f" ({p.description})" if p.description else ""))
            return None
        return vals[0]

    def _default(self, name: str) -> Any:
        p = self._params.get(name)
        return p.default if p is not None else None

    def text(self, name: str) -> str | None:
        """A string parameter (its default when absent)."""
        raw = self._raw(name)
        return self._default(name) if raw is None else raw

    def integer(self, name: str) -> int:
        """An integer parameter."""
        raw = self._raw(name)
        if raw is None:
            return self._default(name)
        try:
            return int(raw.strip())
        except ValueError:
            raise InvalidParameter(f"Parameter '{name}' wants an integer, got {clip(raw)}") from None

    def number(self, name: str) -> float:
        """A decimal parameter."""
        raw = self._raw(name)
        if raw is None:
            return self._default(name)
        try:
            return float(raw.strip())
        except ValueError:
            raise InvalidParameter(f"Parameter '{name}' wants a number, got {clip(raw)}") from None

    def flag(self, name: str) -> bool:
        """A boolean parameter (``lateral``, ``lateral=true``, ``lateral=0`` ...)."""
        raw = self._raw(name)
        if raw is None:
            return bool(self._default(name))
        low = raw.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise InvalidParameter(f"Parameter '{name}' wants true or false, got {clip(raw)}")

    def many(self, name: str) -> list[str]:
        """Every value of a repeatable parameter."""
        return list(self.values.get(name, []))

    def pairs(self) -> dict[str, str]:
        """All parameters as name -> value (routes with open parameters)."""
        return {k: v[0] for k, v in self.values.items()}


def _parameter(p: Param) -> dict[str, Any]:
    schema = dict(_SCHEMA[p.kind])
    if p.default is not None:
        schema["default"] = p.default
    d = {"name": p.name, "in": "query", "required": p.required, "schema": schema}
    if p.description:
        d["description"] = p.description
    if p.kind == "array":
        d["explode"] = True
    return d


_ERROR = {"description": "An error: the CLI's message, and suggestions for an unknown name",
          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def openapi(endpoints: Iterable[Endpoint]) -> dict[str, Any]:
    """The OpenAPI 3.1 document of the API and the SPARQL endpoint.

    Examples
    --------
    >>> doc = openapi([Endpoint("/api/roles", "Autocomplete", (Param("q", required=True),))])
    >>> doc["openapi"], list(doc["paths"])
    ('3.1.0', ['/api/roles', '/sparql'])
    """
    paths: dict[str, Any] = {}
    for ep in endpoints:
        params = [_parameter(p) for p in ep.params]
        if "{name}" in ep.path:
            params.insert(0, {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}})
        ok = ({"content": {ep.media_type: {"schema": {"type": "string"}}}} if ep.media_type != "application/json"
              else {"content": {"application/json": {"schema": {"type": "object"}}}})
        paths[ep.path] = {"get": {
            "summary": ep.summary, "description": ep.description or ep.summary, "parameters": params,
            "responses": {"200": {"description": "The answer", **ok}, "400": _ERROR, "404": _ERROR, "503": _ERROR}}}
    sparql_params = [
        {"name": "query", "in": "query", "required": True, "schema": {"type": "string"},
         "description": "A SPARQL 1.1 query (SELECT, ASK, CONSTRUCT or DESCRIBE)"},
        {"name": "default-graph-uri", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
        {"name": "named-graph-uri", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
    ]
    results = {m: {"schema": {"type": "string"}} for m in (
        "application/sparql-results+json", "application/sparql-results+xml", "text/csv",
        "text/tab-separated-values", "text/turtle", "application/n-triples", "application/rdf+xml")}
    text_error = {"content": {"text/plain": {"schema": {"type": "string"}}}}
    sparql_responses = {
        "200": {"description": "The answer, in the format the Accept header asks for", "content": results},
        "400": {"description": "A malformed query or request, or too many rows", **text_error},
        "403": {"description": "An update or SERVICE: the endpoint is read-only", **text_error},
        "406": {"description": "No acceptable result format", **text_error},
        "413": {"description": "The request body is over the size limit", **text_error},
        "503": {"description": "The query ran past the time limit", **text_error},
    }
    paths["/sparql"] = {
        "get": {"summary": "SPARQL 1.1 query (read-only)", "parameters": sparql_params,
                "responses": sparql_responses},
        "post": {"summary": "SPARQL 1.1 query (read-only), as a form or an application/sparql-query body",
                 "requestBody": {"content": {
                     "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {
                         "query": {"type": "string"}}, "required": ["query"]}},
                     "application/sparql-query": {"schema": {"type": "string"}}}},
                 "responses": sparql_responses},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "careergraph", "version": __version__,
                 "description": "A knowledge graph of careers: a JSON API with the shapes of the command "
                                "line's --format json, and a read-only SPARQL 1.1 endpoint."},
        "paths": paths,
        "components": {"schemas": {"Error": {"type": "object", "required": ["error", "type"], "properties": {
            "error": {"type": "string"}, "type": {"type": "string"},
            "suggestions": {"type": "array", "items": {"type": "string"}},
            "candidates": {"type": "array", "items": {"type": "object"}},
            "closest": {"type": "array", "items": {"type": "string"}}}}}},
    }
