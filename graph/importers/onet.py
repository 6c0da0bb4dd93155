"""Import O*NET text files (a folder of tab-separated ``*.txt``) into ``graph/onet``.

Mapping (see ``docs/vocabulary.md``):

* ``Occupation Data.txt`` → ``cg:Role`` ``…/id/onet/occupation/<code>`` with
  ``rdfs:label`` (title), ``dcterms:description``, ``cg:onetCode``.
* SOC hierarchy, derived from the codes (the files carry no group titles, so
  group nodes are ``skos:Concept`` labelled "SOC major group 15-0000" ...):
  detailed occupation ``XX-XXXX.00`` → broad occupation ``XX-XXX0`` → minor
  group ``XX-X000`` → major group ``XX-0000`` by ``skos:broader``; an O*NET
  specialisation ``XX-XXXX.YY`` (YY ≠ 00) → its ``XX-XXXX.00`` by
  ``cg:broaderRole`` and ``skos:broader``. (SOC 2018 numbers a few minor
  groups XX-XX00, e.g. 15-1200; the code rule folds them into XX-X000.)
* ``Skills.txt`` → the 35 skills as ``cg:Skill`` ``…/id/onet/skill/<element-id>``
  (kind ``cg:TechnicalSkill``), and per occupation × skill one
  ``cg:SkillRequirement`` ``cgid:requirement/onet/<code>--<element-id>`` with
  ``cg:importance`` = (IM − 1) / 4 and ``cg:proficiencyLevel`` = LV / 7 (both
  in [0, 1]). **Rule:** ``cg:Essential`` when IM ≥ 3.0 ("important" or more
  on O*NET's 1–5 scale), else ``cg:Optional``; shortcuts ``cg:requiresSkill``
  + ``cg:essentialSkill``/``cg:optionalSkill``.
* ``Technology Skills.txt`` → each commodity as ``cg:Skill``
  ``…/id/onet/technology/<commodity-code>`` (kind ``cg:Technology``) and each
  example product as ``cg:Skill`` ``…/id/onet/technology/product/<slug>``
  (kind ``cg:Technology``, ``skos:broader`` every commodity it is listed
  under; spellings differing only in case or punctuation, "HEC RAS" / "HEC-RAS",
  share one node; ``+``, ``#`` and ``.NET`` are spelled out so C, C++ and C# stay apart).
  ``cg:hotTechnology true`` when any row flags the product Hot. Occupation ×
  product → ``cg:SkillRequirement`` ``cgid:requirement/onet/<code>--tech-<slug>``;
  **rule:** ``cg:Essential`` when that row's Hot Technology flag is Y, else
  ``cg:Optional`` (plus shortcuts).
* ``Related Occupations.txt`` → ``cg:Transition``
  ``cgid:transition/onet/<from>--<to>`` of kind ``cg:LateralMove`` with
  ``cg:relatednessTier``, ``cg:relatednessRank`` and the shortcuts
  ``cg:lateralTo`` + ``cg:leadsTo``. Only these carry O*NET's relatedness:
  a model evaluated against them must not read ``cg:Transition``,
  ``cg:leadsTo`` or ``cg:lateralTo``.

Every requirement and transition carries ``cg:evidence cg:Stated``: the file
states it (imported facts need no quote). Codes in a ratings file but absent
from ``Occupation Data.txt`` are counted as dangling and skipped.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..errors import ImportDataError
from ..vocab import slugify
from ._common import (
    CGID,
    DCT,
    PROV,
    RDF_TYPE,
    RDFS_LABEL,
    SKOS,
    XSD,
    ImportRun,
    ImportSummary,
    Progress,
    cg,
    lit,
    ref,
)
from ._common import file_node as _file_node

__all__ = ["ESSENTIAL_IMPORTANCE", "ONET_FILES", "import_onet"]

#: O*NET importance (IM, 1–5) from which a skill counts as essential.
ESSENTIAL_IMPORTANCE = Decimal("3.0")

OCC_FILE, SKILLS_FILE, TECH_FILE, RELATED_FILE = (
    "Occupation Data.txt", "Skills.txt", "Technology Skills.txt", "Related Occupations.txt")
OCC_COLS = ["O*NET-SOC Code", "Title", "Description"]
SKILL_COLS = ["O*NET-SOC Code", "Element ID", "Element Name", "Scale ID", "Data Value"]
TECH_COLS = ["O*NET-SOC Code", "Example", "Commodity Code", "Commodity Title", "Hot Technology"]
REL_COLS = ["O*NET-SOC Code", "Related O*NET-SOC Code", "Relatedness Tier", "Index"]

ONET = "https://w3id.org/careergraph/id/onet/"


def _occ(code: str) -> str:
    return f"<{ONET}occupation/{code}>"


def _product_slug(name: str) -> str:
    """Slug of a technology product; keeps C, C++ and C# apart (case and punctuation variants merge)."""
    return slugify(name.replace("+", " plus ").replace("#", " sharp ").replace(".NET", " dotnet ")
                   .replace(".net", " dotnet "))


