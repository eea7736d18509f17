"""New pages in the tests' browser, with the network on or off as a phone would have it."""

from __future__ import annotations

from typing import Any

# What a page reads on a device without network; runs before the page's own scripts.
_NO_NETWORK = 'Object.defineProperty(Navigator.prototype, "onLine", {get: () => false});'


def new_page(browser: Any, *, offline: bool, **context_args: Any) -> Any:
    """A page in a fresh context. Offline, as on a phone without signal: requests fail and
    `navigator.onLine` is false (the maps read it to decide whether to ask for tiles).
    Playwright's `offline=True` cuts the requests but, with Debian's chromium 150, leaves
    `navigator.onLine` true, and Chrome's own network emulation is lost when a page moves
    to a file:// address; so the page is also told, before any of its scripts run."""
    context = browser.new_context(offline=offline, **context_args)
    if offline:
        context.add_init_script(_NO_NETWORK)
    return context.new_page()
