"""A city's subgraph holds everything about the city, each entity marked by how it came in."""
import pytest

from kg.outputs.subgraph import city_subgraph, find_city
from kg.outputs.views import rdflib_graph, to_networkx

INCLUSION = "https://w3id.org/fjkg/ontology#inclusion"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
TOP = {f"https://w3id.org/fjkg/ontology#{t}" for t in ("Region", "Park", "Corridor", "Project", "Agency")}


@pytest.fixture(scope="module")
def cangshan(default_store):
    return to_networkx(rdflib_graph(city_subgraph(default_store, find_city(default_store, "仓山区"))))


def by_label(graph, label):
    return next(data for _, data in graph.nodes(data=True) if data["label"] == label)


@pytest.mark.parametrize("project", ["义序机场", "城门水厂", "飞凤山水厂"])
def test_the_projects_a_district_bureau_answers_for_are_in_its_subgraph(cangshan, project):
    assert "agency-task" in by_label(cangshan, project)["included"].split("|")


def test_the_districts_own_bureaus_are_in_its_subgraph(cangshan):
    assert "jurisdiction" in by_label(cangshan, "仓山区建设局")["included"].split("|")
    assert "located" in by_label(cangshan, "仓山区")["included"].split("|")


@pytest.mark.parametrize("city", ["仓山区", "福州", "厦门"])
def test_every_entity_of_a_subgraph_says_how_it_came_in(default_store, city):
    triples = city_subgraph(default_store, find_city(default_store, city), provenance=False)
    entities = {t.subject for t in triples if t.predicate.value == RDF_TYPE and t.object.value in TOP}
    marked = {t.subject for t in triples if t.predicate.value == INCLUSION}
    assert entities and entities == marked
