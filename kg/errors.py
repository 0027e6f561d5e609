"""Errors the library raises. The CLI turns every ``KgError`` into a message and exit code 1."""
from __future__ import annotations


class KgError(Exception):
    """Base class: a problem the user can fix (bad input, missing file, bad option)."""

    def __reduce__(self):
        # Subclasses take other constructor arguments (UnknownCity's suggestions), which the
        # default pickling would lose; rebuilt from message and attributes, an error raised in
        # a query process (kg.sparql.limits) reaches the parent intact.
        return _rebuild, (type(self), self.args, self.__dict__)


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


def _rebuild(cls: type, args: tuple, state: dict) -> KgError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error
