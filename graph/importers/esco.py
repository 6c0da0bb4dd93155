"""Import ESCO (v1.1.1, CSV distribution) into the named graph ``graph/esco-v1.1.1``.

Reads the two official archives as distributed (``ESCO dataset - v1.1.1 -
classification - en - csv.zip`` and ``... - relations - csv.zip``), their
extracted folder, or the CSV files themselves. Mapping (see
``docs/vocabulary.md``):

* occupations → ``cg:Role`` (ESCO concept IRIs kept): ``rdfs:label`` =
  preferredLabel, ``skos:altLabel``, ``dcterms:description``,
  ``cg:iscoCode`` (the ISCO unit group), ``cg:escoCode`` (ESCO code);
* ISCO groups → ``esco:ISCOGroup`` + ``skos:Concept`` nodes with
  ``cg:iscoCode`` and ``skos:notation``; ``broaderRelationsOccPillar`` gives
  ``skos:broader`` (occupation → ISCO group, group → group) and, between two
  occupations, ``cg:broaderRole`` *and* ``skos:broader`` (materialised
  superproperty, queries run without inference);
* skills → ``cg:Skill`` with ``cg:skillKind`` ``cg:Knowledge`` ("knowledge")
  or ``cg:TechnicalSkill`` ("skill/competence"), ``esco:skillReuseLevel``
  (ESCO's own reuse-level concepts); skill groups → ``esco:SkillGroup`` +
  ``skos:Concept``; ``broaderRelationsSkillPillar`` → ``skos:broader``;
  ``skillSkillRelations`` → ``esco:relatedEssentialSkill`` /
  ``esco:relatedOptionalSkill`` (skill → skill, ESCO's own properties);
* occupationSkillRelations → one ``cg:SkillRequirement`` per (occupation,
  skill), IRI ``cgid:requirement/esco/<occupation-uuid>--<skill-uuid>``, with
  ``cg:requirementLevel`` ``cg:Essential``/``cg:Optional``, plus the
  shortcuts ``cg:requiresSkill`` and ``cg:essentialSkill``/``cg:optionalSkill``,
  and ``cg:evidence cg:Stated`` (the file states it; imported facts need no quote).
  Requirement nodes carry no ``rdfs:label`` of their own: "occupation – skill"
  is derivable from the two labels, and 124k such literals cost about a
  second of every import.

Every node gets ``cg:inDataset cgid:dataset/esco-v1.1.1`` and
``prov:wasDerivedFrom`` the node of the file it came from
(``cgid:file/esco-v1.1.1/<file name>``). References to concepts absent from
the concept files (the known occupation ``a9e54177-…``) are counted in the
summary and skipped: no node is invented for them.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ImportDataError
from ._common import (
    CGID,
    DCT,
    ESCO_MODEL,
    PROV,
    RDF_TYPE,
    RDFS_LABEL,
    SKOS,
    ImportRun,
    ImportSummary,
    Progress,
    cg,
    lit,
    ref,
    split_labels,
)
from ._common import file_node as _file_node

__all__ = ["ESCO_VERSION", "import_esco"]

#: The ESCO release whose CSV layout this importer reads.
ESCO_VERSION = "1.1.1"

OCC_COLS = ["conceptType", "conceptUri", "iscoGroup", "preferredLabel", "altLabels", "description", "code"]
SKILL_COLS = ["conceptType", "conceptUri", "skillType", "reuseLevel", "preferredLabel", "altLabels", "description"]
ISCO_COLS = ["conceptType", "conceptUri", "code", "preferredLabel", "altLabels", "description"]
GROUP_COLS = ["conceptType", "conceptUri", "preferredLabel", "altLabels", "description", "code"]
REL_COLS = ["occupationUri", "relationType", "skillType", "skillUri"]
BROADER_COLS = ["conceptType", "conceptUri", "broaderType", "broaderUri"]
SKILLSKILL_COLS = ["originalSkillUri", "relationType", "relatedSkillUri"]

#: The named graph of the import.
_GRAPH = f"https://w3id.org/careergraph/graph/esco-v{ESCO_VERSION}"
_KIND = {"knowledge": "Knowledge", "skill/competence": "TechnicalSkill"}


def _uuid(uri: str) -> str:
    return uri.rstrip("/").rsplit("/", 1)[-1]


def import_esco(
    graph,
    paths,
    *,
    language: str = "en",
    allow_shrink: bool = False,
    projection: bool = True,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import ESCO into ``graph/esco-v1.1.1``, replacing a previous ESCO import.

    Parameters
    ----------
    graph : rdflib.Dataset
        A graph opened with :func:`careergraph.open_graph` (usually on disk).
    paths : list of path
        The two ESCO zip archives, their extracted folder, or the CSV files.
    language : str, default "en"
        Language of the ``*_<language>.csv`` files to read (labels and
        descriptions). English labels are plain literals, others carry the tag.
    allow_shrink : bool, default False
        Replace a previous import even when the new one has over 10% fewer
        occupations, skills or requirement links
        (:func:`~careergraph.importers._common.check_shrink`).
    projection : bool, default True
        Build the projection cache of a store after the switch.
    progress : callable, optional
        Receives one message per step.

    Returns
    -------
    ImportSummary
        Counts per kind, dangling references, triples and seconds.

    Raises
    ------
    ImportDataError
        A required file is missing, an archive is damaged, a file lacks
        expected columns (the message names the file and the columns), a row
        is cut short (file and line), the files name another ESCO version, or
        the import would shrink the previous one by more than 10%. The store
        is then unchanged.
    StoreError
        Another import is writing the store.
    ImportAborted
        Ctrl-C; the message says whether the store changed.

    Examples
    --------
    A store for the import, then the official archives (or their folder)::

        g = open_graph("./cg", create=True)
        import_esco(g, ["ESCO dataset - v1.1.1 - classification - en - csv.zip",
                        "ESCO dataset - v1.1.1 - classification - relations - csv.zip"])

    A path that is not there is an input error, not a crash:

    >>> from careergraph import open_graph
    >>> from careergraph.errors import ImportDataError
    >>> try:
    ...     import_esco(open_graph(), ["/nowhere.zip"])
    ... except ImportDataError as exc:
    ...     print(exc)
    '/nowhere.zip' does not exist; give the downloaded zip archives, their extracted folder or the CSV files
    """
    run = ImportRun(graph, "esco", target=_GRAPH, progress=progress, allow_shrink=allow_shrink, projection=projection)
    say = run.say
    paths = [Path(p) for p in ([paths] if isinstance(paths, (str, Path)) else paths)]
    fs = run.files(paths)
    for where, v in fs.declared_versions().items():
        if v != ESCO_VERSION:
            raise ImportDataError(f"'{where}' is ESCO v{v}; this importer reads the ESCO v{ESCO_VERSION} "
                                  "CSV layout (download it from https://esco.ec.europa.eu/en/use-esco/download)")
    lang = language.lower()
    names = {k: f"{k}_{lang}.csv" for k in ("occupations", "skills", "ISCOGroups", "skillGroups")}
    fs.require([names["occupations"], names["skills"], "occupationSkillRelations.csv", names["ISCOGroups"],
                names["skillGroups"], "broaderRelationsOccPillar.csv", "broaderRelationsSkillPillar.csv",
                "skillSkillRelations.csv"], what="ESCO",
               hint=f"Give both ESCO v{ESCO_VERSION} CSV archives (classification '{lang}' and relations) "
                    "or their extracted folder")

    key, ver = "esco", ESCO_VERSION
    gname = _GRAPH
    dataset = f"{CGID}dataset/esco-v{ver}"
    summary = ImportSummary(key=key, graph=gname, version=ver)
    ds_ref = ref(dataset)
    in_ds, derived = cg("inDataset"), f"<{PROV}wasDerivedFrom>"
    alt, desc, broader = f"<{SKOS}altLabel>", f"<{DCT}description>", f"<{SKOS}broader>"
    lang_tag = None if lang == "en" else lang

    def L(text: str) -> str:
        return lit(text, lang=lang_tag)

    with run:
        nt = run.nt

        def file_node(name: str) -> str:
            return _file_node(nt, summary, f"{CGID}file/esco-v{ver}/{name}", name, ds_ref)

        def common(s: str, src: str, label: str, alts: str, description: str) -> None:
            nt.add(s, RDFS_LABEL, L(label))
            for a in split_labels(alts):
                if a != label:
                    nt.add(s, alt, L(a))
            if description.strip():
                nt.add(s, desc, L(description.strip()))
            nt.add(s, in_ds, ds_ref)
            nt.add(s, derived, src)

        # ISCO groups
        isco: set[str] = set()
        say(f"reading {names['ISCOGroups']}")
        src = file_node(names["ISCOGroups"])
        for r in fs.rows(names["ISCOGroups"], ISCO_COLS):
            uri = r["conceptUri"]
            if not uri or uri in isco:
                continue
            isco.add(uri)
            s = ref(uri)
            nt.add(s, RDF_TYPE, f"<{ESCO_MODEL}ISCOGroup>")
            nt.add(s, RDF_TYPE, f"<{SKOS}Concept>")
            nt.add(s, cg("iscoCode"), lit(r["code"]))
            nt.add(s, f"<{SKOS}notation>", lit(r["code"]))
            common(s, src, r["preferredLabel"], r["altLabels"], r["description"])
        summary.counts["isco_groups"] = len(isco)

        # Occupations
        say(f"reading {names['occupations']}")
        src = file_node(names["occupations"])
        occ: dict[str, str] = {}
        for r in fs.rows(names["occupations"], OCC_COLS):
            uri = r["conceptUri"]
            if not uri or uri in occ:
                continue
            occ[uri] = r["preferredLabel"]
            s = ref(uri)
            nt.add(s, RDF_TYPE, cg("Role"))
            if r["iscoGroup"]:
                nt.add(s, cg("iscoCode"), lit(r["iscoGroup"]))
            if r["code"]:
                nt.add(s, cg("escoCode"), lit(r["code"]))
            common(s, src, r["preferredLabel"], r["altLabels"], r["description"])
        summary.counts["occupations"] = len(occ)

        # Skills
        say(f"reading {names['skills']}")
        src = file_node(names["skills"])
        skills: dict[str, str] = {}
        for r in fs.rows(names["skills"], SKILL_COLS):
            uri = r["conceptUri"]
            if not uri or uri in skills:
                continue
            skills[uri] = r["preferredLabel"]
            s = ref(uri)
            nt.add(s, RDF_TYPE, cg("Skill"))
            kind = _KIND.get(r["skillType"].strip())
            if kind:
                nt.add(s, cg("skillKind"), cg(kind))
            else:
                summary.counts["skills_without_type"] = summary.counts.get("skills_without_type", 0) + 1
            if r["reuseLevel"].strip():
                nt.add(s, f"<{ESCO_MODEL}skillReuseLevel>",
                       ref(f"http://data.europa.eu/esco/skill-reuse-level/{r['reuseLevel'].strip()}"))
            common(s, src, r["preferredLabel"], r["altLabels"], r["description"])
        summary.counts["skills"] = len(skills)

        groups: set[str] = set()
        say(f"reading {names['skillGroups']}")
        src = file_node(names["skillGroups"])
        for r in fs.rows(names["skillGroups"], GROUP_COLS):
            uri = r["conceptUri"]
            if not uri or uri in groups or uri in skills:
                continue
            groups.add(uri)
            s = ref(uri)
            nt.add(s, RDF_TYPE, f"<{ESCO_MODEL}SkillGroup>")
            nt.add(s, RDF_TYPE, f"<{SKOS}Concept>")
            if r["code"]:
                nt.add(s, f"<{SKOS}notation>", lit(r["code"]))
            common(s, src, r["preferredLabel"], r["altLabels"], r["description"])
        summary.counts["skill_groups"] = len(groups)

        def hierarchy(name: str, nodes, kind: str, roles=frozenset()) -> int:
            """skos:broader links of one hierarchy file between known nodes (cg:broaderRole between roles)."""
            say(f"reading {name}")
            summary.files.append(name)
            seen: set[tuple[str, str]] = set()
            for r in fs.rows(name, BROADER_COLS):
                a, b = r["conceptUri"], r["broaderUri"]
                if a not in nodes or b not in nodes:
                    summary.dangle(kind, a if a not in nodes else b)
                    continue
                if (a, b) in seen:
                    continue
                seen.add((a, b))
                nt.add(ref(a), broader, ref(b))
                if a in roles and b in roles:
                    nt.add(ref(a), cg("broaderRole"), ref(b))
            return len(seen)

        summary.counts["occupation_broader"] = hierarchy("broaderRelationsOccPillar.csv", occ.keys() | isco,
                                                         "occupation_hierarchy", roles=occ.keys())
        summary.counts["skill_broader"] = hierarchy("broaderRelationsSkillPillar.csv", skills.keys() | groups,
                                                    "skill_hierarchy")

        say("reading skillSkillRelations.csv")
        summary.files.append("skillSkillRelations.csv")
        n = 0
        seen = set()
        props = {"essential": f"<{ESCO_MODEL}relatedEssentialSkill>",
                 "optional": f"<{ESCO_MODEL}relatedOptionalSkill>"}
        for r in fs.rows("skillSkillRelations.csv", SKILLSKILL_COLS):
            a, b, kind = r["originalSkillUri"], r["relatedSkillUri"], r["relationType"].strip()
            if a not in skills or b not in skills:
                summary.dangle("skill_skill", a if a not in skills else b)
                continue
            if kind not in props or (a, b, kind) in seen:
                continue
            seen.add((a, b, kind))
            nt.add(ref(a), props[kind], ref(b))
            n += 1
        summary.counts["skill_skill_relations"] = n

        # Requirements
        say("reading occupationSkillRelations.csv")
        src = file_node("occupationSkillRelations.csv")
        level: dict[tuple[str, str], str] = {}
        for r in fs.rows("occupationSkillRelations.csv", REL_COLS):
            o, s, kind = r["occupationUri"], r["skillUri"], r["relationType"].strip()
            if o not in occ:
                summary.dangle("requirement_occupation", o)
                continue
            if s not in skills:
                summary.dangle("requirement_skill", s)
                continue
            if kind not in ("essential", "optional"):
                summary.dangle("requirement_relation_type", kind)
                continue
            prev = level.get((o, s))
            if prev is None or (prev == "optional" and kind == "essential"):
                level[(o, s)] = kind  # listed twice: essential wins
        say(f"writing {len(level):,} skill requirements")
        req_base = f"<{CGID}requirement/esco/"
        t_req, p_of, p_skill, p_lvl = cg("SkillRequirement"), cg("requirementOf"), cg("requiredSkill"), cg("requirementLevel")
        p_ev, stated = cg("evidence"), cg("Stated")  # the file states it (no quote: a data file, not prose)
        p_req, lv = cg("requiresSkill"), {"essential": (cg("Essential"), cg("essentialSkill")),
                                          "optional": (cg("Optional"), cg("optionalSkill"))}
        ess = 0
        buf: list[str] = []
        uuid = {u: _uuid(u) for u in occ.keys() | skills.keys()}
        for (o, s), kind in level.items():
            node = f"{req_base}{uuid[o]}--{uuid[s]}>"
            ro, rs = f"<{o}>", f"<{s}>"
            lvl, short = lv[kind]
            ess += kind == "essential"
            buf += [
                f"{node} {RDF_TYPE} {t_req} .",
                f"{node} {p_of} {ro} .",
                f"{node} {p_skill} {rs} .",
                f"{node} {p_lvl} {lvl} .",
                f"{node} {p_ev} {stated} .",
                f"{node} {in_ds} {ds_ref} .",
                f"{node} {derived} {src} .",
                f"{ro} {p_req} {rs} .",
                f"{ro} {short} {rs} .",
            ]
            if len(buf) > 90_000:
                nt.lines(buf)
                buf = []
        nt.lines(buf)
        summary.counts["requirements"] = len(level)
        summary.counts["essential"] = ess
        summary.counts["optional"] = len(level) - ess
        say(f"{nt.count:,} triples generated")
        return run.finish(summary, fs, dataset=dataset, label=f"ESCO v{ver}")
