"""What a query may ask for (kg.sparql.guard) and kg query's refusals: SERVICE (request forgery),
deep nesting (a crash of the engine), huge query texts, and one-line errors.

The 'internal service' a forged request would reach is a real HTTP server on a loopback port
that records every request; nothing else is contacted.
"""
from __future__ import annotations

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import invoke

from kg.sparql.guard import MAX_NESTING, MAX_QUERY_BYTES, QueryRefused, _tokens, check_query, nesting

ANSWER = {"head": {"vars": ["leak"]}, "results": {"bindings": [{"leak": {"type": "literal", "value": "internal"}}]}}


class InternalService:
    """A SPARQL-speaking HTTP server on 127.0.0.1 that records the requests it gets."""

    def __init__(self, status: int = 200):
        self.requests: list[str] = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                service.requests.append(self.path)
                body = json.dumps(ANSWER).encode() if status == 200 else b"internal admin panel: forbidden\n" * 3
                self.send_response(status)
                self.send_header("Content-Type", "application/sparql-results+json" if status == 200 else "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def internal():
    service = InternalService()
    yield service
    service.close()


def forged(url: str) -> dict[str, str]:
    """Ways to write a SERVICE call to ``url``, each of which Oxigraph would run."""
    base, _, last = url.rpartition("/")
    return {
        "plain": f"SELECT ?leak WHERE {{ SERVICE <{url}> {{ ?leak ?x ?y }} }}",
        "lower case, silent": f"select ?leak where {{ service silent <{url}> {{ ?leak ?x ?y }} }}",
        "glued to a prefixed name": f"PREFIX in: <{base}/> SELECT ?leak WHERE {{ SERVICEin:{last} {{ ?leak ?x ?y }} }}",
        "no spaces": f"SELECT ?leak WHERE{{SERVICE<{url}>{{?leak ?x ?y}}}}",
        "after a comment line": f"# SERVICE is harmless here\nSELECT ?leak WHERE {{ SERVICE <{url}> {{ ?leak ?x ?y }} }}",
        "by a variable": f"SELECT ?leak WHERE {{ BIND(<{url}> AS ?u) SERVICE ?u {{ ?leak ?x ?y }} }}",
    }


@pytest.mark.parametrize("way", sorted(forged("http://127.0.0.1:9/x")))
def test_every_way_of_writing_service_is_found(way):
    with pytest.raises(QueryRefused, match="SERVICE .* refused.*--allow-service"):
        check_query(forged("http://127.0.0.1:9/x")[way])


@pytest.mark.parametrize("query", [
    'SELECT ?x WHERE { ?x rdfs:label "SERVICE <http://127.0.0.1:9/> { ?a ?b ?c }" }',
    "SELECT ?x WHERE { ?x ?p ?o } # SERVICE <http://127.0.0.1:9/> { ?a ?b ?c }",
    "SELECT ?service WHERE { ?service <http://example.org/SERVICE> kg:Service }",
])
def test_service_in_a_string_comment_name_or_variable_is_only_text(query):
    check_query(query)  # no refusal


def test_an_allowed_endpoint_passes_and_only_that_one():
    query = forged("http://127.0.0.1:9/x")
    check_query(query["plain"], services=["http://127.0.0.1:9/x"])
    check_query(query["glued to a prefixed name"].replace("SERVICEin:", "SERVICE in:"), services=["http://127.0.0.1:9/x"])
    with pytest.raises(QueryRefused):
        check_query(query["plain"], services=["http://127.0.0.1:9/other"])
    with pytest.raises(QueryRefused, match="variable"):
        check_query(query["by a variable"], services=["http://127.0.0.1:9/x"])


def test_kg_query_refuses_service_before_any_request_leaves(internal):
    for way, query in forged(internal.url).items():
        result = invoke("query", query, "--timeout", "10")
        assert result.exit_code == 2, (way, result.output)
        assert "SERVICE" in result.output and "--allow-service" in result.output
        assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert internal.requests == []


def test_nothing_but_service_makes_the_engine_fetch(internal):
    for query in (f"SELECT * FROM <{internal.url}> WHERE {{ ?a ?b ?c }}", f"DESCRIBE <{internal.url}>",
                  f"SELECT * FROM NAMED <{internal.url}> WHERE {{ GRAPH ?g {{ ?a ?b ?c }} }}"):
        assert invoke("query", query, "--timeout", "10").exit_code == 0
    assert internal.requests == []


def test_kg_query_calls_an_allowed_endpoint(internal):
    result = invoke("query", forged(internal.url)["plain"], "--allow-service", internal.url, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output.split() == ["leak", "internal"] and len(internal.requests) == 1


@pytest.mark.parametrize("timeout", ["10", "0"])
def test_a_failing_allowed_service_is_a_one_line_error(timeout):
    failing = InternalService(status=500)
    try:
        result = invoke("query", forged(failing.url)["plain"], "--allow-service", failing.url, "--timeout", timeout)
    finally:
        failing.close()
    assert result.exit_code == 1 and failing.requests
    assert "Traceback" not in result.output and "RuntimeError" not in result.output
    assert len(result.output.strip().splitlines()) == 1 and "failed" in result.output


def test_allow_service_takes_only_absolute_urls():
    result = invoke("query", "ASK {}", "--allow-service", "127.0.0.1:9/x")
    assert result.exit_code == 2 and "absolute http(s) URL" in result.output


# Shapes Oxigraph nests one level deeper each time; each segfaulted it at 3,000 to 10,000.
SHAPES = {
    "braces": lambda n: "SELECT * WHERE " + "{" * n + "?s ?p ?o" + "}" * n,
    "parentheses": lambda n: "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * n + "?o" + ")" * n + ") }",
    "negations": lambda n: "SELECT * WHERE { ?s ?p ?o FILTER(" + "!" * n + "?o) }",
    "sub-selects": lambda n: "SELECT * WHERE { " + "{ SELECT * WHERE " * n + "{ ?s ?p ?o }" + " }" * n + " }",
    "a chain of +": lambda n: "SELECT * WHERE { ?s ?p ?o FILTER(" + "1+" * n + "1) }",
    "a chain of UNION": lambda n: "SELECT * WHERE { " + " UNION ".join(["{?s ?p ?o}"] * n) + " }",
    "a chain of BIND": lambda n: "SELECT * WHERE { ?s ?p ?o " + " ".join(f"BIND(1 AS ?v{i})" for i in range(n)) + " }",
    "a chain of MINUS": lambda n: "SELECT * WHERE { ?s ?p ?o " + "MINUS { ?s ?p ?o } " * n + " }",
    "a chain of FILTER": lambda n: "SELECT * WHERE { ?s ?p ?o " + "FILTER(?o) " * n + " }",
}


