"""What the browser tests share: the UI helper (pages, signing in, language, screenshots) and checks.

Imported by the tests as ``browser_helpers`` (pytest puts this folder on sys.path).
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.demo import DEMO_PASSWORD

CHECKOUT = Path(__file__).resolve().parents[2]
SCREENSHOTS = CHECKOUT / "artifacts" / "screenshots"
VIEWPORT = {"width": 1280, "height": 900}


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
