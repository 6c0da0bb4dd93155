"""Export the graph for other tools: GraphML, GEXF, node-link JSON, Turtle, N-Triples.

* ``graphml``, ``gexf`` and ``json`` write the *projected* graph (see
  :mod:`careergraph.project`): one node per role and per skill, edges for the
  moves between roles (``kind`` promotion, lateral, entry, same-as,
  inferred) and for the skills roles need (``kind`` ``requires``, with
  ``level`` essential/optional and ``weight``). Attributes are only str, int,
  float or bool (``None`` dropped, one type per attribute name), so Gephi,
  Cytoscape and yEd open the files.
* ``turtle`` and ``nt`` write the RDF triples of every named graph of the
  store with Oxigraph's own serializer (fast on big stores).

Files are written to a temporary file in the target folder and renamed, so a
failed export never leaves a half-written file.

Examples
--------
>>> import tempfile, os, networkx as nx
>>> from careergraph.examples import toy_graph
>>> from careergraph.export import export
>>> folder = tempfile.mkdtemp()
>>> out = export(toy_graph(), "graphml", os.path.join(folder, "toy.graphml"))
>>> g = nx.read_graphml(out)
>>> sorted({d["type"] for _n, d in g.nodes(data=True)})
['role', 'skill']
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .errors import InvalidParameter

__all__ = ["FORMATS", "export", "to_networkx"]

#: Export formats and their usual file extensions.
FORMATS: dict[str, str] = {
    "graphml": ".graphml",
    "gexf": ".gexf",
    "json": ".json",
    "turtle": ".ttl",
    "nt": ".nt",
}
_RDF_FORMATS = {"turtle", "nt"}


def _clean(value: Any) -> Any:
    """A value writers accept (str/int/float/bool), or ``None`` to drop it."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return None if v != v else v  # NaN cannot be written to GEXF
    if isinstance(value, str):
        return value
    return str(value)


def _clean_attrs(items) -> None:
    """Drop ``None`` values, stringify others and give each key one type (in place).

    ``items`` is a list of attribute dicts. A key holding ints and floats
    becomes float; a key mixing numbers and text becomes str.
    """
    kinds: dict[str, set[type]] = {}
    for d in items:
        for k in list(d):
            v = _clean(d[k])
            if v is None:
                del d[k]
                continue
            d[k] = v
            kinds.setdefault(k, set()).add(type(v))
    for k, ts in kinds.items():
        if len(ts) <= 1:
            continue
        if ts <= {int, float}:
            conv: Callable[[Any], Any] = float
        elif ts <= {int, bool}:
            conv = int
        else:
            conv = str
        for d in items:
            if k in d:
                d[k] = conv(d[k])


def to_networkx(proj):
    """Build one directed graph of roles, skills, moves and skill requirements.

    Parameters
    ----------
    proj : Projection
        From :func:`careergraph.project.project`.

    Returns
    -------
    networkx.DiGraph
        Node ids are IRIs. Role nodes: ``type="role"``, ``label``, ``track``,
        ``level``, ``dataset``. Skill nodes: ``type="skill"``, ``label``,
        ``skill_kind``. Move edges carry the projection's attributes
        (``kind``, ``years``, ``source`` ...); requirement edges role → skill
        have ``kind="requires"``, ``level`` and ``weight``. Only str, int,
        float and bool attributes; ``None`` is left out.

    Examples
    --------
    >>> from careergraph.examples import toy_graph
    >>> from careergraph.project import project
    >>> g = to_networkx(project(toy_graph()))
    >>> g.number_of_nodes() == len(project(toy_graph()).roles) + len(project(toy_graph()).skills)
    True
    """
    import networkx as nx

    g = nx.DiGraph()
    t = proj.transitions
    role_attrs = []
    for r in proj.roles:
        d = dict(t.nodes[r]) if r in t else {}
        d["type"] = "role"
        d.setdefault("label", proj.role_labels.get(r, r))
        role_attrs.append(d)
    kinds = getattr(proj, "skill_kinds", {}) or {}
    skill_attrs = [{"type": "skill", "label": proj.skill_labels.get(s, s), "skill_kind": kinds.get(s)}
                   for s in proj.skills]
    _clean_attrs(role_attrs + skill_attrs)
    g.add_nodes_from(zip(proj.roles, role_attrs))
    # an IRI that is both a role and a skill stays one (role) node
    g.add_nodes_from((s, a) for s, a in zip(proj.skills, skill_attrs) if s not in g)

    edges = []
    for u, v, d in t.edges(data=True):
        edges.append((u, v, dict(d)))
    m = proj.role_skill.tocoo()
    ess = proj.essential.tocsr()
    for i, j, w in zip(m.row.tolist(), m.col.tolist(), m.data.tolist()):
        essential = bool(ess[i, j])
        edges.append((proj.roles[i], proj.skills[j],
                      {"kind": "requires", "level": "essential" if essential else "optional", "weight": float(w)}))
    _clean_attrs([d for _u, _v, d in edges])
    g.add_edges_from(edges)
    return g


