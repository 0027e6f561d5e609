"""The editable word lists under ``data/lexicon``: type suffixes, agency bodies, abbreviations,
stop words. Each file is a small CSV a planner can extend; rows starting with ``#`` are comments."""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..errors import DataFileError
from ..model import TYPES
from ..paths import LEXICON_DIR


def read_table(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    """Rows of a data CSV as dicts, comments and blank rows skipped.

    Raises:
        DataFileError: the file is missing, lacks a column, or a row lacks a required value.
    """
    try:
        handle = open(path, encoding="utf-8", newline="")
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read: {exc.strerror}") from exc
    with handle:
        reader = csv.reader(handle)
        header = [h.strip() for h in next(reader, [])]
        missing = [c for c in required if c not in header]
        if missing:
            raise DataFileError(f"{path}:1: missing column(s) {', '.join(missing)}")
        rows = []
        for row in reader:
            if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
                continue
            record = {k: (row[i].strip() if i < len(row) else "") for i, k in enumerate(header)}
            empty = [c for c in required if not record[c]]
            if empty:
                raise DataFileError(f"{path}:{reader.line_num}: empty {', '.join(empty)}")
            rows.append(record)
    return rows


@dataclass(frozen=True)
class Suffix:
    text: str
    type: str
    kind: str
    name_en: str
    min_prefix: int
    naming: str = "distinct"  # what the words before it must include: descriptive | distinct | place | alias


@dataclass(frozen=True)
class Lexicon:
    suffixes: dict[str, Suffix]  # by suffix text
    agency_bodies: dict[str, tuple[str, str]]  # body -> (full body, English)
    agency_suffixes: dict[str, tuple[str, str]]  # suffix -> (kind, English)
    glued_agency_suffixes: frozenset[str]  # 办: 外办, 铁办 name offices in one word
    jurisdictions: dict[str, tuple[str, str]]  # 省 -> (level, English)
    place_abbreviations: dict[str, str]  # 福 -> 福州市
    route_abbreviations: dict[str, tuple[str, ...]]  # 沈海 -> (沈阳市, 海口市)
    stop_words: frozenset[str]
    determiners: frozenset[str]
    descriptors: frozenset[str]  # describe rather than name (geographic words included)
    geographic: frozenset[str]  # 沿江, 滨海, 山区: describe, but can name a corridor
    not_entities: frozenset[str]
    domain_words: dict[str, str]  # word -> jieba tag
    suffix_variants: dict[str, str]  # short suffix -> long suffix
    feature_chars: dict[str, frozenset[str]]  # 湾, 岛 … → words they open that are not features (山 → 山海)
    river_chars: frozenset[str]  # 江, 溪 …: the feature characters whose meaning is river or stream
    river_words: tuple[str, ...]  # 流域, 下游 …: after 敖江, they show the river is meant, not the town
    context_words: frozenset[str]  # 机遇, 优势 …: a clause that uses what it names as context, not as a task
    right_qualifiers: dict[str, tuple[str, ...]] = field(default_factory=dict)  # kind -> words, longest first
    outline_markers: tuple[tuple[int, re.Pattern, str], ...] = ()  # (depth, pattern, what must follow)
    range_joiners: frozenset[str] = frozenset()  # 至, — …: join the places of a range in a route's name
    branch_words: dict[str, bool] = field(default_factory=dict)  # 支线 -> whether it names its route too
    government_suffixes: tuple[str, ...] = ()  # 人民政府 …, longest first

    def outline_level(self, marker: str) -> int:
        """Depth of an outline number (第X章 1 … ① 7), or 0 when ``marker`` is none."""
        return next((level for level, pattern, _ in self.outline_markers if pattern.fullmatch(marker)), 0)

    def outline_item_pattern(self) -> re.Pattern:
        """An outline number at the start of a line or after a sentence end."""
        alternatives = "|".join(f"{p.pattern}(?={f})" if f else p.pattern for _, p, f in self.outline_markers)
        return re.compile(rf"(?:^|(?<=[。；！？：\n]))[ ]*({alternatives})")

    def abbreviation_run(self, text: str) -> int:
        """How many place-abbreviation characters open ``text`` (厦漳泉城际 → 3)."""
        n = 0
        while n < len(text) and text[n] in self.place_abbreviations:
            n += 1
        return n

    def names_feature(self, text: str, pos: int) -> bool:
        """Whether ``text[pos:]`` opens a feature's name after a place (福清|湾, not 龙岩|山海协作)."""
        ch = text[pos:pos + 1]
        return ch in self.feature_chars and not any(text.startswith(w, pos) for w in self.feature_chars[ch])


@lru_cache(maxsize=4)
def load_lexicon(directory: Path = LEXICON_DIR) -> Lexicon:
    """Read every lexicon file of ``directory`` (cached)."""
    suffixes = {}
    for r in read_table(directory / "type_suffixes.csv", ("suffix", "type", "kind")):
        if r["type"] not in TYPES:
            raise DataFileError(f"{directory / 'type_suffixes.csv'}: {r['suffix']}: unknown type {r['type']!r}")
        naming = r.get("naming") or "distinct"
        if naming not in ("descriptive", "distinct", "place", "alias"):
            raise DataFileError(f"{directory / 'type_suffixes.csv'}: {r['suffix']}: unknown naming {naming!r}")
        suffixes[r["suffix"]] = Suffix(r["suffix"], r["type"], r["kind"], r.get("name_en", ""),
                                       int(r.get("min_prefix") or 2), naming)
    bodies = {r["body"]: (r["full"] or r["body"], r.get("name_en", ""))
              for r in read_table(directory / "agency_bodies.csv", ("body",))}
    suffix_rows = read_table(directory / "agency_suffixes.csv", ("suffix", "kind"))
    agency_suffixes = {r["suffix"]: (r["kind"], r.get("name_en", "")) for r in suffix_rows}
    jurisdictions = {r["prefix"]: (r["level"], r.get("name_en", ""))
                     for r in read_table(directory / "jurisdiction_prefixes.csv", ("prefix", "level"))}
    abbreviations = {r["abbreviation"]: r["place"]
                     for r in read_table(directory / "place_abbreviations.csv", ("abbreviation", "place"))}
    routes = {r["stem"]: tuple(p for p in r["endpoints"].split("|") if p)
              for r in read_table(directory / "route_abbreviations.csv", ("stem", "endpoints"))}
    modifiers = read_table(directory / "generic_modifiers.csv", ("word", "kind"))
    features = read_table(directory / "feature_chars.csv", ("char", "meaning"))
    return Lexicon(
        suffixes=suffixes,
        agency_bodies=bodies,
        agency_suffixes=agency_suffixes,
        glued_agency_suffixes=frozenset(r["suffix"] for r in suffix_rows if r.get("glued") == "yes"),
        jurisdictions=jurisdictions,
        place_abbreviations=abbreviations,
        route_abbreviations=routes,
        stop_words=frozenset(r["word"] for r in read_table(directory / "stop_words.csv", ("word",))),
        determiners=frozenset(r["word"] for r in modifiers if r["kind"] == "determiner"),
        descriptors=frozenset(r["word"] for r in modifiers if r["kind"] != "determiner"),
        geographic=frozenset(r["word"] for r in modifiers if r["kind"] == "geographic"),
        not_entities=frozenset(r["phrase"] for r in read_table(directory / "not_entities.csv", ("phrase",))),
        domain_words={r["word"]: r["tag"] for r in read_table(directory / "domain_words.csv", ("word", "tag"))},
        suffix_variants={r["short"]: r["long"]
                         for r in read_table(directory / "suffix_variants.csv", ("short", "long"))},
        feature_chars={r["char"]: frozenset(w for w in r.get("not_before", "").split("|") if w) for r in features},
        river_chars=frozenset(r["char"] for r in features if r.get("meaning") in ("river", "stream")),
        context_words=frozenset(r["word"] for r in read_table(directory / "context_words.csv", ("word",))),
        river_words=tuple(r["word"] for r in read_table(directory / "river_words.csv", ("word",))),
        right_qualifiers=_by_kind(read_table(directory / "right_qualifiers.csv", ("word", "kind"))),
        outline_markers=_outline_markers(directory / "outline_markers.csv"),
        range_joiners=frozenset(r["word"] for r in read_table(directory / "range_joiners.csv", ("word",))),
        branch_words={r["word"]: r.get("names_route") == "yes"
                      for r in read_table(directory / "branch_words.csv", ("word",))},
        government_suffixes=tuple(sorted((r["suffix"] for r in read_table(directory / "government_suffixes.csv",
                                                                              ("suffix",))), key=len, reverse=True)),
    )


def _outline_markers(path: Path) -> tuple[tuple[int, re.Pattern, str], ...]:
    out = []
    for r in read_table(path, ("level", "pattern")):
        try:
            follow = r.get("followed_by", "")
            out.append((int(r["level"]), re.compile(r["pattern"]), re.compile(follow).pattern if follow else ""))
        except (ValueError, re.error) as exc:
            raise DataFileError(f"{path}: level {r['level']}: bad pattern or level: {exc}") from exc
    return tuple(out)


def _by_kind(rows: list[dict[str, str]]) -> dict[str, tuple[str, ...]]:
    """Words of a ``word,kind`` table grouped by kind, longest first (the longest one matches)."""
    out: dict[str, list[str]] = {}
    for r in rows:
        out.setdefault(r["kind"], []).append(r["word"])
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in out.items()}


@lru_cache(maxsize=4)
def load_relation_cues(directory: Path = LEXICON_DIR) -> dict[tuple[str, str], tuple[str, ...]]:
    """The cue words of ``relation_cues.csv`` by (relation, role), longest first (连接线 before 连接).

    Raises:
        DataFileError: a row names an unknown relation.
    """
    path = directory / "relation_cues.csv"
    cues: dict[tuple[str, str], list[str]] = {}
    for r in read_table(path, ("relation", "cue", "role")):
        if r["relation"] not in ("locatedIn", "responsibleFor", "connects"):
            raise DataFileError(f"{path}: {r['cue']}: unknown relation {r['relation']!r}")
        cues.setdefault((r["relation"], r["role"]), []).append(r["cue"])
    return {key: tuple(sorted(words, key=lambda w: (-len(w), w))) for key, words in cues.items()}
