"""Read a corpus folder: decode each ``.txt`` file and attach ``MANIFEST.csv`` metadata."""
from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

from .errors import CorpusEncodingError, CorpusNotFound, ManifestError
from .model import Document

MANIFEST = "MANIFEST.csv"
MANIFEST_FIELDS = ("file", "title", "issuer", "issued", "reference", "scope")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Control characters that never occur in a text document (tab, LF, FF, CR excepted).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _plausible_share(text: str) -> float:
    """Share of characters a Chinese planning text is made of (used to reject mis-decodings)."""
    if not text:
        return 1.0
    ok = 0
    for ch in text:
        o = ord(ch)
        if (
            o < 0x80
            or 0x4E00 <= o <= 0x9FFF
            or 0x3000 <= o <= 0x303F
            or 0xFF00 <= o <= 0xFFEF
            or 0x2000 <= o <= 0x206F
            or 0x2460 <= o <= 0x24FF  # ① … circled numbers
            or o in (0xB7, 0xD7, 0xB0, 0x25CB, 0x3007)
        ):
            ok += 1
    return ok / len(text)


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """Decode a document as UTF-8 (BOM optional) or GB18030/GBK.

    Returns:
        ``(text, encoding)``.

    Raises:
        CorpusEncodingError: binary content, or an encoding other than those two.
    """
    if b"\x00" in data:
        raise CorpusEncodingError(f"{path}: contains NUL bytes; this looks like a binary file, not text")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _CONTROL.search(text):
            raise CorpusEncodingError(f"{path}: contains control characters; this looks like a binary file")
        if encoding == "gb18030" and _plausible_share(text) < 0.9:
            break
        return text, ("utf-8" if encoding == "utf-8-sig" else "gb18030")
    raise CorpusEncodingError(
        f"{path}: cannot decode as UTF-8 or GB18030/GBK; convert it to UTF-8 (e.g. iconv -f BIG5 -t UTF-8)"
    )


def read_manifest(path: Path) -> dict[str, dict[str, str]]:
    """Metadata rows of ``MANIFEST.csv`` keyed by file name.

    Raises:
        ManifestError: naming the line of a malformed row.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ManifestError(f"{path}: cannot read: {exc.strerror}") from exc
    text, _ = decode(raw, path)
    reader = csv.reader(io.StringIO(text))
    rows: dict[str, dict[str, str]] = {}
    header = next(reader, None)
    if not header or header[0].strip() != "file":
        raise ManifestError(f"{path}:1: the header must start with 'file' (columns: {', '.join(MANIFEST_FIELDS)})")
    header = [h.strip() for h in header]
    unknown = set(header) - set(MANIFEST_FIELDS)
    if unknown:
        raise ManifestError(f"{path}:1: unknown column(s) {', '.join(sorted(unknown))}")
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise ManifestError(f"{path}:{line}: expected {len(header)} fields, found {len(row)}")
        record = {k: v.strip() for k, v in zip(header, row)}
        name = record["file"]
        if not name.lower().endswith(".txt"):
            raise ManifestError(f"{path}:{line}: 'file' must name a .txt document, got {name!r}")
        if record.get("issued") and not _DATE.match(record["issued"]):
            raise ManifestError(f"{path}:{line}: 'issued' must be a date like 2021-07-09, got {record['issued']!r}")
        if name in rows:
            raise ManifestError(f"{path}:{line}: {name} is listed twice")
        rows[name] = record
    return rows


def list_documents(corpus_dir: Path) -> list[Path]:
    """The ``.txt`` files under ``corpus_dir`` (recursively, symlinked folders not followed), sorted."""
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.exists():
        raise CorpusNotFound(f"{corpus_dir}: no such folder")
    if not corpus_dir.is_dir():
        raise CorpusNotFound(f"{corpus_dir}: not a folder")
    found = []
    for root, dirs, files in os.walk(corpus_dir, followlinks=False):
        dirs.sort()
        found.extend(Path(root) / f for f in files if f.lower().endswith(".txt"))
    if not found:
        raise CorpusNotFound(f"{corpus_dir}: no .txt documents found")
    return sorted(found, key=lambda p: p.relative_to(corpus_dir).as_posix())


def doc_id_of(path: Path, corpus_dir: Path) -> str:
    """The document identifier: its path below the corpus folder without ``.txt``."""
    return path.relative_to(corpus_dir).as_posix()[: -len(".txt")]


def read_document(path: Path, corpus_dir: Path, manifest: dict[str, dict[str, str]]) -> Document:
    """Decode one file and attach its manifest row."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorpusEncodingError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    text, encoding = decode(data, path)
    rel = path.relative_to(corpus_dir).as_posix()
    meta = manifest.get(rel, {})
    return Document(
        doc_id=doc_id_of(path, corpus_dir),
        path=path,
        text=text,
        encoding=encoding,
        title=meta.get("title", ""),
        issuer=meta.get("issuer", ""),
        issued=meta.get("issued", ""),
        reference=meta.get("reference", ""),
        scope=meta.get("scope", ""),
    )


def load_manifest(corpus_dir: Path) -> dict[str, dict[str, str]]:
    path = Path(corpus_dir) / MANIFEST
    return read_manifest(path) if path.exists() else {}
