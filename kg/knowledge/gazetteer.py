"""Known places and named things: Fujian's divisions, planning regions, places elsewhere, and
parks, projects and agencies with official names (all under ``data/gazetteer``).

Every entry becomes an ``Entity`` with a stable key, and every way of writing it (full name,
short form, former name, alias) becomes a *surface* that points to it.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import DataFileError
from .lexicon import load_lexicon, read_table
from ..model import TYPES, Entity
from ..paths import GAZETTEER_DIR

LEVEL_RANK = {"province": 1, "city": 2, "county": 3, "town": 4}
# Division suffixes a short form drops (福州市 → 福州, 城门镇 → 城门).
SHORT_FORM_SUFFIXES = {"province": ("省", "市", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区"),
                       "city": ("市", "地区", "盟"), "county": ("区", "县", "市"),
                       "town": ("街道", "镇", "乡")}


@dataclass(frozen=True)
class Candidate:
    """One thing a surface form may denote."""

    key: str
    rank: int  # smaller = preferred when nothing else decides
    short: bool  # the surface is a short form (福州 for 福州市), not a full name


@dataclass(frozen=True, eq=False)
class Gazetteer:
    entities: dict[str, Entity]
    surfaces: dict[str, tuple[Candidate, ...]]
    members: dict[str, tuple[str, ...]]  # planning region key -> member region keys

    def parent(self, key: str) -> str:
        return self.entities[key].parent if key in self.entities else ""

    def ancestors(self, key: str) -> list[str]:
        """Containing regions, nearest first."""
        out: list[str] = []
        parent = self.parent(key)
        while parent and parent not in out:
            out.append(parent)
            parent = self.parent(parent)
        return out

    def is_within(self, key: str, region: str) -> bool:
        return key == region or region in self.ancestors(key)

    def level(self, key: str) -> int:
        """Administrative depth: 1 province … 4 town; 0 for places that are not divisions."""
        return LEVEL_RANK.get(_division_level(self.entities[key]), 0) if key in self.entities else 0

    def _needs_context(self, key: str) -> bool:
        """A town's or a far county's short form: often a common word (城门, 临海)."""
        level = self.level(key)
        return level == 4 or (level == 3 and self.is_national(key))

    def is_national(self, key: str) -> bool:
        """A division outside Fujian, from china_divisions.csv (keyed by its code)."""
        return key.startswith("region/") and key[7:].isdigit()

    def lookup(self, surface: str) -> tuple[Candidate, ...]:
        return self.surfaces.get(surface, ())

    def leading_places(self, name: str, towns: bool = False) -> list[str]:
        """Region keys spelled one after another at the start of ``name``, outermost first.

        福州市仓山区人民政府 → [福州市, 仓山区]. A town's (or a county's outside Fujian) short form
        counts only right after the place it lies in (漳州天宝 → 天宝镇), since many are also common
        words (建设, 城门, 临海),
        unless ``towns`` says the context expects places (the ends of a route: 天宝至平和); after
        another place it must lie in that place (莆田滨海 is 莆田市, not 滨海街道 of Xiamen).
        """
        out: list[str] = []
        pos = 0
        while pos < len(name):
            for n in range(min(len(name) - pos, 12), 1, -1):
                cands = [c for c in self.lookup(name[pos:pos + n]) if self.entities[c.key].type == "Region"]
                if out:
                    inside = [c for c in cands if c.key != out[-1] and self.is_within(c.key, out[-1])]
                    cands = inside or cands
                cands = [c for c in cands if not (c.short and self._needs_context(c.key)) or
                         (out and self.is_within(c.key, out[-1])) or (towns and not out)]
                if cands:
                    out.append(cands[0].key)
                    pos += n
                    break
            else:
                break
        return out

    def spellings(self, text: str, places: list[str]) -> list[str]:
        """How ``text`` spells each of the leading ``places`` (福州市仓山区… → ['福州市', '仓山区'])."""
        out, pos = [], 0
        for key in places:
            e = self.entities[key]
            names = (e.name, *e.aliases)
            forms = {*names, *(n[:-1] for n in names if len(n) > 2 and n[-1] in "省市区县镇乡"),
                     *(n[:-2] for n in names if n.endswith("街道") and len(n) > 3)}
            form = next((f for f in sorted(forms, key=len, reverse=True) if text.startswith(f, pos)), "")
            out.append(form)
            pos += len(form)
        return out

    def spelled(self, text: str, places: list[str]) -> int:
        """How many characters of ``text`` the leading ``places`` take."""
        return sum(len(f) for f in self.spellings(text, places))

    def only_places(self, text: str, towns: bool = False) -> list[str]:
        """The places ``text`` consists of (福州仓山 → [福州市, 仓山区]), or [] if anything else is in it."""
        places = self.leading_places(text, towns=towns)
        return places if places and self.spelled(text, places) == len(text) else []

    def key_of(self, name: str) -> str:
        """Key of the entity best named ``name`` (full names first), or ``''``."""
        cands = self.surfaces.get(name, ())
        full = [c for c in cands if not c.short]
        best = min(full or cands, key=lambda c: c.rank, default=None)
        return best.key if best else ""


_COUNTY_KINDS = ("District", "County", "CountyLevelCity")


def _division_level(entity: Entity) -> str:
    if entity.kind in ("Province", "PrefectureCity"):
        return "province" if entity.kind == "Province" else "city"
    if entity.code:
        return "town" if len(entity.code) == 9 else "county"
    return "county" if entity.key.startswith("region/") and entity.kind in _COUNTY_KINDS else ""


def division_key(code: str) -> str:
    return f"division/{code}"


def entity_key(type_: str, name: str) -> str:
    return f"{type_.lower()}/{name}"


# A division outside Fujian yields to a Fujian place of its level (鼓楼区 is Fuzhou's); a far
# province or prefecture does not yield to a Fujian town (a short form naming a larger place and a
# town means the larger place: 上海), but a far county does (江阴 is the town of Fuqing).
NATIONAL_RANK = {"province": 15, "city": 25, "county": 45}
# A division name outside Fujian this short, or this generic (城区, 新城区, 海港区), is too often a
# common word in a Fujian plan to be read as that far-away place.
_NATIONAL_MIN_NAME = 3


class _Surfaces:
    """Surface forms collected while reading the gazetteer files."""

    def __init__(self) -> None:
        self.by_surface: dict[str, list[Candidate]] = defaultdict(list)

    def add(self, surface: str, key: str, rank: int, short: bool) -> None:
        if surface and all(c.key != key for c in self.by_surface[surface]):
            self.by_surface[surface].append(Candidate(key, rank, short))

    def add_division(self, names: list[str], key: str, level: str, rank: int, with_short: bool) -> None:
        """Full names, and short forms without the division word (福州市 → 福州) when ``with_short``."""
        for full in names:
            self.add(full, key, rank, short=False)
            if not with_short:
                continue
            for suffix in SHORT_FORM_SUFFIXES[level]:
                if full.endswith(suffix) and len(full) - len(suffix) >= 2:
                    self.add(full[: -len(suffix)], key, rank + 1, short=True)
                    break


@lru_cache(maxsize=4)
def load_gazetteer(directory: Path = GAZETTEER_DIR) -> Gazetteer:
    """Read the gazetteer files of ``directory`` (cached)."""
    entities: dict[str, Entity] = {}
    surfaces = _Surfaces()
    _read_fujian_divisions(directory, entities, surfaces)
    _read_national_divisions(directory, entities, surfaces)
    members = _read_named_places(directory, entities, surfaces)
    _read_known_entities(directory, entities, surfaces)
    _merge_curated_units(entities, surfaces.by_surface)
    members = _resolve_parents(directory, entities, surfaces.by_surface, members)
    frozen = {s: tuple(sorted(c, key=lambda c: (c.rank, c.key))) for s, c in surfaces.by_surface.items()}
    return Gazetteer(entities=entities, surfaces=frozen, members=members)


def _read_fujian_divisions(directory: Path, entities: dict[str, Entity], surfaces: _Surfaces) -> None:
    """Fujian's official divisions, province to township, keyed by their code."""
    extras = {r["code"]: r for r in read_table(directory / "division_extras.csv", ("code",))}
    divisions = read_table(directory / "fujian_divisions.csv", ("code", "name", "level", "kind"))
    by_code = {r["code"]: r for r in divisions}
    for r in divisions:
        code, level = r["code"], r["level"]
        if level not in LEVEL_RANK:
            raise DataFileError(f"{directory / 'fujian_divisions.csv'}: {code}: unknown level {level!r}")
        if r["parent"] and r["parent"] not in by_code:
            raise DataFileError(f"{directory / 'fujian_divisions.csv'}: {code}: unknown parent {r['parent']}")
        extra = extras.get(code, {})
        name = extra.get("preferred_name") or r["name"]
        former = [n for n in extra.get("former_names", "").split("|") if n]
        aliases = [n for n in extra.get("aliases", "").split("|") if n and n != name]
        if r["name"] != name:
            aliases.insert(0, r["name"])
        kind, type_ = r["kind"], "Region"
        if kind == "TownLevelUnit":
            # Development zones administered at township level are parks; farms stay regions.
            suffix = _park_suffix(r["name"])
            if suffix:
                kind, type_ = suffix.kind, "Park"
        key = division_key(code)
        entities[key] = Entity(
            key=key, type=type_, kind=kind, name=name,
            name_en=extra.get("name_en") or r.get("name_en", ""),
            aliases=tuple(dict.fromkeys(aliases + former)), code=code,
            lon=r.get("lon", ""), lat=r.get("lat", ""),
            parent=division_key(r["parent"]) if r["parent"] else "", source="gazetteer",
        )
        surfaces.add_division([name, *aliases, *former], key, level, LEVEL_RANK[level] * 10,
                              with_short=kind != "TownLevelUnit")


