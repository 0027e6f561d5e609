"""``kg validate``: check a graph against the SHACL shapes in ``ontology/shapes.ttl``."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..paths import ONTOLOGY_FILE, SHAPES_FILE


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    violations: int
    text: str


def validate_graph(graph) -> ValidationReport:
    """Validate ``graph`` (an rdflib Graph or a path to a graph file) with pySHACL.

    The ontology is given as the ontology graph, so subclasses count for ``sh:class``.
    """
    import pyshacl
    from rdflib import Graph
    from rdflib.namespace import SH

    from ..store import open_rdflib

    data = graph if isinstance(graph, Graph) else open_rdflib(Path(graph))
    shapes = Graph().parse(SHAPES_FILE)
    ontology = Graph().parse(ONTOLOGY_FILE)
    conforms, results, text = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none",
                                               advanced=True, allow_warnings=True)
    violations = len(set(results.subjects(SH.resultSeverity, SH.Violation)))
    return ValidationReport(conforms=bool(conforms), violations=violations, text=text)
