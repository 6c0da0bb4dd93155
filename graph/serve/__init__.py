"""``careergraph serve``: a read-only SPARQL 1.1 endpoint, a JSON API and a web explorer over one graph.

:func:`create_app` builds the ASGI app (Starlette) for any opened graph;
``careergraph serve`` runs it with uvicorn. The modules: :mod:`.core` (limits,
worker slots, error statuses), :mod:`.sparql` (the protocol), :mod:`.spec`
(route parameters and the OpenAPI document), :mod:`.routes` (one
CareerGraph call per API request), :mod:`.app` (assembly, headers, log).
"""

from __future__ import annotations

from .app import create_app, stderr_log
from .core import LimitExceeded, Limits, Server

__all__ = ["LimitExceeded", "Limits", "Server", "create_app", "stderr_log"]
