"""Per-document extraction results on disk: the build cache, or the spill folder of a build without one.

A build extracts each document once (normalize → segment → extract), writes what it found to a
store part by part (see :mod:`kg.pipeline.parts`), and reads it back one part at a time when relating; so
each process holds one part's segmentation at a time, never a whole corpus's or a long document's.

An entry is keyed by the document's bytes, its identifier and manifest row, and a *fingerprint*
of the pipeline: the source of the modules extraction runs and every file of ``data/lexicon``
and ``data/gazetteer``. Editing a document re-extracts that document only; editing a rule or a
word list re-extracts everything. Entries unused for ``MAX_AGE_DAYS`` are removed.

Entries are data, never code: gzip-compressed lines of JSON (a header naming the format and the
key, one line per record, and a trailer with the SHA-256 of the lines before it), read with
``json.loads`` and checked field by field against the records they become. No entry can run
code when read (pickle could), and a damaged or edited entry is found and recomputed. The
folder must belong to the user and be writable by nobody else (:func:`check_private_folder`):
anyone who can write it decides what the graph says.
"""
from __future__ import annotations

import ast
import gzip
import hashlib
import json
import os
import re
import stat
import shutil
import sys
import tempfile
import time
from array import array
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path

from ..errors import KgError
from ..model import Block, Document, Mention, NormalizedText, OutlineItem, Segmented, Sentence, Token
from .parts import Part
from ..paths import GAZETTEER_DIR, LEXICON_DIR

FORMAT_VERSION = 2  # 1: pickles (never read: they could run code)
MAX_AGE_DAYS = 30
# The stages whose output is stored; the fingerprint covers them and every kg module they import.
EXTRACTION_MODULES = ("pipeline.load", "pipeline.stages", "pipeline.cache")
_PACKAGE_DIR = Path(__file__).resolve().parent.parent  # the kg package
_FINGERPRINT = re.compile(r"^[0-9a-f]{20}$")
_ENTRY = re.compile(r"^[0-9a-f]{64}\.(parts|mentions)$")
_LEFTOVER = re.compile(r"^\.[0-9a-f]{12}\.(\d+)\..*\.tmp$")
_SPILL = re.compile(r"^kg-build-(\d+)-[A-Za-z0-9_]+$")
_MAGIC = "kg-cache"


def default_cache_dir() -> Path:
    """``$KG_CACHE_DIR``, else the user's cache folder (``~/.cache/kg`` on Linux)."""
    if os.environ.get("KG_CACHE_DIR"):
        return Path(os.environ["KG_CACHE_DIR"])
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local")) / "kg" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "kg"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kg"


def _module_file(dotted: str) -> Path | None:
    """The source file of a ``kg`` module given as a dotted path below the package (``pipeline.load``)."""
    base = _PACKAGE_DIR.joinpath(*dotted.split(".")) if dotted else _PACKAGE_DIR
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imported_modules(names: tuple[str, ...]) -> list[Path]:
    """Source files of the given ``kg`` modules (dotted below ``kg``) and of every ``kg`` module they
    import, following relative and absolute imports through the subpackages."""
    pending, seen = list(names), set()
    while pending:
        name = pending.pop()
        path = _module_file(name)
        if name in seen or path is None:
            continue
        seen.add(name)
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level:
                anchor, module = package[: len(package) - (node.level - 1)], node.module
            elif (node.module or "").startswith("kg."):
                anchor, module = [], node.module.removeprefix("kg.")
            else:
                continue
            base = [*anchor, *(module.split(".") if module else [])]
            pending.append(".".join(base))
            pending.extend(".".join([*base, alias.name]) for alias in node.names)
    return sorted(path for n in seen if (path := _module_file(n)) is not None)


