"""`kg export`: a city's subgraph in every format holds the facts the documents state, and only its own."""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import pytest
from conftest import invoke

KG = "https://w3id.org/fjkg/ontology#"
KGR = "https://w3id.org/fjkg/id/"
RELATIONS = ("locatedIn", "responsibleFor", "connects", "memberOf", "jurisdiction")
TYPES = ("Region", "Park", "Corridor", "Project", "Agency")
# Facts the planning documents state, by city: names that must be in the city's export.
KNOWN = {
    "福州": ["福州市", "仓山区", "福州高新技术产业开发区", "福州长乐国际机场", "福州都市圈"],
    "厦门": ["厦门市", "厦门新机场", "厦门火炬高技术产业开发区", "福建自贸试验区厦门片区"],
    "仓山区": ["仓山区", "福州金山工业园区", "仓山生物医药产业基地", "仓山区人民政府"],
}
# Parks other cities' documents place there: never in this city's export.
ELSEWHERE = {"福州": "350200", "厦门": "350100", "仓山区": "350181"}


@pytest.fixture(scope="module")
def store(default_store):
    return default_store


@pytest.fixture(scope="module")
def exports(store):
    """Every format of every test city, made in memory by the library."""
    from kg.outputs.export import EXPORT_FORMATS, city_export
    from kg.outputs.subgraph import find_city

    return {(name, fmt): city_export(store, find_city(store, name), fmt, source="kg.ttl")
            for name in KNOWN for fmt in EXPORT_FORMATS}


def rdflib_of(export):
    from rdflib import Graph

    name = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml"}[export.format]
    return Graph().parse(data=export.files[""], format=name)


def entity_labels(graph) -> dict[str, str]:
    from rdflib import RDF, URIRef
    from rdflib.namespace import SKOS

    labels = {}
    for t in TYPES:
        for entity in graph.subjects(RDF.type, URIRef(KG + t)):
            labels[str(entity)] = next(str(label) for label in graph.objects(entity, SKOS.prefLabel)
                                       if label.language == "zh")
    return labels


def relation_triples(graph) -> set:
    from rdflib import URIRef

    return {(str(s), r, str(o)) for r in RELATIONS for s, o in graph.subject_objects(URIRef(KG + r))}


def parks_located_in(store, code: str) -> set[str]:
    query = f"""PREFIX kg: <{KG}> SELECT ?park WHERE {{
        ?park a kg:Park ; kg:locatedIn+ <{KGR}division/{code}> .
        FILTER NOT EXISTS {{ ?route kg:connects ?park }} }}"""
    return {r["park"].value for r in store.query(query)}


@pytest.mark.parametrize("city", sorted(KNOWN))
def test_export_holds_the_documents_facts_and_not_another_citys_parks(exports, store, city):
    graph = rdflib_of(exports[(city, "ttl")])
    names = set(entity_labels(graph).values())
    for name in KNOWN[city]:
        assert name in names, f"{name} missing from the export of {city}"
    own = set(entity_labels(graph))
    others = parks_located_in(store, ELSEWHERE[city])
    assert others and not own & others


def test_parks_are_located_in_the_city(exports):
    graph = rdflib_of(exports[("福州", "ttl")])
    located = relation_triples(graph)
    assert (KGR + "park/福州高新技术产业开发区", "locatedIn", KGR + "division/350100") in located
    assert (KGR + "division/350104", "locatedIn", KGR + "division/350100") in located


@pytest.mark.parametrize("city", sorted(KNOWN))
def test_every_rdf_format_reparses_with_rdflib_and_pyoxigraph_to_the_same_graph(exports, city):
    import pyoxigraph
    from rdflib.compare import isomorphic

    turtle = rdflib_of(exports[(city, "ttl")])
    for fmt, ox_format in (("ttl", pyoxigraph.RdfFormat.TURTLE), ("nt", pyoxigraph.RdfFormat.N_TRIPLES),
                           ("jsonld", pyoxigraph.RdfFormat.JSON_LD), ("rdf", pyoxigraph.RdfFormat.RDF_XML)):
        export = exports[(city, fmt)]
        parsed = rdflib_of(export)
        assert len(parsed) == export.triples == len(turtle), fmt
        assert isomorphic(parsed, turtle), fmt
        assert len(list(pyoxigraph.parse(export.files[""], format=ox_format))) == export.triples, fmt


