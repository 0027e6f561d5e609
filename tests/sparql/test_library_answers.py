"""What the library's questions answer: the things a user would expect, no more."""
import pytest

from kg.prefixes import PREFIXES
from kg.sparql.library import load_library
from kg.sparql.query import bind_parameters, run
from kg.store import open_store

FUJIAN = PREFIXES["div"] + "350000"


@pytest.fixture(scope="module")
def store():
    return open_store()


def answer(store, name: str, **params) -> list:
    query = load_library()[name]
    return list(run(store, query.text, bind_parameters(store, query, params)))


def in_fujian(store, iri: str) -> bool:
    return bool(store.query(f"ASK {{ <{iri}> kg:locatedIn* <{FUJIAN}> }}", prefixes=PREFIXES))


CITY_LISTS = [q.name for q in load_library().values()
              if not q.params and q.form == "SELECT" and "?city" in q.text.split("WHERE")[0]]


def test_some_questions_list_cities_unasked():
    assert "top_cities" in CITY_LISTS


@pytest.mark.parametrize("name", CITY_LISTS)
def test_a_question_about_cities_answers_with_fujians_cities(store, name):
    rows = answer(store, name)
    cities = {row["city"].value for row in rows}
    assert cities and all(in_fujian(store, c) for c in cities), sorted(c for c in cities if not in_fujian(store, c))


def test_top_cities_are_the_nine_cities_of_fujian_all_with_parks(store):
    rows = answer(store, "top_cities")
    assert len(rows) == 9
    assert rows[0]["name"].value == "福州市"
    assert all(int(r["parks"].value) + int(r["projects"].value) > 0 for r in rows)


def test_agencies_for_a_district_include_its_own_bureaus_and_their_tasks(store):
    rows = answer(store, "agencies_for_city", city="仓山区")
    tasks = {r["thing_name"].value for r in rows if r["agency_name"].value == "仓山区建设局" and r["thing_name"]}
    assert {"义序机场", "城门水厂", "飞凤山水厂"} <= tasks
    assert {r["how"].value for r in rows} == {"responsible for something in the city", "an agency of the city"}
