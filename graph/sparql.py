"""SPARQL text: a tokenizer, and where the parts of a query are.

One lexer for every piece of code that reads query text: the runner's
read-only check (:func:`careergraph.queries.check_read_only`: updates and
``SERVICE`` are found as keywords, never inside strings, IRIs or comments)
and the remote backend (bindings as a ``VALUES`` block at the start of the
WHERE group, paging windows, ``CONSTRUCT`` templates). Only the top level of
a query is located; nested groups are skipped as a whole.

Examples
--------
>>> [t.text for t in tokenize('SELECT ?x { ?x <a> "{" } # }')]
['SELECT', '?x', '{', '?x', '<a>', '"{"', '}']
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import pyoxigraph as ox

from .errors import QueryError, clip

__all__ = ["Parsed", "Token", "apply_edits", "bind_values", "parse_query", "prologue_end", "subselect_groups", "tokenize",
           "values_block", "with_limit"]

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>\"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"|'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
               |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
  | (?P<bnode>_:[A-Za-z0-9_\-.\u00B7\u00C0-\uFFFF]*[A-Za-z0-9_\-\u00B7\u00C0-\uFFFF])
  | (?P<number>[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))
  | (?P<name>(?:[A-Za-z\u00C0-\uFFFF][\w\-.\u00B7\u00C0-\uFFFF]*)?:
               (?:(?:[\w\-.:%\u00B7\u00C0-\uFFFF]|\\[_~.\-!$&'()*+,;=/?\#@%])*
                  (?:[\w\-:%\u00B7\u00C0-\uFFFF]|\\[_~.\-!$&'()*+,;=/?\#@%]))?
             |[A-Za-z_\u00C0-\uFFFF][\w\-\u00B7\u00C0-\uFFFF]*)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<punct>\^\^|<=|>=|!=|&&|\|\||[{}()\[\].,;*+/|^!=<>?-])
""", re.VERBOSE | re.DOTALL)


class Token(NamedTuple):
    """One significant token: its kind (a group name of the lexer), offsets and text."""

    kind: str
    start: int
    end: int
    text: str

    def kw(self, *words: str) -> bool:
        return self.kind == "name" and self.text.upper() in words


def tokenize(text: str) -> list[Token]:
    """The significant tokens of a SPARQL text (whitespace and comments dropped).

    Raises
    ------
    SyntaxError
        A character no SPARQL token starts with (an unclosed string, say).

    Examples
    --------
    >>> [t.text for t in tokenize('SELECT ?x { ?x <a> "{" } # }')]
    ['SELECT', '?x', '{', '?x', '<a>', '"{"', '}']
    >>> len(tokenize("?x cgid:dataset" + chr(92) + "/seed ."))  # an escaped local name is one token
    3
    """
    out, pos, n = [], 0, len(text)
    match = _TOKEN.match
    while pos < n:
        m = match(text, pos)
        if m is None:
            raise SyntaxError(f"unexpected {text[pos:pos + 20]!r} at offset {pos}")
        kind, end = m.lastgroup, m.end()
        if kind != "ws" and kind != "comment":
            out.append(Token(kind, pos, end, m.group()))
        pos = end
    return out


@dataclass
class Parsed:
    """What the backend needs to know of a query: its form and where its parts are (offsets)."""

    text: str
    form: str                          # SELECT, ASK, CONSTRUCT or DESCRIBE
    form_start: int                    # offset of the form keyword (the prologue ends there)
    where_open: int | None = None      # offset just after the top-level WHERE group's "{"
    where_close: int | None = None     # offset of that group's closing "}"
    subselect: bool = False            # the WHERE group is one sub-SELECT
    construct_short: bool = False      # CONSTRUCT WHERE { ... }
    template: tuple[int, int] | None = None   # CONSTRUCT template, inside its braces
    datasets: list[tuple[int, int]] = field(default_factory=list)  # FROM [NAMED] clauses
    order_by: tuple[int, int] | None = None   # top-level ORDER BY clause
    limit: tuple[int, int, int] | None = None  # (start, end, value)
    offset: tuple[int, int, int] | None = None
    modifiers_end: int = 0             # where solution modifiers end (a trailing VALUES starts)
    describe_end: int | None = None    # DESCRIBE without WHERE: the end of its targets
    variables: set[str] = field(default_factory=set)
    assigned: set[str] = field(default_factory=set)  # variables a BIND or a SELECT expression sets (AS ?v)
    service: bool = False              # a SERVICE keyword anywhere (nested groups included)


def _match_close(toks: list[Token], i: int) -> int:
    """Index of the ``}`` closing the ``{`` at ``toks[i]``."""
    depth = 0
    for j in range(i, len(toks)):
        if toks[j].text == "{" and toks[j].kind == "punct":
            depth += 1
        elif toks[j].text == "}" and toks[j].kind == "punct":
            depth -= 1
            if depth == 0:
                return j
    raise SyntaxError("unbalanced braces: a '{' is never closed")


