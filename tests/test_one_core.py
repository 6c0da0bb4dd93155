"""One core: the API and the CLI resolve names alike, and the package's imports run one way."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import networkx as nx
import pytest

from careergraph import CareerGraph
from careergraph.errors import CareerGraphError

PACKAGE = Path(__file__).resolve().parents[1] / "graph"
MLE = "https://w3id.org/careergraph/id/role/machine-learning-engineer"

# (name, source): what a user may type for a role; None in the last column means "an error".
ROLE_NAMES = [
    ("ML Engineer", None, MLE),
    ("machine learning engineer", None, MLE),
    ("  Machine\u00a0Learning   ENGINEER ", None, MLE),
    ("cgr:machine-learning-engineer", None, MLE),
    (f"<{MLE}>", None, MLE),
    ("ML Engineer", "seed", MLE),
    ("Machine Learning Enginer", None, None),      # a typo: suggestions
    ("Statistics", None, None),                    # a skill, not a role
    ("cgs:python", None, None),                    # an IRI of another kind
    ("ML Engineer", "bogus", None),                # an unknown source lists the known ones
    ("x" * 5000, None, None),                      # a huge value is cut in the message
]


def _api_overlap(name, source):
    try:
        return CareerGraph(source=source).overlap(name, "Data Scientist")["a_iri"], None
    except CareerGraphError as exc:
        return None, (exc.exit_code, str(exc))


def _cli_overlap(run_cli, name, source):
    args = ["overlap", name, "Data Scientist", "--format", "json"] + (["--source", source] if source else [])
    res = run_cli(*args)
    if res.exit_code == 0:
        return json.loads(res.stdout)["a_iri"], None
    assert res.stderr.count("\n") == 1 and res.stderr.startswith("error: "), res.stderr
    return None, (res.exit_code, res.stderr[len("error: "):].rstrip("\n"))


@pytest.mark.parametrize(("name", "source", "iri"), ROLE_NAMES)
def test_api_and_cli_resolve_alike(run_cli, name, source, iri):
    api = _api_overlap(name, source)
    cli = _cli_overlap(run_cli, name, source)
    assert api == cli
    got, err = api
    if iri is None:
        assert got is None and err[0] == 2
        assert len(err[1]) < 300  # echoed values are cut
    else:
        assert got == iri


SKILL_SETS = ["Python, SQL", "python,  sql ,PYTHON", "cgs:python, Statistics", "Pyhton", "", "Statistics"]


@pytest.mark.parametrize("have", SKILL_SETS)
def test_gap_answers_are_the_same_through_both(run_cli, have):
    try:
        api = CareerGraph().gap(have, "Machine Learning Scientist")
        api_out = (0, {k: api[k] for k in ("target", "coverage", "have")})
    except CareerGraphError as exc:
        api_out = (exc.exit_code, str(exc))
    res = run_cli("gap", "--have", have, "--target", "Machine Learning Scientist", "--format", "json")
    if res.exit_code == 0:
        cli = json.loads(res.stdout)
        cli_out = (0, {k: cli[k] for k in ("target", "coverage", "have")})
    else:
        cli_out = (res.exit_code, res.stderr[len("error: "):].rstrip("\n"))
    assert api_out == cli_out


def test_statistics_is_a_skill_for_a_skill_and_a_field_for_a_field():
    cg = CareerGraph()
    assert cg.resolver.resolve("Statistics", "skill").endswith("/skill/statistics")
    assert cg.resolver.resolve("Statistics", "field").endswith("/field/statistics")


# -- imports run one way ---------------------------------------------------------------------------

def _module(path: Path) -> str:
    rel = path.relative_to(PACKAGE).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"]
    return ".".join(["careergraph", *parts])


def _resolve(mod: str, is_pkg: bool, node: ast.ImportFrom) -> list[str]:
    if node.level == 0:
        base = node.module or ""
    else:
        parts = mod.split(".")
        keep = parts if is_pkg else parts[:-1]
        keep = keep[: len(keep) - (node.level - 1)]
        base = ".".join(keep + ([node.module] if node.module else []))
    if not base.startswith("careergraph"):
        return []
    return [base] + [f"{base}.{a.name}" for a in node.names]


def _imports():
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    edges, local = [], []
    for mod, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        is_pkg = path.name == "__init__.py"
        top = set(id(n) for n in tree.body)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                targets = [t for t in _resolve(mod, is_pkg, node) if t in modules]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names if a.name in modules]
            else:
                continue
            if not targets:
                continue
            if id(node) not in top:
                local.append(f"{mod}:{node.lineno}")
            edges += [(mod, t) for t in targets if t != mod]
    return modules, edges, local


def test_no_import_cycles_between_modules():
    modules, edges, _ = _imports()
    g = nx.DiGraph(edges)
    # a package importing its own submodules is how packages re-export; a cycle through anything else is not
    g.remove_edges_from([(a, b) for a, b in list(g.edges) if b.startswith(a + ".")])
    cycles = list(nx.simple_cycles(g))
    assert cycles == [], f"import cycles: {cycles[:5]}"


def test_no_function_local_imports_of_the_package():
    _, _, local = _imports()
    assert local == [], f"imports of careergraph modules inside functions: {local}"
