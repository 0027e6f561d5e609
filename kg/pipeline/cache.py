"""Per-document extraction results on disk: the build cache, or the spill folder of a build without one.

A build extracts each document once (normalize → segment → extract), writes what it found to a
store part by part (see :mod:`kg.pipeline.parts`), and reads it back one part at a time when relating; so
each process holds one part's segmentation at a time, never a whole corpus's or a long document's.

An entry is keyed by the document's bytes, its identifier and manifest row, and a *fingerprint*
of the pipeline: the source of the modules extraction runs and every file of ``data/lexicon``
and ``data/gazetteer``. Editing a document re-extracts that document only; editing a rule or a
word list re-extracts everything. Entries are gzip-compressed pickles in a folder only the user
can read; a damaged entry is recomputed; entries unused for ``MAX_AGE_DAYS`` are removed.
"""
from __future__ import annotations

import ast
import gzip
import hashlib
import json
import os
import pickle
import re
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

FORMAT_VERSION = 1
MAX_AGE_DAYS = 30
# The stages whose output is stored; the fingerprint covers them and every kg module they import.
EXTRACTION_MODULES = ("pipeline.load", "pipeline.parts", "pipeline.cache")
_PACKAGE_DIR = Path(__file__).resolve().parent.parent  # the kg package
_FINGERPRINT = re.compile(r"^[0-9a-f]{20}$")
_ENTRY = re.compile(r"^[0-9a-f]{64}\.(parts|mentions)$")
_LEFTOVER = re.compile(r"^\.[0-9a-f]{12}\..*\.tmp$")


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


# ------------------------------------------------------------------ compact form of a segmentation
def _rows(items, cls) -> tuple:
    names = [f.name for f in fields(cls)]
    return tuple(tuple(getattr(x, n) for n in names) for x in items)


def _pack(part: Part) -> tuple:
    """A part without its document text, tokens as offset arrays (a tenth of the pickled objects)."""
    seg = part.seg
    text = seg.norm.text
    tokens = seg.tokens
    if all(t.word == text[t.nbegin:t.nend] for t in tokens):
        packed_tokens = (array("l", (t.nbegin for t in tokens)), array("l", (t.nend for t in tokens)),
                         [t.tag for t in tokens])
    else:
        packed_tokens = tokens
    return (part.begin, part.end, part.norm_offset, text, seg.norm.origin, _rows(seg.blocks, Block),
            _rows(seg.sentences, Sentence), _rows(seg.outline, OutlineItem), packed_tokens)


def _unpack(packed: tuple, doc: Document) -> Part:
    begin, end, norm_offset, text, origin, blocks, sentences, outline, tokens = packed
    piece = doc if (begin, end) == (0, len(doc.text)) else \
        Document(**{**doc.__dict__, "text": doc.text[begin:end]})
    if isinstance(tokens, tuple) and len(tokens) == 3 and isinstance(tokens[0], array):
        begins, ends, tags = tokens
        tokens = tuple(Token(b, e, text[b:e], tag) for b, e, tag in zip(begins, ends, tags))
    seg = Segmented(norm=NormalizedText(doc=piece, text=text, origin=origin),
                    blocks=tuple(Block(*r) for r in blocks), sentences=tuple(Sentence(*r) for r in sentences),
                    tokens=tokens, outline=tuple(OutlineItem(*r) for r in outline))
    return Part(begin, end, norm_offset, seg)


# ------------------------------------------------------------------ the store
class DamagedEntry(Exception):
    """A store entry that cannot be read; it is recomputed."""


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
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            with tempfile.NamedTemporaryFile(dir=self.folder, prefix=".probe-"):
                pass
        except OSError as exc:
            raise KgError(f"{self.folder}: cannot use as cache folder: {exc.strerror or exc}") from exc

    @classmethod
    def spill(cls, fingerprint: str = "") -> ExtractionStore:
        """A temporary store for one build without a cache."""
        return cls(Path(tempfile.mkdtemp(prefix="kg-build-")), persistent=False, fingerprint=fingerprint)

    def key(self, doc_id: str, manifest_row: dict[str, str], content_digest: str) -> str:
        """The key of a document in this store (see :func:`entry_key`)."""
        return entry_key(self.fingerprint, doc_id, manifest_row, content_digest)

    def _path(self, key: str, kind: str) -> Path:
        return self.folder / f"{key}.{kind}"

    def has(self, key: str) -> bool:
        return self._path(key, "mentions").is_file() and self._path(key, "parts").is_file()

    def _records(self, key: str, kind: str) -> Iterator:
        """The records of an entry, one at a time.

        Raises:
            DamagedEntry: the entry is missing, unreadable, or written by another version.
        """
        path = self._path(key, kind)
        try:
            with gzip.open(path, "rb") as handle:
                if pickle.load(handle) != (FORMAT_VERSION, key):
                    raise DamagedEntry(path)
                if self.persistent:
                    os.utime(path)  # recently used: kept by prune()
                while True:
                    try:
                        record = pickle.load(handle)
                    except EOFError:
                        return
                    yield record
        except DamagedEntry:
            raise
        except Exception as exc:  # missing, truncated, not gzip, not a pickle of ours
            raise DamagedEntry(path) from exc

    @contextmanager
    def _writer(self, key: str, kind: str) -> Iterator[Callable]:
        """``add(record)``; the entry appears (atomically) when the block ends without error."""
        from ..serialize import replacing

        with replacing(self._path(key, kind), prefix=f".{key[:12]}.", durable=False,
                       failure=f"{self.folder}: cannot write a cache entry") as raw, \
                gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=1, mtime=0) as handle:
            pickle.dump((FORMAT_VERSION, key), handle, protocol=pickle.HIGHEST_PROTOCOL)
            yield lambda record: pickle.dump(record, handle, protocol=pickle.HIGHEST_PROTOCOL)

    def load_mentions(self, key: str) -> list[Mention] | None:
        """The stored mentions of a document, or None when there is no usable entry."""
        try:
            return [m for batch in self._records(key, "mentions") for m in batch]
        except DamagedEntry:
            return None

    def iter_parts(self, key: str, doc: Document) -> Iterator[Part]:
        """The stored segmentation of ``doc`` (whose text is ``doc.text``), one part at a time.

        Raises:
            DamagedEntry: the entry is missing or damaged (possibly after some parts).
        """
        for packed in self._records(key, "parts"):
            try:
                yield _unpack(packed, doc)
            except Exception as exc:
                raise DamagedEntry(self._path(key, "parts")) from exc

    def save(self, key: str, parts: Iterable[Part], mentions: list[Mention]) -> None:
        """Store a document's segmentation as ``parts`` yields it, then its mentions (whose presence
        marks the entry complete). ``mentions`` may be filled while ``parts`` is consumed."""
        with self._writer(key, "parts") as add:
            for part in parts:
                add(_pack(part))
        with self._writer(key, "mentions") as add:
            add(list(mentions))

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
                if (_ENTRY.match(path.name) and age > max_age_days * 86400) or (_LEFTOVER.match(path.name)
                                                                                and age > 3600):
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
