"""Analysis commands: ``path``, ``overlap``, ``similar``, ``next``, ``matrix``, ``gap``, ``recommend``.

Each parses its options, makes one :class:`~careergraph.api.CareerGraph` call
(which resolves the names and checks the options) and formats the result.
"""

from __future__ import annotations

import csv
from typing import Any

import click

from .._io import atomic_write, check_output
from ..payloads import (gap_payload, matrix_payload, overlap_payload, path_payload, recommend_payload,
                        similar_payload)
from .base import cli, common_options, emit, source_option

__all__ = ["gap_cmd", "matrix_cmd", "next_cmd", "overlap_cmd", "path_cmd", "recommend_cmd", "similar_cmd"]


#: Table output lists this many skills of a long list; JSON and CSV give all of them.
TABLE_LIST_LIMIT = 12


def _evidence_option(f):
    return click.option("--evidence", type=click.Choice(["any", "stated"]), default="any", show_default=True,
                        help="'stated': use only the moves and requirements the source states "
                             "(leave out what careergraph interprets).")(f)


def _more(n: int) -> str:
    return f"… and {n} more (use --format json for all)"


def _short_list(items: list[str], limit: int = TABLE_LIST_LIMIT) -> list[str]:
    """The first ``limit`` items, then a note of how many were left out (table output only)."""
    items = list(items)
    return items if len(items) <= limit else items[:limit] + [_more(len(items) - limit)]


def _money(x: float | None) -> str:
    return "?" if x is None else f"{x:,.0f}"


def _edu_text(e: dict[str, Any] | None) -> str:
    if not e or (e["from"] is None and e["to"] is None):
        return "not stated"
    if e["from"] == e["to"]:
        return f"{e['to']} (same)"
    return f"{e['from'] or 'not stated'} -> {e['to'] or 'not stated'}" + (
        f" ({e['change']})" if e["change"] in ("higher", "lower") else "")


