"""Meta-tests of the shipped Turtle: it parses, the TBox is documented, the seed is sane."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

import careergraph
from careergraph.queries import run_query
from careergraph.store import builtin_files
from careergraph.vocab import CG

ALL_TTL = builtin_files()["ontology"] + builtin_files()["seed"]
ONTOLOGY_IRI = URIRef("https://w3id.org/careergraph/ontology")


@pytest.fixture(scope="module")
def tbox() -> Graph:
    path = next(p for p in builtin_files()["ontology"] if p.name == "careergraph.ttl")
    return Graph().parse(path, format="ox-turtle")


@pytest.mark.parametrize("path", ALL_TTL, ids=lambda p: p.name)
def test_every_ttl_parses(path):
    g = Graph().parse(path, format="ox-turtle")
    assert len(g) > 0


def test_seed_files_one_per_concern():
    names = {p.name for p in builtin_files()["seed"]}
    assert {"sources.ttl", "roles.ttl", "skills.ttl", "education.ttl", "industries.ttl", "progressions.ttl",
            "requirements.ttl", "salaries.ttl", "market.ttl", "responsibilities.ttl", "practices.ttl"} <= names


def test_version_info_matches_package(tbox):
    assert str(tbox.value(ONTOLOGY_IRI, OWL.versionInfo)) == careergraph.__version__
    assert str(tbox.value(ONTOLOGY_IRI, OWL.versionIRI)).endswith("/" + careergraph.__version__)


def test_every_term_has_label_comment_and_defined_by(tbox):
    terms = {s for s in tbox.subjects() if isinstance(s, URIRef) and str(s).startswith(str(CG))}
    assert len(terms) > 100
    missing = [(t, p) for t in terms for p in (RDFS.label, RDFS.comment, RDFS.isDefinedBy)
               if tbox.value(t, p) is None]
    assert missing == []


@pytest.mark.parametrize("name", ["Role", "Skill", "Transition", "SkillRequirement", "EducationRequirement",
                                  "SalaryObservation", "MarketIndicator", "SourceSection", "Dataset"])
def test_vocabulary_classes_present(tbox, name):
    assert (CG[name], RDF.type, OWL.Class) in tbox


@pytest.mark.parametrize("sub,sup", [("promotesTo", "leadsTo"), ("lateralTo", "leadsTo"), ("entryTo", "leadsTo"),
                                     ("essentialSkill", "requiresSkill"), ("optionalSkill", "requiresSkill")])
def test_shortcut_subproperties(tbox, sub, sup):
    assert (CG[sub], RDFS.subPropertyOf, CG[sup]) in tbox


@pytest.mark.parametrize("cls,values", [
    ("TransitionKind", ["Promotion", "LateralMove", "EntryMove"]),
    ("RequirementLevel", ["Essential", "Optional", "Minimum", "Preferred", "Typical"]),
    ("Statistic", ["Mean", "Median", "Percentile", "RangeLow", "RangeHigh", "Max", "Min", "TopEarners",
                   "AboveNationalAverage"]),
    ("Metric", ["JobGrowthRate", "MarketSize", "CAGR", "AnnualJobGrowth"]),
    ("SkillKind", ["TechnicalSkill", "Knowledge", "ProgrammingLanguage", "FrameworkOrTool", "MathematicalFoundation",
                   "Specialisation", "ResearchSkill", "SoftwareEngineeringSkill", "SoftSkill", "Technology"]),
])
def test_controlled_values_are_typed(tbox, cls, values):
    for v in values:
        assert (CG[v], RDF.type, CG[cls]) in tbox


def _count(g, body: str) -> int:
    q = ("PREFIX cg: <https://w3id.org/careergraph/ontology#>\n"
         f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {body} }}")
    return run_query(g, q).rows[0]["n"]


def test_seed_counts(seed_graph):
    assert _count(seed_graph, "?x a cg:Role") >= 23
    assert _count(seed_graph, "?x a cg:Transition") == 23
    assert _count(seed_graph, "?x a cg:SalaryObservation") == 23
    assert _count(seed_graph, "?x a cg:MarketIndicator") == 6


def test_no_typical_years_in_seed(seed_graph):
    # the seed states no duration for any move: none may be invented
    assert _count(seed_graph, "?x cg:typicalYears ?y") == 0


def test_every_curated_node_is_traced(seed_graph):
    q = """PREFIX cg: <https://w3id.org/careergraph/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?x WHERE { ?x cg:inDataset ?d FILTER NOT EXISTS { ?x prov:wasDerivedFrom ?s } }"""
    assert run_query(seed_graph, q).rows == []


def test_ladders(seed_graph):
    q = """PREFIX cg: <https://w3id.org/careergraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?a ?b WHERE { ?x cg:promotesTo ?y . ?x rdfs:label ?a . ?y rdfs:label ?b }"""
    pairs = {(r["a"], r["b"]) for r in run_query(seed_graph, q).rows}
    assert ("Junior ML Engineer", "Senior ML Engineer") in pairs
    assert ("Senior Research Scientist", "Research Director") in pairs
    assert ("Senior ML Scientist", "ML Solutions Architect") in pairs
    assert ("Senior Product Manager", "Director of ML Products") in pairs
    assert len(pairs) == 10


def test_aijobs_percentiles(seed_graph):
    q = """PREFIX cg: <https://w3id.org/careergraph/ontology#>
SELECT ?p ?amount ?cmp ?region WHERE {
  ?x cg:salarySource <https://w3id.org/careergraph/id/source/aijobs-net> ; cg:percentile ?p ;
     cg:amount ?amount ; cg:comparator ?cmp ; cg:region ?region }"""
    rows = {r["p"]: (r["amount"], r["cmp"], r["region"]) for r in run_query(seed_graph, q).rows}
    # "Top 10%: Up to $256,500" is cg:TopEarners, not percentile 90 (issue 12)
    assert rows == {10: (90000.0, "around", "Global")}


def test_resolves_alt_labels(seed_graph):
    assert str(careergraph.resolve(seed_graph, "ML Engineer", kind="role")).endswith("/machine-learning-engineer")
    assert str(careergraph.resolve(seed_graph, "Research Scientist", kind="role")).endswith(
        "/machine-learning-scientist")
