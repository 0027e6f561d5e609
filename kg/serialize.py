"""RDF formats by name, alias, extension or media type; deterministic, atomic writing; reading.

Writing goes through pyoxigraph (fast, streaming); the triples arrive sorted, so the same graph
always gives the same bytes.
"""
from __future__ import annotations

import io
import os
import re
import signal
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
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


# The files and folders the running command reads (see :func:`reading`); no output may replace them.
_READING: ContextVar[tuple[Path, ...]] = ContextVar("kg_reading", default=())
_TEMP_TAIL = re.compile(r"^(\d+)\.[A-Za-z0-9_]+\.tmp$")  # after the prefix: <pid>.<random>.tmp


@contextmanager
def reading(*paths: str | Path | None) -> Iterator[None]:
    """Declare the inputs of a command (files, or folders read as a whole, like a corpus) for the
    duration of the block: :func:`check_output` then refuses an output that is one of them, a link
    or hard link to one, or lies inside one of the folders. ``None`` and ``-`` are ignored."""
    resolved = tuple(Path(os.path.realpath(p)) for p in paths if p is not None and str(p) != "-")
    token = _READING.set(_READING.get() + resolved)
    try:
        yield
    finally:
        _READING.reset(token)


def _kind(mode: int) -> str:
    return "a folder" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else \
        "a socket" if stat.S_ISSOCK(mode) else "a device"


def check_output(path: str | Path) -> Path:
    """Fail early, before a long build, when ``path`` cannot or must not be written.

    A symbolic link is written through: the file returned is the link's target (links stay links).
    ``-`` (standard output) passes.

    Returns:
        The file the output will replace or create.

    Raises:
        KgError: the folder does not exist or is not writable; ``path`` is a folder, a device, a
            FIFO or a socket; ``path`` is an input of the running command or lies inside a folder
            it reads (see :func:`reading`).
    """
    if str(path) == "-":  # standard output
        return Path("-")
    path = Path(path)
    target = Path(os.path.realpath(path))
    folder = path.parent if str(path.parent) else Path(".")
    if not target.parent.is_dir():
        raise KgError(f"{path}: folder {folder} does not exist")
    try:
        info = os.stat(target)
    except OSError:
        info = None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise KgError(f"{path}: is a folder, expected a file name")
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise KgError(f"{path}: is {_kind(info.st_mode)}, not a regular file; kg writes only regular files "
                      "(-o - writes to standard output)")
    for source in _READING.get():
        same = target == source or (info is not None and source.is_file() and os.path.samefile(target, source))
        if same:
            raise KgError(f"{path}: is an input of this command ({source}); write the output to another file")
        if source.is_dir() and target.is_relative_to(source):
            raise KgError(f"{path}: is inside {source}, a folder this command reads; write the output elsewhere")
    if not os.access(target.parent, os.W_OK | os.X_OK):
        raise KgError(f"{path}: cannot write in {folder}: permission denied")
    return target


def check_output_folder(folder: str | Path) -> None:
    """Refuse an output folder that is, or lies inside, a folder the running command reads.

    Raises:
        KgError: naming the folder read.
    """
    target = Path(os.path.realpath(folder))
    for source in _READING.get():
        if source.is_dir() and target.is_relative_to(source) or target == source:
            raise KgError(f"{folder}: is inside {source}, which this command reads; write the output elsewhere")


@contextmanager
def atomic_writer(path: str | Path) -> Iterator[BinaryIO]:
    """A binary file handle whose content replaces ``path`` only when the block ends normally.

    Writing goes to a temporary file beside the target, which is synced and renamed over it, so
    readers see the old file or the new one, never a part; on any error or interruption
    (KeyboardInterrupt included) the temporary file is removed and ``path`` is left as it was.
    The new file keeps the permissions of the one it replaces, or follows the umask. A symbolic
    link is written through (its target is replaced). ``-`` is standard output.

    Raises:
        KgError: see :func:`check_output`.
    """
    if str(path) == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    target = check_output(path)
    with replacing(target, prefix=f".{target.name}.", failure=f"{path}: cannot write") as handle:
        yield handle


