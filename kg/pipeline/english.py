"""English labels for extracted names: place names in pinyin, type words translated.

福州高新技术产业开发区 → "Fuzhou High-tech Industrial Development Zone";
福建省发展和改革委员会 → "Fujian Development and Reform Commission".
"""
from __future__ import annotations

import csv
import re
from functools import lru_cache

from ..knowledge.gazetteer import Gazetteer
from ..knowledge.lexicon import Lexicon
from ..paths import LEXICON_DIR

_KIND_WORDS = re.compile(r" (District|County|City|Town|Township|Subdistrict|Province)$")
_HAN = re.compile(r"[\u4e00-\u9fff]")
# Chinese punctuation as English writes it: quotes hug the words they quote, a dash joins.
_PUNCTUATION = {"（": "(", "）": ")", "“": '"', "”": '"', "‘": "'", "’": "'", "—": "-", "－": "-", "·": " "}


@lru_cache(maxsize=1)
def common_words() -> dict[str, str]:
    """``data/lexicon/english_words.csv``: words inside names that English translates (国际 → International)."""
    with open(LEXICON_DIR / "english_words.csv", encoding="utf-8", newline="") as f:
        return {row["word"]: row["name_en"] for row in csv.DictReader(f)
                if row["word"] and not row["word"].startswith("#")}


def spell(word: str) -> str:
    """One word in pinyin as a name is written (GB/T 16159): syllables joined, a capital first, an
    apostrophe before a syllable opening with a, o or e (西安 → Xi'an).

    >>> spell("仓山"), spell("西安"), spell("江阴")
    ('Cangshan', "Xi'an", 'Jiangyin')
    """
    from pypinyin import lazy_pinyin

    syllables = lazy_pinyin(word)
    out = syllables[0]
    for syllable in syllables[1:]:
        out += ("'" if syllable[:1] in "aoe" else "") + syllable
    return out[:1].upper() + out[1:]


def _words(text: str) -> list[str]:
    from .segment import domain_tokenizer

    return [t.word for t in domain_tokenizer().tokenize(text)]


def _pinyin(text: str, gaz: Gazetteer | None = None) -> str:
    """``text`` in English: known places by their English names, common words translated, other
    words in pinyin, one English word per Chinese word (福州仓山生物医药 → Fuzhou Cangshan Biomedicine)."""
    table = common_words()
    words: list[str] = []
    for chunk in re.findall(r"[\u4e00-\u9fff]+|[^\u4e00-\u9fff]+", text):
        if not _HAN.match(chunk):
            words.append("".join(_PUNCTUATION.get(ch, ch) for ch in chunk).strip())
            continue
        words += _han_words(chunk, gaz, table)
    return _join(words)


def _han_words(chunk: str, gaz: Gazetteer | None, table: dict[str, str]) -> list[str]:
    """English words for a run of Chinese: common words of two or more characters wherever they
    stand (防洪工程 → Flood Control Project), the rest word by word (places, one-character
    common words, pinyin)."""
    out: list[str] = []
    pending, i = "", 0
    while i < len(chunk):
        hit = next((chunk[i:i + n] for n in range(min(8, len(chunk) - i), 1, -1) if chunk[i:i + n] in table), "")
        if not hit:
            pending, i = pending + chunk[i], i + 1
            continue
        out += [_word_english(w, gaz, table) for w in _words(pending)] if pending else []
        out.append(table[hit])
        pending, i = "", i + len(hit)
    return out + ([_word_english(w, gaz, table) for w in _words(pending)] if pending else [])


def _word_english(word: str, gaz: Gazetteer | None, table: dict[str, str]) -> str:
    key = gaz.key_of(word) if gaz and len(word) > 1 else ""
    if word in table:
        return table[word]
    if key and gaz.entities[key].type == "Region":
        return place_english(key, gaz)
    return spell(word)


def _join(words: list[str]) -> str:
    """Words joined by spaces, but not inside brackets or quotes, around a dash, or after a word
    ending in a hyphen (Sub- + Bureau → Sub-Bureau).

    >>> _join(["Fuzhou", "(", "Lianjiang", ")", "Park", '"', "Binhai", '"', "Quanzhou", "-", "Xiamen"])
    'Fuzhou (Lianjiang) Park "Binhai" Quanzhou-Xiamen'
    """
    out, quoted, glue = "", False, True
    for word in (w for w in words if w):
        closing = word.startswith('"') and quoted
        if not (glue or closing or word.startswith((")", "-", ",", "."))):
            out += " "
        out += word
        quoted ^= word.count('"') % 2 == 1
        glue = word.endswith(("(", "-")) or (word.endswith('"') and quoted)
    return out


def place_english(key: str, gaz: Gazetteer) -> str:
    e = gaz.entities[key]
    return _KIND_WORDS.sub("", e.name_en) if e.name_en else _pinyin(e.name)


def english_name(name: str, type_: str, gaz: Gazetteer, lex: Lexicon) -> str:
    """A readable English label for a Chinese entity name."""
    places = gaz.leading_places(name)
    parts = [place_english(key, gaz) for key in places]
    rest = name[gaz.spelled(name, places):]
    run = lex.abbreviation_run(rest)
    if run >= 2:  # 厦漳 → Xiamen-Zhangzhou
        names = [gaz.key_of(lex.place_abbreviations[ch]) for ch in rest[:run]]
        if all(names):
            parts.append("-".join(place_english(k, gaz) for k in names))
            rest = rest[run:]
    tail = ""
    if type_ == "Agency":
        for body, (full, en) in sorted(lex.agency_bodies.items(), key=lambda x: -len(x[0])):
            for suffix, (_, suffix_en) in lex.agency_suffixes.items():
                for form in (body + suffix, full + suffix, full + "委员会", full + "办公室"):
                    if rest.endswith(form) and en:
                        tail = _join([en, suffix_en if form.endswith(suffix) else form[len(full):] and 'Office'])
                        rest = rest[: -len(form)]
                        break
                if tail:
                    break
            if tail:
                break
    if not tail:
        for suffix in sorted(lex.suffixes, key=len, reverse=True):
            if rest.endswith(suffix) and lex.suffixes[suffix].name_en:
                tail = lex.suffixes[suffix].name_en
                rest = rest[: -len(suffix)]
                break
    if rest:
        parts.append(_pinyin(rest, gaz))
    if tail:
        parts.append(tail)
    return _join(parts)
