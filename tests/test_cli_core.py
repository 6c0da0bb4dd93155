"""The 'queries' and 'query' commands, their bad input, and the CLI's error contract."""

from __future__ import annotations

import json
import re

import pytest

from careergraph.cli.base import cli


def _commands(group=cli, prefix=()):
    import click

    ctx = click.Context(group)
    for name in group.list_commands(ctx):  # the top group imports each command's module when asked
        cmd = group.get_command(ctx, name)
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, prefix + (name,))
        else:
            yield prefix + (name,)


def test_the_lazy_command_list_is_what_the_modules_register():
    import importlib

    import click

    from careergraph.cli import COMMANDS

    for module in COMMANDS:
        importlib.import_module(f"careergraph.cli.{module}")
    registered = {name: cmd.callback.__module__.rsplit(".", 1)[-1] for name, cmd in cli.commands.items()}
    listed = {name: module for module, names in COMMANDS.items() for name in names}
    assert registered == listed
    assert cli.list_commands(click.Context(cli)) == sorted(listed)


def test_an_import_command_loads_no_analysis_modules():
    import subprocess
    import sys

    code = ("import sys; from careergraph.cli import cli; import click; "
            "cli.get_command(click.Context(cli), 'import'); "
            "print(sorted(m for m in ('numpy', 'scipy', 'networkx', 'starlette', 'careergraph.api', "
            "'careergraph.projection.model') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("path", list(_commands()), ids=lambda p: " ".join(p))
def test_every_command_has_help_with_an_example(run_cli, path):
    res = run_cli(*path, "--help")
    assert res.exit_code == 0, res.stderr
    assert "Example" in res.stdout and "careergraph " in res.stdout.split("Example")[-1]


@pytest.mark.parametrize("path", list(_commands()), ids=lambda p: " ".join(p))
def test_no_command_has_an_option_twice(path):
    # click only warns when two parameters share a flag; the second one then silently wins
    import click

    cmd = cli
    for name in path:
        cmd = cmd.get_command(click.Context(cmd), name)
    flags = [flag for param in cmd.params for flag in getattr(param, "opts", []) + getattr(param, "secondary_opts", [])]
    assert len(flags) == len(set(flags)), sorted(f for f in flags if flags.count(f) > 1)
    names = [param.name for param in cmd.params]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


def test_queries_lists_the_library(run_cli):
    res = run_cli("queries", "--format", "json")
    assert res.exit_code == 0
    names = {q["name"] for q in json.loads(res.stdout)}
    assert {"skills-of-role", "roles-requiring-skill"} <= names
    assert not any(n.endswith("-violation") or n.startswith("project-") for n in names)
    assert any(n.endswith("-violation") for n in
               (q["name"] for q in json.loads(run_cli("queries", "--all", "--format", "json").stdout)))


def test_query_json_and_csv(run_cli):
    res = run_cli("query", "skills-of-role", "--param", "role=ML Engineer", "--format", "json")
    assert res.exit_code == 0, res.stderr
    body = json.loads(res.stdout)
    assert body["query"] == "skills-of-role" and body["results"]
    csv_out = run_cli("query", "skills-of-role", "-p", "role=ML Engineer", "--format", "csv").stdout
    assert csv_out.splitlines()[0].split(",") == body["vars"]
    assert len(csv_out.strip().splitlines()) == len(body["results"]) + 1


def test_query_from_file_with_no_rows_exits_1(run_cli, tmp_path):
    rq = tmp_path / "none.rq"
    rq.write_text("# Parameters:\n#   label (string): a label\n"
                  "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                  "SELECT ?r ?label WHERE { ?r rdfs:label ?label }\n")
    res = run_cli("query", str(rq), "--param", 'label=x" } ; DROP ALL #')
    assert res.exit_code == 1 and "no rows" in res.stderr
    res = run_cli("query", str(rq), "--param", "label=Python")
    assert res.exit_code == 0 and "Python" in res.stdout


@pytest.mark.parametrize("args, message", [
    (("query", "skils-of-role"), "did you mean 'skills-of-role'"),
    (("query", "skills-of-role"), "needs parameter(s) role"),
    (("query", "skills-of-role", "-p", "rolle=x"), "no parameter 'rolle'; its parameters are: role"),
    (("query", "skills-of-role", "-p", "role"), "is not NAME=VALUE"),
    (("query", "skills-of-role", "-p", "role=Data Scientst"), "did you mean 'Data Scientist'"),
    (("query", "missing-file.rq"), "does not exist"),
    (("--store", "/nonexistent/store", "query", "list-roles"), "does not exist"),
    (("path",), "Missing argument 'FROM'. (see 'careergraph path --help')"),
    (("queries", "--format", "xml"), "'xml' is not one of"),
    (("nope",), "No such command 'nope'"),
])
def test_bad_input_is_one_line_exit_2(run_cli, args, message):
    res = run_cli(*args)
    assert res.exit_code == 2
    assert message in res.stderr
    assert "Traceback" not in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_updates_and_syntax_errors_are_refused(run_cli, tmp_path):
    upd = tmp_path / "drop.rq"
    upd.write_text("PREFIX cg: <https://w3id.org/careergraph/ontology#>\nINSERT DATA { cg:a cg:b cg:c }\n")
    res = run_cli("query", str(upd))
    assert res.exit_code == 2 and "update" in res.stderr
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT ?x WHERE {\n  ?x ?y\n}\n")
    res = run_cli("query", str(bad))
    assert res.exit_code == 2 and re.search(re.escape(str(bad)) + r":\d+:\d+: SPARQL syntax error", res.stderr)


def test_store_option_before_or_after_command(run_cli, tmp_path):
    missing = str(tmp_path / "nope")
    for args in (("--store", missing, "query", "list-roles"), ("query", "list-roles", "--store", missing)):
        res = run_cli(*args)
        assert res.exit_code == 2 and "does not exist" in res.stderr
    res = run_cli("query", "list-roles", env={"CAREERGRAPH_STORE": missing})
    assert res.exit_code == 2 and "does not exist" in res.stderr


def test_python_m_entry_point(run_process):
    res = run_process("--version")
    assert res.exit_code == 0 and "version" in res.stdout
