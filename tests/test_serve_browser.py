"""The web explorer in a real headless Chromium (Debian's), driven by Playwright for Python.

Playwright's own browser download does not work here: the tests launch
``/usr/bin/chromium`` (``CAREERGRAPH_CHROMIUM`` overrides it). Without a
browser they skip, except under ``CI=true``, where they fail. Screenshots go
to ``tests/artifacts/``.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from _serve_helpers import EVIL_IRI, HOSTILE, hostile_graph, thread_server
from careergraph import CareerGraph, open_graph
from careergraph.serve import create_app

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = os.environ.get("CAREERGRAPH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _missing(why: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(why + " — CI must run the browser tests (.ci/run installs chromium)")
    pytest.skip(why)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed (pip install -e '.[test]')")
    if not Path(CHROMIUM).exists():
        _missing(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as p:  # each launch gets a fresh temporary profile (user data dir) of its own
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def seed_url():
    with thread_server(create_app(open_graph())) as url:
        yield url


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1200, "height": 900})
    pg = ctx.new_page()
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    ctx.close()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _pick(page, field: str, typed: str, expect: str, *, stays: bool = True) -> None:
    page.fill(f"input[name={field}]", typed)
    option = page.locator(".ac li", has_text=expect).first
    option.wait_for(timeout=5000)
    option.click()
    if stays:
        assert page.input_value(f"input[name={field}]") == expect


def test_find_a_route_step_by_step(page, seed_url):
    page.goto(seed_url + "/#/route")
    _pick(page, "from", "junior ml", "Junior ML Engineer")
    _pick(page, "to", "lead ml", "Lead ML Engineer")
    page.click("#route-form button[type=submit]")
    steps = page.locator("ol.steps > li.step")
    steps.first.wait_for(timeout=10000)
    assert steps.count() == 2
    heads = [steps.nth(i).locator(".step-head").inner_text() for i in range(2)]
    assert heads[0].startswith("Junior ML Engineer → Senior ML Engineer")
    assert heads[1].startswith("Senior ML Engineer → Lead ML Engineer")
    assert "promotion" in heads[0] and "source: career development" in heads[0]
    want = CareerGraph().path("Junior ML Engineer", "Lead ML Engineer").to_dict()["steps"]
    for i, step in enumerate(want):  # the page shows what the API answers, step by step
        shown = steps.nth(i)
        skills = shown.locator(".new-skills").inner_text()
        assert all(x in skills for x in step["new_skills"]) and (step["new_skills"] or "none" in skills)
        for x, ev in step.get("skill_evidence", {}).items():  # interpreted requirements carry the CLI's mark
            assert (f"{x} †" in skills) == (ev == "interpreted")
        assert shown.locator(".education").inner_text().startswith("Education: ")
        assert shown.locator(".salary").inner_text().startswith("Salary: ")
    assert "Mentoring" in steps.nth(1).locator(".new-skills").inner_text()
    page.locator("img.picture").evaluate("img => img.complete || new Promise(r => img.onload = r)")
    assert page.locator("img.picture").evaluate("img => img.naturalWidth") > 100
    _shot(page, "route")
    assert page.errors == []


def test_role_search_opens_the_profile(page, seed_url):
    page.goto(seed_url + "/")
    _pick(page, "role", "machine learning sci", "Machine Learning Scientist", stays=False)
    page.locator("#salaries table").wait_for(timeout=10000)
    assert page.locator("h1").inner_text() == "Machine Learning Scientist"
    assert "ZipRecruiter" in page.locator("#salaries").inner_text()
    assert "Ph.D." in page.locator("#education").inner_text()
    assert "Machine Learning Engineer" in page.locator("#moves-in").inner_text()
    assert "Python" in page.locator("#skills").inner_text()
    _shot(page, "profile")
    assert page.errors == []


def test_sparql_page_runs_a_library_query(page, seed_url):
    page.goto(seed_url + "/#/sparql")
    page.locator("select[name=example] option[value=ladder-above]").wait_for(state="attached", timeout=5000)
    page.select_option("select[name=example]", "ladder-above")
    # Playwright's own assertion polls from outside the page: a wait_for_function string is eval'd in
    # the page once the first check fails, which the page's CSP (script-src 'self') refuses
    from playwright.sync_api import expect

    expect(page.locator("textarea")).to_have_value(re.compile("ladder"), timeout=10000)
    page.click("form button[type=submit]")
    page.locator("#sparql-result table").wait_for(timeout=10000)
    assert "row(s)" in page.locator("#sparql-result").inner_text()
    _shot(page, "sparql")
    assert page.errors == []


def test_hostile_labels_stay_inert(browser):
    with thread_server(create_app(hostile_graph())) as url:
        ctx = browser.new_context(viewport={"width": 1200, "height": 900})
        page = ctx.new_page()
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(url + "/#/role?iri=" + EVIL_IRI)
        page.locator("#skills").wait_for(timeout=10000)
        assert page.locator("h1").inner_text() == HOSTILE  # shown as text, character for character
        assert "<b onmouseover=alert(1)>bold</b> skill" in page.locator("#skills").inner_text()
        page.goto(url + "/#/route?from=https://w3id.org/careergraph/id/role/senior-ml-engineer&to=" + EVIL_IRI)
        page.locator("ol.steps > li.step").first.wait_for(timeout=10000)
        assert HOSTILE in page.locator(".route h2").inner_text()
        page.fill("input[name=from]", "<img src=x")
        page.wait_for_timeout(400)
        page.locator("img.picture").evaluate("img => img.complete || new Promise(r => img.onload = r)")
        _shot(page, "hostile")
        assert page.evaluate("window.__pwned") is None
        assert page.locator("script").count() == 1 and page.locator("img[src=x]").count() == 0
        assert dialogs == []
        ctx.close()
