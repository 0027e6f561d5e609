"""kg: a knowledge graph of Fujian's metropolitan and regional planning, built from the plans.

    >>> import kg
    >>> graph = kg.load_graph()            # the built-in graph of the five planning documents
    >>> len(graph) > 10000
    True

Heavy modules (rdflib, jieba, pyoxigraph) are imported when a function needs them, so that
``import kg`` and ``kg --help`` stay fast.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .errors import KgError

if TYPE_CHECKING:  # pragma: no cover
    import networkx
    import rdflib

    from .pipeline.build import BuildReport

__version__ = "0.1.0"
__all__ = ["KgError", "build", "build_file", "load_graph", "to_networkx", "__version__"]


def build(corpus_dir: str | Path | None = None, **options) -> "rdflib.Graph":
    """Build the knowledge graph of the ``.txt`` documents in ``corpus_dir`` (default: the
    planning corpus, ``$KG_CORPUS`` or ``../shared/corpus``) and return it as an rdflib Graph.
    Options: ``jobs`` (processes), ``cache`` (a folder, or True for the user cache folder)."""
    from .pipeline.build import build_graph

    return build_graph(corpus_dir, **options)


def build_file(corpus_dir: str | Path, output: str | Path, **options) -> "BuildReport":
    """Build the graph of ``corpus_dir`` and write it atomically to ``output`` (format from the
    extension). See :func:`kg.pipeline.build.build_file`."""
    from .pipeline.build import build_file as _build_file

    return _build_file(corpus_dir, output, **options)


def load_graph(path: str | Path | None = None) -> "rdflib.Graph":
    """Read a built graph (default: the built-in ``data/kg.ttl``), a file in any format kg writes
    or an Oxigraph database folder, into an rdflib Graph (see :mod:`kg.store`)."""
    from .store import open_rdflib

    return open_rdflib(path)


def to_networkx(graph: "rdflib.Graph", *, details: bool = False) -> "networkx.MultiDiGraph":
    """Entities as nodes (label, English label, type, kind, coordinates) and relations as edges
    (relation, evidence, document, rule, confidence); ``details=True`` adds mentions per document,
    every evidence and jurisdiction edges. See :func:`kg.outputs.views.to_networkx`."""
    from .outputs.views import to_networkx as _to_networkx

    return _to_networkx(graph, details=details)
