"""Browser fixtures: Playwright's Python package driving Debian's chromium (never a download).

Every page state a browser test visits is checked with axe-core (`assert_accessible`); the
main pages are also photographed at desktop and phone width into `screenshots/`.
"""

import os
import re
from functools import cache
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("UPRIGHT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Screenshots of the main pages, for a person to look at; ignored by git.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
# WCAG 2.0 and 2.1, levels A and AA; a serious or critical violation of any of them fails.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
FAILING_IMPACTS = {"serious", "critical"}

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chromium_browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (.ci/run installs it with apt)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium_browser, live_server):
    context = chromium_browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    csp_violations = []
    page.on(
        "console",
        lambda message: (
            csp_violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.csp_violations = csp_violations
    yield page
    context.close()


@cache
def _axe_script() -> str:
    # axe-playwright-python bundles axe-core's script: nothing is downloaded.
    from axe_playwright_python.sync_playwright import Axe

    return Axe().axe_script


def axe_failures(page) -> list[str]:
    """The serious and critical WCAG A/AA violations on the page as it is now, one line each."""
    # axe's own probes set inline styles, which the page's CSP refuses and reports: those
    # reports are the test's doing, not the page's, so they are dropped from the CSP check.
    csp_reports = getattr(page, "csp_violations", [])
    reports_before = len(csp_reports)
    # Injected once per document: the phone-width run on the same page reuses it.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_script())
    violations = page.evaluate("options => axe.run(options)", AXE_OPTIONS)["violations"]
    page.wait_for_timeout(100)  # console reports arrive after the run returns
    del csp_reports[reports_before:]
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}\n"
        f"    at {' '.join(node['target'])}: {node['html'][:200]}"
        for violation in violations
        if violation["impact"] in FAILING_IMPACTS
        for node in violation["nodes"]
    ]


def assert_accessible(page, state: str) -> None:
    """Fail on any serious or critical axe-core violation, naming the rule and the element."""
    failures = axe_failures(page)
    assert not failures, f"axe-core on {state} ({page.url}):\n" + "\n".join(failures)


def assert_fits_phone(page, state: str) -> None:
    """Nothing scrolls sideways: the page is no wider than the window."""
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, (
        f"{state} is {scroll_width}px wide in a {inner_width}px window ({page.url})"
    )


def save_screenshot(page, name: str) -> None:
    """A full-page picture named for the page and the window's width, e.g. worklist-390.png."""
    SCREENSHOTS.mkdir(exist_ok=True)
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    width = page.viewport_size["width"]
    page.screenshot(path=SCREENSHOTS / f"{slug}-{width}.png", full_page=True)


def page_problems(page, name: str, *, phone: bool = True) -> list[str]:
    """axe at desktop and phone width, and (for pages a nurse uses) no sideways scroll at phone
    width; both widths photographed. Returns what is wrong, so a tour can report every page."""
    problems = []
    page.set_viewport_size(DESKTOP)
    problems += axe_failures(page)
    save_screenshot(page, name)
    page.set_viewport_size(PHONE)
    if phone:
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > PHONE["width"]:
            problems.append(f"{scroll_width}px wide in a {PHONE['width']}px window")
    problems += axe_failures(page)
    save_screenshot(page, name)
    page.set_viewport_size(DESKTOP)
    return [f"{name} ({page.url}): {problem}" for problem in problems]


def check_page(page, name: str, *, phone: bool = True) -> None:
    """Fail on the first page with an axe violation or (phone=True) a sideways scroll."""
    problems = page_problems(page, name, phone=phone)
    assert not problems, "\n".join(problems)


def authenticator(username: str):
    """The user's enrolled authenticator app (one is set up for them if they have none)."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def sign_in(page, username: str, password: str = "correct-horse-battery") -> None:
    """Sign in through the real forms, with the keyboard: the password, then the code from
    the user's authenticator app (multi-factor sign-in stays on in the browser tests)."""
    from tests.conftest import totp_code

    device = authenticator(username)
    page.goto("/accounts/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    if "/accounts/second-factor/" in page.url:
        page.get_by_label("Code", exact=True).fill(totp_code(device))
        page.keyboard.press("Enter")
        page.wait_for_url(lambda url: "/accounts/second-factor/" not in url)
