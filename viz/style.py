"""How each node type and relation looks, in one table the page, its legend and exports share.

Colours are the Okabe–Ito palette (readable with the common colour-vision deficiencies); the
shapes differ too, so a type can be told apart in a greyscale print.
"""
from __future__ import annotations

from dataclasses import dataclass

#: Canvas and page font: CJK faces first so that labels never fall back to boxes.
FONT_STACK = ('"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", '
              '"Microsoft YaHei", "WenQuanYi Micro Hei", "Noto Sans", "Helvetica Neue", Arial, sans-serif')


@dataclass(frozen=True)
class TypeStyle:
    name: str
    name_zh: str
    color: str
    shape: str  # a vis-network shape whose label sits below it, so that size can show degree


@dataclass(frozen=True)
class RelationStyle:
    name: str
    name_zh: str
    color: str
    dashes: tuple[int, ...]  # () for a solid line
    width: float


TYPE_STYLES = {s.name: s for s in (
    TypeStyle("Region", "区域", "#0072B2", "dot"),
    TypeStyle("Park", "园区", "#009E73", "square"),
    TypeStyle("Corridor", "廊道", "#E69F00", "triangle"),
    TypeStyle("Project", "项目", "#D55E00", "diamond"),
    TypeStyle("Agency", "机构", "#CC79A7", "hexagon"),
)}
OTHER_TYPE = TypeStyle("Other", "其他", "#777777", "dot")

RELATION_STYLES = {s.name: s for s in (
    RelationStyle("locatedIn", "位于", "#8C96A3", (), 1.0),
    RelationStyle("connects", "连接", "#D55E00", (), 2.0),
    RelationStyle("responsibleFor", "负责", "#CC79A7", (8, 5), 1.5),
    RelationStyle("memberOf", "属于", "#56B4E9", (2, 5), 1.5),
    RelationStyle("jurisdiction", "管辖", "#B9A0B4", (2, 3), 1.0),
)}
OTHER_RELATION = RelationStyle("other", "其他", "#999999", (4, 4), 1.0)


def type_style(name: str) -> TypeStyle:
    """The style of node type ``name`` (grey dots for a type the table does not know)."""
    return TYPE_STYLES.get(name, OTHER_TYPE)


def relation_style(name: str) -> RelationStyle:
    """The style of relation ``name`` (grey dashes for one the table does not know)."""
    return RELATION_STYLES.get(name, OTHER_RELATION)


#: Kinds drawn folded into the place they lie in until the reader asks for them (townships
#: would otherwise fan out around every county of the whole graph).
FOLDED_KINDS = ("Town", "Township", "Subdistrict", "TownLevelUnit")
#: Kinds whose labels show at every zoom, besides the best-connected nodes.
LANDMARK_KINDS = ("Province", "PrefectureCity")
#: County-level kinds, labelled at every zoom too on a page with few of them (a city's page).
COUNTY_KINDS = ("District", "County", "CountyLevelCity")
