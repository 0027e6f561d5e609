"""The library texts handed out by /library.json: values in a trailing VALUES block (before issue
14) against a VALUES block opening every WHERE (now), embedded and over HTTP, each compared with
the pre-bound query (embedded, SEP-0007 substitutions). Prints figures; asserts nothing.

    python bench/bound_texts.py                   # the built-in graph
    python bench/bound_texts.py --scale 10        # a synthetic graph 10 times larger

Every measurement is the median of ``--runs`` runs in one process, one after another, so the
ratios compare like with like on a shared, noisy machine.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_query import embedded, over_http, start_server, synthetic_graph, timed

from kg.paths import DEFAULT_GRAPH
from kg.sparql.library import bound_text, load_library, values_block
from kg.sparql.query import bind_parameters
from kg.store import open_store
from kg.table import format_table


def trailing_text(query, bindings) -> str:
    """The text /library.json handed out before: the values in one block after the query."""
    return query.text.rstrip() + "\n" + values_block(bindings) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph", type=Path, default=DEFAULT_GRAPH)
    parser.add_argument("--scale", type=int, default=1, help="copies of the graph (bench_query's synthetic graph)")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per query and text")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        graph = synthetic_graph(args.graph, args.scale, Path(folder)) if args.scale > 1 else args.graph
        store = open_store(graph)
        reference = open_store(args.graph)  # names are bound in the original: the copies repeat them
        server, url = start_server(graph, 1, 600)
        rows = []
        try:
            for name, query in load_library().items():
                if not query.example:
                    continue
                bindings = bind_parameters(reference, query, query.example)
                bound, _ = timed(embedded(store, query.text, bindings), args.runs, args.budget)
                construct = query.form == "CONSTRUCT"
                row = [name, f"{bound:.1f}"]
                for text in (trailing_text(query, bindings), bound_text(query, bindings)):
                    engine, _ = timed(embedded(store, text, {}), args.runs, args.budget)
                    http, _ = timed(over_http(url, text, construct), args.runs, args.budget)
                    row += [f"{engine:.1f}", f"{http:.1f}", f"{engine / bound:.1f}"]
                rows.append(row)
                print("  ".join(rows[-1]), file=sys.stderr, flush=True)
        finally:
            server.send_signal(2)
            server.wait(timeout=60)
    print(format_table(["question", "bound ms", "trailing ms", "trailing HTTP ms", "trailing / bound",
                        "first ms", "first HTTP ms", "first / bound"], rows))
    print("bound: the pre-bound query, embedded; trailing: values after the query (before); first: a VALUES block "
          "opening every WHERE (now); ms: embedded, the text as sent; HTTP: through kg serve, the whole answer "
          "received; ratios: the text embedded / bound")


if __name__ == "__main__":
    main()