def _umask() -> int:
    """The process's umask, read without changing it where Linux tells it (``/proc``)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (someone else's counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def remove_stale_temporaries(folder: Path, prefix: str) -> None:
    """Remove temporary files ``prefix<pid>.….tmp`` that this user's processes left in ``folder``
    when they were killed (SIGKILL, a power cut): only that kind, only this user's, and only
    when the process that made them is gone."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        match = _TEMP_TAIL.match(name[len(prefix):]) if name.startswith(prefix) else None
        if not match or int(match[1]) == os.getpid():
            continue
        try:
            info = os.lstat(folder / name)
            if stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid() and not process_alive(int(match[1])):
                os.unlink(folder / name)
        except OSError:
            pass  # removed meanwhile by another process


_INTERRUPTIONS = {signal.SIGINT, signal.SIGTERM}


def _hold_interruptions():
    """Hold SIGINT and SIGTERM back (this thread), so that one cannot arrive between the creation
    of a temporary file and the moment its name is known; returns what to restore."""
    return signal.pthread_sigmask(signal.SIG_BLOCK, _INTERRUPTIONS) if hasattr(signal, "pthread_sigmask") else None


def _release_interruptions(held) -> None:
    if held is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


@contextmanager
def replacing(path: Path, *, prefix: str, failure: str, durable: bool = True) -> Iterator[BinaryIO]:
    """A handle on a temporary file (``prefix<pid>.…tmp``) beside ``path`` that is renamed over
    ``path`` when the block ends normally and removed on any error or interruption (an OSError
    becomes a KgError starting with ``failure``). ``durable``: synced first and given the mode of
    the file replaced (or the umask's), and stale temporaries of killed processes removed, as
    for outputs; cache entries skip all three (they stay private, see :mod:`kg.pipeline.cache`)."""
    if durable:
        remove_stale_temporaries(path.parent, prefix)
    tmp = None
    held = _hold_interruptions()
    try:
        try:
            fd, tmp = tempfile.mkstemp(prefix=f"{prefix}{os.getpid()}.", suffix=".tmp", dir=path.parent)
        finally:  # a SIGINT or SIGTERM held back arrives here, once the file's name is known
            _release_interruptions(held)
        with os.fdopen(fd, "wb") as handle:
            yield handle
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        if durable:
            try:
                mode = stat.S_IMODE(os.stat(path).st_mode)
            except FileNotFoundError:
                mode = 0o666 & ~_umask()
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            if tmp is not None:
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


# Characters XML 1.0 cannot carry at all, not even as references (§2.2): C0 controls but tab, LF
# and CR, and U+FFFE/U+FFFF (as UTF-8; lone surrogates cannot be encoded in the first place).
_NOT_XML = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")


def check_xml_characters(data: bytes, what: str, instead: str = "Turtle, N-Triples or JSON-LD") -> bytes:
    """``data`` (UTF-8 XML), or an error naming the first character XML 1.0 cannot carry.

    Raises:
        KgError: naming ``what``, the character and the text around it.
    """
    bad = _NOT_XML.search(data)
    if bad:
        char = bad.group().decode("utf-8")
        around = data[max(0, bad.start() - 60):bad.end() + 30].decode("utf-8", "replace")
        raise KgError(f"{what}: a text of the graph holds U+{ord(char):04X}, which XML 1.0 cannot carry "
                      f"(near {around!r}); choose {instead}, or remove the character")
    return data


class _XmlCarriageReturns:
    """A binary writer writing a carriage return as ``&#13;``: a raw one is read back as a line feed
    by every conforming XML parser (XML 1.0 §2.11), so literals would lose it. In RDF/XML a CR
    can only stand in text or attribute values, where the reference means the same character.
    A character XML cannot carry at all stops the writing (see :func:`check_xml_characters`)."""

    def __init__(self, handle: BinaryIO):
        self.handle = handle

    def write(self, data: bytes) -> int:
        data = check_xml_characters(bytes(data), "RDF/XML")
        self.handle.write(data.replace(b"\r", b"&#13;"))
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
