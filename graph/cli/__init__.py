"""The ``careergraph`` command line. See ``careergraph --help``.

Each module below registers its commands on :data:`cli` when imported; the
group imports a module only when one of its commands runs (or ``--help``
lists them), so a command pays for its own imports only.
"""

from __future__ import annotations

from .base import cli, main

__all__ = ["cli", "main"]

#: The module that registers each top-level command (``tests/test_cli_core.py`` checks the list).
COMMANDS = {
    "analysis": ("gap", "matrix", "next", "overlap", "path", "recommend", "similar"),
    "core": ("queries", "query"),
    "data": ("drop", "import", "publish", "sources"),
    "evaluate": ("evaluate",),
    "plots": ("export", "plot"),
    "serve": ("serve",),
    "validate": ("validate",),
}
for _module, _names in COMMANDS.items():
    cli.lazy(f"{__name__}.{_module}", _names)
