"""Node positions computed in Python, so the page draws at once with physics off.

Two layouts:

* ``force``: a Fruchterman–Reingold spring layout (numpy) of each connected component (networkx
  finds them), started from the map positions, the components packed in rows, largest first, so
  that isolated nodes do not fly off to the edges;
* ``map``: places with WGS84 coordinates where they are on the map, and everything else (towns
  without coordinates, parks, projects, agencies) in a small sunflower around the place it lies
  in, serves or connects.

Both are deterministic: the same graph gives the same positions (rounded to 0.1 px).
"""
from __future__ import annotations

import math
from statistics import median

#: Which neighbours place a node without coordinates, best first (``in`` = edges pointing at it).
ANCHOR_RELATIONS = (("out", "locatedIn"), ("out", "jurisdiction"), ("out", "connects"), ("out", "responsibleFor"),
                    ("in", "memberOf"), ("in", "locatedIn"), ("any", None))
_GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
_NODE_SPACING = 70.0  # pixels between neighbouring nodes of a force layout
_SATELLITE_STEP = 26.0  # pixels; sunflower radius grows with the square root of the index


def layout(graph, name: str = "force") -> dict[str, tuple[float, float]]:
    """Positions ``{node: (x, y)}`` in pixels (y grows downwards) by the layout called ``name``.

    Raises:
        ValueError: ``name`` is neither ``force`` nor ``map``.
    """
    if name == "force":
        return force_layout(graph)
    if name == "map":
        return map_layout(graph)
    raise ValueError(f"unknown layout {name!r}: use force or map")


def force_layout(graph, iterations: int = 60) -> dict[str, tuple[float, float]]:
    """A force-directed layout of each connected component, components packed in rows.

    The springs start from :func:`map_layout`, so the result keeps a rough geography (the
    Fuzhou cluster north-east of the Xiamen one) and settles in few iterations.
    """
    import networkx as nx

    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph.nodes))
    simple.add_edges_from(sorted((u, v) for u, v in graph.edges() if u != v))
    start = map_layout(graph) if _has_coordinates(graph) else {}
    components = sorted((sorted(c) for c in nx.connected_components(simple)), key=lambda c: (-len(c), c[0]))
    boxes = []
    for nodes in components:
        if len(nodes) == 1:
            boxes.append({nodes[0]: (0.0, 0.0)})
            continue
        edges = [(u, v) for u, v in simple.subgraph(nodes).edges()]
        radius = _NODE_SPACING * math.sqrt(len(nodes)) * 0.6
        boxes.append(_springs(nodes, edges, start, radius, iterations))
    return _pack(boxes)


def _springs(nodes: list[str], edges: list[tuple[str, str]], start: dict, radius: float,
             iterations: int) -> dict[str, tuple[float, float]]:
    """Fruchterman–Reingold on a unit square (numpy, all pairs), scaled to ``radius`` pixels."""
    import numpy as np

    n = len(nodes)
    index = {node: i for i, node in enumerate(nodes)}
    angles = np.arange(n) * _GOLDEN_ANGLE  # a sunflower when there is no map to start from
    pos = np.column_stack([np.sqrt(np.arange(n) + 0.5) * np.cos(angles), np.sqrt(np.arange(n) + 0.5) * np.sin(angles)])
    known = [i for i, node in enumerate(nodes) if node in start]
    if len(known) == n:
        pos = np.array([start[node] for node in nodes], dtype=float)
    pos -= pos.min(axis=0)
    pos /= max(float(pos.max()), 1e-9)
    src = np.array([index[u] for u, _ in edges])
    dst = np.array([index[v] for _, v in edges])
    k = 1.0 / math.sqrt(n)
    temperature = 0.1 if len(known) < n else 0.04
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        dx = pos[:, 0, None] - pos[None, :, 0]
        dy = pos[:, 1, None] - pos[None, :, 1]
        d2 = np.maximum(dx * dx + dy * dy, 1e-9)
        np.fill_diagonal(d2, np.inf)
        repulse = k * k / d2
        force = np.column_stack([(dx * repulse).sum(axis=1), (dy * repulse).sum(axis=1)])
        along = pos[src] - pos[dst]
        pull = along * (np.sqrt((along * along).sum(axis=1)) / k)[:, None]
        np.add.at(force, src, -pull)
        np.add.at(force, dst, pull)
        length = np.maximum(np.sqrt((force * force).sum(axis=1)), 1e-9)
        pos += force * (np.minimum(length, temperature) / length)[:, None]
        temperature -= cooling
    pos -= pos.mean(axis=0)
    pos *= radius / max(float(np.abs(pos).max()), 1e-9)
    return {node: (float(pos[i, 0]), float(pos[i, 1])) for node, i in index.items()}


def _has_coordinates(graph) -> bool:
    return any(isinstance(d.get("lat"), (int, float)) for _, d in graph.nodes(data=True))


