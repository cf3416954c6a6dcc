"""What the browser tests share: the UI helper (pages, signing in, language, screenshots) and checks.

Imported by the tests as ``browser_helpers`` (pytest puts this folder on sys.path).
"""

from __future__ import annotations

import itertools
import os
import re
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.demo import DEMO_PASSWORD

CHECKOUT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"  # git-ignored; look at them
VIEWPORT = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"  # axe-core, vendored (MPL-2.0, see its header)


@dataclass
class LiveServer:
    """The served application: its address, its database file and its log."""

    url: str
    database: Path
    log: Path
    process: subprocess.Popen = field(repr=False)

    def __call__(self, path: str) -> str:
        return self.url + path

    def query(self, sql: str, *params: Any) -> list[tuple]:
        """Read the server's database directly (a real SQLite file), e.g. to find a plan's id."""
        with sqlite3.connect(f"file:{self.database}?mode=ro", uri=True) as connection:
            return connection.execute(sql, params).fetchall()

    def plan_id(self, municipality: str, year: int, kind: str) -> int:
        rows = self.query("SELECT p.id FROM annual_plan p JOIN municipality m ON m.id = p.municipality_id "
                          "WHERE m.slug = ? AND p.year = ? AND p.kind = ?", municipality, year, kind)
        assert rows, f"no {kind} plan of {municipality} for {year} in the demo database"
        return rows[0][0]

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


@contextmanager
def served_app(server: LiveServer) -> Iterator[tuple[Any, Any]]:
    """(session, registry) of an app of this process on the served database, in a request context, to write
    what a test needs through the services (commit it); the session is closed and the engine let go after, so
    the server sees the file as it was left."""
    from core.app import create_app
    from core.db import get_session

    os.environ["SOCIALPLAN_INSTANCE_PATH"] = str(server.database.parent)
    app = create_app({"TESTING": True, "SECRET_KEY": "browser-tests-secret-key-0123456789",
                      "DATABASE_URL": f"sqlite:///{server.database}"})
    try:
        with app.test_request_context():
            yield get_session(), app.extensions["socialplan.registry"]
            get_session().close()
    finally:
        app.extensions["socialplan.engine"].dispose()


# --- the UI helper ----------------------------------------------------------------------------------------