#: Texts up to this length are parsed once and remembered (the last 1,024 of them, ~5 MB): the lexer
#: costs 0.3-1 ms a query in Python, and every query is read for its verdict, its form and its
#: bindings, by a server again and again.
PARSE_CACHE_TEXT = 16_384


def parse_query(text: str) -> Parsed:
    """Locate the form, dataset clauses, WHERE group and solution modifiers of a query.

    Only the top level is looked at; anything nested (sub-queries, EXISTS,
    templates) is skipped as a whole, except that ``service`` says whether a
    ``SERVICE`` keyword occurs anywhere.

    Raises
    ------
    SyntaxError
        Not a SELECT, ASK, CONSTRUCT or DESCRIBE query (an update, say), or
        a text that cannot be read (unbalanced braces, an unclosed string).

    Examples
    --------
    >>> p = parse_query("PREFIX a: <x:> SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 5")
    >>> p.form, p.text[p.order_by[0]:p.order_by[1]], p.limit[2]
    ('SELECT', 'ORDER BY ?s', 5)
    """
    try:
        return (_parse_cached if len(text) <= PARSE_CACHE_TEXT else _parse)(text)
    except (IndexError, ValueError, OverflowError) as exc:  # a LIMIT of 1e999, a clause cut short
        raise SyntaxError(f"cannot read the query: {exc}") from None


