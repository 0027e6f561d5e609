"""``kg viz``: interactive pages of the whole graph or of one city's subgraph.

This module chooses what to draw (the city subgraph of :mod:`kg.outputs.subgraph`, type and relation
filters) and where the pages go; the ``viz`` package draws.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import BadInput, KgError
from ..model import TYPES  # noqa: F401 (the doctest of parse_names uses it)
from ..paths import DEFAULT_GRAPH
from ..store import open_store
from .subgraph import City

RELATION_NAMES = ("locatedIn", "responsibleFor", "connects", "memberOf", "jurisdiction")
LAYOUTS = ("force", "map")
WHOLE_TITLE = "福建规划知识图谱 · Fujian planning knowledge graph"


def parse_names(text: str | None, known: tuple[str, ...], what: str) -> tuple[str, ...]:
    """The names of a comma-separated option, spelled as in ``known`` (any case).

    >>> parse_names("park, project", TYPES, "type")
    ('Park', 'Project')

    Raises:
        BadInput: a name is not in ``known``.
    """
    by_lower = {k.lower(): k for k in known}
    names = []
    for part in (text or "").split(","):
        if not part.strip():
            continue
        if part.strip().lower() not in by_lower:
            raise BadInput(f"unknown {what} {part.strip()!r}; known: {', '.join(known)}")
        names.append(by_lower[part.strip().lower()])
    return tuple(dict.fromkeys(names))


def graph_view(store, *, city: City | None = None, types: tuple[str, ...] = (),
               relations: tuple[str, ...] = ()):
    """The networkx graph to draw: the whole graph or ``city``'s subgraph, then filtered.

    ``types`` keeps the nodes of those types; ``relations`` keeps the edges of those relations
    and drops the nodes left without any edge.
    """
    from .subgraph import city_subgraph
    from .views import rdflib_graph, to_networkx

    triples = city_subgraph(store, city) if city else store.quads_for_pattern(None, None, None)
    graph = to_networkx(rdflib_graph(triples), details=True)
    if types:
        graph.remove_nodes_from([n for n, d in list(graph.nodes(data=True)) if d.get("type") not in types])
    if relations:
        graph.remove_edges_from([(u, v, k) for u, v, k, d in list(graph.edges(keys=True, data=True))
                                 if d.get("relation") not in relations])
        graph.remove_nodes_from([n for n in list(graph.nodes) if graph.degree(n) == 0])
    return graph


def page_html(graph, *, city: City | None = None, types: tuple[str, ...] = (), relations: tuple[str, ...] = (),
              layout: str = "force", links: dict[str, str] | None = None, source: str = "") -> str:
    """The ``kg viz`` page of ``graph`` (a :func:`graph_view` of the whole graph or of ``city``)."""
    from viz import render_page

    if city:
        english = graph.nodes[city.iri].get("label_en", "") if city.iri in graph else ""
        title = f"{city.name}{' · ' + english if english else ''} — 城市子图 City subgraph"
    else:
        title = WHOLE_TITLE
    parts = [f"{graph.number_of_nodes()} 个实体 entities", f"{graph.number_of_edges()} 条关系 relations"]
    if types:
        parts.append("类型 types: " + ", ".join(types))
    if relations:
        parts.append("关系 relations: " + ", ".join(relations))
    if source:
        parts.append(source)
    return render_page(graph, title=title, subtitle=" · ".join(parts), layout=layout, links=links)


def write_page(output: str | Path | None, graph_path: str | Path | None = None, *, city: str | None = None,
               types: tuple[str, ...] = (), relations: tuple[str, ...] = (), layout: str = "force") -> Path:
    """Write the page of the whole graph, or of the city called ``city``, to ``output``.

    Without ``output``: ``kg-viz.html``, or the city's :func:`page_file_name` (so that pages of
    several cities written into one folder link to each other like the ``--all-cities`` ones).
    Returns the path written (``-`` for standard output).

    Raises:
        UnknownCity: ``city`` names no city or county, or more than one.
        KgError: unreadable or empty graph, output folder missing.
    """
    from ..serialize import reading, write_atomic
    from .subgraph import find_city

    _check_layout(layout)
    store = open_store(graph_path, require_entities=True)
    found = find_city(store, city) if city else None
    graph = graph_view(store, city=found, types=types, relations=relations)
    html = page_html(graph, city=found, types=types, relations=relations, layout=layout,
                     source=Path(graph_path or DEFAULT_GRAPH).name)
    if output is None:
        output = page_file_name(found.iri.rsplit("/", 1)[1], _english_names(store).get(found.iri, "")) \
            if found else "kg-viz.html"
    with reading(graph_path or DEFAULT_GRAPH):
        write_atomic(output, html.encode("utf-8"))
    return Path(output)


def page_file_name(code: str, label_en: str = "") -> str:
    """File name of a city page: the division code and the English name, e.g. ``350100-fuzhou.html``.

    >>> page_file_name("350100", "Fuzhou")
    '350100-fuzhou.html'
    """
    slug = re.sub(r"[^a-z0-9]+", "-", label_en.lower()).strip("-")
    return f"{code}-{slug}.html" if slug else f"{code}.html"


def city_pages(store, *, layout: str = "force", whole_graph: bool = True, source: str = "") -> dict[str, str]:
    """The pages of every prefecture-level city (and of the whole graph), with ``index.html``.

    Returns:
        ``{file name: HTML}``. Double-clicking a city in any page opens its page; a district or
        county opens its city's page with it selected.
    """
    from viz import IndexEntry, render_index

    from .subgraph import prefecture_cities

    _check_layout(layout)
    cities = prefecture_cities(store)
    english = _english_names(store)
    names = {c.iri: page_file_name(c.iri.rsplit("/", 1)[1], english.get(c.iri, "")) for c in cities}
    links = dict(names)
    for iri, code in _county_codes(store):
        for city in cities:
            if code.startswith(city.iri.rsplit("/", 1)[1][:4]):
                links[iri] = f"{names[city.iri]}#{code}"
    pages, entries = {}, []
    targets = [(None, "all.html")] * whole_graph + [(c, names[c.iri]) for c in cities]
    for city, name in targets:
        graph = graph_view(store, city=city)
        pages[name] = page_html(graph, city=city, layout=layout, links=links, source=source)
        types = {}
        for _, data in graph.nodes(data=True):
            types[data.get("type", "")] = types.get(data.get("type", ""), 0) + 1
        entries.append(IndexEntry(href=name, label=city.name if city else "全部 Whole graph",
                                  label_en=english.get(city.iri, "") if city else "", nodes=graph.number_of_nodes(),
                                  edges=graph.number_of_edges(), types=types))
    pages["index.html"] = render_index(entries, title=WHOLE_TITLE, subtitle="城市子图 City subgraphs" +
                                       (f" · {source}" if source else ""))
    return pages


def write_city_pages(folder: str | Path, graph_path: str | Path | None = None, *, layout: str = "force") -> list[Path]:
    """Write :func:`city_pages` into ``folder`` (created if missing), each file atomically."""
    from ..serialize import reading, write_atomic

    store = open_store(graph_path, require_entities=True)
    pages = city_pages(store, layout=layout, source=Path(graph_path or DEFAULT_GRAPH).name)
    with reading(graph_path or DEFAULT_GRAPH):
        folder = ensure_folder(folder)
        for name, html in pages.items():
            write_atomic(folder / name, html.encode("utf-8"))
    return [folder / name for name in pages]


def ensure_folder(folder: str | Path) -> Path:
    """``folder``, created if missing (its parent must exist).

    Raises:
        KgError: the parent is missing, ``folder`` is a file, or it lies inside an input of the
            running command (see :func:`kg.serialize.reading`).
    """
    from ..serialize import check_output_folder

    folder = Path(folder)
    check_output_folder(folder)
    if folder.exists() and not folder.is_dir():
        raise KgError(f"{folder}: is a file, expected a folder")
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise KgError(f"{folder}: cannot create the folder: {exc.strerror}") from exc
    return folder


def _check_layout(layout: str) -> None:
    if layout not in LAYOUTS:
        raise BadInput(f"unknown layout {layout!r}; known: {', '.join(LAYOUTS)}")


def _english_names(store) -> dict[str, str]:
    query = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?e ?label WHERE { ?e skos:prefLabel ?label FILTER(lang(?label) = "en") }"""
    return {r["e"].value: r["label"].value for r in store.query(query)}


def _county_codes(store) -> list[tuple[str, str]]:
    query = """PREFIX kg: <https://w3id.org/fjkg/ontology#>
        SELECT DISTINCT ?e ?code WHERE { VALUES ?kind { kg:District kg:County kg:CountyLevelCity }
          ?e a ?kind ; kg:divisionCode ?code } ORDER BY ?code"""
    return [(r["e"].value, r["code"].value) for r in store.query(query)]

