#!/usr/bin/env python3
"""Generate kg/namespace.py from ontology/kg.ttl (run after editing the ontology).

The module lists every term of the kg: vocabulary as an rdflib ``DefinedNamespace``, so a typo in
Python (``KG.locatedln``) fails at import instead of producing a silent new IRI.
"""
from __future__ import annotations

import sys
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "kg.ttl"
TARGET = ROOT / "kg" / "namespace.py"
KG_NS = "https://w3id.org/fjkg/ontology#"

HEADER = '''"""Terms of the kg: ontology and the other vocabularies the graph uses.

Generated from ontology/kg.ttl by scripts/gen_namespace.py; do not edit by hand.
"""
from __future__ import annotations

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
ITSRDF = Namespace("http://www.w3.org/2005/11/its/rdf#")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
KGR = Namespace("https://w3id.org/fjkg/id/")
'''


def _label(g: Graph, term: URIRef, lang: str) -> str:
    for label in g.objects(term, RDFS.label):
        if isinstance(label, Literal) and label.language == lang:
            return str(label)
    return ""


def render(ontology: Path = ONTOLOGY) -> str:
    g = Graph()
    g.parse(ontology)
    groups = {"Classes": OWL.Class, "Object properties": OWL.ObjectProperty,
              "Datatype properties": OWL.DatatypeProperty}
    out = [HEADER, "", "class KG(DefinedNamespace):", f'    """The kg: ontology ({KG_NS})."""', "",
           "    _fail = True", f'    _NS = Namespace("{KG_NS}")']
    for title, rdf_type in groups.items():
        terms = sorted(str(t)[len(KG_NS):] for t in g.subjects(RDF.type, rdf_type)
                       if isinstance(t, URIRef) and str(t).startswith(KG_NS))
        out.append("")
        out.append(f"    # {title}")
        for name in terms:
            term = URIRef(KG_NS + name)
            out.append(f"    {name}: URIRef  # {_label(g, term, 'zh')} / {_label(g, term, 'en')}")
    return "\n".join(out) + "\n"


def main() -> None:
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET}", file=sys.stderr)


if __name__ == "__main__":
    main()