def _read_national_divisions(directory: Path, entities: dict[str, Entity], surfaces: _Surfaces) -> None:
    """Provinces, prefectures and counties outside Fujian (china_divisions.csv).

    Keyed ``region/CODE`` without a division code in the graph: they enter it only when a plan
    names them (a railway's far end), and are not cities of the province the graph is about.
    A county's short form needs context to be read (see ``Extractor._ambiguous``).
    """
    path = directory / "china_divisions.csv"
    if not path.exists():
        return
    rows = read_table(path, ("code", "name", "level", "kind"))
    codes = {r["code"] for r in rows}
    # 抚州 is Fuzhou too: a far name that reads like a Fujian one in English gets its province
    fujian_english = {e.name_en.lower() for e in entities.values() if e.name_en}
    provinces = {r["code"]: r.get("name_en", "").removesuffix(" Province") for r in rows if r["level"] == "province"}
    generic = {s for s, x in load_lexicon().suffixes.items() if len(s) >= 2} | {"城区"}
    for r in rows:
        name, level = r["name"], r["level"]
        if level not in LEVEL_RANK or level == "town":
            raise DataFileError(f"{path}: {r['code']}: unknown level {level!r}")
        if r["parent"] and r["parent"] not in codes:
            raise DataFileError(f"{path}: {r['code']}: unknown parent {r['parent']}")
        if _park_suffix(name) or len(name) < _NATIONAL_MIN_NAME or \
                (len(name) == 3 and name[1:] in generic) or name.endswith(("委员会", "管委会", "管理区")):
            continue  # a development zone listed with the counties, or a name too generic to match
        key = f"region/{r['code']}"
        name_en = r.get("name_en", "")
        if name_en.lower() in fujian_english:
            name_en = f"{name_en} ({provinces.get(r['code'][:2] + '0000', '')})"
        entities[key] = Entity(key=key, type="Region", kind=r["kind"], name=name, name_en=name_en,
                               lon=r.get("lon", ""), lat=r.get("lat", ""),
                               parent=f"region/{r['parent']}" if r["parent"] else "", source="gazetteer")
        surfaces.add_division([name], key, level, NATIONAL_RANK[level], with_short=True)


