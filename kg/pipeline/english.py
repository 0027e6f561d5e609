"""English labels for extracted names: place names in pinyin, type words translated.

福州高新技术产业开发区 → "Fuzhou High-tech Industrial Development Zone";
福建省发展和改革委员会 → "Fujian Development and Reform Commission".
"""
from __future__ import annotations

import re

from ..knowledge.gazetteer import Gazetteer
from ..knowledge.lexicon import Lexicon

_KIND_WORDS = re.compile(r" (District|County|City|Town|Township|Subdistrict|Province)$")


def _pinyin(text: str) -> str:
    from pypinyin import lazy_pinyin

    words = []
    for chunk in re.findall(r"[\u4e00-\u9fff]+|[^\u4e00-\u9fff]+", text):
        if re.match(r"[\u4e00-\u9fff]", chunk):
            syllables = lazy_pinyin(chunk)
            words.append("".join(syllables).capitalize())
        else:
            words.append(chunk.replace("（", "(").replace("）", ")").strip())
    return " ".join(w for w in words if w).replace("( ", "(").replace(" )", ")")


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
                        tail = f"{en} {suffix_en if form.endswith(suffix) else form[len(full):] and 'Office'}"
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
        parts.append(_pinyin(rest))
    if tail:
        parts.append(tail)
    return " ".join(p for p in parts if p)
