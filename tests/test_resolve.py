"""Name resolution: labels, alt labels, IRIs/CURIEs, sources, ambiguity, suggestions."""

from __future__ import annotations

import pytest

from careergraph.errors import AmbiguousName, InvalidParameter, RoleNotFound, SkillNotFound, suggest
from careergraph.examples import TURTLE_PREFIXES, graph_from_turtle, toy_graph
from careergraph.resolve import expand_curie, label_of, labels_of, resolve, resolve_many
from careergraph.vocab import CGR, CGS


@pytest.fixture(scope="module")
def toy():
    return toy_graph()


def test_label_any_case(toy):
    assert resolve(toy, "SENIOR engineer") == CGR.senior


def test_main_label_beats_other_source_when_linked_same(toy):
    # "senior software engineer" is only the ESCO twin's label: that one is returned.
    assert str(resolve(toy, "senior software engineer")).startswith("http://data.europa.eu/esco/")


def test_curie_and_iri(toy):
    assert resolve(toy, "cgr:lead") == CGR.lead
    assert resolve(toy, f"<{CGR.lead}>") == CGR.lead
    assert resolve(toy, str(CGS.python), kind="skill") == CGS.python


def test_iri_of_wrong_kind_is_not_found(toy):
    with pytest.raises(RoleNotFound, match="no role has that IRI"):
        resolve(toy, "cgs:python", kind="role")


def test_unknown_role_suggests(toy):
    with pytest.raises(RoleNotFound, match=r"did you mean 'Researcher'"):
        resolve(toy, "Reseacher")


def test_unknown_skill_suggests(toy):
    with pytest.raises(SkillNotFound, match="did you mean 'Python'"):
        resolve(toy, "pythn", kind="skill")


def test_source_filter(toy):
    assert resolve(toy, "Senior Engineer", source="seed") == CGR.senior
    with pytest.raises(RoleNotFound, match="not in source 'esco' .*it is in: seed"):
        resolve(toy, "Researcher", source="esco")


def test_injection_is_a_plain_string(toy):
    with pytest.raises(RoleNotFound):
        resolve(toy, 'x" } ; DROP ALL #')
    assert resolve(toy, "Researcher") == CGR.researcher  # graph untouched


def test_ambiguous_names_list_candidates():
    g = graph_from_turtle(TURTLE_PREFIXES + """
    cgr:a a cg:Role ; rdfs:label "Analyst" .
    <http://example.org/b> a cg:Role ; rdfs:label "analyst" .
    """)
    with pytest.raises(AmbiguousName) as info:
        resolve(g, "Analyst")
    assert "--source" in str(info.value) and "http://example.org/b" in str(info.value)


def test_exact_match_collapses_ambiguity_to_seed():
    g = graph_from_turtle(TURTLE_PREFIXES + """
    cgr:a a cg:Role ; rdfs:label "Analyst" ; cg:inDataset cgid:dataset\\/seed .
    cgid:dataset\\/seed cg:datasetKey "seed" .
    <http://example.org/b> a cg:Role ; rdfs:label "analyst" ; skos:exactMatch cgr:a .
    """)
    assert resolve(g, "analyst") == CGR.a


def test_alt_label_loses_to_main_label():
    g = graph_from_turtle(TURTLE_PREFIXES + """
    cgr:a a cg:Role ; rdfs:label "Research Scientist" .
    cgr:b a cg:Role ; rdfs:label "ML Scientist" ; skos:altLabel "research scientist" .
    """)
    assert resolve(g, "research scientist") == CGR.a
    assert resolve(g, "ml scientist") == CGR.b


def test_bad_kind_and_empty_name(toy):
    with pytest.raises(InvalidParameter, match="Unknown name kind"):
        resolve(toy, "x", kind="planet")
    with pytest.raises(InvalidParameter, match="Empty role name"):
        resolve(toy, "  ")


def test_resolve_many_keeps_order_and_dedupes(toy):
    assert resolve_many(toy, "SQL, Python, sql") == [CGS.sql, CGS.python]


def test_labels(toy):
    assert label_of(toy, CGR.lead) == "Lead Engineer"
    assert labels_of(toy, [CGR.lead, "urn:x"]) == {str(CGR.lead): "Lead Engineer", "urn:x": "urn:x"}


def test_expand_curie_rejects_plain_words():
    with pytest.raises(ValueError):
        expand_curie("Data Scientist")
    assert expand_curie("onet:occupation/15-2051.00").endswith("/id/onet/occupation/15-2051.00")


def test_suggest_prefers_close_then_substring():
    assert suggest("mlops", ["MLOps Engineer", "Data Scientist"]) == ["MLOps Engineer"]
    assert suggest("zzzz", ["Data Scientist"]) == []


def test_exact_casings_and_odd_casings_agree(seed_graph):
    # Title/lower casings take the exact-label lookup; odd casings fall back to the scan.
    for name in ("mlops engineer", "MLOps Engineer", "mLoPs EnGiNeEr", "ML ENGINEER", "ml engineer"):
        assert resolve(seed_graph, name) == resolve(seed_graph, name.lower())
