"""Latency of the query library: embedded Oxigraph, over HTTP (kg serve), rdflib's own engine,
and on a synthetic graph 100 times larger. Prints figures; asserts nothing.

    python bench/bench_query.py                 # the built-in graph, then the 100x graph
    python bench/bench_query.py --scale 10 --runs 5 --no-rdflib

Each query runs with its library example values. Embedded: the query runs and every row is read.
HTTP: a SPARQL Protocol POST to ``kg serve``, the whole answer received (JSON, Turtle for
CONSTRUCT). rdflib: the same standalone text (values in a trailing VALUES block) on an rdflib
Graph. The synthetic graph repeats every park, project, corridor, agency, document, mention and
statement ``scale`` times under new IRIs, keeping the divisions shared, so each city holds
``scale`` times as much.
"""
from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.sparql.library import bound_text, load_library  # noqa: E402
from kg.paths import DEFAULT_GRAPH, ONTOLOGY_FILE  # noqa: E402
from kg.sparql.query import bind_parameters, result_form, run  # noqa: E402
from kg.store import open_store
from kg.table import format_table  # noqa: E402

_RENAMED = re.compile(rb"<https://w3id\.org/fjkg/id/(?!division/|rule/|source/)")


def timed(func, runs: int, budget: float) -> tuple[float, int]:
    """Median milliseconds of ``func`` over up to ``runs`` runs (fewer once ``budget`` seconds are
    spent), and what its last run returned (rows or bytes)."""
    times, spent, size = [], 0.0, 0
    for _ in range(runs):
        start = time.perf_counter()
        size = func()
        elapsed = time.perf_counter() - start
        times.append(elapsed)
        spent += elapsed
        if spent > budget:
            break
    return statistics.median(times) * 1000, size


def embedded(store, text, bindings):
    def go():
        result = run(store, text, bindings)
        return 1 if result_form(result) == "boolean" else sum(1 for _ in result)
    return go


def over_http(url: str, text: str, construct: bool):
    body = urllib.parse.urlencode({"query": text}).encode()
    accept = "text/turtle" if construct else "application/sparql-results+json"

    def go():
        request = urllib.request.Request(url, body, {"Content-Type": "application/x-www-form-urlencoded",
                                                     "Accept": accept})
        with urllib.request.urlopen(request, timeout=3600) as response:
            return len(response.read())
    return go


def in_child(func, runs: int, args) -> tuple[str | float, int | str]:
    """``timed(func)`` in a forked child (it shares the loaded graphs), given up after ``--limit`` seconds."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def measure():
        try:
            ms, size = timed(func, runs, args.budget)
            send.send((round(ms, 1), size))
        except Exception as exc:  # e.g. HTTP 503 when the server's time limit stopped the query
            send.send((f"failed: {exc}"[:40], ""))

    child = context.Process(target=measure)
    child.start()
    result = receive.recv() if receive.poll(args.limit + 5) else (f"> {args.limit * 1000:.0f}", "")
    child.kill()
    child.join()
    return result


def start_server(graph: Path, workers: int, limit: float) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--graph", str(graph), "--port", "0",
                             "--timeout", str(limit), "--max-mb", "8192", "--workers", str(workers)],
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    match = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
    if not match:
        proc.kill()
        raise SystemExit(f"kg serve did not start: {line}")
    return proc, match.group(1) + "/sparql"


def synthetic_graph(source: Path, scale: int, folder: Path) -> Path:
    """An N-Triples file holding ``scale`` renamed copies of ``source`` (divisions shared)."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(source), format=ox.RdfFormat.TURTLE if source.suffix == ".ttl" else
                    ox.RdfFormat.from_extension(source.suffix.lstrip(".")))
    original = ox.serialize((q.triple for q in store), format=ox.RdfFormat.N_TRIPLES)
    path = folder / f"kg_x{scale}.nt"
    with open(path, "wb") as out:
        out.write(original)
        for copy in range(1, scale):
            out.write(_RENAMED.sub(b"<https://w3id.org/fjkg/id/s%d/" % copy, original))
    return path


def bench(graph: Path, label: str, args) -> None:
    print(f"\n== {label}: {graph}", flush=True)
    start = time.perf_counter()
    store = open_store(graph)
    print(f"loaded {len(store)} triples in {time.perf_counter() - start:.1f} s", flush=True)
    rdflib_graph = None
    if args.rdflib and label == "built graph":
        from kg.serialize import load_rdflib

        start = time.perf_counter()
        rdflib_graph = load_rdflib(graph)
        rdflib_graph.parse(ONTOLOGY_FILE, format="turtle")
        print(f"rdflib parsed it in {time.perf_counter() - start:.1f} s", flush=True)
    server = None
    if args.http:
        start = time.perf_counter()
        server, url = start_server(graph, args.workers, args.limit)
        print(f"kg serve ready in {time.perf_counter() - start:.1f} s", flush=True)
    rows = []
    try:
        reference = open_store(DEFAULT_GRAPH) if label != "built graph" else store
        for name, query in load_library().items():
            if args.only and name not in args.only:
                continue
            bindings = bind_parameters(reference, query, query.example)
            text = bound_text(query, bindings)
            ms, size = in_child(embedded(store, query.text, bindings), args.runs, args)
            row = [name, size, ms]
            if server:
                row.append(in_child(over_http(url, text, query.form == "CONSTRUCT"), args.runs, args)[0])
            if rdflib_graph is not None:
                row.append(in_child(lambda text=text: len(rdflib_graph.query(text)), max(1, args.runs // 5), args)[0])
            rows.append(row)
            print("  ".join(map(str, row)), file=sys.stderr, flush=True)
    finally:
        if server:
            server.send_signal(2)
            server.wait(timeout=60)
    headers = ["query", "rows", "embedded ms"] + (["HTTP ms"] if server else []) + \
        (["rdflib ms"] if rdflib_graph is not None else [])
    print(format_table(headers, rows), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph", type=Path, default=DEFAULT_GRAPH)
    parser.add_argument("--scale", type=int, default=100, help="size of the synthetic graph (0: skip it)")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--budget", type=float, default=5.0, help="seconds per query and engine")
    parser.add_argument("--workers", type=int, default=1, help="kg serve worker processes")
    parser.add_argument("--limit", type=float, default=120.0, help="seconds before a query is given up")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="measure only these library questions")
    parser.add_argument("--no-http", dest="http", action="store_false")
    parser.add_argument("--no-rdflib", dest="rdflib", action="store_false")
    args = parser.parse_args()
    bench(args.graph, "built graph", args)
    if args.scale > 1:
        with tempfile.TemporaryDirectory() as folder:
            start = time.perf_counter()
            big = synthetic_graph(args.graph, args.scale, Path(folder))
            print(f"\ngenerated {big.stat().st_size / 1e6:.0f} MB of N-Triples in {time.perf_counter() - start:.1f} s")
            bench(big, f"synthetic graph x{args.scale}", args)


if __name__ == "__main__":
    main()
