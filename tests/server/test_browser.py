"""The query page in headless Chromium, driven as a researcher would (issue 9 item 4, issue 11 item 7).

Type a query with autocompletion, run it, sort, page, download CSV, open the chart; follow a result IRI
to its source quote; reopen a shared link; see errors marked; and no `javascript:` IRI ever becomes a
link. Screenshots are saved under test-artifacts/screenshots/ (git-ignored; POLICYKG_ARTIFACTS moves it).
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from server_testkit import DOC, FIXTURES, expected_rows

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
MISSING = "needs chromium and chromedriver (Debian: apt install chromium chromium-driver)"
# CI sets this so that a missing browser fails the run instead of silently skipping the test.
REQUIRED = os.environ.get("POLICYKG_REQUIRE_BROWSER") == "1"
ARTIFACTS = Path(os.environ.get("POLICYKG_ARTIFACTS") or Path(__file__).resolve().parents[2] / "test-artifacts")
SCREENSHOTS = ARTIFACTS / "screenshots"

pytestmark = [pytest.mark.browser]


def cjk_fonts() -> str:
    """Font families that cover Chinese (fontconfig); empty when none is installed."""
    import subprocess

    if shutil.which("fc-list") is None:
        return ""
    return subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False).stdout


@pytest.fixture(scope="module", autouse=True)
def _chromium_present():
    if CHROMIUM is None or CHROMEDRIVER is None:
        if REQUIRED:
            pytest.fail(f"POLICYKG_REQUIRE_BROWSER=1 but the browser test {MISSING}")
        pytest.skip(MISSING)
    if not cjk_fonts().strip():
        reason = "no CJK font: screenshots would show boxes for Chinese (Debian: apt install fonts-noto-cjk)"
        if REQUIRED:
            pytest.fail(f"POLICYKG_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)


TARGET_PATH = "/doc/tairenshezi-2021-12/target/subsidized-training/2021--2021"
PKG = "https://w3id.org/policykg/ontology#"


@pytest.fixture(scope="module")
def downloads(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(downloads):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,1000",
                 "--lang=zh-CN"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def wait_for(driver, condition, timeout: float = 20):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


def screenshot(driver, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def csp_violations(driver) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser")
            if "Content Security Policy" in entry["message"] or "Refused to" in entry["message"]]


def editor_value(driver) -> str:
    return driver.execute_script("return window.policykgEditor.getValue()")


def set_editor(driver, text: str) -> None:
    driver.execute_script("window.policykgEditor.setValue(arguments[0])", text)


def results_rows(driver):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, "#results table.dataTable tbody tr")


def test_run_an_example_and_follow_a_result(browser, live_server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    browser.get(live_server.url + "/")
    assert "PREFIX" not in editor_value(browser)  # the prefixes are predeclared, listed under the editor
    assert "pkg:" in browser.find_element(By.ID, "prefixes").get_attribute("textContent")
    browser.find_element(By.CSS_SELECTOR, 'button.example[data-name="01-targets"]').click()
    wait_for(browser, ec.presence_of_element_located((By.CSS_SELECTOR, "#results table.dataTable")))
    example = (FIXTURES / "queries" / "01-targets.rq").read_text(encoding="utf-8")
    assert len(results_rows(browser)) == len(expected_rows(example))
    status = browser.find_element(By.ID, "status").text
    assert "rows" in status and " s" in status
    # labels are fetched and shown beside the IRIs; numbers have digit grouping
    plan = expected_rows(f'SELECT ?l {{ <{DOC}/plan> rdfs:label ?l FILTER(LANG(?l) = "en") }}')[0]["l"]
    wait_for(browser, lambda d: plan in d.find_element(By.ID, "results").text)
    assert "67,000" in browser.find_element(By.ID, "results").text
    # IRIs are shown in a form that parses (escaped slashes)
    shown = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#results a.iri")]
    assert r"pkgr:doc\/tairenshezi-2021-12\/target\/subsidized-training\/2021--2021" in shown
    # what is shown, pasted into a query, is the IRI itself
    from server_testkit import fetch

    for link in browser.find_elements(By.CSS_SELECTOR, "#results a.iri"):
        ask = f"ASK {{ FILTER(sameTerm({link.text}, <{link.get_attribute('title')}>)) }}"
        answer = fetch(live_server.url + "/sparql", data={"query": ask},
                       headers={"Accept": "application/sparql-results+json"})
        assert answer.json()["boolean"] is True, ask
    formats = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#download-links a")]
    assert formats == ["JSON", "XML", "CSV", "TSV"]
    share = browser.find_element(By.ID, "share").get_attribute("href")
    assert "query=" in share and "01-targets" not in share
    screenshot(browser, "query-page-example-01-targets")
    browser.find_element(By.CSS_SELECTOR, f'#results a.iri[href="{TARGET_PATH}"]').click()
    mark = wait_for(browser, ec.presence_of_element_located((By.CSS_SELECTOR, "figure.quote mark")))
    assert browser.current_url == live_server.url + TARGET_PATH
    assert "6.7万人次以上" in [m.text for m in browser.find_elements(By.CSS_SELECTOR, "figure.quote mark")]
    assert mark.value_of_css_property("background-color") != "rgba(0, 0, 0, 0)"
    browser.find_elements(By.PARTIAL_LINK_TEXT, "See it in the document")[-1].click()
    focus = wait_for(browser, ec.presence_of_element_located((By.CSS_SELECTOR, ".fulltext a.ann.focus")))
    assert focus.text == "6.7万人次以上"
    screenshot(browser, "document-view-quote")


def test_researcher_types_completes_runs_sorts_pages_downloads_and_charts(browser, live_server, downloads):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec

    browser.get(live_server.url + "/")
    set_editor(browser, "")
    browser.find_element(By.CSS_SELECTOR, "#editor .CodeMirror").click()
    typing = ActionChains(browser)
    typing.send_keys("SELECT ?target ?value WHERE {\n?target a pkg:Indicator")
    typing.perform()
    # class completion from this graph: pkg:IndicatorTarget is offered
    ActionChains(browser).key_down(Keys.CONTROL).send_keys(" ").key_up(Keys.CONTROL).perform()
    hints = wait_for(browser, ec.presence_of_element_located((By.CSS_SELECTOR, ".CodeMirror-hints")))
    assert {"pkg:Indicator", "pkg:IndicatorTarget"} <= set(hints.text.split())
    screenshot(browser, "query-page-autocompletion")
    ActionChains(browser).send_keys(Keys.DOWN, Keys.DOWN, Keys.ENTER).perform()
    assert "?target a pkg:IndicatorTarget" in editor_value(browser)
    # property completion from this graph, on a fresh line
    set_editor(browser, "SELECT ?target ?value WHERE {\n  ?target a pkg:IndicatorTarget .\n}")
    browser.execute_script("window.policykgEditor.setCursor({line: 1, ch: 100}); window.policykgEditor.focus()")
    ActionChains(browser).send_keys(Keys.ENTER, "?target pkg:val").perform()
    ActionChains(browser).key_down(Keys.CONTROL).send_keys(" ").key_up(Keys.CONTROL).perform()
    hints = wait_for(browser, ec.presence_of_element_located((By.CSS_SELECTOR, ".CodeMirror-hints")))
    assert {"pkg:value", "pkg:valueText"} <= set(hints.text.split())
    screenshot(browser, "query-page-property-completion")
    ActionChains(browser).send_keys(Keys.ENTER, " ?value .").perform()
    assert "?target pkg:value ?value ." in editor_value(browser)
    browser.find_element(By.ID, "run").click()
    wait_for(browser, ec.presence_of_element_located((By.CSS_SELECTOR, "#results table.dataTable")))
    assert len(results_rows(browser)) == len(expected_rows("SELECT ?t { ?t a pkg:IndicatorTarget ; pkg:value ?v }"))

    # sort by ?value, descending on the second click
    header = browser.find_element(By.XPATH, "//table[contains(@class,'dataTable')]//th[normalize-space()='value']")
    header.click()
    header.click()
    first = results_rows(browser)[0].text
    assert "67,000" in first

    # page through a larger result
    set_editor(browser, "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 45")
    browser.find_element(By.ID, "run").click()
    wait_for(browser, lambda d: d.find_element(By.ID, "status").text.startswith("45 行 rows"))
    assert len(results_rows(browser)) < 45
    page_one = results_rows(browser)[0].text
    browser.find_element(By.CSS_SELECTOR, ".dataTables_paginate .next, .paginate_button.next").click()
    assert results_rows(browser)[0].text != page_one

    # download CSV from the endpoint
    browser.find_element(By.CSS_SELECTOR, '#download-links a[data-format="csv"]').click()
    csv = downloads / "results.csv"
    deadline = time.monotonic() + 20
    while not csv.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert csv.read_text(encoding="utf-8").splitlines()[0] == "s,p,o"
    assert len(csv.read_text(encoding="utf-8").strip().splitlines()) == 46

    # the chart view of a numeric result
    chart = ('SELECT ?label ?value WHERE { ?t pkg:value ?value ; rdfs:label ?label FILTER(LANG(?label) = "zh") } '
             "ORDER BY DESC(?value)")
    values = [row["value"] for row in expected_rows(chart)]
    set_editor(browser, chart)
    browser.find_element(By.ID, "run").click()
    wait_for(browser, lambda d: d.find_element(By.ID, "status").text.startswith(f"{len(values)} 行 rows"))
    browser.find_element(By.XPATH, "//*[contains(@class,'yasr')]//*[normalize-space()='图表 Chart']").click()
    bars = wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#results .chart svg rect.bar"))
    assert len(bars) == len(values)
    chart_text = browser.find_element(By.CSS_SELECTOR, "#results .chart svg").text
    assert "67,000" in chart_text and values[-1] in chart_text
    screenshot(browser, "query-page-chart")
    assert csp_violations(browser) == []


def test_shared_link_reopens_and_runs_the_query(browser, live_server):
    from selenium.webdriver.common.by import By

    query = "ASK { ?s a pkg:Notice }"
    browser.get(live_server.url + "/?" + urlencode({"query": query}))
    wait_for(browser, lambda d: "ASK" in d.find_element(By.ID, "status").text)
    assert browser.find_element(By.ID, "status").text.startswith("ASK true")
    assert editor_value(browser) == query


def test_errors_are_shown_and_marked(browser, live_server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    browser.get(live_server.url + "/")
    set_editor(browser, "SELECT * WHERE {\n  ?s ?p ?o ?x }")
    browser.find_element(By.ID, "run").click()
    wait_for(browser, lambda d: d.find_element(By.ID, "status").text.startswith("400"))
    assert "not valid SPARQL" in browser.find_element(By.ID, "results").text
    marker = wait_for(browser, ec.presence_of_element_located((By.CSS_SELECTOR, ".server-error-marker")))
    assert "line 2" in marker.get_attribute("title")
    screenshot(browser, "query-page-error")


@pytest.mark.parametrize(
    "iri", ["javascript:alert(1)", "JavaScript:alert(document.domain)", "data:text/html,<script>alert(1)</script>",
            "http://example.org/'onmouseover='alert(1)"],
)
def test_no_script_from_result_iris(browser, live_server, iri):
    """Issue 11 item 7: a query binding a `javascript:` IRI, opened from a link, runs nothing."""
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    query = f'SELECT ?x WHERE {{ BIND(IRI("{iri}") AS ?x) }}'
    browser.get(live_server.url + "/?" + urlencode({"query": query}))
    wait_for(browser, ec.presence_of_element_located((By.CSS_SELECTOR, "#results table.dataTable")))
    links = browser.execute_script(
        "return Array.from(document.querySelectorAll('#results a[href]')).map(a => a.getAttribute('href'))")
    assert all(link.startswith(("http://", "https://", "/", "#")) for link in links), links
    assert not browser.find_elements(By.CSS_SELECTOR, "#results [onmouseover], #results script")
    for cell in browser.find_elements(By.CSS_SELECTOR, "#results .iri"):
        cell.click()
    time.sleep(0.3)
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018
    assert csp_violations(browser) == []


def test_inline_script_is_refused_by_the_policy(browser, live_server):
    """The CSP itself: a script element added to the page from outside does not run."""
    browser.get(live_server.url + "/")
    browser.execute_script(
        "const s = document.createElement('script'); s.textContent = 'window.__ran = true';"
        "document.body.appendChild(s);")
    assert browser.execute_script("return window.__ran === true") is False
    assert any("inline script" in message for message in csp_violations(browser))  # reported, and the log drained


def test_no_external_resources(browser, live_server):
    browser.get(live_server.url + "/")
    sources = browser.execute_script(
        "return Array.from(document.querySelectorAll('script[src], link[href]')).map(e => e.src || e.href)")
    assert sources and all(src.startswith(live_server.url) for src in sources)
    requested = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert all(url.startswith(live_server.url) for url in requested), requested


@pytest.fixture(scope="module")
def real_server(built):
    """The real build served (the analysis views need the corpus, not the hand-written fixture)."""
    from server_testkit import start_live_server

    from policykg import config as project_config
    from policykg.server.app import create_app
    from policykg.server.config import ServerConfig

    app = create_app(ServerConfig(data_dir=built.path.parent.parent, workers=1,
                                  queries_dir=project_config.CORPUS_DIR.parent / "queries"))
    live, stop = start_live_server(app)
    yield live
    stop()
    app.extensions["policykg"].executor.close()


def full_page_screenshot(driver, name: str) -> Path:
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(max(1000, height), 4000))
    try:
        return screenshot(driver, name)
    finally:
        driver.set_window_size(1280, 1000)


def test_each_analysis_view_opens_with_its_picture(browser, real_server):
    from selenium.webdriver.common.by import By

    browser.get(real_server.url + "/analysis/")
    cascades = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#cascades a")]
    assert cascades
    full_page_screenshot(browser, "analysis-index")
    views = [cascades[0], real_server.url + "/analysis/groups", real_server.url + "/analysis/programmes",
             real_server.url + "/analysis/timeline"]
    for url in views:
        browser.get(url)
        svg = browser.find_element(By.CSS_SELECTOR, "figure.chart svg")
        assert svg.size["width"] > 300 and svg.size["height"] > 50
        assert re.search(r"[\u4e00-\u9fff]", svg.text), url  # Chinese labels in the picture
        assert browser.find_element(By.PARTIAL_LINK_TEXT, "CSV").get_attribute("href").endswith(".csv")
        full_page_screenshot(browser, "analysis-" + url.rstrip("/").rsplit("/", 1)[1])
    # the stated query opens in the editor and gives the rows of the view
    browser.get(views[0])
    rows_in_view = len(browser.find_elements(By.CSS_SELECTOR, "table.data tbody tr"))
    browser.find_element(By.PARTIAL_LINK_TEXT, "Open this query in the editor").click()
    wait_for(browser, lambda d: "rows" in d.find_element(By.ID, "status").text)
    assert rows_in_view > 0
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#results span.label[lang=zh]"))
    full_page_screenshot(browser, "query-page-cascade-query-on-the-corpus")
    assert csp_violations(browser) == []


@pytest.mark.parametrize(
    "query",
    ['SELECT ?x WHERE { BIND("<img src=x onerror=alert(1)>" AS ?x) }',
     'SELECT ?x WHERE { BIND(STRDT("<img src=x onerror=alert(1)>", <http://example.org/t>) AS ?x) }',
     "SELECT * WHERE { ?s ?p <img src=x onerror=alert(1)> }"],
)
def test_no_markup_from_literals_or_error_messages(browser, live_server, query):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    browser.get(live_server.url + "/?" + urlencode({"query": query}))
    wait_for(browser, lambda d: d.find_element(By.ID, "status").text not in ("", "运行中 running…"))
    time.sleep(0.3)
    assert not browser.find_elements(By.CSS_SELECTOR, "#results img")
    assert "<img src=x onerror=alert(1)>" in browser.find_element(By.ID, "results").text
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018
