"""Cut normalized text into blocks, sentences, numbered outline items and jieba tokens.

jieba loads a domain dictionary made from the gazetteer and the lexicons, so that names such
as 福州长乐国际机场 or 高新技术产业开发区 come out as whole tokens.
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache

from ..knowledge.gazetteer import Gazetteer, load_gazetteer
from ..knowledge.lexicon import Lexicon, load_lexicon
from ..model import Block, NormalizedText, OutlineItem, Segmented, Sentence, Token
from .normalize import OUTLINE_MARKER

_SENTENCE_END = re.compile(r"[。！？；!?;]|\t")


class DomainTokenizer:
    """jieba with the gazetteer and lexicon words added, plus part-of-speech tags."""

    def __init__(self, gazetteer: Gazetteer, lexicon: Lexicon):
        import jieba

        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        self.lexicon = lexicon
        self.outline_items = lexicon.outline_item_pattern()  # data/lexicon/outline_markers.csv
        self.tags: dict[str, str] = _general_tags(self._jieba.get_dict_file)
        # Words the general dictionary knows as something other than a place name
        # (平和 'peaceful', 城门 'city gate'): their place reading needs context.
        self.common_words = frozenset(w for w, t in self.tags.items() if not t.startswith("ns"))
        self.general_words = frozenset(self.tags)
        for surface, cands in gazetteer.surfaces.items():
            if len(surface) < 2:
                continue
            first = gazetteer.entities[cands[0].key]
            if all(c.short and gazetteer.is_national(c.key) for c in cands):
                continue  # 西宁 in 海西宁德: a far place's short form must not cut up a Fujian name
            tag = "ns" if first.type == "Region" else "nt" if first.type == "Agency" else "nz"
            self._add(surface, tag)
        for suffix in lexicon.suffixes:
            if len(suffix) >= 2:
                self._add(suffix, "sfx")
        for word, tag in lexicon.domain_words.items():
            self._jieba.add_word(word, self._jieba.suggest_freq(word, False), tag)
            self.tags[word] = tag
        for stem in lexicon.route_abbreviations:  # 向莆 is a route's name, not 向 + 莆
            if len(stem) >= 2:
                self._add(stem, "nz")
        for body in lexicon.agency_bodies:
            if len(body) >= 2:
                self._add(body, "nbody")
        self.split_chars = frozenset(w for w in lexicon.stop_words if len(w) == 1) | set("至—－-")

    def _add(self, word: str, tag: str) -> None:
        if word not in self.tags:
            self._jieba.add_word(word, self._jieba.suggest_freq(word, False), tag)
            self.tags[word] = tag

    def tokenize(self, text: str) -> list[Token]:
        tokens = []
        pos = 0
        for word in self._jieba.cut(text, HMM=True):
            for piece in self._split_new_word(word):
                end = pos + len(piece)
                tokens.append(Token(pos, end, piece, self.tags.get(piece) or _shape_tag(piece)))
                pos = end
        return tokens

    def _split_new_word(self, word: str) -> list[str]:
        """jieba's HMM sometimes glues a function word to a name (港至, 及飞): cut it off again."""
        if word in self.tags or len(word) < 2 or not any(ch in self.split_chars for ch in word):
            return [word]
        pieces, current = [], ""
        for ch in word:
            if ch in self.split_chars:
                if current:
                    pieces.append(current)
                pieces.append(ch)
                current = ""
            else:
                current += ch
        return pieces + ([current] if current else [])


def _shape_tag(word: str) -> str:
    """Tag of a word jieba's dictionary does not know: punctuation, number, Latin, or unknown."""
    if not word.strip():
        return "x"
    if all(not ch.isalnum() for ch in word):
        return "w"
    if word.isdigit():
        return "m"
    if word.isascii():
        return "eng"
    return "nx"  # a new word found by jieba's HMM: often a name


def _general_tags(open_dict) -> dict[str, str]:
    """Part-of-speech tag of every word of jieba's dictionary, cached like jieba caches its own."""
    import marshal
    import os
    import tempfile

    import jieba

    cache = os.path.join(tempfile.gettempdir(), f"kg-jieba-tags-{jieba.__version__}.marshal")
    try:
        with open(cache, "rb") as handle:
            return marshal.load(handle)
    except (OSError, EOFError, ValueError, TypeError):
        pass
    tags = {}
    with open_dict() as handle:
        for raw in handle:
            parts = raw.decode("utf-8").split()
            if len(parts) >= 3:
                tags[parts[0]] = parts[2]
    tmp = f"{cache}.{os.getpid()}"
    try:
        with open(tmp, "wb") as handle:
            marshal.dump(tags, handle)
        os.replace(tmp, cache)
    except OSError:
        pass
    return tags


@lru_cache(maxsize=2)
def domain_tokenizer() -> DomainTokenizer:
    return DomainTokenizer(load_gazetteer(), load_lexicon())


def segment(norm: NormalizedText, *, tokenizer: DomainTokenizer | None = None) -> Segmented:
    """Blocks, sentences and tokens of a normalized document."""
    text = norm.text
    tokenizer = tokenizer or domain_tokenizer()
    items = [(m.start(1), tokenizer.lexicon.outline_level(m.group(1))) for m in tokenizer.outline_items.finditer(text)]
    scope_ends = {}
    for i, (start, level) in enumerate(items):
        end = next((s for s, lv in items[i + 1:] if lv <= level), len(text))
        scope_ends[start] = end
    blocks: list[Block] = []
    sentences: list[Sentence] = []
    pos = 0
    for line in text.split("\n"):
        b, e = pos, pos + len(line)
        pos = e + 1
        if not line.strip():
            continue
        marker = OUTLINE_MARKER.match(line)
        kind = "table" if "\t" in line else "heading" if marker and len(line) < 40 and "。" not in line else "paragraph"
        blocks.append(Block(b, e, kind))
        s = b
        for m in _SENTENCE_END.finditer(line):
            cut = b + m.end()
            if text[s:cut].strip():
                sentences.append(Sentence(s, cut if m.group() != "\t" else cut - 1, len(blocks) - 1))
            s = cut
        if s < e and text[s:e].strip():
            sentences.append(Sentence(s, e, len(blocks) - 1))
    outline = tuple(OutlineItem(start, level, scope_ends[start]) for start, level in items)
    return Segmented(norm=norm, blocks=tuple(blocks), sentences=tuple(sentences),
                     tokens=tuple(tokenizer.tokenize(text)), outline=outline)
