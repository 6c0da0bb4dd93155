"""Small example graphs built from Turtle text, for doctests, tests and tutorials.

:func:`toy_graph` is a six-role career graph that uses the whole projection
vocabulary (transitions with and without years, essential/optional skills with
importance, a skill hierarchy, education requirements, salaries and a
``skos:exactMatch`` link across sources). :func:`graph_from_turtle` turns any
Turtle string into the same kind of in-memory graph
:func:`careergraph.open_graph` returns.

Examples
--------
>>> from careergraph.examples import toy_graph
>>> from careergraph.queries import run_query
>>> run_query(toy_graph(), "ASK { ?r a <https://w3id.org/careergraph/ontology#Role> }").ask
True
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from .backends.embedded import EmbeddedBackend
from .vocab import PREFIXES, graph_iri

__all__ = ["TOY_TURTLE", "TURTLE_PREFIXES", "graph_from_turtle", "toy_graph"]

#: The prefix block of ``docs/vocabulary.md``, to prepend to Turtle snippets.
TURTLE_PREFIXES = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())

#: A six-role graph: Junior -> Senior -> Lead engineer (promotions, years known
#: for the first), Lead -> Architect (lateral, no years), Analyst -> Junior (entry),
#: Researcher (isolated), and an ESCO twin of Senior linked by skos:exactMatch.
TOY_TURTLE = """
cgr:junior a cg:Role ; rdfs:label "Junior Engineer" ; cg:inTrack cgid:track/eng ; cg:trackLevel 1 ;
    cg:inDataset cgid:dataset/seed ;
    cg:essentialSkill cgs:python , cgs:sql ; cg:optionalSkill cgs:git .
cgr:senior a cg:Role ; rdfs:label "Senior Engineer" ; cg:inTrack cgid:track/eng ; cg:trackLevel 2 ;
    cg:inDataset cgid:dataset/seed ;
    cg:essentialSkill cgs:python , cgs:sql , cgs:pytorch ; cg:optionalSkill cgs:git .
cgr:lead a cg:Role ; rdfs:label "Lead Engineer" ; cg:inTrack cgid:track/eng ; cg:trackLevel 3 ;
    cg:inDataset cgid:dataset/seed ;
    cg:essentialSkill cgs:python , cgs:pytorch , cgs:leadership .
cgr:architect a cg:Role ; rdfs:label "Solutions Architect" ; cg:inDataset cgid:dataset/seed ;
    cg:essentialSkill cgs:python , cgs:leadership , cgs:cloud .
cgr:analyst a cg:Role ; rdfs:label "Data Analyst" ; cg:inDataset cgid:dataset/seed ;
    cg:essentialSkill cgs:sql , cgs:statistics ; cg:optionalSkill cgs:python .
cgr:researcher a cg:Role ; rdfs:label "Researcher" ; cg:inDataset cgid:dataset/seed ;
    cg:essentialSkill cgs:statistics , cgs:deep-learning , cgs:pytorch .
<http://data.europa.eu/esco/occupation/senior> a cg:Role ; rdfs:label "senior software engineer" ;
    cg:inDataset cgid:dataset/esco ; skos:exactMatch cgr:senior ;
    cg:essentialSkill cgs:python , cgs:git .
cgid:dataset/seed cg:datasetKey "seed" .
cgid:dataset/esco cg:datasetKey "esco" .

cgid:requirement/senior--pytorch a cg:SkillRequirement ; cg:requirementOf cgr:senior ;
    cg:requiredSkill cgs:pytorch ; cg:requirementLevel cg:Essential ; cg:importance 0.9 .
cgid:requirement/senior--git a cg:SkillRequirement ; cg:requirementOf cgr:senior ;
    cg:requiredSkill cgs:git ; cg:requirementLevel cg:Optional ; cg:importance 0.2 .

cgs:python a cg:Skill ; rdfs:label "Python" ; cg:skillKind cg:ProgrammingLanguage ; skos:broader cgs:programming .
cgs:programming a cg:Skill ; rdfs:label "Programming" ; cg:skillKind cg:TechnicalSkill .
cgs:sql a cg:Skill ; rdfs:label "SQL" ; cg:skillKind cg:ProgrammingLanguage ; skos:broader cgs:programming .
cgs:git a cg:Skill ; rdfs:label "Git" ; cg:skillKind cg:FrameworkOrTool .
cgs:pytorch a cg:Skill ; rdfs:label "PyTorch" ; cg:skillKind cg:FrameworkOrTool ; skos:broader cgs:deep-learning .
cgs:deep-learning a cg:Skill ; rdfs:label "Deep Learning" ; cg:skillKind cg:Specialisation .
cgs:leadership a cg:Skill ; rdfs:label "Leadership" ; cg:skillKind cg:SoftSkill .
cgs:cloud a cg:Skill ; rdfs:label "Cloud Computing" ; cg:skillKind cg:TechnicalSkill .
cgs:statistics a cg:Skill ; rdfs:label "Statistics" ; cg:skillKind cg:MathematicalFoundation .