@pytest.mark.parametrize("city", sorted(KNOWN))
def test_counts_agree_across_formats(exports, city):
    import networkx as nx

    rdf = rdflib_of(exports[(city, "nt")])
    entities, relations = set(entity_labels(rdf)), relation_triples(rdf)
    graphml = nx.read_graphml(io.BytesIO(exports[(city, "graphml")].files[""]))
    gexf = nx.read_gexf(io.BytesIO(exports[(city, "gexf")].files[""]))
    tables = exports[(city, "csv")].files
    nodes_csv = list(csv.DictReader(io.StringIO(tables["nodes.csv"].decode("utf-8-sig"))))
    edges_csv = list(csv.DictReader(io.StringIO(tables["edges.csv"].decode("utf-8-sig"))))
    html = exports[(city, "html")].files[""].decode("utf-8")
    page = json.loads(re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.DOTALL).group(1))
    assert set(graphml.nodes) == set(gexf.nodes) == {r["id"] for r in nodes_csv} == {n["id"] for n in page["nodes"]} \
        == entities
    as_triples = {(u, d["relation"], v) for u, v, d in graphml.edges(data=True)}
    assert as_triples == {(r["source"], r["relation"], r["target"]) for r in edges_csv} == relations
    drawn = [e for e in page["edges"] if not e.get("folded")]  # not the stand-ins for folded townships' edges
    assert graphml.number_of_edges() == gexf.number_of_edges() == len(edges_csv) == len(drawn) == len(relations)
    assert exports[(city, "ttl")].entities == len(entities) and exports[(city, "ttl")].relations == len(relations)


def test_graphml_keeps_node_and_edge_attributes(exports):
    import networkx as nx

    graph = nx.read_graphml(io.BytesIO(exports[("福州", "graphml")].files[""]))
    fuzhou = graph.nodes[KGR + "division/350100"]
    assert fuzhou["label"] == "福州市" and fuzhou["label_en"] == "Fuzhou" and fuzhou["type"] == "Region"
    assert 26 < fuzhou["lat"] < 27 and 119 < fuzhou["lon"] < 120 and fuzhou["code"] == "350100"
    airport = graph.nodes[KGR + "project/福州长乐国际机场"]
    assert airport["type"] == "Project" and "长乐机场" in airport["aliases"].split("|") and airport["mentions"] > 0
    edges = [d for _, v, d in graph.out_edges(KGR + "park/福州高新技术产业开发区", data=True)
             if v == KGR + "division/350100"]
    assert edges and edges[0]["relation"] == "locatedIn" and "福州高新技术产业开发区" in edges[0]["evidence"]
    assert edges[0]["document_title"] and isinstance(edges[0]["begin"], int)


def test_gexf_carries_colours_and_positions_for_gephi(exports):
    import networkx as nx

    graph = nx.read_gexf(io.BytesIO(exports[("厦门", "gexf")].files[""]))
    viz = graph.nodes[KGR + "division/350200"]["viz"]
    assert viz["color"] == {"r": 0, "g": 114, "b": 178, "a": 1.0} and "position" in viz
    assert b"lastmodifieddate" not in exports[("厦门", "gexf")].files[""]


def test_csv_is_ready_for_spreadsheets_and_gis(exports):
    tables = exports[("仓山区", "csv")].files
    assert tables["nodes.csv"].startswith(b"\xef\xbb\xbf")  # spreadsheets need the BOM to read Chinese
    rows = {r["label"]: r for r in csv.DictReader(io.StringIO(tables["nodes.csv"].decode("utf-8-sig")))}
    assert 26 < float(rows["仓山区"]["lat"]) < 27 and rows["仓山区"]["code"] == "350104"
    assert rows["福州金山工业园区"]["type"] == "Park"


