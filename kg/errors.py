"""Errors the library raises. The CLI turns every ``KgError`` into a one-line message and its exit code.

One rule for every command: exit code 2 when the command line asks for something that is not
there or not allowed (an unknown command, option, city, query, parameter, parameter value, type,
relation, layout or format; a query that does not parse): :class:`BadInput`. Exit code 1 when
the command was understood but could not be done (a missing or broken file, SHACL violations,
a time or row limit, an unreachable server).
"""
from __future__ import annotations


class KgError(Exception):
    """Base class: a problem the user can fix (bad input, missing file, bad option)."""

    def __reduce__(self):
        # Subclasses take other constructor arguments (UnknownCity's suggestions), which the
        # default pickling would lose; rebuilt from message and attributes, an error raised in
        # a query process (kg.sparql.limits) reaches the parent intact.
        return _rebuild, (type(self), self.args, self.__dict__)


class BadInput(KgError):
    """The command line asks for something that is not there or not allowed (exit code 2)."""

    exit_code = 2


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


class UnknownFormat(BadInput):
    """An RDF format name or file extension the tool does not know."""


def close_matches(wanted: str, candidates, n: int = 5) -> list[str]:
    """The candidates close enough to ``wanted`` to be what the user meant ("did you mean"):
    a spelling at least 75 % alike (fuzou → fuzhou) or, for Chinese, a name that sounds the same
    (福洲 → 福州, the usual slip of pinyin input). Nothing for a name that merely shares letters
    with one (XYZ and Xiuyu) or a character (福洲 and 福安).

    >>> close_matches("fuzou", ["fuzhou", "xiuyu", "fuqing"])
    ['fuzhou']
    >>> close_matches("福洲", ["福州", "福安", "泉州"]), close_matches("xyz", ["xiuyu", "xyq"])
    (['福州'], [])
    """
    import difflib

    wanted = wanted.lower()
    found = difflib.get_close_matches(wanted, list(candidates), n=n, cutoff=0.75)
    if not wanted.isascii():
        from pypinyin import lazy_pinyin

        sound = lazy_pinyin(wanted)
        found += [c for c in candidates if c not in found and not c.isascii() and len(c) == len(wanted)
                  and lazy_pinyin(c) == sound]
    return found[:n]


def _rebuild(cls: type, args: tuple, state: dict) -> KgError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error
