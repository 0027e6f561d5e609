"""The query page of kg serve in a real browser (headless Chromium through Playwright)."""
from __future__ import annotations

import pytest
from test_server import start_server, stop



@pytest.fixture(scope="module")
def page_url(built_ttl):
    proc, url = start_server("--graph", str(built_ttl))
    yield url + "/"
    stop(proc)


@pytest.fixture(scope="module")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser, page_url):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(page_url.rstrip("/")) else None)
    page.goto(page_url)
    yield page
    context.close()
    assert outside == [], f"the page fetched from other hosts: {outside}"


def test_an_example_from_the_library_runs_and_fills_the_table(page, tmp_path):
    page.get_by_role("button", name="城市中的园区").click()
    assert "VALUES" in page.locator("#query").input_value()
    page.get_by_role("button", name="运行 Run").click()
    page.wait_for_selector("#results table")
    cells = page.locator("#results td").all_text_contents()
    assert "福州高新技术产业开发区" in cells and "厦门火炬高技术产业开发区" not in cells
    assert "rows" in page.locator("#status").text_content()
    page.screenshot(path=str(tmp_path / "query-page.png"))


def test_text_from_the_graph_is_shown_as_text_not_html(page):
    page.locator("#query").fill('SELECT ?x WHERE { BIND("<img src=x onerror=alert(1)>福州" AS ?x) }')
    page.locator("#query").press("Control+Enter")
    page.wait_for_selector("#results table")
    assert page.locator("#results img").count() == 0
    assert "<img src=x onerror=alert(1)>福州" in page.locator("#results td").all_text_contents()


def test_a_syntax_error_is_shown_with_its_position(page):
    page.locator("#query").fill("SELECT ?x WHERE {\n  ?x ?y }")
    page.get_by_role("button", name="运行 Run").click()
    page.wait_for_selector("#error:not([hidden])")
    message = page.locator("#error").text_content()
    assert "HTTP 400" in message and "2:" in message and "syntax error" in message


def test_a_construct_example_shows_turtle(page):
    page.get_by_role("button", name="城市子图").click()
    page.get_by_role("button", name="运行 Run").click()
    page.wait_for_selector("#results pre.rdf", timeout=60000)
    assert "kg:locatedIn" in page.locator("#results pre.rdf").text_content()


def test_the_query_the_page_opens_with_runs_and_names_can_be_pasted_back(page):
    page.get_by_role("button", name="运行 Run").click()  # as a new user would, without editing
    page.wait_for_selector("#results table")
    cells = page.locator("#results td").all_text_contents()
    assert "福州高新技术产业开发区" in cells
    row = cells.index("福州高新技术产业开发区")
    name = cells[row - 1]  # the park, shown as a prefixed name one can type
    assert name == "park:福州高新技术产业开发区"
    page.locator("#query").fill(f"SELECT ?label WHERE {{ {name} skos:prefLabel ?label }}")
    page.get_by_role("button", name="运行 Run").click()
    page.wait_for_function("[...document.querySelectorAll('#results td')].some(td => td.textContent.includes('High-tech'))")
    assert "福州高新技术产业开发区" in page.locator("#results td").all_text_contents()


def test_a_slash_after_a_prefix_says_how_to_write_the_name(page):
    page.locator("#query").fill("SELECT ?p WHERE { ?p kg:locatedIn+ kgr:division/350200 }")
    page.get_by_role("button", name="运行 Run").click()
    page.wait_for_selector("#error:not([hidden])")
    assert "write div:350200" in page.locator("#error").text_content()
