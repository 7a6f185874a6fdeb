"""`handouts serve` in a real browser: Debian's headless Chromium, driven by Playwright (no browser download)."""

from __future__ import annotations

import shutil

import pytest

from .conftest import FIXTURES
from .test_serve import DEMO_TITLE, WAIT, Served, built, edit, project  # noqa: F401 (a fixture)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture
def browser_page(tmp_path):
    """A page of a fresh headless Chromium (its own user-data-dir), or a skip saying why there is none."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    if not shutil.which("chromium"):
        pytest.skip("no chromium on this machine: `scripts/system-deps --test` installs Debian's package")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=CHROMIUM, headless=True, args=ARGS,
            viewport={"width": 1400, "height": 900})
        try:
            yield context.new_page()
        finally:
            context.close()


def it_shows_pages_slides_and_highlights_and_updates_after_a_save(project, browser_page):  # noqa: F811
    content = project / "content.yaml"
    edit(content, "You can buy it as a supplement.", "You can buy it as a supplement. It is the best way to heal.")
    line = next(i for i, text in enumerate(content.read_text().splitlines(), 1) if "best way to heal" in text)
    server = Served(project, "content.yaml")
    try:
        server.wait("the first preview", built)
        page = browser_page
        page.set_default_timeout(WAIT * 1000)
        page.goto(server.url)
        page.wait_for_function("() => document.querySelectorAll('#pages img.page').length >= 2 && "
                               "[...document.querySelectorAll('#pages img.page')].every(i => i.naturalWidth > 0)")
        assert page.inner_text("#title") == "Leaky gut and L-glutamine: what one article says"
        standard = page.locator("#pages img.page").count()

        slides = page.locator("#slides .slide")
        assert slides.count() >= 5
        first = slides.nth(0).inner_text() or slides.nth(0).locator("img").get_attribute("alt")
        assert "Leaky gut" in first
        assert "Notes:" in page.inner_text("#slides")

        claims = page.locator("#text mark.claim").all_inner_texts()
        assert "best way" in claims
        page.locator("#findings li:not(.accepted)", has_text="absolute-claim").click()
        detail = page.inner_text("#detail")
        assert f"content.yaml:{line}:" in detail and "Fix:" in detail and "PIF TICK" in detail
        assert page.locator("#text mark.claim.active").count() >= 1

        page.click("#show-large")
        page.wait_for_function(f"() => document.querySelectorAll('#pages img.page').length > {standard}")
        page.click("#show-standard")
        page.wait_for_function(f"() => document.querySelectorAll('#pages img.page').length === {standard}")

        panel = page.locator("#handout-panel")
        panel.evaluate("p => p.scrollTop = 500")
        before = page.get_attribute("#pages img.page", "src")
        edit(content, DEMO_TITLE, 'title: "Leaky gut: what a browser sees"')
        page.wait_for_function("() => document.getElementById('title').textContent === "
                               "'Leaky gut: what a browser sees'")
        page.wait_for_function(f"() => document.querySelector('#pages img.page').getAttribute('src') !== {before!r}")
        assert panel.evaluate("p => p.scrollTop") == 500, "the update keeps the scroll position"
        page.wait_for_function("() => [...document.querySelectorAll('#slides .slide')].some(s => "
                               "s.innerText.includes('what a browser sees') || "
                               "(s.querySelector('img') || {alt: ''}).alt.includes('what a browser sees'))")
    finally:
        code, _, err = server.stop()
    assert code == 0 and "Traceback" not in err


def it_lists_a_folders_topics_with_their_status_and_previews_the_one_clicked(tmp_path, browser_page):
    topics = tmp_path / "topics"
    topics.mkdir()
    good = (FIXTURES / "minimal.yaml").read_text()
    (topics / "a-first.yaml").write_text(good)
    (topics / "b-second.yaml").write_text(good.replace("title: Test handout", "title: Second handout"))
    (topics / "c-broken.yaml").write_text(good.replace("title: Test handout", "title: [a, b]"))
    server = Served(tmp_path, "topics")
    try:
        page = browser_page
        page.set_default_timeout(WAIT * 1000)
        page.goto(server.url)
        page.wait_for_function("() => document.querySelectorAll('#topics button').length === 3 && "
                               "document.querySelector('#pages img.page')")
        statuses = page.eval_on_selector_all("#topics button", "bs => bs.map(b => b.dataset.status)")
        assert statuses == ["warnings", "warnings", "errors"]
        page.locator("#topics button", has_text="b-second").click()
        page.wait_for_function("() => document.getElementById('title').textContent === 'Second handout' && "
                               "document.querySelector('#pages img.page')")
        page.locator("#topics button", has_text="c-broken").click()
        page.wait_for_function("() => document.getElementById('error').classList.contains('shown')")
        assert "c-broken.yaml:1:" in page.inner_text("#error-text")
    finally:
        code, _, err = server.stop()
    assert code == 0 and "Traceback" not in err
