"""One self-contained HTML page of a graph: vis-network via pyvis, our template, nothing fetched.

The page gets the graph as one JSON document inside ``<script type="application/json">``, with
``<``, ``>`` and ``&`` written as ``\\u003c`` … so that no label, alias, evidence sentence or
title can close the script element; the page script only ever puts that text into the DOM as
text (``textContent``), never as HTML.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .layout import layout as compute_layout
from .style import (COUNTY_KINDS, FOLDED_KINDS, FONT_STACK, LANDMARK_KINDS, RELATION_STYLES, TYPE_STYLES,
                    relation_style, type_style)

ASSETS = Path(__file__).parent / "assets"
#: Edges and labels are cheaper to hide while dragging or zooming past this many nodes.
_LARGE = 800
#: How many of the best-connected nodes keep a readable label at every zoom (besides landmarks).
_LABELLED = 24


@dataclass(frozen=True)
class IndexEntry:
    """One line of an index page: a page and what it holds."""

    href: str
    label: str
    label_en: str = ""
    nodes: int = 0
    edges: int = 0
    types: dict[str, int] = field(default_factory=dict)


def render_page(graph, *, title: str, subtitle: str = "", layout: str = "force",
                links: dict[str, str] | None = None) -> str:
    """The HTML of an interactive page showing ``graph``.

    Args:
        graph: a networkx (multi)digraph whose nodes have ``label`` (and optionally ``label_en``,
            ``type``, ``kind``, ``aliases`` as a list or a ``|``-joined string, ``code``,
            ``lat``/``lon``, ``mentions`` ``{document: count}``) and whose edges have ``relation``
            and ``evidences`` (a list of ``{evidence, document, begin, end, rule, confidence}``)
            or the first of them as flat attributes. ``graph.graph["titles"]`` may name the
            documents.
        title: the page heading.
        subtitle: a line under the heading.
        layout: ``force`` or ``map`` (see :mod:`viz.layout`).
        links: pages that double-clicking a node opens, ``{node: relative URL}``.

    Returns:
        The page, the same string for the same input.

    Example:
        >>> import networkx as nx
        >>> g = nx.MultiDiGraph()
        >>> g.add_node("a", label="仓山区", type="Region"); g.add_node("b", label="福州市", type="Region")
        >>> g.add_edge("a", "b", relation="locatedIn")
        0
        >>> html = render_page(g, title="<demo>")
        >>> "&lt;demo&gt;" in html and "cdn" not in html.lower()
        True
    """
    data = page_data(graph, layout=layout, links=links or {})
    return _render("page.html", title=title, subtitle=subtitle, data_json=script_json(data),
                   script=(ASSETS / "page.js").read_text(encoding="utf-8"),
                   style=(ASSETS / "page.css").read_text(encoding="utf-8"),
                   vis_js=vis_network_js(), font_stack=FONT_STACK)


def render_index(entries: list[IndexEntry], *, title: str, subtitle: str = "") -> str:
    """An HTML index page linking to ``entries``, with their counts by type."""
    types = [s for s in TYPE_STYLES.values() if any(e.types.get(s.name) for e in entries)]
    return _render("index.html", title=title, subtitle=subtitle, entries=entries, types=types,
                   style=(ASSETS / "page.css").read_text(encoding="utf-8"), font_stack=FONT_STACK)


def page_data(graph, *, layout: str = "force", links: dict[str, str] | None = None) -> dict:
    """What the page script reads: vis-network nodes, edges and options, legend, documents."""
    from pyvis.network import Network

    links = links or {}
    fold = folding(graph)
    positions = _positions(graph, fold, layout)
    degree = {n: graph.degree(n) for n in graph.nodes}
    landmarks = important_nodes(graph, fold)
    net = Network(directed=True, cdn_resources="in_line")
    for node in sorted(graph.nodes):
        attrs = graph.nodes[node]
        style = type_style(attrs.get("type", ""))
        label = str(attrs.get("label") or node)
        label_en = str(attrs.get("label_en") or "")
        kind = str(attrs.get("kind") or attrs.get("type") or "")
        aliases = _aliases(attrs.get("aliases"), label)
        x, y = positions[node]
        extra = {"code": str(attrs["code"])} if attrs.get("code") else {}
        if isinstance(attrs.get("lat"), (int, float)) and isinstance(attrs.get("lon"), (int, float)):
            extra.update(lat=attrs["lat"], lon=attrs["lon"])
        if node in links:
            extra["link"] = links[node]
        if node in fold.towns:
            extra["town"] = fold.towns[node]  # the county it folds into
        if node in fold.isolated:
            extra["isolated"] = True
        if node in landmarks:  # a label at every zoom, larger than the rest
            extra.update(landmark=True, scaling={"label": {"enabled": True, "min": 30, "max": 48, "drawThreshold": 1,
                                                           "maxVisible": 28}})
        net.add_node(node, label=label, shape=style.shape, color=_node_color(style.color), x=x, y=y,
                     value=degree[node] + 1, title="\n".join(t for t in (label_en, f"{kind} · {style.name_zh}") if t),
                     type=style.name, kind=kind, label_en=label_en, aliases=aliases,
                     mentions=[[doc, n] for doc, n in sorted((attrs.get("mentions") or {}).items())],
                     search=search_keys(label, label_en, aliases), **extra)
    _add_edges(net, graph, fold)
    used_types = {n["type"] for n in net.nodes}
    used_relations = {e["relation"] for e in net.edges}
    return {
        "nodes": net.nodes,
        "edges": net.edges,
        "options": _options(len(net.nodes)),
        "folding": {"towns": len(fold.towns), "isolated": len(fold.isolated)},
        "documents": dict(sorted((graph.graph.get("titles") or {}).items())),
        "types": [{"name": s.name, "zh": s.name_zh, "color": s.color, "shape": s.shape,
                   "count": sum(1 for n in net.nodes if n["type"] == s.name)}
                  for s in (*TYPE_STYLES.values(), type_style("?")) if s.name in used_types],
        "relations": [{"name": s.name, "zh": s.name_zh, "color": s.color, "dashes": list(s.dashes),
                       "count": sum(1 for e in net.edges if e["relation"] == s.name)}
                      for s in (*RELATION_STYLES.values(), relation_style("?")) if s.name in used_relations],
    }


def _add_edges(net, graph, fold: Folding) -> None:
    """The graph's edges (those of townships marked ``viaTown``), then the edges standing in for
    them while the townships are folded (``folded``)."""
    edges = sorted(graph.edges(data=True, keys=True), key=lambda e: (e[0], str(e[3].get("relation")), e[1], str(e[2])))
    for i, (source, target, _, attrs) in enumerate(edges):
        style = relation_style(str(attrs.get("relation", "")))
        evidences = _evidences(attrs)
        hover = f"{style.name_zh} {style.name}" + (f"\n{_shorten(evidences[0]['text'], 60)}" if evidences else "")
        net.add_edge(source, target, id=f"e{i}", relation=style.name, title=hover, width=style.width,
                     color={"color": style.color, "highlight": style.color, "hover": style.color},
                     dashes=list(style.dashes) or False, evidences=evidences,
                     **({"viaTown": True} if source in fold.towns or target in fold.towns else {}))
    for j, (source, target, relation) in enumerate(fold.edges):  # shown while the townships are folded
        style = relation_style(relation)
        net.add_edge(source, target, id=f"f{j}", relation=style.name, width=style.width, folded=True,
                     title=f"{style.name_zh} {style.name}（经乡镇 via a township）",
                     color={"color": style.color, "highlight": style.color, "hover": style.color},
                     dashes=list(style.dashes) or False, evidences=[])


@dataclass(frozen=True)
class Folding:
    """What a page hides until asked: townships (folded into their county) and unconnected nodes."""

    towns: dict[str, str]  # township -> the county it lies in
    edges: list[tuple[str, str, str]]  # (source, target, relation) standing in for edges of townships
    isolated: frozenset[str]  # nodes with no edge once the townships are folded


def folding(graph) -> Folding:
    """Townships folded into their county: each edge of a township is drawn, while folded, from or
    to its county instead (a park in a town lies, folded, in the county), unless that edge exists.

    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("t", kind="Town"); g.add_node("c", kind="County"); g.add_node("p"); g.add_node("x")
    >>> _ = g.add_edge("t", "c", relation="locatedIn"); _ = g.add_edge("p", "t", relation="locatedIn")
    >>> f = folding(g)
    >>> f.towns, f.edges, sorted(f.isolated)
    ({'t': 'c'}, [('p', 'c', 'locatedIn')], ['x'])
    """
    towns = {}
    for node, attrs in graph.nodes(data=True):
        if attrs.get("kind") in FOLDED_KINDS:
            parents = sorted(v for _, v, d in graph.out_edges(node, data=True)
                             if d.get("relation") == "locatedIn" and graph.nodes[v].get("kind") not in FOLDED_KINDS)
            if parents:
                towns[node] = parents[0]
    existing = {(u, v, d.get("relation")) for u, v, d in graph.edges(data=True)}
    edges = set()
    for u, v, d in graph.edges(data=True):
        if u in towns or v in towns:
            edge = (towns.get(u, u), towns.get(v, v), str(d.get("relation", "")))
            if edge[0] != edge[1] and edge not in existing:
                edges.add(edge)
    linked = {n for u, v, _ in graph.edges(data=True) if u != v for n in (u, v)}
    isolated = frozenset(n for n in graph.nodes if n not in linked and n not in towns)
    return Folding(towns, sorted(edges), isolated)


def important_nodes(graph, fold: Folding, count: int = _LABELLED) -> set[str]:
    """The nodes whose labels show at every zoom: landmarks (the province, prefecture-level
    cities) and the best-connected nodes outside the townships (one in 25 of those shown, at
    least 8 and at most ``count``, so that a city's page is not all labels)."""
    visible = [n for n in graph.nodes if n not in fold.towns and n not in fold.isolated]
    count = min(count, max(8, len(visible) // 25))
    ranked = sorted(visible, key=lambda n: (-graph.degree(n), str(graph.nodes[n].get("label", n)), n))
    counties = [n for n in visible if graph.nodes[n].get("kind") in COUNTY_KINDS]
    kinds = LANDMARK_KINDS + (COUNTY_KINDS if len(counties) <= 30 else ())  # a city's page: its districts too
    # a city met only as the far end of a route (degree 1 or 2) is no landmark
    return {n for n in visible if graph.nodes[n].get("kind") in kinds and graph.degree(n) >= 3} | set(ranked[:count])


def _positions(graph, fold: Folding, layout: str) -> dict[str, tuple[float, float]]:
    """The layout of the folded graph; townships in a small sunflower around their county, and
    unconnected nodes in a grid below the rest (drawn only when asked for)."""
    import math

    core = graph.subgraph([n for n in graph.nodes if n not in fold.towns and n not in fold.isolated]).copy()
    for u, v, relation in fold.edges:
        core.add_edge(u, v, relation=relation)
    positions = dict(compute_layout(core, layout)) if core.number_of_nodes() else {}
    golden = math.pi * (3 - math.sqrt(5))
    placed: dict[str, int] = {}
    for town, county in sorted(fold.towns.items(), key=lambda t: (t[1], t[0])):
        cx, cy = positions.get(county, (0.0, 0.0))
        k = placed[county] = placed.get(county, -1) + 1
        r = 22.0 * math.sqrt(k + 1)
        positions[town] = (round(cx + r * math.cos(k * golden), 1), round(cy + r * math.sin(k * golden), 1))
    xs = [p[0] for p in positions.values()] or [0.0]
    ys = [p[1] for p in positions.values()] or [0.0]
    columns = max(1, int((max(xs) - min(xs)) // 60) or 1)
    for i, node in enumerate(sorted(fold.isolated)):
        positions[node] = (round(min(xs) + 60.0 * (i % columns), 1), round(max(ys) + 120.0 + 60.0 * (i // columns), 1))
    return positions


def search_keys(label: str, label_en: str, aliases: list[str]) -> list[str]:
    """Lower-case strings a search box matches: names, aliases, their pinyin and its initials.

    >>> search_keys("福州市", "Fuzhou", ["榕城"])
    ['福州市', 'fuzhou', '榕城', 'fuzhoushi', 'fzs', 'rongcheng', 'rc']
    """
    from pypinyin import lazy_pinyin

    keys = [label.lower(), label_en.lower(), *(a.lower() for a in aliases)]
    for name in (label, *aliases):
        syllables = [s.lower() for s in lazy_pinyin(name) if s.strip()]
        keys += ["".join(syllables).replace(" ", ""), "".join(s[0] for s in syllables if s[0].isalnum())]
    return list(dict.fromkeys(k for k in keys if k))


def script_json(data) -> str:
    """JSON that is safe inside an HTML ``<script>`` element (and deterministic).

    >>> script_json({"name": "</script><b>&"})
    '{"name":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


def vis_network_js() -> str:
    """vis-network's standalone build as pyvis ships it (with its licence header)."""
    import pyvis

    path = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2" / "vis-network.min.js"
    text = path.read_text(encoding="utf-8")
    if "</script" in text.lower():  # would end the inline script element early
        raise RuntimeError(f"{path}: cannot be inlined, it contains </script")
    return text


def _render(template: str, **context) -> str:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(ASSETS), autoescape=True, undefined=StrictUndefined,
                      keep_trailing_newline=True)
    return env.get_template(template).render(**context)


def _options(node_count: int) -> dict:
    large = node_count > _LARGE
    return {
        "autoResize": True,
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": large, "hideEdgesOnZoom": large,
                        "keyboard": {"enabled": True, "bindToWindow": False}, "multiselect": False},
        "nodes": {"borderWidth": 1, "borderWidthSelected": 3,
                  "font": {"face": FONT_STACK, "size": 14, "strokeWidth": 3, "strokeColor": "#ffffff", "color": "#1d2733"},
                  # Ordinary labels appear as one zooms in (drawn from 14 px on screen); landmarks
                  # carry their own scaling with a threshold of 1, so they show at every zoom.
                  "scaling": {"min": 7, "max": 34, "label": {"enabled": True, "min": 12, "max": 26,
                                                             "maxVisible": 30, "drawThreshold": 14}}},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.45}}, "smooth": False,
                  "selectionWidth": 1.5, "hoverWidth": 0.8},
    }


def _node_color(color: str) -> dict:
    return {"background": color, "border": "#ffffff", "highlight": {"background": color, "border": "#111111"},
            "hover": {"background": color, "border": "#111111"}}


def _aliases(value, label: str) -> list[str]:
    if not value:
        return []
    items = value.split("|") if isinstance(value, str) else list(value)
    return sorted({str(a) for a in items if a and a != label})


def _evidences(attrs: dict) -> list[dict]:
    items = attrs.get("evidences")
    if items is None:
        items = [attrs] if attrs.get("evidence") else []
    return [{"text": str(i.get("evidence", "")), "document": str(i.get("document", "")),
             "begin": i.get("begin"), "end": i.get("end"), "rule": str(i.get("rule", "")),
             "confidence": i.get("confidence")} for i in items if i.get("evidence")]


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
