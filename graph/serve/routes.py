"""The routes: ``/api/...`` (one CareerGraph call each, the CLI's JSON shapes), ``/sparql``, the explorer.

Each API handler takes the :class:`~careergraph.serve.core.Server` and the
checked :class:`~careergraph.serve.spec.Args`, makes one CareerGraph call
and returns the payload of :mod:`careergraph.payloads`, which the CLI's
``--format json`` prints too. Handlers run in a worker thread
(:meth:`~careergraph.serve.core.Server.call`).

Examples
--------
>>> sorted(ep.path for ep in ENDPOINTS)[:3]
['/api/gap', '/api/next', '/api/overlap']
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import matplotlib
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .._version import __version__
from ..payloads import (
    gap_payload,
    overlap_payload,
    path_payload,
    queries_payload,
    query_catalogue,
    query_payload,
    recommend_payload,
    similar_payload,
)
from ..queries import QueryTimeout, RowLimitExceeded, fetch, fetch_results, load_query
from .core import LimitExceeded, Server
from .sparql import (
    RESULTS_FORMATS,
    content_type,
    negotiate,
    parse_form,
    parse_request,
    query_form,
    results_document,
    serialize,
)
from .spec import Args, Endpoint, Param, openapi

__all__ = ["ENDPOINTS", "STATIC", "routes"]

#: The explorer's files, shipped in the package.
STATIC = Path(__file__).resolve().parent / "static"

_SOURCE = Param("source", description="Resolve names only in this dataset: seed, esco, onet ...")
_EVIDENCE = Param("evidence", default="any", description="any, or stated: only moves and requirements a source states")
_HAVE = "Skills you have, comma-separated"
_COMPLETE_LIMIT = 50


# -- handlers: one CareerGraph call each ---------------------------------------------------------

def _path(s: Server, a: Args) -> Any:
    alternatives = a.integer("alternatives")
    res = s.careergraph(a.text("source")).path(
        a.text("from"), a.text("to"), by=a.text("by"), via=a.text("via"), avoid=a.many("avoid"),
        lateral=a.flag("lateral"), min_score=a.number("min_score"), have=a.text("have"),
        alternatives=alternatives, unknown_years=a.number("unknown_years"), evidence=a.text("evidence"))
    return path_payload(res, alternatives)


def _overlap(s: Server, a: Args) -> Any:
    return overlap_payload(s.careergraph(a.text("source")).overlap(a.text("a"), a.text("b"),
                                                                  evidence=a.text("evidence")))


def _similar(s: Server, a: Args) -> Any:
    return similar_payload(s.careergraph(a.text("source")).similar(a.text("role"), top=a.integer("top")))


def _next(s: Server, a: Args) -> Any:
    source = a.text("source")
    return s.careergraph(source).next(a.text("role"), top=a.integer("top"), source=source)


def _gap(s: Server, a: Args) -> Any:
    return gap_payload(s.careergraph(a.text("source")).gap(a.text("have"), a.text("target"),
                                                          evidence=a.text("evidence")))


def _recommend(s: Server, a: Args) -> Any:
    return recommend_payload(s.careergraph(a.text("source")).recommend(a.text("have"), top=a.integer("top"),
                                                                      evidence=a.text("evidence")))


def _complete(kind: str):
    def handler(s: Server, a: Args) -> Any:
        limit = max(1, min(a.integer("limit"), _COMPLETE_LIMIT))
        q = a.text("q") or ""
        return {"query": q, "results": s.careergraph(a.text("source")).resolver.complete(q, kind, limit=limit)}
    return handler


def _profile(s: Server, a: Args) -> Any:
    return s.careergraph(a.text("source")).profile(a.text("role"))


def _queries(s: Server, a: Args) -> Any:
    return queries_payload(query_catalogue(a.text("tag"), include_internal=a.flag("all")))


def _query_text(s: Server, a: Args, name: str) -> Any:
    qf = load_query(_library_name(name))
    return {**qf.as_dict(), "text": qf.text}


def _query(s: Server, a: Args, name: str) -> Any:
    qf = load_query(_library_name(name))
    return query_payload(qf, s.career.query(qf, a.pairs()))


def _status(s: Server, a: Args) -> Any:
    p = s.career.projection
    return {"version": __version__, "location": s.graph.location, "kind": s.graph.kind,
            "roles": len(p.roles), "skills": len(p.skills), "sources": s.career.sources(),
            "limits": {"timeout": s.limits.timeout, "max_rows": s.limits.max_rows,
                       "max_body": s.limits.max_body, "workers": s.limits.workers,
                       "result_cache": s.limits.result_cache},
            "result_cache": s.results.stats()}


def _library_name(name: str) -> str:
    """A query of the shipped library only: a name, never a path on the server."""
    if not name or "/" in name or "\\" in name or name.startswith(".") or name.endswith(".rq"):
        return "\0" + name  # no such query: QueryNotFound with suggestions
    return name


# -- pictures -------------------------------------------------------------------------------------

def _svg(s: Server, draw) -> bytes:
    import matplotlib.pyplot as pyplot  # on first use: the command line starts without it

    if matplotlib.get_backend().lower() not in ("agg", "svg", "pdf", "cairo"):
        matplotlib.use("Agg")
    with s.plotting():
        ax = draw()
        fig = ax if hasattr(ax, "savefig") else ax.figure
        try:
            buf = io.BytesIO()
            fig.savefig(buf, format="svg", metadata={"Creator": f"careergraph {__version__}", "Date": None})
        finally:
            pyplot.close(fig)
    return buf.getvalue()


def _plot_career_map(s: Server, a: Args) -> bytes:
    cg = s.careergraph(a.text("source"))
    src, dst = a.text("from"), a.text("to")
    route = (src, dst) if src and dst else None
    return _svg(s, lambda: cg.plot_career_map(path=route, by=a.text("by"), lateral=a.flag("lateral"),
                                              max_roles=max(1, a.integer("max_roles"))))


def _plot_overlap(s: Server, a: Args) -> bytes:
    cg = s.careergraph(a.text("source"))
    return _svg(s, lambda: cg.plot_overlap(a.many("roles"), top=max(2, a.integer("top"))))


def _plot_skills(s: Server, a: Args) -> bytes:
    cg = s.careergraph(a.text("source"))
    return _svg(s, lambda: cg.plot_skills(a.many("roles"), max_skills=max(1, a.integer("max_skills"))))


def _plot_salaries(s: Server, a: Args) -> bytes:
    cg = s.careergraph(a.text("source"))
    return _svg(s, lambda: cg.plot_salaries(a.many("roles")))


def _plot_gap(s: Server, a: Args) -> bytes:
    cg = s.careergraph(a.text("source"))
    return _svg(s, lambda: cg.plot_gap(a.text("have"), a.text("target"), max_skills=max(1, a.integer("max_skills"))))


_SVG = "image/svg+xml"

#: Every API route, its parameters (the CLI's options) and its handler.
ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("/api/path", "Cheapest route(s) between two roles, step by step (careergraph path)", (
        Param("from", required=True, description="The role to start from"),
        Param("to", required=True, description="The role to reach"),
        Param("by", default="steps", description="Cost to minimise: steps, years or skills"),
        Param("alternatives", "integer", 1, description="The K best distinct routes"),
        Param("via", description="A role the route must pass through"),
        Param("avoid", "array", description="A role the route must not pass through (repeatable)"),
        Param("have", description=_HAVE),
        Param("lateral", "boolean", False, description="Add the moves the move model infers"),
        Param("min_score", "number", 0.3, description="Move-model score an inferred move needs"),
        Param("unknown_years", "number", 1.0, description="Years counted for a move without stated years"),
        _EVIDENCE, _SOURCE), _path),
    Endpoint("/api/overlap", "Skill overlap of two roles (careergraph overlap)", (
        Param("a", required=True), Param("b", required=True), _EVIDENCE, _SOURCE), _overlap),
    Endpoint("/api/similar", "Roles most similar to a role (careergraph similar)", (
        Param("role", required=True), Param("top", "integer", 10), _SOURCE), _similar),
    Endpoint("/api/next", "The most promising next moves from a role, each explained (careergraph next)", (
        Param("role", required=True), Param("top", "integer", 10), _SOURCE), _next),
    Endpoint("/api/gap", "What a skill set covers of a role (careergraph gap)", (
        Param("have", required=True, description=_HAVE), Param("target", required=True), _EVIDENCE, _SOURCE), _gap),
    Endpoint("/api/recommend", "Roles closest to a skill set (careergraph recommend)", (
        Param("have", required=True, description=_HAVE), Param("top", "integer", 10), _EVIDENCE, _SOURCE),
        _recommend),
    Endpoint("/api/roles", "Role names for autocomplete: prefix matches first, then fuzzy ones", (
        Param("q", required=True), Param("limit", "integer", 10), _SOURCE), _complete("role")),
    Endpoint("/api/skills", "Skill names for autocomplete: prefix matches first, then fuzzy ones", (
        Param("q", required=True), Param("limit", "integer", 10), _SOURCE), _complete("skill")),
    Endpoint("/api/profile", "A role's profile: skills, education, salaries, industries, moves in and out", (
        Param("role", required=True), _SOURCE), _profile),
    Endpoint("/api/queries", "The query library (careergraph queries)", (
        Param("tag"), Param("all", "boolean", False, description="Also projection and violation queries")),
        _queries),
    Endpoint("/api/queries/{name}", "One library query, with its SPARQL text", (), _query_text),
    Endpoint("/api/query/{name}", "Run a library query (careergraph query NAME --param ...)", (), _query,
             open_params=True, description="Every query-string parameter binds the query parameter of that "
             "name; names of roles and skills resolve as on the command line."),
    Endpoint("/api/status", "What is served: store, counts, sources and limits", (), _status),
    Endpoint("/api/plot/career-map", "The career map (SVG), with a route highlighted", (
        Param("from"), Param("to"), Param("by", default="steps"), Param("lateral", "boolean", False),
        Param("max_roles", "integer", 60), _SOURCE), _plot_career_map, _SVG),
    Endpoint("/api/plot/overlap", "The skill-overlap heatmap (SVG)", (
        Param("roles", "array"), Param("top", "integer", 40), _SOURCE), _plot_overlap, _SVG),
    Endpoint("/api/plot/skills", "The skills some roles need (SVG)", (
        Param("roles", "array", required=True), Param("max_skills", "integer", 40), _SOURCE), _plot_skills, _SVG),
    Endpoint("/api/plot/salaries", "Salary ranges per role and source (SVG)", (
        Param("roles", "array"), _SOURCE), _plot_salaries, _SVG),
    Endpoint("/api/plot/gap", "Which skills of a role a skill set has and misses (SVG)", (
        Param("have", required=True, description=_HAVE), Param("target", required=True),
        Param("max_skills", "integer", 40), _SOURCE), _plot_gap, _SVG),
)


class _JSON(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, default=str, separators=(",", ":")).encode("utf-8")


def _api_route(server: Server, ep: Endpoint) -> Route:
    async def endpoint(request: Request) -> Response:
        args = Args(ep, request.query_params.multi_items())
        name = request.path_params.get("name")
        call = (lambda: ep.handler(server, args, name)) if name is not None else (lambda: ep.handler(server, args))
        result = await server.call(call, what=f"request to {ep.path}")
        if ep.media_type == _SVG:
            return Response(result, media_type=_SVG)
        return _JSON(result)
    return Route(ep.path, endpoint, methods=["GET"])


# -- SPARQL -------------------------------------------------------------------------------------------

async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise LimitExceeded(f"The request body has {int(declared)} bytes, more than the limit of {limit} bytes "
                            "(serve --max-body)", 413)
    chunks, n = [], 0
    async for chunk in request.stream():
        n += len(chunk)
        if n > limit:
            raise LimitExceeded(f"The request body is larger than the limit of {limit} bytes (serve --max-body)",
                                413)
        chunks.append(chunk)
    return b"".join(chunks)


def _sparql_route(server: Server) -> Route:
    limits = server.limits

    async def sparql(request: Request) -> Response:
        query_string = request.scope["query_string"].decode("latin-1")
        if len(query_string) > limits.max_body:
            raise LimitExceeded(f"The query string is longer than the limit of {limits.max_body} bytes "
                                "(serve --max-body); POST the query instead", 413)
        url_params = parse_form(query_string)
        accept = request.headers.get("accept", "")
        if request.method == "GET" and not url_params and "text/html" in accept:
            return RedirectResponse("/#/sparql", status_code=303)  # a person in a browser: the query page
        body = await _body(request, limits.max_body) if request.method == "POST" else b""
        req = parse_request(request.method, url_params, request.headers.get("content-type", ""), body)
        key = (req.query, None if req.default_graphs is None else tuple(req.default_graphs),
               None if req.named_graphs is None else tuple(req.named_graphs), accept)
        hit = server.results.get(key)  # answered before on this data: no thread, no store
        if hit is not None:
            return Response(hit[1], headers={"content-type": content_type(hit[0])})

        def run() -> tuple[str, bytes]:
            state = server.graph.state()  # the version this answer is computed on
            mime, payload = answer()
            server.results.put(key, state, (mime, payload))
            return mime, payload

        def answer() -> tuple[str, bytes]:
            form = query_form(req.query) or "select"  # None: a text only the store can judge (or refuse)
            try:
                if form != "graph":  # the store writes the results document itself
                    mime = negotiate(accept, form)
                    doc = fetch_results(server.graph, req.query, RESULTS_FORMATS[mime],
                                        default_graphs=req.default_graphs, named_graphs=req.named_graphs,
                                        timeout=limits.timeout, max_rows=limits.max_rows)
                    return mime, results_document(doc, mime)
                triples = fetch(server.graph, req.query, default_graphs=req.default_graphs,
                                named_graphs=req.named_graphs, timeout=limits.timeout, max_rows=limits.max_rows)
            except RowLimitExceeded:
                raise LimitExceeded(f"The answer has more than {limits.max_rows} rows, the row limit "
                                    "(serve --max-rows); add a LIMIT to the query", 400) from None
            except QueryTimeout:
                raise LimitExceeded(f"The query ran past the time limit of {limits.timeout:g} s "
                                    "(serve --request-timeout); narrow it", 503) from None
            mime = negotiate(accept, triples.form)
            return mime, serialize(triples, mime)

        mime, payload = await server.call(run, what="query", projection=False)  # SPARQL reads the store only
        return Response(payload, headers={"content-type": content_type(mime)})

    return Route("/sparql", sparql, methods=["GET", "POST"])


# -- assembly ------------------------------------------------------------------------------------------

def routes(server: Server) -> list:
    """The app's routes for one server."""
    doc = openapi(ENDPOINTS)

    async def index(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    async def openapi_json(request: Request) -> Response:
        return _JSON(doc)

    return [
        Route("/", index, methods=["GET"]),
        Route("/openapi.json", openapi_json, methods=["GET"]),
        _sparql_route(server),
        *(_api_route(server, ep) for ep in ENDPOINTS),
        Mount("/static", StaticFiles(directory=STATIC, follow_symlink=False), name="static"),
    ]
