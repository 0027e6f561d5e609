"""Names that try to break out of their format.

A small corpus whose title, entity names and sentences hold quotes, angle brackets, ``}``,
``\"\"\"``, backslashes, ``</script>``, newlines and ampersands is built with ``kg build``; one more
entity, with a name no extraction rule would accept, is added to the built graph (a graph made
by another tool reaches every command through ``--graph``). The city subgraph of 福州 is then
exported in every format and read back with the usual readers (rdflib, pyoxigraph, networkx, the
csv module, Chromium), queried with ``kg query`` and through ``kg serve``: every value comes back
as the same text, and nothing runs as script.
"""
from __future__ import annotations

import csv
import io
import json
import re
import urllib.parse
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import invoke, write_corpus
from test_server import http, start_server, stop
from test_viz import Page, browser_context  # noqa: F401  (a fixture)

KG = "https://w3id.org/fjkg/ontology#"
KGR = "https://w3id.org/fjkg/id/"
FUZHOU = KGR + "division/350100"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCRIPT = "<script>window.__pwned=1</script>"
TITLE = f'Plan "}}""" {SCRIPT} & \\ 福州\n规划 </script><img src=x onerror="window.__pwned=2">'
# What no extraction rule would take for a name, written into the graph directly.
EVIL_NAME = f'福州“}}"""{SCRIPT}”\n产业园 & \\ <img src=x onerror="window.__pwned=3"> ]]> --> </script>'
EVIL_PARK = KGR + "park/hostile"
TEXT = "\n".join([
    "第一章 总体要求",
    f"支持福州“}}\"\"\"{SCRIPT}”产业园建设，推动福州高新技术产业开发区发展。",
    "加快建设福州“A&B<C>”数字经济产业园和福州长乐国际机场。",
    "支持建设福州“<A>”数字经济产业园、福州“A\"\"\"B”数字经济产业园和福州“A}B”数字经济产业园。",
    "加快建设福州“A\\B”铁路，支持福州“</b>”数字经济产业园发展。",
    f"福州市发展和改革委员会负责推进福州“}}\"\"\"{SCRIPT}”产业园和福州“A&B<C>”数字经济产业园建设。",
    "支持仓山区建设福州金山工业园区，</script><img src=x onerror=window.__pwned=4>。",
]) + "\n"
BREAKERS = ('"', "<", ">", "}", "&", "\\")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """The built hostile corpus plus one entity with the worst name, as a Turtle graph."""
    import pyoxigraph as ox

    from kg.store import load_files

    folder = tmp_path_factory.mktemp("hostile")
    manifest = io.StringIO()
    writer = csv.writer(manifest, lineterminator="\n")
    writer.writerow(["file", "title", "issuer", "issued", "reference", "scope"])
    writer.writerow(["evil.txt", TITLE, "福州市人民政府", "2021-01-01", "榕政〔2021〕1号", "福州市"])
    corpus = write_corpus(folder / "corpus", {"evil.txt": TEXT}, manifest.getvalue())
    built = folder / "built.ttl"
    result = invoke("build", corpus, "-o", built, "-q")
    assert result.exit_code == 0, result.output
    store = load_files([built])
    context = next(q.subject for q in store.quads_for_pattern(None, ox.NamedNode(
        "http://purl.org/dc/terms/source"), ox.NamedNode(KGR + "doc/evil")))
    park, fuzhou = ox.NamedNode(EVIL_PARK), ox.NamedNode(FUZHOU)
    evidence = ox.NamedNode(KGR + "doc/evil#char=0,40")
    statement = ox.NamedNode(KGR + "statement/hostile")
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    nif = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
    for s, p, o in [
        (park, ox.NamedNode(rdf + "type"), ox.NamedNode(KG + "Park")),
        (park, ox.NamedNode(rdf + "type"), ox.NamedNode(KG + "IndustrialPark")),
        (park, ox.NamedNode(SKOS + "prefLabel"), ox.Literal(EVIL_NAME, language="zh")),
        (park, ox.NamedNode(SKOS + "prefLabel"), ox.Literal('Evil "Park" <b>&amp;</b>', language="en")),
        (park, ox.NamedNode(SKOS + "altLabel"), ox.Literal("<svg onload=window.__pwned=5>", language="zh")),
        (park, ox.NamedNode(KG + "locatedIn"), fuzhou),
        (statement, ox.NamedNode(rdf + "type"), ox.NamedNode(rdf + "Statement")),
        (statement, ox.NamedNode(rdf + "subject"), park),
        (statement, ox.NamedNode(rdf + "predicate"), ox.NamedNode(KG + "locatedIn")),
        (statement, ox.NamedNode(rdf + "object"), fuzhou),
        (statement, ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"), evidence),
        (evidence, ox.NamedNode(rdf + "type"), ox.NamedNode(nif + "String")),
        (evidence, ox.NamedNode(nif + "beginIndex"), ox.Literal("0", datatype=ox.NamedNode(
            "http://www.w3.org/2001/XMLSchema#nonNegativeInteger"))),
        (evidence, ox.NamedNode(nif + "endIndex"), ox.Literal("40", datatype=ox.NamedNode(
            "http://www.w3.org/2001/XMLSchema#nonNegativeInteger"))),
        (evidence, ox.NamedNode(nif + "anchorOf"), ox.Literal("位于" + EVIL_NAME)),
        (evidence, ox.NamedNode(nif + "referenceContext"), context),
    ]:
        store.add(ox.Quad(s, p, o))
    path = folder / "hostile.ttl"
    store.dump(str(path), ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph())
    return path


@pytest.fixture(scope="module")
def expected(hostile):
    """What the 福州 subgraph holds: its triples, entity names, evidence sentences, document titles."""
    from kg.store import load_files
    from kg.outputs.subgraph import city_subgraph, find_city

    store = load_files([hostile])
    triples = set(city_subgraph(store, find_city(store, "福州")))
    entities = {t.subject.value for t in triples if t.predicate.value.endswith("#type")
                and t.object.value in {KG + k for k in ("Region", "Park", "Corridor", "Project", "Agency")}}
    names = {t.subject.value: t.object.value for t in triples if t.predicate.value == SKOS + "prefLabel"
             and t.object.language == "zh" and t.subject.value in entities}
    anchors = {t.object.value for t in triples if t.predicate.value.endswith("#anchorOf")}
    titles = {t.object.value for t in triples if t.predicate.value == "http://purl.org/dc/terms/title"}
    hostile_names = {n for n in names.values() if any(c in n for c in BREAKERS)}
    assert EVIL_NAME in hostile_names and len(hostile_names) >= 2, "the built corpus lost its hostile names"
    assert TITLE in titles and any(SCRIPT in a for a in anchors)
    return {"triples": triples, "names": names, "anchors": anchors, "titles": titles}


@pytest.fixture(scope="module")
def exported(hostile, tmp_path_factory):
    """``kg export 福州`` in every format, as files."""
    from kg.outputs.export import EXPORT_FORMATS, EXTENSIONS

    folder = tmp_path_factory.mktemp("exports")
    files = {}
    for fmt in EXPORT_FORMATS:
        files[fmt] = folder / f"fuzhou{EXTENSIONS[fmt]}"
        result = invoke("export", "福州", "--graph", hostile, "--format", fmt, "-o", files[fmt])
        assert result.exit_code == 0, (fmt, result.output)
    return files


@pytest.mark.parametrize("fmt, rdflib_name, oxigraph_name", [
    ("ttl", "turtle", "TURTLE"), ("nt", "nt", "N_TRIPLES"), ("jsonld", "json-ld", "JSON_LD"), ("rdf", "xml", "RDF_XML"),
])
def test_rdf_exports_read_back_to_the_same_triples(exported, expected, fmt, rdflib_name, oxigraph_name):
    import pyoxigraph as ox
    from rdflib import Graph, Literal

    data = exported[fmt].read_bytes()
    assert {q.triple for q in ox.parse(data, format=getattr(ox.RdfFormat, oxigraph_name))} == expected["triples"]
    graph = Graph().parse(data=data, format=rdflib_name)
    literals = {str(o) for o in graph.objects() if isinstance(o, Literal)}
    assert {EVIL_NAME, TITLE} <= literals and set(expected["names"].values()) <= literals
    assert expected["anchors"] <= literals


def _check_graph(nodes: dict[str, dict], edges: list[dict], expected) -> None:
    """Node labels, edge evidence and document titles as a graph reader returned them."""
    assert {n: d["label"] for n, d in nodes.items()} == expected["names"]
    assert nodes[EVIL_PARK]["label_en"] == 'Evil "Park" <b>&amp;</b>'
    assert "<svg onload=window.__pwned=5>" in nodes[EVIL_PARK]["aliases"]
    evidence = {e["evidence"] for e in edges if e.get("evidence")}
    assert evidence and evidence <= expected["anchors"] and "位于" + EVIL_NAME in evidence
    assert TITLE in {e.get("document_title") for e in edges}


def test_graphml_and_gexf_read_back_as_the_same_text(exported, expected):
    import networkx as nx

    for reader, fmt in ((nx.read_graphml, "graphml"), (nx.read_gexf, "gexf")):
        graph = reader(str(exported[fmt]))
        _check_graph(dict(graph.nodes(data=True)), [d for *_, d in graph.edges(data=True)], expected)


def test_csv_tables_read_back_as_the_same_text(exported, expected):
    with zipfile.ZipFile(exported["csv"]) as archive:
        nodes = list(csv.DictReader(io.StringIO(archive.read("nodes.csv").decode("utf-8-sig"))))
        edges = list(csv.DictReader(io.StringIO(archive.read("edges.csv").decode("utf-8-sig"))))
    _check_graph({r["id"]: r for r in nodes}, edges, expected)


def test_html_page_shows_the_names_as_text_and_runs_no_script(exported, expected, browser_context):  # noqa: F811
    html = exported["html"].read_text(encoding="utf-8")
    assert SCRIPT not in html and "<img src=x" not in html and "<svg onload" not in html
    data = json.loads(re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.DOTALL).group(1))
    assert {n["id"]: n["label"] for n in data["nodes"]} == expected["names"]
    page = Page(browser_context, exported["html"])
    try:
        page.page.fill("#search-input", "产业园 &")
        page.page.wait_for_selector("#search-results li[data-id]")
        page.page.press("#search-input", "Enter")
        text = page.panel_text()
        assert " ".join(EVIL_NAME.split()) in " ".join(text.split())
        assert "<svg onload=window.__pwned=5>" in text and " ".join(TITLE.split()) in " ".join(text.split())
        assert page.eval("window.__pwned === undefined")
        page.assert_clean()
    finally:
        page.close()


