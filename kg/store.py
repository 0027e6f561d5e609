"""The one place that opens a graph: an RDF file, or an on-disk Oxigraph database.

Every command and the server open what ``--graph`` names through :func:`open_store`:

* a file in any format kg writes (``.ttl .nt .nq .trig .jsonld .rdf``) is parsed into an
  in-memory store, and the ontology (``ontology/kg.ttl``) is added to its default graph;
* a folder is an Oxigraph database, as ``kg build -o DIR`` writes it (graph and ontology in the
  default graph, and a copy of the ontology in the named graph :data:`ONTOLOGY_GRAPH` so that
  :func:`open_rdflib` can leave it out), opened read-only without parsing: it is ready at once
  whatever its size.

Without a source, the built-in graph (``data/kg.ttl``) is opened: the default is filled in here
and nowhere else. So a query, an export or a page sees the same triples from a file and from
the database built from the same corpus. A database answers warm queries somewhat slower than
memory but starts in milliseconds; ``bench/store_open.py`` measures when each pays.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import GraphNotFound, KgError
from .paths import DEFAULT_GRAPH, ONTOLOGY_FILE

DATABASE_FORMAT = "oxigraph"  # kg build --format oxigraph: a database folder instead of a file
_KG = "https://w3id.org/fjkg/ontology#"
ONTOLOGY_GRAPH = "https://w3id.org/fjkg/ontology"  # the ontology's IRI, naming its copy in a database
_ENTITY_TYPES = ("Region", "Park", "Corridor", "Project", "Agency")


class NotADatabase(KgError):
    """A folder given as a graph holds no Oxigraph database."""


def graph_path(source: str | Path | None = None) -> Path:
    """The graph ``source`` names: the path itself, or the built-in graph when None."""
    return Path(source) if source else DEFAULT_GRAPH


def is_database(path: str | Path) -> bool:
    """Whether ``path`` is a folder holding an Oxigraph (RocksDB) database."""
    return Path(path).is_dir() and (Path(path) / "CURRENT").is_file()


def open_store(source: str | Path | None = None, *, require_entities: bool = False):
    """A pyoxigraph ``Store`` with the graph ``source`` names and the ontology, in the default graph.

    Args:
        source: an RDF file, a database folder, or None for the built-in graph.
        require_entities: refuse a graph without any Region, Park, Corridor, Project or Agency
            (pages and exports of such a graph would be empty).

    Raises:
        GraphNotFound: nothing at ``source``.
        NotADatabase: a folder that is not an Oxigraph database.
        KgError: a file that does not parse (parser message and position), an empty graph.
    """
    path = graph_path(source)
    if path.is_dir():
        store = open_database(path)
    else:
        store = load_files([path, ONTOLOGY_FILE])
    if require_entities and not holds_entities(store):
        raise KgError(f"{path}: the graph holds no entities (no Region, Park, Corridor, Project or Agency); "
                      "build one with kg build")
    return store


def size_of(store, source: str | Path | None = None) -> str:
    """What a log line says of an opened graph: ``61779 triples`` in memory, or the database
    folder (counting a database's triples reads all of it: 10 s at 5 M triples)."""
    path = graph_path(source)
    return f"the database {path}" if path.is_dir() else f"{len(store)} triples"


def holds_entities(store) -> bool:
    classes = " ".join(f"<{_KG}{t}>" for t in _ENTITY_TYPES)
    return bool(store.query(f"ASK {{ VALUES ?t {{ {classes} }} ?e a ?t }}"))


def open_database(path: str | Path):
    """The Oxigraph database in the folder ``path``, read-only (nothing is parsed or copied).

    Raises:
        GraphNotFound, NotADatabase: no such folder, or no database in it.
    """
    import pyoxigraph as ox

    path = Path(path)
    if not path.is_dir():
        raise GraphNotFound(f"{path}: no such database folder")
    if not is_database(path):
        raise NotADatabase(f"{path}: is a folder but holds no Oxigraph database (write one with "
                           f"kg build CORPUS -o {path} --format {DATABASE_FORMAT})")
    try:
        return ox.Store.read_only(str(path))
    except OSError as exc:
        raise NotADatabase(f"{path}: cannot open the Oxigraph database: {exc}") from exc


def load_files(paths: Iterable[str | Path]):
    """An in-memory pyoxigraph ``Store`` holding the given RDF files (format from each extension).

    Raises:
        GraphNotFound: a file does not exist.
        KgError: a file cannot be parsed (with the parser's message and position).
    """
    import pyoxigraph as ox

    from .serialize import format_for_path

    store = ox.Store()
    for path in paths:
        path = Path(path)
        if not path.is_file():
            raise GraphNotFound(f"{path}: no such graph file")
        fmt = format_for_path(path)
        try:
            with open(path, "rb") as handle:
                store.bulk_load(handle, fmt.oxigraph)
        except SyntaxError as exc:
            raise KgError(f"{path}: not valid {fmt.name}: {exc}") from exc
    return store


def open_rdflib(source: str | Path | None = None):
    """An rdflib ``Graph`` of the graph ``source`` names, without the ontology (for pySHACL and
    networkx users). A file is parsed by rdflib, which keeps every datatype as written; Oxigraph
    stores derived integer types (``xsd:nonNegativeInteger``) as ``xsd:integer``, so a graph
    read from a database has those literals as ``xsd:integer``."""
    import pyoxigraph as ox
    from rdflib import Graph

    path = graph_path(source)
    if not path.is_dir():
        from .serialize import load_rdflib

        return load_rdflib(path)
    store = open_database(path)
    ontology = {q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_GRAPH))}
    graph = Graph()
    for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        if quad.triple not in ontology:
            graph.add((_rdflib_term(quad.subject), _rdflib_term(quad.predicate), _rdflib_term(quad.object)))
    return graph


