"""Benchmark: careergraph against a SPARQL 1.1 server (Oxigraph server) vs the embedded store.

Usage:
    python bench/bench_endpoint.py [--store DIR --role NAME] [--runs 5] [--load publish|dump] [--virtuoso]

Fills a fresh Oxigraph server (``tests/servers.py``: loopback, a temporary
folder, stopped by its own pid) with the graph of ``--store DIR`` (default:
the built-in seed graph), then measures, HTTP and embedded interleaved in
alternating blocks (each run changes which side goes first, so the load of a
shared machine falls on both alike), medians of ``--runs``:

1. the projection read: ``careergraph.projection.build.build(graph)`` (no
   cache) on ``open_graph(endpoint=URL)`` vs ``open_graph(DIR)`` (or the
   built-in graph). Target: HTTP at most 2x embedded.
2. a cold CLI command with the local projection cache warm: a fresh
   ``careergraph similar ROLE --endpoint URL`` process, start to answer,
   after one warm-up run that fills the cache (in a temporary
   ``XDG_CACHE_HOME``), and the same command with ``--store DIR`` (or on the
   built-in graph). Target: under 2 s.
3. the query library: every user-facing query of ``list_queries()`` (not the
   ``-violation`` checks nor the ``project-*`` projection inputs), run with
   ``run_query(graph, q, params)`` (one untimed warm-up each side); required
   parameters are bound from the graph: ``--role`` and, from its own rows, a
   skill, a degree (else "PhD", as bench_store.py), a role it moves to or
   from, a word of its label. The
   figure is the median over queries of each query's median. Target: within
   1.5x.

``--load publish`` (the default for the built-in graph) fills the server
like ``careergraph publish`` (``careergraph.store.publish`` over HTTP);
``--load dump`` (the default with ``--store``) dumps each named graph to
N-Triples and loads them with ``oxigraph load`` before the server starts,
much faster for a store of millions of triples. ``--virtuoso`` measures
Virtuoso 7 too (``virtuoso-t``; filled with ``publish``; its 10,000-row cap
kept, so big reads page).

Progress on stderr; markdown tables and ratios on stdout. Everything runs on
127.0.0.1 in one temporary folder, removed at the end; the store is only
written through careergraph's own projection cache (by the ``--store`` CLI
runs).
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from servers import oxigraph_binary, start_oxigraph, start_virtuoso, stop

#: Seconds any one subprocess may take (a cold CLI command, an ``oxigraph load``).
SUBPROCESS_SECONDS = 900
#: Timeout of the HTTP backends (a big store's slowest library query is ~5 s embedded).
HTTP_TIMEOUT = 300.0


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def timed(fn) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def median(xs) -> float:
    return statistics.median(xs)


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b > 0 else "—"


# -- filling the servers --------------------------------------------------------------------------
def load_by_dump(source, folder: Path, dumps: Path) -> None:
    """Each named graph of ``source`` to N-Triples, then ``oxigraph load`` into ``folder`` (not served yet)."""
    binary = oxigraph_binary()
    if binary is None:
        sys.exit("the oxigraph command is not installed (pip install oxigraph)")
    import pyoxigraph as ox

    dumps.mkdir(parents=True, exist_ok=True)
    folder.mkdir(parents=True, exist_ok=True)
    for n, g in enumerate(publish_order(source), 1):
        path = dumps / f"{n}.nt"
        t, _ = timed(lambda path=path, g=g: _dump(source, g, path, ox))
        log(f"  dumped <{g}>: {path.stat().st_size / 1e6:.1f} MB in {t:.1f} s")
        t, res = timed(lambda path=path, g=g: subprocess.run(
            [binary, "load", "--location", str(folder), "--file", str(path), "--graph", g],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=SUBPROCESS_SECONDS, check=False))
        if res.returncode != 0:
            raise RuntimeError(f"oxigraph load of <{g}> failed ({res.returncode}): {res.stderr.strip()[:800]}")
        log(f"  oxigraph load: {t:.1f} s")
        path.unlink()


def publish_order(source) -> list[str]:
    """The named graphs ``careergraph.store.publish`` copies, in its order (``graph/meta`` last)."""
    from careergraph.resources import ONTOLOGY_GRAPH, SEED_GRAPH
    from careergraph.store import META_GRAPH, STAGING_PREFIX

    present = source.named_graphs()
    graphs = sorted((g for g in present if not g.startswith(STAGING_PREFIX) and g != META_GRAPH),
                    key=lambda g: (g != ONTOLOGY_GRAPH, g != SEED_GRAPH, g))
    return graphs + ([META_GRAPH] if META_GRAPH in present else [])


def _dump(source, graph: str, path: Path, ox) -> None:
    with open(path, "wb") as fh:
        source.dump(fh, format=ox.RdfFormat.N_TRIPLES, graph=graph)


def load_by_publish(source, srv) -> None:
    from careergraph import open_graph
    from careergraph.store import publish

    target = open_graph(endpoint=srv.query_url, update_endpoint=srv.update_url, graph_store=srv.store_url,
                        create=True, timeout=HTTP_TIMEOUT)
    try:
        t, graphs = timed(lambda: publish(source, target, progress=lambda m: log(f"  {m}")))
    finally:
        target.close()
    log(f"  published {len(graphs)} named graphs to {srv.name} in {t:.1f} s")


# -- binding the library's parameters ---------------------------------------------------------------
def bind_parameters(graph, role_name: str) -> dict[str, str]:
    """IRIs (and one word) for the library's required parameters, read from the embedded graph."""
    from careergraph import CareerGraph
    from careergraph.errors import CareerGraphError
    from careergraph.queries import run_query

    cg = CareerGraph(graph=graph)
    role = cg.role(role_name)
    params = {"role": role, "entity": role}
    skills = run_query(graph, "skills-of-role", {"role": role}).rows
    skills.sort(key=lambda r: (r.get("requirement") != "essential", str(r.get("label")), r["skill"]))
    if skills:
        params["skill"] = skills[0]["skill"]
    degrees = [r for r in run_query(graph, "education-for-role", {"role": role}).rows if r.get("degree")]
    degrees.sort(key=lambda r: (r.get("rank") is None, r.get("rank") or 0, r["degree"]))
    if degrees:
        params["degree"] = degrees[0]["degree"]
    else:  # the role states no degree: bench_store.py's name, resolved
        try:
            params["degree"] = cg.resolver.resolve("PhD", "degree")
        except CareerGraphError:
            pass
    others = sorted({r["other"] for r in run_query(graph, "profile-moves-out", {"role": role}).rows}
                    or {r["other"] for r in run_query(graph, "profile-moves-in", {"role": role}).rows})
    if others:
        params["other"] = params["target"] = others[0]
    profile = run_query(graph, "role-profile", {"role": role}).rows
    words = [w for r in profile[:1] for w in str(r.get("label") or "").split() if len(w) > 2]
    params["text"] = (words[0] if words else role_name.split()[0]).lower()
    return params


