import runpy

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef

from kg.namespace import KG
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
