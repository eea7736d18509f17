"""The planning page in Debian's chromium (Playwright) against a real uvicorn server on
the tiny data: edit in the panel, re-plan, read the diff, drag a visit, switch language;
nothing leaves 127.0.0.1 when the computer is offline; hostile names stay text."""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from outreach_planner.outputs import write_outputs
from outreach_planner.planner import load_inputs, make_plan
from outreach_planner.web.workspace import Workspace, folder_settings

TINY = Path(__file__).parent / "data" / "tiny"
HOSTILE = '<img src=x onerror="window.__hacked=1">'

pytestmark = pytest.mark.browser




@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """uvicorn in a thread on a free port, serving a planned copy of the tiny data with
    one village renamed to markup."""
    import uvicorn

    from outreach_planner.web.app import create_app

    folder = tmp_path_factory.mktemp("served") / "work"
    shutil.copytree(TINY, folder)
    villages = json.loads((folder / "villages.geojson").read_text(encoding="utf-8"))
    villages["features"][-1]["properties"]["name"] = HOSTILE
    (folder / "villages.geojson").write_text(json.dumps(villages, ensure_ascii=False), "utf-8")
    settings = folder_settings(folder)
    write_outputs(make_plan(settings, load_inputs(settings)), folder / "maps")
    config = uvicorn.Config(create_app(Workspace(folder)), host="127.0.0.1", port=0,
                            log_level="warning", lifespan="off")  # fmt: skip
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    port = srv.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/", folder
    srv.should_exit = True
    thread.join(10)


def _open(browser, url: str, *, online: bool = False, width: int = 1366, height: int = 768):
    """The page with every request outside the server refused and recorded; `online`
    False tells the page the computer is offline (navigator.onLine)."""
    context = browser.new_context(viewport={"width": width, "height": height})
    if not online:
        context.add_init_script("Object.defineProperty(navigator, 'onLine', {get: () => false})")
    page = context.new_page()
    errors: list[str] = []
    outside: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: d.accept())

    def guard(route) -> None:
        if route.request.url.startswith(url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.goto(url)
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=30000)
    return page, errors, outside


def test_offline_nothing_leaves_the_computer_and_names_stay_text(browser, server) -> None:
    url, folder = server
    page, errors, outside = _open(browser, url)
    page.wait_for_timeout(300)
    assert outside == []
    assert errors == []
    # The stop with the hostile village: its name is shown as text, never run.
    page.click("#tabs button[data-tab=runs]")
    rows = page.locator("tr.visit")
    assert rows.count() > 0
    stops = json.loads(page.evaluate("JSON.stringify(S.stops)"))
    hostile = next(s for s in stops if any(v["name"] == HOSTILE for v in s["villages"]))
    page.evaluate(f"selectStop({json.dumps(hostile['id'])})")
    assert HOSTILE in page.locator("#stop-facts").inner_text()
    assert page.locator("#stop-facts img").count() == 0
    assert page.evaluate("window.__hacked") is None
    page.context.close()


def test_online_the_page_asks_for_map_tiles(browser, server) -> None:
    """The other side of the offline test: online, tiles are requested (and refused here)."""
    url, _ = server
    page, errors, outside = _open(browser, url, online=True)
    page.wait_for_timeout(500)
    assert outside and all(u.startswith("https://tile.openstreetmap.org/") for u in outside)
    page.context.close()


