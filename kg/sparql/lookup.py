"""Turn what a user types for a query parameter (福州, 省发改委, 十四五, 铁路) into an RDF term.

Names are matched against the labels in the graph (``rdfs:label``, ``skos:prefLabel``,
``skos:altLabel``, a document's identifier, title and number), never pasted into a query: the
result is a pyoxigraph term that the query binds as a value.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import KgError, close_matches
from ..prefixes import PREFIXES

_LABELS = """
SELECT ?x ?label WHERE {
  VALUES ?class { %s }
  ?x a ?class .
  { ?x rdfs:label ?label } UNION { ?x skos:prefLabel ?label } UNION { ?x skos:altLabel ?label }
  UNION { ?x dcterms:identifier ?label } UNION { ?x kg:documentNumber ?label }
}"""
_PREFERRED = """
SELECT ?x ?label WHERE {
  VALUES ?class { %s }
  ?x a ?class .
  { ?x skos:prefLabel ?label FILTER(lang(?label) = "zh") } UNION { ?x dcterms:title ?label }
}"""
_CLASSES = {  # parameter type -> classes whose instances it may name, and what to call them
    "region": (("kg:PlanningRegion",), "planning region"),
    "agency": (("kg:Agency",), "agency"),
    "document": (("kg:Document",), "document"),
    "entity": (("kg:Region", "kg:Park", "kg:Corridor", "kg:Project", "kg:Agency"), "entity"),
}


class UnknownValue(KgError):
    """A parameter value that names nothing in the graph, or more than one thing."""

    exit_code = 2  # bad user input, as everywhere (kg.errors)

    def __init__(self, message: str, suggestions: list[str] | None = None):
        super().__init__(message)
        self.suggestions = suggestions or []


@dataclass(frozen=True)
class Resolved:
    """A parameter value as the query binds it, and the name it stands for."""

    term: object  # pyoxigraph NamedNode or Literal
    label: str


def resolve(store, type_: str, value: str, *, parameter: str = "") -> Resolved:
    """The RDF term a user means by ``value`` for a parameter of type ``type_``.

    Args:
        store: the pyoxigraph store the query will run on (labels are read from it).
        type_: one of ``kg.sparql.library.PARAMETER_TYPES``.
        value: what the user typed.
        parameter: the parameter's name, for messages.

    Raises:
        UnknownValue: (or ``kg.outputs.subgraph.UnknownCity``) nothing or more than one thing has that
            name; the message names the parameter and suggests close names.
    """
    value = value.strip()
    where = f"parameter {parameter}: " if parameter else ""
    if not value:
        raise UnknownValue(f"{where}empty value")
    if type_ == "term":
        return Resolved(parse_term(value, where), value)
    iri = _as_iri(value)
    if iri is not None:
        return Resolved(_existing(store, iri, where), value)
    if type_ == "city":
        from ..outputs.subgraph import UnknownCity, find_city

        try:
            city = find_city(store, value)
        except UnknownCity as exc:
            raise UnknownCity(where + str(exc), exc.suggestions) from exc
        return _named(city.iri, city.name)
    if type_ == "class":
        return _find_class(store, value, where)
    classes, noun = _CLASSES[type_]
    return _find_labelled(store, value, classes, noun, where)


def parse_term(value: str, where: str = ""):
    """An RDF term written in Turtle syntax (``<iri>``, ``div:350100``, ``"福州"@zh``, ``42``).

    A bare word that is none of these is a plain string literal. The value is parsed as the
    object of one Turtle triple, so anything that is not exactly one term is refused.
    """
    import pyoxigraph as ox

    iri = _as_iri(value)
    if iri is not None:
        try:
            return ox.NamedNode(iri)
        except ValueError as exc:
            raise UnknownValue(f"{where}{value!r} is not a valid IRI: {exc}") from exc
    if not re.match(r'^(["\'<]|[-+]?\d|true$|false$)', value):
        return ox.Literal(value)
    header = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
    try:
        triples = list(ox.parse(f"{header}<urn:x:s> <urn:x:p> {value} .".encode(), format=ox.RdfFormat.TURTLE))
    except SyntaxError:
        triples = []
    if len(triples) != 1 or isinstance(triples[0].object, ox.BlankNode):
        raise UnknownValue(f"{where}{value!r} is not one RDF term (<IRI>, prefix:name, \"text\"@zh or a number)")
    return triples[0].object


def _as_iri(value: str) -> str | None:
    """The IRI ``value`` writes, as ``<…>``, an absolute http(s)/urn IRI or a known prefixed name."""
    if value.startswith("<") and value.endswith(">"):
        return value[1:-1]
    if re.match(r"^(https?|urn):\S+$", value):
        return value
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES and local and not re.search(r"[\s<>\"{}|\\^`]", local):
        return PREFIXES[prefix] + local
    return None


def _existing(store, iri: str, where: str):
    import pyoxigraph as ox

    try:
        node = ox.NamedNode(iri)
    except ValueError as exc:
        raise UnknownValue(f"{where}{iri!r} is not a valid IRI: {exc}") from exc
    if next(iter(store.quads_for_pattern(node, None, None)), None) is None:
        raise UnknownValue(f"{where}{iri} is not in the graph")
    return node


def _named(iri: str, label: str) -> Resolved:
    import pyoxigraph as ox

    return Resolved(ox.NamedNode(iri), label)


def _forms(label: str) -> set[str]:
    return {label, label.lower(), re.sub(r"\s+", "", label.lower())}


def _find_labelled(store, value: str, classes: tuple[str, ...], noun: str, where: str) -> Resolved:
    """The one instance of ``classes`` with a label equal to ``value`` (or, failing that, containing it)."""
    listed = " ".join(classes)
    preferred = {r["x"].value: r["label"].value for r in store.query(_PREFERRED % listed, prefixes=PREFIXES)}
    by_form: dict[str, set[str]] = {}
    labels: dict[str, set[str]] = {}
    for r in store.query(_LABELS % listed, prefixes=PREFIXES):
        iri, label = r["x"].value, r["label"].value
        labels.setdefault(iri, set()).add(label)
        for form in _forms(label):
            by_form.setdefault(form, set()).add(iri)

    def name(iri: str) -> str:
        return preferred.get(iri) or min(labels.get(iri, {iri}))

    wanted = value.lower()
    hits = by_form.get(value) or by_form.get(wanted) or by_form.get(re.sub(r"\s+", "", wanted))
    if not hits:  # part of a name: 十四五 for the 十四五 plan, 发改委 for 福建省发展和改革委员会
        hits = {iri for form, iris in by_form.items() if wanted in form for iri in iris}
    if len(hits) == 1:
        iri = next(iter(hits))
        return _named(iri, name(iri))
    if hits:
        options = sorted(f"{name(i)} <{i}>" for i in hits)
        shown = "; ".join(options[:8]) + (f"; … ({len(options)} in all)" if len(options) > 8 else "")
        raise UnknownValue(f"{where}{value!r} names more than one {noun}: {shown}", options)
    close = close_matches(wanted, by_form, n=8)
    options = sorted({name(i) for form in close for i in by_form[form]})[:5]
    hint = f"; did you mean {', '.join(options)}?" if options else ""
    raise UnknownValue(f"{where}no {noun} called {value!r} in the graph{hint}", options)


def _find_class(store, value: str, where: str) -> Resolved:
    """A class of the ontology by label (铁路, Railway) or local name, case-insensitive."""
    query = """SELECT ?c ?label WHERE { ?c a owl:Class . FILTER(STRSTARTS(STR(?c), STR(kg:)))
               OPTIONAL { ?c rdfs:label ?label } }"""
    classes: dict[str, set[str]] = {}
    for r in store.query(query, prefixes=PREFIXES):
        iri = r["c"].value
        names = {iri.rsplit("#", 1)[1], "kg:" + iri.rsplit("#", 1)[1]} | ({r["label"].value} if r["label"] else set())
        for form in set().union(*(_forms(n) for n in names)):
            classes.setdefault(form, set()).add(iri)
    hits = classes.get(value) or classes.get(value.lower()) or set()
    if len(hits) == 1:
        iri = next(iter(hits))
        return _named(iri, "kg:" + iri.rsplit("#", 1)[1])
    close = close_matches(value.lower(), classes, n=5)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise UnknownValue(f"{where}no class called {value!r} in the ontology{hint}", close)
