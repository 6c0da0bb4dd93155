"""Root conftest: let pytest's doctest collection of ``graph/`` use the real package.

pytest imports ``graph/paths.py`` for ``--doctest-modules`` under the name
``graph.paths``, which would load every module a second time beside
``careergraph.paths`` (two copies of each class and exception). Aliasing the
names to the already imported ``careergraph`` modules keeps one copy.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import careergraph

sys.modules.setdefault("graph", careergraph)
for _info in pkgutil.walk_packages(careergraph.__path__, "careergraph."):
    if _info.name.endswith("__main__"):  # importing it would run the CLI
        continue
    _module = importlib.import_module(_info.name)
    sys.modules.setdefault("graph" + _info.name[len("careergraph"):], _module)
