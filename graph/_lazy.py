"""Public names of a package that load from their submodules on first use (PEP 562).

``careergraph`` and ``careergraph.projection`` re-export names whose modules
pull in numpy, scipy and networkx; loading them only when used keeps a
command that needs none of them (``careergraph import ... --no-projection``)
from paying ~0.6 s for them.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Mapping

__all__ = ["lazy_names"]


class _LazyPackage(types.ModuleType):
    """A package whose listed names are imported from their submodules when first read.

    The import system sets each submodule it loads as an attribute of the
    package; a public name that is also a submodule's name
    (``projection.build``, ``careergraph.resolve``) stays the function, as it
    did when the package imported it eagerly.
    """

    _LAZY: Mapping[str, str | None] = {}

    def __getattr__(self, name: str):
        if name not in self._LAZY:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        where = self._LAZY[name]
        module = importlib.import_module(f"{self.__name__}.{where or name}")
        value = module if where is None else getattr(module, name)
        self.__dict__[name] = value
        return value

    def __setattr__(self, name: str, value) -> None:
        if (self._LAZY.get(name) == name and isinstance(value, types.ModuleType)
                and value.__name__ == f"{self.__name__}.{name}"):
            return  # the submodule of the same name: the public name is its function
        super().__setattr__(name, value)

    def __dir__(self) -> list[str]:
        return sorted(set(self.__dict__) | set(self._LAZY))


def lazy_names(package: str, names: Mapping[str, str | None]) -> None:
    """Make ``names`` of ``package`` lazy: each maps to the submodule defining it (None: the submodule itself)."""
    module = sys.modules[package]
    module.__dict__["_LAZY"] = dict(names)
    module.__class__ = _LazyPackage
