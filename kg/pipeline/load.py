"""Read a corpus folder: find the ``.txt`` files, read and decode each, attach ``MANIFEST.csv`` metadata.

Everything that can be wrong with a file is caught here, with a message naming it: a folder, FIFO or
device posing as a document, a broken or looping symbolic link, an unreadable file, a name that is
not UTF-8, binary content, an encoding other than UTF-8, UTF-16 (with a byte-order mark) or
GB18030/GBK, and malformed manifest rows.
"""
from __future__ import annotations

import csv
import errno
import io
import os
import re
import stat
from functools import lru_cache
from pathlib import Path, PurePosixPath

from ..errors import CorpusEncodingError, CorpusNotFound, ManifestError
from ..model import Document

MANIFEST = "MANIFEST.csv"
MANIFEST_FIELDS = ("file", "title", "issuer", "issued", "reference", "scope")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Characters that never occur in a text document: C0 controls (tab, LF, CR excepted; a form feed is
# read as a line break), DEL, and the noncharacters U+FFFE/U+FFFF.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffe\uffff]")
# Control characters in a file or folder name (C0, DEL, C1): the name becomes a document identifier.
_NAME_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_UTF16_BOMS = ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
# GB18030 decodes almost any byte string, so a GB18030 reading must look like Chinese: among its
# Han characters, this share must be among the 3,755 most common ones (GB2312 level 1). Real plans
# score above 0.99; Shift-JIS, EUC-KR, Big5 or Windows-1252 read as GB18030 score 0.0-0.5.
_COMMON_HAN_SHARE = 0.8
_SAMPLE = 200_000  # characters inspected for plausibility
_SKIPPED_FOLDERS = {"__MACOSX"}  # resource forks left by macOS zip files


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


@lru_cache(maxsize=1)
def _common_han() -> frozenset[str]:
    """The 3,755 level-1 characters of GB2312 (rows 0xB0-0xD7)."""
    chars = set()
    for row in range(0xB0, 0xD8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.add(bytes((row, cell)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return frozenset(chars)


def _looks_chinese(text: str) -> bool:
    """True when a GB18030 reading of a file is plausible Chinese text."""
    sample = text[:_SAMPLE]
    if _plausible_share(sample) < 0.9:
        return False
    han = [ch for ch in sample if "\u4e00" <= ch <= "\u9fff"]
    if not han:
        return True
    common = _common_han()
    share = sum(ch in common for ch in han) / len(han)
    return share >= (_COMMON_HAN_SHARE if len(han) >= 10 else 0.5)


def _check_characters(text: str, path: Path) -> str:
    """``text`` with form feeds read as line breaks; raises on control characters."""
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise CorpusEncodingError(f"{path}:{line}: contains control characters (U+{ord(bad.group()):04X}); "
                                  "this looks like a binary file, not text")
    # A form feed (a page break of a PDF conversion) is a line break: same offsets, and a
    # character XML (hence RDF/XML) cannot carry.
    return text.replace("\f", "\n")


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """Decode a document as UTF-8 (BOM optional), UTF-16 with a byte-order mark, or GB18030/GBK.

    Returns:
        ``(text, encoding)``; ``encoding`` is ``utf-8``, ``utf-16`` or ``gb18030``.

    Raises:
        CorpusEncodingError: binary content, or an encoding other than those, naming ``path``.
    """
    for bom, codec in _UTF16_BOMS:
        if data.startswith(bom):
            try:
                return _check_characters(data[len(bom):].decode(codec), path), "utf-16"
            except UnicodeDecodeError as exc:
                raise CorpusEncodingError(f"{path}: starts with a UTF-16 byte-order mark but is not UTF-16 "
                                          f"(byte {exc.start + len(bom)})") from exc
    nul = data.find(b"\x00")
    if nul >= 0:
        raise CorpusEncodingError(
            f"{path}: contains NUL bytes (first at byte {nul}); this looks like a binary file, "
            "or UTF-16 text without a byte-order mark (save it as UTF-8)")
    try:
        return _check_characters(data.decode("utf-8-sig"), path), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _looks_chinese(text):
        return _check_characters(text, path), "gb18030"
    raise CorpusEncodingError(
        f"{path}: cannot decode as UTF-8 or GB18030/GBK; convert it to UTF-8 (e.g. iconv -f BIG5 -t UTF-8)"
    )


def read_bytes(path: Path) -> bytes:
    """The content of a document file.

    Raises:
        CorpusEncodingError: the path is not a regular file (a FIFO would block forever), a broken
            or looping symbolic link, or unreadable; the message names it.
    """
    try:
        info = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise CorpusEncodingError(f"{path}: cannot read: {exc.strerror} (a loop of symbolic links)") from exc
        if path.is_symlink():
            raise CorpusEncodingError(f"{path}: broken symbolic link to {os.readlink(path)}") from exc
        raise CorpusEncodingError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a FIFO" if stat.S_ISFIFO(info.st_mode) else \
            "a socket" if stat.S_ISSOCK(info.st_mode) else "a device"
        raise CorpusEncodingError(f"{path}: is {kind}, not a regular file")
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise CorpusEncodingError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def read_manifest(path: Path) -> dict[str, dict[str, str]]:
    """Metadata rows of ``MANIFEST.csv`` keyed by file name.

    Raises:
        ManifestError: naming the line of a malformed row.
    """
    try:
        text, _ = decode(read_bytes(path), path)
    except CorpusEncodingError as exc:
        raise ManifestError(str(exc)) from exc
    reader = csv.reader(io.StringIO(text), strict=True)
    rows: dict[str, dict[str, str]] = {}
    try:
        header = next(reader, None)
        if not header or header[0].strip() != "file":
            raise ManifestError(f"{path}:1: the header must start with 'file' "
                                f"(columns: {', '.join(MANIFEST_FIELDS)})")
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
            parts = PurePosixPath(name).parts
            if name.startswith("/") or ".." in parts or re.match(r"^[A-Za-z]:", name):
                raise ManifestError(f"{path}:{line}: 'file' must be a path inside the corpus folder, got {name!r}")
            if record.get("issued") and not _DATE.match(record["issued"]):
                raise ManifestError(f"{path}:{line}: 'issued' must be a date like 2021-07-09, "
                                    f"got {record['issued']!r}")
            if name in rows:
                raise ManifestError(f"{path}:{line}: {name} is listed twice")
            rows[name] = record
    except csv.Error as exc:
        raise ManifestError(f"{path}:{reader.line_num}: not valid CSV: {exc}") from exc
    return rows


def find_documents(corpus_dir: Path) -> tuple[list[Path], list[str]]:
    """The ``.txt`` files under ``corpus_dir`` (sorted) and warnings about what was passed over.

    Folders are searched recursively; symbolically linked folders are not followed (a link may
    loop), hidden files and folders (``.name``) and ``__MACOSX`` are skipped.

    Raises:
        CorpusNotFound: the folder does not exist or holds no ``.txt`` file.
        CorpusEncodingError: a file name is not valid UTF-8.
    """
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.exists():
        raise CorpusNotFound(f"{corpus_dir}: no such folder")
    if not corpus_dir.is_dir():
        raise CorpusNotFound(f"{corpus_dir}: not a folder")
    found, warnings = [], []

    def walk_error(exc: OSError) -> None:
        warnings.append(f"{exc.filename}: cannot list the folder: {exc.strerror}")

    for root, dirs, files in os.walk(corpus_dir, followlinks=False, onerror=walk_error):
        for name in list(dirs):
            if name.startswith(".") or name in _SKIPPED_FOLDERS:
                dirs.remove(name)
            elif (Path(root) / name).is_symlink():
                warnings.append(f"{Path(root) / name}: symbolic link to a folder, not followed")
        dirs.sort()
        found.extend(Path(root) / f for f in files if f.lower().endswith(".txt") and not f.startswith("."))
    if not found:
        raise CorpusNotFound(f"{corpus_dir}: no .txt documents found")
    for path in found:
        try:
            str(path).encode("utf-8")
        except UnicodeEncodeError:
            raw = os.fsencode(path.name)
            raise CorpusEncodingError(f"{os.fsencode(path.parent).decode('utf-8', 'replace')}/{raw!r}: file name "
                                      "is not UTF-8 (unpacked from a GBK zip file?); rename it, e.g. with "
                                      "convmv -f gbk -t utf-8") from None
        bad = _NAME_CONTROL.search(path.relative_to(corpus_dir).as_posix())
        if bad:  # it would reach XML outputs (which cannot carry it) and terminals (which obey it)
            raise CorpusEncodingError(f"{path}: file name holds a control character (U+{ord(bad.group()):04X}); "
                                      "rename the file")
    return sorted(found, key=lambda p: p.relative_to(corpus_dir).as_posix()), sorted(warnings)


def list_documents(corpus_dir: Path) -> list[Path]:
    """The ``.txt`` files under ``corpus_dir``, sorted (see :func:`find_documents`)."""
    return find_documents(corpus_dir)[0]


def doc_id_of(path: Path, corpus_dir: Path) -> str:
    """The document identifier: its path below the corpus folder without ``.txt``."""
    return path.relative_to(corpus_dir).as_posix()[: -len(".txt")]


def make_document(path: Path, corpus_dir: Path, text: str, encoding: str,
                  manifest: dict[str, dict[str, str]]) -> Document:
    """The ``Document`` of a decoded file with its manifest row."""
    meta = manifest.get(path.relative_to(corpus_dir).as_posix(), {})
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


def read_document(path: Path, corpus_dir: Path, manifest: dict[str, dict[str, str]]) -> Document:
    """Read and decode one file and attach its manifest row."""
    text, encoding = decode(read_bytes(path), path)
    return make_document(path, corpus_dir, text, encoding, manifest)


def load_manifest(corpus_dir: Path) -> dict[str, dict[str, str]]:
    """The rows of ``MANIFEST.csv`` in ``corpus_dir`` (none when there is no manifest)."""
    path = Path(corpus_dir) / MANIFEST
    return read_manifest(path) if path.exists() or path.is_symlink() else {}