def _pack(boxes: list[dict[str, tuple[float, float]]]) -> dict[str, tuple[float, float]]:
    """Place the components' own layouts in rows from left to right, a margin around each."""
    margin = _NODE_SPACING
    extents = []
    for local in boxes:
        xs = [p[0] for p in local.values()]
        ys = [p[1] for p in local.values()]
        extents.append((min(xs), min(ys), max(xs) - min(xs) + margin, max(ys) - min(ys) + margin))
    area = sum(w * h for *_, w, h in extents)
    row_width = max(max((e[2] for e in extents), default=0), math.sqrt(area) * 1.3)
    positions, x, y, row_height = {}, 0.0, 0.0, 0.0
    for local, (min_x, min_y, w, h) in zip(boxes, extents):
        if x > 0 and x + w > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        for node, (px, py) in local.items():
            positions[node] = (round(x + px - min_x, 1), round(y + py - min_y, 1))
        x += w
        row_height = max(row_height, h)
    return positions


def map_layout(graph) -> dict[str, tuple[float, float]]:
    """Real coordinates for places that have them; everything else around what it belongs to.

    Places far outside the area most places are in (a railway's far end in another province) are
    drawn on the edge of that area, in their true direction, so the map keeps its detail.
    """
    coords = {n: (d["lon"], d["lat"]) for n, d in graph.nodes(data=True)
              if isinstance(d.get("lat"), (int, float)) and isinstance(d.get("lon"), (int, float))}
    if not coords:
        return force_layout(graph)
    positions = _project(coords, width=_NODE_SPACING * 1.4 * math.sqrt(graph.number_of_nodes()))
    pending = sorted(n for n in graph.nodes if n not in positions)
    satellites: dict[tuple[float, float], int] = {}
    while pending:
        placed_now: dict[tuple[float, float], list[str]] = {}
        for node in pending:
            anchor = _anchor(graph, node, positions)
            if anchor is not None:
                placed_now.setdefault(anchor, []).append(node)
        if not placed_now:
            break
        for anchor, nodes in sorted(placed_now.items()):
            nodes.sort(key=lambda n: (graph.nodes[n].get("type", ""), graph.nodes[n].get("label", ""), n))
            for i, node in enumerate(nodes, start=satellites.get(anchor, 0)):
                radius = _SATELLITE_STEP * math.sqrt(i + 1) + 18
                angle = i * _GOLDEN_ANGLE
                positions[node] = (round(anchor[0] + radius * math.cos(angle), 1),
                                   round(anchor[1] + radius * math.sin(angle), 1))
            satellites[anchor] = satellites.get(anchor, 0) + len(nodes)
        pending = [n for n in pending if n not in positions]
    if pending:  # nodes with no placed neighbour: a grid below the map
        bottom = max(p[1] for p in positions.values()) + 3 * _NODE_SPACING
        left = min(p[0] for p in positions.values())
        columns = max(1, int(math.sqrt(len(pending)) * 2))
        pending.sort(key=lambda n: (graph.nodes[n].get("type", ""), graph.nodes[n].get("label", ""), n))
        for i, node in enumerate(pending):
            positions[node] = (round(left + (i % columns) * _NODE_SPACING * 1.6, 1),
                               round(bottom + (i // columns) * _NODE_SPACING, 1))
    return positions


def _project(coords: dict[str, tuple[float, float]], width: float) -> dict[str, tuple[float, float]]:
    """Equirectangular projection onto a frame about ``width`` pixels wide."""
    lat0 = median(lat for _, lat in coords.values())
    lon0 = median(lon for lon, _ in coords.values())
    shrink = math.cos(math.radians(lat0))
    plane = {n: ((lon - lon0) * shrink, -(lat - lat0)) for n, (lon, lat) in coords.items()}
    xs, ys = sorted(p[0] for p in plane.values()), sorted(p[1] for p in plane.values())

    def bounds(values):  # median ± 3.5 median absolute deviations: the area most places are in
        centre = median(values)
        spread = max(3.5 * median(abs(v - centre) for v in values), 0.15)
        return max(values[0], centre - spread), min(values[-1], centre + spread)

    (x_low, x_high), (y_low, y_high) = bounds(xs), bounds(ys)
    clamped = {}
    for node, (x, y) in plane.items():
        if not (x_low <= x <= x_high and y_low <= y <= y_high):  # pull onto the frame along the ray from the centre
            cx, cy = (x_low + x_high) / 2, (y_low + y_high) / 2
            t = min((x_high - cx) / abs(x - cx) if x != cx else math.inf,
                    (y_high - cy) / abs(y - cy) if y != cy else math.inf)
            x, y = cx + (x - cx) * t, cy + (y - cy) * t
        clamped[node] = (x, y)
    scale = width / max(x_high - x_low, y_high - y_low, 1e-6)
    return {n: (round(x * scale, 1), round(y * scale, 1)) for n, (x, y) in clamped.items()}


def _anchor(graph, node: str, positions: dict) -> tuple[float, float] | None:
    """The point a node without coordinates is drawn around: the mean position of its placed
    neighbours along the first relation of :data:`ANCHOR_RELATIONS` that has any."""
    for direction, relation in ANCHOR_RELATIONS:
        edges = []
        if direction in ("out", "any"):
            edges += [(v, d) for _, v, d in graph.out_edges(node, data=True)]
        if direction in ("in", "any"):
            edges += [(u, d) for u, _, d in graph.in_edges(node, data=True)]
        placed = sorted({positions[n] for n, d in edges
                         if n in positions and n != node and (relation is None or d.get("relation") == relation)})
        if placed:
            return (round(sum(p[0] for p in placed) / len(placed), 1), round(sum(p[1] for p in placed) / len(placed), 1))
    return None