def _salary_text(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "no figures"
    parts = []
    for r in rows:
        txt = f"{r['source']} {r['statistic']} {_money(r['from'])} -> {_money(r['to'])} {r['currency']}"
        if r["change"] is not None:
            txt += f" ({r['change']:+,.0f})"
        parts.append(txt)
    return "; ".join(parts)


#: Table mark of an interpreted fact (JSON and CSV say "evidence": "interpreted").
INTERPRETED = "†"
_INTERPRETED_NOTE = (f"note: {INTERPRETED} marks what careergraph interprets from its source; "
                     "--evidence stated keeps only what the source states")


def _marked(labels: list[str], evidence: dict[str, str]) -> list[str]:
    """Labels with the interpreted ones marked (table output)."""
    return [f"{x}{INTERPRETED}" if evidence.get(x) == "interpreted" else x for x in labels]


def _path_lines(res, title: str) -> list[str]:
    lines = [f"{title}{' -> '.join(res.labels)}  (by {res.by}, cost {res.cost:g})"]
    marks = False
    for n, s in enumerate(res.steps, 1):
        yrs = "years unknown" if s.years is None else f"{s.years:g} years"
        kind = "inferred (not stated by a source)" if s.inferred else s.kind
        if s.kind == "same-as":
            kind = "same-as (same role in another source)"
        if s.evidence == "interpreted":
            kind += INTERPRETED
        skills, tech = _marked(s.new_skills, s.skill_evidence), _marked(s.new_technology, s.skill_evidence)
        marks = marks or s.evidence == "interpreted" or "interpreted" in s.skill_evidence.values()
        lines.append(f"{n}. {s.from_label} -> {s.to_label}  [{kind}; {yrs}; cost {s.cost:g}]")
        lines.append(f"     skills to acquire: {', '.join(_short_list(skills)) if skills else 'none'}")
        if tech:
            lines.append(f"     technology to learn: {', '.join(_short_list(tech))}")
        lines.append(f"     education: {_edu_text(s.education)}")
        lines.append(f"     salary: {_salary_text(s.salary)}")
    lines += [f"note: {n}" for n in res.notes]
    if marks:
        lines.append(_INTERPRETED_NOTE)
    return lines


def _path_rows(results) -> list[dict[str, Any]]:
    rows = []
    for k, res in enumerate(results, 1):
        for n, s in enumerate(res.steps, 1):
            rows.append({"route": k, "step": n, "from": s.from_label, "to": s.to_label, "kind": s.kind,
                         "evidence": s.evidence, "years": s.years, "cost": s.cost,
                         "new_skills": _marked(s.new_skills, s.skill_evidence),
                         "new_technology": _marked(s.new_technology, s.skill_evidence),
                         "education": _edu_text(s.education), "salary": _salary_text(s.salary),
                         "route_cost": res.cost})
    return rows


@cli.command("path", epilog="Example:\n  careergraph path \"Junior ML Engineer\" \"Lead ML Engineer\" --by skills "
             "--have \"Python, SQL\"\n  careergraph path \"ML Analyst\" \"Research Director\" --lateral --alternatives 3")
@click.argument("from_role", metavar="FROM")
@click.argument("to_role", metavar="TO")
@click.option("--by", type=str, default="steps", show_default=True,
              help="Cost to minimise: steps, years (unknown years count --unknown-years) or skills (new skills to learn).")
@click.option("--alternatives", "-k", type=int, default=1, show_default=True, metavar="K",
              help="Show the K best distinct routes (Yen), cheapest first.")
@click.option("--via", metavar="ROLE", help="A role the route must pass through.")
@click.option("--avoid", metavar="ROLE", multiple=True, help="A role the route must not pass through (repeatable).")
@click.option("--lateral", is_flag=True,
              help="Add the moves the move model infers (each role's best 10 not stated; marked 'inferred').")
@click.option("--min-score", type=float, default=0.3, show_default=True, metavar="X",
              help="Move-model score an inferred move needs (with --lateral).")
@click.option("--have", metavar="\"A, B\"", help="Skills you already have (comma-separated).")
@click.option("--unknown-years", type=float, default=1.0, show_default=True, metavar="Y",
              help="Years counted for a move whose typical years are unknown (--by years).")
@_evidence_option
@source_option
@common_options
@click.pass_context
def path_cmd(ctx, from_role, to_role, by, alternatives, via, avoid, lateral, min_score, have, unknown_years,
             evidence, source_key, fmt):
    """Cheapest route(s) from one role to another, explained step by step.

    Each step shows the kind of move, its typical years (or 'unknown'), the
    skills the new role needs that the route has not given yet, and the
    education and salary change where the graph knows them.
    Exit 1 when no route exists (the message names the closest reachable roles).
    """
    res = ctx.obj.career(source_key).path(
        from_role, to_role, by=by, via=via, avoid=avoid, lateral=lateral, min_score=min_score,
        have=have, alternatives=alternatives, unknown_years=unknown_years, evidence=evidence)
    results = res if isinstance(res, list) else [res]
    if fmt == "json":
        emit(fmt, path_payload(results, alternatives))
    elif fmt == "csv":
        rows = _path_rows(results)
        emit(fmt, rows, rows, list(rows[0].keys()) if rows else ["route"])
    else:
        out = []
        for k, r in enumerate(results, 1):
            out += _path_lines(r, f"Route {k}: " if len(results) > 1 else "Route: ")
            if k < len(results):
                out.append("")
        if len(results) < alternatives:
            out.append(f"note: only {len(results)} distinct route(s) exist")
        click.echo("\n".join(out))


@cli.command("overlap", epilog="Example:\n  careergraph overlap \"Data Scientist\" \"Machine Learning Engineer\"")
@click.argument("a", metavar="A")
@click.argument("b", metavar="B")
@_evidence_option
@source_option
@common_options
@click.pass_context
def overlap_cmd(ctx, a, b, evidence, source_key, fmt):
    """Skill overlap of two roles: Jaccard, weighted Jaccard, shared and distinct skills."""
    r = ctx.obj.career(source_key).overlap(a, b, evidence=evidence)
    payload = overlap_payload(r)
    if fmt == "json":
        emit(fmt, payload)
        return
    cut = _short_list if fmt == "table" else list  # CSV keeps every skill
    ev_a, ev_b = r["evidence"]["a"], r["evidence"]["b"]
    both = {x: "interpreted" for x in r["shared"] if "interpreted" in (ev_a.get(x), ev_b.get(x))}
    rows = [{"measure": "jaccard", "value": round(r["jaccard"], 4)},
            {"measure": "weighted jaccard", "value": round(r["weighted"], 4)},
            {"measure": "shared", "value": cut(_marked(r["shared"], both))},
            {"measure": f"only {r['a']}", "value": cut(_marked(r["only_a"], ev_a))},
            {"measure": f"only {r['b']}", "value": cut(_marked(r["only_b"], ev_b))}]
    emit(fmt, payload, rows, ["measure", "value"], title=f"{r['a']} vs {r['b']}")
    if fmt == "table" and "interpreted" in (*ev_a.values(), *ev_b.values()):
        click.echo(_INTERPRETED_NOTE)


@cli.command("similar", epilog="Example:\n  careergraph similar \"Data Scientist\" --top 5")
@click.argument("role", metavar="ROLE")
@click.option("--top", type=int, default=10, show_default=True, metavar="K", help="How many roles.")
@source_option
@common_options
@click.pass_context
def similar_cmd(ctx, role, top, source_key, fmt):
    """Roles most similar to ROLE (weighted cosine over skills and other features)."""
    payload = similar_payload(ctx.obj.career(source_key).similar(role, top=top))
    emit(fmt, payload, payload["results"], ["role", "score", "jaccard", "shared"])


def _evidence_text(m: dict[str, Any]) -> str:
    parts = []
    for e in m["evidence"]:
        if e["kind"] == "known move":
            tier = f" {e['tier']}" if e.get("tier") else ""
            rank = f" #{e['rank']}" if e.get("rank") is not None else ""
            way = " (stated the other way)" if e["direction"] == "reverse" else ""
            parts.append(f"{e['move']} in {e['source']}{tier}{rank}{way}")
        elif e["kind"] == "similar roles make this move":
            parts.append(f"{len(e['roles'])} similar role(s) move there")
        else:
            parts.append(f"skills {e['similarity']:.2f}")
    return "; ".join(parts)


def _direction_text(d: dict[str, Any]) -> str:
    out = []
    jz = d["job_zone"]
    if jz["from"] is not None or jz["to"] is not None:
        fmt = (lambda x: "?" if x is None else f"{x:g}")
        out.append(f"job zone {fmt(jz['from'])}->{fmt(jz['to'])}")
    if d["degree"]["to"] is not None:
        out.append(f"degree {d['degree']['from'] or '?'}->{d['degree']['to']}")
    for e in d["earnings"]:
        if e["ratio"] is not None:
            out.append(f"earnings x{e['ratio']:.2f} ({e['source']})")
    return ", ".join(out) or "not stated"


@cli.command("next", epilog="Example:\n  careergraph next \"Data Scientist\" --top 5\n"
             "  careergraph --store ./cg next \"data scientist\" --source esco --format json")
@click.argument("role", metavar="ROLE")
@click.option("--top", type=int, default=10, show_default=True, metavar="K", help="How many moves.")
@source_option
@common_options
@click.pass_context
def next_cmd(ctx, role, top, source_key, fmt):
    """The most promising next moves from ROLE, each explained.

    Ranks every other role by the one model (skills and other features,
    the graph's known moves and those of similar roles, job-zone direction)
    and says why: the known moves behind each (and their source), the shared
    skills, the skills to learn (essential first), and the job zone,
    education and earnings of both roles where the graph has them. With
    --source, ROLE is resolved in that dataset and only its roles are ranked.
    """
    res = ctx.obj.career(source_key).next(role, top=top, source=source_key)
    if fmt == "json":
        emit(fmt, res)
        return
    rows = []
    for m in res["moves"]:
        learn = [x["skill"] + ("" if x["essential"] else " (optional)") for x in m["to_learn"]]
        rows.append({"rank": m["rank"], "role": m["role"], "score": round(m["score"], 4),
                     "evidence": _evidence_text(m),
                     "shared": _short_list(m["shared_skills"], 5) if fmt == "table" else m["shared_skills"],
                     "to_learn": _short_list(learn, 6) if fmt == "table" else learn,
                     "direction": _direction_text(m["direction"]), "iri": m["iri"]})
    emit(fmt, res, rows, ["rank", "role", "score", "evidence", "shared", "to_learn", "direction"],
         title=f"next moves from {res['role']} ({res['model']} model)")


@cli.command("matrix", epilog="Example:\n  careergraph matrix \"Data Scientist\" \"ML Engineer\" \"MLOps Engineer\" "
             "--output overlap.csv")
@click.argument("roles", nargs=-1, metavar="[ROLES]...")
@click.option("--output", "-o", metavar="FILE.csv",
              help="Write the matrix as CSV to this file ('-' for standard output; default: print it).")
@source_option
@common_options
@click.pass_context
def matrix_cmd(ctx, roles, output, source_key, fmt):
    """All-pairs skill Jaccard of ROLES (default: every role)."""
    if output:
        check_output(output, formats={".csv": "csv"}, what="matrix (CSV)")
    labels, m = ctx.obj.career(source_key).matrix(roles)

    def write_csv(fh) -> None:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["role", *labels])
        for lab, row in zip(labels, m):
            w.writerow([lab, *(f"{x:.4f}" for x in row)])

    if output:
        atomic_write(output, write_csv)
        if output != "-":
            click.echo(f"wrote {output} ({len(labels)} x {len(labels)} roles)", err=True)
        return
    if fmt == "json":
        emit(fmt, matrix_payload(labels, m))
    elif fmt == "csv":
        atomic_write("-", write_csv)
    else:
        rows = [{"role": lab, **{str(k + 1): round(float(x), 2) for k, x in enumerate(row)}} for lab, row in zip(labels, m)]
        emit(fmt, rows, rows, ["role", *[str(k + 1) for k in range(len(labels))]],
             title="Skill Jaccard (columns follow the row order)")


