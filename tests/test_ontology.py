import runpy

import pytest

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef

from kg.namespace import KG
from kg.prefixes import PREFIXES
from kg.paths import ONTOLOGY_FILE, PROJECT_ROOT, SHAPES_FILE

NS = str(KG._NS)


def ontology():
    return Graph().parse(ONTOLOGY_FILE)


def test_namespace_module_matches_the_ontology():
    render = runpy.run_path(str(PROJECT_ROOT / "scripts" / "gen_namespace.py"))["render"]
    assert (PROJECT_ROOT / "kg" / "namespace.py").read_text(encoding="utf-8") == render(), (
        "kg/namespace.py is stale: run python scripts/gen_namespace.py")


def test_exactly_five_top_classes_and_every_class_under_one():
    g = ontology()
    classes = {c for c in g.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef) and str(c).startswith(NS)}
    top = {c for c in classes if not list(g.objects(c, RDFS.subClassOf))}
    assert {str(c)[len(NS):] for c in top} == {"Region", "Park", "Corridor", "Project", "Agency"}
    domain = {"Document", "Mention", "ExtractionRule", "Gazetteer"}
    for c in classes - top:
        if str(c)[len(NS):] in domain:
            continue
        ancestors, todo = set(), [c]
        while todo:
            for parent in g.objects(todo.pop(), RDFS.subClassOf):
                ancestors.add(parent)
                todo.append(parent)
        assert len(ancestors & top) == 1, c


def test_every_term_has_chinese_and_english_labels_and_a_comment():
    g = ontology()
    terms = {s for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(NS)}
    assert len(terms) > 60
    for t in terms:
        langs = {label.language for label in g.objects(t, RDFS.label) if isinstance(label, Literal)}
        assert {"zh", "en"} <= langs, t
        assert g.value(t, RDFS.comment) is not None, t


def test_the_three_relations():
    g = ontology()
    assert (KG.locatedIn, RDF.type, OWL.TransitiveProperty) in g
    assert (KG.locatedIn, RDFS.range, KG.Region) in g
    assert (KG.responsibleFor, RDFS.domain, KG.Agency) in g
    assert (KG.connects, RDF.type, OWL.ObjectProperty) in g


def test_shapes_parse():
    assert len(Graph().parse(SHAPES_FILE)) > 50


# ---- the ontology is consistent with the graph under entailment

TOP_TYPES = ("Region", "Park", "Corridor", "Project", "Agency")


def _classes(g, term):
    """The named classes a domain or range stands for (the members of an owl:unionOf)."""
    members = g.value(term, OWL.unionOf)
    if members is None:
        return [term]
    from rdflib.collection import Collection

    return list(Collection(g, members))


@pytest.fixture(scope="module")
def dataset():
    from kg.store import open_store

    return open_store()


def test_no_domain_or_range_gives_a_resource_a_type_it_lacks(dataset):
    """What RDFS would infer from each rdfs:domain and rdfs:range is already stated: otherwise a
    reasoner adds a type (kg:divisionCode with domain kg:Region made 32 parks Regions)."""
    g = ontology()
    typed: dict[str, set[str]] = {}  # class -> resources typed with it or one of its subclasses
    for row in dataset.query("SELECT DISTINCT ?x ?c WHERE { ?x a ?c }"):
        typed.setdefault(row["c"].value, set()).add(row["x"].value)

    def members(cls) -> set[str]:
        return set().union(*(typed.get(str(sub), set()) for sub in g.transitive_subjects(RDFS.subClassOf, cls)))

    for axiom, position in ((RDFS.domain, "x"), (RDFS.range, "y")):
        for prop, declared in g.subject_objects(axiom):
            if not str(prop).startswith(NS):
                continue
            if position == "y" and (prop, RDF.type, OWL.DatatypeProperty) in g:
                continue  # literal ranges are checked by the shapes' datatypes
            allowed = set().union(*(members(c) for c in _classes(g, declared)))
            used = {row[position].value for row in dataset.query(f"SELECT DISTINCT ?x ?y WHERE {{ ?x <{prop}> ?y }}")}
            wrong = sorted(used - allowed)[:5]
            assert not wrong, f"{prop} {axiom}: {wrong} would be typed {declared} by inference"


def _sample(graph):
    """The entity layer of the built graph, every document and context, and the mentions,
    evidence and statements of its shortest document: every kind of resource the shapes target,
    small enough to reason over in a test."""
    from rdflib import Graph
    from rdflib.namespace import DCTERMS, PROV

    from kg.namespace import NIF

    tops = {KG[t] for t in TOP_TYPES}
    every = {s for s, t in graph.subject_objects(RDF.type) if t in tops}
    # all entities but the divisions outside 福州 (1,200 towns and counties alike), and whatever
    # the kept ones point to, so that every relation's object is there with its type
    fuzhou = PREFIXES["div"] + "3501"
    entities = {e for e in every if not str(e).startswith(PREFIXES["div"]) or str(e).startswith(fuzhou)
                or (e, RDF.type, KG.Park) in graph}
    contexts = set(graph.subjects(RDF.type, NIF.Context))
    length = {graph.value(c, DCTERMS.source): int(graph.value(c, NIF.endIndex)) for c in contexts}
    shortest = str(min(length, key=length.get)) + "#"
    strings = {s for s in graph.subjects(NIF.beginIndex, None) if str(s).startswith(shortest)}
    statements = {st for st, ev in graph.subject_objects(PROV.wasDerivedFrom) if ev in strings}
    entities |= {o for s in strings | statements for o in graph.objects(s, None) if o in every}
    todo = list(entities)
    while todo:
        for o in graph.objects(todo.pop(), None):
            if o in every and o not in entities:
                entities.add(o)
                todo.append(o)
    keep = (entities | contexts | strings | statements | set(length)
            | set(graph.subjects(RDF.type, KG.ExtractionRule)))
    sample = Graph()
    for s in keep:
        for p, o in graph.predicate_objects(s):
            sample.add((s, p, o))
    return sample


@pytest.mark.parametrize("inference", ["none", "rdfs", "owlrl"])
def test_the_shapes_hold_without_inference_and_under_rdfs_and_owl_rl(graph, inference):
    from kg.outputs.validate import validate_graph

    report = validate_graph(_sample(graph), inference=inference)
    assert report.conforms, report.text[:3000]
