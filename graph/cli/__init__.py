"""The ``careergraph`` command line. See ``careergraph --help``."""

from __future__ import annotations

import importlib

from .base import cli, main

__all__ = ["cli", "main"]

# Each module registers its commands on ``cli``; a missing optional module is skipped.
for _name in ("core", "analysis", "plots", "data", "evaluate", "validate"):
    try:
        importlib.import_module(f"{__name__}.{_name}")
    except ModuleNotFoundError as _exc:  # pragma: no cover - only while a module is absent
        if _exc.name != f"{__name__}.{_name}":
            raise
