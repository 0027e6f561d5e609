"""Names that try to break out of the syntax stay data in every RDF format, and writing is atomic."""
import json
import re
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS

from conftest import write_corpus
from kg.pipeline.build import build_file
from kg.errors import KgError
from kg.pipeline.graph import iri_segment
from kg.namespace import NIF
from kg.serialize import FORMATS, atomic_writer, write_atomic

FILE = 'plan "q" <a>{b}[c]\\d %#?\ue000.txt'
TITLE = '标题"""\n<b>}\\ 结束\'\'\'\r\n末尾]]>\t&amp;'
TEXT = ('福州"""规划<script>alert(1)</script>\n'
        '一、建设福清融侨经济技术开发区，打造"""}<b>\\n\\"环境"。\n'
        '（责任单位：市"""建设局、区<script>局、}\\发改委、市\ue000局、县\x85局、市[1]局）\n'
        '抓紧规划建设漳州军民合用机场和福州长乐国际机场二期工程，加快推进厦门新机\n场建设。\f第2页\n')
RDFLIB_NAMES = {"turtle": "turtle", "ntriples": "nt", "nquads": "nquads", "trig": "trig", "jsonld": "json-ld",
                "rdfxml": "xml"}
# Characters RFC 3987 never allows as they are in an IRI (delimiters, brackets, controls, private use).
_BAD_IRI_CHAR = re.compile(r"[\x00-\x20<>\"{}|\\^`\[\]\x7f-\x9f\ue000-\uf8ff\ufdd0-\ufdef\ufff0-\uffff]")


@pytest.fixture(scope="module")
def hostile_builds(tmp_path_factory):
    """The corpus built in every format: {format name: path}."""
    root = tmp_path_factory.mktemp("hostile")
    manifest = ("file,title,issuer,issued,reference,scope\n"
                f'"{FILE.replace(chr(34), chr(34) * 2)}","{TITLE.replace(chr(34), chr(34) * 2)}",'
                '福州市人民政府,2021-01-01,"榕政〔2021〕4号 >&<",福州市\n')
    corpus = write_corpus(root / "corpus", {FILE: TEXT}, manifest)
    out = {}
    for fmt in FORMATS:
        path = root / f"graph{fmt.extensions[0]}"
        build_file(corpus, path)
        out[fmt.name] = path
    return out


def oxigraph_triples(path, fmt):
    return {(s, p, o) for s, p, o, *_ in ox.parse(path=str(path), format=fmt.oxigraph)}


def test_every_format_parses_strictly_to_the_same_graph(hostile_builds):
    graphs = {f.name: oxigraph_triples(hostile_builds[f.name], f) for f in FORMATS}
    reference = graphs["ntriples"]
    assert len(reference) > 500
    for name, triples in graphs.items():
        assert triples == reference, name


def test_rdflib_reads_every_format_with_the_literals_intact(hostile_builds):
    for fmt in FORMATS:
        g = Graph()
        g.parse(hostile_builds[fmt.name], format=RDFLIB_NAMES[fmt.name])
        titles = set(g.objects(None, DCTERMS.title))
        assert titles == {Literal(TITLE, lang="zh")}, fmt.name  # CR included, which XML parsers drop if raw
        anchors = {str(o) for o in g.objects(None, NIF.anchorOf)}
        assert '一、建设福清融侨经济技术开发区，打造"""}<b>\\n\\"环境"。' in anchors, fmt.name
        assert "厦门新机\n场" in anchors, fmt.name  # a name wrapped across lines keeps its line break
        labels = {str(o) for o in g.objects(None, RDFS.label)}
        assert {'福州市"""建设局', "福州市<script>局", "福州市}\\发改委", "福州市\ue000局"} <= labels, fmt.name
        sources = {str(o) for o in g.objects(None, DCTERMS.source) if isinstance(o, Literal)}
        assert sources == {FILE}, fmt.name


def test_every_iri_is_valid_and_offsets_point_at_their_anchor(hostile_builds):
    triples = oxigraph_triples(hostile_builds["ntriples"], FORMATS[1])
    iris = {t.value for triple in triples for t in triple if isinstance(t, ox.NamedNode)}
    assert not [iri for iri in iris if _BAD_IRI_CHAR.search(iri)]
    text = TEXT.replace("\f", "\n")
    spans = [(s.value, o.value) for s, p, o in triples if p == ox.NamedNode(str(NIF.anchorOf))]
    assert len(spans) > 10
    for iri, anchor in spans:
        begin, end = map(int, iri.rsplit("#char=", 1)[1].split(","))
        assert text[begin:end] == anchor


def test_json_ld_and_rdf_xml_are_well_formed_documents(hostile_builds):
    data = json.loads(hostile_builds["jsonld"].read_text(encoding="utf-8"))
    assert data
    root = ET.parse(hostile_builds["rdfxml"]).getroot()
    assert root.tag.endswith("RDF")


@pytest.mark.parametrize("name, expected", [
    ('a"b<c>d}e f', "a%22b%3Cc%3Ed%7De%20f"),
    ("福州(马尾)", "福州(马尾)"),
    ("plan[1]", "plan%5B1%5D"),
    ("市\ue000局", "市%EE%80%80局"),
    ("县\x85局", "县%C2%85局"),
    ("a\nb\\c", "a%0Ab%5Cc"),
    ("50%#?", "50%25%23%3F"),
])
def test_iri_segment_percent_encodes_what_rfc3987_forbids(name, expected):
    assert iri_segment(name) == expected
    ox.NamedNode("https://w3id.org/fjkg/id/x/" + iri_segment(name))  # raises on an invalid IRI


def test_atomic_writer_keeps_the_old_file_when_writing_fails(tmp_path):
    out = tmp_path / "g.ttl"
    out.write_text("previous", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_writer(out) as handle:
        handle.write(b"half a graph")
        raise RuntimeError("serializer failed")
    assert out.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["g.ttl"]
    write_atomic(out, b"new")
    assert out.read_bytes() == b"new" and [p.name for p in tmp_path.iterdir()] == ["g.ttl"]


@pytest.mark.parametrize("target, message", [
    ("missing/g.ttl", "folder .*missing does not exist"),
    ("folder", "is a folder"),
])
def test_atomic_writer_refuses_bad_targets(tmp_path, target, message):
    (tmp_path / "folder").mkdir()
    with pytest.raises(KgError, match=message):
        write_atomic(tmp_path / target, b"x")


def test_uri_of_a_document_with_unsafe_name_is_percent_encoded(hostile_builds):
    g = Graph()
    g.parse(hostile_builds["turtle"], format="turtle")
    docs = set(g.subjects(DCTERMS.identifier, Literal(FILE[:-4])))
    assert docs and all(isinstance(d, URIRef) and "%22q%22%20%3Ca%3E%7Bb%7D%5Bc%5D%5Cd" in str(d) for d in docs)
