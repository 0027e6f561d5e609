"""Interactive pages of a graph it is handed (a networkx graph): vis-network through pyvis.

This package draws; it knows nothing of how the graph was extracted. ``kg viz`` and
``kg export --format html`` hand it the knowledge graph or a city subgraph.

    >>> from viz import render_page
"""
from .page import IndexEntry, render_index, render_page

__all__ = ["IndexEntry", "render_index", "render_page"]