def _projection(obj):
    if hasattr(obj, "role_skill") and hasattr(obj, "transitions"):
        return obj
    from .project import project

    return project(obj)


def _rdf_graph(obj):
    graph = getattr(obj, "graph", None) if hasattr(obj, "role_skill") else obj
    if graph is None:
        raise InvalidParameter("Turtle/N-Triples export needs the RDF graph; pass the graph, not a bare projection")
    return graph


def _write_rdf(graph, fmt: str, fh) -> None:
    import pyoxigraph as ox

    from .store import oxigraph_store
    from .vocab import PREFIXES

    try:
        store = oxigraph_store(graph)
    except AttributeError:
        store = None
    if store is None:  # a plain rdflib graph: let rdflib do it
        data = graph.serialize(format="turtle" if fmt == "turtle" else "nt")
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        return
    rdf_format = ox.RdfFormat.TURTLE if fmt == "turtle" else ox.RdfFormat.N_TRIPLES
    graphs = [ox.DefaultGraph(), *store.named_graphs()]
    for k, name in enumerate(graphs):
        kwargs = {"prefixes": PREFIXES} if fmt == "turtle" and k == 0 else {}
        # one document per named graph; Turtle allows @prefix once, then plain triples
        store.dump(fh, rdf_format, from_graph=name, **kwargs)
        if fmt == "turtle":
            fh.write(b"\n")


def _atomic_write(path: Path, write: Callable[[Any], None]) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InvalidParameter(f"Cannot write '{path}': folder '{folder}' does not exist; create it first")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InvalidParameter(f"Cannot write '{path}': {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except OSError as exc:
        _unlink(tmp)
        raise InvalidParameter(f"Cannot write '{path}': {exc.strerror or exc}") from None
    except BaseException:
        _unlink(tmp)
        raise


def _unlink(p: str) -> None:
    try:
        os.unlink(p)
    except OSError:
        pass


def export(graph_or_projection, fmt: str, path: str | os.PathLike) -> Path:
    """Write the graph to a file in one of :data:`FORMATS`.

    Parameters
    ----------
    graph_or_projection : rdflib.Dataset or Projection
        A graph from :func:`careergraph.open_graph` (projected as needed) or
        a projection (which must keep its ``graph`` for Turtle/N-Triples).
    fmt : {"graphml", "gexf", "json", "turtle", "nt"}
    path : path
        The file to write; its folder must exist.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    InvalidParameter
        Unknown format (the message lists the known ones), a projection
        without its graph for an RDF format, or a folder that does not exist
        or cannot be written.

    Examples
    --------
    >>> import os, tempfile
    >>> from rdflib import Graph
    >>> from careergraph.examples import toy_graph
    >>> folder = tempfile.mkdtemp()
    >>> out = export(toy_graph(), "nt", os.path.join(folder, "toy.nt"))
    >>> len(Graph().parse(out, format="nt")) > 50
    True
    >>> export(toy_graph(), "xml", os.path.join(folder, "toy.xml"))  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    careergraph.errors.InvalidParameter: Unknown export format 'xml'; use one of graphml, gexf, json, turtle, nt
    """
    fmt = str(fmt).lower()
    if fmt == "ttl":
        fmt = "turtle"
    if fmt not in FORMATS:
        raise InvalidParameter(f"Unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    path = Path(path)
    if fmt in _RDF_FORMATS:
        graph = _rdf_graph(graph_or_projection)
        _atomic_write(path, lambda fh: _write_rdf(graph, fmt, fh))
        return path

    import networkx as nx

    g = to_networkx(_projection(graph_or_projection))
    if fmt == "graphml":
        _atomic_write(path, lambda fh: nx.write_graphml(g, fh, encoding="utf-8"))
    elif fmt == "gexf":
        _atomic_write(path, lambda fh: nx.write_gexf(g, fh, encoding="utf-8"))
    else:
        data = nx.node_link_data(g, edges="links")

        def write_json(fh):
            fh.write(json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))

        _atomic_write(path, write_json)
    return path
