"""A graph file against an Oxigraph database folder (kg/store.py): what a command pays to open
the graph, what a warm query costs, and when `kg serve` is ready. Prints figures; asserts nothing.

    python bench/store_open.py                    # the built-in graph and 10 times it
    python bench/store_open.py --scales 1 10 100  # up to ~6 M triples (a few GB of memory for the file)

For each size: the graph as N-Triples (``bench_query``'s synthetic copies, divisions shared) and
as a database written by kg.store.write_database; then, for each, the wall time of a whole
``kg query parks_in_city -p city=福州`` process, the time to open it in Python, the median time of warm
library questions on the opened store, and the time until ``kg serve --workers 2`` prints its
address. Figures of one size come from one run, one measurement after another.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_query import start_server, synthetic_graph

from kg.paths import DEFAULT_GRAPH
from kg.sparql.library import library_query
from kg.sparql.query import bind_parameters, run
from kg.store import open_store, write_database
from kg.table import format_table

QUESTIONS = ("region_members", "parks_in_city", "document_entities", "entity_facts", "city_subgraph")


def seconds(func) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def database_of(graph: Path, folder: Path) -> Path:
    """The graph file written as a database (streamed: the file is never held in memory)."""
    import pyoxigraph as ox

    def quads():
        for item in ox.parse(path=str(graph)):
            yield item if isinstance(item, ox.Quad) else ox.Quad(item.subject, item.predicate, item.object)

    target = folder / f"{graph.stem}.db"
    write_database(target, quads())
    return target


def warm_ms(store, reference, runs: int, questions) -> list[str]:
    """Median milliseconds of each of ``questions``, its example bound, every row read."""
    figures = []
    for name in questions:
        query = library_query(name)
        bindings = bind_parameters(reference, query, query.example)
        def answer(text=query.text, bindings=bindings):
            return sum(1 for _ in run(store, text, bindings))

        answer()  # warm
        times = [seconds(answer) for _ in range(runs)]
        figures.append(f"{statistics.median(times) * 1000:.1f}")
    return figures


def measure(graph: Path, reference, runs: int, questions) -> list:
    command = [sys.executable, "-m", "kg.cli", "query", "parks_in_city", "-p", "city=福州", "--graph",
               str(graph), "--format", "csv"]
    call = statistics.median(seconds(lambda: subprocess.run(command, check=True, capture_output=True))
                             for _ in range(3))
    opened = statistics.median(seconds(lambda: open_store(graph)) for _ in range(3))
    store = open_store(graph)
    start = time.perf_counter()
    server, _ = start_server(graph, 2, 600)
    ready = time.perf_counter() - start
    server.send_signal(2)
    server.wait(timeout=60)
    return [f"{len(store):,}", f"{call:.2f}", f"{opened:.2f}", f"{ready:.2f}", *warm_ms(store, reference, runs, questions)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--runs", type=int, default=7, help="runs per warm question")
    parser.add_argument("--questions", nargs="+", default=list(QUESTIONS), metavar="NAME")
    parser.add_argument("--sources", nargs="+", choices=("file", "database"), default=["file", "database"],
                        help="measure only these (a file of 100x needs several GB of memory per process)")
    args = parser.parse_args()
    reference = open_store(DEFAULT_GRAPH)
    rows = []
    for scale in args.scales:
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            graph = synthetic_graph(DEFAULT_GRAPH, scale, folder)
            start = time.perf_counter()
            database = database_of(graph, folder)
            written = time.perf_counter() - start
            for kind, source in (("file", graph), ("database", database)):
                if kind not in args.sources:
                    continue
                rows.append([f"{scale}x", kind, *measure(source, reference, args.runs, args.questions)])
                print("  ".join(rows[-1]), file=sys.stderr, flush=True)
            print(f"{scale}x: database written in {written:.1f} s", flush=True)
    print(format_table(["graph", "source", "triples", "kg query s", "open s", "serve ready s",
                        *(f"{q} ms" for q in args.questions)], rows))


if __name__ == "__main__":
    main()
