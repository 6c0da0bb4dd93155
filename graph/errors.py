"""One exception hierarchy: every error the library raises is a CareerGraphError.

Each message names the bad value and says how to fix it. The CLI maps
``exit_code`` onto the process exit status (1: no result or validation
failed, 2: usage or input error).
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, process

__all__ = [
    "AmbiguousName",
    "CareerGraphError",
    "DataFileError",
    "EmptyResult",
    "EndpointError",
    "ImportDataError",
    "InvalidParameter",
    "NameNotFound",
    "NoCareerPath",
    "OntologyError",
    "OutputError",
    "QueryError",
    "QueryNotFound",
    "RoleNotFound",
    "SkillNotFound",
    "StoreError",
    "ValidationFailed",
    "clip",
    "suggest",
]

#: Longest echo of a user's value in a message; longer values are cut (a 1 MB
#: parameter must not come back whole on stderr).
CLIP = 80


def clip(value, limit: int = CLIP) -> str:
    """``repr`` of a value for a message, cut to about ``limit`` characters.

    Examples
    --------
    >>> clip("data scientst")
    "'data scientst'"
    >>> clip("x" * 1000)[-21:]
    "x…' (1000 characters)"
    """
    text = str(value)
    if len(text) <= limit:
        return repr(text)
    return repr(text[: limit - 10] + "…") + f" ({len(text)} characters)"


#: Fuzzy suggestions: the least rapidfuzz ratio (0-100, as difflib's 0.6), and how far below the best one.
SUGGEST_CUTOFF, SUGGEST_MARGIN = 60, 15


def suggest(value: str, candidates: Iterable[str], n: int = 3, *, folded: bool = False) -> list[str]:
    """Return up to ``n`` candidates close to ``value`` (case-insensitive), never ``value`` itself.

    Fuzzy matches first (rapidfuzz's ratio, as difflib's ``get_close_matches``;
    those within :data:`SUGGEST_MARGIN` points of the best), then candidates
    that contain the value (for short inputs such as ``mlops``). With
    ``folded``, the candidates are already case-folded with their whitespace
    collapsed (the Resolver's keys), which saves folding 100k names a call.

    Examples
    --------
    >>> suggest("data scientst", ["Data Scientist", "Data Engineer", "Lawyer"])
    ['Data Scientist']
    >>> suggest("mlops", ["MLOps Engineer", "Data Scientist"])
    ['MLOps Engineer']
    """
    if folded:
        keys = candidates if isinstance(candidates, list) else list(candidates)
        by_key = None
    else:
        by_key = {}
        for c in candidates:
            by_key.setdefault(" ".join(str(c).split()).casefold(), c)
        keys = list(by_key)
    low = " ".join(str(value).split()).casefold()
    found = process.extract(low, keys, scorer=fuzz.ratio, score_cutoff=SUGGEST_CUTOFF, limit=n + 1)
    best = found[0][1] if found else 0
    close = [k for k, score, _i in found if score >= best - SUGGEST_MARGIN and k != low]
    if len(close) < n and len(low) >= 3:
        close += [k for k in keys if low in k and k != low and k not in close][: n - len(close)]
    return close[:n] if by_key is None else [by_key[k] for k in close[:n]]


def _did_you_mean(options: list[str]) -> str:
    if not options:
        return ""
    return "; did you mean " + " or ".join(repr(o) for o in options) + "?"


class CareerGraphError(Exception):
    """Base class of every careergraph error."""

    exit_code = 2


class InvalidParameter(CareerGraphError, ValueError):
    """A parameter value is out of range or of the wrong kind."""


class NameNotFound(CareerGraphError, LookupError):
    """A role, skill or other name does not match anything in the graph."""

    kind = "Name"

    def __init__(self, name: str, suggestions: list[str] | None = None, hint: str = ""):
        self.name = name
        self.suggestions = suggestions or []
        msg = f"{self.kind} {clip(name)} not found{_did_you_mean(self.suggestions)}"
        if not self.suggestions and hint:
            msg += f" ({hint})"
        super().__init__(msg)


class RoleNotFound(NameNotFound):
    """A role name does not match any role."""

    kind = "Role"


class SkillNotFound(NameNotFound):
    """A skill name does not match any skill."""

    kind = "Skill"


class AmbiguousName(CareerGraphError, LookupError):
    """A name matches several distinct entities; the message lists them."""

    def __init__(self, name: str, candidates: list[tuple[str, str]], kind: str = "Name"):
        self.name = name
        self.candidates = candidates
        shown = "; ".join(f"{label} <{iri}>" for label, iri in candidates[:6])
        more = f" (+{len(candidates) - 6} more)" if len(candidates) > 6 else ""
        super().__init__(
            f"{kind} {clip(name)} is ambiguous: it matches {shown}{more}. "
            "Pick one by IRI or CURIE, or narrow with --source seed|esco|onet"
        )


class NoCareerPath(CareerGraphError):
    """No route exists between two roles under the given constraints."""

    exit_code = 1

    def __init__(self, message: str, closest: list[str] | None = None):
        self.closest = closest or []
        super().__init__(message)


class EmptyResult(CareerGraphError):
    """A question has no answer in the graph (no salary figures, no rows ...)."""

    exit_code = 1


class QueryNotFound(NameNotFound):
    """No query file of that name exists."""

    kind = "Query"


class QueryError(CareerGraphError):
    """A query cannot be parsed, bound or run; the message names the file."""


class OntologyError(CareerGraphError):
    """An ontology or data file is malformed; the message names file and line."""


DataFileError = OntologyError


class ImportDataError(CareerGraphError):
    """An import source has the wrong layout, columns or version."""


class StoreError(CareerGraphError):
    """A store cannot be opened or written."""


class EndpointError(StoreError):
    """A SPARQL endpoint cannot be reached, refuses the request or answers badly."""


class OutputError(InvalidParameter):
    """An output file cannot be written (missing folder, a folder, wrong extension ...)."""


class ValidationFailed(CareerGraphError):
    """Data does not conform to the SHACL shapes or a violation query."""

    exit_code = 1