def _dec(value: str, where: str) -> Decimal:
    try:
        return Decimal(value.strip())
    except InvalidOperation:
        raise ImportDataError(f"{where}: 'Data Value' {value!r} is not a number") from None


def _fmt(d: Decimal) -> str:
    return lit(format(d.quantize(Decimal("0.0001")).normalize(), "f"), XSD + "decimal")


#: The files an O*NET import reads, all required (a folder missing one would silently shrink the source).
ONET_FILES = (OCC_FILE, SKILLS_FILE, TECH_FILE, RELATED_FILE)


def import_onet(graph, folder, *, allow_shrink: bool = False, projection: bool = True,
                progress: Progress | None = None) -> ImportSummary:
    """Import the O*NET folder into ``graph/onet``, replacing a previous O*NET import.

    Parameters
    ----------
    graph : Backend
        A graph opened with :func:`careergraph.open_graph` (usually on disk).
    folder : path
        Folder holding the O*NET text files :data:`ONET_FILES`.
    allow_shrink : bool, default False
        Replace a previous import even when the new one has over 10% fewer
        occupations, skills or requirement links.
    projection : bool, default True
        Build the projection cache of a store after the switch.
    progress : callable, optional

    Returns
    -------
    ImportSummary

    Raises
    ------
    ImportDataError
        A file is missing, lacks the expected columns, has a row cut short
        (file and line) or a value that is not a number, or the import would
        shrink the previous one by more than 10%. The store is then unchanged.
    StoreError
        Another import is writing the store.

    Examples
    --------
    >>> from careergraph import open_graph
    >>> try:
    ...     import_onet(open_graph(), "/nowhere")
    ... except ImportDataError as exc:
    ...     print(str(exc)[:60])
    '/nowhere' does not exist; give the downloaded zip archives,
    """
    gname = "https://w3id.org/careergraph/graph/onet"
    run = ImportRun(graph, "onet", target=gname, progress=progress, allow_shrink=allow_shrink, projection=projection)
    say = run.say
    folder = Path(folder)
    fs = run.files([folder])
    fs.require(ONET_FILES, what="O*NET",
               hint="Give the folder of the O*NET database text files (tab-separated, with header rows)")
    dataset = f"{CGID}dataset/onet"
    summary = ImportSummary(key="onet", graph=gname, version="")
    ds_ref, in_ds, derived = ref(dataset), cg("inDataset"), f"<{PROV}wasDerivedFrom>"
    broader, t_req = f"<{SKOS}broader>", cg("SkillRequirement")
    stated = f"{cg('evidence')} {cg('Stated')} ."  # the file states it (no quote: a data file, not prose)
    with run:
        nt = run.nt

        def file_node(name: str) -> str:
            return _file_node(nt, summary, f"{CGID}file/onet/{slugify(name)}", name, ds_ref)

        def mark(s: str, src: str) -> None:
            nt.add(s, in_ds, ds_ref)
            nt.add(s, derived, src)

        def skill(s: str, label: str, kind: str, src: str, notation: str | None = None) -> None:
            nt.add(s, RDF_TYPE, cg("Skill"))
            nt.add(s, RDFS_LABEL, lit(label))
            nt.add(s, cg("skillKind"), cg(kind))
            if notation is not None:
                nt.add(s, f"<{SKOS}notation>", lit(notation))
            mark(s, src)

        say(f"reading {OCC_FILE}")
        src = file_node(OCC_FILE)
        titles: dict[str, str] = {}
        for r in fs.rows(OCC_FILE, OCC_COLS, delimiter="\t"):
            code = r["O*NET-SOC Code"].strip()
            if not code or code in titles:
                continue
            titles[code] = r["Title"].strip()
            s = _occ(code)
            nt.add(s, RDF_TYPE, cg("Role"))
            nt.add(s, RDFS_LABEL, lit(titles[code]))
            if r["Description"].strip():
                nt.add(s, f"<{DCT}description>", lit(r["Description"].strip()))
            nt.add(s, cg("onetCode"), lit(code))
            mark(s, src)
        summary.counts["occupations"] = len(titles)

        # SOC hierarchy from the codes
        groups: dict[str, str] = {}
        for code in titles:
            soc, _, suffix = code.partition(".")
            if suffix and suffix != "00" and f"{soc}.00" in titles:
                nt.add(_occ(code), cg("broaderRole"), _occ(f"{soc}.00"))
                nt.add(_occ(code), broader, _occ(f"{soc}.00"))
                continue
            if len(soc) != 7 or soc[2] != "-":
                summary.warnings.append(f"{OCC_FILE}: code {code!r} is not an O*NET-SOC code; no SOC groups")
                continue
            chain = [soc[:6] + "0", soc[:4] + "000", soc[:2] + "-0000"]
            kinds = ["broad occupation", "minor group", "major group"]
            child, prev = _occ(code), soc
            for gcode, kind in zip(chain, kinds):
                if gcode == prev:
                    continue
                prev = gcode
                node = ref(f"{ONET}soc/{gcode}")
                nt.add(child, broader, node)
                if gcode in groups:
                    break
                groups[gcode] = kind
                nt.add(node, RDF_TYPE, f"<{SKOS}Concept>")
                nt.add(node, RDFS_LABEL, lit(f"SOC {kind} {gcode}"))
                nt.add(node, f"<{SKOS}notation>", lit(gcode))
                mark(node, src)
                child = node
        summary.counts["soc_groups"] = len(groups)

        req_pred = {True: (cg("Essential"), cg("essentialSkill")), False: (cg("Optional"), cg("optionalSkill"))}

        def requirement(node: str, code: str, skill: str, essential: bool, src: str, label: str,
                        extra: list[str]) -> list[str]:
            lvl, short = req_pred[essential]
            o = _occ(code)
            return [f"{node} {RDF_TYPE} {t_req} .", f"{node} {RDFS_LABEL} {lit(label)} .",
                    f"{node} {cg('requirementOf')} {o} .", f"{node} {cg('requiredSkill')} {skill} .",
                    f"{node} {cg('requirementLevel')} {lvl} .", f"{node} {stated}",
                    f"{node} {in_ds} {ds_ref} .", f"{node} {derived} {src} .", f"{o} {cg('requiresSkill')} {skill} .",
                    f"{o} {short} {skill} ."] + extra

        say(f"reading {SKILLS_FILE}")
        src = file_node(SKILLS_FILE)
        skills: dict[str, str] = {}
        ratings: dict[tuple[str, str], dict[str, Decimal]] = {}
        for i, r in enumerate(fs.rows(SKILLS_FILE, SKILL_COLS, delimiter="\t"), start=2):
            code, el, scale = r["O*NET-SOC Code"].strip(), r["Element ID"].strip(), r["Scale ID"].strip()
            if code not in titles:
                summary.dangle("skills_occupation", code)
                continue
            if scale not in ("IM", "LV"):
                continue
            skills.setdefault(el, r["Element Name"].strip())
            ratings.setdefault((code, el), {})[scale] = _dec(r["Data Value"], f"{fs.where(SKILLS_FILE)}:{i}")
        for el, name in skills.items():
            skill(ref(f"{ONET}skill/{el}"), name, "TechnicalSkill", src, notation=el)
        buf: list[str] = []
        ess = 0
        for (code, el), sc in ratings.items():
            if "IM" not in sc:
                summary.dangle("skills_without_importance", f"{code} {el}")
                continue
            im = sc["IM"]
            essential = im >= ESSENTIAL_IMPORTANCE
            ess += essential
            node = ref(f"{CGID}requirement/onet/{code}--{el}")
            extra = [f"{node} {cg('importance')} {_fmt(max(Decimal(0), min(Decimal(1), (im - 1) / 4)))} ."]
            if "LV" in sc:
                extra.append(f"{node} {cg('proficiencyLevel')} "
                             f"{_fmt(max(Decimal(0), min(Decimal(1), sc['LV'] / 7)))} .")
            buf += requirement(node, code, ref(f"{ONET}skill/{el}"), essential, src,
                               f"{titles[code]} – {skills[el]}", extra)
        nt.lines(buf)
        summary.counts["skills"] = len(skills)
        summary.counts["skill_requirements"] = len(ratings)
        summary.counts["skill_requirements_essential"] = ess

        say(f"reading {TECH_FILE}")
        src = file_node(TECH_FILE)
        commodities: dict[str, str] = {}
        products: dict[str, dict] = {}
        links: dict[tuple[str, str], bool] = {}
        for r in fs.rows(TECH_FILE, TECH_COLS, delimiter="\t"):
            code, ex, cc = r["O*NET-SOC Code"].strip(), r["Example"].strip(), r["Commodity Code"].strip()
            if code not in titles:
                summary.dangle("technology_occupation", code)
                continue
            if not ex or not cc:
                continue
            hot = r["Hot Technology"].strip().upper() == "Y"
            commodities.setdefault(cc, r["Commodity Title"].strip())
            slug = _product_slug(ex) or cc
            p = products.setdefault(slug, {"label": ex, "commodities": set(), "hot": False})
            p["commodities"].add(cc)
            p["hot"] |= hot
            links[(code, slug)] = links.get((code, slug), False) or hot
        for cc, title in commodities.items():
            skill(ref(f"{ONET}technology/{cc}"), title, "Technology", src, notation=cc)
        for slug, p in products.items():
            s = ref(f"{ONET}technology/product/{slug}")
            skill(s, p["label"], "Technology", src)
            nt.add(s, cg("hotTechnology"), lit("true" if p["hot"] else "false", XSD + "boolean"))
            for cc in sorted(p["commodities"]):
                nt.add(s, broader, ref(f"{ONET}technology/{cc}"))
        buf = []
        for (code, slug), hot in links.items():
            node = ref(f"{CGID}requirement/onet/{code}--tech-{slug}")
            buf += requirement(node, code, ref(f"{ONET}technology/product/{slug}"), hot, src,
                               f"{titles[code]} – {products[slug]['label']}", [])
        nt.lines(buf)
        summary.counts["technology_commodities"] = len(commodities)
        summary.counts["technology_products"] = len(products)
        summary.counts["technology_requirements"] = len(links)
        summary.counts["technology_requirements_hot"] = sum(links.values())

        say(f"reading {RELATED_FILE}")
        src = file_node(RELATED_FILE)
        n = 0
        seen: set[tuple[str, str]] = set()
        buf = []
        for i, r in enumerate(fs.rows(RELATED_FILE, REL_COLS, delimiter="\t"), start=2):
            a, b = r["O*NET-SOC Code"].strip(), r["Related O*NET-SOC Code"].strip()
            if a not in titles or b not in titles:
                summary.dangle("related_occupation", a if a not in titles else b)
                continue
            if (a, b) in seen or a == b:
                continue
            seen.add((a, b))
            try:
                rank = int(r["Index"].strip())
            except ValueError:
                raise ImportDataError(f"{fs.where(RELATED_FILE)}:{i}: 'Index' {r['Index']!r} "
                                      "is not an integer") from None
            t = ref(f"{CGID}transition/onet/{a}--{b}")
            buf += [f"{t} {RDF_TYPE} {cg('Transition')} .",
                    f"{t} {RDFS_LABEL} {lit(titles[a] + ' → ' + titles[b])} .",
                    f"{t} {cg('fromRole')} {_occ(a)} .", f"{t} {cg('toRole')} {_occ(b)} .",
                    f"{t} {cg('transitionKind')} {cg('LateralMove')} .", f"{t} {stated}",
                    f"{t} {cg('relatednessTier')} {lit(r['Relatedness Tier'].strip())} .",
                    f"{t} {cg('relatednessRank')} {lit(rank, XSD + 'integer')} .",
                    f"{t} {in_ds} {ds_ref} .", f"{t} {derived} {src} .",
                    f"{_occ(a)} {cg('lateralTo')} {_occ(b)} .", f"{_occ(a)} {cg('leadsTo')} {_occ(b)} ."]
            n += 1
        nt.lines(buf)
        summary.counts["transitions"] = n
        say(f"{nt.count:,} triples generated")
        return run.finish(summary, None, dataset=dataset, label="O*NET")