def pipeline_fingerprint(lexicon_dir: Path = LEXICON_DIR, gazetteer_dir: Path = GAZETTEER_DIR) -> str:
    """Hash of everything extraction depends on besides the document: code, word lists, versions."""
    import jieba

    digest = hashlib.sha256(f"{FORMAT_VERSION}|{sys.version_info[:2]}|jieba {jieba.__version__}".encode())
    files = _imported_modules(EXTRACTION_MODULES)
    for folder in (lexicon_dir, gazetteer_dir):
        files += sorted(p for p in Path(folder).rglob("*") if p.is_file())
    for path in files:
        digest.update(f"\0{path.name}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def entry_key(fingerprint: str, doc_id: str, manifest_row: dict[str, str], content_digest: str) -> str:
    """Cache key of one document: the pipeline's fingerprint, the document's identifier and manifest
    row, and the SHA-256 of its bytes."""
    return hashlib.sha256(json.dumps([fingerprint, doc_id, manifest_row, content_digest], ensure_ascii=False,
                                     sort_keys=True).encode()).hexdigest()


# ------------------------------------------------------------------ entries as JSON data
class DamagedEntry(Exception):
    """A store entry that cannot be read; it is recomputed."""


_CHECKS = {"int": lambda v: type(v) is int, "str": lambda v: type(v) is str,
           "tuple[str, ...]": lambda v: type(v) is list and all(type(x) is str for x in v)}


def _row(item) -> list:
    return [getattr(item, f.name) for f in fields(item)]


def _record(cls, row):
    """``cls(*row)`` when every value has the type the field declares (tuples come as lists).

    Raises:
        DamagedEntry: a value of another type, or too few or too many.
    """
    names = fields(cls)
    if type(row) is not list or len(row) != len(names) or \
            not all(_CHECKS[f.type](v) for f, v in zip(names, row)):
        raise DamagedEntry(f"not a {cls.__name__}: {str(row)[:80]}")
    return cls(*(tuple(v) if type(v) is list else v for v in row))


def _ints(values) -> list[int]:
    if type(values) is not list or not all(type(v) is int for v in values):
        raise DamagedEntry("expected a list of integers")
    return values


def _pack(part: Part) -> dict:
    """A part without its document text; tokens as offsets into the normalized text where they can be."""
    seg = part.seg
    text = seg.norm.text
    tokens = seg.tokens
    if all(t.word == text[t.nbegin:t.nend] for t in tokens):
        packed_tokens = {"begin": [t.nbegin for t in tokens], "end": [t.nend for t in tokens],
                         "tag": [t.tag for t in tokens]}
    else:
        packed_tokens = {"rows": [_row(t) for t in tokens]}
    return {"begin": part.begin, "end": part.end, "norm_offset": part.norm_offset, "text": text,
            "origin": seg.norm.origin.tolist(), "blocks": [_row(b) for b in seg.blocks],
            "sentences": [_row(x) for x in seg.sentences], "outline": [_row(o) for o in seg.outline],
            "tokens": packed_tokens}


def _unpack(packed: dict, doc: Document) -> Part:
    """The part ``packed`` describes, of ``doc``.

    Raises:
        DamagedEntry: a field is missing or of the wrong type, or the offsets do not fit the text.
    """
    try:
        begin, end, norm_offset = (_ints([packed[k]])[0] for k in ("begin", "end", "norm_offset"))
        text, tokens = packed["text"], packed["tokens"]
        origin = array("l", _ints(packed["origin"]))
        if type(text) is not str or len(origin) != len(text) + 1 or not 0 <= begin <= end <= len(doc.text):
            raise DamagedEntry("the offsets do not fit the text")
        if "rows" in tokens:
            token_rows = tuple(_record(Token, r) for r in tokens["rows"])
        else:
            begins, ends, tags = _ints(tokens["begin"]), _ints(tokens["end"]), tokens["tag"]
            if not len(begins) == len(ends) == len(tags) or not all(type(t) is str for t in tags):
                raise DamagedEntry("token columns differ in length")
            token_rows = tuple(Token(b, e, text[b:e], tag) for b, e, tag in zip(begins, ends, tags))
        blocks = tuple(_record(Block, r) for r in packed["blocks"])
        sentences = tuple(_record(Sentence, r) for r in packed["sentences"])
        outline = tuple(_record(OutlineItem, r) for r in packed["outline"])
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        raise DamagedEntry(f"not a part: {exc}") from exc
    piece = doc if (begin, end) == (0, len(doc.text)) else \
        Document(**{**doc.__dict__, "text": doc.text[begin:end]})
    seg = Segmented(norm=NormalizedText(doc=piece, text=text, origin=origin), blocks=blocks, sentences=sentences,
                    tokens=token_rows, outline=outline)
    return Part(begin, end, norm_offset, seg)


def _header(key: str) -> dict:
    return {"format": _MAGIC, "version": FORMAT_VERSION, "key": key}


def _line(record) -> bytes:
    """One record as a line of JSON (line breaks inside strings are escaped)."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def check_private_folder(folder: Path) -> None:
    """Refuse a cache folder that another user owns or may write: its entries become the graph.

    Raises:
        KgError: naming the folder, its owner or its mode, and what to do.
    """
    info = os.stat(folder)
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise KgError(f"{folder}: the cache folder belongs to another user (uid {info.st_uid}); use a folder of "
                      "your own (--cache DIR, $KG_CACHE_DIR) or --no-cache")
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise KgError(f"{folder}: the cache folder is writable by others (mode {stat.S_IMODE(info.st_mode):o}); "
                      f"make it private (chmod 700 {folder}) or use another")


def remove_stale_spills(base: Path) -> None:
    """Remove spill folders ``kg-build-<pid>-…`` in ``base`` that this user's builds left when
    they were killed (SIGKILL, out of memory): only when that process is gone."""
    from ..serialize import process_alive

    try:
        names = os.listdir(base)
    except OSError:
        return
    for name in names:
        match = _SPILL.match(name)
        if not match or int(match[1]) == os.getpid():
            continue
        try:
            info = os.lstat(base / name)
        except OSError:
            continue
        if stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not process_alive(int(match[1])):
            shutil.rmtree(base / name, ignore_errors=True)


def _stale_leftover(name: str, age: float) -> bool:
    """A temporary entry file whose writer is gone (or that is over an hour old)."""
    from ..serialize import process_alive

    match = _LEFTOVER.match(name)
    return bool(match) and (age > 3600 or (int(match[1]) != os.getpid() and not process_alive(int(match[1]))))


# ------------------------------------------------------------------ the store
class ExtractionStore:
    """A folder of per-document entries: ``<key>.parts`` (segmentation) and ``<key>.mentions``.

    Args:
        folder: where entries live; created (mode 700) when missing.
        persistent: entries outlive the build (the cache); otherwise the folder is a spill
            removed by :meth:`close`.
        fingerprint: of the pipeline (computed when not given); a cache keeps one subfolder per
            fingerprint.

    Raises:
        KgError: the folder cannot be created or written.
    """

    def __init__(self, folder: Path, *, persistent: bool, fingerprint: str = ""):
        self.persistent = persistent
        self.fingerprint = fingerprint or pipeline_fingerprint()
        self.root = Path(folder)
        self.folder = self.root / self.fingerprint[:20] if persistent else self.root
        try:
            self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
            check_private_folder(self.root)
            self.folder.mkdir(exist_ok=True, mode=0o700)
            check_private_folder(self.folder)
            with tempfile.NamedTemporaryFile(dir=self.folder, prefix=".probe-"):
                pass
        except OSError as exc:
            raise KgError(f"{self.folder}: cannot use as cache folder: {exc.strerror or exc}") from exc

    @classmethod
    def spill(cls, fingerprint: str = "") -> ExtractionStore:
        """A temporary store for one build without a cache (``kg-build-<pid>-…`` in the temporary
        folder; those of killed builds are removed first)."""
        remove_stale_spills(Path(tempfile.gettempdir()))
        return cls(Path(tempfile.mkdtemp(prefix=f"kg-build-{os.getpid()}-")), persistent=False,
                   fingerprint=fingerprint)

    def key(self, doc_id: str, manifest_row: dict[str, str], content_digest: str) -> str:
        """The key of a document in this store (see :func:`entry_key`)."""
        return entry_key(self.fingerprint, doc_id, manifest_row, content_digest)

    def _path(self, key: str, kind: str) -> Path:
        return self.folder / f"{key}.{kind}"

    def has(self, key: str) -> bool:
        return self._path(key, "mentions").is_file() and self._path(key, "parts").is_file()

    def _records(self, key: str, kind: str, *, parse: bool = True) -> Iterator:
        """The records of an entry, one at a time (none when ``parse`` is false: only checked).

        Raises:
            FileNotFoundError: there is no such entry.
            DamagedEntry: the entry is unreadable, truncated, edited (its checksum differs), or
                written for another key or format (possibly after some records).
        """
        path = self._path(key, kind)
        try:
            with gzip.open(path, "rb") as handle:
                header = handle.readline()
                if json.loads(header) != _header(key):
                    raise DamagedEntry(f"{path.name}: written for another document or format")
                digest = hashlib.sha256(header)
                if self.persistent:
                    os.utime(path)  # recently used: kept by prune()
                for line in handle:
                    if line.startswith(b'"sha256:'):
                        if json.loads(line) != f"sha256:{digest.hexdigest()}" or handle.read(1):
                            raise DamagedEntry(f"{path.name}: its content does not match its checksum")
                        return
                    digest.update(line)
                    if parse:
                        yield json.loads(line)
                raise DamagedEntry(f"{path.name}: truncated")
        except (DamagedEntry, FileNotFoundError):
            raise
        except Exception as exc:  # not gzip, not JSON (a pickle is never unpickled), unreadable
            raise DamagedEntry(f"{path.name}: {type(exc).__name__}: {exc}") from exc

    @contextmanager
    def _writer(self, key: str, kind: str) -> Iterator[Callable]:
        """``add(record)``; the entry appears (atomically) when the block ends without error."""
        from ..serialize import replacing

        with replacing(self._path(key, kind), prefix=f".{key[:12]}.", durable=False,
                       failure=f"{self.folder}: cannot write a cache entry") as raw, \
                gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=1, mtime=0) as handle:
            digest = hashlib.sha256()

            def add(record) -> None:
                line = _line(record)
                digest.update(line)
                handle.write(line)

            add(_header(key))
            yield add
            handle.write(_line(f"sha256:{digest.hexdigest()}"))

    def load_mentions(self, key: str) -> list[Mention] | None:
        """The stored mentions of a document, or None when there is no entry.

        Raises:
            DamagedEntry: the mentions or the segmentation of the entry are damaged.
        """
        try:
            mentions = [_record(Mention, row) for batch in self._records(key, "mentions") for row in batch]
            for _ in self._records(key, "parts", parse=False):
                pass
        except FileNotFoundError:
            return None
        except TypeError as exc:  # a batch that is not a list
            raise DamagedEntry(f"{key}.mentions: {exc}") from exc
        return mentions

    def iter_parts(self, key: str, doc: Document) -> Iterator[Part]:
        """The stored segmentation of ``doc`` (whose text is ``doc.text``), one part at a time.

        Raises:
            DamagedEntry: the entry is missing or damaged (possibly after some parts).
        """
        try:
            for packed in self._records(key, "parts"):
                if type(packed) is not dict:
                    raise DamagedEntry(f"{key}.parts: not a part")
                yield _unpack(packed, doc)
        except FileNotFoundError as exc:
            raise DamagedEntry(f"{key}.parts: missing") from exc

    def save(self, key: str, parts: Iterable[Part], mentions: list[Mention]) -> None:
        """Store a document's segmentation as ``parts`` yields it, then its mentions (whose presence
        marks the entry complete). ``mentions`` may be filled while ``parts`` is consumed."""
        with self._writer(key, "parts") as add:
            for part in parts:
                add(_pack(part))
        with self._writer(key, "mentions") as add:
            add([_row(m) for m in mentions])

    def discard_unfinished(self, keys: Iterable[str]) -> None:
        """Remove the temporary files of entries whose writer was stopped (by an interruption)."""
        prefixes = tuple(f".{key[:12]}." for key in keys)
        try:
            for path in self.folder.iterdir():
                if path.name.startswith(prefixes) and _LEFTOVER.match(path.name):
                    path.unlink()
        except OSError:
            pass

    def prune(self, max_age_days: float = MAX_AGE_DAYS) -> None:
        """Remove entries and other pipelines' folders unused for a while, and leftovers of killed writes.

        Only names the store creates are touched, whatever else the folder holds.
        """
        if not self.persistent:
            return
        now = time.time()
        try:
            os.utime(self.folder)
            for path in self.folder.iterdir():
                age = now - path.stat().st_mtime
                if (_ENTRY.match(path.name) and age > max_age_days * 86400) or _stale_leftover(path.name, age):
                    path.unlink()
            for path in self.root.iterdir():
                if path != self.folder and _FINGERPRINT.match(path.name) and \
                        now - path.stat().st_mtime > max_age_days * 86400:
                    for child in path.iterdir():
                        if _ENTRY.match(child.name) or _LEFTOVER.match(child.name):
                            child.unlink()
                    path.rmdir()
        except OSError:
            pass  # another build is pruning, or the folder is read-only: nothing is lost

    def close(self) -> None:
        """Prune a cache; remove a spill folder."""
        if self.persistent:
            self.prune()
            return
        shutil.rmtree(self.folder, ignore_errors=True)