def deepest_allowed(shape: str) -> str:
    """The ``shape`` query nested as deep as the limit allows."""
    low, high = 1, 10_000
    while high - low > 1:
        middle = (low + high) // 2
        if nesting(list(_tokens(SHAPES[shape](middle)))) <= MAX_NESTING:
            low = middle
        else:
            high = middle
    return SHAPES[shape](low)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_nesting_past_the_limit_is_refused_naming_it(shape):
    with pytest.raises(QueryRefused, match=f"limit of {MAX_NESTING}"):
        check_query(SHAPES[shape](10_000))


def test_the_engine_survives_every_shape_at_the_limit():
    """The limit is sane: Oxigraph parses and runs each shape nested as deep as it allows."""
    script = ("import sys, json, pyoxigraph as ox\n"
              "store = ox.Store(); store.add(ox.Quad(ox.NamedNode('urn:s'), ox.NamedNode('urn:p'), ox.Literal('1')))\n"
              "for query in json.load(sys.stdin):\n"
              "    result = store.query(query)\n"
              "    list(result)\n")
    queries = [deepest_allowed(shape) for shape in sorted(SHAPES)]
    for query in queries:
        check_query(query)
    done = subprocess.run([sys.executable, "-c", script], input=json.dumps(queries), text=True, capture_output=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-500:]


@pytest.mark.parametrize("timeout", ["10", "0"])
def test_kg_query_refuses_deep_nesting_with_status_2(timeout):
    result = invoke("query", SHAPES["braces"](10_000), "--timeout", timeout)
    assert result.exit_code == 2 and f"limit of {MAX_NESTING}" in result.output


def test_a_query_file_without_end_is_refused_before_it_fills_the_memory():
    """/dev/zero never ends: kg query reads one byte past the limit and stops (it read 23.5 GB)."""
    done = subprocess.run([sys.executable, "-m", "kg.cli", "query", "-f", "/dev/zero", "--timeout", "5"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2 and f"{MAX_QUERY_BYTES:,} bytes" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_query_over_the_size_limit_is_refused_from_text_file_and_standard_input(tmp_path):
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * MAX_QUERY_BYTES
    path = tmp_path / "big.rq"
    path.write_text(big, encoding="utf-8")
    for args, stdin in ((["-f", str(path)], None), (["-f", "-"], big)):
        done = subprocess.run([sys.executable, "-m", "kg.cli", "query", *args], input=stdin, capture_output=True,
                              text=True, timeout=60, check=False)
        assert done.returncode == 2 and "larger than the limit" in done.stderr, done.stderr
    with pytest.raises(QueryRefused):
        check_query(big)


def test_a_parameter_that_is_no_valid_iri_is_a_one_line_error():
    result = invoke("query", "SELECT ?x WHERE { ?x ?p ?o } LIMIT 1", "--param", "x=<a b>")
    assert result.exit_code == 2 and "not a valid IRI" in result.output  # bad user input
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
