"""The documentation keeps up with the code."""
import re

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.paths import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def setup_commands():
    block = re.search(r"```(?:sh|bash)?\n(.*?)```", README, re.S)
    return [line for line in block.group(1).splitlines() if line.strip() and not line.startswith("#")]


def test_readme_opens_with_the_two_setup_commands():
    commands = setup_commands()
    assert len(commands) == 2
    assert commands[0].startswith("sh scripts/install.sh &&") and "kg " in commands[0]
    assert commands[1].startswith("sh scripts/install.sh --test &&") and "pytest" in commands[1]


def test_ci_runs_exactly_the_readme_test_command():
    ci = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert setup_commands()[1] in ci.splitlines()


def test_the_install_script_makes_a_virtual_environment_and_installs_the_test_packages():
    script = (PROJECT_ROOT / "scripts" / "install.sh").read_text(encoding="utf-8")
    assert "python3 -m venv .venv" in script and "python3-venv" in script
    assert "apt-get install" in script and "scripts/test-packages.txt" in script
    packages = (PROJECT_ROOT / "scripts" / "test-packages.txt").read_text(encoding="utf-8")
    assert {"chromium", "fonts-noto-cjk"} <= {line.split("#")[0].strip() for line in packages.splitlines()}


def test_no_test_skips_for_want_of_a_program():
    """A missing browser, font, corpus or gold folder fails a test with advice; it is not a skip."""
    for path in (PROJECT_ROOT / "tests").rglob("test_*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"skipif\([^)]*(which|CHROMIUM|chromium|exists\(\)\s*and)", text), path


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help_with_an_example_and_is_in_the_readme(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"kg {name}" in README


# ---- every query a user can copy from the README, the --help texts and the query page runs

def _code_lines(text: str) -> list[str]:
    """The lines of the sh blocks of the README, or the lines of an --help text."""
    blocks = re.findall(r"```(?:sh|bash)\n(.*?)```", text, re.S) or [text]
    # a line ending in a backslash goes on in the next one, as in the shell
    return [line.strip() for block in blocks for line in block.replace("\\\n", " ").splitlines()]


def printed_queries() -> list[tuple[str, str, dict[str, str]]]:
    """(query text or library name, parameters, where) of every ``kg query`` and ``curl`` line."""
    import shlex

    sources = {"README": README}
    for name in ("query", "serve"):
        sources[f"kg {name} --help"] = CliRunner().invoke(cli, [name, "--help"], terminal_width=200).output
    found = []
    for where, text in sources.items():
        for line in _code_lines(text):
            words = shlex.split(line, comments=True) if line.startswith(("kg query", "curl")) else []
            if words[:1] == ["curl"]:
                found += [(w[len("query="):], {}, where) for w in words if w.startswith("query=")]
            elif words and not {"-f", "--file", "--list"} & set(words):
                params = dict(w.split("=", 1) for prev, w in zip(words, words[1:]) if prev in ("-p", "--param"))
                found.append((words[2], params, where))
    return found


PRINTED = printed_queries()


@pytest.fixture(scope="module")
def dataset():
    from kg.store import open_store

    return open_store()


def _count(result) -> int:
    """Rows of a SELECT, triples of a CONSTRUCT, 1 for a true ASK."""
    import pyoxigraph as ox

    if isinstance(result, ox.QueryBoolean):
        return int(bool(result))
    return sum(1 for _ in result)


def _rows(store, query, params: dict[str, str]) -> int:
    from kg.sparql.query import bind_parameters, find_query, run

    chosen = find_query(query)
    return _count(run(store, chosen.text, bind_parameters(store, chosen, params)))


def _raw_rows(store, text: str) -> int:
    """Rows of a text run as the query page runs it: as it stands, header comments and all."""
    from kg.sparql.query import run

    return _count(run(store, text))


def test_the_readme_and_help_texts_print_queries():
    wheres = {where for _, _, where in PRINTED}
    assert {"README", "kg query --help", "kg serve --help"} <= wheres
    assert len(PRINTED) >= 12


@pytest.mark.parametrize("query,params,where", PRINTED, ids=[f"{w}: {q[:40]}" for q, _, w in PRINTED])
def test_every_printed_query_returns_rows(dataset, query, params, where):
    assert _rows(dataset, query, params) > 0, f"{where}: {query} {params} answers nothing"


def test_every_library_question_and_its_query_page_text_return_rows(dataset):
    import json

    from kg.sparql.library import load_library
    from kg.sparql.workers import library_examples

    for q in load_library().values():
        assert _rows(dataset, q.name, dict(q.example)) > 0, q.name
    page = json.loads(library_examples(dataset))
    assert len(page) == len(load_library())
    for example in page:  # the text the query page shows, VALUES block and all
        assert _raw_rows(dataset, example["query"]) > 0, example["name"]


def test_the_query_page_opens_with_a_query_that_returns_rows(dataset):
    html = (PROJECT_ROOT / "kg" / "sparql" / "web" / "index.html").read_text(encoding="utf-8")
    import html as html_module

    text = html_module.unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", html, re.S).group(1))
    assert _raw_rows(dataset, text) > 0


@pytest.mark.parametrize("query,advice", [
    ("SELECT ?p WHERE { ?p kg:locatedIn+ kgr:division/350200 }", "write div:350200"),
    ("SELECT ?n WHERE { kgr:park/福州高新技术产业开发区 skos:prefLabel ?n }", "write park:福州高新技术产业开发区"),
])
def test_a_slash_after_a_prefix_says_how_to_write_the_name(query, advice):
    result = CliRunner().invoke(cli, ["query", query])
    assert result.exit_code == 2
    assert advice in result.output and "<https://w3id.org/fjkg/id/" in result.output


def test_every_entity_iri_has_a_prefixed_name(dataset):
    from kg.prefixes import PREFIXES, prefixed_name

    iris = {r["s"].value for r in dataset.query(
        "SELECT DISTINCT ?s WHERE { VALUES ?t { kg:Region kg:Park kg:Corridor kg:Project kg:Agency } ?s a ?t }",
        prefixes=PREFIXES)}
    assert len(iris) > 1000
    names = {iri: prefixed_name(iri) for iri in iris}
    assert all(name and "/" not in name.split(":", 1)[0] for name in names.values()), \
        [i for i, n in names.items() if not n][:5]
    for iri, name in list(names.items())[:300]:  # and each one parses back to its IRI
        assert dataset.query(f"ASK {{ {name} ?p ?o }}", prefixes=PREFIXES), (iri, name)
