"""The README opens with the two commands, and CI runs the test one verbatim."""

from __future__ import annotations

import re

from conftest import REPO


def _blocks() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return [b.strip() for b in re.findall(r"```bash\n(.*?)```", text, flags=re.S)]


def test_readme_starts_with_run_and_test_commands():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    first, second = _blocks()[:2]
    assert text.index("```bash") < 40, "the README must open with the commands"
    assert first.startswith("pip install . && careergraph path ")
    assert second == 'pip install -e ".[test]" && pytest'


def test_ci_runs_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert _blocks()[1] in ci.splitlines()


def test_the_tour_shows_the_real_output(run_cli):
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```console\n\$ careergraph path \"Junior ML Engineer\" \"Lead ML Engineer\"\n(.*?)\n\n\$",
                      text, flags=re.S)
    assert block, "the tour opens with the README's first path command"
    res = run_cli("path", "Junior ML Engineer", "Lead ML Engineer")
    assert res.exit_code == 0 and res.stdout.rstrip("\n") == block.group(1)
