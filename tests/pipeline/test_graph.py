"""The built graph keeps the provenance contract, validates, and is deterministic."""

from rdflib import RDF, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from kg.pipeline.graph import iri_segment
from kg.namespace import ITSRDF, KG, NIF
from kg.paths import DEFAULT_GRAPH


def test_documents_have_identifier_and_a_nif_context_without_text(graph, corpus):
    for doc in corpus.documents:
        d = next(graph.subjects(DCTERMS.identifier, Literal(doc.doc_id)))
        contexts = [c for c in graph.subjects(DCTERMS.source, d) if (c, RDF.type, NIF.Context) in graph]
        assert len(contexts) == 1
        assert (contexts[0], DCTERMS.identifier, Literal(doc.doc_id)) in graph
        assert int(graph.value(contexts[0], NIF.endIndex)) == len(doc.text)
    assert not list(graph.triples((None, NIF.isString, None)))


def test_document_metadata_from_the_manifest(graph):
    d = next(graph.subjects(DCTERMS.identifier, Literal("000_9863399443ee40d8")))
    assert str(graph.value(d, DCTERMS.title)) == "福州都市圈发展规划"
    assert str(graph.value(d, DCTERMS.issued)) == "2021-07-09"
    issuer = graph.value(d, KG.issuedBy)
    assert (issuer, RDF.type, KG.Agency) in graph


def test_mentions_point_into_the_original_text(graph, corpus):
    texts = {d.doc_id: d.text for d in corpus.documents}
    context_doc = {c: str(graph.value(c, DCTERMS.identifier)) for c in graph.subjects(RDF.type, NIF.Context)}
    mentions = list(graph.subjects(RDF.type, KG.Mention))
    assert len(mentions) == len({(m.doc_id, m.begin, m.end) for m in corpus.mentions})
    for m in mentions[:3000]:
        b, e = int(graph.value(m, NIF.beginIndex)), int(graph.value(m, NIF.endIndex))
        text = texts[context_doc[graph.value(m, NIF.referenceContext)]]
        assert text[b:e] == str(graph.value(m, NIF.anchorOf))
        assert graph.value(m, ITSRDF.taIdentRef) is not None


def test_every_extracted_relation_is_asserted_and_reified_with_evidence(graph, corpus):
    texts = {d.doc_id: d.text for d in corpus.documents}
    evidenced = 0
    for st in graph.subjects(RDF.type, RDF.Statement):
        s, p, o = graph.value(st, RDF.subject), graph.value(st, RDF.predicate), graph.value(st, RDF.object)
        assert (s, p, o) in graph
        source = graph.value(st, PROV.wasDerivedFrom)
        assert graph.value(st, PROV.wasGeneratedBy) is not None
        if graph.value(source, NIF.beginIndex) is None:
            assert (source, RDF.type, KG.Gazetteer) in graph
            continue
        evidenced += 1
        b, e = int(graph.value(source, NIF.beginIndex)), int(graph.value(source, NIF.endIndex))
        context = graph.value(source, NIF.referenceContext)
        text = texts[str(graph.value(context, DCTERMS.identifier))]
        assert text[b:e] == str(graph.value(source, NIF.anchorOf))
        assert text[b:e].count("。") <= 1  # at most one sentence
    assert evidenced > 300


def test_shacl_shapes_hold_for_the_built_graph(graph):
    from kg.outputs.validate import validate_graph

    report = validate_graph(graph)
    assert report.conforms, report.text[:3000]


def test_shacl_catches_broken_offsets_and_untyped_targets(graph):
    from kg.outputs.validate import validate_graph

    broken = graph.__class__()
    for t in graph:
        broken.add(t)
    mention = next(broken.subjects(RDF.type, KG.Mention))
    end = broken.value(mention, NIF.endIndex)
    broken.set((mention, NIF.endIndex, Literal(int(end) + 5, datatype=end.datatype)))
    park = next(broken.subjects(RDF.type, KG.Park))
    broken.add((park, KG.locatedIn, URIRef("https://w3id.org/fjkg/id/nowhere")))
    report = validate_graph(broken)
    assert not report.conforms
    assert "end - begin = length of the anchor" in report.text
    assert "locatedIn points to a Region" in report.text


def test_build_is_byte_identical(corpus_dir, built_ttl, tmp_path):
    import kg

    kg.build_file(corpus_dir, tmp_path / "again.ttl")
    assert (tmp_path / "again.ttl").read_bytes() == built_ttl.read_bytes()


def test_committed_default_graph_is_up_to_date(built_ttl):
    assert DEFAULT_GRAPH.read_bytes() == built_ttl.read_bytes(), (
        "data/kg.ttl is stale: rebuild it with `kg build ../shared/corpus -o data/kg.ttl`")


def test_every_format_parses_back_to_the_same_graph(corpus, tmp_path):
    import pyoxigraph
    from rdflib.compare import isomorphic

    from kg.pipeline.build import corpus_graph_triples
    from kg.pipeline.graph import to_rdflib
    from kg.serialize import FORMATS, load_rdflib, serialize

    triples = corpus_graph_triples(corpus)[:4000]
    expected = to_rdflib(triples)
    for fmt in FORMATS:
        path = tmp_path / f"g{fmt.extensions[0]}"
        path.write_bytes(serialize(triples, fmt, {"kg": str(KG._NS)}))
        assert isomorphic(load_rdflib(path), expected), fmt.name
        assert len(list(pyoxigraph.parse(path=str(path)))) == len(expected), fmt.name


def test_entity_iris_escape_syntax_characters():
    assert iri_segment('a"b<c>d}e f') == "a%22b%3Cc%3Ed%7De%20f"
    assert iri_segment("福州(马尾)") == "福州(马尾)"


def test_to_networkx_keeps_labels_types_and_evidence(graph):
    import kg

    g = kg.to_networkx(graph)
    park = "https://w3id.org/fjkg/id/park/" + "莆田高新技术产业开发区"
    assert g.nodes[park]["type"] == "Park" and g.nodes[park]["label"] == "莆田高新技术产业开发区"
    assert g.nodes[park]["label_en"].startswith("Putian")
    edges = [d for _, o, d in g.out_edges(park, data=True) if d["relation"] == "locatedIn"]
    assert edges and any(d.get("evidence") for d in edges)
    fuzhou = "https://w3id.org/fjkg/id/division/350100"
    assert g.nodes[fuzhou]["code"] == "350100" and 26 < g.nodes[fuzhou]["lat"] < 27