def _read_named_places(directory: Path, entities: dict[str, Entity], surfaces: _Surfaces) -> dict[str, tuple[str, ...]]:
    """Planning regions, new areas, territories and places abroad; returns the members of each region."""
    members: dict[str, tuple[str, ...]] = {}
    for r in read_table(directory / "named_places.csv", ("name", "kind")):
        key = entity_key("Region", r["name"])
        aliases = tuple(a for a in r.get("aliases", "").split("|") if a)
        entities[key] = Entity(key=key, type="Region", kind=r["kind"], name=r["name"],
                               name_en=r.get("name_en", ""), aliases=aliases,
                               lon=r.get("lon", ""), lat=r.get("lat", ""),
                               parent=r.get("parent", ""), source="gazetteer")
        for surface in (r["name"], *aliases):
            surfaces.add(surface, key, 5, short=surface != r["name"])
        if r.get("members"):
            members[key] = tuple(m for m in r["members"].split("|") if m)
    return members


def _read_known_entities(directory: Path, entities: dict[str, Entity], surfaces: _Surfaces) -> None:
    for r in read_table(directory / "known_entities.csv", ("name", "type", "kind")):
        if r["type"] not in TYPES:
            raise DataFileError(f"{directory / 'known_entities.csv'}: {r['name']}: unknown type {r['type']!r}")
        key = entity_key(r["type"], r["name"])
        aliases = tuple(a for a in r.get("aliases", "").split("|") if a)
        entities[key] = Entity(key=key, type=r["type"], kind=r["kind"], name=r["name"],
                               name_en=r.get("name_en", ""), aliases=aliases,
                               parent=r.get("located_in", ""), source="gazetteer")
        for surface in (r["name"], *aliases):
            surfaces.add(surface, key, 5, short=surface != r["name"])


