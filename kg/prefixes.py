"""The prefixes every query may use and every Turtle file declares, as plain strings.

Plain strings, in a module of their own, so that the query side (``kg query``, ``kg serve``,
lookups) starts without importing rdflib or the extraction pipeline; the build uses them too.
"""
from __future__ import annotations

PREFIXES = {
    "kg": "https://w3id.org/fjkg/ontology#",
    "kgr": "https://w3id.org/fjkg/id/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "nif": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
    "itsrdf": "http://www.w3.org/2005/11/its/rdf#",
    "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
}
