"""``kg export``: the subgraph of one city as RDF, as a graph for Gephi/Cytoscape, as tables, or as a page.

The subgraph is :func:`kg.outputs.subgraph.city_subgraph` (the SPARQL CONSTRUCT of
``kg/sparql/queries/city_subgraph.rq``); every format is made from the same triples, so the formats
agree on what the city holds. Output is deterministic and written atomically.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from ..errors import UnknownFormat
from ..paths import DEFAULT_GRAPH
from .subgraph import City

RDF_FORMATS = {"ttl": "turtle", "nt": "ntriples", "jsonld": "jsonld", "rdf": "rdfxml"}
EXTENSIONS = {"ttl": ".ttl", "nt": ".nt", "jsonld": ".jsonld", "rdf": ".rdf", "graphml": ".graphml",
              "gexf": ".gexf", "csv": ".zip", "html": ".html"}
EXPORT_FORMATS = tuple(EXTENSIONS)
_ALIASES = {"turtle": "ttl", "ntriples": "nt", "n-triples": "nt", "json-ld": "jsonld", "json": "jsonld",
            "rdfxml": "rdf", "rdf/xml": "rdf", "xml": "rdf", "owl": "rdf", "zip": "csv", "htm": "html"}
NODE_COLUMNS = ("id", "label", "label_en", "type", "kind", "code", "lat", "lon", "aliases", "mentions",
                "documents", "degree")
EDGE_COLUMNS = ("source", "source_label", "relation", "target", "target_label", "evidence", "document",
                "document_title", "begin", "end", "rule", "confidence", "evidence_count")
_KG = "https://w3id.org/fjkg/ontology#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the same subgraph gives the same bytes


@dataclass(frozen=True)
class Export:
    """What one export holds; ``files`` maps a file name (``""`` for a single file) to its bytes."""

    city: City
    format: str
    files: dict[str, bytes]
    entities: int
    relations: int
    triples: int


def export_format(name: str | None, output: str | Path | None = None) -> str:
    """The export format called ``name``, or told by the extension of ``output``, or Turtle.

    >>> export_format(None, "fuzhou.graphml"), export_format("Turtle"), export_format(None, "-")
    ('graphml', 'ttl', 'ttl')

    Raises:
        UnknownFormat: neither the name nor the extension is one of :data:`EXPORT_FORMATS`.
    """
    if name:
        wanted = name.lower().strip().lstrip(".")
        wanted = _ALIASES.get(wanted, wanted)
        if wanted not in EXTENSIONS:
            raise UnknownFormat(f"unknown export format {name!r}; known: {', '.join(EXPORT_FORMATS)}")
        return wanted
    if output is None or str(output) == "-":
        return "ttl"
    suffix = Path(output).suffix.lower().lstrip(".")
    if Path(output).is_dir() and not suffix:
        return "csv"
    fmt = _ALIASES.get(suffix, suffix)
    if fmt not in EXTENSIONS:
        raise UnknownFormat(f"{output}: cannot tell the export format from the extension; use --format "
                            f"({', '.join(EXPORT_FORMATS)})")
    return fmt


def city_export(store, city: City, fmt: str, *, provenance: bool = True, links: dict[str, str] | None = None,
                source: str = "") -> Export:
    """The subgraph of ``city`` in format ``fmt`` (one of :data:`EXPORT_FORMATS`), in memory.

    ``links`` and ``source`` go to the ``html`` page (see :func:`kg.outputs.visualize.page_html`).
    """
    from .subgraph import city_subgraph
    from .views import rdflib_graph, to_networkx

    triples = city_subgraph(store, city, provenance=provenance)
    if fmt in RDF_FORMATS:
        return Export(city, fmt, {"": _rdf_bytes(triples, RDF_FORMATS[fmt])}, *_counts(triples), len(triples))
    graph = to_networkx(rdflib_graph(triples), details=True)
    if fmt == "graphml":
        files = {"": _graphml(graph)}
    elif fmt == "gexf":
        files = {"": _gexf(graph)}
    elif fmt == "csv":
        files = _tables(graph)
    elif fmt == "html":
        from .visualize import page_html

        files = {"": page_html(graph, city=city, links=links, source=source).encode("utf-8")}
    else:
        raise UnknownFormat(f"unknown export format {fmt!r}; known: {', '.join(EXPORT_FORMATS)}")
    return Export(city, fmt, files, graph.number_of_nodes(), graph.number_of_edges(), len(triples))


def export_city(name: str, output: str | Path | None = None, graph_path: str | Path | None = None, *,
                fmt: str | None = None, provenance: bool = True) -> tuple[Export, str]:
    """Write the subgraph of the city called ``name`` to ``output`` (``-``: standard output).

    Without ``output`` the file is ``<code>-<city>.<ext>`` in the current folder; ``csv`` goes
    into a zip file, or into a folder when ``output`` has no ``.zip`` extension.

    Returns:
        The export and where it went.

    Raises:
        UnknownCity: no city or county is called ``name``, or several are.
        KgError: unreadable or empty graph, unknown format, output path not writable.
    """
    from ..serialize import reading
    from ..store import open_store
    from .subgraph import find_city
    from .visualize import page_file_name

    fmt = export_format(fmt, output)
    store = open_store(graph_path, require_entities=True)
    city = find_city(store, name)
    result = city_export(store, city, fmt, provenance=provenance, source=Path(graph_path or DEFAULT_GRAPH).name)
    if output is None:
        output = Path(page_file_name(_code(city), _english(store, city))).with_suffix(EXTENSIONS[fmt])
    with reading(graph_path or DEFAULT_GRAPH):
        _write(result, output)
    return result, str(output)


def export_all_cities(folder: str | Path, graph_path: str | Path | None = None, *, fmt: str | None = None,
                      provenance: bool = True) -> list[Export]:
    """One export per prefecture-level city in ``folder`` plus ``index.csv`` with the counts
    (and ``index.html`` linking the pages, for ``html``)."""
    from viz import IndexEntry, render_index

    from ..store import open_store
    from .subgraph import prefecture_cities
    from .visualize import WHOLE_TITLE, ensure_folder, page_file_name

    fmt = export_format(fmt or "ttl")
    store = open_store(graph_path, require_entities=True)
    cities = prefecture_cities(store)
    names = {c.iri: Path(page_file_name(_code(c), _english(store, c))).with_suffix(EXTENSIONS[fmt]).name
             for c in cities}
    source = Path(graph_path or DEFAULT_GRAPH).name
    exports = [city_export(store, c, fmt, provenance=provenance, links=names if fmt == "html" else None,
                           source=source) for c in cities]
    rows = [["city", "name_en", "code", "file", "entities", "relations", "triples"]]
    rows += [[e.city.name, _english(store, e.city), _code(e.city), names[e.city.iri], e.entities, e.relations,
              e.triples] for e in exports]
    from ..serialize import reading, write_atomic

    with reading(graph_path or DEFAULT_GRAPH):
        folder = ensure_folder(folder)
        for result in exports:
            _write(result, folder / names[result.city.iri])
        write_atomic(folder / "index.csv", _csv_bytes(rows))
        if fmt == "html":
            entries = [IndexEntry(href=names[e.city.iri], label=e.city.name, label_en=_english(store, e.city),
                                  nodes=e.entities, edges=e.relations) for e in exports]
            write_atomic(folder / "index.html", render_index(entries, title=WHOLE_TITLE,
                                                             subtitle="城市子图 City subgraphs").encode("utf-8"))
    return exports


def _write(result: Export, output: str | Path) -> None:
    from ..serialize import atomic_writer, write_atomic
    from .visualize import ensure_folder

    if result.format != "csv":
        write_atomic(output, result.files[""])
    elif str(output) == "-" or Path(output).suffix.lower() == ".zip":
        write_atomic(output, _zip(result.files))
    else:  # every file is written in full before any replaces its old version
        folder = ensure_folder(output)
        with ExitStack() as stack:
            for name, data in result.files.items():
                stack.enter_context(atomic_writer(folder / name)).write(data)


def _counts(triples: list) -> tuple[int, int]:
    """Entities (nodes of the five types) and relations among them, as ``to_networkx`` counts them."""
    from ..model import TYPES
    from .visualize import RELATION_NAMES

    types = {_KG + t for t in TYPES}
    entities = {t.subject for t in triples if t.predicate.value == _RDF_TYPE and t.object.value in types}
    relations = {_KG + r for r in RELATION_NAMES}
    return len(entities), sum(1 for t in triples if t.predicate.value in relations
                              and t.subject in entities and t.object in entities)


def _code(city: City) -> str:
    return city.iri.rsplit("/", 1)[1]


def _english(store, city: City) -> str:
    import pyoxigraph as ox

    for quad in store.quads_for_pattern(ox.NamedNode(city.iri),
                                        ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"), None):
        if getattr(quad.object, "language", None) == "en":
            return quad.object.value
    return ""


def _rdf_bytes(triples: list, name: str) -> bytes:
    import pyoxigraph as ox

    from ..prefixes import PREFIXES
    from ..serialize import check_xml_characters, prefix_options, rdf_format

    fmt = rdf_format(name)
    data = ox.serialize(triples, format=fmt.oxigraph, **prefix_options(fmt, PREFIXES))
    return check_xml_characters(data, "RDF/XML") if fmt.name == "rdfxml" else data


def _flat(graph):
    """A copy of a ``details`` graph with scalar attributes only (GraphML and GEXF take no lists),
    nodes and edges in a fixed order."""
    import networkx as nx

    titles = graph.graph.get("titles", {})
    flat = nx.MultiDiGraph()
    for node in sorted(graph.nodes):
        data = graph.nodes[node]
        attrs = {k: data[k] for k in ("label", "label_en", "type", "kind", "code", "lat", "lon", "aliases",
                                             "included") if k in data}
        mentions = data.get("mentions", {})
        attrs.update(mentions=sum(mentions.values()), documents="|".join(mentions), degree=graph.degree(node))
        flat.add_node(node, **attrs)
    edges = sorted(graph.edges(data=True), key=lambda e: (e[0], e[2]["relation"], e[1]))
    for i, (source, target, data) in enumerate(edges):
        attrs = {k: data[k] for k in ("relation", "evidence", "document", "begin", "end", "rule", "confidence",
                                      "evidence_count") if k in data}
        if data.get("document"):
            attrs["document_title"] = titles.get(data["document"], "")
        flat.add_edge(source, target, key=f"e{i}", **attrs)
    return flat


def _graphml(graph) -> bytes:
    import networkx as nx

    from ..serialize import check_xml_characters

    buffer = io.BytesIO()
    nx.write_graphml(_flat(graph), buffer, encoding="utf-8", named_key_ids=True)
    return check_xml_characters(buffer.getvalue(), "GraphML")


def _gexf(graph) -> bytes:
    """GEXF with colours by type, size by degree and the map layout's positions, for Gephi."""
    import networkx as nx

    from viz.layout import map_layout
    from viz.style import type_style

    flat = _flat(graph)
    positions = map_layout(graph)
    for node, data in flat.nodes(data=True):
        color = type_style(data.get("type", "")).color
        data["viz"] = {"color": {"r": int(color[1:3], 16), "g": int(color[3:5], 16), "b": int(color[5:7], 16), "a": 1.0},
                       "size": 4.0 + 2.0 * data["degree"] ** 0.5,
                       "position": {"x": positions[node][0], "y": -positions[node][1], "z": 0.0}}
    buffer = io.BytesIO()
    nx.write_gexf(flat, buffer, encoding="utf-8")
    from ..serialize import check_xml_characters

    return check_xml_characters(re.sub(rb' lastmodifieddate="[^"]*"', b"", buffer.getvalue(), count=1), "GEXF")


def _tables(graph) -> dict[str, bytes]:
    flat = _flat(graph)
    nodes = [NODE_COLUMNS] + [[node] + [data.get(c, "") for c in NODE_COLUMNS[1:]] for node, data in flat.nodes(data=True)]
    edges = [EDGE_COLUMNS]
    for source, target, data in flat.edges(data=True):
        row = {"source": source, "source_label": flat.nodes[source].get("label", ""), "target": target,
               "target_label": flat.nodes[target].get("label", ""), **data}
        edges.append([row.get(c, "") for c in EDGE_COLUMNS])
    return {"nodes.csv": _csv_bytes(nodes), "edges.csv": _csv_bytes(edges)}


def _csv_bytes(rows) -> bytes:
    """CSV in UTF-8 with a byte-order mark, which spreadsheet programs need to read Chinese."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()

