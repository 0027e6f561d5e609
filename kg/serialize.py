"""RDF formats by name, alias, extension or media type; deterministic, atomic writing; reading.

Writing goes through pyoxigraph (fast, streaming); the triples arrive sorted, so the same graph
always gives the same bytes.
"""
from __future__ import annotations

import io
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .errors import GraphNotFound, KgError, UnknownFormat


@dataclass(frozen=True)
class RdfFormat:
    name: str
    extensions: tuple[str, ...]
    aliases: tuple[str, ...]
    media_type: str

    @property
    def oxigraph(self):
        import pyoxigraph

        return {
            "turtle": pyoxigraph.RdfFormat.TURTLE, "ntriples": pyoxigraph.RdfFormat.N_TRIPLES,
            "nquads": pyoxigraph.RdfFormat.N_QUADS, "trig": pyoxigraph.RdfFormat.TRIG,
            "jsonld": pyoxigraph.RdfFormat.JSON_LD, "rdfxml": pyoxigraph.RdfFormat.RDF_XML,
        }[self.name]


FORMATS = (
    RdfFormat("turtle", (".ttl",), ("ttl", "turtle"), "text/turtle"),
    RdfFormat("ntriples", (".nt",), ("nt", "ntriples", "n-triples"), "application/n-triples"),
    RdfFormat("nquads", (".nq",), ("nq", "nquads", "n-quads"), "application/n-quads"),
    RdfFormat("trig", (".trig",), ("trig",), "application/trig"),
    RdfFormat("jsonld", (".jsonld", ".json"), ("jsonld", "json-ld"), "application/ld+json"),
    RdfFormat("rdfxml", (".rdf", ".owl", ".xml"), ("rdf", "xml", "rdfxml", "rdf/xml"), "application/rdf+xml"),
)


def rdf_format(name: str) -> RdfFormat:
    """The format called ``name`` (a name, alias, extension such as ``.ttl``, or media type).

    Raises:
        UnknownFormat: listing the known names.
    """
    wanted = name.lower().strip()
    for f in FORMATS:
        if wanted in (f.name, f.media_type, *f.aliases, *f.extensions) or "." + wanted in f.extensions:
            return f
    known = ", ".join(f"{f.name} ({'/'.join(f.extensions)})" for f in FORMATS)
    raise UnknownFormat(f"unknown RDF format {name!r}; known formats: {known}")


def format_for_path(path: str | Path) -> RdfFormat:
    suffix = Path(path).suffix.lower()
    if not suffix:
        raise UnknownFormat(f"{path}: no file extension to tell the RDF format from (.ttl, .nt, .nq, .jsonld, .rdf)")
    return rdf_format(suffix)


def _to_oxigraph(term):
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def _oxigraph_triples(triples: Iterable[tuple]):
    import pyoxigraph as ox

    cache: dict = {}  # IRIs repeat across triples; convert each term once

    def term(t):
        key = (t, type(t))
        if key not in cache:
            cache[key] = _to_oxigraph(t)
        return cache[key]

    return (ox.Triple(term(s), term(p), term(o)) for s, p, o in triples)


def prefix_options(fmt: RdfFormat, prefixes: dict[str, str] | None) -> dict:
    """Keyword arguments for ``pyoxigraph.serialize``: prefixes where the format can declare them."""
    return {"prefixes": prefixes} if prefixes and fmt.name in ("turtle", "trig", "rdfxml") else {}


def serialize(triples: Iterable[tuple], fmt: RdfFormat, prefixes: dict[str, str] | None = None) -> bytes:
    """Bytes of ``triples`` (rdflib terms, in the order given) in ``fmt``."""
    buffer = io.BytesIO()
    _serialize_into(buffer, triples, fmt, prefixes)
    return buffer.getvalue()


def check_output(path: str | Path) -> None:
    """Fail early, before a long build, when ``path`` cannot be written.

    Raises:
        KgError: the folder does not exist or is not writable, or ``path`` is a folder.
    """
    if str(path) == "-":
        return
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise KgError(f"{path}: folder {folder} does not exist")
    if path.is_dir():
        raise KgError(f"{path}: is a folder, expected a file name")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise KgError(f"{path}: cannot write in {folder}: permission denied")