def test_no_provenance_keeps_entities_and_relations_only(store, exports):
    from kg.outputs.export import city_export
    from kg.outputs.subgraph import find_city

    bare = city_export(store, find_city(store, "厦门"), "ttl", provenance=False)
    full = exports[("厦门", "ttl")]
    assert bare.entities == full.entities and bare.relations == full.relations and bare.triples < full.triples
    text = bare.files[""].decode("utf-8")
    body = [line for line in text.splitlines() if not line.startswith("@prefix")]
    assert not any("nif:" in line or "prov:" in line for line in body)
    assert "厦门新机场" in text


def test_cli_writes_each_format_deterministically(tmp_path, exports):
    for fmt in ("ttl", "graphml", "html"):
        out = tmp_path / f"cs.{fmt}"
        result = invoke("export", "仓山区", "-o", out)
        assert result.exit_code == 0, result.output
        assert out.read_bytes() == exports[("仓山区", fmt)].files[""], fmt
        assert "仓山区" in result.output and "entities" in result.output
    result = invoke("export", "仓山区", "--format", "csv", "-o", tmp_path / "cs.zip")
    assert result.exit_code == 0
    with zipfile.ZipFile(tmp_path / "cs.zip") as archive:
        assert sorted(archive.namelist()) == ["edges.csv", "nodes.csv"]
        assert archive.read("nodes.csv") == exports[("仓山区", "csv")].files["nodes.csv"]
    first = (tmp_path / "cs.zip").read_bytes()
    invoke("export", "仓山区", "--format", "csv", "-o", tmp_path / "cs.zip")
    assert (tmp_path / "cs.zip").read_bytes() == first
    result = invoke("export", "仓山区", "--format", "csv", "-o", tmp_path / "cs-folder")
    assert result.exit_code == 0 and sorted(p.name for p in (tmp_path / "cs-folder").iterdir()) == ["edges.csv",
                                                                                                     "nodes.csv"]


def test_html_export_is_the_viz_page_of_the_city(tmp_path):
    assert invoke("export", "厦门", "--format", "html", "-o", tmp_path / "a.html").exit_code == 0
    assert invoke("viz", "--city", "厦门市", "-o", tmp_path / "b.html").exit_code == 0
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()


def test_stdout_and_aliases_of_the_city(tmp_path):
    from rdflib import Graph

    for name in ("榕", "fuzhou", "福州市"):
        result = invoke("export", name, "-o", "-", "--no-provenance")
        assert result.exit_code == 0
        graph = Graph().parse(data=result.stdout_bytes, format="turtle")
        assert "福州长乐国际机场" in {str(o) for o in graph.objects()}
    assert invoke("export", "长乐市", "-o", tmp_path / "changle.nt").exit_code == 0  # former name of 长乐区
    assert "福州长乐国际机场" in (tmp_path / "changle.nt").read_text(encoding="utf-8")


def test_all_cities_writes_one_file_per_city_and_an_index(tmp_path):
    result = invoke("export", "--all-cities", "--format", "nt", "--no-provenance", "-o", tmp_path / "cities")
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in (tmp_path / "cities").iterdir())
    assert "index.csv" in files and "350100-fuzhou.nt" in files and "350200-xiamen.nt" in files
    assert len(files) == 10  # nine prefecture-level cities of Fujian and the index
    index = list(csv.DictReader(io.StringIO((tmp_path / "cities" / "index.csv").read_text(encoding="utf-8-sig"))))
    assert [r["file"] for r in index] == [f for f in files if f != "index.csv"]
    for row in index:
        triples = (tmp_path / "cities" / row["file"]).read_text(encoding="utf-8").count(" .\n")
        assert int(row["triples"]) == triples and int(row["entities"]) > 0


@pytest.mark.parametrize("args, code, message", [
    (["福清州"], 2, "did you mean 福清市, 福州市?"),  # closest first
    (["Atlantis"], 2, "no city or county called 'Atlantis'"),
    (["福州", "--format", "docx"], 2, "'docx' is not one of"),
    ([], 2, "missing CITY"),
    (["--all-cities"], 2, "needs -o DIR"),
])
def test_bad_arguments_are_usage_errors(tmp_path, args, code, message):
    result = invoke("export", *args)
    assert result.exit_code == code and message in result.output


