"""kg.store: every command opens a graph file and an Oxigraph database alike, with the same answers."""
from __future__ import annotations

import re
import subprocess
import sys
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest
from conftest import invoke, write_corpus
from rdflib.compare import isomorphic

import kg
from kg.errors import GraphNotFound, KgError
from kg.paths import DEFAULT_GRAPH, ONTOLOGY_FILE
from kg.store import NotADatabase, is_database, load_files, open_store, write_database

PLAN = "福州都市圈发展规划\n推进福州长乐国际机场二期扩建，建设福清融侨经济技术开发区。\n"


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """The built-in graph written as an Oxigraph database (as kg build -o DIR writes it)."""
    folder = tmp_path_factory.mktemp("db") / "graphdb"
    write_database(folder, list(load_files([DEFAULT_GRAPH])))
    return folder


def quads(store):
    """The default graph, as an rdflib graph (the ontology's blank nodes differ between parses)."""
    from rdflib import Graph

    triples = (q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    return Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")


def test_a_database_holds_the_same_triples_as_the_file_and_the_ontology(database):
    assert is_database(database) and not is_database(DEFAULT_GRAPH)
    from_file, from_db = open_store(), open_store(database)
    assert isomorphic(quads(from_db), quads(from_file))
    assert len(quads(from_db)) == len(load_files([DEFAULT_GRAPH])) + len(load_files([ONTOLOGY_FILE]))


def test_the_database_is_opened_read_only(database):
    store = open_store(database)
    with pytest.raises(RuntimeError, match="read-write"):
        store.update("INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }")


def test_load_graph_reads_a_database_without_the_ontology(database):
    # the same triples as Oxigraph reads from the file (it stores xsd:nonNegativeInteger as xsd:integer)
    assert isomorphic(kg.load_graph(database), quads(load_files([DEFAULT_GRAPH])))
    assert len(kg.load_graph(database)) == len(kg.load_graph())


@pytest.mark.parametrize("args", [
    ["stats"],
    ["query", "parks_in_city", "-p", "city=福州", "--format", "csv"],
    ["query", "connections_between_cities", "-p", "city1=福州", "-p", "city2=厦门", "--format", "json"],
    ["query", "city_subgraph", "-p", "city=仓山区", "--format", "ntriples"],
    ["export", "厦门", "--format", "graphml", "-o", "-"],
    ["export", "福州", "--format", "turtle", "-o", "-"],
    ["viz", "--city", "莆田", "-o", "-"],
], ids=lambda a: " ".join(a[:2]))
def test_every_command_answers_the_same_from_a_file_and_a_database(database, args):
    from_file = invoke(*args, "--graph", DEFAULT_GRAPH)
    from_db = invoke(*args, "--graph", database)
    assert from_file.exit_code == 0, from_file.output
    assert from_db.exit_code == 0, from_db.output
    # pages and exports name their source (kg.ttl, or the database folder)
    assert from_db.output.replace(str(database), str(DEFAULT_GRAPH)).replace("graphdb", "kg.ttl") == from_file.output


def test_serve_answers_from_a_database(database):
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--port", "0", "--workers", "1",
                             "--graph", str(database)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = proc.stdout.readline()
        port = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert port, line + proc.stdout.read()
        body = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) { ?p a kg:Park }"}).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{port.group(1)}/sparql", data=body,
                                         headers={"Accept": "text/csv"})
        with urllib.request.urlopen(request, timeout=60) as response:
            served = response.read().decode().split()[1]
    finally:
        proc.send_signal(2)
        proc.wait(timeout=20)
    expected = next(iter(open_store().query("PREFIX kg: <https://w3id.org/fjkg/ontology#> "
                                            "SELECT (COUNT(*) AS ?n) { ?p a kg:Park }")))["n"].value
    assert served == expected


def test_build_writes_a_database_folder_with_the_same_triples_as_a_file(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"plan.txt": PLAN})
    assert invoke("build", corpus, "-o", tmp_path / "g.nt", "-q").exit_code == 0
    result = invoke("build", corpus, "-o", tmp_path / "db", "--format", "oxigraph", "-q")
    assert result.exit_code == 0, result.output
    assert isomorphic(quads(open_store(tmp_path / "db")), quads(open_store(tmp_path / "g.nt")))
    again = invoke("build", corpus, "-o", f"{tmp_path / 'db'}/", "-q")  # an existing database is replaced
    assert again.exit_code == 0, again.output
    assert isomorphic(quads(open_store(tmp_path / "db")), quads(open_store(tmp_path / "g.nt")))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c", "db", "g.nt"]  # no temporary folder left


def test_build_refuses_to_replace_a_folder_that_is_not_a_database(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"plan.txt": PLAN})
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.txt").write_text("keep me", encoding="utf-8")
    result = invoke("build", corpus, "-o", tmp_path / "docs", "-q")
    assert result.exit_code == 1 and "not an Oxigraph database" in result.output
    assert (tmp_path / "docs" / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_missing_and_foreign_sources_are_clear_errors(tmp_path):
    with pytest.raises(GraphNotFound, match="no such graph file"):
        open_store(tmp_path / "missing.ttl")
    (tmp_path / "folder").mkdir()
    with pytest.raises(NotADatabase, match="holds no Oxigraph database"):
        open_store(tmp_path / "folder")
    result = invoke("stats", "--graph", tmp_path / "folder")
    assert result.exit_code == 1 and "folder: is a folder but holds no Oxigraph database" in result.output
    (tmp_path / "bad.ttl").write_text("<a> <b> .", encoding="utf-8")
    with pytest.raises(KgError, match="bad.ttl: not valid turtle"):
        open_store(tmp_path / "bad.ttl")
