"""The Resolver: labels, alt labels, IRIs/CURIEs, kinds, sources, ambiguity, suggestions."""

from __future__ import annotations

import pytest

from careergraph.errors import AmbiguousName, InvalidParameter, NameNotFound, RoleNotFound, SkillNotFound, suggest
from careergraph.examples import TURTLE_PREFIXES, graph_from_turtle, toy_graph
from careergraph.queries import expand_curie, load_query
from careergraph.resolve import Resolver, resolve, resolve_many
from careergraph.vocab import CGR, CGS

LEAD, SENIOR, RESEARCHER = str(CGR.lead), str(CGR.senior), str(CGR.researcher)


@pytest.fixture(scope="module")
def toy():
    return Resolver(toy_graph())


def test_label_any_case(toy):
    assert toy.resolve("SENIOR engineer") == SENIOR


def test_spacing_and_unicode_forms_are_one_name(toy):
    assert toy.resolve("  senior\u00a0 ENGINEER ") == SENIOR
    assert toy.resolve("Ｓｅｎｉｏｒ Engineer") == SENIOR  # full-width letters, NFKC


def test_main_label_of_a_linked_twin(toy):
    # "senior software engineer" is only the ESCO twin's label: that one is returned.
    assert toy.resolve("senior software engineer").startswith("http://data.europa.eu/esco/")


def test_curie_and_iri(toy):
    assert toy.resolve("cgr:lead") == LEAD
    assert toy.resolve(f"<{LEAD}>") == LEAD
    assert toy.resolve(str(CGS.python), "skill") == str(CGS.python)


def test_iri_of_wrong_kind_is_not_found(toy):
    with pytest.raises(RoleNotFound, match="no role has that IRI"):
        toy.resolve("cgs:python", "role")


def test_unknown_role_and_skill_suggest(toy):
    with pytest.raises(RoleNotFound, match=r"did you mean 'Researcher'"):
        toy.resolve("Reseacher")
    with pytest.raises(SkillNotFound, match="did you mean 'Python'"):
        toy.resolve("pythn", "skill")


def test_source_filter_and_unknown_source(toy):
    assert toy.resolve("Senior Engineer", source="seed") == SENIOR
    with pytest.raises(RoleNotFound, match="not in source 'esco' .*it is in: seed"):
        toy.resolve("Researcher", source="esco")
    with pytest.raises(InvalidParameter, match=r"Unknown --source 'bogus'; known sources: esco, seed"):
        toy.resolve("Researcher", source="bogus")


def test_suggestions_respect_the_source():
    g = graph_from_turtle(TURTLE_PREFIXES + """
    cgr:a a cg:Role ; rdfs:label "Data Analyst" ; cg:inDataset cgid:dataset\\/seed .
    cgid:dataset\\/seed cg:datasetKey "seed" .
    cgid:dataset\\/esco cg:datasetKey "esco" .
    <http://example.org/b> a cg:Role ; rdfs:label "Data Analysts" ; cg:inDataset cgid:dataset\\/esco .
    """)
    r = Resolver(g)
    assert r.suggest("data analyts", source="esco") == ["Data Analysts"]
    assert r.suggest("data analyts", source="seed") == ["Data Analyst"]


def test_stray_spaces_in_labels_resolve_and_never_echo():
    g = graph_from_turtle(TURTLE_PREFIXES + """
    cgs:rabbits a cg:Skill ; rdfs:label "breed rabbits " .
    cgs:rabbit-feed a cg:Skill ; rdfs:label "\u00a0breed rabbits feed" .
    """)
    r = Resolver(g)
    assert r.resolve("breed rabbits", "skill") == str(CGS.rabbits)
    assert r.label(str(CGS.rabbits)) == "breed rabbits"
    with pytest.raises(SkillNotFound) as info:
        r.resolve("breed rabits", "skill")
    assert info.value.suggestions == ["breed rabbits"]
    assert "breed rabbits " not in str(info.value)
    # a suggestion never looks identical to what was typed
    assert all(s.casefold() != "breed rabbits" for s in r.suggest("Breed Rabbits", "skill"))


def test_kind_picks_the_node():
    g = graph_from_turtle(TURTLE_PREFIXES + """
    cgs:statistics a cg:Skill ; rdfs:label "Statistics" .
    cgid:field\\/statistics a cg:FieldOfStudy ; rdfs:label "Statistics" .
    cgid:degree\\/masters a cg:DegreeLevel ; rdfs:label "Master's degree" ; skos:altLabel "Master's" .
    """)
    r = Resolver(g)
    assert r.resolve("statistics", "skill") == str(CGS.statistics)
    assert r.resolve("statistics", "field").endswith("/field/statistics")
    assert r.resolve("master's", "degree").endswith("/degree/masters")
    with pytest.raises(NameNotFound, match="Degree 'Statistics' not found"):
        r.resolve("Statistics", "degree")