@cli.command("gap", epilog="Example:\n  careergraph gap --have \"Python, SQL, Statistics\" --target \"Machine Learning Engineer\"")
@click.option("--have", metavar="\"A, B\"", required=True, help="Skills you have (comma-separated).")
@click.option("--target", metavar="ROLE", required=True, help="The role you aim for.")
@_evidence_option
@source_option
@common_options
@click.pass_context
def gap_cmd(ctx, have, target, evidence, source_key, fmt):
    """What your skills cover of a target role, and what is missing (essential first).

    Coverage is weighted by importance; a missing skill whose broader or
    narrower skill you hold counts half.
    """
    res = ctx.obj.career(source_key).gap(have, target, evidence=evidence)
    payload = gap_payload(res)
    rows = [{"missing skill": m["skill"] + (" (technology)" if tech else "")
             + (INTERPRETED if m["evidence"] == "interpreted" else ""),
             "essential": "yes" if m["essential"] else "no",
             "weight": m["weight"], "partly covered by": m["related_held"], "evidence": m["evidence"]}
            for tech, items in ((False, res["missing"]), (True, res["missing_technology"])) for m in items]
    title = (f"{res['target']}: coverage {res['coverage']:.0%}; you have: "
             f"{', '.join(res['have']) if res['have'] else 'none of its skills'}")
    columns = ["missing skill", "essential", "weight", "partly covered by"]
    if fmt == "csv":
        emit(fmt, payload, rows, [*columns, "evidence"])
        return
    emit(fmt, payload, rows[:TABLE_LIST_LIMIT] if fmt == "table" else rows, columns, title=title)
    if fmt == "table" and len(rows) > TABLE_LIST_LIMIT:
        click.echo(_more(len(rows) - TABLE_LIST_LIMIT))
    if fmt == "table" and any(r["evidence"] == "interpreted" for r in rows):
        click.echo(_INTERPRETED_NOTE)


@cli.command("recommend", epilog="Example:\n  careergraph recommend --have \"Python, PyTorch, Statistics\" --top 5")
@click.option("--have", metavar="\"A, B\"", required=True, help="Skills you have (comma-separated).")
@click.option("--top", type=int, default=10, show_default=True, metavar="K", help="How many roles.")
@_evidence_option
@source_option
@common_options
@click.pass_context
def recommend_cmd(ctx, have, top, evidence, source_key, fmt):
    """Roles closest to a skill set, with the skills each still asks for."""
    payload = recommend_payload(ctx.obj.career(source_key).recommend(have, top=top, evidence=evidence))
    rows = payload["results"]
    shown = [{**r, "missing": _short_list(_marked(r["missing"], r["evidence"]))} for r in rows] \
        if fmt == "table" else rows
    emit(fmt, payload, shown, ["role", "score", "coverage", "missing"])
    if fmt == "table" and any("interpreted" in r["evidence"].values() for r in rows):
        click.echo(_INTERPRETED_NOTE)
