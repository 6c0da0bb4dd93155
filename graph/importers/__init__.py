"""Importers of public taxonomies into their own named graphs of a careergraph store.

* :func:`import_esco` — ESCO v1.1.1 CSV archives → ``graph/esco-v1.1.1``
* :func:`import_onet` — O*NET text files → ``graph/onet``
* :func:`import_crosswalk` — Nesta's ESCO ↔ O*NET crosswalk and the curated
  seed links → ``graph/crosswalk``

Each import replaces the previous import of the same source atomically (see
:func:`careergraph.store.start_replacing`), records itself in ``graph/meta``
(:func:`careergraph.store.list_sources`) and returns an
:class:`ImportSummary` (counts, dangling references, seconds). Progress goes
to an optional callback; the library never prints.
"""

from __future__ import annotations

from ._common import ImportSummary
from .crosswalk import SEED_LINKS, import_crosswalk
from .esco import import_esco
from .onet import import_onet

__all__ = ["SEED_LINKS", "ImportSummary", "import_crosswalk", "import_esco", "import_onet"]
