"""The on-disk projection cache: one pickle per store (or endpoint), keyed by the data's version.

The key is the backend's :meth:`~careergraph.backends.Backend.state` (its
identity and every triple of ``graph/meta``, which any import, re-import or
drop changes) plus the package version and :data:`FORMAT`. It does not hash
source files: bump :data:`FORMAT` when the layout of :class:`Projection`
changes within a release.

A missing, stale, truncated or unreadable cache file is rebuilt; a folder
that cannot be written just means no cache. Files are written with the one
atomic writer (:func:`careergraph._io.atomic_write`).
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

from .._io import atomic_write
from ..errors import CareerGraphError
from .model import Projection

__all__ = ["FORMAT", "cache_file", "key_of", "load", "save"]

#: Layout version of the cache files.
FORMAT = 8


def key_of(state: str, version: str) -> str:
    """The cache key of a data state and package version.

    Examples
    --------
    >>> len(key_of("abc", "0.1.0"))
    64
    """
    return hashlib.sha256(f"careergraph-projection {FORMAT}\0{version}\0{state}".encode()).hexdigest()


def cache_file(folder: Path, key: str) -> Path:
    """Where the projection of ``key`` lives in ``folder``."""
    return folder / f"projection-{key[:32]}.pickle"


def load(folder: Path | None, key: str) -> Projection | None:
    """The cached projection of ``key``, or None (missing, stale or unreadable)."""
    if folder is None:
        return None
    try:
        with open(cache_file(folder, key), "rb") as fh:
            payload = pickle.load(fh)
    except Exception:  # noqa: BLE001 - missing, truncated, corrupt or unreadable: rebuild
        return None
    if (not isinstance(payload, dict) or payload.get("key") != key
            or not isinstance(payload.get("projection"), Projection)):
        return None
    return payload["projection"]


def save(folder: Path | None, key: str, proj: Projection) -> bool:
    """Write the projection next to the store; False when the folder cannot be written."""
    if folder is None:
        return False
    path = cache_file(folder, key)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(path, lambda fh: pickle.dump({"format": FORMAT, "key": key, "projection": proj}, fh,
                                                  protocol=pickle.HIGHEST_PROTOCOL), binary=True)
    except (OSError, CareerGraphError):
        return False
    for old in folder.glob("projection-*.pickle"):  # stale keys: one cache per store
        if old != path:
            old.unlink(missing_ok=True)
    return True