def _parse(text: str) -> Parsed:
    toks = tokenize(text)
    i = 0
    while i < len(toks) and toks[i].kw("PREFIX", "BASE"):
        i += 3 if toks[i].kw("PREFIX") else 2
    if i >= len(toks) or not toks[i].kw("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
        raise SyntaxError("expected SELECT, ASK, CONSTRUCT or DESCRIBE after the prologue")
    p = Parsed(text=text, form=toks[i].text.upper(), form_start=toks[i].start)
    p.variables = {t.text[1:] for t in toks if t.kind == "var"}
    p.assigned = {b.text[1:] for a, b in zip(toks, toks[1:]) if a.kw("AS") and b.kind == "var"}
    p.service = any(t.kw("SERVICE") for t in toks)
    i += 1
    if p.form == "CONSTRUCT" and i < len(toks) and toks[i].text == "{":
        j = _match_close(toks, i)
        p.template = (toks[i].end, toks[j].start)
        i = j + 1
    parens = 0
    group = None
    while i < len(toks):
        t = toks[i]
        if t.kw("FROM") and parens == 0:
            j = i + 2 if i + 1 < len(toks) and toks[i + 1].kw("NAMED") else i + 1
            p.datasets.append((t.start, toks[min(j, len(toks) - 1)].end))
            i = j + 1
            continue
        if t.kw("WHERE") and p.form == "CONSTRUCT" and p.template is None:
            p.construct_short = True
        if t.text == "(" and t.kind == "punct":
            parens += 1
        elif t.text == ")" and t.kind == "punct":
            parens -= 1
        elif t.text == "{" and t.kind == "punct" and parens == 0:
            group = i
            break
        elif p.form == "DESCRIBE" and t.kw("ORDER", "LIMIT", "OFFSET", "VALUES", "GROUP", "HAVING"):
            break
        i += 1
    if group is None:
        if p.form != "DESCRIBE":
            raise SyntaxError(f"{p.form} query without a WHERE group")
        p.describe_end = toks[i - 1].end
        p.modifiers_end = toks[-1].end
        return p
    close = _match_close(toks, group)
    p.where_open, p.where_close = toks[group].end, toks[close].start
    p.subselect = group + 1 < len(toks) and toks[group + 1].kw("SELECT")
    if p.construct_short:
        p.template = (p.where_open, p.where_close)
    # solution modifiers: GROUP BY, HAVING, ORDER BY, LIMIT, OFFSET, then a trailing VALUES
    k = close + 1
    p.modifiers_end = toks[-1].end
    clause, clause_start = None, 0

    def end_clause(at: int) -> None:
        if clause == "ORDER":
            p.order_by = (clause_start, at)

    while k < len(toks):
        t = toks[k]
        if t.kw("GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES"):
            end_clause(toks[k - 1].end)
            clause, clause_start = t.text.upper(), t.start
            if clause == "VALUES":
                p.modifiers_end = t.start
                clause = None
                break
            if clause in ("LIMIT", "OFFSET") and k + 1 < len(toks) and toks[k + 1].kind == "number":
                entry = (t.start, toks[k + 1].end, int(float(toks[k + 1].text)))
                if clause == "LIMIT":
                    p.limit = entry
                else:
                    p.offset = entry
                k += 2
                clause = None
                continue
        elif t.text == "{":
            k = _match_close(toks, k) + 1
            continue
        k += 1
    end_clause(toks[min(k, len(toks)) - 1].end)
    if p.order_by is not None and p.order_by[1] > p.modifiers_end:
        p.order_by = (p.order_by[0], p.modifiers_end)
    return p


_parse_cached = functools.lru_cache(maxsize=1024)(_parse)


def with_limit(text: str, limit: int) -> str:
    """The query with a ``LIMIT`` of at most ``limit``: its own when that is lower; its OFFSET kept.

    The same text and limit give the same string back (remembered as
    :func:`parse_query` remembers), so whoever reads the capped text next
    finds it parsed already.

    Raises
    ------
    SyntaxError
        See :func:`parse_query`.

    Examples
    --------
    >>> " ".join(with_limit("SELECT * WHERE { ?s ?p ?o } VALUES ?s { <x:a> }", 11).split())
    'SELECT * WHERE { ?s ?p ?o } LIMIT 11 VALUES ?s { <x:a> }'
    >>> with_limit("SELECT * { ?s ?p ?o } OFFSET 5 LIMIT 100", 11)
    'SELECT * { ?s ?p ?o } OFFSET 5 LIMIT 11'
    >>> with_limit("SELECT * { ?s ?p ?o } LIMIT 3", 11)
    'SELECT * { ?s ?p ?o } LIMIT 3'
    """
    return (_with_limit_cached if len(text) <= PARSE_CACHE_TEXT else _with_limit)(text, limit)


def _with_limit(text: str, limit: int) -> str:
    p = parse_query(text)
    if p.limit is not None:
        if p.limit[2] <= limit:
            return p.text
        return apply_edits(p.text, [(p.limit[0], p.limit[1], f"LIMIT {limit}")])
    return apply_edits(p.text, [(p.modifiers_end, p.modifiers_end, f"\nLIMIT {limit}\n")])


_with_limit_cached = functools.lru_cache(maxsize=1024)(_with_limit)


def prologue_end(toks: list[Token]) -> int:
    """Index of the first token after the PREFIX and BASE declarations."""
    i = 0
    while i < len(toks) and toks[i].kw("PREFIX", "BASE"):
        i += 3 if toks[i].kw("PREFIX") else 2
    return i


@functools.lru_cache(maxsize=256)
def subselect_groups(text: str) -> tuple[tuple[int, frozenset | None], ...]:
    """Where each nested sub-SELECT's WHERE group opens, with the variables it projects.

    Returns ``(offset just after the group's "{", projected variable names)``
    for every ``SELECT`` but the query's own; ``None`` stands for
    ``SELECT *``. A value bound for the whole query is bound there too, as a
    substitution would be, instead of being joined after the sub-query has
    run over everything.

    Examples
    --------
    >>> q = "SELECT ?r ?n WHERE { { SELECT ?r (COUNT(*) AS ?n) WHERE { ?r ?p ?o } GROUP BY ?r } }"
    >>> [(q[at - 1], sorted(v)) for at, v in subselect_groups(q)]
    [('{', ['n', 'r'])]
    """
    toks = tokenize(text)
    first = prologue_end(toks)
    out: list[tuple[int, frozenset | None]] = []
    for i, t in enumerate(toks):
        if i == first or not t.kw("SELECT"):
            continue
        names: set[str] = set()
        star, parens, j = False, 0, i + 1
        while j < len(toks):
            u = toks[j]
            if u.kind == "punct" and u.text == "(":
                parens += 1
            elif u.kind == "punct" and u.text == ")":
                parens -= 1
            elif u.kind == "punct" and u.text == "{" and parens == 0:
                break
            elif u.kind == "punct" and u.text == "*" and parens == 0:
                star = True
            elif u.kind == "var" and (parens == 0 or toks[j - 1].kw("AS")):
                names.add(u.text[1:])
            j += 1
        if j < len(toks):
            out.append((toks[j].end, None if star else frozenset(names)))
    return tuple(out)


# -- bindings as a VALUES block (the remote backend, and the embedded store: Oxigraph plans a
# substituted variable as unbound, a VALUES block as bound) ----------------------------------

def _term_text(term) -> str:
    if isinstance(term, ox.BlankNode):
        raise QueryError("a blank node cannot be bound in a query sent to a SPARQL endpoint; "
                         "bind an IRI or a literal")
    if not isinstance(term, (ox.NamedNode, ox.Literal)):
        raise QueryError(f"cannot bind {clip(term)}: not an RDF term")
    return str(term)  # N-Triples syntax, escaped by pyoxigraph


def values_block(substitutions: Mapping[str, Any]) -> str:
    """``VALUES (?a ?b) { (t1 t2) }`` for one row of bindings.

    Examples
    --------
    >>> values_block({"n": ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))})
    'VALUES (?n) { ("3"^^<http://www.w3.org/2001/XMLSchema#integer>) }'
    """
    heads = " ".join(_variable(n) for n in substitutions)
    row = " ".join(_term_text(v) for v in substitutions.values())
    return f"VALUES ({heads}) {{ ({row}) }}"


def _variable(name: str) -> str:
    """``?name``, after checking it is a SPARQL variable name."""
    if not re.fullmatch(r"[A-Za-z0-9_\u00B7\u00C0-\uFFFF]+", name):
        raise QueryError(f"{clip(name)} is not a SPARQL variable name")
    return f"?{name}"


def bind_values(text: str, substitutions: Mapping[str, Any] | None, parsed: Parsed | None = None) -> str:
    """The query with ``substitutions`` bound by a ``VALUES`` block at the start of its WHERE group.

    Variables the query does not mention are left out (as Oxigraph's
    substitution ignores them). A sub-SELECT that projects a bound variable
    gets the block inside its own WHERE group too, as a substitution binds it
    there (otherwise the sub-query runs over every value and is joined
    after). A WHERE group that is a lone sub-SELECT is wrapped so the block
    can stand beside it; a short ``CONSTRUCT WHERE`` gets its template
    written out; a ``DESCRIBE`` without WHERE gets one. A variable the query
    computes itself (``BIND(... AS ?v)``, ``(... AS ?v)``) keeps the rows
    where it equals the value: a ``FILTER`` at the end of the WHERE group.

    Examples
    --------
    >>> bind_values('SELECT ?s { ?x ?p ?o BIND(STR(?o) AS ?s) }', {"s": ox.Literal("a")})
    'SELECT ?s { ?x ?p ?o BIND(STR(?o) AS ?s)  FILTER(?s = "a") }'
    >>> q = "SELECT ?r ?n { { SELECT ?r (COUNT(*) AS ?n) { ?r ?p ?o } GROUP BY ?r } }"
    >>> bind_values(q, {"r": ox.NamedNode("http://ex/a")})
    'SELECT ?r ?n { VALUES (?r) { (<http://ex/a>) } { SELECT ?r (COUNT(*) AS ?n) { VALUES (?r) { (<http://ex/a>) } ?r ?p ?o } GROUP BY ?r } }'
    """
    if not substitutions:
        return text
    p = parsed or parse_query(text)
    subs = {k: v for k, v in substitutions.items() if k in p.variables}
    if not subs:
        return text
    late = {k: v for k, v in subs.items() if k in p.assigned}
    early = {k: v for k, v in subs.items() if k not in late}
    if p.where_open is None:  # DESCRIBE ?x without WHERE
        at = p.describe_end if p.describe_end is not None else len(text)
        return f"{text[:at]} WHERE {{ {values_block(subs)} }}{text[at:]}"
    if p.construct_short:
        template = text[p.where_open:p.where_close]
        head = text[:p.form_start] + "CONSTRUCT {" + template + "} "
        rest = text[p.form_start + len("CONSTRUCT"):]
        return bind_values(head + rest, subs)
    # every edit is placed on the text as given, so its (cached) parse serves every binding
    edits = [(at, at, " " + values_block({k: v for k, v in early.items() if names is None or k in names}))
             for at, names in subselect_groups(text) if early and (names is None or names & early.keys())]
    block = f" {values_block(early)}" if early else ""
    if p.subselect and early:
        edits.append((p.where_open, p.where_open, f"{block} {{"))
    elif early:
        edits.append((p.where_open, p.where_open, block))
    if late:
        # a variable the query computes itself (BIND(... AS ?v)) cannot be bound before it: the answer
        # keeps the rows where it has that value, a filter at the end of the WHERE group (a trailing
        # VALUES would do the same, but Virtuoso 7 ignores one after ORDER BY)
        test = " && ".join(f"{_variable(k)} = {_term_text(v)}" for k, v in late.items())
        edits.append((p.where_close, p.where_close, f" FILTER({test}) "))
    if p.subselect and early:
        edits.append((p.where_close, p.where_close, "} "))
    return apply_edits(text, edits)  # sorted by offset, stably: the filter stays inside the wrapper


def apply_edits(text: str, edits: Iterable[tuple[int, int, str]]) -> str:
    """``text`` with each ``(start, end, replacement)`` applied (spans do not overlap)."""
    out, pos = [], 0
    for start, end, new in sorted(edits, key=lambda e: (e[0], e[1])):
        out.append(text[pos:start])
        out.append(new)
        pos = max(pos, end)
    out.append(text[pos:])
    return "".join(out)
