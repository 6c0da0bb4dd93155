"""Shared pieces of the serve tests: a store with hostile labels, a live server in a thread or a process."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager

from careergraph import open_graph
from servers import stop_process

#: A label that would run script if any page or answer put it in HTML unescaped.
HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>Evil & "Co"'
EVIL_IRI = "https://w3id.org/careergraph/id/role/evil-role"

_ID = "https://w3id.org/careergraph/id/"
_HOSTILE_DATA = f"""
PREFIX cg: <https://w3id.org/careergraph/ontology#>
PREFIX cgr: <https://w3id.org/careergraph/id/role/>
PREFIX cgs: <https://w3id.org/careergraph/id/skill/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
INSERT DATA {{ GRAPH <https://w3id.org/careergraph/graph/seed> {{
  <{EVIL_IRI}> a cg:Role ; rdfs:label {HOSTILE!r} ; cg:inDataset <{_ID}dataset/seed> ;
      cg:requiresSkill cgs:python, <{_ID}skill/evil-skill> ;
      cg:essentialSkill cgs:python, <{_ID}skill/evil-skill> .
  <{_ID}skill/evil-skill> a cg:Skill ; rdfs:label "<b onmouseover=alert(1)>bold</b> skill" ;
      cg:inDataset <{_ID}dataset/seed> .
  <{_ID}transition/lead-to-evil> a cg:Transition ; cg:fromRole cgr:lead-ml-engineer ; cg:toRole <{EVIL_IRI}> ;
      cg:transitionKind cg:Promotion .
  cgr:lead-ml-engineer cg:promotesTo <{EVIL_IRI}> .
}} }}
"""


def hostile_graph():
    """The built-in graph plus a role and a skill whose labels are HTML, and a promotion to that role."""
    g = open_graph()
    g.update(_HOSTILE_DATA)
    return g


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def thread_server(app):
    """Run an ASGI app with uvicorn in a thread on a free loopback port; yields the base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="off"))
    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not t.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        t.join(10)


@contextmanager
def process_server(*args: str, env: dict | None = None):
    """``careergraph serve --port 0 ARGS`` as a subprocess; yields (base URL, process, stderr lines).

    The process is stopped by its own pid (SIGTERM, then SIGKILL) also when the test fails.
    """
    proc = subprocess.Popen([sys.executable, "-m", "careergraph", "serve", "--port", "0", *args],
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                            env=dict(os.environ, **(env or {})))
    lines: list[str] = []
    url = None
    try:
        deadline = time.monotonic() + 60
        while url is None:
            line = proc.stderr.readline()
            if not line:
                raise RuntimeError("careergraph serve ended before it listened: " + "".join(lines))
            lines.append(line)
            m = re.search(r" on (http://127\.0\.0\.1:\d+)/", line)
            if m:
                url = m.group(1)
            if time.monotonic() > deadline:
                raise RuntimeError("careergraph serve did not start: " + "".join(lines))
        reader = threading.Thread(target=lambda: lines.extend(iter(proc.stderr.readline, "")), daemon=True)
        reader.start()
        yield url, proc, lines
    finally:
        stop_process(proc)
