"""A synthetic career graph of ESCO shape, built as N-Triples and loaded like a real store."""

from __future__ import annotations

import sys
import time

import numpy as np

CG = "https://w3id.org/careergraph/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def synthetic_graph(roles: int = 3000, skills: int = 14000, links: int = 125_000, moves_per_role: int = 8,
                    seed: int = 42):
    """An Oxigraph-backed dataset: roles, skills (Zipf-popular), essential/optional links, transitions."""
    import pyoxigraph as ox
    from careergraph.backends import EmbeddedBackend

    rng = np.random.default_rng(seed)
    r_iri = [f"<https://w3id.org/careergraph/id/role/r{i}>" for i in range(roles)]
    s_iri = [f"<https://w3id.org/careergraph/id/skill/s{j}>" for j in range(skills)]
    lines = []
    for i, r in enumerate(r_iri):
        lines.append(f"{r} <{RDF_TYPE}> <{CG}Role> .")
        lines.append(f'{r} <{LABEL}> "Role {i}" .')
    for j, s in enumerate(s_iri):
        lines.append(f"{s} <{RDF_TYPE}> <{CG}Skill> .")
        lines.append(f'{s} <{LABEL}> "Skill {j}" .')
    pop = 1.0 / np.arange(1, skills + 1) ** 0.8
    pop /= pop.sum()
    pairs = set()
    rows = rng.integers(0, roles, size=links * 2)
    cols = rng.choice(skills, size=links * 2, p=pop)
    for a, b in zip(rows.tolist(), cols.tolist()):
        pairs.add((a, b))
        if len(pairs) >= links:
            break
    for a, b in pairs:
        prop = "essentialSkill" if (a + b) % 2 else "optionalSkill"
        lines.append(f"{r_iri[a]} <{CG}{prop}> {s_iri[b]} .")
    n = 0
    for i in range(roles):
        for j in rng.choice(roles, size=moves_per_role, replace=False).tolist():
            if i == j:
                continue
            t = f"<https://w3id.org/careergraph/id/transition/t{n}>"
            n += 1
            lines += [f"{t} <{RDF_TYPE}> <{CG}Transition> .", f"{t} <{CG}fromRole> {r_iri[i]} .",
                      f"{t} <{CG}toRole> {r_iri[j]} .", f"{t} <{CG}transitionKind> <{CG}LateralMove> ."]
    log(f"synthetic graph: {roles} roles, {skills} skills, {len(pairs)} links, {n} moves, {len(lines)} triples")
    store = ox.Store()
    t0 = time.perf_counter()
    store.load(("\n".join(lines) + "\n").encode(), format=ox.RdfFormat.N_TRIPLES,
               to_graph=ox.NamedNode("https://w3id.org/careergraph/graph/bench"))
    log(f"loaded in {time.perf_counter() - t0:.2f} s")
    return EmbeddedBackend(store, kind="memory", location="a synthetic graph")


def open_store(path: str):
    """The store a benchmark reads; a bad ``--store`` exits 2 with careergraph's one-line message."""
    from careergraph import open_graph
    from careergraph.errors import CareerGraphError

    log(f"opening store {path}")
    try:
        return open_graph(path)
    except CareerGraphError as exc:
        log(f"error: {exc}")
        raise SystemExit(2) from None


def open_bench_graph(args):
    if args.store:
        return open_store(args.store)
    return synthetic_graph(seed=args.seed)


def median_time(fn, repeat: int, label: str) -> tuple[float, object]:
    times, out = [], None
    for k in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
        log(f"  {label} run {k + 1}/{repeat}: {times[-1]:.3f} s")
    return float(np.median(times)), out
