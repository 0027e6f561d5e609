"""kg serve attacked as a hostile client or web page would, over real HTTP on loopback: request
forgery through SERVICE, DNS rebinding, cross-site form posts, huge and slow bodies, clients that
stop reading, broken UTF-8, deep nesting, and workers killed under load."""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import threading
import time
import urllib.parse
from http.client import HTTPConnection
from pathlib import Path

import pytest
from test_guard import SHAPES, InternalService, forged
from test_server import http, start_server, stop

from kg.paths import DEFAULT_GRAPH
from kg.sparql.guard import MAX_NESTING

SHORT = "SELECT ?name WHERE { kgr:division\\/350200 skos:prefLabel ?name }"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def services():
    allowed, forbidden = InternalService(), InternalService()
    yield allowed, forbidden
    allowed.close()
    forbidden.close()


@pytest.fixture(scope="module")
def guarded(services):
    """The built-in graph served with one allowed SERVICE endpoint and a 1 s read timeout."""
    proc, url = start_server("--allow-service", services[0].url, "--read-timeout", "1", "--timeout", "10")
    yield url
    stop(proc)


def request(url: str, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    """(status, body) of one request with exactly these headers (Host included)."""
    connection = HTTPConnection(urllib.parse.urlsplit(url).netloc, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_service_is_refused_before_any_request_leaves_the_server(guarded, services):
    url = guarded
    allowed, forbidden = services
    for way, query in forged(forbidden.url).items():
        for status, body in (http(url + "/sparql?" + urllib.parse.urlencode({"query": query}))[::2],
                             http(url + "/sparql", urllib.parse.urlencode({"query": query}).encode(), FORM)[::2],
                             http(url + "/sparql", query.encode(), {"Content-Type": "application/sparql-query"})[::2]):
            assert status == 400 and b"--allow-service" in body, (way, body)
    assert forbidden.requests == []
    status, _, body = http(url + "/sparql?" + urllib.parse.urlencode({"query": forged(allowed.url)["plain"]}),
                           headers={"Accept": "text/csv"})
    assert status == 200 and body.split() == [b"leak", b"internal"]


def test_host_names_it_does_not_serve_are_refused(guarded):
    url = guarded
    port = urllib.parse.urlsplit(url).port
    path = "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"})
    for host in (f"rebind.example:{port}", "rebind.example", f"localhost.rebind.example:{port}"):
        status, body = request(url, "GET", path, headers={"Host": host})
        assert status == 403 and b"--allow-host" in body
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "[::1]", "127.0.0.1"):
        assert request(url, "GET", path, headers={"Host": host})[0] == 200