NAMES_QUERY = f"""SELECT ?e ?name WHERE {{ ?e skos:prefLabel ?name ; kg:locatedIn+ <{FUZHOU}>
    FILTER(lang(?name) = "zh" && (CONTAINS(?name, "<") || CONTAINS(?name, "}}") || CONTAINS(?name, "&"))) }}
    ORDER BY ?e"""


def _hostile_names(expected) -> dict[str, str]:
    return {e: n for e, n in expected["names"].items() if any(c in n for c in "<}&")}


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml"])
def test_kg_query_answers_read_back_as_the_same_text(hostile, expected, fmt):
    import pyoxigraph as ox

    result = invoke("query", NAMES_QUERY, "--graph", hostile, "--format", fmt)
    assert result.exit_code == 0, result.output
    if fmt == "csv":
        rows = {r["e"]: r["name"] for r in csv.DictReader(io.StringIO(result.stdout))}
    elif fmt == "json":
        rows = {b["e"]["value"]: b["name"]["value"] for b in json.loads(result.stdout)["results"]["bindings"]}
    elif fmt == "xml":
        ns = "{http://www.w3.org/2005/sparql-results#}"
        rows = {}
        for item in ElementTree.fromstring(result.stdout_bytes).iter(ns + "result"):
            values = {b.get("name"): "".join(b.itertext()) for b in item.iter(ns + "binding")}
            rows[values["e"]] = values["name"]
    else:
        rows = {s["e"].value: s["name"].value for s in ox.parse_query_results(result.stdout_bytes, ox.QueryResultsFormat.TSV)}
    assert rows == _hostile_names(expected) and EVIL_PARK in rows


