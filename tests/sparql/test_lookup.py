"""Parameter values to RDF terms (kg.sparql.lookup), looked up in the built-in graph: names,
short forms and parts of names; Turtle terms; and hostile values, which stay values."""
from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.sparql.lookup import UnknownValue, parse_term, resolve
from kg.store import open_store

KGR = "https://w3id.org/fjkg/id/"


@pytest.fixture(scope="module")
def store():
    return open_store()


@pytest.mark.parametrize("type_, value, iri", [
    ("agency", "省发改委", KGR + "agency/福建省发展和改革委员会"),
    ("region", "闽西南", KGR + "region/闽西南协同发展区"),
    ("entity", "福州高新区", KGR + "park/福州高新技术产业开发区"),
    ("city", "榕", KGR + "division/350100"),
    ("city", "  Fuzhou ", KGR + "division/350100"),
    ("class", "铁路", "https://w3id.org/fjkg/ontology#Railway"),
    ("class", "railway", "https://w3id.org/fjkg/ontology#Railway"),
    ("entity", "kgr:division/350200", KGR + "division/350200"),
    ("agency", f"<{KGR}agency/福建省发展和改革委员会>", KGR + "agency/福建省发展和改革委员会"),
])
def test_a_name_short_form_or_iri_resolves_to_one_term(store, type_, value, iri):
    assert resolve(store, type_, value, parameter="p").term == ox.NamedNode(iri)


def test_an_ambiguous_part_of_a_name_lists_the_candidates(store):
    with pytest.raises(UnknownValue, match="parameter agency: '发展' names more than one agency") as caught:
        resolve(store, "agency", "发展", parameter="agency")
    assert any("福建省发展和改革委员会" in option for option in caught.value.suggestions)


@pytest.mark.parametrize("type_, value, message", [
    ("agency", "不存在的机构名称", "no agency called"),
    ("class", "飞船", "no class called"),
    ("entity", "kgr:division/999999", "is not in the graph"),
    ("entity", "<a b>", "not a valid IRI"),
    ("agency", "   ", "empty value"),
])
def test_a_value_that_names_nothing_is_refused_by_name(store, type_, value, message):
    with pytest.raises(UnknownValue, match=message):
        resolve(store, type_, value, parameter="p")


@pytest.mark.parametrize("value, term", [
    ("42", ox.Literal("42", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))),
    ('"福州"@zh', ox.Literal("福州", language="zh")),
    ("kgr:division/350100", ox.NamedNode(KGR + "division/350100")),
    ("福州 } ?s ?p ?o {", ox.Literal("福州 } ?s ?p ?o {")),  # a bare word stays a string, whatever it holds
])
def test_turtle_terms_are_parsed_as_one_term(value, term):
    assert parse_term(value) == term


@pytest.mark.parametrize("value", ["<a b>", '"x" . <urn:a> <urn:b> "y"', "<urn:x> <urn:y>", '"unclosed'])
def test_anything_but_one_valid_term_is_refused_without_a_traceback(value):
    with pytest.raises(UnknownValue, match="parameter x: "):
        parse_term(value, "parameter x: ")
