"""The subgraph of one city: which city a user means, and everything about it.

What the subgraph holds is defined once, by ``kg/sparql/queries/city_subgraph.rq`` (a SPARQL
CONSTRUCT); ``kg export`` and ``kg viz --city`` both use :func:`city_subgraph`.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import BadInput, close_matches
from ..model import TYPES
from ..sparql.library import QUERY_DIR

QUERY_FILE = QUERY_DIR / "city_subgraph.rq"
CITY_KINDS = ("PrefectureCity", "District", "County", "CountyLevelCity")
_KG = "https://w3id.org/fjkg/ontology#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_CANDIDATES = """
PREFIX kg: <https://w3id.org/fjkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?city ?kind ?label WHERE {
  VALUES ?kind { kg:PrefectureCity kg:District kg:County kg:CountyLevelCity }
  ?city a ?kind .
  { ?city rdfs:label ?label } UNION { ?city skos:prefLabel ?label } UNION { ?city skos:altLabel ?label }
}"""


_FUJIAN = """
PREFIX kg: <https://w3id.org/fjkg/ontology#>
SELECT DISTINCT ?city WHERE {
  VALUES ?kind { kg:PrefectureCity kg:District kg:County kg:CountyLevelCity }
  ?city a ?kind ; kg:divisionCode ?code .
}"""


_PREFERRED = _CANDIDATES.replace(
    "{ ?city rdfs:label ?label } UNION { ?city skos:prefLabel ?label } UNION { ?city skos:altLabel ?label }",
    "?city skos:prefLabel ?label FILTER(lang(?label) = 'zh')")


class UnknownCity(BadInput):
    """No city or county-level division has that name, or more than one has."""

    def __init__(self, message: str, suggestions: list[str]):
        super().__init__(message)
        self.suggestions = suggestions


@dataclass(frozen=True)
class City:
    iri: str
    name: str  # Chinese name
    kind: str


def _forms(label: str) -> set[str]:
    """Ways a user may type a label: as is, lower case, without the kind word (市/区/县, City/District)."""
    forms = {label, label.lower()}
    if len(label) > 2 and label[-1] in "市区县":
        forms.add(label[:-1])
    for word in (" city", " district", " county"):
        if label.lower().endswith(word):
            forms.add(label.lower()[: -len(word)])
    return forms


def _suggestions(cities: list[City], fujian: set[str]) -> list[str]:
    """Names to suggest, closest first: Fujian's divisions when any is close (a user of a Fujian
    graph who mistypes 福州 means 福州市, not 抚州市 in Jiangxi), else the others; at most five."""
    ours = [c for c in cities if c.iri in fujian]
    return list(dict.fromkeys(c.name for c in (ours or cities)))[:5]


def find_city(store, name: str) -> City:
    """The city or county-level division called ``name`` in the graph in ``store``.

    ``name`` may be the Chinese name with or without 市/区/县 (福州市, 福州, 仓山区), an alias or
    former name (长乐市), a one-character abbreviation (榕), or the English name in any case (Fuzhou).

    Raises:
        UnknownCity: unknown or ambiguous, with the closest names as suggestions.
    """
    from ..knowledge.lexicon import load_lexicon

    wanted = name.strip()
    abbreviation = load_lexicon().place_abbreviations.get(wanted)
    preferred = {r["city"].value: r["label"].value for r in store.query(_PREFERRED)}
    by_form: dict[str, dict[str, City]] = {}
    for r in store.query(_CANDIDATES):
        iri = r["city"].value
        city = City(iri, preferred.get(iri, r["label"].value), r["kind"].value.rsplit("#", 1)[1])
        for form in _forms(r["label"].value):
            by_form.setdefault(form, {})[iri] = city
    for key in (abbreviation, wanted, wanted.lower()):
        hits = by_form.get(key) if key else None
        if hits:
            if len(hits) == 1:
                return next(iter(hits.values()))
            options = sorted(c.name for c in hits.values())
            raise UnknownCity(f"{name!r} is ambiguous: did you mean {', '.join(options)}?", options)
    close = close_matches(wanted.lower(), by_form, n=6)
    options = _suggestions([c for form in close for c in by_form[form].values()],
                           {r["city"].value for r in store.query(_FUJIAN)})
    hint = f"; did you mean {', '.join(options)}?" if options else ""
    raise UnknownCity(f"no city or county called {name!r} in the graph{hint}", options)


def city_subgraph(store, city: City | str, *, provenance: bool = True) -> list:
    """The triples (pyoxigraph ``Triple`` objects, sorted) of the subgraph of ``city``.

    With ``provenance=False`` only the entities and their relations are kept: no mentions,
    reified statements, evidence strings, documents or rules.
    """
    import pyoxigraph as ox

    iri = city.iri if isinstance(city, City) else city
    triples = set(store.query(QUERY_FILE.read_text(encoding="utf-8"),
                              substitutions={ox.Variable("city"): ox.NamedNode(iri)}))
    if not provenance:
        entities = {t.subject for t in triples if t.predicate.value == _RDF_TYPE and t.object.value.startswith(_KG)
                    and t.object.value[len(_KG):] in TYPES}
        triples = {t for t in triples if t.subject in entities}
    return sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


_PREFECTURES = """
PREFIX kg: <https://w3id.org/fjkg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?city ?label ?code WHERE {
  ?city a kg:PrefectureCity ; kg:divisionCode ?code ; skos:prefLabel ?label FILTER(lang(?label) = "zh")
} ORDER BY ?code"""


def prefecture_cities(store) -> list[City]:
    """The prefecture-level cities of the graph that have a division code (those of the
    province the graph is about, not far ends of railways), in code order."""
    return [City(r["city"].value, r["label"].value, "PrefectureCity") for r in store.query(_PREFECTURES)]