@pytest.fixture(scope="module")
def hostile_server(hostile):
    proc, url = start_server("--graph", str(hostile))
    yield url
    stop(proc)


def test_kg_serve_answers_and_pages_hold_the_names_as_data(hostile_server, expected, browser_context):  # noqa: F811
    body = urllib.parse.urlencode({"query": NAMES_QUERY}).encode()
    status, _, answer = http(hostile_server + "/sparql", body, {"Content-Type": "application/x-www-form-urlencoded",
                                                                 "Accept": "application/sparql-results+json"})
    assert status == 200
    rows = {b["e"]["value"]: b["name"]["value"] for b in json.loads(answer)["results"]["bindings"]}
    assert rows == _hostile_names(expected)
    status, _, library = http(hostile_server + "/library.json")
    unbound = [e for e in json.loads(library) if "not in this graph" in e["query"]]
    assert status == 200 and unbound  # examples naming entities this graph lacks are offered unbound
    for example in unbound:
        status, _, _ = http(hostile_server + "/sparql", urllib.parse.urlencode({"query": example["query"]}).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 200, example["name"]
    page = browser_context.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        page.goto(hostile_server + "/")
        page.locator("#query").fill(NAMES_QUERY)
        page.locator("#query").press("Control+Enter")
        page.wait_for_selector("#results table")
        cells = page.locator("#results td").all_text_contents()
        assert " ".join(EVIL_NAME.split()) in [" ".join(c.split()) for c in cells]
        page.locator("#query").fill(f"SELECT ?x WHERE {{ ?x ?p \"{SCRIPT}</textarea><img src=x onerror=alert(1)> }}")
        page.locator("#query").press("Control+Enter")  # a syntax error that quotes the hostile text
        page.wait_for_selector("#error:not([hidden])")
        assert SCRIPT in page.locator("#error").text_content()
        assert page.locator("#results img, #error img").count() == 0
        assert page.evaluate("window.__pwned === undefined") and dialogs == []
    finally:
        page.close()