# -- the measures -------------------------------------------------------------------------------------
def cli_command() -> list[str]:
    exe = Path(sys.executable).parent / "careergraph"
    return [str(exe)] if exe.is_file() else [sys.executable, "-m", "careergraph"]


def run_cli(argv: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    res = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                         timeout=SUBPROCESS_SECONDS, check=False)
    dt = time.perf_counter() - t0
    if res.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({res.returncode}): {res.stderr.strip()[-800:]}")
    return dt


def rotate(sides: list, k: int) -> list:
    """The sides in the order of block ``k``: each run starts with a different one."""
    k %= len(sides)
    return sides[k:] + sides[:k]


def measure_projection(sides: dict, runs: int) -> dict[str, list[float]]:
    from careergraph.projection.build import build

    times: dict[str, list[float]] = {name: [] for name in sides}
    shape: dict[str, tuple] = {}
    for k in range(runs):
        for name in rotate(list(sides), k):
            gc.collect()
            t, proj = timed(lambda name=name: build(sides[name]))
            times[name].append(t)
            shape[name] = (len(proj.roles), len(proj.skills), proj.role_skill.nnz,
                           proj.transitions.number_of_edges())
            del proj
            log(f"  build, run {k + 1}/{runs}, {name}: {t:.3f} s")
    if len(set(shape.values())) > 1:
        log(f"  WARNING: the projections differ (roles, skills, links, edges): {shape}")
    return times


def measure_cli(commands: dict[str, list[str]], env: dict[str, str], runs: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in commands}
    for name, argv in commands.items():
        t = run_cli(argv, env)
        log(f"  CLI warm-up (fills the cache), {name}: {t:.2f} s")
    for k in range(runs):
        for name in rotate(list(commands), k):
            times[name].append(run_cli(commands[name], env))
            log(f"  CLI, run {k + 1}/{runs}, {name}: {times[name][-1]:.2f} s")
    return times


