"""Other shapes of a built graph: a networkx multigraph of entities and relations."""
from __future__ import annotations

from collections import defaultdict

from ..model import RELATIONS, TYPES

RELATION_PROPERTIES = (*RELATIONS, "memberOf")
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_networkx(graph, *, details: bool = False):
    """A ``networkx.MultiDiGraph`` of the entities and relations of an rdflib ``graph``.

    Nodes are entity IRIs with ``label`` (Chinese), ``label_en``, ``type`` (one of the five),
    ``kind`` (most specific class), ``code``, ``lat``/``lon`` where known, and in a city's
    subgraph ``included`` (how the entity came in: ``located|agency-task`` …). Edges carry
    ``relation`` (locatedIn, responsibleFor, connects, memberOf) and, where a sentence says so,
    ``evidence``, ``document``, ``begin``/``end``, ``rule`` and ``confidence`` (the first evidence
    by document and offset; ``evidence_count`` tells how many there are).

    Args:
        graph: an rdflib ``Graph`` of a built graph or of a city subgraph.
        details: also give what a reader of one entity wants (values that are lists or dicts, so
            not for GraphML): ``kg:jurisdiction`` edges (agency → the region it serves), node
            ``mentions`` (``{document identifier: number of mentions}``), edge ``evidences`` (every
            evidence, in order) and ``graph.graph["titles"]`` (``{document identifier: title}``).
    """
    import networkx as nx
    from rdflib import RDF, RDFS, Literal
    from rdflib.namespace import DCTERMS, PROV, SKOS

    from ..namespace import GEO, KG, NIF

    g = nx.MultiDiGraph()
    top = {KG[t]: t for t in TYPES}
    kinds = {}
    for cls, parent in graph.subject_objects(RDFS.subClassOf):
        kinds[cls] = parent
    for s, t in graph.subject_objects(RDF.type):
        if t in top:
            g.add_node(str(s), type=top[t], kind=top[t])
    for s, t in graph.subject_objects(RDF.type):
        if str(s) in g and t not in top and str(t).startswith(str(KG._NS)):
            g.nodes[str(s)]["kind"] = str(t)[len(str(KG._NS)):]
    for node, data in g.nodes(data=True):
        from rdflib import URIRef

        s = URIRef(node)
        for label in graph.objects(s, SKOS.prefLabel):
            if isinstance(label, Literal):
                data["label_en" if label.language == "en" else "label"] = str(label)
        data.setdefault("label", str(next(graph.objects(s, RDFS.label), node)))
        aliases = sorted(str(a) for a in graph.objects(s, SKOS.altLabel))
        if aliases:
            data["aliases"] = "|".join(aliases)
        included = sorted(str(how) for how in graph.objects(s, KG.inclusion))
        if included:  # only in a city's subgraph: how the entity came in
            data["included"] = "|".join(included)
        for prop, name in ((KG.divisionCode, "code"), (GEO.lat, "lat"), (GEO.long, "lon")):
            value = next(graph.objects(s, prop), None)
            if value is not None:
                data[name] = value.toPython() if name != "code" else str(value)
                if name in ("lat", "lon"):
                    data[name] = float(data[name])
    titles = {str(d): str(t) for d, t in graph.subject_objects(DCTERMS.title)}
    doc_of_context = {str(c): str(graph.value(d, DCTERMS.identifier)) for c, d in graph.subject_objects(DCTERMS.source)
                      if (c, RDF.type, NIF.Context) in graph}
    evidence = defaultdict(list)
    for st in graph.subjects(RDF.type, RDF.Statement):
        key = (str(graph.value(st, RDF.subject)), str(graph.value(st, RDF.predicate)), str(graph.value(st, RDF.object)))
        ev = graph.value(st, PROV.wasDerivedFrom)
        rule = graph.value(st, PROV.wasGeneratedBy)
        confidence = graph.value(st, KG.confidence)
        item = {"rule": str(rule).rsplit("/", 1)[-1] if rule else "",
                "confidence": float(confidence) if confidence is not None else 1.0}
        begin, end = (_offset(graph.value(ev, NIF.beginIndex)), _offset(graph.value(ev, NIF.endIndex))) \
            if ev is not None else (None, None)
        if begin is not None and end is not None:  # evidence of a graph from elsewhere may lack offsets
            context = str(graph.value(ev, NIF.referenceContext))
            item.update(evidence=str(graph.value(ev, NIF.anchorOf) or ""), document=doc_of_context.get(context, ""),
                        begin=begin, end=end)
        evidence[key].append(item)
    for prop in (*RELATION_PROPERTIES, "jurisdiction") if details else RELATION_PROPERTIES:
        for s, o in graph.subject_objects(KG[prop]):
            if str(s) not in g or str(o) not in g:
                continue
            items = sorted(evidence.get((str(s), str(KG[prop]), str(o)), []),
                           key=lambda i: ("document" not in i, i.get("document", ""), i.get("begin", 0)))
            attrs = {"relation": prop, "evidence_count": sum(1 for i in items if "document" in i)}
            if items:
                attrs.update(items[0])
            if details:
                attrs["evidences"] = [i for i in items if "document" in i]
            g.add_edge(str(s), str(o), key=prop, **attrs)
    g.graph["documents"] = titles
    if details:
        _add_details(graph, g, doc_of_context)
    return g


def _offset(value) -> int | None:
    """A NIF offset as an int, or None when it is missing or not a number."""
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _add_details(graph, g, doc_of_context: dict[str, str]) -> None:
    from rdflib.namespace import DCTERMS

    from ..namespace import ITSRDF, NIF

    mentions: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for mention, entity in graph.subject_objects(ITSRDF.taIdentRef):
        doc = doc_of_context.get(str(graph.value(mention, NIF.referenceContext)))
        if doc and str(entity) in g:
            mentions[str(entity)][doc] += 1
    for node, data in g.nodes(data=True):
        data["mentions"] = dict(sorted(mentions[node].items()))
    g.graph["titles"] = {str(graph.value(d, DCTERMS.identifier)): str(t)
                         for d, t in graph.subject_objects(DCTERMS.title) if graph.value(d, DCTERMS.identifier)}


def rdflib_graph(triples):
    """An rdflib ``Graph`` of pyoxigraph ``Triple`` objects (e.g. a city subgraph)."""
    from rdflib import BNode, Graph, Literal, URIRef

    def term(t):
        kind = type(t).__name__
        if kind == "NamedNode":
            return URIRef(t.value)
        if kind == "BlankNode":
            return BNode(t.value)
        if t.language:
            return Literal(t.value, lang=t.language)
        if t.datatype.value == _XSD_STRING:
            return Literal(t.value)
        return Literal(t.value, datatype=URIRef(t.datatype.value))

    graph = Graph()
    for t in triples:
        graph.add((term(t.subject), term(t.predicate), term(t.object)))
    return graph