def test_empty_graph_unwritable_output_and_unknown_extension_leave_no_file(tmp_path):
    empty = tmp_path / "empty.nt"
    empty.write_text("", encoding="utf-8")
    result = invoke("export", "福州", "--graph", empty, "-o", tmp_path / "out.ttl")
    assert result.exit_code == 1 and "holds no entities" in result.output
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder", encoding="utf-8")
    for target in (blocker / "out.ttl", tmp_path / "missing" / "out.ttl", tmp_path):
        result = invoke("export", "仓山区", "--format", "ttl", "-o", target)
        assert result.exit_code == 1 and str(target) in result.output and "Traceback" not in result.output
    result = invoke("export", "仓山区", "-o", tmp_path / "out.docx")
    assert result.exit_code == 2 and "cannot tell the export format" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.nt", "file.txt"]


def test_csv_tables_in_a_folder_replace_the_old_ones_together_or_not_at_all(tmp_path):
    folder = tmp_path / "tables"
    folder.mkdir()
    (folder / "nodes.csv").write_text("old nodes", encoding="utf-8")
    (folder / "edges.csv").mkdir()  # edges.csv cannot be written: nodes.csv must stay as it was
    result = invoke("export", "仓山区", "--format", "csv", "-o", folder)
    assert result.exit_code == 1 and "edges.csv" in result.output
    assert (folder / "nodes.csv").read_text(encoding="utf-8") == "old nodes"
    assert sorted(p.name for p in folder.iterdir()) == ["edges.csv", "nodes.csv"]
    (folder / "edges.csv").rmdir()
    assert invoke("export", "仓山区", "--format", "csv", "-o", folder).exit_code == 0
    assert (folder / "nodes.csv").read_text(encoding="utf-8-sig").startswith("id,label")


@pytest.mark.parametrize("city", sorted(KNOWN))
def test_the_subgraph_holds_the_documents_that_mention_its_entities_and_no_others(store, city):
    from kg.outputs.subgraph import city_subgraph, find_city

    triples = city_subgraph(store, find_city(store, city))
    by_predicate: dict[str, set] = {}
    for t in triples:
        by_predicate.setdefault(t.predicate.value, set()).add((t.subject, t.object))
    documents = {s for s, o in by_predicate["http://www.w3.org/1999/02/22-rdf-syntax-ns#type"]
                 if o.value == KG + "Document"}
    mentions = {s for s, _ in by_predicate["http://www.w3.org/2005/11/its/rdf#taIdentRef"]}
    contexts = {o for s, o in by_predicate["http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#referenceContext"]
                if s in mentions}
    mentioning = {o for s, o in by_predicate["http://purl.org/dc/terms/source"] if s in contexts}
    assert documents and documents == mentioning


def test_evidence_without_offsets_does_not_stop_an_export(tmp_path):
    """A graph from elsewhere whose evidence lacks nif:endIndex still exports; that evidence is left out."""
    graph = tmp_path / "g.ttl"
    graph.write_text("""@prefix kg: <https://w3id.org/fjkg/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> .
<https://w3id.org/fjkg/id/division/350100> a kg:Region, kg:PrefectureCity ; skos:prefLabel "福州市"@zh ;
    kg:divisionCode "350100" .
<https://w3id.org/fjkg/id/park/p> a kg:Park ; skos:prefLabel "某园区"@zh ; kg:locatedIn <https://w3id.org/fjkg/id/division/350100> .
<urn:x:st> a rdf:Statement ; rdf:subject <https://w3id.org/fjkg/id/park/p> ; rdf:predicate kg:locatedIn ;
    rdf:object <https://w3id.org/fjkg/id/division/350100> ; prov:wasDerivedFrom <urn:x:ev> .
<urn:x:ev> nif:beginIndex "x" ; nif:anchorOf "某园区位于福州" .
""", encoding="utf-8")
    result = invoke("export", "福州", "--graph", graph, "--format", "graphml", "-o", tmp_path / "out.graphml")
    assert result.exit_code == 0, result.output
    assert "某园区" in (tmp_path / "out.graphml").read_text(encoding="utf-8")
