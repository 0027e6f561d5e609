"""kg serve and kg push, tested over real HTTP on loopback ports.

The same library questions give the same answers through kg query, through the endpoint with a
SPARQL client library (SPARQLWrapper) and, for a sample, through rdflib's own SPARQL engine.
"""
from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.sparql.library import bound_text, library_query, load_library
from kg.paths import ONTOLOGY_FILE
from kg.sparql.query import bind_parameters, run
from kg.store import open_store

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "nonNegativeInteger")}
GRAPH_IRI = "https://w3id.org/fjkg/graph"


def start_server(*args: str) -> tuple[subprocess.Popen, str]:
    """``kg serve`` in a child process on a free loopback port; returns it and its base URL."""
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--port", "0", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    line = proc.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if not match:
        proc.kill()
        pytest.fail(f"kg serve did not start: {line}{proc.stdout.read()}")
    return proc, f"http://127.0.0.1:{match.group(1)}"


def wait_until_healthy(url: str, seconds: float = 60.0) -> None:
    """Wait until /health says every query worker is running (after one was stopped or killed)."""
    deadline = time.monotonic() + seconds
    while b'"ok"' not in http(url + "/health")[2]:
        assert time.monotonic() < deadline, "the query workers never came back"
        time.sleep(0.1)


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(2)  # SIGINT, as Ctrl-C
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def server(built_ttl):
    proc, url = start_server("--graph", str(built_ttl))
    yield url
    stop(proc)
    assert proc.returncode == 0  # Ctrl-C stops it cleanly


@pytest.fixture(scope="module")
def store(built_ttl):
    return open_store(built_ttl)


