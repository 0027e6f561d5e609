"""kg push into a real Virtuoso Open-Source (Debian's virtuoso-opensource-7-bin), started from a
ten-line ini in a temporary folder on loopback ports: credentials, parts, replacing, and library
questions answered by Virtuoso's own SPARQL endpoint as kg query answers them."""
from __future__ import annotations

import json
import secrets
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.paths import DEFAULT_GRAPH, ONTOLOGY_FILE
from kg.sparql.library import bound_text, library_query
from kg.sparql.query import bind_parameters
from kg.store import load_files, open_store

GRAPH_IRI = "https://w3id.org/fjkg/graph"
XSD = "http://www.w3.org/2001/XMLSchema#"
INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
[Parameters]
ServerPort = 127.0.0.1:{sql}
DirsAllowed = {dir}
[HTTPServer]
ServerPort = 127.0.0.1:{http}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    """A fresh Virtuoso whose dba password is a random one: (Graph Store URL, SPARQL URL, password)."""
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if not binary or not isql:
        pytest.fail("Virtuoso is missing: apt-get install virtuoso-opensource-7-bin (.ci/run does)")
    folder = tmp_path_factory.mktemp("virtuoso")
    sql, http = free_port(), free_port()
    (folder / "virtuoso.ini").write_text(INI.format(dir=folder, sql=sql, http=http), encoding="utf-8")
    proc = subprocess.Popen([binary, "+foreground", "+configfile", str(folder / "virtuoso.ini")], cwd=folder,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{http}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(f"{base}/sparql?query=ASK%7B%7D", timeout=5).close()
                break
            except (urllib.error.URLError, OSError):
                assert proc.poll() is None, (folder / "virtuoso.log").read_text(errors="replace")[-2000:]
                assert time.monotonic() < deadline, "Virtuoso did not start within 180 s"
                time.sleep(0.5)
        password = "kg-" + secrets.token_hex(8)
        subprocess.run([isql, f"127.0.0.1:{sql}", "dba", "dba", f"exec=USER_SET_PASSWORD('dba', '{password}');"],
                       check=True, capture_output=True, timeout=60)
        yield f"{base}/sparql-graph-crud-auth", f"{base}/sparql", password
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def push(store_url: str, password: str, *args: str):
    return CliRunner().invoke(cli, ["push", "--endpoint", store_url, "--graph-iri", GRAPH_IRI, "--user", "dba",
                                    *args], env={"KG_PUSH_PASSWORD": password})


def normal(binding: dict | None):
    """A term of SPARQL JSON results, the same whichever engine wrote it (numbers by value)."""
    if binding is None:
        return None
    if binding["type"] == "uri":
        return ("uri", binding["value"])
    datatype = binding.get("datatype", "")
    if datatype.startswith(XSD) and datatype[len(XSD):] in ("integer", "decimal", "double", "float", "int", "long"):
        return ("number", Decimal(binding["value"]))
    return ("literal", binding["value"], binding.get("xml:lang", ""))


def rows(results: dict) -> list:
    variables = results["head"]["vars"]
    return sorted((tuple(normal(row.get(v)) for v in variables) for row in results["results"]["bindings"]), key=repr)


def count(sparql_url: str) -> int:
    return int(ask(sparql_url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")["results"]["bindings"][0]["n"]["value"])


def ask(sparql_url: str, text: str) -> dict:
    body = urllib.parse.urlencode({"query": text, "default-graph-uri": GRAPH_IRI}).encode()
    request = urllib.request.Request(sparql_url, body, {"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def test_push_loads_the_graph_in_parts_and_replaces_it(virtuoso):
    store_url, sparql_url, password = virtuoso
    expected = len(load_files([DEFAULT_GRAPH])) + len(load_files([ONTOLOGY_FILE]))
    result = push(store_url, password, "--chunk", "20000")
    assert result.exit_code == 0, result.output
    assert f"{expected} triples sent" in result.output and "in 4 part(s) (PUT first" in result.output
    assert password not in result.output
    assert count(sparql_url) == expected
    again = push(store_url, password)  # PUT replaces the graph: still one copy
    assert again.exit_code == 0, again.output
    assert count(sparql_url) == expected


@pytest.mark.parametrize("name, params", [
    ("parks_in_city", {"city": "福州"}),
    ("document_entities", {"document": "第十四个五年规划"}),
    ("agency_responsibilities", {"agency": "福建省发展和改革委员会"}),
])
def test_library_questions_answer_the_same_on_virtuoso_as_kg_query(virtuoso, name, params):
    store_url, sparql_url, password = virtuoso
    if count(sparql_url) == 0:
        assert push(store_url, password).exit_code == 0
    args = ["query", name, "--format", "json"] + [a for k, v in params.items() for a in ("-p", f"{k}={v}")]
    local = CliRunner().invoke(cli, args)
    assert local.exit_code == 0, local.output
    expected = rows(json.loads(local.output))
    query = library_query(name)
    answered = rows(ask(sparql_url, bound_text(query, bind_parameters(open_store(), query, params))))
    assert expected and answered == expected


def test_a_wrong_password_is_refused_before_any_data_and_never_printed(virtuoso):
    store_url, _, password = virtuoso
    wrong = "wrong-" + secrets.token_hex(6)
    result = push(store_url, wrong)
    assert result.exit_code == 1
    assert "HTTP 401" in result.output and "did not accept the user name and password" in result.output
    assert wrong not in result.output and password not in result.output


def test_credentials_in_the_url_are_refused_without_echoing_them():
    result = CliRunner().invoke(cli, ["push", "--endpoint", "http://dba:hunter2@127.0.0.1:1/store"])
    assert result.exit_code == 1 and "holds credentials" in result.output and "hunter2" not in result.output


@pytest.fixture
def flaky_store():
    """A real Graph Store stand-in on a loopback port that resets the first connection (as a busy
    server does) and accepts every later part: yields (URL, the requests it accepted)."""
    import struct
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    accepted: list[tuple[str, bytes, str | None]] = []
    resets = []

    class Handler(BaseHTTPRequestHandler):
        def handle_one_request(self):
            if not resets:
                resets.append(True)
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()  # RST: "Connection reset by peer"
                return
            super().handle_one_request()

        def do_PUT(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            accepted.append((self.command, body, self.headers.get("Authorization")))
            self.send_response(204)
            self.end_headers()

        do_POST = do_PUT

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/store", accepted
    server.shutdown()
    server.server_close()


def test_a_part_whose_connection_is_reset_is_sent_again(flaky_store):
    import pyoxigraph as ox

    url, accepted = flaky_store
    result = CliRunner().invoke(cli, ["push", "--endpoint", url, "--chunk", "25000", "--retries", "2"])
    assert result.exit_code == 0, result.output
    assert [method for method, _, _ in accepted] == ["PUT", "POST", "POST"]
    assert all(auth is None for _, _, auth in accepted)  # no user: no credentials sent
    received = [t for _, body, _ in accepted for t in ox.parse(body, format=ox.RdfFormat.TURTLE)]
    assert len(received) == len(load_files([DEFAULT_GRAPH])) + len(load_files([ONTOLOGY_FILE]))
    assert max(sum(1 for _ in ox.parse(body, format=ox.RdfFormat.TURTLE)) for _, body, _ in accepted) <= 25000 + 500
