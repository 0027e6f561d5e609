"""Errors the library raises. The CLI turns every ``KgError`` into a message and exit code 1."""
from __future__ import annotations


class KgError(Exception):
    """Base class: a problem the user can fix (bad input, missing file, bad option)."""


class CorpusNotFound(KgError):
    """The corpus folder does not exist or holds no ``.txt`` documents."""


class CorpusEncodingError(KgError):
    """A document is neither UTF-8 nor GB18030, or is binary."""


class ManifestError(KgError):
    """``MANIFEST.csv`` beside the documents has a malformed row."""


class DataFileError(KgError):
    """A lexicon or gazetteer file under ``data/`` has a malformed row."""


class GraphNotFound(KgError):
    """The graph file to read does not exist."""


class UnknownFormat(KgError):
    """An RDF format name or file extension the tool does not know."""