def test_injection_is_a_plain_string(toy):
    with pytest.raises(RoleNotFound):
        toy.resolve('x" } ; DROP ALL #')
    assert toy.resolve("Researcher") == RESEARCHER


def test_ambiguous_names_list_candidates():
    g = graph_from_turtle(TURTLE_PREFIXES + """
    cgr:a a cg:Role ; rdfs:label "Analyst" .
    <http://example.org/b> a cg:Role ; rdfs:label "analyst" .
    """)
    with pytest.raises(AmbiguousName) as info:
        resolve(g, "Analyst")
    assert "--source" in str(info.value) and "http://example.org/b" in str(info.value)
    assert [iri for _label, iri in info.value.candidates] == [str(CGR.a), "http://example.org/b"]


def test_exact_match_collapses_ambiguity_to_seed():
    g = graph_from_turtle(TURTLE_PREFIXES + """
    cgr:a a cg:Role ; rdfs:label "Analyst" ; cg:inDataset cgid:dataset\\/seed .
    cgid:dataset\\/seed cg:datasetKey "seed" .
    <http://example.org/b> a cg:Role ; rdfs:label "analyst" ; skos:exactMatch cgr:a .
    """)
    assert resolve(g, "analyst") == str(CGR.a)


def test_alt_label_loses_to_main_label():
    g = graph_from_turtle(TURTLE_PREFIXES + """
    cgr:a a cg:Role ; rdfs:label "Research Scientist" .
    cgr:b a cg:Role ; rdfs:label "ML Scientist" ; skos:altLabel "research scientist" .
    """)
    assert resolve(g, "research scientist") == str(CGR.a)
    assert resolve(g, "ml scientist") == str(CGR.b)


def test_bad_kind_and_empty_name(toy):
    with pytest.raises(InvalidParameter, match="Unknown name kind"):
        toy.resolve("x", "planet")
    with pytest.raises(InvalidParameter, match="Empty role name"):
        toy.resolve("  ")


def test_resolve_many_keeps_order_dedupes_and_wants_one(toy):
    assert resolve_many(toy.graph, "SQL, Python, sql") == [str(CGS.sql), str(CGS.python)]
    with pytest.raises(InvalidParameter, match="at least one skill"):
        toy.resolve_many(" , ")


def test_500_names_resolve_by_lookup(toy):
    names = ["python", "SQL", "Git", "PyTorch"] * 125
    assert len(names) == 500 and len(toy.resolve_many(names)) == 4


def test_labels(toy):
    assert toy.label(LEAD) == "Lead Engineer"
    assert toy.label("urn:x") == "urn:x"


def test_entity_kind_falls_back_to_sparql(toy):
    assert toy.resolve("Acme Salaries", "entity").endswith("/source/acme")
    with pytest.raises(NameNotFound):
        toy.resolve("nothing of that name", "entity")


def test_complete_prefix_then_fuzzy(seed_graph):
    r = Resolver(seed_graph)
    labels = [c["label"] for c in r.complete("senior ml")]
    assert labels[:2] == ["Senior ML Engineer", "Senior ML Scientist"]
    assert r.complete("machin lerning scientist")[0]["label"] == "Machine Learning Scientist"
    assert r.complete("") == []


def test_bind_resolves_name_parameters_only(seed_graph):
    qf = load_query("salaries-of-role")
    bound = Resolver(seed_graph).bind(qf, {"role": "ML Scientist", "source": "ZipRecruiter"})
    assert bound["role"].value.endswith("/machine-learning-scientist")
    assert bound["source"].value == "ZipRecruiter"


def test_expand_curie_rejects_plain_words():
    with pytest.raises(ValueError):
        expand_curie("Data Scientist")
    assert expand_curie("onet:occupation/15-2051.00").endswith("/id/onet/occupation/15-2051.00")


def test_suggest_prefers_close_then_substring():
    assert suggest("mlops", ["MLOps Engineer", "Data Scientist"]) == ["MLOps Engineer"]
    assert suggest("zzzz", ["Data Scientist"]) == []
    assert suggest("Data Scientist", ["data scientist", "Data Scientists"]) == ["Data Scientists"]


def test_casings_agree(seed_graph):
    r = Resolver(seed_graph)
    for name in ("mlops engineer", "MLOps Engineer", "mLoPs EnGiNeEr", "ML ENGINEER", "ml engineer"):
        assert r.resolve(name) == r.resolve(name.lower())