def measure_queries(sides: dict, params: dict[str, str], runs: int):
    from careergraph.errors import CareerGraphError
    from careergraph.queries import list_queries, run_query

    per: dict[str, dict[str, float]] = {}
    skipped: list[str] = []
    mismatched: list[str] = []
    for q in list_queries():
        if q.internal:
            continue
        need = [p.name for p in q.parameters if not p.optional]
        if any(n not in params for n in need):
            skipped.append(f"{q.name} (no value for {', '.join(n for n in need if n not in params)})")
            continue
        bound = {n: params[n] for n in need}
        times: dict[str, list[float]] = {name: [] for name in sides}
        counts: dict[str, int] = {}
        try:
            for name, graph in sides.items():  # warm-up, untimed
                counts[name] = len(run_query(graph, q, bound).rows)
            for k in range(runs):
                for name in rotate(list(sides), k):
                    t, _ = timed(lambda g=sides[name], q=q, b=bound: run_query(g, q, b))
                    times[name].append(t)
        except CareerGraphError as exc:
            skipped.append(f"{q.name} ({str(exc)[:80]})")
            continue
        if len(set(counts.values())) > 1:
            mismatched.append(f"{q.name} {counts}")
        per[q.name] = {name: median(ts) for name, ts in times.items()}
        log(f"  {q.name}: " + ", ".join(f"{name} {v * 1000:.1f} ms" for name, v in per[q.name].items()))
    return per, skipped, mismatched