@contextmanager
def atomic_writer(path: str | Path) -> Iterator[BinaryIO]:
    """A binary file handle whose content replaces ``path`` only when the block ends normally.

    Writing goes to a temporary file beside ``path``, which is synced and renamed over it, so
    readers see the old file or the new one, never a part; on any error or interruption
    (KeyboardInterrupt included) the temporary file is removed and ``path`` is left as it was.
    ``-`` is standard output.

    Raises:
        KgError: the folder does not exist or is not writable.
    """
    if str(path) == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    check_output(path)
    path = Path(path)
    with replacing(path, prefix=f".{path.name}.", failure=f"{path}: cannot write") as handle:
        yield handle


@contextmanager
def replacing(path: Path, *, prefix: str, failure: str, durable: bool = True) -> Iterator[BinaryIO]:
    """A handle on a temporary file (``prefix``…``.tmp``) beside ``path`` that is renamed over
    ``path`` when the block ends normally and removed on any error or interruption (an OSError
    becomes a KgError starting with ``failure``). ``durable``: synced and made readable by all
    first, as outputs are; cache entries skip both."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise KgError(f"{failure}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        if durable:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):  # a full disk, a folder made read-only meanwhile
            raise KgError(f"{failure}: {exc.strerror or exc}") from exc
        raise


def write_atomic(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see either the old file or the new one.

    ``-`` writes to standard output.

    Raises:
        KgError: the folder does not exist or is not writable.
    """
    with atomic_writer(path) as handle:
        handle.write(data)


class _XmlCarriageReturns:
    """A binary writer writing a carriage return as ``&#13;``: a raw one is read back as a line feed
    by every conforming XML parser (XML 1.0 §2.11), so literals would lose it. In RDF/XML a CR
    can only stand in text or attribute values, where the reference means the same character."""

    def __init__(self, handle: BinaryIO):
        self.handle = handle

    def write(self, data: bytes) -> int:
        self.handle.write(bytes(data).replace(b"\r", b"&#13;"))
        return len(data)

    def flush(self) -> None:
        self.handle.flush()


def write_graph(path: str | Path, triples: Iterable[tuple], fmt: RdfFormat,
                prefixes: dict[str, str] | None = None) -> None:
    """Serialize ``triples`` in ``fmt`` straight into ``path`` (atomically, see :func:`atomic_writer`),
    without holding the serialized bytes in memory."""
    with atomic_writer(path) as handle:
        _serialize_into(handle, triples, fmt, prefixes)


def _serialize_into(handle: BinaryIO, triples: Iterable[tuple], fmt: RdfFormat, prefixes: dict[str, str] | None) -> None:
    import pyoxigraph as ox

    target = _XmlCarriageReturns(handle) if fmt.name == "rdfxml" else handle
    ox.serialize(_oxigraph_triples(triples), target, format=fmt.oxigraph, **prefix_options(fmt, prefixes))


def load_store(paths: Iterable[str | Path]):
    """Re-export of :func:`kg.store.load_files` (kept for callers not yet moved to kg.store)."""
    from .store import load_files

    return load_files(paths)


def load_rdflib(path: str | Path):
    """An rdflib ``Graph`` parsed from ``path``."""
    from rdflib import Graph

    path = Path(path)
    if not path.is_file():
        raise GraphNotFound(f"{path}: no such graph file")
    fmt = format_for_path(path)
    graph = Graph()
    rdflib_name = {"ntriples": "nt", "nquads": "nquads", "jsonld": "json-ld", "rdfxml": "xml"}.get(fmt.name, fmt.name)
    try:
        graph.parse(path, format=rdflib_name)
    except Exception as exc:  # rdflib raises parser-specific exceptions
        raise KgError(f"{path}: not valid {fmt.name}: {exc}") from exc
    return graph