cgid:transition/junior--senior a cg:Transition ; cg:fromRole cgr:junior ; cg:toRole cgr:senior ;
    cg:transitionKind cg:Promotion ; cg:typicalYears 2.5 ; prov:wasDerivedFrom cgid:seed/section/career-paths .
cgid:transition/senior--lead a cg:Transition ; cg:fromRole cgr:senior ; cg:toRole cgr:lead ;
    cg:transitionKind cg:Promotion ; prov:wasDerivedFrom cgid:seed/section/career-paths .
cgid:transition/lead--architect a cg:Transition ; cg:fromRole cgr:lead ; cg:toRole cgr:architect ;
    cg:transitionKind cg:LateralMove .
cgid:transition/analyst--junior a cg:Transition ; cg:fromRole cgr:analyst ; cg:toRole cgr:junior ;
    cg:transitionKind cg:EntryMove ; cg:typicalYears 1 .
cgr:junior cg:promotesTo cgr:senior . cgr:senior cg:promotesTo cgr:lead .

cgid:education/junior a cg:EducationRequirement ; cg:requirementOf cgr:junior ;
    cg:degreeLevel cgid:degree/bachelor ; cg:requirementLevel cg:Minimum ; cg:fieldOfStudy cgid:field/cs .
cgid:education/lead a cg:EducationRequirement ; cg:requirementOf cgr:lead ;
    cg:degreeLevel cgid:degree/master ; cg:requirementLevel cg:Minimum .
cgid:degree/bachelor a cg:DegreeLevel ; rdfs:label "Bachelor's degree" ; cg:rank 1 .
cgid:degree/master a cg:DegreeLevel ; rdfs:label "Master's degree" ; cg:rank 2 .
cgid:field/cs a cg:FieldOfStudy ; rdfs:label "Computer Science" .

cgid:salary/junior--acme--median a cg:SalaryObservation ; cg:salaryOf cgr:junior ; cg:salarySource cgid:source/acme ;
    cg:statistic cg:Median ; cg:amount 100000 ; cg:currency "USD" ; cg:year "2024"^^xsd:gYear .
cgid:salary/senior--acme--median a cg:SalaryObservation ; cg:salaryOf cgr:senior ; cg:salarySource cgid:source/acme ;
    cg:statistic cg:Median ; cg:amount 140000 ; cg:currency "USD" ; cg:year "2024"^^xsd:gYear .
cgid:source/acme a cg:Source ; rdfs:label "Acme Salaries" .
"""
# Turtle local names cannot hold "/": spell cgid:<type>/<slug> out in full.
TOY_TURTLE = re.sub(r"cgid:([\w-]+/[\w/-]+)", r"<https://w3id.org/careergraph/id/\1>", TOY_TURTLE)


def graph_from_turtle(text: str, *, prefixes: bool = True, graph: str = "seed") -> EmbeddedBackend:
    """Return an in-memory graph holding one Turtle string.

    Parameters
    ----------
    text : str
        Turtle. The project prefixes (``cg:``, ``cgr:``, ``cgs:`` ...) are
        prepended unless ``prefixes`` is false.
    prefixes : bool, default True
        Prepend :data:`TURTLE_PREFIXES`.
    graph : str, default "seed"
        Key of the named graph to load into (queries see the union).

    Returns
    -------
    EmbeddedBackend
        The same kind of object :func:`careergraph.open_graph` returns.

    Raises
    ------
    SyntaxError
        The Turtle does not parse.

    Examples
    --------
    >>> g = graph_from_turtle("cgr:a a cg:Role ; rdfs:label 'A' .")
    >>> from careergraph.queries import run_query
    >>> len(run_query(g, "SELECT ?r WHERE { ?r a <https://w3id.org/careergraph/ontology#Role> }"))
    1
    """
    store = ox.Store()
    data = (TURTLE_PREFIXES if prefixes else "") + text
    store.load(data.encode("utf-8"), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(graph_iri(graph))))
    return EmbeddedBackend(store, kind="memory", location="an example graph")


def toy_graph() -> EmbeddedBackend:
    """Return the six-role example graph of :data:`TOY_TURTLE` (a fresh copy).

    Returns
    -------
    EmbeddedBackend

    Examples
    --------
    >>> from careergraph.projection import project
    >>> proj = project(toy_graph())
    >>> sorted(proj.role_labels.values())[:2]
    ['Data Analyst', 'Junior Engineer']
    """
    return graph_from_turtle(TOY_TURTLE)