# -- main -----------------------------------------------------------------------------------------------
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", help="an imported store folder (default: the built-in seed graph)")
    ap.add_argument("--runs", type=int, default=5, help="runs per measure (medians)")
    ap.add_argument("--role", help="role for the CLI command and the library's parameters "
                                   "(default 'Machine Learning Scientist' on the seed; required with --store)")
    ap.add_argument("--load", choices=("publish", "dump"),
                    help="how to fill the Oxigraph server (default: publish for the seed, dump with --store)")
    ap.add_argument("--virtuoso", action="store_true", help="measure Virtuoso 7 too (when virtuoso-t exists)")
    a = ap.parse_args()
    if a.store and not a.role:
        ap.error("--role NAME is required with --store")
    if not 1 <= a.runs <= 100:
        ap.error("--runs must be between 1 and 100")
    role = a.role or "Machine Learning Scientist"
    load = a.load or ("dump" if a.store else "publish")
    if a.store and not Path(a.store).is_dir():
        sys.exit(f"--store {a.store}: no such folder")

    tmp = Path(tempfile.mkdtemp(prefix="cg-bench-endpoint-"))
    # the remote backend's projection cache (and every other careergraph cache) goes to the temporary folder
    os.environ["XDG_CACHE_HOME"] = str(tmp / "cache")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREERGRAPH_")}
    servers, backends = [], []
    try:
        from careergraph import open_graph

        embedded = open_graph(a.store) if a.store else open_graph()
        backends.append(embedded)
        where = a.store or "the built-in seed graph"
        log(f"embedded: {where} ({len(embedded.named_graphs())} named graphs)")

        # names first (fails fast on a name that does not resolve); the memoised projection is dropped after
        from careergraph.projection import forget

        params = bind_parameters(embedded, role)
        forget(embedded)
        log(f"parameters of the library queries: {params}")

        log(f"filling an Oxigraph server ({load}) ...")
        db = tmp / "oxigraph" / "db"
        if load == "dump":
            t_fill, _ = timed(lambda: load_by_dump(embedded, db, tmp / "dumps"))
            srv = start_oxigraph(db, union=True)
            servers.append(srv)
        else:
            srv = start_oxigraph(db, union=True)
            servers.append(srv)
            t_fill, _ = timed(lambda: load_by_publish(embedded, srv))
        log(f"  Oxigraph server at {srv.base} (pid {srv.pid}), filled in {t_fill:.1f} s")
        # one server, its default graph the union of its graphs: read with the graphs listed (the
        # default, right on any server) and with --dataset server (no dataset sent)
        remotes = {"oxigraph": (srv, "listed"), "oxigraph --dataset server": (srv, "server")}
        if a.virtuoso:
            if shutil.which("virtuoso-t") is None:
                log("virtuoso-t is not installed: Virtuoso skipped")
            else:
                log("starting Virtuoso and publishing to it ...")
                vsrv = start_virtuoso(tmp / "virtuoso")
                servers.append(vsrv)
                t_v, _ = timed(lambda: load_by_publish(embedded, vsrv))
                log(f"  Virtuoso at {vsrv.base} (pid {vsrv.pid}), filled in {t_v:.1f} s")
                remotes["virtuoso"] = (vsrv, "listed")

        sides = {"embedded": embedded}
        for name, (s, mode) in remotes.items():
            sides[name] = open_graph(endpoint=s.query_url, timeout=HTTP_TIMEOUT, dataset=mode)
            backends.append(sides[name])

        log(f"1/3 projection build, {a.runs} runs ...")
        t_build = measure_projection(sides, a.runs)

        log(f"2/3 cold CLI 'similar {role}', 1 warm-up + {a.runs} runs ...")
        base = cli_command()
        commands = {"embedded": [*base, "similar", role, *(["--store", a.store] if a.store else [])]}
        for name, (s, mode) in remotes.items():
            commands[name] = [*base, "similar", role, "--endpoint", s.query_url, "--dataset", mode]
        t_cli = measure_cli(commands, env, a.runs)

        log(f"3/3 query library, {a.runs} runs + 1 warm-up per query ...")
        per, skipped, mismatched = measure_queries(sides, params, a.runs)

        load_avg = os.getloadavg()
        # -- results ----------------------------------------------------------------------------------
        names = list(sides)
        http = [n for n in names if n != "embedded"]
        print(f"# careergraph over HTTP vs embedded: {where}\n")
        print(f"Medians of {a.runs} runs, HTTP and embedded interleaved; Oxigraph server filled by {load} "
              f"in {t_fill:.1f} s; load average at the end {load_avg[0]:.2f} {load_avg[1]:.2f} "
              f"{load_avg[2]:.2f} ({os.cpu_count()} cores).\n")
        head = "| measure | embedded | " + " | ".join(f"{n} (HTTP) | {n} / embedded" for n in http) + " | target |"
        print(head)
        print("|" + "---|" * (head.count("|") - 1))

        def row(label: str, vals: dict[str, float], unit: str, target: str) -> None:
            def fmt(v):
                return f"{v * 1000:.1f} ms" if unit == "ms" else f"{v:.3f} s"
            cells = [fmt(vals["embedded"])]
            for n in http:
                cells += [fmt(vals[n]), ratio(vals[n], vals["embedded"])]
            print(f"| {label} | " + " | ".join(cells) + f" | {target} |")

        row("projection `build(graph)`, no cache", {n: median(t_build[n]) for n in names}, "s",
            "HTTP ≤ 2x embedded")
        row(f"cold CLI `similar \"{role}\"`, cache warm", {n: median(t_cli[n]) for n in names}, "s",
            "HTTP < 2 s")
        if per:
            row(f"query library: median over {len(per)} queries of each one's median",
                {n: median(v[n] for v in per.values()) for n in names}, "ms", "HTTP ≤ 1.5x embedded")
        print()
        for n in http:
            if per:
                rs = sorted(v[n] / v["embedded"] for v in per.values() if v["embedded"] > 0)
                print(f"- {n}: median of the per-query ratios {median(rs):.2f}x (range {rs[0]:.2f}x–{rs[-1]:.2f}x); "
                      f"build range HTTP {min(t_build[n]):.3f}–{max(t_build[n]):.3f} s, embedded "
                      f"{min(t_build['embedded']):.3f}–{max(t_build['embedded']):.3f} s; CLI range "
                      f"{min(t_cli[n]):.2f}–{max(t_cli[n]):.2f} s")
        print()
        if per:
            print("Per query (median ms), slowest embedded first:\n")
            print("| query | embedded | " + " | ".join(f"{n} | ratio" for n in http) + " |")
            print("|---|---|" + "---|---|" * len(http))
            for q, v in sorted(per.items(), key=lambda x: -x[1]["embedded"]):
                cells = [f"{v['embedded'] * 1000:.1f}"]
                for n in http:
                    cells += [f"{v[n] * 1000:.1f}", ratio(v[n], v["embedded"])]
                print(f"| {q} | " + " | ".join(cells) + " |")
            print()
        for s in skipped:
            print(f"- skipped: {s}")
        for m in mismatched:
            print(f"- row counts differ: {m}")
    finally:
        for b in backends:
            try:
                b.close()
            except Exception as exc:  # noqa: BLE001 - cleanup goes on
                log(f"closing {getattr(b, 'location', b)}: {exc}")
        for s in servers:
            stop(s)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
