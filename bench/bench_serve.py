"""Load test of ``careergraph serve`` on a real store, beside ``oxigraph serve`` on the same data.

Bounded and loopback only: every request goes to 127.0.0.1, each phase sends a
fixed number of requests and stops after ``--max-seconds`` whatever happens.

Phases, each with ``--clients`` concurrent clients (one keep-alive HTTP
connection each), repeated ``--runs`` times (medians reported):

1. mixed: ``--requests`` requests, shuffled: ``/api/path``, ``/api/overlap``,
   ``/api/recommend``, ``/api/roles?q=`` and library queries through ``/sparql``;
2. path: ``/api/path`` alone (target: >= 200 req/s, p99 < 100 ms);
3. sparql: the same SPARQL requests against ``careergraph serve`` and
   ``oxigraph serve-read-only`` with ``--union-default-graph`` on a copy of the
   very same store files (``STORE/oxigraph``), both running, in alternating
   blocks so that the load of a shared machine falls on both alike
   (target: >= 0.7x);

plus the server's RSS after warm-up and after the run (target: <= 1.2x), and
zero errors. Inputs are drawn with a fixed seed from the store itself: role
pairs with a stated route, roles with skills, skill IRIs, label prefixes.

Usage::

    python bench/bench_serve.py --store /tmp/serve-store [--requests 10000] [--clients 16] [--runs 3]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

import networkx as nx
from careergraph import CareerGraph, open_graph
from careergraph.backends.generations import Layout
from careergraph.queries import load_query

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from servers import stop_process  # noqa: E402 - the tests' own way to stop a child by its pid

#: Library queries sent through /sparql, each with its role parameter bound by a leading VALUES block.
SPARQL_QUERIES = ("profile-skills", "profile-moves-out", "profile-moves-in", "salaries-of-role", "industries-of-role")
ACCEPT_JSON = "application/sparql-results+json"


def say(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def bind_role(text: str, iri: str) -> str:
    """The query text with ``?role`` bound by a VALUES block first in its WHERE group (what a client sends)."""
    m = re.search(r"\bWHERE\s*\{", text)
    return text[: m.end()] + f"\n  VALUES ?role {{ <{iri}> }}" + text[m.end():]


def pick_inputs(store: str, n: int, seed: int) -> dict:
    rnd = random.Random(seed)
    g = open_graph(store)
    cg = CareerGraph(graph=g)
    p = cg.projection
    moves = nx.DiGraph((u, v) for u, v, d in p.transitions.edges(data=True) if d.get("kind") != "same-as")
    nodes = sorted(moves.nodes)
    pairs = []
    while len(pairs) < n:
        src = rnd.choice(nodes)
        reach = nx.single_source_shortest_path_length(moves, src, cutoff=3)
        far = sorted(t for t, d in reach.items() if d >= 2)
        if far:
            pairs.append((src, rnd.choice(far)))
    counts = p.role_skill.getnnz(axis=1)
    skilled = [p.roles[i] for i in range(len(p.roles)) if counts[i] >= 5]
    overlaps = [tuple(rnd.sample(skilled, 2)) for _ in range(n)]
    skills = sorted(p.skills)
    haves = [", ".join(rnd.sample(skills, rnd.randint(2, 5))) for _ in range(n)]
    labels = [p.role_labels[r] for r in p.roles]
    prefixes = [lab[: rnd.randint(3, 7)] for lab in rnd.sample(labels, min(n, len(labels)))]
    texts = {name: load_query(name).text for name in SPARQL_QUERIES}
    sparql = [bind_role(texts[rnd.choice(SPARQL_QUERIES)], rnd.choice(skilled + nodes)) for _ in range(n)]
    g.close()
    del cg, g, p
    return {"pairs": pairs, "overlaps": overlaps, "haves": haves, "prefixes": prefixes, "sparql": sparql}


def api_request(kind: str, inp: dict, rnd: random.Random) -> tuple[str, str, str, dict]:
    """(kind, method, path, headers) of one request."""
    if kind == "path":
        a, b = rnd.choice(inp["pairs"])
        return kind, "GET", "/api/path?" + urlencode({"from": a, "to": b}), {}
    if kind == "overlap":
        a, b = rnd.choice(inp["overlaps"])
        return kind, "GET", "/api/overlap?" + urlencode({"a": a, "b": b}), {}
    if kind == "recommend":
        return kind, "GET", "/api/recommend?" + urlencode({"have": rnd.choice(inp["haves"]), "top": 10}), {}
    if kind == "roles":
        return kind, "GET", "/api/roles?" + urlencode({"q": rnd.choice(inp["prefixes"])}), {}
    return kind, "GET", "/sparql?" + urlencode({"query": rnd.choice(inp["sparql"])}), {"Accept": ACCEPT_JSON}


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load(port: int, requests: list[tuple[str, str, str, dict]], clients: int, max_seconds: float,
         rewrite=lambda path: path) -> dict:
    """Send the requests with ``clients`` threads over keep-alive connections; latencies per kind."""
    lock = threading.Lock()
    it = iter(requests)
    results: list[tuple[str, float, int]] = []
    deadline = time.monotonic() + max_seconds

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < deadline:
            with lock:
                req = next(it, None)
            if req is None:
                break
            kind, method, path, headers = req
            t = time.perf_counter()
            try:
                conn.request(method, rewrite(path), headers=headers)
                resp = conn.getresponse()
                resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException):
                status = -1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            dt = time.perf_counter() - t
            with lock:
                results.append((kind, dt, status))
        conn.close()

    start = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    by: dict[str, list] = defaultdict(list)
    for kind, dt, status in results:
        by[kind].append((dt, status))
    out = {"wall": wall, "sent": len(results), "unsent": len(requests) - len(results), "kinds": {}}
    for kind, items in sorted(by.items()):
        lat = sorted(dt for dt, _ in items)
        errors = sum(1 for _, s in items if s != 200)
        out["kinds"][kind] = {"n": len(items), "errors": errors, "p50_ms": 1000 * lat[len(lat) // 2],
                              "p99_ms": 1000 * lat[min(len(lat) - 1, int(len(lat) * 0.99))],
                              "rps_in_mix": len(items) / wall}
    out["rps"] = len(results) / wall
    out["errors"] = sum(k["errors"] for k in out["kinds"].values()) + out["unsent"]
    return out


def start_careergraph(store: str, workers: int, result_cache: int | None = None) -> tuple[subprocess.Popen, int]:
    extra = [] if result_cache is None else ["--result-cache", str(result_cache)]
    proc = subprocess.Popen([sys.executable, "-m", "careergraph", "--store", store, "serve", "--port", "0", "--quiet",
                             "--workers", str(workers), *extra], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            raise SystemExit("careergraph serve ended early")
        m = re.search(r"127\.0\.0\.1:(\d+)/", line)
        if m:
            threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()
            return proc, int(m.group(1))
    raise SystemExit("careergraph serve did not start")


def start_oxigraph(location: Path) -> tuple[subprocess.Popen, int]:  # noqa: D103
    port = free_port()
    proc = subprocess.Popen(["oxigraph", "serve-read-only", "--location", str(location), "--bind",
                             f"127.0.0.1:{port}", "--union-default-graph"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc, port
        except OSError:
            time.sleep(0.1)
    raise SystemExit("oxigraph serve did not start")


def merge(parts: list[dict]) -> dict:
    """The figures of several blocks of one phase as one (throughput over the summed wall time)."""
    kinds: dict[str, dict] = {}
    for part in parts:
        for kind, k in part["kinds"].items():
            kinds.setdefault(kind, []).append(k)
    wall = sum(p["wall"] for p in parts)
    sent = sum(p["sent"] for p in parts)
    out = {"wall": wall, "sent": sent, "rps": sent / wall, "errors": sum(p["errors"] for p in parts), "kinds": {}}
    for kind, ks in kinds.items():  # block medians of the percentiles: each block has hundreds of requests
        out["kinds"][kind] = {"n": sum(k["n"] for k in ks), "errors": sum(k["errors"] for k in ks),
                              "p50_ms": statistics.median(k["p50_ms"] for k in ks),
                              "p99_ms": statistics.median(k["p99_ms"] for k in ks)}
    return out


def one_run(args, inp: dict, run: int, ox_location: Path) -> dict:
    rnd = random.Random(1000 + run)
    kinds = ["path", "overlap", "recommend", "roles", "sparql"]
    mixed = [api_request(rnd.choice(kinds), inp, rnd) for _ in range(args.requests)]
    paths = [api_request("path", inp, rnd) for _ in range(args.phase_requests)]
    sparql = [api_request("sparql", inp, rnd) for _ in range(args.phase_requests)]
    warm = [api_request(k, inp, rnd) for k in kinds for _ in range(40)]
    to_ox = lambda p: p.replace("/sparql?", "/query?", 1)  # noqa: E731

    proc, port = start_careergraph(args.store, args.workers, args.result_cache)
    oxp, oxport = start_oxigraph(ox_location)
    try:
        load(port, warm, args.clients, args.max_seconds)
        load(oxport, sparql[:200], args.clients, args.max_seconds, rewrite=to_ox)
        rss_warm = rss_mb(proc.pid)
        say(f"run {run}: careergraph serve warm, RSS {rss_warm:.0f} MB; mixed load of {len(mixed)} requests")
        mix = load(port, mixed, args.clients, args.max_seconds)
        rss_after = rss_mb(proc.pid)
        say(f"run {run}: mixed {mix['rps']:.0f} req/s, errors {mix['errors']}, RSS {rss_after:.0f} MB")
        path = load(port, paths, args.clients, args.max_seconds)
        say(f"run {run}: /api/path alone {path['rps']:.0f} req/s, p99 {path['kinds']['path']['p99_ms']:.1f} ms")
        blocks = max(1, args.blocks)
        size = -(-len(sparql) // blocks)
        ours_parts, ox_parts = [], []
        for b in range(blocks):
            chunk = sparql[b * size:(b + 1) * size]
            ours_parts.append(load(port, chunk, args.clients, args.max_seconds))
            ox_parts.append(load(oxport, chunk, args.clients, args.max_seconds, rewrite=to_ox))
        ours, ox = merge(ours_parts), merge(ox_parts)
        say(f"run {run}: /sparql {ours['rps']:.0f} req/s, oxigraph serve {ox['rps']:.0f} req/s "
            f"(errors {ours['errors']} / {ox['errors']})")
        rss_end = rss_mb(proc.pid)
    finally:
        stop_process(proc, grace=30)
        stop_process(oxp, grace=30)
    return {"mixed": mix, "path": path, "sparql": ours, "oxigraph": ox, "rss_warm_mb": rss_warm,
            "rss_after_mb": rss_after, "rss_end_mb": rss_end}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", required=True, help="An imported store (ESCO + O*NET)")
    ap.add_argument("--requests", type=int, default=10_000, help="Requests of the mixed phase")
    ap.add_argument("--phase-requests", type=int, default=2_000, help="Requests of the path and sparql phases")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--workers", type=int, default=8, help="careergraph serve --workers")
    ap.add_argument("--result-cache", type=int, metavar="MB",
                    help="careergraph serve --result-cache (default: the server's; 0: every answer computed)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--max-seconds", type=float, default=300.0, help="Upper bound of one phase")
    ap.add_argument("--blocks", type=int, default=10, help="Alternating blocks of the SPARQL comparison")
    ap.add_argument("--oxigraph-copy", metavar="DIR",
                    help="Where the copy of STORE/oxigraph for oxigraph serve lives (default: beside the store)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", metavar="FILE", help="Also write every run's figures here")
    args = ap.parse_args()

    say(f"picking inputs from {args.store}")
    inp = pick_inputs(args.store, 400, args.seed)
    copy = Path(args.oxigraph_copy or f"{Path(args.store).resolve()}-oxigraph-copy")
    if not copy.exists():  # made while no server has the store open; both servers then run side by side
        gen = Layout(args.store).current()  # the current generation's Oxigraph files (docs/store.md)
        if gen is None:
            raise SystemExit(f"{args.store} holds no store: import into it first")
        say(f"copying {gen.store_path} to {copy} for oxigraph serve")
        shutil.copytree(gen.store_path, copy)
    runs = [one_run(args, inp, r, copy) for r in range(args.runs)]
    med = statistics.median

    def m(f):
        return med(f(r) for r in runs)

    print(f"careergraph serve vs oxigraph serve on {args.store}: {args.clients} clients, "
          f"medians of {args.runs} runs (load average {os.getloadavg()[0]:.1f} at the end)")
    print(f"\nmixed phase, {args.requests} requests: {m(lambda r: r['mixed']['rps']):.0f} req/s, "
          f"errors {sum(r['mixed']['errors'] for r in runs)} in all runs")
    print(f"{'kind':<10} {'n':>6} {'errors':>6} {'p50 ms':>8} {'p99 ms':>8}")
    for kind in sorted(runs[0]["mixed"]["kinds"]):
        k = [r["mixed"]["kinds"][kind] for r in runs]
        print(f"{kind:<10} {med(x['n'] for x in k):>6.0f} {sum(x['errors'] for x in k):>6} "
              f"{med(x['p50_ms'] for x in k):>8.1f} {med(x['p99_ms'] for x in k):>8.1f}")
    pth = [r["path"]["kinds"]["path"] for r in runs]
    print(f"\n/api/path alone ({args.phase_requests} requests): {m(lambda r: r['path']['rps']):.0f} req/s, "
          f"p50 {med(x['p50_ms'] for x in pth):.1f} ms, p99 {med(x['p99_ms'] for x in pth):.1f} ms "
          f"(target >= 200 req/s, p99 < 100 ms)")
    ours, theirs = m(lambda r: r["sparql"]["rps"]), m(lambda r: r["oxigraph"]["rps"])
    sq = [r["sparql"]["kinds"]["sparql"] for r in runs]
    oq = [r["oxigraph"]["kinds"]["sparql"] for r in runs]
    print(f"\n{'SPARQL, same queries':<24} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    print(f"{'careergraph serve':<24} {ours:>7.0f} {med(x['p50_ms'] for x in sq):>8.1f} "
          f"{med(x['p99_ms'] for x in sq):>8.1f} {sum(x['errors'] for x in sq):>7}")
    print(f"{'oxigraph serve':<24} {theirs:>7.0f} {med(x['p50_ms'] for x in oq):>8.1f} "
          f"{med(x['p99_ms'] for x in oq):>8.1f} {sum(x['errors'] for x in oq):>7}")
    ratios = sorted(r["sparql"]["rps"] / r["oxigraph"]["rps"] for r in runs)
    print(f"ratio careergraph / oxigraph, per run (both measured in alternating blocks): median "
          f"{med(ratios):.2f}, range {ratios[0]:.2f}-{ratios[-1]:.2f} (target >= 0.7)")
    print(f"\nRSS: after warm-up {m(lambda r: r['rss_warm_mb']):.0f} MB, after the mixed run "
          f"{m(lambda r: r['rss_after_mb']):.0f} MB, after every phase {m(lambda r: r['rss_end_mb']):.0f} MB; "
          f"ratio {m(lambda r: r['rss_after_mb'] / r['rss_warm_mb']):.2f} (target <= 1.2)")
    if args.json:
        Path(args.json).write_text(json.dumps(runs, indent=1))


if __name__ == "__main__":
    main()