def http(url: str, data: bytes | None = None, headers: dict | None = None, method: str | None = None):
    """(status, content type, body) of one request."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


def normal(kind: str, value: str, lang: str | None = None, datatype: str | None = None):
    """One term, the same whichever engine produced it (numbers compared by value)."""
    if kind == "uri":
        return ("uri", value)
    if datatype in NUMERIC:
        return ("number", Decimal(value))
    plain = (None, XSD + "string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString")
    return ("literal", value, lang or "", "" if datatype in plain else datatype)


def oxigraph_rows(store, query, bindings):
    import pyoxigraph as ox

    def term(t):
        if t is None:
            return None
        if isinstance(t, ox.NamedNode):
            return normal("uri", t.value)
        return normal("literal", t.value, t.language, t.datatype.value)

    result = run(store, query.text, bindings)
    variables = [v.value for v in result.variables]
    return variables, sorted((tuple(term(s[v]) for v in variables) for s in result), key=repr)


def wrapper_rows(endpoint, text):
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(endpoint)
    client.setQuery(text)
    client.setReturnFormat(JSON)
    client.setMethod("POST")
    data = client.query().convert()
    variables = data["head"]["vars"]

    def term(b):
        if b is None:
            return None
        return normal("uri" if b["type"] == "uri" else "literal", b["value"], b.get("xml:lang"), b.get("datatype"))

    return variables, sorted((tuple(term(row.get(v)) for v in variables) for row in data["results"]["bindings"]),
                             key=repr)


def rdflib_rows(graph, text):
    from rdflib import Literal, URIRef

    def term(t):
        if t is None:
            return None
        if isinstance(t, URIRef):
            return normal("uri", str(t))
        assert isinstance(t, Literal)
        return normal("literal", str(t), t.language, str(t.datatype) if t.datatype else None)

    result = graph.query(text)
    variables = [str(v) for v in result.vars]
    return variables, sorted((tuple(term(row[v]) for v in variables) for row in result), key=repr)


@pytest.mark.parametrize("name", [n for n, q in sorted(load_library().items()) if q.form == "SELECT"])
def test_library_answers_are_the_same_over_http_with_sparqlwrapper(server, store, name):
    query = library_query(name)
    bindings = bind_parameters(store, query, query.example)
    expected = oxigraph_rows(store, query, bindings)
    assert expected[1]
    assert wrapper_rows(server + "/sparql", bound_text(query, bindings)) == expected


def test_city_subgraph_is_the_same_over_http(server, store):
    from rdflib import Graph
    from SPARQLWrapper import TURTLE, SPARQLWrapper

    query = library_query("city_subgraph")
    bindings = bind_parameters(store, query, {"city": "仓山区"})
    local = Graph().parse(data=bytes(_ntriples(run(store, query.text, bindings))), format="nt")
    client = SPARQLWrapper(server + "/sparql")
    client.setQuery(bound_text(query, bindings))
    client.setReturnFormat(TURTLE)
    remote = Graph().parse(data=client.query().convert(), format="turtle")
    assert len(local) > 100 and set(local) == set(remote)


def _ntriples(triples) -> bytes:
    import pyoxigraph as ox

    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


@pytest.fixture(scope="module")
def rdflib_graph(built_ttl):
    from kg.serialize import load_rdflib

    graph = load_rdflib(built_ttl)
    graph.parse(ONTOLOGY_FILE, format="turtle")
    return graph


@pytest.mark.parametrize("name, params", [
    ("parks_in_city", {"city": "福州"}),
    ("region_members", {}),
    ("shared_entities", {"type": "Park"}),
    ("document_entities", {"document": "闽西南协同发展区发展规划"}),
    ("corridors", {}),
    ("top_cities", {}),
    ("agency_responsibilities", {"agency": "福建省住房和城乡建设厅"}),
])
def test_a_sample_gives_the_same_answers_on_rdflib_s_own_engine(rdflib_graph, store, name, params):
    graph = rdflib_graph
    query = library_query(name)
    bindings = bind_parameters(store, query, params)
    expected = oxigraph_rows(store, query, bindings)
    assert expected[1]
    assert rdflib_rows(graph, bound_text(query, bindings)) == expected


@pytest.mark.parametrize("accept, marker", [
    ("application/sparql-results+json", b'"bindings"'),
    ("application/sparql-results+xml", b"<sparql"),
    ("text/csv", b"name\r\n"),
    ("text/tab-separated-values", b"?name\n"),
])
def test_content_negotiation_for_select(server, accept, marker):
    query = "SELECT ?name WHERE { kgr:division\\/350200 skos:prefLabel ?name }"
    status, media, body = http(server + "/sparql?" + urllib.parse.urlencode({"query": query}),
                               headers={"Accept": accept})
    assert status == 200 and media.startswith(accept) and marker in body and "厦门市".encode() in body


def test_construct_as_turtle_and_post_bodies(server):
    from rdflib import Graph

    query = "CONSTRUCT WHERE { ?p a kg:HighTechZone ; kg:locatedIn ?c }"
    status, media, body = http(server + "/sparql", query.encode(), {"Content-Type": "application/sparql-query",
                                                                    "Accept": "text/turtle"})
    assert status == 200 and media.startswith("text/turtle")
    assert len(Graph().parse(data=body, format="turtle")) > 0
    status, _, body = http(server + "/sparql", urllib.parse.urlencode({"query": query}).encode(),
                               {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/ld+json"})
    assert status == 200 and json.loads(body)
    status, _, body = http(server + "/sparql?query=ASK%7B%7D", headers={"Accept": "image/png"})
    assert status == 406 and b"text/csv" in body


def test_updates_and_graph_store_writes_are_refused(server):
    from SPARQLWrapper import POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    client = SPARQLWrapper(server + "/sparql", updateEndpoint=server + "/sparql")
    client.setMethod(POST)
    client.setQuery("INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }")
    with pytest.raises((SPARQLWrapperException, urllib.error.HTTPError)):
        client.query()
    status, _, body = http(server + "/sparql", b"update=DROP+ALL", {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 403 and b"read-only" in body
    for method in ("PUT", "POST", "DELETE"):
        status, _, _ = http(server + "/store?default", b"<urn:x:a> <urn:x:b> <urn:x:c> .", {"Content-Type": "text/turtle"},
                            method=method)
        assert status == 405
    count = "SELECT (COUNT(*) AS ?n) WHERE { <urn:x:a> ?p ?o }"
    assert b"0" in http(server + "/sparql?" + urllib.parse.urlencode({"query": count}),
                        headers={"Accept": "text/csv"})[2].splitlines()[1]


def test_graph_store_read_and_syntax_errors(server):
    status, media, body = http(server + "/store?default", headers={"Accept": "application/n-triples"})
    assert status == 200 and media.startswith("application/n-triples") and "福州高新技术产业开发区".encode() in body
    status, _, body = http(server + "/sparql?" + urllib.parse.urlencode({"query": "SELECT ?x WHERE {\n ?x ?y }"}))
    assert status == 400 and b"2:" in body and b"syntax error" in body


def test_query_page_works_offline_with_the_library_as_examples(server):
    status, media, page = http(server + "/")
    assert status == 200 and media.startswith("text/html")
    sources = re.findall(rb'(?:src|href)="([^"]+)"', page)
    assert sources and all(s.startswith(b"/") for s in sources)  # nothing from another host
    for source in sources:
        assert http(server + source.decode())[0] == 200
    assert b"http://" not in http(server + "/static/query.js")[2].replace(b"http://www.w3.org", b"").replace(
        b"http://purl.org", b"").replace(b"http://persistence.uni-leipzig.org", b"")
    status, _, body = http(server + "/library.json")
    examples = json.loads(body)
    assert [e["name"] for e in examples] == list(load_library())
    for example in examples:  # every example on the page runs as it is shown
        accept = "text/turtle" if example["form"] == "CONSTRUCT" else "application/sparql-results+json"
        status, _, answer = http(server + "/sparql", urllib.parse.urlencode({"query": example["query"]}).encode(),
                                 {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept})
        assert status == 200, (example["name"], answer[:300])
        assert accept == "text/turtle" or json.loads(answer)["results"]["bindings"], example["name"]


def test_time_and_size_limits_stop_a_query_with_a_clear_error(built_ttl):
    proc, url = start_server("--graph", str(built_ttl), "--timeout", "1", "--max-mb", "1", "--workers", "1")
    try:
        endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        status, _, body = http(url + "/sparql?" + urllib.parse.urlencode({"query": endless}))
        assert status == 503 and b"longer than" in body and b"--timeout" in body
        wait_until_healthy(url)  # the stopped query's worker is replaced
        status, _, body = http(url + "/store?default")
        assert status == 507 and b"larger than" in body
        wait_until_healthy(url)
        ask = urllib.parse.urlencode({"query": "ASK { ?s a kg:Park }"})
        status, _, body = http(url + "/sparql?" + ask)  # a fresh worker took over
        assert status == 200 and b"true" in body
    finally:
        stop(proc)


def test_serve_listens_on_loopback_only_by_default_and_reports_a_bad_graph(tmp_path):
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert "127.0.0.1" in result.output
    result = CliRunner().invoke(cli, ["serve", "--graph", str(tmp_path / "none.ttl"), "--port", "0"])
    assert result.exit_code == 1 and "no such graph file" in result.output


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def oxigraph_server(tmp_path):
    """A real Oxigraph server (read-write) in a temporary folder."""
    binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    port = free_port()
    proc = subprocess.Popen([binary, "serve", "--location", str(tmp_path / "db"), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/query?query=ASK%7B%7D", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def test_push_loads_the_graph_into_a_graph_store_server_and_replaces_it(oxigraph_server, built_ttl, store):
    from SPARQLWrapper import JSON, SPARQLWrapper

    def count(where: str) -> int:
        client = SPARQLWrapper(oxigraph_server + "/query")
        client.setQuery(f"PREFIX kg: <https://w3id.org/fjkg/ontology#> SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
        client.setReturnFormat(JSON)
        return int(client.query().convert()["results"]["bindings"][0]["n"]["value"])

    args = ["push", "--graph", str(built_ttl), "--endpoint", oxigraph_server + "/store", "--graph-iri", GRAPH_IRI]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    in_graph = f"GRAPH <{GRAPH_IRI}> {{ ?s ?p ?o }}"
    assert count(in_graph) == len(store)
    fuzhou_park = (f"GRAPH <{GRAPH_IRI}> {{ <https://w3id.org/fjkg/id/park/福州高新技术产业开发区> kg:locatedIn+ "
                   "<https://w3id.org/fjkg/id/division/350100> }")
    assert count(fuzhou_park) == 1
    assert CliRunner().invoke(cli, args).exit_code == 0  # pushing again replaces: still one copy
    assert count(in_graph) == len(store)
    named = f"GRAPH <{GRAPH_IRI}> {{ ?s ?p ?o FILTER(!isBlank(?s) && !isBlank(?o)) }}"
    before = count(named)
    assert CliRunner().invoke(cli, [*args, "--append"]).exit_code == 0  # merges (the ontology's blank nodes are new)
    assert count(named) == before and count(in_graph) > len(store)


def test_push_errors_name_the_endpoint(server, built_ttl):
    result = CliRunner().invoke(cli, ["push", "--graph", str(built_ttl), "--endpoint", server + "/store"])
    assert result.exit_code == 1 and "refused" in result.output and "405" in result.output
    result = CliRunner().invoke(cli, ["push", "--endpoint", f"http://127.0.0.1:{free_port()}/store"])
    assert result.exit_code == 1 and "cannot reach the server" in result.output
    result = CliRunner().invoke(cli, ["push", "--endpoint", "ftp://example/store"])
    assert result.exit_code == 1 and "not an http(s) URL" in result.output
