"""The browser tests' one Chromium per module (the constants and the skip rule live in test_admin_browser.py)."""

import pytest

from tests.e2e.test_admin_browser import CHROMIUM, CHROMIUM_ARGS, _unavailable


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[dev]')")
    # Playwright's sync API keeps an asyncio loop running in this thread, which makes Django refuse
    # ORM calls from it (SynchronousOnlyOperation) while the browser is open.
    with pytest.MonkeyPatch.context() as env, sync_playwright() as playwright:
        env.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