def test_cross_site_form_posts_are_refused_unless_cors_was_asked_for(guarded):
    url = guarded
    form = urllib.parse.urlencode({"query": "ASK {}"}).encode()
    for headers in ({"Origin": "http://attacker.example"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"},
                    {"Sec-Fetch-Site": "same-site", "Origin": "http://sub.localhost"}):
        status, body = request(url, "POST", "/sparql", form, {**FORM, **headers})
        assert status == 403 and b"--cors" in body
    same_origin = {"Origin": url, "Sec-Fetch-Site": "same-origin"}
    assert request(url, "POST", "/sparql", form, {**FORM, **same_origin})[0] == 200
    assert request(url, "POST", "/sparql", form, FORM)[0] == 200  # not a browser: curl, SPARQLWrapper
    proc, open_url = start_server("--cors", "--workers", "1")
    try:
        status, body = request(open_url, "POST", "/sparql", form, {**FORM, "Origin": "http://yasgui.example"})
        assert status == 200 and b"true" in body
    finally:
        stop(proc)


def raw(url: str, head: str, body: bytes = b"", parts: int = 1) -> bytes:
    """The first bytes of the answer to a request written by hand: ``head`` (request line and
    headers), then ``body`` ``parts`` times, as far as the server takes it (it may refuse early)."""
    with socket.create_connection(urllib.parse.urlsplit(url).netloc.split(":"), timeout=30) as sock:
        sock.sendall(head.replace("\n", "\r\n").encode() + b"\r\n")
        try:
            for _ in range(parts):
                sock.sendall(body)
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = b""
        try:
            while b"\r\n\r\n" not in answer or answer.endswith(b"\r\n\r\n"):  # the head and some body
                part = sock.recv(1000)
                if not part:
                    break
                answer += part
        except ConnectionResetError:
            pass
        return answer


def test_bodies_are_limited_in_size_before_they_are_read(guarded):
    url = guarded
    query_head = "POST /sparql HTTP/1.1\nHost: 127.0.0.1\nContent-Type: application/sparql-query\n"
    answer = raw(url, query_head + "Content-Length: 100000000\n")  # announced, never sent: refused at once
    assert answer.startswith(b"HTTP/1.1 413") and b"larger than the limit" in answer
    chunk = b"10000\r\n" + b"#" * 65536 + b"\r\n"  # 5 MB without a length: refused past the limit
    answer = raw(url, query_head + "Transfer-Encoding: chunked\n", chunk, parts=80)
    assert answer.startswith(b"HTTP/1.1 413")
    update_head = "POST /update HTTP/1.1\nHost: 127.0.0.1\nContent-Type: application/sparql-update\n"
    assert raw(url, update_head + "Content-Length: 100000000\n").startswith(b"HTTP/1.1 403")
    query = ("SELECT * WHERE { ?s ?p ?o } #" + "x" * 1_100_000).encode()
    status, body = request(url, "POST", "/sparql", query, {"Content-Type": "application/sparql-query"})
    assert status == 400 and b"1,000,000 bytes" in body


def test_a_body_that_arrives_too_slowly_is_refused(guarded):
    url = guarded
    sock = socket.create_connection(urllib.parse.urlsplit(url).netloc.split(":"), timeout=30)
    with sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: 100\r\n\r\nASK {")
        started = time.monotonic()
        answer = sock.recv(200)
    assert answer.startswith(b"HTTP/1.1 408") and time.monotonic() - started < 10


def test_a_query_that_is_not_utf8_is_a_400_not_altered(guarded):
    url = guarded
    status, body = request(url, "POST", "/sparql", 'ASK { ?s ?p "\xff" }'.encode("latin-1"),
                           {"Content-Type": "application/sparql-query"})
    assert status == 400 and b"UTF-8" in body
    status, body = request(url, "POST", "/sparql", b"query=ASK+%7B+%3Fs+%3Fp+%22%FF%22+%7D", FORM)
    assert status == 400 and b"UTF-8" in body
    assert request(url, "GET", "/sparql?query=ASK+%7B+%3Fs+%3Fp+%22%FF%22+%7D")[0] == 400


@pytest.mark.parametrize("shape", ["braces", "negations", "sub-selects"])
def test_deep_nesting_is_a_400_naming_the_limit_and_the_worker_lives(guarded, shape):
    url = guarded
    status, _, body = http(url + "/sparql", SHAPES[shape](10_000).encode(), {"Content-Type": "application/sparql-query"})
    assert status == 400 and f"limit of {MAX_NESTING}".encode() in body
    assert http(url + "/health")[0] == 200 and http(url + "/sparql?" + urllib.parse.urlencode({"query": SHORT}))[0] == 200


def test_clients_that_stop_reading_or_go_away_are_given_up_quietly():
    proc, url = start_server("--read-timeout", "1", "--workers", "1")
    host, port = urllib.parse.urlsplit(url).netloc.split(":")
    big = urllib.parse.urlencode({"query": "SELECT * WHERE { ?a ?b ?c } LIMIT 60000"})  # about 10 MB of CSV
    try:
        stalled = socket.create_connection((host, int(port)), timeout=30)
        stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        stalled.sendall(f"GET /sparql?{big} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/csv\r\n\r\n".encode())
        for _ in range(30):  # uploads aborted half way
            with socket.create_connection((host, int(port)), timeout=30) as sock:
                sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                             b"Content-Length: 1000\r\n\r\nSELECT")
        time.sleep(4)  # the read timeout is 1 s
        assert http(url + "/sparql?" + urllib.parse.urlencode({"query": SHORT}))[0] == 200
        stalled.close()
    finally:
        stop(proc)
    log = proc.stdout.read()
    assert "Traceback" not in log and "ClientDisconnect" not in log and "ASGI" not in log
    assert log.count("gave up on 127.0.0.1:") == 1 and "took no part of its answer for 1 s" in log


def test_workers_killed_under_load_are_replaced_and_every_answer_is_clear(tmp_path):
    graph = tmp_path / "kg.ttl"
    shutil.copyfile(DEFAULT_GRAPH, graph)
    proc, url = start_server("--graph", str(graph), "--workers", "2", "--timeout", "10")
    statuses: list[int] = []
    stop_load = threading.Event()

    def load():
        while not stop_load.is_set():
            status, _, body = http(url + "/sparql?" + urllib.parse.urlencode({"query": SHORT}))
            statuses.append(status)
            assert status == 200 or (status in (500, 503) and b"Traceback" not in body), body

    clients = [threading.Thread(target=load) for _ in range(4)]
    for client in clients:
        client.start()
    try:
        for _ in range(3):
            time.sleep(1)
            os.kill(query_workers(proc.pid)[0], signal.SIGKILL)
        time.sleep(1)
        graph.rename(tmp_path / "moved.ttl")  # replacements cannot load now
        for pid in query_workers(proc.pid):
            os.kill(pid, signal.SIGKILL)
        wait_for(lambda: str(graph).encode() in http(url + "/health")[2])  # the reason, once tried
        status, _, body = http(url + "/health")
        assert status == 503 and b'"down"' in body and b"cannot start a query worker" in body
        time.sleep(2)
        (tmp_path / "moved.ttl").rename(graph)
        wait_for(lambda: b'"ok"' in http(url + "/health")[2])
        time.sleep(0.5)
    finally:
        stop_load.set()
        for client in clients:
            client.join(30)
        stop(proc)
    log = proc.stdout.read()
    assert statuses.count(200) > 20 and statuses[-1] == 200, statuses[-20:]
    assert "Traceback" not in log and "never retrieved" not in log
    assert log.count("no such graph file") == 1  # retried with back-off, reported once
    assert len(query_workers_lines := re.findall(r"kg serve: .*", log)) < 20, query_workers_lines


def query_workers(pid: int) -> list[int]:
    """The worker processes of the kg serve process ``pid`` (not multiprocessing's resource tracker)."""
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += [int(c) for c in (task / "children").read_text().split()]
    return [c for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


def wait_for(condition, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.2)


def test_a_worker_killed_before_any_request_is_replaced():
    proc, url = start_server("--workers", "1")
    try:
        os.kill(query_workers(proc.pid)[0], signal.SIGKILL)
        wait_for(lambda: b'"ok"' in http(url + "/health")[2] and b"null" in http(url + "/health")[2])
        assert http(url + "/sparql?" + urllib.parse.urlencode({"query": SHORT}))[0] == 200
    finally:
        stop(proc)
    assert "died while idle (killed by signal 9)" in proc.stdout.read()


def test_an_xml_answer_never_holds_a_character_xml_cannot_carry(tmp_path):
    graph = tmp_path / "g.nt"
    graph.write_text('<urn:x:a> <urn:x:p> "bell\\u0007" .\n', encoding="utf-8")
    proc, url = start_server("--graph", str(graph), "--workers", "1")
    try:
        query = urllib.parse.urlencode({"query": "SELECT ?o WHERE { ?s ?p ?o }"})
        status, _, body = http(f"{url}/sparql?{query}", headers={"Accept": "application/sparql-results+xml"})
        assert status == 406 and b"U+0007" in body and b"\x07" not in body
        status, _, body = http(f"{url}/sparql?{query}", headers={"Accept": "application/sparql-results+json"})
        assert status == 200 and b"bell" in body
    finally:
        stop(proc)
