"""How fast `kg viz` pages open: build time, HTML size, and in headless Chromium the time from
navigation to the first draw and to "interactive" (search, filters and clicks wired up).

Physics is off (positions come from Python), so the first draw is the settled picture: there is
no stabilization phase to wait for.

    python bench/viz_pages.py [--graph FILE] [--runs 5] [--layout force|map]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def build_pages(folder: Path, graph_path, layout: str) -> list[tuple[str, Path, int, int, float]]:
    """The whole graph's page and the largest city's: (name, path, nodes, edges, build seconds)."""
    from kg.outputs.subgraph import prefecture_cities
    from kg.outputs.visualize import graph_view, page_html
    from kg.store import open_store

    store = open_store(graph_path)
    views = [(None, graph_view(store))] + [(c, graph_view(store, city=c)) for c in prefecture_cities(store)]
    largest = max(views[1:], key=lambda v: v[1].number_of_nodes())
    pages = []
    for city, graph in (views[0], largest):
        started = time.perf_counter()
        html = page_html(graph, city=city, layout=layout)
        seconds = time.perf_counter() - started
        path = folder / ("whole.html" if city is None else "largest-city.html")
        path.write_text(html, encoding="utf-8")
        pages.append((city.name if city else "whole graph", path, graph.number_of_nodes(), graph.number_of_edges(),
                      seconds))
    return pages


def open_times(path: Path, runs: int) -> tuple[list[float], list[float]]:
    """Milliseconds from navigation start to the first draw and to interactive, per run."""
    from playwright.sync_api import sync_playwright

    first, ready = [], []
    with sync_playwright() as playwright:
        for _ in range(runs):
            with tempfile.TemporaryDirectory() as profile:
                context = playwright.chromium.launch_persistent_context(
                    profile, executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS,
                    viewport={"width": 1500, "height": 950})
                page = context.new_page()
                page.goto(path.resolve().as_uri())
                page.wait_for_function("() => window.kgViz && kgViz.ready && kgViz.firstDrawMs !== null")
                draw, wired = page.evaluate("() => [kgViz.firstDrawMs, kgViz.readyMs]")
                first.append(draw)
                ready.append(max(draw, wired))  # drawn, and search, filters and clicks wired up
                context.close()
    return first, ready


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", default=None, help="graph file (default: the built-in graph)")
    parser.add_argument("--runs", type=int, default=5, help="browser launches per page")
    parser.add_argument("--layout", default="force", choices=["force", "map"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        print(f"{'page':<14} {'nodes':>6} {'edges':>6} {'build s':>8} {'HTML MB':>8} "
              f"{'first draw ms':>14} {'interactive ms':>15}  (median of {args.runs}, min–max)")
        for name, path, nodes, edges, seconds in build_pages(Path(folder), args.graph, args.layout):
            first, ready = open_times(path, args.runs)
            size = path.stat().st_size / 1e6
            print(f"{name:<14} {nodes:>6} {edges:>6} {seconds:>8.2f} {size:>8.2f} "
                  f"{statistics.median(first):>7.0f} ({min(first):.0f}–{max(first):.0f}) "
                  f"{statistics.median(ready):>7.0f} ({min(ready):.0f}–{max(ready):.0f})")


if __name__ == "__main__":
    main()
