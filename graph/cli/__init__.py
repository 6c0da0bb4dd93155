"""The ``careergraph`` command line. See ``careergraph --help``.

Each module below registers its commands on :data:`cli` when imported.
"""

from __future__ import annotations

from . import analysis, core, data, evaluate, plots, serve, validate  # noqa: F401  (registers commands)
from .base import cli, main

__all__ = ["cli", "main"]
