"""Shared fixtures: the seed graph (loaded once), the real data folder, a CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def seed_graph():
    """The built-in seed graph, opened once for the whole session (read-only use)."""
    from careergraph import open_graph

    return open_graph()


def data_dir() -> Path | None:
    """``CAREERGRAPH_DATA`` (default ``../shared/data`` beside the repo), if present."""
    raw = os.environ.get("CAREERGRAPH_DATA")
    path = Path(raw) if raw else REPO.parent / "shared" / "data"
    return path if path.is_dir() else None


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real taxonomy data folder; skips when absent, fails in CI (CI=true)."""
    path = data_dir()
    if path is None:
        msg = ("real data not found: set CAREERGRAPH_DATA to the folder holding esco-v1.1.1/, "
               "onet/ and nesta-mcc/ (default ../shared/data)")
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(msg + " — CI must run the data-backed tests")
        pytest.skip(msg)
    return path


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def run_cli():
    """Run ``careergraph ARGS...`` in-process (click's runner) through ``main``'s error mapping."""
    from click.testing import CliRunner

    from careergraph.cli import main

    def _run(*args: str, env: dict | None = None) -> CliResult:
        runner = CliRunner()
        res = runner.invoke(_entry, list(args), env=env, catch_exceptions=False)
        return CliResult(res.exit_code, res.stdout, res.stderr)

    import click

    @click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True,
                                     "help_option_names": []})
    @click.pass_context
    def _entry(ctx):
        main(list(ctx.args))

    return _run


@pytest.fixture
def run_process():
    """Run the installed ``careergraph`` console script in a real subprocess."""

    def _run(*args: str, env: dict | None = None, timeout: int = 120) -> CliResult:
        full_env = dict(os.environ, **(env or {}))
        proc = subprocess.run([sys.executable, "-m", "careergraph", *args], capture_output=True,
                              text=True, env=full_env, timeout=timeout)
        return CliResult(proc.returncode, proc.stdout, proc.stderr)

    return _run
