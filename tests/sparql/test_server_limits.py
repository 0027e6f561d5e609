"""kg serve under stress, over real HTTP on loopback: malformed and endless queries, huge answers,
clients that keep being answered while one query runs long, and a bounded load test."""
from __future__ import annotations

import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.client import HTTPConnection

import pytest
from test_server import http, start_server, stop, wait_until_healthy

from kg.paths import PROJECT_ROOT

ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SHORT = "SELECT ?name WHERE { kgr:division\\/350200 skos:prefLabel ?name }"


def ask(url: str, query: str, accept: str = "text/csv", post: bool = False):
    if post:
        return http(url + "/sparql", urllib.parse.urlencode({"query": query}).encode(),
                    {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept})
    return http(url + "/sparql?" + urllib.parse.urlencode({"query": query}), headers={"Accept": accept})


@pytest.fixture(scope="module")
def limited(built_ttl):
    """A server with two workers, a 6 s time limit and answers of at most 1 MB."""
    proc, url = start_server("--graph", str(built_ttl), "--workers", "2", "--timeout", "6", "--max-mb", "1")
    yield url
    stop(proc)


@pytest.mark.parametrize("query, where, message", [
    ("SELECT ?x WHERE {\n  ?x kg:locatedIn ?y\n  FILTER(?y = ) }", b"3:", b"syntax error"),
    ("SELECT ?x WHERE { ?x nope:p ?y }", b"1:", b"unknown prefix nope:"),
    ("SELECT ?x WHERE { ?x ?p ?o ", b"1:", b"ends too early"),
    ("INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }", b"INSERT", b"read-only"),
])
@pytest.mark.parametrize("post", [False, True])
def test_malformed_sparql_is_a_400_with_line_and_column(limited, query, where, message, post):
    status, media, body = ask(limited, query, post=post)
    assert status == 400 and media.startswith("text/plain")
    assert where in body and message in body and b"Traceback" not in body


def test_huge_answers_are_refused_at_the_size_limit(limited):
    for query, accept in (("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", "application/sparql-results+json"),
                          ("CONSTRUCT { ?a ?b ?f } WHERE { ?a ?b ?c . ?d ?e ?f }", "application/n-triples")):
        status, _, body = ask(limited, query, accept)
        assert status == 507 and b"larger than" in body and b"--max-mb" in body and b"LIMIT" in body


def test_other_clients_are_answered_while_a_query_runs_long(limited):
    long_answer = []
    endless = threading.Thread(target=lambda: long_answer.append(ask(limited, ENDLESS)))
    endless.start()
    try:
        answers = [ask(limited, SHORT) for _ in range(10)]  # one after another
        burst = []
        clients = [threading.Thread(target=lambda: burst.append(ask(limited, SHORT, post=True))) for _ in range(10)]
        for client in clients:
            client.start()
        for client in clients:
            client.join(60)
        assert endless.is_alive(), "the long query ended before the others were answered"
        for status, _, body in answers + burst:
            assert status == 200 and "厦门市".encode() in body
        assert len(burst) == 10
    finally:
        endless.join(60)
    status, _, body = long_answer[0]
    assert status == 503 and b"longer than the server's limit of 6 s" in body
    wait_until_healthy(limited)
    assert ask(limited, SHORT)[0] == 200  # a fresh worker replaced the stopped one


def test_a_request_that_finds_every_worker_busy_is_told_to_retry(built_ttl):
    proc, url = start_server("--graph", str(built_ttl), "--workers", "1", "--timeout", "3")
    try:
        # the endless query is sent before the short one (not from a thread that may start late
        # on a busy machine), so it holds the only worker when the short one comes
        connection = HTTPConnection(urllib.parse.urlsplit(url).netloc, timeout=60)
        connection.request("GET", "/sparql?" + urllib.parse.urlencode({"query": ENDLESS}))
        endless = threading.Thread(target=lambda: connection.getresponse().read())
        endless.start()
        time.sleep(0.3)
        request = urllib.request.Request(url + "/sparql?" + urllib.parse.urlencode({"query": SHORT}))
        try:
            urllib.request.urlopen(request, timeout=60)
            pytest.fail("answered although the only worker was busy")
        except urllib.error.HTTPError as exc:
            assert exc.code == 503 and exc.headers["Retry-After"].isdigit()
            assert b"busy" in exc.read()
        endless.join(60)
        wait_until_healthy(url)
        assert ask(url, SHORT)[0] == 200
    finally:
        stop(proc)


def test_fifty_clients_for_ten_seconds_get_every_answer_and_no_write_goes_through(built_ttl, capsys):
    """The load test of bench/load_server.py, shortened: zero errors, every write refused.

    Latencies are printed (and written to test-artifacts/load.txt), never asserted."""
    sys.path.insert(0, str(PROJECT_ROOT / "bench"))
    from load_server import library_requests, run_load, summary, triple_count

    proc, url = start_server("--graph", str(built_ttl))
    try:
        before = triple_count(url)
        queries = library_requests(url)
        report = run_load(url, queries, clients=50, seconds=10)
        after = triple_count(url)
    finally:
        stop(proc)
    text = summary(report)
    artifacts = PROJECT_ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "load.txt").write_text(text + "\n", encoding="utf-8")
    with capsys.disabled():
        print("\n" + text)
    assert report.errors == []
    assert set(report.latencies) == {name for name, _, _ in queries}  # every question was answered
    assert report.writes_sent >= 10 and report.writes_refused == report.writes_sent
    assert before == after > 0
