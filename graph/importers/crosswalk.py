"""Link ESCO and O*NET occupations (Nesta crosswalk) and the seed roles, into ``graph/crosswalk``.

* ``esco_onet_crosswalk_Nov2020.csv`` (Nesta, "Mapping Career Causeways"):
  one ``skos:closeMatch`` per row from the ESCO occupation (``concept_uri``)
  to the O*NET occupation (``onet_code``), kept only when both exist in the
  store (import ESCO and O*NET first). The codes are O*NET-SOC 2010; those
  absent from the imported O*NET taxonomy are counted and reported, not
  linked. The confidence is kept on a reified statement
  ``cgid:mapping/<esco-uuid>--<onet-code>`` (``rdf:Statement`` with
  ``rdf:subject``/``rdf:predicate``/``rdf:object``, ``cg:confidence`` as in
  the file: 0.5, 1 or 2, and ``cg:semanticSimilarity``).
* :data:`SEED_LINKS`: a short curated table of seed roles that truly have an
  ESCO or O*NET counterpart, as ``skos:exactMatch`` (same occupation) or
  ``skos:closeMatch`` (overlapping). Seed IRIs missing from the store are
  reported, not linked. Seed roles without a counterpart (machine learning
  engineer, MLOps engineer, ...) are deliberately absent: neither taxonomy
  has them in these releases.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..errors import ImportDataError
from ..queries import run_query
from ._common import (
    CGID,
    PROV,
    RDF_TYPE,
    RDFS_LABEL,
    SKOS,
    XSD,
    ImportRun,
    ImportSummary,
    Progress,
    cg,
    file_node,
    lit,
    ref,
)

__all__ = ["CROSSWALK_COLS", "SEED_LINKS", "import_crosswalk"]

CROSSWALK_COLS = ["concept_uri", "esco_occupation", "onet_code", "onet_occupation", "semantic_similarity",
                  "confidence"]
_R = "https://w3id.org/careergraph/id/role/"
_E = "http://data.europa.eu/esco/occupation/"
_O = "https://w3id.org/careergraph/id/onet/occupation/"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

#: Curated seed ↔ ESCO / O*NET links: (seed role IRI, counterpart IRI, "exact" or "close", why).
SEED_LINKS: tuple[tuple[str, str, str, str], ...] = (
    (_R + "data-scientist", _E + "258e46f9-0075-4a2e-adae-1ff0477e0f30", "exact", "ESCO 'data scientist' (2511.4)"),
    (_R + "data-scientist", _O + "15-2051.00", "exact", "O*NET 'Data Scientists'"),
    (_E + "258e46f9-0075-4a2e-adae-1ff0477e0f30", _O + "15-2051.00", "exact",
     "ESCO 'data scientist' is O*NET 'Data Scientists'"),
    (_R + "software-engineer", _E + "f2b15a0e-e65a-438a-affb-29b9d50b77d1", "close", "ESCO 'software developer' (2512.4)"),
    (_R + "software-engineer", _O + "15-1252.00", "close", "O*NET 'Software Developers'"),
    (_R + "computer-engineer", _E + "92bb3d8c-8a9f-4cd7-80ec-247bbf173004", "close",
     "ESCO 'computer hardware engineer' (2152.1.1)"),
    (_R + "computer-engineer", _O + "17-2061.00", "close", "O*NET 'Computer Hardware Engineers'"),
    (_R + "ai-research-scientist", _E + "e3229e40-f571-4b26-baca-29edc8fe313e", "close",
     "ESCO 'computer scientist' (2511.1): researches computing, AI included"),
    (_R + "ai-research-scientist", _O + "15-1221.00", "close", "O*NET 'Computer and Information Research Scientists'"),
    (_R + "ml-researcher", _O + "15-1221.00", "close", "O*NET 'Computer and Information Research Scientists'"),
)


def _existing(graph, iris: set[str], cls: str) -> set[str]:
    """The subset of ``iris`` typed ``cls`` in the store (one query)."""
    if not iris:
        return set()
    typed = run_query(graph, "SELECT DISTINCT ?e ?cls WHERE { ?e a ?cls }", {"cls": ox.NamedNode(cls)}).column("e")
    return iris & set(typed)


def import_crosswalk(graph, path, *, seed_links: bool = True, allow_shrink: bool = False, projection: bool = True,
                     progress: Progress | None = None) -> ImportSummary:
    """Import the ESCO ↔ O*NET crosswalk (and the curated seed links) into ``graph/crosswalk``.

    Parameters
    ----------
    graph : rdflib.Dataset
        A store holding the ESCO and O*NET imports.
    path : path
        ``esco_onet_crosswalk_Nov2020.csv``.
    seed_links : bool, default True
        Also write :data:`SEED_LINKS` (the links whose both ends exist).
    allow_shrink : bool, default False
        Replace a previous import even when the new one has over 10% fewer links.
    projection : bool, default True
        Build the projection cache of a store after the switch.
    progress : callable, optional

    Raises
    ------
    ImportDataError
        Wrong columns, a row cut short, neither ESCO nor O*NET occupations
        in the store, or the import would shrink the previous one by more
        than 10%. The store is then unchanged.
    """
    gname = "https://w3id.org/careergraph/graph/crosswalk"
    run = ImportRun(graph, "crosswalk", target=gname, progress=progress, allow_shrink=allow_shrink, projection=projection)
    say = run.say
    path = Path(path)
    if path.is_dir():
        raise ImportDataError(f"'{path}' is a folder, not the crosswalk CSV (columns {', '.join(CROSSWALK_COLS)})")
    fs = run.files([path])
    name = path.name
    fs.require([name], what="crosswalk", hint=f"Give the crosswalk CSV (columns {', '.join(CROSSWALK_COLS)})")
    rows = list(fs.rows(name, CROSSWALK_COLS))
    dataset = f"{CGID}dataset/crosswalk"
    summary = ImportSummary(key="crosswalk", graph=gname, version=Path(name).stem.rsplit("_", 1)[-1])
    role = "https://w3id.org/careergraph/ontology#Role"
    with run:
        esco = _existing(graph, {r["concept_uri"].strip() for r in rows}, role)
        onet = _existing(graph, {_O + r["onet_code"].strip() for r in rows}, role)
        if not esco and not onet and rows:
            raise ImportDataError(f"{path}: none of its ESCO or O*NET occupations are in this store; "
                                  "import esco and onet first ('careergraph import esco ...', 'import onet ...')")
        nt = run.nt
        ds_ref = ref(dataset)
        src = file_node(nt, summary, f"{CGID}file/crosswalk/{name}", name, ds_ref)
        close = f"<{SKOS}closeMatch>"
        seen: set[tuple[str, str]] = set()
        for i, r in enumerate(rows, start=2):
            e, code = r["concept_uri"].strip(), r["onet_code"].strip()
            o = _O + code
            if e not in esco:
                summary.dangle("esco_occupation", e)
                continue
            if o not in onet:
                summary.dangle("onet_code", code)
                continue
            if (e, o) in seen:
                continue
            seen.add((e, o))
            nt.add(ref(e), close, ref(o))
            m = ref(f"{CGID}mapping/{e.rsplit('/', 1)[-1]}--{code}")
            nt.add(m, RDF_TYPE, f"<{_RDF}Statement>")
            nt.add(m, RDFS_LABEL, lit(f"{r['esco_occupation']} ≈ {r['onet_occupation']} ({code})"))
            nt.add(m, f"<{_RDF}subject>", ref(e))
            nt.add(m, f"<{_RDF}predicate>", close)
            nt.add(m, f"<{_RDF}object>", ref(o))
            for col, prop in (("confidence", "confidence"), ("semantic_similarity", "semanticSimilarity")):
                v = r[col].strip()
                if v:
                    try:
                        float(v)
                    except ValueError:
                        raise ImportDataError(f"{path}:{i}: {col} {v!r} is not a number") from None
                    nt.add(m, cg(prop), lit(v, XSD + "decimal"))
            nt.add(m, cg("inDataset"), ds_ref)
            nt.add(m, f"<{PROV}wasDerivedFrom>", src)
        summary.counts["close_matches"] = len(seen)
        if seed_links:
            say("linking seed roles")
            ends = {a for a, *_ in SEED_LINKS} | {b for _, b, *_ in SEED_LINKS}
            have = _existing(graph, ends, role)
            n = 0
            for a, b, kind, _why in SEED_LINKS:
                missing = [x for x in (a, b) if x not in have]
                if missing:
                    for x in missing:
                        summary.dangle("seed_link_end", x)
                    continue
                nt.add(ref(a), f"<{SKOS}{kind}Match>", ref(b))
                n += 1
            summary.counts["seed_links"] = n
        return run.finish(summary, fs, dataset=dataset, label="ESCO–O*NET crosswalk (Nesta, Nov 2020)")
