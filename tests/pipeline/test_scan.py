"""Name spans from sentence tables in tests/data/names_*.tsv: sentence in, entities out."""
import csv
from pathlib import Path

import pytest

from conftest import analyse

DATA = Path(__file__).resolve().parent.parent / "data"


def read_cases(name: str) -> list[tuple[str, str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.reader(handle, delimiter="\t") if r and not r[0].startswith("#")]
    return [(r[0], r[1] if len(r) > 1 else "", r[2] if len(r) > 2 else "") for r in rows]


def items(field: str) -> list[tuple[str, str, str]]:
    """``Type:surface=name|…`` → (type, surface, name or '')."""
    out = []
    for item in filter(None, field.split("|")):
        type_, _, rest = item.partition(":")
        surface, _, name = rest.partition("=")
        out.append((type_, surface, name))
    return out


def check(text: str, expected: str, absent: str) -> None:
    _, ms = analyse("标题\n" + text)
    found = {(m.type, m.surface): m.name for m in ms}
    for type_, surface, name in items(expected):
        assert (type_, surface) in found, f"{surface} ({type_}) not found in {sorted(found)}"
        if name:
            assert found[(type_, surface)] == name
    for type_, surface, _ in items(absent):
        assert (type_, surface) not in found, f"{surface} ({type_}) should not be a mention"


@pytest.mark.parametrize("text, expected, absent", read_cases("names_places.tsv"))
def test_places_outside_fujian(text, expected, absent):
    check(text, expected, absent)


@pytest.mark.parametrize("text, expected, absent", read_cases("names_heads.tsv"))
def test_kind_words_head_names(text, expected, absent):
    check(text, expected, absent)


@pytest.mark.parametrize("text, expected, absent", read_cases("names_qualifiers.tsv"))
def test_right_qualifiers_belong_to_the_name(text, expected, absent):
    check(text, expected, absent)


@pytest.mark.parametrize("text, expected, absent", read_cases("names_precision.tsv"))
def test_precision_rules(text, expected, absent):
    check(text, expected, absent)


@pytest.mark.parametrize("text, expected, absent", read_cases("names_offices.tsv"))
def test_offices_by_their_frame(text, expected, absent):
    check(text, expected, absent)
