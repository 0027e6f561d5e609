"""Load test of `kg serve` on loopback: many concurrent clients asking the query library for a
fixed time, with SPARQL Update and Graph Store writes mixed in. Prints latency percentiles and
errors; asserts nothing (tests/test_server_limits.py runs a shorter version and checks it).

    python bench/load_server.py                              # 50 clients, 30 s, the built-in graph
    python bench/load_server.py --clients 100 --seconds 60 --workers 4 --graph fujian.ttl

Every client keeps one HTTP/1.1 connection open and loops over the library questions (their
example texts from /library.json, as the query page shows them), starting at a different one;
meanwhile two more clients send SPARQL Update and Graph Store writes, which must all be refused.
Only 127.0.0.1 is ever contacted.
"""
from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

INSERT = "INSERT DATA { <urn:x:load> <urn:x:test> <urn:x:write> }"
# (method, path, body, content type, statuses that mean "refused")
WRITES = [
    ("POST", "/sparql", urllib.parse.urlencode({"update": INSERT}), "application/x-www-form-urlencoded", {403}),
    ("POST", "/sparql", INSERT, "application/sparql-update", {403}),
    ("GET", "/sparql?" + urllib.parse.urlencode({"update": "DROP ALL"}), None, None, {403}),
    ("POST", "/update", urllib.parse.urlencode({"update": "CLEAR DEFAULT"}), "application/x-www-form-urlencoded",
     {403}),
    ("PUT", "/store?default", "<urn:x:a> <urn:x:b> <urn:x:c> .", "text/turtle", {405}),
    ("DELETE", "/store?default", None, None, {405}),
    ("POST", "/sparql", urllib.parse.urlencode({"query": INSERT}), "application/x-www-form-urlencoded", {400}),
]


@dataclass
class LoadReport:
    seconds: float
    latencies: dict[str, list[float]] = field(default_factory=dict)  # question -> seconds per answer
    errors: list[str] = field(default_factory=list)
    writes_sent: int = 0
    writes_refused: int = 0

    @property
    def answered(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    def all_latencies(self) -> list[float]:
        return [t for values in self.latencies.values() for t in values]


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile (0.5, 0.99) of ``values``, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def library_requests(base: str) -> list[tuple[str, str, str]]:
    """(name, query text, Accept) of each library question, as the query page offers them."""
    connection = _connect(base)
    connection.request("GET", "/library.json")
    examples = json.loads(connection.getresponse().read())
    connection.close()
    return [(e["name"], e["query"], "text/turtle" if e["form"] == "CONSTRUCT" else "application/sparql-results+json")
            for e in examples]


def run_load(base: str, queries: list[tuple[str, str, str]], *, clients: int, seconds: float,
             writers: int = 2) -> LoadReport:
    """``clients`` threads sending ``queries`` to ``base`` for ``seconds``, and ``writers`` threads
    sending the :data:`WRITES` meanwhile (one every 20 ms each), which must all be refused."""
    report = LoadReport(seconds)
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(number: int) -> None:
        connection = _connect(base)
        sent = 0
        while time.monotonic() < deadline:
            sent += 1
            name, text, accept = queries[(number + sent) % len(queries)]
            try:
                started = time.perf_counter()
                status, data = _send(connection, "POST", "/sparql", urllib.parse.urlencode({"query": text}),
                                     "application/x-www-form-urlencoded", accept)
                elapsed = time.perf_counter() - started
            except (OSError, http.client.HTTPException) as exc:
                status, data = 0, repr(exc).encode()
                connection.close()
                connection = _connect(base)
            with lock:
                if status == 200 and data:
                    report.latencies.setdefault(name, []).append(elapsed)
                else:
                    report.errors.append(f"{name}: HTTP {status}: {data[:120]!r}")
        connection.close()

    def writer(number: int) -> None:
        connection = _connect(base)
        sent = 0
        while time.monotonic() < deadline:
            sent += 1
            method, path, body, kind, refused = WRITES[(number + sent) % len(WRITES)]
            try:
                status, _ = _send(connection, method, path, body, kind, None)
            except (OSError, http.client.HTTPException) as exc:
                status = repr(exc)
                connection.close()
                connection = _connect(base)
            with lock:
                report.writes_sent += 1
                if status in refused:
                    report.writes_refused += 1
                else:
                    report.errors.append(f"{method} {path[:40]}: {status}, not refused")
            time.sleep(0.02)
        connection.close()

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    threads += [threading.Thread(target=writer, args=(n,), daemon=True) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 300)
    return report


def _connect(base: str) -> http.client.HTTPConnection:
    parts = urllib.parse.urlsplit(base)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"{base}: the load test only talks to this machine (127.0.0.1)")
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)


def _send(connection, method: str, path: str, body: str | None, kind: str | None, accept: str | None):
    headers = {"Content-Type": kind} if kind else {}
    if accept:
        headers["Accept"] = accept
    connection.request(method, path, body.encode("utf-8") if body is not None else None, headers)
    response = connection.getresponse()
    return response.status, response.read()


def triple_count(base: str) -> int:
    connection = _connect(base)
    query = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    status, data = _send(connection, "GET", "/sparql?" + query, None, None, "text/csv")
    connection.close()
    return int(data.split(b"\r\n")[1]) if status == 200 else -1


def summary(report: LoadReport) -> str:
    """The figures as a table: per question and overall, milliseconds."""
    from kg.table import format_table

    rows = []
    for name, values in sorted(report.latencies.items()):
        rows.append([name, len(values), f"{percentile(values, 0.5) * 1000:.0f}", f"{percentile(values, 0.99) * 1000:.0f}",
                     f"{max(values) * 1000:.0f}"])
    every = report.all_latencies()
    if every:
        rows.append(["all questions", len(every), f"{percentile(every, 0.5) * 1000:.0f}",
                     f"{percentile(every, 0.99) * 1000:.0f}", f"{max(every) * 1000:.0f}"])
    table = format_table(["question", "answers", "p50 ms", "p99 ms", "max ms"], rows)
    return (f"{table}\n{report.answered} answers in {report.seconds:g} s ({report.answered / report.seconds:.1f}/s, "
            f"mean {statistics.mean(every) * 1000 if every else 0:.0f} ms); {len(report.errors)} errors; "
            f"{report.writes_refused} of {report.writes_sent} writes refused")


def main() -> None:
    from bench_query import start_server

    from kg.paths import DEFAULT_GRAPH

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph", type=Path, default=DEFAULT_GRAPH)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2, help="kg serve --workers")
    parser.add_argument("--timeout", type=float, default=30.0, help="kg serve --timeout")
    parser.add_argument("--skip", nargs="+", default=[], metavar="NAME", help="library questions not to ask")
    args = parser.parse_args()
    proc, endpoint = start_server(args.graph, args.workers, args.timeout)
    base = endpoint.rsplit("/", 1)[0]
    try:
        before = triple_count(base)
        queries = [q for q in library_requests(base) if q[0] not in args.skip]
        report = run_load(base, queries, clients=args.clients, seconds=args.seconds)
        after = triple_count(base)
    finally:
        proc.send_signal(2)
        proc.wait(timeout=60)
    print(f"kg serve --workers {args.workers} --timeout {args.timeout:g}, {args.clients} clients for "
          f"{args.seconds:g} s, {args.graph}" + (f", without {', '.join(args.skip)}" if args.skip else ""))
    print(summary(report))
    print(f"triples before {before}, after {after}" + ("" if before == after else "  <- CHANGED"))
    for error in report.errors[:10]:
        print("error:", error)


if __name__ == "__main__":
    main()
