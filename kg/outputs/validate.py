"""``kg validate``: check a graph against the SHACL shapes in ``ontology/shapes.ttl``.

The shapes must hold as the graph is written and also after RDFS or OWL-RL inference with the
ontology, as a triple store that reasons (GraphDB, Stardog) or any OWL reasoner would see it: a
domain, range or subclass axiom that made a park a Region there would break them.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import BadInput
from ..paths import ONTOLOGY_FILE, SHAPES_FILE

INFERENCE = ("none", "rdfs", "owlrl")


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    violations: int
    text: str
    inference: str = "none"


def validate_graph(graph, *, inference: str = "none",
                   progress: Callable[[str], None] | None = None) -> ValidationReport:
    """Validate ``graph`` (an rdflib Graph or a path to a graph file) with pySHACL, shape by shape.

    Args:
        graph: the graph, or the path of a graph file.
        inference: ``none`` (the ontology only lets subclasses count for ``sh:class``), ``rdfs``
            or ``owlrl`` (the graph is first expanded, with the owlrl package, by what the
            ontology entails).
        progress: called with a short line as each step starts and ends, so a long check is
            not silent (``kg validate`` prints them on standard error).

    Raises:
        BadInput: an unknown ``inference``.
    """
    import time

    import pyshacl
    from rdflib import Graph
    from rdflib.namespace import SH

    from ..store import open_rdflib

    if inference not in INFERENCE:
        raise BadInput(f"unknown inference {inference!r}; known: {', '.join(INFERENCE)}")
    say = progress or (lambda _: None)
    if not isinstance(graph, Graph):
        say(f"reading {graph}")
    data = graph if isinstance(graph, Graph) else open_rdflib(Path(graph))
    ontology = Graph().parse(ONTOLOGY_FILE)
    started = time.monotonic()
    if inference != "none":
        say(f"{inference.upper()} inference over {len(data):,} triples and the ontology")
    data = entailed(data, ontology, inference)  # a copy: shapes are then checked in place, once each
    if inference != "none":
        say(f"  {len(data):,} triples after inference ({time.monotonic() - started:.1f} s)")
    shapes = shape_graphs(Graph().parse(SHAPES_FILE))
    conforms, violations, texts = True, 0, []
    for number, (name, shape) in enumerate(shapes, 1):
        started = time.monotonic()
        ok, results, text = pyshacl.validate(data, shacl_graph=shape, inference="none", inplace=True,
                                             advanced=True, allow_warnings=True)
        found = len(set(results.subjects(SH.resultSeverity, SH.Violation)))
        say(f"[{number}/{len(shapes)}] {name}: {'ok' if ok else f'{found} violation(s)'} "
            f"({time.monotonic() - started:.1f} s)")
        conforms, violations = conforms and bool(ok), violations + found
        if not ok:
            texts.append(text)
    text = "\n".join(texts) or f"Validation Report\nConforms: True ({len(shapes)} shapes, inference: {inference})"
    return ValidationReport(conforms=conforms, violations=violations, text=text, inference=inference)


def entailed(data, ontology, inference: str):
    """A copy of ``data`` with the ontology and everything they entail under RDFS or OWL-RL
    (``none``: the copy with the ontology, so subclasses count for ``sh:class``)."""
    import owlrl
    from pyshacl.inference import CustomRDFSSemantics
    from rdflib import Graph

    expanded = Graph()
    for triple in data:
        expanded.add(triple)
    for triple in ontology:
        expanded.add(triple)
    if inference == "none":
        return expanded
    # The semantics pySHACL's own inference option uses: its RDFS leaves out the one-time rules
    # that add a typed twin of every literal (which datatype constraints would then reject).
    semantics = CustomRDFSSemantics if inference == "rdfs" else owlrl.OWLRL_Semantics
    owlrl.DeductiveClosure(semantics).expand(expanded)
    return expanded


def shape_graphs(shapes) -> list[tuple[str, object]]:
    """Each node shape of ``shapes`` as a graph of its own (with the shared prefix declarations),
    so that validation can say which shape it is checking."""
    from rdflib import RDF, BNode, Graph
    from rdflib.namespace import SH

    def describe(node, into: Graph) -> None:  # the node and every blank node it leads to
        for p, o in shapes.predicate_objects(node):
            into.add((node, p, o))
            if isinstance(o, BNode):
                describe(o, into)

    out = []
    for shape in sorted(shapes.subjects(RDF.type, SH.NodeShape)):
        g = Graph()
        for declarations in set(shapes.objects(None, SH.prefixes)):
            describe(declarations, g)
        describe(shape, g)
        out.append((shapes.namespace_manager.normalizeUri(shape), g))
    return out