def _merge_curated_units(entities: dict[str, Entity], surfaces: dict[str, list[Candidate]]) -> None:
    """A curated park that the statistics list also carries as a town-level unit (火炬高技术开发区):
    keep one node, the curated one, with the unit's code and place in the hierarchy."""
    for key, e in list(entities.items()):
        if e.source != "gazetteer" or key.startswith(("division/", "region/")) or e.type != "Park":
            continue
        for surface in (e.name, *e.aliases):
            unit = next((c.key for c in surfaces.get(surface, ()) if c.key.startswith("division/")
                         and entities[c.key].type == "Park"), "")
            if unit:
                entities[key] = Entity(**{**e.__dict__, "code": entities[unit].code, "parent": entities[unit].parent})
                for cands in surfaces.values():
                    cands[:] = [Candidate(key, c.rank, c.short) if c.key == unit else c for c in cands
                                if not (c.key == unit and any(d.key == key for d in cands))]
                del entities[unit]
                break


def _resolve_parents(directory: Path, entities: dict[str, Entity], surfaces: dict[str, list[Candidate]],
                     members: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Parents and members of curated entries are written as names: turn them into keys."""
    def resolve_name(name: str, where: str) -> str:
        key = _best(surfaces.get(name, ()))
        if not key:
            raise DataFileError(f"{directory / where}: unknown place {name!r}")
        return key

    for key, e in list(entities.items()):
        if e.parent and "/" not in e.parent:
            where = "named_places.csv" if e.type == "Region" else "known_entities.csv"
            entities[key] = Entity(**{**e.__dict__, "parent": resolve_name(e.parent, where)})
    return {k: tuple(resolve_name(m, "named_places.csv") for m in v) for k, v in members.items()}


def _park_suffix(name: str):
    matches = [s for s in load_lexicon().suffixes.values() if s.type == "Park" and name.endswith(s.text)]
    return max(matches, key=lambda s: len(s.text), default=None)


def _best(cands) -> str:
    full = [c for c in cands if not c.short]
    best = min(full or cands, key=lambda c: c.rank, default=None)
    return best.key if best else ""
