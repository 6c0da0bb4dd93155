"""One exception hierarchy: every error the library raises is a CareerGraphError.

Each message names the bad value and says how to fix it. The CLI maps
``exit_code`` onto the process exit status (1: no result or validation
failed, 2: usage or input error).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "AmbiguousName",
    "CareerGraphError",
    "DataFileError",
    "ImportDataError",
    "InvalidParameter",
    "NameNotFound",
    "EndpointError",
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


def suggest(value: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """Return up to ``n`` candidates close to ``value`` (case-insensitive).

    Examples
    --------
    >>> suggest("data scientst", ["Data Scientist", "Data Engineer", "Lawyer"])
    ['Data Scientist']
    """
    by_lower: dict[str, str] = {}
    for c in candidates:
        by_lower.setdefault(c.lower(), c)
    low = value.lower()
    close = difflib.get_close_matches(low, list(by_lower), n=n, cutoff=0.6)
    if len(close) < n:  # substring hits help with short inputs like "mlops"
        close += [k for k in sorted(by_lower) if low in k and k not in close][: n - len(close)]
    return [by_lower[c] for c in close]


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
