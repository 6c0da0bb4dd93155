"""Export the graph for other tools: GraphML, GEXF, node-link JSON, Turtle, N-Triples.

* ``graphml``, ``gexf`` and ``json`` write the *projected* graph (see
  :mod:`careergraph.projection`): one node per role and per skill, edges for the
  moves between roles (``kind`` promotion, lateral, entry, same-as,
  inferred) and for the skills roles need (``kind`` ``requires``, with
  ``level`` essential/optional and ``weight``). Attributes are only str, int,
  float or bool (``None`` dropped, one type per attribute name), so Gephi,
  Cytoscape and yEd open the files.
* ``turtle`` and ``nt`` write the RDF triples of every named graph of the
  store with Oxigraph's own serializer (fast on big stores).

Files are written with the one atomic writer (:func:`careergraph._io.atomic_write`):
``-`` is standard output, a symlink's target is replaced, and a failed export
never leaves a half-written file.

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
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pyoxigraph as ox

from ._io import atomic_write, check_output
from .backends import Backend
from .errors import InvalidParameter
from .projection import project
from .vocab import PREFIXES

__all__ = ["FORMATS", "export", "to_networkx"]

#: Export formats and their usual file extensions.
FORMATS: dict[str, str] = {
    "graphml": ".graphml",
    "gexf": ".gexf",
    "json": ".json",
    "turtle": ".ttl",
    "nt": ".nt",
}
#: File extension -> the format it names (an --output that contradicts --format is refused).
EXTENSIONS: dict[str, str] = {**{ext: fmt for fmt, ext in FORMATS.items()}, ".turtle": "turtle",
                              ".ntriples": "nt", ".xml": "graphml"}
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
        From :func:`careergraph.projection.project`.

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
    >>> from careergraph.projection import project
    >>> p = project(toy_graph())
    >>> to_networkx(p).number_of_nodes() == len(p.roles) + len(p.skills)
    True
    """
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


def _write_rdf(graph: Backend, fmt: str, fh) -> None:
    rdf_format = ox.RdfFormat.TURTLE if fmt == "turtle" else ox.RdfFormat.N_TRIPLES
    for k, name in enumerate(graph.named_graphs()):
        # one document per named graph; Turtle allows @prefix once, then plain triples
        if fmt == "turtle" and k == 0:
            graph.dump(fh, format=rdf_format, graph=name, prefixes=PREFIXES)
        else:
            graph.dump(fh, format=rdf_format, graph=name)
        if fmt == "turtle":
            fh.write(b"\n")


def export(graph: Backend, fmt: str, path: str | os.PathLike) -> Path | None:
    """Write the graph to a file in one of :data:`FORMATS`.

    Parameters
    ----------
    graph : Backend
        A graph from :func:`careergraph.open_graph` (projected for the
        networkx formats).
    fmt : {"graphml", "gexf", "json", "turtle", "nt"}
    path : path or "-"
        The file to write (its folder must exist), ``-`` for standard output,
        or a device; see :func:`careergraph._io.atomic_write`.

    Returns
    -------
    pathlib.Path or None
        The file written (None for standard output).

    Raises
    ------
    InvalidParameter
        Unknown format (the message lists the known ones).
    OutputError
        The folder does not exist or cannot be written, or the file's
        extension names another format.

    Examples
    --------
    >>> import os, tempfile
    >>> from rdflib import Graph
    >>> from careergraph.examples import toy_graph
    >>> folder = tempfile.mkdtemp()
    >>> out = export(toy_graph(), "nt", os.path.join(folder, "toy.nt"))
    >>> len(Graph().parse(out, format="nt")) > 50
    True
    >>> export(toy_graph(), "svg", os.path.join(folder, "toy.svg"))  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    careergraph.errors.InvalidParameter: Unknown export format 'svg'; use one of graphml, gexf, json, turtle, nt
    """
    fmt = str(fmt).lower()
    if fmt == "ttl":
        fmt = "turtle"
    if fmt not in FORMATS:
        raise InvalidParameter(f"Unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    check_output(path, formats=EXTENSIONS, fmt=fmt, what="export")
    if fmt in _RDF_FORMATS:
        return atomic_write(path, lambda fh: _write_rdf(graph, fmt, fh), binary=True)
    g = to_networkx(project(graph))
    if fmt == "graphml":
        return atomic_write(path, lambda fh: nx.write_graphml(g, fh, encoding="utf-8"), binary=True)
    if fmt == "gexf":
        return atomic_write(path, lambda fh: nx.write_gexf(g, fh, encoding="utf-8"), binary=True)
    data = nx.node_link_data(g, edges="links")
    return atomic_write(path, lambda fh: fh.write(json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")),
                        binary=True)
