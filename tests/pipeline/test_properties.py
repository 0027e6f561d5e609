"""Properties that hold for any text: normalize, segment, extract, resolve and relate never fail,
and every offset they give points at the characters it claims to."""
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.pipeline.extract import extract
from kg.knowledge.gazetteer import load_gazetteer
from kg.knowledge.lexicon import load_lexicon
from kg.model import TYPES, Document
from kg.pipeline.normalize import normalize
from kg.paths import default_corpus_dir
from kg.pipeline.relate import Relator
from kg.pipeline.resolve import Resolver
from kg.pipeline.segment import segment

# Pieces planning texts are made of, and the characters that trip rules up.
FRAGMENTS = [
    "福州", "福州市", "厦门", "泉州", "仓山区", "城门镇", "平潭", "闽江口", "海西", "福厦", "榕",
    "高新技术产业开发区", "开发区", "高新区", "铁路", "城际铁路F1线", "机场", "国际机场", "高速公路", "高速",
    "发展轴", "大通道", "港区", "水库", "片区", "管委会", "人民政府", "发展改革委", "局", "厅", "办",
    "至", "—", "－", "-", "~", "～", "、", "，", "。", "；", "：", "（", "）", "(", ")", "【", "】", "“", "”",
    "《", "》", "等", "段", "线", "号", "位于", "境内", "负责", "牵头", "是", "的责任主体", "由", "建设", "推进",
    "\u3000", "\u3000\u3000", " ", "\t", "\n", "\r\n", "\r", "\n\n", "…", "......", "·", "第一章", "第二节",
    "一、", "（一）", "1.", "（1）", "①", "专栏", "表1", "责任单位：", "配合单位：", "目 录", "- 12 -",
    "Ｇ３１６", "G316线", "2021年", "１２", "ＡＢ", "\u00a0", "\u2002", "\ufeff", "\u200b", "\U00020000",
]
texts = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4), st.characters()),
                 max_size=80).map("".join)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@lru_cache(maxsize=1)
def real_texts() -> tuple[str, ...]:
    return tuple(p.read_text(encoding="utf-8") for p in sorted(default_corpus_dir().glob("*.txt")))


@st.composite
def mutated_plans(draw):
    """A stretch of a real plan with random fragments inserted: real rules on almost-real text."""
    text = draw(st.sampled_from(real_texts()))
    start = draw(st.integers(0, len(text) - 1))
    piece = text[start:start + draw(st.integers(1, 1500))]
    for _ in range(draw(st.integers(0, 8))):
        at = draw(st.integers(0, len(piece)))
        piece = piece[:at] + draw(st.one_of(st.sampled_from(FRAGMENTS), st.characters())) + piece[at:]
    return piece


def _doc(text: str) -> Document:
    return Document(doc_id="d", path=Path("d.txt"), text=text, issuer="福州市人民政府", scope="福州市")


def check_normalized(text: str):
    norm = normalize(_doc(text))
    origin = norm.origin
    assert len(origin) == len(norm.text) + 1 and origin[-1] == len(text)
    assert all(0 <= origin[i] < origin[i + 1] for i in range(len(norm.text))), "origin must increase"
    for ch, at in zip(norm.text, origin):
        source = text[at]
        if ch in " \t\n" and ch != source:
            assert source.isspace(), (ch, source)  # a break or space stands for whitespace
        elif ch != source:
            assert ord(source) - 0xFEE0 == ord(ch) and ch.isascii() and ch.isalnum(), (ch, source)  # Ｇ → G
    return norm


def check_extracted(text: str):
    norm = check_normalized(text)
    seg = segment(norm)
    assert "".join(t.word for t in seg.tokens) == norm.text
    for s in seg.sentences:
        assert 0 <= s.nbegin < s.nend <= len(norm.text) and 0 <= s.block < len(seg.blocks)
    for item in seg.outline:
        assert 0 <= item.nbegin < item.scope_end <= len(norm.text)
    mentions = extract(seg)
    for m in mentions:
        assert 0 <= m.begin < m.end <= len(text), m
        assert text[m.begin:m.end] == m.anchor, m
        assert 0 <= m.nbegin < m.nend <= len(norm.text) and norm.text[m.nbegin:m.nend] == m.surface, m
        assert norm.to_original(m.nbegin, m.nend) == (m.begin, m.end), m
        assert m.type in TYPES and m.name
    return seg, mentions


def check_related(text: str) -> None:
    seg, mentions = check_extracted(text)
    gaz, lex = load_gazetteer(), load_lexicon()
    resolver = Resolver(gaz, lex)
    entities, resolved = resolver.resolve([seg.doc], mentions)
    assert all(m.entity in entities for m in resolved)
    relations = Relator(gaz, lex).relate(seg, resolved, entities)
    resolver.add_referenced(entities, {k for r in relations for k in (r.subject, r.object)})  # as the pipeline does
    for r in relations:
        assert r.subject in entities and r.object in entities, r
        assert 0 <= r.begin <= r.end <= len(text) and text[r.begin:r.end] == r.evidence, r


@SETTINGS
@given(texts)
def test_normalize_keeps_a_monotonic_origin_map_for_any_text(text):
    check_normalized(text)


@SETTINGS
@given(texts)
def test_extract_offsets_point_at_their_anchor_for_any_text(text):
    check_extracted(text)


@SETTINGS
@given(mutated_plans())
def test_extract_resolve_relate_hold_on_mutated_real_plans(text):
    check_related(text)


@SETTINGS
@given(texts)
def test_resolve_and_relate_hold_for_any_text(text):
    check_related(text)


@pytest.mark.parametrize("text", [
    "", "\n", "\r\n\r\n", "\u3000\u3000", "至", "—至—", "（", "）（责任单位：）", "等等等园区", "福州—", "—福州",
    "厦门新机\n场", "第一章\n", "①②③", "G", "段段", "\ufeff福州市", "位于", "由牵头", "福州\r\n\r\n厦门\r\r至",
])
def test_edge_cases(text):
    check_related(text)
