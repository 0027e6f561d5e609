"""``kg stats``: what a built graph holds."""
from __future__ import annotations

from dataclasses import dataclass

from ..model import RELATIONS, TYPES

_PREFIX = """PREFIX kg: <https://w3id.org/fjkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX itsrdf: <http://www.w3.org/2005/11/its/rdf#>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
"""


@dataclass(frozen=True)
class GraphStats:
    triples: int
    entities: dict[str, int]
    relations: dict[str, int]
    documents: list[tuple[str, str, int]]  # (identifier, title, mentions)
    top: list[tuple[str, str, int]]  # (label, type, degree)
    placed: int = 0  # parks, projects and corridors with locatedIn or connects
    placeable: int = 0  # parks, projects and corridors

    @property
    def unplaced_share(self) -> float:
        """The share of parks, projects and corridors with neither ``locatedIn`` nor ``connects``:
        a user looking for what lies in or links a city does not find them (issue 11: aim < 10 %)."""
        return (self.placeable - self.placed) / self.placeable if self.placeable else 0.0


def graph_stats(store, top: int = 10) -> GraphStats:
    """Counts by type and relation, documents with their mention counts, best-connected entities."""
    def rows(query):
        return list(store.query(_PREFIX + query))

    entities = {t: 0 for t in TYPES}
    for r in rows("SELECT ?t (COUNT(DISTINCT ?e) AS ?n) WHERE { VALUES ?t { kg:Region kg:Park kg:Corridor kg:Project "
                  "kg:Agency } ?e a ?t } GROUP BY ?t"):
        entities[r["t"].value.rsplit("#", 1)[1]] = int(r["n"].value)
    relations = {p: 0 for p in (*RELATIONS, "memberOf")}
    for r in rows("SELECT ?p (COUNT(*) AS ?n) WHERE { VALUES ?p { kg:locatedIn kg:responsibleFor kg:connects "
                  "kg:memberOf } ?s ?p ?o } GROUP BY ?p"):
        relations[r["p"].value.rsplit("#", 1)[1]] = int(r["n"].value)
    documents = [(r["id"].value, r["title"].value if r["title"] else "", int(r["n"].value)) for r in rows(
        "SELECT ?id ?title (COUNT(?m) AS ?n) WHERE { ?d a kg:Document ; dcterms:identifier ?id . "
        "OPTIONAL { ?d dcterms:title ?title } ?c dcterms:source ?d . OPTIONAL { ?m nif:referenceContext ?c ; "
        "itsrdf:taIdentRef ?e } } GROUP BY ?id ?title ORDER BY ?id")]
    degree = rows(f"""SELECT ?e ?label ?t (COUNT(*) AS ?n) WHERE {{
        {{ ?e ?p ?o }} UNION {{ ?o ?p ?e }}
        VALUES ?p {{ kg:locatedIn kg:responsibleFor kg:connects kg:memberOf }}
        VALUES ?t {{ kg:Region kg:Park kg:Corridor kg:Project kg:Agency }}
        ?e a ?t ; skos:prefLabel ?label FILTER(lang(?label) = "zh") }}
        GROUP BY ?e ?label ?t ORDER BY DESC(?n) ?label LIMIT {int(top)}""")
    triples = int(rows("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"].value)
    placed, placeable = _placed(rows)
    return GraphStats(triples=triples, entities=entities, relations=relations, documents=documents,
                      top=[(r["label"].value, r["t"].value.rsplit("#", 1)[1], int(r["n"].value)) for r in degree],
                      placed=placed, placeable=placeable)


def _placed(rows) -> tuple[int, int]:
    """(parks, projects and corridors with locatedIn or connects, all of them)."""
    r = rows("""SELECT (COUNT(DISTINCT ?e) AS ?all) (COUNT(DISTINCT ?placed) AS ?n) WHERE {
        VALUES ?t { kg:Park kg:Project kg:Corridor } ?e a ?t
        OPTIONAL { ?e kg:locatedIn|kg:connects ?where BIND(?e AS ?placed) } }""")[0]
    return int(r["n"].value), int(r["all"].value)