def _rdflib_term(term):
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def wants_database(output: str | Path, fmt: str | None) -> bool:
    """Whether ``kg build -o output [--format fmt]`` asks for a database folder: ``--format
    oxigraph``, an existing folder, or a path ending in ``/``."""
    if fmt:
        return fmt.lower() == DATABASE_FORMAT
    return str(output) != "-" and (Path(output).is_dir() or str(output).endswith(("/", os.sep)))


def check_database_target(folder: str | Path) -> None:
    """Fail before a long build when ``folder`` cannot become a database.

    Raises:
        KgError: its parent folder is missing, or it is a file or a non-empty folder that holds
            no database (which would be lost by replacing it).
    """
    folder = Path(folder)
    if not folder.parent.is_dir():
        raise KgError(f"{folder}: folder {folder.parent} does not exist")
    if folder.exists() and not folder.is_dir():
        raise KgError(f"{folder}: is a file; a database is written into a folder")
    if folder.is_dir() and any(folder.iterdir()) and not is_database(folder):
        raise KgError(f"{folder}: is a folder holding other files, not an Oxigraph database; "
                      "refusing to replace it (give an empty or new folder)")


def write_database(folder: str | Path, quads: Iterable) -> None:
    """Write ``quads`` (pyoxigraph ``Quad``) and the ontology into a new Oxigraph
    database at ``folder`` with the bulk loader, replacing a database there.

    The database is written into a temporary folder beside ``folder`` and renamed into place:
    an error or an interruption leaves the previous database as it was.

    Raises:
        KgError: see :func:`check_database_target`; the disk is full.
    """
    import pyoxigraph as ox

    folder = Path(folder)
    check_database_target(folder)
    fresh = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp", dir=folder.parent))
    try:
        store = ox.Store(str(fresh))
        store.bulk_extend(quads)
        ontology = list(load_files([ONTOLOGY_FILE]))  # parsed once: the same blank nodes in both graphs
        store.bulk_extend(ontology)
        store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(ONTOLOGY_GRAPH)) for q in ontology)
        store.optimize()  # compacts the bulk loader's files: 3.5x faster queries at 5 M triples, for +18 % time
        del store  # closes the database before it is moved
        _swap_in(fresh, folder)
    except BaseException as exc:
        shutil.rmtree(fresh, ignore_errors=True)
        if isinstance(exc, OSError):
            raise KgError(f"{folder}: cannot write the database: {exc.strerror or exc}") from exc
        raise


def _swap_in(fresh: Path, folder: Path) -> None:
    """Rename ``fresh`` to ``folder``, removing the database that was there."""
    os.chmod(fresh, 0o755)
    if not folder.exists():
        os.rename(fresh, folder)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".old", dir=folder.parent))
    os.rename(folder, old / "db")
    os.rename(fresh, folder)
    shutil.rmtree(old, ignore_errors=True)