class UI:
    """Pages in fresh browser contexts, signing in, the language switcher and screenshots."""

    def __init__(self, browser: Any, server: LiveServer) -> None:
        self.browser, self.server = browser, server
        self.contexts: list[Any] = []

    def page(self) -> Any:
        context = self.browser.new_context(viewport=VIEWPORT, accept_downloads=True, locale="en-GB")
        context.set_default_timeout(20_000)
        self.contexts.append(context)
        return context.new_page()

    def sign_in(self, email: str, password: str = DEMO_PASSWORD) -> Any:
        """A new page signed in as ``email`` through the sign-in form, on the page the app sends it to."""
        page = self.page()
        page.goto(self.server("/login"))
        page.locator("#email").fill(email)
        page.locator("#password").fill(password)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        assert "/login" not in page.url, f"{email} could not sign in: {text_of(page.locator('main'))}"
        return page

    def switch_language(self, page: Any, locale: str) -> None:
        """Use the header's language switcher; the page reloads in ``locale``."""
        with page.expect_navigation():
            page.locator(f"form.lang-switch button[name=locale][value={locale}]").click()
        assert html_lang(page) == locale

    def screenshot(self, page: Any, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        for context in self.contexts:
            context.close()


# --- small functions the tests share ---------------------------------------------------------------------


def text_of(locator: Any) -> str:
    """The visible text with runs of white space (also no-break spaces) made single spaces."""
    return re.sub(r"\s+", " ", locator.inner_text()).strip()


def html_lang(page: Any) -> str:
    return page.locator("html").get_attribute("lang")


UNLABELLED_CONTROLS_JS = """
() => Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(el => !['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type))
  .filter(el => {
    const labelled = Array.from(el.labels || []).some(label => label.textContent.trim() !== '');
    const aria = (el.getAttribute('aria-label') || '').trim() !== '';
    const ids = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
    const by = ids.length > 0 && ids.every(id => (document.getElementById(id)?.textContent || '').trim() !== '');
    return !(labelled || aria || by);
  })
  .map(el => el.outerHTML.slice(0, 160))
"""


def unlabelled_controls(page: Any) -> list[str]:
    """Inputs, selects and text areas with neither a label with text, nor aria-label(ledby)."""
    return page.evaluate(UNLABELLED_CONTROLS_JS)


FOCUS_STYLE_JS = """
(el) => {
  const s = getComputedStyle(el);
  return {outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`, outlineStyle: s.outlineStyle,
          outlineWidth: parseFloat(s.outlineWidth) || 0, boxShadow: s.boxShadow, background: s.backgroundColor};
}
"""


def focus_indicator(page: Any, element: Any) -> tuple[dict, dict]:
    """The element's computed outline, box shadow and background while focused and after it loses focus."""
    focused = element.evaluate(FOCUS_STYLE_JS)
    element.evaluate("el => el.blur()")
    blurred = element.evaluate(FOCUS_STYLE_JS)
    return focused, blurred


def tab_to(page: Any, matches: Callable[[dict], bool], limit: int = 80) -> dict:
    """Press Tab (from where the focus is: the top of a page just loaded) until the focused element
    ``matches``; return its description. Only the keyboard moves the focus."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = page.evaluate("""() => { const el = document.activeElement;
            return {tag: el.tagName.toLowerCase(), text: (el.innerText || el.value || '').trim().replace(/\\s+/g, ' '),
                    href: el.getAttribute('href') || '', type: el.getAttribute('type') || '',
                    name: el.getAttribute('name') || '', id: el.id || '', cls: el.className || ''}; }""")
        seen.append(f"{info['tag']}:{info['text'][:30]}")
        if matches(info):
            return info
    raise AssertionError(f"Tab never reached the element; focus went through: {seen}")


CONTRAST_JS = "\n".join(line for line in (Path(__file__).parent / "contrast.js").read_text().splitlines()
                        if not line.startswith("//"))


def contrast_failures(page: Any) -> list[str]:
    """Visible text whose contrast with its background is below WCAG AA (4.5:1, 3:1 for large text)."""
    return page.evaluate(CONTRAST_JS)


# --- page checks: horizontal scroll, raw codes, axe-core ------------------------------------------------


def horizontal_overflow(page: Any) -> int:
    """How many CSS pixels the page scrolls sideways (0 when it fits its window's width)."""
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


STICKING_OUT_JS = """
() => {
  const width = document.documentElement.clientWidth, found = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.right <= width + 0.5) continue;
    let framed = false;  // inside a frame that scrolls or clips it: not the page's overflow
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(up).overflowX)) { framed = true; break; }
    }
    const classes = typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim() : '';
    const name = `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${classes}`;
    if (!framed) found.push(`${name} to ${Math.round(box.right)} px`);
  }
  return found.slice(0, 4);
}
"""


def sticking_out(page: Any) -> list[str]:
    """The elements that reach past the window's right edge outside any frame of their own."""
    return page.evaluate(STICKING_OUT_JS)


VISIBLE_TEXTS_JS = """
() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const texts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    const parent = node.parentElement;
    if (!text || !parent || ['SCRIPT', 'STYLE'].includes(parent.tagName)) continue;
    if (parent.tagName !== 'OPTION' && !parent.checkVisibility()) continue;
    texts.push(text);
  }
  return texts;
}
"""


def visible_texts(page: Any) -> list[str]:
    """Every text node a reader sees (options of a select included), white space made single spaces."""
    return page.evaluate(VISIBLE_TEXTS_JS)


def raw_codes(page: Any, anywhere: tuple[str, ...], whole: tuple[str, ...]) -> list[str]:
    """Codes a reader should never see: ``anywhere`` inside any text, ``whole`` as the whole text of a node
    (a cell reading 'strategic', an option reading 'romania'); case-sensitive."""
    found = []
    for text in visible_texts(page):
        found += [f"{code!r} in {text[:80]!r}" for code in anywhere if code in text]
        if text in whole:
            found.append(f"{text!r} on its own")
    return found


def axe_violations(page: Any) -> list[str]:
    """axe-core's violations of any impact on the page as it is, one line each with the first elements."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, so the page's Content-Security-Policy (script-src 'self')
        # does not apply; never loaded from a CDN.
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;true")
    violations = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
        .violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                               nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))""")
    return [f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(v['nodes'])}" for v in violations]


HEADINGS_JS = """
() => Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6, caption, legend, label'))
  .filter(el => el.checkVisibility() && !el.closest('.visually-hidden'))  // what the eye sees
  .map(el => [el.tagName.toLowerCase(), el.textContent.replace(/\\s+/g, ' ').trim()])
"""


def heading_problems(page: Any) -> list[str]:
    """One h1 a page, and no heading (caption, legend, label) saying what the one just before it said."""
    shown = page.evaluate(HEADINGS_JS)
    h1 = [tag for tag, _text in shown].count("h1")
    problems = [] if h1 == 1 else [f"{h1} h1 headings"]
    problems += [f"{tag} repeats the {before[0]} just before it: {text!r}"
                 for before, (tag, text) in itertools.pairwise(shown) if text and text == before[1]]
    return problems


def header_lines(page: Any) -> int:
    """On how many lines the site header's parts (brand, menu, switches, sign-out) lie."""
    tops = page.evaluate("""() => Array.from(document.querySelectorAll('.site-header > *'))
        .filter(el => el.checkVisibility()).map(el => el.getBoundingClientRect())
        .map(box => box.top + box.height / 2)""")
    lines: list[float] = []
    for middle in sorted(tops):
        if not lines or middle - lines[-1] > 16:  # a new line starts a line-height or more below
            lines.append(middle)
    return len(lines)
