"""Plain records passed between pipeline stages.

Offsets: ``begin``/``end`` of a ``Mention`` or ``Relation`` evidence are Python string indices into
the *original* decoded document text (what the graph stores as ``nif:beginIndex``/``nif:endIndex``);
``nbegin``/``nend`` index the normalized text the extractors read.
"""
from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from pathlib import Path

TYPES = ("Region", "Park", "Corridor", "Project", "Agency")
RELATIONS = ("locatedIn", "responsibleFor", "connects")


@dataclass(frozen=True)
class Document:
    """One source text with the metadata ``MANIFEST.csv`` gives for it."""

    doc_id: str  # file name without .txt
    path: Path
    text: str  # decoded original text
    encoding: str = "utf-8"
    title: str = ""
    issuer: str = ""
    issued: str = ""  # ISO date, when known
    reference: str = ""  # document number, e.g. 榕政〔2021〕4号
    scope: str = ""


@dataclass(frozen=True, eq=False)
class NormalizedText:
    """Cleaned text plus, for every character, the index of its source character."""

    doc: Document
    text: str
    origin: array  # len(text) + 1 entries; origin[len(text)] == len(doc.text)

    def to_original(self, nbegin: int, nend: int) -> tuple[int, int]:
        """Original ``[begin, end)`` covering normalized ``[nbegin, nend)``."""
        if nend <= nbegin:
            return self.origin[nbegin], self.origin[nbegin]
        return self.origin[nbegin], self.origin[nend - 1] + 1


@dataclass(frozen=True)
class Block:
    """A paragraph, heading, table row or responsibility line of the normalized text."""

    nbegin: int
    nend: int
    kind: str  # paragraph | heading | table


@dataclass(frozen=True)
class Sentence:
    nbegin: int
    nend: int
    block: int  # index into Segmented.blocks


@dataclass(frozen=True)
class Token:
    nbegin: int
    nend: int
    word: str
    tag: str  # jieba part-of-speech tag, or our own tag for domain words


@dataclass(frozen=True)
class OutlineItem:
    """A numbered heading or item (第X章, 一、, （一）, 1., （1）, ①) and how far it reaches."""

    nbegin: int
    level: int  # 1 = 第X章 … 7 = ①
    scope_end: int  # start of the next item of the same or a higher level


@dataclass(frozen=True, eq=False)
class Segmented:
    """A normalized document cut into blocks, sentences, outline items and tokens."""

    norm: NormalizedText
    blocks: tuple[Block, ...]
    sentences: tuple[Sentence, ...]
    tokens: tuple[Token, ...]
    outline: tuple[OutlineItem, ...]

    @property
    def doc(self) -> Document:
        return self.norm.doc

    @property
    def text(self) -> str:
        return self.norm.text


@dataclass(frozen=True)
class Mention:
    """A span of a document that names an entity of one of the five types."""

    doc_id: str
    nbegin: int
    nend: int
    begin: int
    end: int
    anchor: str  # original text[begin:end], line breaks included
    surface: str  # normalized surface form
    type: str  # one of TYPES
    kind: str  # ontology class local name (a subclass of ``type`` or ``type`` itself)
    rule: str  # extraction rule id
    name: str  # canonical name proposed by the extractor (resolve may change it)
    candidates: tuple[str, ...] = ()  # gazetteer/lexicon keys this surface may denote
    role: str = ""  # e.g. "lead"/"support" for agencies listed in responsibility lines
    entity: str = ""  # entity key, filled in by resolve


@dataclass(frozen=True)
class Entity:
    """One real-world thing: a node of the graph."""

    key: str  # path of the IRI below the resource namespace, e.g. division/350104
    type: str
    kind: str
    name: str  # preferred Chinese label
    name_en: str = ""
    aliases: tuple[str, ...] = ()  # every other label (surface forms, former names)
    code: str = ""  # official division code
    lon: str = ""
    lat: str = ""
    parent: str = ""  # key of the containing division (gazetteer hierarchy)
    source: str = "text"  # gazetteer | lexicon | text


@dataclass(frozen=True)
class Relation:
    """A typed edge with the evidence sentence it was read from."""

    subject: str  # entity key
    predicate: str  # one of RELATIONS (or memberOf)
    object: str  # entity key
    rule: str
    doc_id: str = ""  # empty for gazetteer facts
    begin: int = 0
    end: int = 0
    evidence: str = ""
    confidence: float = 1.0


@dataclass(frozen=True, eq=False)
class Corpus:
    """Everything the pipeline extracted, ready to become a graph."""

    documents: tuple[Document, ...]
    mentions: tuple[Mention, ...]
    entities: dict[str, Entity]
    relations: tuple[Relation, ...]
    warnings: tuple[str, ...] = field(default=())
    issuers: dict[str, str] = field(default_factory=dict)  # document id -> agency entity key