def test_disable_replan_diff_drag_and_english(browser, server) -> None:
    url, folder = server
    page, errors, outside = _open(browser, url)
    plan = json.loads((folder / "maps" / "plan.json").read_text(encoding="utf-8"))
    run = next(r for r in plan["runs"] if len(r["visits"]) >= 2)
    target = run["visits"][0]
    # Disable a stop in the panel: pick it in the runs list, untick, save.
    page.click("#tabs button[data-tab=runs]")
    page.locator(f"section.run[data-run='{run['id']}'] tr.visit").first.click()
    assert page.locator("#stop-name").inner_text() == target["stop_name"]
    page.uncheck("#stop-form input[name=enabled]")
    page.click("#stop-form button[type=submit]")
    page.wait_for_function("document.querySelector('#stop-form .msg.ok')?.textContent")
    row = next(line for line in (folder / "stops.csv").read_text(encoding="utf-8-sig")
               .splitlines() if line.startswith(target["stop_id"] + ","))  # fmt: skip
    assert ",no," in row
    # A refused edit shows its message next to the field and writes nothing.
    before = (folder / "stops.csv").read_bytes()
    page.fill("#stop-form input[name=priority]", "lots")
    page.click("#stop-form button[type=submit]")
    msg = page.locator("#stop-form .msg[data-for=priority]")
    msg.wait_for()
    assert "Ưu tiên" in msg.inner_text() and "số lớn hơn 0" in msg.inner_text()
    assert (folder / "stops.csv").read_bytes() == before
    # Re-plan; the diff names the stop that went.
    page.click("#replan")
    page.wait_for_function("document.querySelector('#diff')?.textContent.includes('%')",
                           timeout=120000)  # fmt: skip
    diff = page.locator("#diff").inner_text()
    assert target["stop_name"] in diff and "bỏ" in diff, diff
    assert "Lượt người nghe" in diff
    # Drag the first visit of a run to its end: the run is re-timed, nothing saved.
    plan_bytes = (folder / "maps" / "plan.json").read_bytes()
    page.click("#tabs button[data-tab=runs]")
    plan = json.loads(plan_bytes)
    run = next(r for r in plan["runs"] if len(r["visits"]) >= 2)
    card = page.locator(f"section.run[data-run='{run['id']}']")
    first = card.locator("tr.visit").first
    times_before = card.locator("tr.visit td.t").all_inner_texts()
    first.drag_to(card.locator("tr.dropzone"))
    page.wait_for_function("!document.querySelector('#reorder-bar').hidden")
    names = card.locator("tr.visit td:nth-child(2)").all_inner_texts()
    assert names[-1] == run["visits"][0]["stop_name"]
    assert card.locator("tr.visit td.t").all_inner_texts() != times_before
    assert (folder / "maps" / "plan.json").read_bytes() == plan_bytes
    page.click("#reorder-undo")
    # The History tab lists the edit; undo gives the stop back its visits' eligibility.
    page.click("#tabs button[data-tab=history]")
    page.wait_for_function("document.querySelector('#history')?.textContent.includes('enabled')")
    assert target["stop_name"] in page.locator("#history").inner_text()
    page.click("#undo")
    page.wait_for_function("document.querySelector('#history-msg.ok')?.textContent")
    row = next(line for line in (folder / "stops.csv").read_text(encoding="utf-8-sig")
               .splitlines() if line.startswith(target["stop_id"] + ","))  # fmt: skip
    assert ",yes," in row
    # English.
    page.click("#lang")
    assert page.locator("#replan").inner_text() == "Re-plan"
    assert page.locator("#tabs button[data-tab=runs]").inner_text() == "Runs"
    assert "People reached" in page.locator("#diff").inner_text()  # the diff follows
    assert errors == [] and outside == []
    page.context.close()


def test_two_tabs_on_one_stop_the_late_one_is_told_and_keeps_its_changes(browser, server) -> None:
    url, folder = server
    first, errors, _ = _open(browser, url)
    second = first.context.new_page()
    second.goto(url)
    second.wait_for_function("document.body.dataset.ready === '1'")
    for page in (first, second):
        page.evaluate("selectStop('S-B-2')")
    first.fill("#stop-form textarea[name=notes]", "đường trơn")
    first.click("#stop-form button[type=submit]")
    first.wait_for_function("document.querySelector('#stop-form .msg.ok')?.textContent")
    second.fill("#stop-form textarea[name=notes]", "chợ phiên")
    second.click("#stop-form button[type=submit]")
    msg = second.locator("#stop-form .msg[data-for='*']")
    msg.wait_for()
    assert "nơi khác" in msg.inner_text()
    assert second.locator("#stop-form textarea[name=notes]").input_value() == "chợ phiên"
    assert "đường trơn" in (folder / "stops.csv").read_text(encoding="utf-8-sig")
    second.click("#stop-form button[type=submit]")
    second.wait_for_function("document.querySelector('#stop-form .msg.ok')?.textContent")
    assert "chợ phiên" in (folder / "stops.csv").read_text(encoding="utf-8-sig")
    assert errors == []
    first.context.close()
