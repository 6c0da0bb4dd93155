"""The JSON shapes of the answers, shared by the CLI (``--format json``) and the HTTP API.

Each function turns what one :class:`~careergraph.api.CareerGraph` call
returned into plain JSON-ready data. ``careergraph path --format json`` and
``GET /api/path`` both print :func:`path_payload`, so the two can never
drift apart; the same goes for every other question. :func:`error_payload`
is the HTTP API's body for a :class:`~careergraph.errors.CareerGraphError`:
the CLI's own message, plus the suggestions or candidates the error carries.

Examples
--------
>>> from careergraph import CareerGraph
>>> cg = CareerGraph()
>>> p = overlap_payload(cg.overlap("Data Scientist", "ML Engineer"))
>>> list(p)[:4]
['a', 'b', 'a_iri', 'b_iri']
>>> from careergraph.errors import RoleNotFound
>>> error_payload(RoleNotFound("data scientst", ["Data Scientist"]))["suggestions"]
['Data Scientist']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .errors import AmbiguousName, CareerGraphError, NameNotFound, NoCareerPath
from .paths import PathResult
from .queries import QueryFile, QueryResult, list_queries

__all__ = ["error_payload", "gap_payload", "matrix_payload", "overlap_payload", "path_payload",
           "queries_payload", "query_catalogue", "query_payload", "recommend_payload", "similar_payload"]

_OVERLAP_KEYS = ("a", "b", "a_iri", "b_iri", "jaccard", "weighted", "shared", "only_a", "only_b", "evidence")
_GAP_KEYS = ("skill", "iri", "essential", "weight", "credit", "related_held", "evidence")


def path_payload(result: PathResult | Sequence[PathResult], alternatives: int = 1) -> dict[str, Any]:
    """A route (``alternatives == 1``) or ``{"alternatives": [...]}``, as :meth:`PathResult.to_dict`.

    Examples
    --------
    >>> from careergraph import CareerGraph
    >>> path_payload(CareerGraph().path("Junior ML Engineer", "Senior ML Engineer"))["path"]
    ['Junior ML Engineer', 'Senior ML Engineer']
    """
    results = list(result) if isinstance(result, (list, tuple)) else [result]
    if alternatives == 1:
        return results[0].to_dict()
    return {"alternatives": [r.to_dict() for r in results]}


def overlap_payload(r: dict[str, Any]) -> dict[str, Any]:
    """Jaccard, weighted Jaccard, shared and distinct skills of two roles."""
    return {k: r[k] for k in _OVERLAP_KEYS}


def similar_payload(results: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """``{"results": [{"role", "score", "jaccard", "shared", "iri"}, ...]}``, scores to 4 places."""
    return {"results": [{"role": r["role"], "score": round(r["score"], 4), "jaccard": round(r["jaccard"], 4),
                         "shared": r["shared"], "iri": r["iri"]} for r in results]}


def gap_payload(res: dict[str, Any]) -> dict[str, Any]:
    """Coverage of a target role by a skill set, and the missing skills and technology."""
    return {"target": res["target"], "target_iri": res["target_iri"], "coverage": res["coverage"],
            "have": res["have"],
            "missing": [{k: m[k] for k in _GAP_KEYS} for m in res["missing"]],
            "missing_technology": [{k: m[k] for k in _GAP_KEYS} for m in res["missing_technology"]]}


def recommend_payload(results: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """``{"results": [{"role", "score", "coverage", "missing", "missing_technology", "evidence", "iri"}, ...]}``."""
    return {"results": [{"role": r["role"], "score": round(r["score"], 4), "coverage": round(r["coverage"], 4),
                         "missing": r["missing"], "missing_technology": r["missing_technology"],
                         "evidence": r["evidence"], "iri": r["iri"]}
                        for r in results]}


def matrix_payload(labels: Sequence[str], m) -> dict[str, Any]:
    """``{"roles": [...], "matrix": [[...], ...]}``, values to 4 places."""
    return {"roles": list(labels), "matrix": [[round(float(x), 4) for x in row] for row in m]}


def query_catalogue(tag: str | None = None, *, include_internal: bool = False) -> list[QueryFile]:
    """The library's queries (without projection and violation ones unless asked), optionally one tag.

    Examples
    --------
    >>> "skills-of-role" in [q.name for q in query_catalogue("skills")]
    True
    """
    return [q for q in list_queries() if (include_internal or not q.internal) and (not tag or tag in q.tags)]


def queries_payload(found: Iterable[QueryFile]) -> list[dict[str, Any]]:
    """The catalogue: name, summary, description, tags and parameters of each query."""
    return [q.as_dict() for q in found]


def query_payload(qf: QueryFile, result: QueryResult) -> dict[str, Any]:
    """``{"query", "vars", "results"}`` of one library query run."""
    return {"query": qf.name, "vars": result.vars, "results": result.rows}


def error_payload(exc: CareerGraphError) -> dict[str, Any]:
    """The HTTP body of an error: its message and type, with suggestions, candidates or closest roles.

    Examples
    --------
    >>> from careergraph.errors import InvalidParameter
    >>> error_payload(InvalidParameter("Give at least one skill"))
    {'error': 'Give at least one skill', 'type': 'InvalidParameter'}
    """
    out: dict[str, Any] = {"error": str(exc), "type": type(exc).__name__}
    if isinstance(exc, NameNotFound):
        out["suggestions"] = list(exc.suggestions)
    if isinstance(exc, AmbiguousName):
        out["candidates"] = [{"label": label, "iri": iri} for label, iri in exc.candidates]
    if isinstance(exc, NoCareerPath):
        out["closest"] = list(exc.closest)
    return out
